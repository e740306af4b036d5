//! Bridges: two channels talking to each other, as Asterisk 22's basic
//! bridges (`BridgeType: basic`, `BridgeTechnology: simple_bridge`) do it,
//! with the events `manager_bridges.c` writes for them, and the actions
//! `Bridge`, `BridgeList`, `BridgeInfo`, `BridgeKick`, `BridgeDestroy` and
//! `BridgeTechnologyList`.
//!
//! What Asterisk does, and the fake with it:
//!
//! - a bridge is announced with `BridgeCreate` (no channel yet), each channel
//!   that joins with `BridgeEnter` (the count includes it), each one that
//!   leaves with `BridgeLeave` (the count without it), the end with
//!   `BridgeDestroy`;
//! - joining gives every channel in the bridge the oldest `Linkedid` among
//!   them; once two channels are in, each gets `BRIDGEPEER` (the other's
//!   name); a channel that leaves has it cleared first (`VarSet` with an
//!   empty value), before its `BridgeLeave`;
//! - a basic bridge dissolves as soon as one channel hangs up or is kicked:
//!   every channel leaves it and it is destroyed. A channel that a `Dial` or
//!   a queue called is hung up once it has left; the others carry on where
//!   they were;
//! - the `Bridge` action takes a channel that is in no bridge out of what it
//!   runs: Asterisk creates a `Surrogate/<name>` channel, swaps the two
//!   (masquerade) and hangs up the surrogate, so a `Newchannel` and a
//!   `Hangup` of `Surrogate/<name>` (with a fresh Uniqueid) surround its
//!   `BridgeEnter`. A channel already in a bridge is moved (it leaves the old
//!   bridge, which dissolves).

use std::sync::Arc;
use std::time::Instant;

use super::actions::Builtin;
use super::calls::{CallerId, Calls, ChannelState, Leg};
use super::input::field;
use super::server::{lock, Shared};
use super::users::CALL;
use super::wire::{Event, Out, Reply};
use crate::Message;

/// The actions of this module, with the write classes `ListCommands` shows.
pub(crate) static ACTIONS: [Builtin; 6] = [
    Builtin { name: "Bridge", privilege: CALL, run: bridge },
    Builtin { name: "BridgeList", privilege: 0, run: bridge_list },
    Builtin { name: "BridgeInfo", privilege: 0, run: bridge_info },
    Builtin { name: "BridgeKick", privilege: 0, run: bridge_kick },
    Builtin { name: "BridgeDestroy", privilege: 0, run: bridge_destroy },
    Builtin { name: "BridgeTechnologyList", privilege: 0, run: bridge_technology_list },
];

/// A channel in a bridge.
pub(crate) struct Member {
    pub(crate) uniqueid: String,
    /// Hung up once it leaves the bridge: a channel a `Dial` or a queue
    /// called, which has nothing to return to.
    pub(crate) peer: bool,
}

/// One basic bridge.
pub(crate) struct Bridge {
    pub(crate) uniqueid: String,
    /// Its channels, in the order they entered.
    pub(crate) members: Vec<Member>,
}

impl Bridge {
    /// The bridge snapshot fields, as `ast_manager_build_bridge_state_string`
    /// writes them.
    pub(crate) fn snapshot(&self, out: &mut Out) {
        out.h("BridgeUniqueid", &self.uniqueid)
            .h("BridgeType", "basic")
            .h("BridgeTechnology", "simple_bridge")
            .h("BridgeCreator", "<unknown>")
            .h("BridgeName", "<unknown>")
            .h("BridgeNumChannels", self.members.len().to_string())
            .h("BridgeVideoSourceMode", "none");
    }

    fn has(&self, uniqueid: &str) -> bool {
        self.members.iter().any(|m| m.uniqueid == uniqueid)
    }

    /// `BridgeCreate`, `BridgeDestroy`: the bridge fields only.
    fn event(&self, name: &str) -> Event {
        Event::build(name, CALL, |out| self.snapshot(out))
    }

    /// `BridgeEnter`, `BridgeLeave`: the bridge, then the channel.
    fn channel_event(&self, name: &str, leg: &Leg) -> Event {
        Event::build(name, CALL, |out| {
            self.snapshot(out);
            leg.snapshot(out, "");
        })
    }
}

/// The bridges up now.
#[derive(Default)]
pub(crate) struct Bridges {
    list: Vec<Bridge>,
    created: u64,
}

impl Bridges {
    /// The bridge `channel` (a uniqueid) is in.
    pub(crate) fn of(&self, uniqueid: &str) -> Option<&Bridge> {
        self.list.iter().find(|b| b.has(uniqueid))
    }

