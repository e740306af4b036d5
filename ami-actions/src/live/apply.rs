//! The state machine: one event in, the state and a list of changes out.
//!
//! Fields are read in one pass over each message's headers (a channel
//! snapshot has fourteen of them): reading them one accessor at a time would
//! scan the message fourteen times.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ami_core::{HangupCause, Message};

use super::model::{Bridge, Call, Channel, Conference, ParkedCall, Party, Queue, QueueCaller, QueueMember, Snapshot};
use super::{Change, LiveOptions};
use crate::Event;

/// The channel snapshot fields every channel event carries, under a prefix
/// (`Dest`, `Parkee`, `LocalOne`...).
const SNAPSHOT: [&str; 13] = [
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
];

/// The index in [`SNAPSHOT`] of a field name (ASCII case-insensitive),
/// picked by length first: at most three names share one.
fn snapshot_field(name: &[u8]) -> Option<usize> {
    let candidates: &[usize] = match name.len() {
        5 => &[9],
        7 => &[0, 8],
        8 => &[10, 11, 12],
        11 => &[3, 7],
        12 => &[1, 4],
        16 => &[2, 5],
        17 => &[6],
        _ => return None,
    };
    candidates.iter().copied().find(|&i| SNAPSHOT[i].as_bytes().eq_ignore_ascii_case(name))
}

/// A channel snapshot read from one message, and up to two more fields.
#[derive(Default)]
struct Snap<'m> {
    f: [Option<&'m [u8]>; 13],
    x: [Option<&'m [u8]>; 2],
}

impl<'m> Snap<'m> {
    fn read(m: &'m Message, prefix: &str) -> Snap<'m> {
        Snap::read_with(m, prefix, &[])
    }

    /// One pass over the headers, which ends once the snapshot's last field
    /// (`Linkedid`) and the `extra` fields are in. Asterisk writes the
    /// snapshot fields in the order of [`SNAPSHOT`]: each header is first
    /// compared with the field expected next, and looked up only when it is
    /// not that one.
    fn read_with(m: &'m Message, prefix: &str, extra: &[&str]) -> Snap<'m> {
        let (mut s, mut next, mut extras_left) = (Snap::default(), 0, extra.len());
        let prefix = prefix.as_bytes();
        for h in m.headers() {
            let (name, Some(value)) = (h.name(), h.value()) else { continue };
            if let Some(j) = extra.iter().position(|e| e.as_bytes().eq_ignore_ascii_case(name)) {
                if s.x[j].is_none() {
                    s.x[j] = Some(value);
                    extras_left -= 1;
                }
            } else if name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix) {
                let rest = &name[prefix.len()..];
                let i = match SNAPSHOT.get(next) {
                    Some(f) if f.as_bytes().eq_ignore_ascii_case(rest) => next,
                    _ => match snapshot_field(rest) {
                        Some(i) => i,
                        None => continue,
                    },
                };
                if s.f[i].is_none() {
                    s.f[i] = Some(value);
                }
                next = i + 1;
            }
            if s.f[12].is_some() && extras_left == 0 {
                break;
            }
        }
        s
    }

    /// Extra field `j` of [`read_with`](Snap::read_with).
    fn extra(&self, j: usize) -> Option<&'m str> {
        self.x[j].and_then(|v| std::str::from_utf8(v).ok())
    }

    fn get(&self, i: usize) -> Option<&'m str> {
        self.f[i].and_then(|v| std::str::from_utf8(v).ok())
    }
    fn channel(&self) -> Option<&'m str> {
        self.get(0)
    }
    fn uniqueid(&self) -> Option<&'m str> {
        self.get(11).filter(|u| !u.is_empty())
    }
    fn linkedid(&self) -> Option<&'m str> {
        self.get(12).filter(|u| !u.is_empty())
    }
    fn party(&self, num: usize) -> Party {
        Party { num: known(self.get(num)), name: known(self.get(num + 1)) }
    }

    /// Whether the party at `num` differs from `p` (without allocating),
    /// and says something (an all-placeholder party never replaces one).
    fn party_differs(&self, num: usize, p: &Party) -> bool {
        let (n, m) = (known_str(self.get(num)), known_str(self.get(num + 1)));
        (n.is_some() || m.is_some()) && (n != p.num.as_deref() || m != p.name.as_deref())
    }
}

