//! `ami events`: stream events until interrupted (SIGINT, SIGTERM),
//! `--count` events have been printed, or `--duration` has passed;
//! `--filter Key=Value` keeps only the events that match every rule.
//!
//! Events come from an [`EventSource`], opened by [`open_source`]: the
//! reconnecting service handle, with one subscription made before the login
//! whose filter is the `--filter` rules, so an event that does not match is
//! never queued. Across a server restart `ami events` says on stderr that
//! the link was lost and restored, and goes on printing.
//!
//! The service's reader never waits for the output: when stdout is slower
//! than the server, the subscription's queue (`--queue-limit`) fills and
//! matching events are dropped and counted. Each gap is reported on stderr
//! when the printing reaches it; at the end one line gives the exact number
//! of matching events received and not printed (dropped, or still queued
//! when the stream stopped), and if any were dropped the exit status is 5.
//! Events still queued past `--count` are expected on a busy server: they
//! are counted in that line, but do not change the exit status.

use std::time::{Duration, Instant};

use ami_actions::service::{self, Incoming, QueueLimits, Service, ServiceOptions, Subscription};
use ami_actions::{meta, Error, Message};

use super::note;
use crate::args::EventArgs;
use crate::failure::{Code, Failure, Stage};
use crate::interrupt;
use crate::output::Printer;
use crate::settings::Settings;
use crate::suggest;

/// Events queued for the output at most, unless `--queue-limit` says.
pub const DEFAULT_QUEUE_LIMIT: usize = 100_000;

/// Longest wait for the next event before looking at the signals again.
const TICK: Duration = Duration::from_millis(100);

/// What the stream brings, in order.
#[derive(Debug)]
pub enum Next {
    /// A matching event.
    Event(Message),
    /// This many matching events are missing here: the queue was full.
    Lagged(u64),
}

/// Matching events received and not printed, counted when the stream
/// stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unprinted {
    /// Dropped because the queue was full.
    pub dropped: u64,
    /// Still queued when the stream stopped.
    pub queued: u64,
}

impl Unprinted {
    /// Both together.
    pub fn total(&self) -> u64 {
        self.dropped + self.queued
    }
}

/// Where `ami events` gets its events.
pub trait EventSource {
    /// An item already received, without waiting.
    fn try_next(&mut self) -> Option<Next>;
    /// The next item, waiting until `until`; `Ok(None)` when the time ran
    /// out.
    fn next_until(&mut self, until: Instant) -> Result<Option<Next>, Error>;
    /// Whether the link is up now.
    fn is_connected(&self) -> bool;
    /// Ends the stream (politely, if the link is up) and counts the matching
    /// events that were received and never handed out.
    fn finish(self: Box<Self>, verbose: bool) -> Unprinted;
}

/// The reconnecting handle and its subscription.
struct Reconnecting {
    service: Service,
    events: Subscription,
    verbose: bool,
}

impl Reconnecting {
    /// What `item` means to the pump; connection notices go to stderr.
    fn next(&self, item: Incoming) -> Option<Next> {
        match item {
            Incoming::Event(m) => Some(Next::Event(m)),
            Incoming::Lagged { dropped } => Some(Next::Lagged(dropped)),
            Incoming::ConnectionLost { reason } => {
                eprintln!("ami: connection lost ({reason}); reconnecting");
                None
            }
            Incoming::ConnectionRestored => {
                eprintln!("ami: connection restored (events may have been missed meanwhile)");
                None
            }
            Incoming::UnmatchedResponse(m) => {
                note(self.verbose, format!("response matching no action: {m:?}"));
                None
            }
            _ => None,
        }
    }
}

impl EventSource for Reconnecting {
    fn try_next(&mut self) -> Option<Next> {
        std::iter::from_fn(|| self.events.try_recv()).find_map(|i| self.next(i))
    }

