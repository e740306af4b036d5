//! The codec against the raw bytes a real Asterisk 22.10.1 exchanged with a
//! client (../shared/spec-upstream/transcripts).
//!
//! Server side: the concatenated `S<` chunks must decode to the same banner
//! and messages whatever the read boundaries (whole, as recorded, one byte at
//! a time, split in two at every byte), and those messages must equal what a
//! naive reference splitter written here finds. Client side: every recorded
//! action must come back byte for byte from `encode_action` / `RawAction`.

// Only the transcript reader: `mod support;` would also build the TLS
// certificate helpers (and their openssl use), which these tests do not need.
#[path = "support/transcript.rs"]
#[allow(dead_code)]
mod transcript;

use ami_core::{encode_action, Banner, Decoder, EncodeError, Message, MessageKind, RawAction};
use transcript::{parse_bytes_repr, Direction, Transcript};

/// What each transcript holds, counted independently (by the reference parse
/// in ../shared/tools/ami-stream-check, and by hand for the last columns; the
/// 12_* rows by a separate script over the transcript format).
struct Expected {
    name: &'static str,
    /// Server chunks (`S<` lines), banner chunk included.
    server_chunks: usize,
    events: usize,
    responses: usize,
    /// Empty lines (a lone CR LF) between two server messages, which carry
    /// nothing and are skipped: the one IAXnetstats answers with, and the one
    /// that follows each QueueRule answer (12_* transcripts).
    stray_empty_lines: usize,
    /// Messages the client sent.
    client_messages: usize,
    /// Client messages whose header order is `Action`, `ActionID`, params
    /// (exactly what `encode_action` writes): the parameterless ones and the
    /// pipelined `Command` of transcript 10.
    client_id_second: usize,
    /// Client messages spelled with lower-case keys (`action: ping`).
    client_lowercase: usize,
    /// Client messages with no `Action` header at all.
    client_no_action: usize,
    /// Client actions sent without an `ActionID` (12_a's `Ping`).
    client_no_action_id: usize,
}

const EXPECTED: &[Expected] = &[
    Expected {
        name: "01_admin_events_originate",
        server_chunks: 44,
        events: 176,
        responses: 8,
        stray_empty_lines: 0,
        client_messages: 8,
        client_id_second: 1,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "02_admin_basic_events_off",
        server_chunks: 38,
        events: 11,
        responses: 26,
        stray_empty_lines: 0,
        client_messages: 26,
        client_id_second: 9,
        client_lowercase: 1,
        client_no_action: 1,
        client_no_action_id: 0,
    },
    Expected {
        name: "03_challenge_md5",
        server_chunks: 5,
        events: 0,
        responses: 4,
        stray_empty_lines: 0,
        client_messages: 4,
        client_id_second: 1,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "04_challenge_md5_wrong_key",
        server_chunks: 3,
        events: 0,
        responses: 2,
        stray_empty_lines: 0,
        client_messages: 2,
        client_id_second: 0,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "05_bad_login",
        server_chunks: 2,
        events: 0,
        responses: 1,
        stray_empty_lines: 0,
        client_messages: 1,
        client_id_second: 0,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "06_unknown_user_login",
        server_chunks: 2,
        events: 0,
        responses: 1,
        stray_empty_lines: 0,
        client_messages: 1,
        client_id_second: 0,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "07_unauthenticated_actions",
        server_chunks: 4,
        events: 0,
        responses: 3,
        stray_empty_lines: 0,
        client_messages: 3,
        client_id_second: 3,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "08_readonly_permission_denied",
        server_chunks: 7,
        events: 0,
        responses: 6,
        stray_empty_lines: 0,
        client_messages: 6,
        client_id_second: 3,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "09_originator_user",
        server_chunks: 9,
        events: 16,
        responses: 4,
        stray_empty_lines: 0,
        client_messages: 4,
        client_id_second: 1,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "10_pipelined",
        server_chunks: 6,
        events: 0,
        responses: 5,
        stray_empty_lines: 0,
        client_messages: 5,
        client_id_second: 4,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "11_tls_admin",
        server_chunks: 10,
        events: 0,
        responses: 4,
        stray_empty_lines: 0,
        client_messages: 4,
        client_id_second: 2,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "12_every_action_a",
        server_chunks: 107,
        events: 23,
        responses: 84,
        stray_empty_lines: 0,
        client_messages: 84,
        client_id_second: 10,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 1,
    },
    Expected {
        name: "12_every_action_b",
        server_chunks: 142,
        events: 82,
        responses: 102,
        stray_empty_lines: 3,
        client_messages: 102,
        client_id_second: 12,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
    Expected {
        name: "12_every_action_c",
        server_chunks: 185,
        events: 44,
        responses: 97,
        stray_empty_lines: 1,
        client_messages: 96,
        client_id_second: 16,
        client_lowercase: 0,
        client_no_action: 0,
        client_no_action_id: 0,
    },
];

const BANNER: &str = "Asterisk Call Manager/11.0.0";

fn expected(name: &str) -> &'static Expected {
    EXPECTED.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("transcript {name} has no entry in EXPECTED"))
}

