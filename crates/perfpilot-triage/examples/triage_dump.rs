//! Print the triage report of log files as JSON (a development aid).
//!
//! `cargo run -p perfpilot-triage --example triage_dump -- LOG...`
fn main() {
    let logs: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    match perfpilot_triage::triage_logs(&perfpilot_triage::TriageOptions::new(logs)) {
        Ok(r) => println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default()),
        Err(e) => eprintln!("error: {e}"),
    }
}
