//! Fuzz kernel-name parsing and classification: any UTF-8 text (mangled or not, truncated,
//! with clone suffixes, operators, lambdas) must classify, refine with a context and
//! display without panicking, and the display must respect its length bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfpilot_trace::taxonomy::{LaunchContext, Signature, Taxonomy, canonical_name};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (name, ctx_text) = text.split_once('\n').unwrap_or((text, ""));
    let tax = Taxonomy::embedded_ref();
    let canonical = canonical_name(name);
    let _ = Signature::parse(&canonical);
    let ctx = LaunchContext { launch_op: Some(ctx_text), call_site: Some(ctx_text), capture_site: None };
    let _ = tax.classify_in_context(name, &ctx);
    assert!(tax.display_name(name, 40).chars().count() <= 40);
});
