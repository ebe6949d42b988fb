//! Byte quantities: GiB = 2^30 bytes everywhere, exact integers, and values as a log printed them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One GiB (2^30 bytes). SGLang prints "GB" but divides by 2^30; vLLM prints "GiB".
pub const GIB: i64 = 1 << 30;

/// A byte quantity read from a log line: the exact bytes the printed number stands for and
/// the number as printed (so the rounding the engine applied stays visible).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LoggedBytes {
    /// Bytes the printed number stands for (printed GiB x 2^30, rounded to the nearest byte).
    pub bytes: i64,
    /// The number exactly as printed, without the unit (e.g. `105.59`).
    pub printed: String,
}

impl LoggedBytes {
    /// Parse a printed GiB number such as `105.59`, `-2.14` or `1,024.5`.
    pub fn from_gib_text(text: &str) -> Option<LoggedBytes> {
        let bytes = parse_gib_exact(text)?;
        Some(LoggedBytes { bytes, printed: text.trim().replace(',', "") })
    }

    /// Half a unit of the last printed digit, in bytes: the true value lies within
    /// `bytes ± rounding_bytes()`.
    pub fn rounding_bytes(&self) -> i64 {
        let decimals = self.printed.split_once('.').map(|(_, f)| f.len()).unwrap_or(0) as u32;
        let denom = 10i128.pow(decimals.min(12));
        (GIB as i128 / (2 * denom)) as i64
    }
}

/// Parse a decimal GiB string to bytes exactly (integer arithmetic, round half away from zero).
pub fn parse_gib_exact(text: &str) -> Option<i64> {
    let t: String = text.trim().chars().filter(|c| *c != ',').collect();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    if digits.is_empty() {
        return None;
    }
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac_part = &frac_part[..frac_part.len().min(12)];
    let int_val: i128 = if int_part.is_empty() { 0 } else { int_part.parse().ok()? };
    // Up to 10 PiB: sums of many such values stay far from i64 overflow.
    if int_val > 10_000_000 {
        return None;
    }
    let frac_val: i128 = if frac_part.is_empty() { 0 } else { frac_part.parse().ok()? };
    let denom = 10i128.pow(frac_part.len() as u32);
    let num = (int_val * denom + frac_val) * GIB as i128;
    let val = (num + denom / 2) / denom;
    let val = i64::try_from(val).ok()?;
    Some(if neg { -val } else { val })
}

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
    fn exact_gib_parsing() {
        assert_eq!(parse_gib_exact("1"), Some(GIB));
        assert_eq!(parse_gib_exact("0.5"), Some(GIB / 2));
        assert_eq!(parse_gib_exact("-2.14"), Some(-2_297_807_503));
        assert_eq!(parse_gib_exact("1,024"), Some(1024 * GIB));
        assert_eq!(parse_gib_exact("abc"), None);
        assert_eq!(parse_gib_exact(""), None);
        assert_eq!(parse_gib_exact("."), None);
        assert_eq!(parse_gib_exact("99999999999999999999"), None);
    }

    #[test]
    fn rounding_window() {
        let v = LoggedBytes::from_gib_text("10.57").unwrap();
        assert_eq!(v.rounding_bytes(), GIB / 200);
        let v = LoggedBytes::from_gib_text("14.9888").unwrap();
        assert_eq!(v.rounding_bytes(), GIB / 20000);
    }

    #[test]
    fn thousands() {
        assert_eq!(fmt_int(1029389), "1,029,389");
        assert_eq!(fmt_int(-561981), "-561,981");
        assert_eq!(fmt_int(12), "12");
    }
}
