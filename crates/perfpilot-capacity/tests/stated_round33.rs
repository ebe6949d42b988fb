//! Stated values for the round-33 classes (issue 15, branch capfix33): harness shapes. Two
//! server actors of one harness whose start-ups interleave (verl's `vLLMHttpServer`, one per
//! rollout replica, Ray's `(Class pid=N)` prefix), a launcher script's `set -x` trace before its
//! server command, and a sweep driver's sorted copy of SGLang's pool lines under its own start
//! lines. Lines are real, each with its source; none is from the capfix33 set-aside (its four
//! sources were not opened).

mod common;

use common::{corpus, numbers};

/// 2215860382/VedioSifter train_run_20260421_065709.log (heldout-56, development part): vLLM
/// 0.12.0 as verl's two rollout servers, their `(vLLMHttpServer pid=…)` lines interleaved.
const VERL: &str = "vllm-repo-vediosifter-verl-grpo-v1-0120-two-rollout-servers-qwen3-4b-util-0.5-sleep-len-40960-kv-39.28-tokens-285984-excerpt.log";

/// parallelworks/activate-rag-vllm run.debug-00074.out (heldout-52, capfix32's set-aside, scored
/// once at the end of round 32 and development data since): a SLURM job's `set -x` script, then
/// vLLM 0.13.0 TP4 in Singularity.
const XTRACE: &str = "vllm-repo-activateragvllm-v1-0130-hpc-singularity-tp4-nemotron-super-49b-len-131072-weights-23.26-kv-42.75-tokens-914832-graph-6.03-init-320.81.log";

/// Jacob0226/SGLang-benchmarks … bench-Agentic-TP4_EP1-mtp5/sweep.log (heldout-54, capfix32's
/// set-aside, development data since): five SGLang starts of an AgentX sweep, each start's
/// capacity lines copied with `sort -u`.
const SWEEP: &str = "sglang-repo-sglbench-sweep-0520-rocm-mi355x-tp4-mtp-glm53flash-five-launches-kv-11508608-136.29-draft-12.39.log";

/// A Ray-launched vLLM over two nodes (Ray's `(RayWorkerWrapper pid=N, ip=A)` workers, many pids
/// of one start): no listed server actor, one launch.
const RAY_WORKERS: &str = "vllm-dennislee-v1-01011-ray-2node-tp2-a100-40g-qwen2-7b-util-0.5-kv-11.03-tokens-412944-init-69.64.log";

/// The KV budgets of `text`, a launch's restatements of one figure counted once.
fn budgets(text: &str) -> Vec<(u32, f64)> {
    let mut b = numbers(text, "kv_budget");
    b.dedup();
    b
}

#[test]
fn two_interleaved_server_actors_are_two_launches() {
    let text = corpus(VERL);
    // `Available KV cache memory`, restated by the first actor's free-memory summary (`Current kv
    // cache memory in use is 39.28 GiB`; the second's summary line runs on into another actor's
    // output, Ray printing it with no line break, and its last figure is cut).
    assert_eq!(budgets(&text), vec![(1, 39.28), (2, 39.28)]);
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 285984.0), (2, 285984.0)]);
    assert_eq!(numbers(&text, "init_engine_s"), vec![(1, 15.21), (2, 15.62)]);
    // The second actor's compile times come before the first's in the file; each is its own.
    assert_eq!(numbers(&text, "dynamo_s"), vec![(1, 6.11), (2, 6.35)]);
    assert_eq!(numbers(&text, "compile_s"), vec![(1, 10.54), (2, 10.84)]);
    assert_eq!(numbers(&text, "compile_graph_s"), vec![(1, 4.43), (2, 4.49)]);
    // `Graph capturing finished … took -0.97 GiB`, restated by each summary.
    assert_eq!(numbers(&text, "graph_mem"), vec![(1, -0.97), (1, -0.97), (2, -0.97), (2, -0.97)]);
}

#[test]
fn one_server_actor_alone_is_one_launch() {
    // The first actor's lines only: nothing to interleave, one launch as before.
    let text: String = corpus(VERL)
        .lines()
        .filter(|l| !l.contains("pid=542869"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(budgets(&text), vec![(1, 39.28)]);
    assert_eq!(numbers(&text, "init_engine_s"), vec![(1, 15.21)]);
}

#[test]
fn a_second_actor_after_the_first_is_still_another_launch() {
    // The two actors' lines one block after the other (no interleaving): two launches too.
    let all = corpus(VERL);
    let of = |pid: &str| -> String {
        all.lines().filter(|l| l.contains(pid)).map(|l| format!("{l}\n")).collect()
    };
    let text = of("pid=542833)") + &of("pid=542869)");
    assert_eq!(numbers(&text, "init_engine_s"), vec![(1, 15.21), (2, 15.62)]);
    assert_eq!(budgets(&text), vec![(1, 39.28), (2, 39.28)]);
}

#[test]
fn ray_workers_of_one_start_are_one_stream() {
    let text = corpus(RAY_WORKERS);
    assert!(numbers(&text, "kv_budget").iter().all(|(l, _)| *l == 1));
    assert!(!numbers(&text, "kv_budget").is_empty());
}

#[test]
fn a_launcher_trace_before_its_server_is_one_launch() {
    let text = corpus(XTRACE);
    // `+ sed -i 's|__VLLM_EXTRA_ARGS__|--dtype bfloat16 --tensor-parallel-size 4 …|' env.sh` and
    // `++ export 'VLLM_EXTRA_ARGS=…'` are the script's, the server command after them its start.
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 42.75)]);
    assert_eq!(numbers(&text, "init_engine_s"), vec![(1, 320.81)]);
    assert!(numbers(&text, "tp_size").iter().all(|(l, v)| *l == 1 && *v == 4.0));
    assert_eq!(numbers(&text, "max_model_len").first(), Some(&(1, 131072.0)));
}

