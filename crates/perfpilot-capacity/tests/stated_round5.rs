//! Stated values for the classes of misses of the fifth blind batch `heldout-11` (issue 15,
//! branch capfix5), written from the engines' format strings: Ollama's per-device memory summary,
//! the Gaudi vLLM fork's weight lines, llama.cpp's CPU compute buffer, and the launch boundaries
//! of pastes that hold two runs without a second command (SGLang's second KV pool with another
//! token count, llama.cpp's KV cache larger than the stated context). Real lines (corpus
//! development pastes and public pastes of the engines' output), and variants that change only
//! what the class says must not matter.

mod common;

use common::{corpus, numbers};

#[test]
fn ollama_per_device_summary() {
    // ollama/ollama#12431 (heldout-11, development data): weights, KV cache and compute graph of
    // CUDA0 and the CPU, then the `total memory` sum (no key).
    let text = corpus("llamacpp-ollama12431-new-engine-cuda0-weights-kv-graph.log");
    let mib = |x: f64| (x / 1024.0 * 100.0).round() / 100.0;
    assert_eq!(numbers(&text, "model_buffer"), vec![(1, 12.2), (1, mib(127.5))]);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, mib(768.0))]);
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, mib(92.0)), (1, mib(4.0))]);
    // The same summary at DEBUG level under journald (BackendMemory.Log takes the level), with
    // the KV cache split over the GPU and the CPU.
    let debug = "Sep 11 00:42:50 ai ollama[3110]: time=2025-09-11T00:42:50.484+02:00 level=DEBUG source=backend.go:321 msg=\"kv cache\" device=ROCm0 size=\"450.0 MiB\"\n\
                 Sep 11 00:42:50 ai ollama[3110]: time=2025-09-11T00:42:50.484+02:00 level=DEBUG source=backend.go:326 msg=\"kv cache\" device=CPU size=\"1.1 GiB\"\n";
    assert_eq!(numbers(debug, "kv_device_size"), vec![(1, mib(450.0)), (1, 1.1)]);
    // The sum and a size-less message state nothing.
    let total = "time=2025-09-27T19:30:15.383+02:00 level=INFO source=backend.go:342 msg=\"total memory\" size=\"13.2 GiB\"\n";
    assert!(
        numbers(total, "model_buffer").is_empty() && numbers(total, "kv_device_size").is_empty()
    );
}

#[test]
fn gaudi_fork_weight_lines() {
    // HabanaAI/vllm-fork#809 (heldout-11, development data): every worker prints its pre-load;
    // one launch, the host memory figures not read.
    let text = corpus("vllm-hpu809-v0-gaudi-dsr1-preload-79gib.log");
    assert_eq!(numbers(&text, "weights"), vec![(1, 79.41), (1, 79.41), (1, 79.41)]);
    // The fork's three load lines (its docs' "Logs Interpretation" example, habana_model_runner.py):
    // the pre-load and the total state the weights; `and 1.056 GiB of host memory` is no time.
    let block = "INFO 09-24 17:31:39 habana_model_runner.py:590] Pre-loading model weights on hpu:0 took 15.05 GiB of device memory (15.05 GiB/94.62 GiB used) and 1.067 GiB of host memory (8.199 GiB/108.2 GiB used)\n\
                 INFO 09-24 17:31:39 habana_model_runner.py:636] Wrapping in HPU Graph took 0 B of device memory (15.05 GiB/94.62 GiB used) and -3.469 MiB of host memory (8.187 GiB/108.2 GiB used)\n\
                 INFO 09-24 17:31:39 habana_model_runner.py:640] Loading model weights took in total 15.05 GiB of device memory (15.05 GiB/94.62 GiB used) and 1.056 GiB of host memory (8.188 GiB/108.2 GiB used)\n";
    assert_eq!(numbers(block, "weights"), vec![(1, 15.05), (1, 15.05)]);
    assert!(numbers(block, "weights_load_s").is_empty());
    // vLLM V1's own line keeps its time.
    let v1 = "INFO 05-06 10:00:00 [gpu_model_runner.py:1329] Model loading took 14.99 GiB and 4.52 seconds\n";
    assert_eq!(numbers(v1, "weights_load_s"), vec![(1, 4.52)]);
}

