//! The fake's channel table: calls placed by `Originate`, their channels
//! ("legs"), and the events Asterisk 22 emits while a call starts, fails or
//! ends. A `Local/` channel gets its two halves (`;1` and `;2`); any other
//! channel one leg.

use std::time::Instant;

use super::bridges::Bridges;
use super::input::{action_id, field, is_true};
use super::pattern;
use super::queues::Queues;
use super::users::{CALL, DIALPLAN};
use super::wire::{Event, Out};
use crate::{Message, OriginateReason};

/// How the fake answers an `Originate` to a channel; see
/// [`Builder::originate_outcome`](super::Builder::originate_outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The call is answered (`Reason: 4`) and stays up until hung up.
    Answered,
    /// The callee is busy (`Reason: 5`, hangup cause 17).
    Busy,
    /// Nobody answers (`Reason: 3`, hangup cause 19).
    NoAnswer,
    /// The network is congested (`Reason: 8`, hangup cause 34).
    Congestion,
    /// No such extension or a bad channel (`Reason: 0`).
    Failed,
}

impl Outcome {
    /// The `Reason` its OriginateResponse gives (read back by
    /// [`OriginateOutcome::reason`](crate::OriginateOutcome::reason)).
    pub fn reason(self) -> OriginateReason {
        match self {
            Outcome::Answered => OriginateReason::Answered,
            Outcome::Busy => OriginateReason::Busy,
            Outcome::NoAnswer => OriginateReason::NoAnswer,
            Outcome::Congestion => OriginateReason::Congestion,
            Outcome::Failed => OriginateReason::Failed,
        }
    }

    /// `Cause` and `Cause-txt` of the Hangup events.
    fn cause(self) -> Cause {
        match self {
            Outcome::Answered => NORMAL_CLEARING,
            Outcome::Busy => (17, "User busy"),
            Outcome::NoAnswer => (19, "User alerting, no answer"),
            Outcome::Congestion => (34, "Circuit/channel congestion"),
            Outcome::Failed => (0, "Unknown"),
        }
    }
}

pub(crate) type Cause = (u32, &'static str);
pub(crate) const NORMAL_CLEARING: Cause = (16, "Normal Clearing");
const UNKNOWN: &str = "<unknown>";

/// Channel states as Asterisk numbers them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChannelState {
    Down,
    Ring,
    Up,
}

impl ChannelState {
    fn code(self) -> u8 {
        match self {
            ChannelState::Down => 0,
            ChannelState::Ring => 4,
            ChannelState::Up => 6,
        }
    }

    pub(crate) fn desc(self) -> &'static str {
        match self {
            ChannelState::Down => "Down",
            ChannelState::Ring => "Ring",
            ChannelState::Up => "Up",
        }
    }
}

/// A caller ID as snapshots print it: `<unknown>` for what is not set.
#[derive(Clone)]
pub(crate) struct CallerId {
    pub(crate) num: String,
    pub(crate) name: String,
}

impl Default for CallerId {
    fn default() -> Self {
        CallerId { num: UNKNOWN.to_string(), name: UNKNOWN.to_string() }
    }
}

impl CallerId {
    /// `"Peer Test" <200>`, `<200>`, `200` or `Peer Test`.
    fn parse(text: &str) -> CallerId {
        let mut cid = CallerId::default();
        match text.split_once('<') {
            Some((name, rest)) => {
                cid.num = rest.split('>').next().unwrap_or_default().trim().to_string();
                let name = name.trim().trim_matches('"');
                if !name.is_empty() {
                    cid.name = name.to_string();
                }
            }
            None if text.bytes().all(|b| b.is_ascii_digit() || b"+*#".contains(&b)) => cid.num = text.to_string(),
            None => cid.name = text.to_string(),
        }
        cid
    }
}

/// One channel of a call.
pub(crate) struct Leg {
    pub(crate) channel: String,
    pub(crate) uniqueid: String,
    pub(crate) linkedid: String,
    pub(crate) state: ChannelState,
    pub(crate) caller: CallerId,
    pub(crate) connected: CallerId,
    pub(crate) context: String,
    pub(crate) exten: String,
    pub(crate) priority: u32,
    pub(crate) app: String,
    pub(crate) app_data: String,
    pub(crate) vars: Vec<(String, String)>,
    pub(crate) created: Instant,
}

impl Leg {
    /// The channel technology, e.g. `Local` or `PJSIP`.
    pub(crate) fn tech(&self) -> &str {
        self.channel.split('/').next().unwrap_or_default()
    }

    /// Seconds since the channel was created.
    pub(crate) fn age(&self) -> u64 {
        self.created.elapsed().as_secs()
    }

