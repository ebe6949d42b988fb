//! Each vLLM/SGLang spelling gives exactly the options (hence the recorded settings) of
//! the native flag: one test per alias, comparing the built `ServeOptions`.

use clap::Parser;

use super::{ServeArgs, serve_options};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

const URL: &str = "http://127.0.0.1:30000";

fn opts(args: &[&str]) -> perfpilot_bench::ServeOptions {
    let cli = Cli::try_parse_from(std::iter::once("serve").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let url = cli.serve.url.clone().or_else(|| cli.serve.peer.url().unwrap());
    serve_options(&cli.serve, url.clone().unwrap_or_default(), url.is_some()).unwrap()
}

fn same(alias: &[&str], native: &[&str]) {
    let base = ["--url", URL];
    let a: Vec<&str> = base.iter().chain(alias).copied().collect();
    let n: Vec<&str> = base.iter().chain(native).copied().collect();
    assert_eq!(opts(&a), opts(&n), "{alias:?} vs {native:?}");
    assert_ne!(opts(&n), opts(&base), "{native:?} changes nothing: the test proves nothing");
}

fn parse_err(args: &[&str]) -> String {
    match Cli::try_parse_from(std::iter::once("serve").chain(args.iter().copied())) {
        Err(e) => e.to_string(),
        Ok(cli) => {
            let url = cli.serve.url.clone().or_else(|| cli.serve.peer.url().ok().flatten());
            match cli.serve.peer.url().and_then(|_| {
                serve_options(&cli.serve, url.clone().unwrap_or_default(), url.is_some())
            }) {
                Err(e) => e.to_string(),
                Ok(_) => panic!("{args:?} was accepted"),
            }
        }
    }
}

#[test]
fn base_url() {
    assert_eq!(opts(&["--base-url", URL]), opts(&["--url", URL]));
}

#[test]
fn host_and_port() {
    assert_eq!(opts(&["--host", "127.0.0.1", "--port", "30000"]), opts(&["--url", URL]));
    assert_eq!(opts(&["--port", "30000"]), opts(&["--url", URL]));
    assert_eq!(opts(&["--host", "::1", "--port", "8"]).url, "http://[::1]:8");
    assert!(parse_err(&["--url", URL, "--port", "1"]).contains("cannot be used with"));
    assert!(
        parse_err(&["--base-url", URL, "--host", "h", "--port", "1"]).contains("cannot be used")
    );
    assert!(parse_err(&["--host", "h"]).contains("--host needs --port"));
}

#[test]
fn dataset_name() {
    same(&["--dataset-name", "generated-shared-prefix"], &["--dataset", "shared-prefix"]);
}

#[test]
fn random_lengths() {
    same(&["--random-input-len", "256"], &["--input-len", "256"]);
    same(&["--random-output-len", "64"], &["--output-len", "64"]);
    same(&["--random-range-ratio", "0.5"], &["--range-ratio", "0.5"]);
}

#[test]
fn sharegpt_lengths() {
    let sg = ["--dataset", "sharegpt", "--dataset-path", "x.json"];
    let with = |extra: &[&'static str]| -> Vec<&str> { sg.iter().chain(extra).copied().collect() };
    same(&with(&["--sharegpt-output-len", "64"]), &with(&["--output-len", "64"]));
    same(&with(&["--sharegpt-context-len", "4096"]), &with(&["--context-len", "4096"]));
}

#[test]
fn goodput() {
    same(
        &["--goodput", "ttft:500", "tpot:50", "e2el:9000"],
        &["--slo", "ttft=500,tpot=50,e2e=9000"],
    );
    assert!(parse_err(&["--url", URL, "--goodput", "ttft=5"]).contains("KEY:VALUE"));
    assert!(parse_err(&["--url", URL, "--goodput", "ttfb:5"]).contains("ttfb"));
    assert!(
        parse_err(&["--url", URL, "--goodput", "ttft:5", "--slo", "ttft=5"])
            .contains("cannot be used")
    );
}

#[test]
fn ignore_eos() {
    same(&["--disable-ignore-eos"], &["--no-ignore-eos"]);
    assert_eq!(opts(&["--url", URL, "--ignore-eos"]), opts(&["--url", URL]));
    assert!(
        parse_err(&["--url", URL, "--ignore-eos", "--no-ignore-eos"]).contains("cannot be used")
    );
}

#[test]
fn warmup_requests() {
    same(&["--warmup-requests", "3"], &["--warmup", "3"]);
    same(&["--num-warmups", "0"], &["--warmup", "0"]);
}

#[test]
fn header() {
    let o = opts(&["--url", URL, "--header", "x-bench-a=1", "X-Bench-B = two=2"]);
    let got: Vec<(&str, &str)> = o.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, vec![("x-bench-a", "1"), ("x-bench-b", "two=2")]);
    assert!(parse_err(&["--url", URL, "--header", "novalue"]).contains("KEY=VALUE"));
}

#[test]
fn sampling() {
    same(&["--top-p", "0.9"], &["--extra-body", r#"{"top_p":0.9}"#]);
    same(&["--top-k", "20"], &["--extra-body", r#"{"top_k":20}"#]);
    same(&["--min-p", "0.05"], &["--extra-body", r#"{"min_p":0.05}"#]);
    same(&["--extra-request-body", r#"{"a":1}"#], &["--extra-body", r#"{"a":1}"#]);
    // Merged into an explicit --extra-body, as vLLM merges its sampling flags.
    same(
        &["--extra-body", r#"{"a":1}"#, "--top-p", "0.5"],
        &["--extra-body", r#"{"a":1,"top_p":0.5}"#],
    );
}

#[test]
fn disable_stream_is_refused_with_a_reason() {
    assert!(parse_err(&["--url", URL, "--disable-stream"]).contains("streamed responses only"));
}

#[test]
fn percentiles() {
    let o =
        opts(&["--url", URL, "--percentile-metrics", "ttft,e2el", "--metric-percentiles", "50,99"]);
    let p = o.vllm_percentiles.unwrap();
    assert_eq!((p.metrics, p.percentiles), (vec!["ttft".into(), "e2el".into()], vec![50.0, 99.0]));
    let o = opts(&["--url", URL, "--metric-percentiles", "90"]);
    assert_eq!(o.vllm_percentiles.unwrap().metrics, vec!["ttft", "tpot", "itl"]);
    assert!(parse_err(&["--url", URL, "--percentile-metrics", "ttfb"]).contains("ttfb"));
}

#[test]
fn served_model_name() {
    same(&["--served-model-name", "m"], &["--model", "m"]);
    // vLLM: --model then names the tokenizer.
    let o = opts(&["--url", URL, "--model", "org/tok", "--served-model-name", "m"]);
    assert_eq!(o.model.as_deref(), Some("m"));
    assert_eq!(o.tokenizer, Some(perfpilot_bench::TokenizerChoice::Path("org/tok".into())));
}

#[test]
fn ramp_up() {
    let o = opts(&[
        "--url",
        URL,
        "--ramp-up-strategy",
        "linear",
        "--ramp-up-start-rps",
        "1",
        "--ramp-up-end-rps",
        "8",
    ]);
    let r = o.ramp_up.unwrap();
    assert_eq!((r.start_rps, r.end_rps), (1.0, 8.0));
    assert!(parse_err(&["--url", URL, "--ramp-up-strategy", "linear"]).contains("ramp-up"));
    assert!(parse_err(&["--url", URL, "--ramp-up-strategy", "cubic"]).contains("cubic"));
}

#[test]
fn save_result() {
    same(
        &["--save-result", "--result-dir", "out", "--result-filename", "r.json"],
        &["--compat", "vllm", "--compat-output", "out/r.json"],
    );
    same(
        &["--save-result", "--result-dir", "out"],
        &["--compat", "vllm", "--compat-output", "out/"],
    );
    same(&["--save-result"], &["--compat", "vllm", "--compat-output", "./"]);
    assert!(parse_err(&["--url", URL, "--result-dir", "out"]).contains("--save-result"));
}

#[test]
fn output_file() {
    same(&["--output-file", "s.jsonl"], &["--compat", "sglang", "--compat-output", "s.jsonl"]);
    assert!(
        parse_err(&["--url", URL, "--output-file", "a", "--save-result"])
            .contains("cannot be used")
    );
}

#[test]
fn profile() {
    assert!(opts(&["--url", URL, "--profile"]).profile);
    assert!(!opts(&["--url", URL, "--sim-profile", "sglang-h100-llama3.1-8b"]).profile);
}
