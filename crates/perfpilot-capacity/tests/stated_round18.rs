//! Stated values for the round-18 classes (issue 15, branch capfix18): Dynamo's KVBM worker
//! line, one command followed by several starts, and TensorRT-LLM 1.x's two KV pools of one
//! start (the estimation pool, then the final pool). Lines are real (corpus development logs and
//! public issues), each with its source; none is from the capfix17 or capfix18 set-aside thirds.

mod common;

use common::{corpus, numbers};

#[test]
fn kvbm_worker_states_the_device_blocks_and_the_block_size() {
    // ai-dynamo/dynamo#4087 (heldout-28, development two thirds): vLLM V1 with the KVBM connector.
    let text = corpus(
        "vllm-dynamo4087-v1-kvbm-connector-kv-132752-concurrency-3.24-at-40960-device-blocks-8297-cut.log",
    );
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 8297.0)]);
    assert_eq!(numbers(&text, "block_size"), vec![(1, 16.0)]);
    // ai-dynamo/dynamo#4580 (the description's log, Nov 2025): the same worker line beside the
    // layout line, whose `page_size=16` repeats the block size and is not read.
    let text = "2025-11-27T03:23:59.116166Z  INFO dynamo_llm::block_manager::distributed::worker: \
                Initializing KvbmWorker with params: num_device_blocks=3202, page_size=16, \
                dtype_width_bytes=2\n\
                2025-11-27T03:23:59.116603Z  INFO dynamo_llm::block_manager::distributed::worker: \
                Inferred layout: num_layers=28, outer_dim=2, outer_contiguous=true, page_size=16, \
                inner_dim=1024\n";
    assert_eq!(numbers(text, "gpu_blocks"), vec![(1, 3202.0)]);
    assert_eq!(numbers(text, "block_size"), vec![(1, 16.0)]);
}

#[test]
fn a_num_device_blocks_field_elsewhere_is_not_read() {
    // `num_device_blocks=` is read only under the KVBM worker's head (a Rust struct's Debug
    // print elsewhere is not a pool): Dynamo's own error text for a zero pool has no `=`.
    let text = "Error: num_device_blocks must be greater than 0\n";
    assert!(numbers(text, "gpu_blocks").is_empty());
}

#[test]
fn a_command_states_its_values_for_every_start_it_launched() {
    // vllm-project/vllm#6124 (heldout-30, development two thirds): the arguments given to both
    // containers, then the two builds' outputs; `--tensor-parallel-size=1` is both launches'.
    let text =
        corpus("vllm-6124-v0-phi3-vision-two-builds-blocks-5970-refusal-95520-then-8825.log");
    assert_eq!(numbers(&text, "tp_size"), vec![(1, 1.0), (2, 1.0)]);
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 5970.0), (2, 8825.0)]);
}

#[test]
fn a_start_that_contradicts_the_command_does_not_take_its_values() {
    // intel/ipex-llm#13130 (heldout-11): `llama-server -c 22528`, then a 23552-cell cache (the
    // failing run "above 22528", another configuration): the command's `n_ctx` stays launch 1's.
    let text = corpus("llamacpp-ipexllm13130-sycl-3-arc-command-then-kv23552.log");
    assert_eq!(numbers(&text, "n_ctx"), vec![(1, 22528.0)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 23552.0)]);
}

#[test]
fn a_command_for_another_launch_is_not_carried_over_it() {
    // sgl-project/sglang#11309 (heldout-11): one command, then its run and an earlier run on
    // main. The carry is mechanical (the label lists the command's TP/DP under launch 1 only);
    // what this pins is that each start's own figures stay its own.
    let text = corpus("sglang-11309-dsv32-b200-tp8-dp8-pr-then-main-kv.log");
    let kv = numbers(&text, "kv_tokens");
    assert_eq!(kv, vec![(1, 975424.0), (2, 1462784.0)]);
}

