//! Which free-text event headers hold numbers, durations, times, hangup
//! causes or dialplan priorities, and why: the one table ([`RULES`]).
//!
//! Asterisk's XML documents nearly every event header as free text. The
//! table below says, header by header, when the value is something else,
//! with the evidence: what the corpus and transcripts of a real Asterisk
//! 22 carry (`wire`), what the documentation says (`doc`), and how the C
//! source writes the value (`source`, file and format). Headers that look
//! like numbers on the wire but are not quantities (unique ids, phone
//! numbers, extensions, flags) are in the table too, as deliberate text,
//! so every decision is written down once.
//!
//! A rule names its headers one of three ways ([`Target`]): a field of the
//! channel or bridge snapshot under any prefix, a header name in every
//! event that documents it, or a header of listed events. The most
//! specific rule wins: listed events, then a header name, then a snapshot
//! field. The pass ([`apply`]) runs after the fixups and sets
//! [`Param::value_kind`]; it only ever types headers the documentation
//! leaves as free text (enumerated and two-valued headers keep their
//! enums and booleans).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{Param, ParamKind, Spec, ValueKind};

/// The headers a rule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A field of `<channel_snapshot/>` or `<bridge_snapshot/>`, whatever
    /// the prefix (`ChannelState`, `DestChannelState`, ...).
    Snapshot(&'static str),
    /// A header of this name in every event that documents it (the same
    /// meaning everywhere).
    Field(&'static str),
    /// A header of the listed events.
    Events(&'static [&'static str], &'static str),
}

/// One decision: how the headers of `target` are read, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The headers.
    pub target: Target,
    /// How the accessor reads them; `None`: they stay text on purpose.
    pub kind: Option<ValueKind>,
    /// The evidence: wire, doc and source facts.
    pub evidence: &'static str,
}

const fn snap(field: &'static str, kind: ValueKind, evidence: &'static str) -> Rule {
    Rule { target: Target::Snapshot(field), kind: Some(kind), evidence }
}

const fn field(name: &'static str, kind: ValueKind, evidence: &'static str) -> Rule {
    Rule { target: Target::Field(name), kind: Some(kind), evidence }
}

const fn ev(events: &'static [&'static str], name: &'static str, kind: ValueKind, evidence: &'static str) -> Rule {
    Rule { target: Target::Events(events, name), kind: Some(kind), evidence }
}

const fn text(target: Target, evidence: &'static str) -> Rule {
    Rule { target, kind: None, evidence }
}

use ValueKind::*;

const QUEUE_MEMBER: &[&str] = &[
    "QueueMember",
    "QueueMemberAdded",
    "QueueMemberPause",
    "QueueMemberPenalty",
    "QueueMemberRemoved",
    "QueueMemberRinginuse",
    "QueueMemberStatus",
];
const PARKED: &[&str] = &["ParkedCall", "ParkedCallGiveUp", "ParkedCallSwap", "ParkedCallTimeOut", "UnParkedCall"];
const AOR: &[&str] = &["AorDetail", "AorList", "InboundRegistrationDetail"];
const MEETME_DURATION: &[&str] = &["MeetmeLeave", "MeetmeMute", "MeetmeTalking", "MeetmeTalkRequest"];
const RTCP: &[&str] = &["RTCPReceived", "RTCPSent"];
const FAX_DONE: &[&str] = &["ReceiveFAX", "SendFAX"];

