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
//! holds a `'`). [`Transcript`] keeps the chunks in order with their direction
//! and time, and the notes with the place they were made, so that the parser
//! tests and the fake server can replay the same data.
//!
//! The transcripts are in the repository, so every clone tests itself.

use std::fmt;
use std::path::{Path, PathBuf};

/// Who sent a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `C>`: bytes the client wrote to the server.
    Client,
    /// `S<`: bytes the client received from the server in one `recv()`.
    Server,
}

/// One recorded chunk: the bytes of one write (client) or one read (server).
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// Seconds since the connection was opened.
    pub at: f64,
    /// Who sent the bytes.
    pub direction: Direction,
    /// The bytes exactly as they crossed the socket.
    pub bytes: Vec<u8>,
}

/// A `##` line: a remark of the recording tool (banner seen, EOF, delays...).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Seconds since the connection was opened.
    pub at: f64,
    /// Number of chunks recorded before the note: the note sits between
    /// `chunks[index - 1]` and `chunks[index]`.
    pub index: usize,
    /// The text after `##`, trimmed.
    pub text: String,
}

/// A whole transcript file, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// The file name without its extension, e.g. `01_admin_events_originate`.
    pub name: String,
    /// Every chunk in recorded order, both directions interleaved.
    pub chunks: Vec<Chunk>,
    /// Every `##` note in recorded order.
    pub notes: Vec<Note>,
}

/// Why a transcript line could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number in the file (0 when parsing a lone repr).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for ParseError {}

impl Transcript {
    /// Parses the text of a transcript file.
    pub fn parse(name: &str, text: &str) -> Result<Transcript, ParseError> {
        let mut t = Transcript { name: name.to_string(), chunks: Vec::new(), notes: Vec::new() };
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let err = |reason: String| ParseError { line: line_no, reason };
            let line = raw.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (time, rest) = line.split_once(' ').ok_or_else(|| err(format!("no marker after the time: {raw:?}")))?;
            let at: f64 = time.parse().map_err(|_| err(format!("bad time {time:?}")))?;
            let rest = rest.trim_start();
            if let Some(note) = rest.strip_prefix("##") {
                t.notes.push(Note { at, index: t.chunks.len(), text: note.trim().to_string() });
                continue;
            }
            let (direction, repr) = if let Some(r) = rest.strip_prefix("C>") {
                (Direction::Client, r)
            } else if let Some(r) = rest.strip_prefix("S<") {
                (Direction::Server, r)
            } else {
                return Err(err(format!("expected `C>`, `S<` or `##` after the time: {raw:?}")));
            };
            let bytes = parse_bytes_repr(repr.trim()).map_err(|e| err(e.reason))?;
            t.chunks.push(Chunk { at, direction, bytes });
        }
        Ok(t)
    }

    /// Reads and parses a transcript file; the name is the file stem.
    pub fn load(path: &Path) -> Result<Transcript, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Transcript::parse(&name, &text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The chunks one side sent, in order.
    pub fn chunks_from(&self, direction: Direction) -> impl Iterator<Item = &[u8]> + '_ {
        self.chunks.iter().filter(move |c| c.direction == direction).map(|c| c.bytes.as_slice())
    }

    /// Everything the server sent, concatenated (banner first).
    pub fn server_bytes(&self) -> Vec<u8> {
        self.chunks_from(Direction::Server).flatten().copied().collect()
    }

    /// Everything the client sent, concatenated.
    pub fn client_bytes(&self) -> Vec<u8> {
        self.chunks_from(Direction::Client).flatten().copied().collect()
    }

    /// Whether a note records that the server closed the connection.
    pub fn server_closed(&self) -> bool {
        self.notes.iter().any(|n| n.text.starts_with("EOF"))
    }

    /// Whether the recording was made over TLS.
    pub fn is_tls(&self) -> bool {
        self.notes.iter().any(|n| n.text.starts_with("TLS established"))
    }
}

/// Decodes a Python `bytes` repr: `b'...'` or `b"..."` with the escapes
/// Python writes (`\\`, `\'`, `\"`, `\t`, `\n`, `\r`, `\xNN`; also `\a`, `\b`,
/// `\f`, `\v`, `\0`). Anything else is an error, so a format change is noticed.
pub fn parse_bytes_repr(repr: &str) -> Result<Vec<u8>, ParseError> {
    let err = |reason: String| ParseError { line: 0, reason };
    let body = repr.strip_prefix('b').ok_or_else(|| err(format!("not a bytes repr: {repr:?}")))?;
    let quote = match body.as_bytes().first() {
        Some(&q @ (b'\'' | b'"')) => q,
        _ => return Err(err(format!("bytes repr without an opening quote: {repr:?}"))),
    };
    let inner = &body.as_bytes()[1..];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    loop {
        let Some(&c) = inner.get(i) else {
            return Err(err(format!("unterminated bytes repr: {repr:?}")));
        };
        i += 1;
        match c {
            _ if c == quote => break,
            b'\\' => {
                let Some(&e) = inner.get(i) else {
                    return Err(err(format!("backslash at the end of {repr:?}")));
                };
                i += 1;
                out.push(match e {
                    b'\\' | b'\'' | b'"' => e,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b'f' => 0x0c,
                    b'v' => 0x0b,
                    b'0' => 0,
                    b'x' => {
                        let hex = inner.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                        let v = hex
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                            .ok_or_else(|| err(format!("bad \\x escape at byte {i} of {repr:?}")))?;
                        i += 2;
                        v
                    }
                    _ => return Err(err(format!("unknown escape \\{} in {repr:?}", e as char))),
                });
            }
            0x20..=0x7e => out.push(c),
            _ => return Err(err(format!("unescaped byte 0x{c:02x} in {repr:?}"))),
        }
    }
    if i != inner.len() {
        return Err(err(format!("text after the closing quote in {repr:?}")));
    }
    Ok(out)
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
    paths.iter().map(|p| Transcript::load(p).unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// One transcript by name (file stem, e.g. `10_pipelined`).
pub fn load(name: &str) -> Transcript {
    let path = transcripts_dir().join(format!("{name}.txt"));
    Transcript::load(&path).unwrap_or_else(|e| panic!("{e}"))
}
