//! The kinds table ([`ami_codegen::kinds::RULES`]) against the project's
//! `spec/`: every rule types something and nothing it must not, and
//! `docs/typed-values.md` is exactly what the table generates.
//!
//! `UPDATE_DOCS=1 cargo test -p ami-codegen --test typed_values_doc`
//! rewrites the document (never under CI).

use std::fs;
use std::path::PathBuf;

use ami_codegen::kinds;
use ami_codegen::model::Spec;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn project_spec() -> Spec {
    let inputs = ami_codegen::sources::dir_inputs(&root().join("spec")).unwrap();
    ami_codegen::load(&inputs, &ami_codegen::Options::default()).unwrap().0
}

/// The accessor count that returned text before the table: the same spec
/// with every kind cleared.
fn text_before(spec: &Spec) -> usize {
    let mut plain = spec.clone();
    for p in plain.events.iter_mut().flat_map(|e| &mut e.fields) {
        p.value_kind = None;
    }
    kinds::stats(&plain).text
}

#[test]
fn every_rule_applies_to_the_supported_releases() {
    let spec = project_spec();
    let problems = kinds::check(&spec);
    assert!(problems.is_empty(), "{problems:#?}");
    let st = kinds::stats(&spec);
    println!("{st:?}, text before: {}", text_before(&spec));
    assert_eq!(st.accessors, st.text + st.enums_and_bools + st.typed());
    assert!(st.typed() > 0 && st.text < text_before(&spec));
}

#[test]
fn typed_values_doc_is_up_to_date() {
    let spec = project_spec();
    let text = kinds::markdown(&spec, Some(text_before(&spec)));
    let path = root().join("docs/typed-values.md");
    let current = fs::read_to_string(&path).unwrap_or_default();
    if current == text {
        return;
    }
    let update = std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if update && !ci {
        fs::write(&path, text).unwrap();
        eprintln!("updated {}", path.display());
        return;
    }
    let first = current.lines().zip(text.lines()).position(|(a, b)| a != b);
    panic!(
        "docs/typed-values.md differs from the kinds table (first difference at line {}); \
         run `UPDATE_DOCS=1 cargo test -p ami-codegen --test typed_values_doc` and review the diff",
        first.map_or(current.lines().count().min(text.lines().count()), |l| l) + 1
    );
}