/// Every decision, grouped by subject.
pub const RULES: &[Rule] = &[
    // Channel and bridge snapshots.
    snap(
        "ChannelState",
        Unsigned,
        "wire: 116,852 values in 20 event types, all 0, 4 or 6; doc: the state as a number; source: main/manager_channels.c `%sChannelState: %u`",
    ),
    snap(
        "Priority",
        Priority,
        "wire: 116,852 values in 20 event types, all 1-8; source: main/manager_channels.c `%sPriority: %d`; a number-or-label type because the dialplan names priorities by labels and ListDialplan sends `Priority: hint`",
    ),
    snap(
        "BridgeNumChannels",
        Unsigned,
        "wire: 8,005 values in 5 event types, 0-2; doc: number of channels; source: main/manager_bridges.c `%sBridgeNumChannels: %u`",
    ),
    text(
        Target::Snapshot("Uniqueid"),
        "wire: `1795385660.6680` and `amicat-a1`: an id the originator may choose, not a time or a number",
    ),
    text(Target::Snapshot("Linkedid"), "wire: same shape as Uniqueid: an id"),
    text(
        Target::Snapshot("CallerIDNum"),
        "wire: digits or `<unknown>`; a phone number keeps leading zeros and `+`: text",
    ),
    text(Target::Snapshot("ConnectedLineNum"), "wire: digits or `<unknown>`; a phone number: text"),
    text(Target::Snapshot("Exten"), "wire: `600`, `bridgedx`, empty; an extension is a dialplan name: text"),
    // Hangups.
    ev(
        &["Hangup", "HangupRequest", "SoftHangupRequest"],
        "Cause",
        HangupCause,
        "wire: 13,359 values, all 0 or 16; doc: a numeric cause code; source: main/manager_channels.c `Cause: %d` (Q.850 codes, include/asterisk/causes.h)",
    ),
    ev(
        &["Hangup"],
        "TechCause",
        Signed,
        "doc: a technology-specific numeric code; source: main/manager_channels.c `TechCause: %d`; not on the wire (sent for off-nominal ends only)",
    ),
    // CDR and CEL.
    ev(
        &["Cdr"],
        "Duration",
        Seconds,
        "wire: 5,342 values; doc: seconds from start to end; source: cdr/cdr_manager.c `Duration: %ld`",
    ),
    ev(
        &["Cdr"],
        "BillableSeconds",
        Seconds,
        "wire: 5,342 values; doc: seconds; source: cdr/cdr_manager.c `BillableSeconds: %ld`",
    ),
    ev(
        &["Cdr"],
        "StartTime",
        WallClock,
        "wire: 5,342 values like `2026-11-22 22:14:22`; source: cdr/cdr_manager.c formats `%Y-%m-%d %T` with ast_localtime in the server's zone and writes no offset, so no SystemTime without knowing that zone",
    ),
    ev(&["Cdr"], "AnswerTime", WallClock, "wire: 5,342 values; as StartTime (empty when never answered)"),
    ev(&["Cdr"], "EndTime", WallClock, "wire: 5,342 values; as StartTime"),
    text(
        Target::Events(&["Cdr"], "Source"),
        "wire: digits or empty: the caller's number, text",
    ),
    text(Target::Events(&["Cdr"], "Destination"), "wire: `600`: an extension, text"),
    text(Target::Events(&["Cdr"], "UniqueID"), "wire: `1795384998.0`: an id"),
    ev(
        &["CEL"],
        "EventTime",
        WallClock,
        "doc: the time of the event; source: cel/cel_manager.c formats `%Y-%m-%d %T` with ast_localtime, as the Cdr times",
    ),
    // Channel status lists.
    ev(
        &["CoreShowChannel"],
        "Duration",
        Hms,
        "wire: 30 values like `00:00:02`; source: main/manager.c `%02d:%02d:%02d` of the channel's age (empty without a creation time)",
    ),
    ev(&["Status"], "Seconds", Seconds, "wire: 12 values 0-3; doc: seconds active; source: main/manager.c `Seconds: %ld`"),
    ev(
        &["Status"],
        "TimeToHangup",
        UnixTime,
        "wire: 12 values, all 0; source: main/manager.c `TimeToHangup: %ld` of the absolute hangup time (whentohangup.tv_sec), 0 when none is set",
    ),
    ev(
        &["Status"],
        "Callgroup",
        Unsigned,
        "wire: 12 values, 0; source: main/manager.c `Callgroup: %llu` (the group bit mask)",
    ),
    ev(
        &["Status"],
        "Pickupgroup",
        Unsigned,
        "wire: 12 values, 0; source: main/manager.c `Pickupgroup: %llu` (the group bit mask)",
    ),
    text(
        Target::Events(&["Status"], "EffectiveConnectedLineNum"),
        "wire: digits or `<unknown>`; a phone number: text",
    ),
    ev(&["StatusComplete"], "Items", Unsigned, "wire: 6 values 1-6; source: main/manager.c `Items: %d`"),
    // Lists.
    field(
        "ListItems",
        Unsigned,
        "wire: 17 values in 8 completion events, 0-22; doc: the number of list items; source: main/manager.c astman_send_list_complete_start `ListItems: %d`",
    ),
    ev(&["FAXSessionsComplete"], "Total", Unsigned, "wire: 1 value, 0; source: res/res_fax.c `Total: %d`"),
    // System.
    ev(
        &["FullyBooted"],
        "Uptime",
        Seconds,
        "wire: 2 values; doc: seconds since start; source: main/manager.c `Uptime: %ld`",
    ),
    ev(
        &["FullyBooted"],
        "LastReload",
        Seconds,
        "wire: 2 values; doc: seconds since the last reload; source: main/manager.c `LastReload: %ld`",
    ),
    // Security events.
    field(
        "EventTV",
        IsoTime,
        "wire: 5 values like `2026-11-22T22:03:18.221+0000`; source: main/json.c ast_json_timeval, AST_ISO8601_FORMAT `%FT%T.%q%z`",
    ),
    field("SessionTV", IsoTime, "wire: 5 values; as EventTV"),
    field("EventVersion", Unsigned, "wire: 5 values, 1; doc: the event's version number"),
    text(
        Target::Events(&["SuccessfulAuth"], "UsingPassword"),
        "wire: `0`: a flag, not a quantity (booleans are out of this table's scope)",
    ),
    // Queues.
    ev(
        QUEUE_MEMBER,
        "Penalty",
        Signed,
        "wire: 3 values 0-1 (QueueMember); source: apps/app_queue.c `Penalty: %d` and JSON `i` of an int",
    ),
    ev(
        QUEUE_MEMBER,
        "CallsTaken",
        Unsigned,
        "wire: 3 values, 0; doc: the number of calls serviced; source: apps/app_queue.c `CallsTaken: %d`",
    ),
    ev(
        QUEUE_MEMBER,
        "LastCall",
        UnixTime,
        "wire: 3 values, 0; doc: Unix time of the last call; source: apps/app_queue.c `(int)mem->lastcall`, 0 before the first call",
    ),
    ev(
        QUEUE_MEMBER,
        "LastPause",
        UnixTime,
        "wire: `1796088566` and 0; source: apps/app_queue.c `(int)mem->lastpause`, 0 when never paused",
    ),
    ev(
        QUEUE_MEMBER,
        "LoginTime",
        UnixTime,
        "wire: `1796088566`, `1796088018`; doc: Unix time of the login; source: apps/app_queue.c `(int)mem->logintime`",
    ),
    ev(
        QUEUE_MEMBER,
        "Wrapuptime",
        Seconds,
        "wire: 3 values, 0; doc: the member's wrap-up time; source: apps/app_queue.c `mem->wrapuptime`, configured in seconds",
    ),
    text(
        Target::Events(&["QueueMember"], "InCall"),
        "wire: `0`: a flag (QueueMemberAdded and the others document it as 0/1, a bool there)",
    ),
    text(Target::Events(&["QueueMember"], "Paused"), "wire: `0`, `1`: a flag"),
    text(
        Target::Events(&["QueueMember"], "Status"),
        "wire: `0`, `1`: a device state code, an enum in QueueMemberStatus and the others, not a quantity",
    ),
    ev(
        &["QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon", "QueueEntry"],
        "Position",
        Unsigned,
        "wire: 2 values, 1 (QueueEntry); doc: the position in the queue; source: apps/app_queue.c `Position: %d`",
    ),
    ev(
        &["QueueCallerJoin", "QueueCallerLeave"],
        "Count",
        Unsigned,
        "doc: the number of channels in the queue; source: apps/app_queue.c JSON `i` of q->count",
    ),
    ev(
        &["QueueCallerAbandon"],
        "OriginalPosition",
        Unsigned,
        "doc: the original position; source: apps/app_queue.c JSON `i` of qe->opos",
    ),
    ev(
        &["QueueCallerAbandon", "AgentConnect", "AgentComplete"],
        "HoldTime",
        Seconds,
        "source: apps/app_queue.c `time(NULL) - qe->start` (and `callstart - holdstart`): seconds waited. The doc calls it a Unix time; the source computes a duration",
    ),
    ev(
        &["AgentConnect"],
        "RingTime",
        Seconds,
        "source: apps/app_queue.c `(orig - to) / 1000`: seconds rung. The doc calls it a Unix time",
    ),
    ev(
        &["AgentRingNoAnswer"],
        "RingTime",
        Milliseconds,
        "source: apps/app_queue.c rna() sends `rnatime`, milliseconds (`Nobody picked up in %d ms`). The doc calls it a Unix time",
    ),
    ev(
        &["AgentComplete"],
        "TalkTime",
        Seconds,
        "source: apps/app_queue.c `time(NULL) - callstart`: seconds talked. The doc calls it a Unix time",
    ),
    ev(&["QueueEntry"], "Wait", Seconds, "wire: 2 values, 20; source: apps/app_queue.c `Wait: %ld` (now - start)"),
    ev(
        &["QueueEntry"],
        "Priority",
        Signed,
        "wire: 2 values, 0; the caller's queue priority (not a dialplan priority); source: apps/app_queue.c `Priority: %d` (QUEUE_PRIO may be negative)",
    ),
    ev(
        &["QueueParams"],
        "Max",
        Unsigned,
        "wire: 3 values, 0; source: apps/app_queue.c `Max: %d` of maxlen (0: no limit)",
    ),
    ev(&["QueueParams"], "Calls", Unsigned, "wire: 3 values 0-1; source: apps/app_queue.c `Calls: %d` of q->count"),
    ev(
        &["QueueParams"],
        "Holdtime",
        Seconds,
        "wire: 3 values, 0; source: apps/app_queue.c `Holdtime: %d` (the average hold time, seconds)",
    ),
    ev(
        &["QueueParams"],
        "TalkTime",
        Seconds,
        "wire: 3 values, 0; source: apps/app_queue.c `TalkTime: %d` (the average talk time, seconds)",
    ),
    ev(&["QueueParams"], "Completed", Unsigned, "wire: 3 values, 0; source: apps/app_queue.c `Completed: %d`"),
    ev(&["QueueParams"], "Abandoned", Unsigned, "wire: 3 values, 0; source: apps/app_queue.c `Abandoned: %d`"),
    ev(
        &["QueueParams"],
        "ServiceLevelPerf",
        Decimal,
        "wire: 3 values, `0.0`; source: apps/app_queue.c `ServicelevelPerf: %2.1f` (a percentage)",
    ),
    ev(&["QueueParams"], "ServiceLevelPerf2", Decimal, "wire: 3 values, `0.0`; as ServiceLevelPerf"),
    // Items and completions of lists the XML does not declare (fixups in
    // fixups/lists.rs; evidence: the 12_* transcripts).
    ev(&["BridgeListItem"], "BridgeNumChannels", Unsigned, "wire: 10 values 0-2 (12_every_action_b); as the bridge snapshot's"),
    ev(&["BridgeTechnologyListItem"], "BridgePriority", Unsigned, "wire: 4 values, 10-90 (12_every_action_b): a technology's rank"),
    ev(
        &["ListDialplan"],
        "Priority",
        Priority,
        "wire: 5 values, numbers (12_every_action_c); a dialplan priority, which may be a label (`hint`): as the snapshot's",
    ),
    ev(&["ParkedCallsComplete"], "Total", Unsigned, "wire: 2 values (12_every_action_b): the number of parked calls"),
    ev(&["Parkinglot"], "StartSpace", Unsigned, "wire: 751 and 781 (12_every_action_b): the lot's first space"),
    ev(&["Parkinglot"], "StopSpace", Unsigned, "wire: 2 values (12_every_action_b): the lot's last space"),
    ev(&["Parkinglot"], "Timeout", Seconds, "wire: 3 and 45 (12_every_action_b): res_parking's parkingtime, seconds"),
    ev(&["QueueSummary"], "LoggedIn", Unsigned, "wire: 3 values (12_every_action_b): members logged in"),
    ev(&["QueueSummary"], "Available", Unsigned, "wire: 3 values (12_every_action_b): members available"),
    ev(&["QueueSummary"], "Callers", Unsigned, "wire: 3 values (12_every_action_b): callers waiting"),
    ev(&["QueueSummary"], "HoldTime", Seconds, "wire: 3 values, 0 (12_every_action_b): the average hold time, as QueueParams' Holdtime"),
    ev(&["QueueSummary"], "TalkTime", Seconds, "wire: 3 values (12_every_action_b): the average talk time, as QueueParams' TalkTime"),
    ev(&["QueueSummary"], "LongestHoldTime", Seconds, "wire: 0, 20, 21 (12_every_action_b): seconds the longest caller has waited"),
    ev(&["ShowDialPlanComplete"], "ListContexts", Unsigned, "wire: 2 values (12_every_action_c): contexts listed"),
    ev(&["ShowDialPlanComplete"], "ListExtensions", Unsigned, "wire: 2 values (12_every_action_c): extensions listed"),
    ev(&["ShowDialPlanComplete"], "ListPriorities", Unsigned, "wire: 2 values (12_every_action_c): priorities listed"),
    ev(
        &["VoicemailUserEntry", "VoicemailUserDetail"],
        "MaxMessageCount",
        Unsigned,
        "wire: 4 values (12_every_action_c): the mailbox's message limit",
    ),
    ev(
        &["VoicemailUserEntry", "VoicemailUserDetail"],
        "MaxMessageLength",
        Seconds,
        "wire: 4 values, 0 (12_every_action_c): voicemail.conf maxsecs, seconds (0: no limit)",
    ),
    ev(
        &["VoicemailUserEntry", "VoicemailUserDetail"],
        "NewMessageCount",
        Unsigned,
        "wire: 4 values (12_every_action_c): new messages",
    ),
    ev(
        &["VoicemailUserEntry", "VoicemailUserDetail"],
        "OldMessageCount",
        Unsigned,
        "wire: 4 values (12_every_action_c): old messages",
    ),
    ev(
        &["VoicemailUserEntry", "VoicemailUserDetail"],
        "SayDurationMinimum",
        Seconds,
        "wire: 4 values, 2 (12_every_action_c): voicemail.conf saydurationm, seconds",
    ),
    ev(
        &["VoicemailUserEntry", "VoicemailUserDetail"],
        "VolumeGain",
        Decimal,
        "wire: 4 values, `0.00` (12_every_action_c): voicemail.conf volgain, decibels",
    ),
    text(
        Target::Events(&["VoicemailUserEntry", "VoicemailUserDetail"], "VoiceMailbox"),
        "wire: `1234`, `1234@devices` (12_every_action_c): a mailbox name, text",
    ),
    text(
        Target::Events(&["OriginateResponse"], "Reason"),
        "wire: 0, 3, 4, 5, 8: a reason code with names, read as `ami_core::OriginateReason` by `OriginateOutcome::reason()`, the one place that reads an Originate's outcome",
    ),
    // Agents.
    ev(
        &["Agents"],
        "LoggedInTime",
        UnixTime,
        "doc: Unix time of the login; source: apps/app_agent_pool.c `LoggedInTime: %ld` of login_start",
    ),
    ev(
        &["Agents"],
        "CallStarted",
        UnixTime,
        "doc: Unix time the call started; source: apps/app_agent_pool.c `CallStarted: %ld` of call_start",
    ),
    ev(
        &["AgentLogoff"],
        "Logintime",
        Seconds,
        "doc: the number of seconds the agent was logged in; source: apps/app_agent_pool.c JSON `I` of the login time",
    ),
    // Parking.
    ev(
        PARKED,
        "ParkingSpace",
        Unsigned,
        "wire: 2 values, 751; source: res/parking/parking_manager.c `ParkingSpace: %u`",
    ),
    ev(
        PARKED,
        "ParkingTimeout",
        Seconds,
        "wire: 2 values, 44-45; doc: seconds left; source: res/parking/parking_manager.c `ParkingTimeout: %lu`",
    ),
    ev(
        PARKED,
        "ParkingDuration",
        Seconds,
        "wire: 2 values, 0-1; doc: seconds parked; source: res/parking/parking_manager.c `ParkingDuration: %lu`",
    ),
    // Conferences.
    ev(
        &["ConfbridgeList"],
        "AnsweredTime",
        Seconds,
        "wire: 1 value, 13; doc: the number of seconds the channel has been up",
    ),
    ev(
        &["ConfbridgeListRooms", "MeetmeListRooms"],
        "Parties",
        Unsigned,
        "wire: 1 value, 2 (ConfbridgeListRooms); source: apps/app_confbridge.c `Parties: %u`, apps/app_meetme.c `Parties: %d`",
    ),
    ev(
        &["ConfbridgeListRooms", "MeetmeListRooms"],
        "Marked",
        Unsigned,
        "wire: 1 value, 0 (ConfbridgeListRooms); source: apps/app_confbridge.c `Marked: %u`; apps/app_meetme.c writes `%.4d`, or `N/A` for none (read as None)",
    ),
    ev(
        &["MeetmeListRooms"],
        "Activity",
        Hms,
        "doc: the conference's age as HH:MM:SS; source: apps/app_meetme.c `Activity: %2.2d:%2.2d:%2.2d`",
    ),
    ev(
        MEETME_DURATION,
        "Duration",
        Seconds,
        "doc: seconds in the conference; source: apps/app_meetme.c `%d` of the JSON duration",
    ),
    // Talking, DTMF.
    ev(&["ChannelTalkingStop"], "Duration", Milliseconds, "doc: milliseconds of talking"),
    ev(&["DTMFEnd"], "DurationMs", Milliseconds, "doc: milliseconds"),
    // Voicemail.
    ev(&["MessageWaiting"], "New", Unsigned, "doc: the number of new messages"),
    ev(&["MessageWaiting"], "Old", Unsigned, "doc: the number of old messages"),
    ev(&["MWIGet"], "NewMessages", Unsigned, "doc: the number of new messages"),
    ev(&["MWIGet"], "OldMessages", Unsigned, "doc: the number of old messages"),
    // Fax.
    ev(
        &["FAXStats"],
        "CurrentSessions",
        Unsigned,
        "wire: 1 value, 0; source: res/res_fax.c `CurrentSessions: %d`",
    ),
    ev(&["FAXStats"], "ReservedSessions", Unsigned, "wire: 1 value, 0; source: res/res_fax.c `%d`"),
    ev(&["FAXStats"], "TransmitAttempts", Unsigned, "wire: 1 value, 0; source: res/res_fax.c `%d`"),
    ev(&["FAXStats"], "ReceiveAttempts", Unsigned, "wire: 1 value, 0; source: res/res_fax.c `%d`"),
    ev(&["FAXStats"], "CompletedFAXes", Unsigned, "wire: 1 value, 0; source: res/res_fax.c `%d`"),
    ev(&["FAXStats"], "FailedFAXes", Unsigned, "wire: 1 value, 0; source: res/res_fax.c `%d`"),
    ev(&["FAXSession"], "DataRate", Unsigned, "doc: bit rate; source: res/res_fax_spandsp.c `DataRate: %d`"),
    ev(&["FAXSession"], "PageNumber", Unsigned, "doc: pages so far; source: res/res_fax_spandsp.c `PageNumber: %d`"),
    ev(&["FAXSession"], "PagesTransmitted", Unsigned, "source: res/res_fax_spandsp.c `PagesTransmitted: %d`"),
    ev(&["FAXSession"], "PagesReceived", Unsigned, "source: res/res_fax_spandsp.c `PagesReceived: %d`"),
    ev(&["FAXSession"], "TotalBadLines", Unsigned, "source: res/res_fax_spandsp.c `TotalBadLines: %d`"),
    ev(FAX_DONE, "PagesTransferred", Unsigned, "doc: the number of pages transferred"),
    // AGI.
    ev(
        &["AGIExecEnd"],
        "ResultCode",
        Signed,
        "doc: the numeric result code; source: res/res_agi.c JSON `i` of result_code",
    ),
    // RTCP.
    ev(RTCP, "ReportCount", Unsigned, "doc: the number of reports; source: main/rtp_engine.c `ReportCount: %u`"),
    ev(RTCP, "SentRTP", Unsigned, "source: main/rtp_engine.c `SentRTP: %u` (an RTP timestamp)"),
    ev(RTCP, "SentPackets", Unsigned, "source: main/rtp_engine.c `SentPackets: %u`"),
    ev(RTCP, "SentOctets", Unsigned, "source: main/rtp_engine.c `SentOctets: %u`"),
    ev(&["RTCPReceived"], "RTT", Seconds, "doc: round-trip time in seconds; source: main/rtp_engine.c `RTT: %4.4f`"),
    // PJSIP contacts and AORs.
    ev(
        &["ContactList", "ContactStatus", "ContactStatusDetail"],
        "RoundtripUsec",
        Microseconds,
        "doc: microseconds; source: res/res_pjsip/pjsip_options.c `RoundtripUsec: %PRId64`, or `N/A` before a qualify (read as None)",
    ),
    ev(
        &["ContactList", "ContactStatusDetail"],
        "QualifyFrequency",
        Seconds,
        "doc: seconds; source: res/res_pjsip/location.c OPT_UINT_T",
    ),
    ev(
        &["ContactList", "ContactStatusDetail"],
        "QualifyTimeout",
        Seconds,
        "doc: decimal seconds; source: res/res_pjsip/location.c OPT_DOUBLE_T (`3.000000`)",
    ),
    ev(
        &["ContactList"],
        "ExpirationTime",
        UnixTime,
        "doc: absolute expiry time; source: res/res_pjsip/location.c expiration_struct2str `%ld` of tv_sec (0: permanent)",
    ),
    ev(
        &["ContactStatusDetail"],
        "RegExpire",
        UnixTime,
        "doc: absolute expiry time; source: res/res_pjsip/pjsip_options.c ast_time_t_to_string of expiration_time.tv_sec",
    ),
    ev(&["ContactList"], "ViaPort", Unsigned, "doc: a port number; source: res/res_pjsip/location.c OPT_UINT_T"),
    ev(AOR, "DefaultExpiration", Seconds, "doc: seconds; source: res/res_pjsip/location.c OPT_UINT_T"),
    ev(AOR, "MaximumExpiration", Seconds, "doc: time to keep an AoR; source: res/res_pjsip/location.c OPT_UINT_T (seconds)"),
    ev(AOR, "MinimumExpiration", Seconds, "doc: keep-alive time; source: res/res_pjsip/location.c OPT_UINT_T (seconds)"),
    ev(AOR, "MaxContacts", Unsigned, "doc: a maximum number; source: res/res_pjsip/location.c OPT_UINT_T"),
    ev(AOR, "QualifyFrequency", Seconds, "doc: an interval; source: res/res_pjsip/location.c OPT_UINT_T (seconds)"),
    ev(AOR, "QualifyTimeout", Seconds, "doc: a timeout; source: res/res_pjsip/location.c OPT_DOUBLE_T (decimal seconds)"),
    ev(&["AorDetail"], "TotalContacts", Unsigned, "doc: a count; source: res/res_pjsip/location.c `TotalContacts: %d`"),
    ev(
        &["AorDetail"],
        "ContactsRegistered",
        Unsigned,
        "doc: a count; source: res/res_pjsip/location.c `ContactsRegistered: %d`",
    ),
    // PJSIP endpoints.
    ev(
        &["EndpointDetail", "EndpointList"],
        "ActiveChannels",
        Unsigned,
        "doc: the number of active channels; source: res/res_pjsip/pjsip_configuration.c active_channels_to_str `%d`",
    ),
    ev(&["EndpointDetail"], "RtpTimeout", Seconds, "doc: seconds; source: res/res_pjsip/pjsip_configuration.c OPT_UINT_T"),
    ev(&["EndpointDetail"], "RtpTimeoutHold", Seconds, "doc: seconds; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "RtpKeepalive", Seconds, "doc: seconds between keepalives; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "TimersMinSe", Seconds, "doc: a session-timer period; source: OPT_UINT_T (seconds)"),
    ev(&["EndpointDetail"], "TimersSessExpires", Seconds, "doc: a session-timer period; source: OPT_UINT_T (seconds)"),
    ev(&["EndpointDetail"], "SubMinExpiry", Seconds, "doc: the minimum expiry; source: OPT_UINT_T (seconds)"),
    ev(&["EndpointDetail"], "FaxDetectTimeout", Seconds, "doc: how long into a call; source: OPT_UINT_T (seconds)"),
    ev(&["EndpointDetail"], "DeviceStateBusyAt", Unsigned, "doc: a number of channels; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "MaxAudioStreams", Unsigned, "doc: a maximum number; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "MaxVideoStreams", Unsigned, "doc: a maximum number; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "T38UdptlMaxdatagram", Unsigned, "doc: a datagram size; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "RtpPortStart", Unsigned, "doc: a port number; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "RtpPortEnd", Unsigned, "doc: a port number; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "CosAudio", Unsigned, "doc: a priority value; source: OPT_UINT_T"),
    ev(&["EndpointDetail"], "CosVideo", Unsigned, "doc: a priority value; source: OPT_UINT_T"),
    // PJSIP registrations, transports, auths.
    ev(&["OutboundRegistrationDetail"], "Expiration", Seconds, "doc: seconds; source: res/res_pjsip_outbound_registration.c OPT_UINT_T"),
    ev(&["OutboundRegistrationDetail"], "RetryInterval", Seconds, "doc: seconds; source: OPT_UINT_T"),
    ev(&["OutboundRegistrationDetail"], "ForbiddenRetryInterval", Seconds, "doc: an interval; source: OPT_UINT_T (seconds)"),
    ev(&["OutboundRegistrationDetail"], "FatalRetryInterval", Seconds, "doc: an interval; source: OPT_UINT_T (seconds)"),
    ev(&["OutboundRegistrationDetail"], "MaxRandomInitialDelay", Seconds, "doc: seconds; source: OPT_UINT_T"),
    ev(&["OutboundRegistrationDetail"], "MaxRetries", Unsigned, "doc: a maximum number; source: OPT_UINT_T"),
    ev(
        &["OutboundRegistrationDetail"],
        "NextReg",
        Seconds,
        "doc: seconds until the next registration; source: res/res_pjsip_outbound_registration.c `NextReg: %d`",
    ),
    ev(&["TransportDetail"], "ExternalSignalingPort", Unsigned, "doc: a port; source: res/res_pjsip/config_transport.c OPT_UINT_T"),
    ev(&["TransportDetail"], "AsycOperations", Unsigned, "doc: a number of operations; source: OPT_UINT_T"),
    ev(&["TransportDetail"], "TcpKeepaliveIdleTime", Seconds, "doc: idle time; source: OPT_INT_T (seconds)"),
    ev(&["TransportDetail"], "TcpKeepaliveIntervalTime", Seconds, "doc: an interval; source: OPT_INT_T (seconds)"),
    ev(&["TransportDetail"], "TcpKeepaliveProbeCount", Unsigned, "doc: a maximum number; source: OPT_INT_T"),
    ev(&["TransportDetail"], "WebsocketWriteTimeout", Milliseconds, "doc: milliseconds; source: OPT_INT_T"),
    ev(&["TransportDetail"], "Cos", Unsigned, "doc: a COS value; source: OPT_UINT_T"),
    ev(&["AuthDetail", "AuthList"], "NonceLifetime", Seconds, "doc: a lifetime; source: res/res_pjsip/config_auth.c OPT_UINT_T (seconds)"),
    // Stays text: looks numeric on the wire, is not a quantity.
    text(Target::Events(&["OriginateResponse"], "Exten"), "wire: `300`: an extension"),
    text(Target::Events(&["OriginateResponse"], "CallerIDNum"), "wire: digits or `<unknown>`: a phone number"),
    text(Target::Events(&["OriginateResponse"], "Uniqueid"), "wire: `1795384998.0`, `<unknown>`: an id"),
    text(Target::Events(&["OriginateResponse"], "Data"), "wire: `1`, `30`: the application's argument string"),
    text(Target::Events(&["ExtensionStatus"], "Exten"), "wire: `2001`: an extension"),
    text(Target::Events(&["NewExten"], "Extension"), "wire: `600`: an extension"),
    text(Target::Events(&["LocalBridge"], "Exten"), "wire: 3,339 values like `600`: an extension"),
];

