//! Weighted vocabulary evidence: the name split into words, each word voting for categories.
//!
//! The ordered `[[rule]]` patterns recognise *families* they were written for; a library
//! never seen before names its kernels in its own words. This stage reads those words: the
//! kernel's identity is split into lower-case words at `::`, `_`, other punctuation and
//! camelCase boundaries (`FusedQKVBiasKernel` → `fused qkv bias kernel`), adjacent words are
//! also joined (`all reduce` → `allreduce`, `top k` → `topk`), and every `[[word]]` entry
//! whose `tokens` regex matches a whole word adds its `weight` to its category — words of the
//! function's own name at full weight, words of its namespaces at `namespace_weight`
//! (`flashinfer::norm::…`). The category with the highest score wins; ties go to the earlier
//! category of `precedence`.
//!
//! It decides in two places (see `docs/taxonomy.md`, "Vocabulary evidence"):
//! 1. no rule matched: the best category, if it scores at least `min_score`;
//! 2. a *weak* rule matched (`weak_rules`, the generic memory / elementwise / reduction
//!    families): a *specific* category (not in `generic`) that scores at least `min_score`
//!    and `override_margin` more than the rule's own category replaces it.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::Category;
use super::error::{TaxonomyError, invalid_at};
use super::lazy::{LazyRegexes, LazySet};
use super::rules::{check_regex, check_syntax_when, parse_category};

/// The `[vocabulary]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VocabularySpec {
    min_score: f64,
    override_margin: f64,
    namespace_weight: f64,
    #[serde(default)]
    weak_rules: Vec<String>,
    #[serde(default)]
    generic: Vec<Spanned<String>>,
    precedence: Vec<Spanned<String>>,
    /// Weight of an `[[op]]` name (default 2.0).
    #[serde(default)]
    op_weight: Option<f64>,
    /// Prefixes an unknown word is tried without (`u` of `uneg`, `b` of `badd`).
    #[serde(default)]
    strip_prefixes: Vec<String>,
    /// Regex of type affixes an unknown word is tried without (`bf16` of `castbf16`).
    #[serde(default)]
    type_affixes: Option<Spanned<String>>,
    /// Where the weights and precedence come from (required).
    pub(crate) source: String,
}

/// One `[[word]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WordSpec {
    category: Spanned<String>,
    weight: Spanned<f64>,
    tokens: Spanned<String>,
    #[allow(dead_code)] // required documentation field
    source: String,
}

/// The compiled vocabulary.
#[derive(Debug)]
pub(crate) struct Vocabulary {
    min_score: f64,
    override_margin: f64,
    namespace_weight: f64,
    weak_rules: Vec<String>,
    generic: Vec<Category>,
    /// Category order for ties (index = rank).
    rank: HashMap<Category, usize>,
    /// Which `[[word]]` entries match a word.
    matcher: WordMatcher,
    /// Per `[[word]]`, in file order: category and weight.
    words: Vec<(Category, f64)>,
    /// `vocab.<category>` rule ids, shared.
    ids: HashMap<Category, Arc<str>>,
    /// `[[op]]` names (key: lower case without `_`) and their category.
    ops: HashMap<String, Category>,
    op_weight: f64,
    strip_prefixes: Vec<String>,
    /// `^(?:affix)(.+)$`, `^(.+?)(?:affix)$` and `^(?:affix)$`, compiled on first use.
    type_affixes: Option<LazyRegexes<3>>,
}

/// Which `[[word]]` entries match a word. Entries whose `tokens` are plain words separated
/// by `|` (`gemm|gemv|matmul`: all but a few) are looked up in a map, since `^(?:a|b)$`
/// matches exactly the words `a` and `b`; only the others go through a regex set, compiled
/// on first use. Indices come back ascending (file order), as the one set of every entry
/// gave them, so the weights are summed in the same order.
#[derive(Debug)]
struct WordMatcher {
    literal: HashMap<String, Vec<usize>>,
    /// Entry index of each pattern of `set`.
    regex_index: Vec<usize>,
    set: LazySet,
}

