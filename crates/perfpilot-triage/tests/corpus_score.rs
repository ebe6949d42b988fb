//! Scores `triage` against the hand-labelled failure corpus in
//! `tests/fixtures/corpus/failures` (labels in `labels.tsv`, written from each thread before the
//! tool was run; see `tests/fixtures/corpus/SOURCES.md`). Prints the share of logs whose verdict
//! class is right on the dev split and on the held-out split (`tests/fixtures/corpus/split.tsv`);
//! `unknown` counts as wrong and its rate is printed apart. Fails when the dev split falls below
//! its floor.
//!
//! Splits: `dev` and `heldout` (the first held-out third, scored once and since then development
//! data) are scored by default, and so are `heldout-3` and `heldout-4` (each scored once, on
//! branches triage3 and triage4, development data since). The fresh held-out batch (`heldout-5`,
//! see `split.tsv`) is never run by default: it is scored alone, once, with
//! `PERFPILOT_CORPUS_SPLIT=heldout-5`.
//!
//! Signal lines: the labels' sixth column names the lines of each excerpt that show the failure
//! (`-` when none does); the scorer prints, per split, the logs whose class is right and whose
//! verdict finding names at least one of those lines, and the line precision and recall.

#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/floors.rs"]
mod floors;
#[path = "rules/guard_lists.rs"]
mod guard_lists;
#[path = "rules/round10.rs"]
mod round10;
#[path = "rules/round12.rs"]
mod round12;
#[path = "rules/round13.rs"]
mod round13;
#[path = "rules/round14.rs"]
mod round14;
#[path = "rules/round15.rs"]
mod round15;
#[path = "rules/round16.rs"]
mod round16;
#[path = "rules/round17.rs"]
mod round17;
#[path = "rules/round18.rs"]
mod round18;
#[path = "rules/round19.rs"]
mod round19;
#[path = "rules/round20.rs"]
mod round20;
#[path = "rules/round21.rs"]
mod round21;
#[path = "rules/round22.rs"]
mod round22;
#[path = "rules/round23.rs"]
mod round23;
#[path = "rules/round24.rs"]
mod round24;
#[path = "rules/round25.rs"]
mod round25;
#[path = "rules/round5.rs"]
mod round5;
#[path = "rules/round6.rs"]
mod round6;
#[path = "rules/round7.rs"]
mod round7;
#[path = "rules/round8.rs"]
mod round8;
#[path = "rules/round9.rs"]
mod round9;
#[path = "rules/scored.rs"]
mod scored;

use std::collections::{BTreeMap, BTreeSet};

use corpus::{corpus, split_of, splits, tsv_rows};
use floors::FLOORS;
use perfpilot_triage::{Finding, ProblemClass, TriageOptions, triage_logs};

#[derive(Default)]
struct Score {
    right: usize,
    total: usize,
    undecided: usize,
    misses: Vec<String>,
    signal: SignalScore,
    /// Logs decided by one of [`CLASS_RULES_8`] whose label is another class.
    wrong_by_new_rule: Vec<String>,
}

/// Signal lines against the labels' `signal` column (the lines of the excerpt that show the
/// failure, written by hand from the log; `-` when no line does).
#[derive(Default)]
struct SignalScore {
    /// Logs whose label names signal lines.
    labelled: usize,
    /// Logs labelled `-` (no line of the excerpt shows the failure).
    none_shown: usize,
    /// Labelled logs with the class right and at least one expected line among the verdict
    /// finding's signal lines.
    hit: usize,
    /// Signal lines reported (verdict finding, labelled logs).
    reported: usize,
    /// Reported lines that are expected.
    reported_expected: usize,
    /// Expected lines.
    expected: usize,
    /// Expected lines that were reported.
    expected_reported: usize,
    /// Labelled logs whose class is right but whose signal lines miss every expected line.
    misses: Vec<String>,
}

/// The expected signal lines of a label: `-` is none, else comma-separated 1-based line
/// numbers or ranges `a-b`. Panics naming the file on a malformed cell.
fn expected_lines(file: &str, cell: &str) -> Option<BTreeSet<u64>> {
    if cell == "-" {
        return None;
    }
    let mut out = BTreeSet::new();
    for part in cell.split(',') {
        let num = |t: &str| -> u64 {
            t.trim().parse().unwrap_or_else(|_| panic!("labels.tsv {file}: bad signal {cell:?}"))
        };
        match part.split_once('-') {
            Some((a, b)) => out.extend(num(a)..=num(b)),
            None => {
                out.insert(num(part));
            }
        }
    }
    Some(out)
}

