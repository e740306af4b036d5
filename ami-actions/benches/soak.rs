//! Soak: a million real events streamed by the fake Asterisk over loopback,
//! through the service handle (reader thread, subscription queue) into typed
//! events, counted end to end. Prints events/s and the memory profile.
//!
//! `cargo bench -p ami-actions --bench soak`
//!
//! The corpus of a real Asterisk 22 (133,986 events) is replayed eight
//! times, each time after a `Ping`, by the fake's `Fault::Stream`.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ami_actions::service::{Filter, Overflow, Service, ServiceOptions};
use ami_actions::testkit::{FakeAsterisk, Fault};
use ami_actions::{Config, Decoder, Event, Login};

const ROUNDS: usize = 8;

fn corpus_events() -> Option<(Vec<u8>, usize)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/asterisk-22-calls.ami.gz");
    let file = std::fs::File::open(path).ok()?;
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut raw).ok()?;
    let mut d = Decoder::new();
    d.feed(&raw);
    d.decode_banner().ok()??;
    let (mut events, mut n) = (Vec::with_capacity(raw.len()), 0);
    while let Some(m) = d.decode().ok()? {
        if m.event_name().is_some() {
            events.extend_from_slice(&m.to_wire());
            n += 1;
        }
    }
    Some((events, n))
}

/// Resident and peak resident memory of this process, in MiB (Linux).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        status.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
    };
    (kib("VmRSS:").unwrap_or(0.0) / 1024.0, kib("VmHWM:").unwrap_or(0.0) / 1024.0)
}

fn main() {
    let Some((events, per_round)) = corpus_events() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("soak: ../shared/bench/asterisk-22-calls.ami.gz is missing");
        }
        println!("soak: skipped, ../shared/bench/asterisk-22-calls.ami.gz not found");
        return;
    };
    let stream: Arc<[u8]> = events.into();
    let stream_bytes = stream.len();
    let total = per_round * ROUNDS;
    let fake = FakeAsterisk::builder().outbox_limit(usize::MAX).start().expect("fake Asterisk");
    let options = ServiceOptions::default().keepalive(None, Duration::from_secs(10)).queue(10_000, Overflow::Block);
    let config = Config::new("127.0.0.1", fake.addr().port());
    let (ami, all) = Service::connect(config, Login::new("admin", "admin-secret").events_off(), options).unwrap();
    drop(all);
    let sub = ami.subscribe(Filter::all());
    let (rss_before, _) = memory();

    let feeder = {
        let ami = ami.clone();
        std::thread::spawn(move || {
            for _ in 0..ROUNDS {
                fake.fault_on_action("Ping", Fault::Stream(stream.clone()));
                ami.ping().unwrap();
            }
            fake
        })
    };

    let start = Instant::now();
    let (mut typed, mut unknown) = (0usize, 0usize);
    let mut rss_samples = Vec::new();
    while typed + unknown < total {
        let item = sub
            .recv_timeout(Duration::from_secs(30))
            .unwrap()
            .unwrap_or_else(|| panic!("events stopped coming after {}", typed + unknown));
        if let Some(m) = item.into_event() {
            match Event::from_message(m) {
                Event::Unknown(_) => unknown += 1,
                _ => typed += 1,
            }
            if (typed + unknown) % 100_000 == 0 {
                rss_samples.push(memory().0);
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let _fake = feeder.join().unwrap();
    let (rss_after, peak) = memory();
    println!("soak: {total} events ({typed} typed, {unknown} unknown) in {secs:.2} s");
    println!(
        "soak: {:.0} typed events/s, {:.0} MB/s end to end over loopback",
        total as f64 / secs,
        (stream_bytes * ROUNDS) as f64 / 1e6 / secs
    );
    println!("soak: dropped {}", sub.dropped());
    println!(
        "soak: RSS before {rss_before:.1} MiB, during {:.1}..{:.1} MiB (every 100k events), after {rss_after:.1} MiB, peak {peak:.1} MiB (the in-process fake holds the {:.1} MB stream)",
        rss_samples.iter().cloned().fold(f64::MAX, f64::min),
        rss_samples.iter().cloned().fold(0.0, f64::max),
        stream_bytes as f64 / 1e6,
    );
    assert_eq!(unknown, 0, "every corpus event has a typed variant");
    assert_eq!(sub.dropped(), 0, "a blocking queue drops nothing");
}
