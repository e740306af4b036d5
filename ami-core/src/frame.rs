//! Incremental framing of the server's byte stream into messages.
//!
//! Only CRLF ends a line: Asterisk writes bare LF and CR inside values. An
//! empty line (CRLF CRLF) ends a message; stray empty lines between messages
//! are skipped. Nothing here depends on how the bytes were cut by `read()`.

use std::io::{self, Read};

use crate::error::ProtocolError;
use crate::message::Message;

/// Default ceiling for one message (or the banner line), in bytes.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

const READ_CHUNK: usize = 64 * 1024;

/// The first line the server sends, e.g. `Asterisk Call Manager/11.0.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    line: String,
}

impl Banner {
    /// Parses a banner line (without its CRLF). Any line is accepted.
    pub fn new(line: &[u8]) -> Banner {
        Banner { line: String::from_utf8_lossy(line).into_owned() }
    }

    /// The whole line as sent (lossy UTF-8).
    pub fn line(&self) -> &str {
        &self.line
    }

    /// The AMI protocol version after the last `/`, e.g. `11.0.0`. This is
    /// not the Asterisk version (Asterisk 22 says `11.0.0`).
    pub fn version(&self) -> Option<&str> {
        self.line.rsplit_once('/').map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// Whether the line looks like an Asterisk manager banner.
    pub fn is_asterisk(&self) -> bool {
        self.line.contains("Call Manager")
    }
}

/// Turns a byte stream into [`Message`]s, whatever the read boundaries.
///
/// ```
/// use ami_core::Decoder;
/// let mut d = Decoder::new();
/// d.feed(b"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nPing: Po");
/// assert_eq!(d.decode_banner().unwrap().unwrap().version(), Some("11.0.0"));
/// assert!(d.decode().unwrap().is_none()); // not complete yet
/// d.feed(b"ng\r\n\r\n");
/// let m = d.decode().unwrap().unwrap();
/// assert_eq!(m.get_str("Ping").as_deref(), Some("Pong"));
/// ```
#[derive(Debug)]
pub struct Decoder {
    /// Always initialised to its full length; bytes `pos..end` are pending.
    buf: Vec<u8>,
    end: usize,
    /// Start of the bytes not yet handed out.
    pos: usize,
    /// Where the search for the end of the current frame resumes.
    scanned: usize,
    max_message: usize,
    /// Searcher for the end of a frame, built once.
    end_finder: memchr::memmem::Finder<'static>,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder with the default maximum message size.
    pub fn new() -> Decoder {
        Decoder::with_max_message_size(DEFAULT_MAX_MESSAGE_SIZE)
    }

    /// A decoder that fails with [`ProtocolError::MessageTooLarge`] once one
    /// message grows past `max` bytes without ending.
    pub fn with_max_message_size(max: usize) -> Decoder {
        Decoder {
            buf: Vec::new(),
            end: 0,
            pos: 0,
            scanned: 0,
            max_message: max.max(64),
            end_finder: memchr::memmem::Finder::new(b"\r\n\r\n"),
        }
    }

    /// Appends bytes received from the server.
    pub fn feed(&mut self, data: &[u8]) {
        self.make_room(data.len());
        self.buf[self.end..self.end + data.len()].copy_from_slice(data);
        self.end += data.len();
    }

    /// Reads once from `reader` straight into the buffer. Returns the number of
    /// bytes read; `Ok(0)` is end of stream.
    pub fn read_from<R: Read + ?Sized>(&mut self, reader: &mut R) -> io::Result<usize> {
        self.make_room(READ_CHUNK);
        let n = reader.read(&mut self.buf[self.end..])?;
        self.end += n;
        Ok(n)
    }

