//! Stated values for the round-20 classes (issue 15, branch capfix20): a rerun pasted after a
//! failed or aborted start (llama.cpp's once-per-process `build:` line printed again), and two
//! llama.cpp contexts of two starts pasted with the second's head cut (ollama#10738). Lines are
//! real (corpus development logs), each with its source; none is from the capfix17 … capfix20
//! set-aside thirds (ollama#10738 was scored as a set-aside in round 19 and is development data
//! since).

mod common;

use common::{corpus, numbers};

/// The lines `from..=to` (1-based) of a corpus log.
fn lines(name: &str, from: usize, to: usize) -> String {
    corpus(name).lines().skip(from - 1).take(to + 1 - from).map(|l| format!("{l}\n")).collect()
}

/// ROCm/ROCm#5901 (heldout-25): llama-server b7146 on an RX 7900 XTX, one start (the command,
/// the ROCm device lines, `main: setting n_parallel = 4 …`, `build: 1239 (b8372ee) with clang
/// …`, the model, its context and KV cache).
const ROCM5901: &str = "llamacpp-rocmrocm5901-b7146-windows-rx7900xtx-ctx-2048-seq4-kv-320-compute-306.23-invalid-device-function.log";

/// lemonade-sdk/llamacpp-rocm#79 (heldout-17): llama-server with `--ctx-size 32768` through its
/// params-fit step (`llama_params_fit: failed to fit params …, abort`), cut there.
const LEMONADE79: &str = "llamacpp-lemonaderocm79-rx9060xt-gfx1200-ctx32768-params-fit-cut.log";

/// ollama/ollama#10738 (heldout-32): two models' llama.cpp contexts from two comments, the
/// second window starting at its `n_ctx_per_seq = 16384`.
const OLLAMA10738: &str =
    "llamacpp-ollama10738-two-models-cuda-ctx-2048-model-934.70-then-ctx-16384-q8-kv-cut.log";

#[test]
fn a_command_before_the_build_line_stays_one_start() {
    // The command's flags (`-c 2048` on the command's line) and the device lines come before
    // llama-server's `build:` line: one start.
    let text = corpus(ROCM5901);
    let values = perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(&text));
    assert!(!values.is_empty() && values.iter().all(|v| v.launch == 1));
    let ctx = numbers(&text, "n_ctx");
    assert!(!ctx.is_empty() && ctx.iter().all(|c| *c == (1, 2048.0)), "{ctx:?}");
}

#[test]
fn a_second_build_line_after_an_aborted_start_is_a_rerun() {
    // A start cut after its model loader's first line (lines 1-16: command, devices, `build:`,
    // `loaded meta data`), then the same tool started again without its command (lines 2-151:
    // devices, `build:`, the model buffers, context and KV cache): two starts.
    let text = format!("{}{}", lines(ROCM5901, 1, 16), lines(ROCM5901, 2, 151));
    assert_eq!(numbers(&text, "n_ctx").first(), Some(&(1, 2048.0)));
    let seq = numbers(&text, "n_seq_max");
    assert!(seq.contains(&(2, 4.0)) && seq.iter().all(|(l, _)| *l == 2), "{seq:?}");
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 2048.0)]);
    let model: Vec<u32> = numbers(&text, "model_buffer").into_iter().map(|(l, _)| l).collect();
    assert_eq!(model, vec![2, 2]);
}

#[test]
fn a_build_line_after_a_start_stopped_at_its_fit_step_is_a_rerun() {
    // lemonade#79's start up to its params-fit step (its command `--ctx-size 32768`, then
    // `common_init_result: fitting params to device memory, …`: a line only a running start
    // prints, though no value), then ROCm#5901's start pasted without its command (from its
    // device lines on): the second start's `build:` line opens it.
    let text = format!("{}{}", lines(LEMONADE79, 1, 14), lines(ROCM5901, 2, 151));
    let ctx = numbers(&text, "n_ctx");
    assert!(ctx.contains(&(1, 32768.0)) && ctx.contains(&(2, 2048.0)), "{ctx:?}");
    assert!(!ctx.contains(&(1, 2048.0)) && !ctx.contains(&(2, 32768.0)), "{ctx:?}");
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 2048.0)]);
}

#[test]
fn a_second_context_block_with_another_context_is_another_start() {
    // ollama#10738: model buffers and a context of 2048 (no KV line: the window ends at its
    // output buffer), then a context block of 16384 per sequence and its q8_0 cache.
    let text = corpus(OLLAMA10738);
    assert_eq!(numbers(&text, "n_ctx_per_seq").first(), Some(&(1, 2048.0)));
    assert!(numbers(&text, "n_ctx_per_seq").contains(&(2, 16384.0)));
    assert_eq!(numbers(&text, "n_ctx").first(), Some(&(1, 2048.0)));
    assert!(numbers(&text, "n_ctx").contains(&(2, 16384.0)));
    assert_eq!(numbers(&text, "kv_tokens"), vec![(2, 16384.0)]);
    assert!(numbers(&text, "model_buffer").iter().all(|(l, _)| *l == 1));
}

#[test]
fn a_context_block_repeated_with_the_same_context_stays_one_start() {
    // ROCm#5901's context block followed by its own `n_ctx_seq (2048) < n_ctx_train` warning
    // restates the same per-sequence context: one start.
    let text = corpus(ROCM5901);
    let per_seq = numbers(&text, "n_ctx_per_seq");
    assert!(!per_seq.is_empty() && per_seq.iter().all(|(l, v)| *l == 1 && *v == 2048.0));
}

#[test]
fn a_non_default_args_dict_wrapped_by_the_paste_is_joined() {
    // dennislee22/vLLM-benchmarking log/vllm-7B-1gpuA10080GB-0.25GRAM.log (heldout-26,
    // development two thirds): the `non-default args` dict cut mid-word (`'model': 'Qwe` /
    // `n2-7B-Instruct', 'max_model_len': 16384, 'gpu_memory_utilization': 0.25}`).
    let text = corpus(
        "vllm-dennislee-v1-01011-a100-80g-qwen2-7b-util-0.25-fresh-compile-58.25-kv-5.01-tokens-93872-init-89.58.log",
    );
    assert_eq!(numbers(&text, "gpu_memory_utilization"), vec![(1, 0.25)]);
    let log = perfpilot_launchlog::parse_log(&text);
    let dict = log.args.iter().find(|a| a.form == perfpilot_launchlog::ArgsForm::VllmNonDefault);
    let dict = dict.expect("the dict");
    assert_eq!((dict.line, dict.truncated), (3, false));
    assert_eq!(dict.get("model"), Some("Qwen2-7B-Instruct"));
}

#[test]
fn a_closed_non_default_args_dict_is_read_as_printed() {
    // vllm-project/vllm#32105: a `non-default args` dict closed on its line opens no join.
    let text = corpus("vllm-32105-v1-014-pp3-args.log");
    let log = perfpilot_launchlog::parse_log(&text);
    let dicts: Vec<_> = log
        .args
        .iter()
        .filter(|a| a.form == perfpilot_launchlog::ArgsForm::VllmNonDefault)
        .collect();
    assert!(!dicts.is_empty() && dicts.iter().all(|a| !a.truncated));
    let util = numbers(&text, "gpu_memory_utilization");
    assert!(!util.is_empty() && util.iter().all(|u| *u == (1, 0.97)), "{util:?}");
}
