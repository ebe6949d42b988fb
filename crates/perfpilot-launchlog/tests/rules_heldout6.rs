//! The data rules added after `heldout-6` was scored (`src/rules.toml`, end of file): an
//! argument dump whose head the paste cut still states its settings, and a whole dump is left to
//! the argument parser (no second reading of the same line).

use perfpilot_launchlog::{EventKind, parse_log};

mod common;

use common::{fixture as corpus, values as rule_values};

#[test]
fn a_namespace_dump_without_its_head_states_its_settings() {
    // vLLM 0.8 on 4 x MI300X (vllm-project/vllm#16474): the middle of `args: Namespace(…)`.
    let got = rule_values(&corpus("corpus/launch/vllm-16474-v1-mi300x-tp4-namespace-fp8-kv.log"));
    for (key, value) in [
        ("kv_dtype", "fp8"),
        ("max_model_len", "430000"),
        ("pp_size", "1"),
        ("tp_size", "4"),
        ("dp_size", "1"),
        ("gpu_memory_utilization", "0.9"),
    ] {
        assert!(got.iter().any(|(k, v)| k == key && v == value), "{key} {value}: {got:?}");
    }
}

#[test]
fn a_whole_namespace_line_is_left_to_the_argument_parser() {
    // The `args: Namespace(…)` line of a real vLLM 0.6 log (vllm-project/vllm#10517).
    let log = corpus("capacity/launch/vllm-10517-llama31-8b-rtx3090-v0-block32.log");
    let line = log.lines().find(|l| l.contains("args: Namespace(")).expect("Namespace line");
    let parsed = parse_log(line);
    assert!(
        !parsed
            .events
            .iter()
            .any(|e| matches!(e.event, EventKind::Setting { .. } | EventKind::Word { .. })),
        "{:?}",
        parsed.events
    );
    assert_eq!(parsed.args.len(), 1, "the argument parser reads the line");
}
