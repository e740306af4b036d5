//! Recording AMI sessions byte for byte, and reading recordings back.
//!
//! # The transcript format
//!
//! A recording is a UTF-8 (in fact ASCII) text file, one item per line, the
//! format of the Asterisk 22.10.1 transcripts in this project's
//! `ami-core/tests/fixtures/transcripts`:
//!
//! ```text
//! # AMI raw transcript 'admin'                        <- header line: `#`, then anything
//!   0.000000 ## connected to 127.0.0.1:5038           <- note: time, `##`, text
//!   0.000812 S< b'Asterisk Call Manager/11.0.0\r\n'   <- bytes the client received
//!   0.001034 C> b'Action: Login\r\nUsername: admin\r\nSecret: <redacted>\r\n\r\n'
//!                                                     <- bytes the client wrote
//! ```
//!
//! - The time is seconds since the connection was opened, as a decimal
//!   number (any precision; leading spaces are allowed). The recorder writes
//!   microseconds; the fixtures have milliseconds.
//! - `S<` is a chunk the client received from the server, `C>` a chunk the
//!   client wrote. The bytes are a Python `bytes` repr: `b'...'`, or `b"..."`
//!   when the bytes hold a `'` and no `"`; printable ASCII as is, `\\`,
//!   `\'` (or `\"`), `\t`, `\n`, `\r`, and `\xNN` for every other byte.
//! - `##` lines are notes of the recording tool (`connected to ...`,
//!   `TLS established`, `EOF (server closed the connection)`).
//! - Lines starting with `#` (and empty lines) are comments.
//!
//! Concatenated, the chunks of one direction are exactly the bytes that
//! crossed the socket, except secrets: the [`Recorder`] replaces the value of
//! every header that [`crate::secret::is_secret`] names (the login's `Secret`
//! and `Key`, `Password`s...) by [`crate::secret::REDACTED`].
//! Chunk boundaries are incidental (TCP); the recorder cuts the chunks it
//! writes at message boundaries, so that a secret split across two reads is
//! still redacted.
//!
//! # Recording your own traffic
//!
//! [`connect`] opens a connection as [`Client::connect`] does, with every
//! byte recorded; [`RecordingTransport`] wraps a transport you opened
//! yourself (for [`Client::from_transport`]); [`Recorder`] alone records
//! bytes you hand it (a proxy).
//!
//! ```
//! use ami_core::record::{self, Recorder, Recording};
//! use ami_core::testkit::FakeAsterisk;
//! use ami_core::{Config, Login};
//! use std::sync::{Arc, Mutex};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeAsterisk::start()?;
//! let file = record::SharedBuffer::default();
//! let recorder = Recorder::new(file.clone(), "example")?;
//! let config = Config::new("127.0.0.1", fake.addr().port());
//! let session = record::connect(&config, recorder.clone())?.login(&Login::new("admin", "admin-secret"))?;
//! session.logoff()?;
//! recorder.finish()?;
//!
//! let text = String::from_utf8(file.contents())?;
//! assert!(!text.contains("admin-secret"));
//! let recording = Recording::parse("example", &text)?;
//! assert!(recording.server_bytes().starts_with(b"Asterisk Call Manager/11.0.0\r\n"));
//! assert!(String::from_utf8_lossy(&recording.client_bytes()).contains("Secret: <redacted>"));
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::config::Config;
use crate::error::Error;
use crate::secret::{is_secret, REDACTED};
use crate::transport::{self, Transport};

/// Who sent a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `C>`: bytes the client wrote to the server.
    Client,
    /// `S<`: bytes the client received from the server.
    Server,
}

impl Direction {
    /// The marker in the format: `C>` or `S<`.
    pub fn marker(self) -> &'static str {
        match self {
            Direction::Client => "C>",
            Direction::Server => "S<",
        }
    }
}

/// One recorded chunk: the bytes of one write (client) or one read (server).
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// Seconds since the connection was opened.
    pub at: f64,
    /// Who sent the bytes.
    pub direction: Direction,
    /// The bytes as they crossed the socket (secrets redacted).
    pub bytes: Vec<u8>,
}

/// A `##` line: a remark of the recording tool (connected, TLS, EOF...).
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

