//! Datasets: turn a [`DatasetSpec`] and a seed into the request list.

mod jsonl;
mod random;
mod shared_prefix;
mod sharegpt;
mod words;

use std::path::PathBuf;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{RangeMode, RequestSpec, TextTokenizer, WorkloadError};

pub use jsonl::{load_requests, parse_requests, requests_to_jsonl, save_requests};

/// Which dataset to build, with its parameters. Serialised with a `kind` tag
/// (`random`, `sharegpt`, `shared-prefix`, `jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DatasetSpec {
    /// Synthetic prompts of exact token lengths.
    Random(RandomSpec),
    /// ShareGPT conversations (JSON array in the layout SGLang and vLLM read).
    Sharegpt(ShareGptSpec),
    /// Groups of prompts sharing a long system prompt (prefix-cache studies).
    SharedPrefix(SharedPrefixSpec),
    /// Canonical workload JSONL (also the format [`save_requests`] writes).
    Jsonl(JsonlSpec),
}

/// Parameters of the random dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RandomSpec {
    /// Nominal input length in tokens.
    pub input_len: u32,
    /// Nominal output length in tokens.
    pub output_len: u32,
    /// Range ratio, read according to `range_mode`.
    #[serde(default)]
    pub range_ratio: f64,
    /// Which anchor's range-ratio semantics apply.
    #[serde(default = "default_range_mode")]
    pub range_mode: RangeMode,
    /// Send token ids instead of text (completions endpoint only). Needs no tokenizer
    /// when `vocab_size` is given.
    #[serde(default)]
    pub token_ids: bool,
    /// Vocabulary size to draw ids from when there is no tokenizer (token-id prompts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_size: Option<u32>,
}

fn default_range_mode() -> RangeMode {
    RangeMode::Vllm
}

/// Parameters of the ShareGPT dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareGptSpec {
    /// The JSON file.
    pub path: PathBuf,
    /// Fixed output length; when absent, the tokenized length of the second turn (then
    /// records with one turn are skipped, as the anchors do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_len: Option<u32>,
    /// Skip conversations whose prompt + output exceed this many tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_len: Option<u32>,
}

/// Parameters of the generated shared-prefix dataset (SGLang
/// `generated-shared-prefix`): request `k` belongs to group `k mod num_groups`; every
/// prompt of a group starts with the same system prompt, followed by its own question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedPrefixSpec {
    /// Number of groups (distinct system prompts).
    pub num_groups: u32,
    /// System prompt length in tokens.
    pub system_prompt_len: u32,
    /// Question length in tokens.
    pub question_len: u32,
    /// Output length in tokens.
    pub output_len: u32,
    /// Send token ids instead of text.
    #[serde(default)]
    pub token_ids: bool,
    /// Vocabulary size when there is no tokenizer (token-id prompts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_size: Option<u32>,
}

/// Parameters of the JSONL dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonlSpec {
    /// The file: one JSON object per line with `prompt` (string, token ids or chat
    /// messages) or `messages`, `output_len`, optional `input_len`, optional
    /// `extra_request_body` / `extra_body`.
    pub path: PathBuf,
}

/// Summary of a length distribution (tokens).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LengthSummary {
    /// Smallest.
    pub min: u32,
    /// Mean.
    pub mean: f64,
    /// Median (linear interpolation).
    pub p50: f64,
    /// 95th percentile (linear interpolation).
    pub p95: f64,
    /// Largest.
    pub max: u32,
    /// Sum.
    pub total: u64,
}

impl LengthSummary {
    /// Summarise a list of lengths (`None` when empty).
    pub fn of(lens: impl IntoIterator<Item = u32>) -> Option<LengthSummary> {
        let mut v: Vec<f64> = lens.into_iter().map(f64::from).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let total: f64 = v.iter().sum();
        Some(LengthSummary {
            min: v[0] as u32,
            mean: total / v.len() as f64,
            p50: crate::stats::percentile_sorted(&v, 50.0),
            p95: crate::stats::percentile_sorted(&v, 95.0),
            max: v[v.len() - 1] as u32,
            total: total as u64,
        })
    }
}

/// What a dataset turned out to be: saved with every result so runs can be compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DatasetInfo {
    /// The spec it was built from.
    pub spec: DatasetSpec,
    /// Seed used.
    pub seed: u64,
    /// Tokenizer used to count and build prompts (`None`: counts come from the file or
    /// are token-id lengths).
    pub tokenizer: Option<String>,
    /// Number of requests.
    pub num_requests: usize,
    /// Client-side input lengths.
    pub input_len: Option<LengthSummary>,
    /// Requested output lengths.
    pub output_len: Option<LengthSummary>,
    /// FNV-1a 64-bit hash (hex) of the request list as written by [`save_requests`]:
    /// equal fingerprints mean byte-identical workloads.
    pub fingerprint: String,
    /// Things the user should know (resampling, lengths that could not be hit exactly).
    pub warnings: Vec<String>,
}

/// A built dataset: the requests and what they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The request list, in send order.
    pub requests: Vec<RequestSpec>,
    /// Summary of the list.
    pub info: DatasetInfo,
}

