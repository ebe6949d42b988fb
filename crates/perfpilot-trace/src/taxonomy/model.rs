//! The token model: a multinomial naive Bayes over the words of a kernel name, used only
//! for names no rule knows (`fallback.other`).
//!
//! Hand rules recognise the families they were written for; a name from a library never seen
//! before often still says what it does in words the labelled corpora use for one category
//! (`mamba`, `chunk`, `scan` for SSMs; `sgemm`, `mma`, `gemv` for GEMMs). The counts of those
//! words per hand-labelled category are data (`data/name_model.tsv`, written by
//! `cargo run -p perfpilot-trace --example train_name_model`), loaded on the first name that
//! reaches the model. A name's tokens are the words of its identity ([`super::words`]: `::`,
//! `_`, camelCase), digits dropped (`add2` → `add`), dtypes and tiles normalised to a class
//! (`bf16` → `<dtype>`, `128x64` → `<tile>`). See `docs/taxonomy.md`, "Token model".

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::error::TaxonomyError;
use super::{Category, words};

/// The schema line a model file starts with.
pub const MODEL_SCHEMA: &str = "perfpilot.name-model/1";

/// The model compiled into the binary (`data/name_model.tsv`).
pub const EMBEDDED_NAME_MODEL: &str = include_str!("../../data/name_model.tsv");

/// The token of a model file's prior rows (names per category); never a name's token.
pub const PRIOR_TOKEN: &str = "<names>";

const N: usize = Category::ALL.len();

/// Words that name a number type: one token class (`<dtype>`), whatever the width.
const DTYPES: &[&str] = &[
    "bf16", "fp16", "f16", "f32", "fp32", "f64", "fp64", "tf32", "half", "float", "double", "int8",
    "int4", "int16", "int32", "int64", "i8", "i4", "i16", "i32", "i64", "u8", "u16", "u32", "u64",
    "s8", "s32", "uint8", "fp8", "fp4", "e4m3", "e5m2", "e4m3fn", "e2m1", "nvfp4", "mxfp4",
    "mxfp8", "bfloat16", "float16", "float32",
];

fn index(c: Category) -> usize {
    Category::ALL.iter().position(|&x| x == c).unwrap_or(N - 1)
}

