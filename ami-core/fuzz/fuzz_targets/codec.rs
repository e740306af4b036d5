//! The decoder and the message model.
//!
//! - Decoding the stream whole, cut at the fuzzer's points (through `feed`
//!   or `read_from`), and one byte at a time gives the same banner, messages
//!   and error, and leaves the same bytes buffered; decoding it whole gives
//!   what a plain reference decoder gives.
//! - Every message (from the decoder, and the raw stream taken as one frame):
//!   its lines match a byte-by-byte reference split; re-joining them
//!   reproduces `as_bytes()`; `Headers::new` agrees with `headers()`; `get`,
//!   `get_all`, `contains` agree with a case-insensitive scan; `kind()` and
//!   the named getters agree with the headers; `to_wire()` decodes back to
//!   the same message exactly when the message has lines and none is empty.
#![no_main]

use std::io::Read;

use ami_core::{
    command_output, Banner, Decoder, Headers, Message, MessageKind, ProtocolError, DEFAULT_MAX_MESSAGE_SIZE,
};
use ami_core_fuzz::{reference_get, reference_split, CodecInput, RefLine};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Clone, PartialEq)]
enum Item {
    Banner(Banner),
    Message(Message),
    Error(ProtocolError),
}

#[derive(Debug, PartialEq)]
struct Run {
    items: Vec<Item>,
    /// Bytes still buffered at the end, when no error stopped the run.
    buffered: Option<(Vec<u8>, bool)>,
}

/// A reader that hands out one chunk.
struct Chunk<'a>(&'a [u8]);

impl Read for Chunk<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn decoder(max: Option<usize>) -> Decoder {
    match max {
        Some(m) => Decoder::with_max_message_size(m),
        None => Decoder::new(),
    }
}

/// Feeds `data` cut at `cuts` and decodes after each piece.
fn run(input: &CodecInput, cuts: &[usize]) -> Run {
    let mut d = decoder(input.max);
    let mut items = Vec::new();
    let mut want_banner = input.banner;
    let mut from = 0;
    for &to in cuts.iter().chain([&input.data.len()]) {
        let piece = &input.data[from..to];
        from = to;
        if input.reader {
            let mut r = Chunk(piece);
            while !r.0.is_empty() {
                let n = d.read_from(&mut r).unwrap();
                assert!(n > 0);
            }
        } else {
            d.feed(piece);
        }
        loop {
            if want_banner {
                match d.decode_banner() {
                    Ok(Some(b)) => {
                        want_banner = false;
                        items.push(Item::Banner(b));
                        continue;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        items.push(Item::Error(e));
                        return Run { items, buffered: None };
                    }
                }
            }
            match d.decode() {
                Ok(Some(m)) => items.push(Item::Message(m)),
                Ok(None) => break,
                Err(e) => {
                    items.push(Item::Error(e));
                    return Run { items, buffered: None };
                }
            }
        }
    }
    Run { items, buffered: Some((d.buffered().to_vec(), d.has_partial())) }
}

/// The decoder written the plain way, over the whole stream.
///
/// Banner: the bytes up to the first CRLF; too large when that line is
/// longer than the limit, or when no CRLF is buffered and none can still end
/// the line within the limit. Messages: stray CRLFs are skipped; a frame
/// ends at the first CRLF CRLF; too large when longer than the limit, or
/// when no end is buffered and more than limit + 3 bytes are (the three
/// bytes that may be the start of the end marker).
fn reference(input: &CodecInput) -> Run {
    let max = input.max.unwrap_or(DEFAULT_MAX_MESSAGE_SIZE).max(64);
    let err = Item::Error(ProtocolError::MessageTooLarge { limit: max });
    let mut rest = input.data;
    let mut items = Vec::new();
    if input.banner {
        match rest.windows(2).position(|w| w == b"\r\n") {
            Some(i) if i > max => {
                items.push(err);
                return Run { items, buffered: None };
            }
            Some(i) => {
                items.push(Item::Banner(Banner::new(&rest[..i])));
                rest = &rest[i + 2..];
            }
            None => {
                // The line may still end within the limit if the buffered
                // bytes are at most `max` plus a CR that may start the CRLF.
                let can_end = rest.len() <= max || (rest.len() - 1 == max && rest.ends_with(b"\r"));
                if !can_end {
                    items.push(err);
                    return Run { items, buffered: None };
                }
                return Run { items, buffered: Some((rest.to_vec(), has_partial(rest))) };
            }
        }
    }
    loop {
        while rest.starts_with(b"\r\n") {
            rest = &rest[2..];
        }
        match rest.windows(4).position(|w| w == b"\r\n\r\n") {
            Some(i) if i > max => {
                items.push(err);
                return Run { items, buffered: None };
            }
            Some(i) => {
                items.push(Item::Message(Message::from_frame(rest[..i].to_vec())));
                rest = &rest[i + 4..];
            }
            None if rest.len() > max.saturating_add(3) => {
                items.push(err);
                return Run { items, buffered: None };
            }
            None => return Run { items, buffered: Some((rest.to_vec(), has_partial(rest))) },
        }
    }
}

