//! Real loops on a real C program in a temporary git repository.

mod common;

use common::*;
use perfpilot_loop::state::{Outcome, State};
use perfpilot_loop::stop::StopRule;
use perfpilot_loop::{
    ReviewOptions, RoundOptions, init_loop, loop_status, pr_report, run_review, run_round,
};

fn round(f: &Fixture) -> RoundOptions {
    RoundOptions {
        dir: f.dir.clone(),
        candidate: None,
        implement: None,
        review: None,
        command_timeout_s: 120.0,
        profile: None,
    }
}

#[test]
fn advancing_round_then_regression_and_report_numbers() {
    let f = fixture(400);
    let init = init_loop(&init_options(&f)).unwrap();
    assert_eq!(init.baseline.runs.len(), 3);
    assert!(f.dir.join("plan.md").exists());
    let md = std::fs::read_to_string(f.dir.join("plan.md")).unwrap();
    for want in [
        "## Goal Description",
        "### AC-1",
        "### AC-2",
        "Positive Tests (expected to PASS)",
        "Negative Tests (expected to FAIL)",
        "`sh tests/check.sh 500501`",
        "## Path Boundaries",
        "Forbidden: `bench/`",
        "## Milestones",
    ] {
        assert!(md.contains(want), "plan.md lacks {want}:\n{md}");
    }
    // Round 1: a quarter of the spins: ADVANCED.
    let c1 = commit_kernel(&f.repo, 100, "spin a quarter as much");
    let r1 = run_round(&round(&f)).unwrap();
    let rec = r1.round.clone().unwrap();
    assert_eq!(rec.outcome, Outcome::Advanced, "{:?}", rec);
    assert_eq!(rec.commit, c1);
    assert!(rec.tests.iter().all(|t| t.ok), "{:?}", rec.tests);
    assert_eq!(rec.tests.len(), 2);
    assert_eq!(r1.best_commit, c1);
    assert!(rec.vs_best.as_ref().unwrap().ratio < 0.6);
    // Round 2: four times the baseline's spins: REGRESSED, best unchanged.
    commit_kernel(&f.repo, 1600, "spin four times as much");
    let r2 = run_round(&round(&f)).unwrap();
    assert_eq!(r2.round.as_ref().unwrap().outcome, Outcome::Regressed);
    assert_eq!(r2.best_commit, c1);
    let st = loop_status(&f.dir).unwrap();
    assert_eq!(st.rounds.len(), 2);
    assert_eq!(st.stall_count, 1);
    // Ledgers.
    let lineage = std::fs::read_to_string(f.dir.join("lineage.jsonl")).unwrap();
    assert_eq!(lineage.lines().count(), 3);
    let failed = std::fs::read_to_string(f.dir.join("failed-directions.jsonl")).unwrap();
    assert!(failed.contains("spin four times as much") && failed.contains("REGRESSED"), "{failed}");
    // The report carries the ledger's numbers.
    let rep = pr_report(&f.dir, None).unwrap();
    let s = State::load(&f.dir).unwrap();
    let base = format!("{:.6}", s.baseline.measurement.median);
    let best = format!("{:.6}", s.best.measurement.median);
    assert!(rep.body.contains(&base) && rep.body.contains(&best), "{}", rep.body);
    assert!(rep.body.contains("spin four times as much: REGRESSED"), "{}", rep.body);
    assert!(rep.title.contains("time_ms -"), "{}", rep.title);
    // The title quotes the evidence table's medians.
    assert!(rep.title.contains(&format!("({base} -> {best})")), "{}", rep.title);
    assert_eq!(rep.advanced, 1);
    // A round that brings a profile gets its `trace triage` digest.
    commit_kernel(&f.repo, 90, "profiled attempt");
    let trace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/trace/tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz");
    let r3 = run_round(&RoundOptions { profile: Some(trace), ..round(&f) }).unwrap().round.unwrap();
    let p = r3.profile.unwrap();
    assert_eq!(p.report, "profile-digests/round-3.json");
    assert!(f.dir.join(&p.report).is_file());
    let top = &p.stages.iter().find(|s| !s.top.is_empty()).unwrap().top;
    assert!(top[0].share_pct > 0.0 && !top[0].name.is_empty(), "{top:?}");
    // A profile that is not a trace is bad input, refused before the round starts.
    let bad = f.repo.join("README");
    let e = run_round(&RoundOptions { profile: Some(bad), ..round(&f) }).unwrap_err().to_string();
    assert!(e.contains("--profile") && e.contains("README"), "{e}");
    assert_eq!(loop_status(&f.dir).unwrap().interrupted_round, None);
}

