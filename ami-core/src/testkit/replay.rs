//! Playing a [`Recording`] back: the recorded answers to the client's
//! actions, and the recorded events at their pace, for each connection.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::input::{action_id, lines, RequestReader};
use super::registry::SessionHandle;
use super::server::{lock, Shared, POLL};
use super::users::event_class;
use crate::record::{Direction, Recording};
use crate::{Decoder, Message, MessageKind};

/// The actions the fake answers itself while replaying.
const OWN_ACTIONS: [&str; 4] = ["login", "challenge", "ping", "logoff"];

/// How long a recorded event that carries the ActionID of a recorded action
/// (an `OriginateResponse`) waits, past its time, for the client to send
/// that action; after that it goes out with the recorded ActionID.
const GATE_WAIT: Duration = Duration::from_secs(5);

/// What the builder says about the replay.
pub(crate) struct ReplayConfig {
    pub(crate) script: Script,
    /// Recorded time is divided by this; `None`: as fast as possible.
    pub(crate) speed: Option<f64>,
    pub(crate) looping: bool,
}

/// An action the recorded client sent, and the server's answer to it.
struct RecordedAction {
    /// Lower case.
    name: String,
    /// Every header but `Action` and `ActionID`: names in lower case,
    /// sorted by name (repeated names in their order).
    params: Vec<(String, Vec<u8>)>,
    id: Option<String>,
    /// The answer's messages (the response, and the items of an event list).
    answer: Vec<Message>,
}

/// A recorded event, due `offset` after the login answer.
struct Timed {
    offset: Duration,
    class: u32,
    message: Message,
    /// The ActionID of a recorded action it carries.
    gate: Option<String>,
}

/// A recording made ready to play.
pub(crate) struct Script {
    pub(crate) name: String,
    actions: Vec<RecordedAction>,
    timeline: Vec<Timed>,
}

impl Script {
    pub(crate) fn new(recording: &Recording) -> Script {
        // The client's actions, with the time they were sent.
        let mut reader = RequestReader::default();
        let mut sent: Vec<Message> = Vec::new();
        for chunk in recording.chunks.iter().filter(|c| c.direction == Direction::Client) {
            reader.feed(&chunk.bytes);
            while let Some(r) = reader.next_request() {
                sent.push(r.message);
            }
        }
        // The server's messages, with the time they were complete.
        let mut decoder = Decoder::with_max_message_size(64 << 20);
        let mut banner = false;
        let mut received: Vec<(f64, Message)> = Vec::new();
        'chunks: for chunk in recording.chunks.iter().filter(|c| c.direction == Direction::Server) {
            decoder.feed(&chunk.bytes);
            if !banner {
                match decoder.decode_banner() {
                    Ok(Some(_)) => banner = true,
                    Ok(None) => continue,
                    Err(_) => break,
                }
            }
            loop {
                match decoder.decode() {
                    Ok(Some(m)) => received.push((chunk.at, m)),
                    Ok(None) => break,
                    Err(_) => break 'chunks,
                }
            }
        }

        let name_of = |m: &Message| m.get_str("Action").map(|a| a.trim().to_ascii_lowercase()).unwrap_or_default();
        let id_of = |m: &Message| action_id(m).map(|id| String::from_utf8_lossy(id).into_owned());
        let login_id = sent.iter().find(|m| name_of(m) == "login").and_then(id_of);
        let login_answer = received.iter().position(|(_, m)| {
            m.kind() != MessageKind::Event
                && match &login_id {
                    Some(id) => id_of(m).as_ref() == Some(id),
                    None => m.message().is_some_and(|t| t == "Authentication accepted"),
                }
        });
        let mut actions: Vec<RecordedAction> = sent
            .iter()
            .filter(|m| !OWN_ACTIONS.contains(&name_of(m).as_str()))
            .map(|m| RecordedAction { name: name_of(m), params: params(m), id: id_of(m), answer: Vec::new() })
            .collect();

        let start = login_answer.map_or(0.0, |i| received[i].0);
        let mut timeline = Vec::new();
        let mut open_list: Option<usize> = None;
        for (i, (at, m)) in received.into_iter().enumerate() {
            let id = id_of(&m);
            let owner = id.as_ref().and_then(|id| actions.iter().position(|a| a.id.as_ref() == Some(id)));
            if m.kind() == MessageKind::Event {
                if owner.is_some() && owner == open_list {
                    if m.get_str("EventList").is_some_and(|v| v.eq_ignore_ascii_case("Complete")) {
                        open_list = None;
                    }
                    actions[owner.unwrap_or_default()].answer.push(m);
                } else if login_answer.map_or(true, |l| i > l) {
                    let class = m.get_str("Privilege").map_or(0, |p| event_class(&p));
                    let offset = Duration::from_secs_f64((at - start).max(0.0));
                    timeline.push(Timed { offset, class, message: m, gate: owner.and(id) });
                }
            } else if let Some(owner) = owner {
                if m.get_str("EventList").is_some_and(|v| v.eq_ignore_ascii_case("start")) {
                    open_list = Some(owner);
                }
                actions[owner].answer.push(m);
            }
        }
        Script { name: recording.name.clone(), actions, timeline }
    }

    /// The recorded action `request` matches (name and parameters, the
    /// ActionID aside): the first one not used yet, else the last one used.
    fn find(&self, request: &Message, used: &mut Vec<bool>) -> Option<usize> {
        used.resize(self.actions.len(), false);
        let name = request.get_str("Action").map(|a| a.trim().to_ascii_lowercase()).unwrap_or_default();
        let params = params(request);
        let matching: Vec<usize> = (0..self.actions.len())
            .filter(|&i| self.actions[i].name == name && self.actions[i].params == params)
            .collect();
        let i = matching.iter().copied().find(|&i| !used[i]).or_else(|| matching.last().copied())?;
        used[i] = true;
        Some(i)
    }

    /// Whether the fake answers `action` itself rather than from the recording.
    pub(crate) fn answers_itself(action: &str) -> bool {
        OWN_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(action))
    }
}