/// A value, unless empty or a placeholder.
fn known_str(v: Option<&str>) -> Option<&str> {
    v.filter(|v| !v.is_empty() && !matches!(*v, "<unknown>" | "<null>" | "(null)"))
}

/// [`known_str`], owned.
fn known(v: Option<&str>) -> Option<String> {
    known_str(v).map(str::to_owned)
}

/// The first value of `name` (ASCII case-insensitive).
fn field<'m>(m: &'m Message, name: &str) -> Option<&'m str> {
    m.get(name).and_then(|v| std::str::from_utf8(v).ok())
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
    pub(crate) snap: Snapshot,
    /// Recently hung-up uniqueids: late events for them are ignored, so they
    /// do not bring a channel back. Bounded by count.
    gone: HashSet<String>,
    gone_order: VecDeque<String>,
    /// Ended calls kept for the grace period, oldest first.
    ended: VecDeque<(Instant, String)>,
    /// Collect changes (someone listens).
    pub(crate) record: bool,
    pub(crate) changes: Vec<Change>,
    /// Channels the current event changed (see `touch`).
    touched: Vec<String>,
}

/// How many hung-up uniqueids are remembered.
const GONE: usize = 4096;

fn mutate<K: Ord + Clone, V: Clone>(map: &mut Arc<BTreeMap<K, Arc<V>>>) -> &mut BTreeMap<K, Arc<V>> {
    Arc::make_mut(map)
}