// ---------------------------------------------------------------- reference splitter

/// One message as the naive reference sees it: its lines, CRLF removed.
#[derive(Debug, Clone, PartialEq)]
struct RefMessage {
    lines: Vec<Vec<u8>>,
}

impl RefMessage {
    /// `(key, value)` per line: first colon, one optional space; `None` value without colon.
    fn headers(&self) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        self.lines
            .iter()
            .map(|l| match l.iter().position(|&b| b == b':') {
                None => (l.clone(), None),
                Some(c) => {
                    let v = &l[c + 1..];
                    let v = if v.first() == Some(&b' ') { &v[1..] } else { v };
                    (l[..c].to_vec(), Some(v.to_vec()))
                }
            })
            .collect()
    }

    fn kind(&self) -> MessageKind {
        let h = self.headers();
        let find = |k: &str| h.iter().find(|(n, v)| v.is_some() && n.eq_ignore_ascii_case(k.as_bytes()));
        if find("event").is_some() {
            MessageKind::Event
        } else if let Some((_, v)) = find("response") {
            if v.as_deref().unwrap().eq_ignore_ascii_case(b"follows") {
                MessageKind::Follows
            } else {
                MessageKind::Response
            }
        } else {
            MessageKind::Other
        }
    }

    fn frame(&self) -> Vec<u8> {
        self.lines.join(&b"\r\n"[..])
    }
}

/// Splits a whole stream the slow obvious way: walk byte by byte, a line ends
/// at CR LF, an empty line ends a message. Returns the banner line (if asked)
/// and the messages; panics on a trailing partial message (the transcripts
/// hold none).
fn reference_split(data: &[u8], with_banner: bool) -> (Option<Vec<u8>>, Vec<RefMessage>) {
    let mut lines_out = Vec::new();
    let mut line = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') {
            lines_out.push(std::mem::take(&mut line));
            i += 2;
        } else {
            line.push(data[i]);
            i += 1;
        }
    }
    assert!(line.is_empty(), "stream ends in the middle of a line: {:?}", String::from_utf8_lossy(&line));
    let mut it = lines_out.into_iter();
    let banner = if with_banner { it.next() } else { None };
    let mut msgs = Vec::new();
    let mut cur = Vec::new();
    for l in it {
        if l.is_empty() {
            if !cur.is_empty() {
                msgs.push(RefMessage { lines: std::mem::take(&mut cur) });
            }
        } else {
            cur.push(l);
        }
    }
    assert!(cur.is_empty(), "stream ends in the middle of a message");
    (banner, msgs)
}

/// Walks a stream from `start` and returns where each of `frames` ends in it
/// (just past its blank line), and how many empty lines it skipped. Each frame
/// holds a message's bytes with their CR LF CR LF terminator; before each one,
/// and after the last, only empty lines (a lone CR LF) may come, and the walk
/// must end exactly at the end of the stream.
fn frame_ends(data: &[u8], start: usize, frames: &[Vec<u8>], context: &str) -> (Vec<usize>, usize) {
    let mut at = start;
    let mut stray = 0;
    let mut skip_empty_lines = |at: &mut usize| {
        while data[*at..].starts_with(b"\r\n") {
            *at += 2;
            stray += 1;
        }
    };
    let mut ends = Vec::with_capacity(frames.len());
    for (i, frame) in frames.iter().enumerate() {
        skip_empty_lines(&mut at);
        assert!(data[at..].starts_with(frame), "{context}: message {i} is not the next bytes at offset {at}");
        at += frame.len();
        ends.push(at);
    }
    skip_empty_lines(&mut at);
    assert_eq!(at, data.len(), "{context}: bytes after the last message");
    (ends, stray)
}

// ---------------------------------------------------------------- decoding harness

/// Feeds a decoder and collects the banner and every complete message.
struct Collector {
    decoder: Decoder,
    banner: Option<Banner>,
    want_banner: bool,
    messages: Vec<Message>,
}

impl Collector {
    fn new(want_banner: bool) -> Collector {
        Collector { decoder: Decoder::new(), banner: None, want_banner, messages: Vec::new() }
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.decoder.feed(bytes);
        if self.want_banner && self.banner.is_none() {
            match self.decoder.decode_banner().expect("banner") {
                Some(b) => self.banner = Some(b),
                None => return,
            }
        }
        while let Some(m) = self.decoder.decode().expect("decode") {
            self.messages.push(m);
        }
    }

