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

/// maokner/moe-inference-engine results/vllm_comparison_a6000/comparison.log at 4350360: vLLM
/// 0.14.1's offline `LLM` started twice in one file (a compiled start, then an eager one); each
/// start's front-end lines (`Using max model len`, `Chunked prefill is enabled …`) come before its
/// engine core's.
const MOEENGINE: &str = "vllm-repo-moeengine-v1-0141-a6000-minimoe-two-launches-compiled-then-eager-kv-bytes-0.07-tokens-2048-init-6.97-4.02.log";

/// ray-project/kuberay#4366: vLLM 0.11.0 with DP2 over Ray on two nodes; each engine actor logs
/// through the API server (`(APIServer pid=5332) (DPEngineCoreActor pid=5862) …`), one actor's
/// lines arriving after the other's sizing ended.
const KUBERAY: &str = "vllm-kuberay4366-v1-0110-ray-dp2-two-nodes-t4-qwen25-05b-len-32768-weights-0.93-kv-10.74-tokens-938544-graph-0.37-init-36.44.log";

/// sgl-project/sglang docs/references/multi_node_deployment/deploy_on_k8s.md (kvcache-ai/sglang
/// 2449a0a): an LWS manifest's command as a YAML list, a flag and its value on two items, the
/// value with a YAML comment.
const K8SDOC: &str = "sglang-repo-k8sdoc-04x-2025-02-lws-two-nodes-tp16-dsr1-h20-command-list-tokens-712400-graph-84.89-ready.log";

#[test]
fn the_front_end_lines_of_a_second_offline_start_are_its_own() {
    let text = corpus(MOEENGINE);
    assert_eq!(numbers(&text, "max_num_tokens"), vec![(1, 1024.0), (2, 1024.0)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 2048.0), (2, 2048.0)]);
    // After imageworks' refused start nothing was sized: the second start's `Using max model
    // len` opens nothing there (its command and new pids do).
    let refused = lines(IMAGEWORKS, 1, 150) + &lines(MOEENGINE, 33, 63);
    assert_eq!(launches(&refused), vec![1, 2]);
}

#[test]
fn ray_dp_engine_actors_late_lines_stay_in_their_start() {
    let text = corpus(KUBERAY);
    assert_eq!(numbers(&text, "init_engine_s"), vec![(1, 36.44)]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 10.74), (1, 10.74)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 938544.0)]);
}

#[test]
fn a_yaml_item_comment_is_no_part_of_the_value() {
    let text = corpus(K8SDOC);
    assert_eq!(numbers(&text, "tp_size"), vec![(1, 16.0)]);
    assert_eq!(numbers(&text, "mem_fraction_static"), vec![(1, 0.93)]);
}
