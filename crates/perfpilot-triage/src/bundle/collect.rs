//! Collecting a read-only snapshot over HTTP (all endpoints at once, each with its own
//! timeout), saving it atomically, and loading a saved one.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::config::{BundleConfig, EndpointDef};
use crate::error::TriageError;

/// Largest body kept per endpoint.
const MAX_BODY: usize = 32 << 20;

/// What one endpoint answered.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EndpointResult {
    /// Endpoint name (`health`, `metrics`, …).
    pub name: String,
    /// The path that answered (or the last one tried).
    pub path: String,
    /// True for a 2xx answer.
    pub ok: bool,
    /// HTTP status, when the server answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Time to the full answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
    /// Body bytes kept.
    pub bytes: u64,
    /// The error (connection, timeout, or the body of a non-2xx answer, cut).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// File in the bundle folder (the body, or `<name>.error.json`).
    pub file: String,
}

/// A snapshot: endpoint results and the bodies of the answers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snapshot {
    pub endpoints: Vec<EndpointResult>,
    pub bodies: BTreeMap<String, String>,
}

impl Snapshot {
    /// Remove secrets from every body and error message (a server may echo a key).
    pub fn redact(&mut self, r: &perfpilot_report::Redactor) {
        for b in self.bodies.values_mut() {
            if let std::borrow::Cow::Owned(clean) = r.redact(b) {
                *b = clean;
            }
        }
        for ep in &mut self.endpoints {
            if let Some(e) = ep.error.as_mut() {
                *e = r.clean(e);
            }
        }
    }

    pub fn body(&self, name: &str) -> Option<&str> {
        self.bodies.get(name).map(String::as_str)
    }
    pub fn result(&self, name: &str) -> Option<&EndpointResult> {
        self.endpoints.iter().find(|e| e.name == name)
    }
}

/// GET every endpoint of `cfg` from `base` concurrently.
pub(crate) fn collect(
    base: &str,
    timeout: Duration,
    token: Option<&str>,
    cfg: &BundleConfig,
    progress: &dyn perfpilot_report::Progress,
) -> Result<Snapshot, TriageError> {
    let base = base.trim_end_matches('/');
    if base.starts_with("https://") {
        return Err(TriageError::Invalid(format!(
            "{base}: https is not supported by this build (no TLS); use the plain http:// address of the server or a local tunnel"
        )));
    }
    if !base.starts_with("http://") || base.len() <= "http://".len() {
        return Err(TriageError::Invalid(format!(
            "{base}: expected a URL like http://127.0.0.1:30000"
        )));
    }
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .no_proxy()
        .build()
        .map_err(|e| TriageError::Invalid(format!("cannot build the HTTP client: {e}")))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TriageError::Invalid(format!("cannot start the HTTP runtime: {e}")))?;
    let results = rt.block_on(async {
        let futs = cfg.endpoint.iter().map(|ep| async {
            let r = fetch(&client, base, ep, token).await;
            progress.advance(1);
            r
        });
        let mut out = Vec::new();
        // join all concurrently: each has its own timeout
        let handles: Vec<_> = futs.collect();
        for r in join_all(handles).await {
            out.push(r);
        }
        out
    });
    let mut snap = Snapshot::default();
    for (res, body) in results {
        if let Some(b) = body {
            snap.bodies.insert(res.name.clone(), b);
        }
        snap.endpoints.push(res);
    }
    Ok(snap)
}

async fn join_all<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futs.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    done.into_iter().flatten().collect()
}

async fn fetch(
    client: &reqwest::Client,
    base: &str,
    ep: &EndpointDef,
    token: Option<&str>,
) -> (EndpointResult, Option<String>) {
    let mut last = None;
    for (i, path) in ep.paths.iter().enumerate() {
        let url = format!("{base}{path}");
        let start = Instant::now();
        let mut req = client.get(&url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let elapsed = |s: Instant| Some(s.elapsed().as_millis() as u64);
        let res = match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let body = read_body(resp).await;
                match body {
                    Ok(text) if (200..300).contains(&status) => {
                        return (
                            EndpointResult {
                                name: ep.name.clone(),
                                path: path.clone(),
                                ok: true,
                                status: Some(status),
                                elapsed_ms: elapsed(start),
                                bytes: text.len() as u64,
                                error: None,
                                file: ep.file.clone(),
                            },
                            Some(text),
                        );
                    }
                    Ok(text) => failure(
                        ep,
                        path,
                        Some(status),
                        elapsed(start),
                        format!("HTTP {status}: {}", snippet(&text)),
                    ),
                    Err(e) => failure(
                        ep,
                        path,
                        Some(status),
                        elapsed(start),
                        format!("reading the body failed: {e}"),
                    ),
                }
            }
            Err(e) => {
                let what = if e.is_timeout() {
                    "timed out".to_string()
                } else if e.is_connect() {
                    format!("connection failed: {}", root_cause(&e))
                } else {
                    root_cause(&e)
                };
                failure(ep, path, None, elapsed(start), what)
            }
        };
        // A missing path (404/405) falls through to the next alternative.
        let try_next = matches!(res.status, Some(404 | 405)) && i + 1 < ep.paths.len();
        last = Some(res);
        if !try_next {
            break;
        }
    }
    (last.unwrap_or_else(|| failure(ep, "", None, None, "no path configured".into())), None)
}

