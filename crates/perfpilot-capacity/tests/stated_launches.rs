//! Launch numbering of `stated_values` on real pastes (`tests/fixtures/corpus/launch`, dev and
//! first held-out split): vLLM V0 worker lines that share one label are one launch; two runs
//! pasted together are two.

use std::collections::BTreeSet;
use std::path::PathBuf;

use perfpilot_capacity::stated::stated_values;
use perfpilot_launchlog::parse_log;

fn launches(name: &str) -> BTreeSet<u32> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpus/launch")
        .join(name);
    let text = String::from_utf8_lossy(&std::fs::read(&p).expect("corpus log")).into_owned();
    stated_values(&parse_log(&text)).iter().map(|v| v.launch).collect()
}

#[test]
fn vllm_v0_workers_of_one_launch_stay_one_launch() {
    // Worker 521's `model weights take` precedes worker 507's `Memory profiling takes`: every
    // `(VllmWorkerProcess pid=N)` line has the same label, so only the pid tells them apart.
    assert_eq!(launches("vllm-pr14447-v0-4worker-profiling.log"), BTreeSet::from([1]));
}

#[test]
fn two_runs_in_one_paste_are_two_launches() {
    assert_eq!(launches("vllm-pr10511-v0-tabular-tp1-then-tp2.log"), BTreeSet::from([1, 2]));
}

#[test]
fn llama_cpp_multi_gpu_run_is_one_launch() {
    // Five devices' KV buffers, then the total: one cache, one launch.
    assert_eq!(launches("llamacpp-12369-rocm-5x-mi50-kv.log"), BTreeSet::from([1]));
}

/// The values of one key, as (launch, number to two decimals) pairs, in line order.
fn numbers(name: &str, key: &str) -> Vec<(u32, f64)> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpus/launch")
        .join(name);
    let text = String::from_utf8_lossy(&std::fs::read(&p).expect("corpus log")).into_owned();
    stated_values(&parse_log(&text))
        .into_iter()
        .filter(|v| v.key == key)
        .filter_map(|v| match v.value {
            perfpilot_capacity::stated::Value::Number(n) => {
                Some((v.launch, (n * 100.0).round() / 100.0))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn kv_sizes_of_several_workers_printed_in_one_second_are_one_launch() {
    // vLLM 0.8 V1 on 8 x MI308X: the engine core prints one `GPU KV cache size` per worker's
    // cache config, all at 10:13:16 and with no rank prefix.
    let kv = numbers("vllm-15928-v1-mi308-five-kv-sizes.log", "kv_tokens");
    assert_eq!(kv.len(), 5);
    assert!(kv.iter().all(|(launch, _)| *launch == 1), "{kv:?}");
    // Two runs whose sizings carry different time stamps stay two launches.
    assert_eq!(launches("vllm-pr13596-v1-blocks-then-tokens.log"), BTreeSet::from([1, 2]));
}

#[test]
fn sglang_second_kv_pool_of_a_rank_is_the_draft_models() {
    // TP2 with speculative decoding: each rank allocates the target pool (K 3.46 GB), then the
    // draft model's (K 1.08 GB); each pool's `Memory pool end` follows it.
    let log = "sglang-club3090-1261-tp2-5090-draft-pool.log";
    assert_eq!(numbers(log, "k_size"), vec![(1, 3.46), (1, 3.46)]);
    assert_eq!(numbers(log, "draft_k_size"), vec![(1, 1.08), (1, 1.08)]);
    assert_eq!(numbers(log, "pool_avail_after"), vec![(1, 8.40), (1, 7.63)]);
    assert_eq!(numbers(log, "draft_pool_avail_after"), vec![(1, 6.23), (1, 5.46)]);
    assert_eq!(launches(log), BTreeSet::from([1]));
}
