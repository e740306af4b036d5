//! The reconnecting, thread-safe service handle against the fake Asterisk.

mod support;

use support::ami::*;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ami_core::service::{Filter, Incoming, Notice, QueueLimits, Service};
use ami_core::testkit::{response, FakeAsterisk, Fault, Outcome};
use ami_core::{Client, Config, Error, ListCut, Message, OriginateReason, RawAction};

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
    assert_eq!(r.get_str("Message").as_deref(), Some("first"));
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
    let (ami, _) = start(&fake, admin().events("call"), fast_reconnect());
    let call = RawAction::new("Originate").header("Channel", "Local/1@x");
    let err = ami.originate(&call, Some(Duration::from_millis(300))).unwrap_err();
    assert!(matches!(err, Error::Timeout { phase: ami_core::Phase::OriginateResponse }), "{err:?}");
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
                        ami.send(&RawAction::new("Echo").header("Value", v.as_str()))
                            .unwrap()
                            .get_str("Value")
                            .as_deref(),
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

// ------------------------------------------------------------ handlers

fn user_event(n: usize) -> Message {
    Message::from_pairs([("Event", "UserEvent".to_string()), ("Privilege", "user,all".into()), ("N", n.to_string())])
}

#[test]
fn handlers_by_type_for_every_event_and_for_orphaned_responses() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Twice", |req| {
        vec![response(req, "Success", &[("Message", "first")]), response(req, "Success", &[("Message", "second")])]
    });
    let ami = Service::new(config(&fake), admin(), fast_reconnect());
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let t = tx.clone();
    ami.on_event("hangup", move |m| t.send(format!("hangup {}", m.get_str("N").unwrap())).unwrap());
    let t = tx.clone();
    ami.on_any_event(move |m| t.send(format!("any {}", m.event_name().unwrap())).unwrap());
    let t = tx.clone();
    ami.on_unmatched_response(move |m| t.send(format!("orphan {}", m.message().unwrap())).unwrap());
    ami.start().unwrap();
    // The login's own events reached the handlers registered before start.
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), "any FullyBooted");
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), "any SuccessfulAuth");
    fake.inject_event(&Message::from_pairs([("Event", "Hangup"), ("Privilege", "call,all"), ("N", "1")]));
    let mut got = vec![rx.recv_timeout(WAIT).unwrap(), rx.recv_timeout(WAIT).unwrap()];
    got.sort();
    assert_eq!(got, ["any Hangup", "hangup 1"]);
    assert_eq!(ami.send(&RawAction::new("Twice")).unwrap().get_str("Message").as_deref(), Some("first"));
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), "orphan second");
    ami.close();
    drop(tx);
    assert_eq!(rx.try_recv().ok(), None, "nothing else was handled");
}

#[test]
fn a_panicking_handler_is_reported_and_the_dispatcher_lives_on() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, _all) = start(&fake, admin().events("user"), fast_reconnect());
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let bad = ami.on_event("UserEvent", |m| {
        if m.get("N") == Some(b"1") {
            panic!("handler bug on event 1");
        }
    });
    let t = tx.clone();
    ami.on_event("UserEvent", move |m| t.send(format!("good {}", m.get_str("N").unwrap())).unwrap());
    let t = tx.clone();
    ami.on_notice(move |n| {
        if let Notice::HandlerPanicked { handler, message } = n {
            t.send(format!("panicked {} {message}", *handler == bad)).unwrap();
        }
    });
    for n in 1..=3 {
        fake.inject_event(&user_event(n));
    }
    let got: Vec<String> = (0..4).map(|_| rx.recv_timeout(WAIT).unwrap()).collect();
    assert_eq!(got, ["panicked true handler bug on event 1", "good 1", "good 2", "good 3"]);
    assert_eq!(ami.health().handler_panics, 1);

    // A removed handler is not called again.
    assert!(ami.remove_handler(bad));
    assert!(!ami.remove_handler(bad));
    fake.inject_event(&user_event(1));
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), "good 1");
    ami.close();
    assert_eq!(rx.try_recv().ok(), None, "nothing else was handled");
}