    /// The bridge with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&Bridge> {
        self.list.iter().find(|b| b.uniqueid == id)
    }

    /// Every bridge, sorted by id as `BridgeList` lists them.
    pub(crate) fn sorted(&self) -> Vec<&Bridge> {
        let mut all: Vec<&Bridge> = self.list.iter().collect();
        all.sort_by(|a, b| a.uniqueid.cmp(&b.uniqueid));
        all
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Bridge> {
        self.list.iter_mut().find(|b| b.uniqueid == id)
    }

    /// A new, empty bridge; returns its id. Ids look like the UUIDs
    /// Asterisk gives bridges.
    fn create(&mut self, epoch: u64) -> String {
        self.created += 1;
        let uniqueid = format!("{:08x}-fa6e-4b1d-8e00-{:012x}", epoch & 0xffff_ffff, self.created);
        self.list.push(Bridge { uniqueid: uniqueid.clone(), members: Vec::new() });
        uniqueid
    }
}

/// Which of its channels a dissolving bridge lets go of, and what it sent.
pub(crate) struct Dissolved {
    pub(crate) events: Vec<Event>,
    /// The channels (uniqueids) to hang up now that they are out: the
    /// peers a `Dial` or a queue called.
    pub(crate) hang_up: Vec<String>,
}

impl Calls {
    /// The live channel `id` names, as `ast_channel_get_by_name` finds it:
    /// by name (any case), else by uniqueid.
    pub(crate) fn find(&self, id: &str) -> Option<&Leg> {
        self.legs().find(|l| l.channel.eq_ignore_ascii_case(id)).or_else(|| self.legs().find(|l| l.uniqueid == id))
    }

    /// As [`Calls::find`], also taking the start of a name (the `Bridge`
    /// action's lookup).
    pub(crate) fn find_prefix(&self, id: &str) -> Option<&Leg> {
        let prefix = |l: &&Leg| l.channel.get(..id.len()).is_some_and(|p| p.eq_ignore_ascii_case(id));
        self.legs()
            .find(|l| l.channel.eq_ignore_ascii_case(id))
            .or_else(|| self.legs().find(prefix))
            .or_else(|| self.legs().find(|l| l.uniqueid == id))
    }

    /// The live channel with this uniqueid.
    pub(crate) fn by_uid(&self, uniqueid: &str) -> Option<&Leg> {
        self.legs().find(|l| l.uniqueid == uniqueid)
    }

    /// The live channel with this uniqueid, to change it.
    pub(crate) fn by_uid_mut(&mut self, uniqueid: &str) -> Option<&mut Leg> {
        self.active.iter_mut().flat_map(|c| &mut c.legs).find(|l| l.uniqueid == uniqueid)
    }

    /// Where in the call table the call with channel `uniqueid` is.
    pub(crate) fn call_index(&self, uniqueid: &str) -> Option<usize> {
        self.active.iter().position(|c| c.legs.iter().any(|l| l.uniqueid == uniqueid))
    }

    /// A uniqueid no channel had yet, `<epoch>.<n>` as Asterisk's.
    pub(crate) fn fresh_uniqueid(&mut self) -> String {
        let id = format!("{}.{}", self.epoch, self.next_unique);
        self.next_unique += 1;
        id
    }

    /// A new, empty bridge: its id and its `BridgeCreate`.
    pub(crate) fn create_bridge(&mut self) -> (String, Event) {
        let id = self.bridges.create(self.epoch);
        let event = self.bridges.get(&id).map(|b| b.event("BridgeCreate")).expect("just created");
        (id, event)
    }

    /// Puts a channel that is in no bridge into bridge `id`: every channel
    /// there takes the oldest Linkedid, then `BridgeEnter`.
    pub(crate) fn enter_bridge(&mut self, id: &str, uniqueid: &str, peer: bool) -> Vec<Event> {
        let Some(bridge) = self.bridges.get_mut(id) else { return Vec::new() };
        bridge.members.push(Member { uniqueid: uniqueid.to_string(), peer });
        let members: Vec<String> = bridge.members.iter().map(|m| m.uniqueid.clone()).collect();
        let oldest = members
            .iter()
            .filter_map(|m| self.by_uid(m).map(|l| l.linkedid.clone()))
            .min_by_key(|linkedid| linkedid_age(linkedid));
        if let Some(oldest) = oldest {
            for m in &members {
                if let Some(leg) = self.by_uid_mut(m) {
                    leg.linkedid.clone_from(&oldest);
                }
            }
        }
        match (self.bridges.get(id), self.by_uid(uniqueid)) {
            (Some(bridge), Some(leg)) => vec![bridge.channel_event("BridgeEnter", leg)],
            _ => Vec::new(),
        }
    }

