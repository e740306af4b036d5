//! Resolves the same-document `<xi:include xpointer="xpointer(...)"/>`
//! elements inside `manager` and `managerEvent` definitions.
//!
//! The forms that occur in Asterisk's files are paths of element steps from
//! the document (`/docs/manager[@name='Login']/syntax/parameter[@name='ActionID']`),
//! with predicates `[@attr='value']`, `[N]` and `[contains(@attr, 'text')]`,
//! ending in an element, `node()` or `text()`. One path in the wild is
//! relative (`docs/managerEvent[...]`); an XPointer is evaluated with the
//! document as its context, so it resolves the same way.
//!
//! The selected nodes replace the include in place. They are shared, not
//! copied, so an include inside an included subtree is resolved once for
//! every place that subtree appears. Includes whose path goes through a
//! not-yet-resolved include wait for a later pass.

use std::collections::HashSet;

use crate::parse::{Doc, Node, NodeId};

/// What could not be resolved (each one is dropped from the tree).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IncludeReport {
    /// Includes that were replaced by their targets.
    pub resolved: usize,
    /// `(xpointer, reason)` for includes that were dropped.
    pub dropped: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    Name(String),
    AnyNode,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pred {
    AttrEq(String, String),
    Position(usize),
    AttrContains(String, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    test: Test,
    preds: Vec<Pred>,
}

enum Eval {
    Found(Vec<NodeId>),
    /// The path crosses an include not resolved yet.
    Wait,
    Fail(String),
}

/// Resolves every include reachable from `roots`.
pub fn resolve(doc: &mut Doc, roots: &[NodeId]) -> IncludeReport {
    let mut report = IncludeReport::default();
    loop {
        let pending = collect(doc, roots);
        if pending.is_empty() {
            return report;
        }
        let mut progress = false;
        for &(parent, inc) in &pending {
            let xp = doc.attr(inc, "xpointer").unwrap_or("").to_string();
            let outcome = if doc.attr(inc, "href").is_some_and(|h| !h.is_empty()) {
                Eval::Fail("includes of other documents are not supported".into())
            } else {
                match parse_xpointer(&xp) {
                    Ok(steps) => eval(doc, &steps),
                    Err(e) => Eval::Fail(e),
                }
            };
            match outcome {
                Eval::Wait => continue,
                Eval::Found(targets) => {
                    // Never splice a node into its own subtree.
                    let (ok, cyclic): (Vec<_>, Vec<_>) = targets.into_iter().partition(|&t| !reaches(doc, t, parent));
                    if !cyclic.is_empty() {
                        report.dropped.push((xp.clone(), "target contains the include itself".into()));
                    }
                    if ok.is_empty() && cyclic.is_empty() {
                        report.dropped.push((xp.clone(), "matches nothing".into()));
                    } else if !ok.is_empty() {
                        report.resolved += 1;
                    }
                    splice(doc, parent, inc, &ok);
                }
                Eval::Fail(reason) => {
                    report.dropped.push((xp, reason));
                    splice(doc, parent, inc, &[]);
                }
            }
            progress = true;
        }
        if !progress {
            // Every remaining include waits on another: a cycle.
            for &(parent, inc) in &pending {
                let xp = doc.attr(inc, "xpointer").unwrap_or("").to_string();
                report.dropped.push((xp, "include cycle".into()));
                splice(doc, parent, inc, &[]);
            }
        }
    }
}

fn is_include(doc: &Doc, id: NodeId) -> bool {
    doc.name(id).is_some_and(|n| n == "xi:include" || n.ends_with(":include") || n == "include")
}

/// `(parent, include)` pairs reachable from `roots`, in document order.
fn collect(doc: &Doc, roots: &[NodeId]) -> Vec<(NodeId, NodeId)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<NodeId> = roots.iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for &c in doc.children(id).iter() {
            if is_include(doc, c) {
                out.push((id, c));
            }
        }
        stack.extend(doc.children(id).iter().rev().copied().filter(|&c| !is_include(doc, c)));
    }
    out
}

