//! Call queues as `app_queue` runs them, kept small: queues configured on
//! the [`Builder`](super::Builder), members (static ones from the builder,
//! dynamic ones from `QueueAdd`), callers waiting in line, and the calls a
//! member takes; the actions `QueueAdd`, `QueueRemove`, `QueuePause`,
//! `QueueStatus` and `QueueSummary`; and the events Asterisk 22 writes
//! (class `agent`), with the fields in the order `app_queue.c` packs them.
//!
//! How a call goes through a queue in the fake:
//!
//! - a caller joins (`Originate` with `Application: Queue`, a blind transfer
//!   to an extension that runs `Queue`, or [`FakeAsterisk::enqueue`]):
//!   `QueueCallerJoin`, then `MusicOnHoldStart` (class `default`);
//! - as soon as a member is free (not paused, not on a call from the fake's
//!   queues), the first caller in line is offered to the first free member
//!   in the queue's order (every strategy behaves as `ringall` with one
//!   member answering): the member's channel is created (`Newchannel`...),
//!   `AgentCalled`, `DialBegin`, it answers (`Newstate`, `DialEnd`), the
//!   caller leaves the line (`MusicOnHoldStop`, `QueueCallerLeave`),
//!   `AgentConnect`, and both are bridged (`BridgeCreate`, `BridgeEnter`...);
//!   the member's status follows its device (`QueueMemberStatus`: ringing,
//!   in use, free again; a `Custom:` state interface keeps its state);
//! - a caller that hangs up while waiting: `QueueCallerAbandon`, then
//!   `QueueCallerLeave`; a call that ends once connected: `AgentComplete`
//!   with `Reason: caller`, `agent` or `transfer`.
//!
//! [`FakeAsterisk::enqueue`]: super::FakeAsterisk::enqueue

use std::sync::Arc;
use std::time::SystemTime;

use super::actions::Builtin;
use super::calls::{Calls, ChannelState, Leg};
use super::clock::unix_secs;
use super::input::{field, is_true};
use super::server::{lock, Shared};
use super::users::{AGENT, CALL};
use super::wire::{Event, Out, Reply};
use crate::Message;

/// The actions of this module, with the write classes `ListCommands` shows.
pub(crate) static ACTIONS: [Builtin; 5] = [
    Builtin { name: "QueueStatus", privilege: 0, run: queue_status },
    Builtin { name: "QueueSummary", privilege: 0, run: queue_summary },
    Builtin { name: "QueueAdd", privilege: AGENT, run: queue_add },
    Builtin { name: "QueueRemove", privilege: AGENT, run: queue_remove },
    Builtin { name: "QueuePause", privilege: AGENT, run: queue_pause },
];

/// Device states as `app_queue` reports a member's `Status`.
const DEVICE_UNKNOWN: u8 = 0;
const DEVICE_NOT_INUSE: u8 = 1;
const DEVICE_INUSE: u8 = 2;
const DEVICE_RINGING: u8 = 6;

fn now() -> u64 {
    unix_secs(SystemTime::now())
}

/// A queue as the builder configures it: its name and static members
/// (interface, member name).
#[derive(Clone)]
pub(crate) struct QueueSetup {
    pub(crate) name: String,
    pub(crate) members: Vec<(String, String)>,
}

struct Member {
    interface: String,
    name: String,
    state_interface: String,
    penalty: i64,
    paused: bool,
    reason: String,
    dynamic: bool,
    calls: u64,
    lastcall: u64,
    lastpause: u64,
    logintime: u64,
    status: u8,
    in_call: bool,
    wrapuptime: i64,
    /// The member's channel (uniqueid) on a call from this queue.
    channel: Option<String>,
}

impl Member {
    fn new(interface: &str, name: &str, state_interface: &str) -> Member {
        let state_interface = if state_interface.is_empty() { interface } else { state_interface };
        Member {
            interface: interface.to_string(),
            name: if name.is_empty() { interface } else { name }.to_string(),
            state_interface: state_interface.to_string(),
            penalty: 0,
            paused: false,
            reason: String::new(),
            dynamic: false,
            calls: 0,
            lastcall: 0,
            lastpause: 0,
            logintime: now(),
            // A custom device state nobody set is unknown; other devices are free.
            status: if is_custom(state_interface) { DEVICE_UNKNOWN } else { DEVICE_NOT_INUSE },
            in_call: false,
            wrapuptime: 0,
            channel: None,
        }
    }

