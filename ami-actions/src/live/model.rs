//! What the live state holds: plain data, cloned cheaply into snapshots.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

/// A caller ID or connected line: number and name, as the server gave them
/// (`<unknown>` and empty values left out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Party {
    /// The number.
    pub num: Option<String>,
    /// The name.
    pub name: Option<String>,
}

/// One channel that is up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Channel {
    /// `Uniqueid`: the key, never changes.
    pub uniqueid: String,
    /// The channel name (`PJSIP/100-00000001`); changes on `Rename`.
    pub name: String,
    /// `Linkedid`: the call this channel belongs to.
    pub linkedid: String,
    /// `ChannelState` (0 down, 4 ring, 5 ringing, 6 up, ...).
    pub state: u8,
    /// `ChannelStateDesc` (`Up`, `Ring`, ...).
    pub state_desc: String,
    /// Caller ID.
    pub caller: Party,
    /// Connected line.
    pub connected: Party,
    /// `AccountCode`, when set.
    pub account_code: Option<String>,
    /// Dialplan context.
    pub context: String,
    /// Dialplan extension.
    pub exten: String,
    /// Dialplan priority (a number, or a label).
    pub priority: String,
    /// The application running (from `Newexten` or a channel list).
    pub application: Option<String>,
    /// The bridge the channel is in.
    pub bridge: Option<String>,
    /// On hold (`Hold` / `Unhold`).
    pub on_hold: bool,
    /// The music-on-hold class playing to it.
    pub music_on_hold: Option<String>,
    /// Channel variables seen in `VarSet` (only with
    /// [`LiveOptions::track_variables`](super::LiveOptions::track_variables)).
    pub variables: BTreeMap<String, String>,
    /// When the state first saw it.
    pub created: SystemTime,
    /// When it first reached state Up.
    pub answered: Option<SystemTime>,
}

impl Channel {
    /// Whether the channel is answered (state 6, Up).
    pub fn is_up(&self) -> bool {
        self.state == 6
    }

    /// Whether this is one half of a `Local/` channel.
    pub fn is_local(&self) -> bool {
        self.name.starts_with("Local/")
    }
}

/// A bridge and the channels in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bridge {
    /// `BridgeUniqueid`.
    pub uniqueid: String,
    /// `BridgeType` (`basic`, ...).
    pub bridge_type: Option<String>,
    /// `BridgeTechnology` (`simple_bridge`, `softmix`, ...).
    pub technology: Option<String>,
    /// `BridgeCreator`.
    pub creator: Option<String>,
    /// `BridgeName`.
    pub name: Option<String>,
    /// Uniqueids of the channels in it, in the order they entered.
    pub channels: Vec<String>,
}

/// One call: every channel with the same `Linkedid` (both halves of a
/// `Local/` channel count as channels).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Call {
    /// `Linkedid` (the uniqueid of the channel that started it).
    pub linkedid: String,
    /// Uniqueids of its channels that are up now.
    pub channels: Vec<String>,
    /// Every channel the call has had, hung up ones included.
    pub channels_seen: usize,
    /// Who called: the first channel's caller ID.
    pub caller: Party,
    /// Who was called: the first dialed channel's caller ID.
    pub callee: Option<Party>,
    /// What was dialed (`DialString` of the first `DialBegin`).
    pub dial_string: Option<String>,
    /// `DialStatus` of the last `DialEnd` (`ANSWER`, `BUSY`, `NOANSWER`...).
    pub dial_status: Option<String>,
    /// When it started (its first channel).
    pub started: SystemTime,
    /// When a channel of it first reached Up.
    pub answered: Option<SystemTime>,
    /// When its last channel hung up.
    pub ended: Option<SystemTime>,
    /// The hangup cause (Q.850) of its first channel to hang up with a
    /// cause other than 0.
    pub cause: Option<ami_core::HangupCause>,
    /// The text of that cause.
    pub cause_txt: Option<String>,
}

