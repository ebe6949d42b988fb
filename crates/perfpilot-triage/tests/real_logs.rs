//! The real failure and launch logs (tests/fixtures/triage, from ../shared/data/logs).
//! Every expectation below was written by hand from the log and the ground truth of its
//! source thread (tests/fixtures/triage/SOURCES.md), not produced by running the tool.

use std::path::PathBuf;

use perfpilot_triage::{Finding, ProblemClass, Severity, TriageOptions, TriageReport, triage_logs};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/triage").join(rel)
}

fn triage(rel: &[&str]) -> TriageReport {
    triage_logs(&TriageOptions::new(rel.iter().map(|r| fixture(r)).collect())).unwrap()
}

/// The report has one finding of `class`; returns it.
fn only(r: &TriageReport, class: ProblemClass) -> &Finding {
    assert_eq!(r.class, class, "headline: {}", r.headline);
    assert_eq!(
        r.findings.len(),
        1,
        "findings: {:#?}",
        r.findings.iter().map(|f| &f.title).collect::<Vec<_>>()
    );
    &r.findings[0]
}

/// The strongest signal quotes line `line`, and that line contains `text`.
fn signal_has(f: &Finding, line: u64, text: &str) {
    assert!(
        f.signal.iter().any(|s| s.line == line && s.text.contains(text)),
        "no signal line {line} containing `{text}`; signal: {:#?}",
        f.signal.iter().map(|s| (s.line, &s.text)).collect::<Vec<_>>()
    );
}

fn next_has(f: &Finding, needles: &[&str]) {
    for n in needles {
        assert!(f.next_step.contains(n), "next step lacks `{n}`: {}", f.next_step);
    }
}

#[test]
fn sglang_2812_detokenizer_keyerror() {
    let r = triage(&["failures/sglang-2812-detokenizer-keyerror-max-states.log"]);
    let f = only(&r, ProblemClass::StateSlotsExhausted);
    assert!(r.fatal);
    signal_has(f, 7, "KeyError: 'dc49ad867dc144249f59f4e85c7229cd'");
    signal_has(f, 6, "self.decode_status[recv_obj.rids[i]]");
    signal_has(f, 2, "DetokenizerManager hit an exception");
    next_has(f, &["SGLANG_DETOKENIZER_MAX_STATES", "--max-running-requests"]);
    assert_eq!(f.facts.get("running").map(String::as_str), Some("990"));
}

#[test]
fn sglang_29547_port_race_gloo_is_secondary() {
    let r = triage(&["failures/sglang-29547-zmq-port-race-sglang-port.log"]);
    let f = only(&r, ProblemClass::PortInUse);
    signal_has(f, 1, "ZMQError: Address already in use (addr='tcp://127.0.0.1:50000')");
    signal_has(f, 5, "self.local_socket.bind(socket_addr)");
    // The gloo reset on line 7 follows from the bind failure: a consequence, not a finding.
    assert!(
        f.consequences.iter().any(|c| c.line == 7 && c.text.contains("Connection reset by peer"))
    );
    assert!(f.ruled_out.iter().any(|r| r.contains("Connection reset by peer")));
    next_has(f, &[":50000"]);
}

#[test]
fn sglang_34676_mamba_slots() {
    let r = triage(&["failures/sglang-34676-mamba-ping-pong-no-space.log"]);
    let f = only(&r, ProblemClass::StateSlotsExhausted);
    signal_has(f, 1, "Not enough space for mamba ping pong idx");
    next_has(f, &["--max-mamba-cache-size", "--max-running-requests"]);
}

#[test]
fn sglang_3932_nccl_watchdog_wrapped_line() {
    let r = triage(&["failures/sglang-3932-multinode-nccl-watchdog-allgather-timeout.log"]);
    let f = only(&r, ProblemClass::NcclTimeout);
    signal_has(f, 1, "Watchdog caught collective operation timeout");
    // The hard-wrapped continuation belongs to the same line.
    signal_has(f, 2, "Timeout(ms)=600000) ran for 600049 milliseconds");
    assert_eq!(f.first.rank, "rank=4");
    assert_eq!(f.facts.get("op").map(String::as_str), Some("_ALLGATHER_BASE"));
    assert_eq!(f.facts.get("numel_out").map(String::as_str), Some("129280"));
    assert_eq!(f.facts.get("timeout_ms").map(String::as_str), Some("600000"));
    next_has(f, &["--dist-timeout", "NCCL_DEBUG=INFO"]);
}

