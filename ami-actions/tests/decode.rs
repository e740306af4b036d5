//! Every event of the corpus and the transcripts decodes into its typed
//! variant, and no header is lost.

mod support;

use std::borrow::Cow;
use std::collections::BTreeMap;

use ami_actions::typed::{self, EventInfo, EventType};
use ami_actions::{events, meta, Event, Message};

#[derive(Default, Debug)]
struct Counts {
    events: usize,
    typed: usize,
    headers: usize,
    documented: usize,
    undocumented: usize,
    per_type: BTreeMap<String, usize>,
    unknown: BTreeMap<String, usize>,
    /// Generated accessors called, and how many of them had their header.
    accessor_calls: usize,
    present: usize,
}

/// The generated `Visitor` trait and `visit`, which calls every accessor of
/// a typed event (ami-codegen's `visit.rs`; not part of the library).
mod visitor {
    include!(concat!(env!("OUT_DIR"), "/visit.rs"));
}

/// The first value of `key` in the frame, found the obvious way.
fn first_value(m: &Message, key: &str) -> Option<String> {
    let frame = String::from_utf8_lossy(m.as_bytes()).into_owned();
    frame.split("\r\n").find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.eq_ignore_ascii_case(key).then(|| v.strip_prefix(' ').unwrap_or(v).to_owned())
    })
}

/// Compares what each generated accessor returns with the raw header.
struct Accessors<'a> {
    raw: &'a Message,
    /// The documented headers of the type, from its metadata.
    fields: Vec<&'static str>,
    /// The headers whose accessor was called, in order.
    called: Vec<&'static str>,
}

impl visitor::Visitor for Accessors<'_> {
    fn event(
        &mut self,
        name: &'static str,
        info: &'static EventInfo,
        fields: &[&str],
        msg: &Message,
        trait_msg: &Message,
    ) {
        assert_eq!((info.name, msg, trait_msg), (name, self.raw, self.raw));
        assert_eq!(info.fields, fields, "{name}: accessors and metadata disagree");
        self.fields = info.fields.to_vec();
    }

    fn text(&mut self, field: &'static str, value: Option<Cow<'_, str>>) {
        self.called.push(field);
        assert_eq!(value.map(Cow::into_owned), first_value(self.raw, field), "text accessor of {field}");
    }

    fn boolean(&mut self, field: &'static str, value: Option<bool>) {
        self.called.push(field);
        let want = first_value(self.raw, field).and_then(|v| match v.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "y" | "t" | "1" | "on" => Some(true),
            "no" | "false" | "n" | "f" | "0" | "off" => Some(false),
            _ => None,
        });
        assert_eq!(value, want, "yes/no accessor of {field}");
    }

    fn enumerated(&mut self, field: &'static str, values: &'static [&'static str], value: Option<(String, bool)>) {
        self.called.push(field);
        let raw = first_value(self.raw, field);
        let want = raw.map(|r| values.iter().find(|v| v.eq_ignore_ascii_case(&r)).map_or(r, |v| v.to_string()));
        assert_eq!(value.as_ref().map(|(text, _)| text), want.as_ref(), "enum accessor of {field}");
        assert!(
            value.is_none() || value.is_some_and(|(_, back)| back),
            "enum accessor of {field}: from_value(as_str()) differs"
        );
    }

    fn value(&mut self, field: &'static str, kind: typed::ValueKind, value: Option<typed::Value>) {
        self.called.push(field);
        // How each kind reads its text is checked in tests/values.rs; here,
        // that the accessor reads its own header, as its kind.
        if !first_value(self.raw, field).is_some_and(|v| !v.trim().is_empty()) {
            assert_eq!(value, None, "typed accessor of {field} without a value");
        }
        assert!(value.as_ref().map_or(true, |v| v.is_of(kind)), "typed accessor of {field}");
    }

    fn own_type(&mut self, result: Result<Message, Message>) {
        assert_eq!(result.as_ref(), Ok(self.raw), "FromMessage refused its own event");
    }
}

