//! One AMI message as it came off the wire: raw bytes plus an index of its lines.
//!
//! Asterisk writes `Key: Value` lines closed by an empty line. A [`Message`]
//! keeps every byte the server sent (values need not be UTF-8) and offers
//! case-insensitive lookup, repeated keys in order, and lossy text views.

use std::borrow::Cow;
use std::fmt;

/// Marker for a line that has no colon.
const NO_COLON: usize = usize::MAX;

#[derive(Clone, Copy, PartialEq, Eq)]
struct Line {
    start: usize,
    colon: usize,
    end: usize,
}

/// What a message is, decided the way Asterisk's own clients must decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// Has an `Event` header (even when it also has `Response`, as
    /// `OriginateResponse` does).
    Event,
    /// Has a `Response` header and no `Event` header.
    Response,
    /// `Response: Follows`: the command output format of Asterisk 13 and older.
    Follows,
    /// Neither `Event` nor `Response`.
    Other,
}

/// One header line of a message, borrowed from it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    name: &'a [u8],
    value: Option<&'a [u8]>,
}

impl<'a> Header<'a> {
    /// Splits one line (without its CRLF) the way Asterisk writes it: on the
    /// first colon, with exactly one following space as the separator.
    pub fn parse(line: &'a [u8]) -> Header<'a> {
        match memchr::memchr(b':', line) {
            None => Header { name: line, value: None },
            Some(c) => {
                let rest = &line[c + 1..];
                let value = rest.strip_prefix(b" ").unwrap_or(rest);
                Header { name: &line[..c], value: Some(value) }
            }
        }
    }

    /// The key as sent. For a line with no colon, the whole line.
    #[inline]
    pub fn name(&self) -> &'a [u8] {
        self.name
    }

    /// The value as sent, or `None` for a line that has no colon.
    #[inline]
    pub fn value(&self) -> Option<&'a [u8]> {
        self.value
    }

    /// The key as text (invalid UTF-8 replaced by U+FFFD).
    pub fn name_str(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.name)
    }

    /// The value as text (invalid UTF-8 replaced by U+FFFD); empty for a line with no colon.
    pub fn value_str(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.value.unwrap_or(b""))
    }

    /// Whether this line had no colon at all (such lines are kept, never dropped).
    pub fn is_bare_line(&self) -> bool {
        self.value.is_none()
    }

    /// Compares the key with `name`, ignoring ASCII case.
    #[inline]
    pub fn is(&self, name: &str) -> bool {
        self.value.is_some() && self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

/// A header shown with the secret policy of the message it is in.
struct Shown<'a> {
    header: Header<'a>,
    secret: bool,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.header.value {
            None => write!(f, "{:?}", self.header.name_str()),
            Some(_) if self.secret => write!(f, "{}: {}", self.header.name_str(), crate::secret::REDACTED),
            Some(_) => write!(f, "{}: {:?}", self.header.name_str(), self.header.value_str()),
        }
    }
}

impl fmt::Debug for Header<'_> {
    /// Alone, a header is shown by its name's policy (see
    /// [`secret`](crate::secret)); inside a [`Message`], by the message's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = crate::secret::is_secret(None, &self.name_str());
        Shown { header: *self, secret }.fmt(f)
    }
}

/// What a message with these headers is (see [`MessageKind`]): the one
/// place that decides it, for messages and for raw frames alike.
pub(crate) fn kind_of<'a>(headers: impl Iterator<Item = Header<'a>>) -> MessageKind {
    let mut response = None;
    for h in headers {
        if h.is("Event") {
            return MessageKind::Event;
        }
        if response.is_none() && h.is("Response") {
            response = Some(h.value().unwrap_or_default());
        }
    }
    match response {
        Some(r) if r.eq_ignore_ascii_case(b"Follows") => MessageKind::Follows,
        Some(_) => MessageKind::Response,
        None => MessageKind::Other,
    }
}

