//! One test per protocol quirk listed in DESIGN.md, each on a hand-made byte
//! fixture. Multi-message fixtures are raw server streams in tests/fixtures/
//! (described in tests/fixtures/README.md); single messages are inline.

use ami_core::{
    encode_action, ActionWriter, Banner, Decoder, EncodeError, Error, Header, Message, MessageKind, ProtocolError,
    RawAction, MAX_LINES, MAX_LINE_LEN,
};

// ---------------------------------------------------------------- fixtures

/// Every fixture stream, by file name.
const FIXTURES: &[(&str, &[u8])] = &[
    ("bare_lf_in_value.ami", include_bytes!("fixtures/bare_lf_in_value.ami")),
    ("park_message_lf.ami", include_bytes!("fixtures/park_message_lf.ami")),
    ("bare_cr_in_value.ami", include_bytes!("fixtures/bare_cr_in_value.ami")),
    ("empty_lines_between.ami", include_bytes!("fixtures/empty_lines_between.ami")),
    ("odd_lines.ami", include_bytes!("fixtures/odd_lines.ami")),
    ("repeated_keys.ami", include_bytes!("fixtures/repeated_keys.ami")),
    ("latin1.ami", include_bytes!("fixtures/latin1.ami")),
    ("originate_failure.ami", include_bytes!("fixtures/originate_failure.ami")),
    ("follows_command.ami", include_bytes!("fixtures/follows_command.ami")),
    ("truncated.ami", include_bytes!("fixtures/truncated.ami")),
    ("mixed_case_keys.ami", include_bytes!("fixtures/mixed_case_keys.ami")),
];

fn fixture(name: &str) -> &'static [u8] {
    FIXTURES.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no fixture {name}")).1
}

/// The inline frames (no closing empty line) gathered in odd_lines.ami, in order.
const KEY_NO_VALUE: &[u8] = b"Event: Newchannel\r\nChannel: PJSIP/100-00000001\r\nAccountCode:\r\nLanguage: en";
const NO_SPACE: &[u8] = b"Event: VarSet\r\nVariable:BRIDGEPEER\r\nValue:PJSIP/200-00000002";
const EXTRA_SPACES: &[u8] = b"Event: Newexten\r\nApplication: Set\r\nAppData:   three spaces";
const TRAILING_SPACES: &[u8] =
    b"Event: CoreShowChannel\r\nChannel: Local/200@test-00000000;1   \r\nApplicationData: 30 ";
const NO_COLON: &[u8] = b"Event: AgentCalled\r\nthis line has no colon\r\nQueue: sales";

/// What a stream decodes to: the banner, the complete messages, and the
/// decoder (to look at what is left over).
struct Decoded {
    banner: Banner,
    messages: Vec<Message>,
    decoder: Decoder,
}

fn drain(d: &mut Decoder, banner: &mut Option<Banner>, out: &mut Vec<Message>) {
    if banner.is_none() {
        match d.decode_banner().unwrap() {
            Some(b) => *banner = Some(b),
            None => return,
        }
    }
    while let Some(m) = d.decode().unwrap() {
        out.push(m);
    }
}

/// Decodes a stream fed in the given pieces.
fn decode_pieces<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> Decoded {
    let (mut decoder, mut banner, mut messages) = (Decoder::new(), None, Vec::new());
    for p in pieces {
        decoder.feed(p);
        drain(&mut decoder, &mut banner, &mut messages);
    }
    Decoded { banner: banner.expect("a banner line"), messages, decoder }
}

/// Decodes a whole stream, and checks that one byte at a time and every
/// two-piece split give the same banner and messages.
fn decode_stream(bytes: &[u8]) -> Decoded {
    let whole = decode_pieces([bytes]);
    let dripped = decode_pieces(bytes.chunks(1));
    assert_eq!((&dripped.banner, &dripped.messages), (&whole.banner, &whole.messages), "one byte at a time");
    for cut in 0..=bytes.len() {
        let split = decode_pieces([&bytes[..cut], &bytes[cut..]]);
        assert_eq!((&split.banner, &split.messages), (&whole.banner, &whole.messages), "split at {cut}");
        assert_eq!(split.decoder.has_partial(), whole.decoder.has_partial(), "split at {cut}");
    }
    whole
}

