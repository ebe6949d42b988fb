//! The generated shared-prefix dataset (prefix-cache studies).

use rand::RngExt;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::words::text_from_words;
use super::{SharedPrefixSpec, text_of_exact_len, token_pool};
use crate::{Prompt, RequestSpec, TextTokenizer, WorkloadError};

pub(super) fn generate(
    spec: &SharedPrefixSpec,
    n: usize,
    rng: &mut ChaCha8Rng,
    tokenizer: Option<&dyn TextTokenizer>,
    warnings: &mut Vec<String>,
) -> Result<Vec<RequestSpec>, WorkloadError> {
    if spec.num_groups == 0 || spec.question_len == 0 || spec.output_len == 0 {
        return Err(WorkloadError::option(
            "--gsp-*",
            "num_groups, question_len and output_len must be at least 1",
        ));
    }
    super::check_total(
        spec.num_groups as usize,
        u64::from(spec.system_prompt_len),
        "--gsp-num-groups/--gsp-system-prompt-len",
    )?;
    // Each request holds its group's system prompt and its own question.
    super::check_total(
        n,
        u64::from(spec.system_prompt_len) + u64::from(spec.question_len),
        "--num-prompts/--gsp-system-prompt-len/--gsp-question-len",
    )?;
    if !spec.token_ids && tokenizer.is_none() {
        return Err(WorkloadError::option(
            "--tokenizer",
            "shared-prefix text prompts need a tokenizer; or use token ids",
        ));
    }
    let text_tok = if spec.token_ids { None } else { tokenizer };
    if let Some(tok) = text_tok.filter(|t| !t.can_decode()) {
        return from_words(spec, n, rng, tok);
    }
    let pool = token_pool(tokenizer, spec.vocab_size, "shared-prefix")?;
    let draw = |rng: &mut ChaCha8Rng, len: u32| -> Vec<u32> {
        (0..len).map(|_| pool[rng.random_range(0..pool.len())]).collect()
    };
    // System prompts (one per group), then questions (one per request).
    let systems: Vec<Vec<u32>> =
        (0..spec.num_groups).map(|_| draw(rng, spec.system_prompt_len)).collect();
    let mut off_by = 0usize;
    let system_texts: Vec<Option<(String, u32)>> = match text_tok {
        None => vec![None; systems.len()],
        Some(tok) => {
            let mut v = Vec::with_capacity(systems.len());
            for s in &systems {
                let mut more = || pool[rng.random_range(0..pool.len())];
                v.push(Some(text_of_exact_len(tok, s.clone(), s.len(), &mut more)?));
            }
            v
        }
    };
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let g = k % spec.num_groups as usize;
        let q = draw(rng, spec.question_len);
        let (prompt, input_len) = match (&system_texts[g], text_tok) {
            (Some((sys, sys_len)), Some(tok)) => {
                let mut more = || pool[rng.random_range(0..pool.len())];
                let (qt, q_len) = text_of_exact_len(tok, q, spec.question_len as usize, &mut more)?;
                let text = format!("{sys}\n\n{qt}");
                let real = tok.count(&text)?;
                if real != sys_len + q_len + 1 && real != sys_len + q_len {
                    off_by += 1;
                }
                (Prompt::Text(text), real)
            }
            _ => {
                let mut ids = systems[g].clone();
                ids.extend_from_slice(&q);
                let len = ids.len() as u32;
                (Prompt::TokenIds(ids), len)
            }
        };
        out.push(RequestSpec {
            id: 0,
            prompt,
            input_len,
            output_len: spec.output_len,
            extra_body: None,
        });
    }
    out.shuffle(rng);
    for (i, r) in out.iter_mut().enumerate() {
        r.id = i as u64;
    }
    if off_by > 0 {
        warnings.push(format!(
            "{off_by} shared-prefix prompts tokenize to a different length than system + \
             question; input_len is the real count"
        ));
    }
    Ok(out)
}

/// Shared-prefix text prompts from words, for a tokenizer that cannot decode.
fn from_words(
    spec: &SharedPrefixSpec,
    n: usize,
    rng: &mut ChaCha8Rng,
    tok: &dyn TextTokenizer,
) -> Result<Vec<RequestSpec>, WorkloadError> {
    let mut systems = Vec::with_capacity(spec.num_groups as usize);
    for _ in 0..spec.num_groups {
        systems.push(text_from_words(tok, spec.system_prompt_len as usize, rng)?.0);
    }
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let (q, _) = text_from_words(tok, spec.question_len as usize, rng)?;
        let text = format!("{}\n\n{q}", systems[k % systems.len()]);
        let input_len = tok.count(&text)? + tok.added_special_tokens();
        out.push(RequestSpec {
            id: 0,
            prompt: Prompt::Text(text),
            input_len,
            output_len: spec.output_len,
            extra_body: None,
        });
    }
    out.shuffle(rng);
    for (i, r) in out.iter_mut().enumerate() {
        r.id = i as u64;
    }
    Ok(out)
}
