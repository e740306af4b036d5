//! `originate()`, the one way to place a call and learn how it went, on the
//! session and on the service: `Async: true` set by the client, the outcome
//! decided by `Response`, no wait at all when the OriginateResponse cannot
//! arrive, and a timeout that names it.

mod support;

use support::ami::*;

use std::time::Duration;

use ami_core::service::Service;
use ami_core::testkit::{response, FakeAsterisk, Outcome};
use ami_core::{Client, Error, Message, OriginateReason, Phase, RawAction};

/// An hour: a test that waited for it would never end, so passing proves
/// nothing was waited for.
const HOUR: Duration = Duration::from_secs(3600);

fn originates(fake: &FakeAsterisk) -> Vec<Message> {
    fake.requests()
        .into_iter()
        .map(|r| r.message)
        .filter(|m| m.get_str("Action").is_some_and(|a| a.eq_ignore_ascii_case("Originate")))
        .collect()
}

fn call(channel: &str) -> RawAction {
    RawAction::new("Originate").header("Channel", channel).header("Application", "Wait").header("Data", "1")
}

fn assert_no_call_events(e: Error, mask: &str) {
    match &e {
        Error::NoCallEvents { mask: m } => assert_eq!(m, mask),
        other => panic!("{other:?}"),
    }
    assert!(e.is_not_sent());
    let text = e.to_string();
    assert!(text.contains("OriginateResponse") && text.contains("events(\"call\")"), "{text}");
}

#[test]
fn session_with_events_off_refuses_before_sending() {
    let fake = FakeAsterisk::start().unwrap();
    let config = config(&fake).response_timeout(Some(HOUR));
    let mut s = Client::connect(&config).unwrap().login(&admin().events_off()).unwrap();
    let e = s.originate(&call("Local/1@demo"), Some(HOUR)).unwrap_err();
    assert_no_call_events(e, "off");
    let e = s.originate(&call("Local/1@demo"), None).unwrap_err();
    assert_no_call_events(e, "off");
    assert!(originates(&fake).is_empty(), "the fake received no Originate");
    s.ping().unwrap();
}

#[test]
fn service_with_a_mask_without_call_refuses_before_sending() {
    let fake = FakeAsterisk::start().unwrap();
    let config = config(&fake).response_timeout(Some(HOUR));
    let ami = Service::connect(config, admin().events("system,dialplan"), fast_reconnect()).unwrap();
    let e = ami.originate(&call("Local/1@demo"), Some(HOUR)).unwrap_err();
    assert_no_call_events(e, "system,dialplan");
    assert!(originates(&fake).is_empty(), "the fake received no Originate");
}

#[test]
fn events_actions_sent_through_change_what_is_known() {
    let fake = FakeAsterisk::start().unwrap();
    // The service remembers the Events actions sent through it.
    let ami = Service::connect(config(&fake), admin().events("call"), fast_reconnect()).unwrap();
    ami.send(&RawAction::new("Events").header("EventMask", "off")).unwrap();
    assert_no_call_events(ami.originate(&call("Local/1@demo"), Some(HOUR)).unwrap_err(), "off");
    ami.send(&RawAction::new("Events").header("EventMask", "call")).unwrap();
    assert!(ami.originate(&call("Local/2@demo"), Some(WAIT)).unwrap().is_success());
    // So does the session.
    let mut s = login(&fake, &admin().events_off());
    s.send(&RawAction::new("Events").header("EventMask", "on")).unwrap();
    assert_eq!(s.event_mask(), Some("on"));
    assert!(s.originate(&call("Local/3@demo"), Some(WAIT)).unwrap().is_success());
    s.send(&RawAction::new("Events").header("EventMask", "system")).unwrap();
    assert_no_call_events(s.originate(&call("Local/4@demo"), Some(HOUR)).unwrap_err(), "system");
    assert_eq!(originates(&fake).len(), 2);
}