#[test]
fn llama_cpp_cpu_compute_buffer_is_a_compute_buffer() {
    // ggml-org/llama.cpp#17609 (heldout-11, development data): Metal's and the CPU backend's.
    let text = corpus("llamacpp-17609-metal-768-cells-compute-ctx4096.log");
    let mib = |x: f64| (x / 1024.0 * 100.0).round() / 100.0;
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, mib(404.0)), (1, mib(15.15))]);
    // Beside a discrete GPU the CPU backend's buffer is the pinned host type: not listed
    // (ggml-org/llama.cpp#18258's line).
    let cuda = "llama_context:      CUDA0 compute buffer size =   300.00 MiB\n\
                llama_context:  CUDA_Host compute buffer size =    41.51 MiB\n";
    assert_eq!(numbers(cuda, "compute_buffer"), vec![(1, mib(300.0))]);
}

#[test]
fn sglang_second_pool_with_another_token_count_is_another_run() {
    // sgl-project/sglang#11309 (heldout-11, development data): a PR run's pool, then main's.
    let text = corpus("sglang-11309-dsv32-b200-tp8-dp8-pr-then-main-kv.log");
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 975424.0), (2, 1462784.0)]);
    assert_eq!(numbers(&text, "pool_avail_after"), vec![(1, 37.71), (2, 15.38)]);
    // A draft model's pool has the target's token count: the same launch, a draft's.
    let draft = corpus("sglang-club3090-1261-tp2-5090-draft-pool.log");
    assert!(numbers(&draft, "kv_tokens").iter().all(|(l, _)| *l == 1));
    assert!(!numbers(&draft, "draft_kv_tokens").is_empty());
    // Another token count printed in the same second (the halves of one hybrid pool) is no
    // boundary either.
    let same_second = "[2025-10-07 23:17:19 DP0 TP0] KV Cache is allocated. #tokens: 975424, KV size: 43.67 GB\n\
                       [2025-10-07 23:17:19 DP0 TP0] KV Cache is allocated. #tokens: 1462784, KV size: 54.52 GB\n";
    assert!(numbers(same_second, "kv_tokens").iter().all(|(l, _)| *l == 1));
}

#[test]
fn llama_cpp_cache_larger_than_the_stated_context_is_another_run() {
    // A context of 131072 (ggml-org/llama.cpp#24476's line), then a 262144-cell cache
    // (ggml-org/llama.cpp#22585's line): two runs pasted one after the other.
    let two = "0.15.628.216 I llama_context: n_ctx         = 131072\n\
               llama_kv_cache: size = 10368.00 MiB (262144 cells,  36 layers,  1/1 seqs), K (q4_0): 5184.00 MiB, V (q4_0): 5184.00 MiB\n";
    assert_eq!(numbers(two, "n_ctx"), vec![(1, 131072.0)]);
    assert_eq!(numbers(two, "kv_tokens"), vec![(2, 262144.0)]);
    // The whole #22585 log: its cache holds its own context, one launch.
    let one = corpus("llamacpp-22585-sycl-ctx262144-q4-kv-gdn.log");
    assert_eq!(numbers(&one, "kv_tokens"), vec![(1, 262144.0)]);
    // A context llama.cpp pads to 256 cells is the same run.
    let padded = "./llama-server -m model.gguf -c 262000 -ngl 99\n\
                  llama_kv_cache: size = 10368.00 MiB (262144 cells,  36 layers,  1/1 seqs), K (q4_0): 5184.00 MiB, V (q4_0): 5184.00 MiB\n";
    assert_eq!(numbers(padded, "kv_tokens"), vec![(1, 262144.0)]);
}

#[test]
fn llama_cpp_kv_figure_cut_before_its_unit_reads_mib() {
    // ggml-org/llama.cpp#11598 (heldout-10, development data): the paste ends after the V figure.
    let text = corpus("llamacpp-11598-vulkan-mi60-ctx72000-kv-self.log");
    let mib = |x: f64| (x / 1024.0 * 100.0).round() / 100.0;
    assert_eq!(numbers(&text, "v_size"), vec![(1, mib(1968.75))]);
    assert_eq!(numbers(&text, "k_size"), vec![(1, mib(1968.75))]);
    // A figure followed by anything but the line's end is not a cut unit.
    let odd = "llama_init_from_model: KV self size  = 3937.50 MiB, K (f16): 1968.75 MiB, V (f16): 1968.75 XB\n";
    assert!(numbers(odd, "v_size").is_empty());
}
