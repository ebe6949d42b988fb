//! Stage 1 of `bench serve`: check the options and resolve what they name (timeouts,
//! arrival process, target, credentials) before anything is contacted.

use std::time::{Duration, Instant, SystemTime};

use perfpilot_report::Redactor;
use perfpilot_workload::ArrivalSpec;

use crate::BenchError;
use crate::http::Target;
use crate::options::ServeOptions;

/// The options, checked: what the later stages need in resolved form.
pub(super) struct Checked {
    /// Wall-clock start of the run (Unix seconds; 0 if the clock is before 1970).
    pub started_unix_s: f64,
    /// Per-request stall timeout.
    pub stall: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// The overall deadline, if any.
    pub deadline: Option<Instant>,
    /// The arrival process.
    pub arrival: ArrivalSpec,
    /// Extra request headers, in the options' order.
    pub headers: Vec<(String, String)>,
    /// The server.
    pub target: Target,
    /// The API key, if any.
    pub auth: Option<String>,
    /// Redacts the API key (and the environment's secrets) from server messages.
    pub redactor: Redactor,
}

/// Check `opts` in the order the errors are reported (first bad option wins).
pub(super) fn validate(opts: &ServeOptions) -> Result<Checked, BenchError> {
    if !(0.0..=1.0).contains(&opts.max_failure_rate) {
        return Err(BenchError::option(
            "--max-failure-rate",
            format!("{} is not a fraction in [0, 1]", opts.max_failure_rate),
        ));
    }
    let started = Instant::now();
    let started_unix_s = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let stall = positive("--stall-timeout", opts.stall_timeout_s)?;
    let connect_timeout = positive("--connect-timeout", opts.connect_timeout_s)?;
    let deadline = match opts.deadline_s {
        Some(d) => Some(started + positive("--deadline", d)?),
        None => None,
    };
    if let Some(d) = opts.duration_s {
        positive("--duration", d)?;
    }
    if opts.threads == 0 || opts.threads > 256 {
        return Err(BenchError::option("--threads", "must be between 1 and 256"));
    }
    let arrival = arrival(opts)?;
    let headers: Vec<(String, String)> =
        opts.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let target = Target::parse(&opts.url)?;
    let auth = api_key(opts)?;
    let redactor = match &auth {
        Some(k) => Redactor::from_env().with_secret(k),
        None => Redactor::from_env(),
    };
    Ok(Checked {
        started_unix_s,
        stall,
        connect_timeout,
        deadline,
        arrival,
        headers,
        target,
        auth,
        redactor,
    })
}

/// The arrival process: a fixed rate (with burstiness), or a ramp (rate left at inf).
fn arrival(opts: &ServeOptions) -> Result<ArrivalSpec, BenchError> {
    let rate = match &opts.request_rate {
        None => None,
        Some(r) => {
            Some(r.value().ok_or_else(|| BenchError::option("--request-rate", "a number or inf"))?)
        }
    };
    let burstiness = match &opts.burstiness {
        None => 1.0,
        Some(b) => {
            b.value().ok_or_else(|| BenchError::option("--burstiness", "a number or inf"))?
        }
    };
    Ok(match opts.ramp_up {
        None => ArrivalSpec::new(rate, burstiness)?,
        Some(_) if rate.is_some_and(f64::is_finite) => {
            return Err(BenchError::option(
                "--ramp-up-strategy",
                "the rate is set by the ramp: leave --request-rate at inf (as vLLM)",
            ));
        }
        Some(r) => ArrivalSpec::ramp(r, burstiness)?,
    })
}

/// `v` seconds as a duration, or an error naming `option`.
fn positive(option: &str, v: f64) -> Result<Duration, BenchError> {
    perfpilot_report::positive_seconds(option, v).map_err(|_| {
        BenchError::option(
            option,
            format!(
                "{v} is not a positive number of seconds (at most {:e})",
                perfpilot_report::MAX_SECONDS
            ),
        )
    })
}

/// The API key: from `--api-key-env` (which must be set), else `OPENAI_API_KEY` if
/// non-empty.
fn api_key(opts: &ServeOptions) -> Result<Option<String>, BenchError> {
    match &opts.api_key_env {
        Some(name) => std::env::var(name).map(Some).map_err(|_| {
            BenchError::option("--api-key-env", format!("environment variable {name} is not set"))
        }),
        None => Ok(std::env::var("OPENAI_API_KEY").ok().filter(|k| !k.is_empty())),
    }
}