fn reaches(doc: &Doc, from: NodeId, to: NodeId) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![from];
    while let Some(id) = stack.pop() {
        if id == to {
            return true;
        }
        if seen.insert(id) {
            stack.extend_from_slice(doc.children(id));
        }
    }
    false
}

fn splice(doc: &mut Doc, parent: NodeId, inc: NodeId, targets: &[NodeId]) {
    let children = doc.children_mut(parent);
    if let Some(pos) = children.iter().position(|&c| c == inc) {
        children.splice(pos..=pos, targets.iter().copied());
    }
}

fn eval(doc: &Doc, steps: &[Step]) -> Eval {
    // Node 0 is the document node, parent of the root element.
    let mut set = vec![0usize];
    for step in steps {
        let mut next = Vec::new();
        for &ctx in &set {
            if doc.children(ctx).iter().any(|&c| is_include(doc, c)) {
                return Eval::Wait;
            }
            let matched: Vec<NodeId> = doc
                .children(ctx)
                .iter()
                .copied()
                .filter(|&c| match (&step.test, &doc.nodes[c]) {
                    (Test::AnyNode, _) => true,
                    (Test::Text, Node::Text(_)) => true,
                    (Test::Name(n), Node::Element { name, .. }) => name == n,
                    _ => false,
                })
                .collect();
            let mut current = matched;
            for pred in &step.preds {
                current = match pred {
                    Pred::Position(p) => current.get(p - 1).copied().into_iter().collect(),
                    Pred::AttrEq(k, v) => current.into_iter().filter(|&c| doc.attr(c, k) == Some(v.as_str())).collect(),
                    Pred::AttrContains(k, v) => current
                        .into_iter()
                        .filter(|&c| doc.attr(c, k).is_some_and(|a| a.contains(v.as_str())))
                        .collect(),
                };
            }
            for c in current {
                if !next.contains(&c) {
                    next.push(c);
                }
            }
        }
        set = next;
        if set.is_empty() {
            return Eval::Fail("matches nothing".into());
        }
    }
    Eval::Found(set)
}

/// Parses `xpointer(PATH)` into steps.
fn parse_xpointer(xp: &str) -> Result<Vec<Step>, String> {
    let inner = xp
        .trim()
        .strip_prefix("xpointer(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("unsupported xpointer form {xp:?}"))?;
    let path = inner.trim().trim_start_matches('/');
    let mut steps = Vec::new();
    for raw in split_steps(path) {
        steps.push(parse_step(&raw).ok_or_else(|| format!("unsupported step {raw:?} in {xp:?}"))?);
    }
    if steps.is_empty() {
        return Err(format!("empty path in {xp:?}"));
    }
    Ok(steps)
}

/// Splits on `/` outside brackets and quotes.
fn split_steps(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut depth, mut quote) = (0i32, None::<char>);
    for ch in path.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(ch),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth -= 1,
            (None, '/') if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

fn parse_step(raw: &str) -> Option<Step> {
    let (head, mut rest) = match raw.find('[') {
        Some(i) => (&raw[..i], &raw[i..]),
        None => (raw, ""),
    };
    let test = match head.trim() {
        "node()" => Test::AnyNode,
        "text()" => Test::Text,
        n if !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || "-_:.".contains(c)) => Test::Name(n.to_string()),
        _ => return None,
    };
    let mut preds = Vec::new();
    while !rest.is_empty() {
        let end = matching_bracket(rest)?;
        preds.push(parse_pred(rest[1..end].trim())?);
        rest = rest[end + 1..].trim_start();
    }
    Some(Step { test, preds })
}