impl State {
    pub(crate) fn new(options: LiveOptions) -> State {
        State {
            options,
            snap: Snapshot::default(),
            gone: HashSet::new(),
            gone_order: VecDeque::new(),
            ended: VecDeque::new(),
            record: false,
            changes: Vec::new(),
            touched: Vec::new(),
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
            Event::Newchannel(_) => {
                self.upsert(&Snap::read(m, ""), now);
            }
            Event::Newstate(_)
            | Event::NewCallerid(_)
            | Event::NewConnectedLine(_)
            | Event::NewAccountCode(_)
            | Event::DialState(_) => {
                self.upsert(&Snap::read(m, ""), now);
            }
            Event::NewExten(_) => {
                let s = Snap::read_with(m, "", &["Application"]);
                let app = s.extra(0);
                // The channel handle is let go before the update: a second
                // handle would make the update copy the channel.
                let differs = self.upsert(&s, now).is_some_and(|c| c.application.as_deref() != app);
                if differs {
                    let app = app.map(str::to_owned);
                    self.update(&s, |c| c.application = app);
                }
            }
            Event::VarSet(_) if self.options.track_variables => {
                let s = Snap::read(m, "");
                let (Some(k), Some(v)) = (field(m, "Variable"), field(m, "Value")) else { return };
                self.upsert(&s, now);
                self.update(&s, |c| {
                    c.variables.insert(k.to_owned(), v.to_owned());
                });
            }
            Event::Rename(_) => {
                let (Some(id), Some(new)) = (field(m, "Uniqueid"), field(m, "Newname")) else { return };
                if let Some(c) = mutate(&mut self.snap.channels).get_mut(id) {
                    Arc::make_mut(c).name = new.to_owned();
                    self.touch(id);
                }
            }
            Event::Hold(_) | Event::Unhold(_) => {
                let s = Snap::read(m, "");
                let hold = matches!(event, Event::Hold(_));
                self.upsert(&s, now);
                self.update(&s, |c| c.on_hold = hold);
            }
            Event::MusicOnHoldStart(_) | Event::MusicOnHoldStop(_) => {
                let s = Snap::read(m, "");
                let class = if matches!(event, Event::MusicOnHoldStart(_)) {
                    Some(field(m, "Class").unwrap_or_default().to_owned())
                } else {
                    None
                };
                self.upsert(&s, now);
                self.update(&s, |c| c.music_on_hold = class);
            }
            Event::DialBegin(_) => {
                let caller = Snap::read(m, "");
                let dest = Snap::read_with(m, "Dest", &["DialString"]);
                self.upsert(&caller, now);
                self.upsert(&dest, now);
                let linkedid = caller.linkedid().or(dest.linkedid());
                let dial_string = dest.extra(0).map(str::to_owned);
                if let Some(call) = linkedid.and_then(|l| mutate(&mut self.snap.calls).get_mut(l)) {
                    let call = Arc::make_mut(call);
                    if call.callee.is_none() {
                        call.callee = Some(dest.party(3));
                        call.dial_string = dial_string;
                    }
                }
            }
            Event::DialEnd(_) => {
                let caller = Snap::read(m, "");
                let dest = Snap::read_with(m, "Dest", &["DialStatus"]);
                self.upsert(&caller, now);
                self.upsert(&dest, now);
                let status = dest.extra(0).map(str::to_owned);
                let linkedid = caller.linkedid().or(dest.linkedid());
                if let Some(call) = linkedid.and_then(|l| mutate(&mut self.snap.calls).get_mut(l)) {
                    Arc::make_mut(call).dial_status = status;
                    let call = call.clone();
                    self.change(|| Change::CallUpdated(call));
                }
            }
            Event::BridgeCreate(_) => {
                self.bridge(m);
            }
            Event::BridgeEnter(_) => {
                let id = self.bridge(m);
                let s = Snap::read(m, "");
                self.upsert(&s, now);
                if let (Some(id), Some(u)) = (id, s.uniqueid()) {
                    self.enter_bridge(&id, u);
                }
            }
            Event::BridgeLeave(_) => {
                let s = Snap::read(m, "");
                if let (Some(id), Some(u)) = (field(m, "BridgeUniqueid"), s.uniqueid()) {
                    self.leave_bridge(id, u);
                }
                self.upsert(&s, now);
            }
            Event::BridgeDestroy(_) => {
                if let Some(id) = field(m, "BridgeUniqueid") {
                    if let Some(b) = mutate(&mut self.snap.bridges).remove(id) {
                        for u in &b.channels {
                            if let Some(c) = mutate(&mut self.snap.channels).get_mut(u.as_str()) {
                                Arc::make_mut(c).bridge = None;
                            }
                        }
                        self.change(|| Change::BridgeDestroyed(b));
                    }
                }
            }
            Event::Hangup(_) => {
                let s = Snap::read_with(m, "", &["Cause", "Cause-txt"]);
                let cause = s.extra(0).and_then(HangupCause::parse_code);
                let cause_txt = known(s.extra(1));
                if let Some(u) = s.uniqueid() {
                    self.hang_up(u, s.linkedid(), cause, cause_txt, now);
                }
            }
            // A caller joining, or one a QueueStatus lists while seeding.
            Event::QueueCallerJoin(_) | Event::QueueEntry(_) => {
                let s = Snap::read(m, "");
                if matches!(event, Event::QueueCallerJoin(_)) {
                    self.upsert(&s, now);
                }
                let (Some(q), Some(u)) = (field(m, "Queue"), s.uniqueid().or(s.channel())) else { return };
                let position = field(m, "Position").and_then(|p| p.parse().ok()).unwrap_or(u32::MAX);
                let caller = QueueCaller {
                    uniqueid: u.to_owned(),
                    channel: s.channel().unwrap_or_default().to_owned(),
                    position,
                    caller: s.party(3),
                    joined: now.get(),
                };
                let queue = self.queue_mut(q);
                queue.callers.retain(|c| c.uniqueid != u);
                queue.callers.push(caller);
                queue.callers.sort_by_key(|c| c.position);
                self.queue_changed(q);
            }
            Event::QueueCallerLeave(_) | Event::QueueCallerAbandon(_) => {
                let s = Snap::read(m, "");
                let (Some(q), Some(u)) = (field(m, "Queue"), s.uniqueid()) else { return };
                let abandoned = matches!(event, Event::QueueCallerAbandon(_));
                let queue = self.queue_mut(q);
                let before = queue.callers.len();
                queue.callers.retain(|c| c.uniqueid != u);
                if abandoned {
                    queue.abandoned += 1;
                } else if queue.callers.len() < before {
                    // Left the queue; an abandon follows as its own event.
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
                let (Some(q), Some(i)) = (field(m, "Queue"), field(m, "Interface").or(field(m, "Location"))) else {
                    return;
                };
                let member = member_from(m, i);
                self.queue_mut(q).members.insert(i.to_owned(), member);
                self.queue_changed(q);
            }
            Event::QueueMemberRemoved(_) => {
                let (Some(q), Some(i)) = (field(m, "Queue"), field(m, "Interface")) else { return };
                self.queue_mut(q).members.remove(i);
                self.queue_changed(q);
            }
            Event::AgentConnect(_) => {
                let s = Snap::read(m, "");
                self.upsert(&s, now);
                if let Some(q) = field(m, "Queue") {
                    self.queue_mut(q).answered += 1;
                    self.queue_changed(q);
                }
            }
            Event::QueueParams(_) => {
                if let Some(q) = field(m, "Queue") {
                    self.queue_mut(q);
                    self.queue_changed(q);
                }
            }
            Event::ConfbridgeJoin(_) | Event::ConfbridgeLeave(_) => {
                let s = Snap::read(m, "");
                let (Some(name), Some(u)) = (field(m, "Conference"), s.uniqueid()) else { return };
                let joined = matches!(event, Event::ConfbridgeJoin(_));
                if joined {
                    self.upsert(&s, now);
                }
                let conf = Arc::make_mut(
                    mutate(&mut self.snap.conferences)
                        .entry(name.to_owned())
                        .or_insert_with(|| Arc::new(Conference { name: name.to_owned(), channels: Vec::new() })),
                );
                conf.channels.retain(|c| c != u);
                if joined {
                    conf.channels.push(u.to_owned());
                }
                let conf = self.snap.conferences[name].clone();
                self.change(|| Change::ConferenceChanged(conf));
            }
            Event::ConfbridgeEnd(_) => {
                if let Some(name) = field(m, "Conference") {
                    if let Some(conf) = mutate(&mut self.snap.conferences).remove(name) {
                        self.change(|| Change::ConferenceEnded(conf));
                    }
                }
            }
            Event::ParkedCall(_) => {
                let s = Snap::read(m, "Parkee");
                let Some(u) = s.uniqueid() else { return };
                let parked = ParkedCall {
                    uniqueid: u.to_owned(),
                    channel: s.channel().unwrap_or_default().to_owned(),
                    lot: field(m, "Parkinglot").unwrap_or_default().to_owned(),
                    space: field(m, "ParkingSpace").unwrap_or_default().to_owned(),
                };
                Arc::make_mut(&mut self.snap.parked).insert(u.to_owned(), parked.clone());
                self.change(|| Change::Parked(parked));
            }
            Event::UnParkedCall(_) | Event::ParkedCallGiveUp(_) | Event::ParkedCallTimeOut(_) => {
                let s = Snap::read(m, "Parkee");
                if let Some(p) = s.uniqueid().and_then(|u| Arc::make_mut(&mut self.snap.parked).remove(u)) {
                    self.change(|| Change::Unparked(p));
                }
            }
            Event::DeviceStateChange(_) => {
                let (Some(d), Some(st)) = (field(m, "Device"), field(m, "State")) else { return };
                if self.snap.devices.get(d).map(String::as_str) != Some(st) {
                    Arc::make_mut(&mut self.snap.devices).insert(d.to_owned(), st.to_owned());
                    let (d, st) = (d.to_owned(), st.to_owned());
                    self.change(|| Change::DeviceState { device: d, state: st });
                }
            }
            Event::ExtensionStatus(_) => {
                let (Some(e), Some(ctx)) = (field(m, "Exten"), field(m, "Context")) else { return };
                let status = field(m, "Status").and_then(|s| s.trim().parse().ok()).unwrap_or(-1);
                let text = field(m, "StatusText").unwrap_or_default().to_owned();
                let key = format!("{e}@{ctx}");
                Arc::make_mut(&mut self.snap.extensions).insert(key.clone(), (status, text.clone()));
                self.change(|| Change::ExtensionState { extension: key, status, text });
            }
            _ => {}
        }
    }

    /// Creates or updates the channel of snapshot `s`; returns it.
    fn upsert(&mut self, s: &Snap<'_>, now: &Now) -> Option<Arc<Channel>> {
        let u = s.uniqueid()?;
        let state = s.get(1).and_then(|v| v.parse().ok());
        let channels = mutate(&mut self.snap.channels);
        if let Some(existing) = channels.get_mut(u) {
            let mut changed = false;
            let c = Arc::make_mut(existing);
            // Compared as bytes; text is checked only when it changed.
            let mut set = |slot: &mut String, v: Option<&[u8]>| {
                if let Some(v) = v.filter(|v| slot.as_bytes() != *v) {
                    if let Ok(v) = std::str::from_utf8(v) {
                        slot.clear();
                        slot.push_str(v);
                        changed = true;
                    }
                }
            };
            set(&mut c.name, s.f[0]);
            set(&mut c.state_desc, s.f[2]);
            set(&mut c.context, s.f[8]);
            set(&mut c.exten, s.f[9]);
            set(&mut c.priority, s.f[10]);
            if let Some(st) = state {
                if c.state != st {
                    c.state = st;
                    changed = true;
                }
            }
            if s.party_differs(3, &c.caller) {
                c.caller = s.party(3);
                changed = true;
            }
            if s.party_differs(5, &c.connected) {
                c.connected = s.party(5);
                changed = true;
            }
            let account = known_str(s.get(7));
            if account.is_some() && c.account_code.as_deref() != account {
                c.account_code = account.map(str::to_owned);
                changed = true;
            }
            let answered_now = c.state == 6 && c.answered.is_none();
            if answered_now {
                c.answered = Some(now.get());
            }
            let c = existing.clone();
            if changed {
                self.touch(u);
            }
            if answered_now {
                self.call_answered(&c.linkedid, now);
            }
            return Some(c);
        }
        if self.gone.contains(u) {
            return None;
        }
        let linkedid = s.linkedid().unwrap_or(u).to_owned();
        let c = Arc::new(Channel {
            uniqueid: u.to_owned(),
            name: s.channel().unwrap_or_default().to_owned(),
            linkedid: linkedid.clone(),
            state: state.unwrap_or(0),
            state_desc: s.get(2).unwrap_or_default().to_owned(),
            caller: s.party(3),
            connected: s.party(5),
            account_code: known(s.get(7)),
            context: s.get(8).unwrap_or_default().to_owned(),
            exten: s.get(9).unwrap_or_default().to_owned(),
            priority: s.get(10).unwrap_or_default().to_owned(),
            application: None,
            bridge: None,
            on_hold: false,
            music_on_hold: None,
            variables: BTreeMap::new(),
            created: now.get(),
            answered: (state == Some(6)).then(|| now.get()),
        });
        channels.insert(u.to_owned(), c.clone());
        self.change(|| Change::ChannelCreated(c.clone()));
        self.join_call(&c, now);
        Some(c)
    }

    /// Changes the channel of snapshot `s`, if it is known.
    fn update(&mut self, s: &Snap<'_>, f: impl FnOnce(&mut Channel)) {
        let Some(u) = s.uniqueid() else { return };
        if let Some(c) = mutate(&mut self.snap.channels).get_mut(u) {
            f(Arc::make_mut(c));
            self.touch(u);
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
            if let Some(c) = self.snap.channels.get(&u) {
                self.changes.push(Change::ChannelUpdated(c.clone()));
            }
        }
    }

    fn join_call(&mut self, c: &Arc<Channel>, now: &Now) {
        let calls = mutate(&mut self.snap.calls);
        match calls.get_mut(&c.linkedid) {
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
                calls.insert(c.linkedid.clone(), call.clone());
                self.change(|| Change::CallStarted(call));
            }
        }
    }