#[test]
fn sglang_4184_retraction_is_degraded_not_a_crash() {
    let r = triage(&["failures/sglang-4184-dsr1-decode-out-of-memory-retract.log"]);
    let f = only(&r, ProblemClass::KvPoolFullRetraction);
    assert!(!r.fatal, "retraction is not fatal: exit 0");
    assert_eq!(f.severity, Severity::Degraded);
    signal_has(f, 1, "Decode out of memory happened. #retracted_reqs: 1");
    assert_eq!(f.occurrences, 11, "11 rank lines");
    assert_eq!(
        f.events, 2,
        "two retraction events (21:49:33 and 21:49:45), logged by several ranks"
    );
    assert_eq!(f.ranks.len(), 8, "TP8-TP15: {:?}", f.ranks);
    assert_eq!(f.first.rank, "TP13");
    assert_eq!(f.over_time.iter().map(|m| m.events).sum::<u64>(), 2);
    next_has(f, &["--schedule-conservativeness"]);
}

#[test]
fn sglang_4257_hang_pyspy() {
    let r = triage(&["failures/sglang-4257-tp2-hang-pyspy-flashinfer-ragged.log"]);
    let f = only(&r, ProblemClass::Hang);
    signal_has(f, 1, "Pyspy dump for PID 2696393");
    signal_has(f, 8, "resolve_batch_result (tp_worker_overlap_thread.py:169)");
    signal_has(f, 35, "ragged_run (flashinfer/prefill.py:237)");
    assert_eq!(
        f.facts.get("active_frame").map(String::as_str),
        Some("ragged_run (flashinfer/prefill.py:237)")
    );
    next_has(f, &["py-spy dump", "flashinfer"]);
}

#[test]
fn sglang_6160_cut_traceback_after_pool_is_a_low_confidence_dependency_guess() {
    let r = triage(&["failures/sglang-6160-flashinfer-version-missing.log"]);
    let f = only(&r, ProblemClass::DependencyMismatch);
    assert!(f.confidence < 0.5, "the exception line is missing: only a guess ({})", f.confidence);
    signal_has(f, 2, "Scheduler hit an exception");
    signal_has(f, 3, "run_scheduler_process");
    assert_eq!(f.first.rank, "TP2");
    assert!(f.guess.contains("missing"));
    next_has(f, &["flashinfer", "full traceback"]);
}

#[test]
fn sglang_7691_negative_profiled_kv() {
    let r = triage(&["failures/sglang-7691-rocm-dsr1-dp-negative-profiled-tokens.log"]);
    let f = only(&r, ProblemClass::KvBudgetNegative);
    signal_has(f, 2, "is larger than the profiled value -561981");
    signal_has(f, 1, "mem usage=166.59 GB");
    assert_eq!(f.ranks.len(), 8);
    assert_eq!(f.facts.get("profiled").map(String::as_str), Some("-561981"));
    next_has(f, &["--mem-fraction-static", "FP8"]);
}

#[test]
fn vllm_10517_v0_max_len_exceeds_kv() {
    let r = triage(&["failures/vllm-10517-maxlen-exceeds-kv.log"]);
    let f = only(&r, ProblemClass::ContextExceedsKv);
    signal_has(
        f,
        5,
        "max seq len (29000) is larger than the maximum number of tokens that can be stored in KV cache (23648)",
    );
    next_has(f, &["--max-model-len 23648", "--gpu-memory-utilization"]);
}

#[test]
fn vllm_19186_capture_oom() {
    let r = triage(&["failures/vllm-19186-cudagraph-capture-oom-high-util.log"]);
    let f = only(&r, ProblemClass::OomGraphCapture);
    signal_has(f, 7, "RuntimeError: CUDA error: out of memory");
    signal_has(f, 4, "self.cuda_graph.capture_end()");
    assert_eq!(f.first.rank, "rank=3");
    next_has(f, &["--gpu-memory-utilization", "--enforce-eager"]);
    // The OOM happened inside capture, so the run-time and weight classes are ruled out.
    assert!(f.ruled_out.iter().any(|r| r.contains("oom-runtime") || r.contains("runtime OOM")));
}

