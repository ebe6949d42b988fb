//! `perfpilot capacity plan`.

use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_capacity::plan::{PlanFramework, RuleVersion};
use perfpilot_capacity::{PlanOptions, PlanReport, plan};
use perfpilot_report::{Envelope, InputRef};

use crate::output::{OutputArgs, emit};

/// Arguments of `perfpilot capacity plan`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model's HF config.json (nested text_config / language_config / llm_config are read).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// GPU: h100, h200, b200, a100-80g, l40s, mi355x, … (see `data/gpus.toml`).
    #[arg(long, value_name = "NAME")]
    gpu: String,
    #[command(flatten)]
    data: super::data_files::DataFiles,
    /// Tensor-parallel size.
    #[arg(long, default_value_t = 1)]
    tp: u64,
    /// Pipeline-parallel size.
    #[arg(long, default_value_t = 1)]
    pp: u64,
    /// Data-parallel size.
    #[arg(long, default_value_t = 1)]
    dp: u64,
    /// SGLang DP-attention (attention TP = tp / dp).
    #[arg(long = "dp-attention")]
    dp_attention: bool,
    /// Weight dtype or quantization: bf16, fp16, fp8, int8, awq, gptq, mxfp4, nvfp4 (default: config).
    #[arg(long, value_name = "DTYPE")]
    dtype: Option<String>,
    /// KV cache dtype: auto, fp8_e4m3, fp8_e5m2, fp4_e2m1.
    #[arg(long = "kv-dtype", value_name = "DTYPE")]
    kv_dtype: Option<String>,
    /// SGLang --mem-fraction-static (default: SGLang's own rule).
    #[arg(long = "mem-fraction", value_name = "F", conflicts_with = "gpu_memory_utilization")]
    mem_fraction: Option<f64>,
    /// vLLM --gpu-memory-utilization (default 0.9).
    #[arg(long = "gpu-memory-utilization", value_name = "U")]
    gpu_memory_utilization: Option<f64>,
    /// Framework whose rules to apply.
    #[arg(long, value_name = "sglang|vllm", default_value = "sglang", value_parser = parse_framework)]
    framework: PlanFramework,
    /// Rule version: current (SGLang v0.5 / vLLM V1) or legacy (SGLang <= v0.4 / vLLM V0).
    #[arg(long, value_name = "current|legacy", default_value = "current", value_parser = parse_rules)]
    rules: RuleVersion,
    /// Context length / max_model_len (default: the config's max_position_embeddings).
    #[arg(long = "context-len", value_name = "L")]
    context_len: Option<u64>,
    /// Request lengths for the concurrency table.
    #[arg(long = "request-tokens", value_name = "N,N,…", value_parser = super::parse_tokens)]
    request_tokens: Option<super::TokenList>,
    /// --max-running-requests (SGLang) / --max-num-seqs (vLLM).
    #[arg(long = "max-running-requests", value_name = "N")]
    max_running_requests: Option<u64>,
    /// SGLang --max-total-tokens.
    #[arg(long = "max-total-tokens", value_name = "N")]
    max_total_tokens: Option<u64>,
    /// SGLang --chunked-prefill-size.
    #[arg(long = "chunked-prefill-size", value_name = "N")]
    chunked_prefill_size: Option<u64>,
    /// vLLM --max-num-batched-tokens.
    #[arg(long = "max-num-batched-tokens", value_name = "N")]
    max_num_batched_tokens: Option<u64>,
    /// SGLang --page-size / vLLM --block-size.
    #[arg(long = "page-size", value_name = "N")]
    page_size: Option<u64>,
    /// Separate sliding-window pools (default: yes when the model has sliding layers).
    #[arg(long = "hybrid-swa", value_name = "true|false")]
    hybrid_swa: Option<bool>,
    /// SGLang --swa-full-tokens-ratio.
    #[arg(long = "swa-full-tokens-ratio", value_name = "R")]
    swa_full_tokens_ratio: Option<f64>,
    /// SGLang --max-mamba-cache-size.
    #[arg(long = "max-mamba-cache-size", value_name = "N")]
    max_mamba_cache_size: Option<u64>,
    /// SGLang --mamba-full-memory-ratio.
    #[arg(long = "mamba-full-memory-ratio", value_name = "R")]
    mamba_full_memory_ratio: Option<f64>,
    /// SGLang --disable-radix-cache (1 mamba slot per request instead of 3).
    #[arg(long = "disable-radix-cache")]
    disable_radix_cache: bool,
    /// vLLM CUDA-graph estimate subtracted from the budget (graph profiling on), GiB.
    #[arg(long = "cuda-graph-estimate-gib", value_name = "GIB", value_parser = super::parse_gib)]
    cuda_graph_estimate: Option<i64>,
    /// Calibration: measured weights per rank, GiB (e.g. a log's `mem usage`).
    #[arg(long = "weights-gib", value_name = "GIB", value_parser = super::parse_gib)]
    weights: Option<i64>,
    /// Calibration: free memory when the model runner starts (SGLang), GiB.
    #[arg(long = "free-at-start-gib", value_name = "GIB", value_parser = super::parse_gib)]
    free_at_start: Option<i64>,
    /// Calibration: non-torch memory (vLLM), GiB.
    #[arg(long = "non-torch-gib", value_name = "GIB", value_parser = super::parse_gib)]
    non_torch: Option<i64>,
    /// Calibration: profiled activation peak (vLLM), GiB.
    #[arg(long = "activation-gib", value_name = "GIB", value_parser = super::parse_gib)]
    activation: Option<i64>,
    /// Backend buffers allocated before KV sizing (an attention workspace), GiB.
    #[arg(long = "reserved-gib", value_name = "GIB", value_parser = super::parse_gib)]
    reserved: Option<i64>,
    /// vLLM --kv-cache-memory, GiB: the KV budget, skipping the profile.
    #[arg(long = "kv-cache-memory-gib", value_name = "GIB", value_parser = super::parse_gib)]
    kv_cache_memory: Option<i64>,
    /// What-if, repeatable: mem_fraction=0.85, kv_dtype=fp8_e4m3, tp=8, context_len=32768,
    /// max_running_requests=64.
    #[arg(long = "what-if", value_name = "KEY=VALUE")]
    what_if: Vec<String>,
    #[command(flatten)]
    output: OutputArgs,
}

