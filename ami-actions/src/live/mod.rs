//! Live state: channels, bridges, calls, queues, conferences, parked calls
//! and device states, kept current from events.
//!
//! A [`LiveState`] is fed by any source of events: a [`Session`] (call
//! [`apply`](LiveState::apply) with each event), a recorded stream (the
//! same, seeding optional), or a [`Service`] it follows by itself
//! ([`LiveState::follow`]). It seeds itself from the list actions
//! (`CoreShowChannels`, `BridgeList`, `QueueStatus`, `ConfbridgeListRooms`
//! and `ConfbridgeList`, `ParkedCalls`, `DeviceStateList`,
//! `ExtensionStateList`); a list the server refuses (Permission denied, no
//! such module) is reported in the [`SeedReport`] and the rest is seeded.
//!
//! Order matters and is taken care of: events are subscribed to before
//! seeding, the lists are read, then the events that arrived meanwhile are
//! applied on top, so a `Hangup` that beats its `CoreShowChannel` item
//! leaves no ghost. After a reconnect it seeds again and reports which
//! calls ended and which started while the link was down
//! ([`Change::Resynced`]).
//!
//! Queries come from any thread: [`snapshot`](LiveState::snapshot) is a
//! consistent view, cheap to take and to keep: its maps and what is in them
//! are shared with the state, not copied (the state finds channels, calls
//! and bridges by hash, and a snapshot sorts in only those that changed
//! since the previous one). Changes go to
//! [`on_change`](LiveState::on_change) handlers. Memory stays bounded on a
//! server that runs for months: hung-up channels leave at once, ended calls
//! after [`LiveOptions::ended_call_grace`] (default: at once).
//!
//! What the login needs: the event classes `call` (channels, bridges,
//! calls, parking, conferences), `agent` (queue members and callers) and,
//! for the running application, `dialplan`; and the right to run the list
//! actions (read classes `system`, `call`, `reporting`). A list refused for
//! lack of a right is reported, not fatal.
//!
//! ```
//! use ami_actions::live::{LiveOptions, LiveState};
//! use ami_actions::{Event, Message};
//!
//! let live = LiveState::new(LiveOptions::default());
//! for m in [
//!     Message::from_pairs([("Event", "Newchannel"), ("Channel", "PJSIP/100-01"), ("ChannelState", "4"),
//!         ("Uniqueid", "1.1"), ("Linkedid", "1.1"), ("CallerIDNum", "100")]),
//!     Message::from_pairs([("Event", "Hangup"), ("Channel", "PJSIP/100-01"), ("Uniqueid", "1.1"),
//!         ("Linkedid", "1.1"), ("Cause", "16"), ("Cause-txt", "Normal Clearing")]),
//! ] {
//!     live.apply(&Event::from(m));
//! }
//! let now = live.snapshot();
//! assert!(now.channels.is_empty() && now.calls.is_empty());
//! ```

mod apply;
mod fields;
mod hash;
mod indexed;
mod model;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ami_core::service::{Filter, Incoming, QueueLimits, Service};
use ami_core::{Error, Message, RawAction, Response, Session};

pub use model::{Bridge, Call, Channel, Conference, ParkedCall, Party, Queue, QueueCaller, QueueMember, Snapshot};

use crate::Event;
use apply::State;

/// How a [`LiveState`] behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveOptions {
    /// Keep each channel's variables from `VarSet` (heavy: a busy server
    /// sends many).
    pub track_variables: bool,
    /// How long an ended call stays in the snapshot (for late readers).
    pub ended_call_grace: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions { track_variables: false, ended_call_grace: apply::DEFAULT_GRACE }
    }
}

impl LiveOptions {
    /// Keep channel variables.
    pub fn track_variables(mut self, on: bool) -> Self {
        self.track_variables = on;
        self
    }

    /// Keep ended calls this long.
    pub fn ended_call_grace(mut self, grace: Duration) -> Self {
        self.ended_call_grace = grace;
        self
    }
}

