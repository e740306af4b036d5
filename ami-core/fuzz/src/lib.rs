//! Shared pieces of the fuzz targets: the layout of each target's input
//! (parsed by the target, written by the seed builder), a reference line
//! splitter written the obvious way, and the generated visitor over every
//! typed event accessor.

/// The generated `Visitor` trait and `visit` (see `build.rs`).
pub mod visitor {
    include!(concat!(env!("OUT_DIR"), "/visit.rs"));
}
pub use visitor::{visit, Visitor, VISITED_EVENTS};

/// Reads an input front to back; past the end every read gives zeros / empty.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }
    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// One byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }
    /// Two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    /// Up to `n` bytes.
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (a, b) = self.data.split_at(n);
        self.data = b;
        a
    }
    /// A length-prefixed byte string: one length byte, or 255 then a u16.
    pub fn blob(&mut self) -> &'a [u8] {
        let n = match self.u8() {
            255 => self.u16() as usize,
            n => n as usize,
        };
        self.bytes(n)
    }
    /// A length-prefixed string (invalid UTF-8 replaced).
    pub fn string(&mut self) -> String {
        String::from_utf8_lossy(self.blob()).into_owned()
    }
    /// The rest of the input.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}

/// Writes what [`Reader::blob`] reads.
pub fn put_blob(out: &mut Vec<u8>, b: &[u8]) {
    if b.len() < 255 {
        out.push(b.len() as u8);
    } else {
        let n = b.len().min(u16::MAX as usize);
        out.push(255);
        out.extend_from_slice(&(n as u16).to_le_bytes());
        out.extend_from_slice(&b[..n]);
        return;
    }
    out.extend_from_slice(b);
}

/// The `codec` target's input: flags, size limit, cut points, then the stream.
///
/// ```text
/// byte 0     bit 0: decode a banner line first
///            bit 1: fill the decoder through read_from() (a reader returning
///                   the chunks) instead of feed()
///            bit 2: DEFAULT_MAX_MESSAGE_SIZE instead of bytes 1-2
///            bit 3: usize::MAX minus bytes 1-2 (a limit meant as "none")
/// bytes 1-2  maximum message size, u16 LE (the decoder raises it to 64)
/// byte 3     number of cuts, modulo 33
/// 2 bytes    per cut: position u16 LE, modulo (stream length + 1)
/// rest       the stream
/// ```
#[derive(Debug, Clone)]
pub struct CodecInput<'a> {
    /// Decode a banner first.
    pub banner: bool,
    /// Use `read_from` rather than `feed`.
    pub reader: bool,
    /// The size limit; `None` for the default.
    pub max: Option<usize>,
    /// Cut positions in the stream, sorted.
    pub cuts: Vec<usize>,
    /// The stream.
    pub data: &'a [u8],
}

impl<'a> CodecInput<'a> {
    /// Parses an input.
    pub fn parse(input: &'a [u8]) -> Self {
        let mut r = Reader::new(input);
        let flags = r.u8();
        let max = r.u16() as usize;
        let n = (r.u8() % 33) as usize;
        let raw: Vec<u16> = (0..n).map(|_| r.u16()).collect();
        let data = r.rest();
        let mut cuts: Vec<usize> = raw.iter().map(|&c| c as usize % (data.len() + 1)).collect();
        cuts.sort_unstable();
        let max = match flags & 12 {
            0 => Some(max),
            8 => Some(usize::MAX - max),
            _ => None,
        };
        CodecInput { banner: flags & 1 != 0, reader: flags & 2 != 0, max, cuts, data }
    }

    /// Writes an input (for seeds).
    pub fn build(banner: bool, reader: bool, max: Option<u16>, cuts: &[u16], data: &[u8]) -> Vec<u8> {
        let flags = banner as u8 | (reader as u8) << 1 | (max.is_none() as u8) << 2;
        let mut out = vec![flags];
        out.extend_from_slice(&max.unwrap_or(0).to_le_bytes());
        out.push(cuts.len().min(32) as u8);
        for c in cuts.iter().take(32) {
            out.extend_from_slice(&c.to_le_bytes());
        }
        out.extend_from_slice(data);
        out
    }
}

