//! llama.cpp (and fork) KV-cache lines: the ones that carry several values or depend on the
//! cache opened before them. One-value lines (context settings, buffers) are data rules.

use crate::events::EventKind;
use crate::fields::{leading_number, num_u64, word};
use crate::units::LoggedBytes;

/// `N UNIT` at the start of `text` (after spaces, `=` or `:`).
fn size_at(text: &str) -> Option<LoggedBytes> {
    let t = text.trim_start().trim_start_matches(['=', ':']).trim_start();
    let n = leading_number(t)?;
    let unit = t[n.len()..].split_whitespace().next()?;
    LoggedBytes::from_number_unit(n, unit)
}

fn quoted(text: &str, key: &str) -> Option<String> {
    word(text, key).map(|w| w.trim_matches(['\'', '"']).to_string())
}

/// `K (f16): 4096.00 MiB, V (f16): 4096.00 MiB` (also `c^KV (f16): …` for MLA caches).
fn k_v_parts(
    text: &str,
) -> (Option<String>, Option<LoggedBytes>, Option<String>, Option<LoggedBytes>) {
    let part = |key: &str| -> (Option<String>, Option<LoggedBytes>) {
        let Some(at) = text.find(key) else { return (None, None) };
        let rest = &text[at + key.len()..];
        let Some(close) = rest.find(')') else { return (None, None) };
        let value = &rest[close + 1..];
        (Some(rest[..close].trim().to_string()), size_at(value).or_else(|| cut_mib(value)))
    };
    let (kd, ks) = part(" K (");
    let (vd, vs) = part(" V (");
    if kd.is_none() && vd.is_none() {
        let (d, _) = part("c^KV (");
        return (d.clone(), None, d, None);
    }
    (kd, ks, vd, vs)
}

/// A figure cut before its unit at the end of a paste's line (`V (f16): 1968.75`): llama.cpp
/// prints every size of its KV lines as `%7.2f MiB` (`KV self size = … MiB, K (%s): %7.2f MiB,
/// V (%s): %7.2f MiB`; `llama_kv_cache: size = …`), so the cut unit is MiB.
fn cut_mib(text: &str) -> Option<LoggedBytes> {
    let t = text.trim_start().trim_start_matches(['=', ':']).trim();
    let n = leading_number(t)?;
    (n.len() == t.len()).then(|| LoggedBytes::from_number_unit(n, "MiB"))?
}

/// `kv_size = 32768, offload = 1, type_k = 'f16', type_v = 'f16', n_layer = 64`: a cache opens.
pub(crate) fn kv_init(after: &str) -> Option<EventKind> {
    let cells = crate::units::plain_number(leading_number(after)?).parse().ok()?;
    Some(EventKind::LlamaKvCache {
        cells: Some(cells),
        seqs: None,
        size: None,
        k_size: None,
        v_size: None,
        k_dtype: quoted(after, "type_k ="),
        v_dtype: quoted(after, "type_v ="),
        swa: false,
        opens: true,
    })
}

/// `KV self size  = 8192.00 MiB, K (f16): 4096.00 MiB, V (f16): 4096.00 MiB`.
pub(crate) fn kv_self_size(after: &str) -> Option<EventKind> {
    let size = size_at(after)?;
    let (k_dtype, k_size, v_dtype, v_size) = k_v_parts(after);
    Some(EventKind::LlamaKvCache {
        cells: None,
        seqs: None,
        size: Some(size),
        k_size,
        v_size,
        k_dtype,
        v_dtype,
        swa: false,
        opens: false,
    })
}

/// `llama_kv_cache: size = 0.00 MiB ( 64000 cells, 0 layers, 1/1 seqs), K (bf16): …`. Whether
/// it is the sliding-window cache is decided by the parser from the cache opened before it.
pub(crate) fn kv_size_cells(after: &str) -> Option<EventKind> {
    let size = size_at(after)?;
    let open = after.find('(');
    let cells = open
        .and_then(|o| leading_number(&after[o + 1..]))
        .and_then(|n| crate::units::plain_number(n).parse().ok());
    let seqs = after.find(" seqs").and_then(|end| {
        let head = &after[..end];
        let tok = head.split([' ', '(']).next_back()?;
        let total = tok.rsplit('/').next()?;
        total.parse().ok()
    });
    let (k_dtype, k_size, v_dtype, v_size) = k_v_parts(after);
    Some(EventKind::LlamaKvCache {
        cells,
        seqs,
        size: Some(size),
        k_size,
        v_size,
        k_dtype,
        v_dtype,
        swa: false,
        opens: false,
    })
}

/// `  size = 5760.00 MiB (262144 cells,  9 layers, …)`: the KV cache size line of a paste that
/// dropped its `llama_kv_cache:` prefix (the phrase is ` cells, `; a line with any other text
/// before `size =` is not this one).
pub(crate) fn bare_size_cells(before: &str, after: &str) -> Option<EventKind> {
    let rest = before.trim_start().strip_prefix("size =")?;
    kv_size_cells(&format!("{rest} cells, {after}"))
}

