//! Inductor kernel names: `triton_<kind>_fused_<op>_<op>…_<n>`.
//!
//! TorchInductor names a generated Triton kernel after its kind (`poi` pointwise, `red`
//! reduction, `per` persistent reduction, `tem` template) and the aten ops it fused, joined
//! by `_`. Op names themselves contain underscores (`_to_copy`, `constant_pad_nd`), so the
//! op list is never split; instead each rule looks for whole op names bounded by `_` or the
//! ends. Rules are tried in file order, which is the documented precedence (norm before
//! activation before reduction before memory; the kernel kind decides the rest).

use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::Category;
use super::error::{TaxonomyError, invalid_at};
use super::rules::parse_category;

/// `triton_<kind>_fused[_<ops>]_<n>`; group 1 = kind, group 2 = ops (may be absent).
static INDUCTOR_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^triton_([a-z]+)_fused(?:_(.*?))?_\d+$").expect("static regex"));

/// A parsed Inductor kernel name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InductorName<'a> {
    /// Kernel kind: `poi`, `red`, `per`, `tem`, …
    pub kind: &'a str,
    /// The fused op list (`_to_copy_add_mean_mul_pow_rsqrt`), empty when absent.
    pub ops: &'a str,
}

impl<'a> InductorName<'a> {
    /// Parse `name` if it is an Inductor-generated kernel name.
    pub fn parse(name: &'a str) -> Option<InductorName<'a>> {
        let caps = INDUCTOR_NAME.captures(name)?;
        let kind = caps.get(1)?.as_str();
        let ops = caps.get(2).map(|m| m.as_str()).unwrap_or("");
        Some(InductorName { kind, ops })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InductorSpec {
    id: Spanned<String>,
    category: Spanned<String>,
    #[serde(default)]
    all: Vec<Spanned<String>>,
    #[serde(default)]
    none: Vec<Spanned<String>>,
    #[serde(default)]
    kinds: Vec<String>,
    #[allow(dead_code)] // required documentation field
    source: String,
}

/// One compiled Inductor rule.
#[derive(Debug, Clone)]
pub(crate) struct InductorRule {
    pub id: Arc<str>,
    pub category: Category,
    all: Vec<OpList>,
    none: Vec<OpList>,
    kinds: Vec<String>,
}

impl InductorRule {
    pub(crate) fn compile(
        file: &str,
        text: &str,
        spec: InductorSpec,
    ) -> Result<InductorRule, TaxonomyError> {
        let category = parse_category(file, text, &spec.category)?;
        let ops = |list: &[Spanned<String>]| -> Result<Vec<OpList>, TaxonomyError> {
            list.iter()
                .map(|alt| {
                    let names: Vec<&str> = alt.get_ref().split('|').map(str::trim).filter(|s| !s.is_empty()).collect();
                    if names.is_empty() || names.iter().any(|n| !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')) {
                        return Err(invalid_at(
                            file,
                            text,
                            alt.span(),
                            format!("expected op names separated by `|` (letters, digits, `_`), got {:?}", alt.get_ref()),
                        ));
                    }
                    Ok(OpList(names.iter().map(|n| n.trim_start_matches('_').to_string()).collect()))
                })
                .collect()
        };
        Ok(InductorRule {
            id: spec.id.get_ref().as_str().into(),
            category,
            all: ops(&spec.all)?,
            none: ops(&spec.none)?,
            kinds: spec.kinds,
        })
    }

    /// Whether this rule decides `name`.
    pub(crate) fn matches(&self, name: &InductorName<'_>) -> bool {
        (self.kinds.is_empty() || self.kinds.iter().any(|k| k == name.kind))
            && self.all.iter().all(|r| r.is_match(name.ops))
            && !self.none.iter().any(|r| r.is_match(name.ops))
    }
}

/// One `all`/`none` entry: op names, one of which must appear as whole `_`-separated words
/// of the fused-op list. What the regex `(?:^|_)(?:a|b)(?:_|$)` matched, without compiling
/// one per entry at start-up (issue #18): a name occurs at a position that starts the text
/// or follows `_` and ends the text or precedes `_` (every occurrence is tried, overlapping
/// ones included).
#[derive(Debug, Clone)]
struct OpList(Vec<String>);

impl OpList {
    fn is_match(&self, ops: &str) -> bool {
        let b = ops.as_bytes();
        self.0.iter().any(|n| {
            let n = n.as_bytes();
            (0..=b.len().saturating_sub(n.len())).any(|j| {
                j + n.len() <= b.len()
                    && &b[j..j + n.len()] == n
                    && (j == 0 || b[j - 1] == b'_')
                    && (j + n.len() == b.len() || b[j + n.len()] == b'_')
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_lists_match_what_their_regex_matched() {
        let names = ["to_copy", "add", "a_a", "mul_", "x"];
        let texts = [
            "",
            "add",
            "_add",
            "add_",
            "xadd",
            "addx",
            "_to_copy_add_mean",
            "mean_to_copyx",
            "xa_a_a",
            "a_a",
            "b_a_a_c",
            "mul",
            "mul_",
            "mul__",
            "sub_mul__x",
            "x_x",
            "xx",
        ];
        for name in names {
            let list = OpList(vec![name.to_string()]);
            let re = Regex::new(&format!("(?:^|_)(?:{})(?:_|$)", regex::escape(name))).unwrap();
            for t in texts {
                assert_eq!(list.is_match(t), re.is_match(t), "{name:?} in {t:?}");
            }
        }
    }

    #[test]
    fn parses_kind_and_ops() {
        let n = InductorName::parse("triton_per_fused__to_copy_add_mean_mul_pow_rsqrt_0").unwrap();
        assert_eq!(n.kind, "per");
        assert_eq!(n.ops, "_to_copy_add_mean_mul_pow_rsqrt");
        let n = InductorName::parse("triton_poi_fused_0").unwrap();
        assert_eq!((n.kind, n.ops), ("poi", ""));
        assert!(InductorName::parse("triton__0d1d2d").is_none());
        assert!(InductorName::parse("triton_fused_add_rms_norm_quant_fp8").is_none());
    }
}
