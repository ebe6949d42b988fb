//! The arithmetic of a diff: tallies per category and kernel, deltas, shares, ordering
//! and the verdict. Pure functions, tested without traces.

use std::collections::{BTreeMap, BTreeSet};

use perfpilot_report::Warning;

use super::passes::PassMatch;
use super::report::{DeltaRow, DiffReport, Normalize, SideFacts};
use crate::analysis::stage::Stage;
use crate::taxonomy::Category;

/// Below this share of BEFORE time a delta counts as no change in the verdict.
const NOISE_PCT: f64 = 0.05;
/// Kernel overlap (share of BEFORE time whose kernel also ran in AFTER) below which the
/// traces count as different frameworks/backends.
const CROSS_FRAMEWORK_OVERLAP_PCT: f64 = 50.0;

/// The per-layer-type input of a diff: mean (ns, kernels) per layer type of each side's
/// matched pass, and the match itself.
#[derive(Debug, Clone)]
pub struct LayerSides {
    /// BEFORE's matched pass, by layer type.
    pub before: Option<BTreeMap<String, (f64, f64)>>,
    /// AFTER's matched pass, by layer type.
    pub after: Option<BTreeMap<String, (f64, f64)>>,
    /// Both traces sliced into layers somewhere (in any pass).
    pub both_sliced: bool,
    /// Which passes were matched, or why none.
    pub matched: PassMatch,
}

/// Time and launches of one side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Summed time, ns.
    pub time: i64,
    /// Launches.
    pub launches: u64,
    /// Per category: (time, launches).
    pub categories: BTreeMap<Category, (i64, u64)>,
    /// Per kernel row id: (display name, category, time, launches).
    pub kernels: BTreeMap<String, (String, Category, i64, u64)>,
}

impl Tally {
    /// Count one op.
    pub fn add(&mut self, cat: Category, id: &str, display: &str, dur: i64) {
        self.time = self.time.saturating_add(dur);
        self.launches += 1;
        let c = self.categories.entry(cat).or_insert((0, 0));
        c.0 = c.0.saturating_add(dur);
        c.1 += 1;
        let k =
            self.kernels.entry(id.to_string()).or_insert_with(|| (display.to_string(), cat, 0, 0));
        k.2 = k.2.saturating_add(dur);
        k.3 += 1;
    }
}

fn row(
    id: String,
    name: String,
    category: Option<String>,
    b: (f64, f64),
    a: (f64, f64),
    before_total: f64,
) -> DeltaRow {
    let delta = a.0 - b.0;
    DeltaRow {
        id,
        name,
        category,
        before_ns: b.0,
        after_ns: a.0,
        delta_ns: delta,
        delta_share_pct: if before_total > 0.0 { delta * 100.0 / before_total } else { 0.0 },
        before_launches: b.1,
        after_launches: a.1,
    }
}

fn by_abs_delta(rows: &mut [DeltaRow]) {
    rows.sort_by(|x, y| {
        y.delta_ns.abs().total_cmp(&x.delta_ns.abs()).then_with(|| x.id.cmp(&y.id))
    });
}