/// Decodes a complete stream (no partial message at the end).
fn messages_of(name: &str) -> Vec<Message> {
    let d = decode_stream(fixture(name));
    assert!(!d.decoder.has_partial(), "{name}: left over {:?}", d.decoder.buffered());
    assert_eq!(d.banner.line(), "Asterisk Call Manager/11.0.0", "{name}");
    d.messages
}

/// Decodes one inline frame sent the way the server sends it (closing empty line added).
fn one(frame: &[u8]) -> Message {
    let mut d = Decoder::new();
    d.feed(frame);
    d.feed(b"\r\n\r\n");
    let m = d.decode().unwrap().expect("a complete message");
    assert_eq!(d.decode().unwrap(), None);
    assert!(!d.has_partial());
    assert_eq!(m.as_bytes(), frame, "the frame keeps every byte");
    m
}

type Pairs = Vec<(Vec<u8>, Option<Vec<u8>>)>;

fn pairs(m: &Message) -> Pairs {
    m.headers().map(|h| (h.name().to_vec(), h.value().map(<[u8]>::to_vec))).collect()
}

fn p(name: &str, value: Option<&str>) -> (Vec<u8>, Option<Vec<u8>>) {
    (name.as_bytes().to_vec(), value.map(|v| v.as_bytes().to_vec()))
}

fn values<'a>(m: &'a Message, key: &'a str) -> Vec<&'a [u8]> {
    m.get_all(key).collect()
}

// ---------------------------------------------------------------- framing quirks

#[test]
fn bare_lf_inside_a_value_stays_in_the_value() {
    let m = messages_of("bare_lf_in_value.ami");
    assert_eq!(m.len(), 3, "a parser that ends lines at LF would see more");
    assert_eq!(m[0].event_name().as_deref(), Some("Newexten"));
    assert_eq!(m[0].get("AppData"), Some(&b"first line\nsecond: line"[..]));
    assert_eq!(m[0].get("second"), None, "`second: line` is value text, not a header");
    assert_eq!(m[0].len(), 19);
    assert_eq!(m[0].headers().last().unwrap().name(), b"AppData");
    assert_eq!(m[1].get("Text"), Some(&b"line one\nline two\n"[..]));
    assert_eq!(m[1].get_str("UserEvent").as_deref(), Some("Note"));
    assert_eq!((m[2].get_str("Priority").as_deref(), m[2].get_str("AppData").as_deref()), (Some("3"), Some("1")));
}

#[test]
fn park_message_ending_in_lf_before_crlf() {
    let m = messages_of("park_message_lf.ami");
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].kind(), MessageKind::Response);
    assert!(m[0].is_success());
    assert_eq!(m[0].get("Message"), Some(&b"Park successful\n"[..]));
    assert_eq!(m[0].message().as_deref(), Some("Park successful\n"));
    assert_eq!(m[0].action_id().as_deref(), Some("park-1"));
    assert_eq!(m[0].len(), 3);
    assert_eq!(m[1].event_name().as_deref(), Some("ParkedCall"));
    assert_eq!(m[1].get_str("ParkingSpace").as_deref(), Some("701"));
}

#[test]
fn bare_cr_inside_a_value_stays_in_the_value() {
    let m = messages_of("bare_cr_in_value.ami");
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].get("Body"), Some(&b"one\rtwo"[..]));
    assert_eq!(m[0].get("Tail"), Some(&b"ends in CR\r"[..]));
    assert_eq!(m[0].len(), 5);
    assert_eq!(m[1].get("Body"), Some(&b"\r\rx\r\r"[..]));
    assert_eq!(m[1].len(), 4);
    assert!(m[1].as_bytes().ends_with(b"Body: \r\rx\r\r"));
}

#[test]
fn empty_lines_between_messages_are_skipped() {
    let d = decode_stream(fixture("empty_lines_between.ami"));
    let names: Vec<_> = d.messages.iter().map(|m| m.event_name().unwrap().into_owned()).collect();
    assert_eq!(names, ["FullyBooted", "DeviceStateChange", "DeviceStateChange"]);
    assert_eq!(d.messages[1].get_str("State").as_deref(), Some("INUSE"));
    assert_eq!(d.messages[2].get_str("State").as_deref(), Some("NOT_INUSE"));
    assert!(d.messages.iter().all(|m| m.len() == 3 || m.len() == 4), "no empty message was produced");
    assert!(!d.decoder.has_partial());
    assert_eq!(d.decoder.buffered(), b"", "the trailing empty line is consumed");
}

// ---------------------------------------------------------------- odd lines

