//! Property test: `explain` on a parsed log with hostile numbers never panics.

use perfpilot_launchlog::parse_log;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `explain` on hostile numbers (huge sizes, many pools, negative values) never panics.
    #[test]
    fn explain_never_panics_on_hostile_numbers(
        sizes in proptest::collection::vec(prop_oneof![Just("9999999.99".to_string()), Just("-5.00".to_string()), "[0-9]{1,7}\\.[0-9]{2}"], 1..40),
        tokens in proptest::collection::vec(prop_oneof![Just(u64::MAX), Just(0u64), 0u64..10_000_000], 1..40),
    ) {
        let mut text = String::from("[2025-01-01 00:00:00 TP0] Load weight end. type=X, dtype=torch.bfloat16, avail mem=9999999.99 GB, mem usage=9999999.99 GB.\n");
        for (i, s) in sizes.iter().enumerate() {
            let t = tokens[i % tokens.len()];
            text.push_str(&format!("[2025-01-01 00:00:00 TP0] KV Cache is allocated. #tokens: {t}, K size: {s} GB, V size: {s} GB\n"));
            text.push_str(&format!("[2025-01-01 00:00:00 TP0] Capture cuda graph end. Time elapsed: 1.00 s. mem usage={s} GB. avail mem={s} GB.\n"));
            text.push_str(&format!("# GPU blocks: {t}, # CPU blocks: {t}\nMaximum concurrency for {t} tokens per request: 1e308x\n"));
        }
        text.push_str(&format!("[2025-01-01 00:00:00 TP0] max_total_num_tokens={}, max_running_requests={}, context_len={}\n", tokens[0], tokens[0], tokens[0]));
        let log = parse_log(&text);
        let mut o = perfpilot_capacity::ExplainOptions::new("hostile.log");
        o.what_if = vec!["mem_fraction=0.9".into(), "kv_dtype=fp8".into(), "context_len=18446744073709551615".into()];
        o.request_tokens = vec![1, u64::MAX];
        let _ = perfpilot_capacity::explain_log(&log, &o);
    }
}