/// One change to the state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// A channel appeared.
    ChannelCreated(Arc<Channel>),
    /// A channel changed (state, caller ID, name, hold...).
    ChannelUpdated(Arc<Channel>),
    /// A channel hung up (as it was last).
    ChannelHungUp {
        /// The channel.
        channel: Arc<Channel>,
        /// Its hangup cause.
        cause: Option<ami_core::HangupCause>,
    },
    /// A bridge was created.
    BridgeCreated(Arc<Bridge>),
    /// A bridge was destroyed (as it was last).
    BridgeDestroyed(Arc<Bridge>),
    /// A channel entered a bridge.
    EnteredBridge {
        /// The bridge's uniqueid.
        bridge: String,
        /// The channel's uniqueid.
        channel: String,
    },
    /// A channel left a bridge.
    LeftBridge {
        /// The bridge's uniqueid.
        bridge: String,
        /// The channel's uniqueid.
        channel: String,
    },
    /// A call started (its first channel appeared).
    CallStarted(Arc<Call>),
    /// A call changed (answered, dial status).
    CallUpdated(Arc<Call>),
    /// A call ended (its last channel hung up).
    CallEnded(Arc<Call>),
    /// A queue's members or callers changed.
    QueueChanged(Arc<Queue>),
    /// A conference's members changed.
    ConferenceChanged(Arc<Conference>),
    /// A conference ended.
    ConferenceEnded(Arc<Conference>),
    /// A call was parked.
    Parked(ParkedCall),
    /// A parked call left its space.
    Unparked(ParkedCall),
    /// A device changed state.
    DeviceState {
        /// The device (`PJSIP/100`).
        device: String,
        /// Its state (`INUSE`, `NOT_INUSE`...).
        state: String,
    },
    /// An extension hint changed state.
    ExtensionState {
        /// `exten@context`.
        extension: String,
        /// The status code (-1 unknown, 0 idle, 1 in use, ...).
        status: i32,
        /// Its text.
        text: String,
    },
    /// The state was seeded again after a reconnect: what happened while
    /// the link was down.
    Resynced {
        /// Calls that were up before and are gone now.
        ended: Vec<Arc<Call>>,
        /// Calls that are up now and were not before.
        started: Vec<Arc<Call>>,
    },
}

/// What seeding did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeedReport {
    /// List actions that answered, with their item counts.
    pub seeded: Vec<(String, usize)>,
    /// List actions the server refused or that failed, with why.
    pub refused: Vec<(String, String)>,
}

/// The list actions seeding sends, in order.
const SEED_ACTIONS: &[&str] = &[
    "CoreShowChannels",
    "BridgeList",
    "QueueStatus",
    "ConfbridgeListRooms",
    "ParkedCalls",
    "DeviceStateList",
    "ExtensionStateList",
];

type ChangeHandler = Box<dyn FnMut(&Change) + Send>;

struct Inner {
    state: Mutex<State>,
    /// The change handlers, and the changes being handed to them (a buffer
    /// kept between events).
    handlers: Mutex<(Vec<ChangeHandler>, Vec<Change>)>,
    seed: Mutex<Option<SeedReport>>,
}