    /// The channel snapshot fields every channel event carries, each key
    /// preceded by `prefix` (`Dest`, `LocalOne`...).
    pub(crate) fn snapshot(&self, out: &mut Out, prefix: &str) {
        out.hp(prefix, "Channel", &self.channel)
            .hp(prefix, "ChannelState", self.state.code().to_string())
            .hp(prefix, "ChannelStateDesc", self.state.desc())
            .hp(prefix, "CallerIDNum", &self.caller.num)
            .hp(prefix, "CallerIDName", &self.caller.name)
            .hp(prefix, "ConnectedLineNum", &self.connected.num)
            .hp(prefix, "ConnectedLineName", &self.connected.name)
            .hp(prefix, "Language", "en")
            .hp(prefix, "AccountCode", "")
            .hp(prefix, "Context", &self.context)
            .hp(prefix, "Exten", &self.exten)
            .hp(prefix, "Priority", self.priority.to_string())
            .hp(prefix, "Uniqueid", &self.uniqueid)
            .hp(prefix, "Linkedid", &self.linkedid);
    }

    /// An event about this channel: its snapshot, then what `extra` writes.
    pub(crate) fn event(&self, name: &str, class: u32, extra: impl FnOnce(&mut Out)) -> Event {
        Event::build(name, class, |out| {
            self.snapshot(out, "");
            extra(out);
        })
    }

    /// A channel variable's value, if set.
    pub(crate) fn var(&self, name: &str) -> Option<&str> {
        self.vars.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Sets a channel variable; returns the `VarSet` event.
    pub(crate) fn set_var(&mut self, name: &str, value: &str) -> Event {
        self.vars.push((name.to_string(), value.to_string()));
        self.event("VarSet", DIALPLAN, |out| {
            out.h("Variable", name).h("Value", value);
        })
    }

    /// Moves the channel to a dialplan step; returns the `Newexten` event.
    pub(crate) fn run(&mut self, priority: u32, app: &str, data: &str) -> Event {
        (self.priority, self.app, self.app_data) = (priority, app.to_string(), data.to_string());
        self.event("Newexten", DIALPLAN, |out| {
            out.h("Extension", &self.exten).h("Application", app).h("AppData", data);
        })
    }

    pub(crate) fn hangup(&self, (cause, text): Cause) -> Event {
        self.event("Hangup", CALL, |out| {
            out.h("Cause", cause.to_string()).h("Cause-txt", text);
        })
    }
}

/// What an `Originate` runs once the channel answers.
enum Target {
    App { app: String, data: String },
    Exten { context: String, exten: String, priority: u32 },
}

/// An `Originate` request, checked the way Asterisk checks it.
pub(crate) struct Originate {
    /// The `Channel` as requested (the dial string).
    dial: String,
    target: Target,
    caller: Option<CallerId>,
    vars: Vec<(String, String)>,
    action_id: Option<Vec<u8>>,
    pub(crate) is_async: bool,
}

impl Originate {
    /// Reads the request; the error is the `Message` Asterisk answers with.
    pub(crate) fn parse(req: &Message) -> Result<Originate, &'static str> {
        let dial = field(req, "Channel").into_owned();
        if dial.is_empty() {
            return Err("Channel not specified");
        }
        if !dial.contains('/') {
            return Err("Invalid channel");
        }
        let app = field(req, "Application");
        let target = if app.is_empty() {
            let (context, exten) = (field(req, "Context"), field(req, "Exten"));
            match field(req, "Priority").parse() {
                Ok(priority) if !context.is_empty() && !exten.is_empty() => {
                    Target::Exten { context: context.into_owned(), exten: exten.into_owned(), priority }
                }
                _ => return Err("Originate with 'Exten' requires 'Context' and 'Priority'"),
            }
        } else {
            Target::App { app: app.into_owned(), data: field(req, "Data").into_owned() }
        };
        let caller = Some(field(req, "CallerID")).filter(|c| !c.is_empty()).map(|c| CallerId::parse(&c));
        // `Variable: A=1` may repeat, and one header may hold `A=1,B=2`.
        let vars = req
            .get_all("Variable")
            .flat_map(|v| String::from_utf8_lossy(v).split(',').map(str::to_string).collect::<Vec<_>>())
            .filter_map(|pair| pair.trim().split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
            .collect();
        let action_id = action_id(req).map(<[u8]>::to_vec);
        Ok(Originate { dial, target, caller, vars, action_id, is_async: is_true(&field(req, "Async")) })
    }

