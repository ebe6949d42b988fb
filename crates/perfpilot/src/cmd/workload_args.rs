//! The workload flags `bench serve` and `sim run` share (route, dataset, arrivals,
//! concurrency cap, seed, SLO, length controls): one definition, so both commands take the
//! same flags with the same defaults and build the same [`DatasetSpec`].

use std::path::PathBuf;

use perfpilot_report::InputRef;
use perfpilot_workload::{
    DatasetSpec, Endpoint, JsonlSpec, RandomSpec, RangeMode, ShareGptSpec, SharedPrefixSpec, Slo,
};

/// Which dataset generates the requests.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetKind {
    /// Synthetic prompts of a nominal length.
    Random,
    /// Conversations from a ShareGPT JSON file.
    Sharegpt,
    /// Groups of requests sharing a long system prompt.
    #[value(alias = "generated-shared-prefix")]
    SharedPrefix,
    /// A saved request list (JSONL).
    Jsonl,
}

/// Workload flags of `bench serve` and `sim run`.
#[derive(clap::Args, Debug)]
pub struct WorkloadArgs {
    /// Route: completions (/v1/completions) or chat (/v1/chat/completions).
    #[arg(long, default_value = "completions")]
    pub endpoint: Endpoint,
    /// Dataset.
    #[arg(long, value_enum, default_value = "random", alias = "dataset-name")]
    pub dataset: DatasetKind,
    /// Dataset file (sharegpt JSON, jsonl).
    #[arg(long, value_name = "FILE")]
    pub dataset_path: Option<PathBuf>,
    /// Random: nominal input length (tokens).
    #[arg(long, default_value_t = 1024, alias = "random-input-len")]
    pub input_len: u32,
    /// Random: nominal output length (tokens); sharegpt: fixed output length if given.
    #[arg(long, aliases = ["random-output-len", "sharegpt-output-len"])]
    pub output_len: Option<u32>,
    /// Random: range ratio, read per --range-mode.
    #[arg(long, default_value_t = 0.0, alias = "random-range-ratio")]
    pub range_ratio: f64,
    /// Range-ratio semantics: vllm [L(1-r), L(1+r)] or sglang [L·r, L].
    #[arg(long, default_value = "vllm")]
    pub range_mode: RangeMode,
    /// Sharegpt: drop conversations longer than this (prompt + output tokens).
    #[arg(long, alias = "sharegpt-context-len")]
    pub context_len: Option<u32>,
    /// Shared-prefix: number of groups (distinct system prompts).
    #[arg(long, default_value_t = 64)]
    pub gsp_num_groups: u32,
    /// Shared-prefix: system prompt length.
    #[arg(long, default_value_t = 2048)]
    pub gsp_system_prompt_len: u32,
    /// Shared-prefix: question length.
    #[arg(long, default_value_t = 128)]
    pub gsp_question_len: u32,
    /// Requests in the measured run (default 100 for random and shared-prefix; all
    /// records otherwise).
    #[arg(long)]
    pub num_prompts: Option<usize>,
    /// Request rate (req/s) or inf (all at once).
    #[arg(long, default_value = "inf")]
    pub request_rate: String,
    /// Gamma burstiness: 1 = Poisson, <1 burstier, inf = constant.
    #[arg(long, default_value = "1")]
    pub burstiness: String,
    /// Client-side cap on requests in flight.
    #[arg(long)]
    pub max_concurrency: Option<u32>,
    /// Seed of dataset and schedule (and of the simulated EOS).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Latency objectives, e.g. ttft=500,tpot=50,e2e=10000[,attainment=99%]; exit 1 when
    /// attainment falls below.
    #[arg(long, value_name = "SPEC")]
    pub slo: Option<String>,
    /// Do not send ignore_eos (lets the server, or the simulated EOS, stop early).
    #[arg(long, alias = "disable-ignore-eos")]
    pub no_ignore_eos: bool,
    /// Send min_tokens.
    #[arg(long)]
    pub min_tokens: Option<u32>,
}

