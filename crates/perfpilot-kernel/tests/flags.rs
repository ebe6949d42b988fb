//! `kernel flags` on real-shaped build descriptions (`tests/fixtures/flags`, SOURCES.md):
//! identical builds pass; a candidate differing in one numerics/speed flag of
//! loop-kda-ncu.md 5.2 fails naming that flag, with both command lines; other differences
//! (defines) and benign ones are reported without failing.

use std::path::{Path, PathBuf};

use perfpilot_kernel::flags::FlagClass;
use perfpilot_kernel::{FlagsOptions, FlagsReport, run_flags};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flags").join(name)
}

fn compare(a: &Path, b: &Path) -> FlagsReport {
    run_flags(&FlagsOptions {
        baseline: a.display().to_string(),
        candidate: b.display().to_string(),
        rules: None,
    })
    .unwrap()
}

/// A copy of `name` with `from` replaced by `to` (exactly once).
fn variant(dir: &Path, name: &str, tag: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in {name}");
    let p = dir.join(format!("{tag}-{name}"));
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    p
}

const NVCC_O3: &str = "-O3 -DNDEBUG -std=c++17 \\\"--generate-code";

#[test]
fn identical_compile_commands_pass() {
    let a = fixture("compile_commands.json");
    let r = compare(&a, &a);
    assert!(r.passed && r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.baseline.units, vec!["rms_norm.cu", "bindings.cpp"]);
}

#[test]
fn every_section_5_2_flag_on_one_side_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = fixture("compile_commands.json");
    // (candidate edit of the nvcc line, the key the finding must name)
    let cases: &[(&str, &str, &str)] = &[
        ("-lineinfo", "-lineinfo --use_fast_math", "use_fast_math"),
        ("-lineinfo", "-lineinfo -ftz=true", "ftz"),
        ("-lineinfo", "-lineinfo -prec-div=false", "prec-div"),
        ("-lineinfo", "-lineinfo --prec-sqrt=false", "prec-sqrt"),
        ("-lineinfo", "-lineinfo -fmad=false", "fmad"),
        ("-lineinfo", "-lineinfo -G", "G"),
        ("-lineinfo", "-lineinfo -maxrregcount=64", "maxrregcount"),
        ("-lineinfo", "-lineinfo -Xptxas -O1", "ptxas-O"),
        ("-lineinfo", "-lineinfo -Xptxas -dlcm=cg", "ptxas-dlcm"),
        ("-lineinfo", "-lineinfo --extra-device-vectorization", "extra-device-vectorization"),
        ("-lineinfo", "-lineinfo -rdc=true", "rdc"),
        ("-lineinfo", "-lineinfo -D__CUDA_NO_HALF_OPERATORS__", "D:__CUDA_NO_HALF_OPERATORS__"),
        ("-lineinfo", "-lineinfo -U__CUDA_NO_HALF_OPERATORS__", "U:__CUDA_NO_HALF_OPERATORS__"),
        ("-lineinfo", "-lineinfo -arch=sm_80", "arch"),
        ("compute_90a,code=[compute_90a,sm_90a]", "compute_90,code=[compute_90,sm_90]", "gencode"),
        (NVCC_O3, "-O2 -DNDEBUG -std=c++17 \\\"--generate-code", "O"),
        (NVCC_O3, "-O3 -std=c++17 \\\"--generate-code", "D:NDEBUG"),
        (NVCC_O3, "-O3 -DNDEBUG -std=c++20 \\\"--generate-code", "std"),
    ];
    for (i, (from, to, key)) in cases.iter().enumerate() {
        let b = variant(dir.path(), "compile_commands.json", &format!("c{i}"), from, to);
        let r = compare(&a, &b);
        assert!(!r.passed, "{key}: {:?}", r.findings);
        assert_eq!(r.errors, 1, "{key}: exactly one error: {:?}", r.findings);
        let f = &r.findings[0];
        assert_eq!(
            (f.key.as_str(), f.class, f.unit.as_str()),
            (*key, FlagClass::Numerics, "rms_norm.cu")
        );
        assert!(f.baseline_line.contains("nvcc") && f.candidate_line.contains("nvcc"));
        assert_ne!(f.baseline, f.candidate);
        // The same flag on both sides is parity: no error.
        let r = compare(&b, &b);
        assert!(r.passed, "{key}");
    }
}

