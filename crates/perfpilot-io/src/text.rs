//! Display text: shortening long strings for tables and one-line summaries, and time
//! units. For people only: nothing parsed back depends on these.

/// `s` whole if it has at most `limit` characters; else its first `keep` characters
/// followed by `mark`. Callers that need the result to fit `limit` pass
/// `keep = limit - mark.chars().count()` ([`truncate_to`] does).
pub fn truncate_chars(s: &str, limit: usize, keep: usize, mark: &str) -> String {
    if s.chars().count() <= limit {
        return s.to_string();
    }
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(mark);
    out
}

/// `s` shortened to at most `max` characters (when `max` is at least the mark's
/// length), a cut marked with `mark` (`…` or `...`).
pub fn truncate_to(s: &str, max: usize, mark: &str) -> String {
    truncate_chars(s, max, max.saturating_sub(mark.chars().count()), mark)
}

/// Nanoseconds as milliseconds with three decimals, no unit: `12.346`.
pub fn fmt_ms(ns: f64) -> String {
    format!("{:.3}", ns / 1e6)
}

/// Nanoseconds as signed milliseconds with three decimals, no unit: `+1.500`, `-0.250`.
pub fn fmt_signed_ms(ns: f64) -> String {
    format!("{:+.3}", ns / 1e6)
}

/// 1-based line and column (in bytes) of a byte offset in `text`, for errors that point
/// into a file (a TOML or JSON span). An offset past the end, or inside a character, counts
/// from the character boundary before it.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (before.matches('\n').count() + 1, end - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_is_one_based_and_safe_inside_characters() {
        let t = "ab\ncdé\nx";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 5), (2, 3));
        assert_eq!(line_col(t, 6), (2, 3)); // inside `é`
        assert_eq!(line_col(t, 99), (3, 2));
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate_to("abcdef", 4, "…"), "abc…");
        assert_eq!(truncate_to("abcd", 4, "…"), "abcd");
        assert_eq!(truncate_to("ééééé", 4, "..."), "é...");
        assert_eq!(truncate_to("abc", 0, "…"), "…");
        // A keep shorter than the limit (a historic row format, kept byte for byte).
        assert_eq!(truncate_chars("abcdefgh", 6, 3, "…"), "abc…");
        assert_eq!(truncate_chars("abcdef", 6, 3, "…"), "abcdef");
    }

    #[test]
    fn milliseconds() {
        assert_eq!(fmt_ms(12_345_678.0), "12.346");
        assert_eq!(fmt_ms(0.0), "0.000");
        assert_eq!(fmt_signed_ms(1_500_000.0), "+1.500");
        assert_eq!(fmt_signed_ms(-250_000.0), "-0.250");
    }
}