#[test]
fn close_runs_the_handlers_for_what_is_queued() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, _all) = start(&fake, admin().events("user"), fast_reconnect());
    let handled = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let h = handled.clone();
    ami.on_event("UserEvent", move |_| {
        thread::sleep(Duration::from_millis(1)); // slower than the wire
        h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    let flood = user_event(0);
    fake.fault_on_action("Ping", Fault::Flood { message: flood, count: 300 });
    ami.ping().unwrap();
    ami.ping().unwrap(); // answered after the flood: all 300 were read
    ami.close();
    assert_eq!(handled.load(std::sync::atomic::Ordering::SeqCst), 300);
}

// ------------------------------------------------------------ send state

/// 64 threads send through a storm of dropped links. Every action ends in
/// exactly one of: answered, not sent, outcome unknown. None that its
/// caller was told failed is ever answered later (it would surface as an
/// unmatched response), and none told "not sent" reached the server.
#[test]
fn sixty_four_threads_through_a_reconnect_storm() {
    use std::collections::HashSet;
    let fake = FakeAsterisk::start().unwrap();
    echo(&fake);
    let (ami, all) = start(&fake, admin().events_off(), fast_reconnect());
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let storm = {
        let (fake, stop) = (fake, stop.clone());
        thread::spawn(move || {
            for _ in 0..40 {
                thread::sleep(Duration::from_millis(15));
                fake.kill_connections();
            }
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            fake
        })
    };
    let workers: Vec<_> = (0..64)
        .map(|t| {
            let (ami, stop) = (ami.clone(), stop.clone());
            thread::spawn(move || {
                let (mut ok, mut not_sent, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) && i < 5_000 {
                    let value = format!("{t}:{i}");
                    i += 1;
                    match ami.send(&RawAction::new("Echo").header("Value", value.as_str())) {
                        Ok(r) => {
                            assert_eq!(r.get_str("Value").as_deref(), Some(value.as_str()));
                            ok.push(value);
                        }
                        Err(Error::NotSent { .. }) => {
                            not_sent.push(value);
                            thread::sleep(Duration::from_millis(1));
                        }
                        Err(Error::OutcomeUnknown { .. }) => unknown.push(value),
                        Err(e) => panic!("{value}: {e:?}"),
                    }
                }
                (ok, not_sent, unknown)
            })
        })
        .collect();
    let (mut ok, mut not_sent, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for w in workers {
        let (o, n, u) = w.join().unwrap();
        ok.extend(o);
        not_sent.extend(n);
        unknown.extend(u);
    }
    let fake = storm.join().unwrap();
    // Back on a link that stays up (the items of the subscription are left
    // for the check below).
    let until = Instant::now() + WAIT;
    while ami.ping().is_err() {
        assert!(Instant::now() < until, "the service never came back");
        thread::sleep(Duration::from_millis(10));
    }
    // Every answer that found no caller.
    let mut orphans = HashSet::new();
    while let Some(item) = all.try_recv() {
        if let Incoming::UnmatchedResponse(m) = item {
            orphans.insert(m.get_str("Value").unwrap_or_default().into_owned());
        }
    }
    let received: HashSet<String> = fake
        .requests()
        .iter()
        .filter(|r| r.message.get_str("Action").as_deref() == Some("Echo"))
        .map(|r| r.message.get_str("Value").unwrap().into_owned())
        .collect();
    println!("storm: {} answered, {} not sent, {} outcome unknown", ok.len(), not_sent.len(), unknown.len());
    assert!(!not_sent.is_empty() && !unknown.is_empty(), "the storm must have hit actions in both states");
    for v in &not_sent {
        assert!(!received.contains(v), "{v} was reported not sent, but the server got it");
        assert!(!orphans.contains(v), "{v} was reported not sent, then answered");
    }
    for v in &unknown {
        assert!(!orphans.contains(v), "{v} was reported failed, then answered");
    }
    for v in &ok {
        assert!(received.contains(v));
    }
    let echoes = fake.requests().iter().filter(|r| r.message.get_str("Action").as_deref() == Some("Echo")).count();
    assert_eq!(received.len(), echoes, "no action was written twice");
}

#[test]
fn actions_in_flight_are_bounded() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Slow", |_| Vec::new()); // never answered
    let (ami, _all) = start(&fake, admin().events_off(), fast_reconnect().max_in_flight(2));
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let ami = ami.clone();
            thread::spawn(move || ami.send_with_timeout(&RawAction::new("Slow"), Some(Duration::from_millis(500))))
        })
        .collect();
    let until = Instant::now() + WAIT;
    while ami.health().in_flight < 2 {
        assert!(Instant::now() < until, "the two Slow actions never went out");
        thread::sleep(Duration::from_millis(2));
    }
    let err = ami.ping().unwrap_err();
    assert!(matches!(err, Error::InFlightLimit { limit: 2 }) && err.is_not_sent(), "{err:?}");
    for w in waiters {
        assert!(w.join().unwrap().unwrap_err().is_timeout());
    }
    ami.ping().unwrap();
}

