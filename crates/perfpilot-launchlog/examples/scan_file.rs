//! Parse one launch log with the built-in rules and print how the scan went: the prefilter's
//! anchors and packed passes, the wall time, lines and events (for profiling the parser on a
//! large file: `cargo run --release -p perfpilot-launchlog --example scan_file -- FILE`).

use std::io::BufReader;
use std::time::Instant;

use perfpilot_launchlog::{LaunchRules, parse_reader_with};

fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: scan_file FILE");
        std::process::exit(2);
    };
    let rules = LaunchRules::builtin();
    let t = Instant::now();
    let shape = rules.prefilter_shape();
    let built = t.elapsed();
    let t = Instant::now();
    let file = std::fs::File::open(&path)?;
    let log = parse_reader_with(BufReader::with_capacity(1 << 20, file), &rules)?;
    let took = t.elapsed();
    println!(
        "{path}: prefilter {shape:?} (anchors, heads, passes) built in {built:?}; parsed in {took:?}: \
         {} lines, {} events, {} argument sets",
        log.lines,
        log.events.len(),
        log.args.len()
    );
    Ok(())
}