    /// The `OriginateResponse` event: `answered` is the channel that answered.
    fn response(&self, outcome: Outcome, answered: Option<&Leg>) -> Event {
        Event::build("OriginateResponse", CALL, |out| {
            if let Some(id) = &self.action_id {
                out.h("ActionID", id);
            }
            out.h("Response", if answered.is_some() { "Success" } else { "Failure" })
                .h("Channel", answered.map_or(&self.dial, |leg| &leg.channel));
            match &self.target {
                Target::App { app, data } => out.h("Application", app).h("Data", data),
                Target::Exten { context, exten, .. } => out.h("Context", context).h("Exten", exten),
            };
            let cid = self.caller.clone().unwrap_or_default();
            out.h("Reason", outcome.reason().code().to_string())
                .h("Uniqueid", answered.map_or(UNKNOWN, |leg| &leg.uniqueid))
                .h("CallerIDNum", &cid.num)
                .h("CallerIDName", &cid.name);
        })
    }
}

/// A call: its dial string and its legs (the first one is the originated channel).
pub(crate) struct Call {
    pub(crate) id: u64,
    pub(crate) dial: String,
    pub(crate) legs: Vec<Leg>,
}

impl Call {
    /// `Hangup` of every leg, last first, then the device is free again.
    pub(crate) fn hangup(&self, cause: Cause) -> Vec<Event> {
        let mut events: Vec<Event> = self.legs.iter().rev().map(|leg| leg.hangup(cause)).collect();
        events.push(device_state(&self.dial, "NOT_INUSE"));
        events
    }
}

pub(crate) fn device_state(device: &str, state: &str) -> Event {
    Event::build("DeviceStateChange", CALL, |out| {
        out.h("Device", device).h("State", state);
    })
}

/// What an `Originate` did: the answered call, if any, and the events to send.
pub(crate) struct Placed {
    pub(crate) call: Option<u64>,
    pub(crate) events: Vec<Event>,
}

/// The channel table.
pub(crate) struct Calls {
    /// Uniqueids are `<epoch>.<n>`, as Asterisk's are.
    pub(crate) epoch: u64,
    pub(crate) next_unique: u64,
    next_call: u64,
    processed: u64,
    pub(crate) active: Vec<Call>,
    outcomes: Vec<(String, Outcome)>,
    /// Bridges between channels (see `bridges.rs`).
    pub(crate) bridges: Bridges,
    /// Queues, their members and callers (see `queues.rs`).
    pub(crate) queues: Queues,
}

impl Calls {
    /// An empty table; `outcomes` maps channel patterns to how originates to them end.
    pub(crate) fn new(epoch: u64, outcomes: Vec<(String, Outcome)>) -> Calls {
        Calls {
            epoch,
            next_unique: 0,
            next_call: 0,
            processed: 0,
            active: Vec::new(),
            outcomes,
            bridges: Bridges::default(),
            queues: Queues::default(),
        }
    }

    /// Every live channel, oldest call first.
    pub(crate) fn legs(&self) -> impl Iterator<Item = &Leg> {
        self.active.iter().flat_map(|c| &c.legs)
    }

    /// The live channel called `name` (any case).
    pub(crate) fn leg(&self, name: &str) -> Option<&Leg> {
        self.legs().find(|l| l.channel.eq_ignore_ascii_case(name))
    }

    /// The live channel called `name` (any case), to change it.
    pub(crate) fn leg_mut(&mut self, name: &str) -> Option<&mut Leg> {
        self.active.iter_mut().flat_map(|c| &mut c.legs).find(|l| l.channel.eq_ignore_ascii_case(name))
    }

    /// Calls up now, and calls answered since the start.
    pub(crate) fn counts(&self) -> (usize, u64) {
        (self.active.len(), self.processed)
    }

    /// Places a call: creates its legs, plays the events of an answer or a
    /// failure, and keeps an answered call in the table.
    pub(crate) fn originate(&mut self, req: &Originate) -> Placed {
        let outcome =
            self.outcomes.iter().find(|(p, _)| pattern::is_match(p, &req.dial)).map_or(Outcome::Answered, |o| o.1);
        let mut call = self.new_call(&req.dial);
        let mut events: Vec<Event> = call.legs.iter().map(|leg| leg.event("Newchannel", CALL, |_| {})).collect();
        events.push(call.legs[0].run(1, "AppDial2", "(Outgoing Line)"));
        if outcome != Outcome::Answered {
            events.extend(call.legs.iter().rev().map(|leg| leg.hangup(outcome.cause())));
            if req.is_async {
                events.push(req.response(outcome, None));
            }
            return Placed { call: None, events };
        }
        answer(&mut call, req, &mut events);
        let id = call.id;
        self.active.push(call);
        self.processed += 1;
        Placed { call: Some(id), events }
    }

