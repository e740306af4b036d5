//! The fault-injection suite: one named test per fault, each ending in a
//! typed error or a recovery within its timeout, with nothing lost that was
//! acknowledged. Faults come from the fake Asterisk (`ami_core::testkit`).

mod support;

use support::ami::*;

use std::thread;
use std::time::{Duration, Instant};

use ami_core::service::{Filter, Incoming, QueueLimits, ServiceOptions, Subscription};
use ami_core::testkit::{response, FakeAsterisk, Fault};
use ami_core::{Client, Config, Error, Login, Message, Phase, ProtocolError, RawAction};

#[test]
fn reset_during_login() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("Login", Fault::Reset);
    let err = Client::connect(&config(&fake)).unwrap().login(&admin()).unwrap_err();
    assert!(err.is_connection_lost(), "{err:?}");
    assert!(!err.is_refused());
}

#[test]
fn eof_mid_message() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    fake.fault_on_action("Ping", Fault::CloseMidMessage);
    let err = s.ping().unwrap_err();
    assert!(matches!(err, Error::Protocol(ProtocolError::Truncated)), "{err:?}");
    assert!(err.is_connection_lost());
    assert!(s.is_closed());
}

#[test]
fn server_that_never_answers() {
    let fake = FakeAsterisk::start().unwrap();
    let cfg = config(&fake).response_timeout(Some(Duration::from_millis(300)));
    let mut s = Client::connect(&cfg).unwrap().login(&admin().events_off()).unwrap();
    fake.fault_on_action("Ping", Fault::Silence);
    let err = s.ping().unwrap_err();
    assert!(matches!(err, Error::Timeout { phase: Phase::Response }), "{err:?}");
}

#[test]
fn one_byte_drip() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_next_connection(Fault::Drip { pause: Duration::ZERO });
    let mut s = login(&fake, &admin());
    assert_eq!(s.command("core show version").unwrap().len(), 1);
    assert_eq!(event_names(drain(&mut s).into_iter()), ["FullyBooted", "SuccessfulAuth"]);
}

#[test]
fn garbage_banner() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_next_connection(Fault::Garbage(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n".to_vec()));
    let err = Client::connect(&config(&fake)).unwrap_err();
    assert!(matches!(err, Error::Protocol(ProtocolError::BadBanner { .. })), "{err:?}");
}

#[test]
fn line_over_the_size_limit() {
    let fake = FakeAsterisk::start().unwrap();
    let cfg = config(&fake).max_message_size(64 * 1024);
    let mut s = Client::connect(&cfg).unwrap().login(&admin().events_off()).unwrap();
    fake.fault_on_action("Ping", Fault::huge_line(1 << 20));
    s.ping().unwrap();
    let err = s.next_event_timeout(Duration::from_secs(10)).unwrap_err();
    assert!(matches!(err, Error::Protocol(ProtocolError::MessageTooLarge { limit: 65536 })), "{err:?}");
}

#[test]
fn message_with_thousands_of_headers() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    fake.fault_on_action("Ping", Fault::many_headers(5000));
    s.ping().unwrap();
    let e = next_event_named(&mut s, "UserEvent");
    assert_eq!(e.get_str("Header5000").as_deref(), Some("5000"));
    assert!(e.len() > 5000);
}

#[test]
fn non_utf8_values() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin());
    drain(&mut s);
    let event =
        Message::from_pairs([("Event", &b"Newchannel"[..]), ("Privilege", b"call,all"), ("CallerIDName", b"Jos\xe9")]);
    assert_eq!(fake.inject_event(&event), 1);
    let got = next_event_named(&mut s, "Newchannel");
    assert_eq!(got.get("CallerIDName"), Some(&b"Jos\xe9"[..]));
}

#[test]
fn failed_login_delayed_answer_then_close() {
    // The real delay (about 1 s): the answer, not the close, must be reported.
    let fake = FakeAsterisk::start().unwrap();
    let err = Client::connect(&config(&fake)).unwrap().login(&Login::new("admin", "wrong")).unwrap_err();
    assert!(
        matches!(err, Error::AuthenticationFailed { ref message } if message == "Authentication failed"),
        "{err:?}"
    );
    assert!(err.is_refused() && !err.is_connection_lost());
    let err = Client::connect(&config(&fake)).unwrap().login(&Login::new("nobody", "x")).unwrap_err();
    assert!(matches!(err, Error::AuthenticationFailed { .. }), "{err:?}");
}

