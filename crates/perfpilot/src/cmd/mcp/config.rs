//! `perfpilot mcp --print-config claude|codex|cursor`: the snippet that registers this
//! server with a client. The snippet goes to stdout (so it can be piped into the file);
//! where it goes and the one-line alternative go to stderr.

use std::path::PathBuf;

/// A client that can start a stdio MCP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Client {
    /// Claude Code (`.mcp.json` at the project root, or `claude mcp add-json`).
    Claude,
    /// OpenAI Codex (`~/.codex/config.toml` or a trusted project's `.codex/config.toml`).
    Codex,
    /// Cursor (`.cursor/mcp.json`).
    Cursor,
}

/// How the client should start the server.
pub struct Launch {
    /// The program (absolute path of this binary unless overridden).
    pub command: String,
    /// Its arguments (`mcp --root …`).
    pub args: Vec<String>,
    /// Per-call limit of the server, so the client does not give up first.
    pub call_timeout_s: u64,
}

impl Launch {
    /// The launch line for the given program, roots and call limit.
    pub fn new(
        command: String,
        roots: &[PathBuf],
        allow_env: &[String],
        call_timeout_s: u64,
        default_timeout: u64,
    ) -> Launch {
        let mut args = vec!["mcp".to_string()];
        for r in roots {
            args.push("--root".into());
            args.push(r.display().to_string());
        }
        for e in allow_env {
            args.push("--allow-env".into());
            args.push(e.clone());
        }
        if call_timeout_s != default_timeout {
            args.push("--call-timeout-s".into());
            args.push(call_timeout_s.to_string());
        }
        Launch { command, args, call_timeout_s }
    }
}

/// The snippet (stdout) and the hint (stderr) for `client`.
pub fn snippet(client: Client, launch: &Launch) -> (String, String) {
    let server = serde_json::json!({
        "type": "stdio",
        "command": launch.command,
        "args": launch.args,
    });
    match client {
        Client::Claude => {
            let doc = serde_json::json!({ "mcpServers": { "perfpilot": server } });
            let one_line = serde_json::to_string(&server).unwrap_or_default();
            (
                pretty(&doc),
                format!(
                    "# Merge into .mcp.json at the project root (shared with the team), or run:\n\
                     #   claude mcp add-json --scope project perfpilot '{one_line}'\n\
                     # Then check with `claude mcp list` (or /mcp inside Claude Code)."
                ),
            )
        }
        Client::Cursor => {
            let plain = serde_json::json!({ "command": launch.command, "args": launch.args });
            let doc = serde_json::json!({ "mcpServers": { "perfpilot": plain } });
            (pretty(&doc), "# Merge into .cursor/mcp.json (project) or ~/.cursor/mcp.json.".into())
        }
        Client::Codex => {
            let args: Vec<String> = launch.args.iter().map(|a| toml_string(a)).collect();
            let text = format!(
                "[mcp_servers.perfpilot]\ncommand = {}\nargs = [{}]\n\
                 # benchmarks can run for minutes; let the server's own limit apply first\n\
                 tool_timeout_sec = {}\n",
                toml_string(&launch.command),
                args.join(", "),
                launch.call_timeout_s + 30
            );
            let cli = std::iter::once(launch.command.as_str())
                .chain(launch.args.iter().map(String::as_str))
                .map(shell_word)
                .collect::<Vec<_>>()
                .join(" ");
            (
                text,
                format!(
                    "# Append to ~/.codex/config.toml (or a trusted project's .codex/config.toml), \
                     or run:\n#   codex mcp add perfpilot -- {cli}\n\
                     # Then check with `codex mcp list` (or /mcp inside Codex)."
                ),
            )
        }
    }
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// A TOML basic string (JSON string escaping is valid TOML).
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-=:".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch() -> Launch {
        Launch::new("/opt/bin/perfpilot".into(), &[PathBuf::from("/srv/my repo")], &[], 600, 600)
    }

    #[test]
    fn claude_and_cursor_snippets_are_json_with_the_launch_line() {
        for client in [Client::Claude, Client::Cursor] {
            let (text, hint) = snippet(client, &launch());
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let s = &v["mcpServers"]["perfpilot"];
            assert_eq!(s["command"], "/opt/bin/perfpilot");
            assert_eq!(s["args"], serde_json::json!(["mcp", "--root", "/srv/my repo"]));
            assert!(hint.starts_with('#'));
        }
    }

    #[test]
    fn codex_snippet_is_toml_with_a_tool_timeout_above_the_server_limit() {
        let (text, hint) = snippet(Client::Codex, &launch());
        assert!(text.starts_with("[mcp_servers.perfpilot]\n"), "{text}");
        assert!(text.contains("command = \"/opt/bin/perfpilot\""), "{text}");
        assert!(text.contains("args = [\"mcp\", \"--root\", \"/srv/my repo\"]"), "{text}");
        assert!(text.contains("tool_timeout_sec = 630"), "{text}");
        assert!(
            hint.contains(
                "codex mcp add perfpilot -- /opt/bin/perfpilot mcp --root '/srv/my repo'"
            ),
            "{hint}"
        );
    }

    #[test]
    fn a_non_default_limit_is_passed_on() {
        let l = Launch::new("perfpilot".into(), &[], &["OPENAI_API_KEY".into()], 60, 600);
        assert_eq!(l.args, ["mcp", "--allow-env", "OPENAI_API_KEY", "--call-timeout-s", "60"]);
    }
}