    fn finish(self, context: &str) -> (Option<Banner>, Vec<Message>) {
        assert!(!self.decoder.has_partial(), "{context}: bytes left over: {:?}", self.decoder.buffered());
        (self.banner, self.messages)
    }
}

fn decode_all(bytes: &[u8], with_banner: bool) -> (Option<Banner>, Vec<Message>) {
    let mut c = Collector::new(with_banner);
    c.feed(bytes);
    c.finish("whole")
}

fn all_transcripts() -> Vec<Transcript> {
    let all = transcript::load_all();
    let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
    for e in EXPECTED {
        assert!(names.contains(&e.name), "transcript {} is missing from the fixtures", e.name);
    }
    all
}

fn by_action_id<'a>(msgs: &'a [Message], id: &str) -> Vec<&'a Message> {
    msgs.iter().filter(|m| m.action_id().as_deref() == Some(id)).collect()
}

fn server_messages(name: &str) -> Vec<Message> {
    let t = transcript::load(name);
    let (banner, msgs) = decode_all(&t.server_bytes(), true);
    assert_eq!(banner.unwrap().line(), BANNER);
    msgs
}

// ---------------------------------------------------------------- the transcript reader itself

#[test]
fn transcript_parser_decodes_python_bytes_reprs() {
    assert_eq!(parse_bytes_repr(r"b'Ping: Pong\r\n\r\n'").unwrap(), b"Ping: Pong\r\n\r\n");
    assert_eq!(parse_bytes_repr(r#"b"it's \"x\"\t\\""#).unwrap(), b"it's \"x\"\t\\");
    assert_eq!(parse_bytes_repr(r"b'\x00\xe9\xFF\'\\/'").unwrap(), b"\x00\xe9\xff'\\/");
    assert_eq!(parse_bytes_repr("b''").unwrap(), b"");
    assert_eq!(parse_bytes_repr(r#"b'say "hi"'"#).unwrap(), b"say \"hi\"");
    for bad in ["'abc'", "b'abc", r"b'\q'", r"b'\x4'", "b'a'b", "b'caf\u{e9}'", r"b'abc\"] {
        assert!(parse_bytes_repr(bad).is_err(), "{bad:?} should be refused");
    }
}

#[test]
fn transcript_parser_keeps_order_direction_time_and_notes() {
    let text = "# AMI raw transcript 'x'\n\
                #         <seconds since connect> ## <checker note>\n\
                \x20  0.000 ## connected to 127.0.0.1:5038\n\
                \x20  0.001 S< b'Asterisk Call Manager/11.0.0\\r\\n'\n\
                \x20  0.002 C> b'Action: Ping\\r\\n\\r\\n'\n\
                \x20  1.250 S< b\"Response: Success\\r\\nX: it's\\r\\n\\r\\n\"\n\
                \x20  1.251 ## EOF (server closed the connection)\n";
    let t = Transcript::parse("x", text).unwrap();
    let dirs: Vec<_> = t.chunks.iter().map(|c| (c.at, c.direction)).collect();
    assert_eq!(dirs, [(0.001, Direction::Server), (0.002, Direction::Client), (1.25, Direction::Server)]);
    assert_eq!(t.server_bytes(), b"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nX: it's\r\n\r\n");
    assert_eq!(t.client_bytes(), b"Action: Ping\r\n\r\n");
    assert_eq!(t.notes.len(), 2);
    assert_eq!((t.notes[0].index, t.notes[0].text.as_str()), (0, "connected to 127.0.0.1:5038"));
    assert_eq!(t.notes[1].index, 3);
    assert!(t.server_closed());
    assert!(!t.is_tls());
    let err = Transcript::parse("bad", "  0.1 X> b''\n").unwrap_err();
    assert_eq!(err.line, 1);
    assert!(Transcript::parse("bad", "  0.1 S< b'unterminated\n").is_err());
}

#[test]
fn transcript_files_parse_with_expected_shape() {
    let all = all_transcripts();
    assert_eq!(all.len(), EXPECTED.len(), "a transcript was added: give it an entry in EXPECTED");
    for t in &all {
        let e = expected(&t.name);
        assert_eq!(t.chunks_from(Direction::Server).count(), e.server_chunks, "{}", t.name);
        assert_eq!(t.chunks_from(Direction::Server).next(), Some(format!("{BANNER}\r\n").as_bytes()), "{}", t.name);
        assert!(t.server_closed(), "{}: every recording ends with the server closing", t.name);
        assert_eq!(t.is_tls(), t.name == "11_tls_admin", "{}", t.name);
        assert!(t.chunks.windows(2).all(|w| w[0].at <= w[1].at), "{}: times go backwards", t.name);
    }
}

// ---------------------------------------------------------------- server side

#[test]
fn server_stream_matches_reference_splitter() {
    let all = all_transcripts();
    for t in &all {
        let e = expected(&t.name);
        let bytes = t.server_bytes();
        let (ref_banner, reference) = reference_split(&bytes, true);
        let (banner, msgs) = decode_all(&bytes, true);
        let banner = banner.unwrap();
        assert_eq!(banner.line().as_bytes(), ref_banner.unwrap().as_slice(), "{}", t.name);
        assert_eq!((banner.version(), banner.is_asterisk()), (Some("11.0.0"), true), "{}", t.name);

        assert_eq!(msgs.len(), reference.len(), "{}: message count", t.name);
        assert_eq!(msgs.len(), e.events + e.responses, "{}: pinned message count", t.name);
        for (i, (m, r)) in msgs.iter().zip(&reference).enumerate() {
            assert_eq!(m.as_bytes(), r.frame().as_slice(), "{} message {i}: frame bytes", t.name);
            let got: Vec<_> = m.headers().map(|h| (h.name().to_vec(), h.value().map(<[u8]>::to_vec))).collect();
            assert_eq!(got, r.headers(), "{} message {i}: headers", t.name);
            assert_eq!(m.kind(), r.kind(), "{} message {i}: kind", t.name);
            assert_eq!(m.len(), r.lines.len(), "{} message {i}: line count", t.name);
        }
        let count = |k: MessageKind| msgs.iter().filter(|m| m.kind() == k).count();
        assert_eq!(count(MessageKind::Event), e.events, "{}: events", t.name);
        assert_eq!(count(MessageKind::Response), e.responses, "{}: responses", t.name);
        assert_eq!(count(MessageKind::Follows) + count(MessageKind::Other), 0, "{}", t.name);
        // Asterisk 22 never writes bare CR/LF or odd lines in these sessions.
        assert!(msgs.iter().flat_map(|m| m.headers()).all(|h| !h.is_bare_line()), "{}", t.name);
        // Re-encoding every message gives the stream back, minus the banner and
        // the empty lines between messages, whose number is pinned.
        let wire: Vec<Vec<u8>> = msgs.iter().map(Message::to_wire).collect();
        let (_, stray) = frame_ends(&bytes, BANNER.len() + 2, &wire, &format!("{}: to_wire round trip", t.name));
        assert_eq!(stray, e.stray_empty_lines, "{}: empty lines between messages", t.name);
    }
}

#[test]
fn server_stream_decodes_the_same_fed_in_recorded_chunks() {
    let all = all_transcripts();
    for t in &all {
        let (banner, whole) = decode_all(&t.server_bytes(), true);
        let mut c = Collector::new(true);
        let mut complete_after_chunk = Vec::new();
        for chunk in t.chunks_from(Direction::Server) {
            c.feed(chunk);
            complete_after_chunk.push(c.messages.len());
        }
        let (b, msgs) = c.finish(&t.name);
        assert_eq!(b, banner, "{}", t.name);
        assert_eq!(msgs, whole, "{}", t.name);
        // The banner arrives alone in the first chunk.
        assert_eq!(complete_after_chunk[0], 0, "{}", t.name);
    }
}

#[test]
fn server_stream_decodes_the_same_one_byte_at_a_time() {
    let all = all_transcripts();
    for t in &all {
        let bytes = t.server_bytes();
        let (banner, whole) = decode_all(&bytes, true);
        let mut c = Collector::new(true);
        for b in bytes.chunks(1) {
            c.feed(b);
        }
        let (b, msgs) = c.finish(&t.name);
        assert_eq!(b, banner, "{}", t.name);
        assert_eq!(msgs, whole, "{}", t.name);
    }
}

#[test]
fn server_stream_decodes_the_same_split_at_every_byte() {
    let all = all_transcripts();
    for t in &all {
        let bytes = t.server_bytes();
        let (banner, whole) = decode_all(&bytes, true);
        // Where each message ends in the stream: its bytes and blank line,
        // after any empty lines that come before it.
        let frames: Vec<Vec<u8>> = whole.iter().map(|m| [m.as_bytes(), b"\r\n\r\n"].concat()).collect();
        let (ends, _) = frame_ends(&bytes, BANNER.len() + 2, &frames, &t.name);
        for cut in 0..=bytes.len() {
            let mut c = Collector::new(true);
            c.feed(&bytes[..cut]);
            let before = c.messages.len();
            c.feed(&bytes[cut..]);
            let (b, msgs) = c.finish(&t.name);
            assert!(
                b == banner && msgs == whole,
                "{}: split at byte {cut} of {} changes the result",
                t.name,
                bytes.len()
            );
            // A message is complete after the first feed iff its end lies before the cut.
            assert_eq!(before, ends.iter().filter(|&&end| end <= cut).count(), "{}: cut {cut}", t.name);
        }
    }
}

/// An action whose answer is not one response carrying the action's ActionID,
/// as the recorded server answered it (see ../shared/spec-upstream/README.md,
/// "Answers of every action"; the double ModuleLoad answers are on the wire
/// but not in its table). Each entry must match exactly one recorded action,
/// so any other deviation fails the test.
struct AnswerQuirk {
    transcript: &'static str,
    /// The action's name and ActionID as sent (`None`: sent without one).
    action: &'static str,
    action_id: Option<&'static str>,
    /// The ActionIDs of the responses that answer it, in order.
    responses: &'static [Option<&'static str>],
    why: &'static str,
}

const ANSWER_QUIRKS: &[AnswerQuirk] = &[
    AnswerQuirk {
        transcript: "12_every_action_a",
        action: "Ping",
        action_id: None,
        responses: &[None],
        why: "a request without ActionID gets a response without ActionID",
    },
    AnswerQuirk {
        transcript: "12_every_action_c",
        action: "ModuleLoad",
        action_id: Some("12_every_action_c-75"),
        responses: &[Some("12_every_action_c-75"), Some("12_every_action_c-75")],
        why: "LoadType: load without Module: `Need module name`, then `Could not load module.` \
              (the README's table names only the first)",
    },
    AnswerQuirk {
        transcript: "12_every_action_c",
        action: "ModuleLoad",
        action_id: Some("12_every_action_c-76"),
        responses: &[Some("12_every_action_c-76"), Some("12_every_action_c-76")],
        why: "no LoadType: `Incomplete ModuleLoad action.` twice (the README's table names it once)",
    },
    AnswerQuirk {
        transcript: "12_every_action_c",
        action: "IAXnetstats",
        action_id: Some("12_every_action_c-89"),
        responses: &[],
        why: "IAXnetstats answers with a bare CR LF: no Response, no ActionID",
    },
];

#[test]
fn every_response_answers_an_action_the_client_sent() {
    let all = all_transcripts();
    let mut used = vec![0; ANSWER_QUIRKS.len()];
    for t in &all {
        let (_, actions) = decode_all(&t.client_bytes(), false);
        // What the responses should carry: one per action with its ActionID,
        // in the order sent, except for the actions in ANSWER_QUIRKS.
        let mut want: Vec<Option<String>> = Vec::new();
        for a in &actions {
            let (name, id) = (a.get_str("Action"), a.action_id());
            let quirk = ANSWER_QUIRKS.iter().position(|q| {
                q.transcript == t.name && name.as_deref() == Some(q.action) && id.as_deref() == q.action_id
            });
            match quirk {
                Some(i) => {
                    used[i] += 1;
                    want.extend(ANSWER_QUIRKS[i].responses.iter().map(|r| r.map(str::to_string)));
                }
                None => {
                    let id = id.unwrap_or_else(|| panic!("{}: action without ActionID: {a:?}", t.name));
                    want.push(Some(id.into_owned()));
                }
            }
        }
        let (_, msgs) = decode_all(&t.server_bytes(), true);
        let got: Vec<Option<String>> = msgs
            .iter()
            .filter(|m| m.kind() == MessageKind::Response)
            .map(|m| m.action_id().map(|s| s.into_owned()))
            .collect();
        assert_eq!(got, want, "{}", t.name);
    }
    for (q, n) in ANSWER_QUIRKS.iter().zip(used) {
        assert_eq!(n, 1, "{} {} {:?} ({}): matched {n} actions", q.transcript, q.action, q.action_id, q.why);
    }
}

#[test]
fn transcript_01_originate_and_its_events() {
    let msgs = server_messages("01_admin_events_originate");
    // Login answer, then FullyBooted and SuccessfulAuth in the same session.
    assert!(msgs[0].is_success());
    assert_eq!(msgs[0].message().as_deref(), Some("Authentication accepted"));
    assert_eq!(msgs[1].event_name().as_deref(), Some("FullyBooted"));
    assert_eq!(msgs[2].event_name().as_deref(), Some("SuccessfulAuth"));

    let orig = by_action_id(&msgs, "01_admin_events_originate-2");
    assert_eq!(orig.len(), 2, "the queued answer and the OriginateResponse");
    assert_eq!(orig[0].kind(), MessageKind::Response);
    assert_eq!(orig[0].message().as_deref(), Some("Originate successfully queued"));
    let ev = orig[1];
    assert_eq!(ev.kind(), MessageKind::Event, "Event wins over Response");
    assert_eq!(ev.event_name().as_deref(), Some("OriginateResponse"));
    assert_eq!(ev.response().as_deref(), Some("Success"));
    assert_eq!(ev.get_str("Reason").as_deref(), Some("4"));
    assert_eq!(ev.get_str("Uniqueid").as_deref(), Some("1795384998.0"));
    assert_eq!(ev.get_str("Channel").as_deref(), Some("Local/200@test-00000000;1"));
    assert_eq!(ev.get_str("CallerIDName").as_deref(), Some("Peer Test"));
    let n_orig = msgs.iter().filter(|m| m.event_name().as_deref() == Some("OriginateResponse")).count();
    assert_eq!(n_orig, 3);

    // The synchronous Originate to a missing extension fails plainly.
    let failed = by_action_id(&msgs, "01_admin_events_originate-4");
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].response().as_deref(), failed[0].message().as_deref()),
        (Some("Error"), Some("Originate failed"))
    );

    // The dialplan UserEvent repeats Exten and Uniqueid, in order.
    let ue = msgs.iter().find(|m| m.get_str("UserEvent").as_deref() == Some("PeerTest")).unwrap();
    assert_eq!(ue.get_all("Exten").collect::<Vec<_>>(), [&b"300"[..], b"300"]);
    assert_eq!(ue.get_all("uniqueid").collect::<Vec<_>>(), [&b"1795385001.2"[..], b"1795385001.2"]);
    assert_eq!(ue.get_str("TestVar").as_deref(), Some("hello"));

    // Empty values are real: `AccountCode: ` on every channel event.
    let nc = msgs.iter().find(|m| m.event_name().as_deref() == Some("Newchannel")).unwrap();
    assert_eq!(nc.get("AccountCode"), Some(&b""[..]));
    assert_eq!(msgs.last().unwrap().response().as_deref(), Some("Goodbye"));
}