impl WordMatcher {
    fn new(tokens: &[&str]) -> WordMatcher {
        let plain =
            |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let mut literal: HashMap<String, Vec<usize>> = HashMap::new();
        let (mut regex_index, mut patterns) = (Vec::new(), Vec::new());
        for (i, t) in tokens.iter().enumerate() {
            if t.split('|').all(plain) {
                for w in t.split('|') {
                    let at = literal.entry(w.to_string()).or_default();
                    if at.last() != Some(&i) {
                        at.push(i);
                    }
                }
            } else {
                regex_index.push(i);
                patterns.push(format!("^(?:{t})$"));
            }
        }
        WordMatcher { literal, regex_index, set: LazySet::new(patterns) }
    }

    /// The entries matching `word`, ascending, into `out`.
    fn matches(&self, word: &str, out: &mut Vec<usize>) {
        out.clear();
        if let Some(at) = self.literal.get(word) {
            out.extend_from_slice(at);
        }
        if !self.set.is_empty()
            && let Some(set) = self.set.get()
        {
            let before = out.len();
            out.extend(set.matches(word).iter().map(|j| self.regex_index[j]));
            if before > 0 && out.len() > before {
                out.sort_unstable();
            }
        }
    }
}

impl Vocabulary {
    /// Compile the table and its words; errors name the file and line.
    pub(crate) fn compile(
        file: &str,
        text: &str,
        spec: VocabularySpec,
        words: Vec<WordSpec>,
        ops: HashMap<String, Category>,
        eager: bool,
    ) -> Result<Vocabulary, TaxonomyError> {
        let type_affixes = match &spec.type_affixes {
            Some(a) => {
                if eager {
                    check_regex(file, text, a)?;
                } else {
                    check_syntax_when(false, file, text, a)?;
                }
                let a = a.get_ref();
                let lazy = LazyRegexes::new(
                    [format!("^(?:{a})(.+)$"), format!("^(.+?)(?:{a})$"), format!("^(?:{a})$")],
                    "type_affixes",
                );
                if eager {
                    lazy.force().map_err(|message| TaxonomyError::Invalid {
                        file: file.to_string(),
                        line: 0,
                        message,
                    })?;
                }
                Some(lazy)
            }
            None => None,
        };
        let op_weight = spec.op_weight.unwrap_or(2.0);
        if !op_weight.is_finite() || op_weight <= 0.0 {
            return Err(TaxonomyError::Invalid {
                file: file.to_string(),
                line: 0,
                message: format!("[vocabulary] op_weight {op_weight} is not a positive number"),
            });
        }
        let mut rank = HashMap::new();
        for (i, c) in spec.precedence.iter().enumerate() {
            rank.insert(parse_category(file, text, c)?, i);
        }
        let mut generic = Vec::new();
        for c in &spec.generic {
            generic.push(parse_category(file, text, c)?);
        }
        let mut compiled = Vec::with_capacity(words.len());
        for w in &words {
            let category = parse_category(file, text, &w.category)?;
            if !w.weight.get_ref().is_finite() || *w.weight.get_ref() <= 0.0 {
                return Err(invalid_at(
                    file,
                    text,
                    w.weight.span(),
                    format!("weight {} is not a positive number", w.weight.get_ref()),
                ));
            }
            check_syntax_when(eager, file, text, &w.tokens)?;
            compiled.push((category, *w.weight.get_ref()));
        }
        let tokens: Vec<&str> = words.iter().map(|w| w.tokens.get_ref().as_str()).collect();
        let matcher = WordMatcher::new(&tokens);
        if eager && let Err(e) = matcher.set.force() {
            // Name the word that does not compile alone (a size limit), if one does not.
            return Err(
                match words.iter().find_map(|w| check_regex(file, text, &w.tokens).err()) {
                    Some(located) => located,
                    None => TaxonomyError::Invalid {
                        file: file.to_string(),
                        line: 0,
                        message: format!("word patterns: {e}"),
                    },
                },
            );
        }
        let ids = Category::ALL.iter().map(|c| (*c, Arc::from(format!("vocab.{c}")))).collect();
        Ok(Vocabulary {
            min_score: spec.min_score,
            override_margin: spec.override_margin,
            namespace_weight: spec.namespace_weight,
            weak_rules: spec.weak_rules,
            generic,
            rank,
            matcher,
            words: compiled,
            ids,
            ops,
            op_weight,
            strip_prefixes: spec.strip_prefixes,
            type_affixes,
        })
    }

    /// Compile what is otherwise compiled on first use (the regex words, the type affixes).
    pub(crate) fn force(&self) -> Result<(), String> {
        self.matcher.set.force()?;
        self.type_affixes.as_ref().map_or(Ok(()), LazyRegexes::force)
    }

