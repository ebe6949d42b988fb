//! The review checklist on real upstream diffs: the SGLang KDA-Pilot PRs of
//! `loop-kda-ncu.md` section 2.5, labelled by hand first (`tests/fixtures/sglang/labels.toml`,
//! committed before `loop review` ran on them). The diffs are not committed (see that
//! folder's SOURCES.md): they are read from `PERFPILOT_SGLANG_DIFFS`; without it the test
//! prints why it skips.

use std::path::{Path, PathBuf};

use perfpilot_loop::checklist::Checklist;
use perfpilot_loop::review::review_diff;
use serde::Deserialize;

#[derive(Deserialize)]
struct Labels {
    schema_version: String,
    pr: Vec<Pr>,
}

#[derive(Deserialize)]
struct Pr {
    number: u32,
    #[allow(dead_code)]
    title: String,
    diff: String,
    touched: Vec<String>,
    #[allow(dead_code)]
    why: String,
}

fn labels() -> Labels {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sglang/labels.toml");
    let l: Labels = toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    assert_eq!(l.schema_version, "perfpilot.loop.checklist-labels/1");
    l
}

#[test]
fn labels_name_only_checklist_items() {
    let ids: Vec<String> =
        Checklist::load(None).unwrap().evaluate("").into_iter().map(|i| i.id).collect();
    let l = labels();
    assert!(l.pr.len() >= 4);
    for pr in &l.pr {
        for t in &pr.touched {
            assert!(ids.contains(t), "PR #{}: `{t}` is not a checklist item {ids:?}", pr.number);
        }
    }
}

#[test]
fn checklist_agrees_with_the_hand_labels_on_sglang_prs() {
    let Some(dir) = std::env::var_os("PERFPILOT_SGLANG_DIFFS").map(PathBuf::from) else {
        eprintln!(
            "skipped: PERFPILOT_SGLANG_DIFFS is not set (the SGLang PR diffs are not committed; tests/fixtures/sglang/SOURCES.md says how to rebuild them)"
        );
        return;
    };
    let checklist = Checklist::load(None).unwrap();
    let (mut right, mut total) = (0, 0);
    let mut misses = Vec::new();
    for pr in labels().pr {
        let r = review_diff(&dir.join(&pr.diff), &checklist).unwrap();
        for it in &r.items {
            let want = pr.touched.contains(&it.id);
            total += 1;
            if it.touched == want {
                right += 1;
            } else {
                let lines: Vec<String> = it
                    .lines
                    .iter()
                    .take(3)
                    .map(|l| format!("{}:{} {}", l.file, l.line, l.text))
                    .collect();
                misses.push(format!(
                    "#{} {}: labelled {want}, checklist {} {lines:?}",
                    pr.number, it.id, it.touched
                ));
            }
        }
    }
    eprintln!("agreement: {right}/{total} items\n{}", misses.join("\n"));
    assert!(misses.is_empty(), "checklist disagrees with the hand labels:\n{}", misses.join("\n"));
}
