//! `spec/` must be exactly what `ami-spec-extract` makes of the upstream
//! documentation in `../shared/spec-upstream`, keep every action and event name
//! of it, and hold no prose. The extractor is not part of the library: the
//! tests run the built binary, into the target's temporary directory.
//!
//! Tests that need the upstream files skip with a printed reason when they are
//! missing, and fail when `CI=true`. The tests of the committed files need
//! nothing outside the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use ami_codegen::parse::Doc;
use ami_codegen::{read_release, Input, Options};
use quick_xml::events::Event;
use quick_xml::Reader;

/// The command that regenerates `spec/`, run from the workspace root;
/// `spec/README.md` gives it.
const REGENERATE_COMMAND: &str =
    "cargo run -p ami-codegen --bin ami-spec-extract -- --all ../shared/spec-upstream spec";

/// The releases in `spec/` (the tool's `RELEASES`), with their distinct
/// actions and events as `shared/spec-upstream/README.md` gives them (events
/// include the ten defined only inside `<responses>`).
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

fn releases() -> impl Iterator<Item = &'static str> {
    EXPECTED_COUNTS.iter().map(|c| c.0)
}

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

fn spec_file_name(release: &str) -> String {
    format!("asterisk-{release}.xml")
}

fn upstream_file(upstream: &Path, release: &str) -> PathBuf {
    upstream.join(format!("asterisk-{release}")).join("core-en_US.xml")
}

/// Runs `ami-spec-extract`; its standard output, or a panic with its error.
fn run_tool(args: &[&OsStr]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ami-spec-extract")).args(args).output().expect("ami-spec-extract runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ami-spec-extract {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `ami-spec-extract --all` from `upstream` into a fresh directory `name`.
fn extract_all(upstream: &Path, name: &str) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&out);
    run_tool(&["--all".as_ref(), upstream.as_os_str(), out.as_os_str()]);
    out
}

/// The `.xml` files of a directory: name to contents.
fn xml_files(dir: &Path) -> BTreeMap<String, String> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    entries
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".xml"))
        .map(|name| (name.clone(), read(&dir.join(name))))
        .collect()
}

/// Distinct action and event names of a file, by `ami-spec-extract --names`.
fn names(file: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut actions, mut events) = (BTreeSet::new(), BTreeSet::new());
    for line in run_tool(&["--names".as_ref(), file.as_os_str()]).lines() {
        match line.split_once(' ') {
            Some(("action", name)) => actions.insert(name.to_owned()),
            Some(("event", name)) => events.insert(name.to_owned()),
            _ => panic!("unexpected --names line {line:?}"),
        };
    }
    (actions, events)
}

/// `../shared/spec-upstream`, or `None` (with a printed reason) when it is
/// missing outside CI.
fn upstream_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec-upstream");
    let missing: Vec<PathBuf> = releases().map(|r| upstream_file(&dir, r)).filter(|p| !p.is_file()).collect();
    if missing.is_empty() {
        return Some(dir);
    }
    let reason = format!("upstream Asterisk documentation missing: {missing:?}");
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{reason} (CI=true: the shared data must be present)");
    }
    // Straight to stderr, past the test harness's capture: a skipped check
    // shows in a normal `cargo test` run.
    let _ = writeln!(std::io::stderr(), "SKIPPED (spec/ up-to-date checks): {reason}");
    None
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nregenerate spec/ from the workspace root with:\n  {}",
            path.display(),
            REGENERATE_COMMAND
        )
    })
}

fn committed(release: &str) -> String {
    read(&spec_dir().join(spec_file_name(release)))
}

