//! The dry-run plan of a sweep (`bench sweep plan`, MCP `bench_sweep_plan`): the
//! rendered candidates plus an upper bound of the work a run would do — server starts,
//! rate searches, probes and requests per framework — computed from the plan alone, so
//! an agent can size a sweep before starting one. Nothing is launched.

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::candidates::stage1;
use crate::plan::Plan;
use crate::validate::PlanReport;

/// Upper bounds of a sweep's work.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Work {
    /// Server processes started (one per candidate, one per scenario for frameworks
    /// without a cache-flush endpoint, and `repeats` + 1 per scenario for the repeats: the top
    /// two candidates alternate A B B A …, one start per block).
    pub server_starts: u64,
    /// Rate searches (candidate × scenario × concurrency).
    pub searches: u64,
    /// `bench serve` probes: each search probes `upper`, `lower` and at most
    /// `max_rounds` bisection rates; each repeat is one probe.
    pub probes: u64,
    /// Requests sent by those probes (`num_prompts` each).
    pub requests: u64,
}

impl Work {
    fn add(&mut self, o: &Work) {
        self.server_starts += o.server_starts;
        self.searches += o.searches;
        self.probes += o.probes;
        self.requests += o.requests;
    }
}

/// One framework's share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FrameworkWork {
    /// Stable id: the framework's name.
    pub id: String,
    /// Baseline and stage-1 candidates (within the budget).
    pub stage1_candidates: u64,
    /// Candidates stage 2 may add (the budget left after stage 1).
    pub stage2_room: u64,
    /// Upper bounds with stage 2 and repeats at their largest.
    pub work: Work,
}

/// The result of `bench sweep plan`: the rendered plan and its work bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SweepPlan {
    /// Validation and the rendered candidates (as `bench sweep render`).
    pub plan: PlanReport,
    /// `--repeats` the bound assumes.
    pub repeats: u32,
    /// Per enabled framework, in plan order.
    pub frameworks: Vec<FrameworkWork>,
    /// All frameworks together.
    pub total: Work,
}

/// The work bound of `plan` with `repeats` (nothing is started).
pub fn plan_work(plan: &Plan, report: PlanReport, repeats: u32) -> SweepPlan {
    let scenarios = plan.scenarios.len() as u64;
    let concurrencies = plan.benchmark.max_concurrency.len().max(1) as u64;
    let probes_per_search = 2 + u64::from(plan.benchmark.qps.max_rounds);
    let prompts = plan.num_prompts as u64;
    let budget = plan.search.max_candidates_per_framework;
    let mut total = Work::default();
    let frameworks = plan
        .frameworks
        .iter()
        .filter(|f| f.enabled)
        .map(|fw| {
            let s1 = stage1(fw, budget).0.len() as u64;
            let room = (budget as u64).saturating_sub(s1);
            let candidates = s1 + room;
            let starts_per_candidate = if fw.rules.flush_path.is_none() { scenarios } else { 1 };
            let searches = candidates * scenarios * concurrencies;
            // Repeats: the top two candidates of each scenario, `repeats` probes each, in
            // `repeats` + 1 interleaved blocks (one server start each).
            let (repeated, blocks) = if repeats > 0 {
                (2 * scenarios, scenarios * (u64::from(repeats) + 1))
            } else {
                (0, 0)
            };
            let probes = searches * probes_per_search + repeated * u64::from(repeats);
            let work = Work {
                server_starts: candidates * starts_per_candidate + blocks,
                searches,
                probes,
                requests: probes * prompts,
            };
            total.add(&work);
            FrameworkWork { id: fw.name.clone(), stage1_candidates: s1, stage2_room: room, work }
        })
        .collect();
    SweepPlan { plan: report, repeats, frameworks, total }
}

impl Report for SweepPlan {
    fn schema_version(&self) -> &'static str {
        "perfpilot.bench.sweep-plan/2"
    }

    fn document(&self) -> Document {
        let mut doc = self.plan.document();

        let mut t = Table::new(
            "work",
            [
                "framework",
                "stage 1",
                "stage 2 room",
                "server starts",
                "searches",
                "probes",
                "requests",
            ],
        );
        for f in &self.frameworks {
            t.push_row(
                &f.id,
                [
                    f.id.clone(),
                    f.stage1_candidates.to_string(),
                    f.stage2_room.to_string(),
                    f.work.server_starts.to_string(),
                    f.work.searches.to_string(),
                    f.work.probes.to_string(),
                    f.work.requests.to_string(),
                ],
            );
        }
        doc.push(
            Section::new(format!(
                "Work bound (at most; --repeats {}; nothing is started)",
                self.repeats
            ))
            .with_table(t),
        );
        doc
    }

    fn check_failed(&self) -> bool {
        !self.plan.ok
    }
}
