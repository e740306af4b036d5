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
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let spec = ami_codegen::sources::for_build_script(&manifest.join("../../spec"));
    let (files, _) = ami_codegen::generate(&spec.inputs, &spec.options)
        .unwrap_or_else(|e| panic!("ami-codegen failed: {e}"));
    let s = files.visit;
    let path = out.join("visit.rs");
    if fs::read_to_string(&path).ok().as_deref() != Some(s.as_str()) {
        fs::write(&path, s).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
