//! Cheap field extraction from one log line: `key=value`, `key: value`, `(number)`.
//! No regexes: a key is found by substring search with a word-boundary check before it.

use crate::units::LoggedBytes;

/// Find `key` in `text` where the character before it is not alphanumeric or `_`
/// (so `V size:` does not match inside `KV size:`). Returns the text after the key.
pub fn after_key<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(pos) = text[from..].find(key) {
        let at = from + pos;
        let word_key = key.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let ok = !word_key
            || text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '#'));
        // `#tokens:` is a key that starts with `#`; allow an explicit `#` in the key itself.
        if ok || key.starts_with('#') {
            return Some(&text[at + key.len()..]);
        }
        from = at + key.len();
    }
    None
}

/// The leading number token of `text` (after spaces and markdown emphasis or code marks, `**`
/// and `` ` ``, that a paste in an issue wraps a figure in): digits, one dot, sign, thousands
/// commas (a comma is kept only when followed by three digits).
pub fn leading_number(text: &str) -> Option<&str> {
    let t = text.trim_start().trim_start_matches(['*', '`']);
    let b = t.as_bytes();
    let mut end = 0;
    if end < b.len() && (b[end] == b'-' || b[end] == b'+') {
        end += 1;
    }
    let start_digits = end;
    let mut seen_dot = false;
    while end < b.len() {
        let c = b[end];
        if c.is_ascii_digit() {
            end += 1;
        } else if c == b'.' && !seen_dot && end + 1 < b.len() && b[end + 1].is_ascii_digit() {
            seen_dot = true;
            end += 1;
        } else if c == b','
            && !seen_dot
            && end > start_digits
            && end + 3 < b.len() + 1
            && b.get(end + 1..end + 4).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && b.get(end + 4).is_none_or(|d| !d.is_ascii_digit())
        {
            end += 1;
        } else if c == b','
            && !seen_dot
            && end > start_digits
            && !t[start_digits..end].contains(',')
            && crate::units::decimal_comma_len(&t[end + 1..]).is_some()
        {
            // A decimal comma (`1039,50 MiB`, a C locale with `,` as its separator): see
            // `units::decimal_comma_len`.
            seen_dot = true;
            end += 1 + crate::units::decimal_comma_len(&t[end + 1..]).unwrap_or(0);
        } else {
            break;
        }
    }
    if end == start_digits {
        return None;
    }
    Some(&t[..end])
}

/// Number after `key` as f64.
pub fn num_f64(text: &str, key: &str) -> Option<f64> {
    let n = leading_number(after_key(text, key)?)?;
    crate::units::plain_number(n).parse().ok()
}

/// Number after `key` as u64 (a fractional part is rejected).
pub fn num_u64(text: &str, key: &str) -> Option<u64> {
    let n = leading_number(after_key(text, key)?)?;
    crate::units::plain_number(n).parse().ok()
}

/// Number after `key` as i64.
pub fn num_i64(text: &str, key: &str) -> Option<i64> {
    let n = leading_number(after_key(text, key)?)?;
    crate::units::plain_number(n).parse().ok()
}

/// GiB number after `key` as exact bytes.
pub fn gib(text: &str, key: &str) -> Option<LoggedBytes> {
    LoggedBytes::from_gib_text(leading_number(after_key(text, key)?)?)
}

/// Parse a bare number string as exact GiB bytes.
pub fn gib_of(number: &str) -> Option<LoggedBytes> {
    LoggedBytes::from_gib_text(leading_number(number)?)
}

/// A word value after `key`, up to `,`, whitespace or `)`.
pub fn word<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let rest = after_key(text, key)?.trim_start();
    let end = rest.find([',', ' ', ')', '\t']).unwrap_or(rest.len());
    let w = rest[..end].trim_end_matches('.');
    (!w.is_empty()).then_some(w)
}

/// A bracketed integer list after `key`: `[1, 2, 4]`.
pub fn int_list(text: &str, key: &str) -> Option<Vec<u64>> {
    let rest = after_key(text, key)?.trim_start();
    let inner = rest.strip_prefix('[')?;
    let inner = &inner[..inner.find(']').unwrap_or(inner.len())];
    Some(inner.split(',').filter_map(|s| s.trim().parse().ok()).collect())
}

/// The first `(a/b ...)` pair of numbers after `key`, e.g. `Free memory on device (139.21/139.81 GiB)`.
pub fn paren_pair<'a>(text: &'a str, key: &str) -> Option<(&'a str, &'a str)> {
    let rest = after_key(text, key)?;
    let open = rest.find('(')?;
    let inner = &rest[open + 1..];
    let a = leading_number(inner)?;
    let after_a = inner.trim_start()[a.len()..].trim_start();
    let sep = after_a.chars().next()?;
    if sep != '/' && sep != ',' {
        return None;
    }
    let b = leading_number(&after_a[1..])?;
    Some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundary() {
        let l = "KV Cache is allocated. #tokens: 161488, KV size: 10.57 GB";
        assert!(gib(l, "V size:").is_none());
        assert_eq!(gib(l, "KV size:").unwrap().printed, "10.57");
        assert_eq!(num_u64(l, "#tokens:"), Some(161488));
    }

    #[test]
    fn numbers() {
        assert_eq!(leading_number(" 178,880 tokens"), Some("178,880"));
        assert_eq!(leading_number("-2.14 GiB"), Some("-2.14"));
        assert_eq!(leading_number("100,000 tokens per request"), Some("100,000"));
        assert_eq!(leading_number("1.56x"), Some("1.56"));
        assert_eq!(leading_number("12, 13"), Some("12"));
        assert_eq!(leading_number("abc"), None);
        assert_eq!(leading_number("6.46GB intermediate"), Some("6.46"));
        assert_eq!(leading_number("5."), Some("5"));
    }

    #[test]
    fn pairs() {
        let l = "Free memory on device (139.21/139.81 GiB) on startup.";
        assert_eq!(paren_pair(l, "Free memory on device"), Some(("139.21", "139.81")));
    }
}