/// Fresh held-out splits, run only when named in `PERFPILOT_CORPUS_SPLIT`: a next blind batch is
/// listed here before it is committed. Each earlier one was scored once (FLOORS) and is
/// development data since.
const FRESH: &[&str] = &[];

/// The split named in `PERFPILOT_CORPUS_SPLIT`, if any.
fn only_split() -> Option<String> {
    std::env::var("PERFPILOT_CORPUS_SPLIT").ok().filter(|s| !s.trim().is_empty())
}

/// Whether logs of `side` are scored in this run.
fn wanted(side: &str) -> bool {
    match only_split() {
        Some(only) => side == only,
        None => !FRESH.contains(&side),
    }
}

fn score() -> BTreeMap<String, Score> {
    let root = corpus();
    let split = splits();
    let mut out: BTreeMap<String, Score> = BTreeMap::new();
    for cols in tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (cols[0].as_str(), cols[1].as_str(), cols[2].as_str());
        let side = split_of(&split, source);
        if !wanted(&side) {
            continue;
        }
        let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(file)]))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let split_name = side.clone();
        let s = out.entry(side).or_default();
        s.total += 1;
        let cell = cols.get(5).unwrap_or_else(|| panic!("labels.tsv {file}: no signal column"));
        let class_right = r.class.as_str() == class;
        let by = r
            .findings
            .iter()
            .find(|f| f.class == r.class)
            .and_then(|f| f.facts.get("decided_by"))
            .map_or("", String::as_str);
        if !class_right && guard_lists::decided_by_guarded_rule(&split_name, by) {
            s.wrong_by_new_rule.push(format!("{file}: labelled {class}, decided by {by}"));
        }
        match expected_lines(file, cell) {
            None => s.signal.none_shown += 1,
            Some(want) => {
                let got: BTreeSet<u64> = r
                    .findings
                    .iter()
                    .find(|f| f.class == r.class)
                    .map(|f| f.signal.iter().map(|l| l.line).collect())
                    .unwrap_or_default();
                let sig = &mut s.signal;
                sig.labelled += 1;
                sig.reported += got.len();
                sig.reported_expected += got.intersection(&want).count();
                sig.expected += want.len();
                sig.expected_reported += want.intersection(&got).count();
                if class_right && got.intersection(&want).next().is_some() {
                    sig.hit += 1;
                } else if class_right {
                    sig.misses.push(format!("{file}: expected lines {cell}, got {got:?}"));
                }
            }
        }
        if class_right {
            s.right += 1;
        } else {
            if r.class == ProblemClass::Unknown {
                s.undecided += 1;
            }
            s.misses.push(format!("{file}: expected {class}, got {}", r.class.as_str()));
        }
    }
    out
}

#[test]
fn failure_classes_score() {
    let s = score();
    for (split, sc) in &s {
        let pct = 100.0 * sc.right as f64 / sc.total.max(1) as f64;
        let und = 100.0 * sc.undecided as f64 / sc.total.max(1) as f64;
        println!(
            "triage corpus {split}: {}/{} classes right ({pct:.1}%), undecided {}/{} ({und:.1}%)",
            sc.right, sc.total, sc.undecided, sc.total
        );
        for m in &sc.misses {
            println!("  miss {m}");
        }
        let g = &sc.signal;
        let ratio = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        println!(
            "triage corpus {split} signal lines: class and signal right {}/{} labelled logs \
             ({:.1}%); line precision {}/{} ({:.1}%), recall {}/{} ({:.1}%); {} logs show no \
             signal line (label -)",
            g.hit,
            g.labelled,
            ratio(g.hit, g.labelled),
            g.reported_expected,
            g.reported,
            ratio(g.reported_expected, g.reported),
            g.expected_reported,
            g.expected,
            ratio(g.expected_reported, g.expected),
            g.none_shown
        );
        for m in &g.misses {
            println!("  signal miss {m}");
        }
    }
    let wrong: Vec<&String> = s.values().flat_map(|sc| &sc.wrong_by_new_rule).collect();
    assert!(
        wrong.is_empty(),
        "a class rule of heldout-8 or a message family of trifix3 decided a log of another class: {wrong:?}"
    );
    if only_split().is_some() {
        return;
    }
    for (split, class_floor, signal_floor) in FLOORS {
        let sc = &s[split];
        assert!(
            sc.right * 1000 >= sc.total * class_floor,
            "{split} class score fell below its floor"
        );
        let g = &sc.signal;
        assert!(
            g.hit * 1000 >= g.labelled * signal_floor,
            "{split} signal score fell below its floor"
        );
    }
}

