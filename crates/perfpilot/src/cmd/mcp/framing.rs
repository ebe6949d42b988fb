//! The line layer in front of rmcp: every request line is checked before the protocol
//! handler sees it, so that no request goes unanswered.
//!
//! * A line longer than the request-size limit (`--max-request-bytes`, default 8 MiB) is
//!   discarded as it streams in (never held in memory) and answered with JSON-RPC error
//!   -32600 naming the limit; its `id` is taken from the start of the line when it is there.
//! * A line that is not JSON is answered with -32700 (parse error), one that is JSON but
//!   not a JSON-RPC 2.0 message (or a batch, which MCP 2025-06-18 dropped) with -32600.
//! * Everything else goes to rmcp unchanged; its answers and these errors share one
//!   writer, so lines never interleave.

use serde_json::{Value, json};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// Default request-size limit in bytes.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 8 << 20;

/// Bytes of an oversized line kept to find its `id`.
const HEAD_BYTES: usize = 4096;

/// One line read under the limit.
#[derive(Debug, PartialEq)]
pub enum Line {
    /// A complete line (without its newline).
    Complete(Vec<u8>),
    /// A line over the limit: its first bytes and its full length.
    TooLong {
        /// The first [`HEAD_BYTES`] bytes.
        head: Vec<u8>,
        /// The line's length in bytes.
        len: u64,
    },
}

/// Read one line of at most `cap` bytes; `None` at end of input.
pub async fn read_line<R: AsyncBufRead + Unpin>(
    r: &mut R,
    cap: usize,
) -> std::io::Result<Option<Line>> {
    let mut buf = Vec::new();
    let mut len: u64 = 0;
    let mut over = false;
    loop {
        let avail = r.fill_buf().await?;
        if avail.is_empty() {
            if len == 0 {
                return Ok(None);
            }
            break;
        }
        let (chunk, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (&avail[..i], Some(i + 1)),
            None => (avail, None),
        };
        len += chunk.len() as u64;
        if !over && buf.len() + chunk.len() > cap {
            over = true;
        }
        let keep = if over { HEAD_BYTES.saturating_sub(buf.len()) } else { chunk.len() };
        buf.extend_from_slice(&chunk[..keep.min(chunk.len())]);
        let used = done.unwrap_or(avail.len());
        r.consume(used);
        if done.is_some() {
            break;
        }
    }
    if over {
        return Ok(Some(Line::TooLong { head: buf, len }));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(Line::Complete(buf)))
}

/// The `id` of a message from the first bytes of its text (`"id": 7` or `"id": "a"`),
/// or null.
pub fn sniff_id(head: &[u8]) -> Value {
    let text = String::from_utf8_lossy(head);
    let Some(at) = text.find("\"id\"") else { return Value::Null };
    let rest = text[at + 4..].trim_start();
    let Some(rest) = rest.strip_prefix(':') else { return Value::Null };
    let rest = rest.trim_start();
    if let Some(s) = rest.strip_prefix('"') {
        return match s.find('"') {
            Some(end) => Value::String(s[..end].to_string()),
            None => Value::Null,
        };
    }
    let num: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    num.parse::<i64>().map(Value::from).unwrap_or(Value::Null)
}

fn error(id: Value, code: i64, message: String) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

