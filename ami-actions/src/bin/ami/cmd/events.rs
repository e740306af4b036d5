//! `ami events`: stream events until interrupted, `--count` events have
//! been printed, or `--duration` has passed; `--filter Key=Value` keeps only
//! the events that match every filter.
//!
//! Events come from an [`EventSource`], opened by [`open_source`]: the
//! reconnecting service handle. Across a server restart `ami events` says on
//! stderr that the link was lost and restored, and goes on printing.

use std::time::{Duration, Instant};

use ami_actions::service::{Incoming, Service, ServiceOptions, Subscription};
use ami_actions::{meta, Error, Message};

use super::note;
use crate::args::EventArgs;
use crate::failure::{Failure, Stage};
use crate::output::Printer;
use crate::settings::Settings;
use crate::suggest;

/// Where `ami events` gets its events.
pub trait EventSource {
    /// An event already received, without waiting.
    fn try_next(&mut self) -> Option<Message>;
    /// The next event, waiting until `until` (`None`: for ever); `Ok(None)`
    /// when the time ran out.
    fn next_until(&mut self, until: Option<Instant>) -> Result<Option<Message>, Error>;
    /// Events lost because a queue was full.
    fn dropped(&self) -> u64;
    /// Whether the link is up now.
    fn is_connected(&self) -> bool;
    /// Ends the stream politely.
    fn close(self: Box<Self>, verbose: bool);
}

/// The reconnecting handle and its catch-all subscription.
struct Reconnecting {
    service: Service,
    events: Subscription,
    verbose: bool,
}

impl Reconnecting {
    /// An event from `item`; connection notices go to stderr.
    fn event(&self, item: Incoming) -> Option<Message> {
        match item {
            Incoming::Event(m) => Some(m),
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
    fn try_next(&mut self) -> Option<Message> {
        std::iter::from_fn(|| self.events.try_recv()).find_map(|i| self.event(i))
    }

    fn next_until(&mut self, until: Option<Instant>) -> Result<Option<Message>, Error> {
        loop {
            let item = match until {
                None => self.events.recv().map(Some),
                Some(t) => self.events.recv_timeout(t.saturating_duration_since(Instant::now())),
            };
            match item {
                Err(_closed) => {
                    return Err(Error::NotSent { action: "events".into(), reason: "the service stopped".into() })
                }
                Ok(None) => return Ok(None),
                Ok(Some(item)) => {
                    if let Some(m) = self.event(item) {
                        return Ok(Some(m));
                    }
                }
            }
        }
    }

    fn dropped(&self) -> u64 {
        self.events.dropped()
    }

    fn is_connected(&self) -> bool {
        self.service.is_connected()
    }

    fn close(self: Box<Self>, verbose: bool) {
        self.service.close();
        note(verbose, "logged off");
    }
}

/// Opens the event stream: connect and log in (every event the user may
/// read), then keep the link up, reconnecting when it drops.
pub fn open_source(settings: &Settings, verbose: bool) -> Result<Box<dyn EventSource>, Failure> {
    note(verbose, format!("connecting to {}", settings.describe()));
    // Keepalive notices a link that went silent; the event queue blocks the
    // reader rather than drop events when stdout is slow.
    let options = ServiceOptions::default().keepalive(Some(Duration::from_secs(30)), Duration::from_secs(10));
    let service = Service::new(settings.config(), settings.login(), options);
    let events = service.subscribe(ami_actions::service::Filter::all());
    service.start().map_err(|e| {
        let f = Failure::from_ami(&e, Stage::Connect);
        Failure { message: format!("{}: {}", settings.describe(), f.message), ..f }
    })?;
    note(verbose, "logged in");
    Ok(Box::new(Reconnecting { service, events, verbose }))
}

/// Streams events to `printer`.
pub fn run(settings: &Settings, args: &EventArgs, printer: &mut Printer, verbose: bool) -> Result<(), Failure> {
    let filter = Filter::new(&args.filters);
    let mut source = open_source(settings, verbose)?;
    let until = args.duration.map(|d| Instant::now() + d);
    let mut printed: u64 = 0;
    let result = pump(&mut *source, &filter, args.count, until, printer, &mut printed);
    let flushed = printer.flush().map_err(Failure::output);
    note(verbose, format!("{printed} event(s) printed"));
    let dropped = source.dropped();
    if dropped > 0 {
        eprintln!("ami: warning: {dropped} event(s) were dropped (queue full)");
    }
    // Ending while the server is still away is a connection failure.
    let result = match result {
        Ok(()) if !source.is_connected() => Err(Failure::connection("the connection was lost and not restored")),
        other => other,
    };
    if result.is_ok() {
        source.close(verbose);
    }
    result.and(flushed)
}

/// Moves events from `source` to `printer` until the count or the time is
/// reached, or the stream fails.
fn pump(
    source: &mut dyn EventSource,
    filter: &Filter,
    count: Option<u64>,
    until: Option<Instant>,
    printer: &mut Printer,
    printed: &mut u64,
) -> Result<(), Failure> {
    loop {
        if count == Some(*printed) || until.is_some_and(|t| Instant::now() >= t) {
            return Ok(());
        }
        // Write out what is buffered before waiting on the network, so a
        // reader down a pipe sees events without waiting for a full buffer.
        let event = match source.try_next() {
            Some(e) => e,
            None => {
                printer.flush().map_err(Failure::output)?;
                match source.next_until(until) {
                    Ok(Some(e)) => e,
                    Ok(None) => return Ok(()),
                    Err(e) => return Err(Failure::from_ami(&e, Stage::Action)),
                }
            }
        };
        if filter.matches(&event) {
            printer.event(&event).map_err(Failure::output)?;
            *printed += 1;
        }
    }
}

/// `--filter Key=Value` filters: every one must match. Keys and values
/// compare ignoring ASCII case; `*` in a value matches any run of
/// characters; a repeated header matches if any of its values does.
pub struct Filter {
    rules: Vec<(String, String)>,
}

impl Filter {
    /// Builds the filter, warning on stderr about an `Event` name that no
    /// generated event has (it may still exist: custom and newer events).
    pub fn new(rules: &[(String, String)]) -> Filter {
        for (k, v) in rules {
            if k.eq_ignore_ascii_case("Event") && !v.contains('*') && meta::event(v).is_none() {
                let close = suggest::closest(v, meta::EVENTS.iter().map(|e| e.name), 3);
                eprintln!("ami: warning: no known event is called {v:?}{}", suggest::did_you_mean(&close));
            }
        }
        Filter { rules: rules.to_vec() }
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

    fn rules(r: &[(&str, &str)]) -> Filter {
        Filter::new(&r.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
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
