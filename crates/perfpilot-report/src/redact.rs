//! Secrets never reach an output. [`Redactor::redact`] replaces, in any text about to be
//! written (result files, records, stdout, stderr, saved HTTP bodies and error messages):
//!
//! - every secret value it was told about (the API key in use, a bearer token);
//! - the value of every environment variable whose name ends in `_KEY`, `_TOKEN` or
//!   `_SECRET` (case-insensitive; values shorter than 6 characters are ignored, they would
//!   match ordinary words), see [`SECRET_ENV_SUFFIXES`];
//! - the value after an `Authorization`, `x-api-key` or `api-key` header name (in header,
//!   JSON or `key=value` form; the scheme word `Bearer`/`Basic` is kept);
//! - URL user-info: `http://user:pass@host` becomes `http://***@host`.
//!
//! Each is replaced by [`REDACTED`].

use std::borrow::Cow;

/// What a secret is replaced with.
pub const REDACTED: &str = "***";

/// Environment variable name endings whose values are secrets (compared case-insensitively).
pub const SECRET_ENV_SUFFIXES: [&str; 3] = ["_KEY", "_TOKEN", "_SECRET"];

/// Header names whose values are secrets (compared case-insensitively).
const SECRET_HEADERS: [&str; 3] = ["authorization", "x-api-key", "api-key"];

/// Shortest secret value replaced (shorter ones would match ordinary text).
const MIN_SECRET_LEN: usize = 6;

/// Removes secrets from text. See the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for header values, URL user-info and the secrets found in this process's
    /// environment (names ending in [`SECRET_ENV_SUFFIXES`]).
    pub fn from_env() -> Redactor {
        let mut r = Redactor::default();
        for (name, value) in std::env::vars_os() {
            let (Some(name), Some(value)) = (name.to_str(), value.to_str()) else { continue };
            let upper = name.to_ascii_uppercase();
            if SECRET_ENV_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
                r = r.with_secret(value);
            }
        }
        r
    }

    /// Also replace this exact value (ignored when shorter than 6 characters).
    pub fn with_secret(mut self, secret: &str) -> Redactor {
        let s = secret.trim();
        if s.len() >= MIN_SECRET_LEN && !self.secrets.iter().any(|x| x == s) {
            self.secrets.push(s.to_string());
            // Longest first, so a secret that contains another is replaced whole.
            self.secrets.sort_by_key(|x| std::cmp::Reverse(x.len()));
        }
        self
    }

    /// `text` without secrets (borrowed when nothing was found).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = Cow::Owned(out.replace(s.as_str(), REDACTED));
            }
        }
        let headers = redact_headers(&out);
        if let Cow::Owned(h) = headers {
            out = Cow::Owned(h);
        }
        match redact_url_userinfo(&out) {
            Cow::Owned(u) => Cow::Owned(u),
            Cow::Borrowed(_) => out,
        }
    }

    /// [`Redactor::redact`] into an owned string.
    pub fn clean(&self, text: &str) -> String {
        self.redact(text).into_owned()
    }
}

/// Replace URL user-info (`scheme://user:pass@host` → `scheme://***@host`).
pub fn redact_url_userinfo(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>' | '`') || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) if at > 0 && authority[..at] != *REDACTED => {
                out.push_str(REDACTED);
                out.push_str(&authority[at..]);
                changed = true;
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    if changed { Cow::Owned(out) } else { Cow::Borrowed(text) }
}

/// Replace the value after a secret header name.
fn redact_headers(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    if !SECRET_HEADERS.iter().any(|h| lower.contains(h)) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for h in SECRET_HEADERS {
        let mut from = 0;
        while let Some(i) = lower[from..].find(h) {
            let name_end = from + i + h.len();
            from = name_end;
            // `api-key` inside `x-api-key` is the same header.
            if h == "api-key" && lower[..name_end - h.len()].ends_with("x-") {
                continue;
            }
            // Separator: quotes, spaces, `:` or `=` (at least one `:` or `=`).
            let mut p = name_end;
            let mut sep = false;
            while p < bytes.len() && matches!(bytes[p], b'"' | b'\'' | b' ' | b'\t' | b':' | b'=') {
                sep |= matches!(bytes[p], b':' | b'=');
                p += 1;
            }
            if !sep || p >= bytes.len() {
                continue;
            }
            // Keep an auth scheme word.
            for scheme in ["bearer ", "basic ", "token "] {
                if lower[p..].starts_with(scheme) {
                    p += scheme.len();
                    break;
                }
            }
            let end = text[p..]
                .find(|c: char| {
                    matches!(c, '"' | '\'' | ',' | ';' | '}' | '&') || c.is_whitespace()
                })
                .map_or(text.len(), |e| p + e);
            if end > p && &text[p..end] != REDACTED {
                cuts.push((p, end));
            }
        }
    }
    if cuts.is_empty() {
        return Cow::Borrowed(text);
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in cuts {
        if s < at {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(REDACTED);
        at = e;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_every_form() {
        let r = Redactor::default().with_secret("sk-live-abcdef123456");
        let cases = [
            (
                "Incorrect API key provided: sk-live-abcdef123456.",
                "Incorrect API key provided: ***.",
            ),
            ("Authorization: Bearer tok-999999", "Authorization: Bearer ***"),
            (r#"{"authorization": "Basic dXNlcjpwYXNz"}"#, r#"{"authorization": "Basic ***"}"#),
            ("x-api-key: k-1234567 next", "x-api-key: *** next"),
            ("api-key=abcdefgh&x=1", "api-key=***&x=1"),
            ("GET http://user:pa55@host:8000/v1/models", "GET http://***@host:8000/v1/models"),
            (
                "https://tok@example.com and http://a:b@c/d",
                "https://***@example.com and http://***@c/d",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(r.redact(input), want, "{input}");
        }
        let plain = "no secrets at http://host:8000/v1 (an email a@b.c)";
        assert!(matches!(r.redact(plain), Cow::Borrowed(_)));
        // Idempotent.
        assert_eq!(r.clean(&r.clean(cases[5].0)), cases[5].1);
    }

    #[test]
    fn environment_secrets_by_name() {
        // SAFETY: names only this test uses.
        #[allow(unsafe_code)] // test-only env setup, a name no other test reads
        unsafe {
            std::env::set_var("PERFPILOT_REDACT_TEST_TOKEN", "hf_planted_0123456789");
            std::env::set_var("PERFPILOT_REDACT_TEST_PLAIN", "not-a-secret-value");
        }
        let r = Redactor::from_env();
        assert_eq!(r.redact("got hf_planted_0123456789!"), "got ***!");
        assert_eq!(r.redact("not-a-secret-value"), "not-a-secret-value");
    }
}
