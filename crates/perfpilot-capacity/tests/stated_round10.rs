//! Stated values for the classes of misses of the twelfth blind batch `heldout-18` (issue 15,
//! branch capfix10), written from the engines' format strings: SGLang's 2026 capture lines
//! (`Capture target prefill CUDA graph begin. backend=…, num_tokens=[…], avail mem=…`, the
//! decode / verify / draft forms with `bs=[…]`), vllm-ascend's ACL-graph estimate and the KV
//! budget of vLLM's memory advice, SGLang 0.4's multimodal `--mem-fraction-static`, Intel
//! llm-scaler's `Model memory usage`, lm_eval's `--model_args`, and values behind pasted colour
//! codes. Real lines (corpus development pastes, public logs), each with its source.

mod common;

use common::{corpus, lists, numbers};

#[test]
fn sglang_2026_prefill_capture_is_the_token_count_graph() {
    // sgl-project/sglang#29562 (heldout-18, development data): four TP ranks' prefill capture.
    let text =
        corpus("sglang-29562-05x-pro6000-tp8-glm52-nvfp4-prefill-graph-begin-42-tokens-cut.log");
    assert_eq!(numbers(&text, "graph_piecewise_avail_before")[0], (1, 10.10));
    assert_eq!(numbers(&text, "graph_tokens_count")[0], (1, 42.0));
    let tokens = &lists(&text, "graph_tokens")[0];
    assert_eq!((tokens.len(), tokens[0], tokens[41]), (42, 4, 2048));
    assert!(numbers(&text, "graph_avail_before").is_empty(), "not a decode graph");
}

#[test]
fn sglang_2026_decode_capture_lists_its_batch_sizes_on_the_begin_line() {
    // A public SGLang run of Aug 2026 (code store, find_string id 65786485110; the store names
    // no repository): the target decode capture, begin and end.
    let text = "[2026-08-17 16:52:13] Capture target decode CUDA graph begin. backend=full, num_tokens_per_req=1, bs=[1, 2], avail mem=73.10 GB\n\
                [2026-08-17 16:52:18] Capture target decode CUDA graph end. elapsed=2.58 s, mem usage=0.45 GB, avail mem=72.65 GB.";
    assert_eq!(numbers(text, "graph_avail_before"), vec![(1, 73.10)]);
    assert_eq!(numbers(text, "graph_bs_count"), vec![(1, 2.0)]);
    assert_eq!(lists(text, "graph_bs"), vec![vec![1, 2]]);
    assert_eq!(numbers(text, "graph_s"), vec![(1, 2.58)]);
    assert_eq!(numbers(text, "graph_mem"), vec![(1, 0.45)]);
    assert_eq!(numbers(text, "graph_avail_after"), vec![(1, 72.65)]);
    // `num_tokens_per_req=1` is no token list; the older begin line lists nothing.
    assert!(numbers(text, "graph_tokens_count").is_empty());
    let old = "[2025-08-08 03:34:38] Capture cuda graph begin. This can take up to several minutes. avail mem=1.80 GB";
    assert!(numbers(old, "graph_bs_count").is_empty());
    assert_eq!(numbers(old, "graph_avail_before"), vec![(1, 1.80)]);
}

#[test]
fn sglang_cpu_graph_sizes_line_is_read_like_the_cuda_one() {
    // SGLang cpu_graph_runner.py `log_info_on_rank0(logger, f"Capture cpu graph bs
    // {self.capture_bs}")` (npu_graph_runner.py: `Capture npu graph bs …`): no public log line of
    // it was found, so the line is the format string with a Python list rendered as it prints.
    let cpu = "[2025-06-10 09:00:00] Capture cpu graph bs [1, 2, 4, 8]";
    assert_eq!(lists(cpu, "graph_bs"), vec![vec![1, 2, 4, 8]]);
    // The CUDA line (a real one, sgl-project/sglang#4048's form) keeps its reading.
    let cuda = "[2025-03-04 10:00:00 TP0] Capture cuda graph bs [1, 2, 4]";
    assert_eq!(lists(cuda, "graph_bs"), vec![vec![1, 2, 4]]);
}

