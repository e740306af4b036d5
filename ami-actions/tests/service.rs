//! Typed subscriptions and handlers on the service handle.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ami_actions::events;
use ami_actions::service::{Filter, Service, ServiceOptions};
use ami_actions::subscribe::{ServiceExt, Typed};
use ami_actions::testkit::{FakeAsterisk, Fault};
use ami_actions::{Config, Event, Login, Message};

const WAIT: Duration = Duration::from_secs(10);
const BURST: usize = 2_000;

/// A busy server: the login answer and 2,000 Newchannel/Hangup pairs in
/// one write.
fn busy_fake() -> FakeAsterisk {
    let fake = FakeAsterisk::start().unwrap();
    let mut burst = Vec::new();
    for n in 0..BURST {
        let id = n.to_string();
        let new = Message::from_pairs([("Event", "Newchannel"), ("Privilege", "call,all"), ("Uniqueid", &id)]);
        let hangup =
            Message::from_pairs([("Event", "Hangup"), ("Privilege", "call,all"), ("Uniqueid", &id), ("Cause", "16")]);
        burst.extend(new.to_wire());
        burst.extend(hangup.to_wire());
    }
    assert!(burst.len() < 256 << 10, "the whole burst goes in the login answer's write");
    fake.fault_on_action("Login", Fault::Stream(burst.into()));
    fake
}

#[test]
fn the_login_burst_reaches_typed_subscriptions_and_handlers_declared_before_start() {
    let fake = busy_fake();
    let config = Config::new("127.0.0.1", fake.addr().port());
    let ami = Service::new(config, Login::new("admin", "admin-secret"), ServiceOptions::default());
    let hangups = ami.subscribe_to::<events::Hangup>();
    let everything = ami.subscribe_events(Filter::all());
    let newchannels = Arc::new(AtomicUsize::new(0));
    let n = newchannels.clone();
    ami.on::<events::Newchannel>(move |e| {
        assert!(e.uniqueid().is_some());
        n.fetch_add(1, Ordering::SeqCst);
    });
    ami.start().unwrap();

    for expected in 0..BURST {
        match hangups.recv_timeout(WAIT).unwrap() {
            Some(Typed::Event(h)) => assert_eq!(h.uniqueid().as_deref(), Some(expected.to_string().as_str())),
            other => panic!("hangup {expected}: {other:?}"),
        }
    }
    assert_eq!(hangups.dropped(), 0);
    // The catch-all saw the login's own events too, then every pair.
    let mut names = Vec::new();
    while names.len() < 2 + 2 * BURST {
        match everything.recv_timeout(WAIT).unwrap() {
            Some(Typed::Event(e)) => names.push(e.type_name().unwrap_or("?").to_string()),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(names[..2], ["FullyBooted", "SuccessfulAuth"]);
    assert!(names[2..].chunks(2).all(|p| p == ["Newchannel", "Hangup"]));
    ami.close(); // the handlers finish what is queued
    assert_eq!(newchannels.load(Ordering::SeqCst), BURST);
}

#[test]
fn any_event_handler_gets_the_enum() {
    let fake = FakeAsterisk::start().unwrap();
    let config = Config::new("127.0.0.1", fake.addr().port());
    let ami = Service::new(config, Login::new("admin", "admin-secret"), ServiceOptions::default());
    let (tx, rx) = std::sync::mpsc::channel();
    ami.on_any(move |e: Event| tx.send(e.type_name().map(str::to_owned)).unwrap());
    ami.start().unwrap();
    assert_eq!(rx.recv_timeout(WAIT).unwrap().as_deref(), Some("FullyBooted"));
    assert_eq!(rx.recv_timeout(WAIT).unwrap().as_deref(), Some("SuccessfulAuth"));
    fake.inject_event(&Message::from_pairs([("Event", "SomethingNew"), ("Privilege", "call,all")]));
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), None, "an unknown event arrives as Event::Unknown");
    ami.close();
}
