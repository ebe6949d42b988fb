//! The size caps: defaults, environment overrides, a programmatic override for a flag.

use std::sync::atomic::{AtomicU64, Ordering};

/// Default cap of a whole-file input: 64 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64 << 20;
/// Default budget of decompressed gzip input: 16 GiB (the largest real traces decompress
/// to a few GiB).
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 16 << 30;
/// Environment variable that overrides [`DEFAULT_MAX_INPUT_BYTES`].
pub const ENV_MAX_INPUT_BYTES: &str = "PERFPILOT_MAX_INPUT_BYTES";
/// Environment variable that overrides [`DEFAULT_MAX_DECOMPRESSED_BYTES`].
pub const ENV_MAX_DECOMPRESSED_BYTES: &str = "PERFPILOT_MAX_DECOMPRESSED_BYTES";

/// The command-line flag that sets [`max_input_bytes`] (named in the cap's error).
pub const FLAG_MAX_INPUT_BYTES: &str = "--max-input-bytes";
/// The command-line flag that sets [`max_decompressed_bytes`] (named in the budget's
/// error).
pub const FLAG_MAX_DECOMPRESSED_BYTES: &str = "--max-decompressed-bytes";

static INPUT_OVERRIDE: AtomicU64 = AtomicU64::new(0);
static DECOMPRESSED_OVERRIDE: AtomicU64 = AtomicU64::new(0);

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok().filter(|&n| n > 0)
}

/// Set the whole-file cap for this process (a command-line flag); 0 restores the default.
pub fn set_max_input_bytes(bytes: u64) {
    INPUT_OVERRIDE.store(bytes, Ordering::Relaxed);
}

/// The whole-file cap in bytes: [`set_max_input_bytes`], else `PERFPILOT_MAX_INPUT_BYTES`,
/// else 64 MiB.
pub fn max_input_bytes() -> u64 {
    match INPUT_OVERRIDE.load(Ordering::Relaxed) {
        0 => env_u64(ENV_MAX_INPUT_BYTES).unwrap_or(DEFAULT_MAX_INPUT_BYTES),
        n => n,
    }
}

/// Set the gzip decompressed-size budget for this process (a command-line flag); 0
/// restores the default.
pub fn set_max_decompressed_bytes(bytes: u64) {
    DECOMPRESSED_OVERRIDE.store(bytes, Ordering::Relaxed);
}

/// The decompressed-size budget of gzip input: [`set_max_decompressed_bytes`], else
/// `PERFPILOT_MAX_DECOMPRESSED_BYTES`, else 16 GiB.
pub fn max_decompressed_bytes() -> u64 {
    match DECOMPRESSED_OVERRIDE.load(Ordering::Relaxed) {
        0 => env_u64(ENV_MAX_DECOMPRESSED_BYTES).unwrap_or(DEFAULT_MAX_DECOMPRESSED_BYTES),
        n => n,
    }
}
