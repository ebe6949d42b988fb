//! A second start with no repeated header (round 19): the processes an engine starts once per
//! start (`[[start_process]]` in `data/frameworks.toml`: vLLM V1's engine core, its API server), told by their
//! log prefix `(EngineCore pid=N)`. The same label with another pid, after the first pid's
//! lines filed values, is a second start of the engine pasted after the first (two windows of
//! two engine processes in one paste; vllm#57047).

use crate::stated::StatedValue;
use std::collections::{BTreeMap, BTreeSet};

/// Whether a process label names a process an engine starts once per start (one of `labels`).
fn once_per_start(labels: &[String], label: &str) -> bool {
    labels.iter().any(|l| match l.strip_suffix('#') {
        Some(head) => label
            .strip_prefix(head)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        None => label == l,
    })
}

/// The process name and pid of a line's vLLM prefix (`(EngineCore pid=1904) INFO …`,
/// `(EngineCore_DP0 pid=387)`), when the name is a once-per-start process's.
fn split<'a>(labels: &[String], raw: &'a str) -> Option<(&'a str, &'a str)> {
    let at = raw.find(" pid=")?;
    let open = raw[..at].rfind('(')?;
    let label = &raw[open + 1..at];
    let rest = &raw[at + 5..];
    let pid = &rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len())];
    (once_per_start(labels, label) && !pid.is_empty()).then_some((label, pid))
}

/// The pids seen per once-per-start label in a paste.
#[derive(Default)]
pub(crate) struct StartPids {
    /// The labels of the once-per-start processes (`Rules::start_labels`).
    labels: Vec<String>,
    /// The launch markers a process prints once when it starts (`Rules::start_markers`).
    markers: Vec<String>,
    /// Per label, the pid of the current launch's process and every pid seen so far.
    by_label: BTreeMap<String, (String, BTreeSet<String>)>,
}

impl StartPids {
    /// No pid seen yet; `labels` name the once-per-start processes, `markers` the launch
    /// markers a process prints once when it starts.
    pub(crate) fn new(labels: Vec<String>, markers: Vec<String>) -> Self {
        Self { labels, markers, by_label: BTreeMap::new() }
    }

    /// Whether a launch marker (a `form = "launch"` rule's key) is a line a process prints once
    /// when it starts (llama.cpp's `build:` line, Ollama's runner command): printed again after
    /// the run logged values, the process was started again.
    pub(crate) fn process_marker(&self, key: &str) -> bool {
        self.markers.iter().any(|m| m == key)
    }

    /// Whether an event's line (`raw`) comes from a new process of a once-per-start role:
    /// another pid than the one seen before under that label, never seen in the paste before
    /// (lines of the earlier process printed later stay where they are). Records the pid.
    pub(crate) fn new_start(&mut self, raw: &str) -> bool {
        let Some((label, pid)) = split(&self.labels, raw) else { return false };
        let entry = self.by_label.entry(label.to_string()).or_default();
        let fresh = !entry.1.contains(pid);
        let opens = fresh && !entry.0.is_empty() && entry.0 != pid;
        if fresh {
            entry.0 = pid.to_string();
            entry.1.insert(pid.to_string());
        }
        opens
    }

    /// A new launch opened: no process of it is known yet, so the first pid of each label seen
    /// from now on is the new launch's own (a start announced by its command, or opened by its
    /// API server's new pid, runs its engine core under a pid never seen before: one start, not
    /// two). Pids seen before stay seen: an earlier process's later lines open nothing.
    pub(crate) fn next_launch(&mut self) {
        for entry in self.by_label.values_mut() {
            entry.0.clear();
        }
    }

    /// Takes the once-per-start process of the line that opened a launch as that launch's (a
    /// process that sized its cache again starts the next launch under its own pid; a fresh pid
    /// is taken by `new_start` on its first line). An earlier process's late line after a launch
    /// opened elsewhere (at its command) is not the new launch's process.
    pub(crate) fn claim(&mut self, raw: &str) {
        let Some((label, pid)) = split(&self.labels, raw) else { return };
        let entry = self.by_label.entry(label.to_string()).or_default();
        if entry.0.is_empty() {
            entry.0 = pid.to_string();
            entry.1.insert(pid.to_string());
        }
    }
}

/// llama.cpp loads a model's tensors (`load_tensors: CUDA0 model buffer size = …`, one line
/// per device) before it creates the context and sizes its KV cache: model buffers printed after
/// the last KV sizing of a launch, when a later launch follows, are the next start's model (the
/// splitter opens that launch at its context, `: n_ctx`, a line or more after the buffers;
/// ik_llama.cpp#344: a CUDA run, then a CPU run's `CPU buffer size` before its context).
/// Buffers printed before the process of the next launch started (`process_at`: the first
/// line of a once-per-start marker of that launch, Ollama's runner command) stay: the next
/// process had not loaded anything yet, so they are this start's, whose sizing line came
/// before its load (Ollama's server logs its `kv cache` estimate before the runner loads, and
/// an embedding model's runner sizes no KV cache after it).
pub(crate) fn late_model_buffers(
    values: &mut [StatedValue],
    last_sized: &BTreeMap<u32, u64>,
    process_at: &BTreeMap<u32, u64>,
) {
    let last = values.iter().map(|v| v.launch).max().unwrap_or(0);
    for v in values.iter_mut() {
        if v.key == "model_buffer"
            && v.launch < last
            && last_sized.get(&v.launch).is_some_and(|&at| v.line > at)
            && process_at.get(&(v.launch + 1)).is_none_or(|&at| v.line > at)
        {
            v.launch += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        crate::rules::Rules::embedded().expect("frameworks.toml parses").start_labels()
    }

    #[test]
    fn the_data_file_lists_the_processes_with_sources() {
        let r = crate::rules::Rules::embedded().unwrap();
        assert!(!r.start_process.is_empty());
        assert!(r.start_process.iter().all(|e| !e.source.is_empty()));
        let l = labels();
        assert!(once_per_start(&l, "EngineCore_DP3") && once_per_start(&l, "EngineCore"));
        assert!(!once_per_start(&l, "EngineCore_DPx") && !once_per_start(&l, "VllmWorkerProcess"));
        assert!(r.start_marker.iter().all(|m| !m.source.is_empty()));
        assert!(!r.start_preamble.is_empty());
        assert!(r.start_preamble.iter().all(|m| !m.source.is_empty() && !m.phrase.is_empty()));
        assert!(!r.pool_resize.is_empty());
        assert!(r.pool_resize.iter().all(|m| !m.source.is_empty() && !m.phrase.is_empty()));
        let s = StartPids::new(l, r.start_markers());
        assert!(s.process_marker("llama_build") && !s.process_marker("command"));
    }

    #[test]
    fn a_second_pid_of_one_role_is_a_new_start() {
        let mut s = StartPids::new(labels(), Vec::new());
        let line = |p: &str| format!("({p}) INFO 09-16 12:14:29 [model_runner.py:428] x");
        assert!(!s.new_start(&line("EngineCore pid=1904")));
        assert!(!s.new_start(&line("EngineCore pid=1904")));
        assert!(!s.new_start(&line("VllmWorkerProcess pid=7")));
        assert!(!s.new_start(&line("VllmWorkerProcess pid=8")));
        assert!(!s.new_start(&line("EngineCore_DP1 pid=9")));
        assert!(s.new_start(&line("EngineCore pid=23853")));
        // The first process's later lines open nothing.
        assert!(!s.new_start(&line("EngineCore pid=1904")));
    }
}
