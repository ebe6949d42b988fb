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

#[cfg(test)]
mod tests {
    use super::*;

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