#[test]
fn async_true_is_set_by_the_client() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events("call"));
    // No Async at all, and Async: false: both sent as `Async: true`, once.
    s.originate(&call("Local/1@demo"), Some(WAIT)).unwrap();
    s.originate(&call("Local/2@demo").header("async", "false"), Some(WAIT)).unwrap();
    for sent in originates(&fake) {
        let asyncs: Vec<&[u8]> = sent.get_all("Async").collect();
        assert_eq!(asyncs, [&b"true"[..]], "{sent:?}");
    }
}

#[test]
fn session_outcomes_success_and_failure() {
    let fake = FakeAsterisk::builder().originate_outcome("^Local/busy", Outcome::Busy).start().unwrap();
    let mut s = login(&fake, &admin().events("call"));
    let ok = s.originate(&call("Local/200@test"), Some(WAIT)).unwrap();
    assert!(ok.is_success(), "{ok}");
    assert_eq!(ok.reason(), Some(Outcome::Answered.reason()));
    assert!(ok.uniqueid().is_some());
    let queued = ok.queued().expect("originate() keeps the answer");
    assert_eq!(queued.get_str("Message").as_deref(), Some("Originate successfully queued"));
    assert_eq!(queued.get_str("ActionID"), ok.action_id());

    let busy = s.originate(&call("Local/busy@test"), Some(WAIT)).unwrap();
    assert!(!busy.is_success());
    assert_eq!(busy.reason(), Some(OriginateReason::Busy));
    assert_eq!(busy.uniqueid(), None, "<unknown>: no channel");
    assert_eq!(busy.to_string(), "failed on Local/busy@test: busy (Reason 5)");
    // The events of the calls were queued meanwhile, the outcomes were not.
    let names = event_names(drain(&mut s).into_iter());
    assert!(names.contains(&"Newchannel".to_string()), "{names:?}");
    assert!(!names.contains(&"OriginateResponse".to_string()), "{names:?}");
}

#[test]
fn a_null_uniqueid_with_success_is_a_success_without_a_channel() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Originate", |req| {
        let id = req.get_str("ActionID").unwrap_or_default().into_owned();
        vec![
            response(req, "Success", &[("Message", "Originate successfully queued")]),
            Message::from_pairs([
                ("Event", "OriginateResponse"),
                ("Privilege", "call,all"),
                ("ActionID", id.as_str()),
                ("Response", "Success"),
                ("Channel", "Local/1@demo"),
                ("Reason", "4"),
                ("Uniqueid", "<null>"),
            ]),
        ]
    });
    let ami = Service::connect(config(&fake), admin().events("call"), fast_reconnect()).unwrap();
    let outcome = ami.originate(&call("Local/1@demo"), Some(WAIT)).unwrap();
    assert!(outcome.is_success());
    assert_eq!(outcome.uniqueid(), None);
}

#[test]
fn a_timeout_names_the_originate_response() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Originate", |req| vec![response(req, "Success", &[("Message", "Originate successfully queued")])]);
    let mut s = login(&fake, &admin().events("call"));
    let e = s.originate(&call("Local/1@x"), Some(Duration::from_millis(200))).unwrap_err();
    assert!(matches!(e, Error::Timeout { phase: Phase::OriginateResponse }), "{e:?}");
    assert!(e.to_string().contains("waiting for the OriginateResponse"), "{e}");

    let ami = Service::connect(config(&fake), admin().events("call"), fast_reconnect()).unwrap();
    let e = ami.originate(&call("Local/1@x"), Some(Duration::from_millis(200))).unwrap_err();
    assert!(matches!(e, Error::Timeout { phase: Phase::OriginateResponse }), "{e:?}");
    assert!(e.is_timeout());
}

#[test]
fn a_refused_originate_is_an_error_not_an_outcome() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events("call"));
    let e = s.originate(&RawAction::new("Originate").header("Channel", "nobody"), Some(WAIT)).unwrap_err();
    assert!(matches!(&e, Error::ActionFailed { message, .. } if message == "Invalid channel"), "{e:?}");
}
