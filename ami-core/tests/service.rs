//! The reconnecting, thread-safe service handle against the fake Asterisk.

mod support;

use support::ami::*;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ami_core::service::{Filter, Incoming, QueueLimits, Service};
use ami_core::testkit::{response, FakeAsterisk, Fault, Outcome};
use ami_core::{Config, Error, Message, OriginateReason, RawAction};

#[test]
fn login_events_reach_the_first_subscription() {
    let fake = FakeAsterisk::start().unwrap();
    let (_ami, all) = start(&fake, admin(), fast_reconnect());
    wait_for(&all, "FullyBooted", is_event("FullyBooted"));
    wait_for(&all, "SuccessfulAuth", is_event("SuccessfulAuth"));
    assert_eq!(all.dropped(), 0);
}

#[test]
fn keepalive_notices_a_silent_server() {
    let fake = FakeAsterisk::start().unwrap();
    let options = fast_reconnect().keepalive(Some(Duration::from_millis(100)), Duration::from_millis(300));
    let (ami, all) = start(&fake, admin().events_off(), options);
    fake.fault_on_action("Ping", Fault::Silence);
    wait_for(&all, "ConnectionLost", lost);
    wait_for(&all, "ConnectionRestored", restored);
    ami.ping().unwrap();
}

#[test]
fn without_reconnect_the_service_stops_and_says_so() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, all) = start(&fake, admin().events_off(), fast_reconnect().reconnect(None));
    fake.kill_connections();
    wait_for(&all, "ConnectionLost", lost);
    let until = Instant::now() + WAIT;
    while all.recv_timeout(Duration::from_millis(50)) != Err(ami_core::service::Closed) {
        assert!(Instant::now() < until, "subscription never closed");
    }
    let err = ami.ping().unwrap_err();
    assert!(matches!(err, Error::NotSent { .. }) && err.is_not_sent(), "{err:?}");
    assert!(!ami.is_connected());
}

#[test]
fn unmatched_responses_are_surfaced() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Twice", |req| {
        vec![
            response(req, "Success", &[("Message", "first")]),
            response(req, "Success", &[("Message", "second")]),
            Message::from_pairs([("Response", "Success"), ("Message", "third, no ActionID")]),
        ]
    });
    let (ami, all) = start(&fake, admin().events_off(), fast_reconnect());
    let r = ami.send(&RawAction::new("Twice")).unwrap();
    assert_eq!(r.get("Message").as_deref(), Some("first"));
    let unmatched = |i: &Incoming| match i {
        Incoming::UnmatchedResponse(m) => Some(m.message().unwrap_or_default().into_owned()),
        _ => None,
    };
    assert_eq!(wait_for(&all, "second answer", unmatched), "second");
    assert_eq!(wait_for(&all, "third answer", unmatched), "third, no ActionID");
    ami.ping().unwrap();
}

#[test]
fn originate_tracking_success_and_failure() {
    let fake = FakeAsterisk::builder().originate_outcome("Local/busy", Outcome::Busy).start().unwrap();
    let (ami, _) = start(&fake, admin().events("call"), fast_reconnect());
    let call = |channel: &str| {
        RawAction::new("Originate")
            .header("Channel", channel)
            .header("Application", "Wait")
            .header("Data", "1")
            .header("Async", "true")
    };
    let ok = ami.originate(&call("Local/200@test"), Some(WAIT)).unwrap();
    assert!(ok.is_success());
    assert_eq!(ok.reason(), Some(OriginateReason::Answered));
    assert!(ok.uniqueid().is_some());

    let busy = ami.originate(&call("Local/busy@test"), Some(WAIT)).unwrap();
    assert!(!busy.is_success());
    assert_eq!(busy.reason(), Some(OriginateReason::Busy));
    assert_eq!(busy.uniqueid(), None);
    assert_eq!(busy.channel().as_deref(), Some("Local/busy@test"));
}

#[test]
fn originate_without_its_event_times_out() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Originate", |req| vec![response(req, "Success", &[("Message", "Originate successfully queued")])]);
    let (ami, _) = start(&fake, admin().events_off(), fast_reconnect());
    let call = RawAction::new("Originate").header("Channel", "Local/1@x").header("Async", "true");
    let err = ami.originate(&call, Some(Duration::from_millis(300))).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[test]