#[test]
fn trtllm_final_pool_after_the_estimation_pool_is_the_same_launch() {
    // TensorRT-LLM 1.x's PyTorch backend (tensorrt_llm/_torch/pyexecutor/_util.py,
    // KvCacheCreator): an estimation pool, the dry run, `Estimated max memory in KV cache : X
    // GiB`, then the final pool. Real lines in that order: the pool lines trtllm-serve 1.2.1
    // prints (lmontigny/lm7 docs/tensorrt-llm.md, heldout-28, folded as the page prints them)
    // and the budget line of trtllm-serve 1.1.0rc3 (jeansblog, heldout-27).
    let pool = "[TensorRT-LLM][INFO] Max KV cache blocks per sequence: 65 [window size=2049],\n  \
                tokens per block=32, primary blocks=13189, max sequence length=2049\n";
    let budget =
        "[12/20/2025-04:21:51] [TRT-LLM] [I] Estimated max memory in KV cache : 5.95 GiB\n";
    let text = format!("{pool}{budget}{pool}");
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 13189.0), (1, 13189.0)]);
    // Without the budget line between them, a process's second block line is another run's.
    let text = format!("{pool}{pool}");
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 13189.0), (2, 13189.0)]);
}

#[test]
fn trtllm_two_pools_of_one_start_are_both_stated() {
    // jeansblog (heldout-27, development): trtllm-serve 1.1.0rc3's estimation pool (0.56 GiB,
    // 8224 tokens) and final pool (5.95 GiB, 86720 tokens), both labelled under launch 1.
    let text = corpus(
        "trtllm-jeansblog-110rc3-trtllm-serve-dgx-spark-gptoss120b-dryrun-8224-kv-5.95-tokens-86720.log",
    );
    let tokens = numbers(&text, "kv_tokens");
    assert!(tokens.contains(&(1, 8224.0)) && tokens.contains(&(1, 86720.0)), "{tokens:?}");
}

#[test]
fn trtllm_allocation_line_folded_inside_its_phrase_is_read() {
    // lmontigny/lm7 docs/tensorrt-llm.md (heldout-28): trtllm-serve 1.2.1's allocation line,
    // folded by the page after `in paged`: neither physical line holds `tokens in paged KV cache`.
    let text = corpus(
        "trtllm-lm7-121-trtllm-serve-wsl2-rtx4070s-smollm2-kv-9.06-tokens-422048-blocks-13189-wrapped.log",
    );
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 422048.0)]);
    // NVIDIA/TensorRT-LLM#8961 (a development log): the same line unfolded reads as before, the
    // budget and the token count once each.
    let line = "[TensorRT-LLM][INFO] [MemUsageChange] Allocated 1.01 GiB for max tokens in paged KV \
                cache (8256).\n";
    assert_eq!(numbers(line, "kv_tokens"), vec![(1, 8256.0)]);
    assert_eq!(numbers(line, "kv_budget"), vec![(1, 1.01)]);
    // The head alone, with no continuation after it, states nothing.
    let cut = "[TensorRT-LLM][INFO] [MemUsageChange] Allocated 1.01 GiB for max tokens in paged\n";
    assert!(numbers(cut, "kv_tokens").is_empty());
}

#[test]
fn vllm_block_count_line_folded_before_its_colon_is_read() {
    // dennislee22/vLLM-benchmarking (heldout-26, development): a saved vLLM 0.10.1.1 log wrapped at
    // a fixed width, `… after num_gpu_blocks is` / `: 5867`.
    let text = corpus(
        "vllm-dennislee-v1-01011-a100-80g-qwen2-7b-util-0.25-fresh-compile-58.25-kv-5.01-tokens-93872-init-89.58.log",
    );
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 5867.0)]);
    // run-ai/runai-model-streamer#67 (a development log, vLLM 0.9.0): the line unfolded, read once.
    let line = "INFO 06-02 11:03:56 [loggers.py:134] vllm cache_config_info with initialization after \
                num_gpu_blocks is: 70688\n";
    assert_eq!(numbers(line, "gpu_blocks"), vec![(1, 70688.0)]);
}
