//! Typed actions against the fake Asterisk (`ami_core::testkit`): what goes
//! on the wire, and typed answers, list items and events coming back.

use std::time::{Duration, Instant};

use ami_actions::actions;
use ami_actions::events::{self, OriginateResponseResponse};
use ami_actions::list::ResponseExt;
use ami_actions::testkit::{response, FakeAsterisk, Outcome};
use ami_actions::typed::ListAction;
use ami_actions::{Client, Config, Event, Login, Message, OriginateOutcome, OriginateReason, Session};

fn session(fake: &FakeAsterisk, events: bool) -> Session {
    let config = Config::new("127.0.0.1", fake.addr().port()).response_timeout(Some(Duration::from_secs(10)));
    let login = Login::new("admin", "admin-secret");
    let login = if events { login } else { login.events_off() };
    Client::connect(&config).unwrap().login(&login).unwrap()
}

/// The last request the fake received for `action`.
fn sent(fake: &FakeAsterisk, action: &str) -> Message {
    fake.requests()
        .into_iter()
        .rev()
        .find(|r| r.message.get_str("Action").is_some_and(|a| a.eq_ignore_ascii_case(action)))
        .unwrap_or_else(|| panic!("no {action} request"))
        .message
}

fn wait_event<T>(s: &mut Session, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let m = s
            .next_event_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap()
            .expect("event within 10 s");
        if let Some(t) = pick(Event::from(m)) {
            return t;
        }
    }
}

#[test]
fn originate_async_gives_typed_originate_response() {
    let fake = FakeAsterisk::builder().originate_outcome("^Local/busy@", Outcome::Busy).start().unwrap();
    let mut s = session(&fake, true);
    let ok = actions::Originate::exten("Local/100@default", "default", "200", "1")
        .caller_id("CRM <100>")
        .variable("A=1")
        .variable("B=2")
        .async_(true);
    let r = s.send(&ok).unwrap();
    assert!(r.message().is_success());
    let wire = sent(&fake, "Originate");
    assert_eq!(wire.get_str("Channel").as_deref(), Some("Local/100@default"));
    assert_eq!(wire.get_all("Variable").collect::<Vec<_>>(), [&b"A=1"[..], b"B=2"]);
    assert_eq!(wire.get_str("Async").as_deref(), Some("true"));
    let id = wire.action_id().unwrap().into_owned();
    let ev = wait_event(&mut s, |e| match e {
        Event::OriginateResponse(o) if o.message().action_id().as_deref() == Some(id.as_str()) => Some(o),
        _ => None,
    });
    assert_eq!(ev.response(), Some(OriginateResponseResponse::Success));
    assert_eq!(ev.reason().as_deref(), Some("4"));
    let outcome = OriginateOutcome::new(ev.into_message());
    assert!(outcome.is_success());
    assert_eq!(outcome.reason(), Some(OriginateReason::Answered));

    let busy = actions::Originate::application("Local/busy@default", "Wait", "1").async_(true);
    s.send(&busy).unwrap();
    let id = sent(&fake, "Originate").action_id().unwrap().into_owned();
    let ev = wait_event(&mut s, |e| match e {
        Event::OriginateResponse(o) if o.message().action_id().as_deref() == Some(id.as_str()) => Some(o),
        _ => None,
    });
    assert_eq!(ev.response(), Some(OriginateResponseResponse::Failure));
    assert_eq!(OriginateOutcome::new(ev.into_message()).reason(), Some(OriginateReason::Busy));
}

#[test]
fn core_show_channels_gives_typed_items() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = session(&fake, false);
    s.send(&actions::Originate::application("Local/100@default", "Wait", "30")).unwrap();
    let action = actions::CoreShowChannels::new();
    let r = s.send(&action).unwrap();
    assert_eq!(actions::CoreShowChannels::COMPLETE, "CoreShowChannelsComplete");
    let items = r.list_items(&action);
    assert!(items.is_complete(), "{:?}", items.other);
    assert!(!items.items.is_empty());
    let chans: Vec<String> = items.items.iter().filter_map(|c| c.channel().map(|c| c.into_owned())).collect();
    assert!(chans.iter().all(|c| c.starts_with("Local/100@default")), "{chans:?}");
    let done: events::CoreShowChannelsComplete = r.completion_as().unwrap();
    assert_eq!(done.list_items(), Some(items.items.len() as u64));
}

