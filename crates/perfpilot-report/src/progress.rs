//! Progress reporting that capabilities can drive without printing themselves.

/// A sink for progress of long work. Capabilities take `&dyn Progress`; the CLI passes a
/// `TerminalProgress` (`terminal` feature), tests and the MCP server pass [`NoProgress`] or
/// their own.
pub trait Progress: Send + Sync {
    /// Set the total amount of work (bytes, requests, …).
    fn set_total(&self, total: u64);
    /// Add completed work.
    fn advance(&self, delta: u64);
    /// Set a short message (current phase).
    fn message(&self, msg: &str);
    /// Finish and clear.
    fn finish(&self) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn set_total(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn message(&self, _: &str) {}
}

/// An indicatif progress bar on stderr, hidden when stderr is not a terminal (`terminal`
/// feature: only the binary draws progress).
#[cfg(feature = "terminal")]
pub struct TerminalProgress {
    bar: indicatif::ProgressBar,
}

#[cfg(feature = "terminal")]
impl TerminalProgress {
    /// A bar counting `unit` (e.g. `bytes`, `requests`).
    pub fn new(unit: &str) -> TerminalProgress {
        let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            let bar = indicatif::ProgressBar::new(0);
            let tmpl = if unit == "bytes" {
                "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})"
                    .to_string()
            } else {
                format!("{{spinner}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{eta}})")
            };
            if let Ok(style) = indicatif::ProgressStyle::with_template(&tmpl) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        TerminalProgress { bar }
    }
}

#[cfg(feature = "terminal")]
impl Progress for TerminalProgress {
    fn set_total(&self, total: u64) {
        // A new phase: the time spent before it (preflight, building requests, warmup)
        // must not count in the rate, or an 11 s run starts with an ETA of minutes.
        self.bar.reset_elapsed();
        self.bar.reset_eta();
        self.bar.set_length(total);
    }
    fn advance(&self, delta: u64) {
        self.bar.inc(delta);
    }
    fn message(&self, msg: &str) {
        self.bar.set_message(msg.to_string());
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
