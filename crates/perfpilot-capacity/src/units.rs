//! Byte quantities: GiB = 2^30 bytes everywhere, exact integers, and values as a log printed them.

pub use perfpilot_launchlog::{GIB, LoggedBytes, parse_gib_exact};

/// Sum byte counts without overflow (clamped to ±10^18: input-derived values can be many).
pub(crate) fn sat_sum<I: IntoIterator<Item = i64>>(values: I) -> i64 {
    values
        .into_iter()
        .fold(0i128, |a, b| a + b as i128)
        .clamp(-1_000_000_000_000_000_000, 1_000_000_000_000_000_000) as i64
}

/// Bytes as GiB (for display and ratios only; results keep integer bytes).
pub fn gib(bytes: i64) -> f64 {
    bytes as f64 / GIB as f64
}

/// Format bytes as GiB with two decimals, e.g. `105.59`.
pub(crate) fn fmt_gib(bytes: i64) -> String {
    format!("{:.2}", gib(bytes))
}

/// Format an integer with thousands separators: `1029389` → `1,029,389`.
pub(crate) fn fmt_int(v: i64) -> String {
    let s = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(fmt_int(1029389), "1,029,389");
        assert_eq!(fmt_int(-561981), "-561,981");
        assert_eq!(fmt_int(12), "12");
    }
}
