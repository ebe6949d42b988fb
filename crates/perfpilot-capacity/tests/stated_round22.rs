//! Stated values for the round-22 classes (issue 15, branch capfix22): a second start in one
//! paste announced by the command the user ran (a shell line, vLLM's container image run with
//! arguments) or by the server's start-up argument dump printed again, TensorRT-LLM's `LLM Args:` dump, and SGLang's `-1` switches. Lines are real, each with its source, stitched where a test needs two starts
//! (as a blog or a thread pastes excerpts of two runs); none is from the capfix22 set-aside (its
//! four logs were not opened).

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

/// dennislee22/vllm-test-results (heldout-26): vLLM 0.10.1.1 V1 on one A100 80G, Qwen2-7B,
/// `--gpu-memory-utilization 0.25`.
const DENNIS_025: &str = "vllm-dennislee-v1-01011-a100-80g-qwen2-7b-util-0.25-fresh-compile-58.25-kv-5.01-tokens-93872-init-89.58.log";

/// The same author's run with `--gpu-memory-utilization 0.5` (another log of the repository).
const DENNIS_05: &str = "vllm-dennislee-v1-01011-a100-80g-qwen2-7b-util-0.5-weights-14.2488-kv-24.83-tokens-464848-init-23.13.log";

/// vllm-project/vllm-ascend#9372: a `vllm serve` command and the two lines of its start the
/// user quoted (weights, a negative KV budget), no log prefix.
const ASCEND_9372: &str = "vllm-ascend9372-v1-vnpu-command-negative-kv-budget.log";

/// vLLM's documented container start (docs/deployment/docker.md): the image's entrypoint is the
/// server, the words after the image are its arguments.
const DOCKER_RUN: &str = "docker run --runtime nvidia --gpus all -v ~/.cache/huggingface:/root/.cache/huggingface --env \"HUGGING_FACE_HUB_TOKEN=<secret>\" -p 8000:8000 --ipc=host vllm/vllm-openai:latest --model mistralai/Mistral-7B-v0.1\n";

#[test]
fn a_container_image_run_with_arguments_opens_the_next_start() {
    // vllm-ascend#9372's command and refused start (its cache budget is negative: sized, and
    // refused), then the docker command, then dennislee's start (weights, KV sizing).
    let text = format!("{}{DOCKER_RUN}{}", corpus(ASCEND_9372), lines(DENNIS_025, 31, 44));
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, -0.87), (2, 5.01)]);
    assert_eq!(numbers(&text, "weights"), vec![(1, 27.54), (2, 14.25)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 93872.0)]);
    // The image named where no argument follows it (a compose `image:` row, vllm#51041) opens
    // nothing: both weights lines stay one launch's.
    let compose = "    image: swr.cn-north-4.myhuaweicloud.com/ddn-k8s/docker.io/vllm/vllm-openai:v0.26.0-cu129\n";
    let text = format!("{}{compose}{}", lines(ASCEND_9372, 5, 5), lines(DENNIS_025, 31, 31));
    assert_eq!(numbers(&text, "weights"), vec![(1, 27.54), (1, 14.25)]);
}

#[test]
fn a_command_after_a_run_that_logged_values_opens_the_next_start() {
    // dennislee's 0.25 run cut after its weights and compile lines (no cache sized, no command
    // pasted before it), then vllm-ascend#9372's `vllm serve` command and its start: the command
    // is the next run's.
    let text = format!("{}{}", lines(DENNIS_025, 30, 36), corpus(ASCEND_9372));
    assert_eq!(numbers(&text, "weights"), vec![(1, 14.25), (2, 27.54)]);
    assert_eq!(numbers(&text, "max_model_len"), vec![(2, 4096.0)]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(2, -0.87)]);
    // The command alone before its run's lines stays that run's (one launch).
    assert_eq!(numbers(&corpus(ASCEND_9372), "weights"), vec![(1, 27.54)]);
}

