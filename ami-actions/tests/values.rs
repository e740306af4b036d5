//! Typed accessors against the wire, over the corpus of a real Asterisk 22
//! and every transcript:
//!
//! - every value in a header whose accessor is typed reads as `Some`, of
//!   the right type, through the generated accessor itself (called via
//!   `Event::TYPED_FIELDS`, which holds a pointer to each), unless it is
//!   empty or a placeholder, which read as `None`;
//! - every documented text header whose values on the wire all look like
//!   numbers, durations or times is decided in the generator's kinds table
//!   (typed, or text with a reason).

mod support;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, UNIX_EPOCH};

use ami_actions::typed::{TypedField, ValueKind};
use ami_actions::{events, Event, HangupCause, Message, Priority, WallClock};
use ami_codegen::model::ParamKind;

/// The texts Asterisk writes for "no value", listed here independently of
/// the library's own list.
const PLACEHOLDERS: &[&str] = &["", "<unknown>", "<null>", "(null)", "N/A"];

/// Whether a raw value must read as `None` for this kind.
fn no_value(raw: &str, kind: ValueKind) -> bool {
    let v = raw.trim();
    PLACEHOLDERS.contains(&v) || (kind == ValueKind::UnixTime && v == "0")
}

#[derive(Default)]
struct Tally {
    /// Values read per kind.
    read: BTreeMap<String, usize>,
    /// Placeholders (and Unix time 0) seen, which read as `None`.
    placeholders: usize,
    failures: Vec<String>,
}

fn by_event() -> HashMap<&'static str, Vec<&'static TypedField<Event>>> {
    let mut map: HashMap<&str, Vec<&TypedField<Event>>> = HashMap::new();
    for t in Event::TYPED_FIELDS {
        map.entry(t.event).or_default().push(t);
    }
    map
}

fn check_typed(msgs: &[Message], table: &HashMap<&str, Vec<&TypedField<Event>>>, tally: &mut Tally) {
    for m in msgs {
        if m.event_name().is_none() {
            continue;
        }
        let ev = Event::from(m.clone());
        let Some(name) = ev.type_name() else { continue };
        for t in table.get(name).into_iter().flatten() {
            let Some(raw) = ev.message().get(t.field) else { continue };
            let raw = String::from_utf8_lossy(raw);
            let got = t.read(&ev);
            if no_value(&raw, t.kind) {
                tally.placeholders += 1;
                if let Some(v) = got {
                    tally.failures.push(format!("{name}.{}: {raw:?} read as {v:?}, not None", t.field));
                }
                continue;
            }
            match got {
                Some(v) if v.is_of(t.kind) => *tally.read.entry(format!("{:?}", t.kind)).or_default() += 1,
                Some(v) => tally.failures.push(format!("{name}.{}: {raw:?} read as {v:?}, not {:?}", t.field, t.kind)),
                None => tally.failures.push(format!("{name}.{}: {raw:?} read as None ({:?})", t.field, t.kind)),
            }
        }
    }
}

fn transcripts() -> Vec<Message> {
    support::transcripts().iter().flat_map(|(_, bytes)| support::messages(bytes)).collect()
}

fn assert_clean(what: &str, tally: &Tally) {
    let shown: Vec<&String> = tally.failures.iter().take(20).collect();
    assert!(tally.failures.is_empty(), "{what}: {} typed reads failed, first: {shown:#?}", tally.failures.len());
}