impl Target {
    /// Whether the target names header `p` of event `event`.
    pub fn covers(&self, event: &str, p: &Param) -> bool {
        match self {
            Target::Snapshot(f) => p.snapshot_field.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(f)),
            Target::Field(f) => p.name.eq_ignore_ascii_case(f),
            Target::Events(evs, f) => {
                p.name.eq_ignore_ascii_case(f) && evs.iter().any(|e| e.eq_ignore_ascii_case(event))
            }
        }
    }

    /// 0 for the most specific (listed events), 2 for snapshot fields.
    fn rank(&self) -> u8 {
        match self {
            Target::Events(..) => 0,
            Target::Field(_) => 1,
            Target::Snapshot(_) => 2,
        }
    }

    /// The header name the target is about.
    pub fn field(&self) -> &'static str {
        match self {
            Target::Snapshot(f) | Target::Field(f) | Target::Events(_, f) => f,
        }
    }
}

/// The rule that decides header `p` of event `event`, the most specific
/// first; `None` when no rule covers it (it stays text by default).
pub fn rule_for(event: &str, p: &Param) -> Option<&'static Rule> {
    RULES.iter().filter(|r| r.target.covers(event, p)).min_by_key(|r| r.target.rank())
}

/// Sets [`Param::value_kind`] on every free-text event header a rule types.
/// Returns the rules that typed nothing (see [`check`] for why).
pub fn apply(spec: &mut Spec) -> Vec<&'static Rule> {
    let mut used = vec![false; RULES.len()];
    for e in &mut spec.events {
        for p in &mut e.fields {
            p.value_kind = None;
            let Some(rule) = rule_for(&e.name, p) else { continue };
            if p.kind() != ParamKind::Text {
                continue;
            }
            used[index(rule)] = true;
            p.value_kind = rule.kind;
        }
    }
    RULES.iter().zip(used).filter(|(_, u)| !u).map(|(r, _)| r).collect()
}

