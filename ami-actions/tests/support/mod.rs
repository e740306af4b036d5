//! Shared data for the tests: `../shared` beside the repository.
#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

use ami_actions::ami_core::Decoder;
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

/// The directory of the transcripts in the repository.
pub fn transcripts_dir() -> PathBuf {
    fixtures().join("transcripts")
}

/// Every transcript in the repository: its name and the bytes the server sent.
pub fn transcripts() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(transcripts_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|f| f.extension().is_some_and(|x| x == "txt"));
    files.sort();
    assert!(!files.is_empty(), "no transcript in the fixtures");
    files
        .iter()
        .map(|f| {
            let name = f.file_stem().unwrap().to_string_lossy().into_owned();
            (name, transcript_server_bytes(&std::fs::read_to_string(f).unwrap()))
        })
        .collect()
}

/// Decodes a Python `b'...'` literal.
fn py_bytes(lit: &str) -> Vec<u8> {
    let inner = lit.strip_prefix("b").unwrap();
    let q = inner.as_bytes()[0];
    let body = &inner.as_bytes()[1..inner.len() - 1];
    assert_eq!(inner.as_bytes()[inner.len() - 1], q);
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            i += 1;
            match body[i] {
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'\\' => out.push(b'\\'),
                b'\'' => out.push(b'\''),
                b'"' => out.push(b'"'),
                b'x' => {
                    let hex = std::str::from_utf8(&body[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 2;
                }
                other => panic!("unknown escape \\{}", other as char),
            }
        } else {
            out.push(body[i]);
        }
        i += 1;
    }
    out
}

/// The bytes the server sent in one transcript, in order.
pub fn transcript_server_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if !t.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if let Some((_, rest)) = t.split_once(" S< ") {
            out.extend(py_bytes(rest.trim_end()));
        }
    }
    out
}

/// The bytes the client sent in one transcript, in order.
pub fn transcript_client_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if !t.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if let Some((_, rest)) = t.split_once(" C> ") {
            out.extend(py_bytes(rest.trim_end()));
        }
    }
    out
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