#[test]
fn stalls_lead_to_drift_recovery_then_stop() {
    let f = fixture(300);
    init_loop(&init_options(&f)).unwrap();
    let log = f.tmp.path().join("implement.log");
    for i in 1..=3u32 {
        // Same speed: only a comment changes. The implementing command makes the commit
        // and logs the prompt it was given.
        let k = common::kernel(300, false) + &format!("/* attempt {i} */\n");
        let staged = f.tmp.path().join(format!("k{i}.c"));
        std::fs::write(&staged, k).unwrap();
        let implement = format!(
            "cp {} src/kernel.c && git add -A && git commit -qm 'cosmetic attempt {i}' && echo \"$PERFPILOT_LOOP_ROUND $PERFPILOT_LOOP_DRIFT_RECOVERY $PERFPILOT_LOOP_PROMPT\" >> {}",
            staged.display(),
            log.display()
        );
        let r = run_round(&RoundOptions { implement: Some(implement), ..round(&f) }).unwrap();
        let rec = r.round.unwrap();
        assert_eq!(rec.subject, format!("cosmetic attempt {i}"));
        // Same code: STALLED; a load change on a shared machine may read as REGRESSED,
        // which counts as a stall too. Never ADVANCED or REJECTED.
        assert!(
            matches!(rec.outcome, Outcome::Stalled | Outcome::Regressed),
            "round {i}: {:?}",
            rec.vs_best
        );
        assert_eq!(rec.drift_recovery, i == 3, "round {i}");
        if i == 2 {
            assert_eq!(r.drift_status, "replan_required");
            let p = std::fs::read_to_string(f.dir.join("drift-recovery-prompt.md")).unwrap();
            assert!(p.contains("cosmetic attempt 1") && p.contains("cosmetic attempt 2"), "{p}");
            assert!(p.contains("AC-2"), "{p}");
            assert!(r.stop.is_none());
        }
        if i == 3 {
            let stop = r.stop.unwrap();
            assert!(matches!(stop.rule, StopRule::Stalled | StopRule::TiedWithinNoise), "{stop:?}");
            assert!(stop.reason.contains("3 rounds in a row"), "{}", stop.reason);
        }
    }
    // The implementer got plan.md, then the drift-recovery prompt in the marked round.
    let plan_md = f.dir.join("plan.md").display().to_string();
    let drift = f.dir.join("drift-recovery-prompt.md").display().to_string();
    let lines: Vec<String> =
        std::fs::read_to_string(&log).unwrap().lines().map(String::from).collect();
    assert_eq!(lines, [format!("1 0 {plan_md}"), format!("2 0 {plan_md}"), format!("3 1 {drift}")]);
    // A stopped loop refuses further rounds, with the reason.
    let r = run_round(&round(&f)).unwrap();
    assert!(r.round.is_none());
    assert!(r.stop.is_some());
}

