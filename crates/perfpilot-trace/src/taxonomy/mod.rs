//! Kernel taxonomy: categories and the data-driven rules that assign them.
//!
//! The rules live in `data/taxonomy.toml` (embedded at build time, replaceable with a user
//! file) and match the *demangled* kernel name only. See `docs/taxonomy.md` for the
//! categories, the precedence and the rule format.
//!
//! ```
//! use perfpilot_trace::taxonomy::{Category, Taxonomy};
//!
//! let tax = Taxonomy::embedded();
//! assert_eq!(tax.classify("triton_poi_fused_mul_silu_1"), Category::Activation);
//! let (cat, rule) = tax.classify_explained("nvjet_tst_64x8_64x16_1x4_h_bz_TNT");
//! assert_eq!((cat, rule.as_str()), (Category::Gemm, "gemm.family"));
//! ```

mod category;
mod classify;
mod context;
mod error;
mod inductor;
mod lazy;
pub mod model;
mod ops;
mod rules;
mod signature;
mod vocab;

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, LazyLock};

pub use category::Category;
pub use classify::{Classified, ClassifyOptions, ClassifyReport, classify, names_in, read_names};
pub use context::{Evidence, GENERIC, LaunchContext};
pub use error::TaxonomyError;
pub use inductor::InductorName;
pub use signature::{Signature, canonical_name, cute_dsl_identity, strip_loader_suffix};
pub use vocab::words;

pub(crate) use error::{invalid_at, line_col, syntax_error};
pub(crate) use rules::{check_not_empty, check_regex, parse_category};

use rules::Compiled;
use signature::{entity_name, last_components, split_args};

/// The rule file compiled into the binary.
pub const EMBEDDED_RULES: &str = include_str!("../../data/taxonomy.toml");

/// Id reported when no rule matched.
pub const FALLBACK_RULE: &str = "fallback.other";

/// Prefix of the ids of token-model decisions (`model.gemm[sgemm+mma]`: the category, then
/// the tokens that favoured it most).
pub const MODEL_RULE_PREFIX: &str = "model.";

static EMBEDDED: LazyLock<Taxonomy> = LazyLock::new(|| {
    // The embedded file is tested (`embedded_rules_compile`); failing here is a build bug.
    // Context patterns and the vocabulary's regex parts compile on first use (issue #18).
    let inner = rules::compile("<embedded taxonomy>", EMBEDDED_RULES, false)
        .expect("embedded taxonomy.toml is valid");
    Taxonomy { inner: Arc::new(inner), fallback: RuleId(FALLBACK_RULE.into()) }
});

/// The id of the rule that decided a kernel's category (`gemm.family`, `inductor.norm.rsqrt`,
/// `fallback.other`). Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleId(Arc<str>);

impl RuleId {
    /// A rule id from its text.
    pub fn new(id: &str) -> RuleId {
        RuleId(id.into())
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A category decision: the category, the rule that decided it and which evidence it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The category.
    pub category: Category,
    /// The deciding rule (`gemm.family`, `context.moe.launch-op`, `fallback.other`).
    pub rule: RuleId,
    /// Name rule, fallback, launch op, call site or capture-time site.
    pub evidence: Evidence,
}

/// A compiled set of classification rules. Cloning is cheap (shared).
#[derive(Debug, Clone)]
pub struct Taxonomy {
    inner: Arc<Compiled>,
    fallback: RuleId,
}

impl Taxonomy {
    /// The built-in rules (`data/taxonomy.toml`), compiled once per process.
    pub fn embedded() -> Taxonomy {
        EMBEDDED.clone()
    }

    /// A reference to the built-in rules.
    pub fn embedded_ref() -> &'static Taxonomy {
        &EMBEDDED
    }

    /// Start compiling the built-in rules on a worker thread, so that the compile overlaps
    /// other start-up work (reading a trace); [`Taxonomy::embedded_ref`] then waits for it
    /// or, when the thread could not start, compiles them itself. Compiled at most once.
    pub fn prepare_embedded() {
        let _ = std::thread::Builder::new()
            .name("taxonomy-compile".into())
            .spawn(|| LazyLock::force(&EMBEDDED).rule_count());
    }

