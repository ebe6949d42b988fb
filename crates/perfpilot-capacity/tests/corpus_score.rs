//! Scores the launch-log parser against the hand-labelled corpus in
//! `tests/fixtures/corpus/launch` (see `tests/fixtures/corpus/SOURCES.md`): every value a log
//! states, under its semantic key (`docs/capacity.md`, "Stated values"), per launch. Prints the
//! share found on the dev split and on the held-out split (`tests/fixtures/corpus/split.tsv`) and
//! fails when the dev split falls below its floor.

#[path = "../../../tests/support/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;

use corpus::{corpus, split_of, splits, tsv_rows};

use perfpilot_capacity::stated::{StatedValue, Value, stated_values};
use perfpilot_launchlog::parse_log;

/// `file -> split` from sources.tsv (`file -> source`) and split.tsv.
fn split_of_files() -> BTreeMap<String, String> {
    let split = splits();
    tsv_rows("sources.tsv").into_iter().map(|c| (c[0].clone(), split_of(&split, &c[1]))).collect()
}

/// One expected value: launch, key, value.
#[derive(Debug)]
struct Expected {
    launch: u32,
    key: String,
    value: Value,
    text: String,
}

fn parse_expected(text: &str) -> Vec<Expected> {
    let mut launch = 1;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut it = line.splitn(2, ' ');
        let key = it.next().unwrap_or_default();
        let rest = it.next().unwrap_or_default().trim();
        if key == "launch" {
            launch = rest.parse().expect("launch N");
            continue;
        }
        let value = if let Some(list) = rest.strip_prefix('[') {
            Value::List(
                list.trim_end_matches(']')
                    .split(',')
                    .map(|x| x.trim().parse().expect("list item"))
                    .collect(),
            )
        } else {
            let mut words = rest.split_whitespace();
            let first = words.next().unwrap_or_default();
            // Sizes are compared in GiB: a value labelled in MiB or bytes counts when the tool
            // finds it in any unit. A label in decimal `GB` / `MB` (a program that divides by
            // 1e9 / 1e6 and prints `GB`, labelled "as printed": vllm-metal) is 10^9 / 10^6
            // bytes; SGLang's and vLLM's binary `GB` are labelled `GiB`.
            let gib = (1u64 << 30) as f64;
            let scale = match words.next() {
                Some("MiB") => 1.0 / 1024.0,
                Some("B") => 1.0 / gib,
                Some("GB") => 1e9 / gib,
                Some("MB") => 1e6 / gib,
                _ => 1.0,
            };
            match first.parse::<f64>() {
                Ok(v) => Value::Number(v * scale),
                Err(_) => Value::Text(first.to_string()),
            }
        };
        out.push(Expected { launch, key: key.to_string(), value, text: line.to_string() });
    }
    out
}

