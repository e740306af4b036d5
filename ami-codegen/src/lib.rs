//! Generates Rust types for Asterisk Manager Interface actions and events
//! from Asterisk's XML manager documentation (`core-en_US.xml`, or the
//! project's facts-only `spec/asterisk-<release>.xml` in the same format).
//!
//! The pipeline, one module per step:
//!
//! 1. [`parse`]: quick-xml into a small arena tree;
//! 2. [`resolve::xinclude`]: same-document `xi:include` elements, their
//!    paths read by [`xpointer`];
//! 3. [`lower`]: the tree into the [`model`], one file at a time;
//! 4. [`resolve::snapshots`]: `channel_snapshot` / `bridge_snapshot` macros;
//! 5. [`resolve::merge`]: duplicates within a file, then the union of releases;
//! 6. [`resolve::numbered`]: numbered parameters (`Action-000000`) into
//!    groups, the one place that reads those names;
//! 7. [`fixups`]: known upstream gaps, each in one named function;
//! 8. [`kinds`]: which free-text event headers hold numbers, durations,
//!    times, hangup causes or priorities (one table, with the evidence);
//! 9. [`names`]: Rust identifiers, collision-free;
//! 10. [`emit`]: Rust source via quote and prettyplease.
//!
//! ```no_run
//! let inputs = [ami_codegen::Input::file("spec/asterisk-22.10.1.xml")];
//! let (files, report) = ami_codegen::generate(&inputs, &ami_codegen::Options::default()).unwrap();
//! println!("{} actions, {} events, {} lines", report.actions, report.events, files.lines());
//! ```

#![warn(missing_docs)]

pub mod emit;
mod error;
pub mod fixups;
pub mod kinds;
pub mod lower;
pub mod model;
pub mod names;
pub mod parse;
pub mod prose;
pub mod resolve;
pub mod sources;
pub mod xpointer;

use std::path::{Path, PathBuf};

pub use emit::Files;
pub use error::Error;

use resolve::merge::ReleaseDefs;
use resolve::xinclude::IncludeReport;

/// One spec file to read.
#[derive(Debug, Clone)]
pub struct Input {
    /// Where it is (also used in errors).
    pub path: PathBuf,
    /// The release it documents, e.g. `22.10.1`.
    pub label: String,
    /// Its text, when already in memory (otherwise read from `path`).
    pub text: Option<String>,
}

impl Input {
    /// A file; the release label comes from its name (see [`release_label`]).
    pub fn file(path: impl Into<PathBuf>) -> Input {
        let path = path.into();
        Input { label: release_label(&path), path, text: None }
    }

    /// XML text in memory.
    pub fn text(label: &str, text: impl Into<String>) -> Input {
        Input { path: PathBuf::from(format!("<{label}>")), label: label.to_string(), text: Some(text.into()) }
    }
}

/// The release a file documents, from `asterisk-22.10.1.xml` or
/// `asterisk-22.10.1/core-en_US.xml`; `custom` when the path does not say.
pub fn release_label(path: &Path) -> String {
    let from =
        |s: &str| s.strip_prefix("asterisk-").map(|r| r.trim_end_matches(".xml").to_string()).filter(|r| !r.is_empty());
    let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
    if let Some(r) = from(file) {
        return r;
    }
    let parent = path.parent().and_then(|p| p.file_name()).and_then(|f| f.to_str()).unwrap_or("");
    from(parent).unwrap_or_else(|| "custom".to_string())
}

/// Sorts inputs oldest release first (numeric version order; `master` and
/// other names last).
pub fn sort_inputs(inputs: &mut [Input]) {
    let key = |l: &str| {
        let nums: Vec<u64> = l.split('.').map(|p| p.parse().unwrap_or(u64::MAX)).collect();
        (nums, l.to_string())
    };
    inputs.sort_by_key(|i| key(&i.label));
}

/// Generation options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Keep upstream prose (synopses, descriptions) as rustdoc. Only for a
    /// user's own full file: the project's `spec/` has no prose.
    pub prose: bool,
}

/// What happened along the way.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Include resolution per input label.
    pub includes: Vec<(String, IncludeReport)>,
    /// What each fixup did.
    pub fixups: Vec<fixups::Outcome>,
    /// Identifier clashes resolved by renaming: `(wanted, given, what)`.
    pub clashes: Vec<(String, String, String)>,
    /// Distinct action names.
    pub actions: usize,
    /// Distinct event names (fixup additions included).
    pub events: usize,
}

/// Reads one file into its release definitions.
pub fn read_release(input: &Input, opts: &Options) -> Result<(ReleaseDefs, IncludeReport), Error> {
    let text = match &input.text {
        Some(t) => t.clone(),
        None => {
            std::fs::read_to_string(&input.path).map_err(|source| Error::Io { path: input.path.clone(), source })?
        }
    };
    let mut doc = parse::Doc::parse(&text, &input.path)?;
    if !doc.is(doc.root, "docs") {
        return Err(Error::Spec { path: input.path.clone(), message: "the root element is not <docs>".into() });
    }
    let roots: Vec<_> =
        doc.children(doc.root).iter().copied().filter(|&c| doc.is(c, "manager") || doc.is(c, "managerEvent")).collect();
    let includes = resolve::xinclude::resolve(&mut doc, &roots);
    let mut lowered = lower::lower(&doc, opts.prose);
    resolve::snapshots::expand(&mut lowered.events);
    let (actions, events) = resolve::merge::dedupe(lowered.actions, lowered.events);
    Ok((ReleaseDefs { label: input.label.clone(), actions, events }, includes))
}

/// Reads, merges and fixes up the inputs (any order), and assigns names.
pub fn load(inputs: &[Input], opts: &Options) -> Result<(model::Spec, Report), Error> {
    if inputs.is_empty() {
        return Err(Error::NoInput);
    }
    let mut inputs = inputs.to_vec();
    sort_inputs(&mut inputs);
    let mut report = Report::default();
    let mut defs = Vec::new();
    for input in &inputs {
        let (d, inc) = read_release(input, opts)?;
        report.includes.push((input.label.clone(), inc));
        defs.push(d);
    }
    let mut spec = resolve::merge::union(defs);
    spec.shared_enums = resolve::snapshots::shared_enums();
    resolve::numbered::apply(&mut spec);
    report.fixups = fixups::apply_all(&mut spec);
    kinds::apply(&mut spec);
    report.clashes = names::assign(&mut spec);
    report.actions = spec.actions.len();
    report.events = spec.events.len();
    Ok((spec, report))
}

/// Reads the inputs and generates the Rust files.
pub fn generate(inputs: &[Input], opts: &Options) -> Result<(Files, Report), Error> {
    let (spec, report) = load(inputs, opts)?;
    Ok((emit::emit(&spec), report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_paths() {
        assert_eq!(release_label(Path::new("spec/asterisk-22.10.1.xml")), "22.10.1");
        assert_eq!(release_label(Path::new("x/asterisk-master/core-en_US.xml")), "master");
        assert_eq!(release_label(Path::new("/var/lib/asterisk/documentation/core-en_US.xml")), "custom");
        let mut v = vec![
            Input::text("master", ""),
            Input::text("23.4.1", ""),
            Input::text("20.20.1", ""),
            Input::text("21.12.3", ""),
        ];
        sort_inputs(&mut v);
        let l: Vec<_> = v.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(l, ["20.20.1", "21.12.3", "23.4.1", "master"]);
    }
}