/// The model tokens of a kernel identity (the text the rules match, see
/// [`super::Taxonomy::identity`]), distinct, in order of first appearance; words in `ignore`
/// (how C++ and CUDA print any name: `kernel`, `anonymous`, `namespace`) are no tokens.
pub fn tokens(identity: &str, ignore: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words(identity) {
        if ignore.contains(&w) {
            continue;
        }
        let t = if w.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        } else if DTYPES.contains(&w.as_str()) {
            "<dtype>".to_string()
        } else if is_tile(&w) {
            "<tile>".to_string()
        } else {
            let stem = w.trim_end_matches(|c: char| c.is_ascii_digit());
            if stem.len() < 2 || ignore.iter().any(|i| i == stem) {
                continue;
            }
            stem.to_string()
        };
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// `128x64`, `t128x8x512`, `1x4`: digit groups joined by `x`, maybe a letter prefix/suffix.
fn is_tile(w: &str) -> bool {
    let core = w.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let core = core.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let mut parts = core.split('x');
    let first = parts.next().unwrap_or_default();
    let mut n = 0;
    for p in std::iter::once(first).chain(parts) {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// Token counts per hand-labelled category.
#[derive(Debug, Clone, Default)]
pub struct NameModel {
    /// Names per category (the prior).
    names: [u64; N],
    /// Per token: names of each category that contain it.
    counts: HashMap<String, [u64; N]>,
    /// Per category: the sum of its token counts.
    totals: [u64; N],
}

/// One labelled name for [`NameModel::train`].
#[derive(Debug, Clone)]
pub struct TrainRow {
    /// The name's [`tokens`].
    pub tokens: Vec<String>,
    /// Its hand label.
    pub category: Category,
    /// Its source repository (`github:owner/name`).
    pub repo: String,
}

/// What the model says about one name.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenVote {
    /// The most probable category.
    pub category: Category,
    /// Its posterior probability (0–1).
    pub posterior: f64,
    /// Natural-log odds of `category` over `other`.
    pub margin: f64,
    /// How many of the name's tokens the model knows.
    pub known: usize,
    /// The known tokens that favour `category` over `other` most, strongest first (at most 3).
    pub deciding: Vec<String>,
}

impl NameModel {
    /// Count the tokens of labelled names; tokens seen in fewer than `min_repos` source
    /// repositories are dropped (one library's private words do not transfer).
    pub fn train(rows: &[TrainRow], min_repos: usize) -> NameModel {
        let mut repos: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in rows {
            for t in &r.tokens {
                let at = repos.entry(t).or_default();
                if !at.contains(&r.repo.as_str()) {
                    at.push(&r.repo);
                }
            }
        }
        let mut m = NameModel::default();
        for r in rows {
            let c = index(r.category);
            m.names[c] += 1;
            for t in &r.tokens {
                if repos.get(t.as_str()).is_some_and(|v| v.len() >= min_repos) {
                    m.counts.entry(t.clone()).or_insert([0; N])[c] += 1;
                    m.totals[c] += 1;
                }
            }
        }
        m
    }

    /// Number of distinct tokens.
    pub fn vocabulary(&self) -> usize {
        self.counts.len()
    }

    /// The model as its TSV file: the schema line, `header` as `#` comments, then
    /// `token<TAB>category<TAB>count` rows sorted by token (the prior as [`PRIOR_TOKEN`]).
    pub fn to_tsv(&self, header: &[String]) -> String {
        let mut out = format!("# {MODEL_SCHEMA}\n");
        for h in header {
            out.push_str(&format!("# {h}\n"));
        }
        out.push_str("# token\tcategory\tcount\n");
        let row = |out: &mut String, t: &str, v: &[u64; N]| {
            for (i, n) in v.iter().enumerate() {
                if *n > 0 {
                    out.push_str(&format!("{t}\t{}\t{n}\n", Category::ALL[i]));
                }
            }
        };
        row(&mut out, PRIOR_TOKEN, &self.names);
        let sorted: BTreeMap<&String, &[u64; N]> = self.counts.iter().collect();
        for (t, v) in sorted {
            row(&mut out, t, v);
        }
        out
    }

    /// Parse a model file; errors name the file and line.
    pub fn parse(text: &str, file: &str) -> Result<NameModel, TaxonomyError> {
        let bad = |line: usize, message: String| TaxonomyError::Invalid {
            file: file.to_string(),
            line,
            message,
        };
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, l)) if l.trim_start_matches('#').trim() == MODEL_SCHEMA => {}
            _ => return Err(bad(1, format!("expected the first line `# {MODEL_SCHEMA}`"))),
        }
        let mut m = NameModel::default();
        for (i, line) in lines {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [token, cat, count] = cols[..] else {
                return Err(bad(i + 1, "expected `token<TAB>category<TAB>count`".into()));
            };
            let c = Category::parse(cat)
                .ok_or_else(|| bad(i + 1, format!("unknown category {cat:?}")))?;
            let n: u64 = count
                .parse()
                .map_err(|_| bad(i + 1, format!("count {count:?} is not a whole number")))?;
            if token.is_empty() {
                return Err(bad(i + 1, "empty token".into()));
            }
            if token == PRIOR_TOKEN {
                m.names[index(c)] += n;
            } else {
                m.counts.entry(token.to_string()).or_insert([0; N])[index(c)] += n;
                m.totals[index(c)] += n;
            }
        }
        if m.names.iter().sum::<u64>() == 0 {
            return Err(bad(0, format!("no `{PRIOR_TOKEN}` rows (names per category)")));
        }
        Ok(m)
    }

    /// Log-space multinomial naive Bayes with Laplace smoothing over the known `tokens`
    /// (unknown tokens are no evidence); `None` when no token is known.
    pub fn vote(&self, tokens: &[String]) -> Option<TokenVote> {
        let known: Vec<(&String, &[u64; N])> =
            tokens.iter().filter_map(|t| self.counts.get(t).map(|v| (t, v))).collect();
        if known.is_empty() {
            return None;
        }
        let all: u64 = self.names.iter().sum();
        let v = self.counts.len() as f64;
        let likelihood = |c: usize, n: u64| ((n as f64 + 1.0) / (self.totals[c] as f64 + v)).ln();
        let mut scores = [f64::NEG_INFINITY; N];
        for c in 0..N {
            if self.names[c] == 0 {
                continue;
            }
            let prior = (self.names[c] as f64 / all as f64).ln();
            scores[c] = prior + known.iter().map(|(_, k)| likelihood(c, k[c])).sum::<f64>();
        }
        let best = (0..N).max_by(|&a, &b| scores[a].total_cmp(&scores[b]))?;
        let z: f64 = scores.iter().map(|s| (s - scores[best]).exp()).sum();
        let other = index(Category::Other);
        let margin = scores[best] - scores[other];
        let mut lift: Vec<(f64, &String)> = known
            .iter()
            .map(|(t, k)| (likelihood(best, k[best]) - likelihood(other, k[other]), *t))
            .filter(|(l, _)| *l > 0.0)
            .collect();
        lift.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        Some(TokenVote {
            category: Category::ALL[best],
            posterior: 1.0 / z,
            margin,
            known: known.len(),
            deciding: lift.into_iter().take(3).map(|(_, t)| t.clone()).collect(),
        })
    }
}

