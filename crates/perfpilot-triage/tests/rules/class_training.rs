//! The training data of the class model (`data/class_model.tsv`, round 11 of issue 15), shared
//! by the `train_class_model` example (which writes the file and runs the cross-validation) and
//! the `corpus_round11` test (which checks the committed file is what the generator makes).
//!
//! Trained on the labelled failure logs of the development splits only: every scored split
//! (`dev`, `heldout`, `heldout-3` … `heldout-33`) without the sources of the trifix11 set-aside
//! third of `heldout-17` ([`SET_ASIDE_11`]), the trifix12 set-aside third of `heldout-18`
//! ([`SET_ASIDE_12`]) and the trifix13 set-aside thirds of `heldout-19` … `heldout-21`
//! ([`SET_ASIDE_13`]), the trifix14 set-aside thirds of `heldout-22` and `heldout-23`
//! ([`SET_ASIDE_14`]) and the trifix15 set-aside thirds of `heldout-24` and `heldout-25`
//! ([`SET_ASIDE_15`]) and the trifix16 set-aside third of `heldout-26` ([`SET_ASIDE_16`]), all
//! listed in `tests/fixtures/corpus/SOURCES-blind-3.md`. Since round 18 (trifix18) the trifix17
//! set-aside third of `heldout-27` ([`SET_ASIDE_17`], scored once at the end of round 17) is
//! trained on: all of `heldout-27` is development data. The trifix19 set-aside thirds of
//! `heldout-28` and `heldout-29` ([`SET_ASIDE_19`], `tests/fixtures/corpus/SOURCES-blind-4.md`,
//! "trifix19 set-aside") and the trifix20 set-aside thirds of `heldout-30` and `heldout-31`
//! ([`SET_ASIDE_20`], same file, "trifix20 set-aside") and the trifix21 set-aside thirds of
//! `heldout-32` and `heldout-33` ([`SET_ASIDE_21`], same file, "trifix21 set-aside") and the
//! trifix22 set-aside thirds of `heldout-34` and `heldout-35` ([`SET_ASIDE_22`], same file,
//! "trifix22 set-aside") and the trifix23 set-aside third of `heldout-36` ([`SET_ASIDE_23`],
//! same file, "trifix23 set-aside") and the trifix24 set-aside thirds of `heldout-37` …
//! `heldout-40` ([`SET_ASIDE_24`], same file, "trifix24 set-aside") and the trifix25 set-aside
//! thirds of `heldout-41` and `heldout-42` ([`SET_ASIDE_25`], same file, "trifix25 set-aside")
//! are never trained on;
//! and without any split not yet scored (a name outside [`DEV_SPLITS`], such as a next blind
//! batch, is never read).
#![allow(dead_code)]

use std::collections::BTreeSet;

use perfpilot_triage::ProblemClass;
use perfpilot_triage::class_model::{ClassModel, log_tokens};

use super::corpus::{corpus, split_of, splits, tsv_rows};

/// The trifix11 set-aside third of `heldout-17` (8 sources, smallest FNV-1a-64): never trained
/// on, scored once at the end of round 11.
pub const SET_ASIDE_11: &[&str] = &[
    "vllm-project/vllm#25032",
    "studio-dots-ai/dots.ocr#196",
    "lmstudio-ai/lmstudio-bug-tracker#2205",
    "NixOS/nixpkgs#406675",
    "vllm-project/vllm#36432",
    "openai/openai-agents-python#1605",
    "mudler/LocalAI#10555",
    "sgl-project/sglang#34441",
];

/// The trifix12 set-aside third of `heldout-18` (10 sources, smallest FNV-1a-64): never trained
/// on, scored once at the end of round 12.
pub const SET_ASIDE_12: &[&str] = &[
    "vllm-project/vllm#27571",
    "NVIDIA/TensorRT-LLM#4684",
    "PrismML-Eng/Bonsai-demo#31",
    "opendatalab/MinerU#4868",
    "sgl-project/sglang#12707",
    "NVIDIA-NeMo/RL#2620",
    "sgl-project/sglang#4410",
    "vllm-project/vllm#49064",
    "ollama/ollama#10920",
    "verl-project/verl#7632",
];

