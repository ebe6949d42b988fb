//! Stated values for the round-26 classes (issue 15, branch capfix26): a llama.cpp load that
//! follows a finished load with no start line between (its device lines, `using device … MiB
//! free`, or its params-fit projection, `projected to use … MiB of device memory`, head it), and
//! llama-server's auto slot count (`n_parallel is set to auto, using n_parallel = 4`), the one
//! value a router start states. Lines are real, each with its source, stitched where a test needs
//! two loads; none is from the capfix26 set-aside (its seven logs were not opened).

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

/// farbodtavakkoli/OTel inference/ollama/llm/README.md at eefe5645 (heldout-45, development
/// part): ollama's llama.cpp runner on one MI355X, on two, then on an H100; the page quotes a
/// grep of each run's lines, with no start line between them.
const OTEL: &str = "llamacpp-repo-otel-ollama-03214-rocm-mi355x-one-then-two-gpus-then-h100-three-launches-kv-16384-8192x2-4480.log";

/// madcamp-2025w-week4/FSD logs/llama-server.log (heldout-39): llama-server b7896 with its fit
/// step (`llama_params_fit_impl: projected to use 14599 MiB …`), one RTX 3090.
const FSD: &str =
    "llamacpp-repo-fsd-b7896-rtx3090-qwen25-14b-q4km-ctx-32768-seq4-kv-6144-compute-307.log";

/// Nira-AI llama-server log (b8133 on an RTX 5070, Windows): fit step, q8_0 KV cache.
const NIRA: &str = "llamacpp-repo-niraai-b8133-windows-rtx5070-mn-12b-q5km-40of41-ctx-4096-kv-q8-8.5-331.5-compute-309.77.log";

/// kmbandy/llama.cpp plans/errors/output.md (heldout-39): one llama-server process
/// (`build_info: b8942-…`) loads MiniMax-M2.7, then an embedding model on two devices.
const KMBANDY: &str = "llamacpp-repo-kmbandyfork-b8942-rocm-r9700-rx6900xt-minimax-m27-weight-pager-tiered-kv-turbo4-1581-compute-396.75-segv.log";

/// ggml-org/llama.cpp#11200 (heldout-9): llama-server with speculative decoding; the excerpt
/// ends in the draft model's device line and metadata.
const SPEC_11200: &str = "llamacpp-11200-spec-2gpu-pp-q8-kv-then-draft.log";

/// ROCm/ROCm#6227 (heldout-45, development part): llama-server b9106 on Windows, a router start
/// (`-c 16384`, no model), then a model start.
const ROCM_6227: &str = "llamacpp-rocm6227-b9106-windows-hip-rx9070xt-two-launches-router-then-granite41-8b-q8-fit-ctx-31488-kv-4920-compute-204-warmup-crash.log";

/// ai-gis llama-server log (b8179, Vulkan, Windows): the auto `n_parallel` line before `build:`.
const AIGIS: &str = "llamacpp-repo-aigis-b8179-windows-vulkan-rtx3060-laptop-qwen25-3b-q4km-35of37-ctx-2048-kv-4-68-compute-300.75.log";

/// Nira-AI's second load as a README quotes it: its fit projection, then its buffer lines only.
fn nira_excerpt(with_projection: bool, with_devices: bool) -> String {
    let mut s = String::new();
    if with_projection {
        s.push_str(&lines(NIRA, 18, 18));
    }
    if with_devices {
        s.push_str(&lines(NIRA, 22, 22));
    }
    s + &lines(NIRA, 154, 155) + &lines(NIRA, 172, 173) + &lines(NIRA, 176, 177)
}

#[test]
fn a_readme_grep_of_three_loads_is_three_launches() {
    let text = corpus(OTEL);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 16.0), (2, 8.0), (2, 8.0), (3, 4.38)]);
    let models = numbers(&text, "model_buffer");
    assert_eq!(models.iter().filter(|(l, _)| *l == 2).count(), 3, "{models:?}");
    assert_eq!(models.last(), Some(&(3, 0.59)), "{models:?}");
    assert_eq!(numbers(&text, "compute_buffer").last(), Some(&(3, 0.26)));
}

