//! HTTP/1.1 connections to one server, with a fixed and stated reuse policy.
//!
//! Policy: an idle keep-alive connection is reused when the server left it open;
//! otherwise a new TCP connection is opened and its setup time is recorded (it is
//! inside TTFT, as in SGLang's one-session-per-request client). A request that fails on
//! a *reused* connection before any response byte arrived is retried once on a new
//! connection (servers such as llama.cpp close after every stream while advertising
//! keep-alive). Nothing else is retried.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

use crate::BenchError;

/// The policy in words, saved in every result.
pub const CONNECTION_POLICY: &str = "HTTP/1.1; reuse an idle keep-alive connection when the \
server left it open, else open a new one (setup time recorded as connect_s, inside TTFT); \
retry once, on a new connection, only a request that failed on a reused connection before \
any response byte";

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host as given.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Path prefix before `/v1/...` (empty for most servers).
    pub base_path: String,
    /// `scheme://host:port` + base path, for reports (no credentials).
    pub display: String,
}

impl Target {
    /// Parse `http://host[:port][/prefix]`; a trailing `/v1` is dropped.
    pub fn parse(url: &str) -> Result<Target, BenchError> {
        let uri: hyper::Uri = url
            .trim()
            .parse()
            .map_err(|e| BenchError::option("--url", format!("`{url}` is not a URL: {e}")))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(BenchError::option(
                    "--url",
                    "https is not supported (the client speaks plain HTTP/1.1 to local or \
                     in-cluster servers); use an http:// URL",
                ));
            }
            _ => return Err(BenchError::option("--url", format!("`{url}` needs http://"))),
        }
        let host = uri
            .host()
            .ok_or_else(|| BenchError::option("--url", format!("`{url}` has no host")))?
            .trim_matches(['[', ']'])
            .to_string();
        let port = uri.port_u16().unwrap_or(80);
        let mut base = uri.path().trim_end_matches('/').to_string();
        if base.ends_with("/v1") {
            base.truncate(base.len() - 3);
        }
        let display = format!("http://{}:{port}{base}", uri.host().unwrap_or(&host));
        Ok(Target { host, port, base_path: base, display })
    }

    /// Full request path for `path` (which starts with `/`).
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// The `Host` header value.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A connection ready to send one request.
pub struct Conn {
    /// The sender.
    pub sender: SendRequest<Full<Bytes>>,
    /// It was taken from the idle pool.
    pub reused: bool,
    /// Time spent opening it (new connections only).
    pub connect: Option<Duration>,
}

/// Idle connections to one address.
pub struct Pool {
    addr: SocketAddr,
    connect_timeout: Duration,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
}

impl Pool {
    /// Resolve the target once (so no request pays for DNS).
    pub async fn new(target: &Target, connect_timeout: Duration) -> Result<Arc<Pool>, BenchError> {
        let mut addrs = tokio::net::lookup_host((target.host.as_str(), target.port))
            .await
            .map_err(|e| BenchError::Server {
                url: target.display.clone(),
                message: format!("cannot resolve host: {e}"),
            })?;
        let addr = addrs.next().ok_or_else(|| BenchError::Server {
            url: target.display.clone(),
            message: "host resolves to no address".into(),
        })?;
        Ok(Arc::new(Pool { addr, connect_timeout, idle: Mutex::new(Vec::new()) }))
    }

    /// An idle connection if the server kept one open, else a new one.
    pub async fn get(&self) -> Result<Conn, String> {
        loop {
            let candidate = self.idle.lock().map(|mut v| v.pop()).unwrap_or(None);
            let Some(mut sender) = candidate else { break };
            if sender.is_closed() {
                continue;
            }
            if sender.ready().await.is_ok() {
                return Ok(Conn { sender, reused: true, connect: None });
            }
        }
        self.connect().await
    }

    /// Open a new connection.
    pub async fn connect(&self) -> Result<Conn, String> {
        let start = Instant::now();
        let stream =
            tokio::time::timeout(self.connect_timeout, tokio::net::TcpStream::connect(self.addr))
                .await
                .map_err(|_| {
                    format!("connect to {} timed out after {:?}", self.addr, self.connect_timeout)
                })?
                .map_err(|e| format!("connect to {}: {e}", self.addr))?;
        let _ = stream.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {}: {e}", self.addr))?;
        tokio::spawn(async move {
            // Ends when the server closes or the sender is dropped.
            let _ = conn.await;
        });
        Ok(Conn { sender, reused: false, connect: Some(start.elapsed()) })
    }

    /// Return a connection whose response was read to the end.
    pub fn put(&self, sender: SendRequest<Full<Bytes>>) {
        if !sender.is_closed()
            && let Ok(mut v) = self.idle.lock()
        {
            v.push(sender);
        }
    }
}

/// Largest body of a non-streamed answer (`/v1/models`, `/get_server_info`, `/props`,
/// `/tokenize`, the cache flush): 16 MiB. A longer answer is an error naming the cap,
/// read no further (a misbehaving server's endless body never fills memory).
pub const MAX_SIMPLE_BODY: usize = 16 << 20;