#[test]
fn queue_status_list_is_typed_by_a_fixup() {
    // A queue with a member and a caller waiting (the member paused), so the
    // list has one item of each kind.
    let fake = FakeAsterisk::builder().queue_member("support", "Local/agent1@agents", "Agent 1").start().unwrap();
    let mut s = session(&fake, false);
    s.send(
        &ami_actions::RawAction::new("QueuePause").header("Interface", "Local/agent1@agents").header("Paused", "true"),
    )
    .unwrap();
    let call = ami_actions::RawAction::new("Originate")
        .header("Channel", "Local/100@test")
        .header("Application", "Wait")
        .header("Data", "60");
    s.send(&call).unwrap();
    assert!(fake.enqueue("support", &fake.channels()[0]));
    let action = actions::QueueStatus::new();
    let r = s.send(&action).unwrap();
    // Items of several types: the generated Event enum.
    let items: ami_actions::list::TypedItems<<actions::QueueStatus as ListAction>::Item> = r.list_items(&action);
    let kinds: Vec<&str> = items.items.iter().map(|e| e.type_name().expect("typed")).collect();
    assert_eq!(kinds, ["QueueParams", "QueueMember", "QueueEntry"], "{items:?}");
    assert!(items.is_complete());
    let done: events::QueueStatusComplete = r.completion_as().expect("QueueStatusComplete");
    assert_eq!(done.list_items(), Some(3));
}

#[test]
fn setvar_getvar_and_dbget() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = session(&fake, false);
    s.send(&actions::Setvar::new("GLOBALVAR", "hello")).unwrap();
    let wire = sent(&fake, "Setvar");
    assert_eq!(wire.get_str("Variable").as_deref(), Some("GLOBALVAR"));
    assert_eq!(wire.get_str("Value").as_deref(), Some("hello"));
    assert!(wire.get("Channel").is_none());
    let r = s.send(&actions::Getvar::new("GLOBALVAR")).unwrap();
    assert_eq!(r.get_str("Value").as_deref(), Some("hello"));

    s.send(&actions::DBPut::new("fam", "key").val("val")).unwrap();
    let action = actions::DBGet::new("fam", "key");
    let r = s.send(&action).unwrap();
    let items = r.list_items(&action);
    assert_eq!(items.items.len(), 1);
    assert_eq!(items.items[0].val().as_deref(), Some("val"));
    assert_eq!(items.items[0].family().as_deref(), Some("fam"));
}

#[test]
fn hangup_plain_and_regex() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = session(&fake, false);
    s.send(&actions::Originate::application("Local/300@default", "Wait", "30")).unwrap();
    let chans = fake.channels();
    assert!(!chans.is_empty());
    let r = s.send(&actions::Hangup::new(chans[0].clone()).cause("16")).unwrap();
    assert!(r.message().is_success());
    let wire = sent(&fake, "Hangup");
    assert_eq!(wire.get_str("Cause").as_deref(), Some("16"));

    s.send(&actions::Originate::application("Local/301@default", "Wait", "30")).unwrap();
    let action = actions::Hangup::new("/^Local\\/301@default-.*$/");
    let r = s.send(&action).unwrap();
    let items = r.list_items(&action);
    assert!(!items.items.is_empty(), "{r:?}");
    assert!(items.items.iter().all(|c| c.channel().is_some_and(|c| c.starts_with("Local/301@default"))));
}

#[test]
fn redirect_wire_bytes_and_answer() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Redirect", |req| vec![response(req, "Success", &[("Message", "Redirect successful")])]);
    let mut s = session(&fake, false);
    let action = actions::Redirect::new("PJSIP/100-00000001", "200", "sales", "1").extra_channel("PJSIP/200-00000002");
    let r = s.send(&action).unwrap();
    assert_eq!(r.message().message().as_deref(), Some("Redirect successful"));
    let wire = sent(&fake, "Redirect");
    let lines: Vec<(String, String)> = wire
        .headers()
        .map(|h| (h.name_str().into_owned(), h.value_str().into_owned()))
        .filter(|(k, _)| k != "ActionID")
        .collect();
    let expected = [
        ("Action", "Redirect"),
        ("Channel", "PJSIP/100-00000001"),
        ("ExtraChannel", "PJSIP/200-00000002"),
        ("Exten", "200"),
        ("Context", "sales"),
        ("Priority", "1"),
    ];
    let mut got = lines.clone();
    got.sort();
    let mut want: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    want.sort();
    assert_eq!(got, want, "sent {lines:?}");
}

#[test]
fn injected_events_decode_typed() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = session(&fake, true);
    let ev = Message::from_pairs([
        ("Event", "Newexten"),
        ("Privilege", "dialplan,all"),
        ("Channel", "PJSIP/100-0001"),
        ("ChannelStateDesc", "Up"),
        ("AppData", "first line\nsecond: line"),
        ("X-Unknown", "kept"),
    ]);
    assert!(fake.inject_event(&ev) >= 1);
    let got = wait_event(&mut s, |e| match e {
        Event::NewExten(n) => Some(n),
        _ => None,
    });
    assert_eq!(got.channel_state_desc(), Some(events::ChannelStateDesc::Up));
    assert_eq!(got.app_data().as_deref(), Some("first line\nsecond: line"));
    assert_eq!(got.message().get_str("X-Unknown").as_deref(), Some("kept"));
}
