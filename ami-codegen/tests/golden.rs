//! Golden tests: hand-written fixture XML in Asterisk's format, generated
//! Rust compared with the expected files under `tests/fixtures/<name>/expected/`.
//!
//! `UPDATE_GOLDEN=1 cargo test -p ami-codegen --test golden` rewrites the
//! expected files (never under CI). Fixture directories ending in `prose`
//! generate with upstream prose kept, as for `AMI_SPEC`.

use std::fs;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A small line diff: the first differing region with context.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    let (mut ee, mut ae) = (e.len(), a.len());
    while ee > first && ae > first && e[ee - 1] == a[ae - 1] {
        ee -= 1;
        ae -= 1;
    }
    let mut out = format!("@@ line {} @@\n", first + 1);
    for l in &e[first.saturating_sub(3)..first] {
        out.push_str(&format!("  {l}\n"));
    }
    for l in e[first..ee].iter().take(40) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in a[first..ae].iter().take(40) {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}

fn check_fixture(dir: &Path) -> Result<(), String> {
    let inputs = ami_codegen::sources::dir_inputs(dir).unwrap();
    let prose = dir.file_name().unwrap().to_str().unwrap().ends_with("prose");
    let (files, report) = ami_codegen::generate(&inputs, &ami_codegen::Options { prose }).map_err(|e| e.to_string())?;
    for (label, inc) in &report.includes {
        if !inc.dropped.is_empty() {
            return Err(format!("{label}: includes dropped: {:?}", inc.dropped));
        }
    }
    let expected_dir = dir.join("expected");
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let mut errors = String::new();
    for (name, text) in files.iter() {
        let path = expected_dir.join(name);
        let expected = fs::read_to_string(&path).unwrap_or_default();
        if expected == text {
            continue;
        }
        if update && !ci {
            fs::create_dir_all(&expected_dir).unwrap();
            fs::write(&path, text).unwrap();
            eprintln!("updated {}", path.display());
        } else {
            errors.push_str(&format!("{} differs:\n{}\n", path.display(), diff(&expected, text)));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{errors}\nrun `UPDATE_GOLDEN=1 cargo test -p ami-codegen --test golden` and review the diff"))
    }
}

#[test]
fn basic_two_releases() {
    check_fixture(&fixtures().join("basic")).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn wire_fixups_lists_follow_ups_and_responses() {
    check_fixture(&fixtures().join("wire")).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn prose_from_a_full_file() {
    check_fixture(&fixtures().join("prose")).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn generation_is_deterministic() {
    let dir = fixtures().join("basic");
    let mut inputs: Vec<ami_codegen::Input> =
        ["asterisk-2.0.0.xml", "asterisk-1.0.0.xml"].iter().map(|f| ami_codegen::Input::file(dir.join(f))).collect();
    let (a, _) = ami_codegen::generate(&inputs, &ami_codegen::Options::default()).unwrap();
    inputs.reverse();
    let (b, _) = ami_codegen::generate(&inputs, &ami_codegen::Options::default()).unwrap();
    assert_eq!(a, b);
}
