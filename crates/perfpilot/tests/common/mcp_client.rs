//! A minimal MCP client over stdio, written against the protocol (newline-delimited
//! JSON-RPC 2.0), not against rmcp: it plays the part of Claude Code or Codex.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A running `perfpilot mcp` and the messages it sent.
pub struct McpClient {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    next_id: u64,
    /// Notifications received so far (e.g. `notifications/progress`).
    pub notifications: Vec<Value>,
    /// Every line the server wrote, for transcripts.
    pub transcript: Vec<(char, String)>,
}

impl McpClient {
    /// Start `perfpilot mcp ARGS…` in `cwd`.
    pub fn start(args: &[&str], cwd: &std::path::Path) -> McpClient {
        let mut child = Command::new(super::bin())
            .arg("mcp")
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start perfpilot mcp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        McpClient {
            child,
            stdin: Some(stdin),
            lines,
            next_id: 1,
            notifications: Vec::new(),
            transcript: Vec::new(),
        }
    }

    fn send(&mut self, msg: &Value) {
        let text = serde_json::to_string(msg).unwrap();
        self.transcript.push(('>', text.clone()));
        let stdin = self.stdin.as_mut().expect("the client is shut down");
        writeln!(stdin, "{text}").expect("write to the server");
        stdin.flush().unwrap();
    }

    /// Write raw bytes (a malformed or oversized line) to the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("the client is shut down");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().unwrap();
    }

    /// The next message the server writes, within `timeout` (None: nothing came).
    pub fn next_message(&mut self, timeout: Duration) -> Option<Value> {
        let line = self.lines.recv_timeout(timeout).ok()?;
        self.transcript.push(('<', line.clone()));
        Some(serde_json::from_str(&line).unwrap_or_else(|e| panic!("non-JSON line ({e}): {line}")))
    }

    /// Send a notification.
    pub fn notify(&mut self, method: &str, params: Option<Value>) {
        let mut msg = json!({"jsonrpc": "2.0", "method": method});
        if let Some(p) = params {
            msg["params"] = p;
        }
        self.send(&msg);
    }

    /// Send a request and wait (up to `timeout`) for its response; notifications that
    /// arrive meanwhile are kept. Returns the whole response message.
    pub fn request(&mut self, method: &str, params: Value, timeout: Duration) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match self.lines.recv_timeout(left) {
                Ok(l) => l,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no answer to {method} within {timeout:?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed stdout during {method}")
                }
            };
            self.transcript.push(('<', line.clone()));
            let msg: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("server wrote a non-JSON line ({e}): {line}"));
            assert_eq!(msg["jsonrpc"], "2.0", "{line}");
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            if msg.get("id").is_none() {
                self.notifications.push(msg);
            }
        }
    }

    /// `initialize` + `notifications/initialized`, as a client does.
    pub fn initialize(&mut self) -> Value {
        let resp = self.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "perfpilot-test-client", "version": "1"}
            }),
            Duration::from_secs(30),
        );
        self.notify("notifications/initialized", None);
        resp
    }

    /// `tools/call`; returns the `result` (panics on a JSON-RPC error).
    pub fn call_tool(
        &mut self,
        name: &str,
        arguments: Value,
        progress_token: Option<u64>,
        timeout: Duration,
    ) -> Value {
        let mut params = json!({"name": name, "arguments": arguments});
        if let Some(t) = progress_token {
            params["_meta"] = json!({"progressToken": t});
        }
        let resp = self.request("tools/call", params, timeout);
        assert!(resp.get("error").is_none(), "tools/call {name}: {resp}");
        resp["result"].clone()
    }

    /// Close stdin and wait for the server to exit; returns its exit status code.
    pub fn shutdown(&mut self) -> Option<i32> {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("perfpilot mcp did not exit after stdin closed");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for McpClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
