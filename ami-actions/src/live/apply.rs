//! The state machine: one event in, the state and a list of changes out.
//!
//! Each event's fields are read in one pass over its headers
//! ([`read`]), and each map is looked up once per event where it can be.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ami_core::{HangupCause, Message};

use super::fields::{at, known, known_str, read, same, Snap, DEST, OWN, PARKEE};
use super::hash::FxBuild;
use super::indexed::Indexed;
use super::model::{Bridge, Call, Channel, Conference, ParkedCall, Queue, QueueCaller, QueueMember, Snapshot};
use super::{Change, LiveOptions};
use crate::Event;

/// The fields of a bridge (`BridgeCreate`, `BridgeEnter`, `BridgeListItem`).
const BRIDGE: [&str; 5] = ["BridgeUniqueid", "BridgeType", "BridgeTechnology", "BridgeCreator", "BridgeName"];

/// The fields of a queue member event: queue, interface (or location),
/// then what [`member_from`] reads.
const MEMBER: [&str; 12] = [
    "Queue",
    "Interface",
    "Location",
    "MemberName",
    "Name",
    "StateInterface",
    "Paused",
    "PausedReason",
    "Status",
    "InCall",
    "Penalty",
    "CallsTaken",
];

/// What an event sets on its channel besides the snapshot fields, done in
/// the same look-up as they are.
#[derive(Clone, Copy)]
enum Also<'m> {
    Nothing,
    /// The application running (`Newexten`): a change only when it differs.
    Application(Option<&'m str>),
    /// On hold or not.
    Hold(bool),
    /// The music-on-hold class playing, if any.
    MusicOnHold(Option<&'m str>),
    /// A channel variable, name and value.
    Variable(&'m str, &'m str),
    /// Entered this bridge.
    EnterBridge(&'m str),
    /// Left this bridge.
    LeaveBridge(&'m str),
}

impl Also<'_> {
    /// Whether [`set`](Also::set) has something to do on `c`. Hold, music
    /// and variables always do: they are reported even when they repeat.
    fn differs(self, c: &Channel) -> bool {
        match self {
            Also::Nothing => false,
            Also::Application(app) => c.application.as_deref() != app,
            Also::Hold(_) | Also::MusicOnHold(_) | Also::Variable(..) => true,
            Also::EnterBridge(b) => c.bridge.as_deref() != Some(b),
            Also::LeaveBridge(b) => c.bridge.as_deref() == Some(b),
        }
    }

    /// Sets it on `c`; returns whether that is a `ChannelUpdated` (bridges
    /// have changes of their own).
    fn set(self, c: &mut Channel) -> bool {
        match self {
            Also::Nothing => return false,
            Also::Application(app) => c.application = app.map(str::to_owned),
            Also::Hold(on) => c.on_hold = on,
            Also::MusicOnHold(class) => c.music_on_hold = class.map(str::to_owned),
            Also::Variable(k, v) => {
                c.variables.insert(k.to_owned(), v.to_owned());
            }
            Also::EnterBridge(b) => {
                c.bridge = Some(b.to_owned());
                return false;
            }
            Also::LeaveBridge(_) => {
                c.bridge = None;
                return false;
            }
        }
        true
    }
}

/// Copies what snapshot `s` says into `c`; returns whether anything
/// changed. Compared as bytes; text is checked only when it changed.
fn set_snapshot(c: &mut Channel, s: &Snap<'_>) -> bool {
    let mut changed = false;
    let mut set = |slot: &mut String, v: Option<&[u8]>| {
        if let Some(v) = v.filter(|v| !same(slot.as_bytes(), v)) {
            if let Ok(v) = std::str::from_utf8(v) {
                slot.clear();
                slot.push_str(v);
                changed = true;
            }
        }
    };
    set(&mut c.name, s.bytes(at::CHANNEL));
    set(&mut c.state_desc, s.bytes(at::STATE_DESC));
    set(&mut c.context, s.bytes(at::CONTEXT));
    set(&mut c.exten, s.bytes(at::EXTEN));
    set(&mut c.priority, s.bytes(at::PRIORITY));
    if let Some(st) = s.state().filter(|&st| st != c.state) {
        c.state = st;
        changed = true;
    }
    if s.party_differs(at::CALLER, &c.caller) {
        c.caller = s.party(at::CALLER);
        changed = true;
    }
    if s.party_differs(at::CONNECTED, &c.connected) {
        c.connected = s.party(at::CONNECTED);
        changed = true;
    }
    if let Some(account) = s.account_differs(c.account_code.as_deref()) {
        c.account_code = Some(account.to_owned());
        changed = true;
    }
    changed
}

/// The wall clock, read once per event and only if the event needs it.
#[derive(Default)]
struct Now(std::cell::Cell<Option<SystemTime>>);

impl Now {
    fn get(&self) -> SystemTime {
        match self.0.get() {
            Some(t) => t,
            None => {
                let t = SystemTime::now();
                self.0.set(Some(t));
                t
            }
        }
    }
}

/// The live state itself.
pub(crate) struct State {
    options: LiveOptions,
    /// Channels up, by uniqueid.
    channels: Indexed<Channel>,
    /// Calls, by linkedid.
    calls: Indexed<Call>,
    /// Bridges, by uniqueid.
    bridges: Indexed<Bridge>,
    /// The other maps, as snapshots show them (its channels, calls and
    /// bridges are left empty: they are the three above).
    rest: Snapshot,
    /// Recently hung-up uniqueids: late events for them are ignored, so they
    /// do not bring a channel back. Two generations of up to [`GONE`]: the
    /// newer fills, then takes the older's place, so that at least the last
    /// `GONE` are remembered and the oldest are let go all at once (one by
    /// one, each hangup would touch a string long out of the cache).
    gone: [HashSet<Box<str>, FxBuild>; 2],
    /// Ended calls kept for the grace period, oldest first.
    ended: VecDeque<(Instant, String)>,
    /// Collect changes (someone listens).
    pub(crate) record: bool,
    pub(crate) changes: Vec<Change>,
    /// Channels the current event changed (see `touch`).
    touched: Vec<String>,
}

/// How many hung-up uniqueids are remembered at least (at most twice as
/// many).
const GONE: usize = 4096;

fn mutate<K: Ord + Clone, V: Clone>(map: &mut Arc<BTreeMap<K, Arc<V>>>) -> &mut BTreeMap<K, Arc<V>> {
    Arc::make_mut(map)
}

impl State {
    pub(crate) fn new(options: LiveOptions) -> State {
        State {
            options,
            channels: Indexed::default(),
            calls: Indexed::default(),
            bridges: Indexed::default(),
            rest: Snapshot::default(),
            gone: Default::default(),
            ended: VecDeque::new(),
            record: false,
            changes: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// A consistent view of everything now.
    pub(crate) fn snapshot(&mut self) -> Snapshot {
        Snapshot {
            channels: self.channels.sorted(),
            calls: self.calls.sorted(),
            bridges: self.bridges.sorted(),
            ..self.rest.clone()
        }
    }

    fn change(&mut self, c: impl FnOnce() -> Change) {
        if self.record {
            self.changes.push(c());
        }
    }

    /// Applies one event. Events the state does not use are ignored.
    pub(crate) fn apply(&mut self, event: &Event) {
        self.apply_event(event);
        if !self.touched.is_empty() {
            self.flush_touched();
        }
    }

    fn apply_event(&mut self, event: &Event) {
        let now = &Now::default();
        if !self.ended.is_empty() {
            self.expire(Instant::now());
        }
        let m = event.message();
        match event {
            Event::Newchannel(_)
            | Event::Newstate(_)
            | Event::NewCallerid(_)
            | Event::NewConnectedLine(_)
            | Event::NewAccountCode(_)
            | Event::DialState(_) => {
                let ([s], []) = read(m, [&OWN], []);
                self.upsert(&s, Also::Nothing, now);
            }
            Event::NewExten(_) => {
                let ([s], [app]) = read(m, [&OWN], ["Application"]);
                self.upsert(&s, Also::Application(app), now);
            }
            Event::VarSet(_) if self.options.track_variables => {
                let ([s], [k, v]) = read(m, [&OWN], ["Variable", "Value"]);
                let (Some(k), Some(v)) = (k, v) else { return };
                self.upsert(&s, Also::Variable(k, v), now);
            }
            Event::Rename(_) => {
                let ([], [id, new]) = read(m, [], ["Uniqueid", "Newname"]);
                let (Some(id), Some(new)) = (id, new) else { return };
                if let Some(c) = self.channels.get_mut(id) {
                    Arc::make_mut(c).name = new.to_owned();
                    self.touch(id);
                }
            }
            Event::Hold(_) | Event::Unhold(_) => {
                let ([s], []) = read(m, [&OWN], []);
                self.upsert(&s, Also::Hold(matches!(event, Event::Hold(_))), now);
            }
            Event::MusicOnHoldStart(_) | Event::MusicOnHoldStop(_) => {
                let ([s], [class]) = read(m, [&OWN], ["Class"]);
                let class = matches!(event, Event::MusicOnHoldStart(_)).then(|| class.unwrap_or_default());
                self.upsert(&s, Also::MusicOnHold(class), now);
            }
            Event::DialBegin(_) => {
                let ([caller, dest], [dial_string]) = read(m, [&OWN, &DEST], ["DialString"]);
                self.upsert(&caller, Also::Nothing, now);
                self.upsert(&dest, Also::Nothing, now);
                let linkedid = caller.linkedid().or(dest.linkedid());
                if let Some(call) = linkedid.and_then(|l| self.calls.get_mut(l)) {
                    if call.callee.is_none() {
                        let call = Arc::make_mut(call);
                        call.callee = Some(dest.party(at::CALLER));
                        call.dial_string = dial_string.map(str::to_owned);
                    }
                }
            }
            Event::DialEnd(_) => {
                let ([caller, dest], [status]) = read(m, [&OWN, &DEST], ["DialStatus"]);
                self.upsert(&caller, Also::Nothing, now);
                self.upsert(&dest, Also::Nothing, now);
                let linkedid = caller.linkedid().or(dest.linkedid());
                if let Some(call) = linkedid.and_then(|l| self.calls.get_mut(l)) {
                    Arc::make_mut(call).dial_status = status.map(str::to_owned);
                    if self.record {
                        self.changes.push(Change::CallUpdated(call.clone()));
                    }
                }
            }
            Event::BridgeCreate(_) => {
                let ([], bridge) = read(m, [], BRIDGE);
                self.bridge(bridge);
            }
            Event::BridgeEnter(_) => {
                let ([s], bridge) = read(m, [&OWN], BRIDGE);
                let id = self.bridge(bridge);
                self.upsert(&s, id.map_or(Also::Nothing, Also::EnterBridge), now);
                if let (Some(id), Some(u)) = (id, s.uniqueid()) {
                    self.bridge_add(id, u);
                }
            }
            Event::BridgeLeave(_) => {
                let ([s], [id]) = read(m, [&OWN], ["BridgeUniqueid"]);
                if let (Some(id), Some(u)) = (id, s.uniqueid()) {
                    self.bridge_remove(id, u);
                }
                self.upsert(&s, id.map_or(Also::Nothing, Also::LeaveBridge), now);
            }
            Event::BridgeDestroy(_) => {
                let ([], [id]) = read(m, [], ["BridgeUniqueid"]);
                if let Some(b) = id.and_then(|id| self.bridges.remove(id)) {
                    for u in &b.channels {
                        if let Some(c) = self.channels.get_mut(u) {
                            Arc::make_mut(c).bridge = None;
                        }
                    }
                    self.change(|| Change::BridgeDestroyed(b));
                }
            }
            Event::Hangup(_) => {
                let ([s], [cause, cause_txt]) = read(m, [&OWN], ["Cause", "Cause-txt"]);
                self.hang_up(&s, cause.and_then(HangupCause::parse_code), known_str(cause_txt), now);
            }
            // A caller joining, or one a QueueStatus lists while seeding.
            Event::QueueCallerJoin(_) | Event::QueueEntry(_) => {
                let ([s], [q, position]) = read(m, [&OWN], ["Queue", "Position"]);
                if matches!(event, Event::QueueCallerJoin(_)) {
                    self.upsert(&s, Also::Nothing, now);
                }
                let (Some(q), Some(u)) = (q, s.uniqueid().or(s.channel())) else { return };
                let position = position.and_then(|p| p.parse().ok()).unwrap_or(u32::MAX);
                let caller = QueueCaller {
                    uniqueid: u.to_owned(),
                    channel: s.channel().unwrap_or_default().to_owned(),
                    position,
                    caller: s.party(at::CALLER),
                    joined: now.get(),
                };
                let queue = self.queue_mut(q);
                queue.callers.retain(|c| c.uniqueid != u);
                queue.callers.push(caller);
                queue.callers.sort_by_key(|c| c.position);
                self.queue_changed(q);
            }
            Event::QueueCallerLeave(_) | Event::QueueCallerAbandon(_) => {
                let ([s], [q]) = read(m, [&OWN], ["Queue"]);
                let (Some(q), Some(u)) = (q, s.uniqueid()) else { return };
                let queue = self.queue_mut(q);
                queue.callers.retain(|c| c.uniqueid != u);
                // A caller who gives up leaves too: an abandon follows the
                // leave as its own event.
                if matches!(event, Event::QueueCallerAbandon(_)) {
                    queue.abandoned += 1;
                }
                // Positions close up behind a caller who left.
                for (i, c) in queue.callers.iter_mut().enumerate() {
                    c.position = i as u32 + 1;
                }
                self.queue_changed(q);
            }
            Event::QueueMemberAdded(_)
            | Event::QueueMemberStatus(_)
            | Event::QueueMemberPause(_)
            | Event::QueueMemberPenalty(_)
            | Event::QueueMemberRinginuse(_)
            | Event::QueueMember(_) => {
                let ([], [q, interface, location, member @ ..]) = read(m, [], MEMBER);
                let (Some(q), Some(i)) = (q, interface.or(location)) else { return };
                self.queue_mut(q).members.insert(i.to_owned(), member_from(i, member));
                self.queue_changed(q);
            }
            Event::QueueMemberRemoved(_) => {
                let ([], [q, i]) = read(m, [], ["Queue", "Interface"]);
                let (Some(q), Some(i)) = (q, i) else { return };
                self.queue_mut(q).members.remove(i);
                self.queue_changed(q);
            }
            Event::AgentConnect(_) => {
                let ([s], [q]) = read(m, [&OWN], ["Queue"]);
                self.upsert(&s, Also::Nothing, now);
                if let Some(q) = q {
                    self.queue_mut(q).answered += 1;
                    self.queue_changed(q);
                }
            }
            Event::QueueParams(_) => {
                let ([], [q]) = read(m, [], ["Queue"]);
                if let Some(q) = q {
                    self.queue_mut(q);
                    self.queue_changed(q);
                }
            }
            Event::ConfbridgeJoin(_) | Event::ConfbridgeLeave(_) => {
                let ([s], [name]) = read(m, [&OWN], ["Conference"]);
                let (Some(name), Some(u)) = (name, s.uniqueid()) else { return };
                let joined = matches!(event, Event::ConfbridgeJoin(_));
                if joined {
                    self.upsert(&s, Also::Nothing, now);
                }
                let conf = self.conference_mut(name);
                conf.channels.retain(|c| c != u);
                if joined {
                    conf.channels.push(u.to_owned());
                }
                let conf = self.rest.conferences[name].clone();
                self.change(|| Change::ConferenceChanged(conf));
            }
            Event::ConfbridgeEnd(_) => {
                let ([], [name]) = read(m, [], ["Conference"]);
                if let Some(conf) = name.and_then(|name| mutate(&mut self.rest.conferences).remove(name)) {
                    self.change(|| Change::ConferenceEnded(conf));
                }
            }
            Event::ParkedCall(_) => {
                let ([s], [lot, space]) = read(m, [&PARKEE], ["Parkinglot", "ParkingSpace"]);
                let Some(u) = s.uniqueid() else { return };
                let parked = ParkedCall {
                    uniqueid: u.to_owned(),
                    channel: s.channel().unwrap_or_default().to_owned(),
                    lot: lot.unwrap_or_default().to_owned(),
                    space: space.unwrap_or_default().to_owned(),
                };
                Arc::make_mut(&mut self.rest.parked).insert(u.to_owned(), parked.clone());
                self.change(|| Change::Parked(parked));
            }
            Event::UnParkedCall(_) | Event::ParkedCallGiveUp(_) | Event::ParkedCallTimeOut(_) => {
                let ([s], []) = read(m, [&PARKEE], []);
                if let Some(p) = s.uniqueid().and_then(|u| Arc::make_mut(&mut self.rest.parked).remove(u)) {
                    self.change(|| Change::Unparked(p));
                }
            }
            Event::DeviceStateChange(_) => {
                let ([], [d, st]) = read(m, [], ["Device", "State"]);
                let (Some(d), Some(st)) = (d, st) else { return };
                if self.rest.devices.get(d).map(String::as_str) != Some(st) {
                    let devices = Arc::make_mut(&mut self.rest.devices);
                    match devices.get_mut(d) {
                        Some(old) => st.clone_into(old),
                        None => {
                            devices.insert(d.to_owned(), st.to_owned());
                        }
                    }
                    self.change(|| Change::DeviceState { device: d.to_owned(), state: st.to_owned() });
                }
            }
            Event::ExtensionStatus(_) => {
                let ([], [e, ctx, status, text]) = read(m, [], ["Exten", "Context", "Status", "StatusText"]);
                let (Some(e), Some(ctx)) = (e, ctx) else { return };
                let status = status.and_then(|s| s.trim().parse().ok()).unwrap_or(-1);
                let text = text.unwrap_or_default().to_owned();
                let key = format!("{e}@{ctx}");
                Arc::make_mut(&mut self.rest.extensions).insert(key.clone(), (status, text.clone()));
                self.change(|| Change::ExtensionState { extension: key, status, text });
            }
            _ => {}
        }
    }

    /// Creates or updates the channel of snapshot `s`, and sets `also` on it.
    fn upsert(&mut self, s: &Snap<'_>, also: Also<'_>, now: &Now) {
        let Some(u) = s.uniqueid() else { return };
        let Some(existing) = self.channels.get_mut(u) else {
            return self.create(u, s, also, now);
        };
        let c = Arc::make_mut(existing);
        let mut changed = set_snapshot(c, s);
        if also.differs(c) {
            changed |= also.set(c);
        }
        // The call is told after the channel is let go.
        let answered = (c.state == 6 && c.answered.is_none()).then(|| {
            c.answered = Some(now.get());
            c.linkedid.clone()
        });
        if changed {
            self.touch(u);
        }
        if let Some(linkedid) = answered {
            self.call_answered(&linkedid, now);
        }
    }

    /// Creates channel `u` from snapshot `s`, unless it hung up lately; then
    /// sets `also` on it (reported as an update, as for a known channel).
    fn create(&mut self, u: &str, s: &Snap<'_>, also: Also<'_>, now: &Now) {
        if self.gone.iter().any(|g| g.contains(u)) {
            return;
        }
        let state = s.state();
        let text = |i| s.text(i).unwrap_or_default().to_owned();
        let c = Arc::new(Channel {
            uniqueid: u.to_owned(),
            name: text(at::CHANNEL),
            linkedid: s.linkedid().unwrap_or(u).to_owned(),
            state: state.unwrap_or(0),
            state_desc: text(at::STATE_DESC),
            caller: s.party(at::CALLER),
            connected: s.party(at::CONNECTED),
            account_code: known(s.text(at::ACCOUNT)),
            context: text(at::CONTEXT),
            exten: text(at::EXTEN),
            priority: text(at::PRIORITY),
            application: None,
            bridge: None,
            on_hold: false,
            music_on_hold: None,
            variables: BTreeMap::new(),
            created: now.get(),
            answered: (state == Some(6)).then(|| now.get()),
        });
        let more = also.differs(&c);
        self.channels.insert(u, c.clone());
        self.change(|| Change::ChannelCreated(c.clone()));
        self.join_call(&c, now);
        drop(c);
        if more {
            self.update(u, also);
        }
    }

    /// Sets `also` on channel `u`, if it is known.
    fn update(&mut self, u: &str, also: Also<'_>) {
        if let Some(c) = self.channels.get_mut(u) {
            if also.set(Arc::make_mut(c)) {
                self.touch(u);
            }
        }
    }

    /// Notes that channel `u` changed: one `ChannelUpdated` per channel and
    /// event, made once the event is applied (an `Arc` taken earlier would
    /// make every later change to the channel copy it).
    fn touch(&mut self, u: &str) {
        if self.record && !self.touched.iter().any(|t| t == u) {
            self.touched.push(u.to_owned());
        }
    }

    /// Turns the channels touched by the event into `ChannelUpdated`s.
    fn flush_touched(&mut self) {
        for u in std::mem::take(&mut self.touched) {
            if let Some(c) = self.channels.get(&u) {
                self.changes.push(Change::ChannelUpdated(c.clone()));
            }
        }
    }

    fn join_call(&mut self, c: &Arc<Channel>, now: &Now) {
        match self.calls.get_mut(&c.linkedid) {
            Some(call) => {
                let call = Arc::make_mut(call);
                call.channels.push(c.uniqueid.clone());
                call.channels_seen += 1;
                if c.answered.is_some() && call.answered.is_none() {
                    call.answered = c.answered;
                }
            }
            None => {
                let call = Arc::new(Call {
                    linkedid: c.linkedid.clone(),
                    channels: vec![c.uniqueid.clone()],
                    channels_seen: 1,
                    caller: c.caller.clone(),
                    callee: None,
                    dial_string: None,
                    dial_status: None,
                    started: now.get(),
                    answered: c.answered,
                    ended: None,
                    cause: None,
                    cause_txt: None,
                });
                self.calls.insert(&c.linkedid, call.clone());
                self.change(|| Change::CallStarted(call));
            }
        }
    }

    fn call_answered(&mut self, linkedid: &str, now: &Now) {
        if let Some(call) = self.calls.get_mut(linkedid) {
            if call.answered.is_none() {
                Arc::make_mut(call).answered = Some(now.get());
                if self.record {
                    self.changes.push(Change::CallUpdated(call.clone()));
                }
            }
        }
    }

    /// The channel of snapshot `s` hung up: it leaves its bridge, queues,
    /// parking space and call, and the call ends with its last channel.
    fn hang_up(&mut self, s: &Snap<'_>, cause: Option<HangupCause>, cause_txt: Option<&str>, now: &Now) {
        let Some(u) = s.uniqueid() else { return };
        let removed = self.channels.remove(u);
        self.forget(u);
        if let Some(b) = removed.as_ref().and_then(|c| c.bridge.as_deref()) {
            self.bridge_remove(b, u);
        }
        // The queues it waited in, found first: a second handle on the map
        // would make the change below copy it.
        let waited_in: Vec<String> = self
            .rest
            .queues
            .values()
            .filter(|q| q.callers.iter().any(|c| c.uniqueid == u))
            .map(|q| q.name.clone())
            .collect();
        for q in &waited_in {
            self.queue_mut(q).callers.retain(|c| c.uniqueid != u);
            self.queue_changed(q);
        }
        if self.rest.parked.contains_key(u) {
            Arc::make_mut(&mut self.rest.parked).remove(u);
        }
        if let Some(c) = &removed {
            self.change(|| Change::ChannelHungUp { channel: c.clone(), cause });
        }
        let Some(linkedid) = removed.as_ref().map(|c| c.linkedid.as_str()).or(s.linkedid()) else { return };
        let Some(shared) = self.calls.get_mut(linkedid) else { return };
        let call = Arc::make_mut(shared);
        call.channels.retain(|c| c != u);
        if call.cause.is_none() && cause.is_some_and(|c| c.code() != 0) {
            call.cause = cause;
            call.cause_txt = cause_txt.map(str::to_owned);
        }
        if !call.channels.is_empty() {
            return;
        }
        if call.cause.is_none() {
            // Every channel hung up with cause 0 (or none): keep what there was.
            call.cause = cause;
        }
        call.ended = Some(now.get());
        let ended = if self.options.ended_call_grace.is_zero() {
            self.calls.remove(linkedid).expect("just found")
        } else {
            self.ended.push_back((Instant::now() + self.options.ended_call_grace, linkedid.to_owned()));
            shared.clone()
        };
        self.change(|| Change::CallEnded(ended));
    }

    /// Drops ended calls whose grace period is over.
    fn expire(&mut self, now: Instant) {
        while self.ended.front().is_some_and(|(t, _)| *t <= now) {
            let (_, id) = self.ended.pop_front().expect("checked");
            if self.calls.get(&id).is_some_and(|c| c.ended.is_some()) {
                self.calls.remove(&id);
            }
        }
    }

    fn forget(&mut self, u: &str) {
        if self.gone.iter().any(|g| g.contains(u)) {
            return;
        }
        if self.gone[0].len() == GONE {
            // The older generation goes; its table is kept for the next.
            self.gone.swap(0, 1);
            self.gone[0].clear();
        }
        self.gone[0].insert(u.into());
    }

    /// Creates or updates a bridge from its fields (in [`BRIDGE`]'s order);
    /// returns its uniqueid.
    fn bridge<'m>(&mut self, [id, kind, technology, creator, name]: [Option<&'m str>; 5]) -> Option<&'m str> {
        /// A field the message says something about, kept otherwise.
        fn keep(slot: &mut Option<String>, v: Option<&str>) {
            if let Some(v) = known_str(v).filter(|&v| slot.as_deref() != Some(v)) {
                *slot = Some(v.to_owned());
            }
        }
        let fill = |b: &mut Bridge| {
            keep(&mut b.bridge_type, kind);
            keep(&mut b.technology, technology);
            keep(&mut b.creator, creator);
            keep(&mut b.name, name);
        };
        let id = id?;
        if let Some(b) = self.bridges.get_mut(id) {
            fill(Arc::make_mut(b));
            return Some(id);
        }
        let mut b = Bridge { uniqueid: id.to_owned(), ..Bridge::default() };
        fill(&mut b);
        let b = Arc::new(b);
        self.bridges.insert(id, b.clone());
        self.change(|| Change::BridgeCreated(b));
        Some(id)
    }

    /// Puts channel `u` in bridge `bridge`'s list (the channel's own side
    /// is set with its snapshot).
    fn bridge_add(&mut self, bridge: &str, u: &str) {
        if let Some(b) = self.bridges.get_mut(bridge) {
            if !b.channels.iter().any(|c| c == u) {
                Arc::make_mut(b).channels.push(u.to_owned());
            }
        }
        self.change(|| Change::EnteredBridge { bridge: bridge.to_owned(), channel: u.to_owned() });
    }

    /// Takes channel `u` out of bridge `bridge`'s list.
    fn bridge_remove(&mut self, bridge: &str, u: &str) {
        if let Some(b) = self.bridges.get_mut(bridge) {
            Arc::make_mut(b).channels.retain(|c| c != u);
        }
        self.change(|| Change::LeftBridge { bridge: bridge.to_owned(), channel: u.to_owned() });
    }

    fn queue_mut(&mut self, name: &str) -> &mut Queue {
        Arc::make_mut(
            mutate(&mut self.rest.queues)
                .entry(name.to_owned())
                .or_insert_with(|| Arc::new(Queue { name: name.to_owned(), ..Queue::default() })),
        )
    }

    fn queue_changed(&mut self, name: &str) {
        if let Some(q) = self.rest.queues.get(name).cloned() {
            self.change(|| Change::QueueChanged(q));
        }
    }

    fn conference_mut(&mut self, name: &str) -> &mut Conference {
        Arc::make_mut(
            mutate(&mut self.rest.conferences)
                .entry(name.to_owned())
                .or_insert_with(|| Arc::new(Conference { name: name.to_owned(), channels: Vec::new() })),
        )
    }

    /// Applies one item of a seeding list: channel and bridge list items
    /// here, the rest (queue, parking, device and extension lists) as the
    /// events they are.
    pub(crate) fn seed_item(&mut self, m: Message) {
        self.seed_one(m);
        if !self.touched.is_empty() {
            self.flush_touched();
        }
    }

    fn seed_one(&mut self, m: Message) {
        let now = &Now::default();
        let name = m.event_name().unwrap_or_default();
        if name.eq_ignore_ascii_case("CoreShowChannel") {
            let ([s], [app, bridge]) = read(&m, [&OWN], ["Application", "BridgeId"]);
            let Some(u) = s.uniqueid() else { return };
            let bridge = known_str(bridge);
            if let Some(b) = bridge.filter(|b| self.bridges.get(b).is_none()) {
                self.bridges.insert(b, Arc::new(Bridge { uniqueid: b.to_owned(), ..Bridge::default() }));
            }
            self.upsert(&s, bridge.map_or(Also::Nothing, Also::EnterBridge), now);
            self.update(u, Also::Application(known_str(app)));
            if let Some(b) = bridge {
                self.bridge_add(b, u);
            }
        } else if name.eq_ignore_ascii_case("BridgeListItem") {
            let ([], bridge) = read(&m, [], BRIDGE);
            self.bridge(bridge);
        } else if name.eq_ignore_ascii_case("ConfbridgeListRooms") {
            if let ([], [Some(room)]) = read(&m, [], ["Conference"]) {
                self.conference_mut(room);
            }
        } else if name.eq_ignore_ascii_case("ConfbridgeList") {
            let ([s], [room]) = read(&m, [&OWN], ["Conference"]);
            let (Some(room), Some(u)) = (room, s.uniqueid()) else { return };
            self.upsert(&s, Also::Nothing, now);
            let conf = self.conference_mut(room);
            if !conf.channels.iter().any(|c| c == u) {
                conf.channels.push(u.to_owned());
            }
        } else {
            drop(name);
            self.apply_event(&Event::from(m));
        }
    }

    /// Forgets everything (before seeding again after a reconnect).
    pub(crate) fn clear(&mut self) {
        (self.channels, self.calls, self.bridges, self.rest) = Default::default();
        self.ended.clear();
    }
}

/// A queue member from the fields of its event (in [`MEMBER`]'s order,
/// after queue, interface and location).
fn member_from(
    interface: &str,
    [name, alt_name, state_interface, paused, paused_reason, status, in_call, penalty, calls_taken]: [Option<&str>; 9],
) -> QueueMember {
    fn num<T: std::str::FromStr>(v: Option<&str>) -> Option<T> {
        v.and_then(|v| v.trim().parse().ok())
    }
    let flag = |v: Option<&str>| v.and_then(|v| crate::typed::parse_bool(v.as_bytes())).unwrap_or(false);
    QueueMember {
        interface: interface.to_owned(),
        name: known(name.or(alt_name)),
        state_interface: known(state_interface),
        paused: flag(paused),
        paused_reason: known(paused_reason),
        status: num(status),
        in_call: flag(in_call),
        penalty: num(penalty),
        calls_taken: num(calls_taken),
    }
}

/// How long an ended call stays visible by default.
pub(crate) const DEFAULT_GRACE: Duration = Duration::ZERO;
