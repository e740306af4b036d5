//! From the resolved XML tree to the model, for one file.
//!
//! Reads `manager` (actions) and every `managerEvent` reachable from the
//! document, including those defined only inside an action's `responses`.
//! Snapshot macros stay as [`SnapshotUse`] parameters for the snapshots
//! pass; duplicates stay duplicated for the merge pass.

use std::collections::HashSet;

use crate::model::{Action, EnumValue, Event, ListResponse, Param, Prose, Releases, SnapshotKind, SnapshotUse};
use crate::parse::{collapse_ws, Doc, NodeId};
use crate::prose;

/// Actions and events of one document, in document order.
#[derive(Debug, Default)]
pub struct Lowered {
    /// Every `manager` element.
    pub actions: Vec<Action>,
    /// Every `managerEvent` element reachable from the root.
    pub events: Vec<Event>,
}

fn truthy(v: Option<&str>) -> bool {
    v.is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "yes"))
}

fn since(doc: &Doc, id: NodeId) -> Vec<String> {
    doc.element(id, "since")
        .map(|s| doc.elements(s, "version").map(|v| doc.text_trimmed(v)).filter(|v| !v.is_empty()).collect())
        .unwrap_or_default()
}

fn prose_of(doc: &Doc, id: NodeId, with_prose: bool) -> Prose {
    if !with_prose {
        return Prose::default();
    }
    let synopsis = doc.element(id, "synopsis").map(|s| prose::inline(doc, s)).filter(|s| !s.is_empty());
    let description = doc.element(id, "description").and_then(|d| prose::blocks(doc, d, &[]));
    Prose { synopsis, description }
}

/// Reads the parameters (and snapshot macro uses) of a `syntax` element.
fn params(doc: &Doc, syntax: NodeId, with_prose: bool) -> Vec<Param> {
    let mut out = Vec::new();
    for &c in doc.children(syntax) {
        match doc.name(c) {
            Some("parameter") => {
                let name = doc.attr(c, "name").unwrap_or("").trim().to_string();
                if name.is_empty() {
                    continue;
                }
                let values = doc
                    .element(c, "enumlist")
                    .map(|l| {
                        doc.elements(l, "enum")
                            .filter_map(|e| {
                                let n = doc.attr(e, "name")?.to_string();
                                let d =
                                    if with_prose { prose::blocks(doc, e, &["enumlist", "parameter"]) } else { None };
                                Some(EnumValue { name: n, doc: d, ..EnumValue::default() })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(Param {
                    name,
                    required: truthy(doc.attr(c, "required")),
                    multiple: truthy(doc.attr(c, "multiple")),
                    default: doc.attr(c, "default").map(collapse_ws).filter(|d| !d.is_empty()),
                    values,
                    releases: Releases::one(0),
                    doc: if with_prose { prose::blocks(doc, c, &["enumlist"]) } else { None },
                    ..Param::default()
                });
            }
            Some(tag @ ("channel_snapshot" | "bridge_snapshot")) => {
                let kind = if tag == "channel_snapshot" { SnapshotKind::Channel } else { SnapshotKind::Bridge };
                let prefix = doc.attr(c, "prefix").unwrap_or("").trim().to_string();
                out.push(Param {
                    name: format!("{prefix}<{tag}>"),
                    snapshot: Some(SnapshotUse { kind, prefix }),
                    releases: Releases::one(0),
                    ..Param::default()
                });
            }
            _ => {}
        }
    }
    out
}

fn event_names(doc: &Doc, id: NodeId) -> Vec<String> {
    doc.children(id)
        .iter()
        .filter(|&&c| doc.is(c, "managerEvent"))
        .filter_map(|&c| doc.attr(c, "name").map(str::to_string))
        .collect()
}

fn list_response(doc: &Doc, action: NodeId) -> Option<ListResponse> {
    let r = doc.element(action, "responses")?;
    let items = doc.element(r, "list-elements").map(|l| event_names(doc, l)).unwrap_or_default();
    let complete = event_names(doc, r).into_iter().next()?;
    Some(ListResponse { items, complete, ..ListResponse::default() })
}

/// Lowers one resolved document.
pub fn lower(doc: &Doc, with_prose: bool) -> Lowered {
    let mut out = Lowered::default();
    for &m in doc.children(doc.root) {
        if !doc.is(m, "manager") {
            continue;
        }
        let Some(name) = doc.attr(m, "name").map(str::trim).filter(|n| !n.is_empty()) else { continue };
        let mut ps = doc.element(m, "syntax").map(|s| params(doc, s, with_prose)).unwrap_or_default();
        ps.retain(|p| !p.name.eq_ignore_ascii_case("ActionID"));
        out.actions.push(Action {
            name: name.to_string(),
            since: since(doc, m),
            releases: Releases::one(0),
            modules: doc.attr(m, "module").map(|s| vec![s.to_string()]).unwrap_or_default(),
            params: ps,
            list: list_response(doc, m),
            prose: prose_of(doc, m, with_prose),
            ..Action::default()
        });
    }
    // Events: every managerEvent reachable from the root, once per node.
    let mut seen = HashSet::new();
    let mut stack = vec![doc.root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if doc.is(id, "managerEvent") {
            if let Some(e) = lower_event(doc, id, with_prose) {
                out.events.push(e);
            }
            continue;
        }
        stack.extend(doc.children(id).iter().rev().copied().filter(|&c| doc.name(c).is_some()));
    }
    out
}

fn lower_event(doc: &Doc, id: NodeId, with_prose: bool) -> Option<Event> {
    let name = doc.attr(id, "name")?.trim().to_string();
    if name.is_empty() {
        return None;
    }
    let mut e = Event { name, releases: Releases::one(0), ..Event::default() };
    if let Some(m) = doc.attr(id, "module") {
        e.modules.push(m.to_string());
    }
    for inst in doc.elements(id, "managerEventInstance") {
        if let Some(c) = doc.attr(inst, "class") {
            for class in c.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                if !e.classes.iter().any(|x| x == class) {
                    e.classes.push(class.to_string());
                }
            }
        }
        if let Some(m) = doc.attr(inst, "module") {
            if !e.modules.iter().any(|x| x == m) {
                e.modules.push(m.to_string());
            }
        }
        e.since.extend(since(doc, inst));
        if e.prose == Prose::default() {
            e.prose = prose_of(doc, inst, with_prose);
        }
        if let Some(s) = doc.element(inst, "syntax") {
            e.fields.extend(params(doc, s, with_prose));
        }
    }
    Some(e)
}
