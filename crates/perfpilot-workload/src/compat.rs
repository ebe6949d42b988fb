//! The anchors' JSON layouts (`--compat sglang|vllm`), so dashboards built for SGLang
//! `bench_serving` or `vllm bench serve` read our results. Values follow our
//! definitions; where an anchor defines a key differently, the closest of our
//! quantities is used and `docs/metrics.md` says so.

use serde_json::{Map, Value, json};

use crate::{BenchResult, DatasetSpec, RequestRecord, Stats};

/// Which anchor's keys to write.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum CompatFormat {
    /// SGLang `bench_serving` JSONL line.
    Sglang,
    /// vLLM `bench serve` `--save-result` JSON.
    Vllm,
}

impl std::str::FromStr for CompatFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "sglang" => Ok(CompatFormat::Sglang),
            "vllm" => Ok(CompatFormat::Vllm),
            _ => Err(format!("unknown compat format `{s}` (expected sglang or vllm)")),
        }
    }
}

fn put_stats(m: &mut Map<String, Value>, name: &str, st: Option<Stats>, pcts: &[&str]) {
    let get = |f: fn(&Stats) -> f64| st.as_ref().map(f).map(Value::from).unwrap_or(Value::Null);
    m.insert(format!("mean_{name}_ms"), get(|s| s.mean));
    m.insert(format!("median_{name}_ms"), get(|s| s.median));
    m.insert(format!("std_{name}_ms"), get(|s| s.std));
    for p in pcts {
        let v = match *p {
            "p90" => get(|s| s.p90),
            "p95" => get(|s| s.p95),
            _ => get(|s| s.p99),
        };
        m.insert(format!("{p}_{name}_ms"), v);
    }
}

/// vLLM's `--percentile-metrics` and `--metric-percentiles`: which metrics get
/// `mean_/median_/std_/p{P}_` keys in the vLLM layout, at which percentiles.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct VllmPercentiles {
    /// Metrics among `ttft`, `tpot`, `itl`, `e2el` (vLLM's default `ttft,tpot,itl`).
    pub metrics: Vec<String>,
    /// Percentiles in (0, 100] (vLLM's default `99`).
    pub percentiles: Vec<f64>,
}

impl VllmPercentiles {
    /// Parse the two flags as vLLM does (comma-separated lists); unknown metrics and
    /// percentiles outside (0, 100] are errors naming the flag.
    pub fn parse(metrics: &str, percentiles: &str) -> Result<VllmPercentiles, String> {
        let metrics: Vec<String> =
            metrics.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
        if let Some(bad) =
            metrics.iter().find(|m| !["ttft", "tpot", "itl", "e2el"].contains(&m.as_str()))
        {
            return Err(format!(
                "--percentile-metrics: unknown metric `{bad}` (expected ttft, tpot, itl, e2el)"
            ));
        }
        let percentiles = percentiles
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.parse::<f64>() {
                Ok(x) if x > 0.0 && x <= 100.0 => Ok(x),
                _ => Err(format!("--metric-percentiles: `{p}` is not a percentile in (0, 100]")),
            })
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(VllmPercentiles { metrics, percentiles })
    }
}

/// The per-request samples of one vLLM metric, in ms, sorted.
fn samples_ms(records: &[RequestRecord], metric: &str) -> Vec<f64> {
    let ok = records.iter().filter(|r| !r.warmup && r.ok());
    let mut v: Vec<f64> = match metric {
        "ttft" => ok.filter_map(|r| r.ttft_s).collect(),
        "tpot" => ok.filter_map(|r| r.tpot_s()).collect(),
        "itl" => ok.flat_map(|r| r.itl_s().collect::<Vec<_>>()).collect(),
        _ => ok.filter_map(|r| r.e2e_s).collect(),
    };
    v.iter_mut().for_each(|x| *x *= 1000.0);
    v.sort_by(f64::total_cmp);
    v
}

