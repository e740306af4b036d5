//! Typed events over arbitrary frames.
//!
//! - `Event::from` keeps the message: `message()` and
//!   `into_message()` give back exactly the message it was given.
//! - The variant is the one whose documented name equals the first `Event`
//!   header's value, ignoring ASCII case (`Unknown` when none does, or
//!   there is no `Event` header); `type_name()`, `EventType::NAME`,
//!   `info().name` and `meta::event()` agree.
//! - Every accessor of the variant (a generated visitor calls them all)
//!   agrees with the raw message: text accessors give the first value of
//!   their header (case-insensitive key, lossy UTF-8); yes/no accessors read
//!   it as `ast_true`/`ast_false` do; enum accessors give the documented
//!   spelling when the value matches one ignoring case, the value itself
//!   otherwise, and `from_value(as_str())` gives the same value back;
//!   number, duration and time accessors give a value of their kind, and
//!   none without their header. The fields visited are exactly
//!   `info().fields`.
//! - `FromMessage` of the variant's own type accepts the message.
#![no_main]

use std::borrow::Cow;

use ami_actions::typed::{EventInfo, Value, ValueKind};
use ami_actions::{meta, Event, Message};
use ami_core_fuzz::{reference_bool, reference_get, reference_split, typed_event_frame, visit, RefLine, Visitor};
use libfuzzer_sys::fuzz_target;

struct Check<'a> {
    msg: &'a Message,
    lines: Vec<RefLine>,
    seen: Vec<&'static str>,
    name: Option<&'static str>,
    fields: Vec<String>,
}

impl Check<'_> {
    fn raw(&self, field: &str) -> Option<&[u8]> {
        reference_get(&self.lines, field)
    }
}

impl Visitor for Check<'_> {
    fn event(
        &mut self,
        name: &'static str,
        info: &'static EventInfo,
        fields: &[&str],
        msg: &Message,
        trait_msg: &Message,
    ) {
        assert_eq!(info.name, name);
        assert_eq!(info.fields, fields, "generated accessors differ from meta fields of {name}");
        assert_eq!(msg, self.msg);
        assert_eq!(trait_msg, self.msg);
        let by_name = meta::event(name).expect("meta::event(NAME)");
        assert!(std::ptr::eq(by_name, info), "meta::event({name}) is another entry");
        self.name = Some(name);
        self.fields = fields.iter().map(|s| s.to_string()).collect();
    }

    fn text(&mut self, field: &'static str, value: Option<Cow<'_, str>>) {
        self.seen.push(field);
        let want = self.raw(field).map(String::from_utf8_lossy);
        assert_eq!(value, want, "text field {field}");
    }

    fn boolean(&mut self, field: &'static str, value: Option<bool>) {
        self.seen.push(field);
        assert_eq!(value, self.raw(field).and_then(reference_bool), "bool field {field}");
    }

    fn enumerated(&mut self, field: &'static str, values: &'static [&'static str], value: Option<(String, bool)>) {
        self.seen.push(field);
        let raw = self.raw(field).map(|v| String::from_utf8_lossy(v).into_owned());
        match (raw, value) {
            (None, None) => {}
            (Some(raw), Some((s, round_trip))) => {
                let want = values.iter().find(|v| v.eq_ignore_ascii_case(&raw)).map_or(raw.as_str(), |v| *v);
                assert_eq!(s, want, "enum field {field}");
                assert!(round_trip, "enum field {field}: from_value(as_str()) differs");
            }
            (raw, value) => panic!("enum field {field}: raw {raw:?}, typed {value:?}"),
        }
    }

    fn value(&mut self, field: &'static str, kind: ValueKind, value: Option<Value>) {
        self.seen.push(field);
        if let Some(v) = &value {
            assert!(v.is_of(kind), "typed field {field}: {v:?} is no {kind:?}");
        }
        if self.raw(field).is_none() {
            assert_eq!(value, None, "typed field {field} without its header");
        }
    }

    fn own_type(&mut self, result: Result<Message, Message>) {
        match result {
            Ok(m) => assert_eq!(&m, self.msg),
            Err(_) => panic!("FromMessage refused its own event {:?}", self.name),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let msg = Message::from_frame(typed_event_frame(data));
    let lines = reference_split(msg.as_bytes());

    let ev = Event::from(msg.clone());
    assert_eq!(ev.message(), &msg);

    // Which type the Event header names, by the metadata table.
    let expected = reference_get(&lines, "Event")
        .and_then(|v| meta::EVENTS.iter().find(|e| e.name.as_bytes().eq_ignore_ascii_case(v)))
        .map(|e| e.name);
    assert_eq!(ev.type_name(), expected, "wrong variant for {:?}", msg.event_name());
    assert_eq!(ev.is_unknown(), expected.is_none());

    let mut check = Check { msg: &msg, lines, seen: Vec::new(), name: None, fields: Vec::new() };
    let typed = visit(&ev, &mut check);
    assert_eq!(typed, expected.is_some());
    assert_eq!(check.name, expected);
    assert_eq!(check.seen, check.fields);

    assert_eq!(Event::from(msg.clone()), ev);
    assert_eq!(ev.into_message(), msg);
});
