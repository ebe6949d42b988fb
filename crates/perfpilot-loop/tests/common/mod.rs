//! A real loop fixture: a temporary git repository holding a small C program whose speed
//! scripted commits change (the spin count `WORK` in `src/kernel.c`), a benchmark script
//! that compiles it with `cc` and prints `time_ms=` samples, and a correctness test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use perfpilot_loop::InitOptions;
use perfpilot_loop::plan::StopSettings;
use perfpilot_stats::Better;

pub struct Fixture {
    pub tmp: tempfile::TempDir,
    pub repo: PathBuf,
    pub dir: PathBuf,
}

pub fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git").arg("-C").arg(repo).args(args).output().expect("git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

const MAIN_C: &str = r#"#include <stdio.h>
#include <stdlib.h>
#include <time.h>
long sum_to(long n);
int main(int argc, char **argv) {
  int samples = argc > 1 ? atoi(argv[1]) : 10;
  for (int s = 0; s < samples; s++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    volatile long r = sum_to(1000);
    clock_gettime(CLOCK_MONOTONIC, &b);
    (void)r;
    printf("time_ms=%.6f\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
  }
  return 0;
}
"#;

const CHECK_C: &str = r#"#include <stdio.h>
#include <stdlib.h>
long sum_to(long n);
int main(int argc, char **argv) {
  long want = argc > 1 ? atol(argv[1]) : 500500;
  long got = sum_to(1000);
  if (got != want) { fprintf(stderr, "sum_to(1000) = %ld, want %ld\n", got, want); return 1; }
  return 0;
}
"#;

/// The kernel: a correct sum with `work` wasted spins per element.
pub fn kernel(work: u32, wrong: bool) -> String {
    format!(
        "#define WORK {work}\nlong sum_to(long n) {{\n  long s = 0;\n  for (long i = 1; i <= n; i++) {{\n    volatile unsigned long x = 0;\n    for (long k = 0; k < WORK; k++) x += (unsigned long)k ^ (x >> 3);\n    s += i;\n  }}\n  return s{};\n}}\n",
        if wrong { " + 1" } else { "" }
    )
}

pub fn write(repo: &Path, rel: &str, text: &str) {
    let p = repo.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn commit(repo: &Path, msg: &str) -> String {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", msg]);
    git(repo, &["rev-parse", "HEAD"])
}

/// Commit a kernel with `work` spins.
pub fn commit_kernel(repo: &Path, work: u32, msg: &str) -> String {
    write(repo, "src/kernel.c", &kernel(work, false));
    commit(repo, msg)
}

pub fn fixture(baseline_work: u32) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["config", "user.email", "loop@test"]);
    git(&repo, &["config", "user.name", "loop test"]);
    write(&repo, "src/kernel.c", &kernel(baseline_work, false));
    write(&repo, "bench/main.c", MAIN_C);
    write(&repo, "bench/config.env", "SAMPLES=12\n");
    write(
        &repo,
        "bench/run.sh",
        "set -e\n. bench/config.env\ncc -O1 -o bench_bin bench/main.c src/kernel.c\n./bench_bin \"$SAMPLES\"\n",
    );
    write(&repo, "tests/check.c", CHECK_C);
    write(
        &repo,
        "tests/check.sh",
        "set -e\ncc -O1 -o check_bin tests/check.c src/kernel.c\n./check_bin \"$@\"\n",
    );
    write(&repo, "README", "a loop fixture\n");
    commit(&repo, "baseline");
    let dir = tmp.path().join("state");
    Fixture { tmp, repo, dir }
}

pub fn init_options(f: &Fixture) -> InitOptions {
    InitOptions {
        dir: f.dir.clone(),
        repo: f.repo.clone(),
        goal: "halve sum_to's time without changing its result".into(),
        target: "time_ms=0.0001".into(),
        better: Some(Better::Lower),
        bench: Some("sh bench/run.sh".into()),
        from_bench: None,
        from_sweep: None,
        kernel_task: None,
        bench_config: vec!["bench/config.env".into(), "bench/run.sh".into(), "bench/main.c".into()],
        repeats: 3,
        // Wide enough that a shared two-core machine's noise does not flip a tie.
        threshold: 0.15,
        timeout_s: 120.0,
        tests: vec!["sh tests/check.sh".into()],
        negative_tests: vec!["sh tests/check.sh 500501".into()],
        allowed: vec!["src/".into()],
        forbidden: vec!["bench/".into()],
        baseline: "HEAD".into(),
        stop: StopSettings::default(),
    }
}