#[test]
fn vllm_ascend_acl_graph_estimate_and_current_kv_budget() {
    // vllm-project/vllm-ascend#10700 (heldout-18, development data): worker.py's lines.
    let text =
        corpus("vllm-ascend10700-v1-glm51-dp0-tp-ep-acl-graph-free-memory-advice-kv-21.26-cut.log");
    assert_eq!(numbers(&text, "graph_mem_estimate"), vec![(1, 0.59), (1, 0.6)]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 21.26)]);
    // vLLM's own advice ends `Current kv cache memory in use is X GiB.` (a public B12X TP3 run of
    // 2026, code store find_string id 63441798540, three ranks).
    let vllm = "(Worker_TP0_EP0 pid=1159) INFO 09-04 11:00:17 [gpu_worker.py:855] Free memory on device (91.64/94.97 GiB) on startup. Desired GPU memory utilization is (0.91, 86.42 GiB). Actual usage is 64.44 GiB for consumed memory (weights + non-torch), 4.19 GiB for peak activation, and 0.25 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=18676332626` (17.39 GiB) to fit into requested memory, or `--kv-cache-memory=24274632704` (22.61 GiB) to fully utilize gpu memory. Current kv cache memory in use is 17.79 GiB.";
    assert_eq!(numbers(vllm, "kv_budget"), vec![(1, 17.79)]);
    // The byte form of vLLM 0.11 (src/tests.rs's H200 line, vllm-project/vllm#27418).
    let bytes = "(Worker_TP0 pid=1806413) INFO 10-23 15:14:56 [gpu_worker.py:391] Free memory on device (139.21/139.81 GiB) on startup. Desired GPU memory utilization is (0.9, 125.83 GiB). Actual usage is 74.28 GiB for weight, 5.58 GiB for peak activation, 1.38 GiB for non-torch memory, and 2.37 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=45175492096` to fit into requested memory, or `--kv-cache-memory=59540753920` to fully utilize gpu memory. Current kv cache memory in use is 47878721024 bytes.";
    assert_eq!(
        numbers(bytes, "kv_budget"),
        vec![(1, (47878721024.0 / 1073741824.0 * 100.0_f64).round() / 100.0)]
    );
}

#[test]
fn sglang_multimodal_fraction_and_llm_scaler_weights() {
    // sgl-project/sglang#3605 (heldout-18, development data): model_runner's reduced fraction.
    let text =
        corpus("sglang-pr3605-043-qwen2-vl-tp2-multimodal-mem-fraction-0.665-load-begin.log");
    // (`numbers` rounds to two decimals: 0.665 reads 0.67.)
    assert_eq!(numbers(&text, "mem_fraction_static")[0], (1, 0.67));
    // intel/llm-scaler#440: the XPU image's memory block, `Model memory usage` = the loaded weights.
    let xpu = "(Worker_TP0_EP0 pid=4030) INFO 06-03 07:55:58 [gpu_model_runner.py:4090] Model loading took 7.33 GiB memory and 27.369951 seconds\n\
               (Worker_TP0_EP0 pid=4030) [Memory Profiling Analysis]\n\
               (Worker_TP0_EP0 pid=4030)   > Peak Allocated (Real Need)  : 13.11 GB\n\
               (Worker_TP0_EP0 pid=4030)   > Model memory usage          : 7.33 GB\n\
               (Worker_TP0_EP0 pid=4030)   > Current Reserved (Footprint): 15.56 GB";
    assert!(
        numbers(xpu, "weights").iter().all(|w| *w == (1, 7.33)),
        "{:?}",
        numbers(xpu, "weights")
    );
    assert!(numbers(xpu, "weights").len() >= 2);
}

