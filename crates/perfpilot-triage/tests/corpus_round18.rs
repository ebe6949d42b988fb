//! Round 18 of issue 15 (branch trifix18): the development misses of every scored split sorted by
//! what went wrong, and the wording families written for the largest groups.
//!
//! `round18_miss_table` (ignored: it triages the whole corpus; run it with
//! `cargo test -p perfpilot-triage --test corpus_round18 round18_miss_table -- --ignored --nocapture`)
//! sorts every labelled failure log whose verdict class is wrong into:
//!
//! - (a) no line of failure form: the label's signal column is `-` (no line of the excerpt shows
//!   the failure; the class came from the thread);
//! - (b) a failure line no rule catches: the labelled lines are not among the signal lines of any
//!   classified finding (an `unknown` finding showing them counts here: nothing named them);
//! - (c) the right evidence read, another class chosen: a classified finding shows a labelled
//!   line, but the verdict is another class (precedence) or the line was read as another class
//!   (phase);
//! - (d) a label the written rules of `docs/triage.md` would decide otherwise: listed by hand in
//!   [`LABEL_QUESTIONED`] after reading the excerpt and the thread's label note.
//!
//! It prints each miss with its group, then the counts per labelled class and per engine (the
//! file name's first word: the engine, or the project that wraps it).

#[path = "rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use std::collections::{BTreeMap, BTreeSet};

use corpus::{corpus, split_of, splits, tsv_rows};
use perfpilot_triage::{ProblemClass, TriageOptions, triage_logs};

/// Misses whose label the written rules would decide otherwise (group d): file and the rule.
const LABEL_QUESTIONED: &[(&str, &str)] = &[
    (
        "vllm-24133-8xh100-tp8-glm45-waiting-for-core-engine-proc-hang.log",
        "docs/triage-corpus-3.md round 15, hang evidence: two waiting lines are one interval, not a hang",
    ),
    (
        "vllm-14025-v0-mqllmengine-waiting-for-output-hang-cut.log",
        "round 15 hang evidence: two waiting lines, and start-up output continues after them",
    ),
    (
        "ollama-10119-v06x-agent-chat-stops-midway-stuck-stopping-hang-cut.log",
        "round 15 hang evidence: the reporter's prose and an access log of polls are not evidence",
    ),
    (
        "sglang-7324-stuck-capturing-batches-0-of-17-after-flashinfer-jit-cut.log",
        "round 17: a bare progress bar at 0 as the last line is a cut excerpt as often as a stall",
    ),
    (
        "sglang-31271-gpt-oss-20b-merged-lora-tokenizer-still-tokenizersbackend-after-retries.log",
        "round 16: the engine logs it as a warning, benign in working servers",
    ),
    (
        "sglang-14972-overlap-retract-decode-full.log",
        "stall.toml ends-at-full-kv: token usage 0.94, below the written 0.95 saturation",
    ),
    (
        "vllm-glmv9-glm41v-9b-thinking-limit-mm-per-prompt-only-multimodal-validationerror.log",
        "round 19: the class table (config-invalid: a setting the engine refuses); no line names a version",
    ),
];

/// The labelled lines of a signal cell (`-` is none; `a-b` ranges, comma-separated).
fn labelled_lines(cell: &str) -> Option<BTreeSet<u64>> {
    if cell == "-" {
        return None;
    }
    let mut out = BTreeSet::new();
    for part in cell.split(',') {
        let num = |t: &str| t.trim().parse::<u64>().ok();
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Some(a), Some(b)) = (num(a), num(b)) {
                    out.extend(a..=b);
                }
            }
            None => out.extend(num(part)),
        }
    }
    Some(out)
}

/// The group of one miss: `a`, `b`, `c` or `d`.
fn group(file: &str, cell: &str, r: &perfpilot_triage::TriageReport) -> char {
    if LABEL_QUESTIONED.iter().any(|(f, _)| *f == file) {
        return 'd';
    }
    let Some(want) = labelled_lines(cell) else { return 'a' };
    let read = r.findings.iter().any(|f| {
        !matches!(f.class, ProblemClass::Unknown | ProblemClass::None)
            && f.signal.iter().any(|s| want.contains(&s.line))
    });
    if read { 'c' } else { 'b' }
}

