//! Launch segmentation inside one paste (issue 15, round 17, branch capseg1): a run's closing
//! lines end its launch (llama.cpp's `llama_perf_context_print:` / `llama_print_timings:`
//! timings), TensorRT-LLM's `[RANK N]` prefix keeps per-rank repeats in one launch, and vLLM's
//! per-group KV lines straddling a second's edge stay one launch. Lines are real (public logs,
//! none from the capfix17 set-aside third), each with its source.

mod common;

use common::numbers;

/// ggml-org/llama.cpp docs/backend/snapdragon/README.md (at 8b1bbba; a development source of
/// heldout-27), "How to Run": two run-completion.sh sessions as the page shows them, with its
/// own `...` elisions: the first is cut before its KV cache is sized, so only its closing
/// timings tell the second session's values apart.
const SNAPDRAGON: &str = "~/src/llama.cpp$ M=Llama-3.2-1B-Instruct-Q4_0.gguf D=HTP0 ./scripts/snapdragon/adb/run-completion.sh -p \"what is the most popular cookie in the world?\"
...
load_tensors: offloading output layer to GPU
load_tensors: offloaded 17/17 layers to GPU
load_tensors:          CPU model buffer size =   225.49 MiB
load_tensors:         HTP0 model buffer size =     0.26 MiB
load_tensors:  HTP0-REPACK model buffer size =   504.00 MiB
...
llama_perf_sampler_print:    sampling time =      30.08 ms /   487 runs   (    0.06 ms per token, 16191.77 tokens per second)
llama_perf_context_print:        load time =     617.94 ms
llama_perf_context_print:       total time =    9454.92 ms /   486 tokens
llama_memory_breakdown_print: | memory breakdown [MiB] | total   free    self   model   context   compute    unaccounted |
llama_memory_breakdown_print: |   - HTP0 (Hexagon)     |  2048 = 2048 + (   0 =     0 +       0 +       0) +           0 |

~/src/llama.cpp$ M=OLMoE-1B-7B-0125-Instruct-Q4_0.gguf NDEV=2 D=HTP0,HTP1 ./scripts/snapdragon/adb/run-completion.sh -f surfing.txt
...
load_tensors:          CPU model buffer size =   143.86 MiB
load_tensors:         HTP1 model buffer size =     0.23 MiB
load_tensors:  HTP1-REPACK model buffer size =  1575.00 MiB
...
llama_kv_cache:       HTP1 KV buffer size =   238.00 MiB
llama_kv_cache:       HTP0 KV buffer size =   306.00 MiB
llama_kv_cache: size =  544.00 MiB (  8192 cells,  16 layers,  1/1 seqs), K (q8_0):  272.00 MiB, V (q8_0):  272.00 MiB
llama_context:       HTP0 compute buffer size =    15.00 MiB
...
llama_perf_context_print:       total time =    7377.33 ms /   469 tokens
llama_memory_breakdown_print: | memory breakdown [MiB] | total   free    self   model   context   compute    unaccounted |
";

#[test]
fn closing_timings_end_a_session_cut_before_its_cache() {
    let mib = |x: f64| (x / 1024.0 * 100.0).round() / 100.0;
    assert_eq!(
        numbers(SNAPDRAGON, "model_buffer"),
        vec![
            (1, mib(225.49)),
            (1, mib(0.26)),
            (1, mib(504.0)),
            (2, mib(143.86)),
            (2, mib(0.23)),
            (2, mib(1575.0))
        ]
    );
    assert_eq!(numbers(SNAPDRAGON, "kv_tokens"), vec![(2, 8192.0)]);
    assert_eq!(numbers(SNAPDRAGON, "compute_buffer"), vec![(2, mib(15.0))]);
}

#[test]
fn closing_lines_alone_open_no_launch() {
    // The second session's values without the first: the breakdown printed at its end opens
    // nothing (no launch before it filed a value), and a paste ending in it stays one launch.
    let second = SNAPDRAGON.split("\n\n").nth(1).expect("second session");
    assert_eq!(numbers(second, "kv_tokens"), vec![(1, 8192.0)]);
    let launches: Vec<u32> = numbers(second, "model_buffer").iter().map(|v| v.0).collect();
    assert_eq!(launches, vec![1, 1, 1]);
}

