//! Event lists, follow-up events and odd answers the XML does not declare,
//! taken from what a real server sends (`../shared/spec-upstream/transcripts`,
//! `12_every_action_*` above all, and the README's table of every answer).
//!
//! A list fixup names the action, its item and completion events, and where
//! the events' headers come from: the wire, or (for a list that came back
//! empty on the capture server) the Asterisk source that writes them. The
//! events are added only when no release documents them, so an event the XML
//! has (`ConfbridgeList`, `ParkedCall`) keeps its documented fields.

use crate::model::{Event, FollowUp, ListResponse, Origin, Param, Spec};

/// `(event, fields, action whose releases it takes)`
const WIRE_ONLY: &[(&str, &[&str], &str)] = &[
    ("DBGetResponse", &["Family", "Key", "Val"], "DBGet"),
    ("DBGetComplete", &["EventList", "ListItems"], "DBGet"),
    (
        "QueueMember",
        &[
            "Queue",
            "Name",
            "Location",
            "StateInterface",
            "Membership",
            "Penalty",
            "CallsTaken",
            "LastCall",
            "LastPause",
            "LoginTime",
            "InCall",
            "Status",
            "Paused",
            "PausedReason",
            "Wrapuptime",
        ],
        "QueueStatus",
    ),
    ("QueueStatusComplete", &["EventList", "ListItems"], "QueueStatus"),
    ("ChannelHungup", &["Channel"], "Hangup"),
    ("ChannelsHungupListComplete", &["EventList", "ListItems"], "Hangup"),
];

pub(super) fn wire_only_events(spec: &mut Spec) -> Result<(), String> {
    let mut added = 0;
    for &(name, fields, action) in WIRE_ONLY {
        if spec.event(name).is_some() {
            continue;
        }
        let Some(releases) = spec.actions.iter().find(|a| a.name == action).map(|a| a.releases) else { continue };
        let fields = fields.iter().map(|f| Param { releases, ..Param::named(f) }).collect();
        spec.events.push(Event {
            name: name.to_string(),
            releases,
            fields,
            origin: Origin::Fixup("wire_only_events"),
            notes: vec![format!(
                "Sent as part of the answer to the `{action}` action; Asterisk's XML does not document it (fixup `wire_only_events`)."
            )],
            ..Event::default()
        });
        added += 1;
    }
    spec.events.sort_by_key(|e| (e.name.to_ascii_lowercase(), e.name.clone()));
    if added == 0 {
        Err("every wire-only event is documented now, or their actions are missing".into())
    } else {
        Ok(())
    }
}

fn add_list(
    spec: &mut Spec,
    action: &str,
    items: &[&str],
    complete: &str,
    condition: Option<&str>,
    fixup: &'static str,
) -> Result<(), String> {
    let missing: Vec<&str> = items.iter().chain([&complete]).copied().filter(|e| spec.event(e).is_none()).collect();
    if !missing.is_empty() {
        return Err(format!("events {missing:?} are not defined"));
    }
    let a = spec.action_mut(action).ok_or_else(|| format!("no action {action}"))?;
    if a.list.is_some() {
        return Err(format!("{action} declares its list response now"));
    }
    a.list = Some(ListResponse {
        items: items.iter().map(|s| s.to_string()).collect(),
        complete: complete.to_string(),
        condition: condition.map(str::to_string),
        origin: Origin::Fixup(fixup),
    });
    Ok(())
}

pub(super) fn queue_status_list(spec: &mut Spec) -> Result<(), String> {
    add_list(
        spec,
        "QueueStatus",
        &["QueueParams", "QueueMember", "QueueEntry"],
        "QueueStatusComplete",
        None,
        "queue_status_list",
    )
}

pub(super) fn db_get_list(spec: &mut Spec) -> Result<(), String> {
    add_list(spec, "DBGet", &["DBGetResponse"], "DBGetComplete", None, "db_get_list")
}

pub(super) fn hangup_regex_list(spec: &mut Spec) -> Result<(), String> {
    add_list(
        spec,
        "Hangup",
        &["ChannelHungup"],
        "ChannelsHungupListComplete",
        Some("only when Channel is a regular expression between slashes, e.g. `/^PJSIP\\/100-.*$/`; otherwise a plain response"),
        "hangup_regex_list",
    )
}

pub(super) fn agents_list(spec: &mut Spec) -> Result<(), String> {
    add_list(spec, "Agents", &["Agents"], "AgentsComplete", None, "agents_list")
}

pub(super) fn fax_sessions_list(spec: &mut Spec) -> Result<(), String> {
    add_list(spec, "FAXSessions", &["FAXSessionsEntry"], "FAXSessionsComplete", None, "fax_sessions_list")
}

