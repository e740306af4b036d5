//! Prints the Rust code generated from Asterisk XML files, or a summary.
//!
//! ```text
//! ami-codegen [--prose] [--summary] [--out DIR] FILE.xml...
//! ```

use std::process::ExitCode;

fn run() -> Result<(), String> {
    let mut prose = false;
    let mut summary = false;
    let mut out_dir = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--prose" => prose = true,
            "--summary" => summary = true,
            "--out" => out_dir = Some(args.next().ok_or("--out needs a directory")?),
            "-h" | "--help" => {
                println!("usage: ami-codegen [--prose] [--summary] [--out DIR] FILE.xml...");
                return Ok(());
            }
            _ => files.push(ami_codegen::Input::file(a)),
        }
    }
    let opts = ami_codegen::Options { prose };
    let (spec, report) = ami_codegen::load(&files, &opts).map_err(|e| e.to_string())?;
    let files_out = ami_codegen::emit::emit(&spec);
    if summary {
        println!("actions {}", report.actions);
        println!("events {}", report.events);
        println!("lines {}", files_out.lines());
        let st = ami_codegen::kinds::stats(&spec);
        let kinds: Vec<String> = st.by_kind.iter().map(|(k, n)| format!("{k:?} {n}")).collect();
        println!(
            "event accessors {}: typed {} ({}), enums and bools {}, text {}",
            st.accessors,
            st.typed(),
            kinds.join(", "),
            st.enums_and_bools,
            st.text
        );
        for (label, inc) in &report.includes {
            println!("includes {label}: {} resolved, {} dropped", inc.resolved, inc.dropped.len());
            for (xp, why) in &inc.dropped {
                println!("  dropped {xp}: {why}");
            }
        }
        for f in &report.fixups {
            println!(
                "fixup {}: {}",
                f.name,
                f.result.as_ref().map_or_else(|e| format!("not applied ({e})"), |_| "applied".into())
            );
        }
        for (w, g, what) in &report.clashes {
            println!("renamed {what}: {w} -> {g}");
        }
        return Ok(());
    }
    match out_dir {
        Some(dir) => {
            for (name, text) in files_out.iter() {
                let path = std::path::Path::new(&dir).join(name);
                std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        None => {
            for (name, text) in files_out.iter() {
                println!("// ===== {name} =====\n{text}");
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ami-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}
