//! The human view of a [`LayersReport`].

use perfpilot_report::{Document, Report, Section, Table};

use super::report::{LayersReport, SCHEMA_VERSION};
use crate::model::Ns;

/// Milliseconds with three decimals.
pub(crate) fn ms(ns: Ns) -> String {
    perfpilot_io::fmt_ms(ns as f64)
}

/// Microseconds with one decimal.
pub(crate) fn us(ns: f64) -> String {
    format!("{:.1}", ns / 1e3)
}

impl Report for LayersReport {
    fn schema_version(&self) -> &'static str {
        SCHEMA_VERSION
    }

    fn document(&self) -> Document {
        let mut doc = Document::new("Trace layers")
            .with_fact("input", self.input.clone())
            .with_fact("device", self.device.to_string());
        if let Some(m) = &self.model {
            let l = &m.layout;
            let src = match m.layer_count_source {
                super::report::LayerCountSource::Config => "config",
                super::report::LayerCountSource::Option => "--layers",
                super::report::LayerCountSource::Inferred => "inferred",
            };
            doc = doc.with_fact("layers", format!("{} ({src})", l.num_layers));
            if let Some(a) = &l.architecture {
                doc = doc.with_fact("architecture", a.clone());
            }
            let counts = super::config::label_counts(l);
            if counts.len() > 1 {
                let s: Vec<String> = counts.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
                doc = doc.with_fact("layer types", s.join(", "));
            }
        }
        let d = &self.detection;
        if let Some(a) = &d.anchor {
            doc = doc.with_fact(
                "anchor",
                format!("{a} ({}× per layer)", d.anchor_per_layer.unwrap_or(1)),
            );
        }
        if let Some(p) = d.phase {
            doc = doc.with_fact(
                "layer start",
                serde_json::to_value(p)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            );
        }

        let mut passes = Table::new(
            "passes",
            [
                "pass",
                "start (ms)",
                "end (ms)",
                "duration (ms)",
                "kernels",
                "kernel time (ms)",
                "stage",
                "layers",
                "prologue",
                "epilogue",
                "note",
            ],
        )
        .right(&[
            "start (ms)",
            "end (ms)",
            "duration (ms)",
            "kernels",
            "kernel time (ms)",
            "layers",
            "prologue",
            "epilogue",
        ]);
        let t0 = self.passes.first().map_or(0, |p| p.start_ns);
        for p in &self.passes {
            passes.push_row(
                p.id.clone(),
                [
                    p.index.to_string(),
                    ms(p.start_ns - t0),
                    ms(p.end_ns - t0),
                    ms(p.duration_ns),
                    p.kernels.to_string(),
                    ms(p.kernel_time_ns),
                    p.stage.clone(),
                    p.layers.map_or("?".into(), |l| l.to_string()),
                    format!("{} ({} ms)", p.prologue_kernels, ms(p.prologue_ns)),
                    format!("{} ({} ms)", p.epilogue_kernels, ms(p.epilogue_ns)),
                    p.note.clone(),
                ],
            );
        }
        let mut foot = format!("steady state: {}", self.steady_rule);
        if self.outside_kernels > 0 {
            foot.push_str(&format!(
                "; {} ops ({} ms) outside every pass",
                self.outside_kernels,
                ms(self.outside_ns)
            ));
        }
        doc.push(Section::new("Forward passes").with_table(passes.with_footnote(foot)));

        let mut det = Section::new("Layer detection");
        if !d.evidence.is_empty() {
            det = det.with_list(d.evidence.clone());
        }
        doc.push(det);

        if let Some(pass) = self.reported_pass {
            let mut t = Table::new(
                "layers",
                [
                    "layer",
                    "type",
                    "wall (µs)",
                    "sum (µs)",
                    "attn",
                    "gemm",
                    "moe",
                    "comm",
                    "norm",
                    "other",
                    "AR#",
                    "K#",
                ],
            )
            .right(&[
                "layer",
                "wall (µs)",
                "sum (µs)",
                "attn",
                "gemm",
                "moe",
                "comm",
                "norm",
                "other",
                "AR#",
                "K#",
            ]);
            for l in &self.layers {
                let s = &l.split;
                t.push_row(
                    l.id.clone(),
                    [
                        l.layer.to_string(),
                        l.kind.clone(),
                        us(l.wall_ns as f64),
                        us(l.sum_ns as f64),
                        us(s.attention_ns as f64),
                        us(s.gemm_ns as f64),
                        us(s.moe_ns as f64),
                        us(s.communication_ns as f64),
                        us(s.norm_ns as f64),
                        us(s.other_ns as f64),
                        l.allreduce.to_string(),
                        l.kernels.to_string(),
                    ],
                );
            }
            doc.push(Section::new(format!("Layers of pass {pass}")).with_table(t.with_footnote("category columns are summed kernel µs; attn includes SSM / linear attention; AR# = all-reduce kernels")));

            let mut c = Table::new(
                "layer-types",
                [
                    "type",
                    "#",
                    "mean wall (µs)",
                    "mean sum (µs)",
                    "attn %",
                    "gemm %",
                    "moe %",
                    "comm %",
                    "norm %",
                    "other %",
                    "wall spread",
                    "attention kernels",
                ],
            )
            .right(&[
                "#",
                "mean wall (µs)",
                "mean sum (µs)",
                "attn %",
                "gemm %",
                "moe %",
                "comm %",
                "norm %",
                "other %",
                "wall spread",
            ]);
            for r in &self.clusters {
                let mut cells = vec![
                    r.kind.clone(),
                    r.count.to_string(),
                    us(r.mean_wall_ns),
                    us(r.mean_sum_ns),
                ];
                cells.extend(r.shares_pct.iter().map(|(_, v)| format!("{v:.1}")));
                cells.push(format!(
                    "{} – {} µs (cv {:.1}%)",
                    us(r.min_wall_ns as f64),
                    us(r.max_wall_ns as f64),
                    r.wall_cv_pct
                ));
                cells.push(r.signature.join(", "));
                c.push_row(r.id.clone(), cells);
            }
            doc.push(Section::new("Layer types").with_table(c));

            for f in &self.compute_flows {
                // The input-dims column only when the trace recorded shapes.
                let dims = f.kernels.iter().any(|k| !k.input_dims.is_empty());
                let mut head =
                    vec!["#", "category", "kernel", "dur (µs)", "%", "start (µs)", "stream"];
                if dims {
                    head.push("input dims");
                }
                let mut t = Table::new(&format!("flow-{}", f.kind), head).right(&[
                    "#",
                    "dur (µs)",
                    "%",
                    "start (µs)",
                    "stream",
                ]);
                for k in &f.kernels {
                    let mut cells = vec![
                        k.position.to_string(),
                        k.category.clone(),
                        k.kernel.clone(),
                        us(k.dur_ns as f64),
                        format!("{:.1}", k.share_pct),
                        us(k.offset_ns as f64),
                        k.stream.to_string(),
                    ];
                    if dims {
                        cells.push(k.input_dims.clone());
                    }
                    t.push_row(k.id.clone(), cells);
                }
                doc.push(
                    Section::new(format!("Compute flow: {} (layer {})", f.kind, f.layer))
                        .with_table(t),
                );
            }
        }
        if let Some(e) = &self.emitted {
            doc.push(Section::new("Layer trace").with_facts([("written", e.path.clone()), ("guide slices", e.slices.to_string())]).with_text("Open it in https://ui.perfetto.dev or chrome://tracing: the `perfpilot: passes and layers (guide)` process shows the passes and layers over the original events."));
        }
        doc
    }
}