fn index(rule: &'static Rule) -> usize {
    RULES.iter().position(|r| std::ptr::eq(r, rule)).expect("a rule of RULES")
}

/// Problems with the table against a spec: rules that cover no free-text
/// header, and rules that cover an enumerated or two-valued header (which
/// keeps its documented type). The project's tests require none for the
/// supported releases; a user's own file (`AMI_SPEC`) may lack events.
pub fn check(spec: &Spec) -> Vec<String> {
    let mut problems = Vec::new();
    for r in RULES {
        let mut text = 0;
        for e in &spec.events {
            for p in &e.fields {
                if r.target.covers(&e.name, p) {
                    match p.kind() {
                        ParamKind::Text => text += 1,
                        _ => problems
                            .push(format!("{:?} covers {}.{}, which is not free text", r.target, e.name, p.name)),
                    }
                }
            }
        }
        if text == 0 {
            problems.push(format!("{:?} covers no free-text header", r.target));
        }
    }
    problems
}

/// Accessor counts of a spec: per kind, and those left as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every event header accessor.
    pub accessors: usize,
    /// Accessors returning text (`Cow<str>`).
    pub text: usize,
    /// Accessors returning an enum or a bool (documented values).
    pub enums_and_bools: usize,
    /// Typed accessors per kind.
    pub by_kind: BTreeMap<ValueKind, usize>,
}

