//! Hostile inputs, part C (issue 11 items 3 and 4): Ctrl-C at any moment leaves a result
//! file (request building against a slow `/tokenize`, a cache flush that never answers,
//! a sweep with servers running), and misbehaving servers that send endless bodies get
//! a clear error within bounded memory (`bench serve`, `triage bundle`); the size caps
//! of whole-file and gzip inputs have flags named in their errors.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{bin, perfpilot};
use serde_json::{Value, json};

/// How a route answers.
#[derive(Clone, Copy)]
enum Answer {
    /// 200 with this JSON.
    Json(&'static str),
    /// 200 with a JSON `{"tokens": [...]}` of one id per word of the request's
    /// `content`/`prompt`, after sleeping this long.
    SlowTokenize(Duration),
    /// Read the request, then never answer.
    Hang,
    /// 200, chunked, an endless body of this byte (until the client goes away).
    Endless(u8),
    /// 404.
    NotFound,
}

/// A real local HTTP/1.1 server on a free port; `route` picks the answer by path. Counts
/// the requests per path prefix it was asked to count. Runs until the test process ends.
struct Hostile {
    addr: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Hostile {
    fn start(route: fn(&str) -> Answer) -> Hostile {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let log = log.clone();
                std::thread::spawn(move || serve_conn(conn, route, &log));
            }
        });
        Hostile { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn count(&self, path: &str) -> usize {
        self.seen.lock().unwrap().iter().filter(|p| p.starts_with(path)).count()
    }
}

fn serve_conn(mut conn: TcpStream, route: fn(&str) -> Answer, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    loop {
        let mut head = String::new();
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
            head.push_str(&line);
        }
        let mut body = vec![0u8; len.min(1 << 20)];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        log.lock().unwrap().push(path.clone());
        let ok = |conn: &mut TcpStream, text: &str| {
            write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
                text.len()
            )
        };
        let sent = match route(&path) {
            Answer::Json(text) => ok(&mut conn, text),
            Answer::NotFound => {
                write!(conn, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            }
            Answer::SlowTokenize(d) => {
                std::thread::sleep(d);
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let text = v["content"].as_str().or(v["prompt"].as_str()).unwrap_or("");
                let ids: Vec<u32> = (0..text.split_whitespace().count() as u32).collect();
                ok(&mut conn, &json!({ "tokens": ids, "count": ids.len() }).to_string())
            }
            Answer::Hang => {
                std::thread::sleep(Duration::from_secs(600));
                return;
            }
            Answer::Endless(byte) => {
                let _ = write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                );
                let chunk = vec![byte; 1 << 20];
                let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
                frame.extend_from_slice(&chunk);
                frame.extend_from_slice(b"\r\n");
                // At most 2 GiB, as a misbehaving server might send.
                for _ in 0..2048 {
                    if conn.write_all(&frame).is_err() {
                        return;
                    }
                }
                return;
            }
        };
        if sent.is_err() {
            return;
        }
    }
}

const MODELS: &str = r#"{"object":"list","data":[{"id":"m","object":"model"}]}"#;

