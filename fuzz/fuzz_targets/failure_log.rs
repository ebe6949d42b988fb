//! Fuzz the failure-log reader of `triage` with the built-in signature catalogue: any
//! bytes must be read and summarised without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfpilot_report::NoProgress;
use perfpilot_triage::{Catalogue, LogTriage};

fuzz_target!(|data: &[u8]| {
    let cat = Catalogue::builtin().expect("built-in catalogue");
    let mut t = LogTriage::new(&cat).expect("gates compile");
    t.read("fuzz.log", data, &NoProgress).expect("reading a byte slice cannot fail");
    let _ = t.finish(20);
});
