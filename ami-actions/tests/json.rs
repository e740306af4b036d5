//! The one JSON shape (`ami_core::json`, what `ami --json` prints and what
//! serde uses): every event of the transcripts, the corpus slice and the
//! quirk streams of the fixtures goes to JSON and back byte for byte,
//! through the text encoder and through serde; the `_` keys carry what the
//! shape alone would lose.

mod support;

use ami_actions::{json, Message, MessageKind};

/// Every event of the transcripts, the corpus slice and the quirk streams,
/// with where it is from.
fn every_event() -> Vec<(String, Message)> {
    let mut out = Vec::new();
    for (name, stream) in support::transcripts() {
        out.extend(support::messages(&stream).into_iter().map(|m| (name.clone(), m)));
    }
    out.extend(support::messages(&support::corpus()).into_iter().map(|m| (String::from("corpus"), m)));
    // The hand-made quirk streams (Latin-1, bare CR and LF, odd lines...).
    for entry in std::fs::read_dir(support::fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "ami") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.extend(support::messages(&std::fs::read(&path).unwrap()).into_iter().map(|m| (name.clone(), m)));
        }
    }
    out.retain(|(_, m)| m.kind() == MessageKind::Event);
    out
}

/// The shape without the `_` keys, as a reader that skips them sees it:
/// (lower-case key, values) in order, built from the message itself.
fn expected_shape(m: &Message) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for h in m.headers().filter(|h| !h.is_bare_line()) {
        let key = h.name_str().to_lowercase();
        let value = h.value_str().into_owned();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => groups.push((key, vec![value])),
        }
    }
    groups
}

fn shape_of(v: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    let obj = v.as_object().expect("an object");
    obj.iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| {
            let values = match v {
                serde_json::Value::String(s) => vec![s.clone()],
                serde_json::Value::Array(a) => a.iter().map(|s| s.as_str().unwrap().to_string()).collect(),
                other => panic!("{k}: {other}"),
            };
            (k.to_lowercase(), values)
        })
        .collect()
}

/// Serde writes the same text and reads the event back byte for byte.
#[cfg(feature = "serde")]
fn through_serde(from: &str, m: &Message, text: &str) {
    let event = ami_actions::Event::from(m.clone());
    let serde_text = serde_json::to_string(&event).unwrap();
    assert_eq!(serde_text, text, "{from}: serde writes the same shape");
    let again: ami_actions::Event = serde_json::from_str(&serde_text).unwrap();
    assert_eq!(again.message().as_bytes(), m.as_bytes(), "{from}: {text}");
}

#[cfg(not(feature = "serde"))]
fn through_serde(_: &str, _: &Message, _: &str) {}

#[test]
fn every_event_round_trips_byte_for_byte() {
    let events = every_event();
    assert!(events.len() > 5_000, "{} events", events.len());
    let (mut with_raw, mut not_utf8) = (0usize, 0usize);
    for (from, m) in &events {
        let text = json::to_string(m);
        // Through the text decoder.
        let back = json::from_str(&text).unwrap_or_else(|e| panic!("{from}: {e}: {text}"));
        assert_eq!(back.as_bytes(), m.as_bytes(), "{from}: {text}");
        through_serde(from, m, &text);
        // What a reader that skips the `_` keys sees: every header, values
        // lossy, repeated keys in order (serde_json sorts keys: compare sorted).
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut got = shape_of(&value);
        let mut want = expected_shape(m);
        got.sort();
        want.sort();
        assert_eq!(got, want, "{from}: {text}");
        if text.contains("\"_raw\":") {
            with_raw += 1;
            assert!(!json::is_exact(m));
        }
        not_utf8 += usize::from(!m.is_utf8());
    }
    // The figures of the report: how many events need their bytes carried.
    eprintln!("{} events, {with_raw} with _raw ({not_utf8} not UTF-8)", events.len());
    assert!(with_raw >= not_utf8);
    assert!(with_raw * 100 < events.len(), "_raw stays the exception: {with_raw} of {}", events.len());
}

#[test]
fn the_shape_is_what_ami_events_json_prints() {
    let m = Message::from_frame(
        b"Event: UserEvent\r\nUniqueid: 1.1\r\nExten: 100\r\nexten: 200\r\nno colon\r\nCallerIDName: Jos\xe9".to_vec(),
    );
    let text = json::to_string(&m);
    let head = "{\"Event\":\"UserEvent\",\"Uniqueid\":\"1.1\",\"Exten\":[\"100\",\"200\"],\
                \"CallerIDName\":\"Jos\u{fffd}\",\"_lines\":[\"no colon\"],\"_raw\":\"";
    assert!(text.starts_with(head), "{text}");
    assert_eq!(json::from_str(&text).unwrap(), m);
}
