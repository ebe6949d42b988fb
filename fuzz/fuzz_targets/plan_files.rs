//! Fuzz the files `capacity plan` and `capacity explain` read besides the model config:
//! the GPU table (TOML) and an `nvidia-smi` CSV.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = perfpilot_capacity::gpu::GpuTable::parse(text, "fuzz.toml");
    let _ = perfpilot_capacity::smi::parse(text, "fuzz.csv");
});
