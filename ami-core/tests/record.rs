//! Recording a session through the library's wrapper, and replaying it in
//! the fake: the same messages, secrets never in the file.

mod support;

use std::time::Duration;

use ami_core::record::{self, Recorder, Recording, SharedBuffer};
use ami_core::testkit::{response, FakeAsterisk};
use ami_core::{Client, Config, Login, Message, RawAction, Session};

fn config(fake: &FakeAsterisk) -> Config {
    Config::new("127.0.0.1", fake.addr().port())
}

/// A message without its ActionID, as text.
fn without_id(m: &Message) -> String {
    let mut s = String::new();
    for h in m.headers().filter(|h| !h.is("ActionID")) {
        s.push_str(&format!("{}: {}\n", h.name_str(), h.value_str()));
    }
    s
}

/// The Originate flow: login (call events), an Originate, its outcome;
/// returns the Originate's answer and the events received up to and
/// including its OriginateResponse.
fn originate_flow(session: &mut Session) -> (String, Vec<String>) {
    let originate = RawAction::new("Originate")
        .header("Channel", "Local/100@demo")
        .header("Context", "default")
        .header("Exten", "200")
        .header("Priority", "1")
        .header("Async", "true");
    let answer = session.send(&originate).expect("originate answer");
    let mut events = Vec::new();
    loop {
        let e = session.next_event_timeout(Duration::from_secs(10)).expect("event").expect("an event within 10 s");
        let done = e.event_name().is_some_and(|n| n == "OriginateResponse");
        if done {
            assert_eq!(e.action_id(), answer.message().action_id(), "the caller's ActionID");
        }
        events.push(without_id(&e));
        if done {
            break;
        }
    }
    (without_id(answer.message()), events)
}

fn record_originate(login: &Login) -> (Recording, String, Vec<String>) {
    let live = FakeAsterisk::start().unwrap();
    let buffer = SharedBuffer::default();
    let recorder = Recorder::new(buffer.clone(), "originate").unwrap();
    let mut session = record::connect(&config(&live), recorder.clone()).unwrap().login(login).unwrap();
    let (answer, events) = originate_flow(&mut session);
    session.logoff().unwrap();
    recorder.finish().unwrap();
    let text = String::from_utf8(buffer.contents()).unwrap();
    (Recording::parse("originate", &text).unwrap(), answer, events)
}

#[test]
fn a_recorded_originate_replays_with_the_same_messages() {
    let login = Login::new("admin", "admin-secret").events("call");
    let (recording, live_answer, live_events) = record_originate(&login);
    assert!(live_events.len() > 3, "{live_events:?}");
    let replay = FakeAsterisk::builder().replay(recording).replay_speed(f64::INFINITY).start().unwrap();
    // Several clients, each with its own ActionIDs, MD5 login too.
    for login in [login.clone(), login.clone().md5()] {
        let mut session = Client::connect(&config(&replay)).unwrap().login(&login).unwrap();
        let (answer, events) = originate_flow(&mut session);
        assert_eq!(answer, live_answer);
        assert_eq!(events, live_events);
        session.logoff().unwrap();
    }
    assert!(replay.unmatched().is_empty(), "{:?}", replay.unmatched());
}

#[test]
fn an_action_that_matches_nothing_is_an_error_answer_and_listed() {
    let login = Login::new("admin", "admin-secret").events("call");
    let (recording, _, _) = record_originate(&login);
    let replay = FakeAsterisk::builder().replay(recording).start().unwrap();
    let mut session = Client::connect(&config(&replay)).unwrap().login(&login.events_off()).unwrap();
    session.ping().unwrap();
    let other = RawAction::new("Originate").header("Channel", "Local/999@demo").header("Application", "Wait");
    let err = session.send(&other).unwrap_err();
    assert!(err.to_string().contains("No recorded answer"), "{err}");
    let err = session.send(&RawAction::new("CoreShowChannels")).unwrap_err();
    assert!(err.to_string().contains("CoreShowChannels"), "{err}");
    // The connection is still there.
    session.ping().unwrap();
    let unmatched = replay.unmatched();
    assert_eq!(unmatched.len(), 2);
    assert_eq!(unmatched[0].message.get_str("Channel").as_deref(), Some("Local/999@demo"));
    session.logoff().unwrap();
}