#[test]
fn transcript_02_command_output_and_lists() {
    let msgs = server_messages("02_admin_basic_events_off");
    let one = |id: &str| {
        let v = by_action_id(&msgs, id);
        assert!(!v.is_empty(), "{id}");
        v[0]
    };
    // The failed CLI command: Response: Error, the usual Message, the error in Output.
    let err = one("02_admin_basic_events_off-6");
    assert_eq!(err.kind(), MessageKind::Response);
    assert_eq!(err.response().as_deref(), Some("Error"));
    assert_eq!(err.message().as_deref(), Some("Command output follows"));
    let out: Vec<_> = err.get_all("Output").collect();
    assert_eq!(
        out,
        [&b"No such command 'no such cli command' (type 'core show help no such' for other possible commands)"[..]]
    );

    // Multi-line output: one Output per line, trailing spaces kept.
    let ch = one("02_admin_basic_events_off-5");
    let out: Vec<_> = ch.get_all("output").map(|v| String::from_utf8(v.to_vec()).unwrap()).collect();
    assert_eq!(out.len(), 6);
    assert!(out[0].starts_with("Channel ") && out[0].ends_with("Application(Data)             "), "{:?}", out[0]);
    assert_eq!(out[3..], ["2 active channels", "1 active call", "1 call processed"]);

    // ListCommands: one `Name: description` line per action, values keep their colons-free text.
    let lc = one("02_admin_basic_events_off-7");
    assert_eq!(lc.get_str("AbsoluteTimeout").as_deref(), Some("Set absolute timeout.  (Priv: system,call,all)"));
    assert!(lc.len() > 100, "{}", lc.len());

    // Event lists: start, items with the ActionID, Complete with ListItems.
    let list = by_action_id(&msgs, "02_admin_basic_events_off-3");
    let kinds: Vec<_> = list.iter().map(|m| m.event_name().map(|s| s.into_owned())).collect();
    assert_eq!(
        kinds,
        [None, Some("CoreShowChannel".into()), Some("CoreShowChannel".into()), Some("CoreShowChannelsComplete".into())]
    );
    assert_eq!(list[0].get_str("EventList").as_deref(), Some("start"));
    assert_eq!(list[1].get("BridgeID"), Some(&b""[..]), "sent as BridgeId");
    assert_eq!(list[3].get_str("ListItems").as_deref(), Some("2"));

    let db = by_action_id(&msgs, "02_admin_basic_events_off-13");
    assert_eq!(db[1].event_name().as_deref(), Some("DBGetResponse"));
    assert_eq!(db[1].get_str("Val").as_deref(), Some("v1"));
    let getvar = one("02_admin_basic_events_off-10");
    assert_eq!(
        (getvar.get_str("Variable").as_deref(), getvar.get_str("Value").as_deref()),
        (Some("PEERGLOBAL"), Some("xyz"))
    );
    assert_eq!(one("lc-1").get_str("Ping").as_deref(), Some("Pong"));
    assert_eq!(one("noaction-1").message().as_deref(), Some("Missing action in request"));
    assert_eq!(one("02_admin_basic_events_off-11").message().as_deref(), Some("Already authenticated"));
    let hung = by_action_id(&msgs, "02_admin_basic_events_off-23");
    assert_eq!(hung.len(), 3);
    assert_eq!(hung[2].event_name().as_deref(), Some("ChannelsHungupListComplete"));
    // The Hangup list completes after the Logoff was written, before its Goodbye.
    assert_eq!(msgs.last().unwrap().response().as_deref(), Some("Goodbye"));
}