#[test]
fn spec_is_up_to_date() {
    let Some(upstream) = upstream_dir() else { return };
    let fresh = xml_files(&extract_all(&upstream, "spec-up-to-date"));
    let again = xml_files(&extract_all(&upstream, "spec-deterministic"));
    let tracked: BTreeSet<String> = releases().map(spec_file_name).collect();
    assert_eq!(
        fresh.keys().cloned().collect::<BTreeSet<_>>(),
        tracked,
        "the tool's RELEASES and EXPECTED_COUNTS differ"
    );
    for (file, fresh) in &fresh {
        assert!(again.get(file) == Some(fresh), "{file}: extraction is not deterministic");
        let current = read(&spec_dir().join(file));
        if *fresh != current {
            let (line, want, have) = fresh
                .lines()
                .zip(current.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .map(|(i, (a, b))| (i + 1, a, b))
                .unwrap_or((fresh.lines().count().min(current.lines().count()) + 1, "", ""));
            panic!(
                "spec/{file} is out of date (first difference at line {line}:\n  extraction: {want}\n  spec/:      \
                 {have})\nregenerate spec/ from the workspace root with:\n  {REGENERATE_COMMAND}"
            );
        }
    }
}

#[test]
fn extraction_keeps_every_upstream_name() {
    let Some(upstream) = upstream_dir() else { return };
    let extracted = extract_all(&upstream, "spec-names");
    for &(release, actions, events) in EXPECTED_COUNTS {
        let want = names(&upstream_file(&upstream, release));
        assert_eq!((want.0.len(), want.1.len()), (actions, events), "upstream {release} counts");
        let have = names(&extracted.join(spec_file_name(release)));
        assert_eq!(have, want, "{release}: the extraction's action and event names differ from upstream");
    }
}

#[test]
fn committed_spec_has_the_expected_names() {
    for &(release, actions, events) in EXPECTED_COUNTS {
        let (have_actions, have_events) = names(&spec_dir().join(spec_file_name(release)));
        assert_eq!((have_actions.len(), have_events.len()), (actions, events), "spec/ {release}");
        for name in ["Login", "Originate", "Hangup", "Command", "QueueStatus", "BridgeInfo"] {
            assert!(have_actions.contains(name), "{release}: action {name} missing");
        }
        // Events defined only inside an action's <responses>.
        for name in ["Hangup", "OriginateResponse", "BridgeInfoChannel", "BridgeInfoComplete", "EndpointListComplete"] {
            assert!(have_events.contains(name), "{release}: event {name} missing");
        }
    }
}

#[test]
fn spec_holds_only_the_tracked_releases() {
    let want: BTreeSet<String> = releases().map(spec_file_name).collect();
    let have: BTreeSet<String> = xml_files(&spec_dir()).into_keys().collect();
    assert_eq!(have, want, "spec/ holds XML files for other releases than EXPECTED_COUNTS");
}

#[test]
fn committed_spec_has_no_prose() {
    for release in releases() {
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
    for release in releases() {
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

/// Every include in `spec/` resolves with the generator's own resolver, and
/// none points at prose.
#[test]
fn committed_spec_includes_resolve() {
    for release in releases() {
        let path = spec_dir().join(spec_file_name(release));
        let doc = Doc::parse(&committed(release), &path).unwrap();
        for id in (0..doc.nodes.len()).filter(|&id| doc.is(id, "xi:include")) {
            let xpointer = doc.attr(id, "xpointer").expect("xpointer");
            let prose = xpointer.contains("/para[")
                || xpointer.ends_with("/para)")
                || xpointer.ends_with("node())")
                || xpointer.ends_with("text())")
                || xpointer.contains("/docs/info[");
            assert!(!prose, "{release}: include of prose kept: {xpointer}");
        }
        let (_, report) = read_release(&Input::file(&path), &Options::default()).unwrap();
        assert!(
            report.dropped.is_empty(),
            "{release}: xi:include that do not resolve inside spec/: {:?}",
            report.dropped
        );
        // Nearly every action includes Login's ActionID.
        assert!(report.resolved > 300, "{release}: only {} includes", report.resolved);
    }
}

#[test]
fn readme_gives_provenance_for_every_release() {
    let readme = read(&spec_dir().join("README.md"));
    assert!(readme.contains(REGENERATE_COMMAND), "spec/README.md must give the regeneration command");
    for &(release, actions, events) in EXPECTED_COUNTS {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {release} ")))
            .unwrap_or_else(|| panic!("spec/README.md has no table row for {release}"));
        assert!(row.contains(&format!("| {actions} | {events} |")), "spec/README.md row for {release}: {row}");
    }
}