#[test]
fn defaults_defines_and_benign_flags() {
    let dir = tempfile::tempdir().unwrap();
    let a = fixture("compile_commands.json");
    // An explicit default equals its absence.
    let b = variant(
        dir.path(),
        "compile_commands.json",
        "d",
        "-lineinfo",
        "-lineinfo -ftz=false --fmad=true",
    );
    assert!(compare(&a, &b).findings.is_empty());
    // A define is reported, not an error; -lineinfo missing is benign.
    let b =
        variant(dir.path(), "compile_commands.json", "e", "-lineinfo -x cu", "-DKDA_TILE=64 -x cu");
    let r = compare(&a, &b);
    assert!(r.passed, "{:?}", r.findings);
    let keys: Vec<(&str, FlagClass)> =
        r.findings.iter().map(|f| (f.key.as_str(), f.class)).collect();
    assert_eq!(keys, vec![("D:KDA_TILE", FlagClass::Other), ("lineinfo", FlagClass::Benign)]);
}

#[test]
fn torch_build_ninja_fast_math_on_one_side() {
    let dir = tempfile::tempdir().unwrap();
    let a = fixture("build.ninja");
    let r = compare(&a, &a);
    assert!(r.passed && r.findings.is_empty());
    assert_eq!(r.baseline.units, vec!["main.cpp", "rope.cu"]);
    let b = dir.path().join("cand");
    std::fs::create_dir(&b).unwrap();
    let text = std::fs::read_to_string(&a).unwrap();
    let b = b.join("build.ninja");
    std::fs::write(
        &b,
        text.replace("cuda_post_cflags = \n", "cuda_post_cflags = --use_fast_math\n"),
    )
    .unwrap();
    let r = compare(&a, &b);
    assert_eq!(r.errors, 1);
    assert_eq!(
        (r.findings[0].unit.as_str(), r.findings[0].key.as_str()),
        ("rope.cu", "use_fast_math")
    );
    assert!(
        r.findings[0]
            .candidate_line
            .contains("-c /home/dev/.cache/torch_extensions/py312_cu124/kda_rope/rope.cu")
    );
}

#[test]
fn triton_metadata_fp_fusion_and_tuning_choices() {
    let dir = tempfile::tempdir().unwrap();
    let a = fixture("triton_rope.json");
    assert!(compare(&a, &a).passed);
    let b = variant(
        dir.path(),
        "triton_rope.json",
        "f",
        "\"enable_fp_fusion\": true",
        "\"enable_fp_fusion\": false",
    );
    let r = compare(&a, &b);
    assert_eq!((r.errors, r.findings[0].key.as_str()), (1, "triton:enable_fp_fusion"));
    // 5.2's Triton rows: the register cap (maxnreg) and TF32 (dot input precision).
    for (i, (from, to, key)) in [
        ("\"maxnreg\": null", "\"maxnreg\": 128", "triton:maxnreg"),
        (
            "\"default_dot_input_precision\": \"tf32\"",
            "\"default_dot_input_precision\": \"ieee\"",
            "triton:input_precision",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let b = variant(dir.path(), "triton_rope.json", &format!("t{i}"), from, to);
        let r = compare(&a, &b);
        assert_eq!((r.errors, r.findings[0].key.as_str()), (1, key), "{:?}", r.findings);
        assert_eq!(r.findings[0].class, FlagClass::Numerics);
    }
    let b = variant(dir.path(), "triton_rope.json", "w", "\"num_warps\": 4", "\"num_warps\": 8");
    let r = compare(&a, &b);
    assert!(r.passed);
    assert_eq!(r.findings[0].class, FlagClass::Benign);
}

#[test]
fn literal_command_lines_and_bad_input() {
    let r = run_flags(&FlagsOptions {
        baseline: "nvcc -O3 -arch=sm_90 -c k.cu -o k.o".into(),
        candidate: "nvcc -O3 -arch sm_90 --use_fast_math -c k.cu -o k.o".into(),
        rules: None,
    })
    .unwrap();
    assert_eq!(r.errors, 1, "-arch=X and -arch X are the same: {:?}", r.findings);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("compile_commands.json");
    std::fs::write(&bad, "[{\"file\": \"a.cu\"").unwrap();
    let e = run_flags(&FlagsOptions {
        baseline: bad.display().to_string(),
        candidate: bad.display().to_string(),
        rules: None,
    })
    .unwrap_err()
    .to_string();
    assert!(e.contains("compile_commands.json:1:") && e.contains("expected"), "{e}");
}