    /// Bytes received but not yet returned as a message.
    pub fn buffered(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    fn make_room(&mut self, want: usize) {
        if self.pos == self.end {
            self.pos = 0;
            self.end = 0;
            self.scanned = 0;
        }
        if self.buf.len() - self.end >= want {
            return;
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.scanned -= self.pos;
            self.pos = 0;
        }
        if self.buf.len() - self.end < want {
            let size = (self.end + want).max(self.buf.len() * 2).max(READ_CHUNK);
            self.buf.resize(size, 0);
        }
    }

    /// Takes the banner line, the first line the server sends.
    pub fn decode_banner(&mut self) -> Result<Option<Banner>, ProtocolError> {
        let rest = &self.buf[self.pos..self.end];
        match memchr::memmem::find(rest, b"\r\n") {
            Some(i) if i > self.max_message => Err(ProtocolError::MessageTooLarge { limit: self.max_message }),
            Some(i) => {
                let banner = Banner::new(&rest[..i]);
                self.pos += i + 2;
                self.scanned = self.pos;
                Ok(Some(banner))
            }
            // A pending CR may be the start of the CRLF: a line of exactly
            // `max_message` bytes must not fail because its CR came alone.
            None if rest.len() > self.max_message.saturating_add(usize::from(rest.ends_with(b"\r"))) => {
                Err(ProtocolError::MessageTooLarge { limit: self.max_message })
            }
            None => Ok(None),
        }
    }

    /// The next complete frame, borrowed: its lines separated by CRLF, without
    /// the closing empty line. No allocation. `Ok(None)` means more bytes are needed.
    pub fn decode_frame(&mut self) -> Result<Option<&[u8]>, ProtocolError> {
        // Skip empty lines between messages.
        while self.buf[self.pos..self.end].starts_with(b"\r\n") {
            self.pos += 2;
        }
        if self.scanned < self.pos {
            self.scanned = self.pos;
        }
        // The first line of a frame ends in CRLF; the frame ends at CRLF CRLF.
        let from = self.scanned.saturating_sub(3).max(self.pos);
        match self.end_finder.find(&self.buf[from..self.end]) {
            Some(i) if from + i - self.pos > self.max_message => {
                Err(ProtocolError::MessageTooLarge { limit: self.max_message })
            }
            Some(i) => {
                let start = self.pos;
                let end = from + i;
                self.pos = end + 4;
                self.scanned = self.pos;
                Ok(Some(&self.buf[start..end]))
            }
            None => {
                self.scanned = self.end;
                // Up to three pending bytes may still be part of the end marker.
                if self.end - self.pos > self.max_message.saturating_add(3) {
                    Err(ProtocolError::MessageTooLarge { limit: self.max_message })
                } else {
                    Ok(None)
                }
            }
        }
    }

    /// The next complete message, or `Ok(None)` when more bytes are needed.
    pub fn decode(&mut self) -> Result<Option<Message>, ProtocolError> {
        Ok(self.decode_frame()?.map(|f| Message::from_frame(f.to_vec())))
    }

    /// Whether a partial message (or stray bytes) is buffered: at end of stream
    /// this means the server closed the link mid-message.
    pub fn has_partial(&self) -> bool {
        self.buffered().iter().any(|&b| b != b'\r' && b != b'\n')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(d: &mut Decoder) -> Vec<Message> {
        let mut out = Vec::new();
        while let Some(m) = d.decode().unwrap() {
            out.push(m);
        }
        out
    }

    #[test]
    fn empty_lines_between_messages_are_skipped() {
        let mut d = Decoder::new();
        d.feed(b"\r\n\r\nEvent: A\r\n\r\n\r\n\r\nEvent: B\r\n\r\n");
        let m = all(&mut d);
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].event_name().unwrap(), "B");
        assert!(!d.has_partial());
    }

    #[test]
    fn bare_lf_does_not_end_a_message() {
        let mut d = Decoder::new();
        d.feed(b"Event: UserEvent\r\nBody: one\n\ntwo\r\nMessage: Park successful\n\r\n\r\n");
        let m = all(&mut d);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].get("Body"), Some(&b"one\n\ntwo"[..]));
        assert_eq!(m[0].get("Message"), Some(&b"Park successful\n"[..]));
    }

    #[test]
    fn frame_end_split_across_feeds() {
        let wire = b"Response: Success\r\nPing: Pong\r\n\r\n";
        for cut in 0..wire.len() {
            let mut d = Decoder::new();
            d.feed(&wire[..cut]);
            let mut got = all(&mut d);
            d.feed(&wire[cut..]);
            got.extend(all(&mut d));
            assert_eq!(got.len(), 1, "cut at {cut}");
            assert_eq!(got[0].get("Ping"), Some(&b"Pong"[..]));
        }
    }

    #[test]
    fn oversized_message_is_an_error() {
        let mut d = Decoder::with_max_message_size(100);
        d.feed(b"Event: Big\r\n");
        d.feed(&[b'x'; 200]);
        assert_eq!(d.decode().unwrap_err(), ProtocolError::MessageTooLarge { limit: 100 });
    }

    #[test]
    fn size_limit_does_not_depend_on_read_boundaries() {
        let mut wire = b"Event: Big\r\nData: ".to_vec();
        wire.extend([b'x'; 100]);
        wire.extend(b"\r\n\r\n");
        let frame_len = wire.len() - 4;
        for limit in [frame_len - 1, frame_len] {
            let outcomes: Vec<bool> = (0..=wire.len())
                .map(|cut| {
                    let mut d = Decoder::with_max_message_size(limit);
                    d.feed(&wire[..cut]);
                    let first = d.decode();
                    d.feed(&wire[cut..]);
                    first.and_then(|_| d.decode()).is_ok()
                })
                .collect();
            assert!(outcomes.iter().all(|&ok| ok == (limit >= frame_len)), "limit {limit}: {outcomes:?}");
        }
    }

    #[test]
    fn banner_version() {
        let mut d = Decoder::new();
        d.feed(b"Asterisk Call Manager/1.1\r\n");
        let b = d.decode_banner().unwrap().unwrap();
        assert_eq!(b.version(), Some("1.1"));
        assert!(b.is_asterisk());
        assert_eq!(Banner::new(b"garbage").version(), None);
    }

    #[test]
    fn truncated_stream_reports_partial() {
        let mut d = Decoder::new();
        d.feed(b"Event: Hangup\r\nChannel: x");
        assert!(d.decode().unwrap().is_none());
        assert!(d.has_partial());
    }
}