    pub(crate) fn new_call(&mut self, dial: &str) -> Call {
        let (tech, resource) = dial.split_once('/').unwrap_or((dial, ""));
        // `Local/200@test/n`: options after a second `/` are not part of the name.
        let resource = resource.split('/').next().unwrap_or_default();
        let local = tech.eq_ignore_ascii_case("Local");
        let (exten, context) = match resource.split_once('@') {
            Some((exten, context)) if local => (exten, context),
            _ => ("s", "default"),
        };
        let id = self.next_call;
        self.next_call += 1;
        let names = if local {
            vec![format!("{tech}/{resource}-{id:08x};1"), format!("{tech}/{resource}-{id:08x};2")]
        } else {
            vec![format!("{tech}/{resource}-{id:08x}")]
        };
        let linkedid = format!("{}.{}", self.epoch, self.next_unique);
        let legs = names
            .into_iter()
            .enumerate()
            .map(|(i, channel)| {
                let uniqueid = format!("{}.{}", self.epoch, self.next_unique);
                self.next_unique += 1;
                Leg {
                    channel,
                    uniqueid,
                    linkedid: linkedid.clone(),
                    state: if i == 0 { ChannelState::Down } else { ChannelState::Ring },
                    caller: CallerId::default(),
                    connected: CallerId::default(),
                    context: context.to_string(),
                    exten: exten.to_string(),
                    priority: 1,
                    app: String::new(),
                    app_data: String::new(),
                    vars: Vec::new(),
                    created: Instant::now(),
                }
            })
            .collect();
        Call { id, dial: dial.to_string(), legs }
    }

    /// Ends the call `id` (normal clearing); no events if it already ended.
    pub(crate) fn end(&mut self, id: u64) -> Vec<Event> {
        match self.active.iter().position(|c| c.id == id) {
            Some(i) => self.release(i),
            None => Vec::new(),
        }
    }

    /// Hangs up the call that has the channel `name` (any case); `None` if
    /// there is no such channel.
    pub(crate) fn hang_up(&mut self, name: &str) -> Option<Vec<Event>> {
        let i = self.active.iter().position(|c| c.legs.iter().any(|l| l.channel.eq_ignore_ascii_case(name)))?;
        Some(self.release(i))
    }

    /// Hangs up every call with a channel matching `pattern`; returns the
    /// matching channels and the events.
    pub(crate) fn hang_up_matching(&mut self, pattern: &str) -> (Vec<String>, Vec<Event>) {
        let matched: Vec<String> =
            self.legs().filter(|l| pattern::is_match(pattern, &l.channel)).map(|l| l.channel.clone()).collect();
        let events = matched.iter().filter_map(|name| self.hang_up(name)).flatten().collect();
        (matched, events)
    }
}

/// The events of a call being answered, the table updated as they happen.
fn answer(call: &mut Call, req: &Originate, events: &mut Vec<Event>) {
    for leg in &mut call.legs {
        events.extend(req.vars.iter().map(|(name, value)| leg.set_var(name, value)));
        if let Some(cid) = &req.caller {
            leg.caller = cid.clone();
            events.push(leg.event("NewCallerid", CALL, |out| {
                out.h("CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
            }));
            leg.connected = cid.clone();
            events.push(leg.event("NewConnectedLine", CALL, |_| {}));
        }
    }
    let dial_string = call.dial.split_once('/').map_or("", |(_, r)| r).to_string();
    if let [one, two] = &call.legs[..] {
        events.push(Event::build("LocalBridge", CALL, |out| {
            one.snapshot(out, "LocalOne");
            two.snapshot(out, "LocalTwo");
            out.h("Context", &one.context).h("Exten", &one.exten).h("LocalOptimization", "Yes");
        }));
    }
    events.push(Event::build("DialBegin", CALL, |out| {
        call.legs[0].snapshot(out, "Dest");
        out.h("DialString", &dial_string);
    }));
    if let Some(callee) = call.legs.get_mut(1) {
        events.push(callee.run(1, "Answer", ""));
        callee.state = ChannelState::Up;
        events.push(callee.event("Newstate", CALL, |_| {}));
    }
    let first = &mut call.legs[0];
    first.state = ChannelState::Up;
    events.push(first.event("Newstate", CALL, |_| {}));
    events.push(device_state(&call.dial, "INUSE"));
    events.push(Event::build("DialEnd", CALL, |out| {
        first.snapshot(out, "Dest");
        out.h("DialStatus", "ANSWER");
    }));
    if req.is_async {
        events.push(req.response(Outcome::Answered, Some(first)));
    }
    match &req.target {
        Target::App { app, data } => (first.app, first.app_data) = (app.clone(), data.clone()),
        Target::Exten { context, exten, priority } => {
            (first.context, first.exten, first.priority) = (context.clone(), exten.clone(), *priority)
        }
    }
    if let Some(callee) = call.legs.get_mut(1) {
        events.push(callee.run(2, "Wait", ""));
    }
}
