//! Messages as JSON, and back: the one shape that `ami --json` prints and
//! that the serde support of `ami-actions` uses.
//!
//! A message is one JSON object:
//!
//! - every header name is a key, in the order the names first appear,
//!   spelled as at their first appearance;
//! - its value is a string, or an array of strings, in order, for a name
//!   that occurs more than once (in any case);
//! - text is decoded as UTF-8, lossily (an invalid sequence becomes U+FFFD,
//!   as [`String::from_utf8_lossy`] does);
//! - lines that have no colon are kept, in order, in an array under
//!   [`LINES_KEY`] (`_lines`).
//!
//! That shape loses a few things: bytes that are not UTF-8, the order of
//! interleaved repeated keys (`A`, `B`, `A`), the spelling of a repeated
//! key's later occurrences, a separator other than `": "` (`Key:value`),
//! a colon-less line before a header. When the shape would lose anything,
//! the object also carries [`RAW_KEY`] (`_raw`): the frame's exact bytes in
//! base64. No AMI header name starts with an underscore: readers that do
//! not care skip the `_` keys, and [`from_str`] rebuilds every message byte
//! for byte.
//!
//! ```
//! use ami_core::{json, Message};
//!
//! let m = Message::from_frame(b"Event: Newexten\r\nChanVariable: a=1\r\nChanVariable: b=2".to_vec());
//! let text = json::to_string(&m);
//! assert_eq!(text, r#"{"Event":"Newexten","ChanVariable":["a=1","b=2"]}"#);
//! assert_eq!(json::from_str(&text)?, m);
//!
//! // Latin-1 text: shown lossily, kept exactly under `_raw`.
//! let latin1 = Message::from_frame(b"Event: Newchannel\r\nCallerIDName: Jos\xe9".to_vec());
//! let text = json::to_string(&latin1);
//! assert!(text.starts_with("{\"Event\":\"Newchannel\",\"CallerIDName\":\"Jos\u{fffd}\",\"_raw\":"));
//! assert_eq!(json::from_str(&text)?.as_bytes(), latin1.as_bytes());
//! # Ok::<(), json::JsonError>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::message::Message;

/// The key of the array of lines that have no colon.
pub const LINES_KEY: &str = "_lines";

/// The key of the frame's exact bytes (base64, standard alphabet, padded),
/// present only when the rest of the object would not rebuild them.
pub const RAW_KEY: &str = "_raw";

/// The value of one key: one string, or the strings of a repeated key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// A key that occurs once.
    One(Cow<'a, str>),
    /// A key that occurs several times (or the colon-less lines), in order.
    Many(Vec<Cow<'a, str>>),
}

impl<'a> Value<'a> {
    /// The strings, one or many, in order.
    pub fn strings(&self) -> &[Cow<'a, str>] {
        match self {
            Value::One(s) => std::slice::from_ref(s),
            Value::Many(v) => v,
        }
    }
}

/// The object a message becomes, as (key, value) pairs in order: the header
/// names, then [`LINES_KEY`] if any line has no colon, then [`RAW_KEY`] if
/// the rest does not rebuild the frame (see [`is_exact`]). A header that is
/// itself called `_lines` or `_raw` is carried by [`RAW_KEY`] only.
pub fn fields(msg: &Message) -> Vec<(Cow<'_, str>, Value<'_>)> {
    let mut groups: Vec<(&[u8], Vec<&[u8]>)> = Vec::with_capacity(msg.len());
    let mut bare: Vec<&[u8]> = Vec::new();
    for h in msg.headers() {
        match h.value() {
            None => bare.push(h.name()),
            Some(v) => {
                let name = h.name();
                // Messages have a few dozen lines: a scan beats hashing.
                match groups.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    Some((_, values)) => values.push(v),
                    None => groups.push((name, vec![v])),
                }
            }
        }
    }
    let lossy = String::from_utf8_lossy;
    let mut out: Vec<(Cow<'_, str>, Value<'_>)> = groups
        .into_iter()
        // A header called `_lines` or `_raw` (never seen from Asterisk)
        // would clash with ours: it travels in `_raw` only.
        .filter(|(name, _)| *name != LINES_KEY.as_bytes() && *name != RAW_KEY.as_bytes())
        .map(|(name, values)| {
            let value = match values[..] {
                [one] => Value::One(lossy(one)),
                _ => Value::Many(values.into_iter().map(lossy).collect()),
            };
            (lossy(name), value)
        })
        .collect();
    if !bare.is_empty() {
        out.push((Cow::Borrowed(LINES_KEY), Value::Many(bare.into_iter().map(lossy).collect())));
    }
    if !is_exact(msg) {
        out.push((Cow::Borrowed(RAW_KEY), Value::One(Cow::Owned(base64_encode(msg.as_bytes())))));
    }
    out
}

