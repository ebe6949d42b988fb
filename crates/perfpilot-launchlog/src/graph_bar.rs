//! vLLM V1's CUDA-graph capture progress bars, `Capturing CUDA graphs (mixed prefill-decode,
//! PIECEWISE): 100%|██████████| 51/51 [00:10<00:00, 4.86it/s]`: a finished bar states how many
//! graphs of that mode were captured. An unfinished bar (`1/52`, a paste cut mid-capture) states
//! no count.

use crate::events::EventKind;

/// The count of a finished bar, as a CUDA-graph profile of its mode (`PIECEWISE` or `FULL`).
pub(crate) fn capture_bar(after: &str) -> Option<EventKind> {
    let close = after.find(')')?;
    let mode = &after[..close];
    let full = mode.ends_with("FULL");
    if !full && !mode.ends_with("PIECEWISE") {
        return None;
    }
    let n = finished_count(&after[close..])?;
    Some(EventKind::CudaGraphProfile {
        piecewise: (!full).then_some(n),
        piecewise_largest: None,
        full: full.then_some(n),
        full_largest: None,
    })
}

/// vLLM V0's bar, `Capturing CUDA graph shapes: 100%|██████| 35/35 [00:13<00:00, 2.51it/s]`
/// (the phrase is `Capturing CUDA graph shapes:`): a finished bar states how many batch sizes
/// were captured.
pub(crate) fn shapes_bar(after: &str) -> Option<EventKind> {
    let n = finished_count(after)?;
    Some(EventKind::Setting { key: "graph_bs_count".into(), value: n as f64 })
}

/// SGLang's capture bars, `Capturing batches (bs=1 avail_mem=38.07 GB): 100%|████| 52/52`
/// (`cuda_graph_runner.py` capture: rank 0 wraps `reversed(capture_bs)` in tqdm and sets the
/// description per batch size, so the bar's total is the number of batch sizes captured) and the
/// piecewise runner's `Capturing num tokens (num_tokens=4 avail_mem=… GB): 100%|…| 58/58`
/// (`piecewise_cuda_graph_runner.py`: the same loop over `capture_num_tokens`, the token counts
/// the `Capture cuda graph num tokens […]` line lists): a finished bar states `graph_bs_count`
/// or `graph_tokens_count`. `after` is the text after `Capturing batches (` / `… num tokens (`.
pub(crate) fn sglang_bar(after: &str) -> Option<EventKind> {
    let close = after.find(')')?;
    let key = if after[..close].contains("num_tokens=") {
        "graph_tokens_count"
    } else {
        "graph_bs_count"
    };
    let n = finished_count(&after[close..])?;
    Some(EventKind::Setting { key: key.into(), value: n as f64 })
}

/// The first `N/M` after a bar's `|`, when `N == M > 0`.
fn finished_count(text: &str) -> Option<u64> {
    let at = text.find("| ")?;
    let t = text[at + 2..].trim_start();
    let (done, rest) = t.split_once('/')?;
    let total: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let done: u64 = done.parse().ok()?;
    (done > 0 && total.parse::<u64>().ok() == Some(done)).then_some(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sglang_finished_bars_state_the_sizes_captured() {
        // sgl-project/sglang#11830 (a B200 start): the batch-size bar.
        let bs = sglang_bar("bs=1 avail_mem=38.07 GB): 100%|██████████| 52/52 [00:05<00:00]");
        assert_eq!(bs, Some(EventKind::Setting { key: "graph_bs_count".into(), value: 52.0 }));
        // The piecewise runner's token bar (public SGLang start logs, 2026).
        let t =
            sglang_bar("num_tokens=4 avail_mem=76.70 GB): 100%|██████████| 58/58 [00:04<00:00]");
        assert_eq!(t, Some(EventKind::Setting { key: "graph_tokens_count".into(), value: 58.0 }));
        assert_eq!(sglang_bar("bs=496 avail_mem=20.14 GB):   2%|▊   | 1/52 [00:03<03:17]"), None);
    }

    #[test]
    fn finished_bars_state_their_count_and_mode() {
        let p = capture_bar(
            "mixed prefill-decode, PIECEWISE): 100%|██████████| 11/11 [00:02<00:00,  3.91it/s]",
        );
        assert_eq!(
            p,
            Some(EventKind::CudaGraphProfile {
                piecewise: Some(11),
                piecewise_largest: None,
                full: None,
                full_largest: None
            })
        );
        match capture_bar("decode, FULL): 100%|██████████| 7/7 [00:01<00:00,  4.00it/s]")
        {
            Some(EventKind::CudaGraphProfile { full: Some(7), piecewise: None, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn v0_shape_bars_state_the_batch_size_count() {
        let ev = shapes_bar(" 100%|██████████| 35/35 [00:13<00:00,  2.51it/s]");
        assert_eq!(ev, Some(EventKind::Setting { key: "graph_bs_count".into(), value: 35.0 }));
        assert_eq!(shapes_bar("  60%|██████    | 21/35 [00:08<00:05,  2.51it/s]"), None);
    }

    #[test]
    fn unfinished_cut_or_foreign_bars_state_nothing() {
        assert_eq!(capture_bar("decode, FULL):   2%|▊     | 1/52 [00:03<03:17]"), None);
        assert_eq!(capture_bar("decode, FULL):   0%|          | 0/52 [00:00<?, ?it/s]"), None);
        assert_eq!(capture_bar("decode, FULL): 100%|████████"), None);
        assert_eq!(capture_bar("prefill, EAGER): 100%|█| 3/3"), None);
        assert_eq!(capture_bar(""), None);
    }
}
