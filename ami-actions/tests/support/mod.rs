//! Shared data for the tests: `../shared` beside the repository.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use ami_actions::ami_core::Decoder;
use ami_actions::record::Recording;
use ami_actions::Message;

/// Every message of a raw server stream that starts with the banner line.
pub fn messages(stream: &[u8]) -> Vec<Message> {
    let mut d = Decoder::new();
    d.feed(stream);
    if d.decode_banner().unwrap().is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    while let Some(m) = d.decode().unwrap() {
        out.push(m);
    }
    out
}

/// ami-core's test fixtures (shared by both crates' tests).
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ami-core/tests/fixtures")
}

/// The repository's slice of the benchmark corpus (raw server stream): 144
/// whole calls and every event type of the full corpus
/// (ami-core/tests/fixtures/corpus/make_slice.py).
pub fn corpus() -> Vec<u8> {
    let path = fixtures().join("corpus/corpus-slice.ami.gz");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut out).unwrap();
    out
}

/// Every transcript in the repository (ami-core/tests/fixtures/transcripts),
/// sorted by name, read by the library's own reader (`ami_core::record`).
pub fn recordings() -> Vec<Recording> {
    let dir = fixtures().join("transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|f| f.extension().is_some_and(|x| x == "txt"));
    files.sort();
    assert!(!files.is_empty(), "no transcript in the fixtures");
    files.iter().map(|f| Recording::load(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()))).collect()
}

/// Every transcript in the repository: its name and the bytes the server sent.
pub fn transcripts() -> Vec<(String, Vec<u8>)> {
    recordings().into_iter().map(|r| (r.name.clone(), r.server_bytes())).collect()
}

/// The actions a transcript's client sent, by ActionID.
pub fn actions_by_id(r: &Recording) -> BTreeMap<String, String> {
    requests(&r.client_bytes())
        .iter()
        .filter_map(|m| Some((m.action_id()?.into_owned(), m.get_str("Action")?.into_owned())))
        .collect()
}

/// Every message of a client stream (no banner).
pub fn requests(stream: &[u8]) -> Vec<Message> {
    let mut d = Decoder::new();
    d.feed(stream);
    let mut out = Vec::new();
    while let Some(m) = d.decode().unwrap() {
        out.push(m);
    }
    out
}
