//! `spec/` must be exactly what `ami-spec-extract` makes of the upstream
//! documentation in `../shared/spec-upstream`, keep every action and event name
//! of it, and hold no prose.
//!
//! Tests that need the upstream files skip with a printed reason when they are
//! missing, and fail when `CI=true`. The tests of the committed files need
//! nothing outside the repository.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use ami_codegen::extract::{self, manager_names, RELEASES};
use quick_xml::events::Event;
use quick_xml::Reader;

/// Distinct actions and events per release, as `shared/spec-upstream/README.md`
/// gives them (events include the ten defined only inside `<responses>`).
const EXPECTED_COUNTS: &[(&str, usize, usize)] =
    &[("20.20.1", 169, 185), ("21.12.3", 152, 180), ("22.10.1", 154, 181), ("23.4.1", 154, 181)];

/// Elements the extraction may write.
const FACT_ELEMENTS: &[&str] = &[
    "docs",
    "manager",
    "managerEvent",
    "managerEventInstance",
    "since",
    "version",
    "syntax",
    "parameter",
    "enumlist",
    "enum",
    "optionlist",
    "option",
    "argument",
    "channel_snapshot",
    "bridge_snapshot",
    "responses",
    "list-elements",
    "xi:include",
];

/// Elements that hold upstream prose and must never appear.
const PROSE_ELEMENTS: &[&str] = &[
    "synopsis",
    "description",
    "para",
    "note",
    "warning",
    "example",
    "variablelist",
    "variable",
    "value",
    "literal",
    "emphasis",
    "filename",
    "replaceable",
    "directory",
    "astcli",
    "see-also",
    "ref",
    "info",
    "xi:fallback",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crate sits in the workspace").to_path_buf()
}

fn spec_dir() -> PathBuf {
    workspace().join("spec")
}

/// `../shared/spec-upstream`, or `None` (with a printed reason) when it is
/// missing outside CI.
fn upstream_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec-upstream");
    let missing: Vec<PathBuf> =
        RELEASES.iter().map(|r| extract::upstream_file(&dir, r)).filter(|p| !p.is_file()).collect();
    if missing.is_empty() {
        return Some(dir);
    }
    let reason = format!("upstream Asterisk documentation missing: {missing:?}");
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{reason} (CI=true: the shared data must be present)");
    }
    eprintln!("skipping: {reason}");
    None
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nregenerate spec/ from the workspace root with:\n  {}",
            path.display(),
            extract::REGENERATE_COMMAND
        )
    })
}

fn committed(release: &str) -> String {
    read(&spec_dir().join(extract::spec_file_name(release)))
}

