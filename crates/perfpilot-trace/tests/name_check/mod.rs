//! The check the taxonomy round tests share: each real name gets the category its source gives
//! it, and a failure names the rule that decided.

use perfpilot_trace::taxonomy::{Category, Taxonomy};

/// Asserts that every `(name, category)` pair is classified as listed by the embedded taxonomy.
pub fn check(cases: &[(&str, Category)]) {
    let t = Taxonomy::embedded_ref();
    for &(name, want) in cases {
        let (got, rule) = t.classify_explained(name);
        assert_eq!(got, want, "{name}: rule {rule}");
    }
}
