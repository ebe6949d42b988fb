//! Server candidates as child processes: argv (no shell), own process group,
//! `PR_SET_PDEATHSIG` on Linux, output to a file, health polled with a deadline,
//! teardown by process group; pids recorded so a resumed sweep kills leftovers.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::SweepError;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
    // The bench run in progress stops at its next step too (an atomic store).
    perfpilot_bench::interrupt::request();
}

/// Catch Ctrl-C / SIGTERM: the sweep stops at the next step and tears its servers down.
pub fn install_interrupt_handler() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

/// True after Ctrl-C / SIGTERM.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// A free TCP port on 127.0.0.1 (bound, then released).
pub fn free_port() -> Result<u16, SweepError> {
    let l = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| SweepError::Other(format!("no free port: {e}")))?;
    l.local_addr().map(|a| a.port()).map_err(|e| SweepError::Other(format!("no free port: {e}")))
}

/// A running candidate server.
pub struct Server {
    child: Child,
    /// Its pid (= its process group id).
    pub pid: u32,
    /// Its port.
    pub port: u16,
    /// Where its output goes.
    pub log: PathBuf,
    stopped: bool,
}

/// Start `argv` with `env` added, output to `log`, in its own process group.
pub fn spawn(
    argv: &[String],
    env: &[(String, String)],
    log: &Path,
    port: u16,
) -> Result<Server, String> {
    spawn_in(argv, env, log, port, None)
}

/// [`spawn`] with the working directory `cwd` (`None`: this process's).
pub fn spawn_in(
    argv: &[String],
    env: &[(String, String)],
    log: &Path,
    port: u16,
    cwd: Option<&Path>,
) -> Result<Server, String> {
    let (prog, args) = argv.split_first().ok_or("empty server command")?;
    let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
    let mut cmd = Command::new(prog);
    cmd.args(args).stdin(Stdio::null()).stdout(out).stderr(err);
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setpgid(0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                #[cfg(target_os = "linux")]
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
                Ok(())
            });
        }
    }
    let child = cmd.spawn().map_err(|e| format!("cannot start `{prog}`: {e}"))?;
    Ok(Server { pid: child.id(), child, port, log: log.to_path_buf(), stopped: false })
}

/// How waiting for health ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Health {
    /// 200 on the health path after this many seconds.
    Ready(f64),
    /// The process exited first (exit description).
    Exited(String),
    /// No 200 before the deadline.
    Timeout(f64),
    /// Ctrl-C.
    Interrupted,
}

impl Server {
    /// Poll `GET path` until 200, the process exits or `timeout_s` passes.
    pub fn wait_healthy(&mut self, path: &str, timeout_s: f64) -> Health {
        let start = Instant::now();
        let deadline = start + Duration::from_secs_f64(timeout_s);
        let mut wait = Duration::from_millis(50);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.stopped = true;
                return Health::Exited(describe_exit(status));
            }
            if interrupted() {
                return Health::Interrupted;
            }
            if http("GET", self.port, path, Duration::from_secs(2)) == Some(200) {
                return Health::Ready(start.elapsed().as_secs_f64());
            }
            if Instant::now() >= deadline {
                return Health::Timeout(timeout_s);
            }
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_millis(500));
        }
    }

    /// `Some(description)` when the process has exited.
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(s)) => {
                self.stopped = true;
                Some(describe_exit(s))
            }
            _ => None,
        }
    }

    /// SIGTERM to the process group, SIGKILL after `grace`; reaps the child.
    pub fn stop(&mut self, grace: Duration) {
        if self.stopped {
            let _ = self.child.wait();
            kill_group(self.pid, libc::SIGKILL);
            return;
        }
        kill_group(self.pid, libc::SIGTERM);
        let until = Instant::now() + grace;
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        kill_group(self.pid, libc::SIGKILL);
        let _ = self.child.wait();
        self.stopped = true;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.stopped {
            self.stop(Duration::from_secs(5));
        }
    }
}

fn kill_group(pid: u32, sig: libc::c_int) {
    if let Ok(p) = libc::pid_t::try_from(pid) {
        // SAFETY: plain syscall; a group that no longer exists gives ESRCH.
        unsafe {
            libc::kill(-p, sig);
        }
    }
}