/// Decodes, checks that every header is still there, and calls every
/// generated accessor of the typed event, comparing each with a plain scan
/// of the frame (first line whose key matches ignoring case, value after
/// the colon and one space).
fn check(msgs: Vec<Message>, c: &mut Counts) {
    for m in msgs {
        if m.event_name().is_none() {
            continue;
        }
        let original = m.clone();
        c.events += 1;
        let ev = Event::from(m);
        let raw = ev.message();
        assert_eq!(raw, &original, "message changed by decoding");
        c.headers += raw.len();
        match ev.type_name() {
            Some(name) => {
                c.typed += 1;
                *c.per_type.entry(name.to_string()).or_default() += 1;
                let info = meta::event(name).expect("every typed event is in the table");
                let undocumented = typed::undocumented(raw, info.fields).count();
                c.undocumented += undocumented;
                c.documented += raw.len() - undocumented;
                let mut accessors = Accessors { raw, fields: Vec::new(), called: Vec::new() };
                assert!(visitor::visit(&ev, &mut accessors));
                assert_eq!(accessors.called, accessors.fields, "{name}: an accessor was not called");
                c.accessor_calls += accessors.called.len();
                c.present += accessors.called.iter().filter(|f| raw.contains(f)).count();
            }
            None => {
                *c.unknown.entry(original.event_name().unwrap().into_owned()).or_default() += 1;
            }
        }
    }
}

#[test]
fn corpus_events_all_typed_nothing_lost() {
    let mut c = Counts::default();
    check(support::messages(&support::corpus()), &mut c);
    println!(
        "corpus: {} events, {} typed, {} headers ({} documented, {} undocumented such as Event and Privilege)",
        c.events, c.typed, c.headers, c.documented, c.undocumented
    );
    println!("per type: {:?}", c.per_type);
    assert_eq!(c.events, 8_795);
    assert!(c.unknown.is_empty(), "untyped events: {:?}", c.unknown);
    assert_eq!(c.typed, 8_795);
    assert_eq!(c.per_type.len(), 22);
    assert_eq!(visitor::VISITED_EVENTS, meta::EVENTS.len());
    println!("{} accessor calls, {} with their header present", c.accessor_calls, c.present);
    assert!(c.present > c.events * 5, "accessors read real headers: {c:?}");
}

#[test]
fn transcript_events_all_typed_nothing_lost() {
    let mut c = Counts::default();
    for (_, bytes) in support::transcripts() {
        if bytes.is_empty() {
            continue;
        }
        check(support::messages(&bytes), &mut c);
    }
    println!("transcripts: {} events, {} typed, {} headers; types {:?}", c.events, c.typed, c.headers, c.per_type);
    assert_eq!(c.events, 352, "{c:?}");
    // Every event a real server sent in answer to a known action has a type,
    // list items and completions of the lists the XML does not declare included.
    assert!(c.unknown.is_empty(), "untyped events: {:?}", c.unknown);
    assert_eq!(c.typed, c.events);
    println!("{} accessor calls, {} with their header present", c.accessor_calls, c.present);
    // Each of the 352 events had most of its documented headers, each read
    // by its own accessor and found equal to the plain scan.
    assert_eq!((c.accessor_calls, c.present), (4_482, 4_273));
}

/// Events that carry the ActionID of the action that caused them without
/// being part of its answer: the outcome of an async Originate (sent to every
/// session that reads call events) and the event a UserEvent raises.
const CAUSED_NOT_ANSWERED: &[(&str, &str)] = &[("Originate", "OriginateResponse"), ("UserEvent", "UserEvent")];

