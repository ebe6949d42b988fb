//! Stated values for the round-28 class (issue 15, branch capfix28): a vLLM V1 start refused at
//! start-up (`ValueError: Free memory on device … is less than desired GPU memory utilization`,
//! the engine core's traceback, then the API server's `RuntimeError: Engine core initialization
//! failed`), and the next start of the same server, announced by a launcher's command or by
//! nothing but its own start-up lines (`vLLM API server version`, `non-default args`, the engine
//! core's `Initializing a V1 LLM engine`) under new pids. The next start's API server and engine
//! core are one start: the first new pid of each once-per-start label after a launch opened is
//! that launch's process, not a third start. Lines are real, each with its source, stitched
//! where a test needs two; none is from the capfix28 set-aside (its six logs were not opened).

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

/// mrpid12org/imageworks nohup.out at 4fdc8eb (heldout-46, development part): vLLM 0.10.2 under
/// WSL, a start refused for free memory (L1–L150, `vLLM server exited with status 1` at L151),
/// the launcher's `🚀 Launching vLLM server with command:` and its `python -m
/// vllm.entrypoints.openai.api_server …` (L152–L153), then the start that runs (L154–L217).
const IMAGEWORKS: &str = "vllm-repo-imageworks-v1-0102-wsl-16gb-llava15-7b-awq-two-launches-free-13.58-refusal-then-kv-8.99-tokens-18400-blocks-1150.log";

/// kolyangg/mlops-assignment logs/vllm.log at 410b958: one vLLM 0.10.2 start (Qwen3-30B-A3B on
/// an H100), its API server and engine core under their own pids, no command line.
const MLOPS: &str = "vllm-repo-mlopsassignment-v1-0102-h100-qwen3-30b-a3b-len-6144-weights-56.93-kv-8.68-tokens-94784-free-78.57-init-22.67-blocks-5924.log";

/// The launches a text's `max_model_len` values are filed under, distinct, in order.
fn launches(text: &str) -> Vec<u32> {
    let l: std::collections::BTreeSet<u32> =
        numbers(text, "max_model_len").into_iter().map(|(l, _)| l).collect();
    l.into_iter().collect()
}

#[test]
fn a_refused_start_then_the_started_one_are_two_launches() {
    let text = corpus(IMAGEWORKS);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 18400.0)]);
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(2, 1150.0)]);
    assert_eq!(numbers(&text, "init_engine_s"), vec![(2, 11.23)]);
    // The refusal's free memory is the first start's, the summary's the second's.
    assert_eq!(numbers(&text, "free_at_start"), vec![(1, 13.58), (1, 13.58), (2, 14.66)]);
    assert_eq!(launches(&text), vec![1, 2]);
}

#[test]
fn the_second_start_without_its_command_is_still_one_launch() {
    // The same paste with the launcher's lines (L151–L153) cut: the second start is told by its
    // API server's new pid, and its engine core's new pid opens nothing more.
    let text = lines(IMAGEWORKS, 1, 150) + &lines(IMAGEWORKS, 154, 217);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 18400.0)]);
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(2, 1150.0)]);
    assert_eq!(launches(&text), vec![1, 2]);
}

#[test]
fn another_servers_start_after_a_refusal_is_one_launch() {
    // imageworks' refused start, then mlops-assignment's whole start (another model, other pids),
    // once with the launcher's command between and once without.
    for between in [lines(IMAGEWORKS, 151, 153), String::new()] {
        let text = lines(IMAGEWORKS, 1, 150) + &between + &corpus(MLOPS);
        assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 94784.0)], "{between}");
        assert_eq!(numbers(&text, "gpu_blocks"), vec![(2, 5924.0)], "{between}");
        assert_eq!(numbers(&text, "free_at_start").first(), Some(&(1, 13.58)));
        // mlops's own start alone is one launch.
        assert_eq!(numbers(&corpus(MLOPS), "kv_tokens"), vec![(1, 94784.0)]);
    }
}