/// The trifix13 set-aside thirds of `heldout-19`, `heldout-20` and `heldout-21` (8 + 7 + 7 sources,
/// smallest FNV-1a-64 per split): never trained on, scored once at the end of round 13.
pub const SET_ASIDE_13: &[&str] = &[
    "sgl-project/sglang#13308",
    "theroyallab/tabbyAPI#304",
    "vllm-project/vllm#22414",
    "vllm-project/vllm#48801",
    "gpustack/gpustack#2097",
    "sgl-project/sglang#13435",
    "intel/intel-xpu-backend-for-triton#7166",
    "InternLM/lmdeploy#3319",
    "UKGovernmentBEIS/inspect_ai#2547",
    "gpustack/gpustack#2415",
    "sgl-project/sglang#10407",
    "llm-d/llm-d#352",
    "opea-project/GenAIExamples#2237",
    "sgl-project/sglang#38019",
    "vllm-project/vllm#14025",
    "sgl-project/sglang#24843",
    "sgl-project/sglang#37619",
    "QwenLM/Qwen3-VL#2058",
    "continuedev/continue#12713",
    "ollama/ollama#2292",
    "ROCm/legacy-rocm-build#5668",
    "ROCm/legacy-rocm-build#4909",
];

/// The trifix14 set-aside thirds of `heldout-22` and `heldout-23` (7 + 6 sources, smallest
/// FNV-1a-64 per split): never trained on, scored once at the end of round 14.
pub const SET_ASIDE_14: &[&str] = &[
    "vllm-project/vllm#43605",
    "vllm-project/vllm#30855",
    "sgl-project/sglang#1093",
    "vllm-project/vllm#22755",
    "NVIDIA/Model-Optimizer#220",
    "eugr/spark-vllm-docker#405",
    "ggml-org/llama.cpp#13178",
    "anomalyco/opencode#25230",
    "opea-project/GenAIExamples#1762",
    "vllm-project/vllm#24133",
    "sgl-project/sglang#3713",
    "vllm-project/vllm#33229",
    "ogx-ai/ogx#4534",
];

/// The trifix15 set-aside thirds of `heldout-24` and `heldout-25` (4 + 3 sources, smallest
/// FNV-1a-64 per split): never trained on, scored once at the end of round 15.
pub const SET_ASIDE_15: &[&str] = &[
    "vllm-project/vllm#4232",
    "continuedev/continue#9528",
    "runpod-workers/worker-vllm#260",
    "bytedance/UI-TARS#153",
    "ogx-ai/llama-stack-apps#112",
    "Lizonghang/prima.cpp#18",
    "Gimer-Studios/APIMyLlama#1",
];

/// The trifix16 set-aside third of `heldout-26` (8 sources, smallest FNV-1a-64): never trained
/// on, scored once at the end of round 16.
pub const SET_ASIDE_16: &[&str] = &[
    "mostlygeek/llama-swap#283",
    "hiyouga/LlamaFactory#6474",
    "gpustack/gpustack#2236",
    "ollama/ollama#10555",
    "ggml-org/llama.cpp#28317",
    "ollama/ollama#15284",
    "NVIDIA/TensorRT-LLM#13179",
    "ai-dynamo/dynamo#5099",
];

/// The trifix17 set-aside third of `heldout-27` (5 sources, smallest FNV-1a-64): not trained on
/// in round 17, scored once at its end; trained on since round 18 (kept as the record of the draw).
pub const SET_ASIDE_17: &[&str] = &[
    "xorbitsai/inference#3058",
    "mozilla-ai/llamafile#936",
    "ROCm/aiter#1143",
    "vllm-project/vllm-ascend#471",
    "tenstorrent/tt-metal#48536",
];