/// The `[token_model]` table of a rule file: when the model may decide.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenModelSpec {
    /// `"embedded"` (`data/name_model.tsv`) or a model file, relative to the rule file.
    pub counts: String,
    /// Least posterior probability of the chosen category.
    pub min_posterior: f64,
    /// Least natural-log odds of the chosen category over `other`.
    pub min_margin: f64,
    /// Fewest tokens the model must know (one word alone is not enough, default 1).
    #[serde(default)]
    pub min_tokens: Option<usize>,
    /// Categories the model never picks.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Words that are no tokens (lower case).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// How the thresholds were chosen.
    pub source: String,
}

/// A compiled `[token_model]`: thresholds and the model, parsed on first use.
#[derive(Debug)]
pub(crate) struct TokenModel {
    pub min_posterior: f64,
    pub min_margin: f64,
    pub min_tokens: usize,
    pub exclude: Vec<Category>,
    pub ignore: Vec<String>,
    pub source: String,
    /// The model text and where it came from.
    text: std::borrow::Cow<'static, str>,
    origin: String,
    model: std::sync::OnceLock<Result<NameModel, String>>,
}

impl TokenModel {
    /// Check the table; a user file's model is read and parsed now (errors name the file and
    /// line), the embedded one on first use.
    pub(crate) fn compile(
        file: &str,
        spec: TokenModelSpec,
        eager: bool,
    ) -> Result<TokenModel, TaxonomyError> {
        let invalid = |message: String| TaxonomyError::Invalid {
            file: file.to_string(),
            line: 0,
            message: format!("[token_model] {message}"),
        };
        if !(0.0..=1.0).contains(&spec.min_posterior) {
            return Err(invalid(format!("min_posterior {} is not in 0..1", spec.min_posterior)));
        }
        if !spec.min_margin.is_finite() {
            return Err(invalid(format!("min_margin {} is not a number", spec.min_margin)));
        }
        let mut exclude = Vec::new();
        for c in &spec.exclude {
            exclude.push(
                Category::parse(c).ok_or_else(|| invalid(format!("unknown category {c:?}")))?,
            );
        }
        let (text, origin) = if spec.counts == "embedded" {
            (std::borrow::Cow::Borrowed(EMBEDDED_NAME_MODEL), "<embedded name model>".to_string())
        } else {
            let base = std::path::Path::new(file).parent().unwrap_or(std::path::Path::new(""));
            let path = base.join(&spec.counts);
            let origin = path.display().to_string();
            let text = perfpilot_io::read_to_string_bounded(&path)
                .map_err(|cause| TaxonomyError::Io { file: origin.clone(), cause })?;
            (std::borrow::Cow::Owned(text), origin)
        };
        let model = std::sync::OnceLock::new();
        if eager {
            let _ = model.set(Ok(NameModel::parse(&text, &origin)?));
        }
        Ok(TokenModel {
            min_posterior: spec.min_posterior,
            min_margin: spec.min_margin,
            min_tokens: spec.min_tokens.unwrap_or(1),
            exclude,
            ignore: spec.ignore,
            source: spec.source,
            text,
            origin,
            model,
        })
    }

    /// The parsed model (parsed on first call).
    pub(crate) fn model(&self) -> Result<&NameModel, &String> {
        self.model
            .get_or_init(|| NameModel::parse(&self.text, &self.origin).map_err(|e| e.to_string()))
            .as_ref()
    }