#[test]
fn key_with_no_value_has_an_empty_value() {
    let m = one(KEY_NO_VALUE);
    assert_eq!(m.get("AccountCode"), Some(&b""[..]));
    assert!(m.contains("accountcode"));
    let h = m.headers().nth(2).unwrap();
    assert!(!h.is_bare_line());
    assert_eq!((h.name(), h.value()), (&b"AccountCode"[..], Some(&b""[..])));
    // `Key: ` (as Asterisk 22 writes an empty AccountCode) reads the same.
    assert_eq!(Header::parse(b"AccountCode: ").value(), Some(&b""[..]));
    assert_eq!(m.get_str("Language").as_deref(), Some("en"), "lines after it are intact");
}

#[test]
fn key_and_value_without_a_space() {
    let m = one(NO_SPACE);
    assert_eq!(
        pairs(&m),
        [p("Event", Some("VarSet")), p("Variable", Some("BRIDGEPEER")), p("Value", Some("PJSIP/200-00000002"))]
    );
    assert_eq!(m.to_wire(), [NO_SPACE, b"\r\n\r\n"].concat(), "written back as received");
}

#[test]
fn extra_spaces_after_the_colon_belong_to_the_value() {
    let m = one(EXTRA_SPACES);
    assert_eq!(m.get("AppData"), Some(&b"  three spaces"[..]));
    assert_eq!(Header::parse(b"Data:  x").value(), Some(&b" x"[..]));
    assert_eq!(Header::parse(b"Data: a: b").value(), Some(&b"a: b"[..]), "split on the first colon only");
}

#[test]
fn trailing_spaces_are_kept() {
    let m = one(TRAILING_SPACES);
    assert_eq!(m.get("Channel"), Some(&b"Local/200@test-00000000;1   "[..]));
    assert_eq!(m.get("ApplicationData"), Some(&b"30 "[..]));
    assert_eq!(m.get_str("applicationdata").as_deref(), Some("30 "));
}

#[test]
fn line_without_a_colon_is_kept() {
    let m = one(NO_COLON);
    assert_eq!(m.len(), 3);
    assert_eq!(
        pairs(&m),
        [p("Event", Some("AgentCalled")), p("this line has no colon", None), p("Queue", Some("sales"))]
    );
    let bare = m.headers().nth(1).unwrap();
    assert!(bare.is_bare_line());
    assert_eq!(bare.value_str(), "");
    assert!(!bare.is("this line has no colon"), "a bare line is not a key");
    assert_eq!(m.get("this line has no colon"), None);
    assert_eq!(m.kind(), MessageKind::Event);
    assert_eq!(m.get_str("Queue").as_deref(), Some("sales"));
    assert!(format!("{m:?}").contains("this line has no colon"));
}

#[test]
fn odd_lines_fixture_holds_the_inline_cases() {
    let m = messages_of("odd_lines.ami");
    let frames: Vec<&[u8]> = m.iter().map(Message::as_bytes).collect();
    assert_eq!(frames, [KEY_NO_VALUE, NO_SPACE, EXTRA_SPACES, TRAILING_SPACES, NO_COLON]);
}

#[test]
fn repeated_keys_keep_their_order() {
    let m = messages_of("repeated_keys.ami");
    assert_eq!(m.len(), 4);
    let out = values(&m[0], "Output");
    assert_eq!(out.len(), 3);
    assert_eq!(out[0], b"Channel              Location             State   Application(Data)");
    assert_eq!(out[2], b"1 active channel");
    assert_eq!(m[0].get("output"), Some(out[0]), "get gives the first");
    assert_eq!(values(&m[1], "Variable"), [&b"FOO=one"[..], b"BAR=two=2"]);
    assert_eq!(values(&m[2], "ChanVariable"), [&b"CDR(accountcode)="[..], b"CALLERID(num)=100"]);
    let ue = &m[3];
    assert_eq!(values(ue, "Exten"), [&b"100"[..], b"200"]);
    assert_eq!(values(ue, "Uniqueid"), [&b"1700000000.1"[..], b"1700000000.7"]);
    let keys: Vec<_> = ue.headers().map(|h| h.name_str().into_owned()).collect();
    assert_eq!(keys, ["Event", "Privilege", "Channel", "Exten", "Uniqueid", "UserEvent", "Exten", "Uniqueid"]);
}