#[test]
fn permission_denied() {
    let fake = FakeAsterisk::start().unwrap();
    let mut client = Client::connect(&config(&fake)).unwrap();
    let err = client.send(&RawAction::new("Ping")).unwrap_err();
    assert!(matches!(err, Error::PermissionDenied { ref action } if action == "Ping"), "{err:?}");

    let mut ro = login(&fake, &Login::new("readonly", "ro-secret").events_off());
    ro.ping().unwrap();
    let originate = RawAction::new("Originate").header("Channel", "Local/100@test").header("Application", "Wait");
    assert!(matches!(ro.send(&originate), Err(Error::PermissionDenied { .. })));
    assert!(matches!(ro.command("core show version"), Err(Error::PermissionDenied { .. })));
}

#[test]
fn reset_while_waiting() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    fake.fault_on_action("Ping", Fault::Reset);
    let err = s.ping().unwrap_err();
    assert!(err.is_connection_lost(), "{err:?}");
    // Further use fails at once with a typed error.
    assert!(s.ping().unwrap_err().is_connection_lost());
}

#[test]
fn reset_while_actions_are_pending() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Slow", |_| Vec::new()); // never answered
    let (ami, all) = start(&fake, admin().events_off(), fast_reconnect());
    let waiter = {
        let ami = ami.clone();
        thread::spawn(move || ami.send_with_timeout(&RawAction::new("Slow"), Some(WAIT)))
    };
    let until = Instant::now() + WAIT;
    while !fake.requests().iter().any(|r| r.message.get_str("Action").as_deref() == Some("Slow")) {
        assert!(Instant::now() < until, "Slow never reached the server");
        thread::sleep(Duration::from_millis(5));
    }
    fake.kill_connections();
    let err = waiter.join().unwrap().unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert!(!err.is_not_sent());
    wait_for(&all, "ConnectionRestored", restored);
    ami.ping().unwrap();
    let slows = fake.requests().iter().filter(|r| r.message.get_str("Action").as_deref() == Some("Slow")).count();
    assert_eq!(slows, 1, "a pending action is never re-sent");
}

#[test]
fn server_restart_then_reconnect() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Filter", |req| vec![response(req, "Success", &[("Message", "Filter Added Successfully")])]);
    let (ami, all) = start(&fake, admin().events("call,system"), fast_reconnect());
    ami.send(&RawAction::new("Filter").header("Operation", "Add").header("Filter", "Event: Hangup")).unwrap();
    ami.send(&RawAction::new("Events").header("EventMask", "call")).unwrap();

    fake.kill_connections();
    let reason = wait_for(&all, "ConnectionLost", lost);
    assert!(!reason.is_empty());
    wait_for(&all, "ConnectionRestored", restored);
    ami.ping().unwrap();

    // The new session logged in with the same event mask and got the Filter
    // and Events actions again.
    let sessions: Vec<Vec<Message>> = {
        let reqs = fake.requests();
        let mut ids: Vec<_> = reqs.iter().map(|r| r.session).collect();
        ids.dedup();
        ids.iter().map(|id| reqs.iter().filter(|r| r.session == *id).map(|r| r.message.clone()).collect()).collect()
    };
    let second = sessions.last().unwrap();
    let actions: Vec<String> = second.iter().map(|m| m.get_str("Action").unwrap().into_owned()).collect();
    assert_eq!(&actions[..3], ["Login", "Filter", "Events"], "{actions:?}");
    assert_eq!(second[0].get_str("Events").as_deref(), Some("call,system"));
    assert_eq!(second[1].get_str("Filter").as_deref(), Some("Event: Hangup"));
}

/// Reads `sub` until `total` UserEvents are accounted for (received, or
/// announced by `Lagged`), sleeping `pause` after every `every` events; fails
/// on a lost connection. Returns (received, announced as dropped).
fn consume_slowly(sub: &Subscription, total: u64, every: u64, pause: Duration) -> (u64, u64) {
    let (mut received, mut lagged) = (0u64, 0u64);
    let until = Instant::now() + WAIT * 6;
    while received + lagged < total {
        assert!(Instant::now() < until, "received {received} + dropped {lagged} != {total}");
        match sub.recv_timeout(WAIT).unwrap() {
            Some(Incoming::Event(_)) => {
                received += 1;
                if received % every == 0 {
                    thread::sleep(pause);
                }
            }
            Some(Incoming::Lagged { dropped }) => lagged += dropped,
            Some(Incoming::ConnectionLost { reason }) => panic!("the link dropped under a slow consumer: {reason}"),
            Some(other) => panic!("unexpected {other:?}"),
            None => panic!("nothing for {WAIT:?} after {received} events and {lagged} dropped"),
        }
    }
    (received, lagged)
}