    /// `BRIDGEPEER` for both channels of a two-party bridge, first the
    /// first one in (`set_bridge_peer_vars_2party`).
    pub(crate) fn set_bridge_peers(&mut self, id: &str) -> Vec<Event> {
        let Some([one, two]) = self
            .bridges
            .get(id)
            .map(|b| b.members.iter().map(|m| m.uniqueid.clone()).collect::<Vec<_>>())
            .and_then(|m| <[String; 2]>::try_from(m).ok())
        else {
            return Vec::new();
        };
        let name = |calls: &Calls, uid: &str| calls.by_uid(uid).map(|l| l.channel.clone()).unwrap_or_default();
        let (name_one, name_two) = (name(self, &one), name(self, &two));
        let mut events = Vec::new();
        for (uid, peer) in [(one, name_two), (two, name_one)] {
            if let Some(leg) = self.by_uid_mut(&uid) {
                events.push(leg.set_var("BRIDGEPEER", &peer));
            }
        }
        events
    }

    /// Clears a channel's `BRIDGEPEER` as it is told to leave its bridge:
    /// a `VarSet` with an empty value if it had one.
    pub(crate) fn clear_bridge_peer(&mut self, uniqueid: &str) -> Option<Event> {
        let leg = self.by_uid_mut(uniqueid)?;
        leg.var("BRIDGEPEER").is_some_and(|v| !v.is_empty()).then(|| leg.set_var("BRIDGEPEER", ""))
    }

    /// Takes one channel out of its bridge: `BridgeLeave` (no variable
    /// change: the caller clears `BRIDGEPEER` when Asterisk would).
    fn pull(&mut self, id: &str, uniqueid: &str) -> Option<Event> {
        let bridge = self.bridges.get_mut(id)?;
        bridge.members.retain(|m| m.uniqueid != uniqueid);
        let leg = self.by_uid(uniqueid)?;
        self.bridges.get(id).map(|b| b.channel_event("BridgeLeave", leg))
    }

    /// Every channel leaves bridge `id` (those in `first` first, then the
    /// others in the order they entered), then it is destroyed: each one's
    /// `BRIDGEPEER` cleared, each `BridgeLeave`, then `BridgeDestroy`.
    pub(crate) fn dissolve(&mut self, id: &str, first: &[String]) -> Dissolved {
        let mut out = Dissolved { events: Vec::new(), hang_up: Vec::new() };
        let Some(bridge) = self.bridges.get(id) else { return out };
        let mut order: Vec<(String, bool)> = Vec::new();
        for uid in first {
            if let Some(m) = bridge.members.iter().find(|m| &m.uniqueid == uid) {
                order.push((m.uniqueid.clone(), m.peer));
            }
        }
        for m in &bridge.members {
            if !order.iter().any(|(uid, _)| uid == &m.uniqueid) {
                order.push((m.uniqueid.clone(), m.peer));
            }
        }
        for (uid, _) in &order {
            out.events.extend(self.clear_bridge_peer(uid));
        }
        for (uid, peer) in order {
            out.events.extend(self.pull(id, &uid));
            if peer {
                out.hang_up.push(uid);
            }
        }
        if let Some(i) = self.bridges.list.iter().position(|b| b.uniqueid == id) {
            out.events.push(self.bridges.list.remove(i).event("BridgeDestroy"));
        }
        out
    }

    /// Dissolves bridge `id`, then hangs up the peers it let go of.
    pub(crate) fn dissolve_and_hang_up(&mut self, id: &str, first: &[String]) -> Vec<Event> {
        let Dissolved { mut events, hang_up } = self.dissolve(id, first);
        for uid in hang_up {
            if let Some(i) = self.call_index(&uid) {
                events.extend(self.release(i));
            }
        }
        events
    }

    /// What the `Bridge` action does with each of its channels: a new basic
    /// bridge, each channel yanked from what it runs (or moved from its
    /// bridge) into it, then `BRIDGEPEER`.
    fn bridge_two(&mut self, a: &str, b: &str) -> Vec<Event> {
        let (id, created) = self.create_bridge();
        let mut events = vec![created];
        for uid in [a, b] {
            match self.bridges.of(uid).map(|b| b.uniqueid.clone()) {
                Some(old) => {
                    // Moved: it leaves the old bridge, which it dissolves.
                    events.extend(self.pull(&old, uid));
                    events.extend(self.enter_bridge(&id, uid, false));
                    events.extend(self.dissolve_and_hang_up(&old, &[]));
                }
                None => events.extend(self.yank_into(&id, uid)),
            }
        }
        events.extend(self.set_bridge_peers(&id));
        events
    }

