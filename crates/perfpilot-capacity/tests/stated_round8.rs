//! Stated values for the classes of misses of the eighth blind batch `heldout-14` (issue 15,
//! branch capfix8), written from the engines' format strings and CLIs: a `trtllm-serve` or
//! `llama-server` command is a launch marker where the line invokes the program (a second
//! command of the same engine with other flags is another launch, also when it ends the paste),
//! vLLM's `CUDA graph pool memory: A GiB (actual), E GiB (estimated)` and the `(compilation: Y s)`
//! of its init-engine line. Real lines (corpus development pastes, the engines' public output).

mod common;

use common::{corpus, numbers};
use perfpilot_launchlog::{EventKind, parse_log};

/// A failure-corpus log (development data of earlier batches).
fn failure(name: &str) -> String {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpus/failures")
        .join(name);
    std::fs::read_to_string(&p).expect("failure log")
}

/// Lines of `text` that the parser reads as a server command.
fn command_lines(text: &str) -> Vec<u64> {
    parse_log(text)
        .events
        .iter()
        .filter(|e| matches!(&e.event, EventKind::LaunchStart { marker } if marker == "command"))
        .map(|e| e.line)
        .collect()
}

#[test]
fn two_trtllm_serve_commands_in_one_block_are_two_launches() {
    // NVIDIA/TensorRT-LLM#3594 (heldout-14, development data): the H200 command, then the B200
    // command, each under its shell comment; nothing logged. Two servers, two launches.
    let text = corpus("trtllm-3594-serve-pytorch-dsr1-h200-then-b200-two-commands.log");
    assert_eq!(command_lines(&text), vec![2, 5]);
    assert_eq!(numbers(&text, "max_batch_size"), vec![(1, 150.0), (2, 512.0)]);
    assert_eq!(numbers(&text, "max_num_tokens"), vec![(1, 5500.0), (2, 163840.0)]);
    assert_eq!(numbers(&text, "max_model_len"), vec![(1, 65536.0), (2, 163840.0)]);
    assert_eq!(numbers(&text, "ep_size"), vec![(1, 8.0), (2, 4.0)]);
    assert_eq!(numbers(&text, "pp_size"), vec![(1, 1.0), (2, 1.0)]);
    // The same command pasted twice with nothing between: one launch.
    let h200 = text.lines().nth(1).unwrap_or_default();
    let twice = format!("{h200}\n{h200}\n");
    assert_eq!(numbers(&twice, "tp_size").iter().map(|x| x.0).max(), Some(1));
    // Under MPI (`mpirun -n 8 trtllm-llmapi-launch trtllm-serve …`) the line invokes it too.
    let mpi = format!("mpirun -n 8 --allow-run-as-root trtllm-llmapi-launch {h200}");
    assert_eq!(command_lines(&mpi), vec![1]);
    assert_eq!(numbers(&mpi, "max_batch_size"), vec![(1, 150.0)]);
}

#[test]
fn a_log_line_naming_the_server_is_no_command() {
    // ggml-org/llama.cpp#9195 (heldout-9 failure log): a wrapper prefixes each llama-server
    // output line with `llama-server [falcon-7b:2048:10]:`; the program is named, not invoked.
    let text = failure("llamacpp-9195-server-falcon-invalid-utf8-json-terminate.log");
    assert!(text.starts_with("llama-server [falcon-7b:2048:10]: terminate called"));
    assert!(command_lines(&text).is_empty());
    // ggml-org/llama.cpp#28525 (heldout-11 failure log): `…/bin/llama-server \` starts a
    // continued command: invoked.
    let text = failure("llamacpp-28525-server-batch-size-0-n-outputs-assert.log");
    assert_eq!(command_lines(&text), vec![1]);
    // A traceback frame names the console script (`File "/usr/local/bin/trtllm-serve", line 5`,
    // the form Python prints for any entry point): no argument follows the name.
    let frame = "  File \"/usr/local/bin/trtllm-serve\", line 5, in <module>\n";
    assert!(command_lines(frame).is_empty());
}

#[test]
fn llama_server_commands_of_two_machines_are_two_launches() {
    // ggml-org/llama.cpp#11598 (heldout-10) and #8766 (heldout-13), development data: each
    // paste's `llama-server` command, pasted together (two servers' commands, nothing logged):
    // two launches, each with its own `-c` (the phrase ends at the name, so the flag's leading
    // space is left to it).
    let a = first_line(&corpus("llamacpp-11598-vulkan-mi60-ctx72000-kv-self.log"));
    let b = first_line(&corpus("llamacpp-8766-rocm-three-7900xtx-server-command-ctx32000.log"));
    assert!(a.starts_with("llama-server -m ") && b.starts_with("~/llama.cpp/llama-server -v -m "));
    let text = format!("{a}\n{b}\n");
    assert_eq!(command_lines(&text), vec![1, 2]);
    assert_eq!(numbers(&text, "n_ctx"), vec![(1, 72000.0), (2, 32000.0)]);
}

/// The first line of a paste.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

#[test]
fn vllm_graph_pool_estimate_and_init_engine_compilation() {
    // vllm/v1/worker/gpu_worker.py compile_or_warm_up_model: `CUDA graph pool memory: %s GiB
    // (actual), %s GiB (estimated), difference: %s GiB (%.1f%%).`; a public line (MiaAI-Lab
    // GLM-5.3-Flash-EXL3-2x-DGX-Sparks PR #25, 2x GB10) with a negative actual.
    let pool =
        "CUDA graph pool memory: -0.19 GiB (actual), 2.43 GiB (estimated), difference: 2.62 GiB\n";
    assert_eq!(numbers(pool, "graph_mem_estimate"), vec![(1, 2.43)]);
    // vllm/v1/engine/core.py: `init engine (profile, create kv cache, warmup model) took %.2f s
    // (compilation: %.2f s)`, as quoted in vllm-project/vllm PR #39240's review.
    let init =
        "init engine (profile, create kv cache, warmup model) took 76.40 s (compilation: 9.18 s)\n";
    assert_eq!(numbers(init, "init_engine_s"), vec![(1, 76.4)]);
    assert_eq!(numbers(init, "compile_s"), vec![(1, 9.18)]);
    // The older wording without the compilation part (run-ai/runai-model-streamer#67, vLLM
    // 0.9): no compile time.
    let old = "INFO 06-02 11:03:55 [core.py:167] init engine (profile, create kv cache, warmup model) took 90.84 seconds\n";
    assert_eq!(numbers(old, "init_engine_s"), vec![(1, 90.84)]);
    assert!(numbers(old, "compile_s").is_empty());
}
