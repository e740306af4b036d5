//! Session and service side by side: the corpus of a real Asterisk 22
//! (133,986 events), streamed eight times over loopback by a separate
//! process, read through each path with every event decoded to [`Event`].
//!
//! `cargo bench -p ami-actions --bench service_vs_session`
//!
//! - session: one thread, `Session::next_event` + `Event::from`.
//! - service: the reader thread, one catch-all subscription (default
//!   limits and policy, keepalive on), and a consumer thread doing
//!   `Subscription::recv` + `Event::from`.
//!
//! Each path runs three times, alternating; the best run of each is
//! reported with its peak resident memory (the high-water mark is reset
//! before each run, `/proc/self/clear_refs`). Every run must account for
//! every event: received, or announced as dropped (`Incoming::Lagged`);
//! drops are printed, and the rate counts received events only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ami_actions::ami_core::Decoder;
use ami_actions::service::{Filter, Incoming, Service, ServiceOptions};
use ami_actions::{Client, Config, Event, Login};

const ROUNDS: usize = 8;
const RUNS: usize = 3;
const SERVER_ENV: &str = "AMI_BENCH_STREAM_SERVER";

fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/asterisk-22-calls.ami.gz")
}

/// The corpus's events (login answer, responses and banner left out), as
/// wire bytes, and how many there are.
fn corpus_events() -> (Vec<u8>, usize) {
    let file = std::fs::File::open(corpus_path()).expect("corpus");
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut raw).expect("gunzip");
    let mut d = Decoder::new();
    d.feed(&raw);
    d.decode_banner().expect("banner").expect("banner");
    let (mut events, mut n) = (Vec::with_capacity(raw.len()), 0);
    while let Some(m) = d.decode().expect("corpus decodes") {
        if m.event_name().is_some() {
            events.extend_from_slice(&m.to_wire());
            n += 1;
        }
    }
    (events, n)
}

/// The child process: a minimal AMI server that answers the login and then
/// streams the events `ROUNDS` times, once per connection.
fn serve(connections: usize) {
    let (events, per_round) = corpus_events();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("{} {per_round}", listener.local_addr().unwrap().port());
    std::io::stdout().flush().unwrap();
    for _ in 0..connections {
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(b"Asterisk Call Manager/11.0.0\r\n").unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.ends_with(b"\r\n\r\n") {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0, "client left during login");
            request.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&request);
        let id = text.lines().find_map(|l| l.strip_prefix("ActionID: ")).unwrap_or_default();
        let answer = format!("Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n");
        s.write_all(answer.as_bytes()).unwrap();
        for _ in 0..ROUNDS {
            for chunk in events.chunks(256 << 10) {
                if s.write_all(chunk).is_err() {
                    break;
                }
            }
        }
        // Let the client read to the end before the close.
        let _ = s.shutdown(std::net::Shutdown::Write);
        let _ = s.read(&mut buf);
    }
}

/// Peak resident memory since the last reset, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok());
    kib.unwrap_or(0.0) / 1024.0
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[derive(Clone, Copy)]
struct Run {
    events_per_s: f64,
    received: usize,
    dropped: u64,
    peak_mib: f64,
}

fn session_run(port: u16, total: usize) -> Run {
    reset_peak_rss();
    let config = Config::new("127.0.0.1", port);
    let mut session = Client::connect(&config).unwrap().login(&Login::new("bench", "bench")).unwrap();
    let start = Instant::now();
    let (mut received, mut typed) = (0usize, 0usize);
    while received < total {
        let m = session.next_event().expect("the session reads every event");
        if !Event::from(m).is_unknown() {
            typed += 1;
        }
        received += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(typed, total, "every corpus event has a typed variant");
    Run { events_per_s: received as f64 / secs, received, dropped: session.dropped_events(), peak_mib: peak_rss_mib() }
}

fn service_run(port: u16, total: usize) -> Run {
    reset_peak_rss();
    let config = Config::new("127.0.0.1", port);
    let ami = Service::new(config, Login::new("bench", "bench"), ServiceOptions::default().reconnect(None));
    let events = ami.subscribe(Filter::all());
    ami.start().unwrap();
    let start = Instant::now();
    let (mut received, mut typed, mut dropped) = (0usize, 0usize, 0u64);
    while received + (dropped as usize) < total {
        match events.recv_timeout(Duration::from_secs(30)).expect("open").expect("events keep coming") {
            Incoming::Event(m) => {
                if !Event::from(m).is_unknown() {
                    typed += 1;
                }
                received += 1;
            }
            Incoming::Lagged { dropped: n } => dropped += n,
            other => panic!("unexpected {other:?}"),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(typed, received, "every corpus event has a typed variant");
    assert_eq!(dropped, events.dropped(), "every drop was announced in-band");
    let run = Run { events_per_s: received as f64 / secs, received, dropped, peak_mib: peak_rss_mib() };
    drop(events);
    ami.close();
    run
}

fn spawn_server() -> (Child, u16, usize) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(SERVER_ENV, (2 * RUNS).to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawning the stream server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let mut parts = line.split_whitespace().map(|p| p.parse::<usize>().unwrap());
    let (port, per_round) = (parts.next().unwrap() as u16, parts.next().unwrap());
    (child, port, per_round)
}

fn main() {
    if let Ok(n) = std::env::var(SERVER_ENV) {
        serve(n.parse().unwrap());
        return;
    }
    if !corpus_path().exists() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("service_vs_session: {} is missing", corpus_path().display());
        }
        println!("service_vs_session: skipped, {} not found", corpus_path().display());
        return;
    }
    let (mut child, port, per_round) = spawn_server();
    let total = per_round * ROUNDS;
    let (mut sessions, mut services) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        sessions.push(session_run(port, total));
        services.push(service_run(port, total));
    }
    child.wait().unwrap();
    // The best run that lost nothing (a run with drops measured a consumer
    // that fell behind: shown, not taken as the figure).
    let best = |runs: &[Run]| {
        let clean = runs.iter().filter(|r| r.dropped == 0).max_by(|a, b| a.events_per_s.total_cmp(&b.events_per_s));
        clean.or_else(|| runs.iter().max_by(|a, b| a.events_per_s.total_cmp(&b.events_per_s))).copied().unwrap()
    };
    let (s, v) = (best(&sessions), best(&services));
    println!(
        "service_vs_session: {total} events per run ({per_round} x {ROUNDS}), {RUNS} runs each, every event decoded to Event"
    );
    for (name, runs, b) in [("session", &sessions, &s), ("service", &services, &v)] {
        let all: Vec<String> = runs
            .iter()
            .map(|r| format!("{:.2} M/s {:.1} MiB {} dropped", r.events_per_s / 1e6, r.peak_mib, r.dropped))
            .collect();
        println!(
            "  {name:8} best {:>5.2} M events/s, peak RSS {:.1} MiB, dropped {}   (runs: {})",
            b.events_per_s / 1e6,
            b.peak_mib,
            b.dropped,
            all.join("; ")
        );
    }
    println!("  service / session: {:.0} %", 100.0 * v.events_per_s / s.events_per_s);
    for r in sessions.iter().chain(&services) {
        assert_eq!(r.received as u64 + r.dropped, total as u64, "every event received or counted");
    }
}