/// The trifix19 set-aside thirds of `heldout-28` (5 of 14 sources) and `heldout-29` (7 of 21),
/// drawn by the lead by the usual rule (per batch the ceil(n/3) sources with the smallest
/// FNV-1a-64 of the source string): never trained on, scored once at the end of round 19.
pub const SET_ASIDE_19: &[&str] = &[
    "kserve/kserve#3456",
    "antirez/ds4#1028",
    "NVIDIA/TensorRT-LLM#10417",
    "runpod-workers/worker-vllm#35",
    "sgl-project/sglang#10856",
    "ollama/ollama#12366",
    "NVIDIA/TensorRT-LLM#7703",
    "sgl-project/sglang#13066",
    "sgl-project/sglang#38183",
    "vllm-project/vllm#21899",
    "vllm-project/vllm#4653",
    "vllm-project/vllm-ascend#1127",
];

/// The trifix20 set-aside thirds of `heldout-30` (7 of 20 sources) and `heldout-31` (3 of 9),
/// drawn by the lead by the usual rule (per batch the ceil(n/3) sources with the smallest
/// FNV-1a-64 of the source string): never trained on, scored once at the end of round 20.
pub const SET_ASIDE_20: &[&str] = &[
    "lemonade-sdk/llamacpp-rocm#101",
    "tenstorrent/tt-inference-server#36",
    "ollama/ollama-python#149",
    "vllm-project/vllm-ascend#382",
    "sgl-project/sglang#12272",
    "ollama/ollama#15223",
    "AEON-7/Qwen3.6-27B-AEON-Ultimate-Uncensored-DFlash#17",
    "vllm-project/vllm#48601",
    "zai-org/ChatGLM-6B#819",
    "xprilion/ollama-cloud-run#1",
];

/// The trifix21 set-aside thirds of `heldout-32` (6 of 17 sources) and `heldout-33` (5 of 15),
/// drawn by the lead by the usual rule (per batch the ceil(n/3) sources with the smallest
/// FNV-1a-64 of the source string): never trained on, scored once at the end of round 21.
pub const SET_ASIDE_21: &[&str] = &[
    "sgl-project/sglang#25116",
    "vllm-project/vllm#44061",
    "vllm-project/vllm#4358",
    "vllm-project/vllm-ascend#486",
    "Mesh-LLM/mesh-llm#571",
    "abetlen/llama-cpp-python#2366",
    "mudler/LocalAI#2282",
    "sgl-project/sglang#4253",
    "vllm-project/vllm#31884",
    "vllm-project/vllm#11248",
    "huggingface/text-generation-inference#663",
];

/// The trifix22 set-aside thirds of `heldout-34` (6 of 17 sources) and `heldout-35` (4 of 11),
/// drawn by the lead by the usual rule (per batch the ceil(n/3) sources with the smallest
/// FNV-1a-64 of the source string): never trained on, scored once at the end of round 22.
pub const SET_ASIDE_22: &[&str] = &[
    "lmstudio-ai/lmstudio-bug-tracker#2133",
    "jjang-ai/vmlx#80",
    "vllm-project/vllm-ascend#4546",
    "vllm-project/vllm#4695",
    "vllm-project/vllm#490",
    "gpustack/gpustack#3786",
    "sgl-project/sglang-jax#1551",
    "ollama/ollama#15517",
    "xorbitsai/inference#4809",
    "gpustack/gpustack#3641",
];

/// The set-aside third of `heldout-36` (3 of 9 sources), drawn by the lead on main by the usual
/// rule (the ceil(n/3) sources with the smallest FNV-1a-64 of the `labels.tsv` source string):
/// never trained on, scored once at the end of round 23.
pub const SET_ASIDE_23: &[&str] = &[
    "Hakureirm/rwkv-sglang:bench/results/headline/raw/fused_lora_gate_and_throughput.log",
    "alint77/jupiter-glm52-vllm-worklog:baseline/failed-fused-allreduce-server.out",
    "ShensiCeciliaLi/TradingAgents:vllm.log",
];

