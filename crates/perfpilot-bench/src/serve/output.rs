//! Where `bench serve` writes its result: the envelope JSON and the peer tools' files
//! (vLLM's JSON, SGLang's appended JSONL).

use std::path::Path;

use perfpilot_report::Envelope;
use perfpilot_workload::{BenchResult, RequestRecord, compat_json_with};

use super::with_suffix;
use crate::BenchError;
use crate::options::ServeOptions;

/// The file name the peer tool would choose when given only a directory: vLLM's
/// `{label}-{rate}qps[-concurrency{N}]-{model}-{YYYYmmdd-HHMMSS}.json` (label: our
/// client, UTC date), SGLang's `{backend}_{MMDD}_{num_prompts}_{in}_{out}.jsonl`.
pub fn peer_file_name(result: &BenchResult, fmt: perfpilot_workload::CompatFormat) -> String {
    let st = &result.settings;
    let model = st.model.as_deref().unwrap_or("model");
    let model = model.rsplit('/').next().unwrap_or(model);
    let date = perfpilot_workload::compat_json(
        result,
        perfpilot_workload::CompatFormat::Vllm,
        None,
    )["date"]
        .as_str()
        .unwrap_or("")
        .to_string();
    match fmt {
        perfpilot_workload::CompatFormat::Vllm => {
            let rate = st.arrival.request_rate.map_or("inf".to_string(), |r| {
                if r.fract() == 0.0 { format!("{r:.1}") } else { r.to_string() }
            });
            let conc = st.max_concurrency.map(|c| format!("-concurrency{c}")).unwrap_or_default();
            format!("perfpilot-{rate}qps{conc}-{model}-{date}.json")
        }
        perfpilot_workload::CompatFormat::Sglang => {
            let mmdd = date.get(4..8).unwrap_or("0000");
            let (i, o) = match &st.dataset.spec {
                perfpilot_workload::DatasetSpec::Random(r) => (r.input_len, r.output_len),
                _ => (0, 0),
            };
            format!("perfpilot_{mmdd}_{}_{i}_{o}.jsonl", st.num_prompts)
        }
    }
}

/// Append `line` and a newline to `path` in one write (created if absent), so a run never
/// leaves half a line behind for readers of the file.
fn append_line(path: &Path, line: &str) -> Result<(), BenchError> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| BenchError::file(path, e))?;
    f.write_all(format!("{line}\n").as_bytes()).map_err(|e| BenchError::file(path, e))
}

/// Write the result (and the compat JSON) where the options ask.
pub fn write_outputs(
    opts: &ServeOptions,
    result: &BenchResult,
    records: &[RequestRecord],
) -> Result<(), BenchError> {
    if let Some(p) = &opts.output {
        let env = Envelope::new("bench serve", result.clone());
        let s = perfpilot_report::render_to_string(&env, perfpilot_report::Format::Json)
            .map_err(|e| BenchError::file(p, e))?;
        perfpilot_report::write_atomic(p, s.as_bytes()).map_err(|e| BenchError::file(p, e))?;
    }
    if let Some(fmt) = opts.compat {
        let name = match fmt {
            perfpilot_workload::CompatFormat::Sglang => "sglang.jsonl",
            perfpilot_workload::CompatFormat::Vllm => "vllm.json",
        };
        let mut path = opts
            .compat_output
            .clone()
            .or_else(|| opts.output.as_ref().map(|o| with_suffix(o, name)))
            .ok_or_else(|| BenchError::option("--compat", "needs --output or --compat-output"))?;
        if path.as_os_str().to_string_lossy().ends_with('/') || path.is_dir() {
            std::fs::create_dir_all(&path).map_err(|e| BenchError::file(&path, e))?;
            path = path.join(peer_file_name(result, fmt));
        }
        let v = compat_json_with(result, fmt, Some(records), opts.vllm_percentiles.as_ref());
        let line = serde_json::to_string(&v).map_err(|e| BenchError::file(&path, e))?;
        match fmt {
            // SGLang appends one line per run to its --output-file.
            perfpilot_workload::CompatFormat::Sglang => append_line(&path, &line)?,
            perfpilot_workload::CompatFormat::Vllm => {
                perfpilot_report::write_atomic(&path, line.as_bytes())
                    .map_err(|e| BenchError::file(&path, e))?;
            }
        }
    }
    Ok(())
}
