//! The single-threaded engine under [`Client`](crate::Client) and
//! [`Session`](crate::Session): writes actions, reads until the answer
//! arrives, and queues every other message it meets.

use std::collections::VecDeque;
use std::io::{ErrorKind, Write};
use std::time::{Duration, Instant};

use crate::action::{encode_action, Action};
use crate::action_id::ActionIds;
use crate::backlog::{Backlog, Entry};
use crate::config::Config;
use crate::error::{Error, ListCut, Phase, ProtocolError};
use crate::frame::{Banner, Decoder};
use crate::logging::ami_log;
use crate::message::{Message, MessageKind};
use crate::response::{as_callers, ends_list, error_for, is_error, Response};
use crate::transport::Transport;

/// Longest banner line accepted.
const MAX_BANNER: usize = 1024;

pub(crate) struct Connection {
    transport: Box<dyn Transport>,
    decoder: Decoder,
    out: Vec<u8>,
    /// The read timeout currently set on the transport (`None`: never set).
    read_timeout: Option<Option<Duration>>,
    write_timeout_set: bool,
    config: Config,
    events: Backlog<Message>,
    unmatched: VecDeque<Message>,
    unmatched_dropped: u64,
    ids: ActionIds,
    closed: bool,
}

pub(crate) fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|t| Instant::now() + t)
}

impl Connection {
    pub(crate) fn new(transport: Box<dyn Transport>, config: Config) -> Connection {
        Connection {
            transport,
            decoder: Decoder::with_max_message_size(config.max_message_size),
            out: Vec::with_capacity(512),
            read_timeout: None,
            write_timeout_set: false,
            events: Backlog::new(config.event_queue),
            config,
            unmatched: VecDeque::new(),
            unmatched_dropped: 0,
            ids: ActionIds::new(),
            closed: false,
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn ids(&self) -> &ActionIds {
        &self.ids
    }

    /// Reads the `Asterisk Call Manager/x.y.z` line.
    pub(crate) fn read_banner(&mut self) -> Result<Banner, Error> {
        let until = deadline(self.config.timeouts.handshake);
        loop {
            if let Some(banner) = self.decoder.decode_banner()? {
                return check_banner(banner);
            }
            let pending = self.decoder.buffered();
            if pending.len() > MAX_BANNER || pending.contains(&0) {
                return Err(ProtocolError::BadBanner { received: preview(pending) }.into());
            }
            self.fill(until, Phase::Banner)?;
        }
    }

    /// Reads more bytes, waiting at most until `until`.
    fn fill(&mut self, until: Option<Instant>, phase: Phase) -> Result<(), Error> {
        if self.closed {
            return Err(Error::ConnectionClosed { phase });
        }
        let timeout = match until {
            None => None,
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left.max(Duration::from_millis(1))),
                _ => return Err(Error::Timeout { phase }),
            },
        };
        if self.read_timeout != Some(timeout) {
            self.transport.set_read_timeout(timeout).map_err(|e| Error::io(phase, e))?;
            self.read_timeout = Some(timeout);
        }
        match self.decoder.read_from(&mut *self.transport) {
            Ok(0) => {
                self.closed = true;
                if self.decoder.has_partial() {
                    Err(ProtocolError::Truncated.into())
                } else {
                    Err(Error::ConnectionClosed { phase })
                }
            }
            Ok(_) => Ok(()),
            Err(e) if e.kind() == ErrorKind::Interrupted => Ok(()),
            Err(e) => {
                let err = Error::io(phase, e);
                if !err.is_timeout() {
                    self.closed = true;
                }
                Err(err)
            }
        }
    }

    /// The next message off the wire (not from the queues).
    fn read_message(&mut self, until: Option<Instant>, phase: Phase) -> Result<Message, Error> {
        loop {
            match self.decoder.decode() {
                Ok(Some(m)) => return Ok(m),
                Ok(None) => self.fill(until, phase)?,
                Err(e) => {
                    self.closed = true;
                    return Err(e.into());
                }
            }
        }
    }

