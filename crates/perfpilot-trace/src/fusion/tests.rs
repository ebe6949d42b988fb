//! Targeted tests of the scanner and the catalogue loader on small synthetic streams.

use super::*;

fn k(name: &'static str, category: Category, stream: u64, pass: Option<u32>) -> KernelRef<'static> {
    KernelRef { name, category, stream, start_ns: 0, dur_ns: 10, pass }
}

const SMALL: &str = r#"
schema = "perfpilot.fusions/1"

[[fusion]]
id = "a-b"
title = "A then B"
priority = 1
fused = 'fused_ab'
fused_kernel = "fused_ab"
provider = "test"
source = "test"
[[fusion.step]]
category = ["elementwise"]
name = '^a$'
[[fusion.step]]
category = ["memory"]
min = 0
max = 2
[[fusion.step]]
category = ["norm"]

[[fusion]]
id = "b-only-tp"
title = "B then C, TP >= 2"
fused_kernel = "x"
provider = "test"
source = "test"
[[fusion.step]]
category = ["norm"]
[[fusion.step]]
category = ["rope"]
[fusion.when]
min_tp = 2
"#;

#[test]
fn embedded_catalogue_compiles_with_twenty_entries() {
    let c = Catalogue::embedded();
    assert!(c.len() >= 20, "{} entries", c.len());
    assert!(c.ids().any(|i| i == "add-rmsnorm"));
    // The embedded patterns compile on first use; every one must compile.
    c.names.force().unwrap();
}

#[test]
fn matches_adjacent_kernels_with_optional_steps() {
    let c = Catalogue::from_toml_str(SMALL, "small.toml").unwrap();
    let ks = [
        k("a", Category::Elementwise, 1, None),
        k("copy", Category::Memory, 1, None),
        k("rms", Category::Norm, 1, None),
        k("a", Category::Elementwise, 1, None),
        k("rms", Category::Norm, 1, None),
        k("rope", Category::Rope, 1, None),
    ];
    let m = c.scan(&ks, &Context::default());
    let ab = m.iter().find(|x| x.id == "a-b").unwrap();
    assert_eq!(ab.count, 2);
    assert_eq!(ab.occurrences[0].kernels, vec![0, 1, 2]);
    assert_eq!(ab.occurrences[1].kernels, vec![3, 4]);
    assert_eq!(ab.total_ns, 50);
    // The norm at index 4 was consumed by the higher-priority entry.
    assert!(m.iter().all(|x| x.id != "b-only-tp"));
}

#[test]
fn streams_and_passes_break_adjacency() {
    let c = Catalogue::from_toml_str(SMALL, "small.toml").unwrap();
    let other_stream = [k("a", Category::Elementwise, 1, None), k("rms", Category::Norm, 2, None)];
    assert!(c.scan(&other_stream, &Context::default()).is_empty());
    // Interleaved streams: each stream is matched on its own subsequence.
    let interleaved = [
        k("a", Category::Elementwise, 1, None),
        k("x", Category::Gemm, 2, None),
        k("rms", Category::Norm, 1, None),
    ];
    assert_eq!(c.scan(&interleaved, &Context::default())[0].occurrences[0].kernels, vec![0, 2]);
    let passes = [k("a", Category::Elementwise, 1, Some(0)), k("rms", Category::Norm, 1, Some(1))];
    assert!(c.scan(&passes, &Context::default()).is_empty());
}

#[test]
fn fused_kernel_marks_already_fused_and_is_never_split() {
    let c = Catalogue::from_toml_str(SMALL, "small.toml").unwrap();
    let ks = [k("fused_ab", Category::Norm, 1, None)];
    let m = c.scan(&ks, &Context::default());
    assert_eq!(m.len(), 1);
    assert!(m[0].already_fused && m[0].count == 0);
    assert_eq!(m[0].fused_seen, vec!["fused_ab".to_string()]);
}

#[test]
fn conditions_are_reported_not_assumed() {
    let c = Catalogue::from_toml_str(SMALL, "small.toml").unwrap();
    let ks = [k("rms", Category::Norm, 1, None), k("rope", Category::Rope, 1, None)];
    let unknown = c.scan(&ks, &Context::default());
    assert_eq!(unknown[0].conditions, ConditionStatus::Unknown);
    let tp1 = c.scan(&ks, &Context { tp_size: Some(1), ..Context::default() });
    assert_eq!(tp1[0].conditions, ConditionStatus::Fails);
    assert!(tp1[0].condition_notes[0].contains("TP 1"));
    let tp8 = c.scan(&ks, &Context { tp_size: Some(8), ..Context::default() });
    assert_eq!(tp8[0].conditions, ConditionStatus::Holds);
}

#[test]
fn composites_stand_for_one_kernel() {
    let cat = Catalogue::embedded();
    let n = |name: &'static str, c| k(name, c, 7, None);
    // residual add, then an eager RMSNorm: copy, pow, mean, add, rsqrt, mul, copy, mul.
    let ks = [
        n("CUDAFunctor_add", Category::Elementwise),
        n("direct_copy_kernel_cuda", Category::Memory),
        n("pow_tensor_scalar_kernel_impl", Category::Elementwise),
        n("reduce_kernel<MeanOps>", Category::Reduction),
        n("CUDAFunctorOnSelf_add", Category::Elementwise),
        n("rsqrt_kernel_cuda", Category::Elementwise),
        n("MulFunctor", Category::Elementwise),
        n("bfloat16_copy_kernel_cuda", Category::Memory),
        n("MulFunctor", Category::Elementwise),
    ];
    let m = cat.scan(&ks, &Context::default());
    let comp = m.iter().find(|x| x.id == "rmsnorm-decomposed").unwrap();
    assert!(comp.composite);
    assert_eq!(comp.occurrences[0].kernels, (1..9).collect::<Vec<_>>());
    let add = m.iter().find(|x| x.id == "add-rmsnorm").unwrap();
    assert_eq!(add.occurrences[0].kernels, (0..9).collect::<Vec<_>>());
    assert_eq!(add.total_ns, 90);
}

#[test]
fn catalogue_errors_name_file_and_line() {
    let bad = SMALL.replace("category = [\"rope\"]", "category = [\"ropee\"]");
    let e = Catalogue::from_toml_str(&bad, "c.toml").unwrap_err().to_string();
    assert!(e.starts_with("c.toml:31:") && e.contains("unknown category"), "{e}");
    let bad = SMALL.replace("name = '^a$'", "name = '(a'");
    let e = Catalogue::from_toml_str(&bad, "c.toml").unwrap_err().to_string();
    assert!(e.starts_with("c.toml:14:") && e.contains("bad regex"), "{e}");
    let bad = SMALL.replace("min = 0\nmax = 2", "min = 3\nmax = 2");
    assert!(
        Catalogue::from_toml_str(&bad, "c.toml").unwrap_err().to_string().contains("repetition")
    );
    let e = Catalogue::from_toml_file("/nonexistent/f.toml").unwrap_err().to_string();
    assert!(e.contains("/nonexistent/f.toml"));
}