/// A whole recording, parsed (see the [module documentation](self) for the
/// format).
///
/// ```
/// use ami_core::record::{Direction, Recording};
///
/// let text = "# AMI raw transcript 'x'\n   0.001 S< b'Asterisk Call Manager/11.0.0\\r\\n'\n   0.002 ## EOF\n";
/// let r = Recording::parse("x", text)?;
/// assert_eq!(r.chunks[0].direction, Direction::Server);
/// assert_eq!(r.server_bytes(), b"Asterisk Call Manager/11.0.0\r\n");
/// assert!(r.server_closed());
/// assert_eq!(Recording::parse("x", &r.to_text())?, r);
/// # Ok::<(), ami_core::record::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recording {
    /// Its name: the file name without its extension, for a loaded file.
    pub name: String,
    /// Every chunk in recorded order, both directions interleaved.
    pub chunks: Vec<Chunk>,
    /// Every `##` note in recorded order.
    pub notes: Vec<Note>,
}

/// Why a recording line could not be read.
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

impl Recording {
    /// Parses the text of a recording.
    pub fn parse(name: &str, text: &str) -> Result<Recording, ParseError> {
        let mut t = Recording { name: name.to_string(), chunks: Vec::new(), notes: Vec::new() };
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

    /// Reads and parses a recording file (not compressed); the name is the
    /// file stem. A parse error is an [`io::ErrorKind::InvalidData`] error.
    pub fn load(path: &Path) -> io::Result<Recording> {
        let text = std::fs::read_to_string(path)?;
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Recording::parse(&name, &text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Whether `text` looks like a recording rather than a raw server
    /// stream: its first line that is not empty is a `#` comment or a time
    /// followed by `C>`, `S<` or `##`.
    ///
    /// ```
    /// use ami_core::record::Recording;
    /// assert!(Recording::looks_like(b"# AMI raw transcript\n"));
    /// assert!(Recording::looks_like(b"   0.001 S< b'x'\n"));
    /// assert!(!Recording::looks_like(b"Asterisk Call Manager/11.0.0\r\n"));
    /// ```
    pub fn looks_like(bytes: &[u8]) -> bool {
        let Some(line) = bytes.split(|&b| b == b'\n').find(|l| !l.trim_ascii().is_empty()) else {
            return false;
        };
        let line = line.trim_ascii();
        if line.starts_with(b"#") {
            return true;
        }
        let mut words = line.splitn(3, |&b| b == b' ').filter(|w| !w.is_empty());
        let time = words.next().and_then(|t| std::str::from_utf8(t).ok()).and_then(|t| t.parse::<f64>().ok());
        let rest = line.splitn(2, |&b| b == b' ').nth(1).map(<[u8]>::trim_ascii).unwrap_or_default();
        time.is_some() && [&b"C>"[..], b"S<", b"##"].iter().any(|m| rest.starts_with(m))
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

    /// The recording in the format, header first; [`Recording::parse`]
    /// reads it back equal.
    pub fn to_text(&self) -> String {
        let mut out = header(&self.name);
        let mut notes = self.notes.iter().peekable();
        for (i, chunk) in self.chunks.iter().enumerate() {
            while let Some(n) = notes.next_if(|n| n.index <= i) {
                out.push_str(&note_line(n.at, &n.text));
            }
            out.push_str(&chunk_line(chunk.at, chunk.direction, &chunk.bytes));
        }
        notes.for_each(|n| out.push_str(&note_line(n.at, &n.text)));
        out
    }
}

/// The header lines a recording starts with.
fn header(name: &str) -> String {
    let name = name.replace(['\r', '\n'], " ");
    format!(
        "# AMI raw transcript '{name}'\n\
         # Format: <seconds since connect> C> <repr of bytes sent by client>\n\
         #         <seconds since connect> S< <repr of bytes received from the server>\n\
         #         <seconds since connect> ## <note>\n\
         # Secrets are redacted (ami_core::secret); chunk boundaries are incidental.\n"
    )
}

fn note_line(at: f64, text: &str) -> String {
    format!("{at:10.6} ## {}\n", text.replace(['\r', '\n'], " "))
}

fn chunk_line(at: f64, direction: Direction, bytes: &[u8]) -> String {
    let mut line = format!("{at:10.6} {} ", direction.marker());
    write_bytes_repr(&mut line, bytes);
    line.push('\n');
    line
}

/// Appends the Python `bytes` repr of `bytes` to `out`, as Python writes it:
/// `b'...'`, or `b"..."` when the bytes hold a `'` and no `"`.
///
/// ```
/// let mut s = String::new();
/// ami_core::record::write_bytes_repr(&mut s, b"It's\r\n\x00\xe9");
/// assert_eq!(s, r#"b"It's\r\n\x00\xe9""#);
/// assert_eq!(ami_core::record::parse_bytes_repr(&s).unwrap(), b"It's\r\n\x00\xe9");
/// ```
pub fn write_bytes_repr(out: &mut String, bytes: &[u8]) {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') { b'"' } else { b'\'' };
    out.push('b');
    out.push(quote as char);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote as char);
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

/// Largest message the recorder holds back waiting for its end; past it,
/// what it has is written (redacted) as it is.
const MAX_HELD: usize = 1 << 20;

/// Cuts one direction's bytes at message boundaries and redacts secrets.
struct Redactor {
    direction: Direction,
    /// The server's banner line is still due.
    banner_due: bool,
    /// Bytes not yet part of a complete line.
    partial: Vec<u8>,
    /// Complete lines of the message being read, line ends included.
    lines: Vec<Vec<u8>>,
}

impl Redactor {
    fn new(direction: Direction) -> Redactor {
        Redactor { direction, banner_due: direction == Direction::Server, partial: Vec::new(), lines: Vec::new() }
    }

    /// Takes bytes; returns what is ready to be written (whole messages,
    /// redacted), possibly nothing.
    fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        self.partial.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(end) = self.line_end(start) {
            let line = self.partial[start..end].to_vec();
            start = end;
            if self.banner_due {
                self.banner_due = false;
                out.extend_from_slice(&line);
            } else if is_blank(&line) {
                self.flush_message(&mut out);
                out.extend_from_slice(&line);
            } else {
                self.lines.push(line);
            }
        }
        self.partial.drain(..start);
        if self.lines.iter().map(Vec::len).sum::<usize>() + self.partial.len() > MAX_HELD {
            self.finish_into(&mut out);
        }
        out
    }

    /// Where the line starting at `start` ends (after its line end): CRLF
    /// for the server, LF for the client (as Asterisk reads its input).
    fn line_end(&self, start: usize) -> Option<usize> {
        let rest = &self.partial[start..];
        match self.direction {
            Direction::Client => memchr::memchr(b'\n', rest).map(|i| start + i + 1),
            Direction::Server => memchr::memmem::find(rest, b"\r\n").map(|i| start + i + 2),
        }
    }

    /// Everything held, redacted as far as it goes (end of stream).
    fn finish(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.finish_into(&mut out);
        out
    }

    fn finish_into(&mut self, out: &mut Vec<u8>) {
        if !self.partial.is_empty() {
            let partial = std::mem::take(&mut self.partial);
            self.lines.push(partial);
        }
        self.flush_message(out);
    }

    fn flush_message(&mut self, out: &mut Vec<u8>) {
        let lines = std::mem::take(&mut self.lines);
        let name = lines.iter().find_map(|l| {
            let (k, v) = split_header(l)?;
            let k = String::from_utf8_lossy(k);
            (k.eq_ignore_ascii_case("Action") || k.eq_ignore_ascii_case("Event"))
                .then(|| String::from_utf8_lossy(trim_end(v)).trim().to_string())
        });
        for line in lines {
            match split_header(&line) {
                Some((k, v)) if is_secret(name.as_deref(), &String::from_utf8_lossy(k)) => {
                    let value_start = line.len() - v.len();
                    let ending = &v[trim_end(v).len()..];
                    // Keep the separator space if there was one.
                    let space = usize::from(v.first() == Some(&b' '));
                    out.extend_from_slice(&line[..value_start + space]);
                    if !trim_end(v).is_empty() {
                        out.extend_from_slice(REDACTED.as_bytes());
                    }
                    out.extend_from_slice(ending);
                }
                _ => out.extend_from_slice(&line),
            }
        }
    }
}

/// A line without its end is empty.
fn is_blank(line: &[u8]) -> bool {
    trim_end(line).is_empty()
}

/// A line without its CR/LF end.
fn trim_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &line[..end]
}

/// `(name, rest after the colon)`, the name trimmed.
fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr::memchr(b':', line)?;
    Some((line[..colon].trim_ascii(), &line[colon + 1..]))
}

struct State {
    out: Box<dyn Write + Send>,
    start: Instant,
    client: Redactor,
    server: Redactor,
    error: Option<io::Error>,
    finished: bool,
}

impl State {
    fn write(&mut self, text: &str) {
        if self.error.is_none() && !self.finished {
            if let Err(e) = self.out.write_all(text.as_bytes()) {
                self.error = Some(e);
            }
        }
    }