impl Stats {
    /// Typed accessors of every kind.
    pub fn typed(&self) -> usize {
        self.by_kind.values().sum()
    }
}

/// Counts the accessors of a spec whose kinds are applied.
pub fn stats(spec: &Spec) -> Stats {
    let mut s = Stats::default();
    for p in spec.events.iter().flat_map(|e| &e.fields) {
        s.accessors += 1;
        match (p.kind(), p.value_kind) {
            (ParamKind::Text, Some(k)) => *s.by_kind.entry(k).or_default() += 1,
            (ParamKind::Text, None) => s.text += 1,
            _ => s.enums_and_bools += 1,
        }
    }
    s
}

/// The Rust type an accessor of this kind returns (inside its `Option`).
pub fn rust_type(kind: ValueKind) -> &'static str {
    match kind {
        Unsigned => "u64",
        Signed => "i64",
        Decimal => "f64",
        Seconds | Milliseconds | Microseconds | Hms => "Duration",
        UnixTime | IsoTime => "SystemTime",
        WallClock => "WallClock",
        HangupCause => "HangupCause",
        Priority => "Priority",
    }
}

/// How a value of this kind is written on the wire, for docs.
pub fn wire_form(kind: ValueKind) -> &'static str {
    match kind {
        Unsigned => "an unsigned integer",
        Signed => "an integer",
        Decimal => "a decimal number",
        Seconds => "seconds, whole or decimal",
        Milliseconds => "milliseconds",
        Microseconds => "microseconds",
        Hms => "`H:MM:SS`",
        UnixTime => "Unix seconds (`0`: never, `None`)",
        IsoTime => "ISO 8601 with a UTC offset",
        WallClock => "`YYYY-MM-DD HH:MM:SS` in the server's zone",
        HangupCause => "a Q.850 cause code",
        Priority => "a dialplan priority (number or label)",
    }
}

