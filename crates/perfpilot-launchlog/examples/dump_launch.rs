//! Print the events the launch parser finds in a log (a development aid).
fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let log = perfpilot_launchlog::parse_log(&text);
        println!(
            "== {path}: {:?} s={} v={} lines={} args={}",
            log.framework,
            log.sglang_lines,
            log.vllm_lines,
            log.lines,
            log.args.len()
        );
        for e in &log.events {
            println!(
                "  L{} [{}] {}",
                e.line,
                e.rank.label(),
                serde_json::to_string(&e.event).unwrap_or_default()
            );
        }
    }
}
