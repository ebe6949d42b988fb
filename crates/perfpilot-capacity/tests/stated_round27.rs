//! Stated values for the round-27 class (issue 15, branch capfix27): SGLang's DeepGEMM JIT warning
//! (`Entering DeepGEMM JIT Pre-Compile session. … with same args as `sglang.launch_server` …
//! For example: `python3 -m sglang.compile_deep_gemm --model deepseek-ai/DeepSeek-V3 --tp 8 …``,
//! python/sglang/srt/layers/deep_gemm_wrapper/compile_utils.py, printed once per kernel shape
//! during the graph capture of a DeepSeek / FP8 start) names the server in prose and quotes an
//! example command: neither is the run's command, nor is the example's `--tp 8` its setting.
//! Lines are real, each with its source, stitched where a test needs two; none is from the
//! capfix27 set-aside (its five logs were not opened).

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

/// devopsrustem/slurmv4 3/12.sh at 9130f56 (heldout-44, development part): node 0 of a TP16
/// decode instance of a prefill/decode-disaggregated DeepSeek-R1 deployment, SGLang 0.5.8.post1;
/// five DeepGEMM warnings inside its graph capture (L64, L76, L80, L84, L88).
const SLURMV4: &str = "sglang-repo-slurmv4-058post1-pd-decode-node0-of-tp16-h100-dsr1-fp8-weights-40.62-kv-326265-graph-bs-20-0.82-ready.log";

/// servekit's SGLang 2026-07 start (Apertus-8B, TP4): one start, `python -m sglang.launch_server`'s
/// deprecation warning (L9) before its `server_args` dump.
const SERVEKIT: &str = "sglang-repo-servekit-2026-07-apertus-8b-tp4-kv-2467713-37.65-graph-17.13-piecewise-21.42-ctx-32768.log";

/// sgl-project/sglang#20973: a compose file's folded command, `python3 -m sglang.launch_server`
/// alone on its line and one flag a line after it.
const CMD_20973: &str = "sglang-20973-dev-cu13-dgx-spark-gb10-qwen35-35b-nvfp4-command-ctx-261375-fp8-kv-serverargs-middle.log";

#[test]
fn a_pd_decode_node_with_deepgemm_warnings_is_one_launch() {
    let text = corpus(SLURMV4);
    let graph = numbers(&text, "graph_s");
    assert_eq!(graph.len(), 8, "{graph:?}");
    assert!(graph.iter().all(|(l, _)| *l == 1), "{graph:?}");
    assert_eq!(numbers(&text, "max_total_num_tokens"), vec![(1, 326265.0)]);
    assert_eq!(numbers(&text, "available_gpu_mem"), vec![(1, 14.4)]);
    // The example command's `--tp 8` is no setting of this run.
    assert_eq!(numbers(&text, "tp_size"), vec![]);
}

#[test]
fn the_warning_after_a_finished_start_opens_no_launch() {
    // servekit's whole start, then slurmv4's warning and the compile line after it.
    let text = corpus(SERVEKIT) + &lines(SLURMV4, 76, 77);
    assert_eq!(numbers(&text, "tp_size"), vec![(1, 4.0)]);
    assert_eq!(numbers(&text, "max_total_num_tokens"), vec![(1, 2467713.0)]);
}

#[test]
fn a_module_run_of_the_server_is_a_command_whatever_follows() {
    // A folded command (`python3 -m sglang.launch_server`, its flags on the next lines) pasted
    // after a finished start is the next start; its flags are that start's.
    let text = corpus(SERVEKIT) + &lines(CMD_20973, 1, 8);
    assert_eq!(numbers(&text, "context_len").last(), Some(&(2, 261375.0)));
    assert_eq!(numbers(&text, "tp_size"), vec![(1, 4.0), (2, 1.0)]);
    // The deprecation warning names the module run (`'python -m sglang.launch_server' is still
    // supported`): the start's own line, as before round 27.
    assert_eq!(numbers(&corpus(SERVEKIT), "max_total_num_tokens"), vec![(1, 2467713.0)]);
}