/// Whether the object without [`RAW_KEY`] rebuilds the frame byte for byte:
/// the frame is UTF-8, every header is `Name: value` (one space after the
/// colon), a repeated key's lines are together and spelled alike, colon-less
/// lines come last, and no header name starts with `_`.
pub fn is_exact(msg: &Message) -> bool {
    if !msg.is_utf8() || !msg.separators_are_plain() {
        return false;
    }
    let mut names: Vec<&[u8]> = Vec::new();
    let mut bare_seen = false;
    for h in msg.headers() {
        if h.is_bare_line() {
            bare_seen = true;
            continue;
        }
        let name = h.name();
        if bare_seen || name.first() == Some(&b'_') {
            return false;
        }
        match names.iter().position(|n| n.eq_ignore_ascii_case(name)) {
            Some(i) if i + 1 == names.len() && names[i] == name => {}
            Some(_) => return false,
            None => names.push(name),
        }
    }
    true
}

/// Appends `msg` as one JSON object (no newline).
pub fn write_message(out: &mut Vec<u8>, msg: &Message) {
    out.push(b'{');
    for (i, (key, value)) in fields(msg).iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, key);
        out.push(b':');
        match value {
            Value::One(s) => write_str(out, s),
            Value::Many(v) => write_str_array(out, v.iter().map(|s| s.as_ref())),
        }
    }
    out.push(b'}');
}

/// Appends the messages as one JSON array of objects (no newline).
pub fn write_list(out: &mut Vec<u8>, msgs: &[Message]) {
    write_array(out, msgs, write_message);
}

/// Appends a JSON array, each item written by `each` (as [`write_message`],
/// [`write_str`] or an object of the caller's own).
pub fn write_array<T>(out: &mut Vec<u8>, items: impl IntoIterator<Item = T>, mut each: impl FnMut(&mut Vec<u8>, T)) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

/// `msg` as one JSON object.
pub fn to_string(msg: &Message) -> String {
    let mut out = Vec::with_capacity(msg.as_bytes().len() + 32);
    write_message(&mut out, msg);
    String::from_utf8(out).expect("JSON written from str is UTF-8")
}

/// Appends a JSON array of strings, each as [`write_str`] writes it.
pub fn write_str_array<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a str>) {
    write_array(out, items, write_str);
}

/// Appends `s` as a JSON string: quotes, backslashes and every control
/// character escaped (CR and LF inside values included).
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Why a JSON text or object is not a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    offset: Option<usize>,
    reason: String,
}

impl JsonError {
    fn at(offset: usize, reason: impl Into<String>) -> JsonError {
        JsonError { offset: Some(offset), reason: reason.into() }
    }

    fn shape(reason: impl Into<String>) -> JsonError {
        JsonError { offset: None, reason: reason.into() }
    }

    /// The byte offset in the text where reading failed, for syntax errors.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(at) => write!(f, "not a message object at byte {at}: {}", self.reason),
            None => write!(f, "not a message object: {}", self.reason),
        }
    }
}

impl std::error::Error for JsonError {}

