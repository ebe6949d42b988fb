//! Stated values for the classes of misses of the sixth blind batch `heldout-12` (issue 15,
//! branch capfix6), written from the engines' format strings and argument parsers: TensorRT-LLM
//! 0.x's KV lines and its refusal of a cache too small for one sequence (and the run after it),
//! llama.cpp 2023's `total VRAM used (model: …, context: …)` line with koboldcpp's context flag
//! (three runs in one paste), llama.cpp's `-np` short flag, node-llama-cpp's `--contextSize` and
//! Ollama's runner `load request` struct. Real lines (corpus development pastes, the engines'
//! public output), and variants that change only what the class says must not matter.

mod common;

use common::{corpus, numbers};

#[test]
fn tensorrt_llm_kv_lines_refusal_and_the_run_after_it() {
    // triton-inference-server/tensorrtllm_backend#366 (heldout-12, development data): the Triton
    // run's allocation, tokens and blocks per sequence, its refusal, then run.py's allocation.
    let text = corpus("trtllm-backend366-a10g-triton-then-runpy-kv-bytes.log");
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 29184.0), (1, 29184.0)]);
    assert_eq!(numbers(&text, "blocks_per_seq"), vec![(1, 272.0), (1, 272.0)]);
    assert_eq!(numbers(&text, "max_beam_width"), vec![(1, 1.0)]);
    assert_eq!(numbers(&text, "block_size"), vec![(1, 128.0)]);
    let gib = |b: f64| (b / (1u64 << 30) as f64 * 100.0).round() / 100.0;
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, gib(956301312.0)), (2, gib(7767851008.0))]);
    // Several MPI ranks print the refused run's allocation and refusal (no rank prefix): equal
    // bytes after a refusal are a re-print, not another run.
    let ranks = "[TensorRT-LLM][INFO] Allocate 956301312 bytes for k/v cache. \n\
                 [TensorRT-LLM][INFO] Allocate 956301312 bytes for k/v cache. \n\
                 [TensorRT-LLM][INFO] Using 29184 total tokens in paged KV cache, and 272 blocks per sequence\n\
                 E0306 16:40:07.708802 117 backend_model.cc:691] ERROR: Failed to create instance: unexpected error when creating modelInstanceState: maxTokensInPagedKvCache (29184) must be large enough to process at least 1 sequence to completion (i.e. must be larger than beam_width (1) * tokensPerBlock (128) * maxBlocksPerSeq (272))\n\
                 [TensorRT-LLM][INFO] Allocate 956301312 bytes for k/v cache. \n";
    assert!(numbers(ranks, "kv_budget").iter().all(|(l, _)| *l == 1));
    // Without a refusal a second allocation opens nothing (a draft model's cache, a rank).
    let two = "[TensorRT-LLM][INFO] Allocate 956301312 bytes for k/v cache. \n\
               [TensorRT-LLM][INFO] Allocate 7767851008 bytes for k/v cache. \n";
    assert!(numbers(two, "kv_budget").iter().all(|(l, _)| *l == 1));
    // 0.8's wording without `total` (NVIDIA/TensorRT-LLM#1400 era, run.py).
    let v08 = "[TensorRT-LLM][INFO] Using 220800 tokens in paged KV cache.\n";
    assert_eq!(numbers(v08, "kv_tokens"), vec![(1, 220800.0)]);
}

#[test]
fn koboldcpp_2023_runs_and_vram_total() {
    // LostRuins/koboldcpp#473 (heldout-12, development data): three commands, each followed by
    // llama.cpp's one-line VRAM total: three launches, the model part as the GPU's weights.
    let text = corpus("llamacpp-koboldcpp473-three-gpulayers-total-vram-2023.log");
    let mib = |x: f64| (x / 1024.0 * 100.0).round() / 100.0;
    assert_eq!(numbers(&text, "n_ctx"), vec![(1, 8192.0), (2, 8192.0), (3, 8192.0)]);
    assert_eq!(
        numbers(&text, "model_buffer"),
        vec![(1, mib(10234.84)), (2, mib(10726.53)), (3, mib(10726.55))]
    );
    assert_eq!(
        numbers(&text, "context_vram"),
        vec![(1, mib(686.0)), (2, mib(5646.0)), (3, mib(10606.0))]
    );
    // The later `MiB` spelling (a llamafile failure log of the corpus): read the same way.
    let mib_line = "llama_new_context_with_model: total VRAM used: 114.54 MiB (model: 0.00 MiB, context: 114.54 MiB)\n";
    assert_eq!(numbers(mib_line, "context_vram"), vec![(1, mib(114.54))]);
    // One command, no VRAM line: one launch.
    let one = ".\\koboldcpp.exe --model .\\MLewd-ReMM-L2-Chat-20B.q4_K_S.gguf --usecublas --gpulayers 60 --contextsize 8192\n";
    assert_eq!(numbers(one, "n_ctx"), vec![(1, 8192.0)]);
}

#[test]
fn llama_cpp_np_flag_and_mpirun() {
    // HilbertraumAI/HilbertRaum#318 (heldout-12, development data): an argv dump ending in `-np 1`.
    let text = corpus("llamacpp-hilbertraum318-vulkan-3090-argv-fit-mtp.log");
    assert_eq!(numbers(&text, "n_seq_max"), vec![(1, 1.0)]);
    // mpirun's `-np N` is the MPI process count (TensorRT-LLM's multi-GPU run.py, its docs).
    let mpi = "mpirun --allow-run-as-root -np 2 python3 ../run.py --max_output_len=20 --engine_dir=./trt_engine/gpt2/fp16/2-gpu/  --no_add_special_tokens\n";
    assert!(numbers(mpi, "n_seq_max").is_empty());
}

#[test]
fn node_llama_cpp_and_ollama_load_request() {
    // withcatai/node-llama-cpp#560 and ollama/ollama#13312 (heldout-12, the capfix6 set-aside
    // third: these tests were written from the formats before it was scored, the lines put in
    // after): the CLI option `--contextSize` (src/cli/commands/ChatCommand.ts, yargs), and the
    // runner's LoadRequest logged with Go's %+v (llm/server.go): Parallel, BatchSize, KvSize.
    let node = corpus("llamacpp-nodellamacpp560-jetson-orin-ctx4096-kv-compute.log");
    assert_eq!(numbers(&node, "n_ctx")[0], (1, 4096.0));
    let ollama = corpus("llamacpp-ollama13312-2-quadro-journal-load-request-fit.log");
    assert_eq!(numbers(&ollama, "n_seq_max"), vec![(1, 1.0)]);
    assert_eq!(numbers(&ollama, "n_batch"), vec![(1, 512.0)]);
    assert_eq!(numbers(&ollama, "kv_tokens"), vec![(1, 4096.0)]);
    // ` Parallel:` elsewhere on a line (not the load request) states nothing.
    let other = "INFO Tensor Parallel: 2\n";
    assert!(numbers(other, "n_seq_max").is_empty());
}