    fn call_answered(&mut self, linkedid: &str, now: &Now) {
        if let Some(call) = mutate(&mut self.snap.calls).get_mut(linkedid) {
            if call.answered.is_none() {
                Arc::make_mut(call).answered = Some(now.get());
                let call = call.clone();
                self.change(|| Change::CallUpdated(call));
            }
        }
    }

    fn hang_up(
        &mut self,
        u: &str,
        linkedid: Option<&str>,
        cause: Option<HangupCause>,
        cause_txt: Option<String>,
        now: &Now,
    ) {
        let removed = mutate(&mut self.snap.channels).remove(u);
        self.forget(u);
        if let Some(b) = removed.as_ref().and_then(|c| c.bridge.clone()) {
            self.leave_bridge(&b, u);
        }
        // The queues it waited in, found first: a second handle on the map
        // would make the change below copy it.
        let waited_in: Vec<String> = self
            .snap
            .queues
            .values()
            .filter(|q| q.callers.iter().any(|c| c.uniqueid == u))
            .map(|q| q.name.clone())
            .collect();
        for q in &waited_in {
            self.queue_mut(q).callers.retain(|c| c.uniqueid != u);
            self.queue_changed(q);
        }
        if self.snap.parked.contains_key(u) {
            Arc::make_mut(&mut self.snap.parked).remove(u);
        }
        if let Some(c) = removed.clone() {
            self.change(|| Change::ChannelHungUp { channel: c, cause });
        }
        let linkedid = removed.as_ref().map(|c| c.linkedid.clone()).or(linkedid.map(str::to_owned));
        let Some(linkedid) = linkedid else { return };
        let calls = mutate(&mut self.snap.calls);
        let Some(call) = calls.get_mut(&linkedid) else { return };
        let call = Arc::make_mut(call);
        call.channels.retain(|c| c != u);
        if call.cause.is_none() && cause.is_some_and(|c| c.code() != 0) {
            call.cause = cause;
            call.cause_txt = cause_txt;
        }
        if !call.channels.is_empty() {
            return;
        }
        if call.cause.is_none() {
            // Every channel hung up with cause 0 (or none): keep what there was.
            call.cause = cause;
            call.cause_txt = call.cause_txt.take();
        }
        call.ended = Some(now.get());
        let ended = if self.options.ended_call_grace.is_zero() {
            calls.remove(&linkedid).expect("just found")
        } else {
            self.ended.push_back((Instant::now() + self.options.ended_call_grace, linkedid.clone()));
            calls[&linkedid].clone()
        };
        self.change(|| Change::CallEnded(ended));
    }