    fn at(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    fn chunk(&mut self, direction: Direction, bytes: &[u8]) {
        let ready = match direction {
            Direction::Client => self.client.feed(bytes),
            Direction::Server => self.server.feed(bytes),
        };
        if !ready.is_empty() {
            let line = chunk_line(self.at(), direction, &ready);
            self.write(&line);
        }
    }
}

/// Writes a recording as bytes cross a connection: cloneable (clones write
/// to the same file), `Send + Sync`, every header [`is_secret`] names
/// redacted. See the [module documentation](self) for the format.
///
/// A failure to write the recording never disturbs the connection: the
/// first error is kept, writing stops, and [`Recorder::finish`] returns it.
#[derive(Clone)]
pub struct Recorder {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Recorder {
    /// Starts a recording called `name` into `out`, writing its header now;
    /// times count from now.
    pub fn new(out: impl Write + Send + 'static, name: &str) -> io::Result<Recorder> {
        let mut out: Box<dyn Write + Send> = Box::new(out);
        out.write_all(header(name).as_bytes())?;
        let state = State {
            out,
            start: Instant::now(),
            client: Redactor::new(Direction::Client),
            server: Redactor::new(Direction::Server),
            error: None,
            finished: false,
        };
        Ok(Recorder { state: Arc::new(Mutex::new(state)) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records bytes the client wrote to the server.
    pub fn client_wrote(&self, bytes: &[u8]) {
        self.lock().chunk(Direction::Client, bytes);
    }

    /// Records bytes the client received from the server.
    pub fn server_sent(&self, bytes: &[u8]) {
        self.lock().chunk(Direction::Server, bytes);
    }

    /// Records a `##` note (one line).
    pub fn note(&self, text: &str) {
        let mut state = self.lock();
        let line = note_line(state.at(), text);
        state.write(&line);
    }

    /// Time since the recording started.
    pub fn elapsed(&self) -> Duration {
        self.lock().start.elapsed()
    }

    /// Writes what is still held back (a message cut short by the end of
    /// the connection, redacted), flushes, and closes the output (dropping
    /// the writer); later bytes are not recorded. Returns the first write
    /// error, if any. Calling it again does nothing.
    pub fn finish(&self) -> io::Result<()> {
        let mut state = self.lock();
        if state.finished {
            return Ok(());
        }
        for direction in [Direction::Client, Direction::Server] {
            let rest = match direction {
                Direction::Client => state.client.finish(),
                Direction::Server => state.server.finish(),
            };
            if !rest.is_empty() {
                let line = chunk_line(state.at(), direction, &rest);
                state.write(&line);
            }
        }
        if state.error.is_none() {
            if let Err(e) = state.out.flush() {
                state.error = Some(e);
            }
        }
        state.finished = true;
        state.out = Box::new(io::sink());
        match state.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A [`Transport`] that records every byte read and written through it.
///
/// ```
/// use ami_core::record::{Recorder, RecordingTransport, SharedBuffer};
/// use ami_core::testkit::FakeAsterisk;
/// use ami_core::{Client, Config, Login};
/// use std::net::TcpStream;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let fake = FakeAsterisk::start()?;
/// let buffer = SharedBuffer::default();
/// let recorder = Recorder::new(buffer.clone(), "wrapped")?;
/// let tcp = TcpStream::connect(fake.addr())?;
/// let transport = RecordingTransport::new(Box::new(tcp), recorder.clone());
/// let config = Config::new("127.0.0.1", fake.addr().port());
/// let mut session = Client::from_transport(Box::new(transport), config)?.login(&Login::new("admin", "admin-secret"))?;
/// session.ping()?;
/// session.logoff()?;
/// recorder.finish()?;
/// assert!(String::from_utf8(buffer.contents())?.contains("Ping: Pong"));
/// # Ok(())
/// # }
/// ```
pub struct RecordingTransport {
    inner: Box<dyn Transport>,
    recorder: Recorder,
}

impl fmt::Debug for RecordingTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingTransport").finish_non_exhaustive()
    }
}

impl RecordingTransport {
    /// Wraps `inner`; what crosses it goes to `recorder`.
    pub fn new(inner: Box<dyn Transport>, recorder: Recorder) -> RecordingTransport {
        RecordingTransport { inner, recorder }
    }

    /// The recorder.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }
}

impl Read for RecordingTransport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if !buf.is_empty() {
                self.recorder.note("EOF (server closed the connection)");
            }
        } else {
            self.recorder.server_sent(&buf[..n]);
        }
        Ok(n)
    }
}

impl Write for RecordingTransport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.recorder.client_wrote(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Transport for RecordingTransport {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.inner.set_read_timeout(timeout)
    }

    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.inner.set_write_timeout(timeout)
    }

