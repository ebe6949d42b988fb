//! Kernel names as people and profilers write them: demangling, the parts of a C++
//! signature (qualified function name, template arguments, parameters) and short display
//! forms.
//!
//! Everything here is total: any input string gives an answer, never a panic.

use std::borrow::Cow;

/// The demangled (canonical) form of a kernel name.
///
/// Names that start with `_Z` are Itanium-mangled C++ symbols (CUTLASS, ROCm/aiter, ck_tile
/// kernels often appear this way in traces); they are demangled with `cpp_demangle`. When
/// demangling fails, the identifiers of the mangled nested name are joined with `::` so
/// that rules still see words like `add_rmsnorm_quant_kernel`. Other names are returned
/// borrowed, with surrounding whitespace trimmed.
pub fn canonical_name(name: &str) -> Cow<'_, str> {
    let trimmed = strip_loader_suffix(name.trim());
    if !trimmed.starts_with("_Z") {
        return Cow::Borrowed(trimmed);
    }
    match demangle(trimmed) {
        Some(d) => Cow::Owned(d),
        None => match mangled_identifiers(trimmed) {
            Some(ids) => Cow::Owned(ids),
            None => Cow::Borrowed(trimmed),
        },
    }
}

/// Drop what loaders and profilers append to a symbol: the ROCm code-object suffixes
/// ` [clone .kd]` (any ` [clone …]`) and `.kd`, and a Kineto/rocprof truncation mark (`...`,
/// `…`). `void f<int>(int) [clone .kd]` → `void f<int>(int)`; `attn_fwd.kd` → `attn_fwd`.
pub fn strip_loader_suffix(name: &str) -> &str {
    let mut s = name.trim_end();
    loop {
        if s.ends_with(']')
            && let Some(i) = s.rfind(" [clone ")
        {
            s = s[..i].trim_end();
            continue;
        }
        if let Some(x) = s.strip_suffix(".kd").or_else(|| s.strip_suffix("...")) {
            s = x.trim_end();
            continue;
        }
        if let Some(x) = s.strip_suffix('\u{2026}') {
            s = x.trim_end();
            continue;
        }
        return s;
    }
}

/// The readable part of a CuTe-DSL kernel name. CuTe DSL (CUTLASS Python) names kernels
/// `kernel_cutlass_kernel_<module path><ClassName>_object_at_<layout description>_<n>`
/// (`kernel_cutlass_kernel_flashinfernormkernelsfused_add_rmsnormFusedAddRMSNormKernel_object_at__TiledMMA…_0`);
/// the layout part carries MMA/tensor noise, so only the module and class are kept, without
/// the `__main__` of scripts. `None` for other names.
pub fn cute_dsl_identity(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("kernel_cutlass_kernel_")?;
    let rest = match rest.find("_object_at_") {
        Some(i) => &rest[..i],
        None => rest,
    };
    let rest = rest.trim_start_matches('_');
    let rest = rest.strip_prefix("main__").unwrap_or(rest);
    (!rest.is_empty()).then_some(rest)
}

fn demangle(mangled: &str) -> Option<String> {
    // cpp_demangle is fuzzed upstream; the guard keeps a bad symbol from taking a whole
    // trace down with it all the same.
    std::panic::catch_unwind(|| {
        let sym = cpp_demangle::Symbol::new(mangled.as_bytes()).ok()?;
        sym.demangle().ok()
    })
    .ok()
    .flatten()
    .filter(|s| !s.is_empty())
}

/// Fallback for symbols `cpp_demangle` rejects: read the `<length><identifier>` run of a
/// nested name (`_ZN5aiter24add_rmsnorm_quant_kernelI…` → `aiter::add_rmsnorm_quant_kernel`).
fn mangled_identifiers(mangled: &str) -> Option<String> {
    let rest = mangled.strip_prefix("_Z")?;
    let rest = rest.strip_prefix('N').unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut i = 0;
    let mut parts: Vec<&str> = Vec::new();
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let len: usize = rest[start..i].parse().ok()?;
        let end = i.checked_add(len)?;
        // `get`: a length that ends inside a multi-byte character (e.g. a `…` truncation
        // mark) is not an identifier; slicing there would panic (fuzz crash, issue #18).
        parts.push(rest.get(i..end)?);
        i = end;
    }
    (!parts.is_empty()).then(|| parts.join("::"))
}

/// The parts of a (demangled) kernel name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature<'a> {
    /// Qualified function name without template arguments, parameters or return type:
    /// `vllm::reshape_and_cache_flash_kernel`, `cutlass::device_kernel`, `nvjet_tst_…`.
    pub head: String,
    /// The text of the template arguments of the function (outermost `<…>`), empty when
    /// there are none.
    pub template_args: &'a str,
}