pub(super) fn mwi_get_list(spec: &mut Spec) -> Result<(), String> {
    add_list(spec, "MWIGet", &["MWIGet"], "MWIGetComplete", None, "mwi_get_list")
}

/// Where an event's headers were learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seen {
    /// From the wire (the transcripts of a 22.10.1 server).
    Wire,
    /// Not seen on the wire (nothing to list on the capture server): the
    /// headers the named source file of Asterisk 22.10.1 writes.
    Source(&'static str),
}

/// An event a fixup adds when no release documents it.
#[derive(Debug, Clone, Copy)]
pub(super) struct WireEvent {
    pub name: &'static str,
    /// Its headers in wire order, without `Event`, `Privilege` and `ActionID`.
    pub fields: &'static [&'static str],
    pub seen: Seen,
}

/// An event list seen on the wire.
#[derive(Debug, Clone, Copy)]
pub(super) struct WireList {
    pub action: &'static str,
    pub items: &'static [WireEvent],
    pub complete: WireEvent,
    /// When the list is sent, if not always.
    pub condition: Option<&'static str>,
}

const fn wire(name: &'static str, fields: &'static [&'static str]) -> WireEvent {
    WireEvent { name, fields, seen: Seen::Wire }
}

const fn from_source(name: &'static str, fields: &'static [&'static str], file: &'static str) -> WireEvent {
    WireEvent { name, fields, seen: Seen::Source(file) }
}

const LIST_END: &[&str] = &["EventList", "ListItems"];

const fn complete(name: &'static str) -> WireEvent {
    wire(name, LIST_END)
}

/// Adds `e` (answering `action`) unless some release documents it already.
/// Returns whether it was added.
fn add_event(spec: &mut Spec, e: &WireEvent, action: &str, fixup: &'static str, role: &str) -> Result<bool, String> {
    if spec.event(e.name).is_some() {
        return Ok(false);
    }
    let releases = spec
        .actions
        .iter()
        .find(|a| a.name == action)
        .map(|a| a.releases)
        .ok_or_else(|| format!("no action {action}"))?;
    let fields = e.fields.iter().map(|f| Param { releases, ..Param::named(f) }).collect();
    let mut notes = vec![format!("Sent {role} `{action}`; Asterisk's XML does not document it (fixup `{fixup}`).")];
    notes.push(match e.seen {
        Seen::Wire => "Its fields are the headers a 22.10.1 server sent.".to_string(),
        Seen::Source(file) => format!(
            "Not seen on the wire (the capture server had nothing to list): its fields are the headers `{file}` of 22.10.1 writes."
        ),
    });
    spec.events.push(Event {
        name: e.name.to_string(),
        releases,
        fields,
        origin: Origin::Fixup(fixup),
        notes,
        ..Event::default()
    });
    spec.events.sort_by_key(|e| (e.name.to_ascii_lowercase(), e.name.clone()));
    Ok(true)
}

/// Declares `list` for its action, adding the events no release documents.
pub(super) fn wire_list(spec: &mut Spec, fixup: &'static str, list: &WireList) -> Result<(), String> {
    let a = spec.actions.iter().find(|a| a.name == list.action).ok_or_else(|| format!("no action {}", list.action))?;
    if a.list.is_some() {
        return Err(format!("{} declares its list response now", list.action));
    }
    for e in list.items {
        add_event(spec, e, list.action, fixup, "in the list answering")?;
    }
    add_event(spec, &list.complete, list.action, fixup, "to close the list answering")?;
    let a = spec.action_mut(list.action).ok_or_else(|| format!("no action {}", list.action))?;
    a.list = Some(ListResponse {
        items: list.items.iter().map(|e| e.name.to_string()).collect(),
        complete: list.complete.name.to_string(),
        condition: list.condition.map(str::to_string),
        origin: Origin::Fixup(fixup),
    });
    Ok(())
}

/// Declares the event `action` sends once after its response.
pub(super) fn follow_up(spec: &mut Spec, fixup: &'static str, action: &str, event: &WireEvent) -> Result<(), String> {
    let a = spec.actions.iter().find(|a| a.name == action).ok_or_else(|| format!("no action {action}"))?;
    if a.follow_up.is_some() {
        return Err(format!("{action} declares its follow-up event now"));
    }
    add_event(spec, event, action, fixup, "after the response to")?;
    let a = spec.action_mut(action).ok_or_else(|| format!("no action {action}"))?;
    a.follow_up = Some(FollowUp { event: event.name.to_string(), origin: Origin::Fixup(fixup) });
    Ok(())
}

pub(super) fn iax_netstats_empty_answer(spec: &mut Spec) -> Result<(), String> {
    let a = spec.action_mut("IAXnetstats").ok_or("no action IAXnetstats")?;
    if a.empty_answer {
        return Err("IAXnetstats is marked already".into());
    }
    a.empty_answer = true;
    a.notes.push(
        "Asterisk answers with a bare empty line: no `Response`, no `ActionID` (fixup `iax_netstats_empty_answer`). \
         The client cannot tell that line from the gap between two messages, so it sends this action without waiting \
         and returns an empty, client-made response at once."
            .into(),
    );
    a.notes.push(
        "With IAX2 calls up, 22.10.1 also writes one line per call, ended by LF alone, before that empty line \
         (`channels/chan_iax2.c`); nothing frames those lines, and they run into the next message."
            .into(),
    );
    Ok(())
}

pub(super) fn pjsip_lists_unverified(spec: &mut Spec) -> Result<(), String> {
    let mut done = 0;
    for a in spec.actions.iter_mut().filter(|a| a.name.starts_with("PJSIP")) {
        if a.list.as_ref().is_some_and(|l| l.origin == Origin::Xml) {
            a.notes.push(
                "The list is as Asterisk's XML declares it: the server the transcripts come from had no \
                 `res_pjsip`, so it is not checked against the wire (fixup `pjsip_lists_unverified`)."
                    .into(),
            );
            done += 1;
        }
    }
    if done == 0 {
        Err("no PJSIP action declares a list".into())
    } else {
        Ok(())
    }
}

/// The headers of `VoicemailUserEntry` and `VoicemailUserDetail`.
const VOICEMAIL_USER: &[&str] = &[
    "VMContext",
    "VoiceMailbox",
    "Fullname",
    "Email",
    "Pager",
    "ServerEmail",
    "FromString",
    "MailCommand",
    "Language",
    "TimeZone",
    "Callback",
    "Dialout",
    "UniqueID",
    "ExitContext",
    "SayDurationMinimum",
    "SayEnvelope",
    "SayCID",
    "AttachMessage",
    "AttachmentFormat",
    "DeleteMessage",
    "VolumeGain",
    "CanReview",
    "CanMarkUrgent",
    "CallOperator",
    "MaxMessageCount",
    "MaxMessageLength",
    "NewMessageCount",
    "OldMessageCount",
];

/// The headers of a `ConfbridgeList` item.
const CONFBRIDGE_LIST_ITEM: &[&str] = &[
    "Conference",
    "Admin",
    "MarkedUser",
    "WaitMarked",
    "EndMarked",
    "EndMarkedAny",
    "Waiting",
    "Muted",
    "Talking",
    "AnsweredTime",
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Language",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
];

/// The headers of a `ParkedCall` item.
const PARKED_CALL: &[&str] = &[
    "ParkeeChannel",
    "ParkeeChannelState",
    "ParkeeChannelStateDesc",
    "ParkeeCallerIDNum",
    "ParkeeCallerIDName",
    "ParkeeConnectedLineNum",
    "ParkeeConnectedLineName",
    "ParkeeLanguage",
    "ParkeeAccountCode",
    "ParkeeContext",
    "ParkeeExten",
    "ParkeePriority",
    "ParkeeUniqueid",
    "ParkeeLinkedid",
    "ParkerDialString",
    "Parkinglot",
    "ParkingSpace",
    "ParkingTimeout",
    "ParkingDuration",
];

const KNOWN_MAILBOX: &str = "only for a mailbox that exists; an unknown one gets a plain `Response: Success`, \
     no list, whose `Message` says there is no such user";

pub(super) const BRIDGE_LIST: WireList = WireList {
    action: "BridgeList",
    items: &[wire(
        "BridgeListItem",
        &[
            "BridgeUniqueid",
            "BridgeType",
            "BridgeTechnology",
            "BridgeCreator",
            "BridgeName",
            "BridgeNumChannels",
            "BridgeVideoSourceMode",
        ],
    )],
    complete: complete("BridgeListComplete"),
    condition: None,
};

pub(super) const BRIDGE_TECHNOLOGY_LIST: WireList = WireList {
    action: "BridgeTechnologyList",
    items: &[wire(
        "BridgeTechnologyListItem",
        &["BridgeTechnology", "BridgeType", "BridgePriority", "BridgeSuspended"],
    )],
    complete: complete("BridgeTechnologyListComplete"),
    condition: None,
};

pub(super) const CONFBRIDGE_LIST: WireList = WireList {
    action: "ConfbridgeList",
    items: &[wire("ConfbridgeList", CONFBRIDGE_LIST_ITEM)],
    complete: complete("ConfbridgeListComplete"),
    condition: None,
};

pub(super) const CONFBRIDGE_LIST_ROOMS: WireList = WireList {
    action: "ConfbridgeListRooms",
    items: &[wire("ConfbridgeListRooms", &["Conference", "Parties", "Marked", "Locked", "Muted"])],
    complete: complete("ConfbridgeListRoomsComplete"),
    condition: None,
};

pub(super) const CORE_SHOW_CHANNEL_MAP: WireList = WireList {
    action: "CoreShowChannelMap",
    items: &[wire("CoreShowChannelMap", &["Channel", "ConnectedChannel"])],
    complete: complete("CoreShowChannelMapComplete"),
    condition: None,
};

pub(super) const DB_GET_TREE: WireList = WireList {
    action: "DBGetTree",
    items: &[wire("DBGetTreeResponse", &["Key", "Val"])],
    complete: complete("DBGetTreeComplete"),
    condition: None,
};

const PEER_ENTRY: WireEvent = from_source(
    "PeerEntry",
    &[
        "Channeltype",
        "ObjectName",
        "ObjectUsername",
        "ChanObjectType",
        "IPaddress",
        "Mask",
        "Port",
        "IPport",
        "Dynamic",
        "Trunk",
        "Encryption",
        "Status",
        "Description",
    ],
    "channels/chan_iax2.c",
);

pub(super) const IAX_PEERS: WireList =
    WireList { action: "IAXpeers", items: &[PEER_ENTRY], complete: complete("PeerlistComplete"), condition: None };

pub(super) const IAX_PEERLIST: WireList =
    WireList { action: "IAXpeerlist", items: &[PEER_ENTRY], complete: complete("PeerlistComplete"), condition: None };

pub(super) const IAX_REGISTRY: WireList = WireList {
    action: "IAXregistry",
    items: &[from_source(
        "RegistryEntry",
        &["Host", "DNSmanager", "Username", "Perceived", "Refresh", "State"],
        "channels/chan_iax2.c",
    )],
    complete: complete("RegistrationsComplete"),
    condition: None,
};

pub(super) const PARKED_CALLS: WireList = WireList {
    action: "ParkedCalls",
    items: &[wire("ParkedCall", PARKED_CALL)],
    complete: wire("ParkedCallsComplete", &["EventList", "ListItems", "Total"]),
    condition: None,
};

pub(super) const PARKINGLOTS: WireList = WireList {
    action: "Parkinglots",
    items: &[wire("Parkinglot", &["Name", "StartSpace", "StopSpace", "Timeout"])],
    complete: complete("ParkinglotsComplete"),
    condition: None,
};

pub(super) const QUEUE_SUMMARY: WireList = WireList {
    action: "QueueSummary",
    items: &[wire(
        "QueueSummary",
        &["Queue", "LoggedIn", "Available", "Callers", "HoldTime", "TalkTime", "LongestHoldTime"],
    )],
    complete: complete("QueueSummaryComplete"),
    condition: None,
};

pub(super) const SHOW_DIAL_PLAN: WireList = WireList {
    action: "ShowDialPlan",
    items: &[wire("ListDialplan", &["Context", "Extension", "Priority", "Application", "AppData", "Registrar"])],
    complete: wire(
        "ShowDialPlanComplete",
        &["EventList", "ListItems", "ListExtensions", "ListPriorities", "ListContexts"],
    ),
    condition: None,
};

pub(super) const VOICEMAIL_USERS_LIST: WireList = WireList {
    action: "VoicemailUsersList",
    items: &[wire("VoicemailUserEntry", VOICEMAIL_USER)],
    complete: complete("VoicemailUserEntryComplete"),
    condition: None,
};

pub(super) const VOICEMAIL_USER_STATUS: WireList = WireList {
    action: "VoicemailUserStatus",
    items: &[wire("VoicemailUserDetail", VOICEMAIL_USER)],
    complete: complete("VoicemailUserDetailComplete"),
    condition: Some(KNOWN_MAILBOX),
};

pub(super) const VOICEMAIL_BOX_SUMMARY: WireList = WireList {
    action: "VoicemailBoxSummary",
    items: &[from_source(
        "VoicemailBoxDetail",
        &["Folder", "CallerID", "Date", "Duration", "Flag", "ID"],
        "apps/app_voicemail.c",
    )],
    complete: complete("VoicemailBoxDetailComplete"),
    condition: Some(KNOWN_MAILBOX),
};

pub(super) const FAX_STATS_EVENT: WireEvent = wire(
    "FAXStats",
    &["CurrentSessions", "ReservedSessions", "TransmitAttempts", "ReceiveAttempts", "CompletedFAXes", "FailedFAXes"],
);

pub(super) const WAIT_EVENT_COMPLETE: WireEvent = wire("WaitEventComplete", &[]);
