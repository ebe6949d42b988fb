//! Print, per launch log, how many launches `stated_values` numbers and the first line of each
//! (a development aid for launch segmentation): `launch_count LOG…`, one line per file:
//! `PATH<TAB>N<TAB>first lines`.
fn main() {
    for path in std::env::args().skip(1) {
        let text = match std::fs::read(&path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let values =
            perfpilot_capacity::stated::stated_values(&perfpilot_launchlog::parse_log(&text));
        let mut first: std::collections::BTreeMap<u32, u64> = std::collections::BTreeMap::new();
        for v in &values {
            let at = first.entry(v.launch).or_insert(v.line);
            *at = (*at).min(v.line);
        }
        let lines: Vec<String> = first.iter().map(|(l, at)| format!("{l}@L{at}")).collect();
        println!("{path}\t{}\t{}", first.len(), lines.join(" "));
    }
}
