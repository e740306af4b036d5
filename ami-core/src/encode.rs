//! Writing actions to bytes, refusing what Asterisk would cut or misread.
//!
//! AMI has no escaping: a CR or LF inside a value would end the line and let
//! a caller-supplied string inject headers or a whole second action. The
//! server also cuts lines longer than [`MAX_LINE_LEN`] and messages of more
//! than [`MAX_LINES`] lines, and some values crash it ([`guard`](crate::guard)).
//! Every check happens before a byte is written.

use std::fmt::{self, Write as _};

use crate::error::EncodeError;
use crate::guard;

/// Longest `Key: Value` line Asterisk accepts, in bytes, without its CRLF.
pub const MAX_LINE_LEN: usize = 1022;

/// Most lines one message may have, the `Action` line included.
pub const MAX_LINES: usize = 128;

/// Collects the headers of one action into an output buffer.
///
/// Handed to [`Action::write_params`](crate::Action::write_params); the first
/// invalid header is remembered and the whole action is then refused.
pub struct ActionWriter<'a> {
    out: &'a mut Vec<u8>,
    start: usize,
    lines: usize,
    error: Option<EncodeError>,
    /// Whether a [`guard`] check looks at this action.
    guarded: bool,
    /// A parameter the action's own `write_params` may not set because the
    /// client sets it (`Async` of an `originate`): dropped silently.
    overridden: Option<&'static str>,
}

impl fmt::Debug for ActionWriter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionWriter").field("lines", &self.lines).field("error", &self.error).finish()
    }
}

impl<'a> ActionWriter<'a> {
    /// Starts an action called `name` at the end of `out`.
    pub fn new(out: &'a mut Vec<u8>, name: &str) -> ActionWriter<'a> {
        let start = out.len();
        let mut w =
            ActionWriter { out, start, lines: 0, error: None, guarded: guard::applies_to(name), overridden: None };
        w.header("Action", name);
        w
    }

    /// Adds `key: value`. A key called `ActionID` (any case) is refused
    /// ([`EncodeError::ActionIdHeader`]): the client writes the ActionID;
    /// give your own with [`Action::with_action_id`](crate::Action::with_action_id).
    pub fn header(&mut self, key: &str, value: &str) {
        self.header_bytes(key, value.as_bytes());
    }

    /// Writes the `ActionID` header, right after the `Action` line: the one
    /// way to write it, for code that frames actions itself
    /// ([`encode_action`](crate::encode_action) calls it). Anywhere else,
    /// or a second time, it is [`EncodeError::ActionIdHeader`]; an empty id
    /// is [`EncodeError::EmptyActionId`].
    pub fn action_id(&mut self, id: &str) {
        if self.error.is_some() {
            return;
        }
        if self.lines != 1 {
            self.error = Some(EncodeError::ActionIdHeader);
            return;
        }
        if id.is_empty() {
            self.error = Some(EncodeError::EmptyActionId);
            return;
        }
        let at = self.out.len();
        self.out.extend_from_slice(b"ActionID: ");
        self.out.extend_from_slice(id.as_bytes());
        self.check_line(at, "ActionID");
    }

    /// Has the parameters called `key` (any case) dropped until
    /// [`restore`](ActionWriter::restore): the client writes that one itself.
    pub(crate) fn override_param(&mut self, key: &'static str) {
        self.overridden = Some(key);
    }

    /// Ends [`override_param`](ActionWriter::override_param).
    pub(crate) fn restore(&mut self) {
        self.overridden = None;
    }

    /// Whether `key` is to be left out, or refused: a parameter called
    /// `ActionID` is an error (the client writes the ActionID).
    fn skip(&mut self, key: &str) -> bool {
        if self.error.is_some() || self.overridden.is_some_and(|k| k.eq_ignore_ascii_case(key)) {
            return true;
        }
        if key.eq_ignore_ascii_case("ActionID") {
            self.error = Some(EncodeError::ActionIdHeader);
            return true;
        }
        false
    }

    /// Adds `key: value` where the value is raw bytes (e.g. Latin-1 text).
    pub fn header_bytes(&mut self, key: &str, value: &[u8]) {
        if self.skip(key) {
            return;
        }
        let at = self.out.len();
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b": ");
        self.out.extend_from_slice(value);
        self.check_line(at, key);
    }

    /// Adds `key: value`, formatting the value with `Display` (numbers, enums).
    pub fn header_display(&mut self, key: &str, value: &dyn fmt::Display) {
        if self.skip(key) {
            return;
        }
        let at = self.out.len();
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b": ");
        let mut s = Utf8Sink(self.out);
        // Writing into a Vec cannot fail.
        let _ = write!(s, "{value}");
        self.check_line(at, key);
    }

    /// Adds `key: true` or `key: false`.
    pub fn header_bool(&mut self, key: &str, value: bool) {
        self.header(key, if value { "true" } else { "false" });
    }

    /// Adds the header only when `value` is `Some`.
    pub fn header_opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.header(key, v);
        }
    }

    /// Checks the line just written at `at..` and closes it with CRLF.
    fn check_line(&mut self, at: usize, key: &str) {
        let line = &self.out[at..];
        let key_len = key.len();
        let err = if key.is_empty() || key.contains(':') {
            Some(EncodeError::BadKey { key: key.to_string() })
        } else if let Some(i) = memchr::memchr3(b'\r', b'\n', b'\0', line) {
            Some(EncodeError::ForbiddenByte { key: key.to_string(), byte: line[i], in_key: i < key_len })
        } else if line.len() > MAX_LINE_LEN {
            Some(EncodeError::LineTooLong { key: key.to_string(), len: line.len(), limit: MAX_LINE_LEN })
        } else {
            None
        };
        self.out.extend_from_slice(b"\r\n");
        self.lines += 1;
        if err.is_some() {
            self.error = err;
        }
    }

    /// Ends the action with the empty line. On any error, removes everything
    /// this writer added and returns the first error. The server-protecting
    /// checks of [`guard`](crate::guard) run here, over the whole action.
    pub fn finish(self) -> Result<(), EncodeError> {
        let error = self.error.or(if self.lines > MAX_LINES {
            Some(EncodeError::TooManyLines { lines: self.lines, limit: MAX_LINES })
        } else if self.guarded {
            guard::check_frame(&self.out[self.start..]).err()
        } else {
            None
        });
        match error {
            Some(e) => {
                self.out.truncate(self.start);
                Err(e)
            }
            None => {
                self.out.extend_from_slice(b"\r\n");
                Ok(())
            }
        }
    }
}