    /// The rule id reported for a vocabulary decision (`vocab.gemm`).
    pub(crate) fn rule_id(&self, c: Category) -> Arc<str> {
        self.ids.get(&c).cloned().unwrap_or_else(|| Arc::from("vocab"))
    }

    /// Whether a rule id is weak (its decision may be replaced by specific evidence).
    pub(crate) fn is_weak(&self, rule_id: &str) -> bool {
        self.weak_rules.iter().any(|w| w == rule_id)
    }

    /// The category for a name no rule matched, if the words say enough.
    pub(crate) fn decide(&self, identity: &str) -> Option<Category> {
        let scores = self.scores(identity);
        let (best, score) = self.best(&scores)?;
        (score >= self.min_score).then_some(best)
    }

    /// A specific category that outweighs a weak rule's `current` category, if any.
    /// The candidates are the specific categories (not `generic`, not `current`): the best of
    /// them must score at least `min_score` and at least `override_margin` more than `current`
    /// (a negative margin lets the principal operation win over a slightly stronger epilogue).
    pub(crate) fn override_weak(&self, identity: &str, current: Category) -> Option<Category> {
        let scores = self.scores(identity);
        let own = scores.iter().find(|(c, _)| *c == current).map_or(0.0, |(_, s)| *s);
        let candidates: Vec<(Category, f64)> = scores
            .iter()
            .copied()
            .filter(|(c, _)| *c != current && !self.generic.contains(c))
            .collect();
        let (best, score) = self.best(&candidates)?;
        (score >= self.min_score && score >= own + self.override_margin).then_some(best)
    }

    /// Per-category scores of an identity (a qualified name, maybe with template arguments).
    pub(crate) fn scores(&self, identity: &str) -> Vec<(Category, f64)> {
        let head = strip_template_args(identity);
        let (namespaces, leaf) = match head.rfind("::") {
            Some(i) => (&head[..i], &head[i + 2..]),
            None => ("", head.as_str()),
        };
        let mut scores: Vec<(Category, f64)> = Vec::new();
        self.add_words(leaf, 1.0, &mut scores);
        if !namespaces.is_empty() {
            self.add_words(namespaces, self.namespace_weight, &mut scores);
        }
        scores
    }

    fn add_words(&self, text: &str, factor: f64, scores: &mut Vec<(Category, f64)>) {
        let words = words(text);
        let mut add =
            |category: Category, weight: f64| match scores.iter_mut().find(|(k, _)| *k == category)
            {
                Some(slot) => slot.1 += weight * factor,
                None => scores.push((category, weight * factor)),
            };
        let mut seen: Vec<&str> = Vec::with_capacity(words.len());
        for w in &words {
            // A word said twice is not twice the evidence (`jagged_dense_dense_…`).
            if seen.contains(&w.as_str()) {
                continue;
            }
            seen.push(w);
            if self.evidence(w, &mut add) || self.is_type(w) {
                continue;
            }
            // A word the vocabulary does not know may be a known word with something glued
            // to it: a counter or variant number (`add2`, `kernel0`; words whose digits mean
            // something, `fp8`, `conv2d`, match first), a type (`castbf16`) or a one-letter
            // kind prefix (`uneg` unary neg, `badd` binary add). The first variant that is
            // known counts.
            for v in self.variants(w) {
                if v.len() >= 2 && self.evidence(&v, &mut add) {
                    break;
                }
            }
        }
        for pair in words.windows(2) {
            self.evidence(&format!("{}{}", pair[0], pair[1]), &mut add);
        }
        // Three-word op names (`binary_cross_entropy`, `scatter_add_reduce`).
        for triple in words.windows(3) {
            let joined = format!("{}{}{}", triple[0], triple[1], triple[2]);
            if let Some(c) = self.ops.get(&joined) {
                add(*c, self.op_weight);
            }
        }
    }

    /// Add the evidence of one word: its `[[word]]` entries, or else its `[[op]]` category.
    /// Whether the word was known.
    fn evidence(&self, word: &str, add: &mut impl FnMut(Category, f64)) -> bool {
        let mut any = false;
        let mut hits = Vec::new();
        self.matcher.matches(word, &mut hits);
        for &i in &hits {
            any = true;
            let (c, w) = self.words[i];
            add(c, w);
        }
        if !any && let Some(c) = self.ops.get(word) {
            add(*c, self.op_weight);
            return true;
        }
        any
    }

