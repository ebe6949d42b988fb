//! The kernel ledger: claims written by a real `kernel ab` (the protocol's C kernel,
//! `-DCROSSOVER`, two sizes) land in the task's copy and the global ledger and are found
//! by `kernel wiki` by kernel, GPU, dtype and shape; `kernel note` adds claims by hand;
//! a corrupt ledger line is an error naming file and line.

use std::path::Path;

use perfpilot_kernel::ledger::{Claim, TASK_LEDGER};
use perfpilot_kernel::session::TimingOverrides;
use perfpilot_kernel::{AbOptions, NoteOptions, WikiOptions, run_ab, run_note, run_wiki};
use perfpilot_report::NoProgress;

fn wiki(ledger: &Path, q: &[&str]) -> Vec<Claim> {
    run_wiki(&WikiOptions {
        query: q.iter().map(|s| s.to_string()).collect(),
        ledger: Some(ledger.to_path_buf()),
    })
    .unwrap()
    .claims
    .into_iter()
    .map(|r| r.claim)
    .collect()
}

#[test]
fn claims_written_by_kernel_ab_are_found_by_kernel_wiki() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/kernel-protocol/kernel.c");
    let task = format!(
        r#"protocol = "perfpilot.kernel.protocol/1"
name = "rms_crossover"
gpu = "cpu-{arch}"
[variant]
command = "./kernel {{variant}}"
build = ["cc -O2 -DCROSSOVER=16384 -o kernel '{src}' -lm"]
[[shapes]]
id = "small"
dims = {{ n = 4096 }}
dtype = "fp32"
[[shapes]]
id = "large"
dims = {{ n = 131072 }}
dtype = "fp32"
"#,
        arch = std::env::consts::ARCH,
        src = src.display()
    );
    std::fs::write(dir.path().join("task.toml"), task).unwrap();
    let global = dir.path().join("data/perfpilot/kernel-ledger.jsonl");
    let overrides = TimingOverrides { warmups: Some(3), iterations: Some(30), trials: Some(3) };
    let ab = run_ab(
        &AbOptions {
            dir: dir.path().to_path_buf(),
            overrides,
            ledger: Some(global.clone()),
            ..AbOptions::default()
        },
        &NoProgress,
    )
    .unwrap();
    assert_eq!(ab.shapes.len(), 2);
    assert_eq!(ab.ledger.len(), 2, "task copy and global: {:?}", ab.ledger);
    let gpu = format!("cpu-{}", std::env::consts::ARCH);
    for ledger in [global.clone(), dir.path().join(TASK_LEDGER)] {
        // 2 shapes x (speedup, baseline and candidate medians)
        assert_eq!(wiki(&ledger, &[]).len(), 6);
        let found = wiki(
            &ledger,
            &[
                "rms_crossover",
                &format!("gpu:{gpu}"),
                "dtype:fp32",
                "shape:n=131072",
                "metric:speedup",
            ],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let row = ab.shapes.iter().find(|s| s.id == "large").unwrap();
        assert_eq!(Some(found[0].value), row.speedup);
        assert!(found[0].value > 1.3, "the baseline does the extra pass above 16384");
        assert!(found[0].source.contains("results.jsonl") && found[0].source.contains("FASTER"));
        assert_eq!(wiki(&ledger, &["shape:small"]).len(), 3);
        assert!(wiki(&ledger, &["gpu:h100"]).is_empty());
    }
    // A hand-written claim joins them, in the global ledger and the task copy.
    let note = run_note(&NoteOptions {
        claim: Claim {
            kernel: "rms_crossover".into(),
            gpu: gpu.clone(),
            dtype: "fp32".into(),
            shape: "large[n=131072]".into(),
            metric: "dram_pct".into(),
            value: 71.5,
            source: "ncu profile/large.csv".into(),
            date: String::new(),
        },
        task: Some(dir.path().to_path_buf()),
        ledger: Some(global.clone()),
    })
    .unwrap();
    assert_eq!(note.written.len(), 2);
    assert_eq!(note.claim.date.len(), 10);
    assert_eq!(wiki(&global, &["shape:n=131072"]).len(), 4);
    assert_eq!(wiki(&dir.path().join(TASK_LEDGER), &["dram"]).len(), 1);
    // Corrupt line: file and line named.
    let text = std::fs::read_to_string(&global).unwrap();
    std::fs::write(&global, format!("{text}{{\"kernel\": 3}}\n")).unwrap();
    let e = run_wiki(&WikiOptions { query: vec![], ledger: Some(global.clone()) })
        .unwrap_err()
        .to_string();
    assert!(e.contains("kernel-ledger.jsonl:8: not a ledger line"), "{e}");
}