    fn next_until(&mut self, until: Instant) -> Result<Option<Next>, Error> {
        loop {
            match self.events.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Err(_closed) => {
                    return Err(Error::NotSent { action: "events".into(), reason: "the service stopped".into() })
                }
                Ok(None) => return Ok(None),
                Ok(Some(item)) => {
                    if let Some(next) = self.next(item) {
                        return Ok(Some(next));
                    }
                }
            }
        }
    }

    fn is_connected(&self) -> bool {
        self.service.is_connected()
    }

    fn finish(self: Box<Self>, verbose: bool) -> Unprinted {
        let Reconnecting { service, events, .. } = *self;
        let connected = service.is_connected();
        // The Logoff's answer comes after everything the server sent before
        // it, so once it is in, every event up to the end of the session
        // has been queued or dropped; then the service stops and nothing
        // more is queued. What is left in the queue is counted, not printed.
        service.close();
        note(verbose, if connected { "logged off" } else { "stopped" });
        let mut queued = 0;
        while let Some(item) = events.try_recv() {
            if matches!(item, Incoming::Event(_)) {
                queued += 1;
            }
        }
        Unprinted { dropped: events.dropped(), queued }
    }
}

/// Opens the event stream: subscribe with `rules` as the filter, connect
/// and log in (every event the user may read), then keep the link up,
/// reconnecting when it drops. At most `queue_limit` events wait for the
/// output (and 16 MiB of them, or `queue_limit` KiB if that is more).
pub fn open_source(
    settings: &Settings,
    rules: Rules,
    queue_limit: usize,
    verbose: bool,
) -> Result<Box<dyn EventSource>, Failure> {
    note(verbose, format!("connecting to {}", settings.describe()));
    // Keepalive notices a link that went silent.
    let options = ServiceOptions::default().keepalive(Some(Duration::from_secs(30)), Duration::from_secs(10));
    let limits =
        QueueLimits::new(queue_limit, (QueueLimits::default().max_bytes).max(queue_limit.saturating_mul(1024)));
    let service = Service::new(settings.config(), settings.login(), options);
    // Made before the login, so it misses nothing; the rules run on the
    // reader thread, so a queue full of events nobody asked for never
    // causes a drop.
    let filter =
        if rules.is_empty() { service::Filter::all() } else { service::Filter::predicate(move |m| rules.matches(m)) };
    let events = service.subscribe_with(filter, limits);
    service.start().map_err(|e| {
        let f = Failure::from_ami(&e, Stage::Connect);
        Failure { message: format!("{}: {}", settings.describe(), f.message), ..f }
    })?;
    note(verbose, "logged in");
    Ok(Box::new(Reconnecting { service, events, verbose }))
}

/// Streams events to `printer`.
pub fn run(settings: &Settings, args: &EventArgs, printer: &mut Printer, verbose: bool) -> Result<(), Failure> {
    let rules = Rules::new(&args.filters);
    let mut source = open_source(settings, rules, args.queue_limit.unwrap_or(DEFAULT_QUEUE_LIMIT), verbose)?;
    interrupt::install();
    let until = args.duration.map(|d| Instant::now() + d);
    let mut tally = Tally::default();
    let result = pump(&mut *source, args.count, until, printer, &mut tally);
    let flushed = printer.flush().map_err(Failure::output);
    note(verbose, format!("{} event(s) printed", tally.printed));
    if let Some(signal) = interrupt::requested() {
        note(verbose, format!("stopped by {signal}"));
    }
    // Ending while the server is still away is a connection failure.
    let connected = source.is_connected();
    let unprinted = source.finish(verbose);
    let result = match result.and(flushed) {
        Ok(()) if !connected => Err(Failure::connection("the connection was lost and not restored")),
        other => other,
    };
    match result {
        // The reader of our output went away: it wanted no more.
        Err(f) if f.code == Code::OutputClosed => Err(f),
        Ok(()) if unprinted.dropped > 0 => Err(Failure::dropped(summary(unprinted))),
        Ok(()) => {
            if unprinted.total() > 0 {
                eprintln!("ami: {}", summary(unprinted));
            }
            Ok(())
        }
        Err(f) => {
            // A failure says more than the drops; they are still reported.
            if unprinted.total() > 0 {
                eprintln!("ami: {}", summary(unprinted));
            }
            Err(f)
        }
    }
}

/// The closing line about events received and not printed.
fn summary(u: Unprinted) -> String {
    let total = u.total();
    format!(
        "{total} matching event{} received but not printed ({} dropped, {} still queued)",
        if total == 1 { "" } else { "s" },
        u.dropped,
        u.queued
    )
}

/// What the pump did.
#[derive(Debug, Default)]
struct Tally {
    /// Events printed.
    printed: u64,
    /// Events reported missing so far.
    lagged: u64,
}