    fn shutdown(&mut self) {
        self.inner.shutdown();
    }

    fn try_clone_box(&self) -> Option<Box<dyn Transport>> {
        let inner = self.inner.try_clone_box()?;
        Some(Box::new(RecordingTransport { inner, recorder: self.recorder.clone() }))
    }
}

/// Connects as [`Client::connect`] does (TCP, or TLS when configured) and
/// records the connection into `recorder` from the first byte: notes
/// `connected to HOST:PORT` (and `TLS established`), then every chunk.
/// Bytes are recorded as the application reads and writes them (for TLS,
/// the plain text).
pub fn connect(config: &Config, recorder: Recorder) -> Result<Client, Error> {
    let inner = transport::open(config)?;
    recorder.note(&format!("connected to {}:{}", config.host, config.port));
    if config.tls.is_some() {
        recorder.note("TLS established");
    }
    Client::from_transport(Box::new(RecordingTransport::new(inner, recorder)), config.clone())
}

/// An in-memory, cloneable output for a [`Recorder`] (clones share the
/// bytes): for tests and for programs that keep a recording in memory.
#[derive(Debug, Clone, Default)]
pub struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    /// A copy of what was written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(direction: Direction, pieces: &[&[u8]]) -> Vec<u8> {
        let mut r = Redactor::new(direction);
        let mut out: Vec<u8> = pieces.iter().flat_map(|p| r.feed(p)).collect();
        out.extend(r.finish());
        out
    }