/// Start `perfpilot ARGS` with piped output.
fn spawn(args: &[&str]) -> Child {
    Command::new(bin()).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

fn sigint(child: &Child) {
    let ok = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
}

/// Wait for `child` to exit within `limit`; its exit code and stderr.
fn finish(mut child: Child, limit: Duration) -> (Option<i32>, String) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            return (status.code(), err);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("perfpilot did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn result_file(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: no result file ({e})", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON ({e})", path.display()))
}

#[test]
fn ctrl_c_while_building_requests_writes_an_interrupted_result() {
    // Text prompts measured with the server's /tokenize, 300 ms per call: building 64
    // prompts would take minutes.
    let srv = Hostile::start(|p| match p {
        p if p.starts_with("/v1/models") => Answer::Json(MODELS),
        p if p.starts_with("/tokenize") => Answer::SlowTokenize(Duration::from_millis(300)),
        _ => Answer::NotFound,
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.json");
    let child = spawn(&[
        "bench",
        "serve",
        "--url",
        &srv.url(),
        "--num-prompts",
        "64",
        "--input-len",
        "64",
        "--output-len",
        "4",
        "--warmup",
        "0",
        "--output",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    wait_until("a few /tokenize calls", Duration::from_secs(60), || srv.count("/tokenize") >= 4);
    sigint(&child);
    let (code, err) = finish(child, Duration::from_secs(10));
    assert!(!err.contains("panicked"), "{err}");
    let v = result_file(&out);
    assert_eq!(v["result"]["status"], "interrupted", "{v:#}");
    let notes = v["result"]["notes"].to_string();
    assert!(notes.contains("building the requests"), "{notes}");
    assert_eq!(v["result"]["summary"]["completed"], 0);
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {err}");
}

#[test]
fn ctrl_c_while_the_cache_flush_hangs_writes_an_interrupted_result() {
    let srv = Hostile::start(|p| match p {
        p if p.starts_with("/v1/models") => Answer::Json(MODELS),
        p if p.starts_with("/flush_cache") => Answer::Hang,
        _ => Answer::NotFound,
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.json");
    let child = spawn(&[
        "bench",
        "serve",
        "--url",
        &srv.url(),
        "--token-ids",
        "--vocab-size",
        "1000",
        "--num-prompts",
        "4",
        "--input-len",
        "16",
        "--output-len",
        "4",
        "--warmup",
        "0",
        "--output",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    wait_until("the flush request", Duration::from_secs(60), || srv.count("/flush_cache") >= 1);
    std::thread::sleep(Duration::from_millis(200));
    sigint(&child);
    // Without the interrupt the flush would wait for its 15 s timeout.
    let (code, err) = finish(child, Duration::from_secs(8));
    assert!(!err.contains("panicked"), "{err}");
    let v = result_file(&out);
    assert_eq!(v["result"]["status"], "interrupted", "{v:#}");
    let notes = v["result"]["notes"].to_string();
    assert!(notes.contains("flushing the prefix cache"), "{notes}");
    assert_eq!(srv.count("/v1/completions"), 0, "a request was sent after the interrupt");
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {err}");
}

#[test]
fn endless_bodies_from_a_misbehaving_server_fail_within_bounded_memory() {
    // /v1/models answers 2 GiB: preflight refuses it at the cap, naming it.
    let srv = Hostile::start(|p| match p {
        p if p.starts_with("/v1/models") => Answer::Endless(b' '),
        _ => Answer::NotFound,
    });
    let start = Instant::now();
    let out = perfpilot(&[
        "bench",
        "serve",
        "--url",
        &srv.url(),
        "--token-ids",
        "--vocab-size",
        "1000",
        "--num-prompts",
        "2",
        "--warmup",
        "0",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("16 MiB cap") && err.contains("/v1/models"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(30), "{:?}", start.elapsed());

    // Info endpoints and the stream itself answer endlessly: the probes are skipped, and
    // each request fails as malformed-chunk at the stream cap, not by filling memory.
    static REQUESTS: AtomicUsize = AtomicUsize::new(0);
    let srv = Hostile::start(|p| match p {
        p if p.starts_with("/v1/models") => Answer::Json(MODELS),
        p if p.starts_with("/v1/completions") => {
            REQUESTS.fetch_add(1, Ordering::SeqCst);
            Answer::Endless(b'x')
        }
        p if p.starts_with("/get_server_info") || p.starts_with("/version") => {
            Answer::Endless(b'{')
        }
        _ => Answer::NotFound,
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("run.json");
    let out = Command::new("/usr/bin/time")
        .args(["-f", "maxrss_kb=%M"])
        .arg(bin())
        .args([
            "bench",
            "serve",
            "--url",
            &srv.url(),
            "--token-ids",
            "--vocab-size",
            "1000",
            "--num-prompts",
            "2",
            "--max-concurrency",
            "1",
            "--warmup",
            "0",
            "--no-flush-cache",
            "--output",
            file.to_str().unwrap(),
        ])
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            // No GNU time: run it plainly (memory not measured).
            eprintln!("/usr/bin/time unavailable ({e}); peak memory not checked");
            Command::new(bin())
                .args(["bench", "serve", "--url", &srv.url(), "--token-ids"])
                .args(["--vocab-size", "1000", "--num-prompts", "2", "--max-concurrency", "1"])
                .args(["--warmup", "0", "--no-flush-cache", "--output", file.to_str().unwrap()])
                .output()
                .unwrap()
        }
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let v = result_file(&file);
    assert_eq!(v["result"]["summary"]["failures"]["malformed-chunk"], 2, "{}", v["result"]);
    assert_eq!(REQUESTS.load(Ordering::SeqCst), 2);
    if let Some(kb) = err.split("maxrss_kb=").nth(1) {
        let kb: u64 = kb.trim().parse().unwrap();
        // The SSE line cap (16 MiB) and buffers: far below the 2 GiB sent.
        assert!(kb < 400 * 1024, "peak RSS {kb} kB");
    }
}

#[test]
fn triage_bundle_cuts_an_endless_body_within_bounded_memory() {
    let srv = Hostile::start(|p| match p {
        p if p.starts_with("/metrics") => Answer::Endless(b'#'),
        p if p.starts_with("/health") => Answer::Json("{}"),
        p if p.starts_with("/v1/models") => Answer::Json(MODELS),
        _ => Answer::NotFound,
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    let o = perfpilot(&[
        "triage",
        "bundle",
        "--url",
        &srv.url(),
        "--out",
        out.to_str().unwrap(),
        "--timeout",
        "20",
        "--format",
        "json",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    let saved = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("metrics"))
        .unwrap_or_else(|| panic!("no metrics file in the bundle"));
    let len = saved.metadata().unwrap().len();
    assert!(len <= (32 << 20) + 200, "{len} bytes kept");
    let mut tail = String::new();
    let mut f = std::fs::File::open(saved.path()).unwrap();
    use std::io::Seek;
    f.seek(std::io::SeekFrom::End(-100)).unwrap();
    f.read_to_string(&mut tail).unwrap();
    assert!(tail.contains("body cut at"), "{tail}");
}

#[test]
fn input_caps_have_flags_named_in_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("a.json");
    std::fs::write(&big, vec![b' '; 8192]).unwrap();
    let o = perfpilot(&[
        "bench",
        "compare",
        big.to_str().unwrap(),
        big.to_str().unwrap(),
        "--max-input-bytes",
        "4096",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("4096 bytes")
            && err.contains("--max-input-bytes")
            && err.contains("a.json")
            && err.contains("PERFPILOT_MAX_INPUT_BYTES"),
        "{err}"
    );
    // The global flag goes before the subcommand too.
    let b = big.to_str().unwrap();
    let o = perfpilot(&["--max-input-bytes", "4096", "bench", "compare", b, b]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--max-input-bytes"));

    // A gzip trace over the decompressed budget names the flag.
    let trace = dir.path().join("t.trace.json.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(br#"{"traceEvents": ["#).unwrap();
    for i in 0..20000 {
        let sep = if i == 0 { "" } else { "," };
        write!(
            gz,
            r#"{sep}{{"ph":"X","cat":"kernel","name":"k","ts":{i},"dur":1,"pid":0,"tid":7}}"#
        )
        .unwrap();
    }
    gz.write_all(b"]}").unwrap();
    std::fs::write(&trace, gz.finish().unwrap()).unwrap();
    let o = perfpilot(&[
        "trace",
        "triage",
        trace.to_str().unwrap(),
        "--max-decompressed-bytes",
        "100000",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--max-decompressed-bytes") && err.contains("100000"), "{err}");
    // Raised by the flag, the same trace reads.
    let o = perfpilot(&[
        "trace",
        "triage",
        trace.to_str().unwrap(),
        "--max-decompressed-bytes",
        "100000000",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}