/// Read at most [`MAX_BODY`] bytes of a body, chunk by chunk (a 2 GB answer is never held
/// in memory); a longer body is cut and the cut is noted at its end.
async fn read_body(mut resp: reqwest::Response) -> Result<String, reqwest::Error> {
    let mut bytes: Vec<u8> = Vec::new();
    let mut cut = false;
    while let Some(chunk) = resp.chunk().await? {
        let room = MAX_BODY - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            cut = true;
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if cut {
        text.push_str(&format!("\n[perfpilot: body cut at {MAX_BODY} bytes]\n"));
    }
    Ok(text)
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    msg
}

fn snippet(s: &str) -> String {
    let t: String = s.trim().chars().take(300).collect();
    t.replace('\n', " ")
}

fn failure(
    ep: &EndpointDef,
    path: &str,
    status: Option<u16>,
    elapsed_ms: Option<u64>,
    error: String,
) -> EndpointResult {
    EndpointResult {
        name: ep.name.clone(),
        path: path.to_string(),
        ok: false,
        status,
        elapsed_ms,
        bytes: 0,
        error: Some(error),
        file: format!("{}.error.json", ep.name),
    }
}

/// Metadata written next to the bodies.
#[derive(Debug, Serialize, Deserialize)]
struct Metadata {
    url: String,
    collected_unix_s: u64,
    tool: String,
    endpoints: Vec<EndpointResult>,
}

/// Write the snapshot into `dir` (created if needed), every file atomically.
pub(crate) fn save(snap: &Snapshot, url: &str, dir: &Path) -> Result<(), TriageError> {
    std::fs::create_dir_all(dir).map_err(|e| TriageError::Io {
        action: "create",
        path: dir.into(),
        source: e,
    })?;
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        perfpilot_report::write_atomic(&p, bytes).map_err(|e| TriageError::write(p, e))
    };
    for ep in &snap.endpoints {
        if ep.ok {
            write(&ep.file, snap.body(&ep.name).unwrap_or("").as_bytes())?;
            let _ = std::fs::remove_file(dir.join(format!("{}.error.json", ep.name)));
        } else {
            let body = serde_json::json!({
                "ok": false, "status": ep.status, "path": ep.path, "error": ep.error, "elapsed_ms": ep.elapsed_ms
            });
            write(&ep.file, serde_json::to_string_pretty(&body).unwrap_or_default().as_bytes())?;
        }
    }
    let meta = Metadata {
        url: url.to_string(),
        collected_unix_s: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        tool: format!("perfpilot {}", env!("CARGO_PKG_VERSION")),
        endpoints: snap.endpoints.clone(),
    };
    write("metadata.json", serde_json::to_string_pretty(&meta).unwrap_or_default().as_bytes())
}

/// Load a saved snapshot. Returns it and the URL it was collected from, when recorded.
pub(crate) fn load(
    dir: &Path,
    cfg: &BundleConfig,
) -> Result<(Snapshot, Option<String>), TriageError> {
    if !dir.is_dir() {
        return Err(TriageError::Bundle {
            path: dir.into(),
            message: "not a folder (expected a bundle written by `triage bundle --out DIR`)".into(),
        });
    }
    let meta: Option<Metadata> =
        match perfpilot_io::read_to_string_bounded(dir.join("metadata.json")) {
            Ok(text) => Some(serde_json::from_str(&text).map_err(|e| TriageError::Bundle {
                path: dir.join("metadata.json"),
                message: format!("line {}, column {}: {e}", e.line(), e.column()),
            })?),
            Err(_) => None,
        };
    let mut snap = Snapshot::default();
    for ep in &cfg.endpoint {
        let body_path = dir.join(&ep.file);
        let err_path = dir.join(format!("{}.error.json", ep.name));
        let recorded =
            meta.as_ref().and_then(|m| m.endpoints.iter().find(|e| e.name == ep.name)).cloned();
        if body_path.is_file() {
            let mut body = Vec::new();
            perfpilot_io::open_input(&body_path)
                .and_then(|f| {
                    std::io::Read::read_to_end(
                        &mut std::io::Read::take(f, MAX_BODY as u64),
                        &mut body,
                    )
                })
                .map_err(|e| TriageError::read(&body_path, e))?;
            let body = String::from_utf8_lossy(&body[..body.len().min(MAX_BODY)]).into_owned();
            let res = recorded.filter(|r| r.ok).unwrap_or_else(|| EndpointResult {
                name: ep.name.clone(),
                path: ep.paths.first().cloned().unwrap_or_default(),
                ok: true,
                status: None,
                elapsed_ms: None,
                bytes: body.len() as u64,
                error: None,
                file: ep.file.clone(),
            });
            snap.bodies.insert(ep.name.clone(), body);
            snap.endpoints.push(res);
        } else if err_path.is_file() {
            let text = perfpilot_io::read_to_string_bounded(&err_path)
                .map_err(|e| TriageError::read(&err_path, e))?;
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| TriageError::Bundle {
                    path: err_path.clone(),
                    message: format!("line {}, column {}: {e}", e.line(), e.column()),
                })?;
            snap.endpoints.push(EndpointResult {
                name: ep.name.clone(),
                path: v["path"].as_str().unwrap_or("").to_string(),
                ok: false,
                status: v["status"].as_u64().and_then(|s| u16::try_from(s).ok()),
                elapsed_ms: v["elapsed_ms"].as_u64(),
                bytes: 0,
                error: v["error"].as_str().map(str::to_string),
                file: format!("{}.error.json", ep.name),
            });
        }
    }
    if snap.endpoints.is_empty() {
        let names: Vec<&str> = cfg.endpoint.iter().map(|e| e.file.as_str()).collect();
        return Err(TriageError::Bundle {
            path: dir.into(),
            message: format!(
                "no bundle file found (expected metadata.json and some of: {})",
                names.join(", ")
            ),
        });
    }
    Ok((snap, meta.map(|m| m.url)))
}
