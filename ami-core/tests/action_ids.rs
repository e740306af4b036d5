//! ActionIDs of the caller's own choosing (`Action::with_action_id`): sent
//! under the connection's prefix, reported back as given, unique among
//! pending actions, and never written twice.

mod support;

use support::ami::*;

use std::sync::{mpsc, Mutex};
use std::thread;

use ami_core::testkit::{response, FakeAsterisk};
use ami_core::{Action, EncodeError, Error, Message, RawAction};

/// The requests the fake received for `action`.
fn received(fake: &FakeAsterisk, action: &str) -> Vec<Message> {
    fake.requests()
        .into_iter()
        .map(|r| r.message)
        .filter(|m| m.get_str("Action").is_some_and(|a| a.eq_ignore_ascii_case(action)))
        .collect()
}

fn wait_call(channel: &str) -> RawAction {
    RawAction::new("Originate").header("Channel", channel).header("Application", "Wait").header("Data", "60")
}

#[test]
fn session_sends_own_id_under_its_prefix_and_reports_it_back() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    let pong = s.send(&RawAction::new("Ping").with_action_id("crm-42")).unwrap();
    assert_eq!(pong.get_str("ActionID").as_deref(), Some("crm-42"));
    let sent = &received(&fake, "Ping")[0];
    let ids: Vec<&[u8]> = sent.get_all("ActionID").collect();
    assert_eq!(ids, [format!("{}:crm-42", s.action_id_prefix()).as_bytes()], "one ActionID, prefixed");
    // Without an id of its own, the client numbers the action.
    let pong = s.send(&RawAction::new("Ping")).unwrap();
    assert!(pong.get_str("ActionID").unwrap().starts_with(&format!("{}-", s.action_id_prefix())));
}

#[test]
fn list_items_and_errors_report_the_callers_id() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    s.send(&wait_call("Local/1@demo")).unwrap();
    let list = s.send(&RawAction::new("CoreShowChannels").with_action_id("list-1")).unwrap();
    assert!(list.is_list() && list.is_complete());
    assert_eq!(list.items().len(), 2, "two halves of a Local channel");
    assert_eq!(list.get_str("ActionID").as_deref(), Some("list-1"));
    for m in list.items().iter().chain(list.completion()) {
        assert_eq!(m.action_id().as_deref(), Some("list-1"), "{m:?}");
    }
    let failed = RawAction::new("Getvar").header("Channel", "PJSIP/nobody-1").header("Variable", "X");
    match s.send(&failed.with_action_id("get-1")) {
        Err(Error::ActionFailed { response, .. }) => assert_eq!(response.action_id().as_deref(), Some("get-1")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_actionid_header_is_refused_not_written_twice() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    let e = s.send(&RawAction::new("Ping").header("ActionID", "mine")).unwrap_err();
    assert!(matches!(e, Error::Encode(EncodeError::ActionIdHeader)), "{e:?}");
    assert!(e.is_not_sent() && e.to_string().contains("with_action_id"), "{e}");
    let e = s.send(&RawAction::new("Ping").with_action_id("")).unwrap_err();
    assert!(matches!(e, Error::Encode(EncodeError::EmptyActionId)), "{e:?}");
    assert!(received(&fake, "Ping").is_empty(), "nothing was sent");
    s.ping().unwrap();
}

#[test]
fn service_refuses_a_duplicate_among_pending_actions() {
    let fake = FakeAsterisk::start().unwrap();
    // `Hold` is answered only when the test says so.
    let (release, gate) = mpsc::channel::<()>();
    let gate = Mutex::new(gate);
    fake.on_action("Hold", move |req| {
        let _ = gate.lock().unwrap().recv();
        vec![response(req, "Success", &[("Message", "released")])]
    });
    let (ami, _all) = start(&fake, admin().events_off(), fast_reconnect());
    let first = {
        let ami = ami.clone();
        thread::spawn(move || ami.send(&RawAction::new("Hold").with_action_id("dup")))
    };
    while ami.health().in_flight == 0 {
        thread::yield_now();
    }
    let e = ami.send(&RawAction::new("Hold").with_action_id("dup")).unwrap_err();
    match &e {
        Error::DuplicateActionId { id } => assert_eq!(id, "dup"),
        other => panic!("{other:?}"),
    }
    assert!(e.is_not_sent());
    release.send(()).unwrap();
    let answer = first.join().unwrap().unwrap();
    assert_eq!(answer.get_str("ActionID").as_deref(), Some("dup"));
    assert_eq!(received(&fake, "Hold").len(), 1, "the duplicate was never sent");
    // Answered: the id may be used again.
    release.send(()).unwrap();
    let again = ami.send(&RawAction::new("Hold").with_action_id("dup")).unwrap();
    assert_eq!(again.get_str("Message").as_deref(), Some("released"));
}

#[test]
fn service_reports_own_id_and_subscriptions_see_the_wire_form() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, all) = start(&fake, admin().events("call"), fast_reconnect());
    let call = wait_call("Local/7@demo").header("Async", "true").with_action_id("call-7");
    let outcome = ami.originate(&call, Some(WAIT)).unwrap();
    assert_eq!(outcome.event().action_id().as_deref(), Some("call-7"));
    let published = wait_for(&all, "OriginateResponse", is_event("OriginateResponse"));
    let wire = format!("{}:call-7", ami.action_id_prefix());
    assert_eq!(published.action_id().as_deref(), Some(wire.as_str()));
    assert_eq!(ami.own_action_id(&published).as_deref(), Some("call-7"));
    let pong = ami.send(&RawAction::new("Ping").with_action_id("p")).unwrap();
    assert_eq!(ami.own_action_id(pong.message()), None, "already the caller's id");
}

#[test]
fn the_same_own_id_on_two_connections_does_not_mix_outcomes() {
    let fake = FakeAsterisk::start().unwrap();
    let mut a = login(&fake, &admin().events("call"));
    let mut b = login(&fake, &admin().events("call"));
    assert_ne!(a.action_id_prefix(), b.action_id_prefix());
    let call = |ch: &str| wait_call(ch).header("Async", "true").with_action_id("same");
    // Each session also receives the other's OriginateResponse (Asterisk
    // sends it to every session reading call events), with the same id
    // after the prefix.
    let from_a = a.originate(&call("Local/100@demo"), Some(WAIT)).unwrap();
    let from_b = b.originate(&call("Local/200@demo"), Some(WAIT)).unwrap();
    assert!(from_a.channel().unwrap().starts_with("Local/100@demo"), "{from_a:?}");
    assert!(from_b.channel().unwrap().starts_with("Local/200@demo"), "{from_b:?}");
    // A's stream holds B's outcome, under B's prefix: not A's own.
    let seen = next_event_named(&mut a, "OriginateResponse");
    assert!(seen.get_str("Channel").unwrap().starts_with("Local/200@demo"));
    assert_eq!(a.own_action_id(&seen), None);
    assert_eq!(b.own_action_id(&seen).as_deref(), Some("same"));
}
