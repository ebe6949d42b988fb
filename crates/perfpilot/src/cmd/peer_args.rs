//! The vLLM (`vllm bench serve`) and SGLang (`sglang.bench_serving`) spellings of
//! `bench serve` options that have no one-word alias of a native flag: each is turned
//! into the exact options the native flag would give (crosswalk in `docs/bench.md`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use perfpilot_bench::ServeOptions;
use perfpilot_workload::{CompatFormat, RampUp, RampUpStrategy, VllmPercentiles};

/// Peer-tool flags of `bench serve`.
#[derive(clap::Args, Debug, Default)]
pub struct PeerArgs {
    /// vLLM/SGLang: server host; with --port builds the URL (not with --url/--base-url).
    #[arg(long, conflicts_with = "url", help_heading = "vLLM/SGLang spellings")]
    pub host: Option<String>,
    /// vLLM/SGLang: server port; builds http://HOST:PORT (host default 127.0.0.1).
    #[arg(long, conflicts_with = "url", help_heading = "vLLM/SGLang spellings")]
    pub port: Option<u16>,
    /// vLLM: the model name sent (= --model; with both, --model becomes the tokenizer
    /// when --tokenizer is not given, as vLLM).
    #[arg(long, value_name = "NAME", help_heading = "vLLM/SGLang spellings")]
    pub served_model_name: Option<String>,
    /// vLLM: SLOs as KEY:MS pairs (ttft, tpot, e2el) = --slo ttft=MS,….
    #[arg(long, num_args = 1.., value_name = "KEY:MS", conflicts_with = "slo",
          help_heading = "vLLM/SGLang spellings")]
    pub goodput: Vec<String>,
    /// vLLM: send ignore_eos (already the default here; conflicts with --no-ignore-eos).
    #[arg(long, conflicts_with = "no_ignore_eos", help_heading = "vLLM/SGLang spellings")]
    pub ignore_eos: bool,
    /// vLLM: extra HTTP header KEY=VALUE on every request (repeatable; names recorded).
    #[arg(long, num_args = 1.., value_name = "KEY=VALUE", help_heading = "vLLM/SGLang spellings")]
    pub header: Vec<String>,
    /// vLLM: top_p sent (= --extra-body '{"top_p":X}').
    #[arg(long, value_name = "X", help_heading = "vLLM/SGLang spellings")]
    pub top_p: Option<f64>,
    /// vLLM: top_k sent (= --extra-body '{"top_k":K}').
    #[arg(
        long,
        value_name = "K",
        allow_negative_numbers = true,
        help_heading = "vLLM/SGLang spellings"
    )]
    pub top_k: Option<i64>,
    /// vLLM: min_p sent (= --extra-body '{"min_p":X}').
    #[arg(long, value_name = "X", help_heading = "vLLM/SGLang spellings")]
    pub min_p: Option<f64>,
    /// SGLang: non-streamed requests. Refused: TTFT and ITL need a stream.
    #[arg(long, help_heading = "vLLM/SGLang spellings")]
    pub disable_stream: bool,
    /// vLLM: metrics with percentile keys in the vLLM file (ttft,tpot,itl,e2el; default
    /// ttft,tpot,itl).
    #[arg(long, value_name = "LIST", help_heading = "vLLM/SGLang spellings")]
    pub percentile_metrics: Option<String>,
    /// vLLM: percentiles for those keys (default 99), e.g. 50,90,99.
    #[arg(long, value_name = "LIST", help_heading = "vLLM/SGLang spellings")]
    pub metric_percentiles: Option<String>,
    /// vLLM: ramp the request rate (linear|exponential; needs start and end rates).
    #[arg(long, value_name = "STRATEGY", requires_all = ["ramp_up_start_rps", "ramp_up_end_rps"],
          help_heading = "vLLM/SGLang spellings")]
    pub ramp_up_strategy: Option<RampUpStrategy>,
    /// vLLM: rate of the first request of the ramp (req/s).
    #[arg(
        long,
        value_name = "RPS",
        requires = "ramp_up_strategy",
        help_heading = "vLLM/SGLang spellings"
    )]
    pub ramp_up_start_rps: Option<f64>,
    /// vLLM: rate of the last request of the ramp (req/s).
    #[arg(
        long,
        value_name = "RPS",
        requires = "ramp_up_strategy",
        help_heading = "vLLM/SGLang spellings"
    )]
    pub ramp_up_end_rps: Option<f64>,
    /// vLLM: write vLLM's result JSON (= --compat vllm --compat-output DIR/FILE).
    #[arg(long, conflicts_with_all = ["compat", "output_file"],
          help_heading = "vLLM/SGLang spellings")]
    pub save_result: bool,
    /// vLLM: directory of --save-result (default the current one).
    #[arg(
        long,
        value_name = "DIR",
        requires = "save_result",
        help_heading = "vLLM/SGLang spellings"
    )]
    pub result_dir: Option<PathBuf>,
    /// vLLM: file name of --save-result (default vLLM's
    /// {label}-{rate}qps[-concurrency{N}]-{model}-{date}.json).
    #[arg(
        long,
        value_name = "NAME",
        requires = "save_result",
        help_heading = "vLLM/SGLang spellings"
    )]
    pub result_filename: Option<String>,
    /// SGLang: append SGLang's JSON line to FILE (= --compat sglang --compat-output FILE).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["compat", "compat_output"],
          help_heading = "vLLM/SGLang spellings")]
    pub output_file: Option<PathBuf>,
    /// vLLM/SGLang: start the server's profiler before the measured run, stop it after.
    #[arg(long, help_heading = "vLLM/SGLang spellings")]
    pub profile: bool,
    /// vLLM/SGLang: accepted and ignored (the progress bar shows only on a terminal).
    #[arg(long, help_heading = "vLLM/SGLang spellings")]
    pub disable_tqdm: bool,
}