#[test]
fn latin1_bytes_are_kept_with_a_lossy_view() {
    let bytes = fixture("latin1.ami");
    let m = messages_of("latin1.ami");
    assert_eq!(m[0].get("CallerIDName"), Some(&b"Jos\xe9 M\xfcller"[..]));
    assert_eq!(m[0].get_str("CallerIDName").as_deref(), Some("Jos\u{fffd} M\u{fffd}ller"));
    assert!(!m[0].is_utf8());
    assert_eq!(m[0].get_str("CallerIDNum").as_deref(), Some("0611223344"));
    assert_eq!(m[1].get_str("CallerIDName").as_deref(), Some("José Müller"));
    assert!(m[1].is_utf8());
    let rebuilt: Vec<u8> = m.iter().flat_map(Message::to_wire).collect();
    assert_eq!(rebuilt, &bytes[b"Asterisk Call Manager/11.0.0\r\n".len()..], "every byte kept");
}

#[test]
fn event_with_a_response_header_is_an_event() {
    let m = messages_of("originate_failure.ami");
    let kinds: Vec<_> = m.iter().map(Message::kind).collect();
    assert_eq!(kinds, [MessageKind::Response, MessageKind::Event, MessageKind::Response, MessageKind::Event]);
    assert!(m[0].is_success());
    assert_eq!(m[0].message().as_deref(), Some("Originate successfully queued"));
    let fail = &m[1];
    assert_eq!(fail.event_name().as_deref(), Some("OriginateResponse"));
    assert_eq!(fail.response().as_deref(), Some("Failure"));
    assert!(!fail.is_success());
    assert_eq!(fail.action_id().as_deref(), Some("orig-1"));
    assert_eq!(fail.get_str("Reason").as_deref(), Some("0"));
    assert_eq!(fail.get_str("Uniqueid").as_deref(), Some("<unknown>"));
    assert_eq!(fail.get_str("Channel").as_deref(), Some("Local/999@test"));
    let busy = &m[3];
    assert_eq!((busy.action_id().as_deref(), busy.get_str("Reason").as_deref()), (Some("orig-2"), Some("5")));
    assert_eq!(busy.get_str("Channel").as_deref(), Some("PJSIP/busy-trunk/sip:200@192.0.2.10"));
}

#[test]
fn old_follows_command_output_is_kept_intact() {
    let d = decode_stream(fixture("follows_command.ami"));
    assert_eq!(
        (d.banner.line(), d.banner.version(), d.banner.is_asterisk()),
        ("Asterisk Call Manager/2.10.6", Some("2.10.6"), true)
    );
    let m = &d.messages;
    assert_eq!(m.len(), 3);
    assert_eq!(m[0].kind(), MessageKind::Follows);
    assert_eq!(m[0].response().as_deref(), Some("Follows"));
    assert_eq!(m[0].action_id().as_deref(), Some("cmd-1"));
    let out = b"2 active channels\n1 active call\n3 calls processed\n--END COMMAND--";
    assert_eq!(m[0].as_bytes(), [&b"Response: Follows\r\nPrivilege: Command\r\nActionID: cmd-1\r\n"[..], out].concat());
    let last = m[0].headers().last().unwrap();
    assert!(last.is_bare_line());
    assert_eq!(last.name(), out);
    assert_eq!(m[0].len(), 4);
    // Output whose first line has a colon: still every byte, up to --END COMMAND--.
    assert_eq!(m[1].kind(), MessageKind::Follows);
    assert_eq!(
        m[1].get("System uptime"),
        Some(&b"1 hour, 2 minutes, 3 seconds\nLast reload: 4 minutes, 5 seconds\n--END COMMAND--"[..])
    );
    assert!(m[1].as_bytes().ends_with(b"\n--END COMMAND--"));
    assert_eq!(m[2].event_name().as_deref(), Some("Hangup"));
    assert_eq!(m[2].get_str("Cause-txt").as_deref(), Some("Normal Clearing"));
    assert!(!d.decoder.has_partial());
}