#[test]
#[ignore]
fn round18_miss_table() {
    let split = splits();
    let root = corpus().join("failures");
    let mut per_class: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut per_engine: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let (mut total, mut wrong) = (0, 0);
    for cols in tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (cols[0].as_str(), cols[1].as_str(), cols[2].as_str());
        let side = split_of(&split, source);
        if !class_training::DEV_SPLITS.contains(&side.as_str())
            || class_training::SET_ASIDE_19.contains(&source)
            || class_training::SET_ASIDE_20.contains(&source)
            || class_training::SET_ASIDE_21.contains(&source)
            || class_training::SET_ASIDE_22.contains(&source)
            || class_training::SET_ASIDE_23.contains(&source)
            || class_training::SET_ASIDE_24.contains(&source)
            || class_training::SET_ASIDE_25.contains(&source)
        {
            continue;
        }
        total += 1;
        let r = triage_logs(&TriageOptions::new(vec![root.join(file)]))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        if r.class.as_str() == class {
            continue;
        }
        wrong += 1;
        let cell = cols.get(5).map_or("-", String::as_str);
        let g = group(file, cell, &r);
        let (_, by, sig) = verdict::verdict(&r);
        println!(
            "miss ({g}) {side} {file}: labelled {class}, got {} by {by:?}; labelled lines {cell}; \
             verdict signal {:?}",
            r.class.as_str(),
            sig.iter().map(|s| s.chars().take(90).collect::<String>()).collect::<Vec<_>>()
        );
        let i = (g as u8 - b'a') as usize;
        per_class.entry(class.to_string()).or_default()[i] += 1;
        let engine = file.split('-').next().unwrap_or(file).to_string();
        per_engine.entry(engine).or_default()[i] += 1;
    }
    println!("development logs {total}, misses {wrong}");
    for (title, table) in [("class", &per_class), ("engine", &per_engine)] {
        println!("| {title} | a | b | c | d | all |");
        let mut rows: Vec<_> = table.iter().collect();
        rows.sort_by_key(|(k, v)| (std::cmp::Reverse(v.iter().sum::<usize>()), k.to_string()));
        for (k, v) in rows {
            let sum: usize = v.iter().sum();
            println!("| {k} | {} | {} | {} | {} | {sum} |", v[0], v[1], v[2], v[3]);
        }
    }
}

/// ROCm's queue callback naming an HSA memory status decides illegal-memory-access.
#[test]
fn round18_hsa_memory_status_decides_illegal_memory_access() {
    verdict::assert_files_decide(&[(
        // ROCm/aiter#1143 (vLLM with AITER fused MoE, MI300X)
        "vllm-aiter1143-mi300x-dsr1-fmoe-blockscale-fp8-hsa-memory-aperture-violation-cut.log",
        "illegal-memory-access",
        "hsa-memory-fault-status",
        "HSA_STATUS_ERROR_MEMORY_APERTURE_VIOLATION",
    )]);
    verdict::assert_texts_decide(&[
        // ggml-org/whisper.cpp#3576 (ROCm 7, Strix Halo)
        (
            "rocdevice.cpp Callback: Queue 0x7fc220400000 aborting with error : HSA_STATUS_ERROR_MEMORY_APERTURE_VIOLATION: The agent attempted to access memory beyond the largest legal address. code: 0x29",
            "illegal-memory-access",
            "hsa-memory-fault-status",
        ),
        // ROCm/legacy-rocm-build#2153 (ROCm 5, Device::callbackQueue wording)
        (
            ":0:rocdevice.cpp :2672: 0696142325 us: 5999 : [tid:0x7f676e4c7640] Device::callbackQueue aborting with error : HSA_STATUS_ERROR_MEMORY_APERTURE_VIOLATION: The agent attempted to access memory beyond the largest legal address. code: 0x29",
            "illegal-memory-access",
            "hsa-memory-fault-status",
        ),
        // doktor83/SRBMiner-Multi#206 (the sibling status, memory fault)
        (
            ":0:rocdevice.cpp            :2614: 102457364470 us: 6856 : [tid:0x7fe7bb747700] Device::callbackQueue aborting with error : HSA_STATUS_ERROR_MEMORY_FAULT: Agent attempted to access an inaccessible address. code: 0x2b",
            "illegal-memory-access",
            "hsa-memory-fault-status",
        ),
    ]);
}

/// The argument parsers' value refusals (clap 4 and argparse) decide config-invalid.
#[test]
fn round18_parser_refusals_decide_config_invalid() {
    verdict::assert_files_decide(&[(
        // huggingface/text-generation-inference#1451 (launcher built from source, clap 4)
        "tgi-1451-local-launcher-env-disable-custom-kernels-invalid-value-true.log",
        "config-invalid",
        "cli-parser-invalid-value",
        "invalid value 'True' for '--disable-custom-kernels'",
    )]);
    verdict::assert_texts_decide(&[
        // huggingface/text-generation-inference#1456 (a flag the launcher did not have yet)
        (
            "error: unexpected argument '--tokenizer-config-path' found",
            "config-invalid",
            "cli-parser-invalid-value",
        ),
        // clap-rs/clap examples/tutorial_builder/04_01_possible.md (clap 4's own example output)
        (
            "error: invalid value 'medium' for '<MODE>'",
            "config-invalid",
            "cli-parser-invalid-value",
        ),
    ]);
}

