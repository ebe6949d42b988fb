//! Parse one trace file and print what the model holds (a quick look and a timing aid).
//!
//! `cargo run --release -p perfpilot-trace --example parse_trace -- FILE`

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_trace FILE");
        std::process::exit(2);
    };
    let t0 = Instant::now();
    match perfpilot_trace::parse::read_trace_file(path.as_ref(), &perfpilot_report::NoProgress) {
        Ok(t) => {
            println!(
                "{:.3}s json_bytes={} events={} gpu={} cpu_ops={} runtime={} python={} annotations={} flows={} names={} skipped={:?}",
                t0.elapsed().as_secs_f64(),
                t.stats.json_bytes,
                t.stats.events,
                t.gpu.len(),
                t.cpu_ops.len(),
                t.runtime.len(),
                t.python.len(),
                t.annotations.len(),
                t.flows.len(),
                t.names.len(),
                t.stats.skipped
            );
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
