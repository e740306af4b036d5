//! Resolves the same-document `<xi:include xpointer="xpointer(...)"/>`
//! elements inside `manager` and `managerEvent` definitions; the paths are
//! read and evaluated by [`crate::xpointer`].
//!
//! The selected nodes replace the include in place. They are shared, not
//! copied, so an include inside an included subtree is resolved once for
//! every place that subtree appears. Includes whose path goes through a
//! not-yet-resolved include wait for a later pass.

use std::collections::HashSet;

use crate::parse::{Doc, NodeId};
use crate::xpointer;

/// What could not be resolved (each one is dropped from the tree).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IncludeReport {
    /// Includes that were replaced by their targets.
    pub resolved: usize,
    /// `(xpointer, reason)` for includes that were dropped.
    pub dropped: Vec<(String, String)>,
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
                Err("includes of other documents are not supported".to_string())
            } else {
                xpointer::parse(&xp).map(|steps| {
                    xpointer::select(doc, &steps, |ctx| doc.children(ctx).iter().any(|&c| is_include(doc, c)))
                })
            };
            match outcome {
                // The path crosses an include not resolved yet.
                Ok(None) => continue,
                Ok(Some(targets)) => {
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
                Err(reason) => {
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
}
