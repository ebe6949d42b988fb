//! `sim serve` against misbehaving raw TCP clients (issue 11 item 4): a request head that
//! never ends is dropped, a body that never arrives gets 408, an oversize body gets 413 —
//! without reading it — and the server keeps answering others throughout.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use perfpilot_sim::{Faults, LogSink, Profile, SimServerConfig, spawn_server};

fn connect(url: &str) -> TcpStream {
    let s = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s
}

/// Everything the server sends until it closes (or 30 s pass).
fn read_all(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn slow_and_huge_requests_are_bounded() {
    let mut cfg = SimServerConfig::new(Profile::load("zero-cost").unwrap());
    cfg.log = LogSink::Memory(Default::default());
    cfg.faults = Faults::default();
    let handle = spawn_server(cfg).unwrap();
    let url = handle.url();

    // Oversize: Content-Length far above the cap, no body sent. Answered at once.
    let mut big = connect(&url);
    write!(
        big,
        "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n{{"
    )
    .unwrap();
    let mut head = [0u8; 64];
    let n = big.read(&mut head).unwrap();
    let head = String::from_utf8_lossy(&head[..n]).into_owned();
    assert!(head.starts_with("HTTP/1.1 413"), "oversize body: {head}");

    // Slow-loris head and slow body, concurrently.
    let t0 = Instant::now();
    let loris = {
        let url = url.clone();
        std::thread::spawn(move || {
            let mut s = connect(&url);
            s.write_all(b"POST /v1/completions HTTP/1.1\r\nHost: x\r\n").unwrap();
            let got = read_all(&mut s);
            (got, t0.elapsed())
        })
    };
    let slow_body = {
        let url = url.clone();
        std::thread::spawn(move || {
            let mut s = connect(&url);
            s.write_all(
                b"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"prompt\":",
            )
            .unwrap();
            let got = read_all(&mut s);
            (got, t0.elapsed())
        })
    };
    // Meanwhile an ordinary client is served.
    let mut ok = connect(&url);
    ok.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let health = read_all(&mut ok);
    assert!(health.starts_with("HTTP/1.1 200"), "health while slow clients wait: {health}");

    let (got, took) = loris.join().unwrap();
    assert!(took < Duration::from_secs(25), "the slow head was dropped after {took:?}");
    assert!(!got.contains("200 OK"), "a request head that never ended was answered: {got}");
    let (got, took) = slow_body.join().unwrap();
    assert!(got.starts_with("HTTP/1.1 408"), "slow body: {got}");
    assert!(took < Duration::from_secs(25), "{took:?}");
}
