//! Stage 2 of `bench serve`: ask the server who it is (preflight), then plan the run —
//! model, tokenizer, prompts, arrival schedule, sampling, and every request prepared.

use std::sync::Arc;

use perfpilot_report::Progress;
use perfpilot_workload::{
    CacheFlush, Dataset, DatasetSpec, RequestSpec, SamplingSettings, Schedule, ServerInfo,
    TextTokenizer, TokenizerFile, generate, save_requests,
};

use super::validate::Checked;
use crate::BenchError;
use crate::body::{body_bytes, request_body};
use crate::http::{Pool, build_request};
use crate::options::{ServeOptions, TokenizerChoice};
use crate::runner::PlannedRequest;
use crate::server::PREFLIGHT_TIMEOUT;
use crate::server_tokenizer::ServerTokenizer;
use crate::startup::{Preflight, preflight};

/// The client's async runtime: one thread runs everything (`--threads 1`), else a pool.
pub(super) fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, BenchError> {
    if threads == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build()
    }
    .map_err(|e| BenchError::Runtime(e.to_string()))
}

/// Connect and probe the server, bounded by the deadline and Ctrl-C. A refusal may echo
/// the key in its body: the error message is redacted.
pub(super) fn connect(
    rt: &tokio::runtime::Runtime,
    opts: &ServeOptions,
    checked: &Checked,
    progress: &dyn Progress,
) -> Result<Preflight, BenchError> {
    progress.message("preflight");
    rt.block_on(preflight(
        &checked.target,
        checked.connect_timeout,
        probe_timeout(checked),
        checked.auth.as_deref(),
        checked.deadline,
        opts.handle_ctrl_c,
    ))
    .map_err(|e| match e {
        BenchError::Server { url, message } => {
            BenchError::Server { url, message: checked.redactor.clean(&message) }
        }
        other => other,
    })
}

/// How long one server probe (and the cache flush) may take.
pub(super) fn probe_timeout(checked: &Checked) -> std::time::Duration {
    checked.stall.min(PREFLIGHT_TIMEOUT)
}

/// The planned run: what the server and the options resolve to.
pub(super) struct Planned {
    /// The server's pool of connections.
    pub pool: Arc<Pool>,
    /// What the server said about itself.
    pub info: ServerInfo,
    /// The model sent in every request.
    pub model: String,
    /// The cache flush already decided by the request body (llama.cpp: `cache_prompt`
    /// off), if any.
    pub bypass: Option<CacheFlush>,
    /// Text prompts are measured with the server's `/tokenize` because no tokenizer was
    /// given.
    pub server_tokenizer_fallback: bool,
    /// The client-side tokenizer, if any.
    pub tokenizer: Option<Box<dyn TextTokenizer>>,
    /// The prompts.
    pub dataset: Dataset,
    /// When each prompt is sent (seconds from the start of the measured run).
    pub schedule: Schedule,
    /// The sampling settings sent.
    pub sampling: SamplingSettings,
    /// The measured requests, prepared (taken by the run stage).
    pub requests: Vec<PlannedRequest>,
}

impl Planned {
    /// The request builder for this plan.
    pub fn builder<'a>(
        &'a self,
        opts: &'a ServeOptions,
        checked: &'a Checked,
    ) -> RequestBuilder<'a> {
        RequestBuilder { opts, checked, model: &self.model, sampling: &self.sampling }
    }
}

/// Prepares requests from prompt specs (body, headers, request id).
pub(super) struct RequestBuilder<'a> {
    opts: &'a ServeOptions,
    checked: &'a Checked,
    model: &'a str,
    sampling: &'a SamplingSettings,
}