/// vLLM's keys for the chosen metrics and percentiles, from the records.
fn put_vllm_percentiles(
    m: &mut Map<String, Value>,
    records: &[RequestRecord],
    p: &VllmPercentiles,
) {
    for metric in &p.metrics {
        let v = samples_ms(records, metric);
        let n = v.len() as f64;
        let mean = (!v.is_empty()).then(|| v.iter().sum::<f64>() / n);
        let std = mean.map(|mu| (v.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / n).sqrt());
        let pct = |q: f64| (!v.is_empty()).then(|| crate::percentile_sorted(&v, q));
        m.insert(format!("mean_{metric}_ms"), num(mean));
        m.insert(format!("median_{metric}_ms"), num(pct(50.0)));
        m.insert(format!("std_{metric}_ms"), num(std));
        for &q in &p.percentiles {
            let label = if q.fract() == 0.0 { format!("{}", q as u32) } else { q.to_string() };
            m.insert(format!("p{label}_{metric}_ms"), num(pct(q)));
        }
    }
}

/// SGLang's (and vLLM's) `max_concurrent_requests`: the most successful requests active
/// in any 1-second bucket from the first send, a request counting in every bucket from
/// its send to its end (SGLang's end: the last line read). Our exact sweep-line peak is
/// `max_concurrency` in the summary.
pub fn bucketed_max_concurrent_requests(records: &[RequestRecord]) -> u64 {
    let ok: Vec<&RequestRecord> = records.iter().filter(|r| !r.warmup && r.ok()).collect();
    let Some(t0) = ok.iter().map(|r| r.sent_s).min_by(f64::total_cmp) else {
        return 0;
    };
    let span = |r: &RequestRecord| {
        let end = r.sent_s + r.done_s.or(r.e2e_s).unwrap_or(r.end_s);
        ((r.sent_s - t0).max(0.0) as usize, (end - t0).max(0.0) as usize)
    };
    let last = ok.iter().map(|r| span(r).1).max().unwrap_or(0);
    let mut buckets = vec![0u64; last + 1];
    for r in &ok {
        let (a, b) = span(r);
        buckets[a..=b].iter_mut().for_each(|c| *c += 1);
    }
    buckets.into_iter().max().unwrap_or(0)
}

fn num(x: Option<f64>) -> Value {
    x.map(Value::from).unwrap_or(Value::Null)
}

/// The anchor's JSON object for `r`. With `records`, the per-request detail arrays
/// (`input_lens`, `output_lens`, `ttfts`, `itls`, …, as `--output-details` /
/// `--save-detailed` write them) are added.
pub fn compat_json(
    r: &BenchResult,
    format: CompatFormat,
    records: Option<&[RequestRecord]>,
) -> Value {
    compat_json_with(r, format, records, None)
}