#[test]
fn vllm_23278_negative_kv_with_cut_traceback() {
    let r = triage(&["failures/vllm-23278-gpt-oss-120b-h100-negative-kv.log"]);
    let f = only(&r, ProblemClass::KvBudgetNegative);
    signal_has(f, 7, "Available KV cache memory: -2.14 GiB");
    signal_has(f, 2, "Model loading took 65.9651 GiB");
    assert!(
        f.consequences.iter().any(|c| c.line == 8 && c.text.contains("EngineCore failed to start"))
    );
    next_has(f, &["--gpu-memory-utilization"]);
}

#[test]
fn vllm_25350_v1_max_len() {
    let r = triage(&["failures/vllm-25350-maxlen-221k-kv-insufficient.log"]);
    let f = only(&r, ProblemClass::ContextExceedsKv);
    signal_has(f, 1, "max seq len (221000)");
    next_has(f, &["--max-model-len to 122080"]);
}

#[test]
fn vllm_29849_chat_template() {
    let r = triage(&["failures/vllm-29849-dsv32-missing-chat-template.log"]);
    let f = only(&r, ProblemClass::ChatTemplateMissing);
    signal_has(f, 1, "default chat template is no longer allowed");
    next_has(f, &["--chat-template"]);
}

#[test]
fn vllm_53013_graph_estimate_starves_kv() {
    let r = triage(&["failures/vllm-53013-cudagraph-estimate-118gib-no-kv-memory.log"]);
    let f = only(&r, ProblemClass::KvBudgetNegative);
    signal_has(f, 3, "No available memory for the cache blocks");
    signal_has(f, 1, "Estimated CUDA graph memory: 118.65 GiB");
    next_has(f, &["VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0", "--gpu-memory-utilization 0.85"]);
}

#[test]
fn vllm_56389_illegal_memory_access_in_topk_kernel() {
    let r = triage(&["failures/vllm-56389-dsv4-flash-topk-illegal-memory-access.log"]);
    let f = only(&r, ProblemClass::IllegalMemoryAccess);
    signal_has(f, 7, "an illegal memory access was encountered");
    signal_has(f, 5, "_dsv4_topk_kernel[(num_tokens,)](");
    assert_eq!(f.facts.get("kernel").map(String::as_str), Some("_dsv4_topk_kernel"));
    next_has(f, &["--max-num-seqs", "CUDA_LAUNCH_BLOCKING=1"]);
}

#[test]
fn launch_logs_are_not_failures() {
    let dir = fixture("launch");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let r = triage_logs(&TriageOptions::new(vec![path.clone()])).unwrap();
        assert_eq!(r.class, ProblemClass::None, "{}: {}", path.display(), r.headline);
        assert!(!r.fatal && r.findings.is_empty(), "{}", path.display());
        assert!(r.headline.starts_with("No failure found"), "{}", r.headline);
        assert!(!r.launch.is_empty(), "{}: launch facts expected", path.display());
        n += 1;
    }
    assert_eq!(n, 14);
}

#[test]
fn every_real_failure_is_fatal_except_retraction() {
    for entry in std::fs::read_dir(fixture("failures")).unwrap() {
        let path = entry.unwrap().path();
        let r = triage_logs(&TriageOptions::new(vec![path.clone()])).unwrap();
        let retraction = path.to_string_lossy().contains("4184");
        assert_eq!(r.fatal, !retraction, "{}", path.display());
        let f = &r.findings[0];
        assert!(
            !f.next_step.is_empty() && !f.signal.is_empty() && f.source.is_some(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn launch_facts_come_from_the_shared_parser() {
    let r = triage(&["launch/sglang-4257-qwen2-tp2-max-total-tokens-10240.log"]);
    let get = |k: &str| r.launch.iter().find(|f| f.key == k).map(|f| f.value.clone());
    assert_eq!(get("weights_per_rank").as_deref(), Some("14.00 GB"));
    assert_eq!(get("kv_tokens").as_deref(), Some("10240"));
    assert_eq!(get("cuda_graph_memory").as_deref(), Some("3.38 GB"));
    assert!(
        r.timeline
            .iter()
            .any(|t| t.what.contains("CUDA graph capture ends") && t.rank.contains("+1 ranks"))
    );
}
