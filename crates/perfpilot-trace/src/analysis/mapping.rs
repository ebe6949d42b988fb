//! `--mapping`: call sites from a second trace of the same workload run with CUDA graphs
//! and torch.compile off, for kernels the formal trace can only show as replays.
//!
//! Kernels are matched by canonical name and launch order: the n-th formal launch of a
//! name (within its stage) takes the call site of the n-th mapping launch of that name in
//! the same stage (cycling when the mapping trace has fewer steps), falling back to the
//! mapping trace's other stages.

use std::collections::HashMap;

use super::stage::Stage;

/// Call sites of the mapping trace, per canonical kernel name, in launch order.
#[derive(Debug, Default)]
pub struct MappingIndex {
    by_name: HashMap<String, Entry>,
}

#[derive(Debug, Default)]
struct Entry {
    all: Vec<String>,
    per_stage: HashMap<Stage, Vec<usize>>,
}

impl MappingIndex {
    /// An empty index.
    pub fn new() -> MappingIndex {
        MappingIndex::default()
    }

    /// Record one mapping-trace launch with a Python call site (call in time order).
    pub fn push(&mut self, canonical: &str, stage: Stage, site: String) {
        let e = self.by_name.entry(canonical.to_string()).or_default();
        e.per_stage.entry(stage).or_default().push(e.all.len());
        e.all.push(site);
    }

    /// Distinct kernel names with a call site.
    pub fn names(&self) -> usize {
        self.by_name.len()
    }

    /// The call site for the `ordinal`-th formal launch of `canonical` in `stage`.
    pub fn site(&self, canonical: &str, stage: Stage, ordinal: usize) -> Option<&str> {
        let e = self.by_name.get(canonical)?;
        match e.per_stage.get(&stage).filter(|v| !v.is_empty()) {
            Some(idx) => e.all.get(idx[ordinal % idx.len()]).map(String::as_str),
            None if !e.all.is_empty() => e.all.get(ordinal % e.all.len()).map(String::as_str),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_order_and_stage_fallback() {
        let mut m = MappingIndex::new();
        m.push("rms", Stage::Decode, "a.py:1 f".into());
        m.push("rms", Stage::Decode, "b.py:2 g".into());
        m.push("gemm", Stage::Extend, "c.py:3 h".into());
        assert_eq!(m.site("rms", Stage::Decode, 0), Some("a.py:1 f"));
        assert_eq!(m.site("rms", Stage::Decode, 3), Some("b.py:2 g"));
        assert_eq!(m.site("gemm", Stage::Decode, 5), Some("c.py:3 h"));
        assert_eq!(m.site("softmax", Stage::Decode, 0), None);
        assert_eq!(m.names(), 2);
    }
}
