//! Stated values for the round-23 classes (issue 15, branch capfix23): Ollama's load sequence
//! (its memory estimate, the load requests and llama.cpp's load of one model are one start; a
//! runner started for another model is the next), llama-server's slot count and exit line,
//! print_info's `n_ctx_train`, and a second model loaded by one llama.cpp process. Lines are real,
//! each with its source, stitched where a test needs two starts; none is from the capfix23
//! set-aside (its seven logs were not opened).

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

/// YYC-Cube/yyc3-ai-family scripts/iMac-M4.md (heldout-39): ollama 0.17.0 on an Apple M4 loads
/// codegeex4 9B, then phi3 mini, each with the llama engine (`runner --model …`): the server's
/// estimate, a commit request, llama.cpp's load.
const YYC3: &str = "llamacpp-repo-yyc3aifamily-ollama-0170-metal-m4-two-models-codegeex4-9b-kv-1280-phi3-mini-kv-12288-ctx-32768.log";

/// ollama/ollama#13085 (heldout-30): the ollama engine's commit, its memory summary, then 78 s
/// later a new runner's alloc request.
const OLLAMA_13085: &str = "llamacpp-ollama13085-engine-rocm-r9700-gfx1201-two-starts-weights-7.5-kv-576-graph-290-cut.log";

/// ddmanyes/Evo_PRISM logs/llama_server.log (heldout-39): a 2026 llama-server in the short log
/// format (no context block), 4 auto slots.
const EVOPRISM: &str = "llamacpp-repo-evoprism-2026-metal-m3pro-gemma4-26b-a4b-iq2m-terse-log-ctx-seq-16384-slots-4.log";

/// racek256/Poseidon llama-server.log: two starts of a 2026 llama-server in the short format
/// (ROCm, then CPU), the first ended by an interrupt.
const POSEIDON: &str = "llamacpp-repo-poseidon-2026-rocm-rx7700xt-then-cpu-gemma3-1b-two-launches-ctx-seq-8192-train-32768.log";

/// madcamp-2025w-week4/FSD logs/llama-server.log (heldout-39): llama-server b7896, context equal
/// to the trained one (no `n_ctx_seq < n_ctx_train` check printed).
const FSD: &str =
    "llamacpp-repo-fsd-b7896-rtx3090-qwen25-14b-q4km-ctx-32768-seq4-kv-6144-compute-307.log";

/// kmbandy/llama.cpp plans/errors/output.md (heldout-39): a fork's llama-server (`build_info:
/// b8942-…`) loads MiniMax-M2.7, then a bge-small embedding model in the same process.
const KMBANDY: &str = "llamacpp-repo-kmbandyfork-b8942-rocm-r9700-rx6900xt-minimax-m27-weight-pager-tiered-kv-turbo4-1581-compute-396.75-segv.log";

/// acdtrx/llama-runner llama-server.log: llama-server b8680 (`build_info: b8680-…`) on an M4.
const LLAMA_RUNNER: &str = "llamacpp-repo-llamarunner-b8680-metal-m4-gemma4-e4b-q8-ctx-65536-iswa-kv-1024-swa-40-compute-517.50.log";

#[test]
fn ollama_llama_engine_estimate_commit_and_load_are_one_start_per_model() {
    let text = corpus(YYC3);
    // Per model: the server's estimate (GiB), then llama.cpp's KV buffer (MiB) of that load.
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 1.2), (1, 1.25), (2, 12.0), (2, 12.0)]);
    assert_eq!(numbers(&text, "n_ctx"), vec![(1, 32768.0), (2, 32768.0)]);
    // The device-discovery runner (`runner --ollama-engine --port N`, no model) starts nothing:
    // pasted before the first model's runner, the load is still launch 1.
    let text = format!("{}{}", lines(YYC3, 9, 9), lines(YYC3, 93, 252));
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 1.2), (1, 1.25)]);
}

#[test]
fn ollama_engine_alloc_after_a_finished_load_still_opens_the_next_start() {
    // ollama#13085: the commit comes before the summary (the ollama engine logs it when the load
    // ends), so the later alloc request is another runner's start, as round 21 had it.
    let text = corpus(OLLAMA_13085);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 4096.0), (2, 4096.0)]);
    assert_eq!(numbers(&text, "kv_device_size"), vec![(1, 0.56)]);
}

#[test]
fn llama_server_slot_count_states_n_seq_max() {
    assert_eq!(numbers(&corpus(EVOPRISM), "n_seq_max"), vec![(1, 4.0)]);
    // Where the context block prints it too, both state the same count.
    let fsd = numbers(&corpus(FSD), "n_seq_max");
    assert!(fsd.contains(&(1, 4.0)), "{fsd:?}");
}

#[test]
fn llama_server_exit_line_ends_a_short_format_start() {
    // Two starts in the short format, no build line: the first's `cleaning up before exit...`
    // ends it, so the second's context check is launch 2's.
    let text = corpus(POSEIDON);
    assert_eq!(numbers(&text, "n_ctx_train"), vec![(1, 32768.0), (2, 32768.0)]);
    assert_eq!(numbers(&text, "n_ctx_per_seq"), vec![(1, 8192.0), (2, 8192.0)]);
    // The same paste with the exit line cut: the two starts print the same context and no start
    // line the tool knows, so their values fall into one launch; the exit line separates them.
    let cut = format!("{}{}", lines(POSEIDON, 1, 60), lines(POSEIDON, 62, 125));
    assert!(numbers(&cut, "n_ctx_train").iter().all(|(l, _)| *l == 1));
    assert!(lines(POSEIDON, 61, 61).contains("cleaning up before exit"));
    // Evo_PRISM's start (another repository) ended by Poseidon's exit line, then Poseidon's
    // second start: two launches.
    let ended = format!(
        "{}{}{}",
        lines(EVOPRISM, 1, 30),
        lines(POSEIDON, 61, 61),
        lines(POSEIDON, 62, 125)
    );
    assert_eq!(numbers(&ended, "n_ctx_train"), vec![(1, 262144.0), (2, 32768.0)]);
}

#[test]
fn print_info_states_the_trained_context() {
    assert_eq!(numbers(&corpus(FSD), "n_ctx_train"), vec![(1, 32768.0)]);
    let runner = numbers(&corpus(LLAMA_RUNNER), "n_ctx_train");
    assert!(runner.contains(&(1, 131072.0)), "{runner:?}");
}

#[test]
fn a_second_model_of_one_llama_server_process_is_that_start() {
    // The main model's buffers, then the embedding model's (34.38 MiB weights, 5.10 MiB graph):
    // one launch.
    let text = corpus(KMBANDY);
    let models = numbers(&text, "model_buffer");
    assert_eq!(models.len(), 3, "{models:?}");
    assert!(models.iter().all(|(l, _)| *l == 1), "{models:?}");
    assert!(numbers(&text, "compute_buffer").iter().all(|(l, _)| *l == 1));
    // Another process's start (its `build_info:` line) after it is the next launch:
    // llama-runner's b8680 start pasted after the fork's.
    let text = format!("{}{}", corpus(KMBANDY), corpus(LLAMA_RUNNER));
    let kv = numbers(&text, "kv_device_size");
    assert_eq!(kv.first().map(|k| k.0), Some(1), "{kv:?}");
    assert!(kv.contains(&(2, 1.0)), "{kv:?}");
    assert!(!kv.iter().any(|(l, _)| *l > 2), "{kv:?}");
}
