//! Print a plan as JSON (a development aid): plan_demo '<PlanOptions JSON>'.
fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let o: perfpilot_capacity::plan::PlanOptions = match serde_json::from_str(&arg) {
        Ok(o) => o,
        Err(e) => return eprintln!("{e}"),
    };
    match perfpilot_capacity::plan::plan(&o) {
        Ok(r) => {
            println!(
                "weights/rank {:.3} GiB params {}",
                r.weights.bytes_per_rank as f64 / (1u64 << 30) as f64,
                r.weights.total_params
            );
            for s in &r.settings {
                println!("  {} = {} [{}]", s.key, s.value, s.source);
            }
            for s in &r.outcome.steps {
                println!("  step: {s}");
            }
            println!(
                "  tokens {} blocks {:?} mrr {:?} errors {:?}",
                r.outcome.kv_tokens,
                r.outcome.num_blocks,
                r.outcome.max_running_requests,
                r.outcome.errors
            );
            for c in &r.outcome.concurrency {
                println!("  conc {:?}", c);
            }
        }
        Err(e) => eprintln!("error: {e}"),
    }
}