/// Iterates the lines of a frame (CRLF-separated, no trailing CRLF) as headers
/// without allocating.
#[derive(Clone)]
pub struct Headers<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Headers<'a> {
    /// Headers of a frame's bytes: lines separated by CRLF, without the final one.
    pub fn new(frame: &'a [u8]) -> Self {
        Headers { rest: if frame.is_empty() { None } else { Some(frame) } }
    }
}

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        let rest = self.rest?;
        let (colon, end) = scan_line(rest);
        self.rest = rest.get(end + 2..);
        let line = &rest[..end];
        if colon == NO_COLON {
            return Some(Header { name: line, value: None });
        }
        let v = &line[colon + 1..];
        Some(Header { name: &line[..colon], value: Some(v.strip_prefix(b" ").unwrap_or(v)) })
    }
}

/// Scans the line at the start of `s`: returns `(colon, end)`, where `end` is
/// the index of the CRLF that ends the line (`s.len()` when there is none)
/// and `colon` the index of its first colon ([`NO_COLON`] when it has none).
///
/// One pass, eight bytes at a time (SWAR): lines are short (about 20 bytes),
/// where a call per search costs more than the search itself.
#[inline]
fn scan_line(s: &[u8]) -> (usize, usize) {
    const LO: u64 = u64::from_ne_bytes([0x01; 8]);
    const HI: u64 = u64::from_ne_bytes([0x80; 8]);
    const CR: u64 = u64::from_ne_bytes([b'\r'; 8]);
    const COLON: u64 = u64::from_ne_bytes([b':'; 8]);
    // High bit set in each byte of `x` that is zero; exact up to the first
    // zero byte, possibly spurious above it (so every hit is checked).
    #[inline(always)]
    fn zeros(x: u64) -> u64 {
        x.wrapping_sub(LO) & !x & HI
    }
    let mut colon = NO_COLON;
    let mut i = 0;
    while let Some(word) = s.get(i..i + 8) {
        let w = u64::from_le_bytes([word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7]]);
        if colon == NO_COLON {
            let co = zeros(w ^ COLON);
            if co != 0 {
                colon = i + (co.trailing_zeros() / 8) as usize;
            }
        }
        let mut cr = zeros(w ^ CR);
        while cr != 0 {
            let j = i + (cr.trailing_zeros() / 8) as usize;
            if word[j - i] == b'\r' && s.get(j + 1) == Some(&b'\n') {
                return (if colon < j { colon } else { NO_COLON }, j);
            }
            cr &= cr - 1;
        }
        i += 8;
    }
    while i < s.len() {
        match s[i] {
            b':' if colon == NO_COLON => colon = i,
            b'\r' if s.get(i + 1) == Some(&b'\n') => return (if colon < i { colon } else { NO_COLON }, i),
            _ => {}
        }
        i += 1;
    }
    (colon, s.len())
}

/// One message (event, response, or other) with every byte the server sent.
///
/// ```
/// use ami_core::{Message, MessageKind};
/// let m = Message::from_frame(b"Event: Hangup\r\nChannel: PJSIP/1-0001\r\nCause: 16".to_vec());
/// assert_eq!(m.kind(), MessageKind::Event);
/// assert_eq!(m.get_str("channel").as_deref(), Some("PJSIP/1-0001"));
/// assert_eq!(m.get_str("CAUSE").as_deref(), Some("16"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    bytes: Vec<u8>,
    lines: Vec<Line>,
}

impl Message {
    /// Builds a message from its frame: the header lines separated by CRLF,
    /// without the closing empty line. Never fails: odd lines are kept as they are.
    pub fn from_frame(bytes: Vec<u8>) -> Message {
        // About one line per 20 bytes in real traffic: one allocation, rarely
        // two; capped so that a long single-line frame does not over-allocate.
        let mut lines = Vec::with_capacity((bytes.len() / 16 + 1).min(64));
        if !bytes.is_empty() {
            let mut start = 0usize;
            loop {
                let rest = &bytes[start..];
                let (colon, end) = scan_line(rest);
                let colon = if colon == NO_COLON { NO_COLON } else { start + colon };
                lines.push(Line { start, colon, end: start + end });
                if end == rest.len() {
                    break;
                }
                start += end + 2;
            }
        }
        Message { bytes, lines }
    }

