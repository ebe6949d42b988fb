//! The ShareGPT dataset: turn 0 is the prompt, turn 1's token count the output length,
//! both counted with the special tokens the tokenizer adds (BOS), as the anchors count them.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use super::ShareGptSpec;
use crate::{Prompt, RequestSpec, TextTokenizer, WorkloadError};

#[derive(Deserialize)]
struct Record {
    #[serde(alias = "conversation", default)]
    conversations: Option<Vec<Turn>>,
}

#[derive(Deserialize)]
struct Turn {
    #[serde(default)]
    value: Option<String>,
}

/// Shuffle the usable conversations with the seed and take them in order (the anchors'
/// procedure); when fewer usable records than requested exist, cycle through the
/// shuffled list again and say so.
pub(super) fn generate(
    spec: &ShareGptSpec,
    num_prompts: Option<usize>,
    rng: &mut ChaCha8Rng,
    tokenizer: Option<&dyn TextTokenizer>,
    warnings: &mut Vec<String>,
) -> Result<Vec<RequestSpec>, WorkloadError> {
    let Some(tok) = tokenizer else {
        return Err(WorkloadError::option(
            "--tokenizer",
            "the sharegpt dataset needs a tokenizer to count prompt (and answer) tokens",
        ));
    };
    let bytes =
        perfpilot_io::read_regular(&spec.path).map_err(|e| WorkloadError::io(&spec.path, e))?;
    let records: Vec<Record> = serde_json::from_slice(&bytes).map_err(|e| {
        WorkloadError::bad_input(
            &spec.path,
            format!("line {} column {}", e.line(), e.column()),
            format!("expected a JSON array of {{\"conversations\": [{{\"value\": …}}]}}: {e}"),
        )
    })?;
    let min_turns = if spec.output_len.is_some() { 1 } else { 2 };
    let mut pairs: Vec<(String, Option<String>)> = records
        .into_iter()
        .filter_map(|r| {
            let turns = r.conversations?;
            if turns.len() < min_turns {
                return None;
            }
            let mut it = turns.into_iter();
            let prompt = it.next()?.value?;
            let answer = it.next().and_then(|t| t.value);
            Some((prompt, answer))
        })
        .collect();
    pairs.shuffle(rng);
    // Both anchors count ShareGPT lengths with the tokenizer's special tokens added
    // (SGLang's and vLLM's `tokenizer.encode(text)` / `tokenizer(text)` put BOS first):
    // the prompt's count is what the server sees, and the answer's count (the output
    // length when none is fixed) carries the same +1, so the requests match theirs.
    let specials = tok.added_special_tokens();
    let want = num_prompts.unwrap_or(usize::MAX);
    let mut usable = Vec::new();
    for (prompt, answer) in pairs {
        if usable.len() == want {
            break;
        }
        let input_len = tok.count(&prompt)?.saturating_add(specials);
        let output_len = match (spec.output_len, &answer) {
            (Some(n), _) => n,
            (None, Some(a)) => tok.count(a)?.saturating_add(specials),
            (None, None) => continue,
        };
        if input_len < 2 || output_len < 2 {
            continue;
        }
        if let Some(ctx) = spec.context_len
            && u64::from(input_len) + u64::from(output_len) > u64::from(ctx)
        {
            continue;
        }
        usable.push((prompt, input_len, output_len));
    }
    if usable.is_empty() {
        return Err(WorkloadError::bad_input(
            &spec.path,
            "whole file",
            "no usable conversation (need at least two turns, or give a fixed output length, \
             and prompts of at least 2 tokens within the context length)",
        ));
    }
    let n = num_prompts.unwrap_or(usable.len());
    if n > usable.len() {
        warnings.push(format!(
            "{} has {} usable conversations, fewer than the {n} asked for; the shuffled list \
             is repeated",
            spec.path.display(),
            usable.len()
        ));
    }
    Ok((0..n)
        .map(|i| {
            let (prompt, input_len, output_len) = &usable[i % usable.len()];
            RequestSpec {
                id: i as u64,
                prompt: Prompt::Text(prompt.clone()),
                input_len: *input_len,
                output_len: *output_len,
                extra_body: None,
            }
        })
        .collect())
}