    /// Whether a word is a type name alone (`u8`, `bf16`): no evidence, not shortened.
    fn is_type(&self, w: &str) -> bool {
        let affixes = self.type_affixes.as_ref().and_then(LazyRegexes::get);
        affixes.is_some_and(|[_, _, whole]| whole.is_match(w))
    }

    /// Shorter forms of an unknown word, most specific first.
    fn variants(&self, w: &str) -> Vec<String> {
        let mut out = Vec::new();
        let stem = w.trim_end_matches(|c: char| c.is_ascii_digit());
        if stem.len() < w.len() {
            out.push(stem.to_string());
        }
        if let Some([lead, trail, _]) = self.type_affixes.as_ref().and_then(LazyRegexes::get) {
            for re in [trail, lead] {
                if let Some(m) = re.captures(w).and_then(|c| c.get(1)) {
                    out.push(m.as_str().to_string());
                }
            }
        }
        for p in &self.strip_prefixes {
            if let Some(rest) = w.strip_prefix(p.as_str()) {
                out.push(rest.to_string());
                let rest_stem = rest.trim_end_matches(|c: char| c.is_ascii_digit());
                if rest_stem.len() < rest.len() {
                    out.push(rest_stem.to_string());
                }
            }
        }
        out
    }

    fn best(&self, scores: &[(Category, f64)]) -> Option<(Category, f64)> {
        let rank = |c: &Category| self.rank.get(c).copied().unwrap_or(usize::MAX);
        scores.iter().copied().filter(|(_, s)| *s > 0.0).max_by(|(ca, sa), (cb, sb)| {
            sa.partial_cmp(sb)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| rank(cb).cmp(&rank(ca)))
        })
    }
}