    /// Drops ended calls whose grace period is over.
    fn expire(&mut self, now: Instant) {
        while self.ended.front().is_some_and(|(t, _)| *t <= now) {
            let (_, id) = self.ended.pop_front().expect("checked");
            if self.snap.calls.get(&id).is_some_and(|c| c.ended.is_some()) {
                mutate(&mut self.snap.calls).remove(&id);
            }
        }
    }

    fn forget(&mut self, u: &str) {
        if self.gone.insert(u.to_owned()) {
            self.gone_order.push_back(u.to_owned());
            if self.gone_order.len() > GONE {
                let old = self.gone_order.pop_front().expect("non-empty");
                self.gone.remove(&old);
            }
        }
    }

    /// Creates or updates the bridge of a message with bridge fields.
    fn bridge(&mut self, m: &Message) -> Option<String> {
        let id = field(m, "BridgeUniqueid")?.to_owned();
        let bridges = mutate(&mut self.snap.bridges);
        let created = !bridges.contains_key(&id);
        let b = Arc::make_mut(
            bridges.entry(id.clone()).or_insert_with(|| Arc::new(Bridge { uniqueid: id.clone(), ..Bridge::default() })),
        );
        b.bridge_type = known(field(m, "BridgeType")).or(b.bridge_type.take());
        b.technology = known(field(m, "BridgeTechnology")).or(b.technology.take());
        b.creator = known(field(m, "BridgeCreator")).or(b.creator.take());
        b.name = known(field(m, "BridgeName")).or(b.name.take());
        if created {
            let b = self.snap.bridges[&id].clone();
            self.change(|| Change::BridgeCreated(b));
        }
        Some(id)
    }

