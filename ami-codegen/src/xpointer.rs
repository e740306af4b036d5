//! The XPointer paths of Asterisk's `xi:include` elements: [`parse`] reads
//! one, [`select`] evaluates it on a [`Doc`].
//!
//! The forms that occur in Asterisk's files are paths of element steps from
//! the document (`xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='ActionID'])`),
//! with predicates `[@attr='value']`, `[N]` and `[contains(@attr, 'text')]`,
//! ending in an element, `node()` or `text()`. One path in the wild is
//! relative (`docs/managerEvent[...]`); an XPointer is evaluated with the
//! document as its context, so it resolves the same way.
//!
//! The generator ([`crate::resolve::xinclude`]) and the project's
//! `ami-spec-extract` tool, which decides which includes `spec/` keeps, share
//! this one reading of the paths.

use crate::parse::{Doc, Node, NodeId};

/// What a step selects among the children of its context node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// Elements with this name, e.g. `parameter`.
    Name(String),
    /// `node()`: every child.
    AnyNode,
    /// `text()`: text children.
    Text,
}

/// A predicate in brackets after a step's test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pred {
    /// `[@attr='value']`.
    AttrEq(String, String),
    /// `[N]`, 1-based, counted among the nodes the test matched.
    Position(usize),
    /// `[contains(@attr, 'text')]`.
    AttrContains(String, String),
}

/// One `/`-separated step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What the step selects.
    pub test: Test,
    /// Filters applied in order to what the test matched.
    pub preds: Vec<Pred>,
}

impl Step {
    /// The element name the step selects, `None` for `node()` and `text()`.
    pub fn name(&self) -> Option<&str> {
        match &self.test {
            Test::Name(name) => Some(name),
            Test::AnyNode | Test::Text => None,
        }
    }
}

/// Parses `xpointer(PATH)` into its steps; the error says what is not
/// supported.
pub fn parse(xpointer: &str) -> Result<Vec<Step>, String> {
    let inner = xpointer
        .trim()
        .strip_prefix("xpointer(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("unsupported xpointer form {xpointer:?}"))?;
    let path = inner.trim().trim_start_matches('/');
    let mut steps = Vec::new();
    for raw in split_steps(path) {
        steps.push(parse_step(&raw).ok_or_else(|| format!("unsupported step {raw:?} in {xpointer:?}"))?);
    }
    if steps.is_empty() {
        return Err(format!("empty path in {xpointer:?}"));
    }
    Ok(steps)
}

/// The nodes `steps` select, in document order, with the document node
/// (parent of the root element) as context. `None` when a context node on
/// the way satisfies `blocked` (the generator passes "has an unresolved
/// include child": the answer may change once it is resolved).
pub fn select(doc: &Doc, steps: &[Step], blocked: impl Fn(NodeId) -> bool) -> Option<Vec<NodeId>> {
    let mut set = vec![0];
    for step in steps {
        let mut next = Vec::new();
        for &ctx in &set {
            if blocked(ctx) {
                return None;
            }
            let mut current: Vec<NodeId> = doc
                .children(ctx)
                .iter()
                .copied()
                .filter(|&c| match (&step.test, &doc.nodes[c]) {
                    (Test::AnyNode, _) | (Test::Text, Node::Text(_)) => true,
                    (Test::Name(n), Node::Element { name, .. }) => name == n,
                    _ => false,
                })
                .collect();
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
    }
    Some(set)
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

    #[test]
    fn step_parsing() {
        let s = parse("xpointer(/docs/manager[@name='A/B']/syntax/parameter[2])").unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(s[1].preds, [Pred::AttrEq("name".into(), "A/B".into())]);
        assert_eq!(s[3].preds, [Pred::Position(2)]);
        let s = parse("xpointer(docs/x[contains(@name, 'R')]/synopsis/node())").unwrap();
        assert_eq!(s[1].preds, [Pred::AttrContains("name".into(), "R".into())]);
        assert_eq!((s[0].name(), s[3].test.clone()), (Some("docs"), Test::AnyNode));
        assert!(parse("element(/1/2)").is_err());
        assert!(parse("xpointer(/docs/a[last()])").is_err());
    }

    #[test]
    fn selection_in_document_order() {
        let doc = Doc::parse(r#"<docs><a name="x"/><b/><a name="y"/><a name="xy"/></docs>"#, Path::new("t")).unwrap();
        let names = |xp: &str| -> Vec<&str> {
            let found = select(&doc, &parse(xp).unwrap(), |_| false).unwrap();
            found.iter().map(|&n| doc.attr(n, "name").unwrap()).collect()
        };
        assert_eq!(names("xpointer(/docs/a)"), ["x", "y", "xy"]);
        assert_eq!(names("xpointer(/docs/a[contains(@name, 'x')][2])"), ["xy"]);
        assert!(names("xpointer(/docs/a[@name='z'])").is_empty());
        assert_eq!(select(&doc, &parse("xpointer(/docs/a)").unwrap(), |n| n == doc.root), None);
    }
}