    /// Free to take a call: `member_status_available` and not paused.
    fn available(&self) -> bool {
        !self.paused && matches!(self.status, DEVICE_UNKNOWN | DEVICE_NOT_INUSE) && self.channel.is_none()
    }

    fn logged_in(&self) -> bool {
        // Neither AST_DEVICE_INVALID (4) nor AST_DEVICE_UNAVAILABLE (5).
        !matches!(self.status, 4 | 5)
    }
}

fn is_custom(state_interface: &str) -> bool {
    state_interface.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("Custom:"))
}

struct Caller {
    uniqueid: String,
    joined: u64,
    original_position: usize,
    /// Hangs up once its call with a member ends: a caller that an
    /// `Originate` with `Application: Queue` put there (the application
    /// returns, the originated channel hangs up).
    hangs_up_after: bool,
}

/// A call a member took, until it completes.
struct AgentCall {
    queue: String,
    caller: String,
    interface: String,
    /// The member's channel (uniqueid).
    agent: String,
    holdstart: u64,
    start: u64,
}

pub(crate) struct Queue {
    name: String,
    members: Vec<Member>,
    callers: Vec<Caller>,
    completed: u64,
    completed_in_sl: u64,
    abandoned: u64,
    abandoned_in_sl: u64,
    holdtime: i64,
    talktime: i64,
}

impl Queue {
    fn new(name: &str) -> Queue {
        Queue {
            name: name.to_string(),
            members: Vec::new(),
            callers: Vec::new(),
            completed: 0,
            completed_in_sl: 0,
            abandoned: 0,
            abandoned_in_sl: 0,
            holdtime: 0,
            talktime: 0,
        }
    }

    fn member(&self, interface: &str) -> Option<usize> {
        self.members.iter().position(|m| m.interface.eq_ignore_ascii_case(interface))
    }

    /// The member fields of every `QueueMember*` event
    /// (`queue_member_blob_create`).
    fn member_event(&self, name: &str, m: &Member) -> Event {
        Event::build(name, AGENT, |out| {
            out.h("Queue", &self.name)
                .h("MemberName", &m.name)
                .h("Interface", &m.interface)
                .h("StateInterface", &m.state_interface)
                .h("Membership", if m.dynamic { "dynamic" } else { "static" })
                .h("Penalty", m.penalty.to_string())
                .h("CallsTaken", m.calls.to_string())
                .h("LastCall", m.lastcall.to_string())
                .h("LastPause", m.lastpause.to_string())
                .h("LoginTime", m.logintime.to_string())
                .h("InCall", u8::from(m.in_call).to_string())
                .h("Status", m.status.to_string())
                .h("Paused", u8::from(m.paused).to_string())
                .h("PausedReason", &m.reason)
                .h("Ringinuse", "1")
                .h("Wrapuptime", m.wrapuptime.to_string());
        })
    }

    /// An exponential average, as `recalc_holdtime` and `update_queue` keep them.
    fn average(old: i64, new: i64, first: bool) -> i64 {
        if first {
            new
        } else {
            ((old << 2) - old + new) >> 2
        }
    }
}

/// Every queue, in the order configured.
#[derive(Default)]
pub(crate) struct Queues {
    list: Vec<Queue>,
    calls: Vec<AgentCall>,
}

