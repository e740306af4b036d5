//! Generates the typed actions and events.
//!
//! By default from every `spec/asterisk-*.xml` of the workspace (the union
//! of the supported releases, facts only). With `AMI_SPEC` set to one or
//! more `core-en_US.xml` files (separated like `PATH`), from exactly those,
//! keeping their prose as rustdoc.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let ami_codegen::sources::BuildSpec { inputs, options: opts, source } =
        ami_codegen::sources::for_build_script(&manifest.join("../spec"));
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