#[test]
fn lm_eval_model_args_are_engine_arguments() {
    // vllm-project/vllm#24577 (heldout-18, development data): `lm_eval --model vllm --model_args
    // pretrained=Qwen/Qwen3-0.6B,max_model_len=4096 …`.
    let text = corpus("vllm-pr24577-v1-lmeval-a100-qwen3-06b-flashinfer-bf16-kv-652144.log");
    assert_eq!(numbers(&text, "max_model_len"), vec![(1, 4096.0)]);
    // More engine arguments: a vLLM PR's accuracy check (DeepSeek-V2-Lite-Chat, TP2; code store
    // find_string id 71018597933, a digest of vLLM PRs).
    let more = "VLLM_USE_V1=0 lm_eval --model vllm --model_args pretrained=deepseek-ai/DeepSeek-V2-Lite-Chat,tensor_parallel_size=2,dtype=auto,gpu_memory_utilization=0.9,trust_remote_code=True,max_model_len=16384 --task gsm8k --num_fewshot 5  --batch_size auto";
    assert_eq!(numbers(more, "gpu_memory_utilization"), vec![(1, 0.9)]);
    assert_eq!(numbers(more, "tp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(more, "max_model_len"), vec![(1, 16384.0)]);
    // A value quoted inside the string (a commented-out command of an lm_eval script, its `#`
    // dropped; find_string id 23616098377).
    let quoted = "    --model_args pretrained=\"outputs/grpo_full_qwen2_5_3b_20251121_111716/checkpoint-1024\",tensor_parallel_size=2,dtype=auto,gpu_memory_utilization=0.8 \\";
    assert_eq!(numbers(quoted, "gpu_memory_utilization"), vec![(1, 0.8)]);
    // The results header lm_eval prints, as pasted: a vLLM PR's correctness check (find_string id
    // 71018597933) and a quantisation guide's example output (find_string id 62140318109).
    let header = "vllm (pretrained=/home/user/workspace/models/Llama-3.1-8B-Instruct,max_model_len=4096), gen_kwargs: (None), limit: 500.0, num_fewshot: 5, batch_size: auto";
    assert_eq!(numbers(header, "max_model_len"), vec![(1, 4096.0)]);
    let header = "vllm (pretrained=./mistralai/Mistral-Nemo-Instruct-2407-FP8_aq,dtype=auto,gpu_memory_utilization=0.4,max_model_len=4096), gen_kwargs: (None), limit: None, num_fewshot: None, batch_size: auto";
    assert_eq!(numbers(header, "gpu_memory_utilization"), vec![(1, 0.4)]);
    assert_eq!(numbers(header, "max_model_len"), vec![(1, 4096.0)]);
}

#[test]
fn values_behind_pasted_colour_codes_are_read() {
    // vllm-project/vllm#22746 as a public digest quotes it (code store find_string id
    // 56862895946): Ray/multiproc colour codes pasted as the text `^[[1;36m`, the lines run
    // together: the values behind them are read.
    let caret = "DEBUG 08-12 08:45:18 [utils.py:741] Waiting for 1 local, 0 remote core engine proc(s) to start. ^[[1;36m(VllmWorker rank=0 pid=13543)^[[0;0m INFO 08-12 08:45:18 [custom_all_reduce.py:196] Registering 8643 cuda graph addresses ^[[1;36m(VllmWorker rank=1 pid=13550)^[[0;0m INFO 08-12 08:45:18 [gpu_model_runner.py:2485] Graph capturing finished in 9 secs, took 1.30 GiB ^[[1;36m(VllmWorker rank=0 pid=13543)^[[0;0m INFO 08-12 08:45:18 [gpu_model_runner.py:2485] Graph capturing finished in 9 secs, took 1.30 GiB INFO 08-12 08:45:18 [core.py:193] init engine (profile, create kv cache, warmup model) took 41.76 seconds";
    assert_eq!(numbers(caret, "graph_mem"), vec![(1, 1.30), (1, 1.30)]);
    assert_eq!(numbers(caret, "init_engine_s"), vec![(1, 41.76)]);
    // vllm-project/vllm#31444 (a failure-corpus log): the same codes as text before a
    // `non-default args:` dump; and that line with the codes as the ESC bytes the terminal
    // received (the form a log file holds): its arguments are read either way.
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpus/failures/vllm-31444-minimax-m2-local-tokenizer-ansi-args-cut.log");
    let caret = std::fs::read_to_string(p).expect("failure log");
    let caret = caret.lines().next().expect("a line").to_string();
    assert!(caret.starts_with("^[[0;36m(APIServer"));
    assert!(!perfpilot_launchlog::parse_log(&caret).args.is_empty());
    let esc = caret.replace("^[", "\u{1b}");
    assert!(!perfpilot_launchlog::parse_log(&esc).args.is_empty());
    // vllm-project/vllm#15453 (heldout-18; its set-aside third, read after that third was scored):
    // Ray's `[repeated 12x across cluster]` note coloured right after the unit. The colour codes
    // are dropped from a candidate line before its phrases are read (launchlog colour.rs).
    let text = corpus("vllm-15453-v1-08x-ray-2node-deepseek-v3-ansi-model-loading-40.32-cut.log");
    assert!(numbers(&text, "weights_read_s").contains(&(1, 41.61)));
    let esc = text.replace("^[", "\u{1b}");
    assert!(numbers(&esc, "weights_read_s").contains(&(1, 41.61)));
}

#[test]
fn vllm_memory_profiling_result_repr_states_activation_non_torch_and_weights() {
    // vLLM's MemoryProfilingResult repr as V1 gpu_worker logs it at DEBUG: a Llama-3-8B-class run's
    // line as a public capacity write-up quotes it (code store find_string id 52455705358; its
    // wrapping at 90 columns undone, the log prints one line).
    let line = "Memory profiling takes 17.96 seconds. Total non KV cache memory: 17.12GiB; torch peak memory increase: 1.89GiB; non-torch forward increase memory: 0.25GiB; weights memory: 14.99GiB.";
    assert_eq!(numbers(line, "activation_peak"), vec![(1, 1.89)]);
    assert_eq!(numbers(line, "non_torch"), vec![(1, 0.25)]);
    assert_eq!(numbers(line, "weights"), vec![(1, 14.99)]);
    assert_eq!(numbers(line, "profiling_s"), vec![(1, 17.96)]);
}

#[test]
fn vllm_metal_states_its_paged_kv_token_capacity() {
    // A public vllm-metal run of June 2026 (Qwen3-0.6B on Apple silicon; code store find_string
    // id 55746429542): the plugin's cache plan.
    let line = "(EngineCore pid=69652) INFO 06-15 16:52:29 [cache_policy.py:580] Paged attention memory breakdown: metal_limit=14.30GB, fraction=0.2, usable_metal=2.86GB, model_memory=1.19GB, overhead=0.79GB, kv_budget=0.88GB, per_block_bytes=1835008, num_blocks=479, max_tokens_cached=7664";
    assert_eq!(numbers(line, "kv_tokens"), vec![(1, 7664.0)]);
}

#[test]
fn sglang_2026_speculative_captures_by_role() {
    // A public SGLang spec-decoding run of July 2026 as a test file quotes it (`_REAL_SPEC_LADDER`,
    // code store find_string id 63199567676): the target-verify and draft-decode captures.
    // Round 32 (capfix32): `Capture {role} verify|decode` names the runner (cuda_graph_setup.py,
    // role `target` or `draft` by `is_draft_worker`); the target's verify graphs are the target
    // model's decode-phase graphs (before 2026 its `Capture cuda graph`), as heldout-53's
    // independent label of a DFLASH start reads them; the draft's are the draft's.
    let text = "[2026-07-21 08:21:55 TP0] Capture target verify CUDA graph begin. backend=full, num_tokens_per_bs=6, bs=[1, 2, 3, 4, 5, 6], avail mem=7.77 GB\n\
                [2026-07-21 08:22:00 TP0] Capture target verify CUDA graph end. elapsed=4.56 s, mem usage=0.38 GB, avail mem=7.39 GB.\n\
                [2026-07-21 08:22:00 TP0] Capture draft decode CUDA graph begin. backend=full, num_tokens_per_bs=1, bs=[1, 2, 3, 4, 5, 6], avail mem=7.39 GB\n\
                [2026-07-21 08:22:01 TP0] Capture draft decode CUDA graph end. elapsed=1.56 s, mem usage=0.38 GB, avail mem=7.01 GB.";
    assert_eq!(numbers(text, "graph_avail_before"), vec![(1, 7.77)]);
    assert_eq!(numbers(text, "graph_s"), vec![(1, 4.56)]);
    assert_eq!(numbers(text, "graph_mem"), vec![(1, 0.38)]);
    assert_eq!(numbers(text, "draft_graph_avail_before"), vec![(1, 7.39)]);
    assert_eq!(numbers(text, "draft_graph_s"), vec![(1, 1.56)]);
    assert_eq!(numbers(text, "draft_graph_mem"), vec![(1, 0.38)]);
    assert_eq!(numbers(text, "graph_bs_count"), vec![(1, 6.0), (1, 6.0)]);
}
