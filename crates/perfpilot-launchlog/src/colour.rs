//! Terminal colour codes in pasted logs: SGR sequences (`ESC [ 36 m`, `ESC [ 0 ; 0 m`) as the
//! bytes a terminal received, or as the text `^[[36m` a paste shows them as (Ray prints worker
//! prefixes and its `[repeated Nx across cluster]` note in colour; vLLM colours its process
//! prefix). The codes are dropped from a candidate line before its phrases are read, so a value
//! followed by a code (`took 41.61 seconds^[[32m [repeated 12x across cluster]^[[0m`) reads as
//! printed. Only candidate lines are looked at, and only those holding an ESC or `^[[`.

/// The line without its colour codes, or None when it holds none (the common case: one
/// `memchr`-class search per candidate line).
pub(crate) fn strip(line: &str) -> Option<String> {
    if !line.contains('\u{1b}') && !line.contains("^[[") {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let esc = rest.find('\u{1b}').map(|i| (i, 1));
        let caret = rest.find("^[").map(|i| (i, 2));
        let next = match (esc, caret) {
            (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
            (a, b) => a.or(b),
        };
        let Some((at, intro)) = next else { break };
        out.push_str(&rest[..at]);
        let tail = &rest[at + intro..];
        match sgr_len(tail) {
            Some(n) => rest = &tail[n..],
            None => {
                // Not a colour code: keep the introducer as printed.
                out.push_str(&rest[at..at + intro]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Length of `[` params `m` at the start of `s` (params: digits and `;`), if it is one.
fn sgr_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix('[')?;
    let params = body.bytes().take_while(|b| b.is_ascii_digit() || *b == b';').count();
    (body.as_bytes().get(params) == Some(&b'm')).then_some(1 + params + 1)
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn colour_codes_are_dropped_in_both_forms() {
        // vllm-project/vllm#15453 (heldout-18): a Ray worker line as pasted.
        let l = "^[[36m(RayWorkerWrapper pid=1023)^[[0m INFO 03-25 08:34:23 [loader.py:429] Loading weights took 41.61 seconds^[[32m [repeated 12x across cluster]^[[0m";
        assert_eq!(
            strip(l).unwrap(),
            "(RayWorkerWrapper pid=1023) INFO 03-25 08:34:23 [loader.py:429] Loading weights took 41.61 seconds [repeated 12x across cluster]"
        );
        let esc = l.replace("^[", "\u{1b}");
        assert_eq!(strip(&esc), strip(l));
        assert_eq!(
            strip("^[[1;36m(EngineCore_DP0 pid=43065)^[[0;0m ERROR x").unwrap(),
            "(EngineCore_DP0 pid=43065) ERROR x"
        );
        // No code: nothing to do; a caret that starts no code stays.
        assert_eq!(strip("INFO Loading weights took 4.1 seconds"), None);
        assert_eq!(strip("a ^[[x b ^[ c").unwrap(), "a ^[[x b ^[ c");
    }
}