/// The `typed_event` target's input.
///
/// ```text
/// bytes 0-1  selector, u16 LE: below 0xF000, the frame starts with
///            `Event: <name>\r\n`, name = meta::EVENTS[selector % count];
///            otherwise no prefix (the frame names its own event, or none)
/// byte 2     case mask: bit i%8 set flips the ASCII case of name byte i
/// rest       the rest of the frame
/// ```
pub fn typed_event_frame(input: &[u8]) -> Vec<u8> {
    let mut r = Reader::new(input);
    let sel = r.u16();
    let mask = r.u8();
    let mut frame = Vec::with_capacity(input.len() + 40);
    if sel < 0xF000 {
        let events = ami_actions::meta::EVENTS;
        let name = events[sel as usize % events.len()].name;
        frame.extend_from_slice(b"Event: ");
        frame.extend(name.bytes().enumerate().map(|(i, b)| {
            if mask >> (i % 8) & 1 == 1 {
                if b.is_ascii_lowercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                }
            } else {
                b
            }
        }));
        frame.extend_from_slice(b"\r\n");
    }
    frame.extend_from_slice(r.rest());
    frame
}

/// Writes a `typed_event` input for a frame (for seeds): when the frame
/// starts with a known `Event: ` line, that line becomes the selector.
pub fn typed_event_input(frame: &[u8]) -> Vec<u8> {
    let events = ami_actions::meta::EVENTS;
    if let Some(rest) = frame.strip_prefix(b"Event: ") {
        let end = rest.windows(2).position(|w| w == b"\r\n").unwrap_or(rest.len());
        let name = &rest[..end];
        if let Some(i) = events.iter().position(|e| e.name.as_bytes() == name) {
            let mut out = (i as u16).to_le_bytes().to_vec();
            out.push(0);
            out.extend_from_slice(rest.get(end + 2..).unwrap_or(b""));
            return out;
        }
    }
    let mut out = vec![0xff, 0xff, 0];
    out.extend_from_slice(frame);
    out
}

/// One header operation of the `encode` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `header(key, value)`.
    Str(String, String),
    /// `header_bytes(key, value)`.
    Bytes(String, Vec<u8>),
    /// `header_bool(key, value)`.
    Bool(String, bool),
    /// `header_opt(key, value)`.
    Opt(String, Option<String>),
    /// `header_display(key, &value)`.
    Display(String, i64),
}

/// The `encode` target's input.
///
/// ```text
/// byte 0   bit 0: ActionWriter with the operations below (else RawAction
///                 through encode_action, every operation as a string pair)
///          bit 1: an ActionID follows the name
/// blob     bytes already in the output buffer
/// blob     the action name (lossy UTF-8)
/// blob     the ActionID, if bit 1
/// then operations until the input ends; one byte selects (modulo 7):
///   0 key blob, value blob          header
///   1 key blob, value blob (raw)    header_bytes
///   2 key blob, byte (bit 0)        header_bool
///   3 key blob, byte, value blob    header_opt (Some when the byte is odd)
///   4 key blob, 8 bytes LE          header_display of an i64
///   5 key blob, fill byte, u16 len (modulo 1100), u8 count (modulo 140) + 1:
///     `count` headers whose value is the fill byte `len` times
///   6 fill byte, u16 len (modulo 1100), value blob: one header whose key is
///     the fill byte `len` times
/// ```
/// A blob is one length byte, or 255 then a u16 LE length, then the bytes.
#[derive(Debug, Clone)]
pub struct EncodeInput {
    /// Use ActionWriter directly.
    pub writer: bool,
    /// Bytes already in the buffer.
    pub prefix: Vec<u8>,
    /// The action name.
    pub name: String,
    /// The ActionID.
    pub action_id: Option<String>,
    /// The headers.
    pub ops: Vec<Op>,
}

fn fill(byte: u8, len: usize) -> String {
    // A fill byte above 0x7f would not be a char of its own: use 'é' (2 bytes).
    if byte < 0x80 {
        String::from_utf8(vec![byte; len]).unwrap()
    } else {
        "é".repeat(len / 2)
    }
}

