//! The timeline: launch events (from the shared launch parser), phase markers, failures
//! and their consequences, in line order; long logs keep the rows around the first failure.

use crate::analyze::{FileIn, short};
use crate::catalogue::Catalogue;
use crate::launch;
use crate::logs::line::short_hash;
use crate::report::{Finding, TimelineEntry, TimelineKind};

struct Row {
    file: usize,
    line: u64,
    stamp: Option<String>,
    ranks: Vec<String>,
    kind: TimelineKind,
    what: String,
    /// Merge key for consecutive rows (launch events of several ranks).
    merge: Option<String>,
}

/// Build the timeline; returns the rows kept and how many were left out.
pub(crate) fn build(
    cat: &Catalogue,
    files: &[FileIn],
    findings: &[Finding],
    limit: usize,
) -> (Vec<TimelineEntry>, u64) {
    let mut rows: Vec<Row> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for e in &f.facts.launch.events {
            if let Some(what) = launch::event_summary(&e.event) {
                rows.push(Row {
                    file: fi,
                    line: e.line,
                    stamp: stamp_of(&e.raw),
                    ranks: vec![e.rank.label()],
                    kind: TimelineKind::Launch,
                    // one row per event printed by every rank in the same second
                    merge: Some(format!(
                        "{}@{}",
                        e.event.name(),
                        stamp_of(&e.raw).unwrap_or_default()
                    )),
                    what,
                });
            }
        }
        for m in &f.facts.markers {
            rows.push(Row {
                file: fi,
                line: m.no,
                stamp: m.stamp.clone(),
                ranks: vec![m.rank.clone()],
                kind: TimelineKind::Marker,
                merge: Some(format!("marker-{}", cat.markers[m.marker].id)),
                what: cat.markers[m.marker].label.clone(),
            });
        }
    }
    let index = |path: &str| files.iter().position(|f| f.path == path).unwrap_or(0);
    for f in findings {
        let kind = if f.severity == crate::class::Severity::Fatal {
            TimelineKind::Failure
        } else {
            TimelineKind::Repeat
        };
        let text = f
            .signal
            .iter()
            .find(|s| s.file == f.first.file && s.line == f.first.line)
            .or(f.signal.first());
        rows.push(Row {
            file: index(&f.first.file),
            line: f.first.line,
            stamp: f.first.stamp.clone(),
            ranks: vec![f.first.rank.clone()],
            kind,
            merge: None,
            what: format!("{}: {}", f.class, text.map_or(f.title.clone(), |t| short(&t.text))),
        });
        if let Some(last) = f.facts.get("last_seen")
            && f.events > 1
        {
            // `PATH:LINE STAMP`, where PATH is one of the files read (it may hold spaces).
            let located = files.iter().enumerate().find_map(|(i, file)| {
                let rest = last.strip_prefix(file.path.as_str())?.strip_prefix(':')?;
                let (line, stamp) = rest.split_once(' ').unwrap_or((rest, ""));
                Some((i, line.parse::<u64>().ok()?, stamp))
            });
            if let Some((file, line, stamp)) = located {
                rows.push(Row {
                    file,
                    line,
                    stamp: (!stamp.is_empty()).then(|| stamp.to_string()),
                    ranks: vec![],
                    kind,
                    merge: None,
                    what: format!("{}: last of {} events", f.class, f.events),
                });
            }
        }
        for c in &f.consequences {
            rows.push(Row {
                file: index(&c.file),
                line: c.line,
                stamp: None,
                ranks: vec![],
                kind: TimelineKind::Consequence,
                merge: None,
                what: short(&c.text),
            });
        }
    }
    rows.sort_by_key(|r| (r.file, r.line, r.kind));
    // A launch event on a failure's own line says the same thing twice.
    let failure_lines: Vec<(usize, u64)> =
        rows.iter().filter(|r| r.merge.is_none()).map(|r| (r.file, r.line)).collect();
    rows.retain(|r| r.merge.is_none() || !failure_lines.contains(&(r.file, r.line)));
    // Merge consecutive launch rows of the same event (one per rank).
    let mut merged: Vec<Row> = Vec::new();
    for r in rows {
        if let Some(prev) = merged.last_mut()
            && r.merge.is_some()
            && prev.merge == r.merge
            && prev.file == r.file
        {
            for rk in r.ranks {
                if !prev.ranks.contains(&rk) {
                    prev.ranks.push(rk);
                }
            }
            continue;
        }
        merged.push(r);
    }
    let total = merged.len();
    let (start, end) = if total <= limit {
        (0, total)
    } else {
        let anchor = merged.iter().position(|r| r.kind == TimelineKind::Failure).unwrap_or(0);
        let start = anchor.saturating_sub(limit * 2 / 3);
        let end = (start + limit).min(total);
        (end.saturating_sub(limit), end)
    };
    let entries = merged[start..end]
        .iter()
        .map(|r| {
            let path = files.get(r.file).map_or("", |f| f.path.as_str());
            TimelineEntry {
                id: short_hash(&[path, r.kind.as_str(), &r.what, &r.line.to_string()]),
                file: path.to_string(),
                line: r.line,
                stamp: r.stamp.clone(),
                rank: rank_label(&r.ranks),
                kind: r.kind,
                what: r.what.clone(),
            }
        })
        .collect();
    (entries, (total - (end - start)) as u64)
}

fn rank_label(ranks: &[String]) -> String {
    match ranks {
        [] => String::new(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} +{} ranks", rest.len()),
    }
}

/// The timestamp of a raw launch line, via the shared prefix reader.
fn stamp_of(raw: &str) -> Option<String> {
    crate::logs::line::split(raw).stamp().map(|s| s.text)
}