#[test]
fn spec_is_up_to_date() {
    let Some(upstream) = upstream_dir() else { return };
    for release in RELEASES {
        let input = read(&extract::upstream_file(&upstream, release));
        let fresh = extract::extract(&input, release).unwrap_or_else(|e| panic!("extracting {release}: {e}"));
        assert_eq!(fresh, extract::extract(&input, release).unwrap(), "{release}: extraction is not deterministic");
        let file = extract::spec_file_name(release);
        let current = committed(release);
        if fresh != current {
            let (line, want, have) = fresh
                .lines()
                .zip(current.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .map(|(i, (a, b))| (i + 1, a, b))
                .unwrap_or((fresh.lines().count().min(current.lines().count()) + 1, "", ""));
            panic!(
                "spec/{file} is out of date (first difference at line {line}:\n  extraction: {want}\n  spec/:      \
                 {have})\nregenerate spec/ from the workspace root with:\n  {}",
                extract::REGENERATE_COMMAND
            );
        }
    }
}

#[test]
fn extraction_keeps_every_upstream_name() {
    let Some(upstream) = upstream_dir() else { return };
    for &(release, actions, events) in EXPECTED_COUNTS {
        let input = read(&extract::upstream_file(&upstream, release));
        let want = manager_names(&input).unwrap();
        assert_eq!((want.actions.len(), want.events.len()), (actions, events), "upstream {release} counts");
        let have = manager_names(&extract::extract(&input, release).unwrap()).unwrap();
        assert_eq!(have, want, "{release}: the extraction's action and event names differ from upstream");
    }
}

#[test]
fn committed_spec_has_the_expected_names() {
    assert_eq!(EXPECTED_COUNTS.iter().map(|c| c.0).collect::<Vec<_>>(), RELEASES);
    for &(release, actions, events) in EXPECTED_COUNTS {
        let names = manager_names(&committed(release)).unwrap();
        assert_eq!((names.actions.len(), names.events.len()), (actions, events), "spec/ {release}");
        for name in ["Login", "Originate", "Hangup", "Command", "QueueStatus", "BridgeInfo"] {
            assert!(names.actions.contains(name), "{release}: action {name} missing");
        }
        // Events defined only inside an action's <responses>.
        for name in ["Hangup", "OriginateResponse", "BridgeInfoChannel", "BridgeInfoComplete", "EndpointListComplete"] {
            assert!(names.events.contains(name), "{release}: event {name} missing");
        }
    }
}

#[test]
fn spec_holds_only_the_tracked_releases() {
    let want: BTreeSet<String> = RELEASES.iter().map(|r| extract::spec_file_name(r)).collect();
    let have: BTreeSet<String> = fs::read_dir(spec_dir())
        .expect("spec/ exists")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    assert_eq!(have, want, "spec/ holds XML files for other releases than extract::RELEASES");
}

#[test]
fn committed_spec_has_no_prose() {
    for release in RELEASES {
        let xml = committed(release);
        // What the repository hook looks for, with no length threshold.
        for tag in ["<para>", "<para ", "<synopsis", "<description"] {
            assert!(!xml.contains(tag), "{release}: {tag} in spec/");
        }
        let mut reader = Reader::from_str(&xml);
        let mut stack: Vec<String> = Vec::new();
        let mut comments = 0;
        loop {
            let event = reader.read_event().unwrap_or_else(|e| panic!("{release}: not well-formed: {e}"));
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    assert!(!PROSE_ELEMENTS.contains(&name.as_str()), "{release}: prose element <{name}>");
                    assert!(FACT_ELEMENTS.contains(&name.as_str()), "{release}: unexpected element <{name}>");
                    if matches!(event, Event::Start(_)) {
                        stack.push(name);
                    }
                }
                Event::End(_) => {
                    stack.pop();
                }
                Event::Text(t) => {
                    let text = t.unescape().unwrap();
                    let text = text.trim();
                    if text.is_empty() {
                        continue;
                    }
                    assert_eq!(stack.last().map(String::as_str), Some("version"), "{release}: text {text:?}");
                    assert!(
                        text.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())),
                        "{release}: version {text:?} is not a version number"
                    );
                }
                Event::Comment(c) => {
                    let text = String::from_utf8(c.to_vec()).unwrap();
                    let ours = (stack.is_empty() && comments < 2)
                        || text.starts_with(" inlined by ami-spec-extract: xpointer(");
                    assert!(ours, "{release}: comment not written by the tool: {text:?}");
                    comments += 1;
                }
                Event::Decl(_) => {}
                Event::Eof => break,
                other => panic!("{release}: unexpected {other:?}"),
            }
        }
        assert!(xml.lines().nth(1).unwrap().contains(&format!("Asterisk {release} ")), "{release}: header");
        assert!(xml.contains("ami-spec-extract"), "{release}: header names the tool");
    }
}

#[test]
fn committed_spec_is_pretty_printed() {
    for release in RELEASES {
        let xml = committed(release);
        assert!(xml.ends_with("</docs>\n"), "{release}: ends with the root and one newline");
        assert!(xml.contains("<docs xmlns:xi=\"http://www.w3.org/2001/XInclude\">"), "{release}: xi namespace");
        for (i, line) in xml.lines().enumerate() {
            let body = line.trim_start_matches(' ');
            let indent = line.len() - body.len();
            let ok = indent % 2 == 0
                && body.starts_with('<')
                && body.ends_with('>')
                && (body.matches('<').count() == 1 || (body.starts_with("<version>") && body.ends_with("</version>")));
            assert!(ok, "{release}: line {} is not one element: {line:?}", i + 1);
        }
    }
}