/// The user-facing table (Markdown) of every decision and what it covers
/// in `spec`, with the accessor counts: `docs/typed-values.md`.
pub fn markdown(spec: &Spec, before: Option<usize>) -> String {
    let st = stats(spec);
    let mut out = String::new();
    out.push_str("# Typed header values\n\n");
    out.push_str(
        "Generated from `ami-codegen/src/kinds.rs` by `UPDATE_DOCS=1 cargo test -p ami-codegen --test typed_values_doc`; \
         the test fails when this file and the table differ.\n\n",
    );
    out.push_str(
        "Asterisk documents almost every event header as free text. The event accessors of `ami-actions` \
         return numbers, durations, times, hangup causes and dialplan priorities where the wire (a corpus \
         of a real Asterisk 22 and the session transcripts), the documentation or the C source shows the \
         value is one. The table below is every such decision with its evidence, and the headers that look \
         numeric on the wire but stay text on purpose.\n\n",
    );
    out.push_str("- A typed accessor returns `None` for a missing header, an empty value, a placeholder (`<unknown>`, `<null>`, `(null)`, `N/A`) and text that does not parse; it never panics.\n");
    out.push_str("- The text as the server sent it stays reachable: `event.message().get_str(\"Cause\")`.\n");
    out.push_str("- Serde (feature `serde`) and `ami ... --json` keep every header as the text the server sent.\n");
    out.push_str("- `Event::TYPED_FIELDS` lists every typed accessor (event, header, kind) with a pointer to it; `Event::typed_value(\"Cause\")` reads one by name.\n\n");
    out.push_str("## Accessors by return type\n\n");
    let _ = writeln!(
        out,
        "Over the {} releases this build covers, {} event header accessors:\n",
        spec.releases.len(),
        st.accessors
    );
    out.push_str("| kind | returns | read from | accessors |\n|---|---|---|---|\n");
    for (k, n) in &st.by_kind {
        let _ = writeln!(out, "| {k:?} | `{}` | {} | {n} |", rust_type(*k), wire_form(*k));
    }
    let _ = writeln!(out, "| all typed | | | {} |", st.typed());
    let _ = writeln!(out, "| enums and booleans (documented values) | | | {} |", st.enums_and_bools);
    let _ = writeln!(out, "| text (`Cow<str>`) | | | {} |", st.text);
    if let Some(b) = before {
        let _ = writeln!(out, "\nBefore this table, {b} of the {} accessors returned text.", st.accessors);
    }
    out.push_str("\n## Typed headers\n\n");
    out.push_str("| header | events | kind | returns | evidence |\n|---|---|---|---|---|\n");
    for r in RULES.iter().filter(|r| r.kind.is_some()) {
        let k = r.kind.expect("typed");
        let _ = writeln!(
            out,
            "| `{}` | {} | {k:?} | `{}` | {} |",
            r.target.field(),
            covered(spec, r),
            rust_type(k),
            r.evidence.replace('|', "\\|")
        );
    }
    out.push_str("\n## Numeric-looking headers that stay text\n\n");
    out.push_str("| header | events | evidence |\n|---|---|---|\n");
    for r in RULES.iter().filter(|r| r.kind.is_none()) {
        let _ = writeln!(out, "| `{}` | {} | {} |", r.target.field(), covered(spec, r), r.evidence.replace('|', "\\|"));
    }
    out
}

