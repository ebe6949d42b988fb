//! Print the candidate-line prefilter's packed passes (each pattern's head, Teddy bucket and
//! anchors) for the built-in rules or a rules file, and time the candidate-line search over a
//! log: `cargo run --release -p perfpilot-launchlog --example prefilter_plan -- [RULES|-] [LOG]`.

use std::time::Instant;

use perfpilot_launchlog::LaunchRules;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rules = match args.first().map(String::as_str) {
        None | Some("-") => LaunchRules::builtin(),
        Some(path) => match LaunchRules::from_file(std::path::Path::new(path)) {
            Ok(r) => std::sync::Arc::new(r),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        },
    };
    print!("{}", rules.prefilter_describe().unwrap_or_else(|| "no prefilter\n".into()));
    let Some(log) = args.get(1) else { return };
    let data = match std::fs::read(log) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{log}: {e}");
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let (mut lines, mut bytes) = (0, 0);
    for block in data.chunks(4 << 20) {
        if let Some(s) = rules.prefilter_stats(block) {
            lines += s.candidate_lines;
            bytes += s.candidate_bytes;
        }
    }
    println!("{log}: {lines} candidate lines, {bytes} bytes, {:?}", t.elapsed());
}
