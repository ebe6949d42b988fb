//! vLLM's `non-default args: {…}` dict wrapped by a paste (round 20): a terminal or an issue
//! editor cut the one printed line into several physical lines, mid-word or mid-value, and the
//! continuations carry no log prefix (dennislee22/vLLM-benchmarking's `… 'model': 'Qwe` /
//! `n2-7B-Instruct', 'max_model_len': 16384, 'gpu_memory_utilization': 0.25}`). The line whose
//! dict is not closed is open for `crate::wrap`'s join; the joined dict replaces the cut one.
//! vLLM prints the dict on one line (`vllm/entrypoints/utils.py` `log_non_default_args`:
//! `logger.info("non-default args: %s", non_default_args)`), so its closing `}` ends it.

use crate::args::{ArgsForm, ServerArgs, parse_body};

/// The head of the dump this module joins.
const HEAD: &str = "non-default args: {";

/// Whether `line` holds a `non-default args` dict that its line does not close.
pub(crate) fn opens(line: &str) -> bool {
    line.find(HEAD).is_some_and(|at| !parse_body(&line[at + HEAD.len() - 1..]).1)
}

/// Replace the cut dict read from the join's first physical line (the last truncated
/// `non-default args` set before `joined`'s line) with the joined one, kept at its first line.
pub(crate) fn replace(args: &mut [ServerArgs], joined: ServerArgs) {
    let cut = args
        .iter_mut()
        .rev()
        .find(|a| a.form == ArgsForm::VllmNonDefault && a.truncated && a.line <= joined.line);
    if let Some(a) = cut
        && a.values.len() <= joined.values.len()
    {
        a.values = joined.values;
        a.truncated = joined.truncated;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dict_open_at_its_line_end_opens() {
        // dennislee22/vLLM-benchmarking log/vllm-7B-1gpuA10080GB-0.25GRAM.log (b474d1e), line 3 as the
        // corpus copy holds it.
        let cut = "(APIServer pid=1671) INFO 09-04 01:02:21 [utils.py:326] non-default args: {'model_tag': 'Qwen2-7B-Instruct', 'port': 8081, 'model': 'Qwe";
        assert!(opens(cut));
        assert!(!opens(&format!("{cut}n2-7B-Instruct', 'max_model_len': 16384}}")));
        assert!(!opens("INFO non-default args: not a dict"));
    }
}