/// Options as users get them, with the keepalive made quick enough to fire
/// several times during the test if a stalled reader could trip it (a
/// consumer pause is ten times its interval), yet not so quick that a busy
/// test machine starving the fake server's thread would.
fn defaults_with_quick_keepalive() -> ServiceOptions {
    ServiceOptions::default().keepalive(Some(Duration::from_millis(100)), Duration::from_secs(1))
}

#[test]
fn slow_consumer_with_keepalive_on_loses_nothing_within_the_default_bounds() {
    const TOTAL: u64 = 30_000;
    let fake = FakeAsterisk::start().unwrap();
    let (ami, all) = start(&fake, admin().events_off(), defaults_with_quick_keepalive());
    drop(all);
    let sub = ami.subscribe(Filter::events(["UserEvent"]));
    let flood = Message::from_pairs([("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", "Flood")]);
    fake.fault_on_action("Ping", Fault::Flood { message: flood, count: TOTAL as usize });
    ami.ping().unwrap();
    // The consumer sleeps 100 ms after every 1,000 events, 3 s in all: far
    // longer than the keepalive's interval and timeout together. The reader
    // keeps reading meanwhile.
    let (received, lagged) = consume_slowly(&sub, TOTAL, 1_000, Duration::from_millis(100));
    assert_eq!((received, lagged, sub.dropped()), (TOTAL, 0, 0));
    assert!(ami.is_connected());
    assert_eq!(ami.health().reconnects, 0);
    ami.ping().unwrap();
}

#[test]
fn slow_consumer_past_its_bounds_gets_every_event_or_a_count_of_it() {
    const TOTAL: u64 = 20_000;
    let fake = FakeAsterisk::start().unwrap();
    let (ami, all) = start(&fake, admin().events_off(), defaults_with_quick_keepalive());
    drop(all);
    // The default policy, with room for 500 events only.
    let sub = ami.subscribe_with(Filter::events(["UserEvent"]), QueueLimits::new(500, 16 << 20));
    let flood = Message::from_pairs([("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", "Flood")]);
    fake.fault_on_action("Ping", Fault::Flood { message: flood, count: TOTAL as usize });
    ami.ping().unwrap();
    let (received, lagged) = consume_slowly(&sub, TOTAL, 100, Duration::from_millis(2));
    let stats = sub.stats();
    assert!(lagged > 0, "a slow consumer of a 500-item queue must have lost some");
    assert_eq!(lagged, stats.dropped, "every drop is announced in-band");
    assert_eq!(received + stats.dropped, TOTAL);
    assert!(stats.lags >= 1 && stats.queued == 0);
    assert!(ami.is_connected());
    assert_eq!(ami.health().reconnects, 0);
}

#[test]
fn a_byte_bound_holds_too() {
    let fake = FakeAsterisk::start().unwrap();
    let (ami, all) = start(&fake, admin().events_off(), defaults_with_quick_keepalive());
    drop(all);
    let sub = ami.subscribe_with(Filter::events(["UserEvent"]), QueueLimits::new(1_000_000, 64 << 10));
    let flood = Message::from_pairs([("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", "Flood")]);
    fake.fault_on_action("Ping", Fault::Flood { message: flood, count: 5_000 });
    ami.ping().unwrap();
    // Nobody reads until the flood is over (its last event is followed by the
    // answer to a second Ping).
    ami.ping().unwrap();
    let stats = sub.stats();
    assert!(stats.queued_bytes <= 64 << 10, "{stats:?}");
    assert!(stats.dropped > 0);
    let (received, lagged) = consume_slowly(&sub, 5_000, u64::MAX, Duration::ZERO);
    assert_eq!(received + lagged, 5_000);
}

