//! Stated values for the round-21 classes (issue 15, branch capfix21): trtllm-bench's settings
//! (the heuristic / initial settings line, the forced max_num_tokens, the closing `WORLD +
//! RUNTIME INFORMATION` table), TensorRT-LLM AutoDeploy's `SequenceInfo` and `dist_config`
//! lines, vLLM's backend block size and expert-parallel weight filter. Lines are real, each
//! with its source; none is from the capfix21 set-aside (its five logs were not opened).

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

/// gittensor-ai-lab/sparkinfer (heldout-35): TensorRT-LLM 1.3.0rc20's trtllm-bench latency with
/// the AutoDeploy backend on one RTX 5090 (bench/competitors/results/qwen3_awq_rtx5090_20260703/
/// trtllm_docker_nvfp4_ctx_sweep/latency_ctx4096_out128.log).
const SPARKINFER: &str = "trtllm-repo-sparkinfer-13rc20-trtllm-bench-autodeploy-rtx5090-qwen3-moe-nvfp4-seq-4224-blocks-132-kv-0.19-cuda-error.log";

/// alint77/jupiter-glm52-vllm-worklog (heldout-35): vLLM 0.23.1 dev, TP4 + EP on 4 x GH200
/// (baseline/server.out).
const JUPITER: &str = "vllm-repo-jupiterglm52-v1-0231dev-4x-gh200-tp4-ep-glm52-w4a16-offload-weights-54.82-kv-28.85-tokens-574336-init-92.87.log";

#[test]
fn trtllm_bench_settings_lines_state_batch_and_tokens() {
    // sparkinfer lines 41-43: `[bench] Initial settings: max_batch_size=96 (heuristic),
    // max_num_tokens=2304 (heuristic).`, `… Forcing max_num_tokens to 4192.`, `Setting PyTorch
    // max sequence length to 4224`.
    let text = lines(SPARKINFER, 41, 43);
    assert_eq!(numbers(&text, "max_batch_size"), vec![(1, 96.0)]);
    assert_eq!(numbers(&text, "max_num_tokens"), vec![(1, 2304.0), (1, 4192.0)]);
    // trtllm-bench 0.17 - 1.2's wording of the same line (tensorrt_llm/bench/benchmark/utils/
    // general.py get_settings), as NVIDIA/TensorRT-LLM docs/source/performance/perf-benchmarking.md
    // (04276b44) shows the run's log prefix.
    let old = "[01/18/2025-00:55:14] [TRT-LLM] [I] Max batch size and max num tokens not provided. \
               Using heuristics or pre-defined settings: max_batch_size=4096, max_num_tokens=8192.\n";
    assert_eq!(numbers(old, "max_batch_size"), vec![(1, 4096.0)]);
    assert_eq!(numbers(old, "max_num_tokens"), vec![(1, 8192.0)]);
}

#[test]
fn trtllm_bench_world_and_runtime_table_states_the_run_settings() {
    // NVIDIA/TensorRT-LLM docs/source/performance/perf-benchmarking.md (04276b44), the PyTorch
    // workflow's example output: the report is one logger.info of many lines.
    let doc = "[01/18/2025-01:01:42] [TRT-LLM] [I]\n\
===========================================================\n\
= WORLD + RUNTIME INFORMATION\n\
===========================================================\n\
TP Size:                1\n\
PP Size:                1\n\
Max Runtime Batch Size: 2048\n\
Max Runtime Tokens:     4096\n\
Scheduling Policy:      Guaranteed No Evict\n\
KV Memory Percentage:   90.00%\n";
    assert_eq!(numbers(doc, "tp_size"), vec![(1, 1.0)]);
    assert_eq!(numbers(doc, "pp_size"), vec![(1, 1.0)]);
    assert_eq!(numbers(doc, "max_batch_size"), vec![(1, 2048.0)]);
    assert_eq!(numbers(doc, "max_num_tokens"), vec![(1, 4096.0)]);
    // TensorRT-LLM 0.21 on prints `EP Size:` too, `None` where no expert parallelism was set
    // (a trtllm-bench report of 0.21.0rc0 in the code store, Llama-3.1-8B-Instruct): no value.
    let ep = "TP Size:                1\nPP Size:                1\nEP Size:                None\n\
              Max Runtime Batch Size: 3840\nMax Runtime Tokens:     7680\n";
    assert!(numbers(ep, "ep_size").is_empty());
    assert_eq!(numbers(ep, "max_batch_size"), vec![(1, 3840.0)]);
    assert_eq!(numbers(ep, "max_num_tokens"), vec![(1, 7680.0)]);
    // The table's labels in a sentence are no rows.
    let prose = "Note: the TP Size: 4 run used Max Runtime Tokens: 8192 on two nodes\n";
    assert!(numbers(prose, "tp_size").is_empty() && numbers(prose, "max_num_tokens").is_empty());
}