fn matching_bracket(s: &str) -> Option<usize> {
    let (mut depth, mut quote) = (0i32, None::<char>);
    for (i, ch) in s.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(ch),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn unquote(s: &str) -> Option<String> {
    let s = s.trim();
    let q = s.chars().next()?;
    if (q == '\'' || q == '"') && s.len() >= 2 && s.ends_with(q) {
        Some(s[1..s.len() - 1].to_string())
    } else {
        None
    }
}

fn parse_pred(p: &str) -> Option<Pred> {
    if let Ok(n) = p.parse::<usize>() {
        return (n > 0).then_some(Pred::Position(n));
    }
    if let Some(args) = p.strip_prefix("contains(").and_then(|s| s.strip_suffix(')')) {
        let (a, v) = args.split_once(',')?;
        let attr = a.trim().strip_prefix('@')?.to_string();
        return Some(Pred::AttrContains(attr, unquote(v)?));
    }
    let (a, v) = p.split_once('=')?;
    let attr = a.trim().strip_prefix('@')?.to_string();
    Some(Pred::AttrEq(attr, unquote(v)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const XML: &str = r#"<docs xmlns:xi="http://www.w3.org/2001/XInclude">
  <manager name="Login"><syntax><parameter name="ActionID"><para>id</para></parameter><parameter name="Username" required="true"/></syntax></manager>
  <manager name="Ping"><synopsis><xi:include xpointer="xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='ActionID']/para[1]/text())"/></synopsis>
    <syntax><xi:include xpointer="xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='ActionID'])"/></syntax></manager>
  <managerEvent name="A"><managerEventInstance class="EVENT_FLAG_CALL"><syntax>
    <xi:include xpointer="xpointer(docs/managerEvent[@name='B']/managerEventInstance/syntax/parameter)"/>
    <xi:include xpointer="xpointer(/docs/managerEvent[@name='B']/managerEventInstance/syntax/parameter[contains(@name, 'Rep')])"/>
  </syntax></managerEventInstance></managerEvent>
  <managerEvent name="B"><managerEventInstance class="EVENT_FLAG_CALL"><syntax>
    <xi:include xpointer="xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='Username'])"/>
    <parameter name="Report1"/></syntax></managerEventInstance></managerEvent>
  <manager name="Bad"><syntax><xi:include xpointer="xpointer(/docs/manager[@name='Nope']/syntax/parameter)"/></syntax></manager>
</docs>"#;

    fn names(doc: &Doc, syntax: NodeId) -> Vec<String> {
        doc.elements(syntax, "parameter").map(|p| doc.attr(p, "name").unwrap().to_string()).collect()
    }

    #[test]
    fn resolves_parameters_sets_text_and_relative_paths() {
        let mut doc = Doc::parse(XML, Path::new("t")).unwrap();
        let roots: Vec<_> = doc.children(doc.root).to_vec();
        let report = resolve(&mut doc, &roots);
        assert_eq!(report.resolved, 5, "{report:?}");
        assert_eq!(report.dropped.len(), 1);
        let m: Vec<_> = doc.elements(doc.root, "manager").collect();
        let ping_syntax = doc.element(m[1], "syntax").unwrap();
        assert_eq!(names(&doc, ping_syntax), ["ActionID"]);
        assert_eq!(doc.text_trimmed(doc.element(m[1], "synopsis").unwrap()), "id");
        let a = doc.elements(doc.root, "managerEvent").next().unwrap();
        let a_syntax = doc.element(doc.element(a, "managerEventInstance").unwrap(), "syntax").unwrap();
        // B's own include is resolved before A copies B's parameters.
        assert_eq!(names(&doc, a_syntax), ["Username", "Report1", "Report1"]);
        let bad_syntax = doc.element(m[2], "syntax").unwrap();
        assert!(doc.children(bad_syntax).is_empty());
    }

    #[test]
    fn step_parsing() {
        let s = parse_xpointer("xpointer(/docs/manager[@name='A/B']/syntax/parameter[2])").unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(s[1].preds, [Pred::AttrEq("name".into(), "A/B".into())]);
        assert_eq!(s[3].preds, [Pred::Position(2)]);
        assert!(parse_xpointer("element(/1/2)").is_err());
    }
}