/// The live state; cheap to clone (clones share it), `Send + Sync`.
#[derive(Clone)]
pub struct LiveState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LiveState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.snapshot();
        f.debug_struct("LiveState")
            .field("channels", &s.channels.len())
            .field("bridges", &s.bridges.len())
            .field("calls", &s.calls.len())
            .field("queues", &s.queues.len())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl LiveState {
    /// An empty state.
    pub fn new(options: LiveOptions) -> LiveState {
        LiveState {
            inner: Arc::new(Inner {
                state: Mutex::new(State::new(options)),
                handlers: Mutex::new((Vec::new(), Vec::new())),
                seed: Mutex::new(None),
            }),
        }
    }

    /// Applies one event, then runs the change handlers.
    pub fn apply(&self, event: &Event) {
        let mut st = lock(&self.inner.state);
        st.apply(event);
        if st.changes.is_empty() {
            return;
        }
        let mut handlers = lock(&self.inner.handlers);
        std::mem::swap(&mut handlers.1, &mut st.changes);
        drop(st);
        let (handlers, changes) = &mut *handlers;
        for c in changes.drain(..) {
            for h in handlers.iter_mut() {
                h(&c);
            }
        }
    }

    /// Applies a message (any message: what is not an event is ignored).
    pub fn apply_message(&self, message: Message) {
        self.apply(&Event::from(message));
    }

    fn notify(&self, changes: Vec<Change>) {
        let mut handlers = lock(&self.inner.handlers);
        for c in &changes {
            for h in handlers.0.iter_mut() {
                h(c);
            }
        }
    }

    /// Runs `handler` for every change from now on, on the thread that
    /// applies the event, in the order of the changes. Keep it quick; it may
    /// take snapshots, but must not apply events itself.
    pub fn on_change(&self, handler: impl FnMut(&Change) + Send + 'static) {
        lock(&self.inner.handlers).0.push(Box::new(handler));
        lock(&self.inner.state).record = true;
    }

    /// A consistent view of everything now. It takes time in proportion to
    /// the channels, calls and bridges changed since the previous one (and,
    /// if that one is still held, to those up: its maps are copied
    /// rather than changed under it).
    pub fn snapshot(&self) -> Snapshot {
        lock(&self.inner.state).snapshot()
    }

    /// The report of the last seeding, if there was one.
    pub fn last_seed(&self) -> Option<SeedReport> {
        lock(&self.inner.seed).clone()
    }

    /// Seeds the state from the server through `send` (which sends one
    /// action and returns its answer, list items included): forgets what it
    /// knew, then applies every item of the list actions. Apply the events
    /// received meanwhile after this (a [`Session`] queues them: read them
    /// with `next_event` as usual).
    pub fn seed_with(&self, mut send: impl FnMut(&RawAction) -> Result<Response, Error>) -> SeedReport {
        let mut report = SeedReport::default();
        let mut items: Vec<Message> = Vec::new();
        let mut rooms = Vec::new();
        for &action in SEED_ACTIONS {
            match send(&RawAction::new(action)) {
                Ok(r) => {
                    report.seeded.push((action.to_owned(), r.items().len()));
                    if action == "ConfbridgeListRooms" {
                        rooms.extend(r.items().iter().filter_map(|m| m.get_str("Conference").map(|c| c.into_owned())));
                    }
                    items.extend(r.into_items());
                }
                Err(e) => report.refused.push((action.to_owned(), e.to_string())),
            }
        }
        for room in rooms {
            match send(&RawAction::new("ConfbridgeList").header("Conference", room.as_str())) {
                Ok(r) => items.extend(r.into_items()),
                Err(e) => report.refused.push((format!("ConfbridgeList {room}"), e.to_string())),
            }
        }
        let changes = {
            let mut st = lock(&self.inner.state);
            st.clear();
            for m in items {
                st.seed_item(m);
            }
            std::mem::take(&mut st.changes)
        };
        self.notify(changes);
        *lock(&self.inner.seed) = Some(report.clone());
        report
    }

    /// Seeds from a session ([`seed_with`](LiveState::seed_with)).
    pub fn seed_session(&self, session: &mut Session) -> SeedReport {
        self.seed_with(|a| session.send(a))
    }

    /// Follows a service: subscribes to its events (call this before
    /// [`Service::start`] so that nothing is missed), and on a thread of its
    /// own seeds once the service is connected, applies every event, and
    /// after each reconnect seeds again and reports
    /// [`Change::Resynced`]. The thread ends when the service stops.
    pub fn follow(&self, service: &Service) -> std::thread::JoinHandle<()> {
        let events = service.subscribe_with(Filter::all(), QueueLimits::default());
        let (live, service) = (self.clone(), service.clone());
        std::thread::Builder::new()
            .name("ami-live".into())
            .spawn(move || live.run(&service, events))
            .expect("spawning the live-state thread")
    }

    fn run(&self, service: &Service, events: ami_core::service::Subscription) {
        // Wait for the first connection, without reading the events (they
        // are applied after the seed).
        while !service.is_connected() {
            if service.is_stopped() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.seed_with(|a| service.send(a));
        while let Ok(item) = events.recv() {
            match item {
                Incoming::Event(m) => self.apply_message(m),
                Incoming::ConnectionRestored => {
                    let before = self.snapshot();
                    self.seed_with(|a| service.send(a));
                    let after = self.snapshot();
                    let ended =
                        before.calls.iter().filter(|(k, _)| !after.calls.contains_key(*k)).map(|(_, c)| c.clone());
                    let started =
                        after.calls.iter().filter(|(k, _)| !before.calls.contains_key(*k)).map(|(_, c)| c.clone());
                    let change = Change::Resynced { ended: ended.collect(), started: started.collect() };
                    if lock(&self.inner.state).record {
                        self.notify(vec![change]);
                    }
                }
                // Lost events: the state may be off until the next seed.
                // Reseeding here would race the flood that caused it.
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel_event(event: &str, uniqueid: &str, state: &str) -> Event {
        Event::from(Message::from_pairs([
            ("Event", event),
            ("Channel", &format!("PJSIP/100-{uniqueid}")),
            ("ChannelState", state),
            ("Uniqueid", uniqueid),
            ("Linkedid", uniqueid),
            ("Cause", "16"),
        ]))
    }

    #[test]
    fn a_snapshot_kept_stays_as_it_was_and_the_next_sees_every_change() {
        let live = LiveState::new(LiveOptions::default());
        live.apply(&channel_event("Newchannel", "1.1", "4"));
        live.apply(&channel_event("Newchannel", "1.2", "4"));
        let first = live.snapshot();
        live.apply(&channel_event("Newstate", "1.1", "6"));
        live.apply(&channel_event("Hangup", "1.2", "6"));
        live.apply(&channel_event("Newchannel", "1.3", "4"));
        let second = live.snapshot();
        live.apply(&channel_event("Hangup", "1.1", "6"));
        let third = live.snapshot();

        let states = |s: &Snapshot| s.channels.values().map(|c| (c.uniqueid.clone(), c.state)).collect::<Vec<_>>();
        assert_eq!(states(&first), [("1.1".to_owned(), 4), ("1.2".to_owned(), 4)]);
        assert_eq!(states(&second), [("1.1".to_owned(), 6), ("1.3".to_owned(), 4)]);
        assert_eq!(states(&third), [("1.3".to_owned(), 4)]);
        assert_eq!(first.calls.keys().collect::<Vec<_>>(), ["1.1", "1.2"]);
        assert_eq!(second.calls.keys().collect::<Vec<_>>(), ["1.1", "1.3"]);
        assert_eq!(third.calls.keys().collect::<Vec<_>>(), ["1.3"]);
        assert!(second.calls["1.1"].answered.is_some() && first.calls["1.1"].answered.is_none());
    }
}
