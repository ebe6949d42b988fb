//! The random dataset: prompts of exact token lengths (text or token ids).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

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
    let pool = token_pool(tokenizer, spec.vocab_size, "random")?;
    let mut off_by = 0usize;
    let mut out = Vec::with_capacity(n);
    for (i, (&in_len, &out_len)) in input_lens.iter().zip(&output_lens).enumerate() {
        let ids: Vec<u32> = (0..in_len).map(|_| pool[rng.random_range(0..pool.len())]).collect();
        let (prompt, input_len) = match text_tokenizer {
            None => (Prompt::TokenIds(ids), in_len),
            Some(tok) => {
                let mut more = || pool[rng.random_range(0..pool.len())];
                let (text, real) = text_of_exact_len(tok, ids, in_len as usize, &mut more)?;
                if real != in_len {
                    off_by += 1;
                }
                (Prompt::Text(text), real)
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
