//! Development aids for before/after diffs of a rule change.
//! - `stated_dump LOG…`: every stated value, one line per value:
//!   `PATH<TAB>launch<TAB>line<TAB>key<TAB>value unit`.
//! - `stated_dump --launches LOG…` (launch segmentation): one line per file, how many launches
//!   `stated_values` numbers and the first line of each: `PATH<TAB>N<TAB>launch@Lline …`.
fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let launches = args.first().is_some_and(|a| a == "--launches");
    if launches {
        args.remove(0);
    }
    for path in args {
        let text = match std::fs::read(&path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let values =
            perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(&text));
        if launches {
            let mut first = std::collections::BTreeMap::<u32, u64>::new();
            for v in &values {
                let at = first.entry(v.launch).or_insert(v.line);
                *at = (*at).min(v.line);
            }
            let lines: Vec<String> = first.iter().map(|(l, at)| format!("{l}@L{at}")).collect();
            println!("{path}\t{}\t{}", first.len(), lines.join(" "));
            continue;
        }
        for v in &values {
            let value = serde_json::to_string(&v.value).unwrap_or_default();
            println!("{path}\t{}\tL{}\t{}\t{} {}", v.launch, v.line, v.key, value, v.unit);
        }
    }
}
