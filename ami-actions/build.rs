//! Generates the typed actions and events.
//!
//! By default from every `spec/asterisk-*.xml` of the workspace (the union
//! of the supported releases, facts only). With `AMI_SPEC` set to one or
//! more `core-en_US.xml` files (separated like `PATH`), from exactly those,
//! keeping their prose as rustdoc.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => {
            rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "xml")).collect()
        }
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    files.sort();
    files
}

fn main() {
    println!("cargo:rerun-if-env-changed=AMI_SPEC");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let custom: Vec<PathBuf> = env::var_os("AMI_SPEC").map(|v| env::split_paths(&v).collect()).unwrap_or_default();
    let custom: Vec<PathBuf> = custom.into_iter().filter(|p| !p.as_os_str().is_empty()).collect();
    let (files, prose, source) = if custom.is_empty() {
        let dir = manifest.join("../spec");
        println!("cargo:rerun-if-changed={}", dir.display());
        let files = spec_files(&dir);
        if files.is_empty() {
            panic!("no spec/*.xml found in {}; set AMI_SPEC=/path/to/core-en_US.xml", dir.display());
        }
        (files, false, "spec".to_string())
    } else {
        (custom, true, "AMI_SPEC".to_string())
    };
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    let inputs: Vec<ami_codegen::Input> = files.iter().map(ami_codegen::Input::file).collect();
    let opts = ami_codegen::Options { prose };
    let (generated, report) = match ami_codegen::generate(&inputs, &opts) {
        Ok(g) => g,
        Err(e) => panic!("ami-codegen failed: {e}"),
    };
    for (name, text) in generated.iter() {
        let path = out.join(name);
        // Leave the file alone when unchanged, so nothing downstream rebuilds.
        if fs::read_to_string(&path).ok().as_deref() != Some(text) {
            fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    let mut summary =
        format!("source {source}\nactions {}\nevents {}\nlines {}\n", report.actions, report.events, generated.lines());
    for (label, inc) in &report.includes {
        summary.push_str(&format!("release {label} includes {} dropped {}\n", inc.resolved, inc.dropped.len()));
    }
    for f in &report.fixups {
        summary.push_str(&format!("fixup {} {}\n", f.name, if f.result.is_ok() { "applied" } else { "skipped" }));
    }
    let path = out.join("summary.txt");
    if fs::read_to_string(&path).ok().as_deref() != Some(summary.as_str()) {
        fs::write(&path, summary).expect("summary.txt");
    }
}
