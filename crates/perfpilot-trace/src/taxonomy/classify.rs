//! `perfpilot trace classify` as a library call: kernel names in, categories out.

use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Category, Evidence, LaunchContext, Taxonomy, TaxonomyError};

/// Options of [`classify`] (the CLI's arguments; the MCP server passes the same JSON).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ClassifyOptions {
    /// Kernel names to classify (mangled or demangled).
    #[serde(default)]
    pub names: Vec<String>,
    /// A file of names: one per line, or the first column of a TSV. Blank lines and lines
    /// starting with `#` are skipped.
    #[serde(default)]
    pub from: Option<PathBuf>,
    /// A rule file replacing the embedded taxonomy.
    #[serde(default)]
    pub rules: Option<PathBuf>,
    /// The launching CPU op of every name (`vllm::moe_forward`, `aten::argmax`): lets the
    /// `[[context]]` rules decide names that alone are generic.
    #[serde(default)]
    pub launch_op: Option<String>,
    /// The Python call site of every name (`vllm/v1/sample/sampler.py(140): greedy_sample`).
    #[serde(default)]
    pub call_site: Option<String>,
}

/// One classified name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Classified {
    /// The name as given.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// Id of the rule that decided it.
    pub rule: String,
    /// Which evidence decided: `name_rule`, `fallback`, `token_model`, `launch_op` or
    /// `call_site`.
    pub evidence: Evidence,
    /// Short display form of the name.
    pub display: String,
}

/// Result of [`classify`] (`perfpilot.trace.classify/3`; version 2 added `evidence`, version 3
/// its `token_model` value).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClassifyReport {
    /// Where the rules came from (`<embedded taxonomy>` or the `--rules` path).
    pub rules: String,
    /// One entry per input name, in input order.
    pub kernels: Vec<Classified>,
}

impl Report for ClassifyReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.trace.classify/3"
    }

    fn document(&self) -> Document {
        let mut t = Table::new("kernels", ["category", "rule", "evidence", "kernel"]);
        for (i, k) in self.kernels.iter().enumerate() {
            // Row id from content; the index only separates repeated names.
            t.push_row(
                format!("{}-{i}", k.category),
                [k.category.to_string(), k.rule.clone(), k.evidence.to_string(), k.display.clone()],
            );
        }
        Document::new("Kernel classification")
            .with_fact("rules", self.rules.clone())
            .with_section(Section::new("Kernels").with_table(t))
    }
}

/// Read kernel names from a file: one per line, or the first column of a TSV.
pub fn read_names(path: &Path) -> Result<Vec<String>, TaxonomyError> {
    let file = path.display().to_string();
    let bytes = perfpilot_io::read_bounded(path)
        .map_err(|cause| TaxonomyError::Io { file: file.clone(), cause })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let (line, _) = super::error::line_col(&String::from_utf8_lossy(e.as_bytes()), offset);
        TaxonomyError::Invalid {
            file: file.clone(),
            line,
            message: "invalid UTF-8; expected one kernel name per line".into(),
        }
    })?;
    Ok(names_in(&text).map(str::to_string).collect())
}

/// The names in the text of a `--from` file.
pub fn names_in(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            return None;
        }
        let first = line.split('\t').next().unwrap_or(line).trim();
        (!first.is_empty()).then_some(first)
    })
}