/// Largest streamed response of one request: 256 MiB (a 32k-token answer is a few MiB).
/// A longer stream fails that request as `malformed-chunk`, naming the cap.
pub const MAX_STREAM_BODY: u64 = 256 << 20;

/// A small non-streaming request (preflight, `/tokenize`): method, path, optional JSON
/// body → status and body (at most [`MAX_SIMPLE_BODY`] bytes), within `timeout`.
pub async fn simple_request(
    pool: &Pool,
    target: &Target,
    method: hyper::Method,
    path: &str,
    body: Option<&serde_json::Value>,
    auth: Option<&str>,
    timeout: Duration,
) -> Result<(u16, Bytes), String> {
    let fut = async {
        let mut conn = pool.get().await?;
        let req = build_request(
            target,
            method,
            path,
            body.map(|b| Bytes::from(b.to_string())),
            auth,
            None,
        )?;
        let resp = match conn.sender.send_request(req.clone_for_retry()).await {
            Ok(r) => r,
            Err(_) if conn.reused => {
                conn = pool.connect().await?;
                conn.sender.send_request(req.clone_for_retry()).await.map_err(|e| e.to_string())?
            }
            Err(e) => return Err(e.to_string()),
        };
        let status = resp.status().as_u16();
        let mut body = resp.into_body();
        let mut buf = bytes::BytesMut::new();
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(|e| e.to_string())?.into_data() else { continue };
            if buf.len() + data.len() > MAX_SIMPLE_BODY {
                // The connection is dropped unread: it cannot be reused.
                return Err(format!(
                    "the answer's body is larger than the {} MiB cap on a non-streamed \
                     response (read no further)",
                    MAX_SIMPLE_BODY >> 20
                ));
            }
            buf.extend_from_slice(&data);
        }
        pool.put(conn.sender);
        Ok((status, buf.freeze()))
    };
    tokio::time::timeout(timeout, fut).await.map_err(|_| format!("no answer within {timeout:?}"))?
}

/// A request that can be sent twice (the retry path).
pub struct Prepared {
    method: hyper::Method,
    uri: String,
    headers: Vec<(&'static str, String)>,
    extra_headers: Vec<(String, String)>,
    body: Bytes,
}

impl Prepared {
    /// A `hyper::Request` for this request (bodies are reference-counted, no copy).
    pub fn clone_for_retry(&self) -> hyper::Request<Full<Bytes>> {
        let mut b = hyper::Request::builder().method(self.method.clone()).uri(&self.uri);
        for (k, v) in &self.headers {
            b = b.header(*k, v);
        }
        for (k, v) in &self.extra_headers {
            b = b.header(k.as_str(), v);
        }
        // The parts were validated when the request was prepared.
        b.body(Full::new(self.body.clone())).unwrap_or_default()
    }
}

impl From<Prepared> for hyper::Request<Full<Bytes>> {
    fn from(p: Prepared) -> Self {
        p.clone_for_retry()
    }
}

/// Prepare a request; headers are checked here so sending never fails on them.
pub fn build_request(
    target: &Target,
    method: hyper::Method,
    path: &str,
    body: Option<Bytes>,
    auth: Option<&str>,
    request_id: Option<String>,
) -> Result<Prepared, String> {
    let mut headers = vec![("host", target.authority())];
    if body.is_some() {
        headers.push(("content-type", "application/json".into()));
    }
    if let Some(a) = auth {
        headers.push(("authorization", format!("Bearer {a}")));
    }
    if let Some(id) = request_id {
        headers.push(("x-request-id", id));
    }
    let p = Prepared {
        method,
        uri: target.path(path),
        headers,
        extra_headers: Vec::new(),
        body: body.unwrap_or_default(),
    };
    // Validate once.
    let mut b = hyper::Request::builder().method(p.method.clone()).uri(&p.uri);
    for (k, v) in &p.headers {
        b = b.header(*k, v);
    }
    b.body(()).map_err(|e| format!("invalid request: {e}"))?;
    Ok(p)
}

impl Prepared {
    /// Add `--header` pairs (validated as HTTP header names and values).
    pub fn with_headers(mut self, extra: &[(String, String)]) -> Result<Prepared, String> {
        for (k, v) in extra {
            hyper::header::HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| format!("`{k}` is not a valid HTTP header name"))?;
            hyper::header::HeaderValue::from_str(v).map_err(|_| {
                format!("the value of header `{k}` is not a valid HTTP header value")
            })?;
        }
        self.extra_headers.extend_from_slice(extra);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let t = Target::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.base_path.as_str()), ("127.0.0.1", 8080, ""));
        assert_eq!(t.path("/v1/completions"), "/v1/completions");
        let t = Target::parse("http://localhost/proxy/v1/").unwrap();
        assert_eq!((t.port, t.base_path.as_str()), (80, "/proxy"));
        assert!(Target::parse("https://x").is_err());
        assert!(Target::parse("ftp://x").is_err());
        assert!(Target::parse("not a url").is_err());
        assert_eq!(Target::parse("http://[::1]:9/").unwrap().authority(), "[::1]:9");
    }
}