impl PeerArgs {
    /// The URL --host/--port build, if either is given.
    pub fn url(&self) -> anyhow::Result<Option<String>> {
        match (&self.host, self.port) {
            (None, None) => Ok(None),
            (Some(_), None) => {
                anyhow::bail!("--host needs --port (or pass --url http://HOST:PORT)")
            }
            (host, Some(port)) => {
                let host = host.as_deref().unwrap_or("127.0.0.1");
                let host = if host.contains(':') && !host.starts_with('[') {
                    format!("[{host}]")
                } else {
                    host.to_string()
                };
                Ok(Some(format!("http://{host}:{port}")))
            }
        }
    }

    /// `--goodput KEY:MS …` as the `--slo` spec it means.
    pub fn slo_spec(&self) -> anyhow::Result<Option<String>> {
        if self.goodput.is_empty() {
            return Ok(None);
        }
        let mut parts = Vec::new();
        for item in self.goodput.iter().flat_map(|g| g.split_whitespace()) {
            let (k, v) = item.split_once(':').ok_or_else(|| {
                anyhow::anyhow!("--goodput: `{item}` is not KEY:VALUE (e.g. ttft:500 tpot:50)")
            })?;
            let k = k.trim();
            if !["ttft", "tpot", "e2el"].contains(&k) {
                anyhow::bail!("--goodput: unknown metric `{k}` (expected ttft, tpot or e2el)");
            }
            parts.push(format!("{k}={}", v.trim()));
        }
        Ok(Some(parts.join(",")))
    }

    /// Apply the flags that map onto options (after the native flags were applied).
    pub fn apply(&self, opts: &mut ServeOptions) -> anyhow::Result<()> {
        if self.disable_stream {
            anyhow::bail!(
                "--disable-stream: perfpilot measures streamed responses only (TTFT, TPOT and \
                 ITL need the stream); drop the flag"
            );
        }
        let mut sampling = Vec::new();
        if let Some(p) = self.top_p {
            sampling.push(("top_p", serde_json::json!(p)));
        }
        if let Some(k) = self.top_k {
            sampling.push(("top_k", serde_json::json!(k)));
        }
        if let Some(p) = self.min_p {
            sampling.push(("min_p", serde_json::json!(p)));
        }
        if !sampling.is_empty() {
            let body = opts.extra_body.get_or_insert_with(serde_json::Map::new);
            for (k, v) in sampling {
                body.insert(k.to_string(), v);
            }
        }
        opts.headers = parse_headers(&self.header)?;
        if self.percentile_metrics.is_some() || self.metric_percentiles.is_some() {
            let p = VllmPercentiles::parse(
                self.percentile_metrics.as_deref().unwrap_or("ttft,tpot,itl"),
                self.metric_percentiles.as_deref().unwrap_or("99"),
            )
            .map_err(anyhow::Error::msg)?;
            opts.vllm_percentiles = Some(p);
        }
        if let (Some(strategy), Some(start_rps), Some(end_rps)) =
            (self.ramp_up_strategy, self.ramp_up_start_rps, self.ramp_up_end_rps)
        {
            opts.ramp_up = Some(RampUp { strategy, start_rps, end_rps });
        }
        if self.save_result {
            let dir = self.result_dir.clone().unwrap_or_else(|| PathBuf::from("."));
            opts.compat = Some(CompatFormat::Vllm);
            opts.compat_output = Some(match &self.result_filename {
                Some(f) => dir.join(f),
                // A directory: the file gets vLLM's default name once the model is known.
                None => dir.join(""),
            });
        }
        if let Some(f) = &self.output_file {
            opts.compat = Some(CompatFormat::Sglang);
            opts.compat_output = Some(f.clone());
        }
        opts.profile |= self.profile;
        Ok(())
    }
}

/// `KEY=VALUE` pairs (vLLM splits at the first `=` and trims both sides).
fn parse_headers(items: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut m = BTreeMap::new();
    for item in items {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--header: `{item}` is not KEY=VALUE"))?;
        if k.trim().is_empty() {
            anyhow::bail!("--header: `{item}` has an empty name");
        }
        m.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    Ok(m)
}
