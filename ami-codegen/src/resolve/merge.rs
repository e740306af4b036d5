//! Merges duplicate definitions within one file (the `Voicemail*` actions
//! appear three times, `VarSet` twice, `LogChannel` has two instances) and
//! the files of several releases into one [`Spec`], recording which
//! releases have each action, event and parameter.
//!
//! Names are compared ASCII case-insensitively, as the server compares
//! action names and as events must be matched (`NewExten` / `Newexten`).

use crate::model::{Action, EnumValue, Event, Param, Releases, Spec};

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn merge_list(into: &mut Vec<String>, from: &[String]) {
    for x in from {
        if !into.contains(x) {
            into.push(x.clone());
        }
    }
}

fn merge_values(into: &mut Vec<EnumValue>, from: &[EnumValue]) {
    for v in from {
        if !into.iter().any(|x| x.name == v.name) {
            into.push(v.clone());
        }
    }
}

/// Merges `from` into `into` by name; new parameters are appended.
pub fn merge_params(into: &mut Vec<Param>, from: &[Param]) {
    for p in from {
        match into.iter_mut().find(|x| same(&x.name, &p.name) && x.snapshot == p.snapshot) {
            Some(x) => {
                x.releases = x.releases.union(p.releases);
                x.required |= p.required;
                x.multiple |= p.multiple;
                if x.default.is_none() {
                    x.default.clone_from(&p.default);
                }
                if x.doc.is_none() {
                    x.doc.clone_from(&p.doc);
                }
                merge_values(&mut x.values, &p.values);
            }
            None => into.push(p.clone()),
        }
    }
}

fn merge_action(into: &mut Action, from: &Action) {
    into.releases = into.releases.union(from.releases);
    merge_list(&mut into.since, &from.since);
    merge_list(&mut into.modules, &from.modules);
    merge_params(&mut into.params, &from.params);
    if into.list.is_none() {
        into.list.clone_from(&from.list);
    }
    if into.prose.synopsis.is_none() {
        into.prose = from.prose.clone();
    }
}

fn merge_event(into: &mut Event, from: &Event) {
    into.releases = into.releases.union(from.releases);
    merge_list(&mut into.since, &from.since);
    merge_list(&mut into.classes, &from.classes);
    merge_list(&mut into.modules, &from.modules);
    merge_params(&mut into.fields, &from.fields);
    if into.prose.synopsis.is_none() {
        into.prose = from.prose.clone();
    }
}

/// Merges duplicates within one file, keeping first-seen order.
pub fn dedupe(actions: Vec<Action>, events: Vec<Event>) -> (Vec<Action>, Vec<Event>) {
    let mut a_out: Vec<Action> = Vec::new();
    for a in actions {
        match a_out.iter_mut().find(|x| same(&x.name, &a.name)) {
            Some(x) => merge_action(x, &a),
            None => a_out.push(a),
        }
    }
    let mut e_out: Vec<Event> = Vec::new();
    for e in events {
        match e_out.iter_mut().find(|x| same(&x.name, &e.name)) {
            Some(x) => merge_event(x, &e),
            None => e_out.push(e),
        }
    }
    // Fields that differ only in case are one header on the wire.
    for e in &mut e_out {
        let fields = std::mem::take(&mut e.fields);
        merge_params(&mut e.fields, &fields);
    }
    for a in &mut a_out {
        let params = std::mem::take(&mut a.params);
        merge_params(&mut a.params, &params);
    }
    (a_out, e_out)
}

/// One release's definitions, all marked as release 0.
#[derive(Debug, Default)]
pub struct ReleaseDefs {
    /// Release label.
    pub label: String,
    /// Actions (deduplicated).
    pub actions: Vec<Action>,
    /// Events (deduplicated).
    pub events: Vec<Event>,
}

fn relabel(r: Releases, i: usize) -> Releases {
    if r.has(0) {
        Releases::one(i)
    } else {
        Releases::default()
    }
}

fn version_key(v: &str) -> Vec<u64> {
    v.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(|s| s.parse().unwrap_or(0)).collect()
}

/// Sorts version strings numerically and drops duplicates.
pub fn sort_versions(v: &mut Vec<String>) {
    v.sort_by(|a, b| version_key(a).cmp(&version_key(b)).then_with(|| a.cmp(b)));
    v.dedup();
}

