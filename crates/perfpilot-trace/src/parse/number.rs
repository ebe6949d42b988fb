//! Exact conversion of Kineto time stamps (µs, up to 3 decimals) to integer nanoseconds.
//!
//! Kineto writes `ts` and `dur` as decimal microseconds (`1365627862757.064`). Going
//! through `f64` loses the last digit on large time stamps, so the literal text of the
//! JSON number is converted directly: digits, an optional fraction and an optional
//! exponent become an exact integer count of nanoseconds. More than 3 fractional digits
//! (sub-nanosecond precision) are rounded half away from zero and flagged.

/// A time value converted to nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nanos {
    /// The value in integer nanoseconds.
    pub ns: i64,
    /// True when the literal had sub-nanosecond digits that were rounded away.
    pub rounded: bool,
}

/// Why a literal is not a usable time value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// Not a JSON number (or a string holding one).
    NotANumber,
    /// Outside the range of i64 nanoseconds.
    Overflow,
}

/// Convert the literal JSON text of a µs value (a number, or a string holding one) to ns.
pub fn micros_literal_to_ns(text: &[u8]) -> Result<Nanos, NumError> {
    if let Some(ns) = fast_path(text) {
        return Ok(Nanos { ns, rounded: false });
    }
    let text = trim_ascii(text);
    let text = match text {
        [b'"', inner @ .., b'"'] => trim_ascii(inner),
        _ => text,
    };
    decimal_to_scaled(text, 3)
}

/// The common Kineto shape, `digits[.ddd]` with at most 3 decimals and 15 integer
/// digits, in plain u64 arithmetic; anything else takes the general path.
fn fast_path(text: &[u8]) -> Option<i64> {
    let (int, frac) = match memchr::memchr(b'.', text) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, &[][..]),
    };
    if int.is_empty() || int.len() > 15 || frac.len() > 3 {
        return None;
    }
    let mut v: u64 = 0;
    for &d in int {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u64::from(d - b'0');
    }
    let mut f: u64 = 0;
    for &d in frac {
        if !d.is_ascii_digit() {
            return None;
        }
        f = f * 10 + u64::from(d - b'0');
    }
    if frac.is_empty() && text.len() != int.len() {
        return None; // a trailing `.` with no digits
    }
    let scale = [1000, 100, 10, 1][frac.len()];
    i64::try_from(v * 1000 + f * scale).ok()
}

fn trim_ascii(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Parse a decimal literal and multiply it by `10^scale`, exactly, rounding the digits
/// that fall below 1 half away from zero.
fn decimal_to_scaled(s: &[u8], scale: i32) -> Result<Nanos, NumError> {
    let mut i = 0;
    let negative = match s.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    // Significant digits (leading zeros skipped), capped: beyond 38 digits i128 overflows
    // and a time stamp never needs them, so they only count toward the exponent.
    let mut mantissa: i128 = 0;
    let mut digits = 0u32;
    let mut exp10: i32 = 0;
    let mut dropped_nonzero = false;
    let mut saw_digit = false;
    let mut push = |d: u8, frac: bool, mantissa: &mut i128, exp10: &mut i32| {
        if digits < 36 {
            if *mantissa != 0 || d != 0 {
                digits += 1;
            }
            *mantissa = *mantissa * 10 + i128::from(d);
            if frac {
                *exp10 -= 1;
            }
        } else {
            if d != 0 {
                dropped_nonzero = true;
            }
            if !frac {
                *exp10 += 1;
            }
        }
    };
    while let Some(&c) = s.get(i) {
        if c.is_ascii_digit() {
            push(c - b'0', false, &mut mantissa, &mut exp10);
            saw_digit = true;
            i += 1;
        } else {
            break;
        }
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c) = s.get(i) {
            if c.is_ascii_digit() {
                push(c - b'0', true, &mut mantissa, &mut exp10);
                saw_digit = true;
                i += 1;
            } else {
                break;
            }
        }
    }
    if !saw_digit {
        return Err(NumError::NotANumber);
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match s.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let mut e: i32 = 0;
        let mut any = false;
        while let Some(&c) = s.get(i) {
            if c.is_ascii_digit() {
                e = e.saturating_mul(10).saturating_add(i32::from(c - b'0'));
                any = true;
                i += 1;
            } else {
                break;
            }
        }
        if !any {
            return Err(NumError::NotANumber);
        }
        exp10 = exp10.saturating_add(if exp_negative { -e } else { e });
    }
    if i != s.len() {
        return Err(NumError::NotANumber);
    }
    let shift = exp10.saturating_add(scale);
    let (value, rounded) = if mantissa == 0 {
        (0i128, dropped_nonzero)
    } else if shift >= 0 {
        if shift > 30 {
            return Err(NumError::Overflow);
        }
        let v = mantissa.checked_mul(10i128.pow(shift as u32)).ok_or(NumError::Overflow)?;
        (v, dropped_nonzero)
    } else {
        let down = -shift;
        if down > 38 {
            (0, true)
        } else {
            let div = 10i128.pow(down as u32);
            let q = mantissa / div;
            let r = mantissa % div;
            let q = if r * 2 >= div { q + 1 } else { q };
            (q, r != 0 || dropped_nonzero)
        }
    };
    let value = if negative { -value } else { value };
    let ns = i64::try_from(value).map_err(|_| NumError::Overflow)?;
    Ok(Nanos { ns, rounded })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ns(s: &str) -> i64 {
        micros_literal_to_ns(s.as_bytes()).unwrap().ns
    }

    #[test]
    fn kineto_literals_are_exact() {
        assert_eq!(ns("1365627862757.064"), 1_365_627_862_757_064);
        assert_eq!(ns("1.6"), 1_600);
        assert_eq!(ns("87412.863"), 87_412_863);
        assert_eq!(ns("1610366662254362"), 1_610_366_662_254_362_000);
        assert_eq!(ns("0"), 0);
        assert_eq!(ns("-2.5"), -2_500);
        assert_eq!(ns("\"12.5\""), 12_500);
        assert_eq!(ns("1.5e3"), 1_500_000);
        assert_eq!(ns("15E-1"), 1_500);
        assert_eq!(ns("0.000"), 0);
    }

    #[test]
    fn sub_nanosecond_digits_round_and_flag() {
        let v = micros_literal_to_ns(b"1.2345").unwrap();
        assert_eq!(v, Nanos { ns: 1_235, rounded: true });
        let v = micros_literal_to_ns(b"1.2344").unwrap();
        assert_eq!(v, Nanos { ns: 1_234, rounded: true });
        let v = micros_literal_to_ns(b"1.234").unwrap();
        assert!(!v.rounded);
    }

    #[test]
    fn rejects_non_numbers_and_overflow() {
        for bad in ["", "abc", "null", "1.2.3", "1e", "--1", "\"x\"", "true", "{}"] {
            assert_eq!(micros_literal_to_ns(bad.as_bytes()), Err(NumError::NotANumber), "{bad}");
        }
        assert_eq!(micros_literal_to_ns(b"1e30"), Err(NumError::Overflow));
        assert_eq!(micros_literal_to_ns(b"99999999999999999999"), Err(NumError::Overflow));
    }

    proptest! {
        #[test]
        fn matches_integer_arithmetic(whole in 0u64..10_000_000_000_000u64, frac in 0u32..1000) {
            let text = format!("{whole}.{frac:03}");
            prop_assert_eq!(ns(&text), whole as i64 * 1000 + i64::from(frac));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = micros_literal_to_ns(s.as_bytes());
        }
    }
}