#[test]
fn transcript_03_md5_key_matches_the_challenge() {
    let t = transcript::load("03_challenge_md5");
    let (_, msgs) = decode_all(&t.server_bytes(), true);
    let (_, actions) = decode_all(&t.client_bytes(), false);
    let challenge = msgs[0].get_str("Challenge").unwrap().into_owned();
    assert_eq!(challenge, "208682017");
    let key = format!("{:x}", md5::compute(format!("{challenge}admin-secret")));
    assert_eq!(actions[1].get_str("Key").as_deref(), Some(key.as_str()));
    assert!(msgs[1].is_success());
    assert_eq!(msgs[2].message().as_deref(), Some("Must specify AuthType"));
}

#[test]
fn transcripts_05_06_authentication_fails_a_second_later() {
    for name in ["05_bad_login", "06_unknown_user_login"] {
        let t = transcript::load(name);
        let (_, msgs) = decode_all(&t.server_bytes(), true);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].response().as_deref(), Some("Error"));
        assert_eq!(msgs[0].message().as_deref(), Some("Authentication failed"));
        let login = t.chunks.iter().find(|c| c.direction == Direction::Client).unwrap().at;
        let answer = t.chunks.iter().rev().find(|c| c.direction == Direction::Server).unwrap().at;
        assert!(answer - login >= 0.99, "{name}: {login} -> {answer}");
    }
}