#[test]
fn events_play_to_each_connection_and_loop() {
    let live = FakeAsterisk::start().unwrap();
    let buffer = SharedBuffer::default();
    let recorder = Recorder::new(buffer.clone(), "events").unwrap();
    let mut session =
        record::connect(&config(&live), recorder.clone()).unwrap().login(&Login::new("admin", "admin-secret")).unwrap();
    for i in 0..3 {
        live.inject_event(&Message::from_pairs([("Event", "UserEvent"), ("UserEvent", &*format!("e{i}"))]));
    }
    let mut seen = 0;
    while seen < 3 {
        let e = session.next_event_timeout(Duration::from_secs(10)).unwrap().expect("event");
        seen += usize::from(e.event_name().is_some_and(|n| n == "UserEvent"));
    }
    session.logoff().unwrap();
    recorder.finish().unwrap();
    let recording = Recording::parse("events", &String::from_utf8(buffer.contents()).unwrap()).unwrap();

    let replay = FakeAsterisk::builder().replay(recording).replay_speed(1000.0).replay_loop(true).start().unwrap();
    for _ in 0..2 {
        let mut session =
            Client::connect(&config(&replay)).unwrap().login(&Login::new("readonly", "ro-secret")).unwrap();
        let mut names = Vec::new();
        while names.len() < 10 {
            let e = session.next_event_timeout(Duration::from_secs(10)).unwrap().expect("event");
            if let Some(u) = e.get_str("UserEvent") {
                names.push(u.into_owned());
            }
        }
        // Recorded order, again and again.
        assert_eq!(names[..6], ["e0", "e1", "e2", "e0", "e1", "e2"]);
        session.logoff().unwrap();
    }
}

#[test]
fn no_secret_is_in_a_recording() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Custom", |req| {
        vec![
            response(req, "Success", &[("Password", "srv-pass-3"), ("Md5Cred", "srv-md5-4")]),
            Message::from_pairs([("Event", "AuthDetail"), ("Password", "event-pass-5"), ("UserName", "bob")]),
        ]
    });
    for md5 in [false, true] {
        let buffer = SharedBuffer::default();
        let recorder = Recorder::new(buffer.clone(), "secrets").unwrap();
        let login = Login::new("admin", "admin-secret");
        let login = if md5 { login.md5() } else { login };
        let mut session = record::connect(&config(&fake), recorder.clone()).unwrap().login(&login).unwrap();
        let answer = session.send(&RawAction::new("Custom").header("NewPassword", "client-pass-6")).unwrap();
        assert_eq!(answer.message().get_str("Password").as_deref(), Some("srv-pass-3"), "the client sees it");
        session.logoff().unwrap();
        recorder.finish().unwrap();
        let text = String::from_utf8(buffer.contents()).unwrap();
        let recording = Recording::parse("secrets", &text).unwrap();
        let all = [recording.client_bytes(), recording.server_bytes()].concat();
        let all = String::from_utf8_lossy(&all);
        for secret in ["admin-secret", "srv-pass-3", "srv-md5-4", "event-pass-5", "client-pass-6"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        if md5 {
            let challenge = all.split("Challenge: ").nth(1).and_then(|s| s.split('\r').next()).unwrap();
            let key = format!("{:x}", md5::compute(format!("{challenge}admin-secret")));
            assert!(!text.contains(&key), "the MD5 key is in the recording");
            assert!(all.contains("Key: <redacted>"));
        } else {
            assert!(all.contains("Secret: <redacted>"));
        }
        assert!(all.contains("NewPassword: <redacted>") && all.contains("Password: <redacted>"));
        assert!(all.contains("UserName: bob"), "other values stay");
    }
}

#[test]
fn the_transcripts_round_trip_through_the_writer() {
    for t in support::transcript::load_all() {
        let text = t.to_text();
        assert_eq!(Recording::parse(&t.name, &text).unwrap(), t, "{}", t.name);
        assert!(Recording::looks_like(text.as_bytes()));
    }
}
