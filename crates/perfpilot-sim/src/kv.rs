//! The paged KV pool and its prefix cache.
//!
//! The pool has `total_pages` pages of `page_size` tokens. A page is either free, private
//! to one request (its prompt tail and its decoded tokens), or a cached block of a full
//! prompt page shared through the prefix cache. Cached blocks are keyed by a chained hash
//! of the page's tokens and everything before it (the radix tree of SGLang and the block
//! hashes of vLLM's prefix caching both reduce to this at page granularity). A block is
//! held (reference-counted) while a running request uses it; unreferenced blocks stay
//! cached and are evicted least-recently-used first, deepest first, when pages run out.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

/// One cached block.
#[derive(Debug, Clone)]
struct Block {
    refs: u32,
    last_use: u64,
    depth: u32,
}

/// The paged KV pool with its prefix cache.
#[derive(Debug, Clone)]
pub struct KvPool {
    total_pages: u64,
    page_size: u32,
    private_pages: u64,
    leaked_pages: u64,
    blocks: HashMap<u64, Block>,
    evictable: BTreeSet<(u64, Reverse<u32>, u64)>,
    clock: u64,
}

impl KvPool {
    /// A pool of `total_tokens` tokens (rounded down to whole pages).
    pub fn new(total_tokens: u64, page_size: u32) -> KvPool {
        let page_size = page_size.max(1);
        KvPool {
            total_pages: total_tokens / u64::from(page_size),
            page_size,
            private_pages: 0,
            leaked_pages: 0,
            blocks: HashMap::new(),
            evictable: BTreeSet::new(),
            clock: 0,
        }
    }

    /// Pages needed to hold `tokens` tokens.
    pub fn pages_for(&self, tokens: u64) -> u64 {
        tokens.div_ceil(u64::from(self.page_size))
    }

    /// Pages neither private, cached nor leaked.
    pub fn free_pages(&self) -> u64 {
        self.total_pages - self.private_pages - self.blocks.len() as u64 - self.leaked_pages
    }

    /// Cached blocks no running request holds (can be evicted).
    pub fn evictable_pages(&self) -> u64 {
        self.evictable.len() as u64
    }

    /// Pages an allocation can get: free plus evictable.
    pub fn available_pages(&self) -> u64 {
        self.free_pages() + self.evictable_pages()
    }

    /// Pages in use by running requests (private plus held blocks), plus leaked pages:
    /// what SGLang reports as `#token` / `token usage` (it excludes evictable cache).
    pub fn used_pages(&self) -> u64 {
        self.total_pages - self.available_pages()
    }

    /// Private pages (owned by requests).
    pub fn private_pages(&self) -> u64 {
        self.private_pages
    }

    /// Cached blocks, held or not.
    #[cfg(test)]
    pub fn cached_blocks(&self) -> u64 {
        self.blocks.len() as u64
    }

    /// Allocate `n` private pages, evicting cached blocks when needed. False (and nothing
    /// changed) when even eviction cannot free enough.
    pub fn alloc(&mut self, n: u64) -> bool {
        if n > self.available_pages() {
            return false;
        }
        let free = self.free_pages();
        if n > free {
            self.evict(n - free);
        }
        self.private_pages += n;
        true
    }

    /// Return `n` private pages.
    pub fn free(&mut self, n: u64) {
        debug_assert!(n <= self.private_pages);
        self.private_pages -= n.min(self.private_pages);
    }

    /// Take up to `n` pages out of service (the KV-leak fault); returns how many.
    pub fn leak(&mut self, n: u64) -> u64 {
        let n = n.min(self.available_pages());
        let free = self.free_pages();
        if n > free {
            self.evict(n - free);
        }
        self.leaked_pages += n;
        n
    }

    fn evict(&mut self, n: u64) {
        for _ in 0..n {
            let Some(key) = self.evictable.pop_first() else { return };
            self.blocks.remove(&key.2);
        }
    }

    /// How many leading blocks of `hashes` are cached.
    pub fn match_prefix(&self, hashes: &[u64]) -> usize {
        hashes.iter().take_while(|h| self.blocks.contains_key(h)).count()
    }

    /// Hold the cached blocks `hashes` (all must be cached: see [`KvPool::match_prefix`]).
    pub fn acquire(&mut self, hashes: &[u64]) {
        self.clock += 1;
        for h in hashes {
            if let Some(b) = self.blocks.get_mut(h) {
                if b.refs == 0 {
                    self.evictable.remove(&(b.last_use, Reverse(b.depth), *h));
                }
                b.refs += 1;
                b.last_use = self.clock;
            }
        }
    }