/// Every answer of the transcripts agrees with the metadata of the action
/// that was sent: a list answer (`EventList: start`) belongs to an action
/// with a declared list, whose item and completion events are the ones that
/// came; an event after a plain answer is the action's follow-up event; and
/// the events added from the wire document every header they carried.
#[test]
fn transcript_answers_match_their_actions() {
    let (mut lists, mut follow_ups, mut checked_events) = (BTreeMap::new(), BTreeMap::new(), 0);
    for r in support::recordings() {
        let actions = support::actions_by_id(&r);
        for m in support::messages(&r.server_bytes()) {
            let Some(action) = m.action_id().and_then(|id| actions.get(id.as_ref())) else { continue };
            // Unknown actions (`NoSuchAction`) are answered with an error.
            let Some(info) = meta::action(action) else { continue };
            let Some(event) = m.event_name() else {
                if m.get("EventList").is_some_and(|v| v.eq_ignore_ascii_case(b"start")) {
                    assert!(info.list.is_some(), "{}: {action} answered with a list it does not declare", r.name);
                    *lists.entry(info.name).or_insert(0) += 1;
                }
                continue;
            };
            if CAUSED_NOT_ANSWERED.iter().any(|(a, e)| a == action && event.eq_ignore_ascii_case(e)) {
                continue;
            }
            match (&info.list, info.follow_up) {
                (Some(list), _) => assert!(
                    list.items.iter().chain([&list.complete]).any(|n| n.eq_ignore_ascii_case(&event)),
                    "{}: {event} in the answer to {action}, whose list is {list:?}",
                    r.name
                ),
                (None, Some(follow_up)) => {
                    assert!(follow_up.eq_ignore_ascii_case(&event), "{}: {event} after {action}", r.name);
                    *follow_ups.entry(info.name).or_insert(0) += 1;
                }
                (None, None) => panic!("{}: {event} in the answer to {action}, which has no list", r.name),
            }
            let ev = Event::from(m.clone());
            let info = meta::event(ev.type_name().expect("typed")).unwrap();
            // Only the events added from the wire (they have no page on
            // docs.asterisk.org); the XML's own events have gaps of their own.
            if !info.doc_url.is_empty() {
                continue;
            }
            let undocumented: Vec<_> = typed::undocumented(&m, info.fields)
                .map(|h| h.name_str().into_owned())
                .filter(|n| !["Event", "Privilege", "ActionID"].iter().any(|k| k.eq_ignore_ascii_case(n)))
                .collect();
            assert!(undocumented.is_empty(), "{}: {event} carries undocumented {undocumented:?}", r.name);
            checked_events += 1;
        }
    }
    println!("list answers per action: {lists:?}; follow-ups: {follow_ups:?}; {checked_events} events checked");
    assert_eq!(follow_ups.keys().copied().collect::<Vec<_>>(), ["FAXStats", "WaitEvent"]);
    assert_eq!(lists.len(), 27, "{lists:?}");
}

/// Whether header `name` fits a response field pattern of the metadata
/// (`Category-NNNNNN` stands for numbered names, `<Action>` for any name).
fn fits(pattern: &str, name: &str) -> bool {
    if pattern.starts_with('<') {
        return true;
    }
    match pattern.split_once("-NNNNNN") {
        Some((stem, rest)) => {
            let numbers = name.get(stem.len()..).filter(|_| name[..stem.len()].eq_ignore_ascii_case(stem));
            let parts = numbers.and_then(|n| n.strip_prefix('-')).map(|n| n.split('-').collect::<Vec<_>>());
            parts.is_some_and(|p| {
                p.len() == 1 + rest.matches("-NNNNNN").count()
                    && p.iter().all(|n| n.bytes().all(|b| b.is_ascii_digit()))
            })
        }
        None => pattern.eq_ignore_ascii_case(name),
    }
}