#[test]
fn a_run_after_its_trace_and_command_is_still_a_rerun() {
    // Without the trace marker the same script lines are values the run logged: the command after
    // them announces another start (the rule the trace lines are exempt from).
    let text = corpus(XTRACE);
    let untraced: String = text
        .lines()
        .map(|l| {
            let t = l.trim_start_matches('+');
            format!("{}\n", t.strip_prefix(' ').unwrap_or(l))
        })
        .collect();
    let launches: Vec<u32> = numbers(&untraced, "kv_budget").iter().map(|(l, _)| *l).collect();
    assert_eq!(launches, vec![2]);
}

#[test]
fn a_sweep_drivers_sorted_copy_of_five_starts() {
    let text = corpus(SWEEP);
    // `>>> DATE starting conc=N port=P` opens each start; its KV lines follow it.
    let tokens: Vec<u32> = numbers(&text, "kv_tokens").iter().map(|(l, _)| *l).collect();
    assert_eq!(tokens, vec![1, 2, 3, 4, 5]);
    // Sorted as text, the draft's `KV size: 12.39 GB` comes first: the larger pool of one token
    // count is the target's.
    assert_eq!(
        numbers(&text, "kv_size"),
        vec![(1, 136.29), (2, 136.29), (3, 134.78), (4, 133.27), (5, 131.76)]
    );
    assert_eq!(
        numbers(&text, "draft_kv_size"),
        vec![(1, 12.39), (2, 12.39), (3, 12.25), (4, 12.12), (5, 11.98)]
    );
    assert_eq!(numbers(&text, "draft_kv_tokens")[0], (1, 11508608.0));
    // The `Memory pool end` values more than half the draft's size below the highest are the
    // draft's (40.58 / 40.61 / 40.70 beside 52.97 / 53.00 / 53.09 in the first start).
    let draft = numbers(&text, "draft_pool_avail_after");
    assert_eq!(draft.len(), 15);
    assert_eq!(&draft[..3], &[(1, 40.58), (1, 40.61), (1, 40.7)]);
    let target = numbers(&text, "pool_avail_after");
    assert_eq!(&target[..3], &[(1, 52.97), (1, 53.0), (1, 53.09)]);
    assert_eq!(target.len(), 15);
}

#[test]
fn pools_in_program_order_are_left_as_they_are() {
    // The same start in SGLang's own order (target, its pool end, then the draft): unchanged.
    let text = "\
[2026-10-01 04:30:01 TP0] KV Cache is allocated. dtype: torch.bfloat16, #tokens: 11508608, KV size: 136.29 GB
[2026-10-01 04:30:01 TP0] Memory pool end. avail mem=53.09 GB
[2026-10-01 04:30:09 TP0] KV Cache is allocated. dtype: torch.bfloat16, #tokens: 11508608, KV size: 12.39 GB
[2026-10-01 04:30:09 TP0] Memory pool end. avail mem=40.70 GB
";
    assert_eq!(numbers(text, "kv_size"), vec![(1, 136.29)]);
    assert_eq!(numbers(text, "draft_kv_size"), vec![(1, 12.39)]);
    assert_eq!(numbers(text, "pool_avail_after"), vec![(1, 53.09)]);
    assert_eq!(numbers(text, "draft_pool_avail_after"), vec![(1, 40.7)]);
}

/// AI-Hypercomputer/maxtext src/maxtext/examples/dpo_qwen3_demo.ipynb's saved output (heldout-55,
/// development part): tpu-inference on a TPU v5p-8.
const TPU: &str = "vllm-repo-maxtext-v1-0192rc1dev-tpu-inference-v5p-8-tp4-dpo-demo-qwen3-06b-len-1024-tokens-3395776-blocks-53059-init-3.02.log";

#[test]
fn tpu_platform_states_its_block_size() {
    assert_eq!(numbers(&corpus(TPU), "block_size"), vec![(1, 64.0)]);
    // Another start's API server (a log in the code store): the same line under the vLLM prefix.
    let line = "(APIServer pid=1355885) INFO 04-04 21:50:07 [tpu_platform.py:182] Using KV cache block size: 256\n";
    assert_eq!(numbers(line, "block_size"), vec![(1, 256.0)]);
}