/// Build the report. `scale` multiplies each side's times and launches (1 for totals,
/// `1 / passes` per pass). `layers` maps a layer type to (mean ns, mean kernels) in the
/// matched pass of each side.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    before: SideFacts,
    after: SideFacts,
    bt: &Tally,
    at: &Tally,
    scale: (f64, f64),
    layers: LayerSides,
    stage: Stage,
    normalized: Normalize,
    mut warnings: Vec<Warning>,
) -> DiffReport {
    let (sb, sa) = scale;
    let before_total = bt.time as f64 * sb;
    let total = row(
        "total".into(),
        "total".into(),
        None,
        (before_total, bt.launches as f64 * sb),
        (at.time as f64 * sa, at.launches as f64 * sa),
        before_total,
    );

    let cats: BTreeSet<Category> =
        bt.categories.keys().chain(at.categories.keys()).copied().collect();
    let mut categories: Vec<DeltaRow> = cats
        .into_iter()
        .map(|c| {
            let b = bt.categories.get(&c).copied().unwrap_or((0, 0));
            let a = at.categories.get(&c).copied().unwrap_or((0, 0));
            row(
                format!("cat-{}", c.as_str()),
                c.as_str().into(),
                None,
                (b.0 as f64 * sb, b.1 as f64 * sb),
                (a.0 as f64 * sa, a.1 as f64 * sa),
                before_total,
            )
        })
        .collect();
    by_abs_delta(&mut categories);

    let ids: BTreeSet<&String> = bt.kernels.keys().chain(at.kernels.keys()).collect();
    let mut kernels = Vec::with_capacity(ids.len());
    let (mut new_kernels, mut gone_kernels) = (Vec::new(), Vec::new());
    let mut shared_before = 0i64;
    for id in ids {
        let b = bt.kernels.get(id);
        let a = at.kernels.get(id);
        let (name, cat) = match (a, b) {
            (Some(k), _) | (None, Some(k)) => (k.0.clone(), k.1),
            (None, None) => continue,
        };
        match (b, a) {
            (None, Some(_)) => new_kernels.push(id.clone()),
            (Some(_), None) => gone_kernels.push(id.clone()),
            (Some(k), Some(_)) => shared_before = shared_before.saturating_add(k.2),
            (None, None) => {}
        }
        let bv = b.map_or((0.0, 0.0), |k| (k.2 as f64 * sb, k.3 as f64 * sb));
        let av = a.map_or((0.0, 0.0), |k| (k.2 as f64 * sa, k.3 as f64 * sa));
        kernels.push(row(id.clone(), name, Some(cat.as_str().into()), bv, av, before_total));
    }
    by_abs_delta(&mut kernels);
    let kernel_overlap_pct =
        if bt.time > 0 { shared_before as f64 * 100.0 / bt.time as f64 } else { 100.0 };
    let cross_framework = kernel_overlap_pct < CROSS_FRAMEWORK_OVERLAP_PCT;
    if cross_framework {
        warnings.push(Warning::new("few-shared-kernels", format!("only {kernel_overlap_pct:.0}% of BEFORE kernel time is in kernels AFTER also ran: different framework or backend; compare by category and layer type")));
    }

    let LayerSides { before: layers_before, after: layers_after, both_sliced, matched } = layers;
    let layer_types = match (&layers_before, &layers_after) {
        (Some(lb), Some(la)) => {
            let kinds: BTreeSet<&String> = lb.keys().chain(la.keys()).collect();
            let mut rows: Vec<DeltaRow> = kinds
                .into_iter()
                .map(|k| {
                    let b = lb.get(k).copied().unwrap_or((0.0, 0.0));
                    let a = la.get(k).copied().unwrap_or((0.0, 0.0));
                    let base: f64 = lb.values().map(|v| v.0).sum();
                    row(format!("type-{}", slug(k)), k.clone(), None, b, a, base)
                })
                .collect();
            rows.sort_by(|x, y| x.id.cmp(&y.id));
            rows
        }
        _ if matched.stage.is_none() && both_sliced => {
            warnings.push(Warning::new("layer-stage-mismatch", matched.note.clone()));
            Vec::new()
        }
        _ => {
            if layers_before.is_some() != layers_after.is_some() {
                let missing = if layers_before.is_none() { "BEFORE" } else { "AFTER" };
                warnings.push(Warning::new(
                    "layers-one-side",
                    format!("{missing} did not slice into layers: no per-layer-type deltas"),
                ));
            }
            Vec::new()
        }
    };
    let mut verdict = verdict(&total, &categories, &kernels, &layer_types, cross_framework);
    if matched.stage.is_none() && both_sliced {
        verdict.pop();
        verdict.push_str("; layer types not compared: no pass of the same stage on both sides.");
    }
    DiffReport {
        before,
        after,
        stage: stage.as_str().into(),
        normalized,
        cross_framework,
        kernel_overlap_pct,
        total,
        categories,
        kernels,
        new_kernels,
        gone_kernels,
        layer_types,
        layer_match: matched,
        verdict,
        warnings,
    }
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

fn ms(ns: f64) -> String {
    format!("{} ms", perfpilot_io::fmt_ms(ns))
}

fn signed_ms(ns: f64) -> String {
    format!("{} ms", perfpilot_io::fmt_signed_ms(ns))
}

/// One line: the net change and where it came from.
pub fn verdict(
    total: &DeltaRow,
    cats: &[DeltaRow],
    kernels: &[DeltaRow],
    types: &[DeltaRow],
    cross: bool,
) -> String {
    let noise = total.before_ns.abs() * NOISE_PCT / 100.0;
    let moved: Vec<&DeltaRow> =
        cats.iter().filter(|c| c.delta_ns.abs() > noise.max(0.0) && c.delta_ns != 0.0).collect();
    if total.delta_ns == 0.0 && moved.is_empty() {
        return format!(
            "No change: {} of kernel time in both, per category and per kernel.",
            ms(total.before_ns)
        );
    }
    let pct = if total.before_ns > 0.0 { total.delta_ns * 100.0 / total.before_ns } else { 0.0 };
    let mut s = format!(
        "Kernel time {} ({pct:+.1}%, {} → {})",
        signed_ms(total.delta_ns),
        ms(total.before_ns),
        ms(total.after_ns)
    );
    if let Some(top) = cats.first().filter(|c| c.delta_ns != 0.0) {
        let gross: f64 = cats.iter().map(|c| c.delta_ns.abs()).sum();
        s.push_str(&format!(
            "; most of the movement is in {} ({}, {:.0}% of all category movement)",
            top.name,
            signed_ms(top.delta_ns),
            top.delta_ns.abs() * 100.0 / gross.max(1.0)
        ));
        if let Some(other) = cats
            .iter()
            .skip(1)
            .find(|c| c.delta_ns.signum() != top.delta_ns.signum() && c.delta_ns.abs() > noise)
        {
            s.push_str(&format!(", against {} in {}", signed_ms(other.delta_ns), other.name));
        }
    }
    let lead_kernel = kernels.first().filter(|k| k.delta_ns != 0.0);
    if !cross && let Some(k) = lead_kernel {
        s.push_str(&format!("; led by `{}` ({})", k.name, signed_ms(k.delta_ns)));
    }
    let comm = Category::Communication.as_str();
    let comm_leads = cats.first().is_some_and(|c| c.delta_ns != 0.0 && c.name == comm)
        || (!cross && lead_kernel.is_some_and(|k| k.category.as_deref() == Some(comm)));
    if comm_leads {
        s.push_str(
            "; a collective leads the movement, and its time on one rank includes waiting for \
             the other ranks to arrive, which a single-rank trace cannot separate from the \
             transfer (compare every rank's trace)",
        );
    }
    if let Some(t) = types
        .iter()
        .filter(|t| t.delta_ns != 0.0)
        .max_by(|a, b| a.delta_ns.abs().total_cmp(&b.delta_ns.abs()))
    {
        s.push_str(&format!("; per {} layer {}", t.name, signed_ms(t.delta_ns)));
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side() -> SideFacts {
        SideFacts {
            input: "x".into(),
            device: 0,
            framework: None,
            kernels: 0,
            kernel_time_ns: 0,
            passes: 1,
            compared_passes: 1,
            passes_with_layers: 0,
        }
    }

    fn no_layers() -> LayerSides {
        LayerSides {
            before: None,
            after: None,
            both_sliced: false,
            matched: PassMatch {
                stage: None,
                before_pass: None,
                after_pass: None,
                before_batch: None,
                after_batch: None,
                note: String::new(),
            },
        }
    }

    fn tally(rows: &[(Category, &str, i64)]) -> Tally {
        let mut t = Tally::default();
        for (c, id, d) in rows {
            t.add(*c, id, id, *d);
        }
        t
    }

    #[test]
    fn identical_sides_have_zero_deltas() {
        let t = tally(&[
            (Category::Gemm, "g", 100),
            (Category::Norm, "n", 50),
            (Category::Gemm, "g", 100),
        ]);
        let r = compare(
            side(),
            side(),
            &t,
            &t,
            (1.0, 1.0),
            no_layers(),
            Stage::All,
            Normalize::Total,
            Vec::new(),
        );
        assert!(r.categories.iter().chain(&r.kernels).all(|c| c.delta_ns == 0.0));
        assert!(r.new_kernels.is_empty() && r.gone_kernels.is_empty());
        assert!(r.verdict.starts_with("No change"), "{}", r.verdict);
        assert_eq!(r.kernel_overlap_pct, 100.0);
    }

    #[test]
    fn one_scaled_family_is_the_only_change() {
        let b = tally(&[(Category::Gemm, "g", 100), (Category::Norm, "n", 50)]);
        let a = tally(&[
            (Category::Gemm, "g", 300),
            (Category::Norm, "n", 50),
            (Category::Other, "new", 5),
        ]);
        let r = compare(
            side(),
            side(),
            &b,
            &a,
            (1.0, 1.0),
            no_layers(),
            Stage::All,
            Normalize::Total,
            Vec::new(),
        );
        assert_eq!(r.categories[0].id, "cat-gemm");
        assert_eq!(r.categories[0].delta_ns, 200.0);
        assert!((r.categories[0].delta_share_pct - 200.0 * 100.0 / 150.0).abs() < 1e-9);
        assert_eq!(r.new_kernels, vec!["new".to_string()]);
        let sum: f64 = r.categories.iter().map(|c| c.delta_share_pct).sum();
        assert!((sum - r.total.delta_share_pct).abs() < 1e-9, "shares add up to the total change");
        assert!(r.verdict.contains("gemm"), "{}", r.verdict);
    }

    #[test]
    fn a_collective_leading_the_movement_is_named_as_such() {
        let b = tally(&[(Category::Communication, "ar", 100), (Category::Gemm, "g", 100)]);
        let verdict_after = |a: &_| {
            compare(
                side(),
                side(),
                &b,
                a,
                (1.0, 1.0),
                no_layers(),
                Stage::All,
                Normalize::Total,
                Vec::new(),
            )
        };
        let a = tally(&[(Category::Communication, "ar", 400), (Category::Gemm, "g", 100)]);
        let r = verdict_after(&a);
        assert!(r.verdict.contains("a collective leads the movement"), "{}", r.verdict);
        let a = tally(&[(Category::Communication, "ar", 100), (Category::Gemm, "g", 400)]);
        let r = verdict_after(&a);
        assert!(!r.verdict.contains("collective"), "{}", r.verdict);
    }

    #[test]
    fn per_pass_scaling_compares_unequal_pass_counts() {
        let b = tally(&[(Category::Gemm, "g", 100)]);
        let a = tally(&[(Category::Gemm, "g", 100), (Category::Gemm, "g", 100)]);
        let r = compare(
            side(),
            side(),
            &b,
            &a,
            (1.0, 0.5),
            no_layers(),
            Stage::All,
            Normalize::PerPass,
            Vec::new(),
        );
        assert_eq!(r.total.delta_ns, 0.0);
        assert_eq!(r.total.after_launches, 1.0);
    }
}