/// `creating non-SWA KV cache, size = 64000 cells` / `creating     SWA KV cache, size = 4352
/// cells` (the phrase is `SWA KV cache, size =`; `before` tells which).
pub(crate) fn swa_open(before: &str, after: &str) -> Option<EventKind> {
    let cells = crate::units::plain_number(leading_number(after)?).parse().ok()?;
    Some(EventKind::LlamaKvCache {
        cells: Some(cells),
        seqs: None,
        size: None,
        k_size: None,
        v_size: None,
        k_dtype: None,
        v_dtype: None,
        swa: !before.ends_with("non-"),
        opens: true,
    })
}

/// `n_ctx_per_seq (2048) < n_ctx_train (163840)`: the trained context (the phrase is
/// `< n_ctx_train (`).
/// The `NAME: N UNIT` part of llama.cpp's late-2023 `total VRAM used: T MB (model: M MB,
/// context: C MB)` line, as `key`.
fn vram_part(after: &str, name: &str, key: &str) -> Option<EventKind> {
    let t = after[after.find(name)? + name.len()..].trim_start();
    let n = leading_number(t)?;
    let unit = t[n.len()..].trim_start();
    let unit = &unit[..unit.find([',', ')', ' ']).unwrap_or(unit.len())];
    Some(EventKind::Size { key: key.into(), size: LoggedBytes::from_number_unit(n, unit)? })
}

/// llama.cpp (Sep-Nov 2023, koboldcpp of that time) `llama_new_context_with_model: total VRAM
/// used: T MB (model: M MB, context: C MB)`, printed once the context's buffers are allocated:
/// M, the weights offloaded to the GPUs (`model_buffer`). C (`context_vram`, with
/// [`vram_context`]) is the KV cache and scratch buffers on the GPUs together.
pub(crate) fn vram_model(after: &str) -> Option<EventKind> {
    vram_part(after, "(model:", "model_buffer")
}

/// The `context: C MB` part of the `total VRAM used` line (see [`vram_model`]).
pub(crate) fn vram_context(after: &str) -> Option<EventKind> {
    vram_part(after, ", context:", "context_vram")
}

pub(crate) fn ctx_train(after: &str) -> Option<EventKind> {
    let value = leading_number(after)?.parse().ok()?;
    Some(EventKind::Setting { key: "n_ctx_train".into(), value })
}

/// The per-sequence context before `< n_ctx_train (` or `> n_ctx_train (`: `n_ctx_per_seq (2048)`
/// / `n_ctx_seq (64000)` / `n_ctx_pre_seq (32768)` (a misspelling some 2025 builds printed).
pub(crate) fn ctx_per_seq(before: &str) -> Option<EventKind> {
    let open = before.rfind('(')?;
    let name = before[..open].trim_end();
    if !["n_ctx_per_seq", "n_ctx_seq", "n_ctx_pre_seq"].iter().any(|n| name.ends_with(n)) {
        return None;
    }
    let value = num_u64(&before[open..], "(")? as f64;
    Some(EventKind::Setting { key: "n_ctx_per_seq".into(), value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_size_with_mixed_types() {
        let l = "  = 13800.00 MiB, K (q8_0): 6120.00 MiB, V (f16): 7680.00 MiB";
        match kv_self_size(l) {
            Some(EventKind::LlamaKvCache { size, k_dtype, v_dtype, k_size, .. }) => {
                assert_eq!(size.unwrap().bytes, 13800 << 20);
                assert_eq!((k_dtype.as_deref(), v_dtype.as_deref()), (Some("q8_0"), Some("f16")));
                assert_eq!(k_size.unwrap().bytes, 6120 << 20);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cells_and_seqs() {
        let l = "    0.00 MiB ( 64000 cells,   0 layers,  1/1 seqs), K (bf16):    0.00 MiB, V (bf16):    0.00 MiB";
        match kv_size_cells(l) {
            Some(EventKind::LlamaKvCache { cells, seqs, k_dtype, .. }) => {
                assert_eq!((cells, seqs), (Some(64000), Some(1)));
                assert_eq!(k_dtype.as_deref(), Some("bf16"));
            }
            other => panic!("{other:?}"),
        }
        // A line cut mid-way keeps what it states.
        match kv_size_cells("  182.75 MiB (  4352 cells,  43") {
            Some(EventKind::LlamaKvCache { cells, seqs, .. }) => {
                assert_eq!((cells, seqs), (Some(4352), None))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn init_line() {
        let l = " 16384, offload = 1, type_k = 'q4_0', type_v = 'f16', n_layer = 61, can_shift = 0";
        match kv_init(l) {
            Some(EventKind::LlamaKvCache { cells, k_dtype, v_dtype, opens, .. }) => {
                assert_eq!(cells, Some(16384));
                assert_eq!((k_dtype.as_deref(), v_dtype.as_deref()), (Some("q4_0"), Some("f16")));
                assert!(opens);
            }
            other => panic!("{other:?}"),
        }
    }
}