    /// Bytes this message holds in memory (its frame, its line index and
    /// itself), for queues bounded by bytes.
    pub(crate) fn footprint(&self) -> usize {
        std::mem::size_of::<Message>() + self.bytes.capacity() + self.lines.capacity() * std::mem::size_of::<Line>()
    }

    /// Builds a message from header pairs (handy in tests and fake servers).
    /// Keys and values are written as given; no validation is done here.
    pub fn from_pairs<K: AsRef<[u8]>, V: AsRef<[u8]>>(pairs: impl IntoIterator<Item = (K, V)>) -> Message {
        let mut bytes = Vec::new();
        for (k, v) in pairs {
            if !bytes.is_empty() {
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(k.as_ref());
            bytes.extend_from_slice(b": ");
            bytes.extend_from_slice(v.as_ref());
        }
        Message::from_frame(bytes)
    }

    #[inline]
    fn header_at(&self, line: &Line) -> Header<'_> {
        let (s, e) = (line.start, line.end);
        if line.colon == NO_COLON {
            return Header { name: &self.bytes[s..e], value: None };
        }
        let c = line.colon;
        let rest = &self.bytes[c + 1..e];
        Header { name: &self.bytes[s..c], value: Some(rest.strip_prefix(b" ").unwrap_or(rest)) }
    }

    /// Every line in order, repeated keys and colon-less lines included.
    #[inline]
    pub fn headers(&self) -> impl ExactSizeIterator<Item = Header<'_>> + DoubleEndedIterator + '_ {
        self.lines.iter().map(move |l| self.header_at(l))
    }

    /// Number of lines in the message.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the message has no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The first value of `name` (ASCII case-insensitive), as raw bytes.
    #[inline]
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.headers().find(|h| h.is(name)).and_then(|h| h.value)
    }

    /// The first value of `name` as text (invalid UTF-8 replaced by U+FFFD).
    pub fn get_str(&self, name: &str) -> Option<Cow<'_, str>> {
        self.get(name).map(String::from_utf8_lossy)
    }

    /// Every value of `name` in order (for `Output`, `Variable`, `ChanVariable`...).
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers().filter(move |h| h.is(name)).filter_map(|h| h.value)
    }

    /// Whether the message has a header called `name` (ASCII case-insensitive).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Event, response, old-style command output, or other.
    pub fn kind(&self) -> MessageKind {
        kind_of(self.headers())
    }

    /// The `Event` header's value, if any.
    pub fn event_name(&self) -> Option<Cow<'_, str>> {
        self.get_str("Event")
    }

    /// The `Response` header's value, if any (`Success`, `Error`, `Goodbye`, `Follows`...).
    pub fn response(&self) -> Option<Cow<'_, str>> {
        self.get_str("Response")
    }

    /// The `ActionID` header's value, if any.
    pub fn action_id(&self) -> Option<Cow<'_, str>> {
        self.get_str("ActionID")
    }

    /// The `Message` header's value, if any.
    pub fn message(&self) -> Option<Cow<'_, str>> {
        self.get_str("Message")
    }

    /// Whether this is a response whose `Response` is `Success` (any case).
    pub fn is_success(&self) -> bool {
        self.get("Response").is_some_and(|r| r.eq_ignore_ascii_case(b"Success"))
    }

    /// The raw frame bytes: lines separated by CRLF, without the closing empty line.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Gives back the raw frame bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The message as it is written on the wire, closing empty line included.
    pub fn to_wire(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes.len() + 4);
        out.extend_from_slice(&self.bytes);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    /// Whether every line with a colon has a space right after it (so that
    /// `name: value` rebuilds the line).
    pub(crate) fn separators_are_plain(&self) -> bool {
        self.lines.iter().all(|l| {
            l.colon == NO_COLON || self.bytes.get(l.colon + 1).is_some_and(|&b| b == b' ' && l.colon + 1 < l.end)
        })
    }

    /// Whether every byte of the message is valid UTF-8.
    pub fn is_utf8(&self) -> bool {
        std::str::from_utf8(&self.bytes).is_ok()
    }

    /// The same message with the value of its first `ActionID` header
    /// replaced by `id`; every other byte stays as it was. Unchanged when
    /// there is no `ActionID`.
    pub(crate) fn with_action_id(&self, id: &str) -> Message {
        let Some(at) = self.lines.iter().position(|l| l.colon != NO_COLON && self.header_at(l).is("ActionID")) else {
            return self.clone();
        };
        let line = self.lines[at];
        let mut bytes = Vec::with_capacity(self.bytes.len() + id.len());
        bytes.extend_from_slice(&self.bytes[..line.start]);
        bytes.extend_from_slice(&self.bytes[line.start..line.colon]);
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(id.as_bytes());
        bytes.extend_from_slice(&self.bytes[line.end..]);
        Message::from_frame(bytes)
    }
}

