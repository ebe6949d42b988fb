//! Deciding a kernel's category with the launch context a trace gives: the launching
//! `cpu_op`, the Python call site and, for CUDA-graph replays, the capture-time call site.
//!
//! The name decides first. Only when the name lands in a generic category (by default
//! elementwise, memory, reduction, other; a rule may list more, e.g. `gemm` for expert GEMMs
//! that only the MoE layer identifies) do the `[[context]]` rules of the rule file look at the
//! context: launch-op rules first, then call-site rules, then the same call-site rules on the
//! capture-time site. First match wins; every decision says which evidence decided.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::error::{TaxonomyError, invalid_at};
use super::lazy::LazyRegexes;
use super::rules::check_syntax_when;
use super::{Category, check_regex, parse_category};

/// Which evidence decided a kernel's category.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// A name rule (`[[rule]]` or `[[inductor]]`).
    #[default]
    NameRule,
    /// No name rule matched and no context rule either (`fallback.other`).
    Fallback,
    /// A `[[context]]` rule on the launching CPU op (`vllm::moe_forward`, `aten::argmax`).
    LaunchOp,
    /// A `[[context]]` rule on the Python call site (`…/fused_moe/…`, `…/sampler.py`).
    CallSite,
    /// A call-site rule on the capture-time call site of a CUDA-graph replay.
    CaptureSite,
    /// No rule knew the name; the token model (`[token_model]`, `data/name_model.tsv`)
    /// decided it from its words (rule id `model.<category>[token+token]`).
    TokenModel,
}

impl Evidence {
    /// The snake_case name used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::NameRule => "name_rule",
            Evidence::Fallback => "fallback",
            Evidence::LaunchOp => "launch_op",
            Evidence::CallSite => "call_site",
            Evidence::CaptureSite => "capture_site",
            Evidence::TokenModel => "token_model",
        }
    }

    /// The evidence of a name decision by its rule id: `fallback.other` is the fallback,
    /// `model.…` the token model, any other id a name rule.
    pub fn of_name_rule(rule: &str) -> Evidence {
        if rule == super::FALLBACK_RULE {
            Evidence::Fallback
        } else if rule.starts_with(super::MODEL_RULE_PREFIX) {
            Evidence::TokenModel
        } else {
            Evidence::NameRule
        }
    }
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a trace knows about where a kernel was launched. Every part is optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct LaunchContext<'a> {
    /// The launching CPU op (`vllm::moe_forward`, `aten::argmax`, `_C::rms_norm`).
    pub launch_op: Option<&'a str>,
    /// The Python call site (`vllm/model_executor/layers/fused_moe/layer.py(1720): forward`).
    pub call_site: Option<&'a str>,
    /// For a CUDA-graph replay: the call site recorded when the graph was captured.
    pub capture_site: Option<&'a str>,
}

impl LaunchContext<'_> {
    /// True when no part is known.
    pub fn is_empty(&self) -> bool {
        self.launch_op.is_none() && self.call_site.is_none() && self.capture_site.is_none()
    }
}

/// The categories a context rule may override when `from` is not given.
pub const GENERIC: [Category; 4] =
    [Category::Elementwise, Category::Memory, Category::Reduction, Category::Other];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextSpec {
    id: Spanned<String>,
    category: Spanned<String>,
    #[serde(default)]
    launch_op: Option<Spanned<String>>,
    #[serde(default)]
    call_site: Option<Spanned<String>>,
    #[serde(default)]
    from: Option<Vec<Spanned<String>>>,
    #[allow(dead_code)] // required so every entry has one; shown by `rule_source`
    source: String,
}

/// What a compiled context rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContextOn {
    LaunchOp,
    CallSite,
}

/// One compiled `[[context]]` rule.
#[derive(Debug)]
pub(crate) struct ContextRule {
    pub id: std::sync::Arc<str>,
    pub category: Category,
    pub on: ContextOn,
    /// Compiled on first use (see [`LazyRegexes`]).
    pub pattern: LazyRegexes<1>,
    pub from: Vec<Category>,
    pub source: String,
}

impl ContextRule {
    pub(crate) fn compile(
        file: &str,
        text: &str,
        spec: ContextSpec,
        eager: bool,
    ) -> Result<ContextRule, TaxonomyError> {
        let category = parse_category(file, text, &spec.category)?;
        let (on, pat) = match (&spec.launch_op, &spec.call_site) {
            (Some(p), None) => (ContextOn::LaunchOp, p),
            (None, Some(p)) => (ContextOn::CallSite, p),
            _ => {
                return Err(invalid_at(
                    file,
                    text,
                    spec.id.span(),
                    format!(
                        "context rule {:?} needs exactly one of `launch_op`, `call_site`",
                        spec.id.get_ref()
                    ),
                ));
            }
        };
        let pattern = if eager {
            LazyRegexes::ready([pat.get_ref().clone()], [check_regex(file, text, pat)?])
        } else {
            check_syntax_when(false, file, text, pat)?;
            LazyRegexes::new([pat.get_ref().clone()], "context rule pattern")
        };
        let from = match &spec.from {
            None => GENERIC.to_vec(),
            Some(list) => {
                let mut v = Vec::with_capacity(list.len());
                for c in list {
                    v.push(parse_category(file, text, c)?);
                }
                v
            }
        };
        Ok(ContextRule {
            id: spec.id.get_ref().as_str().into(),
            category,
            on,
            pattern,
            from,
            source: spec.source,
        })
    }

    /// The id text, for duplicate checks.
    pub(crate) fn id_text(spec: &ContextSpec) -> (&str, std::ops::Range<usize>) {
        (spec.id.get_ref(), spec.id.span())
    }
}

/// The first context rule that overrides `by_name` for `ctx`, with the evidence it used.
pub(crate) fn decide<'r>(
    rules: &'r [ContextRule],
    by_name: Category,
    ctx: &LaunchContext<'_>,
) -> Option<(&'r ContextRule, Evidence)> {
    if ctx.is_empty() {
        return None;
    }
    let eligible = |r: &&ContextRule| r.from.contains(&by_name);
    let on = |kind: ContextOn, text: Option<&str>| {
        let text = text?;
        rules
            .iter()
            .filter(eligible)
            .find(|r| r.on == kind && r.pattern.get().is_some_and(|[re]| re.is_match(text)))
    };
    if let Some(r) = on(ContextOn::LaunchOp, ctx.launch_op) {
        return Some((r, Evidence::LaunchOp));
    }
    if let Some(r) = on(ContextOn::CallSite, ctx.call_site) {
        return Some((r, Evidence::CallSite));
    }
    on(ContextOn::CallSite, ctx.capture_site).map(|r| (r, Evidence::CaptureSite))
}