impl Queues {
    /// The queues of the builder.
    pub(crate) fn new(setups: &[QueueSetup]) -> Queues {
        let list = setups
            .iter()
            .map(|setup| {
                let mut q = Queue::new(&setup.name);
                q.members = setup.members.iter().map(|(interface, name)| Member::new(interface, name, "")).collect();
                q
            })
            .collect();
        Queues { list, calls: Vec::new() }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|q| q.name.eq_ignore_ascii_case(name))
    }

    /// The queue a channel waits in, and its place (0-based).
    fn waiting(&self, uniqueid: &str) -> Option<(usize, usize)> {
        self.list
            .iter()
            .enumerate()
            .find_map(|(qi, q)| q.callers.iter().position(|c| c.uniqueid == uniqueid).map(|p| (qi, p)))
    }

    /// Sets the device state of every member watching `state_interface`
    /// (but a `Custom:` one); `QueueMemberStatus` for each that changed.
    fn set_status(&mut self, state_interface: &str, status: u8) -> Vec<Event> {
        if is_custom(state_interface) {
            return Vec::new();
        }
        let mut events = Vec::new();
        for q in &mut self.list {
            for i in 0..q.members.len() {
                let m = &mut q.members[i];
                if m.state_interface.eq_ignore_ascii_case(state_interface) && m.status != status {
                    m.status = status;
                    events.push(q.member_event("QueueMemberStatus", &q.members[i]));
                }
            }
        }
        events
    }
}

/// A channel's event with a queue's fields (`queue_channel_to_ami`).
fn caller_event(name: &str, leg: &Leg, fields: &[(&str, String)]) -> Event {
    leg.event(name, AGENT, |out| {
        for (k, v) in fields {
            out.h(k, v);
        }
    })
}

/// An event about a caller and a member's channel (`queue_multi_channel_to_ami`).
fn agent_event(name: &str, caller: &Leg, agent: &Leg, fields: &[(&str, String)]) -> Event {
    Event::build(name, AGENT, |out| {
        caller.snapshot(out, "");
        agent.snapshot(out, "Dest");
        for (k, v) in fields {
            out.h(k, v);
        }
    })
}

impl Calls {
    /// Channel `uniqueid` joins queue `name` (at the end of the line); the
    /// events, or `None` if there is no such queue or channel.
    pub(crate) fn join_queue(&mut self, name: &str, uniqueid: &str, hangs_up_after: bool) -> Option<Vec<Event>> {
        let qi = self.queues.index(name)?;
        self.by_uid(uniqueid)?;
        let q = &mut self.queues.list[qi];
        let position = q.callers.len() + 1;
        q.callers.push(Caller {
            uniqueid: uniqueid.to_string(),
            joined: now(),
            original_position: position,
            hangs_up_after,
        });
        let fields = [("Queue", q.name.clone()), ("Position", position.to_string()), ("Count", position.to_string())];
        let leg = self.by_uid(uniqueid)?;
        let mut events = vec![caller_event("QueueCallerJoin", leg, &fields)];
        events.push(leg.event("MusicOnHoldStart", CALL, |out| {
            out.h("Class", "default");
        }));
        events.extend(self.distribute());
        Some(events)
    }

    /// Offers waiting callers to free members until no pair is left.
    pub(crate) fn distribute(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        loop {
            let pair = self.queues.list.iter().enumerate().find_map(|(qi, q)| {
                let first = q.callers.first()?;
                let member = q.members.iter().position(Member::available)?;
                Some((qi, first.uniqueid.clone(), member))
            });
            let Some((qi, caller, member)) = pair else { return events };
            events.extend(self.connect(qi, &caller, member));
        }
    }