    #[test]
    fn secrets_split_across_writes_are_redacted() {
        let login = b"Action: Login\r\nUsername: admin\r\nSecret: admin-secret\r\nEvents: on\r\n\r\n";
        for cut in 0..login.len() {
            let out = redact(Direction::Client, &[&login[..cut], &login[cut..]]);
            assert_eq!(
                out, b"Action: Login\r\nUsername: admin\r\nSecret: <redacted>\r\nEvents: on\r\n\r\n",
                "cut {cut}"
            );
        }
    }

    #[test]
    fn key_is_secret_in_login_only_and_lf_lines_work() {
        let out = redact(Direction::Client, &[b"Key: abc\nAction: Login\nAuthType: MD5\n\nAction: DBGet\nKey: k\n\n"]);
        assert_eq!(out, b"Key: <redacted>\nAction: Login\nAuthType: MD5\n\nAction: DBGet\nKey: k\n\n");
    }

    #[test]
    fn server_banner_and_passwords() {
        let out = redact(
            Direction::Server,
            &[b"Asterisk Call Manager/11.0.0\r\nEvent: AuthDetail\r\nPassword: pw\r\nMd5Cred:\r\n\r\nEvent: X\r\nA: b\nc\r\n\r\n"],
        );
        assert_eq!(
            out,
            &b"Asterisk Call Manager/11.0.0\r\nEvent: AuthDetail\r\nPassword: <redacted>\r\nMd5Cred:\r\n\r\nEvent: X\r\nA: b\nc\r\n\r\n"[..]
        );
    }

    #[test]
    fn cut_message_is_still_redacted_at_the_end() {
        assert_eq!(
            redact(Direction::Client, &[b"Action: Login\r\nSecret: s3cr"]),
            b"Action: Login\r\nSecret: <redacted>"
        );
    }

    #[test]
    fn repr_round_trips_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        for bytes in [&all[..], b"'", b"\"", b"'\"", b""] {
            let mut s = String::new();
            write_bytes_repr(&mut s, bytes);
            assert_eq!(parse_bytes_repr(&s).unwrap(), bytes, "{s}");
        }
    }
}