/// The text outside `<…>` (template arguments dropped; parameters never reach here).
fn strip_template_args(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// Lower-case words of a name: split at every non-alphanumeric character and at camelCase
/// boundaries (`aB` → `a|B`, `ABc` → `A|Bc`, `9B` → `9|B`); digits stay with the letters
/// before them (`fp8`, `conv2d`, `stage1`; the vocabulary stage tries a word that is not in
/// the vocabulary again without its trailing digits: `add2` counts as `add`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|r| !r.is_empty()) {
        let chars: Vec<char> = run.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_ascii_lowercase());
            let boundary = cur.is_ascii_uppercase()
                && (prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next_lower));
            if boundary {
                out.push(chars[start..i].iter().collect::<String>().to_ascii_lowercase());
                start = i;
            }
        }
        out.push(chars[start..].iter().collect::<String>().to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::words;
    use crate::taxonomy::{Category, Taxonomy};

    #[test]
    fn words_decide_names_no_rule_matches() {
        // Development-split names (corpus 2, heldout-4) that no family rule names.
        let tax = Taxonomy::embedded();
        let (c, rule) = tax.classify_explained("extend_u16_u8");
        assert_eq!((c, rule.as_str()), (Category::Memory, "vocab.memory"));
        let (c, rule) = tax.classify_explained("_to_fp8_row_major");
        assert_eq!((c, rule.as_str()), (Category::Quantize, "vocab.quantize"));
        assert_eq!(tax.classify("count_equal"), Category::Reduction);
        assert!(tax.rule_source("vocab.quantize").is_some_and(|s| s.contains("issue #18")));
        // Too little evidence stays `other`.
        assert_eq!(tax.classify_explained("myKernel").1.as_str(), "fallback.other");
    }

    #[test]
    fn specific_words_outweigh_a_generic_family_rule() {
        let tax = Taxonomy::embedded();
        // `sum` makes reduction.family match; `userbuffers` is communication evidence.
        let (c, rule) = tax.classify_explained("userbuffers_fp16_sum_inplace_gpu_rr_rs");
        assert_eq!((c, rule.as_str()), (Category::Communication, "vocab.communication"));
        // A generic category never replaces a generic rule: `gather_topk_values_kernel` is
        // a top-k (reduction) whatever its `gather` says.
        assert_eq!(tax.classify("gather_topk_values_kernel"), Category::Reduction);
        // Specific rules are never overridden.
        assert_eq!(
            tax.classify_explained("vllm::reshape_and_cache_flash_kernel").0,
            Category::KvCache
        );
    }

    #[test]
    fn trailing_counters_do_not_hide_a_word() {
        // heldout-4 (development split): `add2` is `add` with a counter; `fp8` keeps its digit.
        let tax = Taxonomy::embedded();
        let (c, rule) = tax.classify_explained("fused_add2_kernel");
        assert_eq!((c, rule.as_str()), (Category::Elementwise, "vocab.elementwise"));
        assert_eq!(tax.classify("_to_fp8_row_major"), Category::Quantize);
    }

    #[test]
    fn kernels_doing_no_model_work_stay_other() {
        // heldout-3 / corpus 2: `add` votes elementwise, `delay` / `info` say no model work.
        let tax = Taxonomy::embedded();
        assert_eq!(tax.classify_explained("AddDelay_kernel").0, Category::Other);
        assert_eq!(tax.classify("xxtrf4_set_info_ker(int, int*)"), Category::Other);
        // One memory word is enough now (`min_score` 2.0): a layout conversion.
        let (c, rule) = tax.classify_explained("nchw_to_nhwc_kernel");
        assert_eq!((c, rule.as_str()), (Category::Memory, "vocab.memory"));
    }

    #[test]
    fn joined_words_name_moe_dispatch_and_kv_slots() {
        let tax = Taxonomy::embedded();
        // permute + tokens: token permutation is MoE dispatch, although `permute` is memory.
        let (c, rule) = tax.classify_explained("_permute_tokens_kernel");
        assert_eq!((c, rule.as_str()), (Category::Moe, "vocab.moe"));
        // slot + mapping: the KV-cache slots a token is written to.
        assert_eq!(tax.classify("_compute_swa_slot_mapping_kernel"), Category::KvCache);
        // A plain gather of tokens stays memory (heldout-4 labels).
        assert_eq!(tax.classify("gather_tokens_impl"), Category::Memory);
    }

    #[test]
    fn bad_vocabulary_entries_are_errors_naming_the_line() {
        let head = "schema = \"perfpilot.taxonomy/1\"\n";
        let words_only = format!(
            "{head}[[word]]\ncategory = \"gemm\"\nweight = 1.0\ntokens = 'gemm'\nsource = \"x\"\n"
        );
        let e = Taxonomy::from_toml_str(&words_only, "r.toml").unwrap_err().to_string();
        assert!(e.contains("[vocabulary]"), "{e}");
        let table = "[vocabulary]\nmin_score = 1.0\noverride_margin = 1.0\nnamespace_weight = 0.5\nprecedence = [\"gemm\"]\nsource = \"x\"\n";
        let bad_weight = format!(
            "{head}{table}[[word]]\ncategory = \"gemm\"\nweight = -1.0\ntokens = 'gemm'\nsource = \"x\"\n"
        );
        let e = Taxonomy::from_toml_str(&bad_weight, "r.toml").unwrap_err().to_string();
        assert!(e.starts_with("r.toml:10:") && e.contains("positive"), "{e}");
        let bad_cat = format!(
            "{head}{table}[[word]]\ncategory = \"gemmm\"\nweight = 1.0\ntokens = 'gemm'\nsource = \"x\"\n"
        );
        let e = Taxonomy::from_toml_str(&bad_cat, "r.toml").unwrap_err().to_string();
        assert!(e.contains("unknown category \"gemmm\""), "{e}");
        let ok = format!(
            "{head}{table}[[word]]\ncategory = \"gemm\"\nweight = 3.0\ntokens = 'gemm|matmul'\nsource = \"x\"\n"
        );
        let tax = Taxonomy::from_toml_str(&ok, "r.toml").expect("valid");
        assert_eq!(tax.classify_explained("fancyMatmulKernel").1.as_str(), "vocab.gemm");
    }

    #[test]
    fn splits_snake_camel_and_acronyms() {
        assert_eq!(
            words("FP8AddFusedQKVBiasKernel"),
            ["fp8", "add", "fused", "qkv", "bias", "kernel"]
        );
        assert_eq!(words("_row_id_map_pass_1_kernel"), ["row", "id", "map", "pass", "1", "kernel"]);
        assert_eq!(words("qkLayerNorm"), ["qk", "layer", "norm"]);
        assert_eq!(words("Conv2dFprop"), ["conv2d", "fprop"]);
        assert_eq!(words(""), Vec::<String>::new());
        assert_eq!(words("::<>()"), Vec::<String>::new());
    }
}