impl<'a> Signature<'a> {
    /// Split a canonical name into head and template arguments.
    pub fn parse(canonical: &'a str) -> Signature<'a> {
        let body = strip_params(strip_loader_suffix(canonical.trim()));
        let body = strip_return_type(body);
        let (head, template_args) = split_templates(body);
        Signature { head, template_args }
    }
}

/// The bytes of `s` with the characters of `operator<`, `operator<<`, `operator>`,
/// `operator>>`, `operator<=`, `operator>=`, `operator->` and of a plain `->` replaced by
/// `_`, so that bracket scans do not take them for template brackets
/// (`std::less<void>::operator<` or `decltype(a->b)` inside a signature). Same length as `s`.
fn masked(s: &str) -> Cow<'_, [u8]> {
    if !s.contains("operator") && !s.contains("->") {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut b = s.as_bytes().to_vec();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"operator") {
            let mut j = i + "operator".len();
            while j < b.len()
                && j < i + "operator".len() + 3
                && matches!(b[j], b'<' | b'>' | b'=' | b'-')
            {
                b[j] = b'_';
                j += 1;
            }
            i = j;
        } else if b[i] == b'-' && b.get(i + 1) == Some(&b'>') {
            b[i + 1] = b'_';
            i += 2;
        } else {
            i += 1;
        }
    }
    Cow::Owned(b)
}

/// Bracket nesting while scanning a C++ name. Angle brackets inside parentheses
/// (`enable_if<((8)>(0))>`) are expressions, not template brackets, and are ignored.
#[derive(Default)]
struct Nesting {
    stack: Vec<u8>,
}