#[test]
fn message_over_the_size_limit_is_a_typed_error() {
    let mut d = Decoder::with_max_message_size(256);
    d.feed(b"Asterisk Call Manager/11.0.0\r\n");
    d.decode_banner().unwrap().unwrap();
    d.feed(b"Event: Small\r\nData: ok\r\n\r\n");
    assert_eq!(d.decode().unwrap().unwrap().get_str("Data").as_deref(), Some("ok"));
    // 256 bytes of frame pending are allowed, and three more (they could be
    // the start of the end marker); a fourth is not.
    let start = b"Event: Big\r\nData: ";
    d.feed(start);
    d.feed(&[b'x'; 256][..256 - start.len()]);
    assert_eq!(d.decode(), Ok(None));
    d.feed(b"xxx");
    assert_eq!(d.decode(), Ok(None));
    d.feed(b"x");
    let err = d.decode().unwrap_err();
    assert_eq!(err, ProtocolError::MessageTooLarge { limit: 256 });
    assert_eq!(err.to_string(), "a message exceeded the 256-byte limit");
    assert_eq!(d.decode_frame().unwrap_err(), ProtocolError::MessageTooLarge { limit: 256 });
    let e = Error::from(err);
    assert!(matches!(e, Error::Protocol(ProtocolError::MessageTooLarge { limit: 256 })));
    assert!(e.is_connection_lost());

    // A banner that never ends is bounded the same way.
    let mut d = Decoder::with_max_message_size(100);
    d.feed(&[b'A'; 101]);
    assert_eq!(d.decode_banner(), Err(ProtocolError::MessageTooLarge { limit: 100 }));
}

#[test]
fn truncated_stream_is_detected() {
    let d = decode_stream(fixture("truncated.ami"));
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.messages[0].event_name().as_deref(), Some("Newchannel"));
    assert!(d.decoder.has_partial(), "the server closed in the middle of a message");
    assert_eq!(d.decoder.buffered(), b"Event: Hangup\r\nPrivilege: call,all\r\nChannel: PJSIP/100-0000");

    // Had the stream gone on, the same bytes would have completed.
    let mut dec = d.decoder;
    assert_eq!(dec.decode(), Ok(None));
    dec.feed(b"0001\r\n\r\n");
    assert_eq!(dec.decode().unwrap().unwrap().get_str("Channel").as_deref(), Some("PJSIP/100-00000001"));
    assert!(!dec.has_partial());

    // A last line with its CRLF but no closing empty line is partial too;
    // a stray empty line after a complete message is not.
    let mut dec = Decoder::new();
    dec.feed(b"Event: Hangup\r\n");
    assert_eq!(dec.decode(), Ok(None));
    assert!(dec.has_partial());
    let mut dec = Decoder::new();
    dec.feed(b"Event: Hangup\r\n\r\n\r\n");
    assert!(dec.decode().unwrap().is_some());
    assert_eq!(dec.decode(), Ok(None));
    assert!(!dec.has_partial());
}

#[test]
fn mixed_case_keys_are_looked_up_case_insensitively() {
    let m = messages_of("mixed_case_keys.ami");
    let bridge = b"6f3c0a52-1d2e-4b8a-9c41-2f7d1e0b9a33";
    for (i, spelled) in [(0, "BridgeId"), (1, "BridgeID")] {
        for key in ["BridgeId", "BridgeID", "bridgeid", "BRIDGEID"] {
            assert_eq!(m[i].get(key), Some(&bridge[..]), "message {i}, key {key}");
        }
        let h = m[i].headers().find(|h| h.is("bridgeid")).unwrap();
        assert_eq!(h.name(), spelled.as_bytes(), "the key is kept as sent");
        assert_eq!(m[i].get_str("uniqueid").as_deref(), Some("1700000000.1"));
        assert_eq!(m[i].get_str("UNIQUEID").as_deref(), Some("1700000000.1"));
    }
    assert_eq!(m[2].get_str("HoldTime").as_deref(), Some("12"));
    assert_eq!(m[3].get_str("Holdtime").as_deref(), Some("12"));
    assert_eq!(m[3].get_str("EVENT").as_deref(), Some("AgentComplete"));
}

// ---------------------------------------------------------------- what the client refuses to send

