//! Escaping for human output: control characters and bidi overrides in a value (a kernel
//! name, a log line) must not move the cursor, ring the bell, rewrite a line or reorder
//! the text of a terminal or a rendered markdown page. JSON keeps the raw value.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is shown escaped: C0 and C1 controls, DEL, and the bidi embeddings,
/// overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C).
fn needs_escape(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' | '\t' => !keep_newlines,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        '\u{200e}' | '\u{200f}' | '\u{061c}' => true,
        _ => false,
    }
}

/// `s` with every control and bidi character written as a visible escape (`\x1b`,
/// `\u{202e}`); newlines and tabs are kept when `keep_newlines` (free text).
pub fn escape_display(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c, keep_newlines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !needs_escape(c, keep_newlines) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_visible() {
        let s = "k\u{1b}[31mred\u{7}\r\0\u{202e}txt\u{2066}";
        let e = escape_display(s, true);
        assert_eq!(e, "k\\x1b[31mred\\x07\\x0d\\x00\\u{202e}txt\\u{2066}");
        assert_eq!(escape_display("plain µs ✓", false), "plain µs ✓");
        assert_eq!(escape_display("a\nb", true), "a\nb");
        assert_eq!(escape_display("a\nb", false), "a\\x0ab");
    }
}