/// Logs of the development splits that only the evidence rules decide: each names the rule that
/// decided (`facts.decided_by`) and, where the class is inferred, what is still possible and
/// which line would settle it. Expectations written from the labels, not from tool output.
#[test]
fn evidence_decides_cut_and_recordless_logs() {
    let cases = [
        (
            "openrlhf-336-ray-initialize-cache-cut.log",
            "context-exceeds-kv",
            "v0-initialize-cache-method",
        ),
        ("sglang-6590-pd-decode-coredump-700.log", "illegal-memory-access", "gpu-coredump-or-700"),
        ("vllm-24756-dplb-zmq-port-conflict.log", "port-in-use", "v1-client-sockets-cut"),
        ("vllm-15182-v1-tp8-load-model-oom-cut.log", "oom-weights", "loader-frames-cut"),
        ("sglang-13475-kimi2-3fs-overlap-cut.log", "illegal-memory-access", "forward-or-sync-cut"),
        ("vllm-7593-gemma2-8xl4-capture-oom-cut.log", "oom-graph-capture", "ends-in-graph-capture"),
        ("vllm-15598-ray-v0-capture-oom-cut.log", "oom-graph-capture", "ends-in-graph-capture"),
        ("sglang-3783-4node-dsr1-watchdog-cut.log", "nccl-timeout", "multi-node-ends-after-load"),
        ("dynamo-4121-sglang-kv-events-zmq-port.log", "port-in-use", "ends-after-socket-bind"),
    ];
    let root = corpus();
    for (file, class, rule) in cases {
        let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(file)]))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(r.class.as_str(), class, "{file}");
        let f = &r.findings[0];
        let by = f.facts.get("decided_by").map_or("", String::as_str);
        assert!(by.starts_with(rule), "{file}: decided_by {by:?}");
        assert!(f.facts.contains_key("still_possible"), "{file}: no still_possible");
        assert!(f.facts.contains_key("would_settle"), "{file}: no would_settle");
        assert!(f.confidence < 0.8, "{file}: an inference is not high confidence");
    }
}