    fn enter_bridge(&mut self, bridge: &str, u: &str) {
        if let Some(b) = mutate(&mut self.snap.bridges).get_mut(bridge) {
            let b = Arc::make_mut(b);
            if !b.channels.iter().any(|c| c == u) {
                b.channels.push(u.to_owned());
            }
        }
        if let Some(c) = mutate(&mut self.snap.channels).get_mut(u) {
            Arc::make_mut(c).bridge = Some(bridge.to_owned());
        }
        let (bridge, channel) = (bridge.to_owned(), u.to_owned());
        self.change(|| Change::EnteredBridge { bridge, channel });
    }

    fn leave_bridge(&mut self, bridge: &str, u: &str) {
        if let Some(b) = mutate(&mut self.snap.bridges).get_mut(bridge) {
            Arc::make_mut(b).channels.retain(|c| c != u);
        }
        if let Some(c) = mutate(&mut self.snap.channels).get_mut(u) {
            if c.bridge.as_deref() == Some(bridge) {
                Arc::make_mut(c).bridge = None;
            }
        }
        let (bridge, channel) = (bridge.to_owned(), u.to_owned());
        self.change(|| Change::LeftBridge { bridge, channel });
    }

    fn queue_mut(&mut self, name: &str) -> &mut Queue {
        Arc::make_mut(
            mutate(&mut self.snap.queues)
                .entry(name.to_owned())
                .or_insert_with(|| Arc::new(Queue { name: name.to_owned(), ..Queue::default() })),
        )
    }