impl RequestBuilder<'_> {
    /// The prepared request for `r`; `tag` goes into its request id (`warmup-` or empty).
    pub fn build(&self, r: &RequestSpec, tag: &str) -> Result<PlannedRequest, BenchError> {
        let (opts, checked) = (self.opts, self.checked);
        let body = body_bytes(&request_body(r, opts.endpoint, self.model, self.sampling)?);
        let prepared = build_request(
            &checked.target,
            hyper::Method::POST,
            opts.endpoint.path(),
            Some(body),
            checked.auth.as_deref(),
            Some(format!("perfpilot-{tag}{}-{}", opts.seed, r.id)),
        )
        .map_err(|e| BenchError::option("--url", e))?
        .with_headers(&checked.headers)
        .map_err(|e| BenchError::option("--header", e))?;
        Ok(PlannedRequest { id: r.id, prepared, input_len: r.input_len, output_len: r.output_len })
    }
}

/// Plan the run against a server that answered preflight.
pub(super) fn plan(
    opts: &ServeOptions,
    checked: &Checked,
    pool: Arc<Pool>,
    info: ServerInfo,
    progress: &dyn Progress,
) -> Result<Planned, BenchError> {
    let llama = crate::cache::is_llama_cpp(&info);
    let mut extra_body = opts.extra_body.clone();
    let bypass = (opts.flush_cache && llama).then(|| crate::cache::bypass_body(&mut extra_body));
    let model = match (&opts.model, info.models.first()) {
        (Some(m), _) => m.clone(),
        (None, Some(m)) => m.clone(),
        (None, None) => {
            return Err(BenchError::Server {
                url: checked.target.display.clone(),
                message: "GET /v1/models lists no model; pass --model".into(),
            });
        }
    };
    let choice = tokenizer_choice(opts);
    let tokenizer = open_tokenizer(choice.as_ref(), checked, &info, &model)?;

    progress.message("building requests");
    let dataset = generate(&opts.dataset, opts.num_prompts, opts.seed, tokenizer.as_deref())?;
    if let Some(p) = &opts.save_requests {
        save_requests(p, &dataset.requests)?;
    }
    let schedule = Schedule::generate(&checked.arrival, dataset.requests.len(), opts.seed)?;
    let sampling = SamplingSettings {
        ignore_eos: opts.ignore_eos,
        min_tokens: opts.min_tokens,
        temperature: opts.temperature,
        extra_body,
        include_usage: true,
    };
    let mut planned = Planned {
        pool,
        info,
        model,
        bypass,
        server_tokenizer_fallback: opts.tokenizer.is_none() && choice.is_some(),
        tokenizer,
        dataset,
        schedule,
        sampling,
        requests: Vec::new(),
    };
    let builder = planned.builder(opts, checked);
    let requests = planned
        .dataset
        .requests
        .iter()
        .map(|r| builder.build(r, ""))
        .collect::<Result<Vec<_>, _>>()?;
    planned.requests = requests;
    Ok(planned)
}

/// The tokenizer to use: the one given, else the server's for text prompts of exact
/// lengths (they need one), else none.
fn tokenizer_choice(opts: &ServeOptions) -> Option<TokenizerChoice> {
    let text_prompts = match &opts.dataset {
        DatasetSpec::Random(r) => !r.token_ids,
        DatasetSpec::SharedPrefix(g) => !g.token_ids,
        _ => false,
    };
    opts.tokenizer.clone().or(text_prompts.then_some(TokenizerChoice::Server))
}

/// Open the chosen tokenizer (the server's needs its vocabulary size from `/props`).
fn open_tokenizer(
    choice: Option<&TokenizerChoice>,
    checked: &Checked,
    info: &ServerInfo,
    model: &str,
) -> Result<Option<Box<dyn TextTokenizer>>, BenchError> {
    Ok(match choice {
        None => None,
        Some(TokenizerChoice::Path(p)) => Some(Box::new(TokenizerFile::open(p)?)),
        Some(TokenizerChoice::Server) => {
            let vocab = info
                .details
                .as_ref()
                .and_then(|d| d.pointer("/model_meta/n_vocab"))
                .and_then(|v| v.as_u64())
                .unwrap_or(0) as u32;
            Some(Box::new(ServerTokenizer::new(
                &checked.target,
                model,
                checked.auth.as_deref(),
                vocab,
            )?))
        }
    })
}
