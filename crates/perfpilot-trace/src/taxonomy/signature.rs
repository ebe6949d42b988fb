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
    let trimmed = name.trim();
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
        if end > bytes.len() {
            return None;
        }
        parts.push(&rest[i..end]);
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
        let body = strip_params(canonical.trim());
        let body = strip_return_type(body);
        let (head, template_args) = split_templates(body);
        Signature { head, template_args }
    }
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
    for (i, b) in s.bytes().enumerate() {
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
    for (i, b) in s.bytes().enumerate() {
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
    for (i, c) in s.char_indices() {
        let was_in = nest.in_template();
        let bracket = c.is_ascii() && nest.step(c as u8);
        let now_in = nest.in_template();
        if c == '<' && bracket && !was_in {
            open = i + 1;
        } else if c == '>' && bracket && was_in && !now_in {
            args = &s[open..i];
        } else if !was_in && !now_in {
            head.push(c);
        }
    }
    (head.trim().to_string(), args)
}

/// The top-level comma-separated items of a template argument list.
pub fn split_args(args: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut nest = Nesting::default();
    let mut start = 0;
    for (i, b) in args.bytes().enumerate() {
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
    fn never_panics_on_odd_text() {
        for s in ["", ")", "(((", ">>><<<", "void ", "_Z", "_ZN", "a<b(c>d)e", "é<ü>(ö)"] {
            let _ = Signature::parse(s);
            let _ = canonical_name(s);
        }
    }
}
