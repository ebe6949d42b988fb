//! Stated values for the class of `heldout-23`'s misses (issue 15, branch capfix15): start-up
//! refusals that state the configured and the available figures in prose (vLLM V1's
//! `To serve at least one request with the model's max seq len (L), (X GiB KV cache is needed,
//! which is larger than the available KV cache memory (Y GiB). …`), printed after an earlier
//! launch of the same paste sized its cache, or wrapped by a terminal; llama.cpp's
//! `n_ctx_per_seq (N) > n_ctx_train (M)` warning. Lines are real (public logs) or an engine's
//! format string filled in, each with its source.

mod common;

use common::numbers;

/// A public Kubernetes tutorial's `kubectl logs --previous` (code store, find_string id
/// 51771234912): vLLM V1 (2026) refusing `--max-model-len 16384` at utilization 0.5, the
/// EngineCore lines folded by the page at about 90 columns (continuations indented).
const FOLDED_REFUSAL: &str = "(EngineCore pid=81) INFO 04-19 10:59:54 [gpu_worker.py:436]
  Available KV cache memory: 0.18 GiB
(EngineCore pid=81) ERROR 04-19 10:59:54 [core.py:1108] EngineCore failed to start.
(EngineCore pid=81) ValueError: To serve at least one request with the models's max seq len
  (16384), (3.0 GiB KV cache is needed, which is larger than the available KV cache memory
  (0.18 GiB). Based on the available memory, the estimated maximum model length is 976.
  Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing
  the engine.
";

#[test]
fn folded_refusal_states_its_figures() {
    assert_eq!(numbers(FOLDED_REFUSAL, "max_model_len"), vec![(1, 16384.0)]);
    assert_eq!(numbers(FOLDED_REFUSAL, "kv_needed_one_request"), vec![(1, 3.0)]);
    assert_eq!(numbers(FOLDED_REFUSAL, "max_model_len_estimated"), vec![(1, 976.0)]);
    // The `Available KV cache memory` line and the refusal's `available KV cache memory (…)`.
    assert_eq!(numbers(FOLDED_REFUSAL, "kv_budget"), vec![(1, 0.18), (1, 0.18)]);
}

/// The same tutorial's baseline start (`--max-model-len 4096` at utilization 0.9), printed
/// before the refused one on its page ("정상 기동"): the EngineCore lines folded the same way.
const BASELINE: &str = "(EngineCore pid=81) INFO 04-19 10:50:03 [gpu_model_runner.py:4820]
  Model loading took 9.38 GiB memory and 141.542131 seconds
(EngineCore pid=81) INFO 04-19 10:50:43 [gpu_worker.py:436]
  Available KV cache memory: 9.1 GiB
(EngineCore pid=81) INFO 04-19 10:50:43 [kv_cache_utils.py:1319]
  GPU KV cache size: 49,696 tokens
(EngineCore pid=81) INFO 04-19 10:50:43 [kv_cache_utils.py:1324]
  Maximum concurrency for 4,096 tokens per request: 12.13x
";

#[test]
fn refusal_after_a_sized_start_is_another_launch() {
    // The page's two code blocks in its order: a start, then a restart with other flags
    // that vLLM refused. The refusal states another max_model_len (16384, not the 4,096 the
    // first run sized for) and a budget the first run did not measure: a second launch.
    let both = format!("{BASELINE}{FOLDED_REFUSAL}");
    assert_eq!(numbers(&both, "max_model_len"), vec![(2, 16384.0)]);
    assert_eq!(numbers(&both, "kv_budget"), vec![(1, 9.1), (2, 0.18), (2, 0.18)]);
    assert_eq!(numbers(&both, "kv_tokens"), vec![(1, 49696.0)]);
    assert_eq!(numbers(&both, "max_concurrency"), vec![(1, 12.13)]);
    // Only the refusal pasted after the start (its `Available KV cache memory` line left out,
    // as an excerpt quoting the error does): still the second launch's.
    let refusal: String = FOLDED_REFUSAL.lines().skip(2).map(|l| format!("{l}\n")).collect();
    let excerpt = format!("{BASELINE}{refusal}");
    assert_eq!(numbers(&excerpt, "max_model_len"), vec![(2, 16384.0)]);
    assert_eq!(numbers(&excerpt, "kv_budget"), vec![(1, 9.1), (2, 0.18)]);
    assert_eq!(numbers(&excerpt, "max_model_len_estimated"), vec![(2, 976.0)]);
}

#[test]
fn llama_context_over_the_trained_context() {
    // A public llama.cpp run's output quoted in a repository's notes (code store, find_string id
    // 57397882540): `-c 1000000 -np 2 -kvu`, the per-sequence context over the trained one.
    let over = "llama_context: n_ctx_seq     = 1000192
llama_context: n_ctx_seq (1000192) > n_ctx_train (262144) -- possible training context overflow
llama_kv_cache:      CUDA0 KV buffer size = 16604.75 MiB
";
    assert_eq!(numbers(over, "n_ctx_train"), vec![(1, 262144.0)]);
    assert!(numbers(over, "n_ctx_per_seq").contains(&(1, 1000192.0)));
    // Lemonade's llama.cpp server (code store id 55052720450), the line with no function name.
    let bare = "n_ctx_seq (65536) > n_ctx_train (40960) -- possible training context overflow\n";
    assert_eq!(numbers(bare, "n_ctx_train"), vec![(1, 40960.0)]);
    assert_eq!(numbers(bare, "n_ctx_per_seq"), vec![(1, 65536.0)]);
    // The misspelt name of early-2025 builds, as an Ollama client's comment quotes its log
    // (code store id 14996532818).
    let pre = "llama_context: n_ctx_pre_seq (32768) > n_ctx_train (2048) -- possible training context overflow\n";
    assert_eq!(numbers(pre, "n_ctx_train"), vec![(1, 2048.0)]);
    assert_eq!(numbers(pre, "n_ctx_per_seq"), vec![(1, 32768.0)]);
    // The `<` side is read as before.
    let under = "llama_context: n_ctx_per_seq (32768) < n_ctx_train (131072) -- the full capacity of the model will not be utilized\n";
    assert_eq!(numbers(under, "n_ctx_train"), vec![(1, 131072.0)]);
}

#[test]
fn sglang_refusal_states_its_fraction() {
    // Three public quotes of SGLang's `Not enough memory` refusal, one per wording of its
    // `Current value:` (code store, find_string ids 56622292262, 53319880412, 68778010086).
    let self_form = "RuntimeError: Not enough memory. Please try to increase --mem-fraction-static. \
Current value: self.server_args.mem_fraction_static=0.2\n";
    assert_eq!(numbers(self_form, "mem_fraction_static"), vec![(1, 0.2)]);
    let plain = "RuntimeError: Not enough memory. Please try to increase --mem-fraction-static. \
Current value: mem_fraction_static=0.93\n";
    assert_eq!(numbers(plain, "mem_fraction_static"), vec![(1, 0.93)]);
    let fork =
        "[DP0 TP0 EP0] DSv4 pool sizes (DRAFT): using TARGET's pool sizes - full=312064, swa=30976
RuntimeError: Not enough memory. Please try to increase --mem-fraction-static. Current value: 0.82
";
    assert_eq!(numbers(fork, "mem_fraction_static"), vec![(1, 0.82)]);
    // Another program's `Current value:` is not SGLang's fraction.
    let other = "WARNING: pool too small. Current value: 12\n";
    assert_eq!(numbers(other, "mem_fraction_static"), vec![]);
}

#[test]
fn gaudi_warmup_time_and_graph_memory() {
    // A Gaudi warm-up sample log (code store, find_string id 61318556111: vLLM's HPU runner,
    // hpu_model_runner.py warmup_model), its last two lines.
    let log = "INFO 08-02 17:38:43 hpu_model_runner.py:1206] Warmup finished in 49 secs, allocated 14.19 GiB of device memory
INFO 08-02 17:38:43 hpu_executor.py:91] init_cache_engine took 37.92 GiB of device memory (53.39 GiB/94.62 GiB used) and 57.86 MiB of host memory (475.4 GiB/1007 GiB used)
";
    assert_eq!(numbers(log, "warmup_s"), vec![(1, 49.0)]);
    assert_eq!(numbers(log, "graph_mem"), vec![(1, 14.19)]);
    // Other programs' `Warmup finished in 1.2s.` is no engine line.
    assert_eq!(numbers("[app] Warmup finished in 3.4s (cached 5/5).\n", "warmup_s"), vec![]);
}