    /// Release blocks held with [`KvPool::acquire`] or [`KvPool::publish`].
    pub fn release(&mut self, hashes: &[u64]) {
        self.clock += 1;
        for h in hashes {
            if let Some(b) = self.blocks.get_mut(h) {
                b.refs = b.refs.saturating_sub(1);
                b.last_use = self.clock;
                if b.refs == 0 {
                    self.evictable.insert((b.last_use, Reverse(b.depth), *h));
                }
            }
        }
    }

    /// Turn the private page holding block `depth` (hash `hash`) of a request's prompt
    /// into a cached block the request holds. If another request cached the same block
    /// meanwhile, the private page is freed and the cached one is held instead.
    pub fn publish(&mut self, hash: u64, depth: u32) {
        self.clock += 1;
        if self.blocks.contains_key(&hash) {
            self.acquire(&[hash]);
        } else {
            self.blocks.insert(hash, Block { refs: 1, last_use: self.clock, depth });
        }
        self.free(1);
    }

    /// Drop every unreferenced cached block (`/flush_cache`).
    pub fn flush(&mut self) {
        while let Some(key) = self.evictable.pop_first() {
            self.blocks.remove(&key.2);
        }
    }

    /// Internal consistency (for tests): accounting adds up and evictable = refs 0.
    pub fn check(&self) -> Result<(), String> {
        let used = self.private_pages + self.blocks.len() as u64 + self.leaked_pages;
        if used > self.total_pages {
            return Err(format!("KV over capacity: {used} pages used of {}", self.total_pages));
        }
        let unref = self.blocks.values().filter(|b| b.refs == 0).count();
        if unref != self.evictable.len() {
            return Err(format!(
                "evictable set {} != unreferenced blocks {unref}",
                self.evictable.len()
            ));
        }
        Ok(())
    }
}

/// Chained hashes of the full pages of `tokens` (FNV-1a over the previous hash and the
/// page's token ids), the keys of the prefix cache.
pub fn block_hashes(tokens: &[u32], page_size: u32) -> Vec<u64> {
    let ps = page_size.max(1) as usize;
    let mut out = Vec::with_capacity(tokens.len() / ps);
    let mut h = perfpilot_io::Fnv1a::new();
    for page in tokens.chunks_exact(ps) {
        for t in page {
            h.bytes(&t.to_le_bytes());
        }
        // Mix once more per page so that page boundaries matter.
        h.mix(0x9e37_79b9_7f4a_7c15);
        out.push(h.finish());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_evicts_lru_unreferenced_blocks() {
        let mut kv = KvPool::new(10, 1);
        let a = block_hashes(&[1, 2, 3], 1);
        assert!(kv.alloc(3));
        for (i, h) in a.iter().enumerate() {
            kv.publish(*h, i as u32);
        }
        assert_eq!(kv.cached_blocks(), 3);
        assert_eq!(kv.private_pages(), 0);
        kv.release(&a);
        assert_eq!(kv.evictable_pages(), 3);
        assert_eq!(kv.free_pages(), 7);
        // Needs 9: 7 free + 2 evicted, deepest first.
        assert!(kv.alloc(9));
        assert_eq!(kv.cached_blocks(), 1);
        assert_eq!(kv.match_prefix(&a), 1);
        assert!(!kv.alloc(2));
        kv.check().unwrap();
    }

    #[test]
    fn shared_prefix_matches_and_hashes_depend_on_history() {
        let x = block_hashes(&[5, 6, 7, 8], 2);
        let y = block_hashes(&[5, 6, 9, 9], 2);
        let z = block_hashes(&[9, 9], 2);
        assert_eq!(x[0], y[0]);
        assert_ne!(x[1], y[1]);
        assert_ne!(y[1], z[0]);
        assert_eq!(block_hashes(&[1, 2, 3], 2).len(), 1);
    }

    #[test]
    fn publish_of_an_existing_block_frees_the_private_page() {
        let mut kv = KvPool::new(8, 1);
        let h = block_hashes(&[1], 1);
        assert!(kv.alloc(1));
        kv.publish(h[0], 0);
        assert!(kv.alloc(1));
        kv.publish(h[0], 0);
        assert_eq!(kv.cached_blocks(), 1);
        assert_eq!(kv.private_pages(), 0);
        kv.release(&h);
        assert_eq!(kv.evictable_pages(), 0);
        kv.release(&h);
        assert_eq!(kv.evictable_pages(), 1);
        kv.check().unwrap();
    }
}