/// The second round of issue 15 on development logs (heldout-3, scored once, since then
/// development data): engines without Python tracebacks, wording variants and cut tracebacks.
/// Each case: the hand label, the rule that must decide (`decided_by` starts with it) and a text
/// the signal lines must show (the decisive line). Expectations from the labels and threads.
#[test]
fn engine_and_wording_rules_decide_dev_logs() {
    let cases = [
        (
            "llamacpp-20431-cuda0-buffer-alloc.log",
            "oom-weights",
            "signature ggml-model-buffer-alloc",
            "alloc_tensor_range: failed to allocate CUDA0",
        ),
        (
            "lmdeploy-1593-llava-create-shared-weights-oom.log",
            "oom-weights",
            "signature oom-while-loading-weights",
            "memory_utils.cu",
        ),
        (
            "lmdeploy-3154-70b-tp2-create-weight-cut.log",
            "oom-weights",
            "loader-frames-cut",
            "in _create_weight",
        ),
        (
            "trtllm-5872-tp8-kv-cache-insufficient.log",
            "kv-budget-negative",
            "signature trtllm-executor-kv-component",
            "could not be created: KV cache",
        ),
        (
            "sglang-4602-page-size-decode-oom.log",
            "kv-pool-full-retraction",
            "signature sglang-kv-alloc-out-of-memory",
            "Decode out of memory. Try to lower",
        ),
        (
            "vllm-21951-v1-incremental-detok-cut.log",
            "tokenizer-error",
            "tokenizer-decode",
            "v1/engine/detokenizer.py",
        ),
        (
            "vllm-24211-v1-detok-overflow-cut.log",
            "tokenizer-error",
            "tokenizer-decode",
            "v1/engine/detokenizer.py",
        ),
        (
            "mistral-common-62-pixtral-async-callback-cut.log",
            "tokenizer-error",
            "output-processing-cut",
            "in weak_bound",
        ),
        (
            "vllm-5501-c-undefined-symbol-warning.log",
            "dependency-mismatch",
            "signature import-or-abi-mismatch",
            "undefined symbol",
        ),
        (
            "hunyuanimage-56-vllm-c-import-cut.log",
            "dependency-mismatch",
            "import-chain-cut",
            "in <module>",
        ),
        (
            "vllm-20361-source-build-import-cut.log",
            "dependency-mismatch",
            "import-chain-cut",
            "in __getattr__",
        ),
        (
            "vllm-8978-mllama-watchdog-frames-only.log",
            "nccl-timeout",
            "signature nccl-watchdog-frames",
            "WorkNCCL::checkTimeout",
        ),
        (
            "sglang-4205-capture-gloo-closed.log",
            "nccl-timeout",
            "signature gloo-transport-failure",
            "gloo/transport/tcp/pair.cc",
        ),
        (
            "arc-b70-4-v1-xpu-kv-100k.log",
            "context-exceeds-kv",
            "signature vllm-v1-max-len-exceeds-kv",
            "To serve at least one request",
        ),
    ];
    let root = corpus();
    for (file, f) in cases.iter().map(|c| c.0).zip(assert_decides(&cases)) {
        let by = f.facts.get("decided_by").map_or("", String::as_str);
        if by.starts_with("signature") {
            continue;
        }
        assert!(f.facts.contains_key("still_possible"), "{file}: no still_possible");
        assert!(f.facts.contains_key("would_settle"), "{file}: no would_settle");
    }
    // The hard-wrapped traceback: its first piece is folded into the exception after it.
    let r = triage_logs(&TriageOptions::new(vec![
        root.join("failures").join("arc-b70-4-v1-xpu-kv-100k.log"),
    ]))
    .expect("triage");
    assert!(r.findings[0].facts.contains_key("joined_piece"), "{:?}", r.findings[0].facts);
}

/// The signatures and evidence rules written for the classes of `heldout-8`'s misses (branch
/// trifix2). None of them may decide a log of any scored split whose label is another class.
const CLASS_RULES_8: &[&str] = &[
    "cpp-ncclcheck-failed",
    "nccl-warn-call-failed",
    "server-socket-bind-failed",
    "llama-kv-slot-not-found",
    "jinja-template-render-location",
    "vllm-create-weights-oom",
    "tgi-request-oom",
    "turbomind-unknown-comm-backend",
    "oom-then-shard-cannot-start",
    "request-slot-none",
    "kv-alloc-frames",
    "distributed-init-cut",
    "sampler-frames",
    "model-construction-cut",
    // Branch trifix3: engine-neutral message families.
    "oom-text-line",
    "kv-cache-blocks-exhausted",
    "token-usage-saturated-queue",
    "ollama-runner-ggml-assert-at-load",
    // Branch trifix4: heldout-10's miss families (see tests/corpus_round4.rs).
    "vllm-v0-max-seq-len-exceeds-kv",
    "chat-template-missing",
    "tgi-warmup-oom",
    "config-mm-items-over-limit",
    "architecture-lookup-cut",
    "llama-server-ends-at-slot-list",
];

/// Whether `decided_by` (`signature ID: …` or `ID (line …)`) names rule `id`.
fn decided_by_rule(by: &str, id: &str) -> bool {
    let by = by.strip_prefix("signature ").unwrap_or(by);
    by.strip_prefix(id).is_some_and(|rest| rest.starts_with(':') || rest.starts_with(" ("))
}