#[test]
fn tensorrt_llm_capacity_checks() {
    // TensorRT-LLM's format strings filled in (model_engine.py _init_max_seq_len /
    // _init_max_num_tokens and _common.py check_max_num_tokens, code store ids 69471950776,
    // 39614393, 205252225), behind the `[TRT-LLM] [W]` prefix its logger prints.
    let scaled =
        "[01/14/2026-09:12:01] [TRT-LLM] [W] max_seq_len is scaled to 131072 by rope scaling 4.0\n";
    assert_eq!(numbers(scaled, "max_model_len"), vec![(1, 131072.0)]);
    let rotary = "[TRT-LLM] [W] max_seq_len is scaled to 32768 by rotary scaling 4.0\n";
    assert_eq!(numbers(rotary, "max_model_len"), vec![(1, 32768.0)]);
    let default =
        "[TRT-LLM] [W] Could not infer max_seq_len from model config, using default value: 8192\n";
    assert_eq!(numbers(default, "max_model_len"), vec![(1, 8192.0)]);
    let tokens = "[TRT-LLM] [W] max_num_tokens (16384) shouldn't be greater than max_seq_len * \
max_batch_size (8192), specifying to max_seq_len * max_batch_size (8192).\n";
    assert_eq!(numbers(tokens, "max_num_tokens"), vec![(1, 8192.0)]);
}

