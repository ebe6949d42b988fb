//! After the run (off the clock): output token counts, the tokenizer recount, tokens
//! per chunk, early stops.

use perfpilot_workload::{TextTokenizer, TokenCountSource, WorkloadError};

use crate::runner::Outcome;

/// Split `total` over `weights.len()` chunks proportionally to `weights` (equal when
/// all weights are 0), by largest remainder, so the parts sum to `total`.
pub fn distribute(total: u32, weights: &[u32]) -> Vec<u32> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let wsum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let w: Vec<u64> =
        if wsum == 0 { vec![1; n] } else { weights.iter().map(|&x| u64::from(x)).collect() };
    let wsum: u64 = w.iter().sum();
    let mut parts: Vec<(u64, u64, usize)> = w
        .iter()
        .enumerate()
        .map(|(i, &wi)| {
            let exact = u64::from(total) * wi;
            (exact / wsum, exact % wsum, i)
        })
        .collect();
    let assigned: u64 = parts.iter().map(|p| p.0).sum();
    let mut left = u64::from(total) - assigned;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| parts[b].1.cmp(&parts[a].1).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        parts[i].0 += 1;
        left -= 1;
    }
    parts.into_iter().map(|p| p.0 as u32).collect()
}

/// Fill output counts, recount and tokens per chunk for every outcome.
pub fn finalize(
    outcomes: &mut [Outcome],
    tokenizer: Option<&dyn TextTokenizer>,
    keep_text: bool,
) -> Result<(), WorkloadError> {
    for o in outcomes.iter_mut() {
        let rec = &mut o.record;
        let chunks = rec.chunk_times_s.len();
        if let (Some(tok), true) = (tokenizer, rec.ok()) {
            rec.retokenized_output_tokens = Some(tok.count(&o.text.text)?);
        }
        if !rec.ok() {
            rec.output_tokens = None;
            rec.output_tokens_source = TokenCountSource::None;
            rec.chunk_tokens = vec![1; chunks];
        } else {
            let (n, src) = match (rec.usage_output_tokens, rec.retokenized_output_tokens) {
                (Some(u), _) => (u, TokenCountSource::Usage),
                (None, Some(r)) => (r, TokenCountSource::Retokenized),
                (None, None) => (chunks as u32, TokenCountSource::Chunks),
            };
            rec.output_tokens = Some(n);
            rec.output_tokens_source = src;
            rec.early_stop = n < rec.requested_output_len;
            rec.chunk_tokens = if n as usize == chunks {
                vec![1; chunks]
            } else {
                let weights: Vec<u32> = match tokenizer {
                    Some(tok) if o.text.chunk_ends.len() == chunks => {
                        let mut w = Vec::with_capacity(chunks);
                        let mut start = 0;
                        for &end in &o.text.chunk_ends {
                            w.push(tok.count(o.text.text.get(start..end).unwrap_or(""))?);
                            start = end;
                        }
                        w
                    }
                    _ => vec![1; chunks],
                };
                distribute(n, &weights)
            };
        }
        if keep_text && !o.text.text.is_empty() {
            rec.generated_text = Some(std::mem::take(&mut o.text.text));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::distribute;

    #[test]
    fn distribution_sums_to_total() {
        assert_eq!(distribute(6, &[1, 1, 1]), vec![2, 2, 2]);
        assert_eq!(distribute(7, &[1, 1, 1]), vec![3, 2, 2]);
        assert_eq!(distribute(10, &[1, 3, 0, 1]), vec![2, 6, 0, 2]);
        assert_eq!(distribute(3, &[0, 0]), vec![2, 1]);
        assert_eq!(distribute(0, &[2, 2]), vec![0, 0]);
        assert!(distribute(5, &[]).is_empty());
    }
}