/// A queue member.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueueMember {
    /// `Interface` (`PJSIP/100`, `Local/100@agents`).
    pub interface: String,
    /// `MemberName`.
    pub name: Option<String>,
    /// `StateInterface`.
    pub state_interface: Option<String>,
    /// Paused.
    pub paused: bool,
    /// `PausedReason`.
    pub paused_reason: Option<String>,
    /// `Status` (device state number: 1 not in use, 2 in use, ...).
    pub status: Option<u8>,
    /// In a queue call now.
    pub in_call: bool,
    /// `Penalty`.
    pub penalty: Option<u32>,
    /// `CallsTaken`.
    pub calls_taken: Option<u64>,
}

/// A caller waiting in a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueueCaller {
    /// The caller's channel uniqueid.
    pub uniqueid: String,
    /// The caller's channel name.
    pub channel: String,
    /// Position (1 = next).
    pub position: u32,
    /// Caller ID.
    pub caller: Party,
    /// When it joined (as this state saw it).
    pub joined: SystemTime,
}

/// A queue with its members and waiting callers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Queue {
    /// The queue's name.
    pub name: String,
    /// Members by interface.
    pub members: BTreeMap<String, QueueMember>,
    /// Callers waiting, by position.
    pub callers: Vec<QueueCaller>,
    /// Callers who hung up while waiting, since the state started.
    pub abandoned: u64,
    /// Calls a member took, since the state started.
    pub answered: u64,
}

/// A ConfBridge conference and its members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Conference {
    /// The conference's name.
    pub name: String,
    /// Uniqueids of the channels in it.
    pub channels: Vec<String>,
}

/// A parked call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParkedCall {
    /// The parked channel's uniqueid.
    pub uniqueid: String,
    /// Its name.
    pub channel: String,
    /// `Parkinglot`.
    pub lot: String,
    /// `ParkingSpace`.
    pub space: String,
}

/// A consistent view of everything at one moment. Cheap to take and to
/// keep: its parts are shared with the live state until that changes them.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Snapshot {
    /// Channels up, by uniqueid.
    pub channels: Arc<BTreeMap<String, Arc<Channel>>>,
    /// Bridges, by uniqueid.
    pub bridges: Arc<BTreeMap<String, Arc<Bridge>>>,
    /// Calls in progress (and ended ones kept for the grace period), by linkedid.
    pub calls: Arc<BTreeMap<String, Arc<Call>>>,
    /// Queues, by name.
    pub queues: Arc<BTreeMap<String, Arc<Queue>>>,
    /// Conferences, by name.
    pub conferences: Arc<BTreeMap<String, Arc<Conference>>>,
    /// Parked calls, by parked channel uniqueid.
    pub parked: Arc<BTreeMap<String, ParkedCall>>,
    /// Device states (`DeviceStateChange`), by device.
    pub devices: Arc<BTreeMap<String, String>>,
    /// Extension states (`ExtensionStatus`), by `exten@context`: status code and text.
    pub extensions: Arc<BTreeMap<String, (i32, String)>>,
}

impl Snapshot {
    /// The channel called `name`.
    pub fn channel_by_name(&self, name: &str) -> Option<&Arc<Channel>> {
        self.channels.values().find(|c| c.name == name)
    }

    /// The channels of the call `linkedid`.
    pub fn channels_of_call(&self, linkedid: &str) -> Vec<&Arc<Channel>> {
        self.channels.values().filter(|c| c.linkedid == linkedid).collect()
    }

    /// The call a channel (by uniqueid or name) belongs to: for instance the
    /// call an `originate()` placed, from its outcome's `uniqueid()` or
    /// `channel()`.
    pub fn call_of(&self, uniqueid_or_name: &str) -> Option<&Arc<Call>> {
        let channel = self.channels.get(uniqueid_or_name).or_else(|| self.channel_by_name(uniqueid_or_name))?;
        self.calls.get(&channel.linkedid)
    }
}
