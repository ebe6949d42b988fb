//! Stated values for the classes of misses of the fourteenth blind batch `heldout-20` (issue
//! 15, branch capfix12), written from the engines' format strings: Ollama's per-device memory
//! summary pasted as message fragments (no `time=… level=… source=… msg=` prefix), the
//! HabanaAI vllm-fork's `Initializing cache engine took …` and bucketing token budget, and vLLM
//! V1's `… num_gpu_blocks is: N`. Real lines (development pastes of `heldout-20` outside its
//! set-aside third, public logs), each with its source.

mod common;

use common::{corpus, numbers};

#[test]
fn ollama_memory_summary_fragments_without_prefix() {
    // captainflasmr/ollama-buddy#21 (heldout-20, development third): ollama's own ggml engine
    // on a 16 GB ROCm GPU, the slog messages quoted without their prefix.
    let text = corpus(
        "llamacpp-ollamabuddy21-ollama-engine-rocm-gemma4-26b-quoted-msg-fragments-17of31.log",
    );
    assert_eq!(numbers(&text, "model_buffer"), vec![(1, 8.5), (1, 8.8)]);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 1.2), (1, 0.88)]);
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, 3.5), (1, 0.01)]);
}

#[test]
fn ollama_memory_summary_with_prefix_still_read() {
    // The journald-prefixed DEBUG lines of stated_round5.rs (ollama 0.11 on ROCm), now read from
    // `kv cache" device=`: one value a line, as before.
    let debug = "Sep 11 00:42:50 ai ollama[3110]: time=2025-09-11T00:42:50.484+02:00 level=DEBUG source=backend.go:321 msg=\"kv cache\" device=ROCm0 size=\"450.0 MiB\"\n\
                 Sep 11 00:42:50 ai ollama[3110]: time=2025-09-11T00:42:50.484+02:00 level=DEBUG source=backend.go:326 msg=\"kv cache\" device=CPU size=\"1.1 GiB\"\n";
    assert_eq!(numbers(debug, "kv_device_size"), vec![(1, 0.44), (1, 1.1)]);
}

#[test]
fn gaudi_cache_engine_and_token_budget() {
    // HabanaAI/vllm-fork#345 (heldout-20, development third): V0 on one Gaudi2.
    let text = corpus(
        "vllm-habana345-v0-gaudi2-hpu-blocks-3184-cache-engine-49.75-token-budget-4096-cut.log",
    );
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 49.75)]);
    assert_eq!(numbers(&text, "max_num_tokens"), vec![(1, 4096.0)]);
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 3184.0)]);
    // The fork's Gaudi guide (README_GAUDI.md, "Recommended vLLM Parameters"; code store,
    // find_string id 23156312023): the worker's profiling line, then the cache engine's; both
    // state the KV budget (64.17 GiB reserved, 64.17 GiB allocated).
    let guide = "INFO 09-24 17:31:40 habana_worker.py:177] Free device memory: 79.22 GiB, 71.3 GiB usable (gpu_memory_utilization=0.9), 7.13 GiB reserved for HPUGraphs (VLLM_GRAPH_RESERVED_MEM=0.1), 64.17 GiB reserved for KV cache\n\
                 INFO 09-24 17:31:40 habana_executor.py:85] # HPU blocks: 4107, # CPU blocks: 256\n\
                 INFO 09-24 17:31:41 habana_worker.py:208] Initializing cache engine took 64.17 GiB of device memory (79.57 GiB/94.62 GiB used) and 1.015 GiB of host memory (9.329 GiB/108.2 GiB used)\n";
    assert_eq!(numbers(guide, "kv_budget"), vec![(1, 64.17), (1, 64.17)]);
    assert_eq!(numbers(guide, "gpu_blocks"), vec![(1, 4107.0)]);
}

#[test]
fn vllm_v1_num_gpu_blocks_is() {
    // Public vLLM V1 logs of 2025 (code store, find_string ids 58028398527 and 9297248278): the
    // stat logger's line once the engine is up, bare and under docker compose's prefix.
    let bare = "INFO 06-10 10:58:37 [core.py:172] init engine (profile, create kv cache, warmup model) took 40.37 seconds\n\
                INFO 06-10 10:58:38 [loggers.py:137] Engine 000: vllm cache_config_info with initialization after num_gpu_blocks is: 8505\n";
    assert_eq!(numbers(bare, "gpu_blocks"), vec![(1, 8505.0)]);
    let compose = "vllm-1  | (APIServer pid=8) INFO 09-25 13:40:51 [loggers.py:148] Engine 000: vllm cache_config_info with initialization after num_gpu_blocks is: 89994\n";
    assert_eq!(numbers(compose, "gpu_blocks"), vec![(1, 89994.0)]);
}
