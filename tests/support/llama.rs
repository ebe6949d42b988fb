//! The real llama.cpp server of the tests that need one (`scripts/llama-server.sh start`
//! prints its URL; `scripts/test` sets PERFPILOT_LLAMA_URL), shared by the bench and CLI
//! tests.
#![allow(dead_code)]

/// The server's URL from PERFPILOT_LLAMA_URL. Unset (or empty): a failure under `CI`
/// (where `scripts/test` starts one), else None after printing why the test is skipped.
pub fn llama_url() -> Option<String> {
    match std::env::var("PERFPILOT_LLAMA_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "PERFPILOT_LLAMA_URL is not set but CI is: run the tests through scripts/test"
                );
            }
            eprintln!(
                "skipped: PERFPILOT_LLAMA_URL is not set (scripts/llama-server.sh start prints it)"
            );
            None
        }
    }
}
