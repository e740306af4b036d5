//! `ami record`: log in (events on, every class the user may read) and
//! record the session byte for byte, both directions, with timestamps and
//! secrets redacted, in the transcript format of [`ami_actions::record`],
//! until `--count` events, `--duration`, SIGINT or SIGTERM; then log off.
//!
//! `--out -` writes to stdout; a name ending in `.gz` is gzip-compressed
//! (flate2, pure Rust).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ami_actions::record::{self, Recorder};
use flate2::write::GzEncoder;
use flate2::Compression;

use super::note;
use crate::args::RecordArgs;
use crate::failure::{Failure, Stage};
use crate::interrupt;
use crate::settings::Settings;

/// Longest wait for the next event before looking at the signals again.
const TICK: Duration = Duration::from_millis(100);

/// A gzip stream the recorder writes into, finished by [`Output::close`].
#[derive(Clone)]
struct SharedGz(Arc<Mutex<Option<GzEncoder<BufWriter<File>>>>>);

impl Write for SharedGz {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
            Some(gz) => gz.write(buf),
            None => Err(io::Error::other("the recording is closed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
            Some(gz) => gz.flush(),
            None => Ok(()),
        }
    }
}

/// Where the recording goes.
struct Output {
    recorder: Recorder,
    gz: Option<SharedGz>,
}

impl Output {
    fn open(out: &str) -> Result<Output, Failure> {
        let cannot = |e: io::Error| Failure::usage(format!("--out {out}: {e}"));
        let name = if out == "-" {
            "ami record".to_string()
        } else {
            Path::new(out.trim_end_matches(".gz"))
                .file_stem()
                .map_or("ami record".into(), |s| s.to_string_lossy().into())
        };
        if out == "-" {
            let recorder = Recorder::new(io::stdout(), &name).map_err(Failure::output)?;
            return Ok(Output { recorder, gz: None });
        }
        let file = BufWriter::new(File::create(out).map_err(cannot)?);
        if out.ends_with(".gz") {
            let gz = SharedGz(Arc::new(Mutex::new(Some(GzEncoder::new(file, Compression::default())))));
            let recorder = Recorder::new(gz.clone(), &name).map_err(cannot)?;
            Ok(Output { recorder, gz: Some(gz) })
        } else {
            Ok(Output { recorder: Recorder::new(file, &name).map_err(cannot)?, gz: None })
        }
    }

    /// Writes the rest, flushes, and ends the gzip stream.
    fn close(self) -> io::Result<()> {
        self.recorder.finish()?;
        if let Some(gz) = self.gz {
            if let Some(gz) = gz.0.lock().unwrap_or_else(PoisonError::into_inner).take() {
                gz.finish()?.flush()?;
            }
        }
        Ok(())
    }
}

/// Records until the count, the duration or a signal.
pub fn run(settings: &Settings, args: &RecordArgs, verbose: bool) -> Result<(), Failure> {
    let output = Output::open(&args.out)?;
    note(verbose, format!("connecting to {}", settings.describe()));
    let fail = |e: ami_actions::Error| {
        let f = Failure::from_ami(&e, Stage::Connect);
        Failure { message: format!("{}: {}", settings.describe(), f.message), ..f }
    };
    let result = record::connect(&settings.config(), output.recorder.clone())
        .and_then(|client| client.login(&settings.login()))
        .map_err(fail)
        .and_then(|mut session| {
            note(verbose, "logged in; recording");
            interrupt::install();
            let until = args.duration.map(|d| Instant::now() + d);
            let mut events = 0u64;
            let outcome = loop {
                if args.count == Some(events)
                    || until.is_some_and(|t| Instant::now() >= t)
                    || interrupt::requested().is_some()
                {
                    break Ok(());
                }
                let wake = Instant::now() + TICK;
                match session
                    .next_event_timeout(until.map_or(wake, |t| t.min(wake)).saturating_duration_since(Instant::now()))
                {
                    Ok(Some(_)) => events += 1,
                    Ok(None) => {}
                    Err(e) => break Err(Failure::from_ami(&e, Stage::Action)),
                }
            };
            note(verbose, format!("{events} event(s) recorded"));
            if outcome.is_ok() {
                super::logoff(session, verbose);
            }
            outcome
        });
    let closed =
        output.close().map_err(|e| Failure::output(io::Error::new(e.kind(), format!("--out {}: {e}", args.out))));
    result.and(closed)
}
