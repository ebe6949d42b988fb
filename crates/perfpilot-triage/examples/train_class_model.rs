//! Write the class model of triage (`data/class_model.tsv`) from the labelled failure corpus,
//! or cross-validate it by source.
//!
//! `cargo run -q -p perfpilot-triage --example train_class_model > crates/perfpilot-triage/data/class_model.tsv`
//! `cargo run -q -p perfpilot-triage --example train_class_model -- --cv`
//!
//! `--cv`: each source held out in turn, the model trained on the other development sources and
//! asked about the held-out logs; printed per `min_posterior`: among the logs the rules leave
//! without a class (no finding or `unknown`), how many the model decides and how many right,
//! and the model's top-1 accuracy over every development log.

#[path = "../tests/rules/class_training.rs"]
mod class_training;
#[path = "../../../tests/support/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;

use class_training::{Doc, dev_docs, model_file, train};
use perfpilot_report::NoProgress;
use perfpilot_triage::class_model::{ClassModel, MIN_LINES, candidate_tokens};
use perfpilot_triage::{Catalogue, LogTriage, ProblemClass};

/// The rules' class for a corpus log, with no class model, and the classes its lead finding
/// says are still possible (`facts.still_possible`, if any).
fn rules_class(cat: &Catalogue, d: &Doc) -> (ProblemClass, Vec<ProblemClass>) {
    let path = corpus::corpus().join("failures").join(&d.file);
    let bytes = std::fs::read(&path).unwrap_or_default();
    let Ok(mut t) = LogTriage::new(cat) else { return (ProblemClass::None, Vec::new()) };
    t.set_class_model(ClassModel::default());
    if t.read(&d.file, bytes.as_slice(), &NoProgress).is_err() {
        return (ProblemClass::None, Vec::new());
    }
    let r = t.finish(40);
    let still = r
        .findings
        .first()
        .and_then(|f| f.facts.get("still_possible"))
        .map(|s| s.split(", ").filter_map(|c| ProblemClass::parse(c.trim())).collect())
        .unwrap_or_default();
    (r.class, still)
}

/// `--where-weight W`: the weight of frame tokens in the cross-validation (default the
/// library's `WHERE_WEIGHT`).
fn where_weight() -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--where-weight")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(perfpilot_triage::class_model::WHERE_WEIGHT)
}

/// A held-out log: its doc, whether the rules leave it without a class, the model's best class
/// and posterior.
type Row<'a> = (&'a Doc, bool, Option<(ProblemClass, f64)>);

fn cv() {
    let docs = dev_docs();
    let Ok(cat) = Catalogue::builtin() else {
        eprintln!("error: the built-in catalogue does not load");
        std::process::exit(1);
    };
    let mut by_source: BTreeMap<&str, Vec<&Doc>> = BTreeMap::new();
    for d in &docs {
        by_source.entry(d.source.as_str()).or_default().push(d);
    }
    // (label, rules undecided, model's best class and posterior) per log.
    let mut rows: Vec<Row<'_>> = Vec::new();
    for (src, held) in &by_source {
        let train_on: Vec<&Doc> = docs.iter().filter(|d| d.source != *src).collect();
        let m = train(&train_on);
        for d in held {
            let (rc, still) = rules_class(&cat, d);
            let undecided = matches!(rc, ProblemClass::None | ProblemClass::Unknown);
            let line_toks: Vec<Vec<String>> = d.lines.iter().map(|l| candidate_tokens(l)).collect();
            let enough = m.known_lines(line_toks.iter().map(Vec::as_slice)) >= MIN_LINES;
            let mut scores = m.scores_weighted(&d.tokens, where_weight());
            // `--phase`: only the classes the rules' phase table leaves possible, renormalised.
            if std::env::args().any(|a| a == "--phase") && !still.is_empty() {
                scores.retain(|s| still.contains(&s.class));
                let z: f64 = scores.iter().map(|s| s.posterior).sum();
                scores.iter_mut().for_each(|s| s.posterior /= z.max(f64::MIN_POSITIVE));
            }
            let best = scores
                .first()
                .filter(|_| enough || std::env::args().any(|a| a == "--one-line"))
                .map(|s| (s.class, s.posterior));
            rows.push((d, undecided, best));
        }
    }
    let und: Vec<_> = rows.iter().filter(|r| r.1).collect();
    let top1 = rows
        .iter()
        .filter(|r| r.0.class != ProblemClass::Unknown)
        .filter(|r| r.2.is_some_and(|b| b.0 == r.0.class))
        .count();
    println!(
        "leave-one-source-out over {} development logs from {} sources: model top-1 right {}/{} \
         ({:.1}%); the rules leave {} without a class",
        rows.len(),
        by_source.len(),
        top1,
        rows.len(),
        100.0 * top1 as f64 / rows.len().max(1) as f64,
        und.len()
    );
    // Logs labelled `unknown` that the rules leave `unknown` are right; a model class turns them
    // wrong.
    let und: Vec<_> = und.into_iter().filter(|r| r.0.class != ProblemClass::Unknown).collect();
    let unk: Vec<_> = rows.iter().filter(|r| r.1 && r.0.class == ProblemClass::Unknown).collect();
    println!(
        "min_posterior\tdecided (of {})\tright\tprecision\tunknown labels turned wrong (of {})\tall logs: decided\tright",
        und.len(),
        unk.len()
    );
    for k in 2..=9 {
        let th = f64::from(k) / 10.0;
        let dec = und.iter().filter(|r| r.2.is_some_and(|b| b.1 >= th)).count();
        let ok = und.iter().filter(|r| r.2.is_some_and(|b| b.1 >= th && b.0 == r.0.class)).count();
        let adec = rows
            .iter()
            .filter(|r| r.0.class != ProblemClass::Unknown)
            .filter(|r| r.2.is_some_and(|b| b.1 >= th))
            .count();
        let aok = rows
            .iter()
            .filter(|r| r.0.class != ProblemClass::Unknown)
            .filter(|r| r.2.is_some_and(|b| b.1 >= th && b.0 == r.0.class))
            .count();
        let broken = unk.iter().filter(|r| r.2.is_some_and(|b| b.1 >= th)).count();
        println!(
            "{th:.1}\t{dec} ({:.1}%)\t{ok}\t{:.1}%\t{broken}\t{adec}\t{aok} ({:.1}%)",
            100.0 * dec as f64 / und.len().max(1) as f64,
            100.0 * ok as f64 / dec.max(1) as f64,
            100.0 * aok as f64 / adec.max(1) as f64
        );
    }
    if std::env::args().any(|a| a == "--list") {
        for (d, u, b) in &rows {
            if *u {
                let (c, p) = b.map_or(("-", 0.0), |b| (b.0.as_str(), b.1));
                println!("  undecided {}: label {}, model {c} {p:.2}", d.file, d.class.as_str());
            }
        }
    }
}