struct Utf8Sink<'a>(&'a mut Vec<u8>);

impl fmt::Write for Utf8Sink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(f: impl FnOnce(&mut ActionWriter<'_>)) -> (Result<(), EncodeError>, Vec<u8>) {
        let mut out = b"prior".to_vec();
        let mut w = ActionWriter::new(&mut out, "Originate");
        f(&mut w);
        let r = w.finish();
        (r, out)
    }

    #[test]
    fn writes_exact_wire_bytes() {
        let (r, out) = encode(|w| {
            w.header("Channel", "PJSIP/100");
            w.header_display("Timeout", &30000);
            w.header_bool("Async", true);
            w.header_opt("Context", None);
        });
        r.unwrap();
        assert_eq!(out, b"priorAction: Originate\r\nChannel: PJSIP/100\r\nTimeout: 30000\r\nAsync: true\r\n\r\n");
    }

    #[test]
    fn crlf_injection_is_refused_and_nothing_written() {
        for bad in ["100\r\nAction: Command\r\nCommand: core stop now", "a\nb", "a\rb", "a\0b"] {
            let (r, out) = encode(|w| w.header("Exten", bad));
            assert!(matches!(r, Err(EncodeError::ForbiddenByte { in_key: false, .. })), "{bad:?}");
            assert_eq!(out, b"prior");
        }
        let (r, _) = encode(|w| w.header("Ex\nten", "1"));
        assert!(matches!(r, Err(EncodeError::ForbiddenByte { in_key: true, byte: b'\n', .. })));
        let (r, _) = encode(|w| w.header("Ex:ten", "1"));
        assert!(matches!(r, Err(EncodeError::BadKey { .. })));
    }

    #[test]
    fn action_id_is_the_clients() {
        for key in ["ActionID", "actionid", "ACTIONID"] {
            let (r, out) = encode(|w| w.header(key, "mine"));
            assert_eq!(r, Err(EncodeError::ActionIdHeader), "{key}");
            assert_eq!(out, b"prior");
        }
        let (r, _) = encode(|w| w.header_display("ActionID", &7));
        assert_eq!(r, Err(EncodeError::ActionIdHeader));
        let (r, out) = encode(|w| w.action_id("p:7"));
        r.unwrap();
        assert_eq!(out, b"priorAction: Originate\r\nActionID: p:7\r\n\r\n");
        let (r, _) = encode(|w| w.action_id(""));
        assert_eq!(r, Err(EncodeError::EmptyActionId));
        let (r, _) = encode(|w| w.action_id("a\r\nAction: Command"));
        assert!(matches!(r, Err(EncodeError::ForbiddenByte { .. })));
        let (r, _) = encode(|w| {
            w.action_id("p:7");
            w.action_id("p:8");
        });
        assert_eq!(r, Err(EncodeError::ActionIdHeader), "only once");
        let (r, _) = encode(|w| {
            w.header("Channel", "x");
            w.action_id("p:7");
        });
        assert_eq!(r, Err(EncodeError::ActionIdHeader), "only second");
    }

    #[test]
    fn an_overridden_parameter_is_left_out() {
        let (r, out) = encode(|w| {
            w.override_param("Async");
            w.header("async", "false");
            w.header_bool("Async", false);
            w.header("Channel", "x");
            w.restore();
            w.header("Async", "true");
        });
        r.unwrap();
        assert_eq!(out, b"priorAction: Originate\r\nChannel: x\r\nAsync: true\r\n\r\n");
    }

    #[test]
    fn line_limit_is_the_servers() {
        // "Data: " is 6 bytes: 1016 more make exactly 1022.
        let (r, _) = encode(|w| w.header("Data", &"x".repeat(1016)));
        r.unwrap();
        let (r, out) = encode(|w| w.header("Data", &"x".repeat(1017)));
        assert_eq!(r, Err(EncodeError::LineTooLong { key: "Data".into(), len: 1023, limit: 1022 }));
        assert_eq!(out, b"prior");
    }

    #[test]
    fn line_count_limit_counts_the_action_line() {
        let (r, _) = encode(|w| (0..127).for_each(|i| w.header("Variable", &format!("V{i}=1"))));
        r.unwrap();
        let (r, out) = encode(|w| (0..128).for_each(|i| w.header("Variable", &format!("V{i}=1"))));
        assert_eq!(r, Err(EncodeError::TooManyLines { lines: 129, limit: 128 }));
        assert_eq!(out, b"prior");
    }
}