/// [`compat_json`] with vLLM's percentile choices (`None`: p90/p95/p99 of TTFT, TPOT,
/// ITL and E2EL). The choices need the records; without them they are ignored.
pub fn compat_json_with(
    r: &BenchResult,
    format: CompatFormat,
    records: Option<&[RequestRecord]>,
    vllm_percentiles: Option<&VllmPercentiles>,
) -> Value {
    let s = &r.summary;
    let st = &r.settings;
    let mut m = Map::new();
    let rate = st.arrival.request_rate;
    let (rin, rout, rratio) = match &st.dataset.spec {
        DatasetSpec::Random(x) => (Some(x.input_len), Some(x.output_len), Some(x.range_ratio)),
        _ => (None, None, None),
    };
    match format {
        CompatFormat::Sglang => {
            m.insert("tag".into(), Value::Null);
            m.insert("backend".into(), json!(format!("perfpilot-{}", st.endpoint)));
            m.insert("dataset_name".into(), json!(crate::dataset_kind(&st.dataset.spec)));
            m.insert("request_rate".into(), rate.map(Value::from).unwrap_or(json!("inf")));
            m.insert("max_concurrency".into(), json!(st.max_concurrency));
            m.insert(
                "sharegpt_output_len".into(),
                match &st.dataset.spec {
                    DatasetSpec::Sharegpt(x) => json!(x.output_len),
                    _ => Value::Null,
                },
            );
            m.insert("random_input_len".into(), json!(rin));
            m.insert("random_output_len".into(), json!(rout));
            m.insert("random_range_ratio".into(), json!(rratio));
            m.insert("server_info".into(), json!(st.server));
            m.insert("duration".into(), json!(s.duration_s));
            m.insert("completed".into(), json!(s.completed));
            // SGLang 0.5.23 totals the dataset's lengths; the server's count only goes
            // into the per-request `input_lens`.
            m.insert("total_input_tokens".into(), json!(s.total_input_tokens_client));
            m.insert("total_input_text_tokens".into(), json!(s.total_input_tokens_client));
            m.insert("total_input_vision_tokens".into(), json!(0));
            m.insert("total_output_tokens".into(), json!(s.total_output_tokens));
            m.insert(
                "total_output_tokens_retokenized".into(),
                json!(s.total_output_tokens_retokenized),
            );
            m.insert("request_throughput".into(), num(s.request_throughput));
            m.insert("input_throughput".into(), num(s.input_throughput));
            m.insert("output_throughput".into(), num(s.output_throughput));
            m.insert("total_throughput".into(), num(s.total_throughput));
            // SGLang stamps the end of a request at the last line read ([DONE]).
            put_stats(
                &mut m,
                "e2e_latency",
                s.e2e_incl_done_ms.or(s.e2e_ms),
                &["p90", "p95", "p99"],
            );
            put_stats(&mut m, "ttft", s.ttft_ms, &["p90", "p95", "p99"]);
            put_stats(&mut m, "tpot", s.tpot_ms, &["p90", "p95", "p99"]);
            put_stats(&mut m, "itl", s.itl_ms, &["p90", "p95", "p99"]);
            m.insert("max_itl_ms".into(), num(s.itl_ms.map(|x| x.max)));
            m.insert("concurrency".into(), num(s.mean_concurrency));
            m.insert("accept_length".into(), num(s.tokens_per_chunk.map(|x| x.mean)));
            m.insert("max_output_tokens_per_s".into(), num(s.max_output_tokens_per_s));
            // SGLang's definition (1-second buckets) needs the records; ours beside it.
            m.insert(
                "max_concurrent_requests".into(),
                match records {
                    Some(recs) => json!(bucketed_max_concurrent_requests(recs)),
                    None => json!(s.max_concurrency),
                },
            );
            m.insert("perfpilot_max_concurrent_requests_exact".into(), json!(s.max_concurrency));
        }
        CompatFormat::Vllm => {
            m.insert("date".into(), json!(vllm_date(r.started_unix_s)));
            m.insert(
                "endpoint_type".into(),
                json!(match st.endpoint {
                    crate::Endpoint::Completions => "openai",
                    crate::Endpoint::Chat => "openai-chat",
                }),
            );
            m.insert("backend".into(), json!(format!("perfpilot-{}", st.endpoint)));
            m.insert("label".into(), Value::Null);
            m.insert("model_id".into(), json!(st.model));
            m.insert("tokenizer_id".into(), json!(st.dataset.tokenizer));
            m.insert("num_prompts".into(), json!(st.num_prompts));
            m.insert("request_rate".into(), rate.map(Value::from).unwrap_or(json!("inf")));
            m.insert("burstiness".into(), json!(st.arrival.burstiness.unwrap_or(1.0)));
            m.insert("max_concurrency".into(), json!(st.max_concurrency));
            m.insert("duration".into(), json!(s.duration_s));
            m.insert("completed".into(), json!(s.completed));
            m.insert("failed".into(), json!(s.failed));
            m.insert("total_input_tokens".into(), json!(s.total_input_tokens));
            m.insert("total_output_tokens".into(), json!(s.total_output_tokens));
            m.insert("request_throughput".into(), num(s.request_throughput));
            m.insert(
                "request_goodput".into(),
                num(s.goodput.as_ref().and_then(|g| g.request_goodput)),
            );
            m.insert("output_throughput".into(), num(s.output_throughput));
            m.insert("total_token_throughput".into(), num(s.total_throughput));
            m.insert("max_output_tokens_per_s".into(), num(s.max_output_tokens_per_s));
            m.insert(
                "max_concurrent_requests".into(),
                match records {
                    Some(recs) => json!(bucketed_max_concurrent_requests(recs)),
                    None => json!(s.max_concurrency),
                },
            );
            m.insert("perfpilot_max_concurrent_requests_exact".into(), json!(s.max_concurrency));
            match (vllm_percentiles, records) {
                (Some(p), Some(recs)) => put_vllm_percentiles(&mut m, recs, p),
                _ => {
                    put_stats(&mut m, "ttft", s.ttft_ms, &["p90", "p95", "p99"]);
                    put_stats(&mut m, "tpot", s.tpot_ms, &["p90", "p95", "p99"]);
                    put_stats(&mut m, "itl", s.itl_ms, &["p90", "p95", "p99"]);
                    put_stats(&mut m, "e2el", s.e2e_ms, &["p90", "p95", "p99"]);
                }
            }
        }
    }
    if let Some(recs) = records {
        let ok: Vec<&RequestRecord> = recs.iter().filter(|r| !r.warmup).collect();
        let arr =
            |f: &dyn Fn(&RequestRecord) -> Value| Value::Array(ok.iter().map(|r| f(r)).collect());
        m.insert("input_lens".into(), arr(&|r| json!(r.prompt_tokens.unwrap_or(r.input_len))));
        m.insert("output_lens".into(), arr(&|r| json!(r.output_tokens.unwrap_or(0))));
        m.insert("ttfts".into(), arr(&|r| json!(r.ttft_s.unwrap_or(0.0))));
        m.insert("itls".into(), arr(&|r| json!(r.itl_s().collect::<Vec<_>>())));
        m.insert(
            "errors".into(),
            arr(&|r| {
                json!(
                    r.error
                        .as_ref()
                        .map(|e| format!("{}: {}", e.kind.as_str(), e.message))
                        .unwrap_or_default()
                )
            }),
        );
        if format == CompatFormat::Vllm {
            m.insert("latencies".into(), arr(&|r| json!(r.e2e_s.unwrap_or(0.0))));
            m.insert("start_times".into(), arr(&|r| json!(r.sent_s)));
            m.insert("queue_times".into(), arr(&|r| json!(r.slot_wait_s)));
        }
    }
    Value::Object(m)
}