/// A bind line ending in EADDRINUSE's text, and Node's listen error object, decide port-in-use.
#[test]
fn round18_bind_in_use_lines_decide_port_in_use() {
    verdict::assert_files_decide(&[
        (
            // prima-cluster/prima.cpp#18 (llama.cpp fork, ring sockets)
            "llamacpp-prima18-qwq-32b-rank2-ring-recv-socket-address-already-in-use.log",
            "port-in-use",
            "bind-line-address-in-use",
            "Address already in use",
        ),
        (
            // the Node.js API wrapper in front of Ollama (labels.tsv, heldout-25)
            "ollama-apimyllama1-wrapper-listen-eaddrinuse-port-11434-cut.log",
            "port-in-use",
            "bind-line-address-in-use",
            "EADDRINUSE",
        ),
    ]);
    // wikimedia-gadgets/afc-helper#213: Node's error object after `Error: listen EADDRINUSE`
    verdict::assert_texts_decide(&[(
        "Emitted 'error' event on Server instance at:\nat emitErrorNT (node:net:1361:8)\ncode: 'EADDRINUSE',\nerrno: -4091,\nsyscall: 'listen',\naddress: '::',\nport: 4444\n",
        "port-in-use",
        "bind-line-address-in-use",
    )]);
}

/// tt-metal's dispatch timeout, in its log line and its thrown message, decides hang.
#[test]
fn round18_tt_metal_dispatch_timeout_decides_hang() {
    verdict::assert_files_decide(&[(
        // tenstorrent/tt-metal#48536 (vLLM on Blackhole, prefill)
        "vllm-ttmetal48536-p300x2-qwen36-27b-prefill-metal-timeout-detected-inspector-triage-cut.log",
        "hang",
        "tt-metal-dispatch-timeout",
        "Timeout detected",
    )]);
    // tt-xla model remediation notes (public), quoting the thrown forms
    verdict::assert_texts_decide(&[
        (
            "2026-04-17 23:43:08.395 | critical |          Always | TT_THROW: TIMEOUT: device timeout, potential hang detected, the device is unrecoverable (assert.hpp:104)",
            "hang",
            "tt-metal-dispatch-timeout",
        ),
        (
            "2026-04-19 18:18:23.441 | critical |          Always | TT_THROW: TIMEOUT: device timeout in fetch queue wait, potential hang detected (assert.hpp:104)",
            "hang",
            "tt-metal-dispatch-timeout",
        ),
    ]);
}

/// The Hub's HTTP refusal of a model's files, in requests' words, decides model-not-found.
#[test]
fn round18_hub_http_refusal_decides_model_not_found() {
    verdict::assert_files_decide(&[(
        // opea-project/GenAIExamples#2237 (vLLM CPU image, gated Llama 3 without a token)
        "vllm-opea2237-v0100-xeon-cpu-meta-llama3-8b-config-401-unauthorized-cut.log",
        "model-not-found",
        "hf-hub-http-refusal",
        "401 Client Error: Unauthorized",
    )]);
    verdict::assert_texts_decide(&[
        // boson-ai/higgs-audio#123 (a local directory name sent to the Hub's API as an id)
        (
            "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/api/models/xcodec_tps25_0215/revision/main",
            "model-not-found",
            "hf-hub-http-refusal",
        ),
        // lllyasviel/IC-Light#57 (the hf-mirror.com mirror)
        (
            "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://hf-mirror.com/briaai/RMBG-1.4/resolve/main/model.safetensors",
            "model-not-found",
            "hf-hub-http-refusal",
        ),
    ]);
}

/// The NVIDIA driver's NV_ERR_NO_MEMORY check failure decides an out-of-memory.
#[test]
fn round18_nvrm_no_memory_decides_oom() {
    verdict::assert_files_decide(&[(
        // NVIDIA/dgx-spark-playbooks#97 (GB10 unified memory, vLLM prefill at 131k)
        "dgxspark-97-gb10-vllm-131k-prefill-nvrm-no-memory-hard-reset.log",
        "oom-runtime",
        "nvrm-no-memory",
        "NV_ERR_NO_MEMORY",
    )]);
    // NVIDIA/open-gpu-kernel-modules#848 (575 driver, decoder allocation)
    verdict::assert_texts_decide(&[(
        "[52595.758098] NVRM: nvCheckOkFailedNoLog: Check failed: Out of memory [NV_ERR_NO_MEMORY] (0x00000051) returned from _memdescAllocInternal(pMemDesc) @ mem_desc.c:1353",
        "oom-runtime",
        "nvrm-no-memory",
    )]);
}

/// minja's error position followed by the template's own source decides tokenizer-error,
/// whatever the message before it.
#[test]
fn round18_minja_position_suffix_decides_tokenizer_error() {
    verdict::assert_files_decide(&[(
        // ggml-org/llama.cpp#13178 (Qwen3's template, `Cannot subscript null`)
        "llamacpp-13178-server-qwen3-jinja-chat-template-cannot-subscript-null-500-one-line.log",
        "tokenizer-error",
        "minja-render-error-location",
        "Cannot subscript null at row 23, column 40",
    )]);
    // janhq/jan#6123 (a reasoning template, `Value is not callable: null`): round 8's message list
    // names this one too and decides it at the same class; the catalogue loader checks the line
    // (an example of the new signature) matches the new family as well.
    verdict::assert_texts_decide(&[(
        "API request failed with status 500: {\"error\":{\"code\":500,\"message\":\"Value is not callable: null at row 49, column 79:\\n                {%- set content = (m_content.split('</think>')|last).lstrip('\\\\n') %}\\n\"}}",
        "tokenizer-error",
        "render",
    )]);
}
