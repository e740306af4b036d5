//! Reads the raw transcripts in `ami-core/tests/fixtures/transcripts` (real
//! sessions with Asterisk 22.10.1, copied from `../shared/spec-upstream`).
//!
//! A transcript records what a real Asterisk 22 exchanged with a client, one
//! chunk per line:
//!
//! ```text
//! # AMI raw transcript '03_challenge_md5'            <- file header, ignored
//!    0.001 S< b'Asterisk Call Manager/11.0.0\r\n'     <- one recv() from the server
//!    0.001 ## banner line: b'Asterisk Call Manager/11.0.0'   <- checker note
//!    0.001 C> b'Action: Challenge\r\n...\r\n\r\n'      <- one write by the client
//! ```
//!
//! The bytes are a Python `bytes` repr (`b'...'`, or `b"..."` when the text
//! holds a `'`). [`Transcript`] (the library's `ami_core::record::Recording`)
//! keeps the chunks in order with their direction and time, and the notes
//! with the place they were made, so that the parser tests and the fake
//! server can replay the same data.
//!
//! The transcripts are in the repository, so every clone tests itself.

use std::path::{Path, PathBuf};

/// The parser is the library's ([`ami_core::record`]), so that the tests,
/// the replaying fake and `ami decode` read transcripts the same way.
#[allow(unused_imports)]
pub use ami_core::record::{parse_bytes_repr, Chunk, Direction, Note, ParseError, Recording as Transcript};

/// Reads and parses a transcript file; the name is the file stem.
pub fn load_path(path: &Path) -> Result<Transcript, String> {
    Transcript::load(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The directory of raw transcripts in the repository.
pub fn transcripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/transcripts")
}

/// Every `*.txt` transcript, sorted by name, parsed. Panics when a file
/// cannot be read or parsed, or when there is none.
pub fn load_all() -> Vec<Transcript> {
    let dir = transcripts_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no *.txt transcript in {}", dir.display());
    paths.iter().map(|p| load_path(p).unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// One transcript by name (file stem, e.g. `10_pipelined`).
pub fn load(name: &str) -> Transcript {
    let path = transcripts_dir().join(format!("{name}.txt"));
    load_path(&path).unwrap_or_else(|e| panic!("{e}"))
}
