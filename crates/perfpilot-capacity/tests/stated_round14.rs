//! Stated values for the class of `heldout-22`'s misses (issue 15, branch capfix14): a printed
//! line that a paste wrapped over several physical lines (a terminal or an issue editor cut it
//! mid-phrase or mid-number; the continuations carry no log prefix), and tpu-inference's
//! hybrid `Compact-mamba KV cache:` sizing line. Lines are real (development pastes, public
//! logs) or an engine's format string filled in, each with its source; wrapped forms are cut at
//! every width in a range, not at one chosen place.

mod common;

use common::{corpus, numbers};

/// `line` cut every `width` bytes (at character boundaries), as a terminal wraps it: the
/// continuations start with the next character and carry no prefix.
fn wrap_at(line: &str, width: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in line.chars() {
        if n >= width {
            out.push('\n');
            n = 0;
        }
        out.push(c);
        n += c.len_utf8();
    }
    out.push('\n');
    out
}

/// `line` broken at the last space before every `width` bytes, continuations indented, as an
/// issue editor or a pager folds a long line.
fn fold_at(line: &str, width: usize) -> String {
    let mut out = String::new();
    let mut cur = String::new();
    for word in line.split(' ') {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            out.push_str(&cur);
            out.push('\n');
            cur = String::from("    ");
        } else if !cur.is_empty() && !cur.ends_with("    ") {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    out.push_str(&cur);
    out.push('\n');
    out
}

/// tpu-inference's HEAD format (tpu_inference/runner/kv_cache_manager.py
/// `_maybe_set_compact_mamba_num_blocks_override`, fetched 2026-12-07, b8692ff01) filled in
/// with the figures of the public line below (9704 attention blocks, 9 slots), behind the
/// EngineCore prefix tpu-inference#898's log prints (development corpus).
const COMPACT: &str = "(EngineCore_DP0 pid=2982916) INFO 06-08 07:12:40 [kv_cache_manager.py:443] \
Compact-mamba KV cache: num_gpu_blocks_override=9704 (attn), _mamba_num_blocks=9. HBM split: \
attn=15 layers × 9704 blocks × 524288 B = 75.81 GiB; mamba=45 layers × 9 slots × 8650752 B = \
3.26 GiB; total=79.07 GiB / avail=79.10 GiB.";

#[test]
fn compact_mamba_line_as_printed() {
    // Public tpu-inference results notes (code store, find_string id 66685785581): the line as a
    // Qwen3.5-397B PCP8 server printed it, its HBM split elided by the note's author.
    let public =
        "Compact-mamba KV cache: num_gpu_blocks_override=9704 (attn), _mamba_num_blocks=9.\n";
    assert_eq!(numbers(public, "gpu_blocks"), vec![(1, 9704.0)]);
    assert_eq!(numbers(public, "mamba_slots"), vec![(1, 9.0)]);
    let whole = format!("{COMPACT}\n");
    assert_eq!(numbers(&whole, "gpu_blocks"), vec![(1, 9704.0)]);
    assert_eq!(numbers(&whole, "mamba_slots"), vec![(1, 9.0)]);
    assert_eq!(numbers(&whole, "kv_size"), vec![(1, 75.81)]);
    // PR #2416's first form (code store ids 70132200416, 70075320769: forks that keep it):
    // `HBM split: attn=%.2f GiB; mamba=%.2f GiB; …`.
    let first = "INFO 05-02 10:01:02 [kv_cache_manager.py:431] Compact-mamba KV cache: \
num_gpu_blocks_override=54000 (attn), _mamba_num_blocks=17. HBM split: attn=210.94 GiB; \
mamba=12.50 GiB; total=223.44 GiB / avail=223.50 GiB.\n";
    assert_eq!(numbers(first, "kv_size"), vec![(1, 210.94)]);
    assert_eq!(numbers(first, "mamba_slots"), vec![(1, 17.0)]);
    // The engine-config dump's `num_gpu_blocks_override=None` is no compact-mamba line.
    let dump = "INFO 06-08 07:10:01 [core.py:75] CacheConfig(block_size=32, num_gpu_blocks_override=4096, \
swap_space=4)\n";
    assert_eq!(numbers(dump, "gpu_blocks"), vec![]);
}

#[test]
fn compact_mamba_line_wrapped_at_every_width() {
    // The same printed line cut by a terminal at every width from 40 to 200 bytes, and folded
    // at spaces with indented continuations: each wrap still states the three values once.
    let mut failed = Vec::new();
    for width in 40..=200 {
        for text in [wrap_at(COMPACT, width), fold_at(COMPACT, width)] {
            let got = (
                numbers(&text, "gpu_blocks"),
                numbers(&text, "mamba_slots"),
                numbers(&text, "kv_size"),
            );
            // A cut inside a number leaves its head on the first line: that head is read
            // there and the line is joined once the message's other phrases are missing.
            let ok = got.0.contains(&(1, 9704.0))
                && got.1.contains(&(1, 9.0))
                && got.2 == vec![(1, 75.81)];
            if !ok {
                eprintln!("width {width}: {got:?}\n{text}");
                failed.push(width);
            }
        }
    }
    assert!(failed.is_empty(), "widths {failed:?}");
}

#[test]
fn compile_times_a_terminal_wrapped_mid_word() {
    // vllm-project/vllm#17875 (heldout-8, development data): V1 over Ray on two MI300A nodes,
    // pasted from an 80-column terminal that cut `Compiling a graph for general shape ta` /
    // `kes 26.55 s` (missed by every round before this one: 197/202 on heldout-8).
    let text = corpus("vllm-17875-v1-mi300a-ray-2node-compile.log");
    let got = numbers(&text, "compile_graph_s");
    assert!(got.contains(&(1, 26.55)) && got.contains(&(1, 12.89)), "{got:?}");
}

#[test]
fn wrapped_vllm_kv_lines_from_the_corpus() {
    // Real development lines (tests/fixtures/corpus/launch, `split.tsv` dev and earlier
    // held-out batches): a vLLM V1 KV line and tpu-inference#898's memory statistics, wrapped
    // at every width that cuts them after their phrase.
    let kv = "INFO 04-01 10:13:16 [kv_cache_utils.py:566] GPU KV cache size: 107,824 tokens";
    let tpu =
        corpus("vllm-tpuinference898-v1-tpu-qwen3-06b-enforce-eager-hbm-30.75-cap-27.67-cut.log");
    let stats = tpu.lines().find(|l| l.contains("total_hbm_limit_gb=")).expect("stats line");
    let phrase_end = kv.find("size:").unwrap() + "size:".len();
    for width in phrase_end..kv.len() - "tokens".len() - 1 {
        let text = fold_at(kv, width);
        if text.lines().next().is_some_and(|l| l.ends_with("size:")) {
            assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 107824.0)], "width {width}:\n{text}");
        }
    }
    let cut = stats.find("total_hbm_limit_cap_gb=").unwrap() + "total_hbm_limit_cap_gb=".len();
    let text = format!("{}\n{}\n", &stats[..cut], &stats[cut..]);
    assert_eq!(numbers(&text, "budget"), vec![(1, 27.67)], "{text}");
    assert_eq!(numbers(&text, "total_gpu_memory"), vec![(1, 30.75)]);
}

