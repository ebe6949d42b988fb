//! One held-out kernel-name batch (`tests/fixtures/trace/kernel-names-N.tsv`): the
//! freshness check (unique names, none from an earlier corpus, every source from a
//! repository no earlier corpus used) and the bare-name score against its first-score
//! floor. Shared by `taxonomy_heldout3.rs` … `taxonomy_heldout10.rs`.

pub mod set_aside;

use std::collections::{BTreeMap, BTreeSet};

use perfpilot_trace::taxonomy::{Category, Taxonomy};

/// Every corpus in order: corpus 1, its first held-out list, corpus 2, then heldout-3 …
/// heldout-46. Batch N's earlier names are `CORPORA.split_at(N).0`.
#[allow(dead_code)]
pub const CORPORA: [&str; 47] = [
    include_str!("../../../../tests/fixtures/trace/kernel-names.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-heldout.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-2.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-3.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-4.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-5.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-6.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-7.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-8.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-9.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-10.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-11.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-12.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-13.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-14.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-15.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-16.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-17.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-18.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-19.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-20.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-21.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-22.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-23.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-24.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-25.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-26.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-27.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-28.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-29.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-30.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-31.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-32.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-33.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-34.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-35.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-36.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-37.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-38.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-39.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-40.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-41.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-42.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-43.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-44.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-45.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-46.tsv"),
];

/// [`CORPORA`] without the first held-out list, whose sources batches 3–6 were not checked
/// against: batch N (3 ≤ N ≤ 6) may not reuse the repositories of
/// `SOURCES_NO_FIRST_HELDOUT.split_at(N - 1).0`.
#[allow(dead_code)]
pub const SOURCES_NO_FIRST_HELDOUT: [&str; 8] = [
    include_str!("../../../../tests/fixtures/trace/kernel-names.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-2.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-3.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-4.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-5.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-6.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-7.tsv"),
    include_str!("../../../../tests/fixtures/trace/kernel-names-8.tsv"),
];

/// A batch and what it is checked against.
pub struct Batch {
    /// File name, for messages.
    pub file: &'static str,
    /// The TSV text (name, category, source, split).
    pub text: &'static str,
    /// The split every row must carry.
    pub split: &'static str,
    /// Name lists of every earlier corpus: no name may repeat.
    pub earlier_names: &'static [&'static str],
    /// Earlier corpora whose source repositories the batch may not reuse.
    pub earlier_sources: &'static [&'static str],
    /// Fewest names the batch must hold.
    pub min_names: usize,
    /// Correct names at the batch's first (and only held-out) score: the floor.
    pub first_score: usize,
    /// Correct names on the batch since it became development data (rules tuned on it):
    /// a higher floor that keeps later rule changes from undoing that work. Not a
    /// generalisation figure; `first_score` stays the held-out estimate.
    pub dev_floor: Option<usize>,
}

struct Entry<'a> {
    line: usize,
    name: &'a str,
    expected: Category,
    source: &'a str,
}

fn entries(b: &Batch) -> Vec<Entry<'static>> {
    let mut out = Vec::new();
    for (i, line) in b.text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "{}:{}: expected 4 columns", b.file, i + 1);
        let expected = Category::parse(cols[1])
            .unwrap_or_else(|| panic!("{}:{}: bad category {:?}", b.file, i + 1, cols[1]));
        assert_eq!(cols[3], b.split, "{}:{}: split must be {}", b.file, i + 1, b.split);
        out.push(Entry { line: i + 1, name: cols[0], expected, source: cols[2] });
    }
    out
}