/// A minimal element tree for evaluating xpointers.
struct Node {
    element: String,
    name: Option<String>,
    children: Vec<Node>,
}

fn tree(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Node { element: String::new(), name: None, children: Vec::new() }];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(node(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(node(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Eof => return stack.pop().unwrap(),
            _ => {}
        }
    }
}

fn node(e: &quick_xml::events::BytesStart<'_>) -> Node {
    Node {
        element: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        name: e.try_get_attribute("name").unwrap().map(|a| a.unescape_value().unwrap().into_owned()),
        children: Vec::new(),
    }
}

/// Evaluates the xpointer forms Asterisk uses: `/docs/a[@name='x']/b/c`,
/// `[contains(@name, 'x')]`, and the relative `docs/...`.
fn resolve<'t>(document: &'t Node, xpointer: &str) -> Vec<&'t Node> {
    let path = xpointer.strip_prefix("xpointer(").and_then(|p| p.strip_suffix(')')).expect("xpointer(...)");
    let mut current = vec![document];
    for step in path.trim_start_matches('/').split('/') {
        let (element, predicate) = step.split_once('[').map_or((step, ""), |(e, p)| (e, p.trim_end_matches(']')));
        let quoted = |p: &str| p.split('\'').nth(1).map(str::to_owned);
        let matches = |n: &Node| {
            n.element == element
                && match predicate {
                    "" => true,
                    p if p.starts_with("@name=") => n.name == quoted(p),
                    p if p.starts_with("contains(@name,") => {
                        n.name.as_deref().is_some_and(|name| name.contains(quoted(p).unwrap().as_str()))
                    }
                    p => panic!("unsupported predicate {p:?} in {xpointer}"),
                }
        };
        current = current.iter().flat_map(|n| n.children.iter()).filter(|n| matches(n)).collect();
    }
    current
}

#[test]
fn committed_spec_includes_resolve() {
    for release in RELEASES {
        let xml = committed(release);
        let document = tree(&xml);
        let mut reader = Reader::from_str(&xml);
        let mut includes = 0;
        loop {
            match reader.read_event().unwrap() {
                Event::Empty(e) | Event::Start(e) if e.name().as_ref() == b"xi:include" => {
                    includes += 1;
                    let xpointer = e.try_get_attribute("xpointer").unwrap().expect("xpointer");
                    let xpointer = xpointer.unescape_value().unwrap();
                    let prose = xpointer.contains("/para[")
                        || xpointer.ends_with("/para)")
                        || xpointer.ends_with("node())")
                        || xpointer.ends_with("text())")
                        || xpointer.contains("/docs/info[");
                    assert!(!prose, "{release}: include of prose kept: {xpointer}");
                    assert!(
                        !resolve(&document, &xpointer).is_empty(),
                        "{release}: xi:include {xpointer} does not resolve inside spec/"
                    );
                }
                Event::Eof => break,
                _ => {}
            }
        }
        // Nearly every action includes Login's ActionID.
        assert!(includes > 300, "{release}: only {includes} includes");
    }
}

#[test]
fn readme_gives_provenance_for_every_release() {
    let readme = read(&spec_dir().join("README.md"));
    assert!(readme.contains(extract::REGENERATE_COMMAND), "spec/README.md must give the regeneration command");
    for &(release, actions, events) in EXPECTED_COUNTS {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {release} ")))
            .unwrap_or_else(|| panic!("spec/README.md has no table row for {release}"));
        assert!(row.contains(&format!("| {actions} | {events} |")), "spec/README.md row for {release}: {row}");
    }
}
