//! Stated values for the round-31 classes (issue 15, branch capfix31): TensorRT-LLM AutoDeploy's
//! resized KV pool kept in its launch (`[[pool_resize]]`, no prefilter phrase), tpu-inference's
//! sharding `expert_parallelism=`, TensorRT-LLM's executor warning that reduces the attention
//! window and sequence length, and vLLM's `Graph capturing took` as a write-up abridges it.
//! Lines are real, each with its source; none is from the capfix31 set-aside (its four sources
//! were not opened).

mod common;

use common::{corpus, numbers};

/// gittensor-ai-lab/sparkinfer latency_ctx128_out128_max512_graphbs1.log at 13a0578 (heldout-47,
/// development part): trtllm-bench 1.3.0rc20 latency with AutoDeploy on an RTX 5090; a pool of 16
/// blocks (512 tokens), then the resized one of 32 (1024), the benchmark and its report.
const RESIZE: &str = "trtllm-repo-sparkinfer-13rc20-trtllm-bench-autodeploy-rtx5090-qwen3-moe-nvfp4-seq-512-kv-0.02-then-resize-0.05-tokens-1024-report.log";

/// The same harness's context sweep at 4224 tokens (heldout-35): one pool, then a CUDA error.
const ONE_POOL: &str = "trtllm-repo-sparkinfer-13rc20-trtllm-bench-autodeploy-rtx5090-qwen3-moe-nvfp4-seq-4224-blocks-132-kv-0.19-cuda-error.log";

/// vllm-project/tpu-inference f5f1d337 nohup.out: three starts of an lm-eval run on TPU v7x,
/// TP8, each printing its sharding configuration (`expert_parallelism=1`).
const TPU_TP8: &str = "vllm-repo-tpuinference-v1-016rc2dev-tpu-v7x-tp8-lm-eval-qwen35-397b-fp8-kv-three-launches-sigterm-assert-then-tokens-664320-init-769.86.log";

/// vllm-project/tpu-inference 66be5637 Successful-ep2-2-rank-run/rank0.txt: Gemma 4 26B-A4B on
/// four devices, TP2 with expert parallelism 2 (`attention_data_expert_parallelism=1` beside it).
const TPU_EP2: &str = "vllm-repo-tpuinference-v1-0231rc1dev-tpu-v7x-4-devices-tp2-ep2-gemma4-26b-a4b-fp8-kv-len-1524-tokens-2306320-init-878.62.log";

/// NetEase-Media/grps_trtllm e53b6274 docs/scheduler.md: the C++ executor's last start-up lines.
const EXECUTOR: &str = "trtllm-repo-grpstrtllm-scheduler-doc-executor-total-22.18-blocks-82-window-reduced-5185-kv-1.28-tokens-5248.log";

/// generative-computing/granite-switch#128: a write-up's column-aligned summary of a vLLM start.
const ABRIDGED: &str = "vllm-granite128-v1-abridged-summary-lines.log";

/// vllm-project/vllm#14696: vLLM 0.8 V1, the whole `Graph capturing finished` line.
const GRAPH_FULL: &str = "vllm-14696-v1-08x-gemma3-1b-weights-1.9134-compile-12.14-kv-1139728-concurrency-34.78-init-57.81.log";

#[test]
fn autodeploy_resized_pool_stays_in_its_launch() {
    let text = corpus(RESIZE);
    // Both pools, and the report after them, are the one launch's.
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 16.0), (1, 32.0)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 512.0), (1, 1024.0)]);
    assert_eq!(numbers(&text, "free_gpu_memory_fraction"), vec![(1, 0.9)]);
    assert!(numbers(&text, "max_batch_size").iter().all(|(l, _)| *l == 1));
    // The one-pool log of the same harness is one launch as before.
    let one = corpus(ONE_POOL);
    assert!(numbers(&one, "gpu_blocks").iter().all(|(l, _)| *l == 1));
    // The same start pasted twice is two launches: the second states its limits
    // (`Initial settings`, `[SequenceInfo:]`) before its first pool.
    let twice = format!("{text}{text}");
    let blocks = numbers(&twice, "gpu_blocks");
    assert_eq!(blocks, vec![(1, 16.0), (1, 32.0), (2, 16.0), (2, 32.0)]);
}