    /// Keeps a message nobody is waiting for: events for the event queue
    /// (bounded, gaps marked), anything else for the unmatched queue (which
    /// drops its oldest past the same item limit, counted).
    fn stash(&mut self, m: Message) {
        if m.kind() == MessageKind::Event {
            self.events.push(m);
            return;
        }
        if self.unmatched.len() >= self.config.event_queue.max_items {
            self.unmatched.pop_front();
            self.unmatched_dropped += 1;
        }
        self.unmatched.push_back(m);
    }

    /// Writes one action with a fresh ActionID, or the wire form of its
    /// own; returns the ActionID as written. An action that could not be
    /// written whole is [`Error::NotSent`] (the connection is closed at
    /// once, so the server never acts on a part).
    pub(crate) fn write_action(&mut self, action: &dyn Action) -> Result<String, Error> {
        let id = match action.action_id() {
            Some(own) => self.ids.own(own)?,
            None => self.ids.next_id(),
        };
        self.out.clear();
        encode_action(action, Some(&id), &mut self.out)?;
        let not_sent = |reason: String| Error::NotSent { action: action.action_name().to_owned(), reason };
        if self.closed {
            return Err(not_sent("the connection is closed".into()));
        }
        if !self.write_timeout_set {
            self.transport.set_write_timeout(self.config.timeouts.write).map_err(|e| not_sent(e.to_string()))?;
            self.write_timeout_set = true;
        }
        let written = self.transport.write_all(&self.out).and_then(|_| self.transport.flush());
        if let Err(e) = written {
            self.shutdown();
            return Err(not_sent(Error::io(Phase::Write, e).to_string()));
        }
        Ok(id)
    }

    /// Sends `action` and waits for its response (and list items), within
    /// `timeout`. An action with an id of its own gets it back in the answer.
    pub(crate) fn request(
        &mut self,
        action: &dyn Action,
        timeout: Option<Duration>,
        phase: Phase,
    ) -> Result<Response, Error> {
        let until = deadline(timeout);
        let id = self.write_action(action)?;
        if !action.expects_response() {
            // Its answer is no message (IAXnetstats: a bare empty line, which
            // the decoder skips as the gap between messages): nothing to wait for.
            ami_log!(debug, "sent {} (ActionID {id})", action.action_name());
            return Ok(Response::synthetic());
        }
        as_callers(self.await_response(action, &id, until, phase), action.action_id())
    }

    /// Waits for the response (and list items) carrying ActionID `id`, as sent.
    pub(crate) fn await_response(
        &mut self,
        action: &dyn Action,
        id: &str,
        until: Option<Instant>,
        phase: Phase,
    ) -> Result<Response, Error> {
        ami_log!(debug, "sent {} (ActionID {id})", action.action_name());
        let response = loop {
            let m = self.read_message(until, phase)?;
            let is_answer = matches!(m.kind(), MessageKind::Response | MessageKind::Follows);
            if is_answer && m.get("ActionID") == Some(id.as_bytes()) {
                break m;
            }
            self.stash(m);
        };
        if is_error(&response) {
            return Err(error_for(action.action_name(), response));
        }
        let mut response = Response::new(response);
        if response.is_list() {
            let incomplete = |cut, partial| Error::ListIncomplete {
                action: action.action_name().to_owned(),
                cut,
                partial: Box::new(partial),
            };
            loop {
                let m = match self.read_message(until, phase) {
                    Ok(m) => m,
                    Err(e) if e.is_timeout() => return Err(incomplete(ListCut::TimedOut, response)),
                    Err(e) => return Err(e),
                };
                if m.kind() == MessageKind::Event && m.get("ActionID") == Some(id.as_bytes()) {
                    if ends_list(&m) {
                        response.complete(m);
                        break;
                    }
                    let limit = self.config.max_list_items;
                    if response.items().len() >= limit {
                        self.stash(m);
                        self.absorb_buffered();
                        return Err(incomplete(ListCut::TooManyItems { limit }, response));
                    }
                    response.push_item(m);
                } else {
                    self.stash(m);
                }
            }
        }
        self.absorb_buffered();
        Ok(response)
    }

