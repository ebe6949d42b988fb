//! The server's log, in SGLang's format: `[YYYY-MM-DD HH:MM:SS] message` (UTC), with
//! uvicorn's `INFO:     ...` lines for HTTP events.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the log goes.
#[derive(Debug, Clone, Default)]
pub enum LogSink {
    /// Nowhere.
    #[default]
    Off,
    /// Standard error (the `sim serve` default, as a real server).
    Stderr,
    /// Appended to a file.
    File(PathBuf),
    /// Kept in memory (tests, the in-process server of `bench serve`).
    Memory(Arc<Mutex<Vec<String>>>),
}

/// A thread-safe writer of log lines.
pub(crate) struct Logger {
    sink: LogSink,
    file: Option<Mutex<std::fs::File>>,
}

impl Logger {
    pub(crate) fn new(sink: LogSink) -> std::io::Result<Logger> {
        let file = match &sink {
            LogSink::File(p) => Some(Mutex::new(perfpilot_io::OutputFile::append(p)?)),
            _ => None,
        };
        Ok(Logger { sink, file })
    }

    pub(crate) fn enabled(&self) -> bool {
        !matches!(self.sink, LogSink::Off)
    }

    /// Write one line with the timestamp prefix.
    pub(crate) fn line(&self, msg: &str) {
        if !self.enabled() {
            return;
        }
        let text = format!("[{}] {msg}", timestamp(SystemTime::now()));
        self.raw(&text);
    }

    /// Write lines without a prefix (traceback continuation lines).
    pub(crate) fn raw(&self, text: &str) {
        match &self.sink {
            LogSink::Off => {}
            LogSink::Stderr => {
                let _ = writeln!(std::io::stderr().lock(), "{text}");
            }
            LogSink::File(_) => {
                if let Some(f) = &self.file
                    && let Ok(mut f) = f.lock()
                {
                    let _ = writeln!(f, "{text}");
                }
            }
            LogSink::Memory(v) => {
                if let Ok(mut v) = v.lock() {
                    v.extend(text.lines().map(str::to_string));
                }
            }
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC.
pub(crate) fn timestamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `HH:MM:SS` in UTC.
pub(crate) fn clock(t: SystemTime) -> String {
    timestamp(t)[11..].to_string()
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The reason phrase uvicorn prints after a status code.
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_764_501_485); // 2025-11-30 11:18:05 UTC
        assert_eq!(timestamp(t), "2025-11-30 11:18:05");
        assert_eq!(clock(t), "11:18:05");
        assert_eq!(timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29 00:00:00");
    }

    #[test]
    fn memory_sink_keeps_prefixed_lines() {
        let store = Arc::new(Mutex::new(Vec::new()));
        let l = Logger::new(LogSink::Memory(store.clone())).unwrap();
        l.line("Memory pool end. avail mem=1.00 GB");
        let v = store.lock().unwrap();
        assert!(v[0].starts_with('[') && v[0].ends_with("] Memory pool end. avail mem=1.00 GB"));
    }
}