/// The trifix24 set-aside thirds of `heldout-37` (5 of 15 sources), `heldout-38` (6 of 18),
/// `heldout-39` (5 of 14) and `heldout-40` (5 of 13), drawn by the lead on main by the usual rule
/// (per batch the ceil(n/3) sources with the smallest FNV-1a-64 of the `labels.tsv` source
/// string): never trained on, scored once at the end of round 24.
pub const SET_ASIDE_24: &[&str] = &[
    "vllm-project/vllm-omni#4475",
    "vllm-project/vllm-omni#2859",
    "vllm-project/vllm-omni#217",
    "vllm-project/vllm-omni#5941",
    "vllm-project/vllm#31968",
    "NVIDIA/TensorRT-LLM#10580",
    "zed-industries/zed#45379",
    "exo-explore/exo#897",
    "janhq/jan#8237",
    "lmstudio-ai/lmstudio-js#336",
    "ikawrakow/ik_llama.cpp#2235",
    "ggml-org/llama.cpp#25126",
    "modelscope/ms-swift#940",
    "haotian-liu/LLaVA#892",
    "InternLM/lmdeploy#3277",
    "containers/ramalama#797",
    "InternLM/lmdeploy#1925",
    "runpod-workers/worker-vllm#40",
    "HwaminJung00/sglang-peak-kv-admission:data/logs_sample/server_reasoning_q2__default_r1.log",
    "ikawrakow/ik_llama.cpp#2288",
    "FlashML-org/FreeToken#150",
];

/// The trifix25 set-aside thirds of `heldout-41` (4 of 10 sources) and `heldout-42` (3 of 8),
/// drawn by the lead on main by the usual rule (per batch the ceil(n/3) sources with the smallest
/// FNV-1a-64 of the `labels.tsv` source string): never trained on, scored once at the end of
/// round 25.
pub const SET_ASIDE_25: &[&str] = &[
    "pegainfer-project/pegainfer:docs/models/glm52/pd-native-mtp-handoff.md",
    "sophgo/LLM-TPU:docs/FAQ.md",
    "leiwu0812/gpt-oss-eagle3-b200:README.md",
    "leadawon/structrag:claude_readme.md",
    "Ascend/MindIE-LLM:examples/atb_models/examples/models/deepseek-r1-distill/DeepSeek-R1-Distill-Llama-8B.md",
    "mudler/vllm.cpp:.agents/specs/decode-graph-scratch-uaf-2026-07-18.md",
    "QuixiAI/SlimServe:perf_worklog.md",
];

/// The failure-log splits scored once each and development data since.
pub const DEV_SPLITS: &[&str] = &[
    "dev",
    "heldout",
    "heldout-3",
    "heldout-4",
    "heldout-5",
    "heldout-6",
    "heldout-7",
    "heldout-8",
    "heldout-9",
    "heldout-10",
    "heldout-11",
    "heldout-12",
    "heldout-13",
    "heldout-14",
    "heldout-15",
    "heldout-16",
    "heldout-17",
    "heldout-18",
    "heldout-19",
    "heldout-20",
    "heldout-21",
    "heldout-22",
    "heldout-23",
    "heldout-24",
    "heldout-25",
    "heldout-26",
    "heldout-27",
    "heldout-28",
    "heldout-29",
    "heldout-30",
    "heldout-31",
    "heldout-32",
    "heldout-33",
    "heldout-34",
    "heldout-35",
    "heldout-36",
    "heldout-37",
    "heldout-38",
    "heldout-39",
    "heldout-40",
    "heldout-41",
    "heldout-42",
];

/// Tokens seen in fewer sources than this are dropped from the model.
pub const MIN_SOURCES: usize = 2;

/// One labelled development log: file name, class, source, split, the model's tokens.
pub struct Doc {
    /// File name under `failures/`.
    pub file: String,
    /// Hand label.
    pub class: ProblemClass,
    /// Thread (`owner/repo#n`).
    pub source: String,
    /// Split.
    pub split: String,
    /// The tokens of its candidate lines.
    pub tokens: BTreeSet<String>,
    /// Its candidate lines.
    pub lines: Vec<String>,
}

