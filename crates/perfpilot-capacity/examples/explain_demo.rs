//! Render an explanation as markdown (a development aid): explain_demo '<ExplainOptions JSON>'.
fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let o: perfpilot_capacity::ExplainOptions = match serde_json::from_str(&arg) {
        Ok(o) => o,
        Err(e) => return eprintln!("{e}"),
    };
    match perfpilot_capacity::explain(&o) {
        Ok(r) => {
            let env = perfpilot_report::Envelope::new("capacity explain", r);
            println!(
                "{}",
                perfpilot_report::render_to_string(&env, perfpilot_report::Format::Md)
                    .unwrap_or_default()
            );
        }
        Err(e) => eprintln!("error: {e}"),
    }
}
