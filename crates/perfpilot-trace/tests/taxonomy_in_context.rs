//! In-context accuracy: the category `trace triage` gives the heaviest kernels of each real
//! trace in `tests/fixtures/trace/` (name rules plus launch op / call site), against hand
//! labels made in context (`tests/fixtures/trace/in-context-labels.tsv`), weighted by GPU
//! time. Also prints the name-only accuracy of the same rows, to show what the context adds.
//!
//! `PERFPILOT_DUMP_CONTEXT=1 cargo test -p perfpilot-trace --test taxonomy_in_context -- --nocapture`
//! lists the candidate rows (trace, id, share, category, evidence, CPU op, top site, name).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use perfpilot_report::NoProgress;
use perfpilot_trace::taxonomy::{Category, Taxonomy};
use perfpilot_trace::{TriageOptions, triage};

const LABELS: &str = include_str!("../../../tests/fixtures/trace/in-context-labels.tsv");

fn trace_file(dir: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trace").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.to_string_lossy().ends_with(".json.gz") || p.to_string_lossy().ends_with(".json")
        })
        .collect();
    files.sort();
    files.into_iter().next().unwrap_or_else(|| panic!("no trace in {}", d.display()))
}

struct Row {
    id: String,
    name: String,
    display: String,
    category: Category,
    evidence: String,
    cpu_op: String,
    site: String,
    ns: i64,
}

fn rows(dir: &str) -> Vec<Row> {
    let r = triage(&TriageOptions::new(trace_file(dir)), &NoProgress).expect("triage");
    let mut by_id: HashMap<String, Row> = HashMap::new();
    for s in &r.stages {
        for k in &s.kernels {
            let e = by_id.entry(k.id.clone()).or_insert_with(|| Row {
                id: k.id.clone(),
                name: k.name.clone(),
                display: k.display.clone(),
                category: k.category,
                evidence: k.evidence.to_string(),
                cpu_op: k.cpu_op.clone().unwrap_or_default(),
                site: k.sites.first().map(|s| s.site.clone()).unwrap_or_default(),
                ns: 0,
            });
            e.ns += k.gpu_time_ns;
        }
    }
    let mut v: Vec<Row> = by_id.into_values().collect();
    v.sort_by(|a, b| b.ns.cmp(&a.ns).then_with(|| a.id.cmp(&b.id)));
    v
}

#[test]
fn in_context_accuracy_weighted_by_gpu_time() {
    let dump = std::env::var_os("PERFPILOT_DUMP_CONTEXT").is_some();
    let mut labels: HashMap<(String, String), Category> = HashMap::new();
    let mut traces: Vec<String> = Vec::new();
    for (i, line) in LABELS.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        assert!(c.len() >= 3, "in-context-labels.tsv:{}: expected trace, id, category", i + 1);
        let cat = Category::parse(c[2])
            .unwrap_or_else(|| panic!("in-context-labels.tsv:{}: bad category {:?}", i + 1, c[2]));
        labels.insert((c[0].to_string(), c[1].to_string()), cat);
        if !traces.contains(&c[0].to_string()) {
            traces.push(c[0].to_string());
        }
    }
    if dump {
        traces = [
            "tl_b200_vllm_gptoss_tp8",
            "tl_h100_qwen15_hf",
            "tl_b300_moe_micro",
            "tl_mi300x_vllm_graph",
            "tl_mi300x_sglang_decode",
            "hta_a100_alexnet",
            "hta_a100_nccl_ddp",
            "hta_sampled_rank0",
            "kineto_resnet50_legacy",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
    }
    let tax = Taxonomy::embedded();
    let (mut all_ns, mut ok_ns, mut name_ok_ns, mut n_rows) = (0i64, 0i64, 0i64, 0usize);
    for t in &traces {
        let rs = rows(t);
        let total: i64 = rs.iter().map(|r| r.ns).sum();
        let (mut t_all, mut t_ok, mut t_name) = (0i64, 0i64, 0i64);
        for r in &rs {
            if dump {
                eprintln!(
                    "{t}\t{}\t{:.2}%\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    100.0 * r.ns as f64 / total.max(1) as f64,
                    r.category,
                    r.evidence,
                    r.cpu_op,
                    r.site,
                    r.display
                );
            }
            let Some(&want) = labels.get(&(t.clone(), r.id.clone())) else { continue };
            n_rows += 1;
            t_all += r.ns;
            if r.category == want {
                t_ok += r.ns;
            } else {
                eprintln!(
                    "  {t}: {} expected {want} got {} ({})",
                    r.display, r.category, r.evidence
                );
            }
            if tax.classify(&r.name) == want {
                t_name += r.ns;
            }
        }
        let pct = |a: i64, b: i64| if b > 0 { 100.0 * a as f64 / b as f64 } else { 0.0 };
        eprintln!(
            "{t}: labelled {:.1} % of GPU time; in context {:.2} %, name only {:.2} %",
            pct(t_all, total),
            pct(t_ok, t_all),
            pct(t_name, t_all)
        );
        all_ns += t_all;
        ok_ns += t_ok;
        name_ok_ns += t_name;
    }
    let acc = ok_ns as f64 / all_ns.max(1) as f64;
    let name_acc = name_ok_ns as f64 / all_ns.max(1) as f64;
    eprintln!(
        "in-context accuracy over {} labelled rows of {} traces, GPU-time weighted: {:.2} % (name only {:.2} %)",
        n_rows,
        traces.len(),
        acc * 100.0,
        name_acc * 100.0
    );
    if !dump {
        assert!(n_rows >= 30, "only {n_rows} labelled rows matched; ids changed?");
        assert!(acc >= name_acc, "context made it worse: {acc} < {name_acc}");
    }
}
