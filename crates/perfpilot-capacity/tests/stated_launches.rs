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
    let text = std::fs::read_to_string(&p).expect("corpus log");
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