    fn queue_changed(&mut self, name: &str) {
        if let Some(q) = self.snap.queues.get(name).cloned() {
            self.change(|| Change::QueueChanged(q));
        }
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
            let s = Snap::read(&m, "");
            self.upsert(&s, now);
            let app = known(field(&m, "Application"));
            self.update(&s, |c| c.application = app);
            if let (Some(b), Some(u)) = (known(field(&m, "BridgeId")), s.uniqueid()) {
                let id = b.clone();
                let bridges = mutate(&mut self.snap.bridges);
                bridges.entry(b).or_insert_with(|| Arc::new(Bridge { uniqueid: id.clone(), ..Bridge::default() }));
                self.enter_bridge(&id, u);
            }
        } else if name.eq_ignore_ascii_case("BridgeListItem") {
            self.bridge(&m);
        } else if name.eq_ignore_ascii_case("ConfbridgeListRooms") {
            if let Some(room) = field(&m, "Conference") {
                mutate(&mut self.snap.conferences)
                    .entry(room.to_owned())
                    .or_insert_with(|| Arc::new(Conference { name: room.to_owned(), channels: Vec::new() }));
            }
        } else if name.eq_ignore_ascii_case("ConfbridgeList") {
            let s = Snap::read(&m, "");
            let (Some(room), Some(u)) = (field(&m, "Conference"), s.uniqueid()) else { return };
            self.upsert(&s, now);
            let conf = Arc::make_mut(
                mutate(&mut self.snap.conferences)
                    .entry(room.to_owned())
                    .or_insert_with(|| Arc::new(Conference { name: room.to_owned(), channels: Vec::new() })),
            );
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
        self.snap = Snapshot::default();
        self.ended.clear();
    }
}

fn member_from(m: &Message, interface: &str) -> QueueMember {
    fn num<T: std::str::FromStr>(m: &Message, k: &str) -> Option<T> {
        field(m, k).and_then(|v| v.trim().parse().ok())
    }
    QueueMember {
        interface: interface.to_owned(),
        name: known(field(m, "MemberName").or(field(m, "Name"))),
        state_interface: known(field(m, "StateInterface")),
        paused: field(m, "Paused").and_then(|v| crate::typed::parse_bool(v.as_bytes())).unwrap_or(false),
        paused_reason: known(field(m, "PausedReason")),
        status: num(m, "Status"),
        in_call: field(m, "InCall").and_then(|v| crate::typed::parse_bool(v.as_bytes())).unwrap_or(false),
        penalty: num(m, "Penalty"),
        calls_taken: num(m, "CallsTaken"),
    }
}

/// How long an ended call stays visible by default.
pub(crate) const DEFAULT_GRACE: Duration = Duration::ZERO;
