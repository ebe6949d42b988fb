//! Next-step templates: `{name}` is replaced by a fact; a `[[…]]` part is dropped when a
//! fact it names is unknown, so a template reads well with or without the numbers.

use std::collections::BTreeMap;

/// Expand `template` with `facts`.
pub(crate) fn expand(template: &str, facts: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("[[") {
        out.push_str(&fill(&rest[..open], facts).unwrap_or_default());
        let after = &rest[open + 2..];
        let Some(close) = after.find("]]") else {
            // Unbalanced: keep the text as written.
            out.push_str(&rest[open..]);
            return out;
        };
        if let Some(part) = fill(&after[..close], facts) {
            out.push_str(&part);
        }
        rest = &after[close + 2..];
    }
    if let Some(s) = fill(rest, facts) {
        out.push_str(&s);
    } else {
        // Outside an optional part a missing fact stays visible as its name.
        out.push_str(rest);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Replace every `{name}`; `None` when a name has no fact.
fn fill(text: &str, facts: &BTreeMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            out.push('{');
            rest = after;
            continue;
        }
        out.push_str(facts.get(name)?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The `{name}` placeholders a template uses.
pub(crate) fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            names.push(name.to_string());
        }
        rest = &after[close + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_parts_drop_without_facts() {
        let t = "Lower --max-model-len[[ to {est} or less]], or raise --gpu-memory-utilization.";
        let mut f = BTreeMap::new();
        assert_eq!(expand(t, &f), "Lower --max-model-len, or raise --gpu-memory-utilization.");
        f.insert("est".to_string(), "122080".to_string());
        assert_eq!(
            expand(t, &f),
            "Lower --max-model-len to 122080 or less, or raise --gpu-memory-utilization."
        );
        assert_eq!(placeholders(t), vec!["est"]);
    }

    #[test]
    fn json_braces_survive() {
        let f = BTreeMap::new();
        assert_eq!(expand("pass {\"a\": 1}", &f), "pass {\"a\": 1}");
    }
}