/// The classes of `heldout-8`'s misses (blind once, development data since), each decided by
/// the rule written for its class, not for its log: the collective class in C++ engines' and
/// NCCL's own words and from a cut distributed set-up, OOM placed by phase (weight creation,
/// TGI's failed shard start, requests after warm-up, the sampler), tokenizer and template
/// errors, and the classes that had no rule (bind, KV slot, request slots, missing model file,
/// an unknown TurboMind backend, the KV allocator). Expectations from the labels.
#[test]
fn heldout8_class_rules_decide() {
    let cases = [
        (
            "trtllm-213-llama70b-tp4-allreduce-internal-error.log",
            "nccl-timeout",
            "signature cpp-ncclcheck-failed",
            "Failed, NCCL error",
        ),
        (
            "lmdeploy-3286-turbomind-tp4-nccl-unhandled.log",
            "nccl-timeout",
            "signature cpp-ncclcheck-failed",
            "nccl_utils.cc",
        ),
        (
            "vllm-9369-tp-nccl-nvls-cuda-init-error.log",
            "nccl-timeout",
            "signature nccl-warn-call-failed",
            "NCCL WARN Cuda failure",
        ),
        (
            "sglang-3460-init-torch-distributed-unindented-cut.log",
            "nccl-timeout",
            "distributed-init-cut",
            "parallel_state.py",
        ),
        (
            "kserve-3791-vllm-ray-pynccl-init-cut.log",
            "nccl-timeout",
            "distributed-init-cut",
            "PyNcclCommunicator(",
        ),
        (
            "tgi-866-flan-ul2-one-v100-oom-shard.log",
            "oom-weights",
            "oom-then-shard-cannot-start",
            "ShardCannotStart",
        ),
        (
            "vllm-28143-v1-linear-weights-oom-wrong-gpu.log",
            "oom-weights",
            "signature vllm-create-weights-oom",
            "Failed to create unquantized linear weights",
        ),
        (
            "vllm-16343-v1-llama-mlp-init-oom-cut.log",
            "oom-weights",
            "model-construction-cut",
            "LlamaMLP",
        ),
        (
            "tgi-1374-prefill-oom-after-warmup.log",
            "oom-runtime",
            "signature tgi-request-oom",
            "Server error: CUDA out of memory",
        ),
        (
            "sglang-1087-mqa-sampling-topk-renorm-oom-cut.log",
            "oom-runtime",
            "sampler-frames",
            "top_k_renor",
        ),
        (
            "vllm-29049-v1-lora-sampler-sort-oom-gcp.log",
            "oom-runtime",
            "signature oom-unplaced",
            "OutOfMemoryError",
        ),
        (
            "vllm-569-v0-failed-to-load-tokenizer.log",
            "tokenizer-error",
            "signature tokenizer-error",
            "Failed to load the tokenizer",
        ),
        (
            "mistralvibe-1006-llamacpp-jinja-roles-alternate.log",
            "tokenizer-error",
            "signature jinja-template-render-location",
            "While executing CallExpression",
        ),
        (
            "sakuragui-71-llama-server-bind-8080.log",
            "port-in-use",
            "signature server-socket-bind-failed",
            "couldn't bind",
        ),
        (
            "koboldcpp-1535-context-shift-no-kv-slot.log",
            "context-exceeds-kv",
            "signature llama-kv-slot-not-found",
            "failed to find KV cache slot",
        ),
        (
            "sglang-165-v01-req-pool-indices-none.log",
            "state-slots-exhausted",
            "request-slot-none",
            "NoneType",
        ),
        (
            "sglang-26265-prefill-alloc-extend-kv-pool-cut.log",
            "kv-pool-full-retraction",
            "kv-alloc-frames",
            "alloc_paged_token_slots_extend",
        ),
        (
            "unifiedreward-29-sglang-missing-preprocessor-config.log",
            "model-not-found",
            "signature model-not-found",
            "preprocessor_config.json",
        ),
        (
            "lmdeploy-4032-windows-tp2-unknown-comm-backend-cut.log",
            "config-invalid",
            "signature turbomind-unknown-comm-backend",
            "device_comm.cc",
        ),
    ];
    for (case, f) in cases.iter().zip(assert_decides(&cases)) {
        // An inference names what remains; a signature is the engine's own message.
        let by = f.facts.get("decided_by").map_or("", String::as_str);
        if !by.starts_with("signature") {
            assert!(f.facts.contains_key("still_possible"), "{}: no still_possible", case.0);
        }
    }
}