#[test]
fn the_fit_projection_after_a_finished_load_heads_the_next_load() {
    // FSD's load from its projection on (no start line), then Nira's projection and buffers.
    let text = lines(FSD, 15, 164) + &nira_excerpt(true, false);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 6.0), (2, 0.01), (2, 0.32)]);
    assert_eq!(numbers(&text, "model_buffer").last(), Some(&(2, 7.51)));
    // Announced by its `fitting params to device memory` line too.
    let text = lines(FSD, 14, 164) + &lines(NIRA, 17, 17) + &nira_excerpt(true, false);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 6.0), (2, 0.01), (2, 0.32)]);
}

#[test]
fn the_device_lines_after_a_finished_load_head_the_next_load() {
    let text = lines(FSD, 19, 164) + &nira_excerpt(false, true);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 6.0), (2, 0.01), (2, 0.32)]);
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, 0.3), (2, 0.3)]);
}

#[test]
fn a_process_that_printed_its_start_line_loads_its_next_model_in_the_same_launch() {
    // FSD's `build:` line heads the paste: the next load is that process's next model.
    let text = lines(FSD, 1, 164) + &nira_excerpt(true, true);
    assert!(numbers(&text, "kv_device_size").iter().all(|(l, _)| *l == 1));
    // kmbandy's embedding model (two `using device` lines after the main model's cache).
    let kv = numbers(&corpus(KMBANDY), "compute_buffer");
    assert!(kv.iter().all(|(l, _)| *l == 1), "{kv:?}");
    // llama.cpp#11200: the draft model's device line after the target's cache states nothing
    // of its own; the target's values stay launch 1.
    let spec = corpus(SPEC_11200);
    assert!(lines(SPEC_11200, 16, 16).contains("using device"));
    let kv = numbers(&spec, "kv_device_size");
    assert_eq!(kv.len(), 2, "{kv:?}");
    assert!(kv.iter().all(|(l, _)| *l == 1), "{kv:?}");
}

#[test]
fn a_router_start_and_a_model_start_stay_two_launches() {
    // The router start's own `n_parallel is set to auto` line is not read (a rule for it took an
    // 83rd prefilter head and 10-15 % of the scan's CPU for one value: dropped by the lead at
    // merge, docs/capacity-corpus-4.md "Round 26"); the model start's context block still states
    // its slots and the two starts stay apart.
    let text = corpus(ROCM_6227);
    let slots = numbers(&text, "n_seq_max");
    assert!(!slots.is_empty() && slots.iter().all(|(l, _)| *l == 2), "{slots:?}");
    assert_eq!(numbers(&text, "n_ctx"), vec![(1, 16384.0), (2, 31488.0)]);
    // The second start alone (its command, the auto line, `build_info:`): one launch.
    let second = lines(ROCM_6227, 24, 210);
    assert!(numbers(&second, "n_seq_max").iter().all(|(l, _)| *l == 1));
    assert!(numbers(&second, "kv_device_size").iter().all(|(l, _)| *l == 1));
}

#[test]
fn the_auto_slot_line_before_the_build_line_is_the_start_s() {
    let text = corpus(AIGIS);
    assert!(lines(AIGIS, 5, 5).contains("using n_parallel = 4"));
    let slots = numbers(&text, "n_seq_max");
    assert_eq!(slots.first(), Some(&(1, 4.0)), "{slots:?}");
    assert!(slots.iter().all(|(l, _)| *l == 1), "{slots:?}");
    // With the command pasted before it (ROCm#6227's second command), still one start.
    let text = lines(ROCM_6227, 24, 24) + &corpus(AIGIS);
    assert!(numbers(&text, "kv_device_size").iter().all(|(l, _)| *l == 1));
}