#[test]
fn vllm_argument_dump_printed_again_opens_the_next_start() {
    // Two starts of one server pasted with their API server's prefix trimmed (as a blog quotes
    // them): each start's `non-default args` dict (wrapped by the store over two lines), then
    // its KV sizing. The second dump, after the first start logged, is the second start's, so
    // its utilisation is launch 2's.
    let trim =
        |s: String| s.replace("(APIServer pid=1671) ", "").replace("(APIServer pid=2739) ", "");
    let text = format!(
        "{}{}{}{}",
        trim(lines(DENNIS_025, 3, 4)),
        lines(DENNIS_025, 42, 44),
        trim(lines(DENNIS_05, 3, 4)),
        lines(DENNIS_05, 42, 44)
    );
    assert_eq!(numbers(&text, "gpu_memory_utilization"), vec![(1, 0.25), (2, 0.5)]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 5.01), (2, 24.83)]);
    // One start's dump, then its lines: one launch.
    let one = format!("{}{}", trim(lines(DENNIS_05, 3, 4)), lines(DENNIS_05, 42, 44));
    assert_eq!(numbers(&one, "gpu_memory_utilization"), vec![(1, 0.5)]);
}

#[test]
fn a_space_separated_tensor_parallel_size_states_the_tp_size() {
    // dennislee's Ray 4-pod run (heldout-26), line 19: vLLM's ray_utils warning names the TP
    // size as `tensor_parallel_size=4 is bigger than …`.
    let name = "vllm-dennislee-v1-01011-ray-4pod-multinode-tp4-a100-80g-gptoss120b-ansi-kv-45.32-tokens-2640144-init-141.56.log";
    assert_eq!(numbers(&lines(name, 19, 19), "tp_size"), vec![(1, 4.0)]);
    // A keyword argument on its own line (vllm#44376's `llm_kwargs`) is still read once.
    let kwargs = "vllm-44376-v1-022-gh200-tp2-ep-dsv4-flash-llm-kwargs-refusal-30000-kv-5.44.log";
    assert_eq!(numbers(&lines(kwargs, 3, 3), "tp_size"), vec![(1, 2.0)]);
}

#[test]
fn trtllm_llm_args_dump_states_the_run_settings() {
    // TensorRT-LLM 1.1-1.3 py_executor_creator.py: `logger.info(f"LLM Args:\n{llm_args}")`, the
    // TorchLlmArgs str (pydantic: `name=value` separated by spaces, nested models as their repr).
    // No public log of the dump was found outside the capfix22 set-aside, so this checks the
    // wording the source prints (field names of llm_args.py), not a captured run.
    let text = "[12/01/2025-10:00:00] [TRT-LLM] [I] LLM Args:\n\
model='meta-llama/Llama-3.1-8B' tokenizer=None tokenizer_mode='auto' skip_tokenizer_init=False \
trust_remote_code=False tensor_parallel_size=2 dtype='auto' revision=None tokenizer_revision=None \
pipeline_parallel_size=1 context_parallel_size=1 max_input_len=1024 max_seq_len=2048 \
max_beam_width=1 max_num_tokens=8192 cuda_graph_config=CudaGraphConfig(batch_sizes=[1, 2, 4, 8], \
max_batch_size=8, enable_padding=False)\n";
    assert_eq!(numbers(text, "tp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(text, "pp_size"), vec![(1, 1.0)]);
    assert_eq!(numbers(text, "max_input_len"), vec![(1, 1024.0)]);
    // ` max_beam_width=` is read since round 25 (capfix25: one prefilter head shared with the
    // Triton backend's default warning, measured within the cost bound).
    assert_eq!(numbers(text, "max_beam_width"), vec![(1, 1.0)]);
    assert_eq!(numbers(text, "graph_max_bs"), vec![(1, 8.0)]);
    assert_eq!(numbers(text, "max_batch_size"), Vec::<(u32, f64)>::new());
}

#[test]
fn a_count_printed_as_the_off_switch_is_stated_as_printed() {
    // udbhav-ag/SGLang_setup sglang.log (heldout-36, development two thirds), line 4: SGLang 0.5.7's `server_args=
    // ServerArgs(…, chunked_prefill_size=-1, …, piecewise_cuda_graph_max_tokens=-1, …)`.
    let name = "sglang-repo-sglangsetup-057-hicache-mooncake-llama32-3b-mem-0.2-kv-25169-k-1.34-graph-0.33-host-11.55-ctx-35000.log";
    let text = lines(name, 4, 4);
    assert_eq!(numbers(&text, "graph_piecewise_max_tokens"), vec![(1, -1.0)]);
    assert!(numbers(&text, "chunked_prefill_size").contains(&(1, -1.0)));
}
