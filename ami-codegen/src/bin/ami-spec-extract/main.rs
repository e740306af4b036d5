//! `ami-spec-extract`: writes the project's facts-only manager documentation
//! from an upstream Asterisk `core-en_US.xml`.
//!
//! ```text
//! ami-spec-extract [--release X] <upstream core-en_US.xml> <out.xml>
//! ami-spec-extract --all <upstream dir> <spec dir>
//! ami-spec-extract --names <file.xml>
//! ```
//!
//! The first form extracts one file; the release named in the header comment
//! is `--release`, or else taken from a parent directory called
//! `asterisk-<release>`. The second form regenerates every release `spec/`
//! holds from a directory laid out like `shared/spec-upstream`
//! (`<dir>/asterisk-<release>/core-en_US.xml`). The third prints the distinct
//! action and event names of an upstream or extracted file, one a line
//! (`action Login`, `event Hangup`); the test `tests/spec_up_to_date.rs`
//! compares them.
//!
//! The extraction itself is in [`extract`]; only this binary compiles it, not
//! the `ami-codegen` library that `ami-actions`' build script uses.

mod extract;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

use ami_codegen::parse::Doc;
use extract::RELEASES;

const USAGE: &str = "usage:
  ami-spec-extract [--release X] <upstream core-en_US.xml> <out.xml>
  ami-spec-extract --all <upstream dir> <spec dir>
  ami-spec-extract --names <file.xml>

The first form extracts one file (the release is --release, or the X of a parent
directory named asterisk-X). The second regenerates <spec dir>/asterisk-<release>.xml
for every release the project tracks from <upstream dir>/asterisk-<release>/core-en_US.xml.
The third prints the distinct action and event names of a file, one a line.";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["-h" | "--help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        ["--all", upstream, spec] => all(Path::new(upstream), Path::new(spec)),
        ["--names", file] => names(Path::new(file)),
        ["--release", release, input, output] | [input, output, "--release", release] => {
            one(Path::new(input), Path::new(output), release)
        }
        [input, output] if !input.starts_with('-') && !output.starts_with('-') => match release_of(Path::new(input)) {
            Some(release) => one(Path::new(input), Path::new(output), &release),
            None => Err(format!("cannot tell the release of {input}: pass --release X")),
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ami-spec-extract: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The `X` of the nearest ancestor directory named `asterisk-X`.
fn release_of(input: &Path) -> Option<String> {
    input.canonicalize().ok()?.ancestors().skip(1).find_map(|dir| {
        let name = dir.file_name()?.to_str()?;
        name.strip_prefix("asterisk-").filter(|r| !r.is_empty()).map(str::to_owned)
    })
}

fn one(input: &Path, output: &Path, release: &str) -> Result<(), String> {
    let out = extract::extract(&read(input)?, release).map_err(|e| format!("{}: {e}", input.display()))?;
    write(output, &out)?;
    summary(release, output, &out)
}

fn all(upstream: &Path, spec: &Path) -> Result<(), String> {
    // Extract everything first, so that an error leaves spec/ untouched.
    let mut outputs: Vec<(&str, PathBuf, String)> = Vec::new();
    for &release in RELEASES {
        let input = extract::upstream_file(upstream, release);
        let out = extract::extract(&read(&input)?, release).map_err(|e| format!("{}: {e}", input.display()))?;
        outputs.push((release, spec.join(extract::spec_file_name(release)), out));
    }
    fs::create_dir_all(spec).map_err(|e| format!("cannot create {}: {e}", spec.display()))?;
    for (release, path, out) in &outputs {
        write(path, out)?;
        summary(release, path, out)?;
    }
    Ok(())
}

fn names(path: &Path) -> Result<(), String> {
    let names = extract::manager_names(&read(path)?);
    names.actions.iter().for_each(|n| println!("action {n}"));
    names.events.iter().for_each(|n| println!("event {n}"));
    Ok(())
}

/// Reads and parses an XML file with the generator's parser.
fn read(path: &Path) -> Result<Doc, String> {
    let xml = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Doc::parse(&xml, path).map_err(|e| e.to_string())
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn summary(release: &str, path: &Path, out: &str) -> Result<(), String> {
    let names = extract::manager_names(&Doc::parse(out, path).map_err(|e| e.to_string())?);
    println!(
        "{}: Asterisk {release}, {} distinct actions, {} distinct events, {} bytes",
        path.display(),
        names.actions.len(),
        names.events.len(),
        out.len()
    );
    Ok(())
}
