//! The MCP server: `tools/list` from the capability table, `tools/call` through a worker
//! process with the roots checked first, progress forwarded, and the run time bounded.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    InitializeResult, JsonObject, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ServerCapabilities, ServerConfig, Tool as McpTool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;
use tokio::sync::Semaphore;

use super::registry::{self, Access, Tool};
use super::roots::Roots;
use super::worker::{self, CallError};

/// What the server tells the model when it connects.
const INSTRUCTIONS: &str = "perfpilot: LLM-serving performance engineering tools. Every tool \
returns the same JSON envelope as `perfpilot <command> --format json` (schema_version, tool, \
command, inputs, warnings, result) in structuredContent, plus a short text summary. File \
arguments must lie inside the server's roots; relative paths resolve against the first root. \
Read the skill of a capability (`perfpilot skills list`) for the checks to make before \
trusting a result.";

/// The server state shared by all calls.
pub struct Server {
    roots: Roots,
    exe: PathBuf,
    timeout: Duration,
    slots: Arc<Semaphore>,
}

impl Server {
    /// A server confined to `roots` that runs calls with `exe` (this binary).
    pub fn new(roots: Roots, exe: PathBuf, timeout: Duration, max_concurrent: usize) -> Server {
        Server { roots, exe, timeout, slots: Arc::new(Semaphore::new(max_concurrent.max(1))) }
    }
}

/// The MCP description of a tool from the capability table.
pub fn describe(tool: &Tool, output_schema: Value) -> McpTool {
    let input = object_of((tool.input_schema)());
    let mut t = McpTool::new(tool.name, tool.description, Arc::new(input));
    if let Value::Object(out) = output_schema {
        t = t.with_raw_output_schema(Arc::new(out));
    }
    let writes = tool.paths.iter().any(|p| p.access == Access::Write);
    t.with_annotations(
        ToolAnnotations::new()
            .read_only(!writes)
            .destructive(false)
            .idempotent(!tool.long_running)
            .open_world(false),
    )
}

fn object_of(v: Value) -> JsonObject {
    match v {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

fn tool_error(msg: impl Into<String>) -> CallToolResponse {
    CallToolResult::error(vec![ContentBlock::text(msg.into())]).into()
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("perfpilot", env!("CARGO_PKG_VERSION")).with_title("perfpilot"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let tools = registry::all()
            .into_iter()
            .filter_map(|c| c.tool.as_ref().map(|t| describe(t, (c.output_schema)())))
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let Some(tool) = registry::find_tool(&request.name) else {
            return Err(McpError::invalid_params(
                format!("unknown tool `{}`; tools/list names them", request.name),
                None,
            ));
        };
        let args = Value::Object(request.arguments.unwrap_or_default());
        if let Err(msg) = self.roots.confine(tool, &args) {
            return Ok(tool_error(format!("{}: {msg}", tool.name)));
        }
        let Ok(_slot) = self.slots.clone().acquire_owned().await else {
            return Err(McpError::internal_error("the server is shutting down", None));
        };

        let token = context.meta.get_progress_token();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ProgressNotificationParam>();
        let forwarder = {
            let peer = context.peer.clone();
            tokio::spawn(async move {
                while let Some(p) = rx.recv().await {
                    let _ = peer.notify_progress(p).await;
                }
            })
        };
        let mut last: Option<u64> = None;
        let on_progress = move |p: super::exec::ProgressLine| {
            let Some(token) = token.clone() else { return };
            // MCP requires progress to increase from one notification to the next: an update
            // that does not advance is not sent (its message rides on the next one).
            if last.is_some_and(|l| p.progress <= l) {
                return;
            }
            last = Some(p.progress);
            let mut n = ProgressNotificationParam::new(token, p.progress as f64);
            if let Some(total) = p.total {
                n = n.with_total(total as f64);
            }
            if let Some(m) = p.message {
                n = n.with_message(m);
            }
            let _ = tx.send(n);
        };
        let ct = context.ct.clone();
        let outcome = worker::call(
            &self.exe,
            self.roots.all(),
            tool.name,
            &args,
            self.timeout,
            async move { ct.cancelled().await },
            on_progress,
        )
        .await;
        let _ = forwarder.await;

        Ok(match outcome {
            Ok(out) => {
                let structured: Value = serde_json::from_str(&out.envelope)
                    .map_err(|e| McpError::internal_error(e.to_string(), None))?;
                let mut result = CallToolResult::success(vec![
                    ContentBlock::text(out.summary),
                    ContentBlock::text(out.envelope),
                ]);
                result.structured_content = Some(structured);
                result.into()
            }
            Err(CallError::Failed(msg)) => tool_error(format!("{} failed: {msg}", tool.name)),
            Err(e) => tool_error(format!("{}: {e}", tool.name)),
        })
    }
}