#[test]
fn corpus_typed_values_all_read() {
    let msgs = support::messages(&support::corpus());
    let mut tally = Tally::default();
    check_typed(&msgs, &by_event(), &mut tally);
    println!("corpus: read {:?}, {} placeholders", tally.read, tally.placeholders);
    assert_clean("corpus", &tally);
    // The corpus slice only has event types that are already typed, so
    // these are exact: a change means the table or the parsers changed.
    let expected: BTreeMap<String, usize> = [
        ("HangupCause", 960),
        ("Priority", 8_400),
        ("Seconds", 12),
        ("Unsigned", 8_977),
        ("IsoTime", 2),
        ("WallClock", 15),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(tally.read, expected);
    assert_eq!(tally.placeholders, 0);
}

#[test]
fn transcript_typed_values_all_read() {
    let msgs = transcripts();
    let mut tally = Tally::default();
    check_typed(&msgs, &by_event(), &mut tally);
    println!("transcripts: read {:?}, {} placeholders", tally.read, tally.placeholders);
    assert_clean("transcripts", &tally);
    assert!(tally.placeholders >= 16, "the transcripts hold Unix time 0s and empty values");
    // Lower bounds: list events typed later only add to these.
    for (kind, min) in [
        ("HangupCause", 27),
        ("Priority", 200),
        ("Unsigned", 286),
        ("Seconds", 49),
        ("Hms", 30),
        ("UnixTime", 5),
        ("IsoTime", 8),
        ("Signed", 5),
        ("Decimal", 6),
        ("WallClock", 27),
    ] {
        let n = tally.read.get(kind).copied().unwrap_or(0);
        assert!(n >= min, "{kind}: {n} values read, expected at least {min}");
    }
}

/// `12`, `-3`, `0.0`, `00:00:02`, `2026-11-22 22:14:22`, `2026-...T...`.
fn looks_numeric(v: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let v = v.trim();
    let unsigned = v.strip_prefix('-').unwrap_or(v);
    if digits(unsigned) {
        return true;
    }
    if let Some((a, b)) = unsigned.split_once('.') {
        if digits(a) && digits(b) {
            return true;
        }
    }
    let parts: Vec<&str> = v.split(':').collect();
    if parts.len() == 3 && parts.iter().all(|p| digits(p)) {
        return true;
    }
    let b = v.as_bytes();
    b.len() >= 19 && digits(&v[..4]) && b[4] == b'-' && b[7] == b'-' && (b[10] == b' ' || b[10] == b'T')
}

#[test]
fn every_numeric_looking_header_is_decided() {
    let mut msgs = transcripts();
    msgs.extend(support::messages(&support::corpus()));
    let spec_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let inputs = ami_codegen::sources::dir_inputs(&spec_dir).unwrap();
    let (spec, _) = ami_codegen::load(&inputs, &ami_codegen::Options::default()).unwrap();
    // (event, header) -> (values with content, of which numeric-looking)
    let mut seen: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for m in &msgs {
        let Some(name) = m.event_name() else { continue };
        let Some(e) = spec.event(&name) else { continue };
        for p in e.fields.iter().filter(|p| p.kind() == ParamKind::Text) {
            let Some(v) = m.get_str(&p.name) else { continue };
            if PLACEHOLDERS.contains(&v.trim()) {
                continue;
            }
            let entry = seen.entry((e.name.clone(), p.name.clone())).or_default();
            entry.0 += 1;
            entry.1 += usize::from(looks_numeric(&v));
        }
    }
    let mut undecided = Vec::new();
    let mut decided = 0;
    for ((event, field), (all, numeric)) in &seen {
        if all != numeric {
            continue;
        }
        let e = spec.event(event).unwrap();
        let p = e.fields.iter().find(|p| p.name == *field).unwrap();
        match ami_codegen::kinds::rule_for(&e.name, p) {
            Some(_) => decided += 1,
            None => undecided.push(format!("{event}.{field} ({all} values)")),
        }
    }
    println!("{} documented text headers carry values; {decided} look numeric and are decided", seen.len());
    assert!(undecided.is_empty(), "numeric on the wire but not in ami-codegen's kinds table: {undecided:#?}");
    assert!(decided > 100);
}

#[test]
fn accessors_give_the_values_asterisk_sent() {
    let mut seen = 0u32;
    for m in support::messages(&support::corpus()) {
        match Event::from(m) {
            Event::Hangup(e) if seen & 1 == 0 && e.message().get_str("Cause").as_deref() == Some("16") => {
                assert_eq!(e.cause(), Some(HangupCause::NormalClearing));
                assert_eq!(e.cause().map(HangupCause::code), Some(16));
                assert_eq!(e.cause_txt().as_deref(), Some("Normal Clearing"));
                // The raw text stays reachable.
                assert_eq!(e.message().get_str("Cause").as_deref(), Some("16"));
                assert!(matches!(e.channel_state(), Some(0..=6)));
                assert!(e.priority().and_then(|p| p.number()).is_some());
                seen |= 1;
            }
            Event::Cdr(e) if seen & 2 == 0 => {
                let start = e.start_time().unwrap();
                let end = e.end_time().unwrap();
                assert_eq!(start.to_string(), e.message().get_str("StartTime").unwrap());
                assert!(start <= end);
                assert_eq!((start.year(), start.month(), start.day()), (2026, 11, 22));
                assert_eq!(e.duration(), Some(Duration::from_secs(1)));
                assert_eq!(e.billable_seconds(), Some(Duration::from_secs(1)));
                seen |= 2;
            }
            Event::SuccessfulAuth(e) if seen & 4 == 0 => {
                // `2026-11-22T22:14:19.554+0000`
                let t = e.event_tv().unwrap();
                assert_eq!(t, UNIX_EPOCH + Duration::from_millis(1_795_385_659_554));
                assert_eq!(e.event_version(), Some(1));
                seen |= 4;
            }
            Event::DialBegin(e) if seen & 8 == 0 => {
                assert_eq!(e.dest_priority(), Some(Priority::Number(1)));
                assert_eq!(e.dest_channel_state(), Some(0));
                // Ids stay text even when they look like numbers.
                assert!(e.dest_uniqueid().unwrap().contains('.'));
                seen |= 8;
            }
            Event::BridgeEnter(e) if seen & 16 == 0 => {
                assert!(matches!(e.bridge_num_channels(), Some(1..=2)));
                seen |= 16;
            }
            _ => {}
        }
    }
    assert_eq!(seen, 31);
}

#[test]
fn transcript_values_read_as_documented() {
    let msgs = transcripts();
    let mut seen = 0u32;
    for m in msgs {
        match Event::from(m) {
            Event::CoreShowChannel(e) if seen & 1 == 0 => {
                let raw = e.message().get_str("Duration").unwrap().into_owned();
                let d = e.duration().unwrap();
                let (h, rest) = raw.split_once(':').unwrap();
                let (mi, s) = rest.split_once(':').unwrap();
                let secs =
                    h.parse::<u64>().unwrap() * 3600 + mi.parse::<u64>().unwrap() * 60 + s.parse::<u64>().unwrap();
                assert_eq!(d, Duration::from_secs(secs), "{raw}");
                seen |= 1;
            }
            Event::QueueMember(e) if seen & 2 == 0 && e.message().get_str("LastPause").as_deref() != Some("0") => {
                let raw: u64 = e.message().get_str("LastPause").unwrap().parse().unwrap();
                assert_eq!(e.last_pause(), Some(UNIX_EPOCH + Duration::from_secs(raw)));
                assert!(e.login_time().is_some());
                // `LastCall: 0` means never.
                assert_eq!(e.message().get_str("LastCall").as_deref(), Some("0"));
                assert_eq!(e.last_call(), None);
                seen |= 2;
            }
            Event::QueueParams(e) if seen & 4 == 0 => {
                assert_eq!(e.service_level_perf(), Some(0.0));
                assert_eq!(e.holdtime(), Some(Duration::ZERO));
                seen |= 4;
            }
            Event::Status(e) if seen & 8 == 0 => {
                assert!(e.seconds().is_some());
                assert_eq!(e.message().get_str("TimeToHangup").as_deref(), Some("0"));
                assert_eq!(e.time_to_hangup(), None, "0: no hangup scheduled");
                seen |= 8;
            }
            _ => {}
        }
    }
    assert_eq!(seen, 15);
}

#[test]
fn placeholders_and_malformed_values_are_none() {
    let ev = |s: &str| Event::from(Message::from_frame(s.as_bytes().to_vec()));
    let Event::Hangup(h) = ev("Event: Hangup\r\nCause: <unknown>\r\nChannelState: x6\r\nPriority: (null)") else {
        panic!()
    };
    assert_eq!(h.cause(), None);
    assert_eq!(h.channel_state(), None);
    assert_eq!(h.priority(), None);
    assert_eq!(h.message().get_str("ChannelState").as_deref(), Some("x6"));
    let Event::Hangup(h) = ev("Event: Hangup\r\nCause: 99999\r\nPriority: hint") else { panic!() };
    assert_eq!(h.cause(), None, "beyond u16");
    assert_eq!(h.priority(), Some(Priority::Label("hint".into())));
    let Event::Hangup(h) = ev("Event: Hangup\r\nCause: 200") else { panic!() };
    assert_eq!(h.cause(), Some(HangupCause::Other(200)));
    let Event::Cdr(c) = ev("Event: Cdr\r\nAnswerTime: \r\nStartTime: 2026-02-30 10:00:00\r\nDuration: -1") else {
        panic!()
    };
    assert_eq!(c.answer_time(), None);
    assert_eq!(c.start_time(), None);
    assert_eq!(c.duration(), None);
    assert_eq!(c.message().get_str("Duration").as_deref(), Some("-1"));
    let Event::ContactStatus(c) = ev("Event: ContactStatus\r\nRoundtripUsec: N/A") else { panic!() };
    assert_eq!(c.roundtrip_usec(), None);
    let Event::ContactStatus(c) = ev("Event: ContactStatus\r\nRoundtripUsec: 1500") else { panic!() };
    assert_eq!(c.roundtrip_usec(), Some(Duration::from_micros(1500)));
}

#[test]
fn typed_value_reads_by_name_through_the_table() {
    let e = Event::from(Message::from_pairs([
        ("Event", "Hangup"),
        ("Cause", "17"),
        ("ChannelState", "6"),
        ("Timestamp", "1795385000.225046"),
    ]));
    assert_eq!(e.typed_value("cause"), Some(ami_actions::typed::Value::HangupCause(HangupCause::UserBusy)));
    assert_eq!(e.typed_value("ChannelState"), Some(ami_actions::typed::Value::Unsigned(6)));
    assert_eq!(e.typed_value("Channel"), None, "a text header");
    assert_eq!(e.timestamp(), Some(UNIX_EPOCH + Duration::from_micros(1_795_385_000_225_046)));
    // Every entry's event exists and the kind matches the accessor.
    for t in Event::TYPED_FIELDS {
        assert!(ami_actions::meta::event(t.event).is_some_and(|i| i.fields.contains(&t.field)), "{t:?}");
    }
    let wall: WallClock = "2026-11-22 22:14:31".parse().unwrap();
    let cdr = Event::from(Message::from_pairs([("Event", "Cdr"), ("EndTime", "2026-11-22 22:14:31")]));
    assert_eq!(cdr.typed_value("EndTime"), Some(ami_actions::typed::Value::WallClock(wall)));
    let Event::Cdr(c) = cdr else { panic!() };
    let _: Option<WallClock> = c.end_time();
    let _: Option<events::CdrAMAFlags> = c.ama_flags();
}

/// Typed values are for accessors only: serde keeps every header as the
/// text the server sent, placeholders and all.
#[cfg(feature = "serde")]
#[test]
fn serde_keeps_typed_headers_as_text() {
    let m = Message::from_pairs([
        ("Event", "Hangup"),
        ("Cause", "16"),
        ("ChannelState", "06"),
        ("Priority", "<unknown>"),
        ("Timestamp", "1795385000.225046"),
    ]);
    let ev = Event::from(m.clone());
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["Cause"], "16");
    assert_eq!(json["ChannelState"], "06");
    assert_eq!(json["Priority"], "<unknown>");
    assert_eq!(json["Timestamp"], "1795385000.225046");
    let Event::Hangup(h) = ev else { panic!() };
    assert_eq!(serde_json::to_value(&h).unwrap(), json);
    assert_eq!(h.channel_state(), Some(6));
    // Through text the header order is kept (serde_json::Value sorts keys).
    let back: events::Hangup = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
    assert_eq!(back.message(), &m);
}