// ------------------------------------------------------------ lists

/// Teaches the fake `Endless`: a list that starts, sends `items` items and
/// then nothing (`complete`: then its completion event).
fn list_action(fake: &FakeAsterisk, items: usize, complete: bool) {
    fake.on_action("Endless", move |req| {
        let id = req.get_str("ActionID").unwrap_or_default().into_owned();
        let mut out = vec![response(req, "Success", &[("EventList", "start"), ("Message", "Items will follow")])];
        for n in 0..items {
            out.push(Message::from_pairs([("Event", "Item"), ("ActionID", id.as_str()), ("N", &n.to_string())]));
        }
        if complete {
            out.push(Message::from_pairs([
                ("Event", "ItemsComplete"),
                ("ActionID", id.as_str()),
                ("EventList", "Complete"),
                ("ListItems", &items.to_string()),
            ]));
        }
        out
    });
}

#[test]
fn an_endless_list_stays_within_its_bound_session_and_service() {
    let fake = FakeAsterisk::start().unwrap();
    list_action(&fake, 5_000, false);
    let cfg = config(&fake).max_list_items(1_000);
    let check = |err: Error| match err {
        Error::ListIncomplete { action, cut: ListCut::TooManyItems { limit: 1_000 }, partial } => {
            assert_eq!(action, "Endless");
            assert_eq!(partial.items().len(), 1_000);
            assert!(!partial.is_complete());
            assert_eq!(partial.items()[999].get_str("N").as_deref(), Some("999"));
        }
        other => panic!("{other:?}"),
    };
    let mut s = Client::connect(&cfg).unwrap().login(&admin().events_off()).unwrap();
    check(s.send(&RawAction::new("Endless")).unwrap_err());
    // The rest of the list went on as ordinary events, bounded like any.
    s.ping().unwrap();
    assert_eq!(s.next_event_timeout(WAIT).unwrap().unwrap().get_str("N").as_deref(), Some("1000"));

    let ami = Service::new(cfg, admin().events_off(), fast_reconnect());
    let all = ami.subscribe(Filter::all());
    ami.start().unwrap();
    check(ami.send(&RawAction::new("Endless")).unwrap_err());
    let first_left = wait_for(&all, "the rest of the list", |i| i.event().cloned());
    assert_eq!(first_left.get_str("N").as_deref(), Some("1000"));
}

#[test]
fn a_list_that_times_out_keeps_its_items_session_and_service() {
    let fake = FakeAsterisk::start().unwrap();
    list_action(&fake, 5, false);
    let cfg = config(&fake).response_timeout(Some(Duration::from_millis(300)));
    let check = |err: Error| {
        assert!(err.is_timeout(), "{err:?}");
        match err {
            Error::ListIncomplete { cut: ListCut::TimedOut, partial, .. } => {
                let ns: Vec<_> = partial.items().iter().map(|m| m.get_str("N").unwrap().into_owned()).collect();
                assert_eq!(ns, ["0", "1", "2", "3", "4"]);
                assert!(partial.is_list() && !partial.is_complete());
            }
            other => panic!("{other:?}"),
        }
    };
    let mut s = Client::connect(&cfg).unwrap().login(&admin().events_off()).unwrap();
    check(s.send(&RawAction::new("Endless")).unwrap_err());
    let ami = Service::connect(cfg, admin().events_off(), fast_reconnect()).unwrap();
    check(ami.send(&RawAction::new("Endless")).unwrap_err());

    // A complete list is whole.
    list_action(&fake, 3, true);
    let r = ami.send(&RawAction::new("Endless")).unwrap();
    assert!(r.is_complete() && r.items().len() == 3 && r.list_count_mismatch().is_none());
}

/// The service returns at once for an action answered by a bare empty line
/// (IAXnetstats), registers nothing for it, and the next answers match.
#[test]
fn an_answer_that_is_only_an_empty_line_ends_the_wait() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, _all) = start(&fake, admin().events_off(), fast_reconnect());
    let r = ami.send(&RawAction::new("IAXnetstats").no_response()).unwrap();
    assert!(r.is_synthetic() && r.message().is_empty());
    assert_eq!(ami.health().in_flight, 0);
    ami.ping().unwrap();
    let r = ami.send(&RawAction::new("Getvar").header("Variable", "NOPE")).unwrap();
    assert_eq!(r.get_str("Variable").as_deref(), Some("NOPE"));
}