impl Nesting {
    /// Update for byte `b`; returns true when `b` was a bracket.
    fn step(&mut self, b: u8) -> bool {
        let in_parens = self.stack.last() == Some(&b'(');
        match b {
            b'(' | b'[' | b'{' => self.stack.push(b),
            b'<' if !in_parens => self.stack.push(b),
            b')' | b']' | b'}' => {
                let open = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if let Some(pos) = self.stack.iter().rposition(|&o| o == open) {
                    self.stack.truncate(pos);
                }
            }
            b'>' if !in_parens && self.stack.last() == Some(&b'<') => {
                self.stack.pop();
            }
            _ => return false,
        }
        true
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    fn in_template(&self) -> bool {
        self.stack.contains(&b'<')
    }
}

/// Drop the trailing `(…)` parameter list (and a trailing ` const`): cut at the last `(`
/// that opens at nesting depth 0.
fn strip_params(s: &str) -> &str {
    let s = s.strip_suffix(" const").unwrap_or(s);
    if !s.ends_with(')') {
        return s;
    }
    let mut nest = Nesting::default();
    let mut cut = None;
    for (i, &b) in masked(s).iter().enumerate() {
        if b == b'(' && nest.depth() == 0 && !s[i..].starts_with("(anonymous namespace)") {
            cut = Some(i);
        }
        nest.step(b);
    }
    match cut {
        Some(i) if i > 0 => s[..i].trim_end(),
        _ => s,
    }
}

/// Drop a leading return type (`void `, `std::enable_if<…>::type `): the text before the
/// last space that is outside every bracket.
fn strip_return_type(s: &str) -> &str {
    let mut nest = Nesting::default();
    let mut cut = None;
    for (i, &b) in masked(s).iter().enumerate() {
        if b == b' ' && nest.depth() == 0 && !s[..i].ends_with("(anonymous") {
            cut = Some(i);
        }
        nest.step(b);
    }
    match cut {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

/// Split `ns::f<args>` into (`ns::f`, `args`). Template arguments in the middle of a path
/// (`a::b<T>::c`) are dropped from the head; only the last `<…>` group is returned.
fn split_templates(s: &str) -> (String, &str) {
    let mut head = String::with_capacity(s.len().min(256));
    let mut args: &str = "";
    let mut nest = Nesting::default();
    let mut open = 0;
    let mask = masked(s);
    for (i, c) in s.char_indices() {
        let was_in = nest.in_template();
        let m = mask[i];
        let bracket = c.is_ascii() && nest.step(m);
        let now_in = nest.in_template();
        if m == b'<' && bracket && !was_in {
            open = i + 1;
        } else if m == b'>' && bracket && was_in && !now_in {
            args = &s[open..i];
        } else if !was_in && !now_in {
            head.push(c);
        }
    }
    // A name cut inside its template arguments (Kineto/rocprof truncation): keep what is there.
    if args.is_empty() && nest.in_template() && open > 0 && open <= s.len() {
        args = &s[open..];
    }
    (head.trim().to_string(), args)
}

/// The top-level comma-separated items of a template argument list.
pub fn split_args(args: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut nest = Nesting::default();
    let mut start = 0;
    for (i, &b) in masked(args).iter().enumerate() {
        if b == b',' && nest.depth() == 0 {
            out.push(args[start..i].trim());
            start = i + 1;
        }
        nest.step(b);
    }
    let last = args[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// The name of a qualified C++ entity without template arguments, call syntax and
/// `(anonymous namespace)` parts: `at::native::(anonymous namespace)::silu_kernel(…)::{lambda…}`
/// → `at::native::silu_kernel`.
pub fn entity_name(item: &str) -> String {
    let without_anon = item.replace("(anonymous namespace)::", "");
    let cut = without_anon.find(['(', '<']).unwrap_or(without_anon.len());
    without_anon[..cut].trim().trim_start_matches("const ").trim().to_string()
}

/// Last `keep` `::`-separated components of a qualified name.
pub fn last_components(qualified: &str, keep: usize) -> &str {
    let mut idx = qualified.len();
    let mut seen = 0;
    let bytes = qualified.as_bytes();
    let mut i = qualified.len();
    while i >= 2 {
        if &bytes[i - 2..i] == b"::" {
            seen += 1;
            if seen == keep {
                idx = i;
                break;
            }
            i -= 2;
        } else {
            i -= 1;
        }
    }
    if seen < keep { qualified } else { &qualified[idx..] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demangles_cutlass_and_aiter() {
        let n = "_ZN5aiter24add_rmsnorm_quant_kernelIDF16bDF16bLi256ELi16ELb0ELb0ELb1ELi1EEEvPT0_PT_PfS4_S4_S4_diiiiiiib";
        let c = canonical_name(n);
        assert!(c.contains("aiter::add_rmsnorm_quant_kernel"), "{c}");
        assert_eq!(canonical_name("  nvjet_tst_64x8  "), "nvjet_tst_64x8");
    }

    #[test]
    fn fallback_reads_nested_identifiers() {
        assert_eq!(
            mangled_identifiers("_ZN5aiter3foo5bar_xIbad"),
            Some("aiter::foo::bar_x".into())
        );
        assert_eq!(mangled_identifiers("_Z99short"), None);
        assert_eq!(mangled_identifiers("_Zx"), None);
        // Fuzz crash (kernel_name target): a length ending inside a multi-byte character.
        assert_eq!(mangled_identifiers("_Z2i\u{2026}@]]iaZ"), None);
        let _ = canonical_name("_Z2i\u{2026}@]]iaZ");
    }

    #[test]
    fn parses_heads() {
        let s = Signature::parse(
            "void vllm::reshape_and_cache_flash_kernel<__nv_bfloat16, unsigned char, (vllm::Fp8KVCacheDataType)1>(__nv_bfloat16 const*, long)",
        );
        assert_eq!(s.head, "vllm::reshape_and_cache_flash_kernel");
        assert!(s.template_args.contains("Fp8KVCacheDataType"));
        let s = Signature::parse(
            "std::enable_if<(((8)>(0))), void>::type vllm::fused_add_rms_norm_kernel<c10::BFloat16, 8>(c10::BFloat16*, long)",
        );
        assert_eq!(s.head, "vllm::fused_add_rms_norm_kernel");
        let s = Signature::parse(
            "void (anonymous namespace)::softmax_warp_forward<float, float, float, 10, true>(float*, float const*, int, int, int)",
        );
        assert_eq!(s.head, "(anonymous namespace)::softmax_warp_forward");
        let s = Signature::parse("nvjet_tst_64x8_64x16_1x4_h_bz_TNT");
        assert_eq!(s.head, "nvjet_tst_64x8_64x16_1x4_h_bz_TNT");
        assert_eq!(s.template_args, "");
        let s =
            Signature::parse("ncclDevKernel_AllGather_RING_LL(ncclDevKernelArgsStorage<4096ul>)");
        assert_eq!(s.head, "ncclDevKernel_AllGather_RING_LL");
    }

    #[test]
    fn entity_and_components() {
        assert_eq!(
            entity_name(
                "at::native::(anonymous namespace)::silu_kernel(at::TensorIteratorBase&)::{lambda()#1}"
            ),
            "at::native::silu_kernel"
        );
        assert_eq!(last_components("a::b::c", 1), "c");
        assert_eq!(last_components("a::b::c", 2), "b::c");
        assert_eq!(last_components("c", 2), "c");
        assert_eq!(split_args("4, f<a, b>, x(y, z)"), vec!["4", "f<a, b>", "x(y, z)"]);
    }

    #[test]
    fn strips_rocm_clone_and_kd_suffixes() {
        assert_eq!(
            canonical_name("ncclDevKernel_Generic_1(ncclDevKernelArgsStorage<4096ul>) [clone .kd]"),
            "ncclDevKernel_Generic_1(ncclDevKernelArgsStorage<4096ul>)"
        );
        assert_eq!(canonical_name("attn_fwd.kd"), "attn_fwd");
        assert_eq!(canonical_name("foo [clone .cold.3] [clone .kd]"), "foo");
        let c = canonical_name(
            "_ZN5aiter24add_rmsnorm_quant_kernelIDF16bDF16bLi256ELi16ELb0ELb0ELb1ELi1EEEvPT0_PT_PfS4_S4_S4_diiiiiiib.kd",
        );
        assert!(c.starts_with("void aiter::add_rmsnorm_quant_kernel<"), "{c}");
        let s = Signature::parse(&canonical_name(
            "void at::native::vectorized_gather_kernel<16, long>(char*, char*, long*, int, long, long, long, long, bool) [clone .kd]",
        ))
        .head;
        assert_eq!(s, "at::native::vectorized_gather_kernel");
    }

    #[test]
    fn truncated_names_keep_partial_template_arguments() {
        // Kineto/rocprof cut long names; the launcher's arguments still say what runs.
        let s = Signature::parse(
            "void at::native::vectorized_elementwise_kernel<4, at::native::GeluCUDAKernelImpl(at::TensorIteratorBase&, at::nat",
        );
        assert_eq!(s.head, "at::native::vectorized_elementwise_kernel");
        assert!(s.template_args.contains("GeluCUDAKernelImpl"), "{}", s.template_args);
        assert_eq!(canonical_name("void f<int, fl..."), "void f<int, fl");
    }

    #[test]
    fn operators_and_arrows_are_not_brackets() {
        let s = Signature::parse(
            "void cub::DeviceRadixSortKernel<std::less<void>::operator<, 4>(int*, decltype(a->b))",
        );
        assert_eq!(s.head, "cub::DeviceRadixSortKernel");
        assert_eq!(s.template_args, "std::less<void>::operator<, 4");
        assert_eq!(split_args("a<b>::operator>>, c->d, e"), vec!["a<b>::operator>>", "c->d", "e"]);
        let s = Signature::parse("void ns::k<(char)60, 'x'>(int)");
        assert_eq!(s.head, "ns::k");
    }

    #[test]
    fn lambdas_and_anonymous_namespaces() {
        let s = Signature::parse(
            "void at::native::(anonymous namespace)::CatArrayBatchedCopy_contig<at::native::(anonymous namespace)::OpaqueType<4u>, unsigned int, 1, 128, 1>(at::native::(anonymous namespace)::OpaqueType<4u>*, int) [clone .kd]",
        );
        assert_eq!(s.head, "at::native::(anonymous namespace)::CatArrayBatchedCopy_contig");
        assert_eq!(
            entity_name(
                "at::native::bfloat16_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda(float)#1}"
            ),
            "at::native::bfloat16_copy_kernel_cuda"
        );
    }

    #[test]
    fn cute_dsl_names_keep_module_and_class() {
        assert_eq!(
            cute_dsl_identity(
                "kernel_cutlass_kernel_flashinfernormkernelsfused_add_rmsnormFusedAddRMSNormKernel_object_at__TiledMMA_ThrLayoutVMNK11110000_0"
            ),
            Some("flashinfernormkernelsfused_add_rmsnormFusedAddRMSNormKernel")
        );
        assert_eq!(
            cute_dsl_identity(
                "kernel_cutlass_kernel___main__DenseGemmKernel_object_at__TiledMMA_ThrLayoutVMNK11110000_PermutationMNK_0"
            ),
            Some("DenseGemmKernel")
        );
        assert_eq!(
            cute_dsl_identity("kernel_cutlass_kernel_TgvGemmCuteExtKernel_cta64x16x128_2cta1_pdl1"),
            Some("TgvGemmCuteExtKernel_cta64x16x128_2cta1_pdl1")
        );
        assert_eq!(cute_dsl_identity("kernel_cutlass_kernel_"), None);
        assert_eq!(cute_dsl_identity("nvjet_tst"), None);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in [
            "",
            ")",
            "(((",
            ">>><<<",
            "void ",
            "_Z",
            "_ZN",
            "a<b(c>d)e",
            "é<ü>(ö)",
            "operator",
            "operator<",
            "->",
            "a->",
            "[clone .kd]",
            " [clone ",
            ".kd",
            "...",
            "…",
            "x<é…",
            "kernel_cutlass_kernel_",
            "kernel_cutlass_kernel__object_at_",
        ] {
            let _ = Signature::parse(s);
            let _ = canonical_name(s);
        }
    }
}