/// ggml-org/ci, the llama.cpp CI report of build 989 (bf83bff) on ggml-3-arm64-cpu
/// (`llama.cpp/…/ggml-3-arm64-cpu/README.md`, code store id 8050937850), section
/// open_llama_3b_v2 / f16: `./bin/main` then `./bin/perplexity` on one model, each session
/// closed by `llama_print_timings:` (the pre-2024 name of the timings).
const GGML_CI_989: &str = "+ ./bin/main --model ../models-mnt/open-llama/3B-v2/ggml-model-f16.bin -s 1234 -n 64 --ignore-eos -p 'I believe the meaning of life is'
main: build = 989 (bf83bff)
main: seed  = 1234
llama.cpp: loading model from ../models-mnt/open-llama/3B-v2/ggml-model-f16.bin
llama_model_load_internal: format     = ggjt v1 (pre #1405)
llama_model_load_internal: n_vocab    = 32000
llama_model_load_internal: n_ctx      = 512
llama_model_load_internal: n_embd     = 3200
llama_model_load_internal: mem required  = 6535.88 MB (+  162.50 MB per state)
llama_new_context_with_model: kv self size  =  162.50 MB
llama_new_context_with_model: compute buffer total size =   70.09 MB
llama_print_timings:        load time =  2776.08 ms
llama_print_timings:      sample time =    61.91 ms /    64 runs   (    0.97 ms per token,  1033.81 tokens per second)
llama_print_timings:       total time = 22255.16 ms

real\t0m25.252s
+ ./bin/perplexity --model ../models-mnt/open-llama/3B-v2/ggml-model-f16.bin -f ../models-mnt/wikitext/wikitext-2-raw/wiki.test-60.raw -c 128 -b 128 --chunks 3
main: build = 989 (bf83bff)
main: seed  = 1692216825
llama.cpp: loading model from ../models-mnt/open-llama/3B-v2/ggml-model-f16.bin
llama_model_load_internal: format     = ggjt v1 (pre #1405)
llama_model_load_internal: n_vocab    = 32000
llama_model_load_internal: n_ctx      = 128
llama_model_load_internal: n_embd     = 3200
llama_model_load_internal: mem required  = 6535.88 MB (+   40.62 MB per state)
llama_new_context_with_model: kv self size  =   40.62 MB
llama_new_context_with_model: compute buffer total size =   18.53 MB
perplexity: calculating perplexity over 3 chunks, batch_size=128
llama_print_timings:        load time = 40188.88 ms
llama_print_timings:       total time = 115443.35 ms
";

#[test]
fn pre_2024_timings_end_a_session_too() {
    // The second command's `-c 128` is the second session's (before the closing timings ended
    // the first, it was filed under the first: its context had been sized).
    assert_eq!(numbers(GGML_CI_989, "n_ctx"), vec![(1, 512.0), (2, 128.0), (2, 128.0)]);
}

/// NVIDIA/TensorRT-LLM#15182 (a development source of heldout-22): trtllm-serve 1.3.0rc17 TP4
/// on B300, the KV lines every rank prints under TensorRT-LLM 1.x's `[RANK N]` prefix: rank 0's
/// block line after rank 2's is the same start, not a second one.
const TRTLLM_15182: &str = "[TRT-LLM] [I] [batchmgr][RANK 0] [MemUsageChange] Allocated 8.65 GiB for max tokens in paged KV cache (264192).
[TRT-LLM] [I] [batchmgr][RANK 2] Max KV cache blocks per sequence: 8193 [window size=262146], tokens per block=32, primary blocks=8256, secondary blocks=0, max sequence length=262146
[TRT-LLM] [I] [batchmgr][RANK 2] Number of tokens per block: 32.
[TRT-LLM] [I] [batchmgr][RANK 2] [MemUsageChange] Allocated 0.14 GiB for max tokens in paged KV cache (264192).
[06/09/2026-23:10:45] [TRT-LLM] [I] [_torch][RANK 0] Adjusted attention window size to 262146 in blocks_per_window
[TRT-LLM] [I] [batchmgr][RANK 0] Max KV cache blocks per sequence: 8193 [window size=262146], tokens per block=32, primary blocks=8256, secondary blocks=0, max sequence length=262146
[TRT-LLM] [I] [batchmgr][RANK 0] Number of tokens per block: 32.
";

#[test]
fn per_rank_repeats_under_rank_prefixes_stay_one_launch() {
    assert_eq!(numbers(TRTLLM_15182, "gpu_blocks"), vec![(1, 8256.0), (1, 8256.0)]);
    assert_eq!(numbers(TRTLLM_15182, "blocks_per_seq"), vec![(1, 8193.0), (1, 8193.0)]);
}

/// ai-dynamo/dynamo#3643 (a development source of heldout-20): vLLM V1 under Dynamo's tracing
/// formatter; one engine logs its KV size for two groups half a millisecond apart, across a
/// second's edge (…14.999489Z, …15.000041Z).
const DYNAMO_3643: &str = "2025-10-15T09:43:14.999454Z  INFO kv_cache_utils._get_kv_cache_config_uniform_type: GPU KV cache size: 735,440 tokens   
2025-10-15T09:43:14.999489Z  INFO kv_cache_utils._get_kv_cache_config_uniform_type: Maximum concurrency for 430,000 tokens per request: 1.71x   
2025-10-15T09:43:15.000041Z  INFO kv_cache_utils._get_kv_cache_config_uniform_type: GPU KV cache size: 735,440 tokens   
2025-10-15T09:43:15.000071Z  INFO kv_cache_utils._get_kv_cache_config_uniform_type: Maximum concurrency for 430,000 tokens per request: 1.71x   
";

#[test]
fn kv_lines_across_a_seconds_edge_stay_one_launch() {
    assert_eq!(numbers(DYNAMO_3643, "kv_tokens"), vec![(1, 735440.0), (1, 735440.0)]);
}
