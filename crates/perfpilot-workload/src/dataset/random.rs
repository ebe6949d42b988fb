//! The random dataset: prompts of exact token lengths (text or token ids).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::words::text_from_words;
use super::{RandomSpec, text_of_exact_len, token_pool};
use crate::{Prompt, RequestSpec, TextTokenizer, WorkloadError, length_range};

/// Lengths are drawn first (all inputs, then all outputs), then each prompt's tokens, so
/// the lengths do not depend on the tokenizer.
pub(super) fn generate(
    spec: &RandomSpec,
    n: usize,
    rng: &mut ChaCha8Rng,
    tokenizer: Option<&dyn TextTokenizer>,
    warnings: &mut Vec<String>,
) -> Result<Vec<RequestSpec>, WorkloadError> {
    let (in_lo, in_hi) = length_range(spec.input_len, spec.range_ratio, spec.range_mode)?;
    let (out_lo, out_hi) = length_range(spec.output_len, spec.range_ratio, spec.range_mode)?;
    super::check_total(n, u64::from(in_hi), "--num-prompts/--input-len")?;
    let input_lens: Vec<u32> = (0..n).map(|_| rng.random_range(in_lo..=in_hi)).collect();
    let output_lens: Vec<u32> = (0..n).map(|_| rng.random_range(out_lo..=out_hi)).collect();
    let text_tokenizer = if spec.token_ids { None } else { tokenizer };
    if !spec.token_ids && tokenizer.is_none() {
        return Err(WorkloadError::option(
            "--tokenizer",
            "random text prompts need a tokenizer (--tokenizer PATH|server); or send token ids \
             (--token-ids, completions endpoint) with a tokenizer or --vocab-size",
        ));
    }
    // A tokenizer that cannot decode (a server without /detokenize) builds text from words.
    let from_words = text_tokenizer.is_some_and(|t| !t.can_decode());
    let pool =
        if from_words { Vec::new() } else { token_pool(tokenizer, spec.vocab_size, "random")? };
    // The server adds its special tokens (BOS) to text prompts: leave room for them, as
    // SGLang does, so the server sees the drawn length.
    let specials = text_tokenizer.map_or(0, |t| t.added_special_tokens());
    let mut off_by = 0usize;
    let mut out = Vec::with_capacity(n);
    for (i, (&in_len, &out_len)) in input_lens.iter().zip(&output_lens).enumerate() {
        let text_len = in_len.saturating_sub(specials).max(1);
        let (prompt, input_len) = match text_tokenizer {
            None => {
                let ids = (0..in_len).map(|_| pool[rng.random_range(0..pool.len())]).collect();
                (Prompt::TokenIds(ids), in_len)
            }
            Some(tok) if from_words => {
                let (text, real) = text_from_words(tok, text_len as usize, rng)?;
                if real != text_len {
                    off_by += 1;
                }
                (Prompt::Text(text), real + specials)
            }
            Some(tok) => {
                let ids: Vec<u32> =
                    (0..text_len).map(|_| pool[rng.random_range(0..pool.len())]).collect();
                let mut more = || pool[rng.random_range(0..pool.len())];
                let (text, real) = text_of_exact_len(tok, ids, text_len as usize, &mut more)?;
                if real != text_len {
                    off_by += 1;
                }
                (Prompt::Text(text), real + specials)
            }
        };
        out.push(RequestSpec {
            id: i as u64,
            prompt,
            input_len,
            output_len: out_len,
            extra_body: None,
        });
    }
    if off_by > 0 {
        warnings.push(format!(
            "{off_by} of {n} random prompts could not be made exactly the drawn length (text \
             that re-encodes differently); their input_len is the real count"
        ));
    }
    Ok(out)
}
