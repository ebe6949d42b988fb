//! Plan validation and rendering on real plan files (no process is started).

use std::path::PathBuf;

use perfpilot_sweep::{Rules, Severity, check_plan};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[test]
fn cookbook_config_is_accepted_and_renders_every_framework() {
    let (_, r) =
        check_plan(&fixture("cookbook-deepseek-v3.yaml"), &Rules::builtin().unwrap(), true)
            .unwrap();
    let errors: Vec<_> = r.problems.iter().filter(|p| p.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // SGLang: model in flags (model_path), kebab flags, bare boolean flag.
    let base =
        r.candidates.iter().find(|c| c.framework == "sglang" && c.candidate == "baseline").unwrap();
    assert_eq!(
        base.argv,
        [
            "python",
            "-m",
            "sglang.launch_server",
            "--model-path",
            "deepseek-ai/DeepSeek-V3",
            "--tp-size",
            "8",
            "--enable-symm-mem",
            "--mem-fraction-static",
            "0.82",
            "--schedule-policy",
            "lpm",
            "--trust-remote-code",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}"
        ]
    );
    // vLLM: positional model. TRT: snake flags.
    let v = r.candidates.iter().find(|c| c.framework == "vllm").unwrap();
    assert_eq!(&v.argv[..3], ["vllm", "serve", "deepseek-ai/DeepSeek-V3"]);
    let t = r.candidates.iter().find(|c| c.framework == "tensorrt_llm").unwrap();
    assert!(t.argv.contains(&"--kv_cache_free_gpu_memory_fraction".to_string()), "{:?}", t.argv);
    // Stage 1 is one-at-a-time: every search key varies (not a truncated product), and
    // the budget of 8 leaves the last SGLang changes out with a warning.
    let sg: Vec<_> = r.candidates.iter().filter(|c| c.framework == "sglang").collect();
    assert_eq!(sg.len(), 8);
    for key in [
        "prefill_attention_backend",
        "decode_attention_backend",
        "chunked_prefill_size",
        "max_running_requests",
    ] {
        assert!(sg.iter().any(|c| c.candidate.starts_with(key)), "{key} never varies");
    }
    assert!(sg.iter().all(|c| c.reason.contains("stage 1") || c.candidate == "baseline"));
    assert!(
        r.problems
            .iter()
            .any(|p| p.severity == Severity::Warning && p.message.contains("leaves out"))
    );
    assert_eq!(r.stage2.len(), 3);
}

#[test]
fn every_problem_is_reported_with_its_line() {
    let (loaded, r) =
        check_plan(&fixture("bad-plan.yaml"), &Rules::builtin().unwrap(), false).unwrap();
    assert!(!r.ok && loaded.plan.is_none());
    let at = |line: u64, needle: &str, sev: Severity| {
        assert!(
            r.problems
                .iter()
                .any(|p| p.line == Some(line) && p.severity == sev && p.message.contains(needle)),
            "no {sev:?} on line {line} containing {needle:?}: {:#?}",
            r.problems
        );
    };
    at(1, "expected 1", Severity::Error);
    at(4, "unknown key `colour`", Severity::Error);
    at(8, "must be aligned", Severity::Error);
    at(10, "above lower", Severity::Error);
    at(12, "deprecated: use max_p99_ttft_ms", Severity::Error);
    // llama.cpp splits ctx_size across parallel slots: 8192 / 8 = 1024 < 1000 + 100.
    at(23, "ctx_size = 8192 / 8 slots = 1024 < max(input+output) = 1100", Severity::Error);
    at(21, "replaced by the orchestrator's own", Severity::Warning);
    at(22, "leaves out", Severity::Warning);
    at(28, "expected kebab, snake or as-is", Severity::Error);
    // Checked against the real `sim serve --help` capture: profile exists, max_batch not.
    at(31, "`max_batch` is not a flag of", Severity::Error);
    assert!(!r.problems.iter().any(|p| p.message.contains("`profile`")));
}

#[test]
fn unreadable_yaml_is_an_error_with_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.yaml");
    std::fs::write(&p, "schema_version: 1\nmodel: [unclosed\n").unwrap();
    let (_, r) = check_plan(&p, &Rules::builtin().unwrap(), false).unwrap();
    assert!(!r.ok);
    assert!(
        r.problems[0].line.is_some() && r.problems[0].message.contains("not valid YAML"),
        "{:?}",
        r.problems
    );
}