#[test]
fn an_implementing_command_that_leaves_the_tree_dirty_or_fails_is_refused() {
    let f = fixture(200);
    init_loop(&init_options(&f)).unwrap();
    let o = RoundOptions { implement: Some("echo wip > src/wip.c".into()), ..round(&f) };
    let e = run_round(&o).unwrap_err().to_string();
    assert!(e.contains("not clean") && e.contains("src/wip.c"), "{e}");
    std::fs::remove_file(f.repo.join("src/wip.c")).unwrap();
    // A failing implementer REJECTS the round (its exit is the reason).
    commit_kernel(&f.repo, 100, "half the spins");
    let o = RoundOptions { implement: Some("exit 3".into()), ..round(&f) };
    let r = run_round(&o).unwrap().round.unwrap();
    assert_eq!(r.outcome, Outcome::Rejected);
    assert!(r.reasons[0].starts_with("the implementing command"), "{:?}", r.reasons);
}

#[test]
fn target_met_reviewer_stop_and_budgets_end_the_loop_with_their_rule() {
    // Target met: a target the first faster candidate reaches.
    let f = fixture(400);
    let mut o = init_options(&f);
    o.target = "time_ms=1000".into();
    init_loop(&o).unwrap();
    commit_kernel(&f.repo, 100, "a quarter of the spins");
    let r = run_round(&round(&f)).unwrap();
    assert_eq!(r.round.unwrap().outcome, Outcome::Advanced);
    let stop = r.stop.unwrap();
    assert_eq!(stop.rule, StopRule::TargetMet);
    assert!(stop.reason.contains("reaches the target 1000"), "{}", stop.reason);
    let again = run_round(&round(&f)).unwrap();
    assert!(again.round.is_none());
    assert_eq!(again.stop.unwrap().rule, StopRule::TargetMet);
    assert_eq!(loop_status(&f.dir).unwrap().stopped.unwrap().rule, StopRule::TargetMet);

    // The reviewer's last line STOP; its findings are in the findings ledger.
    let f = fixture(200);
    init_loop(&init_options(&f)).unwrap();
    commit_kernel(&f.repo, 100, "half the spins");
    let review = "printf 'Mainline Progress Verdict: ADVANCED\\n- [P3] src/kernel.c:3 volatile kept\\nSTOP\\n'";
    let r = run_round(&RoundOptions { review: Some(review.into()), ..round(&f) }).unwrap();
    assert_eq!(r.stop.unwrap().rule, StopRule::ReviewerStop);
    let findings = std::fs::read_to_string(f.dir.join("findings.jsonl")).unwrap();
    assert!(findings.contains("R1-F1") && findings.contains("volatile kept"), "{findings}");
    let attempts = std::fs::read_to_string(f.dir.join("attempts.jsonl")).unwrap();
    let a: serde_json::Value = serde_json::from_str(attempts.trim()).unwrap();
    assert_eq!((a["round"].as_u64(), a["subject"].as_str()), (Some(1), Some("half the spins")));
    assert!(a["median"].as_f64().is_some_and(|m| m > 0.0), "{attempts}");

    // The round budget: one round, then refused before a second starts.
    let f = fixture(200);
    let mut o = init_options(&f);
    o.stop.max_rounds = 1;
    init_loop(&o).unwrap();
    commit_kernel(&f.repo, 190, "attempt");
    assert!(run_round(&round(&f)).unwrap().round.is_some());
    commit_kernel(&f.repo, 180, "another");
    let r = run_round(&round(&f)).unwrap();
    assert!(r.round.is_none());
    let stop = r.stop.unwrap();
    assert_eq!(stop.rule, StopRule::RoundBudget);
    assert!(stop.reason.contains("1 of 1 rounds spent"), "{}", stop.reason);

    // The time budget: spent before the first round.
    let f = fixture(200);
    let mut o = init_options(&f);
    o.stop.time_budget_s = 1;
    init_loop(&o).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    commit_kernel(&f.repo, 100, "too late");
    let r = run_round(&round(&f)).unwrap();
    assert!(r.round.is_none());
    assert_eq!(r.stop.unwrap().rule, StopRule::TimeBudget);
}

