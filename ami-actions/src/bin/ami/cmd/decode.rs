//! `ami decode [FILE|-]`: a transcript (the format of
//! [`ami_actions::record`]) or a raw server stream, told apart by content,
//! as one JSON object per line and message, the shape of `ami events
//! --json`. From a transcript each object also has `_dir` (`server` or
//! `client`) and `_t` (seconds since connect, the time of the chunk that
//! completed the message); the client's messages only with `--client`. A
//! gzip-compressed input is decompressed. The banner line is not a message
//! and is not printed.

use std::fs::File;
use std::io::{self, Read};

use ami_actions::ami_core::Decoder;
use ami_actions::record::{Direction, Recording};
use ami_actions::Message;
use flate2::read::MultiGzDecoder;

use crate::args::DecodeArgs;
use crate::failure::Failure;
use crate::output::Printer;
use ami_actions::json;

/// Reads FILE or stdin, gunzipping it if it is gzip.
pub fn read_input(path: Option<&str>) -> Result<Vec<u8>, Failure> {
    let what = path.filter(|p| *p != "-").unwrap_or("stdin");
    let cannot = |e: io::Error| Failure::usage(format!("{what}: {e}"));
    let mut bytes = Vec::new();
    match path.filter(|p| *p != "-") {
        Some(p) => File::open(p).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(cannot)?,
        None => io::stdin().lock().read_to_end(&mut bytes).map_err(cannot)?,
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        MultiGzDecoder::new(&bytes[..]).read_to_end(&mut plain).map_err(cannot)?;
        bytes = plain;
    }
    Ok(bytes)
}

/// Reads a recording from FILE (gzip or not).
pub fn read_recording(path: &str) -> Result<Recording, Failure> {
    let bytes = read_input(Some(path))?;
    let text = String::from_utf8(bytes).map_err(|_| Failure::usage(format!("{path}: not a transcript (not UTF-8)")))?;
    let name = std::path::Path::new(path.trim_end_matches(".gz"))
        .file_stem()
        .map_or(String::new(), |s| s.to_string_lossy().into_owned());
    Recording::parse(&name, &text).map_err(|e| Failure::usage(format!("{path}: {e}")))
}

/// Client bytes cut into messages as Asterisk reads them: LF (or CRLF)
/// ends a line, an empty line ends a message.
#[derive(Default)]
struct ClientFramer {
    line: Vec<u8>,
    frame: Vec<u8>,
    lines: usize,
}

impl ClientFramer {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<Message>) {
        for &b in bytes {
            if b != b'\n' {
                self.line.push(b);
                continue;
            }
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            let line = std::mem::take(&mut self.line);
            if line.is_empty() {
                if self.lines > 0 {
                    out.push(Message::from_frame(std::mem::take(&mut self.frame)));
                    self.lines = 0;
                }
            } else {
                if self.lines > 0 {
                    self.frame.extend_from_slice(b"\r\n");
                }
                self.frame.extend_from_slice(&line);
                self.lines += 1;
            }
        }
    }
}

/// One JSON line: `_dir` and `_t` first when given, then the message.
fn print(printer: &mut Printer, dir: Option<(&str, f64)>, msg: &Message) -> Result<(), Failure> {
    let mut body = Vec::new();
    json::write_message(&mut body, msg);
    let mut line = Vec::with_capacity(body.len() + 32);
    match dir {
        Some((dir, t)) => {
            line.extend_from_slice(b"{\"_dir\":");
            json::write_str(&mut line, dir);
            let t = if t.is_finite() { t } else { 0.0 };
            line.extend_from_slice(format!(",\"_t\":{t:?}").as_bytes());
            if body.len() > 2 {
                line.push(b',');
            }
            line.extend_from_slice(&body[1..]);
        }
        None => line.extend_from_slice(&body),
    }
    line.push(b'\n');
    printer.raw(&line).map_err(Failure::output)
}

/// Decodes and prints.
pub fn run(args: &DecodeArgs, printer: &mut Printer) -> Result<(), Failure> {
    let bytes = read_input(args.input.as_deref())?;
    let what = args.input.as_deref().filter(|p| *p != "-").unwrap_or("stdin");
    let bad = |e: String| Failure::usage(format!("{what}: {e}"));
    if Recording::looks_like(&bytes) {
        let text = String::from_utf8(bytes).map_err(|_| bad("a transcript that is not UTF-8".into()))?;
        let recording = Recording::parse(what, &text).map_err(|e| bad(e.to_string()))?;
        let mut server = Decoder::with_max_message_size(usize::MAX / 2);
        let mut client = ClientFramer::default();
        let mut banner = false;
        for chunk in &recording.chunks {
            let mut messages = Vec::new();
            match chunk.direction {
                Direction::Client if args.client => client.feed(&chunk.bytes, &mut messages),
                Direction::Client => continue,
                Direction::Server => {
                    server.feed(&chunk.bytes);
                    if !banner {
                        banner = server.decode_banner().map_err(|e| bad(e.to_string()))?.is_some();
                    }
                    if banner {
                        while let Some(m) = server.decode().map_err(|e| bad(e.to_string()))? {
                            messages.push(m);
                        }
                    }
                }
            }
            let dir = if chunk.direction == Direction::Client { "client" } else { "server" };
            for m in &messages {
                print(printer, Some((dir, chunk.at)), m)?;
            }
        }
    } else {
        let mut server = Decoder::with_max_message_size(usize::MAX / 2);
        server.feed(&bytes);
        // A stream recorded from the first byte starts with the banner: a
        // first line without a colon.
        let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        if !first.is_empty() && !first.contains(&b':') {
            server.decode_banner().map_err(|e| bad(e.to_string()))?;
        }
        while let Some(m) = server.decode().map_err(|e| bad(e.to_string()))? {
            print(printer, None, &m)?;
        }
    }
    Ok(())
}