/// Moves events from `source` to `printer` until the count or the time is
/// reached, a signal asks to stop, or the stream fails. Gaps are reported
/// on stderr where the printing reaches them.
fn pump(
    source: &mut dyn EventSource,
    count: Option<u64>,
    until: Option<Instant>,
    printer: &mut Printer,
    tally: &mut Tally,
) -> Result<(), Failure> {
    loop {
        if count == Some(tally.printed)
            || until.is_some_and(|t| Instant::now() >= t)
            || interrupt::requested().is_some()
        {
            return Ok(());
        }
        // Write out what is buffered before waiting on the network, so a
        // reader down a pipe sees events without waiting for a full buffer.
        let next = match source.try_next() {
            Some(next) => next,
            None => {
                printer.flush().map_err(Failure::output)?;
                let wake = Instant::now() + TICK;
                match source.next_until(until.map_or(wake, |t| t.min(wake))) {
                    Ok(Some(next)) => next,
                    Ok(None) => continue,
                    Err(e) => return Err(Failure::from_ami(&e, Stage::Action)),
                }
            }
        };
        match next {
            Next::Event(event) => {
                printer.event(&event).map_err(Failure::output)?;
                tally.printed += 1;
            }
            Next::Lagged(n) => {
                tally.lagged += n;
                eprintln!(
                    "ami: output too slow: {n} event{} dropped ({} so far)",
                    if n == 1 { "" } else { "s" },
                    tally.lagged
                );
            }
        }
    }
}

/// `--filter Key=Value` rules: every one must match. Keys and values
/// compare ignoring ASCII case; `*` in a value matches any run of
/// characters; a repeated header matches if any of its values does.
pub struct Rules {
    rules: Vec<(String, String)>,
}

impl Rules {
    /// Builds the rules, warning on stderr about an `Event` name that no
    /// generated event has (it may still exist: custom and newer events).
    pub fn new(rules: &[(String, String)]) -> Rules {
        for (k, v) in rules {
            if k.eq_ignore_ascii_case("Event") && !v.contains('*') && meta::event(v).is_none() {
                let close = suggest::closest(v, meta::EVENTS.iter().map(|e| e.name), 3);
                eprintln!("ami: warning: no known event is called {v:?}{}", suggest::did_you_mean(&close));
            }
        }
        Rules { rules: rules.to_vec() }
    }

    /// Whether there are no rules (every event matches).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether `msg` passes every rule.
    pub fn matches(&self, msg: &Message) -> bool {
        self.rules.iter().all(|(key, pattern)| {
            msg.headers().any(|h| h.is(key) && glob(pattern.as_bytes(), h.value().unwrap_or_default()))
        })
    }
}

/// `*`-only glob, ASCII case-insensitive.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p].eq_ignore_ascii_case(&text[t]) {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(r: &[(&str, &str)]) -> Rules {
        Rules::new(&r.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
    }

    fn ev(s: &str) -> Message {
        Message::from_frame(s.as_bytes().to_vec())
    }

    #[test]
    fn glob_matches() {
        assert!(glob(b"PJSIP/*", b"PJSIP/100-0001"));
        assert!(glob(b"*", b""));
        assert!(glob(b"a*b*c", b"aXXbYYc"));
        assert!(glob(b"hangup", b"Hangup"));
        assert!(!glob(b"PJSIP/*", b"SIP/100"));
        assert!(!glob(b"a*c", b"ab"));
        assert!(!glob(b"", b"x"));
    }

    #[test]
    fn every_rule_must_match() {
        let hangup = ev("Event: Hangup\r\nChannel: PJSIP/100-1\r\nCause: 16");
        let newexten = ev("Event: Newexten\r\nChannel: PJSIP/100-1");
        let f = rules(&[("Event", "Hangup")]);
        assert!(f.matches(&hangup) && !f.matches(&newexten));
        let f = rules(&[("event", "HANGUP"), ("Channel", "PJSIP/1*"), ("Cause", "16")]);
        assert!(f.matches(&hangup));
        let f = rules(&[("Event", "Hangup"), ("Cause", "17")]);
        assert!(!f.matches(&hangup));
        assert!(rules(&[]).matches(&newexten));
    }

    #[test]
    fn repeated_headers_match_any_value() {
        let m = ev("Event: UserEvent\r\nExten: 100\r\nExten: 200");
        assert!(rules(&[("Exten", "200")]).matches(&m));
    }
}
