//! Throughput of the codec over the real Asterisk 22 corpus.
//!
//! `cargo bench -p ami-core --bench framing`
//!
//! Decompresses ../shared/bench/asterisk-22-calls.ami.gz (51 MB, 135,988
//! messages) into memory once, then feeds it to a [`Decoder`] in 64 KiB
//! chunks, as a socket would, and times three modes, best of N passes:
//!
//! - `frames`: framing only (`decode_frame`, counting frames);
//! - `headers`: framing plus the header split, no allocation per header
//!   (iterating [`Headers`] over each frame, touching every key and value);
//! - `messages`: full owned [`Message`] decode (`Decoder::decode`).
//!
//! Run without `--bench` (as `cargo test --benches` does) it makes one quick
//! pass over the first few megabytes, to check that it works. When the data
//! is missing it prints a skip line and exits 0, or fails under `CI=true`.

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ami_core::{Decoder, Headers, Message};

const CHUNK: usize = 64 * 1024;
/// What ../shared/bench/README.md says the corpus holds, after the banner.
const CORPUS_MESSAGES: u64 = 135_988;
const CORPUS_BYTES: usize = 51_088_120;

fn corpus_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/asterisk-22-calls.ami.gz")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Totals of one pass; equal across passes, checked against each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Pass {
    messages: u64,
    /// Sum of what the mode touched (frame, key and value lengths), so the
    /// work cannot be optimised away.
    touched: u64,
}

fn new_decoder(data: &[u8]) -> (Decoder, usize) {
    let mut d = Decoder::new();
    // The banner arrives on its own, before the stream proper.
    let end = data.windows(2).position(|w| w == b"\r\n").expect("banner line") + 2;
    d.feed(&data[..end]);
    d.decode_banner().expect("banner").expect("complete banner");
    (d, end)
}

/// Feeds the stream in socket-sized chunks and hands each borrowed frame
/// to `touch`, which returns how many bytes it looked at.
fn each_frame(data: &[u8], mut touch: impl FnMut(&[u8]) -> u64) -> Pass {
    let (mut d, start) = new_decoder(data);
    let mut p = Pass::default();
    for chunk in data[start..].chunks(CHUNK) {
        d.feed(chunk);
        while let Some(f) = d.decode_frame().expect("frame") {
            p.messages += 1;
            p.touched += touch(f);
        }
    }
    assert!(!d.has_partial());
    p
}

fn frames(data: &[u8]) -> Pass {
    each_frame(data, |f| f.len() as u64)
}

fn headers(data: &[u8]) -> Pass {
    each_frame(data, |f| {
        Headers::new(f).map(|h| h.name().len() as u64 + h.value().map_or(0, |v| v.len() as u64 + 1)).sum()
    })
}

fn messages(data: &[u8]) -> Pass {
    let (mut d, start) = new_decoder(data);
    let mut p = Pass::default();
    for chunk in data[start..].chunks(CHUNK) {
        d.feed(chunk);
        while let Some(m) = d.decode().expect("message") {
            let m: Message = black_box(m);
            p.messages += 1;
            p.touched += m.len() as u64;
        }
    }
    assert!(!d.has_partial());
    p
}

fn run(name: &str, data: &[u8], passes: usize, f: fn(&[u8]) -> Pass) -> Pass {
    let mut best = Duration::MAX;
    let mut first: Option<Pass> = None;
    for _ in 0..passes {
        let t = Instant::now();
        let p = black_box(f(black_box(data)));
        best = best.min(t.elapsed());
        match first {
            None => first = Some(p),
            Some(q) => assert_eq!(p, q, "{name}: passes disagree"),
        }
    }
    let p = first.unwrap();
    let secs = best.as_secs_f64();
    println!(
        "{name:<9} {:>9.1} MB/s {:>12.0} messages/s   best of {passes}: {:>8.2} ms  ({} messages, checksum {})",
        data.len() as f64 / secs / 1e6,
        p.messages as f64 / secs,
        secs * 1e3,
        p.messages,
        p.touched,
    );
    p
}

fn main() -> ExitCode {
    let path = corpus_path();
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if in_ci() => {
            eprintln!("framing bench: cannot open {}: {e} (CI=true: the corpus is required)", path.display());
            return ExitCode::FAILURE;
        }
        Err(e) => {
            println!("framing bench SKIPPED: cannot open {}: {e}", path.display());
            return ExitCode::SUCCESS;
        }
    };
    let full = std::env::args().any(|a| a == "--bench");
    let mut data = Vec::with_capacity(CORPUS_BYTES);
    // Under `cargo test` (no `--bench`): a smoke run over about 4 MB, cut at a message end.
    let limit = if full { u64::MAX } else { 5 << 20 };
    flate2::read::GzDecoder::new(file).take(limit).read_to_end(&mut data).expect("decompress the corpus");
    if full {
        assert_eq!(data.len(), CORPUS_BYTES, "corpus size changed");
    } else {
        let cut = memchr::memmem::find(&data[4 << 20..], b"\r\n\r\n").expect("a message end") + (4 << 20) + 4;
        data.truncate(cut);
    }
    let (data, passes) = (&data[..], if full { 10 } else { 1 });
    println!(
        "corpus: {} ({:.1} MB in memory, fed in {} KiB chunks){}",
        path.display(),
        data.len() as f64 / 1e6,
        CHUNK / 1024,
        if full { "" } else { "; quick check only, run `cargo bench` for figures" }
    );
    let a = run("frames", data, passes, frames);
    let b = run("headers", data, passes, headers);
    let c = run("messages", data, passes, messages);
    assert_eq!(a.messages, b.messages);
    assert_eq!(a.messages, c.messages);
    if full {
        assert_eq!(a.messages, CORPUS_MESSAGES, "message count differs from ../shared/bench/README.md");
    }
    ExitCode::SUCCESS
}