    /// The member rings, answers and is bridged with the first caller.
    fn connect(&mut self, qi: usize, caller: &str, mi: usize) -> Vec<Event> {
        let (queue, interface, member_name, state_interface) = {
            let q = &self.queues.list[qi];
            let m = &q.members[mi];
            (q.name.clone(), m.interface.clone(), m.name.clone(), m.state_interface.clone())
        };
        let (agent, mut events) = self.spawn_peer(caller, &interface, "AppQueue");
        self.queues.list[qi].members[mi].channel = Some(agent.clone());
        let (Some(c), Some(a)) = (self.by_uid(caller), self.by_uid(&agent)) else { return events };
        let who = [("Queue", queue.clone()), ("Interface", interface.clone()), ("MemberName", member_name.clone())];
        events.push(agent_event("AgentCalled", c, a, &who));
        events.push(Event::build("DialBegin", CALL, |out| {
            c.snapshot(out, "");
            a.snapshot(out, "Dest");
            out.h("DialString", &interface);
        }));
        if !interface.to_ascii_lowercase().starts_with("local/") {
            events.extend(self.queues.set_status(&state_interface, DEVICE_RINGING));
        }
        events.extend(self.answer_peer(&agent));
        events.extend(self.dial_end(caller, &agent));
        if let Some(c) = self.by_uid(caller) {
            events.push(c.event("MusicOnHoldStop", CALL, |_| {}));
        }
        let q = &mut self.queues.list[qi];
        let entry = q.callers.remove(0);
        let holdtime = now().saturating_sub(entry.joined);
        q.holdtime = Queue::average(q.holdtime, holdtime as i64, q.completed + q.abandoned == 0);
        let count = q.callers.len();
        if let Some(c) = self.by_uid_mut(caller) {
            let fields = [("Queue", queue.clone()), ("Position", "1".to_string()), ("Count", count.to_string())];
            events.push(caller_event("QueueCallerLeave", c, &fields));
            events.push(c.set_var("QUEUEPOSITION", "1"));
        }
        if let (Some(c), Some(a)) = (self.by_uid(caller), self.by_uid(&agent)) {
            let mut fields = who.to_vec();
            fields.extend([("HoldTime", holdtime.to_string()), ("RingTime", "0".to_string())]);
            events.push(agent_event("AgentConnect", c, a, &fields));
        }
        let start = now();
        self.queues.calls.push(AgentCall {
            queue,
            caller: caller.to_string(),
            interface,
            agent: agent.clone(),
            holdstart: entry.joined,
            start,
        });
        events.extend(self.bridge_peer(&agent, caller, entry.hangs_up_after));
        self.queues.list[qi].members[mi].in_call = true;
        events.extend(self.queues.set_status(&state_interface, DEVICE_INUSE));
        events.extend(self.peer_waits(&agent));
        events
    }

    /// What the queues do as the channels `dying` hang up: callers still in
    /// line abandon it; calls with a member complete (`AgentComplete`,
    /// reason `caller` or `agent`). Sent before the channels leave their
    /// bridges, as `app_queue` reacts to the hangup request.
    pub(crate) fn queue_hangup(&mut self, dying: &[String]) -> Vec<Event> {
        let mut events = Vec::new();
        for uid in dying {
            let Some((qi, pos)) = self.queues.waiting(uid) else { continue };
            let q = &mut self.queues.list[qi];
            let caller = q.callers.remove(pos);
            let held = now().saturating_sub(caller.joined);
            q.abandoned += 1;
            if held == 0 {
                // Within the service level of 0 s.
                q.abandoned_in_sl += 1;
            }
            let (name, count) = (q.name.clone(), q.callers.len());
            let position = (pos + 1).to_string();
            if let Some(leg) = self.by_uid_mut(uid) {
                let abandon = [
                    ("Queue", name.clone()),
                    ("Position", position.clone()),
                    ("OriginalPosition", caller.original_position.to_string()),
                    ("HoldTime", held.to_string()),
                ];
                events.push(caller_event("QueueCallerAbandon", leg, &abandon));
                let leave = [("Queue", name), ("Position", position.clone()), ("Count", count.to_string())];
                events.push(caller_event("QueueCallerLeave", leg, &leave));
                events.push(leg.set_var("QUEUEPOSITION", &position));
            }
        }
        let ended: Vec<usize> = (0..self.queues.calls.len())
            .filter(|&i| {
                let call = &self.queues.calls[i];
                dying.contains(&call.caller) || dying.contains(&call.agent)
            })
            .collect();
        for i in ended.into_iter().rev() {
            let call = self.queues.calls.remove(i);
            let reason = if dying.contains(&call.caller) { "caller" } else { "agent" };
            events.extend(self.complete(call, reason));
        }
        events
    }

