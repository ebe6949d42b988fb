//! Argument dumps whose head a paste cut (the middle of SGLang's `server_args=ServerArgs(…)`):
//! the configured CUDA-graph batch sizes, and a `key=` value that a line break moved to the
//! start of the next line. The one-number settings of such dumps are data rules
//! (`rules.toml`, `, key=` phrases); a dump with its head on the line is the argument
//! parser's (`crate::args`).

use crate::events::EventKind;
use crate::fields::leading_number;
use crate::rules::{Form, Rule};

/// Texts that mark a line holding an argument dump's head: the argument parser reads it.
const HEADS: &[&str] =
    &["ServerArgs(", "server_args=", "Namespace(", "with config:", "non-default args:"];

/// `…, cuda_graph_bs=[1, 2, 4, …], …` in a cut dump: the configured capture sizes (only a list
/// printed whole). `after` starts after the `[`.
pub(crate) fn graph_bs(before: &str, after: &str) -> Option<EventKind> {
    if HEADS.iter().any(|h| before.contains(h)) {
        return None;
    }
    let inner = &after[..after.find(']')?];
    let sizes: Vec<u64> =
        inner.split(',').map(|x| x.trim().parse::<u64>()).collect::<Result<_, _>>().ok()?;
    (!sizes.is_empty()).then_some(EventKind::ConfigCaptureSizes { sizes })
}

/// A number-form rule whose phrase ends in `=` and whose line ends right there (`…,
/// cuda_graph_max_bs=` then a line break): its key, so the next line's leading number can be
/// read as its value.
pub(crate) fn dangling_key(rule: &Rule, before: &str, after: &str) -> Option<String> {
    let open = rule.form == Form::Number
        && rule.phrase.ends_with('=')
        && after.trim().is_empty()
        && !rule.skip_before.iter().any(|s| before.contains(s.as_str()));
    open.then(|| rule.key.clone())
}

/// The value a line break cut from the previous line: the line starts with a number followed
/// by `,`, `)` or the end of the line.
pub(crate) fn continued_value(key: &str, line: &str) -> Option<EventKind> {
    let t = line.trim_start();
    let n = leading_number(t)?;
    let rest = t[n.len()..].trim_start();
    if !(rest.is_empty() || rest.starts_with(',') || rest.starts_with(')')) {
        return None;
    }
    let value: f64 = n.parse().ok()?;
    Some(EventKind::Setting { key: key.to_string(), value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_list_and_continuation() {
        assert_eq!(
            graph_bs("disable_radix_cache=False", "1, 2, 4], disable_cuda_graph=False"),
            Some(EventKind::ConfigCaptureSizes { sizes: vec![1, 2, 4] })
        );
        assert_eq!(graph_bs("server_args=ServerArgs(a=1", "1, 2]"), None);
        assert_eq!(graph_bs("", "1, 2, 4, 8"), None);
        assert_eq!(
            continued_value("graph_max_bs", "256, cuda_graph_bs=[1]"),
            Some(EventKind::Setting { key: "graph_max_bs".into(), value: 256.0 })
        );
        assert_eq!(continued_value("graph_max_bs", "256 requests queued"), None);
        assert_eq!(continued_value("graph_max_bs", "INFO 12:00 start"), None);
    }
}