/// The development logs, in `labels.tsv` order.
pub fn dev_docs() -> Vec<Doc> {
    let split = splits();
    let root = corpus().join("failures");
    let mut out = Vec::new();
    for cols in tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (&cols[0], &cols[1], &cols[2]);
        let side = split_of(&split, source);
        if !DEV_SPLITS.contains(&side.as_str())
            || SET_ASIDE_11.contains(&source.as_str())
            || SET_ASIDE_12.contains(&source.as_str())
            || SET_ASIDE_13.contains(&source.as_str())
            || SET_ASIDE_14.contains(&source.as_str())
            || SET_ASIDE_15.contains(&source.as_str())
            || SET_ASIDE_16.contains(&source.as_str())
            || SET_ASIDE_19.contains(&source.as_str())
            || SET_ASIDE_20.contains(&source.as_str())
            || SET_ASIDE_21.contains(&source.as_str())
            || SET_ASIDE_22.contains(&source.as_str())
            || SET_ASIDE_23.contains(&source.as_str())
            || SET_ASIDE_24.contains(&source.as_str())
            || SET_ASIDE_25.contains(&source.as_str())
        {
            continue;
        }
        let Some(class) = ProblemClass::parse(class) else { continue };
        // `none` is no failure; `unknown` (a failure whose cause no line shows) is kept for the
        // cross-validation (a model decision there turns a right log wrong), never trained on.
        if class == ProblemClass::None {
            continue;
        }
        let bytes = std::fs::read(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let text = String::from_utf8_lossy(&bytes);
        let (lines, tokens) = log_tokens(&text);
        let lines = lines.into_iter().map(|l| l.1).collect();
        out.push(Doc {
            file: file.clone(),
            class,
            source: source.clone(),
            split: side,
            tokens,
            lines,
        });
    }
    out
}

/// The model trained on `docs` (those labelled with a class; `unknown` is none).
pub fn train(docs: &[&Doc]) -> ClassModel {
    let rows: Vec<(ProblemClass, BTreeSet<String>, String)> = docs
        .iter()
        .filter(|d| d.class != ProblemClass::Unknown)
        .map(|d| (d.class, d.tokens.clone(), d.source.clone()))
        .collect();
    ClassModel::train(&rows, MIN_SOURCES)
}

/// The model file as the generator writes it.
pub fn model_file() -> String {
    let docs = dev_docs();
    let refs: Vec<&Doc> = docs.iter().collect();
    let m = train(&refs);
    let docs: Vec<&Doc> = docs.iter().filter(|d| d.class != ProblemClass::Unknown).collect();
    let sources: BTreeSet<&str> = docs.iter().map(|d| d.source.as_str()).collect();
    let header = vec![
        "Token counts per hand-labelled failure class: the class model of triage (issue #15, round 11)."
            .to_string(),
        "Written by `cargo run -p perfpilot-triage --example train_class_model`; do not edit by hand"
            .to_string(),
        "(the `corpus_round11` test checks this file is what the generator makes).".to_string(),
        format!(
            "Trained on {} labelled failure logs from {} sources of the splits {} … {}; tokens seen in \
             fewer than {MIN_SOURCES} sources dropped; {} tokens.",
            docs.len(),
            sources.len(),
            DEV_SPLITS[0],
            DEV_SPLITS[DEV_SPLITS.len() - 1],
            m.vocabulary()
        ),
        "Not trained on: the set-aside thirds of heldout-17 … heldout-26 (SET_ASIDE_11, \
         SET_ASIDE_12, SET_ASIDE_13, SET_ASIDE_14, SET_ASIDE_15, SET_ASIDE_16, tests/rules/class_training.rs), the set-aside thirds of heldout-28 … heldout-40 (SET_ASIDE_19 … SET_ASIDE_24), nor any blind batch not yet scored; heldout-27 whole since round 18."
            .to_string(),
        "Rows: token<TAB>class<TAB>logs of the class whose candidate lines hold the token; `<logs>`: logs per class."
            .to_string(),
    ];
    m.to_tsv(&header)
}
