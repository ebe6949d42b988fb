//! Ctrl-C as a process-wide flag, so an interrupt at any moment — preflight, request
//! building (a server's `/tokenize`), the cache flush, warmup, the measured run, between
//! repeats — stops the run at the next step and the result file is still written.
//!
//! The flag is set by a watcher thread that `bench serve` starts when it handles Ctrl-C
//! itself, or by an embedding program's own signal handler through [`request`] (the
//! sweep does this: it is a plain atomic store, async-signal-safe).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static REQUESTED: AtomicBool = AtomicBool::new(false);
static WATCHER: OnceLock<()> = OnceLock::new();

/// Ask every run in this process to stop at its next step (async-signal-safe).
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// True once an interrupt was requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Catch Ctrl-C from now on (once per process): a thread waits for SIGINT and sets the
/// flag, so an interrupt is never lost between two waits that would listen for it.
pub(crate) fn watch_ctrl_c() {
    WATCHER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned =
            std::thread::Builder::new().name("perfpilot-ctrl-c".into()).spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build()
                else {
                    let _ = tx.send(());
                    return;
                };
                rt.block_on(async {
                    #[cfg(unix)]
                    {
                        use tokio::signal::unix::{SignalKind, signal};
                        // Registered before the caller goes on: from here SIGINT sets the flag.
                        let sig = signal(SignalKind::interrupt());
                        let _ = tx.send(());
                        if let Ok(mut s) = sig {
                            while s.recv().await.is_some() {
                                request();
                            }
                        }
                    }
                    #[cfg(not(unix))]
                    {
                        let _ = tx.send(());
                        while tokio::signal::ctrl_c().await.is_ok() {
                            request();
                        }
                    }
                });
            });
        if spawned.is_ok() {
            let _ = rx.recv_timeout(Duration::from_secs(5));
        }
    });
}

/// Resolves once an interrupt is requested (polled every 20 ms).
pub(crate) async fn wait() {
    while !requested() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
