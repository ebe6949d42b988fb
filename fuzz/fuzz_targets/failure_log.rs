//! Fuzz the failure-log reader of `triage` with the built-in signature catalogue: any
//! bytes must be read and summarised without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfpilot_report::NoProgress;
use perfpilot_triage::{Catalogue, LogTriage};

/// The catalogue is built once: compiling its patterns per input made each run take
/// seconds (72 runs in 10 minutes).
static CATALOGUE: std::sync::LazyLock<Catalogue> =
    std::sync::LazyLock::new(|| Catalogue::builtin().expect("built-in catalogue"));

fuzz_target!(|data: &[u8]| {
    let mut t = LogTriage::new(&CATALOGUE).expect("gates compile");
    t.read("fuzz.log", data, &NoProgress).expect("reading a byte slice cannot fail");
    let _ = t.finish(20);
});