/// `%Y%m%d-%H%M%S` in UTC, as vLLM's `date` key.
fn vllm_date(unix_s: f64) -> String {
    let secs = unix_s.max(0.0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: u64, sent: f64, e2e: f64) -> RequestRecord {
        let mut r = RequestRecord::new(id, sent, 0.0, sent, 8, 4);
        r.ttft_s = Some(0.1);
        r.chunk_times_s = vec![0.1, e2e];
        r.chunk_tokens = vec![1, 1];
        r.e2e_s = Some(e2e);
        r.end_s = e2e;
        r.output_tokens = Some(2);
        r
    }

    #[test]
    fn bucketed_peak_counts_per_second() {
        // Three requests within second 0, one alone in second 5: SGLang/vLLM say 3.
        let recs = vec![rec(0, 0.0, 0.2), rec(1, 0.3, 0.2), rec(2, 0.6, 0.2), rec(3, 5.0, 0.2)];
        assert_eq!(bucketed_max_concurrent_requests(&recs), 3);
        // Back-to-back requests (never two in flight) still share a bucket.
        let recs = vec![rec(0, 0.0, 0.4), rec(1, 0.5, 0.4)];
        assert_eq!(bucketed_max_concurrent_requests(&recs), 2);
    }

    #[test]
    fn vllm_percentile_flags() {
        let p = VllmPercentiles::parse("ttft,e2el", "50,99.9").unwrap();
        assert_eq!(p.percentiles, vec![50.0, 99.9]);
        assert!(VllmPercentiles::parse("ttfb", "99").unwrap_err().contains("ttfb"));
        assert!(VllmPercentiles::parse("ttft", "0").is_err());
        let recs: Vec<RequestRecord> = (0..10).map(|i| rec(i, 0.0, 0.1 + 0.1 * i as f64)).collect();
        let mut m = Map::new();
        put_vllm_percentiles(&mut m, &recs, &p);
        assert!(m.contains_key("p99.9_e2el_ms") && m.contains_key("p50_ttft_ms"));
        assert!(!m.contains_key("p99_itl_ms"));
        assert!((m["median_e2el_ms"].as_f64().unwrap() - 550.0).abs() < 1e-9);
    }

    #[test]
    fn vllm_date_format() {
        // 2024-02-29T12:34:56Z
        assert_eq!(super::vllm_date(1_709_210_096.0), "20240229-123456");
        assert_eq!(super::vllm_date(0.0), "19700101-000000");
    }
}