#[test]
fn vllm_consumed_memory_and_the_unparenthesised_refusal() {
    // vLLM V1's 2026 start-up summary as a public write-up quotes it (code store id
    // 66974703316, a DeepSeek run with --gpu-memory-utilization 0.78).
    let summary = "Desired GPU memory utilization is (0.78, 208.8 GiB). Actual usage is 51.22 GiB for \
consumed memory (weights + non-torch), 27.7 GiB for peak activation, and 9.61 GiB for CUDAGraph memory. \
Current kv cache memory in use is 129.87 GiB.\n";
    assert_eq!(numbers(summary, "weights_non_torch"), vec![(1, 51.22)]);
    assert_eq!(numbers(summary, "kv_budget"), vec![(1, 129.87)]);
    // With its head, as a public run table quotes the whole message (code store id 57388479769).
    let whole = "Free memory on device (93.83/95.01 GiB) on startup. Desired GPU memory utilization is \
(0.9, 85.51 GiB). Actual usage is 82.69 GiB for consumed memory (weights + non-torch), 1.66 GiB for peak \
activation, and 0.19 GiB for CUDAGraph memory.\n";
    assert_eq!(numbers(whole, "weights_non_torch"), vec![(1, 82.69)]);
    assert_eq!(numbers(whole, "activation_peak"), vec![(1, 1.66)]);
    assert_eq!(numbers(whole, "graph_mem"), vec![(1, 0.19)]);
    // The 2026 refusal without the parenthesis before its needed figure (a public run's notes,
    // code store id 71076130289).
    let refusal = "ValueError: To serve at least one request with the model's max seq len (1048576), \
7.89 GiB KV cache is needed, which is larger than the available KV cache memory (4.0 GiB). Based on \
the available memory, the estimated maximum model length is 530432.\n";
    assert_eq!(numbers(refusal, "max_model_len"), vec![(1, 1048576.0)]);
    assert_eq!(numbers(refusal, "kv_needed_one_request"), vec![(1, 7.89)]);
    assert_eq!(numbers(refusal, "kv_budget"), vec![(1, 4.0)]);
    assert_eq!(numbers(refusal, "max_model_len_estimated"), vec![(1, 530432.0)]);
}

#[test]
fn a_dump_number_cut_by_a_fixed_width_wrap() {
    // ai-dynamo triton_distributed PR #70 (heldout-15, development data since): vLLM 0.6.3's
    // engine config wrapped at 229 columns, `max_seq_len=131` ending one physical line and
    // `072, download_dir=None, …` starting the next.
    let log = common::corpus("vllm-tritondistributed70-v0-063-fp8-kv-engine-config-wrapped.log");
    assert_eq!(numbers(&log, "max_model_len"), vec![(1, 131072.0)]);
    // A value at the end of a short line is not glued to a number that starts the next line
    // when the two lines are not one wrap's (unequal widths).
    let apart = "b=2, max_seq_len=4\n160, c=1\n";
    assert_eq!(numbers(apart, "max_model_len"), vec![(1, 4.0)]);
}
