//! Byte quantities as a launch log prints them: GiB = 2^30 bytes, exact integers, and the
//! number as printed.

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
        Some(LoggedBytes { bytes, printed: plain_number(text.trim()) })
    }

    /// A printed number with its unit (`MiB`, `MB`, `GiB`, `GB`, `KiB`, `bytes`/`B`, parentheses
    /// allowed): GiB units keep the printed text; other units are converted exactly to bytes and
    /// `printed` holds the GiB figure to two decimals. MB is read as MiB (llama.cpp and vLLM
    /// print MB for 2^20 bytes).
    pub fn from_number_unit(number: &str, unit: &str) -> Option<LoggedBytes> {
        // A quoted value (`size="12.2 GiB"` of a Go slog line) ends in its quote; an item of a
        // `;`-separated list (vLLM's `…: 1.89GiB; …`) in its separator.
        let unit = unit.trim().trim_start_matches('(').trim_end_matches([')', '.', ',', '"', ';']);
        let scale: f64 = match unit {
            "GiB" | "GB" => return LoggedBytes::from_gib_text(number),
            "MiB" | "MB" => (1u64 << 20) as f64,
            "KiB" | "KB" => 1024.0,
            "bytes" | "B" | "byte" => 1.0,
            _ => return None,
        };
        let v: f64 = plain_number(number.trim()).parse().ok()?;
        if !v.is_finite() {
            return None;
        }
        let bytes = (v * scale).round();
        if bytes.abs() >= i64::MAX as f64 {
            return None;
        }
        let bytes = bytes as i64;
        Some(LoggedBytes { bytes, printed: format!("{:.2}", bytes as f64 / GIB as f64) })
    }

    /// A size whose `GB` / `MB` / `KB` are decimal (10^9, 10^6, 10^3 bytes), as a program that
    /// divides by `1e9` prints it (vllm-metal's paged-attention plan); other units as
    /// [`LoggedBytes::from_number_unit`] reads them.
    pub fn from_decimal_unit(number: &str, unit: &str) -> Option<LoggedBytes> {
        let u = unit.trim().trim_start_matches('(').trim_end_matches([')', '.', ',', '"', ';']);
        let scale: f64 = match u {
            "GB" => 1e9,
            "MB" => 1e6,
            "KB" | "kB" => 1e3,
            _ => return LoggedBytes::from_number_unit(number, unit),
        };
        let v: f64 = plain_number(number.trim()).parse().ok()?;
        let bytes = (v * scale).round();
        if !bytes.is_finite() || bytes.abs() >= i64::MAX as f64 {
            return None;
        }
        let bytes = bytes as i64;
        Some(LoggedBytes { bytes, printed: format!("{:.2}", bytes as f64 / GIB as f64) })
    }

    /// Half a unit of the last printed digit, in bytes: the true value lies within
    /// `bytes ± rounding_bytes()`.
    pub fn rounding_bytes(&self) -> i64 {
        let decimals = self.printed.split_once('.').map(|(_, f)| f.len()).unwrap_or(0) as u32;
        let denom = 10i128.pow(decimals.min(12));
        (GIB as i128 / (2 * denom)) as i64
    }
}

/// Units a decimal comma may stand before: byte sizes as llama.cpp's loader and context print
/// them (`%.2f MiB`, `%.2f GiB`).
const COMMA_UNITS: [&str; 8] = ["MiB", "GiB", "KiB", "TiB", "MB", "GB", "KB", "TB"];

/// Digits of a decimal comma's fraction at the start of `after` (the text after the comma), or
/// `None` where the comma cannot be a decimal one. A C/C++ program that calls
/// `setlocale(LC_ALL, "")` prints `%f` with the locale's separator: llama.cpp's
/// `console::init` (common/console.cpp, POSIX, not `--simple-io`) does, so llama-cli under a
/// German locale prints `1039,50 MiB`. A comma is read as a decimal only where it cannot group
/// thousands: one or two digits (never three: `545,856` is a count), then a byte unit.
pub fn decimal_comma_len(after: &str) -> Option<usize> {
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let unit = after[digits..].trim_start();
    let unit = unit.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    COMMA_UNITS.contains(&unit).then_some(digits)
}

/// A printed number as Rust parses it: thousands commas dropped, a decimal comma (one or two
/// digits after the only comma, no point; see [`decimal_comma_len`]) made a point.
pub fn plain_number(text: &str) -> String {
    if !text.contains('.')
        && text.matches(',').count() == 1
        && let Some((int, frac)) = text.split_once(',')
        && (1..=2).contains(&frac.len())
        && frac.bytes().all(|b| b.is_ascii_digit())
    {
        return format!("{int}.{frac}");
    }
    text.replace(',', "")
}

/// Parse a decimal GiB string to bytes exactly (integer arithmetic, round half away from zero).
pub fn parse_gib_exact(text: &str) -> Option<i64> {
    let t = plain_number(text.trim());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_gib_parsing() {
        assert_eq!(parse_gib_exact("1"), Some(GIB));
        assert_eq!(parse_gib_exact("0.5"), Some(GIB / 2));
        assert_eq!(parse_gib_exact("-2.14"), Some(-2_297_807_503));
        assert_eq!(parse_gib_exact("1,024"), Some(1024 * GIB));
        assert_eq!(parse_gib_exact("14,19"), parse_gib_exact("14.19"));
        assert_eq!(parse_gib_exact("abc"), None);
        assert_eq!(parse_gib_exact(""), None);
        assert_eq!(parse_gib_exact("."), None);
        assert_eq!(parse_gib_exact("99999999999999999999"), None);
    }

    #[test]
    fn decimal_comma_only_where_it_cannot_group_thousands() {
        // alucianOriginal/XAIGPUARC's llama-cli under a German locale.
        assert_eq!(decimal_comma_len("50 MiB"), Some(2));
        assert_eq!(decimal_comma_len("19 GiB (16,00 BPW)"), Some(2));
        // vLLM's `545,856 tokens`, a three-digit group; no unit after one or two digits.
        assert_eq!(decimal_comma_len("856 tokens"), None);
        assert_eq!(decimal_comma_len("856 MiB"), None);
        assert_eq!(decimal_comma_len("000, frequency_penalty"), None);
        assert_eq!(decimal_comma_len("5, n_batch"), None);
        assert_eq!(plain_number("1039,50"), "1039.50");
        assert_eq!(plain_number("545,856"), "545856");
        assert_eq!(plain_number("1,024.5"), "1024.5");
        let v = LoggedBytes::from_number_unit("1039,50", "MiB").unwrap();
        assert_eq!(v.bytes, 1039 * (1 << 20) + (1 << 19));
    }

    #[test]
    fn rounding_window() {
        let v = LoggedBytes::from_gib_text("10.57").unwrap();
        assert_eq!(v.rounding_bytes(), GIB / 200);
        let v = LoggedBytes::from_gib_text("14.9888").unwrap();
        assert_eq!(v.rounding_bytes(), GIB / 20000);
    }
}