    /// A call between a caller and a member ends: `AgentComplete`, and the
    /// queue's and member's counters (`update_queue`).
    fn complete(&mut self, call: AgentCall, reason: &str) -> Option<Event> {
        let talk = now().saturating_sub(call.start);
        let qi = self.queues.index(&call.queue)?;
        let q = &mut self.queues.list[qi];
        q.completed += 1;
        if call.start - call.holdstart == 0 {
            q.completed_in_sl += 1;
        }
        q.talktime = Queue::average(q.talktime, talk as i64, q.completed == 1);
        let mi = q.member(&call.interface)?;
        let m = &mut q.members[mi];
        m.calls += 1;
        m.lastcall = now();
        m.in_call = false;
        let name = m.name.clone();
        let (caller, agent) = (self.by_uid(&call.caller)?, self.by_uid(&call.agent)?);
        let fields = [
            ("Queue", call.queue.clone()),
            ("Interface", call.interface.clone()),
            ("MemberName", name),
            ("HoldTime", (call.start - call.holdstart).to_string()),
            ("TalkTime", talk.to_string()),
            ("Reason", reason.to_string()),
        ];
        Some(agent_event("AgentComplete", caller, agent, &fields))
    }

    /// A blind transfer out of bridge `bridge`: a member's call in it
    /// completes with `Reason: transfer`.
    pub(crate) fn queue_transfer(&mut self, members: &[String]) -> Vec<Event> {
        let i = self.queues.calls.iter().position(|c| members.contains(&c.caller) && members.contains(&c.agent));
        match i {
            Some(i) => {
                let call = self.queues.calls.remove(i);
                self.complete(call, "transfer").into_iter().collect()
            }
            None => Vec::new(),
        }
    }

    /// After channels `gone` hung up: members whose channel it was are free
    /// again (`QueueMemberStatus`), and may take the next caller.
    pub(crate) fn queue_released(&mut self, gone: &[String]) -> Vec<Event> {
        let mut freed = Vec::new();
        for q in &mut self.queues.list {
            for m in &mut q.members {
                if m.channel.as_ref().is_some_and(|c| gone.contains(c)) {
                    m.channel = None;
                    freed.push(m.state_interface.clone());
                }
            }
        }
        if freed.is_empty() {
            return Vec::new();
        }
        let mut events: Vec<Event> = freed.iter().flat_map(|s| self.queues.set_status(s, DEVICE_NOT_INUSE)).collect();
        events.extend(self.distribute());
        events
    }
}

/// After an `Originate` with `Application: Queue` answered: its channel
/// joins the queue named in `Data`, and hangs up when its call ends; with
/// no such queue, `Queue` returns at once and the channel hangs up.
pub(crate) fn after_originate(shared: &Arc<Shared>, call: u64) {
    let mut calls = lock(&shared.calls);
    let Some(i) = calls.active.iter().position(|c| c.id == call) else { return };
    let first = &calls.active[i].legs[0];
    if !first.app.eq_ignore_ascii_case("Queue") || first.state != ChannelState::Up {
        return;
    }
    let queue = first.app_data.split(',').next().unwrap_or_default().to_string();
    let uid = first.uniqueid.clone();
    let events = match calls.join_queue(&queue, &uid, true) {
        Some(events) => events,
        None => calls.release(i),
    };
    drop(calls);
    shared.emit(&events);
}

/// The queues a request's `Queue` names (all of them when it is empty).
fn selected<'a>(calls: &'a Calls, req: &Message) -> Vec<&'a Queue> {
    let name = field(req, "Queue");
    calls.queues.list.iter().filter(|q| name.is_empty() || q.name.eq_ignore_ascii_case(&name)).collect()
}