#[test]
fn boundary_violation_and_changed_benchmark_are_rejected() {
    let f = fixture(200);
    init_loop(&init_options(&f)).unwrap();
    write(&f.repo, "README", "edited outside the boundary\n");
    commit_kernel(&f.repo, 50, "faster, but touches README");
    let r = run_round(&round(&f)).unwrap().round.unwrap();
    assert_eq!(r.outcome, Outcome::Rejected);
    assert_eq!(r.boundary_violations, vec!["README".to_string()]);
    assert!(r.reasons[0].starts_with("path boundaries"), "{:?}", r.reasons);
    assert!(r.measurement.is_none());
    // Back out, then a candidate that changes the benchmark's configuration.
    write(&f.repo, "README", "a loop fixture\n");
    write(&f.repo, "bench/config.env", "SAMPLES=3\n");
    commit(&f.repo, "fewer samples");
    let r = run_round(&round(&f)).unwrap().round.unwrap();
    assert_eq!(r.outcome, Outcome::Rejected);
    assert!(r.reasons.iter().any(|x| x.starts_with("benchmark alignment")), "{:?}", r.reasons);
}

#[test]
fn wrong_result_fails_the_acceptance_test() {
    let f = fixture(200);
    init_loop(&init_options(&f)).unwrap();
    write(&f.repo, "src/kernel.c", &common::kernel(10, true));
    commit(&f.repo, "fast and wrong");
    let r = run_round(&round(&f)).unwrap().round.unwrap();
    assert_eq!(r.outcome, Outcome::Rejected);
    assert!(r.reasons.iter().any(|x| x.contains("AC-2 positive test")), "{:?}", r.reasons);
}

#[test]
fn blocking_review_finding_blocks_until_answered() {
    let f = fixture(200);
    init_loop(&init_options(&f)).unwrap();
    commit_kernel(&f.repo, 100, "half the spins");
    let mut o = round(&f);
    o.review = Some(
        "printf 'Looks faster.\\nMainline Progress Verdict: ADVANCED\\n- [P1] src/kernel.c:2 the tail of n is not handled\\n- [P4] naming\\n'".into(),
    );
    let r = run_round(&o).unwrap().round.unwrap();
    let review = r.review.unwrap();
    assert_eq!(review.findings.len(), 2);
    // Next round refused by the stop rule, with the finding's id.
    commit_kernel(&f.repo, 90, "a bit less");
    let r2 = run_round(&round(&f)).unwrap();
    assert!(r2.round.is_none());
    let stop = r2.stop.unwrap();
    assert_eq!(stop.rule, StopRule::BlockingFinding);
    assert!(stop.reason.contains("R1-F1"), "{}", stop.reason);
    assert!(!stop.reason.contains("R1-F2"), "P4 is not blocking: {}", stop.reason);
    // Answer it; the review shows the checklist and the answer; the round runs.
    let rev = run_review(&ReviewOptions {
        dir: f.dir.clone(),
        round: None,
        answers: vec![
            "R1-F1=n is a multiple of 1 here; covered by tests/check.sh".into(),
            "shapes=no shape change".into(),
        ],
        checklist: None,
        diff: None,
    })
    .unwrap();
    assert_eq!(rev.recorded, 2);
    assert_eq!(
        rev.findings[0].answer.as_deref(),
        Some("n is a multiple of 1 here; covered by tests/check.sh")
    );
    let r3 = run_round(&round(&f)).unwrap();
    assert!(r3.round.is_some(), "{:?}", r3.stop);
    // An invalid review (no verdict line) is a hard block, never a silent pass.
    commit_kernel(&f.repo, 80, "again");
    let mut o = round(&f);
    o.review = Some("echo 'all good'".into());
    let e = run_round(&o).unwrap_err().to_string();
    assert!(e.contains("Mainline Progress Verdict"), "{e}");
    assert_eq!(loop_status(&f.dir).unwrap().interrupted_round, Some(3));
}