/// Triage each `(file, class, rule, signal)` case alone: the class is the label, the rule or
/// signature that decided starts with `rule`, and a signal line shows `signal`. Returns each
/// case's first finding, in order.
fn assert_decides(cases: &[(&str, &str, &str, &str)]) -> Vec<Finding> {
    let root = corpus();
    cases
        .iter()
        .map(|&(file, class, rule, signal)| {
            let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(file)]))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(r.class.as_str(), class, "{file}");
            let f = r.findings.into_iter().next().unwrap_or_else(|| panic!("{file}: no finding"));
            let by = f.facts.get("decided_by").map_or("", String::as_str);
            assert!(by.starts_with(rule), "{file}: decided_by {by:?}");
            assert!(
                f.signal.iter().any(|s| s.text.contains(signal)),
                "{file}: signal {:?}",
                f.signal
            );
            f
        })
        .collect()
}

/// A failure nothing decides still says what remains (branch trihold): the phase from the
/// launch lines or, for a pasted traceback alone, from its frames, and the classes possible
/// there. Expectations from the labels: the labelled class is among those still possible.
#[test]
fn undecided_failures_name_the_classes_that_remain() {
    let root = corpus();
    let file = "sglang-5389-flashinfer-jit-cuda-fp8-h.log";
    let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(file)]))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    // Since branch trifix3 a traceback cut in the loader's frames takes the loader step's usual
    // failure at low confidence (the label here is a kernel JIT build failure, which the excerpt
    // does not show) and still names what remains.
    assert_eq!(r.class, ProblemClass::OomWeights, "{file}");
    let f = &r.findings[0];
    assert!(f.confidence < 0.5 && f.confidence_label == "low", "{file}: {}", f.confidence);
    let by = f.facts.get("decided_by").map_or("", String::as_str);
    assert!(by.starts_with("step:weights (line"), "{file}: {by:?}");
    let left = f.facts.get("still_possible").map_or("", String::as_str);
    assert!(left.contains("dependency-mismatch"), "{file}: {left:?}");
    assert!(f.facts.get("would_settle").is_some_and(|s| s.contains("ImportError")), "{file}");
    // A V0 engine step cut at the executor's `execute_model(` call is a forward pass.
    let file = "vllm-12233-v0-engine-step-execute-cut.log";
    let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(file)]))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(r.class, ProblemClass::IllegalMemoryAccess, "{file}");
    let by = r.findings[0].facts.get("decided_by").map_or("", String::as_str);
    assert!(by.starts_with("forward-or-sync-cut"), "{file}: {by:?}");
}

/// Rules written from the misses of `heldout-5` after its one scoring (development data since):
/// each case is the hand label, the rule or signature that must decide, and a text of the
/// decisive line the signal must show. Expectations from the labels and threads.
#[test]
fn rules_from_heldout5_misses_decide_its_logs() {
    let cases = [
        (
            "runpod-129-vllm063-template-syntax-error.log",
            "tokenizer-error",
            "signature chat-template-render-error",
            "TemplateSyntaxError",
        ),
        (
            "vllm-16245-v083-chat-template-concat-list-cut.log",
            "tokenizer-error",
            "chat-template-frames-cut",
            "apply_hf_chat_template",
        ),
        (
            "llamacpp-12021-old-build-pre-tokenizer.log",
            "dependency-mismatch",
            "signature pre-tokenizer-unknown",
            "unknown pre-tokenizer type",
        ),
        (
            "lmdeploy-3557-tm-core-allocator-concurrency.log",
            "oom-runtime",
            "signature turbomind-allocator-oom",
            "core/allocator.cc",
        ),
        (
            "tritontrtllm-281-mistral-cudamallocasync-oom.log",
            "oom-runtime",
            "signature trtllm-runtime-buffer-oom",
            "tllmBuffers.h",
        ),
        (
            "llgtrt-7-engine-68g-deserialize-oom.log",
            "oom-weights",
            "signature trtllm-engine-deserialize-oom",
            "deserialize.cpp",
        ),
        (
            "trtllm-5950-dsv3-w4fp8-additional-resources.log",
            "oom-runtime",
            "signature trtllm-executor-runtime-component",
            "Additional executor resources",
        ),
        (
            "vllm-39788-kimi-nvfp4-capture-model-cut.log",
            "oom-graph-capture",
            "graph-capture-cut",
            "capture_model()",
        ),
    ];
    assert_decides(&cases);
    let root = corpus();
    // The unclassified `RuntimeError` line is folded into the component report below it.
    let file = "trtllm-5950-dsv3-w4fp8-additional-resources.log";
    let r =
        triage_logs(&TriageOptions::new(vec![root.join("failures").join(file)])).expect("triage");
    assert!(r.findings[0].facts.contains_key("joined_piece"), "{:?}", r.findings[0].facts);
}