/// Reads one message from a JSON object written by [`write_message`] (or
/// by hand in the same shape). With [`RAW_KEY`] the frame is its bytes and
/// the other keys are not looked at; without it, each key gives one
/// `Key: value` line per string, in order, then the [`LINES_KEY`] lines.
/// Other keys that start with `_` are skipped.
///
/// ```
/// use ami_core::json;
/// let m = json::from_str(r#"{"Response":"Success","Output":["a","b"],"_lines":["--END--"]}"#)?;
/// assert_eq!(m.as_bytes(), b"Response: Success\r\nOutput: a\r\nOutput: b\r\n--END--");
/// assert!(json::from_str(r#"{"Event":1}"#).is_err());
/// # Ok::<(), json::JsonError>(())
/// ```
pub fn from_str(text: &str) -> Result<Message, JsonError> {
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    let fields = p.object()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(JsonError::at(p.i, "text after the object"));
    }
    from_fields(fields)
}

/// Builds a message from the (key, value) pairs of one object, read by any
/// JSON reader (serde's `Deserialize` goes through here), by the rules of
/// [`from_str`]. Refuses what would not stay one line: CR LF in a key or a
/// value, a colon in a key or in a colon-less line.
pub fn from_fields<'a, K: AsRef<str>>(fields: impl IntoIterator<Item = (K, Value<'a>)>) -> Result<Message, JsonError> {
    let mut frame = Vec::new();
    let mut lines = 0usize;
    let mut bare: Vec<Cow<'a, str>> = Vec::new();
    let mut raw = None;
    let mut push_line = |frame: &mut Vec<u8>, parts: &[&str]| {
        if lines > 0 {
            frame.extend_from_slice(b"\r\n");
        }
        lines += 1;
        parts.iter().for_each(|p| frame.extend_from_slice(p.as_bytes()));
    };
    for (key, value) in fields {
        let key = key.as_ref();
        match key {
            LINES_KEY => {
                let strings = match value {
                    Value::One(s) => vec![s],
                    Value::Many(v) => v,
                };
                for s in &strings {
                    if s.contains(':') || s.contains("\r\n") {
                        return Err(JsonError::shape(format!(
                            "{LINES_KEY} holds {s:?}: a colon-less line has no colon and no CR LF"
                        )));
                    }
                }
                bare.extend(strings);
            }
            RAW_KEY => match value {
                Value::One(s) => {
                    raw = Some(base64_decode(&s).map_err(|e| JsonError::shape(format!("{RAW_KEY}: {e}")))?)
                }
                Value::Many(_) => return Err(JsonError::shape(format!("{RAW_KEY} is a string, not an array"))),
            },
            _ if key.starts_with('_') => {}
            _ => {
                if key.contains(':') || key.contains("\r\n") {
                    return Err(JsonError::shape(format!("the key {key:?} holds a colon or CR LF")));
                }
                for v in value.strings() {
                    if v.contains("\r\n") {
                        return Err(JsonError::shape(format!("the value of {key:?} holds CR LF")));
                    }
                    push_line(&mut frame, &[key, ": ", v]);
                }
            }
        }
    }
    if let Some(raw) = raw {
        return Ok(Message::from_frame(raw));
    }
    for line in &bare {
        push_line(&mut frame, &[line]);
    }
    Ok(Message::from_frame(frame))
}

