//! The rule file format (`data/taxonomy.toml`) and its compilation into regex sets.

use perfpilot_gate::GatedSet;
use regex::{Regex, RegexSet};
use serde::Deserialize;
use toml::Spanned;

use super::Category;
use super::context::{ContextRule, ContextSpec};
use super::error::{TaxonomyError, invalid_at, syntax_error};
use super::inductor::{InductorRule, InductorSpec};
use super::model::{TokenModel, TokenModelSpec};
use super::ops::OpSpec;
use super::vocab::{Vocabulary, VocabularySpec, WordSpec};

/// The schema id a rule file must declare.
pub const SCHEMA: &str = "perfpilot.taxonomy/1";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    schema: Spanned<String>,
    #[serde(default)]
    launcher: Vec<LauncherSpec>,
    #[serde(default)]
    display: Option<DisplaySpec>,
    #[serde(default)]
    inductor: Vec<InductorSpec>,
    #[serde(default)]
    rule: Vec<RuleSpec>,
    #[serde(default)]
    context: Vec<ContextSpec>,
    #[serde(default)]
    vocabulary: Option<VocabularySpec>,
    #[serde(default)]
    word: Vec<WordSpec>,
    #[serde(default)]
    op: Vec<OpSpec>,
    #[serde(default)]
    token_model: Option<TokenModelSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LauncherSpec {
    pattern: Spanned<String>,
    #[allow(dead_code)] // documentation for rule authors; required so every entry has one
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisplaySpec {
    transparent: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: Spanned<String>,
    category: Spanned<String>,
    pattern: Spanned<String>,
    #[serde(default)]
    scope: Option<Spanned<String>>,
    source: String,
}

/// One classification rule after compilation.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: std::sync::Arc<str>,
    pub category: Category,
    pub source: String,
}

/// A whole rule file, compiled.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// Where the rules came from (a path, or `<embedded taxonomy>`).
    pub origin: String,
    pub rules: Vec<Rule>,
    /// Rules matched against the identity, and their index in `rules`.
    pub identity_set: GatedSet,
    pub identity_index: Vec<usize>,
    /// Rules matched against the whole demangled name, and their index in `rules`.
    pub full_set: GatedSet,
    pub full_index: Vec<usize>,
    pub launchers: GatedSet,
    pub transparent: Option<Regex>,
    pub inductor: Vec<InductorRule>,
    /// `[[context]]` rules, in file order.
    pub context: Vec<ContextRule>,
    /// `[vocabulary]` + `[[word]]`: weighted word evidence (absent in older rule files).
    pub vocab: Option<Vocabulary>,
    /// The `[vocabulary]` table's `source`.
    pub vocab_source: String,
    /// `[token_model]`: the fallback for names no rule knows (absent in older rule files).
    pub token_model: Option<TokenModel>,
}