/// A message's parameters, for matching.
fn params(m: &Message) -> Vec<(String, Vec<u8>)> {
    let mut params: Vec<(String, Vec<u8>)> = m
        .headers()
        .filter(|h| !h.is("Action") && !h.is("ActionID"))
        .map(|h| (String::from_utf8_lossy(h.name()).to_ascii_lowercase(), h.value().unwrap_or_default().to_vec()))
        .collect();
    params.sort_by(|a, b| a.0.cmp(&b.0));
    params
}

/// `message` on the wire with its ActionID replaced by `id` (removed when
/// `id` is empty).
fn with_action_id(message: &Message, id: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.as_bytes().len() + 4);
    for line in lines(message) {
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        if line.contains(&b':') && name.trim_ascii().eq_ignore_ascii_case(b"ActionID") {
            if id.is_empty() {
                continue;
            }
            out.extend_from_slice(b"ActionID: ");
            out.extend_from_slice(id.as_bytes());
        } else {
            out.extend_from_slice(line);
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// One connection's side of the replay.
#[derive(Default)]
pub(crate) struct Playback {
    /// Recorded ActionID -> the caller's ("" when it sent none).
    matched: Mutex<HashMap<String, String>>,
    used: Mutex<Vec<bool>>,
    done: AtomicBool,
}

impl Playback {
    /// The recorded answer to `request`, as wire bytes with the caller's
    /// ActionID; `None` when nothing recorded matches.
    pub(crate) fn answer(&self, script: &Script, request: &Message) -> Option<Vec<u8>> {
        let i = script.find(request, &mut lock(&self.used))?;
        let action = &script.actions[i];
        let caller = action_id(request).map(|id| String::from_utf8_lossy(id).into_owned()).unwrap_or_default();
        if let Some(id) = &action.id {
            lock(&self.matched).insert(id.clone(), caller.clone());
        }
        let mut out = Vec::new();
        for m in &action.answer {
            out.extend(with_action_id(m, &caller));
        }
        if action.answer.is_empty() {
            // Recorded without an answer (the recording ended first): an
            // empty line, as Asterisk answers a few actions.
            out.extend_from_slice(b"\r\n");
        }
        Some(out)
    }

    /// The connection has ended: its playback stops.
    pub(crate) fn end(&self) {
        self.done.store(true, Ordering::SeqCst);
    }

    fn is_done(&self, shared: &Shared) -> bool {
        self.done.load(Ordering::SeqCst) || shared.shutdown.is_set()
    }

    /// Waits until `when`; false if the playback ended meanwhile.
    fn wait_until(&self, shared: &Shared, when: Instant) -> bool {
        loop {
            if self.is_done(shared) {
                return false;
            }
            let left = when.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            shared.shutdown.wait(left.min(POLL * 4));
        }
    }
}

/// Plays the recorded events to one logged-in connection, from now.
pub(crate) fn play(shared: Arc<Shared>, handle: Arc<SessionHandle>, playback: Arc<Playback>) {
    let Some(replay) = shared.config.replay.as_ref() else { return };
    loop {
        let base = Instant::now();
        for event in &replay.script.timeline {
            let due = match replay.speed {
                Some(speed) => base + event.offset.div_f64(speed),
                None => base,
            };
            if !playback.wait_until(&shared, due) {
                return;
            }
            let bytes = match &event.gate {
                None => event.message.to_wire(),
                Some(id) => {
                    let deadline = Instant::now() + GATE_WAIT;
                    let caller = loop {
                        if let Some(caller) = lock(&playback.matched).get(id).cloned() {
                            break Some(caller);
                        }
                        if Instant::now() >= deadline {
                            break None;
                        }
                        if !playback.wait_until(&shared, Instant::now() + POLL) {
                            return;
                        }
                    };
                    match caller {
                        Some(caller) => with_action_id(&event.message, &caller),
                        None => event.message.to_wire(),
                    }
                }
            };
            if handle.wants(event.class) {
                handle.push(&bytes);
            }
        }
        if !replay.looping || replay.script.timeline.is_empty() {
            return;
        }
    }
}
