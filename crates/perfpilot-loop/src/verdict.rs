//! The reviewer's verdict grammar (RLCR, `loop-kda-ncu.md` section 1.6): a mandatory
//! `Mainline Progress Verdict: ADVANCED|STALLED|REGRESSED` line, a last line `COMPLETE` or
//! `STOP`, and findings tagged `[P0]`..`[P9]` (optionally with `file:line`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The reviewer's progress verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Progress {
    /// The mainline moved.
    Advanced,
    /// It did not.
    Stalled,
    /// It moved back.
    Regressed,
}

/// A last-line signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Signal {
    /// All criteria met.
    Complete,
    /// Stagnation circuit breaker.
    Stop,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewFinding {
    /// Severity 0 (worst) to 9.
    pub severity: u8,
    /// `file:line` when the finding names one.
    pub location: Option<String>,
    /// The finding's line, tag removed.
    pub text: String,
}

/// A parsed review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParsedReview {
    /// The verdict line's keyword.
    pub progress: Progress,
    /// `COMPLETE` / `STOP` as the last non-empty line.
    pub signal: Option<Signal>,
    /// Findings in order of appearance.
    pub findings: Vec<ReviewFinding>,
}

const VERDICT_PREFIX: &str = "Mainline Progress Verdict:";

/// Parse a review; an error says what the grammar requires (a missing or ambiguous
/// verdict line is a hard block, never a silent pass).
pub fn parse_review(text: &str) -> Result<ParsedReview, String> {
    let verdicts: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().trim_start_matches(['*', '-', ' ']).strip_prefix(VERDICT_PREFIX))
        .map(|v| v.trim().trim_matches('*').trim())
        .collect();
    let progress = match verdicts.as_slice() {
        [] => {
            return Err(format!(
                "the review has no `{VERDICT_PREFIX} ADVANCED|STALLED|REGRESSED` line"
            ));
        }
        [one] => match *one {
            "ADVANCED" => Progress::Advanced,
            "STALLED" => Progress::Stalled,
            "REGRESSED" => Progress::Regressed,
            other => {
                return Err(format!(
                    "the review's verdict line says `{other}`: expected exactly one of ADVANCED, STALLED, REGRESSED"
                ));
            }
        },
        _ => {
            return Err(format!(
                "the review has {} verdict lines, expected exactly one",
                verdicts.len()
            ));
        }
    };
    let signal = match text.lines().map(str::trim).rfind(|l| !l.is_empty()) {
        Some("COMPLETE") => Some(Signal::Complete),
        Some("STOP") => Some(Signal::Stop),
        _ => None,
    };
    let findings = text.lines().filter_map(finding).collect();
    Ok(ParsedReview { progress, signal, findings })
}

fn finding(line: &str) -> Option<ReviewFinding> {
    let start = line.find("[P")?;
    let rest = &line[start + 2..];
    let mut chars = rest.chars();
    let d = chars.next()?.to_digit(10)?;
    if chars.next()? != ']' {
        return None;
    }
    let text = format!("{}{}", &line[..start], &rest[2..])
        .trim()
        .trim_start_matches(['-', '*', ' '])
        .to_string();
    let location = text.split_whitespace().find_map(|w| {
        let w = w.trim_matches(|c: char| {
            matches!(c, '`' | '(' | ')' | ',' | ';' | ':' | '.') && c != '.'
        });
        let (f, l) = w.rsplit_once(':')?;
        (!f.is_empty()
            && f.contains('.')
            && !l.is_empty()
            && l.chars().all(|c| c.is_ascii_digit() || c == '-'))
        .then(|| w.to_string())
    });
    Some(ReviewFinding { severity: d as u8, location, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let r = parse_review(
            "Summary\nMainline Progress Verdict: ADVANCED\n- [P1] src/k.c:12 reads past the tail\n[P3] nit\nCOMPLETE\n",
        )
        .unwrap();
        assert_eq!(r.progress, Progress::Advanced);
        assert_eq!(r.signal, Some(Signal::Complete));
        assert_eq!(r.findings.len(), 2);
        assert_eq!(r.findings[0].severity, 1);
        assert_eq!(r.findings[0].location.as_deref(), Some("src/k.c:12"));
        assert_eq!(r.findings[1].location, None);
    }

    #[test]
    fn missing_or_double_verdict_is_an_error() {
        assert!(parse_review("looks fine\nCOMPLETE").is_err());
        assert!(parse_review("Mainline Progress Verdict: MAYBE").is_err());
        assert!(
            parse_review("Mainline Progress Verdict: STALLED\nMainline Progress Verdict: ADVANCED")
                .is_err()
        );
        let r = parse_review("**Mainline Progress Verdict: STALLED**\nSTOP").unwrap();
        assert_eq!((r.progress, r.signal), (Progress::Stalled, Some(Signal::Stop)));
    }
}