/// Every successful plain response of the transcripts that carries data
/// (headers beyond `Response`, `ActionID` and `Message`) belongs to an
/// action whose metadata names those headers, so its typed view reads them;
/// `Command` keeps its own output reading.
#[test]
fn transcript_responses_with_data_have_typed_views() {
    let mut typed_seen = std::collections::BTreeSet::new();
    for r in support::recordings() {
        let actions = support::actions_by_id(&r);
        for m in support::messages(&r.server_bytes()) {
            let Some(action) = m.action_id().and_then(|id| actions.get(id.as_ref()).cloned()) else { continue };
            if m.event_name().is_some() || m.response().as_deref() != Some("Success") || m.contains("EventList") {
                continue;
            }
            let data: Vec<String> = m
                .headers()
                .filter(|h| !h.is_bare_line() && !["Response", "ActionID", "Message"].iter().any(|k| h.is(k)))
                .map(|h| h.name_str().into_owned())
                .collect();
            if data.is_empty() || action == "Command" {
                continue;
            }
            let info = meta::action(&action).unwrap();
            for name in &data {
                assert!(
                    info.response_fields.iter().any(|p| fits(p, name)),
                    "{}: {action}'s response carries {name}, not in {:?}",
                    r.name,
                    info.response_fields
                );
            }
            typed_seen.insert(info.name);
        }
    }
    println!("typed responses seen: {typed_seen:?}");
    let with_fields = meta::ACTIONS.iter().filter(|a| !a.response_fields.is_empty()).count();
    assert_eq!(typed_seen.len(), with_fields, "an action has response fields no transcript shows: {typed_seen:?}");
}

#[test]
fn typed_accessors_read_real_events() {
    let msgs = support::messages(&support::corpus());
    let mut seen = 0;
    for m in msgs {
        match Event::from(m) {
            Event::DialEnd(e) if seen & 1 == 0 => {
                assert!(e.dial_status().is_some());
                assert!(e.dest_channel().is_some());
                assert!(e.dest_channel_state_desc().is_some());
                seen |= 1;
            }
            Event::Hangup(e) if seen & 2 == 0 => {
                assert!(e.cause().is_some() && e.cause_txt().is_some());
                seen |= 2;
            }
            Event::OriginateResponse(e) if seen & 4 == 0 => {
                assert_eq!(e.response(), Some(events::OriginateResponseResponse::Success));
                assert_eq!(e.reason().as_deref(), Some("4"));
                let outcome = ami_actions::OriginateOutcome::new(e.message().clone());
                assert_eq!(outcome.reason(), Some(ami_actions::OriginateReason::Answered));
                assert!(e.message().action_id().is_some());
                seen |= 4;
            }
            Event::NewExten(e) if seen & 8 == 0 => {
                // The XML says NewExten, the wire Newexten.
                assert_eq!(e.message().event_name().as_deref(), Some("Newexten"));
                assert!(e.application().is_some());
                seen |= 8;
            }
            _ => {}
        }
    }
    assert_eq!(seen, 15);
}

#[test]
fn unknown_and_odd_events_never_fail() {
    let odd = [
        &b"Event: SomethingNew\r\nFoo: bar"[..],
        b"Event: \r\nX: y",
        b"Response: Success\r\nMessage: not an event",
        b"Event: hangup\r\nno colon line\r\nChannel:",
        b"Event: Hangup\r\nCallerIDName: Jos\xe9",
        b"",
    ];
    for raw in odd {
        let m = Message::from_frame(raw.to_vec());
        let ev = Event::from(m.clone());
        assert_eq!(ev.message(), &m);
        assert_eq!(ev.clone().into_message(), m);
    }
    let ev = Event::from(Message::from_frame(b"Event: hangup\r\nno colon line\r\nChannel:".to_vec()));
    let Event::Hangup(h) = ev else { panic!("case-insensitive dispatch") };
    assert_eq!(h.channel().as_deref(), Some(""));
    assert_eq!(h.cause(), None);
    assert!(typed::undocumented(h.message(), events::Hangup::info().fields).any(|x| x.is_bare_line()));
    assert!(Event::from(Message::from_frame(b"Event: SomethingNew".to_vec())).is_unknown());
}