#[test]
fn autodeploy_sequence_info_and_dist_config_state_the_limits_and_sizes() {
    // sparkinfer lines 79 (`dist_config=world_size=1 rank=0 tp_size=1 pp_size=1 moe_tp_size=1
    // moe_ep_size=1 …`) and 81 (`[SequenceInfo:] self.max_seq_len=4224, self.max_batch_size=2,
    // self.max_num_tokens=4224, self.max_blocks_per_seq=132, self.tokens_per_block=32`).
    let text = lines(SPARKINFER, 79, 81);
    assert_eq!(numbers(&text, "tp_size"), vec![(1, 1.0)]);
    assert_eq!(numbers(&text, "pp_size"), vec![(1, 1.0)]);
    assert_eq!(numbers(&text, "ep_size"), vec![(1, 1.0)]);
    assert_eq!(numbers(&text, "max_model_len"), vec![(1, 4224.0)]);
    assert_eq!(numbers(&text, "max_batch_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(&text, "max_num_tokens"), vec![(1, 4224.0)]);
    assert_eq!(numbers(&text, "block_size"), vec![(1, 32.0)]);
    // The 1.1 - 1.2rc wording (a trtllm-serve AutoDeploy start of December 2025 in the code
    // store): `self.page_size=` for the tokens per page; `num_pages` (before the resize) unread.
    let old = "[12/20/2025-03:36:05] [TRT-LLM AUTO-DEPLOY] [RANK 0] [I] [SequenceInfo:] \
               self.max_seq_len=16384, self.max_batch_size=64, self.page_size=64, \
               self.max_num_tokens=8192 (inferred), max_num_tokens=8192 (provided), \
               self.num_pages=128, max_num_cache_loc_assignments=16448\n";
    assert_eq!(numbers(old, "max_model_len"), vec![(1, 16384.0)]);
    assert_eq!(numbers(old, "max_batch_size"), vec![(1, 64.0)]);
    assert_eq!(numbers(old, "block_size"), vec![(1, 64.0)]);
    assert!(numbers(old, "max_num_tokens").iter().all(|v| *v == (1, 8192.0)));
    assert!(numbers(old, "gpu_blocks").is_empty());
    // `tp_size=` in another program's line (no `dist_config=` before it) is not read here.
    let other =
        "[deltaserve] [worker] rank=0 local_rank=0 tp_size=2: spawning backward SFT child\n";
    assert!(numbers(other, "tp_size").is_empty());
}

#[test]
fn vllm_backend_block_size_and_expert_parallel_filter() {
    // jupiter-glm52 lines 59 (`EP weight filter: ep_size=4, ep_rank=0, loading 64/256 experts`)
    // and 65-68 (each worker: `Setting kv cache block size to 64 for DEEPSEEK_V32_INDEXER
    // backend.`), 4 x GH200.
    let text = format!("{}{}", lines(JUPITER, 59, 59), lines(JUPITER, 65, 68));
    assert_eq!(numbers(&text, "ep_size"), vec![(1, 4.0)]);
    let block = numbers(&text, "block_size");
    assert!(block.len() == 4 && block.iter().all(|b| *b == (1, 64.0)), "{block:?}");
    // A systemd journal of vLLM on a DeepSeek-V4 start (the code store, `sys0 vllm[67097]`):
    // the sparse SWA backend's 256-token blocks.
    let journal = "Aug 18 19:04:22 sys0 vllm[67099]: (Worker_TP2 pid=67099) INFO 08-18 19:04:22 \
                   [interface.py:635] Setting kv cache block size to 256 for DEEPSEEK_SPARSE_SWA backend.\n";
    assert_eq!(numbers(journal, "block_size"), vec![(1, 256.0)]);
}

/// ROCm/TheRock#2595 (heldout-33, the capfix20 set-aside third, scored in round 20 and
/// development data since): llama-server b7442 on gfx1151 dies in its params-fit step
/// (`Segmentation fault (core dumped)`), and the `--verbose` rerun's log, its command cut by the
/// paste, follows.
const THEROCK2595: &str = "llamacpp-therock2595-b7442-rocm-gfx1151-qwen3-next-80b-command-ctx-300000-then-verbose-ctx-300032-cut.log";

/// ggml-org/llama.cpp#9436 (development): a llava / MiniCPM-V run whose last line is the
/// shell's `Segmentation fault (core dumped)`.
const LLAMACPP9436: &str = "llamacpp-9436-llava-minicpmv-kv-448.log";

#[test]
fn a_shell_core_dump_report_ends_the_run() {
    let text = corpus(THEROCK2595);
    assert_eq!(numbers(&text, "n_ctx"), vec![(1, 300000.0), (2, 300032.0)]);
    assert_eq!(numbers(&text, "n_batch"), vec![(2, 2048.0)]);
    let model: Vec<u32> = numbers(&text, "model_buffer").into_iter().map(|(l, _)| l).collect();
    assert_eq!(model, vec![2, 2]);
    // Without the crash line the rerun's values are read into the first start (the paste holds
    // no other sign of a second process).
    let cut: String =
        text.lines().filter(|l| !l.contains("(core dumped)")).map(|l| format!("{l}\n")).collect();
    assert!(numbers(&cut, "n_batch").iter().all(|(l, _)| *l == 1));
    // A crash line that ends the paste opens nothing: one start.
    let single = corpus(LLAMACPP9436);
    let values =
        perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(&single));
    assert!(!values.is_empty() && values.iter().all(|v| v.launch == 1));
}

/// ollama/ollama#13085 (heldout-30): two journald windows of a comment, a runner's commit load
/// request and its memory summary, then a new runner's device lines and alloc load request.
const OLLAMA13085: &str = "llamacpp-ollama13085-engine-rocm-r9700-gfx1201-two-starts-weights-7.5-kv-576-graph-290-cut.log";

/// ollama/ollama#15930 (development): a runner started (`msg="starting runner" cmd=…`) up to its
/// first `load request="{Operation:fit …}"`.
const OLLAMA15930: &str =
    "llamacpp-ollama15930-rocm-journald-ollama-engine-load-request-kv4096.log";

#[test]
fn an_ollama_fit_or_alloc_request_after_a_finished_load_is_another_start() {
    let text = corpus(OLLAMA13085);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 4096.0), (2, 4096.0)]);
    assert_eq!(numbers(&text, "n_batch"), vec![(1, 512.0), (2, 512.0)]);
    assert_eq!(numbers(&text, "kv_device_size").len(), 1);
    // A runner's own fit request after its start line: one start.
    let single = corpus(OLLAMA15930);
    assert_eq!(numbers(&single, "kv_tokens"), vec![(1, 4096.0)]);
    // #13085's first window (the commit and its summary, lines 1-8), then #15930's fit request
    // alone (its runner's start line cut): the fit request is the second runner's.
    let two = format!("{}{}", lines(OLLAMA13085, 1, 8), lines(OLLAMA15930, 7, 7));
    assert_eq!(numbers(&two, "kv_tokens"), vec![(1, 4096.0), (2, 4096.0)]);
    // Without the summary (the first load not known to have ended) the request is not taken as
    // another start.
    let fit_only = format!("{}{}", lines(OLLAMA13085, 1, 1), lines(OLLAMA15930, 7, 7));
    assert_eq!(numbers(&fit_only, "kv_tokens"), vec![(1, 4096.0), (1, 4096.0)]);
}