/// Merges releases (given oldest first) into one spec. The newest release's
/// order and spelling win; a parameter is required only when every release
/// that has the action requires it.
pub fn union(mut releases: Vec<ReleaseDefs>) -> Spec {
    let labels: Vec<String> = releases.iter().map(|r| r.label.clone()).collect();
    let mut spec = Spec { releases: labels, ..Spec::default() };
    // (action index, param name) -> releases requiring it
    let mut required: Vec<Vec<(String, Releases)>> = Vec::new();
    for (i, rel) in releases.iter_mut().enumerate().rev() {
        for a in &mut rel.actions {
            a.releases = relabel(a.releases, i);
            let mut reqs = Vec::new();
            for p in &mut a.params {
                p.releases = relabel(p.releases, i);
                if p.required {
                    reqs.push((p.name.to_ascii_lowercase(), Releases::one(i)));
                }
                p.required = false;
            }
            let idx = match spec.actions.iter().position(|x| same(&x.name, &a.name)) {
                Some(idx) => {
                    merge_action(&mut spec.actions[idx], a);
                    idx
                }
                None => {
                    spec.actions.push(a.clone());
                    required.push(Vec::new());
                    spec.actions.len() - 1
                }
            };
            for (n, r) in reqs {
                match required[idx].iter_mut().find(|(x, _)| *x == n) {
                    Some((_, set)) => *set = set.union(r),
                    None => required[idx].push((n, r)),
                }
            }
        }
        for e in &mut rel.events {
            e.releases = relabel(e.releases, i);
            for p in &mut e.fields {
                p.releases = relabel(p.releases, i);
            }
            match spec.events.iter_mut().find(|x| same(&x.name, &e.name)) {
                Some(x) => merge_event(x, e),
                None => spec.events.push(e.clone()),
            }
        }
    }
    for (a, reqs) in spec.actions.iter_mut().zip(&required) {
        for p in &mut a.params {
            let n = p.name.to_ascii_lowercase();
            p.required = reqs.iter().any(|(x, set)| *x == n && set.covers(a.releases));
        }
    }
    for a in &mut spec.actions {
        sort_versions(&mut a.since);
    }
    for e in &mut spec.events {
        sort_versions(&mut e.since);
    }
    let key = |s: &str| (s.to_ascii_lowercase(), s.to_string());
    spec.actions.sort_by_key(|a| key(&a.name));
    spec.events.sort_by_key(|e| key(&e.name));
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(name: &str, params: &[(&str, bool)]) -> Action {
        Action {
            name: name.into(),
            releases: Releases::one(0),
            since: vec!["1.2.0".into()],
            params: params
                .iter()
                .map(|(n, r)| Param {
                    name: n.to_string(),
                    required: *r,
                    releases: Releases::one(0),
                    ..Param::default()
                })
                .collect(),
            ..Action::default()
        }
    }

    #[test]
    fn required_only_when_every_release_requires() {
        let old = ReleaseDefs {
            label: "20".into(),
            actions: vec![action("Foo", &[("A", true), ("B", true)]), action("Gone", &[])],
            events: vec![],
        };
        let new = ReleaseDefs {
            label: "21".into(),
            actions: vec![action("Foo", &[("A", true), ("C", true)]), action("New", &[])],
            events: vec![],
        };
        let spec = union(vec![old, new]);
        let foo = &spec.actions[0];
        assert_eq!(foo.name, "Foo");
        let p: Vec<_> = foo.params.iter().map(|p| (p.name.as_str(), p.required, p.releases.0)).collect();
        assert_eq!(p, [("A", true, 0b11), ("C", false, 0b10), ("B", false, 0b01)]);
        assert_eq!(spec.actions[1].name, "Gone");
        assert_eq!(spec.actions[1].releases, Releases(0b01));
        assert_eq!(spec.actions[2].releases, Releases(0b10));
    }

    #[test]
    fn duplicates_merge_case_insensitively() {
        let (a, _) = dedupe(
            vec![action("VoicemailRefresh", &[("Context", false)]), action("voicemailrefresh", &[("Mailbox", false)])],
            vec![],
        );
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].params.len(), 2);
        let mut v = vec!["22.1.0".to_string(), "1.6.0".into(), "20.11.0".into(), "1.6.0".into()];
        sort_versions(&mut v);
        assert_eq!(v, ["1.6.0", "20.11.0", "22.1.0"]);
    }
}