#[test]
fn transcript_10_pipelined_answers_in_order() {
    let msgs = server_messages("10_pipelined");
    let ids: Vec<_> = msgs.iter().map(|m| m.action_id().unwrap().into_owned()).collect();
    assert_eq!(ids, ["10_pipelined-1", "p1", "p2", "p3", "10_pipelined-2"]);
    assert_eq!(
        msgs[3].get_all("Output").collect::<Vec<_>>(),
        [&b"System uptime: 30 seconds"[..], b"Last reload: 30 seconds"]
    );
}

#[test]
fn transcript_11_tls_message_split_over_records() {
    let t = transcript::load("11_tls_admin");
    // The Ping answer came in three records.
    let pieces: Vec<&[u8]> = t.chunks_from(Direction::Server).skip(2).take(3).collect();
    assert_eq!(pieces[0], b"Response: Success\r\n");
    let mut c = Collector::new(true);
    for chunk in t.chunks_from(Direction::Server).take(4) {
        c.feed(chunk);
    }
    assert_eq!(c.messages.len(), 1, "only the login answer is complete before the last piece");
    c.feed(t.chunks_from(Direction::Server).nth(4).unwrap());
    assert_eq!(c.messages.len(), 2);
    assert_eq!(c.messages[1].get_str("Ping").as_deref(), Some("Pong"));
    assert_eq!(c.messages[1].action_id().as_deref(), Some("11_tls_admin-2"));
}

