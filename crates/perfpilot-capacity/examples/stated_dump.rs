//! Print every stated value of each launch log (a development aid for before/after diffs of a
//! rule change): `stated_dump LOG…`, one line per value: `PATH<TAB>launch<TAB>line<TAB>key<TAB>value unit`.
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
        for v in &values {
            let value = serde_json::to_string(&v.value).unwrap_or_default();
            println!("{path}\t{}\tL{}\t{}\t{} {}", v.launch, v.line, v.key, value, v.unit);
        }
    }
}
