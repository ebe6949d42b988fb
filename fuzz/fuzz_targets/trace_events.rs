//! Fuzz the trace event parser: any bytes, split into chunks at a fuzzer-chosen size,
//! must parse or fail with an error — never panic, hang or run away with memory — and
//! the chunked parse must equal the one-piece parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfpilot_trace::parse::{parse_trace_bytes, parse_trace_chunks};

fuzz_target!(|data: &[u8]| {
    let Some((&split, doc)) = data.split_first() else { return };
    let chunk = usize::from(split) % 64 + 1;
    let chunked = parse_trace_chunks(doc, chunk);
    let whole = parse_trace_chunks(doc, doc.len().max(1));
    match (&chunked, &whole) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.gpu, b.gpu);
            assert_eq!(a.cpu_ops, b.cpu_ops);
            assert_eq!(a.python, b.python);
            assert_eq!(a.stats, b.stats);
        }
        (Err(_), Err(_)) => {}
        _ => panic!("chunked and whole parses disagree: {:?} vs {:?}", chunked.is_ok(), whole.is_ok()),
    }
    // The threaded path (and gzip detection) on the same bytes.
    let _ = parse_trace_bytes(doc);
});
