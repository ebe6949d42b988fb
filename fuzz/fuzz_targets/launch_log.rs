//! Fuzz the launch-log parser (capacity explain, triage): any bytes, as text and through
//! the block reader, must parse without a panic, and both paths must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfpilot_launchlog::{parse_log, parse_reader};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let whole = parse_log(&text);
    let read = parse_reader(data).expect("reading a byte slice cannot fail");
    assert_eq!(whole.recognised(), read.recognised());
});