    /// A channel leaves what it runs for bridge `id`, through a surrogate
    /// channel that Asterisk creates, masquerades and hangs up.
    fn yank_into(&mut self, id: &str, uniqueid: &str) -> Vec<Event> {
        let surrogate_id = self.fresh_uniqueid();
        let Some(leg) = self.by_uid_mut(uniqueid) else { return Vec::new() };
        let surrogate = Leg {
            channel: format!("Surrogate/{}", leg.channel),
            uniqueid: surrogate_id,
            linkedid: leg.linkedid.clone(),
            state: ChannelState::Down,
            caller: CallerId::default(),
            connected: CallerId::default(),
            context: leg.context.clone(),
            exten: leg.exten.clone(),
            priority: leg.priority,
            app: String::new(),
            app_data: String::new(),
            vars: Vec::new(),
            created: Instant::now(),
        };
        // The yanked channel runs no application any more.
        leg.app.clear();
        leg.app_data.clear();
        let mut events = vec![surrogate.event("Newchannel", CALL, |_| {})];
        if leg.state != ChannelState::Up {
            leg.state = ChannelState::Up;
            events.push(leg.event("Newstate", CALL, |_| {}));
        }
        events.extend(self.enter_bridge(id, uniqueid, false));
        events.push(surrogate.hangup((0, "Unknown")));
        events
    }
}

/// How old a Linkedid is: the counter of the uniqueid it was (`<epoch>.<n>`).
fn linkedid_age(linkedid: &str) -> (u64, u64) {
    let (secs, n) = linkedid.split_once('.').unwrap_or((linkedid, "0"));
    (secs.parse().unwrap_or(u64::MAX), n.parse().unwrap_or(u64::MAX))
}

/// `Bridge`: joins `Channel1` and `Channel2` in a new basic bridge.
fn bridge(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (one, two) = (field(req, "Channel1"), field(req, "Channel2"));
    if one.is_empty() || two.is_empty() {
        return Reply::error(req, "Missing channel parameter in request");
    }
    let mut calls = lock(&shared.calls);
    let Some(a) = calls.find_prefix(&one).map(|l| l.uniqueid.clone()) else {
        return Reply::error(req, &format!("Channel1 does not exist: {one}"));
    };
    let Some(b) = calls.find_prefix(&two).map(|l| l.uniqueid.clone()) else {
        return Reply::error(req, &format!("Channel2 does not exist: {two}"));
    };
    if a == b {
        let name = calls.by_uid(&b).map(|l| l.channel.clone()).unwrap_or_default();
        return Reply::error(req, &format!("Unable to add Channel2 to bridge: {name}"));
    }
    let events = calls.bridge_two(&a, &b);
    drop(calls);
    shared.emit(&events);
    Reply::ack(req, "Channels have been bridged")
}

/// `BridgeList`: one `BridgeListItem` per bridge; `BridgeType` filters on
/// the bridge *technology* (`simple_bridge`), as Asterisk does.
fn bridge_list(shared: &Arc<Shared>, req: &Message) -> Reply {
    let calls = lock(&shared.calls);
    let filter = field(req, "BridgeType");
    let bridges: Vec<&Bridge> =
        calls.bridges.sorted().into_iter().filter(|_| filter.is_empty() || filter == "simple_bridge").collect();
    let mut out = Out::default();
    out.list_start(req, "Bridge listing will follow");
    for bridge in &bridges {
        out.h("Event", "BridgeListItem").id(req);
        bridge.snapshot(&mut out);
        out.end();
    }
    out.list_complete("BridgeListComplete", req, bridges.len()).end();
    Reply::new(out)
}

/// `BridgeInfo`: a `BridgeInfoChannel` per channel (by uniqueid, as the
/// snapshot's container sorts them), then the bridge in the completion.
fn bridge_info(shared: &Arc<Shared>, req: &Message) -> Reply {
    let id = field(req, "BridgeUniqueid");
    if id.is_empty() {
        return Reply::error(req, "BridgeUniqueid must be provided");
    }
    let calls = lock(&shared.calls);
    let Some(bridge) = calls.bridges.get(&id) else {
        return Reply::error(req, "Specified BridgeUniqueid not found");
    };
    let mut members: Vec<&Leg> = bridge.members.iter().filter_map(|m| calls.by_uid(&m.uniqueid)).collect();
    members.sort_by(|a, b| a.uniqueid.cmp(&b.uniqueid));
    let mut out = Out::default();
    out.list_start(req, "Bridge channel listing will follow");
    for leg in &members {
        out.h("Event", "BridgeInfoChannel").id(req);
        leg.snapshot(&mut out, "");
        out.end();
    }
    out.list_complete("BridgeInfoComplete", req, members.len());
    bridge.snapshot(&mut out);
    out.end();
    Reply::new(out)
}