fn has_partial(b: &[u8]) -> bool {
    b.iter().any(|&c| c != b'\r' && c != b'\n')
}

fn is_empty_line(l: &RefLine) -> bool {
    l.0.is_empty() && l.1.is_none()
}

/// Every property of one message; `limit` is set for messages from a decoder.
fn check_message(m: &Message, limit: Option<usize>) {
    let frame = m.as_bytes();
    let want = reference_split(frame);

    // Lines: the reference split, in order.
    let got: Vec<RefLine> = m.headers().map(|h| (h.name().to_vec(), h.value().map(<[u8]>::to_vec))).collect();
    assert_eq!(got, want, "headers() on {frame:?}");
    assert_eq!(m.len(), want.len());
    assert_eq!(m.is_empty(), want.is_empty());
    assert_eq!(m.headers().len(), want.len());
    let rev: Vec<_> = m.headers().rev().collect();
    assert!(rev.iter().rev().eq(m.headers().collect::<Vec<_>>().iter()));

    // Headers::new over the frame gives the same as the message's index.
    assert!(Headers::new(frame).eq(m.headers()), "Headers::new on {frame:?}");

    // Re-joining the lines, from the slices the headers borrow, reproduces the frame.
    let base = frame.as_ptr() as usize;
    let mut joined: Vec<u8> = Vec::with_capacity(frame.len());
    for (i, h) in m.headers().enumerate() {
        if i > 0 {
            joined.extend_from_slice(b"\r\n");
        }
        let start = h.name().as_ptr() as usize - base;
        assert_eq!(start, joined.len(), "line {i} does not start where the previous one ended");
        joined.extend_from_slice(h.name());
        if let Some(v) = h.value() {
            assert!(!h.name().contains(&b':'));
            let colon = start + h.name().len();
            let vstart = v.as_ptr() as usize - base;
            // Exactly one space after the colon is the separator.
            match vstart - colon {
                1 => assert!(!v.starts_with(b" ") && frame[colon + 1..].first() != Some(&b' ')),
                2 => assert_eq!(frame[colon + 1], b' '),
                d => panic!("value starts {d} bytes after the colon"),
            }
            joined.extend_from_slice(&frame[colon..vstart]);
            joined.extend_from_slice(v);
        } else {
            assert!(!h.name().contains(&b':'));
            assert!(h.is_bare_line());
        }
    }
    assert_eq!(joined, frame, "re-joined lines differ from as_bytes()");
    assert!(want
        .iter()
        .all(|(k, v)| !k.windows(2).any(|w| w == b"\r\n")
            && !v.as_deref().unwrap_or(b"").windows(2).any(|w| w == b"\r\n")));

    // Lookups agree with a case-insensitive scan of the lines.
    let mut names: Vec<String> = ["Event", "Response", "ActionID", "Message", "Output", "EVENT", "response", ""]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (k, _) in want.iter().take(8) {
        let s = String::from_utf8_lossy(k).into_owned();
        names.push(s.to_ascii_lowercase());
        names.push(s);
    }
    for n in &names {
        let r = reference_get(&want, n);
        assert_eq!(m.get(n), r, "get({n:?})");
        assert_eq!(m.contains(n), r.is_some());
        assert_eq!(m.get_str(n).as_deref(), r.map(String::from_utf8_lossy).as_deref());
        let all: Vec<&[u8]> = m.get_all(n).collect();
        let ref_all: Vec<&[u8]> = want
            .iter()
            .filter(|(k, v)| v.is_some() && k.eq_ignore_ascii_case(n.as_bytes()))
            .map(|(_, v)| v.as_deref().unwrap())
            .collect();
        assert_eq!(all, ref_all, "get_all({n:?})");
    }

    // kind() and the named getters.
    let event = reference_get(&want, "Event");
    let response = reference_get(&want, "Response");
    let kind = match (event, response) {
        (Some(_), _) => MessageKind::Event,
        (None, Some(r)) if r.eq_ignore_ascii_case(b"Follows") => MessageKind::Follows,
        (None, Some(_)) => MessageKind::Response,
        (None, None) => MessageKind::Other,
    };
    assert_eq!(m.kind(), kind);
    let lossy = |v: Option<&[u8]>| v.map(|v| String::from_utf8_lossy(v).into_owned());
    assert_eq!(m.event_name().map(|c| c.into_owned()), lossy(event));
    assert_eq!(m.response().map(|c| c.into_owned()), lossy(response));
    assert_eq!(m.action_id().map(|c| c.into_owned()), lossy(reference_get(&want, "ActionID")));
    assert_eq!(m.message().map(|c| c.into_owned()), lossy(reference_get(&want, "Message")));
    assert_eq!(m.is_success(), response.is_some_and(|r| r.eq_ignore_ascii_case(b"Success")));
    assert_eq!(m.is_utf8(), std::str::from_utf8(frame).is_ok());
    let out = command_output(m);
    if kind != MessageKind::Follows {
        let want_out: Vec<String> = m.get_all("Output").map(|v| String::from_utf8_lossy(v).into_owned()).collect();
        assert_eq!(out, want_out);
    }
    let _ = format!("{m:?}");
    assert_eq!(m.clone().into_bytes(), frame);

    // to_wire() decodes back to the same message iff no line is empty (an
    // empty line is a message end on the wire) and there is a line at all.
    let wire = m.to_wire();
    assert_eq!(&wire[..frame.len()], frame);
    assert_eq!(&wire[frame.len()..], b"\r\n\r\n");
    let unambiguous = !want.is_empty() && !want.iter().any(is_empty_line);
    let mut d = Decoder::new();
    d.feed(&wire);
    let mut back = Vec::new();
    while let Some(x) = d.decode().expect("to_wire of a small message cannot exceed the default limit") {
        back.push(x);
    }
    if unambiguous {
        assert_eq!(back, std::slice::from_ref(m), "to_wire() did not decode back");
        assert!(d.buffered().is_empty());
    } else {
        assert_ne!(back, std::slice::from_ref(m));
    }

    if let Some(limit) = limit {
        // What the decoder hands out: within the limit, no empty line.
        assert!(frame.len() <= limit, "frame of {} bytes past the {limit}-byte limit", frame.len());
        assert!(unambiguous, "decoder produced a message with an empty line: {frame:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let input = CodecInput::parse(data);
    let limit = input.max.unwrap_or(DEFAULT_MAX_MESSAGE_SIZE).max(64);

    let whole = run(&input, &[]);
    assert_eq!(whole, reference(&input), "whole stream differs from the reference decoder");
    let cut = run(&input, &input.cuts);
    assert_eq!(cut, whole, "cut at {:?}", input.cuts);
    if input.data.len() <= 2048 {
        let every: Vec<usize> = (1..input.data.len()).collect();
        let bytewise = run(&CodecInput { reader: !input.reader, ..input.clone() }, &every);
        assert_eq!(bytewise, whole, "one byte at a time");
    }

    for item in &whole.items {
        match item {
            Item::Message(m) => check_message(m, Some(limit)),
            Item::Banner(b) => {
                let _ = (b.version(), b.is_asterisk());
                assert!(!b.line().contains("\r\n"));
            }
            Item::Error(_) => {}
        }
    }
    // The raw stream as one frame: any bytes at all.
    check_message(&Message::from_frame(input.data.to_vec()), None);
});
