//! A small RFC 4180 CSV reader for Nsight Compute exports: quoted fields (commas and
//! doubled quotes inside), CRLF or LF, records of varying width, and `==PROF==` (or any
//! `==`-prefixed) tool lines skipped. Every record keeps the 1-based line it starts on, so
//! errors can name `file:line`.

/// One record: its fields and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based line of the record's first character.
    pub line: usize,
    /// The fields, unquoted.
    pub fields: Vec<String>,
}

/// Why the text is not CSV: the line and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvError {
    /// 1-based line.
    pub line: usize,
    /// What was expected.
    pub message: String,
}

/// Split `text` into records. Blank lines and lines starting with `==` (outside quotes)
/// are skipped.
pub fn parse(text: &str) -> Result<Vec<Record>, CsvError> {
    let mut records = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut line = 1usize;
    loop {
        // At the start of a record: skip blank and tool lines.
        match chars.peek() {
            None => break,
            Some(&(_, '\n')) => {
                chars.next();
                line += 1;
                continue;
            }
            Some(&(_, '\r')) => {
                chars.next();
                continue;
            }
            Some(&(i, '=')) if text[i..].starts_with("==") => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                line += 1;
                continue;
            }
            _ => {}
        }
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        loop {
            let Some((_, c)) = chars.next() else {
                if quoted {
                    return Err(CsvError {
                        line: start,
                        message: "unterminated quoted field: expected a closing `\"` before the end of the file".into(),
                    });
                }
                fields.push(std::mem::take(&mut field));
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek().map(|p| p.1) == Some('"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                }
                '"' => {
                    return Err(CsvError {
                        line,
                        message: format!(
                            "field {}: a `\"` inside an unquoted field (expected `,` or the end of the line after a quoted field)",
                            fields.len() + 1
                        ),
                    });
                }
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                }
                '\r' => {}
                '\n' => {
                    line += 1;
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                _ if was_quoted => {
                    return Err(CsvError {
                        line,
                        message: format!(
                            "field {}: text after a closing quote (expected `,` or the end of the line)",
                            fields.len() + 1
                        ),
                    });
                }
                _ => field.push(c),
            }
        }
        records.push(Record { line: start, fields });
    }
    Ok(records)
}

/// A number as Nsight Compute prints it: thousands separators (`"1,056"`,
/// `"328,922,368"`) removed; `n/a`, empty and non-numbers are `None`.
pub fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("n/a") {
        return None;
    }
    let cleaned: String = t.chars().filter(|c| *c != ',').collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_commas_doubled_quotes_prof_lines_and_ragged_rows() {
        let text = "==PROF== Connected to process 1\n\"a\",\"b,c\"\r\n\"x \"\"y\"\"\",\"1,056\",\n\n==PROF== Disconnected\n";
        let r = parse(text).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].line, 2);
        assert_eq!(r[0].fields, vec!["a", "b,c"]);
        assert_eq!(r[1].fields, vec!["x \"y\"", "1,056", ""]);
        assert_eq!(number(&r[1].fields[1]), Some(1056.0));
        assert_eq!(number("328,922,368"), Some(328_922_368.0));
        assert_eq!(number("n/a"), None);
    }

    #[test]
    fn unterminated_quote_names_the_line() {
        let e = parse("x\n\"a\",\"b\nc,d").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unterminated"), "{e:?}");
        let e = parse("a,b\"c\n").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
