//! Launch segments and worker prefixes (issue 15, round 17, branch capseg1): the closing lines a
//! run prints (`run_end` rules) and TensorRT-LLM 1.x's `[RANK N]` prefix. Lines are real, each
//! with its source (none from the capfix17 set-aside third).

use perfpilot_launchlog::{EventKind, parse_log};

fn run_ends(text: &str) -> Vec<u64> {
    parse_log(text)
        .events
        .iter()
        .filter(|e| matches!(e.event, EventKind::RunEnd { .. }))
        .map(|e| e.line)
        .collect()
}

#[test]
fn llama_cpp_closing_timings_are_run_ends() {
    // ggml-org/llama.cpp docs/backend/snapdragon/README.md (8b1bbba): llama_perf_context_print
    // and llama_memory_breakdown_print close a session.
    let text = "llama_perf_sampler_print:    sampling time =      30.08 ms /   487 runs   (    0.06 ms per token, 16191.77 tokens per second)
llama_perf_context_print:        load time =     617.94 ms
llama_memory_breakdown_print: | memory breakdown [MiB] | total   free    self   model   context   compute    unaccounted |
";
    assert_eq!(run_ends(text), vec![2, 3]);
    // ggml-org/ci llama.cpp build 989 (bf83bff) report (code store id 8050937850): the
    // pre-2024 name.
    assert_eq!(run_ends("llama_print_timings:       total time = 22255.16 ms\n"), vec![1]);
    // A model's buffer line is no run end.
    assert!(run_ends("load_tensors:          CPU model buffer size =   225.49 MiB\n").is_empty());
}

#[test]
fn tensorrt_llm_rank_prefix_names_the_rank() {
    // NVIDIA/TensorRT-LLM#15182: trtllm-serve 1.3.0rc17 TP4, `[batchmgr][RANK 2]` and
    // `[_torch][RANK 0]`.
    let text = "[TRT-LLM] [I] [batchmgr][RANK 2] Number of tokens per block: 32.
[06/09/2026-23:10:45] [TRT-LLM] [I] [_torch][RANK 0] Adjusted attention window size to 262146 in blocks_per_window
[TRT-LLM] [I] [batchmgr][RANK 0] [MemUsageChange] Allocated 8.65 GiB for max tokens in paged KV cache (264192).
";
    let log = parse_log(text);
    let ranks: Vec<String> = log.events.iter().map(|e| e.rank.label()).collect();
    assert!(ranks.iter().any(|r| r == "rank=2"), "{ranks:?}");
    assert!(ranks.iter().all(|r| r == "rank=2" || r == "rank=0"), "{ranks:?}");
}

#[test]
fn other_prefixes_keep_their_ranks() {
    // noonghunna/club-3090#142 (a vLLM V1 TP2 log of the corpus): `(Worker_TP0 pid=…)`; a
    // TensorRT-LLM bracket of other words (`[Autotuner]`, NVIDIA/TensorRT-LLM#8961) names none.
    let text = "(Worker_TP0 pid=119) INFO 05-15 16:02:37 [backends.py:292] Directly load the compiled graph(s) for compile range (1, 8192) from the cache, took 5.958 s
[11/07/2025-07:21:09] [TRT-LLM] [I] [Autotuner] max_seq_len=8193, max_num_requests=32, max_num_tokens=8192, max_batch_size=32
";
    let log = parse_log(text);
    let ranks: Vec<(u64, String)> = log.events.iter().map(|e| (e.line, e.rank.label())).collect();
    assert!(ranks.iter().any(|(l, r)| *l == 1 && r == "TP0"), "{ranks:?}");
    assert!(ranks.iter().filter(|(l, _)| *l == 2).all(|(_, r)| r == "all"), "{ranks:?}");
}