/// `QueueStatus`: for each queue, `QueueParams`, its `QueueMember`s (those
/// `Member` names by interface or member name), its `QueueEntry`s.
fn queue_status(shared: &Arc<Shared>, req: &Message) -> Reply {
    let calls = lock(&shared.calls);
    let member = field(req, "Member");
    let now = now();
    let mut out = Out::default();
    out.list_start(req, "Queue status will follow");
    let mut items = 0;
    for q in selected(&calls, req) {
        let percent = |part: u64, whole: u64| if whole > 0 { 100.0 * part as f64 / whole as f64 } else { 0.0 };
        let sl = percent(q.completed_in_sl, q.completed);
        let sl2 = percent(q.abandoned_in_sl + q.completed_in_sl, q.abandoned + q.completed);
        out.h("Event", "QueueParams").h("Queue", &q.name).h("Max", "0").h("Strategy", "ringall");
        out.h("Calls", q.callers.len().to_string()).h("Holdtime", q.holdtime.to_string());
        out.h("TalkTime", q.talktime.to_string()).h("Completed", q.completed.to_string());
        out.h("Abandoned", q.abandoned.to_string()).h("ServiceLevel", "0");
        out.h("ServicelevelPerf", format!("{sl:.1}")).h("ServicelevelPerf2", format!("{sl2:.1}"));
        out.h("Weight", "0").id(req).end();
        items += 1;
        for m in q.members.iter().filter(|m| member.is_empty() || m.interface == *member || m.name == *member) {
            out.h("Event", "QueueMember").h("Queue", &q.name).h("Name", &m.name).h("Location", &m.interface);
            out.h("StateInterface", &m.state_interface).h("Membership", if m.dynamic { "dynamic" } else { "static" });
            out.h("Penalty", m.penalty.to_string()).h("CallsTaken", m.calls.to_string());
            out.h("LastCall", m.lastcall.to_string()).h("LastPause", m.lastpause.to_string());
            out.h("LoginTime", m.logintime.to_string()).h("InCall", u8::from(m.in_call).to_string());
            out.h("Status", m.status.to_string()).h("Paused", u8::from(m.paused).to_string());
            out.h("PausedReason", &m.reason).h("Wrapuptime", m.wrapuptime.to_string()).id(req).end();
            items += 1;
        }
        for (i, caller) in q.callers.iter().enumerate() {
            let Some(leg) = calls.by_uid(&caller.uniqueid) else { continue };
            // Asterisk prints a caller ID it does not know as `unknown` here.
            let known = |v: &str| if v == "<unknown>" { "unknown".to_string() } else { v.to_string() };
            out.h("Event", "QueueEntry").h("Queue", &q.name).h("Position", (i + 1).to_string());
            out.h("Channel", &leg.channel).h("Uniqueid", &leg.uniqueid);
            out.h("CallerIDNum", known(&leg.caller.num)).h("CallerIDName", known(&leg.caller.name));
            out.h("ConnectedLineNum", known(&leg.connected.num)).h("ConnectedLineName", known(&leg.connected.name));
            out.h("Wait", now.saturating_sub(caller.joined).to_string()).h("Priority", "0").id(req).end();
            items += 1;
        }
    }
    out.list_complete("QueueStatusComplete", req, items).end();
    Reply::new(out)
}

/// `QueueSummary`: one `QueueSummary` per queue.
fn queue_summary(shared: &Arc<Shared>, req: &Message) -> Reply {
    let calls = lock(&shared.calls);
    let now = now();
    let queues = selected(&calls, req);
    let mut out = Out::default();
    out.list_start(req, "Queue summary will follow");
    for q in &queues {
        let logged_in = q.members.iter().filter(|m| m.logged_in()).count();
        let available = q.members.iter().filter(|m| m.logged_in() && !m.paused && m.status <= 1).count();
        let longest = q.callers.iter().map(|c| now.saturating_sub(c.joined)).max().unwrap_or(0);
        out.h("Event", "QueueSummary").h("Queue", &q.name).h("LoggedIn", logged_in.to_string());
        out.h("Available", available.to_string()).h("Callers", q.callers.len().to_string());
        out.h("HoldTime", q.holdtime.to_string()).h("TalkTime", q.talktime.to_string());
        out.h("LongestHoldTime", longest.to_string()).id(req).end();
    }
    out.list_complete("QueueSummaryComplete", req, queues.len()).end();
    Reply::new(out)
}

/// A number as `sscanf("%30d")` reads it for these actions: anything else,
/// or a negative number, is 0.
fn non_negative(value: &str) -> i64 {
    value.trim().parse::<i64>().ok().filter(|n| *n >= 0).unwrap_or(0)
}

