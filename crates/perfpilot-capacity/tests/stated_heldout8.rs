//! Launch numbering for the pastes of `heldout-8` that hold several launches (issue 15, branch
//! capfix2), as classes: a fork's profiling block run twice, one command's block counts under
//! three versions, and a run pasted as a unified diff of two.

mod common;

use common::{corpus, numbers};

#[test]
fn a_forks_profiling_block_run_twice_is_two_launches() {
    // Aphrodite main, then a PR: each breakdown opens with its profiling time.
    let text = corpus("vllm-sonar1320-aphrodite-breakdown-main-then-pr.log");
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 4314.0), (2, 7259.0)]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 10.53), (2, 17.72)]);
    assert_eq!(numbers(&text, "profiling_s"), vec![(1, 3.61), (2, 2.61)]);
}

#[test]
fn block_counts_printed_again_by_one_process_are_new_launches() {
    // vllm-project/vllm#2136: three versions' `# GPU blocks` for one command (a markdown list,
    // not a diff), then the command, which stands in the third launch.
    let text = corpus("vllm-2136-v0-023-025-gpu-blocks-three-versions.log");
    assert_eq!(numbers(&text, "gpu_blocks"), vec![(1, 1464.0), (2, 1464.0), (3, 112.0)]);
    assert_eq!(numbers(&text, "max_model_len"), vec![(3, 16384.0)]);
    // Ranked workers each print their own count: one launch.
    let ranked = "(VllmWorker rank=0 pid=1) INFO # GPU blocks: 100, # CPU blocks: 10\n\
                  (VllmWorker rank=1 pid=2) INFO # GPU blocks: 100, # CPU blocks: 10\n";
    assert_eq!(numbers(ranked, "gpu_blocks"), vec![(1, 100.0), (1, 100.0)]);
}

#[test]
fn a_diff_is_two_launches_whichever_run_comes_first() {
    // A llama.cpp run pasted as a diff (heldout-8): `-` is the old run, `+` the new one, context
    // lines belong to both.
    let text = corpus("llamacpp-logdetective106-diff-ctx2048-then-32768.log");
    assert_eq!(numbers(&text, "n_ctx"), vec![(1, 2048.0), (2, 32768.0)]);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 0.25), (2, 4.0)]);
    assert_eq!(numbers(&text, "n_batch"), vec![(1, 512.0), (2, 512.0)]);
    // The sides swapped: the numbering follows the signs, not the values.
    let swapped: String = text
        .lines()
        .map(|l| match l.as_bytes().first() {
            Some(b'+') => format!("-{}\n", &l[1..]),
            Some(b'-') => format!("+{}\n", &l[1..]),
            _ => format!("{l}\n"),
        })
        .collect();
    assert_eq!(numbers(&swapped, "n_ctx"), vec![(1, 32768.0), (2, 2048.0)]);
    // The same lines without the signs are one launch.
    let plain: String = text.lines().map(|l| format!("{}\n", &l[1..])).collect();
    assert!(numbers(&plain, "n_ctx").iter().all(|(launch, _)| *launch == 1));
}

#[test]
fn a_schedulers_summary_printed_again_is_a_new_launch() {
    // SGLang's scheduler prints `max_total_num_tokens=…` once per run and rank (the line of
    // sgl-project/sglang#29575): two such lines from one process are two runs, one per rank is one.
    let line = corpus("sglang-29575-max-total-num-tokens-256k.log")
        .lines()
        .find(|l| l.contains("max_total_num_tokens="))
        .expect("summary line")
        .to_string();
    let twice = format!("{line}\n{}\n", line.replace("2086558", "1043279"));
    assert_eq!(numbers(&twice, "max_total_num_tokens"), vec![(1, 2086558.0), (2, 1043279.0)]);
    let ranks = format!(
        "{}\n{}\n",
        line.replace("15:16:45]", "15:16:45 TP0]"),
        line.replace("15:16:45]", "15:16:45 TP1]")
    );
    assert_eq!(numbers(&ranks, "max_total_num_tokens"), vec![(1, 2086558.0), (1, 2086558.0)]);
}
