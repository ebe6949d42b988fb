//! Interned strings: every event name is stored once and referred to by a [`NameId`].

use std::sync::Arc;

/// Index of an interned string in [`Names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameId(pub u32);

/// The string table of a trace. Event names repeat millions of times (the same kernel,
/// the same Python frame), so events hold a 4-byte [`NameId`] instead of a string.
#[derive(Debug, Default, Clone)]
pub struct Names {
    strings: Vec<Arc<str>>,
    index: super::FastMap<Arc<[u8]>, NameId>,
}

impl Names {
    /// An empty table.
    pub fn new() -> Names {
        Names::default()
    }

    /// The id of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> NameId {
        if let Some(&id) = self.index.get(s.as_bytes()) {
            return id;
        }
        self.insert(s)
    }

    /// The id of raw UTF-8 bytes; `None` when they are not UTF-8. Validation happens only
    /// for a name not seen before.
    pub fn intern_bytes(&mut self, b: &[u8]) -> Option<NameId> {
        if let Some(&id) = self.index.get(b) {
            return Some(id);
        }
        let s = std::str::from_utf8(b).ok()?;
        Some(self.insert(s))
    }

    fn insert(&mut self, s: &str) -> NameId {
        let id = NameId(u32::try_from(self.strings.len()).unwrap_or(u32::MAX));
        self.strings.push(Arc::from(s));
        self.index.insert(Arc::from(s.as_bytes()), id);
        id
    }

    /// The id of `s` when it was interned.
    pub fn lookup(&self, s: &str) -> Option<NameId> {
        self.index.get(s.as_bytes()).copied()
    }

    /// The string of `id` (empty for an id from another table).
    pub fn get(&self, id: NameId) -> &str {
        self.strings.get(id.0 as usize).map_or("", |s| s)
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// Every string with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (NameId, &str)> {
        self.strings.iter().enumerate().map(|(i, s)| (NameId(i as u32), &**s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable() {
        let mut n = Names::new();
        let a = n.intern("a");
        let b = n.intern("b");
        assert_eq!(n.intern("a"), a);
        assert_ne!(a, b);
        assert_eq!(n.get(b), "b");
        assert_eq!(n.lookup("b"), Some(b));
        assert_eq!(n.lookup("c"), None);
        assert_eq!(n.len(), 2);
        assert_eq!(n.get(NameId(99)), "");
    }
}
