//! Interleaved servers (round 33): a log in which several server actors of one harness print
//! their start-ups at the same time. Ray prefixes every line an actor prints with the actor's
//! class name and pid (`(vLLMHttpServer pid=542833) …`, `(… pid=N, ip=A)` for a remote node),
//! and a harness that starts one server per replica (verl's `vLLMHttpServer` /
//! `SGLangHttpServer` actors, `[[server_actor]]` in `data/frameworks.toml`) gives a log whose
//! servers' lines interleave. Each actor's lines are one stream, read as one start: the streams
//! are taken one after the other, in the order they first print, and each stream after the
//! first opens a launch of its own. Lines with no such prefix (the trainer's, Ray's own) go with
//! the stream of the prefixed line before them.

use perfpilot_launchlog::LaunchEvent;

/// The outer Ray actor prefix of a line (`vLLMHttpServer pid=542833`, `… pid=N, ip=A`), when the
/// actor's class name is one of `labels`: the text between the parentheses. Terminal colour
/// codes before the prefix are skipped.
pub(crate) fn actor_of<'a>(labels: &[String], raw: &'a str) -> Option<&'a str> {
    let mut s = raw.trim_start();
    // Ray colours the prefix: `ESC[36m(vLLMHttpServer pid=1)ESC[0m` (one or more SGR codes).
    while let Some(rest) = s.strip_prefix('\u{1b}') {
        let end = rest.find('m')?;
        s = &rest[end + 1..];
    }
    let inner = s.strip_prefix('(')?;
    let close = inner.find(')')?;
    let inner = &inner[..close];
    let (label, rest) = inner.split_once(" pid=")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && labels.iter().any(|l| l == label)).then_some(inner)
}

/// Reorders `events` stream by stream when the log holds two server actors or more, and returns
/// per event (in the new order) whether it is the first event of a stream after the first (it
/// opens a launch). An empty vector, and the events untouched, when there is one stream or none.
pub(crate) fn by_stream(events: &mut Vec<&LaunchEvent>, labels: &[String]) -> Vec<bool> {
    if labels.is_empty() {
        return Vec::new();
    }
    let mut names: Vec<&str> = Vec::new();
    let mut of = Vec::with_capacity(events.len());
    let mut current = 0usize;
    for e in events.iter() {
        if let Some(actor) = actor_of(labels, &e.raw) {
            current = match names.iter().position(|n| *n == actor) {
                Some(i) => i,
                None => {
                    names.push(actor);
                    names.len() - 1
                }
            };
        }
        of.push(current);
    }
    if names.len() < 2 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| of[i]);
    let sorted: Vec<&LaunchEvent> = order.iter().map(|&i| events[i]).collect();
    let mut opens = vec![false; sorted.len()];
    for (k, &i) in order.iter().enumerate() {
        opens[k] = of[i] > 0 && (k == 0 || of[order[k - 1]] != of[i]);
    }
    *events = sorted;
    opens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        crate::rules::Rules::embedded().expect("frameworks.toml parses").server_actors()
    }

    #[test]
    fn the_data_file_names_the_actors_with_sources() {
        let r = crate::rules::Rules::embedded().unwrap();
        assert!(!r.server_actor.is_empty());
        assert!(r.server_actor.iter().all(|a| !a.source.is_empty() && !a.label.is_empty()));
    }

    #[test]
    fn the_outer_actor_prefix_names_the_stream() {
        let l = labels();
        let raw = "\u{1b}[36m(vLLMHttpServer pid=542833)\u{1b}[0m (Worker pid=550429) INFO x";
        assert_eq!(actor_of(&l, raw), Some("vLLMHttpServer pid=542833"));
        let remote = "(SGLangHttpServer pid=77, ip=10.0.0.2) INFO y";
        assert_eq!(actor_of(&l, remote), Some("SGLangHttpServer pid=77, ip=10.0.0.2"));
        // A worker of one start (many pids under one label) and a line with no prefix: none.
        assert_eq!(actor_of(&l, "(RayWorkerWrapper pid=9) INFO z"), None);
        assert_eq!(actor_of(&l, "INFO (vLLMHttpServer pid=1) quoted"), None);
        assert_eq!(actor_of(&l, "(vLLMHttpServer pid=) INFO"), None);
    }
}