/// Build the request list for `spec`. `num_prompts` is required for `random` and
/// `shared-prefix`; for `sharegpt` and `jsonl`, `None` takes every usable record.
/// The same inputs give the byte-identical list.
pub fn generate(
    spec: &DatasetSpec,
    num_prompts: Option<usize>,
    seed: u64,
    tokenizer: Option<&dyn TextTokenizer>,
) -> Result<Dataset, WorkloadError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut warnings = Vec::new();
    let requests = match spec {
        DatasetSpec::Random(r) => {
            let n = required_count(num_prompts, "random")?;
            random::generate(r, n, &mut rng, tokenizer, &mut warnings)?
        }
        DatasetSpec::Sharegpt(s) => {
            sharegpt::generate(s, num_prompts, &mut rng, tokenizer, &mut warnings)?
        }
        DatasetSpec::SharedPrefix(s) => {
            let n = required_count(num_prompts, "shared-prefix")?;
            shared_prefix::generate(s, n, &mut rng, tokenizer, &mut warnings)?
        }
        DatasetSpec::Jsonl(j) => {
            let mut reqs = load_requests(&j.path, tokenizer, &mut warnings)?;
            if let Some(n) = num_prompts {
                if n > reqs.len() {
                    warnings.push(format!(
                        "{} holds {} requests, fewer than the {n} asked for; using all of them",
                        j.path.display(),
                        reqs.len()
                    ));
                }
                reqs.truncate(n);
            }
            reqs
        }
    };
    Ok(Dataset::from_requests(spec.clone(), seed, tokenizer.map(|t| t.name()), requests, warnings))
}

impl Dataset {
    /// Wrap an existing request list (e.g. a replayed one) with its summary.
    pub fn from_requests(
        spec: DatasetSpec,
        seed: u64,
        tokenizer: Option<String>,
        requests: Vec<RequestSpec>,
        warnings: Vec<String>,
    ) -> Dataset {
        let info = DatasetInfo {
            spec,
            seed,
            tokenizer,
            num_requests: requests.len(),
            input_len: LengthSummary::of(requests.iter().map(|r| r.input_len)),
            output_len: LengthSummary::of(requests.iter().map(|r| r.output_len)),
            fingerprint: fingerprint(&requests),
            warnings,
        };
        Dataset { requests, info }
    }
}

/// FNV-1a 64 of the JSONL form of `requests`, as 16 hex digits.
pub fn fingerprint(requests: &[RequestSpec]) -> String {
    perfpilot_io::fnv1a64_hex(requests_to_jsonl(requests).as_bytes())
}

/// The most prompts a generated dataset may hold.
pub const MAX_PROMPTS: usize = 10_000_000;
/// The most prompt tokens a generated dataset may hold in total (1 GiB of token ids):
/// generated datasets live in memory, so larger ones would exhaust it.
pub const MAX_DATASET_TOKENS: u64 = 1 << 28;

/// Refuse a generated dataset whose prompts would not fit in memory: `n` prompts of up to
/// `per_prompt` tokens each.
pub(crate) fn check_total(n: usize, per_prompt: u64, options: &str) -> Result<(), WorkloadError> {
    let total = (n as u64).saturating_mul(per_prompt);
    if total > MAX_DATASET_TOKENS {
        return Err(WorkloadError::option(
            options,
            format!(
                "{n} prompts of up to {per_prompt} tokens ({total} tokens) exceed the \
                 {MAX_DATASET_TOKENS}-token limit of a generated dataset"
            ),
        ));
    }
    Ok(())
}

fn required_count(n: Option<usize>, kind: &str) -> Result<usize, WorkloadError> {
    match n {
        Some(n) if n > MAX_PROMPTS => Err(WorkloadError::option(
            "--num-prompts",
            format!("{n} is more than the {MAX_PROMPTS} prompts a generated dataset may hold"),
        )),
        Some(n) if n > 0 => Ok(n),
        _ => Err(WorkloadError::option(
            "--num-prompts",
            format!("the {kind} dataset needs a positive number of prompts"),
        )),
    }
}

/// Token ids a synthetic prompt may use: the whole vocabulary minus special tokens.
pub(crate) fn token_pool(
    tokenizer: Option<&dyn TextTokenizer>,
    vocab_size: Option<u32>,
    kind: &str,
) -> Result<Vec<u32>, WorkloadError> {
    match (tokenizer, vocab_size) {
        (Some(t), _) => {
            let special = t.special_ids();
            let pool: Vec<u32> = (0..t.vocab_size()).filter(|id| !special.contains(id)).collect();
            if pool.is_empty() {
                return Err(WorkloadError::Tokenizer {
                    name: t.name(),
                    message: "has no non-special tokens".into(),
                });
            }
            Ok(pool)
        }
        (None, Some(v)) if v > 0 => Ok((0..v).collect()),
        _ => Err(WorkloadError::option(
            "--tokenizer",
            format!(
                "the {kind} dataset needs a tokenizer (--tokenizer PATH|server), or token-id \
                 prompts with a vocabulary size"
            ),
        )),
    }
}

/// Decode random ids into text that re-encodes to exactly `target` tokens where possible.
/// Returns the text and its real token count. `more` supplies further random ids.
pub(crate) fn text_of_exact_len(
    tok: &dyn TextTokenizer,
    mut ids: Vec<u32>,
    target: usize,
    more: &mut dyn FnMut() -> u32,
) -> Result<(String, u32), WorkloadError> {
    let mut text = tok.decode(&ids)?;
    for _ in 0..16 {
        let re = tok.encode(&text)?;
        if re.len() == target {
            return Ok((text, target as u32));
        }
        ids = re;
        if ids.len() > target {
            ids.truncate(target);
        } else {
            while ids.len() < target {
                ids.push(more());
            }
        }
        text = tok.decode(&ids)?;
    }
    let n = tok.count(&text)?;
    Ok((text, n))
}
