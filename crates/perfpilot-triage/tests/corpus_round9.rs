//! Round 9 of issue 15 (branch trifix9): the classes still missed across all scored splits.

#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use corpus::{split_of, splits, tsv_rows};
use verdict::triage_file;

/// Prints every miss of every scored split with its findings (run with `--ignored
/// --nocapture`): the diagnosis table of docs/triage-corpus-2.md, round 9.
#[test]
#[ignore]
fn print_misses() {
    let split = splits();
    for cols in tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (cols[0].as_str(), cols[1].as_str(), cols[2].as_str());
        let side = split_of(&split, source);
        let r = triage_file(file);
        if r.class.as_str() == class {
            continue;
        }
        println!("MISS {side}\t{file}\texpected {class}\tgot {}", r.class.as_str());
        println!("   why: {}", cols.get(4).map_or("", String::as_str));
        for f in &r.findings {
            println!(
                "   - {} {:?} conf {:.2} phase {:?} sig {:?}",
                f.class.as_str(),
                f.severity,
                f.confidence,
                f.phase,
                f.signature
            );
            for k in ["decided_by", "still_possible", "undecided_phase", "would_settle"] {
                if let Some(v) = f.facts.get(k) {
                    println!("       {k}: {}", v.chars().take(200).collect::<String>());
                }
            }
            for s in f.signal.iter().take(3) {
                println!("       L{}: {}", s.line, s.text.chars().take(160).collect::<String>());
            }
        }
    }
}