#[test]
fn autodeploy_resize_needs_an_autodeploy_start() {
    // The same two pool lines without AutoDeploy's `[AUTO-DEPLOY]` lines (a C++ or PyTorch
    // backend log) keep the rule they had: a rank's second pool summary is another run's.
    let text = corpus(RESIZE);
    let plain: String =
        text.lines().filter(|l| !l.contains("[AUTO-DEPLOY]")).map(|l| format!("{l}\n")).collect();
    let blocks = numbers(&plain, "gpu_blocks");
    assert_eq!(blocks.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn tpu_inference_expert_parallelism() {
    assert_eq!(numbers(&corpus(TPU_TP8), "ep_size"), vec![(1, 1.0), (2, 1.0), (3, 1.0)]);
    // `expert_parallelism=2`, not the `attention_data_expert_parallelism=1` after it.
    let ep2 = numbers(&corpus(TPU_EP2), "ep_size");
    assert!(!ep2.is_empty());
    assert!(ep2.iter().all(|&(l, v)| l == 1 && v == 2.0), "{ep2:?}");
}

#[test]
fn executor_reduces_window_and_sequence_length() {
    let text = corpus(EXECUTOR);
    assert_eq!(numbers(&text, "attention_window"), vec![(1, 5185.0)]);
    assert_eq!(numbers(&text, "max_model_len"), vec![(1, 5185.0)]);
    // The next line (`maxInputLen is reduced to 5184`) is no sequence length.
    assert!(!numbers(&text, "max_model_len").iter().any(|(_, v)| *v == 5184.0));
}

#[test]
fn abridged_graph_capture_line() {
    assert_eq!(numbers(&corpus(ABRIDGED), "graph_mem"), vec![(1, 0.64)]);
    // The whole line is read once, by its own phrase.
    assert_eq!(numbers(&corpus(GRAPH_FULL), "graph_mem"), vec![(1, 0.44)]);
}

/// alexawg2015/ai-docker 1dd14a52 logs/ollama.log: Ollama 0.24 in compose, CPU only, the Ollama
/// engine loading nomic-embed-text (trained on 2048 tokens) for an 8192-token request.
const OLLAMA_EMBED: &str = "llamacpp-repo-aidocker-ollama-0240-compose-cpu-only-ollama-engine-nomic-embed-f16-kv-2048-model-305.6-compute-234.log";

/// W00t3k/mainframe-ai 0969130c ollama.log: Ollama on an M1 Pro, nomic-embed-text then Llama 3.1.
const OLLAMA_TWO: &str = "llamacpp-repo-mainframeai-ollama-0130-metal-m1pro-two-launches-nomic-embed-then-llama31-8b-q4km-ctx-4096-kv-512-compute-284.01.log";

#[test]
fn ollama_context_clamp_and_batch() {
    let embed = corpus(OLLAMA_EMBED);
    assert!(numbers(&embed, "n_ctx_train").contains(&(1, 2048.0)));
    assert!(numbers(&embed, "n_batch").contains(&(1, 2048.0)));
    // The server's clamp is printed before it starts the runner (a start preamble): it opens
    // no launch of its own, and the second model is still the second launch.
    let two = corpus(OLLAMA_TWO);
    let train = numbers(&two, "n_ctx_train");
    assert_eq!(train.first(), Some(&(1, 2048.0)));
    assert!(train.contains(&(2, 131072.0)));
    assert!(numbers(&two, "n_ctx").iter().all(|(l, _)| *l <= 2));
}