/// Rules written for the classes of the blind `heldout-7` batch's misses after its one scoring
/// (development data since): each case is the hand label, the rule or signature that must decide
/// and a text of the decisive line the signal must show. Expectations from the labels and threads.
#[test]
fn rules_for_heldout7_miss_classes_decide_its_logs() {
    let cases = [
        ("tgi-1067-awq-warmup-oom-cut.log", "oom-runtime", "warmup-frames-cut", "in warmup"),
        (
            "vllm-27508-gptoss-dummy-sampler-oom-cut.log",
            "oom-runtime",
            "warmup-oom-text",
            "CUDA out of",
        ),
        (
            "gpustack-5842-sglang-metrics-port-in-use.log",
            "port-in-use",
            "signature port-in-use",
            "metrics_port at 40290",
        ),
        (
            "sglang-2430-runtimes-port-10000-errno98-cut.log",
            "port-in-use",
            "signature port-in-use",
            "[Errno 98]",
        ),
        (
            "sglang-322-v0113-router-init-not-enough-memory-cut.log",
            "kv-budget-negative",
            "sglang-router-init-cut",
            "router/manager.py",
        ),
        (
            "vllm-14574-v1-ci-no-cache-blocks-cut.log",
            "kv-budget-negative",
            "v1-engine-core-init-after-weights-cut",
            "Model loading took",
        ),
        (
            "vllm-7801-mistral-large-nccl-init-one-line.log",
            "nccl-timeout",
            "signature nccl-error",
            "NCCL error: unhandled system error",
        ),
        ("gpustack-835-vllm-pynccl-init-cut.log", "nccl-timeout", "pynccl-init-cut", "pynccl"),
        (
            "lmdeploy-1526-windows-turbomind-dll-import-cut.log",
            "dependency-mismatch",
            "import-statement-cut",
            "from lmdeploy import turbomind",
        ),
        (
            "trtllm-8802-exaone-vswa-capture-oom-cut.log",
            "oom-graph-capture",
            "graph-capture-cut",
            "_run_cuda_graph_warmup",
        ),
        (
            "khoj-1127-llamacpp-cpu-kv-16gib-alloc.log",
            "context-exceeds-kv",
            "signature ggml-kv-buffer-alloc",
            "failed to allocate buffer for kv cache",
        ),
    ];
    assert_decides(&cases);
}

/// Launch-log excerpts that end while CUDA-graph capture advances batch by batch stay `none`:
/// an excerpt is not a failure.
#[test]
fn launch_excerpts_ending_in_capture_progress_stay_none() {
    let root = corpus().join("../triage/launch");
    for file in [
        "sglang-17392-dp4-ep4-kv-1029389.log",
        "sglang-18263-amd-aiter-qwen3-30b-a3b-kv-overalloc.log",
    ] {
        let r = triage_logs(&TriageOptions::new(vec![root.join(file)]))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(r.class, ProblemClass::None, "{file}");
    }
}

/// Prints the findings of the corpus files named in `PERFPILOT_CORPUS_SHOW` (comma-separated),
/// for working on a miss: `PERFPILOT_CORPUS_SHOW=a.log cargo test … show -- --ignored --nocapture`.
#[test]
#[ignore]
fn show() {
    let root = corpus();
    for f in std::env::var("PERFPILOT_CORPUS_SHOW").unwrap_or_default().split(',') {
        let r = triage_logs(&TriageOptions::new(vec![root.join("failures").join(f.trim())]))
            .expect("triage");
        println!("== {f}: {} — {}", r.class.as_str(), r.headline);
        for x in &r.findings {
            println!(
                "  {} {:?} conf {} facts {:?}",
                x.class.as_str(),
                x.signature,
                x.confidence,
                x.facts
            );
            for s in &x.signal {
                println!("    signal {}: {}", s.line, s.text);
            }
        }
    }
}