fn matches(e: &Expected, got: &StatedValue) -> bool {
    if got.launch != e.launch || got.key != e.key {
        return false;
    }
    match (&e.value, &got.value) {
        (Value::Number(a), Value::Number(b)) => (a - b).abs() <= 1e-4 * a.abs().max(1e-2),
        (Value::List(a), Value::List(b)) => a == b,
        (Value::Text(a), Value::Text(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

/// Splits with a floor: development data, read in full (a later change may not lose a value).
/// `heldout`, `heldout-3`, `heldout-4` and `heldout-5` were scored once each and count as
/// development data since.
const FLOORS: [(&str, usize); 59] = [
    ("dev", DEV_FLOOR_PERMILLE),
    ("heldout", HELDOUT_FLOOR_PERMILLE),
    ("heldout-3", HELDOUT3_FLOOR_PERMILLE),
    ("heldout-4", HELDOUT4_FLOOR_PERMILLE),
    ("heldout-5", HELDOUT5_FLOOR_PERMILLE),
    ("heldout-6", HELDOUT6_FLOOR_PERMILLE),
    ("heldout-7", HELDOUT7_FLOOR_PERMILLE),
    ("heldout-8", HELDOUT8_FLOOR_PERMILLE),
    ("heldout-9", HELDOUT9_FLOOR_PERMILLE),
    ("heldout-10", HELDOUT10_FLOOR_PERMILLE),
    ("heldout-11", HELDOUT11_FLOOR_PERMILLE),
    ("heldout-12", HELDOUT12_FLOOR_PERMILLE),
    ("heldout-13", HELDOUT13_FLOOR_PERMILLE),
    ("heldout-14", HELDOUT14_FLOOR_PERMILLE),
    ("heldout-15", HELDOUT15_FLOOR_PERMILLE),
    ("heldout-16", HELDOUT16_FLOOR_PERMILLE),
    ("heldout-17", HELDOUT17_FLOOR_PERMILLE),
    ("heldout-18", HELDOUT18_FLOOR_PERMILLE),
    ("heldout-19", HELDOUT19_FLOOR_PERMILLE),
    ("heldout-20", HELDOUT20_FLOOR_PERMILLE),
    ("heldout-21", HELDOUT21_FLOOR_PERMILLE),
    ("heldout-22", HELDOUT22_FLOOR_PERMILLE),
    ("heldout-23", HELDOUT23_FLOOR_PERMILLE),
    ("heldout-24", HELDOUT24_FLOOR_PERMILLE),
    ("heldout-25", HELDOUT25_FLOOR_PERMILLE),
    ("heldout-26", HELDOUT26_FLOOR_PERMILLE),
    ("heldout-27", HELDOUT27_FLOOR_PERMILLE),
    ("heldout-28", HELDOUT28_FLOOR_PERMILLE),
    ("heldout-29", HELDOUT29_FLOOR_PERMILLE),
    ("heldout-30", HELDOUT30_FLOOR_PERMILLE),
    ("heldout-31", HELDOUT31_FLOOR_PERMILLE),
    ("heldout-32", HELDOUT32_FLOOR_PERMILLE),
    ("heldout-33", HELDOUT33_FLOOR_PERMILLE),
    ("heldout-34", HELDOUT34_FLOOR_PERMILLE),
    ("heldout-35", HELDOUT35_FLOOR_PERMILLE),
    ("heldout-36", HELDOUT36_FLOOR_PERMILLE),
    ("heldout-37", HELDOUT37_FLOOR_PERMILLE),
    ("heldout-38", HELDOUT38_FLOOR_PERMILLE),
    ("heldout-39", HELDOUT39_FLOOR_PERMILLE),
    ("heldout-40", HELDOUT40_FLOOR_PERMILLE),
    ("heldout-41", HELDOUT41_FLOOR_PERMILLE),
    ("heldout-42", HELDOUT42_FLOOR_PERMILLE),
    ("heldout-43", HELDOUT43_FLOOR_PERMILLE),
    ("heldout-44", HELDOUT44_FLOOR_PERMILLE),
    ("heldout-45", HELDOUT45_FLOOR_PERMILLE),
    ("heldout-46", HELDOUT46_FLOOR_PERMILLE),
    ("heldout-47", HELDOUT47_FLOOR_PERMILLE),
    ("heldout-48", HELDOUT48_FLOOR_PERMILLE),
    ("heldout-49", HELDOUT49_FLOOR_PERMILLE),
    ("heldout-50", HELDOUT50_FLOOR_PERMILLE),
    ("heldout-51", HELDOUT51_FLOOR_PERMILLE),
    ("heldout-52", HELDOUT52_FLOOR_PERMILLE),
    ("heldout-53", HELDOUT53_FLOOR_PERMILLE),
    ("heldout-54", HELDOUT54_FLOOR_PERMILLE),
    ("heldout-55", HELDOUT55_FLOOR_PERMILLE),
    ("heldout-56", HELDOUT56_FLOOR_PERMILLE),
    ("heldout-57", HELDOUT57_FLOOR_PERMILLE),
    ("heldout-58", HELDOUT58_FLOOR_PERMILLE),
    ("heldout-59", HELDOUT59_FLOOR_PERMILLE),
];

/// Whether a split is scored in this run: the splits with a floor always, any other (a fresh
/// held-out batch such as `heldout-4`) only when `PERFPILOT_CORPUS_SPLIT` names it, so that the
/// parser is not even run on a batch before its one scoring.
fn scored(split: &str, only: Option<&str>) -> bool {
    only == Some(split) || FLOORS.iter().any(|(s, _)| *s == split)
}

/// (found, stated, misses) per split.
fn score(only: Option<&str>) -> BTreeMap<String, (usize, usize, Vec<String>)> {
    let root = corpus();
    let mut out: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    for (file, split) in &split_of_files() {
        if !file.starts_with("launch/") || !scored(split, only) {
            continue;
        }
        let log = read_log(&root.join(file));
        let exp_path = root.join(file.replace(".log", ".expected"));
        let expected = parse_expected(&std::fs::read_to_string(&exp_path).expect("expected"));
        let got = stated_values(&parse_log(&log));
        let e = out.entry(split.clone()).or_default();
        for x in &expected {
            e.1 += 1;
            if got.iter().any(|g| matches(x, g)) {
                e.0 += 1;
            } else {
                e.2.push(format!("{file}: launch {} {}", x.launch, x.text));
            }
        }
    }
    out
}

#[test]
fn stated_values_score() {
    // `PERFPILOT_CORPUS_SPLIT=<name>` prints that split alone (a fresh batch, `heldout-3` then
    // `heldout-4`, is scored this way, once, after the rule changes). Otherwise the dev split is
    // printed, and the earlier held-out splits (scored once already, development data since) with
    // `PERFPILOT_CORPUS_HELDOUT=1`; a fresh batch is not even parsed unless named.
    let only = std::env::var("PERFPILOT_CORPUS_SPLIT").ok();
    let s = score(only.as_deref());
    for (split, (found, stated, misses)) in &s {
        let shown = match &only {
            Some(name) => name == split,
            None => {
                split == "dev"
                    || (split.starts_with("heldout")
                        && std::env::var_os("PERFPILOT_CORPUS_HELDOUT").is_some())
            }
        };
        if !shown {
            continue;
        }
        let pct = 100.0 * *found as f64 / (*stated).max(1) as f64;
        println!("capacity corpus {split}: {found}/{stated} stated values found ({pct:.1}%)");
        for m in misses {
            println!("  miss {m}");
        }
    }
    // Floors: the dev split and the held-out splits already scored (development data since) are
    // read in full; a later change may not lose a value on them.
    for (split, floor) in FLOORS {
        let (found, stated, misses) = &s[split];
        assert!(*found * 1000 >= *stated * floor, "{split} score fell below its floor: {misses:?}");
    }
}

/// Dev-split floor in per mille.
const DEV_FLOOR_PERMILLE: usize = 1000;

/// First held-out split floor in per mille (scored once at 78.9%; 100% after the rules of
/// issue 15's second round).
const HELDOUT_FLOOR_PERMILLE: usize = 1000;

/// Second held-out split (`heldout-3`) floor in per mille (scored once at 100%, development data
/// since the fresh batch `heldout-4` was collected).
const HELDOUT3_FLOOR_PERMILLE: usize = 1000;

/// Third fresh split (`heldout-4`) floor in per mille (scored once, blind, at 87/116 = 75.0%;
/// 100% after the rules written from its misses, development data since).
const HELDOUT4_FLOOR_PERMILLE: usize = 1000;

/// Pipeline-parallel batch (`heldout-5`) floor in per mille (scored once, blind, at 22/28 =
/// 78.6%; 100% after the rules written from its misses).
const HELDOUT5_FLOOR_PERMILLE: usize = 1000;

/// Sixth fresh split (`heldout-6`, branch caphold) floor in per mille (scored once at 169/179 =
/// 94.4% with the rules of c131649; 175/179 after the cut-argument-dump rules; development data
/// since; 176/179 = 98.3% after the capfix4 rules read a CPU-only run's compute buffer; 178/179
/// = 99.4% after capfix17 stated SGLang's Mamba sizes also as `mamba_conv_size` /
/// `mamba_ssm_size`, the names this batch's labeller gave them).
const HELDOUT6_FLOOR_PERMILLE: usize = 994;

/// Blind batch `heldout-7` (branch capblind) floor in per mille: scored once, blind, at 116/123 =
/// 94.3% (58d3fff); 123/123 after the rules for its classes of misses (branch capfix). A
/// development figure, not a blind one: development data since.
const HELDOUT7_FLOOR_PERMILLE: usize = 1000;

/// Second blind batch `heldout-8` (branch capblind2) floor in per mille: scored once, blind, by
/// the lead at 145/202 = 71.8% (79bdcc9, after the capfix rules); development data since. 197/202
/// = 97.5% after the rules for its classes of misses (branch capfix2), a development figure.
/// 199/202 = 98.5% with capfix14's wrapped-line reader (vllm#17875's `ta` / `kes 26.55 s`).
const HELDOUT8_FLOOR_PERMILLE: usize = 985;

/// Third blind batch `heldout-9` (branch capblind3) floor in per mille: scored once, blind, by
/// the lead at 87fa75d after the capfix2 rules were merged: 208/250 = 83.2%. Development data
/// since; 250/250 after the rules for its classes of misses (branch capfix3), a development
/// figure, not a blind one.
const HELDOUT9_FLOOR_PERMILLE: usize = 1000;

/// Fourth blind batch `heldout-10` (branch capblind4) floor in per mille: scored once, blind, by
/// the lead at bbe0344 after the capfix3 rules were merged: 130/141 = 92.2%. Development data
/// since; 137/141 = 97.2% after the rules for its classes of misses (branch capfix4), a
/// development figure: the 4 values still missed are in capfix4's set-aside third (SOURCES.md),
/// whose misses were not read while the rules were written.
/// capfix5: 138/141 (a llama.cpp V size cut before its unit reads MiB).
/// capfix31: 139/141 (a write-up's abridged `Graph capturing took X GiB`).
const HELDOUT10_FLOOR_PERMILLE: usize = 985;

/// Fifth blind batch `heldout-11` (branch capblind5) floor in per mille: scored once, blind, by
/// the lead at bdac9c3 after the capfix4 rules were merged: 99/119 = 83.19% (831 rounded
/// down). Development data since. Misses: the second launch of two pastes (10), Ollama's new
/// engine summary (5), Gaudi HPU weight lines (3), a CPU compute buffer on a Metal run (1).
/// After the capfix5 rules 119/119 (its set-aside third 18/28 -> 28/28).
const HELDOUT11_FLOOR_PERMILLE: usize = 1000;

/// Sixth blind batch `heldout-12` (branch capblind6: 31 logs, 189 stated values) floor in per
/// mille: scored once, blind, by the lead at 8333878 after the capfix5 rules were merged:
/// 170/189 = 89.95% (899 rounded down). Development data since. Misses: llama.cpp contexts and
/// slot counts in wordings without a rule (koboldcpp 2023, node-llama-cpp, a draft context, an
/// argv dump: 6), koboldcpp's 2023 `total VRAM used (model: …)` (3), ollama's `load request`
/// struct (3), TensorRT-LLM 0.x: `Using N total tokens in paged KV cache, and M blocks per
/// sequence`, the figures of its refusal, and the second run of the paste (6), a vLLM flag
/// abbreviated as argparse allows (1). After the capfix6 rules 186/189 = 98.4% (its set-aside
/// third 61/65 -> 65/65); left: a llama-server slot's `n_ctx` read as the context's, a line cut
/// inside `tokens in paged KV cache`, the argparse abbreviation. 187/189 = 98.9% after the
/// capfix16 rules (an abbreviated flag is read as the option argparse takes it for).
const HELDOUT12_FLOOR_PERMILLE: usize = 989;

/// Seventh blind batch `heldout-13` (branch capblind7: 25 logs, 94 stated values) floor in per
/// mille: scored once, blind, by the lead at 90de2d8 after the capfix6 rules were merged: 85/94 =
/// 90.43% (904 rounded down). Development data since. Misses: a command pasted twice (the run and
/// its debug rerun, two launches to the labeller, one to the parser: 5), SGLang's SWA pool line's
/// full-layer token count, a second TensorRT-LLM KV budget, vllm-ascend's combined compile and
/// warm-up time, a TP size stated only by a JAX mesh dump (1 each). After the capfix7 rules
/// 94/94 (its set-aside third 29/38 -> 33/38 when scored; the command rerun's 5 values were read
/// after that score, by the rule that another command for the same node is another launch).
const HELDOUT13_FLOOR_PERMILLE: usize = 1000;

/// Eighth blind batch `heldout-14` (branch capblind8: 26 logs, 132 stated values) floor in per
/// mille: scored once, blind, by the lead after the capfix7 rules were merged: 124/132 = 93.94%
/// (939 rounded down). Development data since. Misses: the second of two `trtllm-serve` commands
/// (another machine's launch) not read as a launch (6), vLLM's `(compilation: Y s)` inside the
/// init-engine line and a graph-pool estimate (1 each). After the capfix8 rules 132/132 (its
/// set-aside third 57/59 -> 59/59, scored once at the end).
const HELDOUT14_FLOOR_PERMILLE: usize = 1000;

/// Ninth blind batch `heldout-15` (branch capblind9: 25 logs, 143 stated values) floor in per
/// mille: scored once, blind, by the lead after the capfix8 rules were merged: 142/143 = 99.30%
/// (993 rounded down). Development data since. The miss: a `max_model_len` inside a wrapped
/// engine-config dump of vLLM 0.6.3 (triton_distributed PR #70). 143/143 after the capfix15
/// rules (the dump's `, max_seq_len=131` / `072, …` cut by a fixed-width wrap is read whole).
const HELDOUT15_FLOOR_PERMILLE: usize = 1000;

/// Tenth blind batch `heldout-16` (branch capblind10: 19 logs, 106 stated values) floor in per
/// mille: scored once, blind, by the lead after capfix8 (no rule round between heldout-15's
/// score and this one): 94/106 = 88.68% (886 rounded down). Development data since. Misses:
/// llama.cpp's 2023 Metal buffer lines (3), SGLang on Ascend (`The available memory for KV
/// cache is`, `Capture npu graph begin`: 3), vLLM 0.3's config dict in Xinference (3), a
/// clamped `--max-total-tokens`, ik_llama.cpp's `n_ubatch`, trtllm-serve's `maxInputLen` (1 each).
/// 104/106 = 98.1% after the capfix9 rules (981; set-aside third 30/30 before and after): left
/// are the Metal log's `compute buffer total size` (the rules read the 'alloc' buffer, as
/// `VRAM scratch buffer:` on CUDA) and ik_llama.cpp's `-ub` flag (its phrase takes a head).
/// 105/106 = 99.1% after the capfix13 rules (990): the ` -ub` flag is read (one planned pass
/// holds its head). 106/106 after round 25 (capfix25: llama.cpp 2023's `compute buffer total
/// size`) (1000).
const HELDOUT16_FLOOR_PERMILLE: usize = 1000;

/// Eleventh blind batch `heldout-17` (branch capblind11: 23 logs, 149 stated values) floor in
/// per mille: scored once, blind, by the lead after the capfix9 rules were merged: 149/149 =
/// 100.0%. Development data since.
const HELDOUT17_FLOOR_PERMILLE: usize = 1000;

/// Twelfth blind batch `heldout-18` (branch capblind12: 25 logs, 145 stated values, 22 of them
/// vLLM or SGLang) floor in per mille: scored once, blind, by the lead after capfix9 (no rule
/// round between heldout-17's score and this one): 135/145 = 93.10% (931 rounded down).
/// Development data since. Misses: SGLang's `Capture target prefill CUDA graph begin` (3), vLLM
/// Ascend's ACL-graph estimate and KV budget (3), one each of SGLang 0.4's `mem_fraction_static`,
/// a weights-read time behind ANSI colour codes, llm-scaler's `Model memory usage`, and a
/// `max_model_len` inside lm_eval's arguments. 144/145 = 99.3% after the capfix10 rules (the
/// set-aside third 38/40 -> 39/40, scored once), 145/145 once pasted colour codes were dropped
/// from candidate lines (written after that scoring): floor 1000.
const HELDOUT18_FLOOR_PERMILLE: usize = 1000;

/// Thirteenth blind batch `heldout-19` (branch capblind13: 18 logs, 87 stated values; 7 on
/// Ascend, TPU or Vulkan) floor in per mille: scored once, blind, by the lead after the capfix10
/// rules were merged: 80/87 = 91.95% (919 rounded down). Development data since. Misses:
/// SGLang-JAX's KV lines (3), vllm-ascend's `Available memory: 0, total memory: N` (2),
/// tpu-inference's `Memory statistics` HBM and budget (2). 87/87 after the capfix11 rules (the
/// set-aside third 29/29 -> 29/29, scored once): floor 1000.
const HELDOUT19_FLOOR_PERMILLE: usize = 1000;

/// Fourteenth blind batch `heldout-20` (branch capblind14: 15 logs, 83 stated values) floor in
/// per mille: scored once, blind, by the lead after the capfix11 rules were merged: 74/83 =
/// 89.16% (891 rounded down). Development data since. Misses: Ollama's Go engine buffer lines
/// quoted without their prefix (6, one log), vLLM-on-Gaudi's `Initializing cache engine took`
/// and its token budget (2), vLLM's `num_gpu_blocks is:` (1). 83/83 after the capfix12 rules
/// (the set-aside third 29/30 -> 30/30, scored once): floor 1000.
const HELDOUT20_FLOOR_PERMILLE: usize = 1000;

/// Fifteenth blind batch `heldout-21` (branch capblind15: 16 logs, 119 stated values; 6 on
/// Ascend) floor in per mille: scored once, blind, by the lead after the capfix12 rules were
/// merged: 111/119 = 93.28% (932 rounded down). Development data since. Misses: vllm-ascend's
/// ACL-graph capture list and its count (2), the second launch's `Available memory: 0, total
/// memory: N` in a paste holding two launches (2), vllm-ascend's `Model runner load_model total
/// time` (3), and TensorRT-LLM's executor `max_seq_len` beside the command's (1).
/// 119/119 after the capfix13 rules (1000; set-aside third 30/33 -> 33/33, scored once).
const HELDOUT21_FLOOR_PERMILLE: usize = 1000;
/// Blind batch heldout-22 (capblind16: 16 logs, Intel XPU, TPU, IBM Z CPU, SGLang DP/EP on ROCm,
/// Dynamo, Mooncake/NIXL disaggregation) floor in per mille: scored once, blind, by the lead after
/// the capfix13 rules were merged: 123/126 = 97.62% (976 rounded down). The three misses are one
/// tpu-inference line wrapped over three lines in the paste (`gpu_blocks`, `mamba_slots`,
/// `kv_size`). 126/126 after the capfix14 rules (1000; the wrap join and tpu-inference's
/// compact-mamba rules; set-aside third 38/41 -> 41/41, scored once).
const HELDOUT22_FLOOR_PERMILLE: usize = 1000;
/// Blind batch heldout-23 (capblind17: 15 logs, vLLM V0/V1 incl. vllm-ascend DP × TP × EP, the
/// vllm-backport and vllm-gfx906 forks, LMCache; SGLang on Ascend; TensorRT-LLM 0.15/0.16 engine
/// configs; llama-cpp-python) floor in per mille: scored once, blind, by the lead after the
/// capfix14 rules were merged: 119/121 = 98.35% (983 rounded down). The two misses are the second
/// launch of vllm#25350, a refusal whose error message states `max_model_len` and the KV budget.
/// 121/121 after the capfix15 rules (1000; a KV refusal after a sized start opens the next
/// launch; set-aside third 35/37 -> 37/37, scored once).
const HELDOUT23_FLOOR_PERMILLE: usize = 1000;
/// Blind batch heldout-24 (capblind18: 14 logs, vLLM V1 multi-node / DP / EP / PP under Ray and
/// KAITO, refusals, Intel XPU; TensorRT-LLM in a NIM container; Ollama and llama-box on CPU, Ollama's
/// 2023 ROCm PR) floor in per mille: scored once, blind, by the lead after the capfix15 rules were
/// merged: 66/71 = 92.96% (929 rounded down). Misses: llama.cpp's `V (f16): X MiB` in a journald
/// paste, the 2023 `VRAM used:` line, a refusal's block size, and a Mamba refusal's two figures.
/// 70/71 = 98.6% after the capfix16 rules (985; a journald stamp opens a line, the Mamba refusal,
/// 2023's `llm_load_tensors: VRAM used:`; set-aside third 26/28 -> 27/28, scored once). Left:
/// vllm#44376's `block_size=256`, an `LLM(...)` keyword on a line of its own: read since capfix17
/// (71/71).
const HELDOUT24_FLOOR_PERMILLE: usize = 1000;
/// Blind batch heldout-25 (capblind19: 12 logs, vLLM V1 on eGPUs, L40S, SM120 TP2 + EP, Ascend
/// 310P, RTX 5090; SGLang tutorials incl. TP4 + EAGLE on H200; TensorRT-LLM's LLM API worker in
/// Dynamo's README; Ollama 0.7 journald, llama.cpp on ROCm for Windows) floor in per mille: scored
/// once, blind, by the lead after the capfix16 rules were merged: 115/116 = 99.14% (991 rounded
/// down). The one miss: `MAX_MODEL_LEN=100352`, a shell variable the launch script passes on.
const HELDOUT25_FLOOR_PERMILLE: usize = 991;
/// Blind batch heldout-26 (capblind20: 13 logs, mostly saved logs in repositories: vLLM V1 0.10
/// on A100s under Ray across nodes and pods, vLLM 0.11 on 16 GB GPUs, vllm-ascend; SGLang 0.4 and
/// a 2026 hybrid-Mamba bench; a TensorRT-LLM k/v excerpt; llama.cpp on a Jetson) floor in per
/// mille: scored once, blind, by the lead with the capfix16 rules (no round between it and
/// heldout-25): 221/240 = 92.08% (920 rounded down). Misses: one Ray TP2 log's load, compile and
/// graph lines (7), `gpu_memory_utilization` / `gpu_blocks` of three saved vLLM logs (5), SGLang
/// 0.4's K/V sizes and capture count (3), SGLang's Mamba conv/SSM sizes (2), `init engine` (2).
/// 225/240 = 93.75% after the capfix17 rules (937; SGLang 0.4's K/V line without a token count,
/// the Mamba size keys; the set-aside third 90/102 -> 92/102, scored once).
/// Round 18 (capfix18: vLLM's block-count line folded before its colon): 227/240 = 94.58% (945).
/// Round 20 (capfix20: vLLM's `non-default args` dict wrapped by the paste, joined): 230/240 =
/// 95.83% (958), the capfix17 set-aside third's values included (+2 of the 3).
const HELDOUT26_FLOOR_PERMILLE: usize = 958;

/// Blind batch heldout-27 (capblind21: 10 logs, nine from repository files: vllm-ascend TP2 with
/// two profiling blocks, vLLM 0.23 TP2 on H200 NVL, trtllm-serve 1.1 on a DGX Spark, SGLang 0.4 TP4
/// on L4s, TensorRT-LLM 0.19 on an RTX 5090, llama.cpp's Hexagon NPU backend with two sessions,
/// vLLM V0 on IBM Spyre, SGLang 0.5.8 ROCm TP8 on MI355X) floor in per mille: scored once, blind,
/// by the lead with the capfix16 rules: 222/250 = 88.80% (888). Misses: the second session of
/// llama.cpp's Snapdragon README (15, not split from the first), trtllm-serve 1.1's graph sizes,
/// weights and attention windows (5), a second vllm-ascend profiling block read as one launch (5),
/// Spyre's warm-up and TP (3). Round 17: capseg1 (a run's closing lines end its launch: the
/// Snapdragon README's second session is its own launch) and capfix17 (trtllm-serve 1.1's graph
/// list and max, weights and windows; Spyre's warm-up times; the set-aside third 57/65 -> 59/65,
/// scored once), merged: 244/250 = 97.60% (976). Round 18 (capfix18: one command, several starts:
/// the second vllm-ascend block takes the command's five values): 249/250 = 99.60% (996).
const HELDOUT27_FLOOR_PERMILLE: usize = 996;

/// Blind batch heldout-28 (capblind22: 11 logs of vLLM V1 on Intel XPU, H800, two Ascend set-ups,
/// TPU v7x, Dynamo's KVBM connector and two PRs; TensorRT-LLM 1.2 trtllm-serve and LLM API) floor in
/// per mille: scored once, blind, by the lead with the round-17 rules (capfix17 + capseg1):
/// 75/82 = 91.46% (914). Misses: the LLM API run's second (final) KV pool after its estimation
/// pool (4), trtllm-serve 1.2's `kv_tokens` under folded lines (1), Dynamo KVBM's
/// `num_device_blocks` / `page_size` read as GPU blocks and block size by the labeller (2).
/// Round 18 (capfix18: the KVBM worker line, the folded allocation line): 78/82 = 95.12% (951).
/// Round 21 (capfix21: a TensorRT-LLM pool whose window is clamped below the max sequence length
/// is the start's estimation pool): 82/82 (1000).
const HELDOUT28_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-29 (capblind23: 13 logs of SGLang 0.4.9 – current incl. a fork, llama.cpp,
/// ollama, ik_llama.cpp, LocalAI, koboldcpp on CUDA, ROCm, Vulkan and RPC) floor in per mille:
/// scored once, blind, by the lead with the round-17 rules: 115/115 = 100.00% (1000).
const HELDOUT29_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-30 (capblind24: 11 logs of vLLM V0 / V1, SGLang inside MinerU and
/// ktransformers and with HiCache, ollama on ROCm, TensorRT-LLM's Triton backend; TP8 x PP4 over
/// four nodes, two pastes with two starts) floor in per mille: scored once, blind, by the lead with
/// the round-17 rules: 86/90 = 95.56% (955). Misses: the second start of an ollama journal whose
/// window holds only the load request (3), and a second vLLM V0 start's TP size stated once for
/// both builds (1). Round 18 (capfix18: one command, several starts): 87/90 = 96.67% (966).
/// Round 21 (capfix21: an Ollama fit / alloc load request after a load's memory summary is
/// another runner's): 90/90 (1000).
const HELDOUT30_FLOOR_PERMILLE: usize = 1000;

/// One command, several starts (`docs/capacity.md`): the values a command states that the tool
/// also files under a later launch the command started (a value whose key and line a launch
/// before it holds), and whether the `.expected` file lists them there. Prints one line per log
/// with such values (`carried FILE: listed L, not listed N`); asserts nothing (a measurement,
/// `-- --nocapture carried_command_values`).
#[test]
fn carried_command_values() {
    let root = corpus();
    for file in split_of_files().keys() {
        if !file.starts_with("launch/") {
            continue;
        }
        let log = read_log(&root.join(file));
        let exp_path = root.join(file.replace(".log", ".expected"));
        let expected = parse_expected(&std::fs::read_to_string(&exp_path).expect("expected"));
        let got = stated_values(&parse_log(&log));
        let carried: Vec<&StatedValue> = got
            .iter()
            .filter(|g| {
                got.iter().any(|h| h.launch < g.launch && h.line == g.line && h.key == g.key)
            })
            .collect();
        if carried.is_empty() {
            continue;
        }
        let listed = carried.iter().filter(|g| expected.iter().any(|x| matches(x, g))).count();
        println!("carried {file}: listed {listed}, not listed {}", carried.len() - listed);
    }
}

/// Blind batch heldout-31 (capblind25: 14 logs of vLLM V0 under Ray Serve and lm-eval, PP16 over
/// two nodes, vLLM V1 under GPUStack / LMCache / LWS with TP4 x PP2 + EP, ROCm on gfx1101,
/// ik_llama.cpp two runs, SGLang 0.5 PP3) floor in per mille: scored once, blind, by the lead with
/// the round-18 rules (capfix18): 84/88 = 95.45% (954). Misses: a second ik_llama.cpp run's model
/// buffer (1), `gpu_memory_utilization` in folded YAML and in a cut engine config (2), an lm-eval
/// wrapper's `dp_size` (1). Round 19 (capfix19: a llama.cpp model loaded after a start's KV
/// sizing is the next start's, a flag's value folded onto the next line, lm-eval's `Initializing
/// vllm model, with arguments: {…}`): 88/88 (1000; the set-aside third included, 27/27 before).
const HELDOUT31_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-32 (capblind26: 6 logs, two vLLM V1, two ollama, SGLang's own 2026 start-up
/// log in a skill file, ollama ROCm over 8 x MI250X GCDs) floor in per mille: scored once, blind,
/// by the lead with the round-18 rules: 84/107 = 78.50% (785). Misses: two windows of one comment
/// that the labeller read as two engine starts (vllm#57047, 14: the tool reads one launch) and two
/// ollama comments with two models (7: same), SGLang's graph counts taken from progress bars (2).
/// Round 19 (capfix19: a once-per-start vLLM process with a second pid opens a launch, SGLang's
/// finished capture bars): 99/107 = 92.52% (925), the set-aside third's values included.
/// Round 20 (capfix20: a llama.cpp context block with another n_ctx_per_seq before any cache was
/// sized is another start, ollama#10738's second model): 106/107 = 99.07% (990).
const HELDOUT32_FLOOR_PERMILLE: usize = 990;

/// Blind batch heldout-33 (capblind27: 9 logs, 11 starts: vLLM V1 TP2 / TP4, vLLM V0 inside
/// LMCache, two saved SGLang 0.5 start-ups of a serving kit incl. a worker node of TP8 over two
/// nodes, four llama.cpp ROCm logs incl. two with two starts) floor in per mille: scored once,
/// blind, by the lead with the round-19 rules (capfix19): 162/170 = 95.29% (952). Misses: the
/// `--verbose` rerun after a crash in llama.cpp's params-fit step in the same comment, read as
/// one launch with the first (8). After round 21 (capfix21: the shell's `Segmentation fault (core
/// dumped)` ends the run): 170/170 (1000).
const HELDOUT33_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-34 (capblind28: 9 logs: vLLM V1 / V0 inside OpenRLHF's Ray actors, vLLM V1
/// on DGX Spark quoted with `> `, llama.cpp 2023 on CUDA, ollama 2024, llama-box on Metal,
/// llama-cpp-python on the CPU, TensorRT-LLM 0.8 under Triton) floor in per mille: scored once,
/// blind, by the lead with the round-20 rules (capfix20): 43/44 = 97.73% (977). Miss: a 2023
/// llama.cpp compute buffer (1). 44/44 after round 25 (capfix25: its `compute buffer total
/// size`) (1000).
const HELDOUT34_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-35 (capblind29: 6 saved logs from repositories: a vLLM fork on 2 x MI50,
/// TensorRT-LLM 1.3 trtllm-bench with AutoDeploy on an RTX 5090, vLLM 0.23 on 2 x Arc Pro B70,
/// vLLM 0.23.1 TP4 + EP on 4 x GH200, SGLang 0.5 TP2 on 2 x RTX 3090, a vLLM V1 dev build) floor in
/// per mille: scored once, blind, by the lead with the round-20 rules (no round between):
/// 157/168 = 93.45% (934). Misses: trtllm-bench's AutoDeploy settings lines (7), vLLM's
/// `block_size` on XPU and GH200 (2), an `ep_size` (1), a ROCm fork's graph memory (1). After
/// round 21 (capfix21: trtllm-bench / AutoDeploy settings, vLLM's backend block size and EP weight
/// filter): 167/168 = 99.40% (994).
const HELDOUT35_FLOOR_PERMILLE: usize = 994;

/// Blind batch heldout-36 (capblind30: 11 saved logs from repositories: vLLM V1 0.8–0.27 on DGX
/// Spark, ROCm, a T4 and 2 x RTX PRO 6000 (a blog's three starts: TP1 refused, TP2, PP2), SGLang
/// 0.5.7 with HiCache + Mooncake and a CPU-offloaded TP2 start, trtllm-serve 1.2 on an H200,
/// llama.cpp on Metal and a 2026 llama-server started twice) floor in per mille: scored once,
/// blind, by the lead with the round-21 rules (capfix21): 236/260 = 90.77% (907). Misses: the
/// blog's second and third starts, which print the same pids and no new header (16), trtllm-serve
/// 1.2's settings (TP / PP size, max input length, beam width, graph max batch: 5), a llama-server
/// restart's context lines (2), SGLang's `piecewise_cuda_graph_max_tokens=-1` (1). After round 22
/// (capfix22: a start announced by a command or a repeated vLLM argument dump, TensorRT-LLM's
/// `LLM Args:` dump, `-1` switches as printed): 241/260 = 92.69% (926); with vLLM's container
/// image as a server command (capfix22's last commit): 257/260 = 98.85% (988). Round 23
/// (capfix23: llama-server's `cleaning up before exit...` ends a run): 259/260 = 99.62% (996).
/// Round 25 (capfix25: TensorRT-LLM's `max_beam_width=` of the `LLM Args:` dump): 260/260 (1000).
const HELDOUT36_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-37 (capblind31: 15 saved logs from repositories: vLLM V1 0.9–0.27 (TP2 on
/// H100s, gpt-oss-120b, a DGX Spark container, an LMCache example, start-ups cut by a capture
/// failure or an Inductor OOM), vLLM V0 0.7.2 TP2, SGLang 0.5 offline Engine and an eager start,
/// llama.cpp on CUDA (a layer split started twice), Vulkan and Metal) floor in per mille: scored
/// once, blind, by the lead with the round-22 rules (capfix22): 322/322 = 100%.
const HELDOUT37_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-38 (capblind32: 14 saved vLLM / SGLang logs from repositories: vLLM V1
/// 0.8.5.post1 – 0.23.0 on NVIDIA, four under WSL, TP4 in four, an RL trainer's rollout server,
/// starts ending in an interrupt, a weight-load OOM, a negative KV budget, a capture OOM, an
/// argparse error; SGLang 0.5 of September 2026) floor in per mille: scored once, blind, by the
/// lead with the round-22 rules: 303/303 = 100%.
const HELDOUT38_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-39 (capblind33: 6 saved llama.cpp-family logs from repositories:
/// llama-server b7896 on an RTX 3090, b8133 on Windows with a q8_0 KV split, a 2026 llama-server in
/// the short log format on an M3 Pro, ollama 0.17 on an M4 loading two models, a ROCm fork with a
/// weight pager, llama-cli with SYCL on an Arc A770 in a German locale) floor in per mille: scored
/// once, blind, by the lead with the round-22 rules: 56/100 = 56.0% (560). Misses: ollama's two
/// loads split into five starts (its memory estimate before each load, then round 21's reload
/// signal: 30), decimal commas of a German locale (`1039,50 MiB`: 9), an embedding model's
/// buffers, a short-format slot count, an `n_ctx_train` (5). Round 23 (capfix23): 91/100 (910):
/// ollama's load sequence, the slot count, a second model of one llama.cpp process, print_info's
/// `n_ctx_train`; the 9 left are the set-aside's. Round 24 (capfix24): 100/100 (1000): decimal
/// commas before a byte unit.
const HELDOUT39_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-40 (capblind34: 12 saved logs from repositories: llama-server b4400 – b8999
/// on a GB10, an RTX 4060 with experts overflowing to host memory, Metal on an M2 Pro and an M4,
/// Vulkan on an RTX 3090 and a Mali-G715 under Termux, CPU-only starts, a GTX 1660 Ti with no
/// layers offloaded, a T4 with gpt-oss-20b, an embedding model on an Intel Mac; vLLM 0.9.2 started
/// by TRL's `vllm-serve`) floor in per mille: scored once, blind, by the lead with the round-23
/// rules (capfix23): 185/185 = 100%.
const HELDOUT40_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-41 (capblind35: 14 saved logs from repositories: vLLM V1 0.8.4 – 0.27.1 on
/// one GPU, TP2 and TP4 — a KV cache holding half of one request, YaRN to 131072, LoRA on compute
/// capability 7.5, a hybrid model, four workers refusing a utilisation above free memory —; SGLang
/// 0.5 on two RDNA4 R9700s with fp8 KV) floor in per mille: scored once, blind, by the lead with
/// the round-24 rules (capfix24): 394/394 = 100%.
const HELDOUT41_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-42 (capblind36: 8 saved logs and docs pages from repositories: ollama
/// 0.13 – 0.24 on Metal, CPU and an RTX 3050 Laptop GPU, two with two launches; llama.cpp through
/// JNI with OpenCL on an Adreno 840; TensorRT-LLM 0.8 engines under the Triton backend twice and
/// the C++ runtime's KV sizing under NetEase's grps) floor in per mille: scored once, blind, by
/// the lead with the round-24 rules (capfix24): 121/128 = 94.5%. Misses: trtllm's `max_beam_width`
/// (2), an attention window and input length reduced to fit the KV cache (3), an embedding
/// model's Metal and CPU model buffers under ollama (2). Round 25 (capfix25: the beam width of
/// the Triton backend's default warning, model buffers printed before the next runner started
/// stay in their launch): 125/128 = 97.66% (976; the capfix25 set-aside third included).
/// Round 31 (capfix31: the executor's `maxSequenceLen are too large … reduced to N`, window and
/// length): 127/128.
const HELDOUT42_FLOOR_PERMILLE: usize = 992;

/// Blind batch heldout-43 (capblind37: 11 saved logs — nine repository files and two issue
/// pastes: vLLM V1 0.9.2 – 0.31.0 (H100, H200, WSL, eager AWQ, a memory-profile failure on a
/// shared GPU, the V2 model runner), vLLM 0.10.2's V0 engine with TP2, SGLang 0.5.11.dev on four
/// MI300X with TP4 x DP4 DP attention dying at the KV pool, a March 2026 SGLang capacity line)
/// floor in per mille: scored once, blind, by the lead with the round-25 rules (capfix25):
/// 250/252 = 99.2%. Misses: a ROCm SGLang run's `max_running_requests` and fp8 KV dtype.
const HELDOUT43_FLOOR_PERMILLE: usize = 992;

/// Blind batch heldout-44 (capblind38: 15 logs — vLLM V1 0.10.0 – 0.23.0 incl. two ROCm starts on
/// MI300X, DP2 over Ray on two Kubernetes nodes, a FlashInfer JIT failure, a Mooncake IPv6
/// error; vLLM 0.7.3's V0 engine with TP2; two SGLang 0.5.8.post1 nodes of a prefill/decode
/// deployment, TP16 over two nodes each) floor in per mille: scored once, blind, by the lead with
/// the round-26 rules (capfix26, its auto `n_parallel` rule dropped): 293/310 = 94.5%. Misses: the
/// SGLang decode node's graph capture, pool and server figures (16), a Ray DP engine's init time (1).
/// 309/310 = 99.7% after the round-27 rules (capfix27: SGLang's DeepGEMM JIT warning, which names
/// `sglang.launch_server` in prose and quotes an example `--tp 8`, no longer opens a launch); the
/// one left is the capfix27 set-aside's. 310/310 after the round-28 rules (capfix28: a Ray DP
/// engine actor keyed by its own pid, and a peer's KV budget stamped before a sizing's end is no
/// restart: kuberay#4366's init time in its start).
const HELDOUT44_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-45 (capblind39: 9 logs — TensorRT-LLM's C++ runtime example in its memory
/// docs, trtllm-serve 1.1.0's PyTorch backend sizing the KV cache twice, a 1.2.1 LLM API line;
/// llama-cpp-python on the CPU, llama-server over three RPC servers, an uneven two-GPU layer
/// split, an ollama runner in journald, an ollama README with three loads on ROCm MI355X and an
/// H100, llama-server for ROCm on Windows: a router start then a model load) floor in per
/// mille: scored once, blind, by the lead with the round-25 rules (capfix25): 107/118 = 90.7%.
/// Misses: the README's second and third loads, told apart by no start line, read into the
/// first (10); a router start's `n_seq_max` (1). Round 26 (capfix26: a load's device lines and
/// the params-fit projection head the next load): 117/118 (991); its rule for llama-server's auto
/// `n_parallel` line (118/118) cost a prefilter head and 10-15 % of the scan's CPU for one value
/// and was dropped by the lead at merge.
const HELDOUT45_FLOOR_PERMILLE: usize = 991;

/// Blind batch heldout-46 (capblind40: 18 logs from fetched repositories — vLLM V1 0.10.0 – 0.20.2
/// incl. TP8 with decode context parallelism, vllm-ascend starts, a two-start WSL log whose first
/// start refuses; vLLM V0 0.5.5 – 0.8.5 incl. PP4 and ROCm 6.2 on an MI300X; SGLang 0.4 TP16 over
/// two Kubernetes nodes, an Ascend prefill node of a TP32 / EP32 PD instance with a NextN draft,
/// an Ascend DP4 x TP16 x EP16 run, RWKV-7 on an Ascend NPU) floor in per mille: scored once,
/// blind, by the lead with the round-27 rules (capfix27): 465/524 = 88.7%. Misses: the Ascend
/// prefill node's draft-model figures (24), the second start of a two-start vLLM log read into
/// the first (30), five single values. 497/524 = 94.8% after the round-28 rules (capfix28: the
/// second start's command, API server and engine core one launch, not three; a YAML item's
/// comment; `Using max model len` heads a start after a sized cache). 523/524 = 99.8% after the
/// round-29 rules (capfix29: SGLang's draft worker's own `Init torch distributed` builds the draft
/// in the same launch; the draft's load time).
const HELDOUT46_FLOOR_PERMILLE: usize = 998;

/// Blind batch heldout-47 (capblind41: 17 logs from repositories — vLLM V1 0.10 – 0.30 incl.
/// Intel XPU TP2 with MTP, tpu-inference on TPU v7x (TP2 + EP2; TP8 started three times), 4 x
/// GH200 TP4 + EP, WSL eager; V0 TP4 and the ROCm fork; SGLang on Ascend with DP attention,
/// TP16 / EP16 and an EAGLE / NextN draft, a fork's DCP2 excerpt; trtllm-bench AutoDeploy;
/// llama.cpp on ROCm and Metal; ollama on the CPU, two loads) floor in per mille: scored once,
/// blind, by the lead with the round-28 rules (capfix28): 427/487 = 87.7%. Misses: the Ascend
/// run's draft-model figures (48), trtllm-bench's resized KV cache (6), tpu-inference's
/// sharding `expert_parallelism` and `num_blocks` (6). 477/487 = 97.9% after the round-29 rules
/// (capfix29: the draft figures, `Init kv-cache | num_blocks=[…]`, vllm-ascend's block size, the
/// profiling-disabled utilization advice; left: the sharding line's `expert_parallelism` (4, a
/// new prefilter head) and the set-aside third's six). Unchanged by round 30 (capfix30: the
/// marker of AutoDeploy's re-created pool cost prefilter heads and was left out). 483/487 after
/// round 31 (capfix31: AutoDeploy's resized pool kept in its launch by `[[pool_resize]]`, no
/// prefilter phrase); 487/487 with tpu-inference's `expert_parallelism=` (ep_size).
const HELDOUT47_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-48 (capblind42: 12 logs — vLLM V1 0.9.0.1 in vLLM's production stack,
/// 0.30.0 with the V2 runner on a 7.65 GiB GPU, 0.10.1.1 TP2, 0.11.2 printing a negative graph
/// size, 0.23.1rc1 NVFP4 on an RTX 5090; vLLM V0 0.8.3 TP8 x PP2 over two Kubernetes pods
/// twice, vllm-ascend 0.8.5 TP8 x PP2 over two hosts dying in the weight load; SGLang on two
/// Ascend nodes with TP16, DP4 attention and EP16; ollama's llama.cpp runner on a Jetson AGX
/// Orin, ollama 0.13.5 and 0.24.0 on the CPU) floor in per mille: scored once, blind, by the
/// lead with the round-29 rules (capfix29): 278/280 = 99.3%. Misses: ollama's own engine's
/// `n_batch` and `n_ctx_train` on an embedding model (2). 280/280 after round 31 (capfix31:
/// Ollama's `requested context size too large for model … n_ctx_train=N` and `setting batch
/// size to context length … batch_size=N`).
const HELDOUT48_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-49 (capblind43: 6 logs — vLLM V1 0.20.1 refusing at device init on an
/// 11.49 GiB GPU, 0.11.0 under WSL with an AWQ model, 0.22.1 dying on its port, 0.15.1 inside
/// Dynamo with the KVBM connector, the gfx906 fork's TP4 arguments on four MI50; TensorRT-LLM
/// 1.3.0rc20 trtllm-bench with AutoDeploy dying after its KV allocation) floor in per mille:
/// scored once, blind, by the lead with the round-29 rules (capfix29): 70/70 = 100%.
const HELDOUT49_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-50 (capblind44: 7 logs — SGLang 0.5 on 16 Ascend NPUs with TP16, DP4,
/// EP16 and a NextN draft; ollama's runner on a Ryzen AI iGPU under ROCm; vLLM 0.9.2 refusing
/// full CUDA graphs after sizing its KV cache, a DeepSeek-V4 KV summary over two DGX Spark
/// nodes, 0.16.0 with the Neuron plugin TP2, 0.23.1rc1 with the V2 runner, a dev build TP8 on
/// 8 x H100 started twice) floor in per mille: scored once, blind, by the lead with the round-29
/// rules (capfix29): 167/168 = 99.4%. Miss: the draft model's KV dtype (1). 168/168 after the
/// round-30 rules (capfix30: `Using KV cache dtype:` between a draft's weights and its pool).
const HELDOUT50_FLOOR_PERMILLE: usize = 1000;

/// Blind batch heldout-51 (capblind45: 10 logs from the local mirrors, each a second file of a
/// repository an earlier batch used once, a different run — vLLM V1 0.10.0 TP8 + EP, 0.9.2 TP4,
/// a 0.20.2rc1 fork TP8 on SM120, a vllm-hust fork on Ascend started twice, 0.22.0 with the V2
/// runner and sleep mode, 0.12.0 pooling, 0.9.2; llama.cpp on an RTX 5080, Metal and ROCm)
/// floor in per mille: scored once, blind, by the lead with the round-30 rules (capfix30):
/// 272/272 = 100%.
const HELDOUT51_FLOOR_PERMILLE: usize = 1000;
/// `heldout-52` (capblind46: 12 vLLM logs, 13 launches: 0.10 – 0.31 incl. WSL twice, TP4 in
/// Singularity under SLURM interleaved with four other services, an RL rollout server, NGC 25.12,
/// vllm-metal on Apple Silicon) floor in per mille: scored once, blind, by the lead with the
/// round-31 rules (capfix31): 217/248 = 87.5%. capfix32: 226/248 (vllm-metal's start-up summary).
/// capfix33: 248/248 (the SLURM script's `set -x` trace lines are the launcher's: its server
/// command opens no second launch).
const HELDOUT52_FLOOR_PERMILLE: usize = 1000;
/// `heldout-53` (capblind47: 5 logs: SGLang with a DFLASH drafter on a DGX Spark, a kt-kernel
/// SGLang excerpt, llama.cpp on SYCL, over four A6000 and on Hexagon NPU sessions) floor in per
/// mille: scored once, blind, by the lead with the round-31 rules (capfix31): 112/121 = 92.6%. capfix32: 121/121 (the DFLASH drafter loaded
/// before the target's pool, the target's verify graphs, `cuda_graph_max_bs_decode`).
const HELDOUT53_FLOOR_PERMILLE: usize = 1000;
/// `heldout-54` (capblind48: 4 logs, 8 launches: SGLang 0.5.12 TP2 on MI35x, a 0.5.20 MI355X
/// sweep whose harness sorted and de-duplicated the log lines, a LoRA start with graphs off,
/// vLLM 0.30.0 with the V2 runner) floor in per mille: scored once, blind, by the lead with the
/// round-31 rules (capfix31): 98/153 = 64.1%. capfix33: 149/153 (the sweep driver's start lines,
/// its sorted target / draft pools); left: the driver's own header `tp=4 ep=1 …` (4).
const HELDOUT54_FLOOR_PERMILLE: usize = 973;
/// `heldout-55` (capblind49, from the mirrors: 6 logs, 8 launches: vLLM for ROCm on an MI300X under
/// rocprof and three engines built in one process, 0.22.1 on an H100 with online FP8, tpu-inference
/// TP4 on a TPU v5p from a notebook's saved output, DeepSeek-V4-Flash TP2 over two DGX Sparks,
/// llama-bench with RPC over four Strix Halo hosts) floor in per mille: scored once, blind, by the
/// lead with the round-32 rules (capfix32): 131/132 = 99.2%. capfix33: 132/132 (tpu-inference's
/// `Using KV cache block size: 64`).
const HELDOUT55_FLOOR_PERMILLE: usize = 1000;
/// `heldout-56` (capblind50, from the mirrors: 5 logs, 6 launches: the TurboQuant llama.cpp fork's
/// perplexity and KL-divergence runs on Metal, vLLM 0.11.0 under a profiler, 0.12.0 as a verl GRPO
/// run's two rollout servers under Ray (an excerpt keyed by actor pid), 0.9.0 with LMCache) floor in
/// per mille: scored once, blind, by the lead with the round-32 rules (capfix32): 104/135 = 77.0%.
/// capfix33: 134/135 (each `vLLMHttpServer` actor's stream a launch); left: `--max_num_seqs` in
/// verl's argument list, its value on the next line.
const HELDOUT56_FLOOR_PERMILLE: usize = 992;
/// `heldout-57` (capblind51, saved logs in repositories: 12 logs, 13 launches: SGLang 0.5.5 ROCm
/// TP8 on MI30x, SGLang with MLX on an M4 Pro x2, vLLM 0.27 under WSL2, ollama's llama-server, vLLM's
/// CPU backend x2, vLLM 0.9.1 notebook output, vLLM 0.19/0.20 and SGLang 0.5.11 on DGX Spark) floor
/// in per mille: scored once, blind, by the lead with the round-33 rules (capfix33): 321/346 = 92.8%.
/// Left: the first of two ollama launches in one excerpt (13), SGLang-MLX's own pool summary (10),
/// a CPU backend's zero KV budget (1).
/// capfix34: 329/346 (SGLang MLX backend: the stub line a setting, the runner's load and pool).
const HELDOUT57_FLOOR_PERMILLE: usize = 950;
/// `heldout-58` (capblind52, issue threads: 8 excerpts: vLLM V0 under Dynamo x2, Ollama x2,
/// llama.cpp SYCL and CUDA, a Mooncake prefill Namespace, vLLM 0.3 in an OpenRLHF Ray actor) floor
/// in per mille: scored once, blind, by the lead with the round-33 rules (capfix33): 62/63 = 98.4%.
/// Left: the second worker's profiling time (57.42 s) behind Dynamo's re-logging prefix.
const HELDOUT58_FLOOR_PERMILLE: usize = 984;
/// `heldout-59` (capblind53, threads and one saved log: 6 logs: Ollama over two GPUs, vLLM V1 TP4
/// with MTP, SGLang DP4 x TP4 x EP4, vLLM 0.28 failing before weights, llama.cpp Vulkan without KV
/// offload, llama-cpp-python on Metal) floor in per mille: scored once, blind, by the lead with the
/// round-33 rules (capfix33): 50/51 = 98.0%. Left: an auto-fitted max_model_len.
const HELDOUT59_FLOOR_PERMILLE: usize = 980;

/// A corpus log as the tool reads one: bytes, invalid UTF-8 replaced (llama.cpp cuts long
/// metadata strings by bytes, so a real log may end a line inside a character).
fn read_log(path: &std::path::Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).expect("log")).into_owned()
}
