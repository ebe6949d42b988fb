//! Stated values for the classes of misses of the fourth blind batch `heldout-10` (issue 15,
//! branch capfix4), written from the engines' format strings and argument parsers: TensorRT-LLM's
//! KV-pool lines in every version, trtllm-serve flags in a docker-compose command, counts with a
//! size suffix (`32K`), commands written as lists, llama-cpp-python's arguments, llama.cpp's buffer
//! lines of every backend and era, and vLLM's weights line whose head an anonymiser damaged. Real
//! lines (corpus development pastes and public pastes of the engines' output), and variants that
//! change only what the class says must not matter.

mod common;

use common::{corpus, numbers};

#[test]
fn tensorrt_llm_kv_pool_lines_of_every_version() {
    // NVIDIA/TensorRT-LLM#2268 (heldout-10, development data): 0.13's two lines.
    let text = corpus("trtllm-2268-v013-qwen15-7b-primary-pool-blocks.log");
    assert_eq!(numbers(&text, "total_gpu_memory"), vec![(1, 39.39)]);
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 631.0)]);
    // The whole 0.8-0.16 block (a public paste of the C++ runtime's output): primary and
    // secondary pools, pages per sequence, tokens per block, the pool's GiB and tokens.
    let block = "[TensorRT-LLM][INFO] Memory usage when calculating max tokens in paged kv cache: total: 79.10 GiB, available: 63.62 GiB\n\
                 [TensorRT-LLM][INFO] Number of blocks in KV cache primary pool: 4607\n\
                 [TensorRT-LLM][INFO] Number of blocks in KV cache secondary pool: 0, onboard blocks to primary memory before reuse: true\n\
                 [TensorRT-LLM][INFO] Max KV cache pages per sequence: 65\n\
                 [TensorRT-LLM][INFO] Number of tokens per block: 64.\n";
    assert_eq!(numbers(block, "total_gpu_memory"), vec![(1, 79.1)]);
    assert_eq!(numbers(block, "gpu_blocks"), vec![(1, 4607.0)]);
    assert_eq!(numbers(block, "cpu_blocks"), vec![(1, 0.0)]);
    assert_eq!(numbers(block, "blocks_per_seq"), vec![(1, 65.0)]);
    assert_eq!(numbers(block, "block_size"), vec![(1, 64.0)]);
    // Every MPI rank of a TP2 run prints the block with no rank prefix: one launch.
    let tp2 = block.lines().flat_map(|l| [l, l]).collect::<Vec<_>>().join("\n");
    assert_eq!(numbers(&tp2, "gpu_blocks"), vec![(1, 4607.0), (1, 4607.0)]);
    assert_eq!(numbers(&tp2, "cpu_blocks"), vec![(1, 0.0), (1, 0.0)]);
    // The available (free) memory the pool is sized from has no key; a line with no number
    // states nothing.
    assert!(numbers(block, "kv_budget").is_empty());
    assert!(
        numbers(
            "[TensorRT-LLM][INFO] Number of blocks in KV cache primary pool: n/a\n",
            "gpu_blocks"
        )
        .is_empty()
    );
    // The PyTorch backend's profiling lines (tensorrt_llm/_torch/pyexecutor/_util.py).
    let torch = "[12/20/2025-04:21:50] [TRT-LLM] [I] Memory used after loading model weights (inside torch) in memory usage profiling: 63.52 GiB\n\
                 [12/20/2025-04:21:51] [TRT-LLM] [I] Memory dynamically allocated during inference (inside torch) in memory usage profiling: 0.85 GiB\n";
    assert_eq!(numbers(torch, "weights"), vec![(1, 63.52)]);
    assert_eq!(numbers(torch, "activation_peak"), vec![(1, 0.85)]);
    // The sizing line as a public excerpt holds it (its head, the profiled peak, cut off).
    let sizing = " KV cache memory when calculating max tokens: 5.95 GiB, fraction is set 0.8999999761581421, kv size is 73728. device total memory 119.70 GiB, , tmp kv_mem 0.56 GiB\n\
                  [12/20/2025-04:21:51] [TRT-LLM] [I] Estimated max memory in KV cache : 5.95 GiB\n";
    assert_eq!(numbers(sizing, "total_gpu_memory"), vec![(1, 119.7)]);
    assert_eq!(numbers(sizing, "kv_budget"), vec![(1, 5.95)]);
}