fn typed_and_predicate_subscriptions_filter() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, _) = start(&fake, admin(), fast_reconnect());
    let hangups = ami.subscribe(Filter::events(["hangup"]));
    let sevens = ami.subscribe(Filter::predicate(|m| m.get("N") == Some(b"7")));
    for (name, n) in [("Newchannel", "1"), ("Hangup", "2"), ("UserEvent", "7")] {
        fake.inject_event(&Message::from_pairs([("Event", name), ("Privilege", "call,all"), ("N", n)]));
    }
    assert_eq!(wait_for(&hangups, "Hangup", is_event("Hangup")).get_str("N").as_deref(), Some("2"));
    assert_eq!(wait_for(&sevens, "N=7", |i| i.event().cloned()).get_str("Event").as_deref(), Some("UserEvent"));
    assert!(hangups.try_recv().is_none());
    assert!(sevens.try_recv().is_none());
}

#[test]
fn sending_from_an_event_handler_does_not_deadlock() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, all) = start(&fake, admin().events_off(), fast_reconnect().queue(QueueLimits::new(1, 1 << 20)));
    drop(all);
    let sub = ami.subscribe(Filter::events(["UserEvent"]));
    let flood = Message::from_pairs([("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", "F")]);
    fake.fault_on_action("Ping", Fault::Flood { message: flood, count: 200 });
    let handler = {
        let ami = ami.clone();
        thread::spawn(move || {
            let (mut handled, mut lagged) = (0, 0);
            while handled + lagged < 200 {
                match sub.recv_timeout(WAIT).unwrap() {
                    None => break,
                    Some(Incoming::Lagged { dropped }) => lagged += dropped,
                    Some(_) => {
                        handled += 1;
                        if handled % 20 == 0 {
                            ami.send(&RawAction::new("Ping")).unwrap();
                        }
                    }
                }
            }
            assert_eq!(lagged, sub.dropped());
            handled + lagged
        })
    };
    ami.ping().unwrap();
    assert_eq!(handler.join().unwrap(), 200);
}

#[cfg(all(feature = "tls", target_os = "linux"))]
#[test]
fn service_over_tls_shares_the_stream_between_threads() {
    let (identity, ca) = support::certs::localhost_identity();
    let fake = FakeAsterisk::builder().tls(identity).start().unwrap();
    echo(&fake);
    let config = Config::new("localhost", fake.addr().port()).tls(ami_core::TlsConfig::new().ca_pem(ca));
    let ami = Service::new(config, admin(), fast_reconnect());
    let all = ami.subscribe(Filter::all());
    ami.start().unwrap();
    let ami = Arc::new(ami);
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let ami = ami.clone();
            thread::spawn(move || {
                for i in 0..200 {
                    let v = format!("{t}-{i}");
                    assert_eq!(
                        ami.send(&RawAction::new("Echo").header("Value", v.as_str())).unwrap().get("Value").as_deref(),
                        Some(v.as_str())
                    );
                }
            })
        })
        .collect();
    workers.into_iter().for_each(|w| w.join().unwrap());
    fake.inject_event(&Message::from_pairs([("Event", "Hangup"), ("Privilege", "call,all")]));
    wait_for(&all, "Hangup over TLS", is_event("Hangup"));
}

#[test]
fn events_before_an_answer_are_queued_when_it_returns() {
    // The events and the answer come in one write, so usually in one read:
    // by the time `send` returns, every event before the answer is queued.
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Burst", |req| {
        let mut out: Vec<Message> =
            (0..500).map(|n| Message::from_pairs([("Event", "UserEvent".to_string()), ("N", n.to_string())])).collect();
        out.push(response(req, "Success", &[]));
        out
    });
    let (ami, all) = start(&fake, admin().events_off(), fast_reconnect());
    ami.send(&RawAction::new("Burst")).unwrap();
    let queued = std::iter::from_fn(|| all.try_recv()).filter(|i| i.event().is_some()).count();
    assert_eq!(queued, 500);
    // And `close` keeps the server's last events: they precede its Goodbye.
    fake.on_action("Logoff", |req| {
        let mut out: Vec<Message> =
            (0..500).map(|n| Message::from_pairs([("Event", "UserEvent".to_string()), ("N", n.to_string())])).collect();
        out.push(response(req, "Goodbye", &[("Message", "Thanks for all the fish.")]));
        out
    });
    ami.close();
    let mut last = 0;
    while let Ok(Some(item)) = all.recv_timeout(WAIT) {
        last += usize::from(item.event().is_some());
    }
    assert_eq!(last, 500);
}

#[test]
fn close_logs_off_without_a_lost_connection_notice() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, all) = start(&fake, admin().events_off(), fast_reconnect());
    ami.ping().unwrap();
    ami.close();
    let mut seen = Vec::new();
    while let Ok(item) = all.recv_timeout(WAIT) {
        seen.push(item.expect("the subscription closes rather than times out"));
    }
    assert!(!seen.iter().any(|i| matches!(i, Incoming::ConnectionLost { .. })), "{seen:?}");
    let last = fake.requests().pop().unwrap();
    assert_eq!(last.message.get_str("Action").as_deref(), Some("Logoff"));
}
