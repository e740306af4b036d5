//! LiveState over the corpus of a real Asterisk 22 (133,986 events of 2,000
//! calls): events/s through `LiveState::apply`, beside the typed decode
//! alone in the same run (the bytes framed, each event decoded to
//! [`Event`], as `typed_decode` measures it), and the memory one live
//! channel takes.
//!
//! `cargo bench -p ami-actions --bench live`
//!
//! It asserts what the replay must end with: no channel, no bridge, no
//! call, 2,000 calls seen and every one ended with a hangup cause.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ami_actions::ami_core::Decoder;
use ami_actions::live::{Change, LiveOptions, LiveState};
use ami_actions::{Event, Message};

/// Counts the bytes allocated and not yet freed.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CALLS: usize = 2_000;
const PASSES: usize = 5;

fn corpus() -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/asterisk-22-calls.ami.gz");
    let file = std::fs::File::open(path).ok()?;
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut raw).ok()?;
    Some(raw)
}

/// Frames `bytes` in 64 KiB feeds, as from a socket, and hands each event
/// to `each`; returns how many there were.
fn each_event(bytes: &[u8], mut each: impl FnMut(Event)) -> usize {
    let mut d = Decoder::new();
    let mut n = 0;
    let mut banner = false;
    for chunk in bytes.chunks(64 << 10) {
        d.feed(chunk);
        if !banner {
            banner = d.decode_banner().expect("banner").is_some();
        }
        while let Some(m) = d.decode().expect("the corpus decodes") {
            if m.contains("Event") {
                each(Event::from(m));
                n += 1;
            }
        }
    }
    n
}

fn main() {
    let Some(bytes) = corpus() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("live: ../shared/bench/asterisk-22-calls.ami.gz is missing");
        }
        println!("live: skipped, ../shared/bench/asterisk-22-calls.ami.gz not found");
        return;
    };
    let n = each_event(&bytes, |_| {});

    // Three measurements, interleaved pass by pass so that they share the
    // machine's load: the typed decode alone; the same applied to a
    // LiveState; and the same with a change handler that counts the calls
    // ended.
    let (mut decode_best, mut live_best, mut handler_best) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..PASSES {
        let start = Instant::now();
        let mut typed = 0usize;
        each_event(&bytes, |e| typed += usize::from(!e.is_unknown()));
        decode_best = decode_best.min(start.elapsed().as_secs_f64());
        assert_eq!(typed, n);

        let live = LiveState::new(LiveOptions::default());
        let start = Instant::now();
        each_event(&bytes, |e| live.apply(&e));
        live_best = live_best.min(start.elapsed().as_secs_f64());
        let end = live.snapshot();
        assert_eq!((end.channels.len(), end.bridges.len(), end.calls.len()), (0, 0, 0), "{live:?}");

        let live = LiveState::new(LiveOptions::default());
        let ended = Arc::new(Mutex::new((0usize, 0usize)));
        let e = ended.clone();
        live.on_change(move |c| {
            if let Change::CallEnded(call) = c {
                let mut e = e.lock().unwrap();
                e.0 += 1;
                e.1 += usize::from(call.cause.is_some());
            }
        });
        let start = Instant::now();
        each_event(&bytes, |e| live.apply(&e));
        handler_best = handler_best.min(start.elapsed().as_secs_f64());
        let end = live.snapshot();
        assert_eq!((end.channels.len(), end.bridges.len(), end.calls.len()), (0, 0, 0), "{live:?}");
        assert_eq!(*ended.lock().unwrap(), (CALLS, CALLS), "every call ended, each with its cause");
    }

    // Memory per live channel: 10,000 channels up at once.
    let live = LiveState::new(LiveOptions::default());
    let channels: Vec<Event> = (0..10_000)
        .map(|i| {
            let id = format!("1700000000.{i}");
            Event::from(Message::from_pairs([
                ("Event", "Newchannel"),
                ("Privilege", "call,all"),
                ("Channel", &format!("PJSIP/{}-{i:08x}", 1000 + i % 500)),
                ("ChannelState", "4"),
                ("ChannelStateDesc", "Ring"),
                ("CallerIDNum", "+4930123456"),
                ("CallerIDName", "Reception"),
                ("ConnectedLineNum", "<unknown>"),
                ("ConnectedLineName", "<unknown>"),
                ("Language", "en"),
                ("AccountCode", ""),
                ("Context", "from-internal"),
                ("Exten", "200"),
                ("Priority", "1"),
                ("Uniqueid", &id),
                ("Linkedid", &id),
            ]))
        })
        .collect();
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    for e in &channels {
        live.apply(e);
    }
    let per_channel = (LIVE_BYTES.load(Ordering::Relaxed) - before) as f64 / channels.len() as f64;
    assert_eq!(live.snapshot().channels.len(), channels.len());

    let rate = |secs: f64| n as f64 / secs;
    println!("live: {n} events of {CALLS} calls, best of {PASSES} interleaved passes");
    println!("  typed decode alone          {:>6.2} M events/s", rate(decode_best) / 1e6);
    println!(
        "  decode + LiveState          {:>6.2} M events/s ({:.0} % of the decode alone)",
        rate(live_best) / 1e6,
        100.0 * decode_best / live_best
    );
    println!(
        "  the same, with a handler    {:>6.2} M events/s ({:.0} %)",
        rate(handler_best) / 1e6,
        100.0 * decode_best / handler_best
    );
    println!("  memory: {per_channel:.0} bytes per live channel (its call included), 10,000 channels up");
}