    /// Moves every complete message already received into the queues, so
    /// events that came in the same read as a response are counted and
    /// readable without touching the network. A framing error is left for
    /// the next read to report.
    fn absorb_buffered(&mut self) {
        while let Ok(Some(m)) = self.decoder.decode() {
            self.stash(m);
        }
    }

    /// The next queued event (a gap as [`Error::EventsDropped`]), if any.
    fn pop_event(&mut self) -> Result<Option<Message>, Error> {
        match self.events.pop() {
            Some(Entry::Item(m)) => Ok(Some(m)),
            Some(Entry::Gap(count)) => Err(Error::EventsDropped { count }),
            None => Ok(None),
        }
    }

    /// The next queued event, or the next one off the wire before `until`.
    /// `Ok(None)` when the time ran out.
    pub(crate) fn next_event(&mut self, until: Option<Instant>) -> Result<Option<Message>, Error> {
        loop {
            if let Some(e) = self.pop_event()? {
                return Ok(Some(e));
            }
            match self.read_message(until, Phase::Event) {
                Ok(m) => self.stash(m),
                Err(e) if e.is_timeout() => return Ok(None),
                Err(e) => return Err(e),
            }
        }
    }

    /// Waits for the event called `name` that carries ActionID `id`, looking
    /// in the queue first. Other messages are queued as usual.
    pub(crate) fn await_event(
        &mut self,
        id: &str,
        name: &str,
        until: Option<Instant>,
        phase: Phase,
    ) -> Result<Message, Error> {
        let wanted = |m: &Message| {
            m.get("ActionID") == Some(id.as_bytes())
                && m.get("Event").is_some_and(|e| e.eq_ignore_ascii_case(name.as_bytes()))
        };
        if let Some(m) = self.events.take_first(wanted) {
            return Ok(m);
        }
        loop {
            let m = self.read_message(until, phase)?;
            if wanted(&m) {
                return Ok(m);
            }
            self.stash(m);
        }
    }

    pub(crate) fn queued_events(&self) -> usize {
        self.events.items()
    }

    pub(crate) fn take_unmatched(&mut self) -> Option<Message> {
        self.unmatched.pop_front()
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.events.dropped() + self.unmatched_dropped
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    pub(crate) fn shutdown(&mut self) {
        self.closed = true;
        self.transport.shutdown();
    }
}

/// What a logged-in connection hands over to the service's reader thread.
pub(crate) struct Parts {
    pub(crate) transport: Box<dyn Transport>,
    pub(crate) decoder: Decoder,
    pub(crate) events: Backlog<Message>,
    pub(crate) unmatched: VecDeque<Message>,
}

/// Stands in for the transport of a connection that was taken apart.
struct Detached;

impl std::io::Read for Detached {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Ok(0)
    }
}

impl Write for Detached {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(ErrorKind::NotConnected.into())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Transport for Detached {
    fn set_read_timeout(&mut self, _: Option<Duration>) -> std::io::Result<()> {
        Ok(())
    }
    fn set_write_timeout(&mut self, _: Option<Duration>) -> std::io::Result<()> {
        Ok(())
    }
}

impl Connection {
    /// Takes the connection apart, with everything it has received but not
    /// handed out. Clears any read timeout set on the transport.
    pub(crate) fn into_parts(mut self) -> Result<Parts, Error> {
        self.transport.set_read_timeout(None).map_err(|e| Error::io(Phase::Event, e))?;
        Ok(Parts {
            transport: std::mem::replace(&mut self.transport, Box::new(Detached)),
            decoder: std::mem::take(&mut self.decoder),
            events: std::mem::replace(&mut self.events, Backlog::new(self.config.event_queue)),
            unmatched: std::mem::take(&mut self.unmatched),
        })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.transport.shutdown();
    }
}

fn preview(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned()
}

/// Any printable line is a banner (servers and proxies differ); control
/// bytes mean the peer is not speaking AMI.
fn check_banner(banner: Banner) -> Result<Banner, Error> {
    let bad = banner.line().chars().any(|c| c.is_control() && c != '\t' || c == '\u{fffd}');
    if bad || banner.line().trim().is_empty() {
        return Err(ProtocolError::BadBanner { received: preview(banner.line().as_bytes()) }.into());
    }
    Ok(banner)
}