/// Compile a rule file. With `eager` every pattern is compiled now (a user's file: its errors
/// name the file and line at load); without it, the `[[context]]` patterns and the
/// vocabulary's regex parts are only syntax-checked now and compiled on first use (the
/// embedded file, whose every pattern its test compiles).
pub(crate) fn compile(file: &str, text: &str, eager: bool) -> Result<Compiled, TaxonomyError> {
    let parsed: RuleFile = toml::from_str(text).map_err(|e| syntax_error(file, text, &e))?;
    if parsed.schema.get_ref() != SCHEMA {
        return Err(invalid_at(
            file,
            text,
            parsed.schema.span(),
            format!("schema is {:?}, expected {SCHEMA:?}", parsed.schema.get_ref()),
        ));
    }
    for l in &parsed.launcher {
        check_syntax_when(eager, file, text, &l.pattern)?;
    }
    let launcher_specs: Vec<&Spanned<String>> =
        parsed.launcher.iter().map(|l| &l.pattern).collect();
    let launchers = gated_set(eager, file, text, &launcher_specs, "launcher patterns")?;
    let transparent = match &parsed.display {
        Some(d) => Some(check_regex(file, text, &d.transparent)?),
        None => None,
    };

    let mut seen = std::collections::HashSet::new();
    let mut inductor = Vec::new();
    for spec in parsed.inductor {
        let rule = InductorRule::compile(file, text, spec)?;
        if !seen.insert(rule.id.to_string()) {
            return Err(TaxonomyError::Invalid {
                file: file.to_string(),
                line: 0,
                message: format!("duplicate rule id {:?}", rule.id),
            });
        }
        inductor.push(rule);
    }

    let mut rules = Vec::new();
    let (mut identity_patterns, mut identity_index): (Vec<Spanned<String>>, _) =
        (Vec::new(), Vec::new());
    let (mut full_patterns, mut full_index): (Vec<Spanned<String>>, _) = (Vec::new(), Vec::new());
    for spec in parsed.rule {
        let category = parse_category(file, text, &spec.category)?;
        if !seen.insert(spec.id.get_ref().clone()) {
            return Err(invalid_at(
                file,
                text,
                spec.id.span(),
                format!("duplicate rule id {:?}", spec.id.get_ref()),
            ));
        }
        check_syntax_when(eager, file, text, &spec.pattern)?;
        let full = match &spec.scope {
            None => false,
            Some(s) => match s.get_ref().as_str() {
                "identity" => false,
                "full" => true,
                other => {
                    return Err(invalid_at(
                        file,
                        text,
                        s.span(),
                        format!("scope {other:?} is not one of \"identity\", \"full\""),
                    ));
                }
            },
        };
        let index = rules.len();
        if full {
            full_patterns.push(spec.pattern);
            full_index.push(index);
        } else {
            identity_patterns.push(spec.pattern);
            identity_index.push(index);
        }
        rules.push(Rule { id: spec.id.get_ref().as_str().into(), category, source: spec.source });
    }
    let mut context = Vec::with_capacity(parsed.context.len());
    for spec in parsed.context {
        let (id, span) = ContextRule::id_text(&spec);
        if !seen.insert(id.to_string()) {
            return Err(invalid_at(file, text, span, format!("duplicate rule id {id:?}")));
        }
        context.push(ContextRule::compile(file, text, spec, eager)?);
    }
    let vocab_source = parsed.vocabulary.as_ref().map(|v| v.source.clone()).unwrap_or_default();
    let vocab = match parsed.vocabulary {
        Some(spec) => {
            let ops = super::ops::compile(file, text, parsed.op)?;
            Some(Vocabulary::compile(file, text, spec, parsed.word, ops, eager)?)
        }
        None if !parsed.word.is_empty() || !parsed.op.is_empty() => {
            return Err(TaxonomyError::Invalid {
                file: file.to_string(),
                line: 0,
                message: "[[word]] and [[op]] entries need a [vocabulary] table".into(),
            });
        }
        None => None,
    };
    let token_model = match parsed.token_model {
        Some(spec) => Some(TokenModel::compile(file, spec, eager)?),
        None => None,
    };
    let set = |p: &[Spanned<String>]| {
        gated_set(eager, file, text, &p.iter().collect::<Vec<_>>(), "rule patterns")
    };
    Ok(Compiled {
        origin: file.to_string(),
        rules,
        identity_set: set(&identity_patterns)?,
        identity_index,
        full_set: set(&full_patterns)?,
        full_index,
        launchers,
        transparent,
        inductor,
        context,
        vocab,
        vocab_source,
        token_model,
    })
}

impl Compiled {
    /// Compile every pattern left for first use; the error names what did not compile.
    pub(crate) fn force(&self) -> Result<(), String> {
        self.launchers.force()?;
        self.identity_set.force()?;
        self.full_set.force()?;
        for c in &self.context {
            c.pattern.force()?;
        }
        if let Some(m) = &self.token_model {
            m.model().map_err(String::clone)?;
        }
        self.vocab.as_ref().map_or(Ok(()), |v| v.force())
    }
}

pub(crate) fn parse_category(
    file: &str,
    text: &str,
    s: &Spanned<String>,
) -> Result<Category, TaxonomyError> {
    Category::parse(s.get_ref()).ok_or_else(|| {
        let all: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        invalid_at(
            file,
            text,
            s.span(),
            format!("unknown category {:?}, expected one of {}", s.get_ref(), all.join(", ")),
        )
    })
}

pub(crate) fn check_regex(
    file: &str,
    text: &str,
    s: &Spanned<String>,
) -> Result<Regex, TaxonomyError> {
    check_not_empty(file, text, s)?;
    Regex::new(s.get_ref())
        .map_err(|e| invalid_at(file, text, s.span(), format!("bad regex {:?}: {e}", s.get_ref())))
}

