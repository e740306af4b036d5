//! Shared data for the tests: `../shared` beside the repository.
#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

use ami_actions::{Decoder, Message};

/// `$CARGO_MANIFEST_DIR/../../shared/<rel>`, or `None` (panics under CI).
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("shared data missing under CI: {}", path.display());
    }
    eprintln!("skipped: {} not found (set up ../shared to run this test)", path.display());
    None
}

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

/// The decompressed benchmark corpus.
pub fn corpus() -> Option<Vec<u8>> {
    let path = shared("bench/asterisk-22-calls.ami.gz")?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut out).unwrap();
    Some(out)
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