/// What to do with one line: forward it to rmcp, answer it with an error, or skip it.
pub fn judge(line: &Line, cap: usize) -> Result<Option<Vec<u8>>, String> {
    let bytes = match line {
        Line::TooLong { head, len } => {
            return Err(error(
                sniff_id(head),
                -32600,
                format!(
                    "request of {len} bytes is larger than the server's limit of {cap} bytes \
                     (perfpilot mcp --max-request-bytes)"
                ),
            ));
        }
        Line::Complete(b) => b,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return Err(error(Value::Null, -32700, format!("Parse error: {e}"))),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let ok = value.as_object().is_some_and(|o| {
        o.get("jsonrpc") == Some(&json!("2.0"))
            && (o.contains_key("method") || o.contains_key("result") || o.contains_key("error"))
    });
    if !ok {
        let why = if value.is_array() {
            "Invalid Request: batches are not supported (MCP 2025-06-18)"
        } else {
            "Invalid Request: expected a JSON-RPC 2.0 object with `jsonrpc` and `method`"
        };
        return Err(error(id, -32600, why.to_string()));
    }
    let mut out = bytes.clone();
    out.push(b'\n');
    Ok(Some(out))
}

/// Pump `input` into `to_rmcp` line by line, answering bad lines on `errors`.
pub async fn pump_requests<R, W>(
    mut input: R,
    mut to_rmcp: W,
    errors: mpsc::UnboundedSender<String>,
    cap: usize,
) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    while let Some(line) = read_line(&mut input, cap).await? {
        match judge(&line, cap) {
            Ok(Some(bytes)) => {
                to_rmcp.write_all(&bytes).await?;
                to_rmcp.flush().await?;
            }
            Ok(None) => {}
            Err(reply) => {
                let _ = errors.send(reply);
            }
        }
    }
    to_rmcp.shutdown().await
}

/// Copy rmcp's answer lines and the error replies to `out`, one whole line at a time,
/// until rmcp's side ends or `stop` fires and nothing is left buffered.
pub async fn pump_replies<R, W>(
    from_rmcp: R,
    mut errors: mpsc::UnboundedReceiver<String>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
    mut out: W,
) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut lines = from_rmcp.lines();
    let mut errors_open = true;
    loop {
        tokio::select! {
            biased;
            line = lines.next_line() => match line? {
                Some(l) => {
                    out.write_all(l.as_bytes()).await?;
                    out.write_all(b"\n").await?;
                    out.flush().await?;
                }
                None => return Ok(()),
            },
            reply = errors.recv(), if errors_open => match reply {
                Some(r) => {
                    out.write_all(r.as_bytes()).await?;
                    out.write_all(b"\n").await?;
                    out.flush().await?;
                }
                None => errors_open = false,
            },
            _ = &mut stop => return out.flush().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], cap: usize) -> Vec<Line> {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let mut r = tokio::io::BufReader::with_capacity(16, input);
            let mut out = Vec::new();
            while let Some(l) = read_line(&mut r, cap).await.unwrap() {
                out.push(l);
            }
            out
        })
    }

    #[test]
    fn long_lines_are_cut_short_and_the_next_line_survives() {
        let mut input = br#"{"jsonrpc":"2.0","id":42,"method":"x","params":""#.to_vec();
        input.extend(std::iter::repeat_n(b'a', 500));
        input.extend_from_slice(b"\"}\n{\"ok\":1}\r\n");
        let got = lines(&input, 100);
        assert_eq!(got.len(), 2);
        let Line::TooLong { head, len } = &got[0] else { panic!("{got:?}") };
        assert_eq!(*len, input.len() as u64 - 11);
        assert_eq!(sniff_id(head), json!(42));
        assert_eq!(got[1], Line::Complete(b"{\"ok\":1}".to_vec()));
        let reply = judge(&got[0], 100).unwrap_err();
        assert!(reply.contains("-32600") && reply.contains("\"id\":42"), "{reply}");
    }

    #[test]
    fn malformed_and_non_rpc_lines_get_errors() {
        let r = judge(&Line::Complete(b"{not json".to_vec()), 100).unwrap_err();
        assert!(r.contains("-32700"), "{r}");
        let r = judge(&Line::Complete(b"[1,2]".to_vec()), 100).unwrap_err();
        assert!(r.contains("-32600") && r.contains("batches"), "{r}");
        let r = judge(&Line::Complete(br#"{"id":"q","x":1}"#.to_vec()), 100).unwrap_err();
        assert!(r.contains("\"id\":\"q\""), "{r}");
        assert_eq!(judge(&Line::Complete(b"  ".to_vec()), 100), Ok(None));
        let ok = judge(&Line::Complete(br#"{"jsonrpc":"2.0","method":"m"}"#.to_vec()), 100);
        assert!(matches!(ok, Ok(Some(_))));
    }
}
