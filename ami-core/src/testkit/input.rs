//! What clients send, read the way Asterisk's manager reads it: LF or CRLF
//! ends a line, an empty line ends a message, a line over [`MAX_LINE_LEN`]
//! bytes or a message over [`MAX_LINES`] lines spoils the message; and the
//! helpers that read header values as Asterisk does.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::mem;

use crate::{Message, MAX_LINES, MAX_LINE_LEN};

/// Why a request cannot be processed; Asterisk answers it with this text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flaw {
    /// A line was longer than [`MAX_LINE_LEN`] bytes.
    LineTooLong,
    /// The message had more than [`MAX_LINES`] lines; the extra ones are lost.
    TooManyLines,
}

impl Flaw {
    /// The `Message` of the error response.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Flaw::LineTooLong => "Failed to parse message: line too long",
            Flaw::TooManyLines => "Too many lines in message or allocation failure",
        }
    }
}

/// One message a client sent: the lines kept (CRLF-separated), and what spoilt it.
pub(crate) struct Request {
    pub(crate) message: Message,
    pub(crate) flaw: Option<Flaw>,
}

/// Splits client bytes into requests, whatever the read boundaries. Memory
/// stays bounded: at most one line and [`MAX_LINES`] lines are kept.
#[derive(Default)]
pub(crate) struct RequestReader {
    /// The line being read, without its end.
    line: Vec<u8>,
    /// The current line grew past the limit; its bytes are dropped until LF.
    overlong: bool,
    /// The lines kept so far, CRLF-separated.
    frame: Vec<u8>,
    lines: usize,
    too_long: bool,
    lost: bool,
    ready: VecDeque<Request>,
}

impl RequestReader {
    /// Takes bytes received from the client.
    pub(crate) fn feed(&mut self, mut data: &[u8]) {
        while let Some(i) = memchr::memchr(b'\n', data) {
            self.push(&data[..i]);
            self.end_line();
            data = &data[i + 1..];
        }
        self.push(data);
    }

    /// The next complete request, if any.
    pub(crate) fn next_request(&mut self) -> Option<Request> {
        self.ready.pop_front()
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.overlong {
            return;
        }
        self.line.extend_from_slice(bytes);
        // One byte of slack: a CR may still turn out to end the line.
        if self.line.len() > MAX_LINE_LEN + 1 {
            self.overlong = true;
            self.line.clear();
        }
    }

    fn end_line(&mut self) {
        let mut line = mem::take(&mut self.line);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let overlong = mem::take(&mut self.overlong) || line.len() > MAX_LINE_LEN;
        if line.is_empty() && !overlong {
            return self.finish();
        }
        self.lines += 1;
        if overlong {
            self.too_long = true;
        } else if self.lines > MAX_LINES {
            self.lost = true;
        } else {
            if !self.frame.is_empty() {
                self.frame.extend_from_slice(b"\r\n");
            }
            self.frame.extend_from_slice(&line);
        }
    }

    fn finish(&mut self) {
        let flaw = if self.lost {
            Some(Flaw::TooManyLines)
        } else if self.too_long {
            Some(Flaw::LineTooLong)
        } else {
            None
        };
        let message = Message::from_frame(mem::take(&mut self.frame));
        self.ready.push_back(Request { message, flaw });
        (self.lines, self.too_long, self.lost) = (0, false, false);
    }
}

/// The first value of `key`, leading blanks skipped as Asterisk skips them;
/// empty when the header is absent.
pub(crate) fn field<'a>(m: &'a Message, key: &str) -> Cow<'a, str> {
    match m.get_str(key) {
        None => Cow::Borrowed(""),
        Some(Cow::Borrowed(s)) => Cow::Borrowed(s.trim_start()),
        Some(Cow::Owned(s)) => Cow::Owned(s.trim_start().to_string()),
    }
}

/// The request's ActionID as sent, or `None` when absent or empty.
pub(crate) fn action_id(m: &Message) -> Option<&[u8]> {
    let id = m.get("ActionID")?;
    let start = id.iter().position(|b| !b.is_ascii_whitespace())?;
    Some(&id[start..])
}

/// Each line of a message as the client sent it (without its line end).
pub(crate) fn lines(m: &Message) -> impl Iterator<Item = &[u8]> {
    let bytes = m.as_bytes();
    let mut start = 0;
    memchr::memmem::find_iter(bytes, b"\r\n").chain(std::iter::once(bytes.len())).map(move |end| {
        let line = &bytes[start..end];
        start = end + 2;
        line
    })
}

/// Asterisk's `ast_true`: yes, true, y, t, 1, on (any case).
pub(crate) fn is_true(value: &str) -> bool {
    ["yes", "true", "y", "t", "1", "on"].iter().any(|t| t.eq_ignore_ascii_case(value.trim()))
}

/// Asterisk's `ast_false`: no, false, n, f, 0, off (any case).
pub(crate) fn is_false(value: &str) -> bool {
    ["no", "false", "n", "f", "0", "off"].iter().any(|f| f.eq_ignore_ascii_case(value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Request> {
        let mut r = RequestReader::default();
        // Byte by byte: the result must not depend on read boundaries.
        input.iter().for_each(|b| r.feed(std::slice::from_ref(b)));
        std::iter::from_fn(|| r.next_request()).collect()
    }

    #[test]
    fn lf_and_crlf_both_end_lines() {
        let reqs = read_all(b"Action: Ping\nActionID: 1\n\nAction: Ping\r\nActionID: 2\r\n\r\n");
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].message.as_bytes(), b"Action: Ping\r\nActionID: 1");
        assert_eq!(reqs[1].message.as_bytes(), b"Action: Ping\r\nActionID: 2");
    }

    #[test]
    fn limits_spoil_the_message() {
        let long = format!("Action: Ping\r\nData: {}\r\nActionID: x\r\n\r\n", "a".repeat(MAX_LINE_LEN));
        let reqs = read_all(long.as_bytes());
        assert_eq!(reqs[0].flaw, Some(Flaw::LineTooLong));
        assert_eq!(action_id(&reqs[0].message), Some(&b"x"[..]));

        let exact = format!("Action: Ping\r\nData: {}\r\n\r\n", "a".repeat(MAX_LINE_LEN - 6));
        assert_eq!(read_all(exact.as_bytes())[0].flaw, None);

        let mut many = String::from("Action: Ping\r\n");
        (1..MAX_LINES).for_each(|i| many.push_str(&format!("H{i}: v\r\n")));
        assert_eq!(read_all(format!("{many}\r\n").as_bytes())[0].flaw, None);
        let reqs = read_all(format!("{many}ActionID: lost\r\n\r\n").as_bytes());
        assert_eq!(reqs[0].flaw, Some(Flaw::TooManyLines));
        assert_eq!(action_id(&reqs[0].message), None);
        assert_eq!(reqs[0].message.len(), MAX_LINES);
    }

    #[test]
    fn values_are_read_like_asterisk() {
        let m = Message::from_frame(b"action:   ping\r\nActionID:\r\nX: a\rb".to_vec());
        assert_eq!(field(&m, "Action"), "ping");
        assert_eq!(field(&m, "Missing"), "");
        assert_eq!(action_id(&m), None);
        assert_eq!(lines(&m).collect::<Vec<_>>(), [&b"action:   ping"[..], b"ActionID:", b"X: a\rb"]);
        assert!(is_true(" On") && is_false("no") && !is_true("maybe"));
    }
}