#[test]
fn sixty_four_threads_ten_thousand_actions_each() {
    let fake = FakeAsterisk::start().unwrap();
    echo(&fake);
    let (ami, all) = start(&fake, admin().events_off(), fast_reconnect());
    drop(all);
    let workers: Vec<_> = (0..64)
        .map(|t| {
            let ami = ami.clone();
            thread::spawn(move || {
                for i in 0..10_000 {
                    let value = format!("{t}:{i}");
                    let r = ami.send(&RawAction::new("Echo").header("Value", value.as_str())).unwrap();
                    assert_eq!(r.get_str("Value").as_deref(), Some(value.as_str()));
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let echoes = fake.requests().iter().filter(|r| r.message.get_str("Action").as_deref() == Some("Echo")).count();
    assert_eq!(echoes, 640_000);
}

#[cfg(all(feature = "tls", target_os = "linux"))]
mod tls {
    use super::*;
    use ami_core::{Timeouts, TlsConfig};
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener};
    use std::thread::JoinHandle;

    #[test]
    fn tls_certificate_that_does_not_verify() {
        let (fake, _) = tls_fake();
        let cfg = Config::new("localhost", fake.addr().port()).tls(TlsConfig::new());
        let err = Client::connect(&cfg).unwrap_err();
        assert!(matches!(err, Error::Tls(_)), "{err:?}");
        let lab = Config::new("localhost", fake.addr().port()).tls(TlsConfig::new().danger_accept_invalid_certs(true));
        Client::connect(&lab).unwrap().login(&admin().events_off()).unwrap().ping().unwrap();
    }

    #[test]
    fn tls_handshake_that_stalls() {
        // A plain TCP fake never answers the ClientHello.
        let fake = FakeAsterisk::start().unwrap();
        fake.fault_next_connection(Fault::Silence);
        let cfg =
            config(&fake).tls(TlsConfig::new()).timeouts(ami_core::Timeouts::all(Some(Duration::from_millis(300))));
        let err = Client::connect(&cfg).unwrap_err();
        assert!(matches!(err, Error::Timeout { phase: Phase::TlsHandshake }), "{err:?}");
    }

    #[test]
    fn tls_handshake_drip_ends_in_a_handshake_timeout() {
        // Every byte comes long before the 300 ms timeout, so only a deadline
        // for the whole handshake can end it before the drip does.
        let (addr, server) = drip_server();
        let cfg = Config::new("127.0.0.1", addr.port())
            .tls(TlsConfig::new())
            .timeouts(Timeouts::all(Some(Duration::from_millis(300))));
        let err = Client::connect(&cfg).unwrap_err();
        assert!(matches!(err, Error::Timeout { phase: Phase::TlsHandshake }), "{err:?}");
        let dripped = server.join().unwrap();
        assert!(dripped < DRIP_BYTES, "the client read the whole drip ({dripped} bytes) before giving up");
    }

    /// How many bytes [`drip_server`] sends at most: 20 s worth at one byte
    /// every [`DRIP_PAUSE`], never a whole TLS record.
    const DRIP_BYTES: usize = 400;
    const DRIP_PAUSE: Duration = Duration::from_millis(50);

    /// A TCP server for one client: it takes the ClientHello, then sends the
    /// start of a ServerHello record (which claims 1 KiB, more than is ever
    /// sent) one byte every [`DRIP_PAUSE`], until [`DRIP_BYTES`] are out or a
    /// write fails because the client went away. Then it closes the socket
    /// and its thread returns how many bytes it wrote. No client within
    /// [`WAIT`]: it returns 0.
    fn drip_server() -> (SocketAddr, JoinHandle<usize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let mut record = vec![0x16, 0x03, 0x03, 0x04, 0x00]; // handshake record, TLS 1.2, 1024 bytes
        record.extend([0x02, 0x00, 0x03, 0xfc, 0x03, 0x03]); // ServerHello, 1020 bytes, TLS 1.2
        record.extend((0u8..32).map(|i| i.wrapping_mul(37))); // the server random
        record.resize(DRIP_BYTES, 0);
        let server = thread::spawn(move || {
            let until = Instant::now() + WAIT;
            let mut tcp = loop {
                match listener.accept() {
                    Ok((tcp, _)) => break tcp,
                    Err(_) if Instant::now() < until => thread::sleep(Duration::from_millis(5)),
                    Err(_) => return 0,
                }
            };
            tcp.set_nonblocking(false).unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
            tcp.set_write_timeout(Some(Duration::from_secs(1))).unwrap();
            let _ = tcp.read(&mut [0; 4096]); // the ClientHello, best effort
            let mut written = 0;
            for byte in &record {
                if tcp.write_all(std::slice::from_ref(byte)).is_err() {
                    break;
                }
                written += 1;
                thread::sleep(DRIP_PAUSE);
            }
            written
        });
        (addr, server)
    }
}
