//! What the command prints, and how: readable `Key: Value` text or one JSON
//! document per line. Everything goes through one buffered, locked stdout.

use std::io::{self, BufWriter, IsTerminal, Stdout, StdoutLock, Write};

use ami_actions::Message;

use ami_actions::json;

/// Text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `Key: Value` lines (one line per event for `ami events`).
    Text,
    /// One JSON document per command (one object per event for `ami
    /// events`): an object per message, an array per event list.
    Json,
}

/// Buffered stdout plus the chosen format. Writes are buffered; output is
/// flushed after every message when stdout is a terminal, and otherwise
/// only when the caller says so ([`Printer::flush`]).
pub struct Printer {
    out: BufWriter<StdoutLock<'static>>,
    format: Format,
    interactive: bool,
    line: Vec<u8>,
}

impl Printer {
    /// A printer on the process's stdout.
    pub fn stdout(format: Format) -> Printer {
        let stdout: Stdout = io::stdout();
        let interactive = stdout.is_terminal();
        Printer { out: BufWriter::with_capacity(64 * 1024, stdout.lock()), format, interactive, line: Vec::new() }
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Prints a response or list item: `Key: Value` lines and an empty line,
    /// or one JSON object.
    pub fn message(&mut self, msg: &Message) -> io::Result<()> {
        self.line.clear();
        match self.format {
            Format::Text => text_block(&mut self.line, msg),
            Format::Json => {
                json::write_message(&mut self.line, msg);
                self.line.push(b'\n');
            }
        }
        self.emit()
    }

    /// Prints an event of a stream: one line of text, or one JSON object.
    pub fn event(&mut self, msg: &Message) -> io::Result<()> {
        self.line.clear();
        match self.format {
            Format::Text => text_line(&mut self.line, msg),
            Format::Json => json::write_message(&mut self.line, msg),
        }
        self.line.push(b'\n');
        self.emit()
    }

    /// Prints list items: each as a text block, or all as one JSON array.
    pub fn list(&mut self, items: &[Message]) -> io::Result<()> {
        match self.format {
            Format::Text => items.iter().try_for_each(|m| self.message(m)),
            Format::Json => {
                self.line.clear();
                json::write_list(&mut self.line, items);
                self.line.push(b'\n');
                self.emit()
            }
        }
    }

    /// Prints messages that belong together as one JSON object of named
    /// messages (`{"response": {...}, "outcome": {...}}`), or in text each
    /// as a block, in order.
    pub fn messages(&mut self, named: &[(&str, &Message)]) -> io::Result<()> {
        match self.format {
            Format::Text => named.iter().try_for_each(|(_, m)| self.message(m)),
            Format::Json => {
                self.line.clear();
                self.line.push(b'{');
                for (i, (name, m)) in named.iter().enumerate() {
                    if i > 0 {
                        self.line.push(b',');
                    }
                    json::write_str(&mut self.line, name);
                    self.line.push(b':');
                    json::write_message(&mut self.line, m);
                }
                self.line.extend_from_slice(b"}\n");
                self.emit()
            }
        }
    }

    /// Prints lines of plain text (`Command` output).
    pub fn plain_lines(&mut self, lines: &[String]) -> io::Result<()> {
        for l in lines {
            self.out.write_all(l.as_bytes())?;
            self.out.write_all(b"\n")?;
        }
        if self.interactive {
            self.out.flush()?;
        }
        Ok(())
    }

    /// Prints bytes already formatted by the caller.
    pub fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        if self.interactive {
            self.out.flush()?;
        }
        Ok(())
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn emit(&mut self) -> io::Result<()> {
        self.out.write_all(&self.line)?;
        if self.interactive {
            self.out.flush()?;
        }
        Ok(())
    }
}

/// `Key: Value` lines, then an empty line. The ActionID (made up by this
/// client) is left out; control characters in values are shown escaped so
/// that one header stays one line.
fn text_block(out: &mut Vec<u8>, msg: &Message) {
    for h in msg.headers() {
        if h.is("ActionID") {
            continue;
        }
        match h.value() {
            None => push_escaped(out, h.name()),
            Some(v) => {
                push_escaped(out, h.name());
                out.extend_from_slice(b": ");
                push_escaped(out, v);
            }
        }
        out.push(b'\n');
    }
    out.push(b'\n');
}

/// One line: the event name, then `Key=Value` for every other header
/// (values with spaces, quotes or control characters in double quotes).
fn text_line(out: &mut Vec<u8>, msg: &Message) {
    let name = msg.get("Event");
    if let Some(name) = name {
        push_escaped(out, name);
    }
    let mut skipped_name = false;
    for h in msg.headers() {
        if name.is_some() && !skipped_name && h.is("Event") {
            skipped_name = true;
            continue;
        }
        if !out.is_empty() {
            out.push(b' ');
        }
        match h.value() {
            None => {
                out.extend_from_slice(json::LINES_KEY.as_bytes());
                out.push(b'=');
                push_token(out, h.name());
            }
            Some(v) => {
                push_escaped(out, h.name());
                out.push(b'=');
                push_token(out, v);
            }
        }
    }
}

/// A value as one token: as it is when plain, else in double quotes with
/// `"` and `\` escaped as well.
fn push_token(out: &mut Vec<u8>, v: &[u8]) {
    let plain = !v.is_empty() && v.iter().all(|&b| b > b' ' && b != b'"' && b != b'\\' && b != 0x7f);
    if plain {
        push_text(out, v, false);
    } else {
        out.push(b'"');
        push_text(out, v, true);
        out.push(b'"');
    }
}

/// Bytes as text for a header name or a value on its own line.
fn push_escaped(out: &mut Vec<u8>, b: &[u8]) {
    push_text(out, b, false);
}

/// Bytes as lossy UTF-8 text, with CR, LF and other control characters
/// (tab excepted) written as `\r`, `\n`, `\xNN`; inside quotes, `"` and `\`
/// escaped too.
fn push_text(out: &mut Vec<u8>, b: &[u8], quoted: bool) {
    let text = String::from_utf8_lossy(b);
    for c in text.chars() {
        match c {
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.push(b'\t'),
            '"' if quoted => out.extend_from_slice(b"\\\""),
            '\\' if quoted => out.extend_from_slice(b"\\\\"),
            c if c.is_control() => out.extend_from_slice(format!("\\x{:02x}", c as u32).as_bytes()),
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(b: &[u8]) -> Message {
        Message::from_frame(b.to_vec())
    }

    fn line(b: &[u8]) -> String {
        let mut out = Vec::new();
        text_line(&mut out, &msg(b));
        String::from_utf8(out).unwrap()
    }

    fn block(b: &[u8]) -> String {
        let mut out = Vec::new();
        text_block(&mut out, &msg(b));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn event_line_leads_with_the_name_and_quotes_what_needs_it() {
        assert_eq!(
            line(
                b"Event: Hangup\r\nChannel: PJSIP/100-0001\r\nCause: 16\r\nCause-txt: Normal Clearing\r\nAccountCode: "
            ),
            r#"Hangup Channel=PJSIP/100-0001 Cause=16 Cause-txt="Normal Clearing" AccountCode="""#
        );
    }

    #[test]
    fn event_line_stays_one_line() {
        let l = line(b"Event: Newexten\r\nAppData: first\nsecond \"q\"\r\nno colon here");
        assert_eq!(l, r#"Newexten AppData="first\nsecond \"q\"" _lines="no colon here""#);
        assert!(!l.contains('\n'));
    }

    #[test]
    fn text_block_leaves_out_the_action_id() {
        assert_eq!(
            block(b"Response: Success\r\nActionID: abc-1\r\nMessage: Park successful\n"),
            "Response: Success\nMessage: Park successful\\n\n\n"
        );
    }

    #[test]
    fn latin1_is_shown_lossily() {
        assert_eq!(line(b"Event: Newchannel\r\nCallerIDName: Jos\xe9"), "Newchannel CallerIDName=Jos\u{fffd}");
    }
}
