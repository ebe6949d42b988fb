//! Finding the candidate lines of a block: the half of [`crate::LogParser::push_block`] that
//! needs no parser state, so that it can run on worker threads ([`crate::parallel`]) while
//! the blocks are parsed in file order.

use std::sync::Arc;

use crate::LaunchRules;
use crate::prefilter::{self, BlockScan};

/// The candidate lines of one block, with what the parser needs to number them.
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    /// `(start, end, newlines before start)` of each line holding a trigger phrase: byte
    /// range (end at the `\n` or the block's end) and the line's 0-based index in the block.
    pub(crate) lines: Vec<(usize, usize, u64)>,
    /// `\n` bytes in the whole block.
    pub(crate) newlines: u64,
}

/// Finds candidate lines block after block, remembering when the prefilter did not pay off.
#[derive(Debug)]
pub(crate) struct BlockScanner {
    rules: Arc<LaunchRules>,
    /// How blocks are scanned for candidate lines.
    pub(crate) scan: BlockScan,
    /// Blocks left to scan with the automaton after the prefilter did not pay off.
    backoff: u32,
    /// The candidate spans of the current block (kept to reuse the allocation).
    spans: Vec<(usize, usize)>,
}

impl BlockScanner {
    /// A scanner matching with `rules`, [`BlockScan::Auto`].
    pub(crate) fn new(rules: Arc<LaunchRules>) -> BlockScanner {
        BlockScanner { rules, scan: BlockScan::Auto, backoff: 0, spans: Vec::new() }
    }

    /// Fill `out` with the lines of `block` (whole `\n`-separated lines; a last line without
    /// `\n` counts) that hold a trigger phrase, ascending, each once, and count its lines.
    pub(crate) fn scan(&mut self, block: &[u8], out: &mut Scanned) {
        out.lines.clear();
        out.newlines = 0;
        let rules = Arc::clone(&self.rules);
        let mut spans = std::mem::take(&mut self.spans);
        spans.clear();
        let scan = if self.backoff > 0 {
            self.backoff -= 1;
            BlockScan::Automaton
        } else {
            self.scan
        };
        match rules.prefilter_for(scan, block.len()) {
            Some(pre) => {
                pre.candidate_lines(block, &mut spans);
                let candidate_bytes: usize = spans.iter().map(|(s, e)| e - s).sum();
                if scan == BlockScan::Auto && candidate_bytes > block.len() / 4 {
                    self.backoff = prefilter::AUTO_BACKOFF_BLOCKS;
                }
                // The lines the full automaton would have found itself: those holding a phrase.
                spans.retain(|&(s, e)| rules.ac.is_match(&block[s..e]));
            }
            None => automaton_lines(&rules.ac, block, &mut spans),
        }
        let mut counted_to = 0usize;
        let mut before = 0u64;
        for &(start, end) in &spans {
            before += memchr::memchr_iter(b'\n', &block[counted_to..start]).count() as u64;
            counted_to = start;
            out.lines.push((start, end, before));
        }
        out.newlines = before + memchr::memchr_iter(b'\n', &block[counted_to..]).count() as u64;
        self.spans = spans;
    }
}

/// The lines of `block` where the full automaton's leftmost-longest matches start, ascending,
/// each once (the scan without a prefilter).
fn automaton_lines(ac: &aho_corasick::AhoCorasick, block: &[u8], lines: &mut Vec<(usize, usize)>) {
    let mut next_free = 0usize;
    for m in ac.find_iter(block) {
        if m.start() < next_free {
            continue;
        }
        let (start, end) = prefilter::line_around(block, m.start());
        next_free = end + 1;
        lines.push((start, end));
    }
}