#[test]
fn dirty_tree_frozen_plan_and_held_lock_are_refused() {
    let f = fixture(100);
    init_loop(&init_options(&f)).unwrap();
    write(&f.repo, "src/scratch.c", "int x;\n");
    let e = run_round(&round(&f)).unwrap_err().to_string();
    assert!(e.contains("not clean") && e.contains("src/scratch.c"), "{e}");
    std::fs::remove_file(f.repo.join("src/scratch.c")).unwrap();
    // Editing the frozen plan is refused until a replan records why.
    let plan = f.dir.join("plan.toml");
    let text = std::fs::read_to_string(&plan).unwrap().replace("max_rounds = 42", "max_rounds = 7");
    std::fs::write(&plan, text).unwrap();
    let e = run_round(&round(&f)).unwrap_err().to_string();
    assert!(e.contains("replan"), "{e}");
    let rp = perfpilot_loop::replan(&f.dir, "fewer rounds: the deadline moved").unwrap();
    assert_eq!(rp.after_round, 0);
    // A replan that changes the pinned benchmark is refused (every result would be void).
    let frozen = std::fs::read_to_string(&plan).unwrap();
    let edited = frozen.replace("command = \"sh bench/run.sh\"", "command = \"sh bench/run.sh 3\"");
    assert_ne!(edited, frozen);
    std::fs::write(&plan, edited).unwrap();
    let e = perfpilot_loop::replan(&f.dir, "a faster benchmark").unwrap_err().to_string();
    assert!(e.contains("changes the pinned benchmark") && e.contains("new loop"), "{e}");
    assert!(perfpilot_loop::replan(&f.dir, "  ").is_err(), "an empty why is refused");
    std::fs::write(&plan, frozen).unwrap();
    assert_eq!(State::load(&f.dir).unwrap().replans.len(), 1, "a refused replan records nothing");
    // A lock held by a live process (pid 1) is refused with a clear message.
    std::fs::write(f.dir.join("lock"), "1\n123\n").unwrap();
    let e = run_round(&round(&f)).unwrap_err().to_string();
    assert!(e.contains("held by process 1"), "{e}");
    // A lock of a dead process is taken over.
    std::fs::write(f.dir.join("lock"), "999999999\n123\n").unwrap();
    commit_kernel(&f.repo, 90, "slightly fewer spins");
    assert!(run_round(&round(&f)).unwrap().round.is_some());
    // A candidate that does not descend from the baseline is refused.
    let orphan = git(&f.repo, &["commit-tree", "HEAD^{tree}", "-m", "unrelated history"]);
    let e = run_round(&RoundOptions { candidate: Some(orphan), ..round(&f) });
    let msg = e.unwrap_err().to_string();
    assert!(msg.contains("does not descend from the baseline"), "{msg}");
}

#[test]
fn corrupt_state_and_bad_plan_values_name_the_file() {
    let f = fixture(100);
    init_loop(&init_options(&f)).unwrap();
    let plan = f.dir.join("plan.toml");
    let good = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, good.replace("repeats = 3", "repeats = 0")).unwrap();
    let e = loop_status(&f.dir).unwrap_err().to_string();
    assert!(e.contains("plan.toml") && e.contains("benchmark.repeats is 0"), "{e}");
    std::fs::write(&plan, good.replace("repeats = 3", "repeats = \"three\"")).unwrap();
    let e = loop_status(&f.dir).unwrap_err().to_string();
    assert!(e.contains("plan.toml: not a loop plan"), "{e}");
    std::fs::write(&plan, &good).unwrap();
    let state = f.dir.join("state.json");
    std::fs::write(
        &state,
        "{\n  \"schema_version\": \"perfpilot.loop.state/1\",\n  \"repo\": 3\n}\n",
    )
    .unwrap();
    let e = loop_status(&f.dir).unwrap_err().to_string();
    assert!(e.contains("state.json: line 3"), "{e}");
    let e = loop_status(&f.tmp.path().join("nowhere")).unwrap_err().to_string();
    assert!(e.contains("no loop state here"), "{e}");
}
