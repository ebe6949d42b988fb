//! Log transforms shared by the triage and capacity log-form tests (issue 11 item 6): the
//! same log coloured, UTF-16 encoded, with CR-only line ends and with a 2 MiB first line.
#![allow(dead_code)]

/// The ways a log arrives that must read the same as the original.
#[derive(Debug, Clone, Copy)]
pub enum Form {
    /// ANSI colour around every level word, exception name and time stamp.
    Coloured,
    /// UTF-16 LE with a byte-order mark (Windows PowerShell `>`).
    Utf16Le,
    /// UTF-16 BE with a byte-order mark.
    Utf16Be,
    /// `\r` line ends only.
    CrOnly,
    /// A 2 MiB first line before the log (line numbers shift by exactly one).
    LongFirstLine,
}

/// Every form.
pub const FORMS: [Form; 5] =
    [Form::Coloured, Form::Utf16Le, Form::Utf16Be, Form::CrOnly, Form::LongFirstLine];

/// `text` in `form`.
pub fn transform(text: &str, form: Form) -> Vec<u8> {
    match form {
        Form::Coloured => {
            let mut s = String::new();
            for line in text.split_inclusive('\n') {
                // Colour the first word (time stamp or level) and every word ending in
                // Error/Exception/error, as coloured loggers and rich tracebacks do.
                let mut first = true;
                for word in line.split_inclusive(' ') {
                    let bare = word.trim_end();
                    if first
                        || bare.ends_with("Error:")
                        || bare.ends_with("Error")
                        || bare.contains("rror")
                    {
                        s.push_str("\x1b[1;31m");
                        s.push_str(bare);
                        s.push_str("\x1b[0m");
                        s.push_str(&word[bare.len()..]);
                    } else {
                        s.push_str(word);
                    }
                    first = false;
                }
            }
            s.into_bytes()
        }
        Form::Utf16Le => {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }
        Form::Utf16Be => {
            let mut b = vec![0xFE, 0xFF];
            b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            b
        }
        Form::CrOnly => text.replace("\r\n", "\n").replace('\n', "\r").into_bytes(),
        Form::LongFirstLine => {
            let mut s = "x".repeat(2 << 20);
            s.push('\n');
            s.push_str(text);
            s.into_bytes()
        }
    }
}