// ---------------------------------------------------------------- client side

#[test]
fn client_actions_reencode_to_the_recorded_bytes() {
    let all = all_transcripts();
    for t in &all {
        let e = expected(&t.name);
        let bytes = t.client_bytes();
        let (_, reference) = reference_split(&bytes, false);
        let (_, actions) = decode_all(&bytes, false);
        assert_eq!(actions.len(), reference.len(), "{}", t.name);
        assert_eq!(actions.len(), e.client_messages, "{}", t.name);
        let rebuilt: Vec<u8> = actions.iter().flat_map(|m| m.to_wire()).collect();
        assert_eq!(rebuilt, bytes, "{}: client stream round trip", t.name);

        let (mut id_second, mut lowercase, mut no_action, mut no_id) = (0, 0, 0, 0);
        for m in &actions {
            let wire = m.to_wire();
            let headers: Vec<(String, String)> = m
                .headers()
                .map(|h| {
                    (h.name_str().into_owned(), h.value().map(|v| String::from_utf8(v.to_vec()).unwrap()).unwrap())
                })
                .collect();
            let (first_key, name) = &headers[0];
            if !first_key.eq_ignore_ascii_case("Action") {
                // `ActionID: noaction-1 / Foo: bar`: encode_action always writes Action first.
                assert!(m.get("Action").is_none(), "{}: {m:?}", t.name);
                no_action += 1;
                continue;
            }
            // 1. RawAction with the headers exactly as recorded: identical
            // bytes. The ActionID is the client's to write: as a parameter
            // it is refused, and nothing is written.
            let mut raw = RawAction::new(name.clone());
            for (k, v) in &headers[1..] {
                raw.push(k.clone(), v.clone());
            }
            let has_id = headers[1..].iter().any(|(k, _)| k.eq_ignore_ascii_case("ActionID"));
            let mut out = Vec::new();
            if has_id {
                assert_eq!(encode_action(&raw, None, &mut out), Err(EncodeError::ActionIdHeader), "{}", t.name);
                assert!(out.is_empty());
            } else {
                encode_action(&raw, None, &mut out).unwrap();
                if first_key == "Action" {
                    assert_eq!(out, wire, "{}: {m:?}", t.name);
                } else {
                    assert_eq!(out.to_ascii_lowercase(), wire.to_ascii_lowercase(), "{}", t.name);
                    assert_ne!(out, wire);
                }
            }
            if first_key != "Action" {
                // `action: ping / actionid: lc-1`: the writer spells the key `Action`.
                lowercase += 1;
            }

            // 2. encode_action with the ActionID as its own argument: Action, ActionID, params.
            let Some(id) = m.action_id().map(|s| s.into_owned()) else {
                // Sent without ActionID (12_a's Ping): step 1 already wrote it exactly.
                no_id += 1;
                continue;
            };
            let mut params = RawAction::new(name.clone());
            for (k, v) in headers[1..].iter().filter(|(k, _)| !k.eq_ignore_ascii_case("ActionID")) {
                params.push(k.clone(), v.clone());
            }
            let mut out = Vec::new();
            encode_action(&params, Some(&id), &mut out).unwrap();
            if headers[1].0 == "ActionID" && first_key == "Action" {
                assert_eq!(out, wire, "{}: {m:?}", t.name);
                id_second += 1;
            } else {
                // Different order on the wire: same headers once ActionID is moved second.
                let (_, back) = decode_all(&out, false);
                assert_eq!(back.len(), 1);
                let got: Vec<(String, String)> =
                    back[0].headers().map(|h| (h.name_str().into_owned(), h.value_str().into_owned())).collect();
                let mut want = headers.clone();
                let pos = want.iter().position(|(k, _)| k.eq_ignore_ascii_case("ActionID")).unwrap();
                let idh = want.remove(pos);
                want.insert(1, idh);
                let fold = |v: Vec<(String, String)>| -> Vec<(String, String)> {
                    v.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect()
                };
                assert_eq!(fold(got), fold(want), "{}: {m:?}", t.name);
                assert_eq!(out.len(), wire.len(), "{}", t.name);
            }
        }
        assert_eq!(
            (id_second, lowercase, no_action, no_id),
            (e.client_id_second, e.client_lowercase, e.client_no_action, e.client_no_action_id),
            "{}",
            t.name
        );
    }
}

#[test]
fn client_actions_with_quotes_and_backslashes_survive() {
    // The transcript escapes (\\ and ") reach the encoder intact.
    let t = transcript::load("02_admin_basic_events_off");
    let (_, actions) = decode_all(&t.client_bytes(), false);
    let hangup = actions.iter().find(|a| a.get_str("Action").as_deref() == Some("Hangup")).unwrap();
    assert_eq!(hangup.get("Channel"), Some(&br"/^Local\/200@test-.*;1$/"[..]));
    let t = transcript::load("01_admin_events_originate");
    let (_, actions) = decode_all(&t.client_bytes(), false);
    let mut out = Vec::new();
    let a = RawAction::new("Originate").header("CallerID", "\"Peer Test\" <200>");
    encode_action(&a, None, &mut out).unwrap();
    assert_eq!(actions[1].get("CallerID"), Some(&b"\"Peer Test\" <200>"[..]));
    assert_eq!(out, b"Action: Originate\r\nCallerID: \"Peer Test\" <200>\r\n\r\n");
    assert_eq!(actions[1].get_all("Variable").collect::<Vec<_>>(), [&b"ORIGVAR1=one"[..], b"ORIGVAR2=two"]);
}