#[test]
fn trtllm_serve_flags_in_a_compose_command() {
    // NVIDIA/TensorRT-LLM#9412 (heldout-10, development data): a folded `command: >` block, one
    // underscore flag a line.
    let text = corpus("trtllm-9412-v12rc2-trtllm-serve-compose-tp2.log");
    assert_eq!(numbers(&text, "tp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(&text, "max_batch_size"), vec![(1, 32.0)]);
    // The same flags on one line, and the others trtllm-serve / trtllm-build take.
    let one = "trtllm-serve serve /models/gemma3-27b --tp_size 2 --pp_size 2 --ep_size 4 --max_seq_len 8192 --max_num_tokens 4096 --max_beam_width 1\n";
    assert_eq!(numbers(one, "tp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(one, "pp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(one, "ep_size"), vec![(1, 4.0)]);
    assert_eq!(numbers(one, "max_model_len"), vec![(1, 8192.0)]);
    assert_eq!(numbers(one, "max_num_tokens"), vec![(1, 4096.0)]);
    assert_eq!(numbers(one, "max_beam_width"), vec![(1, 1.0)]);
    // A compose or Kubernetes command written as a list, JSON or Python quotes.
    let list = "    command: [\"trtllm-serve\", \"serve\", \"/models/m\", \"--tp_size\", \"2\", \"--max_seq_len=8192\"]\n";
    assert_eq!(numbers(list, "tp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(list, "max_model_len"), vec![(1, 8192.0)]);
    let py = "args: ['--model', 'm', '--max-model-len', '32768', '--tensor-parallel-size', '4']\n";
    assert_eq!(numbers(py, "max_model_len"), vec![(1, 32768.0)]);
    assert_eq!(numbers(py, "tp_size"), vec![(1, 4.0)]);
    // A YAML list item holding the flag and its value.
    let item = "      - \"--max-model-len=16384\"\n      - --tensor-parallel-size=2\n";
    assert_eq!(numbers(item, "max_model_len"), vec![(1, 16384.0)]);
    assert_eq!(numbers(item, "tp_size"), vec![(1, 2.0)]);
    // A flag and its value on two YAML items (a Kubernetes `args:` list), or on two lines of a
    // continued command: the value's line holds no trigger phrase and is read all the same.
    let k8s = "        args:\n        - --model\n        - /models/m\n        - --max-model-len\n        - \"32768\"\n        - --tensor-parallel-size\n        - 2\n        - --max-num-seqs\n";
    assert_eq!(numbers(k8s, "max_model_len"), vec![(1, 32768.0)]);
    assert_eq!(numbers(k8s, "tp_size"), vec![(1, 2.0)]);
    assert!(numbers(k8s, "max_num_sequences").is_empty());
    let cont = "vllm serve m \\\n  --max-model-len \\\n  16k \\\n  --port 8000\n";
    assert_eq!(numbers(cont, "max_model_len"), vec![(1, 16000.0)]);
    // A flag that ends prose states nothing from the line after it.
    assert!(
        numbers("try raising --max-model-len\n4096 tokens were too few\n", "max_model_len")
            .is_empty()
    );
    // The same text fed line by line parses the same (the block scan and the line API agree).
    let mut p = perfpilot_launchlog::LogParser::new();
    for l in k8s.lines() {
        p.push_line(l);
    }
    let by_line = perfpilot_capacity::stated::stated_values(&p.finish());
    let by_block = perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(k8s));
    assert_eq!(by_line, by_block);
    // A YAML config file (`vllm serve --config`, SGLang `--config`): the long flags' names as
    // keys, one setting a row.
    let yaml = "model: meta-llama/Llama-3.1-8B-Instruct\nmax-model-len: 32K\ntensor-parallel-size: 2\n\
                gpu-memory-utilization: 0.85\nkv-cache-dtype: fp8\nmax-num-seqs: 128\n";
    assert_eq!(numbers(yaml, "max_model_len"), vec![(1, 32768.0)]);
    assert_eq!(numbers(yaml, "tp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(yaml, "gpu_memory_utilization"), vec![(1, 0.85)]);
    assert_eq!(numbers(yaml, "max_num_sequences"), vec![(1, 128.0)]);
    let sgl = "tp-size: 4\nmem-fraction-static: 0.8\nmax-running-requests: 64\n";
    assert_eq!(numbers(sgl, "tp_size"), vec![(1, 4.0)]);
    assert_eq!(numbers(sgl, "mem_fraction_static"), vec![(1, 0.8)]);
    assert_eq!(numbers(sgl, "max_running_requests"), vec![(1, 64.0)]);
    // A list with no flag is data, not a command; `x--tp_size 2` is no flag.
    assert!(numbers("sizes: [\"1\", \"2\", \"4\"]\n", "tp_size").is_empty());
    assert!(numbers("x--tp_size 2\n", "tp_size").is_empty());
}

#[test]
fn counts_with_a_size_suffix_as_vllm_parses_them() {
    // ROCm/ATOM#896 (heldout-10, development data): `--max-model-len 32K` is 32768.
    let text = corpus("vllm-atom896-v1-mi308x-tp8-command-32k.log");
    assert_eq!(numbers(&text, "max_model_len"), vec![(1, 32768.0)]);
    // vLLM's human_readable_int (arg_utils.py): lower case decimal, upper case binary.
    for (arg, want) in [
        ("32K", 32768.0),
        ("32k", 32000.0),
        ("25.6k", 25600.0),
        ("1M", 1_048_576.0),
        ("1m", 1_000_000.0),
        ("131072", 131072.0),
    ] {
        let line = format!("vllm serve m --max-model-len {arg} --max-num-batched-tokens={arg}\n");
        assert_eq!(numbers(&line, "max_model_len"), vec![(1, want)], "{arg}");
        assert_eq!(numbers(&line, "max_num_tokens"), vec![(1, want)], "{arg}");
    }
    // A YAML config's row and a continued command's line read the same way.
    assert_eq!(numbers("max_model_len: 64K\n", "max_model_len"), vec![(1, 65536.0)]);
    assert_eq!(numbers("  --max-model-len 8k \\\n", "max_model_len"), vec![(1, 8000.0)]);
    // A unit after the number is no suffix: `16GB` is not 16 G tokens.
    assert_eq!(numbers("vllm serve m --max-model-len 16GB\n", "max_model_len"), vec![(1, 16.0)]);
    assert!(numbers("max_model_len: 16GB\n", "max_model_len").is_empty());
}

#[test]
fn llama_cpp_python_arguments() {
    // llama-cpp-python's README call, one line, and a script's call one keyword a line.
    let call = "llm = Llama(model_path=\"./models/7B/llama-model.gguf\", n_gpu_layers=-1, seed=1337, n_ctx=2048, n_batch=512)\n";
    assert_eq!(numbers(call, "n_ctx"), vec![(1, 2048.0)]);
    assert_eq!(numbers(call, "n_batch"), vec![(1, 512.0)]);
    let lines = "llm = Llama(\n    model_path=\"/models/mistral-7b.Q4_K_M.gguf\",\n    n_ctx=4096,\n    n_batch=256,\n    n_ubatch=128,\n    n_gpu_layers=35,\n)\n";
    assert_eq!(numbers(lines, "n_ctx"), vec![(1, 4096.0)]);
    assert_eq!(numbers(lines, "n_batch"), vec![(1, 256.0)]);
    assert_eq!(numbers(lines, "n_ubatch"), vec![(1, 128.0)]);
    // A keyword inside other text is no call's line.
    assert!(numbers("system_info: n_threads = 14 (n_threads_batch = 14)\n", "n_batch").is_empty());
    // Its server's flags, and a harness's dict of the same keywords.
    let server = "python3 -m llama_cpp.server --model m.gguf --n_ctx 8192 --n_batch 1024\n";
    assert_eq!(numbers(server, "n_ctx"), vec![(1, 8192.0)]);
    assert_eq!(numbers(server, "n_batch"), vec![(1, 1024.0)]);
    let kwargs = "model_kwargs={'n_ctx': 3072, 'n_gpu_layers': -1}\n";
    assert_eq!(numbers(kwargs, "n_ctx"), vec![(1, 3072.0)]);
    // llama.cpp's own line is read once, by its rule, not again as a keyword.
    let own = "llama_new_context_with_model: n_ctx      = 4096\n";
    assert_eq!(numbers(own, "n_ctx"), vec![(1, 4096.0)]);
}

#[test]
fn llama_cpp_buffer_lines_of_every_backend_and_era() {
    // Per-backend buffers (2024 on): any device name, host staging buffers not listed.
    let log = "load_tensors:    Vulkan0 model buffer size =  6095.30 MiB\n\
               llama_kv_cache_init:    Vulkan0 KV buffer size =  1024.00 MiB\n\
               llama_new_context_with_model:    Vulkan0 compute buffer size =   164.01 MiB\n\
               llama_new_context_with_model: Vulkan_Host compute buffer size =    16.01 MiB\n\
               llama_new_context_with_model: KV self size  = 1024.00 MiB, K (f16):  512.00 MiB, V (f16):  512.00 MiB\n";
    assert_eq!(numbers(log, "model_buffer"), vec![(1, 5.95)]);
    assert_eq!(numbers(log, "kv_device_size"), vec![(1, 1.0)]);
    assert_eq!(numbers(log, "compute_buffer"), vec![(1, 0.16)]);
    assert_eq!(numbers(log, "k_size"), vec![(1, 0.5)]);
    assert_eq!(numbers(log, "v_size"), vec![(1, 0.5)]);
    for dev in ["CUDA0", "ROCm0", "SYCL0", "Metal", "MUSA0", "CANN0"] {
        let l = log.replace("Vulkan0", dev);
        assert_eq!(numbers(&l, "kv_device_size"), vec![(1, 1.0)], "{dev}");
        assert_eq!(numbers(&l, "compute_buffer"), vec![(1, 0.16)], "{dev}");
    }
    // A CPU-only run: the CPU is the device, its compute buffer is the run's (corpus,
    // development data: llmaz#402). Beside a GPU's, a buffer named `CPU` is still the CPU
    // backend's own (llama.cpp names the pinned staging one `CUDA_Host`): listed since round 5
    // (convention in docs/capacity-corpus.md, "Rules for `heldout-11`'s classes").
    let text = corpus("llamacpp-llmaz402-cpu-spec-target-then-draft.log");
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, 0.07)]);
    let cpu = "llama_context:        CPU compute buffer size =    71.01 MiB\n";
    assert_eq!(numbers(cpu, "compute_buffer"), vec![(1, 0.07)]);
    let both = format!("llama_context:      CUDA0 compute buffer size =   164.01 MiB\n{cpu}");
    assert_eq!(numbers(&both, "compute_buffer"), vec![(1, 0.16), (1, 0.07)]);
    // Late-2023 builds: the KV cache's and the scratch (compute) buffer's VRAM, MB meaning MiB.
    let old = "llm_load_tensors: VRAM used: 8694.21 MB\n\
               llama_kv_cache_init: VRAM kv self = 3200.00 MB\n\
               llama_new_context_with_model: kv self size  = 3200.00 MB\n\
               llama_new_context_with_model: compute buffer total size = 359.57 MB\n\
               llama_new_context_with_model: VRAM scratch buffer: 358.00 MB\n";
    assert_eq!(numbers(old, "kv_device_size"), vec![(1, 3.13)]);
    // Round 25 (capfix25): the `compute buffer total size` is read too (the labels of
    // llama.cpp#3606 and #4381 list it), beside the scratch buffer.
    assert_eq!(numbers(old, "compute_buffer"), vec![(1, 0.35), (1, 0.35)]);
}

#[test]
fn a_weights_line_whose_head_was_damaged() {
    // noonghunna/club-3090#232 (heldout-10, development data): an anonymiser replaced part of
    // `Model` (`M<USER> loading took 8.93 GiB memory and 6.465789 seconds`).
    let text = corpus("club3090-232-v1-mtp-hybrid-redacted-model-word.log");
    assert_eq!(numbers(&text, "weights"), vec![(1, 8.93)]);
    assert_eq!(numbers(&text, "weights_load_s"), vec![(1, 6.47)]);
    // The engine's own line is read once; a time alone states no weights.
    let own = "INFO 05-26 05:37:41 [gpu_model_runner.py:5085] Model loading took 8.93 GiB memory and 6.465789 seconds\n";
    assert_eq!(numbers(own, "weights"), vec![(1, 8.93)]);
    assert!(numbers("Draft loading took 3.2 seconds\n", "weights").is_empty());
}