/// `BridgeKick`: the channel leaves; a basic bridge dissolves with it.
fn bridge_kick(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (id, channel) = (field(req, "BridgeUniqueid"), field(req, "Channel"));
    if channel.is_empty() {
        return Reply::error(req, "Channel must be provided");
    }
    let mut calls = lock(&shared.calls);
    let Some(uid) = calls.find(&channel).map(|l| l.uniqueid.clone()) else {
        return Reply::error(req, "Channel does not exist");
    };
    let bridge = if id.is_empty() {
        match calls.bridges.of(&uid) {
            Some(b) => b.uniqueid.clone(),
            None => return Reply::error(req, "Channel is not in a bridge"),
        }
    } else {
        match calls.bridges.get(&id) {
            Some(b) if b.has(&uid) => b.uniqueid.clone(),
            Some(_) => return Reply::error(req, "Channel kick from bridge failed"),
            None => return Reply::error(req, "Bridge not found"),
        }
    };
    let events = calls.dissolve_and_hang_up(&bridge, &[uid]);
    drop(calls);
    shared.emit(&events);
    Reply::ack(req, "Channel has been kicked")
}

/// `BridgeDestroy`: every channel leaves, the bridge goes.
fn bridge_destroy(shared: &Arc<Shared>, req: &Message) -> Reply {
    let id = field(req, "BridgeUniqueid");
    if id.is_empty() {
        return Reply::error(req, "BridgeUniqueid must be provided");
    }
    let mut calls = lock(&shared.calls);
    if calls.bridges.get(&id).is_none() {
        return Reply::error(req, "Specified BridgeUniqueid not found");
    }
    let events = calls.dissolve_and_hang_up(&id, &[]);
    drop(calls);
    shared.emit(&events);
    Reply::ack(req, "Bridge has been destroyed")
}

/// `BridgeTechnologyList`: the technologies of the recorded server
/// (transcript 12_b), none suspended.
fn bridge_technology_list(_: &Arc<Shared>, req: &Message) -> Reply {
    const TECHNOLOGIES: [(&str, &str, &str); 4] = [
        ("native_rtp", "Native", "90"),
        ("holding_bridge", "Holding", "50"),
        ("simple_bridge", "1to1Mix", "50"),
        ("softmix", "MultiMix", "10"),
    ];
    let mut out = Out::default();
    out.list_start(req, "Bridge technology listing will follow");
    for (tech, kind, priority) in TECHNOLOGIES {
        out.h("Event", "BridgeTechnologyListItem").h("BridgeTechnology", tech).h("BridgeType", kind);
        out.h("BridgePriority", priority).h("BridgeSuspended", "No").id(req).end();
    }
    out.list_complete("BridgeTechnologyListComplete", req, TECHNOLOGIES.len()).end();
    Reply::new(out)
}

impl Calls {
    /// Channel `id` (a name or uniqueid) puts its call on hold (`Hold`), or
    /// takes it off (`Unhold`); the other channels of its bridge start or
    /// stop hearing music on hold (`MusicOnHoldStart` with `Class:
    /// default`, `MusicOnHoldStop`), as a channel driver does when the
    /// bridge passes the hold on. `None` if there is no such channel.
    pub(crate) fn hold(&mut self, id: &str, on: bool) -> Option<Vec<Event>> {
        let leg = self.find(id)?;
        let mut events = vec![leg.event(if on { "Hold" } else { "Unhold" }, CALL, |_| {})];
        let others: Vec<String> = self
            .bridges
            .of(&leg.uniqueid)
            .map(|b| b.members.iter().filter(|m| m.uniqueid != leg.uniqueid).map(|m| m.uniqueid.clone()).collect())
            .unwrap_or_default();
        for uid in others {
            if let Some(peer) = self.by_uid(&uid) {
                events.push(if on {
                    peer.event("MusicOnHoldStart", CALL, |out| {
                        out.h("Class", "default");
                    })
                } else {
                    peer.event("MusicOnHoldStop", CALL, |_| {})
                });
            }
        }
        Some(events)
    }
}