/// Which events a rule covers, for the docs.
fn covered(spec: &Spec, r: &Rule) -> String {
    let mut events: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for e in &spec.events {
        for p in &e.fields {
            if rule_for(&e.name, p).is_some_and(|x| std::ptr::eq(x, r)) && p.kind() == ParamKind::Text {
                if !events.contains(&e.name.as_str()) {
                    events.push(&e.name);
                }
                if !names.contains(&p.name.as_str()) {
                    names.push(&p.name);
                }
            }
        }
    }
    let list = if events.len() > 6 {
        format!("{} events ({}, ...)", events.len(), events[..4].join(", "))
    } else {
        events.join(", ")
    };
    match r.target {
        Target::Snapshot(_) if names.len() > 1 => format!("{list}; any prefix ({} names)", names.len()),
        _ => list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Event;

    fn event(name: &str, fields: Vec<Param>) -> Event {
        Event { name: name.into(), fields, ..Event::default() }
    }

    #[test]
    fn most_specific_rule_wins() {
        let qprio = Param::named("Priority");
        let snap_prio = Param { snapshot_field: Some("Priority".into()), ..Param::named("DestPriority") };
        assert_eq!(rule_for("QueueEntry", &qprio).unwrap().kind, Some(Signed));
        assert_eq!(rule_for("Newexten", &qprio), None, "a plain Priority header is not a snapshot field");
        assert_eq!(rule_for("DialBegin", &snap_prio).unwrap().kind, Some(Priority));
        assert_eq!(rule_for("agentringnoanswer", &Param::named("ringtime")).unwrap().kind, Some(Milliseconds));
        assert_eq!(rule_for("AgentConnect", &Param::named("RingTime")).unwrap().kind, Some(Seconds));
        assert_eq!(rule_for("Whatever", &Param::named("ListItems")).unwrap().kind, Some(Unsigned));
    }

    #[test]
    fn apply_types_text_only() {
        let mut spec = Spec {
            events: vec![event(
                "Hangup",
                vec![
                    Param::named("Cause"),
                    Param::named("Channel"),
                    Param {
                        values: vec![
                            crate::model::EnumValue { name: "1".into(), ..Default::default() },
                            crate::model::EnumValue { name: "0".into(), ..Default::default() },
                        ],
                        ..Param::named("ListItems")
                    },
                ],
            )],
            ..Spec::default()
        };
        let unused = apply(&mut spec);
        let f = &spec.events[0].fields;
        assert_eq!(f[0].value_kind, Some(HangupCause));
        assert_eq!(f[1].value_kind, None);
        assert_eq!(f[2].value_kind, None, "a documented 1/0 header stays a bool");
        assert!(unused.len() < RULES.len());
        assert!(check(&spec).iter().any(|p| p.contains("Hangup.ListItems, which is not free text")));
        let st = stats(&spec);
        assert_eq!((st.accessors, st.text, st.enums_and_bools, st.typed()), (3, 1, 1, 1));
    }

    #[test]
    fn rules_are_unique() {
        for (i, a) in RULES.iter().enumerate() {
            for b in &RULES[i + 1..] {
                assert_ne!(a.target, b.target, "two rules for one target");
                if let (Target::Events(ea, fa), Target::Events(eb, fb)) = (a.target, b.target) {
                    let overlap =
                        fa.eq_ignore_ascii_case(fb) && ea.iter().any(|x| eb.iter().any(|y| x.eq_ignore_ascii_case(y)));
                    assert!(!overlap, "{fa}: an event in two rules");
                }
            }
            assert!(!a.evidence.is_empty());
        }
    }
}
