//! The correctness gate: one candidate output against the reference output, by relative
//! L2 and max-abs error against the dtype's tolerance; NaN/Inf never pass; elements still
//! holding the poison value are named; `bitwise` compares bits.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::npy::NpyArray;
use crate::tolerance::Tolerance;

/// The figures of one comparison and whether it passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Compared {
    /// Whether the candidate passed.
    pub passed: bool,
    /// Why it failed (empty when it passed).
    pub reason: String,
    /// Elements compared.
    pub elements: u64,
    /// ||c − r||₂ / ||r||₂ (||c − r||₂ when the reference is all zeros); null when not
    /// computed.
    pub rel_l2: Option<f64>,
    /// max |c − r|; null when not computed.
    pub max_abs: Option<f64>,
    /// Candidate elements that are NaN or ±Inf.
    pub nonfinite: u64,
    /// Candidate elements still equal to the poison value where the reference is not.
    pub poisoned: u64,
    /// Elements whose bits differ (bitwise dtype only).
    pub bits_differ: u64,
}

/// Compare `cand` to `reference` for a shape of `dtype` under `tol`.
pub fn compare(
    reference: &NpyArray,
    cand: &NpyArray,
    dtype: &str,
    tol: &Tolerance,
    poison: f64,
) -> Compared {
    let mut c = Compared {
        passed: false,
        reason: String::new(),
        elements: cand.bits.len() as u64,
        rel_l2: None,
        max_abs: None,
        nonfinite: 0,
        poisoned: 0,
        bits_differ: 0,
    };
    if reference.shape != cand.shape {
        c.reason =
            format!("shape {:?} differs from the reference's {:?}", cand.shape, reference.shape);
        return c;
    }
    if dtype == "bitwise" {
        if reference.descr != cand.descr {
            c.reason = format!(
                "dtype '{}' differs from the reference's '{}'",
                cand.descr, reference.descr
            );
            return c;
        }
        c.bits_differ =
            reference.bits.iter().zip(&cand.bits).filter(|(a, b)| a != b).count() as u64;
        c.passed = c.bits_differ == 0;
        if !c.passed {
            let first = reference.bits.iter().zip(&cand.bits).position(|(a, b)| a != b);
            c.reason = format!(
                "{} of {} elements differ bitwise (first at flat index {})",
                c.bits_differ,
                c.elements,
                first.unwrap_or(0)
            );
        }
        return c;
    }
    let r = reference.values(dtype);
    let v = cand.values(dtype);
    if let Some(i) = r.iter().position(|x| !x.is_finite()) {
        c.reason = format!("the reference output holds NaN/Inf (flat index {i}): it cannot judge");
        return c;
    }
    let near_poison = |x: f64| (x - poison).abs() <= poison.abs() * 2f64.powi(-7);
    let (mut num, mut den, mut max_abs) = (0.0f64, 0.0f64, 0.0f64);
    let mut first_bad = None;
    for (i, (&a, &b)) in r.iter().zip(&v).enumerate() {
        if !b.is_finite() {
            c.nonfinite += 1;
            first_bad.get_or_insert(i);
            continue;
        }
        if near_poison(b) && !near_poison(a) {
            c.poisoned += 1;
        }
        let d = b - a;
        num += d * d;
        den += a * a;
        max_abs = max_abs.max(d.abs());
    }
    if c.nonfinite > 0 {
        c.reason = format!(
            "{} of {} elements are NaN/Inf (first at flat index {})",
            c.nonfinite,
            c.elements,
            first_bad.unwrap_or(0)
        );
        return c;
    }
    let rel = if den > 0.0 { (num / den).sqrt() } else { num.sqrt() };
    c.rel_l2 = Some(rel);
    c.max_abs = Some(max_abs);
    if c.poisoned > 0 {
        c.reason = format!(
            "{} of {} elements still hold the poison value {poison} (output not written)",
            c.poisoned, c.elements
        );
        return c;
    }
    let mut why = Vec::new();
    if rel > tol.rel_l2 {
        why.push(format!("rel_l2 {rel:.3e} > {:.1e}", tol.rel_l2));
    }
    if max_abs > tol.max_abs {
        let i = r
            .iter()
            .zip(&v)
            .map(|(a, b)| (b - a).abs())
            .enumerate()
            .fold((0, -1.0), |best, (i, d)| if d > best.1 { (i, d) } else { best });
        why.push(format!("max_abs {max_abs:.3e} > {:.1e} (at flat index {})", tol.max_abs, i.0));
    }
    c.passed = why.is_empty();
    c.reason = why.join("; ");
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npy::Elem;

    fn arr(v: &[f32]) -> NpyArray {
        NpyArray {
            descr: "<f4".into(),
            elem: Elem::F32,
            shape: vec![v.len()],
            bits: v.iter().map(|x| u64::from(x.to_bits())).collect(),
        }
    }
    fn tol() -> Tolerance {
        Tolerance { rel_l2: 1e-5, max_abs: 1e-5, source: String::new() }
    }

    #[test]
    fn verdicts() {
        let r = arr(&[1.0, 2.0, 3.0]);
        assert!(compare(&r, &arr(&[1.0, 2.0, 3.0]), "fp32", &tol(), -31337.0).passed);
        let w = compare(&r, &arr(&[1.0, 2.0, 3.5]), "fp32", &tol(), -31337.0);
        assert!(!w.passed && w.reason.contains("at flat index 2"), "{w:?}");
        let n = compare(&r, &arr(&[1.0, f32::NAN, 3.0]), "fp32", &tol(), -31337.0);
        assert!(!n.passed && n.nonfinite == 1);
        let p = compare(&r, &arr(&[-31337.0; 3]), "fp32", &tol(), -31337.0);
        assert!(!p.passed && p.poisoned == 3, "{p:?}");
        let b = compare(&r, &arr(&[1.0, 2.0, 3.0000002]), "bitwise", &tol(), 0.0);
        assert_eq!((b.passed, b.bits_differ), (false, 1));
    }
}
