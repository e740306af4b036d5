//! Builds the seed corpora of the fuzz targets into `fuzz/corpus/<target>/`
//! (ignored by git) from the shared data and the crate's fixtures:
//!
//! - the raw transcripts (`shared/spec-upstream/transcripts/*.txt`): each
//!   server stream whole (cut where the recorded `recv()`s ended) and each
//!   message alone; every action the client sent, for `encode`, and a few
//!   actions exactly at and one past the server's line and line-count limits;
//! - `ami-core/tests/fixtures/*.ami`, whole and per message;
//! - about 200 messages of `shared/bench/asterisk-22-calls.ami.gz`, at most
//!   12 per event type, spread over the whole file.
//!
//! ```text
//! cd ami-core/fuzz && cargo run --release --example build_seeds [SHARED_DIR]
//! ```
//!
//! SHARED_DIR defaults to `$AMI_SHARED`, then `../../../shared` from this crate.

#[allow(dead_code)]
#[path = "../../tests/support/transcript.rs"]
mod transcript;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use ami_core::{Decoder, Message};
use ami_core_fuzz::{typed_event_input, CodecInput, EncodeInput};
use transcript::{Direction, Transcript};

struct Corpus {
    root: PathBuf,
    counts: BTreeMap<&'static str, usize>,
}

impl Corpus {
    fn add(&mut self, target: &'static str, data: &[u8]) {
        // FNV-1a names: the same seed is written once.
        let h = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("seed-{h:016x}"));
        if !path.exists() {
            fs::write(&path, data).unwrap();
            *self.counts.entry(target).or_default() += 1;
        }
    }

    /// A whole stream for `codec`, with a few limits and cut sets.
    fn stream(&mut self, stream: &[u8], banner: bool, cuts: &[usize]) {
        let cuts16: Vec<u16> = cuts.iter().map(|&c| c.min(u16::MAX as usize) as u16).collect();
        let mut data = stream;
        if data.len() > 60_000 {
            data = &data[..60_000];
        }
        self.add("codec", &CodecInput::build(banner, false, None, &cuts16, data));
        self.add("codec", &CodecInput::build(banner, true, Some(512), &cuts16, data));
        self.add("codec", &CodecInput::build(banner, false, Some(100), &[], data));
    }

    /// One message frame, for `codec` (as a stream) and `typed_event`.
    fn frame(&mut self, frame: &[u8]) {
        let mut wire = frame.to_vec();
        wire.extend_from_slice(b"\r\n\r\n");
        let mid = (wire.len() / 2) as u16;
        let limit = (frame.len() as u16).max(64);
        self.add("codec", &CodecInput::build(false, false, Some(limit), &[mid], &wire));
        self.add("typed_event", &typed_event_input(frame));
    }
}

fn frames(stream: &[u8], banner: bool) -> Vec<Message> {
    let mut d = Decoder::new();
    d.feed(stream);
    if banner {
        let _ = d.decode_banner();
    }
    let mut out = Vec::new();
    while let Ok(Some(m)) = d.decode() {
        out.push(m);
    }
    out
}

/// One client action: name, ActionID, other headers.
type ClientAction = (String, Option<String>, Vec<(String, String)>);

/// Client actions of a transcript.
fn actions(client: &[u8]) -> Vec<ClientAction> {
    frames(client, false)
        .iter()
        .map(|m| {
            let mut name = String::new();
            let mut id = None;
            let mut pairs = Vec::new();
            for h in m.headers() {
                if h.is("Action") && name.is_empty() {
                    name = h.value_str().into_owned();
                } else if h.is("ActionID") && id.is_none() {
                    id = Some(h.value_str().into_owned());
                } else {
                    pairs.push((h.name_str().into_owned(), h.value_str().into_owned()));
                }
            }
            (name, id, pairs)
        })
        .collect()
}