    /// Load a user rule file (`--rules FILE`). Errors name the file and the line.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Taxonomy, TaxonomyError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = perfpilot_io::read_to_string_bounded(path)
            .map_err(|cause| TaxonomyError::Io { file: file.clone(), cause })?;
        Taxonomy::from_toml_str(&text, &file)
    }

    /// Compile rules from TOML text; `origin` names the text in error messages.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Taxonomy, TaxonomyError> {
        let inner = rules::compile(origin, text, true)?;
        Ok(Taxonomy { inner: Arc::new(inner), fallback: RuleId(FALLBACK_RULE.into()) })
    }

    /// Compile every pattern that is otherwise compiled on first use (the embedded rules'
    /// context patterns and vocabulary regexes); the error names what did not compile.
    pub fn compile_all(&self) -> Result<(), String> {
        self.inner.force()
    }

    /// Where these rules came from: a path or `<embedded taxonomy>`.
    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// Number of rules (Inductor rules included).
    pub fn rule_count(&self) -> usize {
        self.inner.rules.len() + self.inner.inductor.len()
    }

    /// The category of a kernel name (mangled or not).
    pub fn classify(&self, name: &str) -> Category {
        self.classify_explained(name).0
    }

    /// The category of a kernel name and the id of the rule that decided it.
    pub fn classify_explained(&self, name: &str) -> (Category, RuleId) {
        let canonical = canonical_name(name);
        self.classify_canonical(&canonical)
    }

    /// Like [`Taxonomy::classify_explained`] for a name that is already canonical
    /// (the output of [`canonical_name`]); skips demangling.
    pub fn classify_canonical(&self, canonical: &str) -> (Category, RuleId) {
        let c = &self.inner;
        if let Some(ind) = InductorName::parse(canonical)
            && let Some(rule) = c.inductor.iter().find(|r| r.matches(&ind))
        {
            return (rule.category, RuleId(rule.id.clone()));
        }
        // Full-scope rules read the whole demangled name at their precedence.
        let full = c.full_set.first_match(canonical).map(|i| c.full_index[i]);
        // The kernel's own function name first (not its namespaces, not template noise):
        // `dpsk::grouped_gemm::cuda::utils::transpose` is a transpose. Launchers have no
        // meaningful own name, so they go straight to the identity with their arguments.
        let identity = self.identity(canonical);
        let leaf = match self.leaf(canonical, &identity) {
            Some(leaf) => c.identity_set.first_match(leaf).map(|i| c.identity_index[i]),
            None => None,
        };
        let mut best = min_opt(leaf, full);
        if best.is_none() {
            best = c.identity_set.first_match(&identity).map(|i| c.identity_index[i]);
        }
        // Vocabulary evidence: decides names no rule matched, and may replace a weak
        // (generic-family) rule's decision with a specific category the words favour.
        match (best, &c.vocab) {
            (Some(i), Some(v)) if v.is_weak(&c.rules[i].id) => {
                match v.override_weak(&identity, c.rules[i].category) {
                    Some(cat) => (cat, RuleId(v.rule_id(cat))),
                    None => (c.rules[i].category, RuleId(c.rules[i].id.clone())),
                }
            }
            (Some(i), _) => (c.rules[i].category, RuleId(c.rules[i].id.clone())),
            (None, Some(v)) => match v.decide(&identity) {
                Some(cat) => (cat, RuleId(v.rule_id(cat))),
                None => self.unknown(&identity),
            },
            (None, None) => self.unknown(&identity),
        }
    }

    /// A name no rule knows: the token model's category when it is confident
    /// (`[token_model]`), else `other`.
    fn unknown(&self, identity: &str) -> (Category, RuleId) {
        let vote = self
            .inner
            .token_model
            .as_ref()
            .and_then(|m| m.decide(&model::tokens(identity, &m.ignore)));
        match vote {
            Some(v) => {
                let id = match v.deciding.is_empty() {
                    true => format!("{MODEL_RULE_PREFIX}{}", v.category),
                    false => format!("{MODEL_RULE_PREFIX}{}[{}]", v.category, v.deciding.join("+")),
                };
                (v.category, RuleId(id.into()))
            }
            None => (Category::Other, self.fallback.clone()),
        }
    }

    /// The token-model tokens of a kernel name (see [`model::tokens`]; the `[token_model]`
    /// table's `ignore` words left out).
    pub fn model_tokens(&self, name: &str) -> Vec<String> {
        let canonical = canonical_name(name);
        let ignore = self.inner.token_model.as_ref().map_or(&[][..], |m| &m.ignore[..]);
        model::tokens(&self.identity(&canonical), ignore)
    }

    /// The category of a kernel name, refined by its launch context where the name alone
    /// lands in a generic category (see [`Taxonomy::refine`]).
    pub fn classify_in_context(&self, name: &str, ctx: &LaunchContext<'_>) -> Decision {
        let (category, rule) = self.classify_explained(name);
        self.refine(category, rule, ctx)
    }

    /// Refine a name decision with the `[[context]]` rules: the first rule whose `from`
    /// includes the name's category and whose pattern matches the launch op (then the call
    /// site, then the capture-time site) decides. Without a match the name decision stands.
    /// A token-model decision is the rules' `other` here: the launch context, when a context
    /// rule knows it, outranks a guess from the name's words.
    pub fn refine(&self, category: Category, rule: RuleId, ctx: &LaunchContext<'_>) -> Decision {
        let evidence = Evidence::of_name_rule(rule.as_str());
        let by_name = if evidence == Evidence::TokenModel { Category::Other } else { category };
        if let Some((r, evidence)) = context::decide(&self.inner.context, by_name, ctx) {
            return Decision { category: r.category, rule: RuleId(r.id.clone()), evidence };
        }
        Decision { category, rule, evidence }
    }

    /// Number of `[[context]]` rules.
    pub fn context_rule_count(&self) -> usize {
        self.inner.context.len()
    }

    /// The last component of a qualified, non-launcher function name (`None` for plain
    /// names, whose identity is the whole name, and for launchers).
    fn leaf<'a>(&self, canonical: &str, identity: &'a str) -> Option<&'a str> {
        let plain = !canonical.contains("::") && !canonical.contains('<');
        if plain || identity.contains('<') || !identity.contains("::") {
            return None;
        }
        Some(last_components(identity, 1))
    }

    /// The text the rules match: the qualified function name of the kernel, plus its
    /// template arguments when the function is a generic launcher. Plain (non-C++) names
    /// are their own identity.
    pub fn identity<'a>(&self, canonical: &'a str) -> Cow<'a, str> {
        if !canonical.contains("::") && !canonical.contains('<') {
            return Cow::Borrowed(cute_dsl_identity(canonical).unwrap_or(canonical));
        }
        let sig = Signature::parse(canonical);
        if !sig.template_args.is_empty() && self.inner.launchers.is_match(&sig.head) {
            Cow::Owned(format!("{}<{}>", sig.head, sig.template_args))
        } else {
            Cow::Owned(sig.head)
        }
    }

    /// The source (framework path, PR, library doc) of a rule, by id.
    pub fn rule_source(&self, id: &str) -> Option<&str> {
        self.inner
            .rules
            .iter()
            .find(|r| &*r.id == id)
            .map(|r| r.source.as_str())
            .or_else(|| self.inner.context.iter().find(|r| &*r.id == id).map(|r| r.source.as_str()))
            .or_else(|| {
                (id.starts_with("vocab.") && self.inner.vocab.is_some())
                    .then_some(self.inner.vocab_source.as_str())
            })
            .or_else(|| match &self.inner.token_model {
                Some(m) if id.starts_with(MODEL_RULE_PREFIX) => Some(m.source.as_str()),
                _ => None,
            })
    }

    /// A short form of a kernel name that people recognise: demangled, without return
    /// type, parameters and template arguments, at most two namespace levels; for generic
    /// launchers the kernel they run is shown in `<…>` (`vectorized_elementwise_kernel<silu_kernel>`,
    /// `device_kernel<FlashAttnFwdSm90>`). At most `max_len` characters.
    pub fn display_name(&self, name: &str, max_len: usize) -> String {
        let canonical = canonical_name(name);
        let short = self.display_canonical(&canonical);
        perfpilot_io::truncate_to(&short, max_len.max(1), "…")
    }

    fn display_canonical(&self, canonical: &str) -> String {
        if let Some(id) = cute_dsl_identity(canonical) {
            return id.to_string();
        }
        if !canonical.contains("::") && !canonical.contains('<') {
            // `ncclKernel_…(ncclWorkElem)`: keep the name, drop a parameter list.
            return match canonical.find('(') {
                Some(i) if i > 0 && canonical.ends_with(')') => {
                    canonical[..i].trim_end().to_string()
                }
                _ => canonical.to_string(),
            };
        }
        let sig = Signature::parse(canonical);
        let head = entity_name(&sig.head);
        if !sig.template_args.is_empty() && self.inner.launchers.is_match(&sig.head) {
            let outer = last_components(&head, 1);
            match self.launched_kernel(sig.template_args, 0) {
                Some(inner) => format!("{outer}<{inner}>"),
                None => outer.to_string(),
            }
        } else {
            short_qualified(&head).to_string()
        }
    }

    /// The first template argument that names an entity, looking through wrappers.
    fn launched_kernel(&self, args: &str, depth: usize) -> Option<String> {
        if depth > 4 {
            return None;
        }
        for arg in split_args(args) {
            let arg = arg.trim_start_matches("const ").trim();
            let starts_like_name =
                arg.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            if !starts_like_name || is_plain_type(arg) {
                continue;
            }
            let entity = entity_name(arg);
            let last = last_components(&entity, 1);
            let transparent = self.inner.transparent.as_ref().is_some_and(|t| t.is_match(last));
            if transparent {
                let inner = Signature::parse(arg);
                if let Some(found) = self.launched_kernel(inner.template_args, depth + 1) {
                    return Some(found);
                }
                continue;
            }
            if !last.is_empty() {
                return Some(last.to_string());
            }
        }
        None
    }
}

fn min_opt(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// At most two namespace levels, without noise namespaces such as `at::native`.
fn short_qualified(head: &str) -> &str {
    let two = last_components(head, 2);
    match two.split_once("::") {
        Some(("native" | "detail" | "impl" | "kernels" | "internal" | "cuda", rest)) => rest,
        _ => two,
    }
}

fn is_plain_type(arg: &str) -> bool {
    const TYPES: &[&str] = &[
        "float",
        "double",
        "int",
        "long",
        "bool",
        "char",
        "short",
        "unsigned",
        "signed",
        "void",
        "half",
        "c10::",
        "__nv_",
        "__hip_",
        "std::",
        "cutlass::bfloat16_t",
        "cutlass::half_t",
        "cute::",
    ];
    TYPES.iter().any(|t| arg.starts_with(t))
}

/// [`Taxonomy::display_name`] with the built-in rules.
pub fn display_name(name: &str, max_len: usize) -> String {
    Taxonomy::embedded_ref().display_name(name, max_len)
}

#[cfg(test)]
mod tests;
