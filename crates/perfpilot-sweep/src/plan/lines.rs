//! Where a key sits in the YAML text: a light scan of block mappings that maps each
//! dotted key path (`frameworks.sglang.search_space.tp_size`) to its 1-based line.

use std::collections::HashMap;

/// Dotted key path → first line where it appears.
#[derive(Debug, Default, Clone)]
pub struct LineIndex {
    lines: HashMap<String, u64>,
}

impl LineIndex {
    /// Index `text`. Flow mappings (`{a: 1}`) are not entered; their keys resolve to the
    /// line of the enclosing key.
    pub fn new(text: &str) -> LineIndex {
        let mut lines = HashMap::new();
        let mut stack: Vec<(usize, String)> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let no_comment = strip_comment(raw);
            let trimmed = no_comment.trim_start();
            if trimmed.is_empty() || trimmed.starts_with("---") {
                continue;
            }
            let mut indent = no_comment.len() - trimmed.len();
            let mut body = trimmed;
            while let Some(rest) = body.strip_prefix("- ") {
                indent += 2;
                body = rest.trim_start();
            }
            let Some(key) = key_of(body) else { continue };
            while stack.last().is_some_and(|(d, _)| *d >= indent) {
                stack.pop();
            }
            stack.push((indent, key));
            let path = stack.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>().join(".");
            lines.entry(path).or_insert(i as u64 + 1);
        }
        LineIndex { lines }
    }

    /// The line of `path`, or of its nearest indexed parent.
    pub fn line(&self, path: &str) -> Option<u64> {
        let mut p = path;
        loop {
            if let Some(l) = self.lines.get(p) {
                return Some(*l);
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
}

fn strip_comment(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && (i == 0 || line[..i].ends_with([' ', '\t'])) => {
                return &line[..i];
            }
            _ => {}
        }
    }
    line
}

fn key_of(body: &str) -> Option<String> {
    let (key, rest) = if let Some(q) = body.strip_prefix('"') {
        let end = q.find('"')?;
        (&q[..end], &q[end + 1..])
    } else if let Some(q) = body.strip_prefix('\'') {
        let end = q.find('\'')?;
        (&q[..end], &q[end + 1..])
    } else {
        let end = body.find(':')?;
        (&body[..end], &body[end..])
    };
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) || key.contains(['{', '[', ',']) {
        return None;
    }
    Some(key.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_and_parents() {
        let text = "a: 1\nb:\n  c: 2 # note\n  d:\n    - e: 3\n      f: 4\nurl: \"http://x:1\"\n";
        let ix = LineIndex::new(text);
        assert_eq!(ix.line("a"), Some(1));
        assert_eq!(ix.line("b.c"), Some(3));
        assert_eq!(ix.line("b.d.e"), Some(5));
        assert_eq!(ix.line("b.d.f"), Some(6));
        assert_eq!(ix.line("b.c.zzz"), Some(3));
        assert_eq!(ix.line("url"), Some(7));
        assert_eq!(ix.line("nope"), None);
    }
}