impl WorkloadArgs {
    /// The dataset the flags describe; `token_ids` and `vocab_size` apply to the synthetic
    /// datasets (each command decides them: `bench serve` from its flags, `sim run` from
    /// whether a tokenizer was given).
    pub fn dataset_spec(
        &self,
        token_ids: bool,
        vocab_size: Option<u32>,
    ) -> anyhow::Result<DatasetSpec> {
        let need_path = || {
            self.dataset_path.clone().ok_or_else(|| {
                anyhow::anyhow!("--dataset {:?} needs --dataset-path FILE", self.dataset)
            })
        };
        Ok(match self.dataset {
            DatasetKind::Random => DatasetSpec::Random(RandomSpec {
                input_len: self.input_len,
                output_len: self.output_len.unwrap_or(128),
                range_ratio: self.range_ratio,
                range_mode: self.range_mode,
                token_ids,
                vocab_size,
            }),
            DatasetKind::Sharegpt => DatasetSpec::Sharegpt(ShareGptSpec {
                path: need_path()?,
                output_len: self.output_len,
                context_len: self.context_len,
            }),
            DatasetKind::SharedPrefix => DatasetSpec::SharedPrefix(SharedPrefixSpec {
                num_groups: self.gsp_num_groups,
                system_prompt_len: self.gsp_system_prompt_len,
                question_len: self.gsp_question_len,
                output_len: self.output_len.unwrap_or(256),
                token_ids,
                vocab_size,
            }),
            DatasetKind::Jsonl => DatasetSpec::Jsonl(JsonlSpec { path: need_path()? }),
        })
    }

    /// `--num-prompts`, or 100 for the synthetic datasets (file datasets: every record).
    pub fn num_prompts_for(&self, dataset: &DatasetSpec) -> Option<usize> {
        self.num_prompts.or(match dataset {
            DatasetSpec::Random(_) | DatasetSpec::SharedPrefix(_) => Some(100),
            _ => None,
        })
    }

    /// `--request-rate` in req/s; `None` for inf.
    pub fn request_rate(&self) -> anyhow::Result<Option<f64>> {
        number_or_inf("--request-rate", &self.request_rate)
    }

    /// `--burstiness`; `None` for inf (constant spacing).
    pub fn burstiness(&self) -> anyhow::Result<Option<f64>> {
        number_or_inf("--burstiness", &self.burstiness)
    }

    /// `--slo`, parsed.
    pub fn slo(&self) -> anyhow::Result<Option<Slo>> {
        Ok(self.slo.as_deref().map(str::parse::<Slo>).transpose()?)
    }
}

/// The dataset file as an envelope input (ShareGPT and JSONL datasets read one).
pub fn dataset_input(dataset: &DatasetSpec) -> Option<InputRef> {
    match dataset {
        DatasetSpec::Sharegpt(s) => Some(InputRef::file("dataset", &s.path)),
        DatasetSpec::Jsonl(j) => Some(InputRef::file("dataset", &j.path)),
        _ => None,
    }
}

/// A number, or `None` for `inf` (any case).
fn number_or_inf(option: &str, s: &str) -> anyhow::Result<Option<f64>> {
    if s.eq_ignore_ascii_case("inf") {
        return Ok(None);
    }
    s.parse::<f64>()
        .map(Some)
        .map_err(|_| anyhow::anyhow!("{option}: `{s}` is not a number or inf"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        w: WorkloadArgs,
    }

    #[test]
    fn defaults_and_errors() {
        let c = Cli::parse_from(["x"]);
        assert_eq!(c.w.request_rate().unwrap(), None);
        assert_eq!(c.w.burstiness().unwrap(), Some(1.0));
        let spec = c.w.dataset_spec(true, Some(32000)).unwrap();
        assert_eq!(c.w.num_prompts_for(&spec), Some(100));
        let c = Cli::parse_from(["x", "--dataset", "jsonl", "--request-rate", "fast"]);
        let err = c.w.dataset_spec(false, None).unwrap_err().to_string();
        assert!(err.contains("--dataset-path"), "{err}");
        let err = c.w.request_rate().unwrap_err().to_string();
        assert!(err.contains("--request-rate: `fast`"), "{err}");
    }
}