/// `QueueAdd`: a dynamic member (`QueueMemberAdded`).
fn queue_add(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (queue, interface) = (field(req, "Queue"), field(req, "Interface"));
    if queue.is_empty() {
        return Reply::error(req, "'Queue' not specified.");
    }
    if interface.is_empty() {
        return Reply::error(req, "'Interface' not specified.");
    }
    let mut calls = lock(&shared.calls);
    let Some(qi) = calls.queues.index(&queue) else {
        return Reply::error(req, "Unable to add interface to queue: No such queue");
    };
    let q = &mut calls.queues.list[qi];
    if q.member(&interface).is_some() {
        return Reply::error(req, "Unable to add interface: Already there");
    }
    let mut m = Member::new(&interface, &field(req, "MemberName"), &field(req, "StateInterface"));
    m.dynamic = true;
    m.penalty = non_negative(&field(req, "Penalty"));
    m.wrapuptime = non_negative(&field(req, "Wrapuptime"));
    m.paused = is_true(&field(req, "Paused"));
    if m.paused {
        m.lastpause = m.logintime;
    }
    m.reason = field(req, "Reason").into_owned();
    let mut events = vec![q.member_event("QueueMemberAdded", &m)];
    q.members.push(m);
    events.extend(calls.distribute());
    drop(calls);
    shared.emit(&events);
    Reply::ack(req, "Added interface to queue")
}

/// `QueueRemove`: a dynamic member leaves (`QueueMemberRemoved`).
fn queue_remove(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (queue, interface) = (field(req, "Queue"), field(req, "Interface"));
    if queue.is_empty() || interface.is_empty() {
        return Reply::error(req, "Need 'Queue' and 'Interface' parameters.");
    }
    let mut calls = lock(&shared.calls);
    let Some(qi) = calls.queues.index(&queue) else {
        return Reply::error(req, "Unable to remove interface from queue: No such queue");
    };
    let q = &mut calls.queues.list[qi];
    let Some(mi) = q.member(&interface) else {
        return Reply::error(req, "Unable to remove interface: Not there");
    };
    if !q.members[mi].dynamic {
        return Reply::error(req, "Member not dynamic");
    }
    let event = q.member_event("QueueMemberRemoved", &q.members[mi]);
    q.members.remove(mi);
    drop(calls);
    shared.emit(&[event]);
    Reply::ack(req, "Removed interface from queue")
}

/// `QueuePause`: pauses or unpauses a member in one queue, or in every
/// queue it is in (`QueueMemberPause` for each).
fn queue_pause(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (interface, paused) = (field(req, "Interface"), field(req, "Paused"));
    if interface.is_empty() || paused.is_empty() {
        return Reply::error(req, "Need 'Interface' and 'Paused' parameters.");
    }
    let (paused, reason, queue) = (is_true(&paused), field(req, "Reason"), field(req, "Queue"));
    let mut calls = lock(&shared.calls);
    let mut events = Vec::new();
    for q in calls.queues.list.iter_mut().filter(|q| queue.is_empty() || q.name.eq_ignore_ascii_case(&queue)) {
        let Some(mi) = q.member(&interface) else { continue };
        let m = &mut q.members[mi];
        m.paused = paused;
        if paused {
            m.lastpause = now();
        }
        // The reason shows in the event even when unpausing, then goes.
        m.reason = reason.to_string();
        events.push(q.member_event("QueueMemberPause", &q.members[mi]));
        if !paused {
            q.members[mi].reason.clear();
        }
    }
    if events.is_empty() {
        return Reply::error(req, "Interface not found");
    }
    events.extend(calls.distribute());
    drop(calls);
    shared.emit(&events);
    Reply::ack(req, if paused { "Interface paused successfully" } else { "Interface unpaused successfully" })
}

impl Calls {
    /// Whether channel `uniqueid` waits in a queue.
    pub(crate) fn is_waiting(&self, uniqueid: &str) -> bool {
        self.queues.waiting(uniqueid).is_some()
    }

    /// Whether queue `name` exists.
    pub(crate) fn has_queue(&self, name: &str) -> bool {
        self.queues.index(name).is_some()
    }
}