impl fmt::Debug for Message {
    /// Every header, secrets redacted by the [`secret`](crate::secret) policy.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = crate::secret::message_name(self);
        let shown = self.headers().map(|header| {
            let secret = crate::secret::is_secret(name.as_deref(), &header.name_str());
            Shown { header, secret }
        });
        f.debug_list().entries(shown).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_id_replaced_in_place() {
        let m = Message::from_frame(b"Event: X\r\nActionID:p:mine\r\nActionID: second\r\nA: b".to_vec());
        let r = m.with_action_id("mine");
        assert_eq!(r.as_bytes(), b"Event: X\r\nActionID: mine\r\nActionID: second\r\nA: b");
        assert_eq!(r.get_str("A").as_deref(), Some("b"));
        let none = Message::from_pairs([("Event", "X")]);
        assert_eq!(none.with_action_id("x"), none);
    }

    fn msg(s: &str) -> Message {
        Message::from_frame(s.as_bytes().to_vec())
    }

    #[test]
    fn splits_on_first_colon_and_one_space() {
        let m = msg("Event: X\r\nAppData: a: b\r\nTwo:  spaced \r\nTight:v\r\nEmpty:\r\nEmptySp: ");
        let h: Vec<_> = m.headers().map(|h| (h.name_str().into_owned(), h.value_str().into_owned())).collect();
        assert_eq!(
            h,
            [("Event", "X"), ("AppData", "a: b"), ("Two", " spaced "), ("Tight", "v"), ("Empty", ""), ("EmptySp", ""),]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn keeps_lines_without_colon() {
        let m = msg("Response: Follows\r\n--END COMMAND--");
        let last = m.headers().last().unwrap();
        assert!(last.is_bare_line());
        assert_eq!(last.name(), b"--END COMMAND--");
        assert_eq!(m.kind(), MessageKind::Follows);
    }

    #[test]
    fn bare_lf_and_cr_stay_inside_values() {
        let m = msg("Event: Newexten\r\nAppData: first line\nsecond: line\r\nMessage: Park successful\n\r\nX: a\rb");
        assert_eq!(m.len(), 4);
        assert_eq!(m.get("AppData"), Some(&b"first line\nsecond: line"[..]));
        assert_eq!(m.get("message"), Some(&b"Park successful\n"[..]));
        assert_eq!(m.get("x"), Some(&b"a\rb"[..]));
    }

    #[test]
    fn repeated_keys_keep_order_and_lookup_ignores_case() {
        let m = msg("Response: Success\r\nOutput: one\r\noutput: two\r\nOUTPUT: three");
        let all: Vec<_> = m.get_all("Output").collect();
        assert_eq!(all, [&b"one"[..], b"two", b"three"]);
        assert!(m.is_success());
    }

    #[test]
    fn event_wins_over_response() {
        let m = msg("Event: OriginateResponse\r\nResponse: Failure");
        assert_eq!(m.kind(), MessageKind::Event);
        assert_eq!(msg("Foo: bar").kind(), MessageKind::Other);
    }

    #[test]
    fn non_utf8_kept_with_lossy_view() {
        let m = Message::from_frame(b"Event: Newchannel\r\nCallerIDName: Jos\xe9".to_vec());
        assert_eq!(m.get("CallerIDName"), Some(&b"Jos\xe9"[..]));
        assert_eq!(m.get_str("CallerIDName").unwrap(), "Jos\u{fffd}");
        assert!(!m.is_utf8());
    }

    #[test]
    fn debug_redacts_secrets() {
        let m = msg("Action: Login\r\nUsername: admin\r\nSecret: hunter2\r\nKey: abcdef");
        let d = format!("{m:?}");
        assert!(d.contains("admin"));
        assert!(!d.contains("hunter2"), "{d}");
        assert!(!d.contains("abcdef"), "{d}");
        // An AstDB key is no secret.
        let d = format!("{:?}", msg("Action: DBPut\r\nFamily: f\r\nKey: visible\r\nVal: v"));
        assert!(d.contains("visible"), "{d}");
        let d = format!("{:?}", msg("Event: AuthDetail\r\nUsername: u\r\nPassword: p4ss\r\nMd5Cred: c0ffee"));
        assert!(!d.contains("p4ss") && !d.contains("c0ffee") && d.contains("Username"), "{d}");
    }

    /// The obvious split: lines end at CRLF only, first colon, one space.
    fn naive(frame: &[u8]) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
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

    fn check_against_naive(frame: &[u8]) {
        let want = naive(frame);
        let fast: Vec<_> = Headers::new(frame).map(|h| (h.name().to_vec(), h.value().map(<[u8]>::to_vec))).collect();
        assert_eq!(fast, want, "Headers on {frame:?}");
        let m = Message::from_frame(frame.to_vec());
        let idx: Vec<_> = m.headers().map(|h| (h.name().to_vec(), h.value().map(<[u8]>::to_vec))).collect();
        assert_eq!(idx, want, "Message on {frame:?}");
    }

    #[test]
    fn line_scan_matches_naive_split_exhaustively() {
        // 0x0c and ';' differ from CR and ':' in the lowest bit only: right
        // after a real hit they are where an eight-at-a-time scan sees
        // spurious ones. 'a' is plain data.
        fn all_of(alphabet: &[u8], len: u32) {
            for n in 0..alphabet.len().pow(len) {
                let mut k = n;
                let frame: Vec<u8> = (0..len)
                    .map(|_| {
                        let b = alphabet[k % alphabet.len()];
                        k /= alphabet.len();
                        b
                    })
                    .collect();
                check_against_naive(&frame);
            }
        }
        for len in 0..=6 {
            all_of(&[b':', b';', b'\r', b'\n', 0x0c, b'a'], len);
        }
        // Past one eight-byte word: matches in the word, the tail and across.
        for len in 7..=10 {
            all_of(&[b':', b'\r', b'\n', 0x0c], len);
        }
    }

    #[test]
    fn line_scan_matches_naive_split_on_long_random_lines() {
        const ALPHABET: [u8; 8] = [b':', b';', b'\r', b'\n', 0x0c, b'a', b' ', 0xe9];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 48) as usize;
            let frame: Vec<u8> = (0..len)
                .map(|i| {
                    // Mostly plain data, so that matches land at every offset of a word.
                    let r = (seed.rotate_left(i as u32 * 5) % 23) as usize;
                    if r < ALPHABET.len() {
                        ALPHABET[r]
                    } else {
                        b'x'
                    }
                })
                .collect();
            check_against_naive(&frame);
        }
        check_against_naive(b"Event: Newexten\r\nAppData: first line\nsecond: line\r\nX: a\rb\r\n\r\n");
    }

    #[test]
    fn header_iterator_matches_message_index() {
        let raw = b"Event: A\r\nB:c\r\nno colon\r\nD: e\nf";
        let m = Message::from_frame(raw.to_vec());
        let a: Vec<_> = Headers::new(raw).collect();
        let b: Vec<_> = m.headers().collect();
        assert_eq!(a, b);
    }
}