/// Classify the names of `opts` (arguments first, then the file's names).
pub fn classify(opts: &ClassifyOptions) -> Result<ClassifyReport, TaxonomyError> {
    let tax = match &opts.rules {
        Some(p) => Taxonomy::from_toml_file(p)?,
        None => Taxonomy::embedded(),
    };
    let mut names = opts.names.clone();
    if let Some(p) = &opts.from {
        names.extend(read_names(p)?);
    }
    let ctx = LaunchContext {
        launch_op: opts.launch_op.as_deref(),
        call_site: opts.call_site.as_deref(),
        capture_site: None,
    };
    let kernels = names
        .into_iter()
        .map(|name| {
            let d = tax.classify_in_context(&name, &ctx);
            let display = tax.display_name(&name, 120);
            Classified {
                name,
                category: d.category,
                rule: d.rule.to_string(),
                evidence: d.evidence,
                display,
            }
        })
        .collect();
    Ok(ClassifyReport { rules: tax.origin().to_string(), kernels })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_first_tsv_column_and_skips_comments() {
        let text = "# header\nfused_moe_kernel\tmoe\tsrc\n\n  \nnvjet_tst_1\r\n";
        let v: Vec<&str> = names_in(text).collect();
        assert_eq!(v, vec!["fused_moe_kernel", "nvjet_tst_1"]);
    }

    #[test]
    fn classify_from_file_and_args() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("names.txt");
        std::fs::write(&f, "triton_poi_fused_mul_silu_1\n").unwrap();
        let r = classify(&ClassifyOptions {
            names: vec!["kernel_mha".into()],
            from: Some(f),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(r.kernels.len(), 2);
        assert_eq!(r.kernels[0].category, Category::Attention);
        assert_eq!(r.kernels[1].category, Category::Activation);
        assert_eq!(r.kernels[1].rule, "inductor.activation");
        assert_eq!(r.kernels[1].evidence, Evidence::NameRule);
    }

    #[test]
    fn context_decides_generic_names_only() {
        let argmax = "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::ArgMaxOps<float>, unsigned int, long, 4, 4> >(at::native::ReduceOp<float, at::native::ArgMaxOps<float>, unsigned int, long, 4, 4>)";
        let bare = classify(&ClassifyOptions { names: vec![argmax.into()], ..Default::default() })
            .unwrap();
        assert_eq!(bare.kernels[0].category, Category::Reduction);
        assert_eq!(bare.kernels[0].evidence, Evidence::NameRule);
        let sampler = classify(&ClassifyOptions {
            names: vec![argmax.into(), "fused_moe_kernel".into()],
            call_site: Some("vllm/v1/sample/sampler.py(140): greedy_sample".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(sampler.kernels[0].category, Category::Sampling);
        assert_eq!(sampler.kernels[0].evidence, Evidence::CallSite);
        assert_eq!(sampler.kernels[0].rule, "context.sampling.call-site");
        // A specific name is never overridden by its context.
        assert_eq!(sampler.kernels[1].category, Category::Moe);
        assert_eq!(sampler.kernels[1].evidence, Evidence::NameRule);
        // An expert GEMM named only by dtypes and tiles: gemm by name, moe by launch op.
        let tile = "gemm_Bfloat16_E4m3E4m3_Fp32_t128x8x512_et128x8_m128x8x32_cga1x1x1_16dp256b_TN_transOut_schedS_sm100a";
        let by_op = classify(&ClassifyOptions {
            names: vec![tile.into()],
            launch_op: Some("trtllm::fused_moe".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(by_op.kernels[0].category, Category::Moe);
        assert_eq!(by_op.kernels[0].evidence, Evidence::LaunchOp);
        let plain = classify(&ClassifyOptions {
            names: vec![tile.into(), "no_family_word_at_all".into()],
            launch_op: Some("aten::mm".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(plain.kernels[0].category, Category::Gemm);
        assert_eq!(plain.kernels[1].category, Category::Gemm);
        assert_eq!(plain.kernels[1].evidence, Evidence::LaunchOp);
    }

    #[test]
    fn bad_inputs_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("bad.txt");
        std::fs::write(&f, b"ok\n\xff\xfe\n").unwrap();
        let e = classify(&ClassifyOptions { from: Some(f.clone()), ..Default::default() })
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.txt:2"), "{e}");
        let e = classify(&ClassifyOptions {
            rules: Some(dir.path().join("none.toml")),
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("none.toml"), "{e}");
    }
}
