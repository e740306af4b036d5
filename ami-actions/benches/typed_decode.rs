//! Typed decode throughput over the 51 MB corpus of a real Asterisk 22:
//! framing plus `Event::from`, in memory. Prints events/s.
//!
//! `cargo bench -p ami-actions --bench typed_decode`

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use ami_actions::ami_core::Decoder;
use ami_actions::{Event, Message};

/// What ../shared/bench/README.md says the corpus holds.
const CORPUS_EVENTS: usize = 133_986;

fn corpus() -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/asterisk-22-calls.ami.gz");
    let file = std::fs::File::open(&path).ok()?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut out).ok()?;
    Some(out)
}

fn main() {
    let Some(bytes) = corpus() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("typed_decode: ../shared/bench/asterisk-22-calls.ami.gz is missing");
        }
        println!("typed_decode: skipped, ../shared/bench/asterisk-22-calls.ami.gz not found");
        return;
    };
    let mut best_total = f64::MAX;
    let mut best_dispatch = f64::MAX;
    let mut events = 0usize;
    for _ in 0..5 {
        // Framing + message index + typed dispatch.
        let start = Instant::now();
        let mut d = Decoder::new();
        d.feed(&bytes);
        d.decode_banner().unwrap();
        let mut n = 0usize;
        let mut unknown = 0usize;
        while let Some(m) = d.decode().unwrap() {
            if m.event_name().is_none() {
                continue;
            }
            let ev = Event::from(m);
            unknown += ev.is_unknown() as usize;
            n += 1;
        }
        best_total = best_total.min(start.elapsed().as_secs_f64());
        assert_eq!(unknown, 0);
        assert_eq!(n, CORPUS_EVENTS, "the corpus's events, every one");
        events = n;
        // Typed dispatch alone, on messages framed beforehand.
        let mut d = Decoder::new();
        d.feed(&bytes);
        d.decode_banner().unwrap();
        let mut msgs: Vec<Message> = Vec::with_capacity(140_000);
        while let Some(m) = d.decode().unwrap() {
            msgs.push(m);
        }
        let start = Instant::now();
        let typed: Vec<Event> = msgs.into_iter().map(Event::from).collect();
        best_dispatch = best_dispatch.min(start.elapsed().as_secs_f64());
        std::hint::black_box(typed);
    }
    let mb = bytes.len() as f64 / 1e6;
    println!("typed_decode: {events} events, {mb:.1} MB");
    println!(
        "  frame + decode + typed: {:.0} events/s ({:.0} MB/s, best of 5, {:.1} ms)",
        events as f64 / best_total,
        mb / best_total,
        best_total * 1e3
    );
    println!(
        "  typed dispatch only, over 134k messages framed beforehand (cache-cold): {:.0} events/s ({:.1} ms)",
        events as f64 / best_dispatch,
        best_dispatch * 1e3
    );
}
