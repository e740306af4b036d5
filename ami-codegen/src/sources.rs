//! Where the XML comes from: every `*.xml` of a directory, or the files a
//! build script's `AMI_SPEC` names. One place for what `ami-actions`' and
//! the fuzz crate's build scripts and the tests otherwise each spelled out.

use std::path::{Path, PathBuf};

use crate::{Error, Input, Options};

/// Every `*.xml` file of `dir`, as inputs (in name order; [`crate::load`]
/// orders them by release anyway).
pub fn dir_inputs(dir: &Path) -> Result<Vec<Input>, Error> {
    let io = |source| Error::Io { path: dir.to_path_buf(), source };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|x| x == "xml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files.into_iter().map(Input::file).collect())
}

/// What a build script generates from.
#[derive(Debug, Clone)]
pub struct BuildSpec {
    /// The files to read.
    pub inputs: Vec<Input>,
    /// Prose kept for `AMI_SPEC` files (the user's own upstream XML), not
    /// for the project's facts-only `spec/`.
    pub options: Options,
    /// `AMI_SPEC` or `spec`, for the build summary.
    pub source: &'static str,
}

/// For a build script: the files `AMI_SPEC` names (separated like `PATH`),
/// or else every `*.xml` of `default_dir`; prints the `cargo:rerun-if-*`
/// lines that rebuild when either changes. Panics (the build script's way
/// to fail) when there is nothing to read.
pub fn for_build_script(default_dir: &Path) -> BuildSpec {
    println!("cargo:rerun-if-env-changed=AMI_SPEC");
    let custom: Vec<PathBuf> = std::env::var_os("AMI_SPEC")
        .map(|v| std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()).collect())
        .unwrap_or_default();
    let spec = if custom.is_empty() {
        println!("cargo:rerun-if-changed={}", default_dir.display());
        let inputs = dir_inputs(default_dir).unwrap_or_else(|e| panic!("{e}"));
        if inputs.is_empty() {
            panic!("no *.xml found in {}; set AMI_SPEC=/path/to/core-en_US.xml", default_dir.display());
        }
        BuildSpec { inputs, options: Options { prose: false }, source: "spec" }
    } else {
        BuildSpec {
            inputs: custom.into_iter().map(Input::file).collect(),
            options: Options { prose: true },
            source: "AMI_SPEC",
        }
    };
    for input in &spec.inputs {
        println!("cargo:rerun-if-changed={}", input.path.display());
    }
    spec
}
