//! Stated values of the engine line formats generalised after `heldout-5` (issue 15, branch
//! caphold), each from the engine's own format string across versions: SGLang's
//! `Init torch distributed ends. elapsed=X s, mem usage=Y GB` (model_runner.py), SGLang's
//! piecewise capture `Capture piecewise CUDA graph begin/end` (a capture of its own, keyed
//! `graph_piecewise_…`), vLLM's `Compiling a graph for {general shape|dynamic shape|shape N|
//! compile range (a, b)} takes X s` (compilation/backends.py; SGLang's piecewise compiler
//! prints the dynamic-shape form), and vLLM's `compilation_config` capture-size list (read
//! only when printed whole).

use perfpilot_capacity::stated::{StatedValue, Value, stated_values};
use perfpilot_launchlog::parse_log;

fn stated(text: &str) -> Vec<StatedValue> {
    stated_values(&parse_log(text))
}

fn num(got: &[StatedValue], key: &str) -> Vec<f64> {
    got.iter()
        .filter(|v| v.key == key)
        .filter_map(|v| match v.value {
            Value::Number(x) => Some(x),
            _ => None,
        })
        .collect()
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
}

#[test]
fn sglang_init_torch_distributed_time_and_memory() {
    // Public SGLang TP4 paste (2026) in the format of model_runner.py's `Init torch distributed
    // ends. elapsed={…:.2f} s, mem usage={…:.2f} GB`; the older form without elapsed still reads.
    let got = stated(
        "[2026-08-07 17:33:28 TP3] Init torch distributed ends. elapsed=5.54 s, mem usage=0.01 GB\n\
         [2026-08-07 17:33:28 TP1] Init torch distributed ends. elapsed=0.45 s, mem usage=0.01 GB\n\
         [2025-10-16 09:06:09 TP7] Init torch distributed ends. mem usage=1.77 GB\n",
    );
    assert!(close(&num(&got, "init_dist_s"), &[5.54, 0.45]), "{got:?}");
    let mem = num(&got, "init_dist_mem");
    assert_eq!(mem.len(), 3, "{got:?}");
    assert!((mem[2] - 1.77).abs() < 1e-6);
}

#[test]
fn sglang_piecewise_capture_is_its_own_graph() {
    // SGLang's docs example / a public run: the decode capture, then the piecewise one.
    let got = stated(
        "[2026-04-27 02:36:09] Capture cuda graph end. Time elapsed: 3.74 s. mem usage=0.60 GB. avail mem=23.54 GB.\n\
         [2026-04-27 02:36:09] Capture piecewise CUDA graph begin. avail mem=23.54 GB\n\
         [2026-04-27 02:36:27] Capture piecewise CUDA graph end. Time elapsed: 17.62 s. mem usage=2.32 GB. avail mem=21.22 GB.\n",
    );
    assert!(close(&num(&got, "graph_s"), &[3.74]), "{got:?}");
    assert!(close(&num(&got, "graph_mem"), &[0.60]), "{got:?}");
    assert!(close(&num(&got, "graph_piecewise_avail_before"), &[23.54]), "{got:?}");
    assert!(close(&num(&got, "graph_piecewise_s"), &[17.62]), "{got:?}");
    assert!(close(&num(&got, "graph_piecewise_mem"), &[2.32]), "{got:?}");
    assert!(close(&num(&got, "graph_piecewise_avail_after"), &[21.22]), "{got:?}");
}

#[test]
fn compile_times_in_every_backends_wording() {
    let got = stated(
        "INFO 01-30 03:19:07 backends.py:321] Compiling a graph for general shape takes 41.86 s\n\
         INFO 10-18 09:53:46 [backends.py:218] Compiling a graph for dynamic shape takes 15.65 s\n\
         (EngineCore_DP0 pid=46071) (RayWorkerWrapper pid=15732, ip=10.214.79.32) INFO 03-11 12:23:23 [backends.py:366] Compiling a graph for compile range (1, 4096) takes 9.67 s [repeated 3x across cluster]\n\
         [INFO] Compiling a graph for shape 1024 takes 3.45 s\n",
    );
    // (The last line is the per-shape form as a public SGLang write-up quotes it.)
    assert!(close(&num(&got, "compile_graph_s"), &[41.86, 15.65, 9.67, 3.45]), "{got:?}");
}

#[test]
fn vllm_config_capture_sizes_only_when_printed_whole() {
    // The real engine config line of vllm-project/vllm#14452 (dev split): the store cut it
    // inside the list, so no list is stated.
    let cut = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/corpus/launch/vllm-14452-v0-085-pp2-engine-config.log"),
    )
    .expect("dev log");
    let got = stated(&cut);
    assert!(!got.iter().any(|v| v.key == "graph_bs" || v.key == "graph_bs_count"), "{got:?}");
    // The same config with the list whole: vLLM V0's default capture sizes (worker
    // model_runner `_BATCH_SIZES_TO_CAPTURE = [1, 2, 4] + [8 * i for i in range(1, 33)]`,
    // printed largest first), in the JSON form and the dict form.
    let mut sizes: Vec<u64> = (1..=32).rev().map(|i| 8 * i).collect();
    sizes.extend([4, 2, 1]);
    let list = sizes.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    let json = format!(
        "compilation_config={{\"splitting_ops\":[],\"compile_sizes\":[],\"cudagraph_capture_sizes\":[{list}],\"max_capture_size\":256}}, use_cached_outputs=True"
    );
    let dict =
        format!("compilation_config={{'cudagraph_capture_sizes': [{}]}}", list.replace(',', ", "));
    for text in [json, dict] {
        let got = stated(&text);
        let lists: Vec<&Value> =
            got.iter().filter(|v| v.key == "graph_bs").map(|v| &v.value).collect();
        assert_eq!(lists, vec![&Value::List(sizes.clone())], "{text}");
        assert!(close(&num(&got, "graph_bs_count"), &[35.0]), "{got:?}");
    }
}