#[test]
fn encoding_refuses_cr_lf_nul_injection() {
    let crm_number = "100\r\nAction: Command\r\nCommand: core stop now";
    let a = RawAction::new("Originate").header("Channel", "PJSIP/100").header("Exten", crm_number);
    let mut out = b"Action: Ping\r\n\r\n".to_vec();
    let err = encode_action(&a, Some("crm-1"), &mut out).unwrap_err();
    assert_eq!(err, EncodeError::ForbiddenByte { key: "Exten".into(), byte: b'\r', in_key: false });
    assert_eq!(err.to_string(), "the value of header \"Exten\" contains byte 0x0d (CR, LF and NUL are refused)");
    assert_eq!(out, b"Action: Ping\r\n\r\n", "nothing written");
    assert!(matches!(Error::from(err), Error::Encode(EncodeError::ForbiddenByte { .. })));

    let refused = |a: &RawAction, id: Option<&str>| {
        let mut out = Vec::new();
        let e = encode_action(a, id, &mut out).unwrap_err();
        assert!(out.is_empty(), "{a:?}: wrote {out:?}");
        e
    };
    let bad = |key: &str, byte: u8, in_key: bool| EncodeError::ForbiddenByte { key: key.into(), byte, in_key };
    assert_eq!(
        refused(&RawAction::new("Originate").header("Exten", "100\nAction: Command"), None),
        bad("Exten", b'\n', false)
    );
    assert_eq!(refused(&RawAction::new("Originate").header("Exten", "100\0"), None), bad("Exten", 0, false));
    assert_eq!(refused(&RawAction::new("Originate").header("Ex\r\nten", "1"), None), bad("Ex\r\nten", b'\r', true));
    assert_eq!(refused(&RawAction::new("Ping"), Some("id\r\nAction: Command")), bad("ActionID", b'\r', false));
    assert_eq!(refused(&RawAction::new("Ping\nCommand: x"), None), bad("Action", b'\n', false));

    // Display values are checked too.
    let mut out = Vec::new();
    let mut w = ActionWriter::new(&mut out, "Setvar");
    w.header_display("Value", &"a\r\nAction: Command");
    assert_eq!(w.finish(), Err(bad("Value", b'\r', false)));
    assert!(out.is_empty());
}

#[test]
fn encoding_refuses_lines_over_1022_bytes() {
    assert_eq!(MAX_LINE_LEN, 1022);
    // "Value: " is 7 bytes: 1015 more make exactly 1022.
    let mut out = Vec::new();
    encode_action(&RawAction::new("Setvar").header("Value", "x".repeat(1015)), None, &mut out).unwrap();
    assert_eq!(out.len(), "Action: Setvar\r\n".len() + 1022 + 2 + 2);
    let mut out = b"kept".to_vec();
    let err = encode_action(&RawAction::new("Setvar").header("Value", "x".repeat(1016)), None, &mut out).unwrap_err();
    assert_eq!(err, EncodeError::LineTooLong { key: "Value".into(), len: 1023, limit: 1022 });
    assert_eq!(out, b"kept");
    // The ActionID line counts too ("ActionID: " is 10 bytes).
    let err = encode_action(&RawAction::new("Ping"), Some(&"i".repeat(1013)), &mut out).unwrap_err();
    assert_eq!(err, EncodeError::LineTooLong { key: "ActionID".into(), len: 1023, limit: 1022 });
    assert_eq!(out, b"kept");
}

#[test]
fn encoding_refuses_more_than_128_lines() {
    assert_eq!(MAX_LINES, 128);
    let vars = |n: usize| {
        let mut a = RawAction::new("Originate");
        for i in 0..n {
            a.push("Variable", format!("V{i}=1"));
        }
        a
    };
    // Action + 127 Variables = 128 lines: accepted.
    let mut out = Vec::new();
    encode_action(&vars(127), None, &mut out).unwrap();
    assert_eq!(out.windows(2).filter(|w| w == b"\r\n").count(), 129, "128 lines and the empty line");
    // With an ActionID that is 129: refused, as is Action + 128 Variables.
    let mut out = b"kept".to_vec();
    assert_eq!(
        encode_action(&vars(127), Some("a-1"), &mut out),
        Err(EncodeError::TooManyLines { lines: 129, limit: 128 })
    );
    assert_eq!(encode_action(&vars(128), None, &mut out), Err(EncodeError::TooManyLines { lines: 129, limit: 128 }));
    assert_eq!(encode_action(&vars(200), None, &mut out), Err(EncodeError::TooManyLines { lines: 201, limit: 128 }));
    assert_eq!(out, b"kept");
}

// ---------------------------------------------------------------- the fixtures themselves

#[test]
fn every_fixture_is_listed_and_described() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ami"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every fixture file is used by a test");
    for (name, bytes) in FIXTURES {
        assert!(readme.contains(&format!("`{name}`")), "{name} is not described in tests/fixtures/README.md");
        assert!(bytes.starts_with(b"Asterisk Call Manager/"), "{name} starts with a banner line");
        decode_stream(bytes);
    }
}
