//! The rules added after the second blind batch `heldout-8` was scored (issue 15, branch
//! capfix2), tested as classes: flags at the start of a continued command's lines, a fork's
//! labelled profiling breakdown, an argument-dump key split by a line break, and the new vLLM and
//! SGLang lines. Real corpus pastes, and variants of them that change only what the class says
//! must not matter.

mod common;

use common::{fixture, has, values};

#[test]
fn every_flag_rule_has_its_line_start_twin() {
    // A command continued with `\` puts each flag at the start of its line with no space
    // before it; a flag rule without its twin would miss the setting written that way.
    let text = include_str!("../src/rules.toml");
    let table: toml::Table = toml::from_str(text).expect("rules.toml");
    let rules = table["rule"].as_array().expect("rules");
    let twins: Vec<(&str, &str)> = rules
        .iter()
        .filter(|r| r.get("line_start").and_then(|v| v.as_bool()) == Some(true))
        .filter_map(|r| Some((r["phrase"].as_str()?, r["key"].as_str()?)))
        .collect();
    for r in rules {
        let (Some(p), Some(k)) = (r["phrase"].as_str(), r["key"].as_str()) else { continue };
        if p.starts_with(" -") {
            assert!(twins.contains(&(&p[1..], k)), "{p} has no line-start twin");
        }
    }
}

#[test]
fn flags_on_their_own_lines_of_a_continued_command() {
    // sgl-project/sglang#4048 (heldout-8): `python -m sglang.launch_server \` then one flag a
    // line, no space before the `--`.
    let got = values(&fixture("corpus/launch/sglang-4048-v043-tp8-dsr1-cmdline-160k.log"));
    for (k, v) in [
        ("tp_size", "8"),
        ("mem_fraction_static", "0.9"),
        ("context_len", "163840"),
        ("chunked_prefill_size", "4096"),
    ] {
        assert!(has(&got, k, v), "{k} {v}: {got:?}");
    }
    // The same class in other spellings: argparse's `--tp` abbreviation, `=` values, vLLM's
    // underscore form, a YAML folded block's indentation.
    let got = values(
        "--tp 4 \\\n--max_model_len=32768 \\\n      --kv-cache-dtype fp8_e5m2\n--max-num-seqs 64\n",
    );
    for (k, v) in [
        ("tp_size", "4"),
        ("max_model_len", "32768"),
        ("kv_dtype", "fp8_e5m2"),
        ("max_num_sequences", "64"),
    ] {
        assert!(has(&got, k, v), "{k} {v}: {got:?}");
    }
    // Not at a line start and not after a space: no flag (`x--tp 4` is no argument).
    assert!(values("x--tp 4\nmodel--context-length 5\n").is_empty());
    // `auto` states no dtype.
    assert!(values("vllm serve m --kv-cache-dtype auto\n").is_empty());
}

#[test]
fn a_forks_breakdown_is_read_by_its_rows() {
    // The Aphrodite fork (heldout-8) prints vLLM V0's profiling block as a labelled table.
    let got = values(&fixture("corpus/launch/vllm-sonar1320-aphrodite-breakdown-main-then-pr.log"));
    for (k, v) in [
        ("profiling_s", "3.61"),
        ("total_gpu_memory", "47.53"),
        ("gpu_memory_utilization", "0.9"),
        ("budget", "42.78"),
        ("weights", "23.87"),
        ("kv_budget", "10.53"),
        ("activation_peak", "8.27"),
        ("max_concurrency", "8.43"),
        ("max_concurrency_tokens", "8192"),
        ("kv_tokens", "69024"),
        ("kv_budget", "17.72"),
        ("max_concurrency", "14.18"),
    ] {
        assert!(has(&got, k, v), "{k} {v}: {got:?}");
    }
    // The rows under another engine's name and with a fractional utilisation.
    let got = values(
        "  Total GPU memory: 79.19 GiB\n  Memory utilization: 0.85\n  Available for MyEngine: 67.31 GiB\n  Peak activation memory: 2.00 GiB\n",
    );
    for (k, v) in [
        ("total_gpu_memory", "79.19"),
        ("gpu_memory_utilization", "0.85"),
        ("budget", "67.31"),
        ("activation_peak", "2.00"),
    ] {
        assert!(has(&got, k, v), "{k} {v}: {got:?}");
    }
    // A utilisation above 100% or a row without a unit is no value.
    assert!(values("Memory utilization: 150%\nAvailable for Aphrodite: lots\n").is_empty());
}

#[test]
fn a_dump_key_split_by_a_line_break_is_read() {
    // sgl-project/sglang#9856 (heldout-8): `…, chunked_prefil` / `l_size=16384, …`.
    let got = values(&fixture("corpus/launch/sglang-9856-2node-gb200-server-args-wrapped.log"));
    assert!(has(&got, "chunked_prefill_size", "16384"), "{got:?}");
}

#[test]
fn new_engine_lines() {
    // SGLang's late-2025 sizing lines (sgl-project/sglang#14071): the rest memory is the KV
    // budget, and the token capacity used is the lesser of the argument and the profiled figure.
    let got = values(&fixture("corpus/launch/sglang-pr14071-mla-tp4-kv-60000-budget-lines.log"));
    assert!(has(&got, "kv_budget", "35.90"), "{got:?}");
    assert!(has(&got, "max_total_num_tokens", "60000"), "{got:?}");
    let got = values("[TP0] max_total_num_tokens: arg=900000 vs profiled=412345, using min\n");
    assert!(has(&got, "max_total_num_tokens", "412345"), "{got:?}");
    // vLLM V1 with --kv-cache-memory-bytes (vllm-project/vllm#49878).
    let got = values(&fixture("corpus/launch/vllm-49878-v1-026-gemma4-kv-cache-memory-bytes.log"));
    assert!(has(&got, "free_at_start", "93.88"), "{got:?}");
    assert!(has(&got, "kv_budget", "49.00"), "{got:?}");
    // V0's one-line profiling results state their duration (vllm-project/vllm#10909).
    let got = values(&fixture("corpus/launch/vllm-pr10909-v0-bamba-tp2-profiling-results.log"));
    assert!(has(&got, "profiling_s", "71.88") && has(&got, "profiling_s", "72.36"), "{got:?}");
    // compilation_config's capture-size cap under its newer name, dict form (vllm#39010).
    let got = values(&fixture("corpus/launch/vllm-39010-v1-019-rocm-compilation-config.log"));
    assert!(has(&got, "graph_max_size", "512"), "{got:?}");
}