impl EncodeInput {
    /// Parses an input.
    pub fn parse(input: &[u8]) -> Self {
        let mut r = Reader::new(input);
        let flags = r.u8();
        let prefix = r.blob().to_vec();
        let name = r.string();
        let action_id = (flags & 2 != 0).then(|| r.string());
        let mut ops = Vec::new();
        while !r.is_empty() && ops.len() < 400 {
            match r.u8() % 7 {
                0 => ops.push(Op::Str(r.string(), r.string())),
                1 => ops.push(Op::Bytes(r.string(), r.blob().to_vec())),
                2 => ops.push(Op::Bool(r.string(), r.u8() & 1 == 1)),
                3 => {
                    let k = r.string();
                    let some = r.u8() & 1 == 1;
                    let v = r.string();
                    ops.push(Op::Opt(k, some.then_some(v)));
                }
                4 => {
                    let k = r.string();
                    let mut b = [0u8; 8];
                    b.iter_mut().for_each(|x| *x = r.u8());
                    ops.push(Op::Display(k, i64::from_le_bytes(b)));
                }
                5 => {
                    let k = r.string();
                    let v = fill(r.u8(), r.u16() as usize % 1100);
                    let count = r.u8() as usize % 140 + 1;
                    for _ in 0..count {
                        ops.push(Op::Str(k.clone(), v.clone()));
                    }
                }
                _ => {
                    let k = fill(r.u8(), r.u16() as usize % 1100);
                    ops.push(Op::Str(k, r.string()));
                }
            }
        }
        EncodeInput { writer: flags & 1 != 0, prefix, name, action_id, ops }
    }

    /// Writes an input of string headers (for seeds).
    pub fn build(
        writer: bool,
        prefix: &[u8],
        name: &str,
        action_id: Option<&str>,
        pairs: &[(String, String)],
    ) -> Vec<u8> {
        let mut out = vec![writer as u8 | (action_id.is_some() as u8) << 1];
        put_blob(&mut out, prefix);
        put_blob(&mut out, name.as_bytes());
        if let Some(id) = action_id {
            put_blob(&mut out, id.as_bytes());
        }
        for (k, v) in pairs {
            out.push(0);
            put_blob(&mut out, k.as_bytes());
            put_blob(&mut out, v.as_bytes());
        }
        out
    }
}

/// One line of a frame as the reference splitter sees it: the key and,
/// for a line with a colon, the value.
pub type RefLine = (Vec<u8>, Option<Vec<u8>>);

/// Splits a frame the obvious way, byte by byte: lines end at CRLF only;
/// a line splits at its first colon, and one space after it is dropped.
/// An empty frame has no lines.
pub fn reference_split(frame: &[u8]) -> Vec<RefLine> {
    if frame.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Vec::new()];
    let mut i = 0;
    while i < frame.len() {
        if frame[i] == b'\r' && frame.get(i + 1) == Some(&b'\n') {
            lines.push(Vec::new());
            i += 2;
        } else {
            lines.last_mut().unwrap().push(frame[i]);
            i += 1;
        }
    }
    lines
        .into_iter()
        .map(|l| match l.iter().position(|&b| b == b':') {
            None => (l, None),
            Some(c) => {
                let v = &l[c + 1..];
                (l[..c].to_vec(), Some(v.strip_prefix(b" ").unwrap_or(v).to_vec()))
            }
        })
        .collect()
}

/// The first value of `name` in reference lines (ASCII case-insensitive,
/// lines with a colon only).
pub fn reference_get<'a>(lines: &'a [RefLine], name: &str) -> Option<&'a [u8]> {
    lines.iter().find(|(k, v)| v.is_some() && k.eq_ignore_ascii_case(name.as_bytes())).and_then(|(_, v)| v.as_deref())
}

/// Reads a yes/no value as the crate documents it: `yes`, `true`, `y`, `t`,
/// `1`, `on` / `no`, `false`, `n`, `f`, `0`, `off`, ASCII case-insensitive,
/// surrounding ASCII whitespace ignored (Asterisk's `ast_true`/`ast_false`).
pub fn reference_bool(v: &[u8]) -> Option<bool> {
    let s = String::from_utf8_lossy(v);
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace()).to_ascii_lowercase();
    match t.as_str() {
        "yes" | "true" | "y" | "t" | "1" | "on" => Some(true),
        "no" | "false" | "n" | "f" | "0" | "off" => Some(false),
        _ => None,
    }
}
