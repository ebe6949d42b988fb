//! Stated values for the round-24 classes (issue 15, branch capfix24): decimal commas of a
//! llama.cpp program run under a locale whose separator is a comma (`1039,50 MiB`), read only
//! where the comma cannot group thousands, and llama-cli's `generate: n_ctx = …` restatement.
//! Lines are real, each with its source.

mod common;

use common::{corpus, numbers};

/// alucianOriginal/XAIGPUARC README.md at 35582e79 (heldout-39): llama-cli b7300 (SYCL, Arc
/// A770) under a German locale; llama.cpp's `console::init` calls `setlocale(LC_ALL, "")`.
const XAIGPUARC: &str = "llamacpp-repo-xaigpuarc-b7300-sycl-arc-a770-llama-cli-f16-decimal-comma-ctx-4096-kv-224-compute-304.log";

/// A vLLM 0.9.2 `trl vllm-serve` run of a model-merging repository (Python: `545,856 tokens`
/// groups thousands with `{:,}`).
const MODELMERGING: &str = "vllm-repo-modelmerging-v1-092-trl-vllm-serve-qwen25-15b-len-1536-weights-2.88-kv-14.58-tokens-545856-graph-0.47-init-30.42.log";

/// Mebibytes in GiB to two decimals, as `numbers` reports sizes.
fn mib(v: f64) -> f64 {
    (v / 1024.0 * 100.0).round() / 100.0
}

#[test]
fn decimal_comma_sizes_are_read_as_decimals() {
    let text = corpus(XAIGPUARC);
    // `CPU_Mapped model buffer size = 1039,50 MiB`, `SYCL0 model buffer size = 13486,77 MiB`.
    let models = numbers(&text, "model_buffer");
    assert_eq!(models.len(), 2, "{models:?}");
    assert_eq!(models, vec![(1, mib(1039.50)), (1, mib(13486.77))]);
    // `llama_kv_cache: size =  224,00 MiB (  4096 cells, …), K (f16):  112,00 MiB, V …`.
    assert_eq!(numbers(&text, "kv_size"), vec![(1, mib(224.0))]);
    assert_eq!(numbers(&text, "k_size"), vec![(1, mib(112.0))]);
    assert_eq!(numbers(&text, "v_size"), vec![(1, mib(112.0))]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 4096.0)]);
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, mib(304.0))]);
    // The host buffers (`SYCL_Host compute buffer size = 15,01 MiB`) stay aside as before.
    assert!(!numbers(&text, "compute_buffer").contains(&(1, mib(15.01))));
}

#[test]
fn a_comma_before_three_digits_still_groups_thousands() {
    // `GPU KV cache size: 545,856 tokens`: a count, not 545.856.
    assert_eq!(numbers(&corpus(MODELMERGING), "kv_tokens"), vec![(1, 545856.0)]);
    // The sampler's `repeat_penalty = 1,000` of the German-locale log is no size: nothing read.
    let sampler = corpus(XAIGPUARC)
        .lines()
        .filter(|l| l.starts_with("repeat_last_n = 64"))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    assert!(!sampler.is_empty());
    assert!(numbers(&sampler, "kv_tokens").is_empty());
}

#[test]
fn llama_cli_generate_line_restates_the_context() {
    // `generate: n_ctx = 4096, n_batch = 2048, n_predict = 512, n_keep = 0` after the sized
    // cache is the same run: one launch, its context read from the context block.
    let text = corpus(XAIGPUARC);
    let ctx = numbers(&text, "n_ctx");
    assert!(!ctx.is_empty() && ctx.iter().all(|c| *c == (1, 4096.0)), "{ctx:?}");
}