fn parse_framework(s: &str) -> Result<PlanFramework, String> {
    match s.to_ascii_lowercase().as_str() {
        "sglang" => Ok(PlanFramework::Sglang),
        "vllm" => Ok(PlanFramework::Vllm),
        other => Err(format!("unknown framework `{other}`: expected sglang or vllm")),
    }
}

fn parse_rules(s: &str) -> Result<RuleVersion, String> {
    match s.to_ascii_lowercase().as_str() {
        "current" | "v0.5" | "v1" => Ok(RuleVersion::Current),
        "legacy" | "v0.4" | "v0" => Ok(RuleVersion::Legacy),
        other => Err(format!("unknown rules `{other}`: expected current or legacy")),
    }
}

/// Run `perfpilot capacity plan`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut o = PlanOptions::new(args.config.clone(), args.gpu.clone());
    o.gpu_table = args.data.gpu_table.clone();
    o.frameworks = args.data.frameworks.clone();
    o.tp = args.tp;
    o.pp = args.pp;
    o.dp = args.dp;
    o.dp_attention = args.dp_attention;
    o.dtype = args.dtype.clone();
    o.kv_dtype = args.kv_dtype.clone();
    o.mem_fraction = args.mem_fraction;
    o.gpu_memory_utilization = args.gpu_memory_utilization;
    o.framework = args.framework;
    o.rules = args.rules;
    o.context_len = args.context_len;
    o.request_tokens = args.request_tokens.clone().map(|t| t.0).unwrap_or_default();
    o.max_running_requests = args.max_running_requests;
    o.max_total_tokens = args.max_total_tokens;
    o.chunked_prefill_size = args.chunked_prefill_size;
    o.max_num_batched_tokens = args.max_num_batched_tokens;
    o.page_size = args.page_size;
    o.hybrid_swa = args.hybrid_swa;
    o.swa_full_tokens_ratio = args.swa_full_tokens_ratio;
    o.max_mamba_cache_size = args.max_mamba_cache_size;
    o.mamba_full_memory_ratio = args.mamba_full_memory_ratio;
    o.disable_radix_cache = args.disable_radix_cache;
    o.cuda_graph_estimate_bytes = args.cuda_graph_estimate;
    o.weights_bytes = args.weights;
    o.free_at_start_bytes = args.free_at_start;
    o.non_torch_bytes = args.non_torch;
    o.activation_bytes = args.activation;
    o.reserved_bytes = args.reserved;
    o.kv_cache_memory_bytes = args.kv_cache_memory;
    o.what_if = args.what_if.clone();
    o.model_rules = args.data.model_rules.clone();
    o.limits = args.data.limits.clone();
    let report = plan(&o)?;
    emit(&envelope(&o, report), &args.output)
}

/// The envelope of `capacity plan` (CLI and MCP): the config and the GPU table as inputs.
pub(crate) fn envelope(opts: &PlanOptions, report: PlanReport) -> Envelope<PlanReport> {
    let mut inputs = vec![InputRef::file("config", &opts.config)];
    if let Some(t) = &opts.gpu_table {
        inputs.push(InputRef::file("gpu_table", t));
    }
    if let Some(f) = &opts.frameworks {
        inputs.push(InputRef::file("frameworks", f));
    }
    if let Some(r) = &opts.model_rules {
        inputs.push(InputRef::file("model_rules", r));
    }
    if let Some(l) = &opts.limits {
        inputs.push(InputRef::file("limits", l));
    }
    Envelope::new("capacity plan", report).with_inputs(inputs)
}