/// An empty pattern would match every name: refused with its line.
pub(crate) fn check_not_empty(
    file: &str,
    text: &str,
    s: &Spanned<String>,
) -> Result<(), TaxonomyError> {
    if s.get_ref().is_empty() {
        return Err(invalid_at(
            file,
            text,
            s.span(),
            "empty pattern (it would match every name)".into(),
        ));
    }
    Ok(())
}

/// [`check_regex`] without compiling: for a pattern that is compiled once, as part of a
/// [`RegexSet`] ([`compile_set`]). The syntax check is the parse `Regex::new` runs first, so
/// a bad pattern gets the same message at the same line; compiling each set member on its
/// own as well was a third of the rule file's start-up cost (issue #18).
pub(crate) fn check_syntax(
    file: &str,
    text: &str,
    s: &Spanned<String>,
) -> Result<(), TaxonomyError> {
    check_not_empty(file, text, s)?;
    regex_syntax::Parser::new()
        .parse(s.get_ref())
        .map(|_| ())
        .map_err(|e| invalid_at(file, text, s.span(), format!("bad regex {:?}: {e}", s.get_ref())))
}

/// [`check_syntax`] for a user's file (`eager`); for the embedded file only the empty check:
/// its patterns are compiled by their test, a set that does not compile still names its
/// pattern ([`compile_set`]), and parsing each pattern twice was a fifth of the taxonomy's
/// start-up (issue #18).
pub(crate) fn check_syntax_when(
    eager: bool,
    file: &str,
    text: &str,
    s: &Spanned<String>,
) -> Result<(), TaxonomyError> {
    if eager { check_syntax(file, text, s) } else { check_not_empty(file, text, s) }
}

/// The name-rule patterns as a [`GatedSet`] (each compiled on first use, behind a literal
/// gate). For a user's file (`eager`) the patterns are compiled together now as well, so a
/// pattern that does not compile is named at its line at load ([`compile_set`]).
fn gated_set(
    eager: bool,
    file: &str,
    text: &str,
    patterns: &[&Spanned<String>],
    what: &str,
) -> Result<GatedSet, TaxonomyError> {
    if eager {
        compile_set(file, text, patterns, what)?;
    }
    Ok(GatedSet::new(patterns.iter().map(|p| p.get_ref().clone()).collect()))
}

/// One [`RegexSet`] of syntax-checked patterns. When the set does not compile (a size
/// limit), the first pattern that does not compile alone is named at its line.
pub(crate) fn compile_set(
    file: &str,
    text: &str,
    patterns: &[&Spanned<String>],
    what: &str,
) -> Result<RegexSet, TaxonomyError> {
    RegexSet::new(patterns.iter().map(|p| p.get_ref())).map_err(|e| {
        match patterns.iter().find_map(|p| check_regex(file, text, p).err()) {
            Some(located) => located,
            None => TaxonomyError::Invalid {
                file: file.to_string(),
                line: 0,
                message: format!("{what}: {e}"),
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spanned(text: &str) -> (String, Spanned<String>) {
        #[derive(Deserialize)]
        struct One {
            pattern: Spanned<String>,
        }
        let file = format!("pattern = '{text}'\n");
        let one: One = toml::from_str(&file).expect("toml");
        (file, one.pattern)
    }

    #[test]
    fn syntax_check_reports_what_compiling_reports() {
        for bad in ["(", "[z-a]", r"\p{NoSuchClass}", "a{2,1}", "(?P<x>a)(?P<x>b)", ""] {
            let (file, s) = spanned(bad);
            let want = check_regex("r.toml", &file, &s).unwrap_err().to_string();
            let got = check_syntax("r.toml", &file, &s).unwrap_err().to_string();
            assert_eq!(got, want, "{bad:?}");
            assert!(got.starts_with("r.toml:1:"), "{got}");
        }
        let (file, ok) = spanned("(?i)flash_?attn|(^|::)mha(_|$)");
        assert!(check_syntax("r.toml", &file, &ok).is_ok());
    }

    #[test]
    fn a_set_that_does_not_compile_names_the_pattern() {
        // Valid syntax, over the size limit once compiled: named at its line all the same.
        let (file, big) = spanned(r"\w{1000}\w{1000}\w{1000}");
        assert!(check_syntax("r.toml", &file, &big).is_ok());
        let e = compile_set("r.toml", &file, &[&big], "rule patterns").unwrap_err().to_string();
        assert!(e.starts_with("r.toml:1:") && e.contains("bad regex"), "{e}");
    }
}