fn main() {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("AMI_SHARED").map(PathBuf::from))
        .unwrap_or_else(|| here.join("../../../shared"));
    assert!(shared.is_dir(), "shared data not found at {} (pass its path)", shared.display());
    let mut c = Corpus { root: here.join("corpus"), counts: BTreeMap::new() };

    // Transcripts.
    let tdir = shared.join("spec-upstream/transcripts");
    let mut paths: Vec<PathBuf> = fs::read_dir(&tdir)
        .unwrap_or_else(|e| panic!("{}: {e}", tdir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    for p in &paths {
        let t = Transcript::load(p).unwrap_or_else(|e| panic!("{e}"));
        let server = t.server_bytes();
        // Cut where the recorded recv() calls ended.
        let mut cuts = Vec::new();
        let mut at = 0;
        for chunk in t.chunks_from(Direction::Server) {
            at += chunk.len();
            cuts.push(at);
        }
        cuts.pop();
        c.stream(&server, true, &cuts);
        for m in frames(&server, true) {
            c.frame(m.as_bytes());
        }
        for (i, (name, id, pairs)) in actions(&t.client_bytes()).iter().enumerate() {
            c.add("encode", &EncodeInput::build(i % 2 == 1, b"", name, id.as_deref(), pairs));
        }
    }

    // The server's limits, exactly at and one past them: a 1022-byte line
    // (`Data: ` + 1016 bytes), 128 lines (Action + 127), and one more each.
    for (len, writer) in [(1016, false), (1017, true), (1016, true)] {
        let pairs = [("Data".to_string(), "x".repeat(len))];
        c.add("encode", &EncodeInput::build(writer, b"prior", "UserEvent", None, &pairs));
    }
    let vars: Vec<(String, String)> = (0..127).map(|i| ("Variable".to_string(), format!("V{i}=1"))).collect();
    for (id, writer) in [(None, false), (Some("a-1"), true), (None, true)] {
        c.add("encode", &EncodeInput::build(writer, b"", "Originate", id, &vars));
    }

    // Hand-made fixtures.
    let fdir = here.join("../tests/fixtures");
    let mut fixtures: Vec<PathBuf> = fs::read_dir(&fdir)
        .unwrap_or_else(|e| panic!("{}: {e}", fdir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ami"))
        .collect();
    fixtures.sort();
    for p in &fixtures {
        let bytes = fs::read(p).unwrap();
        c.stream(&bytes, true, &[bytes.len() / 3, bytes.len() / 2]);
        for m in frames(&bytes, true) {
            c.frame(m.as_bytes());
        }
    }

    // ~200 messages of the benchmark corpus, spread over the file.
    let gz = shared.join("bench/asterisk-22-calls.ami.gz");
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(fs::File::open(&gz).unwrap_or_else(|e| panic!("{}: {e}", gz.display())))
        .read_to_end(&mut raw)
        .unwrap();
    let all = frames(&raw, true);
    let step = (all.len() / 2000).max(1);
    let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut picked = Vec::new();
    for m in all.iter().step_by(step) {
        let kind = m.event_name().map(|s| s.into_owned()).or_else(|| m.response().map(|r| format!("Response {r}")));
        let n = per_type.entry(kind.unwrap_or_default()).or_default();
        if *n < 12 && picked.len() < 200 {
            *n += 1;
            picked.push(m);
        }
    }
    for m in &picked {
        c.frame(m.as_bytes());
    }
    // A few runs of consecutive messages, as the server sends them.
    for start in [0usize, all.len() / 3, all.len() / 2, all.len() - 40] {
        let mut s = Vec::new();
        for m in all.iter().skip(start).take(40) {
            s.extend_from_slice(&m.to_wire());
        }
        c.stream(&s, false, &[s.len() / 4, s.len() / 2, s.len() * 3 / 4]);
    }

    println!("{} transcripts, {} fixtures, {} corpus messages sampled", paths.len(), fixtures.len(), picked.len());
    for (t, n) in &c.counts {
        println!("{t}: {n} new seeds in {}", Path::new("corpus").join(t).display());
    }
}