#[test]
fn complete_lines_and_prefixed_next_lines_are_not_joined() {
    // A complete line followed by an unprefixed one (a traceback, a table) reads as before; a
    // cut line whose next line has a log prefix is not joined with it.
    let tpu =
        corpus("vllm-tpuinference898-v1-tpu-qwen3-06b-enforce-eager-hbm-30.75-cap-27.67-cut.log");
    let whole = numbers(&tpu, "budget");
    let stats = tpu.lines().find(|l| l.contains("total_hbm_limit_gb=")).expect("stats line");
    let text = format!("{stats}\n27.00GiB | total_hbm_used_gb=1.00GiB\n");
    assert_eq!(numbers(&text, "budget"), whole);
    let cut = stats.find("total_hbm_limit_cap_gb=").unwrap() + "total_hbm_limit_cap_gb=".len();
    let text = format!(
        "{}\n(EngineCore_DP0 pid=2982916) INFO 10-20 00:02:34 [core.py:1] 12.00GiB\n",
        &stats[..cut]
    );
    assert_eq!(numbers(&text, "budget"), vec![]);
    // llama.cpp lines carry `function: ` prefixes: a cut buffer line is not joined to the next
    // function's line (ikawrakow/ik_llama.cpp#1029, development corpus, cut by its reporter).
    let ik = corpus("llamacpp-ik1029-sm-graph-6gpu-glm46-estimated-and-split-buffers-cut.log");
    let got = numbers(&ik, "model_buffer");
    assert!(got.len() >= 4, "{got:?}");
}

#[test]
fn sleep_mode_and_after_warmup_figures() {
    // A public RL-trainer log with vLLM V1's own logging format (code store, find_string id
    // 53877141360).
    let v1 = "2025-08-11 16:12:02 gpu_worker.py:104 INFO:vllm.v1.worker.gpu_worker p:475095 \
t:140373120079680: Sleep mode freed 71.25 GiB memory, 1.38 GiB memory is still in use.\n";
    assert_eq!(numbers(v1, "sleep_freed"), vec![(1, 71.25)]);
    assert_eq!(numbers(v1, "sleep_in_use"), vec![(1, 1.38)]);
    // vllm-ascend worker.py `sleep` (HEAD, fetched 2026-12-07): its format string filled in,
    // behind the worker prefix of vllm-project/vllm-ascend#5917 (development corpus).
    let ascend = "(EngineCore_DP0 pid=1187) INFO 01-14 09:12:40 [worker.py:241] Sleep mode (level=1) \
freed 52.07 GiB memory, 3.12 GiB memory is still in use.\n";
    assert_eq!(numbers(ascend, "sleep_freed"), vec![(1, 52.07)]);
    assert_eq!(numbers(ascend, "sleep_in_use"), vec![(1, 3.12)]);
    // vllm-ascend worker.py compile_or_warm_up_model's summary tail (format string filled in;
    // a public guide, id 55330737088, quotes it only elided).
    let warm = "(EngineCore_DP0 pid=1187) INFO 01-14 09:10:02 [worker.py:795] Current KV cache memory: \
23.50 GiB. After warmup: torch reserved memory 48.12 GiB, torch allocated memory 46.90 GiB.\n";
    assert_eq!(numbers(warm, "torch_reserved_after_warmup"), vec![(1, 48.12)]);
    assert_eq!(numbers(warm, "torch_allocated_after_warmup"), vec![(1, 46.9)]);
    // The per-step DEBUG line (log_memory_stats) is no start-up figure.
    let debug = "DEBUG 01-14 09:20:02 [worker.py:620] torch reserved memory: 48.20 GiB, torch \
allocated memory: 47.01 GiB\n";
    assert_eq!(numbers(debug, "torch_allocated_after_warmup"), vec![]);
}