fn column(texts: &[&'static str], col: usize) -> impl Iterator<Item = &'static str> {
    texts
        .iter()
        .copied()
        .flat_map(str::lines)
        .filter(|l| !l.starts_with('#'))
        .filter_map(move |l| l.split('\t').nth(col))
}

/// The repository part of a source (`github:owner/name@commit`).
fn repo_of(source: &str) -> &str {
    source.split_whitespace().next().unwrap_or_default().split('@').next().unwrap_or_default()
}

/// Unique names, none from an earlier corpus, sources from repositories not used before.
pub fn check_fresh(b: &Batch) {
    let c = entries(b);
    assert!(c.len() >= b.min_names, "{} has {} names", b.split, c.len());
    let earlier: BTreeSet<&str> = column(b.earlier_names, 0).collect();
    let earlier_repos: BTreeSet<&str> =
        column(b.earlier_sources, 2).map(repo_of).filter(|r| r.starts_with("github:")).collect();
    let mut names = BTreeSet::new();
    for e in &c {
        assert!(names.insert(e.name), "duplicate name at line {}", e.line);
        assert!(!earlier.contains(e.name), "line {} repeats a name of an earlier corpus", e.line);
        assert!(e.source.starts_with("github:"), "line {} has no source", e.line);
        let repo = repo_of(e.source);
        assert!(
            !earlier_repos.contains(repo),
            "line {}: {repo} was used by an earlier corpus",
            e.line
        );
    }
}

/// Score the batch with the embedded rules; print accuracy, per category and every miss;
/// fail below the first score or the development floor (later rule changes may raise them,
/// never lower them).
#[allow(dead_code)]
pub fn score(b: &Batch) {
    score_hiding(b, &[]);
}

/// [`score`], but the misses of rows from the `hidden` repositories (a set-aside third still
/// held back) are counted, never printed.
#[allow(dead_code)]
pub fn score_hiding(b: &Batch, hidden: &[&str]) {
    let tax = Taxonomy::embedded();
    let c = entries(b);
    let mut per_cat: BTreeMap<Category, (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut hidden_misses = 0usize;
    for e in &c {
        let (got, rule) = tax.classify_explained(e.name);
        let slot = per_cat.entry(e.expected).or_default();
        slot.1 += 1;
        if got == e.expected {
            slot.0 += 1;
        } else if hidden.contains(&repo_of(e.source)) {
            hidden_misses += 1;
        } else {
            wrong.push(format!(
                "  line {}: expected {} got {} (rule {}): {}",
                e.line, e.expected, got, rule, e.name
            ));
        }
    }
    let ok = c.len() - wrong.len() - hidden_misses;
    let pct = ok as f64 * 100.0 / c.len() as f64;
    eprintln!("{}: {ok}/{} correct = {pct:.2} %", b.split, c.len());
    for (cat, (good, all)) in &per_cat {
        eprintln!("  {cat:<13} {good}/{all}");
    }
    if hidden_misses > 0 {
        eprintln!("  ({hidden_misses} misses of set-aside rows not printed)");
    }
    if !wrong.is_empty() {
        eprintln!("{} misses:\n{}", b.split, wrong.join("\n"));
    }
    assert!(
        ok >= b.first_score,
        "{} fell below its first score: {ok} < {}",
        b.split,
        b.first_score
    );
    if let Some(dev) = b.dev_floor {
        assert!(ok >= dev, "{} fell below its development floor: {ok} < {dev}", b.split);
    }
}

/// A round's set-aside third: `listed` must be the draw (the batch's source repositories sorted by
/// FNV-1a-64 of `github:owner/name`, the first ceil(n/3)).
#[allow(dead_code)]
pub fn check_set_aside_draw(b: &Batch, listed: &[&str]) {
    let mut repos: Vec<&str> = entries(b).iter().map(|e| repo_of(e.source)).collect();
    repos.sort_unstable();
    repos.dedup();
    repos.sort_by_key(|r| perfpilot_io::fnv1a64(r.as_bytes()));
    let mut drawn = repos[..repos.len().div_ceil(3)].to_vec();
    let mut listed = listed.to_vec();
    drawn.sort_unstable();
    listed.sort_unstable();
    assert_eq!(drawn, listed, "{}: the set-aside list is not the FNV-1a-64 draw", b.split);
}

/// `(right, total)` over the rows whose repository `keep` accepts, with the embedded rules.
/// Counts only: a set-aside third's misses are not printed (read once, at its round's end).
#[allow(dead_code)]
pub fn count_right(b: &Batch, keep: impl Fn(&str) -> bool) -> (usize, usize) {
    let tax = Taxonomy::embedded();
    let rows: Vec<_> = entries(b).into_iter().filter(|e| keep(repo_of(e.source))).collect();
    let right = rows.iter().filter(|e| tax.classify(e.name) == e.expected).count();
    (right, rows.len())
}

/// The test body of a set-aside third: check the draw, then print the third's and the other two
/// thirds' counts (never their rows) and assert the third holds `names` names.
#[allow(dead_code)]
pub fn report_set_aside(b: &Batch, set_aside: &[&str], names: usize) {
    check_set_aside_draw(b, set_aside);
    let aside = count_right(b, |r| set_aside.contains(&r));
    let dev = count_right(b, |r| !set_aside.contains(&r));
    eprintln!("{} set-aside third: {}/{}", b.split, aside.0, aside.1);
    eprintln!("{} other two thirds: {}/{}", b.split, dev.0, dev.1);
    assert_eq!(aside.1, names);
}