fn describe_exit(s: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            return format!("killed by signal {sig}");
        }
    }
    match s.code() {
        Some(c) => format!("exit status {c}"),
        None => "exited".into(),
    }
}

/// One HTTP/1.0 request to 127.0.0.1:`port`; the status code, or `None` when the
/// server cannot be reached in time.
pub fn http(method: &str, port: u16, path: &str, timeout: Duration) -> Option<u16> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, timeout).ok()?;
    s.set_read_timeout(Some(timeout)).ok()?;
    s.set_write_timeout(Some(timeout)).ok()?;
    let req =
        format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n");
    s.write_all(req.as_bytes()).ok()?;
    let mut head = [0u8; 64];
    let n = s.read(&mut head).ok()?;
    let line = std::str::from_utf8(&head[..n]).ok()?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The last `n` lines of a log (lossy UTF-8).
pub fn tail(path: &Path, n: usize) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].iter().map(|s| s.to_string()).collect()
}

/// Run `argv` (for `--version`) with a time limit; first non-empty output line.
pub fn capture_version(
    argv: &[String],
    env: &[(String, String)],
    timeout: Duration,
) -> Option<String> {
    let (prog, args) = argv.split_first()?;
    let mut cmd = Command::new(prog);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().ok()?;
    let until = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let out = child.wait_with_output().ok()?;
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    text.lines().map(str::trim).find(|l| !l.is_empty()).map(|l| l.chars().take(200).collect())
}

/// Pids of servers started by a sweep, kept in `<out>/pids.json` while they run.
pub struct PidFile {
    path: PathBuf,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct PidEntries {
    servers: Vec<PidEntry>,
}

#[derive(serde::Serialize, serde::Deserialize, Clone)]
struct PidEntry {
    pid: u32,
    program: String,
}

impl PidFile {
    /// The pid file of the sweep in `out`.
    pub fn new(out: &Path) -> PidFile {
        PidFile { path: out.join("pids.json") }
    }

    fn read(&self) -> PidEntries {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    }

    fn write(&self, e: &PidEntries) -> Result<(), SweepError> {
        let s = serde_json::to_string_pretty(e).map_err(|e| SweepError::Other(e.to_string()))?;
        perfpilot_report::write_atomic(&self.path, s.as_bytes())
            .map_err(|e| SweepError::io(&self.path, e))
    }

    /// Record a started server.
    pub fn add(&self, pid: u32, program: &str) -> Result<(), SweepError> {
        let mut e = self.read();
        e.servers.push(PidEntry { pid, program: program.to_string() });
        self.write(&e)
    }

    /// Forget a stopped server.
    pub fn remove(&self, pid: u32) -> Result<(), SweepError> {
        let mut e = self.read();
        e.servers.retain(|s| s.pid != pid);
        self.write(&e)
    }

    /// Kill the process group of every recorded pid that is still alive and still runs
    /// the recorded program (a reused pid is left alone); returns the pids killed.
    pub fn kill_leftovers(&self) -> Result<Vec<u32>, SweepError> {
        let e = self.read();
        let mut killed = Vec::new();
        for s in &e.servers {
            if alive_as(s.pid, &s.program) {
                kill_group(s.pid, libc::SIGKILL);
                killed.push(s.pid);
            }
        }
        self.write(&PidEntries::default())?;
        Ok(killed)
    }

    /// The recorded pids.
    pub fn pids(&self) -> Vec<u32> {
        self.read().servers.iter().map(|s| s.pid).collect()
    }
}

/// True when `pid` exists (not a zombie) and its command line starts with `program`'s
/// file name (Linux: `/proc`; elsewhere: existence only).
pub fn alive_as(pid: u32, program: &str) -> bool {
    let Ok(p) = libc::pid_t::try_from(pid) else { return false };
    // SAFETY: signal 0 checks existence only.
    if unsafe { libc::kill(p, 0) } != 0 {
        return false;
    }
    if cfg!(target_os = "linux") {
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            && stat.rsplit(')').next().is_some_and(|r| r.trim_start().starts_with('Z'))
        {
            return false;
        }
        let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else { return false };
        let first = cmd.split(|b| *b == 0).next().unwrap_or_default();
        let name = |s: &str| Path::new(s).file_name().map(|f| f.to_string_lossy().into_owned());
        return name(&String::from_utf8_lossy(first)) == name(program);
    }
    true
}