/// `--time`: what the model costs where it runs (parse of the embedded file; tokens and scores
/// of the largest development log's end window).
fn time() {
    use perfpilot_triage::class_model::{EMBEDDED_CLASS_MODEL, log_tokens};
    let t0 = std::time::Instant::now();
    let n = 20;
    let mut m = ClassModel::default();
    for _ in 0..n {
        m = ClassModel::parse(EMBEDDED_CLASS_MODEL).unwrap_or_default();
    }
    let parse = t0.elapsed().as_secs_f64() / f64::from(n);
    let docs = dev_docs();
    let Some(big) = docs.iter().max_by_key(|d| {
        std::fs::metadata(corpus::corpus().join("failures").join(&d.file)).map_or(0, |x| x.len())
    }) else {
        return;
    };
    let one = std::fs::read_to_string(corpus::corpus().join("failures").join(&big.file))
        .unwrap_or_default();
    // Its lines repeated past the 16 KiB end window: the most the model ever reads of a log.
    let text = one.repeat(64 * 1024 / one.len().max(1) + 1);
    let t1 = std::time::Instant::now();
    let k = 200;
    let mut decided = 0;
    for _ in 0..k {
        let (_, toks) = log_tokens(&text);
        decided += usize::from(!m.scores(&toks).is_empty());
    }
    let per = t1.elapsed().as_secs_f64() / f64::from(k);
    println!(
        "parse {:.2} ms once; tokens + scores of {} ({} bytes): {:.3} ms per log ({decided} scored)",
        parse * 1e3,
        big.file,
        text.len(),
        per * 1e3
    );
}

/// `--launch`: the launch corpus (logs of servers that started; no failure label): how many the
/// model names a class for (each one a false alarm unless the log shows a failure).
fn launch() {
    let dir = corpus::corpus().join("launch");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let (mut n, mut hit) = (0, 0);
    for p in files.iter().filter(|p| p.extension().is_some_and(|e| e == "log")) {
        n += 1;
        let Ok(r) =
            perfpilot_triage::triage_logs(&perfpilot_triage::TriageOptions::new(vec![p.clone()]))
        else {
            continue;
        };
        if let Some(f) = r.findings.first()
            && f.signature.as_deref().is_some_and(|s| s.starts_with("class-model:"))
        {
            hit += 1;
            let name = p.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
            let line = f.signal.first().map_or("", |s| s.text.as_str());
            println!("  {name}: {} {:.2}: {line}", f.class, f.confidence);
        }
    }
    println!("launch corpus: the class model names a class for {hit} of {n} logs");
}

fn main() {
    if std::env::args().any(|a| a == "--launch") {
        launch();
    } else if std::env::args().any(|a| a == "--time") {
        time();
    } else if std::env::args().any(|a| a == "--cv") {
        cv();
    } else {
        print!("{}", model_file());
    }
}