    /// The model's decision for a name no rule knows: its vote when the category is not
    /// `other`, not excluded, and clears both thresholds.
    pub(crate) fn decide(&self, tokens: &[String]) -> Option<TokenVote> {
        let v = self.model().ok()?.vote(tokens)?;
        let ok = v.category != Category::Other
            && !self.exclude.contains(&v.category)
            && v.posterior >= self.min_posterior
            && v.margin >= self.min_margin
            && v.known >= self.min_tokens;
        ok.then_some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_drop_digits_and_normalise_types_and_tiles() {
        let ignore = vec!["kernel".to_string()];
        // corpus 2 / heldout-4 shapes: a counter, a dtype, a tile, a structural word.
        assert_eq!(
            tokens("gemm_bf16_128x64_stage2_kernel", &ignore),
            ["gemm", "<dtype>", "<tile>", "stage"]
        );
        assert_eq!(tokens("t128x8x512", &[]), ["<tile>"]);
        assert_eq!(
            tokens("PrepareGroupedStateDescriptors", &[]),
            ["prepare", "grouped", "state", "descriptors"]
        );
        assert!(tokens("a_1_x", &[]).is_empty());
    }

    fn row(tokens: &[&str], category: Category, repo: &str) -> TrainRow {
        TrainRow {
            tokens: tokens.iter().map(|t| t.to_string()).collect(),
            category,
            repo: repo.into(),
        }
    }

    #[test]
    fn trains_round_trips_and_votes() {
        let rows = [
            row(&["chunk", "scan"], Category::Ssm, "a"),
            row(&["chunk", "state"], Category::Ssm, "b"),
            row(&["gemm", "tile"], Category::Gemm, "a"),
            row(&["gemm", "only_here"], Category::Gemm, "c"),
            row(&["probe"], Category::Other, "b"),
        ];
        let m = NameModel::train(&rows, 2);
        // `scan`, `state`, `tile`, `only_here` and `probe` come from one repository only.
        assert_eq!(m.vocabulary(), 2);
        let text = m.to_tsv(&["test".into()]);
        let back = NameModel::parse(&text, "m.tsv").expect("round trip");
        assert_eq!(back.to_tsv(&["test".into()]), text);
        let v = back.vote(&["chunk".into(), "unknown".into()]).expect("known token");
        assert_eq!((v.category, v.known), (Category::Ssm, 1));
        assert_eq!(v.deciding, ["chunk"]);
        assert!(v.posterior > 0.5 && v.margin > 0.0);
        assert!(back.vote(&["unknown".into()]).is_none());
    }

    #[test]
    fn bad_model_files_are_errors_naming_the_line() {
        let err = |t: &str| NameModel::parse(t, "m.tsv").unwrap_err().to_string();
        assert!(err("token\tgemm\t1\n").starts_with("m.tsv:1:"));
        let head = format!("# {MODEL_SCHEMA}\n");
        assert!(err(&format!("{head}gemm\tgemmm\t1\n")).contains("m.tsv:2: unknown category"));
        assert!(err(&format!("{head}gemm\tgemm\t-1\n")).contains("not a whole number"));
        assert!(err(&format!("{head}gemm\tgemm\n")).contains("m.tsv:2:"));
        assert!(err(&format!("{head}gemm\tgemm\t1\n")).contains("<names>"));
    }

    #[test]
    fn embedded_model_parses() {
        let m = NameModel::parse(EMBEDDED_NAME_MODEL, "name_model.tsv").expect("valid");
        assert!(m.vocabulary() > 500);
    }

    #[test]
    fn a_rule_file_brings_its_own_model_or_none() {
        use crate::taxonomy::Taxonomy;
        let dir = tempfile::tempdir().expect("tempdir");
        let head = "schema = \"perfpilot.taxonomy/1\"\n";
        let table = "[token_model]\ncounts = \"m.tsv\"\nmin_posterior = 0.5\nmin_margin = 0.0\nsource = \"x\"\n";
        let rules = dir.path().join("r.toml");
        std::fs::write(&rules, format!("{head}{table}")).expect("write");
        let model = format!(
            "# {MODEL_SCHEMA}\n<names>\tssm\t3\n<names>\tother\t1\nchunk\tssm\t3\nprobe\tother\t1\n"
        );
        std::fs::write(dir.path().join("m.tsv"), &model).expect("write");
        let tax = Taxonomy::from_toml_file(&rules).expect("valid");
        assert_eq!(tax.classify_explained("chunk_thing").1.as_str(), "model.ssm[chunk]");
        // A bad model file fails at load, naming the model file and line.
        std::fs::write(dir.path().join("m.tsv"), format!("{model}x\tnope\t1\n")).expect("write");
        let e = Taxonomy::from_toml_file(&rules).unwrap_err().to_string();
        assert!(e.contains("m.tsv:6: unknown category"), "{e}");
        // Without the table there is no model.
        std::fs::write(&rules, head).expect("write");
        let tax = Taxonomy::from_toml_file(&rules).expect("valid");
        assert_eq!(tax.classify_explained("chunk_thing").1.as_str(), "fallback.other");
    }
}
