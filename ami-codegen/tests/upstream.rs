//! The generator over the real files: every upstream release in
//! `../shared/spec-upstream` and the project's `spec/`. Counts of actions
//! and events must match the distinct names in each file (counted here
//! independently, with plain string search), every include must resolve,
//! every fixup must still apply to the supported releases, and the
//! project's facts-only `spec/` must generate exactly what the full
//! upstream files generate without prose.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use ami_codegen::{generate, load, Input, Options};

const SUPPORTED: &[&str] = &["20.20.1", "21.12.3", "22.10.1", "23.4.1"];

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared").join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("shared data missing under CI: {}", p.display());
    }
    // Straight to stderr, past the test harness's capture: a skipped check
    // shows in a normal `cargo test` run.
    let _ = writeln!(std::io::stderr(), "SKIPPED (ami-codegen upstream checks): {} not found", p.display());
    None
}

fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// Distinct `name` attributes of `<tag ` elements, found by string search.
fn distinct_names(xml: &str, tag: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let open = format!("<{tag} ");
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').unwrap();
        let attrs = &after[..end];
        if let Some(j) = attrs.find("name=\"") {
            let v = &attrs[j + 6..];
            out.insert(v[..v.find('"').unwrap()].to_string());
        }
        rest = &after[end..];
    }
    out
}

#[test]
fn every_upstream_release_generates_with_matching_counts() {
    let Some(dir) = shared("spec-upstream") else { return };
    let mut releases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().join("core-en_US.xml"))
        .filter(|p| p.exists())
        .collect();
    releases.sort();
    assert!(releases.len() >= 5);
    for path in releases {
        let xml = std::fs::read_to_string(&path).unwrap();
        let actions = distinct_names(&xml, "manager");
        let events = distinct_names(&xml, "managerEvent");
        let (spec, report) = load(&[Input::file(&path)], &Options { prose: true }).unwrap();
        let (_, inc) = &report.includes[0];
        assert!(inc.dropped.is_empty(), "{}: {:?}", path.display(), inc.dropped);
        assert_eq!(report.actions, actions.len(), "{}", path.display());
        let xml_events: Vec<_> = spec.events.iter().filter(|e| e.origin == ami_codegen::model::Origin::Xml).collect();
        assert_eq!(xml_events.len(), events.len(), "{}", path.display());
        println!(
            "{}: {} actions, {} events (+{} from fixups)",
            path.display(),
            actions.len(),
            events.len(),
            report.events - events.len()
        );
        // The full file with prose also formats (prose must not break the tokens).
        let files = ami_codegen::emit::emit(&spec);
        assert!(!files.actions.contains("compile_error!"), "{}", path.display());
        assert!(!files.events.contains("compile_error!"), "{}", path.display());
    }
}

#[test]
fn readme_table_counts() {
    let Some(dir) = shared("spec-upstream") else { return };
    for (rel, a, e) in [("20.20.1", 169, 185), ("21.12.3", 152, 180), ("22.10.1", 154, 181), ("23.4.1", 154, 181)] {
        let (spec, _) =
            load(&[Input::file(dir.join(format!("asterisk-{rel}/core-en_US.xml")))], &Options::default()).unwrap();
        assert_eq!(spec.actions.len(), a, "{rel}");
        assert_eq!(spec.events.iter().filter(|x| x.origin == ami_codegen::model::Origin::Xml).count(), e, "{rel}");
    }
}

fn supported_inputs(base: &Path, upstream: bool) -> Vec<Input> {
    SUPPORTED
        .iter()
        .map(|r| {
            if upstream {
                Input::file(base.join(format!("asterisk-{r}/core-en_US.xml")))
            } else {
                Input::file(base.join(format!("asterisk-{r}.xml")))
            }
        })
        .collect()
}

#[test]
fn every_fixup_applies_to_the_supported_releases() {
    let inputs = supported_inputs(&spec_dir(), false);
    assert!(inputs.iter().all(|i| i.path.exists()), "spec/ is not complete: {inputs:?}");
    let (_, report) = load(&inputs, &Options::default()).unwrap();
    for f in &report.fixups {
        assert!(f.result.is_ok(), "fixup {} no longer applies: {:?}; remove or update it", f.name, f.result);
    }
    assert_eq!(report.fixups.len(), ami_codegen::fixups::FIXUPS.len());
    // Only the documented renames happen (fields clashing with `message()`, `new()`).
    for (wanted, given, what) in &report.clashes {
        assert!(
            ["message", "new"].contains(&wanted.as_str()) && given == &format!("{wanted}_field"),
            "unexpected rename of {what}: {wanted} -> {given}"
        );
    }
}

#[test]
fn union_has_removed_and_per_release_facts() {
    let inputs = supported_inputs(&spec_dir(), false);
    if !inputs.iter().all(|i| i.path.exists()) {
        return;
    }
    let (spec, report) = load(&inputs, &Options::default()).unwrap();
    assert_eq!(spec.releases, SUPPORTED);
    assert_eq!(report.actions, 169);
    let sip = spec.actions.iter().find(|a| a.name == "SIPpeers").unwrap();
    assert_eq!(sip.releases.indices().collect::<Vec<_>>(), [0]);
    let maint = spec.actions.iter().find(|a| a.name == "PJSIPSetMaintenance").unwrap();
    assert_eq!(maint.releases.indices().collect::<Vec<_>>(), [0, 2, 3]);
    let orig = spec.actions.iter().find(|a| a.name == "Originate").unwrap();
    let chan = orig.params.iter().find(|p| p.name == "Channel").unwrap();
    assert!(chan.required);
    assert!(orig.params.iter().find(|p| p.name == "Variable").unwrap().multiple);
    let csc = spec.actions.iter().find(|a| a.name == "CoreShowChannels").unwrap();
    assert_eq!(csc.list.as_ref().unwrap().items, ["CoreShowChannel"]);
    // Event names are unique ignoring case (dispatch relies on it).
    let lower: BTreeSet<String> = spec.events.iter().map(|e| e.name.to_ascii_lowercase()).collect();
    assert_eq!(lower.len(), spec.events.len());
}

#[test]
fn spec_dir_generates_what_upstream_generates() {
    let Some(up) = shared("spec-upstream") else { return };
    let ours = supported_inputs(&spec_dir(), false);
    if !ours.iter().all(|i| i.path.exists()) {
        return;
    }
    let (a, _) = generate(&ours, &Options::default()).unwrap();
    let (b, _) = generate(&supported_inputs(&up, true), &Options::default()).unwrap();
    for ((name, x), (_, y)) in a.iter().zip(b.iter()) {
        assert!(x == y, "{name}: spec/ and upstream generate different code");
    }
}
