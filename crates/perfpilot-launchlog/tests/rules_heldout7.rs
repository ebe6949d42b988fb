//! The rules added after the blind batch `heldout-7` was scored (issue 15, branch capfix): vLLM
//! flags in their underscore spelling, SGLang argument dumps whose head the paste cut (a value
//! a line break moved to the next line included), and TensorRT-LLM's per-layer attention-window
//! pattern and engine load time.

mod common;

use common::{fixture, has, values};
use perfpilot_launchlog::{EventKind, parse_log};

#[test]
fn every_dashed_vllm_flag_rule_has_its_underscore_twin() {
    // vLLM's FlexibleArgumentParser accepts `--foo_bar` for `--foo-bar`: a dashed vLLM flag rule
    // without its underscore spelling would miss the same setting written the other way.
    let text = include_str!("../src/rules.toml");
    let table: toml::Table = toml::from_str(text).expect("rules.toml");
    let rules = table["rule"].as_array().expect("rules");
    let vllm_flags: Vec<&str> = rules
        .iter()
        .filter(|r| r["framework"].as_str() == Some("vllm"))
        .filter_map(|r| r["phrase"].as_str())
        .filter(|p| p.starts_with(" --"))
        .collect();
    for p in &vllm_flags {
        let twin = format!(" --{}", p[3..].replace('-', "_"));
        assert!(vllm_flags.contains(&twin.as_str()), "{p} has no rule for {twin}");
    }
}

#[test]
fn underscore_flags_in_both_value_forms() {
    // vllm-project/vllm#13061 (heldout-7): `--tensor_parallel_size 2 --gpu_memory_utilization=0.98`.
    let got = values(&fixture("corpus/launch/vllm-13061-v0-tp2-4090-max-seq-len-refusal.log"));
    assert!(has(&got, "tp_size", "2"), "{got:?}");
    assert!(has(&got, "gpu_memory_utilization", "0.98"), "{got:?}");
    let got = values(
        "$ vllm serve /m --pipeline_parallel_size=2 --max_num_batched_tokens 8192 --block_size=32 --data_parallel_size 4\n",
    );
    for (k, v) in
        [("pp_size", "2"), ("max_num_tokens", "8192"), ("block_size", "32"), ("dp_size", "4")]
    {
        assert!(has(&got, k, v), "{k} {v}: {got:?}");
    }
}

#[test]
fn a_cut_server_args_dump_states_its_settings_across_a_line_break() {
    // LMCache/LMCache#2400 (heldout-7): the middle of SGLang's `ServerArgs(…)`, with
    // `cuda_graph_max_bs=` at the end of one line and `256, cuda_graph_bs=[…]` on the next.
    let log = parse_log(&fixture("corpus/launch/sglang-lmcache2400-server-args-graph-bs.log"));
    let max_bs: Vec<_> = log
        .events
        .iter()
        .filter_map(|e| match &e.event {
            EventKind::Setting { key, value } if key == "graph_max_bs" => Some((e.line, *value)),
            _ => None,
        })
        .collect();
    assert_eq!(max_bs, vec![(2, 256.0)]);
    let sizes = log.events.iter().find_map(|e| match &e.event {
        EventKind::ConfigCaptureSizes { sizes } => Some(sizes.clone()),
        _ => None,
    });
    let sizes = sizes.expect("cuda_graph_bs list");
    assert_eq!((sizes.len(), sizes.first(), sizes.last()), (36, Some(&1), Some(&256)));
    // Only a number at the head of the very next line continues the cut value.
    let got = values("a=1, cuda_graph_max_bs=\nINFO 256 requests, x=1\n");
    assert!(!got.iter().any(|(k, _)| k == "graph_max_bs"), "{got:?}");
    let got = values("a=1, cuda_graph_max_bs=\n\nb=2, tp_size=4\n160, c=1\n");
    assert!(!has(&got, "graph_max_bs", "160"), "{got:?}");
    assert!(has(&got, "tp_size", "4"), "{got:?}");
}

#[test]
fn a_whole_server_args_line_is_left_to_the_argument_parser() {
    // A real SGLang 0.2 `server_args=ServerArgs(…)` line (sgl-project/sglang#1030): the cut-dump
    // rules stand aside, the argument parser reads the dump once.
    let text = fixture("corpus/launch/sglang-1030-v02-server-args.log");
    let parsed = parse_log(&text);
    assert!(
        !parsed.events.iter().any(|e| matches!(
            e.event,
            EventKind::Setting { .. } | EventKind::ConfigCaptureSizes { .. }
        )),
        "{:?}",
        parsed.events
    );
    assert_eq!(parsed.args.len(), 1);
    assert_eq!(parsed.arg(&["context_length"]).map(|(v, _)| v), Some("4096"));
}

#[test]
fn tensorrt_llm_window_pattern_and_engine_load_time() {
    // NVIDIA/TensorRT-LLM PR #4028 (heldout-7, 0.21): `(384) * 12` and `Engine load time 205 ms`.
    let got = values(&fixture("corpus/launch/trtllm-pr4028-v021-trtgptmodel-test.log"));
    assert!(has(&got, "attention_window", "384"), "{got:?}");
    assert!(has(&got, "weights_load_s", "0.205"), "{got:?}");
    let got = values(
        "[TensorRT-LLM][INFO] TRTGptModel mMaxAttentionWindowSize: (4096, 4096, 4096, 4096, 4096, 131072) * 8 + (4096, 4096)\n",
    );
    assert!(has(&got, "attention_window", "131072"), "{got:?}");
}