/// A reader of exactly the JSON this module writes: one object whose values
/// are strings or arrays of strings.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8, what: &str) -> Result<(), JsonError> {
        self.ws();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            Ok(())
        } else {
            Err(JsonError::at(self.i, format!("expected {what}")))
        }
    }

    /// Whether the next token is `b` (eaten if so).
    fn next_is(&mut self, b: u8) -> bool {
        self.ws();
        let yes = self.s.get(self.i) == Some(&b);
        if yes {
            self.i += 1;
        }
        yes
    }

    fn object(&mut self) -> Result<Vec<(String, Value<'static>)>, JsonError> {
        self.eat(b'{', "'{'")?;
        let mut fields = Vec::new();
        if self.next_is(b'}') {
            return Ok(fields);
        }
        loop {
            let key = self.string()?;
            self.eat(b':', "':'")?;
            fields.push((key, self.value()?));
            if self.next_is(b'}') {
                return Ok(fields);
            }
            self.eat(b',', "',' or '}'")?;
        }
    }

    fn value(&mut self) -> Result<Value<'static>, JsonError> {
        self.ws();
        match self.s.get(self.i) {
            Some(b'"') => Ok(Value::One(Cow::Owned(self.string()?))),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                if self.next_is(b']') {
                    return Ok(Value::Many(items));
                }
                loop {
                    items.push(Cow::Owned(self.string()?));
                    if self.next_is(b']') {
                        return Ok(Value::Many(items));
                    }
                    self.eat(b',', "',' or ']'")?;
                }
            }
            _ => Err(JsonError::at(self.i, "values are strings or arrays of strings")),
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.eat(b'"', "a string")?;
        let mut out = Vec::new();
        let mut start = self.i;
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err(JsonError::at(self.i, "unterminated string"));
            };
            match b {
                b'"' => {
                    out.extend_from_slice(&self.s[start..self.i]);
                    self.i += 1;
                    // Runs between escapes are whole UTF-8 sequences of the
                    // input, escapes are whole chars: still UTF-8.
                    return Ok(String::from_utf8(out).expect("UTF-8 in, UTF-8 out"));
                }
                b'\\' => {
                    out.extend_from_slice(&self.s[start..self.i]);
                    self.i += 1;
                    let c = match self.s.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return Err(JsonError::at(self.i, "unknown escape")),
                    };
                    self.i += 1;
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    start = self.i;
                }
                0x00..=0x1f => return Err(JsonError::at(self.i, "control character in a string")),
                _ => self.i += 1,
            }
        }
    }

    /// At the `u` of `\uXXXX`: the char (a surrogate pair taken whole),
    /// leaving `i` on the last hex digit.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let hex4 = |p: &Self, at: usize| -> Result<u32, JsonError> {
            let digits = p.s.get(at..at + 4).ok_or_else(|| JsonError::at(at, "short \\u escape"))?;
            let text = std::str::from_utf8(digits).map_err(|_| JsonError::at(at, "bad \\u escape"))?;
            u32::from_str_radix(text, 16).map_err(|_| JsonError::at(at, "bad \\u escape"))
        };
        let first = hex4(self, self.i + 1)?;
        self.i += 4;
        let code = match first {
            0xd800..=0xdbff => {
                if self.s.get(self.i + 1..self.i + 3) != Some(b"\\u") {
                    return Err(JsonError::at(self.i, "lone surrogate in \\u escape"));
                }
                let second = hex4(self, self.i + 3)?;
                if !(0xdc00..=0xdfff).contains(&second) {
                    return Err(JsonError::at(self.i, "lone surrogate in \\u escape"));
                }
                self.i += 6;
                0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
            }
            0xdc00..=0xdfff => return Err(JsonError::at(self.i, "lone surrogate in \\u escape")),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| JsonError::at(self.i, "bad \\u escape"))
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(B64[(n >> (18 - 6 * k)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let s = text.as_bytes();
    if s.len() % 4 != 0 {
        return Err("base64 length is not a multiple of 4".into());
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for (i, quad) in s.chunks(4).enumerate() {
        let last = i + 1 == s.len() / 4;
        let pad = quad.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return Err("misplaced base64 padding".into());
        }
        let mut n = 0u32;
        for &b in &quad[..4 - pad] {
            let v = B64.iter().position(|&c| c == b).ok_or_else(|| format!("byte {b:#04x} is not base64"))?;
            n = (n << 6) | v as u32;
        }
        n <<= 6 * pad as u32;
        let got = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&got[..3 - pad]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(frame: &[u8]) -> String {
        to_string(&Message::from_frame(frame.to_vec()))
    }

    fn round_trips(frame: &[u8]) {
        let m = Message::from_frame(frame.to_vec());
        let back = from_str(&to_string(&m)).unwrap();
        assert_eq!(back.as_bytes(), frame, "{}", to_string(&m));
    }

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        let mut out = Vec::new();
        write_str(&mut out, "a\"b\\c\nd\re\tf\u{1}\u{1f}\u{7f}é");
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\\u001f\u{7f}é\"");
    }

    #[test]
    fn bare_lf_and_cr_inside_values_stay_in_one_string() {
        let frame = b"Event: Newexten\r\nAppData: first line\nsecond: line\r\nBody: one\rtwo\r";
        assert_eq!(json_of(frame), r#"{"Event":"Newexten","AppData":"first line\nsecond: line","Body":"one\rtwo\r"}"#);
        round_trips(frame);
    }

    #[test]
    fn repeated_keys_become_arrays_in_order_whatever_their_case() {
        let frame = b"Event: UserEvent\r\nExten: 100\r\nUniqueid: 1.1\r\nexten: 200\r\nEXTEN: 300";
        let j = json_of(frame);
        assert!(j.starts_with(r#"{"Event":"UserEvent","Exten":["100","200","300"],"Uniqueid":"1.1","_raw":""#), "{j}");
        round_trips(frame);
        assert_eq!(json_of(b"Event: X\r\nA: 1\r\nA: 2\r\nB: 3"), r#"{"Event":"X","A":["1","2"],"B":"3"}"#);
    }

    #[test]
    fn lines_without_colon_go_under_their_own_key() {
        let frame = b"Event: AgentCalled\r\nthis line has no colon\r\nQueue: sales\r\n--END--";
        let j = json_of(frame);
        assert!(
            j.starts_with(
                r#"{"Event":"AgentCalled","Queue":"sales","_lines":["this line has no colon","--END--"],"_raw":"#
            ),
            "{j}"
        );
        round_trips(frame);
        let last = b"Response: Follows\r\nPrivilege: Command\r\nline one\r\n--END COMMAND--";
        assert_eq!(
            json_of(last),
            r#"{"Response":"Follows","Privilege":"Command","_lines":["line one","--END COMMAND--"]}"#
        );
        round_trips(last);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_kept_under_raw() {
        let frame = b"Event: Newchannel\r\nCallerIDName: Jos\xe9 M\xfcller\r\nX: ok";
        let j = json_of(frame);
        assert_eq!(
            j,
            format!(
                "{{\"Event\":\"Newchannel\",\"CallerIDName\":\"Jos\u{fffd} M\u{fffd}ller\",\"X\":\"ok\",\"_raw\":\"{}\"}}",
                base64_encode(frame)
            )
        );
        round_trips(frame);
    }

    #[test]
    fn odd_separators_keep_their_values_and_bytes() {
        let frame = b"Event: X\r\nAccountCode:\r\nVariable:BRIDGEPEER\r\nAppData:   three";
        let j = json_of(frame);
        assert!(j.starts_with(r#"{"Event":"X","AccountCode":"","Variable":"BRIDGEPEER","AppData":"  three","_raw""#));
        round_trips(frame);
        assert!(is_exact(&Message::from_frame(b"A: \r\nB:  two".to_vec())));
    }

    #[test]
    fn underscore_headers_need_raw() {
        round_trips(b"Event: X\r\n_lines: not a line\r\n_raw: no");
        round_trips(b"Event: X\r\n\r\n");
        round_trips(b"");
        assert_eq!(json_of(b""), "{}");
    }

    #[test]
    fn decoder_refuses_what_is_not_a_message() {
        for bad in [
            "",
            "[]",
            r#"{"A":1}"#,
            r#"{"A":null}"#,
            r#"{"A":["x",1]}"#,
            r#"{"A":"x"} x"#,
            r#"{"A":"x",}"#,
            r#"{"A:B":"x"}"#,
            r#"{"A":"x\r\ny"}"#,
            r#"{"_lines":["a:b"]}"#,
            r#"{"_raw":"abc"}"#,
            r#"{"_raw":["QQ=="]}"#,
            r#"{"A":"\ud800"}"#,
            "{\"A\":\"\u{1}\"}",
        ] {
            assert!(from_str(bad).is_err(), "{bad:?}");
        }
        let m = from_str(r#" { "A" : "\u00e9\ud83d\ude00\/" , "_other": "skipped", "B": [] } "#).unwrap();
        assert_eq!(m.as_bytes(), "A: é😀/".as_bytes());
    }

    #[test]
    fn base64_both_ways() {
        for n in 0..=9 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 250) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(base64_encode(b"Ma"), "TWE=");
        assert!(base64_decode("TW=E").is_err());
        assert!(base64_decode("TWE=TWE=").is_err());
    }
}
