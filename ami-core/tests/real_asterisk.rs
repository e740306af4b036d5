//! Checks against a real Asterisk (../shared/tools/real-asterisk builds one).
//! CI has none: every test here is `#[ignore]`d and runs with
//!
//!     AMI_REAL_ASTERISK=127.0.0.1:5038 cargo test -p ami-core --all-features --test real_asterisk -- --ignored
//!
//! against a server with the users of that setup (`admin` / `admin-secret`).

use std::time::{Duration, Instant};

use ami_core::service::{Filter, Incoming, QueueLimits, Service, ServiceOptions};
use ami_core::{Client, Config, Login, RawAction};

fn server() -> Config {
    let addr = std::env::var("AMI_REAL_ASTERISK")
        .expect("set AMI_REAL_ASTERISK=host:port to run the real-Asterisk tests (see this file's docs)");
    let (host, port) = addr.rsplit_once(':').expect("AMI_REAL_ASTERISK is host:port");
    Config::new(host, port.parse().expect("a port number"))
}

fn admin() -> Login {
    Login::new("admin", "admin-secret")
}

/// A consumer that sleeps 10 s while another session raises 50,000
/// UserEvents keeps its link (the reader never stops reading, so Asterisk's
/// write never times out) and gets every event or a count of each one
/// dropped, with the default options (keepalive on, default queue bounds).
#[test]
#[ignore = "needs a real Asterisk: AMI_REAL_ASTERISK=host:port"]
fn a_sleeping_consumer_keeps_its_link_and_loses_nothing_uncounted() {
    sleeping_consumer(QueueLimits::default(), "default bounds");
}

/// The same with room for 5,000 events only: most are dropped, every one
/// counted and announced, and the link stays up.
#[test]
#[ignore = "needs a real Asterisk: AMI_REAL_ASTERISK=host:port"]
fn a_sleeping_consumer_past_its_bounds_keeps_its_link_and_counts_every_drop() {
    sleeping_consumer(QueueLimits::new(5_000, 16 << 20), "5,000 events");
}

fn sleeping_consumer(limits: QueueLimits, what: &str) {
    const TOTAL: u64 = 50_000;
    let tag = format!("slow-consumer-{}-{}", std::process::id(), limits.max_items);
    let ami = Service::new(server(), admin().events("user"), ServiceOptions::default());
    let tag_filter = tag.clone();
    let wanted = Filter::predicate(move |m| m.get_str("UserEvent").as_deref() == Some(tag_filter.as_str()));
    let flood = ami.subscribe_with(wanted, limits);
    ami.start().unwrap();

    let producer = {
        let (config, tag) = (server(), tag.clone());
        std::thread::spawn(move || {
            let mut s = Client::connect(&config).unwrap().login(&admin().events_off()).unwrap();
            for n in 0..TOTAL {
                let e = RawAction::new("UserEvent").header("UserEvent", tag.as_str()).header("N", n.to_string());
                s.send(&e).unwrap();
            }
            s.logoff().unwrap();
        })
    };
    std::thread::sleep(Duration::from_secs(10)); // the consumer does not read
    let (mut received, mut dropped, mut last) = (0u64, 0u64, None::<u64>);
    let until = Instant::now() + Duration::from_secs(120);
    while received + dropped < TOTAL {
        assert!(Instant::now() < until, "received {received} + dropped {dropped} of {TOTAL}");
        match flood.recv_timeout(Duration::from_secs(30)).unwrap() {
            Some(Incoming::Event(m)) => {
                let n: u64 = m.get_str("N").unwrap().parse().unwrap();
                assert!(last.map_or(true, |l| n > l), "events in order");
                last = Some(n);
                received += 1;
            }
            Some(Incoming::Lagged { dropped: d }) => dropped += d,
            Some(Incoming::ConnectionLost { reason }) => panic!("the link dropped: {reason}"),
            other => panic!("unexpected {other:?} after {received} events"),
        }
    }
    producer.join().unwrap();
    let stats = flood.stats();
    println!(
        "real Asterisk, {what}: {received} received, {dropped} dropped ({} gaps), health {:?}",
        stats.lags,
        ami.health()
    );
    assert_eq!(received + dropped, TOTAL);
    assert_eq!(dropped, stats.dropped);
    assert!(ami.is_connected());
    assert_eq!(ami.health().reconnects, 0);
    ami.ping().unwrap();
    ami.close();
}
