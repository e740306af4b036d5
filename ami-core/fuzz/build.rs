//! Writes ami-codegen's `visit.rs` (the `Visitor` trait, and one match arm
//! per typed event of `ami-actions` calling every accessor the generator
//! emitted), so that the `typed_event` target can check every accessor of
//! every event against the raw message. `ami-actions`' own tests include
//! the same file.
//!
//! It reads the same spec as `ami-actions/build.rs` (`../../spec/*.xml`, or
//! `AMI_SPEC`) through `ami_codegen::load`, so the arms match the types
//! `ami-actions` was built with. If the two ever disagree the fuzz crate
//! does not compile (a missing variant or accessor), or the target's
//! `fields == info().fields` check fails on the first input.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    files
}

fn main() {
    println!("cargo:rerun-if-env-changed=AMI_SPEC");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let custom: Vec<PathBuf> = env::var_os("AMI_SPEC")
        .map(|v| env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()).collect())
        .unwrap_or_default();
    let (files, prose) = if custom.is_empty() {
        let dir = manifest.join("../../spec");
        println!("cargo:rerun-if-changed={}", dir.display());
        (spec_files(&dir), false)
    } else {
        (custom, true)
    };
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    let inputs: Vec<ami_codegen::Input> = files.iter().map(ami_codegen::Input::file).collect();
    let (files, _) = ami_codegen::generate(&inputs, &ami_codegen::Options { prose })
        .unwrap_or_else(|e| panic!("ami-codegen failed: {e}"));
    let s = files.visit;
    let path = out.join("visit.rs");
    if fs::read_to_string(&path).ok().as_deref() != Some(s.as_str()) {
        fs::write(&path, s).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