/// javiercancela/javiercancela.github.io (heldout-28, the capfix18 set-aside third, development
/// data since round 18): TensorRT-LLM 1.2.0rc2's LLM API on an RTX 5060 Ti, C++ lines only: the
/// PyTorch backend's estimation pool (`[window size=8224]` below `max sequence length=9193`,
/// 0.56 GiB for 8224 tokens), then the final pool of the same start (3.23 GiB, 46976 tokens).
const JAVIERCANCELA: &str = "trtllm-javiercancela-120rc2-llmapi-rtx5060ti-qwen3-8b-fp8-estimation-0.56-final-3.23-tokens-46976.log";

#[test]
fn a_trtllm_pool_too_small_for_one_sequence_is_the_estimation_pool_of_the_start() {
    let text = corpus(JAVIERCANCELA);
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 257.0), (1, 1468.0)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 8224.0), (1, 46976.0)]);
    // Two full pools (window = max sequence length) of one process, with nothing between, stay
    // two runs (the final pool's lines 14-16 pasted twice).
    let twice = format!("{}{}", lines(JAVIERCANCELA, 14, 16), lines(JAVIERCANCELA, 14, 16));
    assert_eq!(numbers(&twice, "gpu_blocks"), vec![(1, 1468.0), (2, 1468.0)]);
    // A trtllm-serve AutoDeploy start of December 2025 (the code store): one full pool
    // (`[window size=16384]`, `max sequence length=16384`), one launch.
    let ad = "[TensorRT-LLM][INFO] Max KV cache blocks per sequence: 256 [window size=16384], \
              tokens per block=64, primary blocks=61848, secondary blocks=0, max sequence length=16384\n\
              [TensorRT-LLM][INFO] Number of tokens per block: 64.\n";
    assert_eq!(numbers(ad, "gpu_blocks"), vec![(1, 61848.0)]);
    assert_eq!(numbers(ad, "attention_window"), vec![(1, 16384.0)]);
}
