//! The fake Asterisk's live calls: bridges, transfers, queues, `Dial` and
//! hold. Each action's answer is compared with what the real Asterisk
//! 22.10.1 answered in transcript `12_every_action_b` (the same bytes, or
//! the same header names where values are ids and times), the events with
//! the shapes the recorded corpus shows, and scripted scenarios check the
//! exact sequence of events each kind of session receives at every step.
//! Every wait is bounded; nothing asserts on time.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use ami_core::testkit::FakeAsterisk;
use ami_core::{Decoder, Error, Login, Message, RawAction, Session};
use support::ami::{admin, login, WAIT};
use support::transcript;

// ---- helpers ------------------------------------------------------------

fn action(name: &str, headers: &[(&str, &str)]) -> RawAction {
    headers.iter().fold(RawAction::new(name), |a, (k, v)| a.header(*k, *v))
}

/// An answer, whether it says `Success` or `Error`: the response, then the
/// items and the completion of a list.
struct Answer {
    message: Message,
    items: Vec<Message>,
    completion: Option<Message>,
}

impl Answer {
    fn message(&self) -> &Message {
        &self.message
    }

    fn get(&self, key: &str) -> Option<String> {
        self.message.get_str(key).map(|v| v.into_owned())
    }

    fn items(&self) -> &[Message] {
        &self.items
    }

    fn completion(&self) -> Option<&Message> {
        self.completion.as_ref()
    }
}

fn ask(s: &mut Session, name: &str, headers: &[(&str, &str)]) -> Answer {
    match s.send(&action(name, headers)) {
        Ok(r) => {
            Answer { message: r.message().clone(), items: r.items().to_vec(), completion: r.completion().cloned() }
        }
        Err(Error::ActionFailed { response, .. }) => Answer { message: *response, items: Vec::new(), completion: None },
        Err(Error::PermissionDenied { .. }) => Answer {
            message: Message::from_pairs([("Response", "Error"), ("Message", "Permission denied")]),
            items: Vec::new(),
            completion: None,
        },
        Err(e) => panic!("{name}: {e}"),
    }
}

fn get(m: &Message, key: &str) -> String {
    m.get_str(key).unwrap_or_else(|| panic!("no {key} in {m:?}")).into_owned()
}

fn names(messages: &[Message]) -> Vec<String> {
    messages.iter().map(|m| m.event_name().unwrap_or_default().into_owned()).collect()
}

/// The header names of a message, in order.
fn keys(m: &Message) -> Vec<String> {
    m.headers().map(|h| h.name_str().into_owned()).collect()
}

/// The headers of a message with the ActionID's value left out.
fn without_id(m: &Message) -> Vec<(String, String)> {
    m.headers()
        .map(|h| {
            let name = h.name_str().into_owned();
            let value = if name == "ActionID" { String::new() } else { h.value_str().into_owned() };
            (name, value)
        })
        .collect()
}

/// A driver session: admin, events off, answers only.
fn driver(fake: &FakeAsterisk) -> Session {
    login(fake, &admin().events_off())
}

/// A session that receives events (`events` as in Login, `None` for all the
/// user reads), already past its login events.
fn observer(fake: &FakeAsterisk, user: &str, secret: &str, events: Option<&str>) -> Session {
    let mut l = Login::new(user, secret);
    if let Some(events) = events {
        l = l.events(events);
    }
    let mut s = login(fake, &l);
    mark(fake, "start");
    until_mark(&mut s, "start");
    s
}

/// Sends a marker event (no class: every session with events on gets it),
/// queued after every event sent so far.
fn mark(fake: &FakeAsterisk, name: &str) {
    fake.inject_event(&Message::from_pairs([("Event", "TestMark"), ("Mark", name)]));
}

/// The events a session got before marker `name`.
fn until_mark(s: &mut Session, name: &str) -> Vec<Message> {
    let mut got = Vec::new();
    loop {
        let e =
            s.next_event_timeout(WAIT).unwrap().unwrap_or_else(|| panic!("no marker {name}; got {:?}", names(&got)));
        if e.event_name().as_deref() == Some("TestMark") && e.get_str("Mark").as_deref() == Some(name) {
            return got;
        }
        got.push(e);
    }
}

/// Marks a step and returns the events each session got in it.
fn step(fake: &FakeAsterisk, name: &str, sessions: &mut [&mut Session]) -> Vec<Vec<Message>> {
    mark(fake, name);
    sessions.iter_mut().map(|s| until_mark(s, name)).collect()
}

/// A synchronous Originate of a Local channel that waits; returns its `;1`
/// and `;2` names.
fn local_call(fake: &FakeAsterisk, s: &mut Session, exten: &str, app: &str, data: &str) -> (String, String) {
    let before = fake.channels();
    let channel = format!("Local/{exten}@test");
    let answer = ask(s, "Originate", &[("Channel", &channel), ("Application", app), ("Data", data)]);
    assert_eq!(answer.get("Message").as_deref(), Some("Originate successfully queued"));
    let new: Vec<String> = fake.channels().into_iter().filter(|c| !before.contains(c)).collect();
    let one = new.iter().find(|c| c.starts_with(&channel) && c.ends_with(";1")).expect("a ;1 channel").clone();
    (one.clone(), one.replace(";1", ";2"))
}

/// Every message the real server sent in transcript 12_b with this ActionID
/// suffix (`12_every_action_b-<n>`), in order.
fn recorded(n: u32) -> Vec<Message> {
    static ALL: OnceLock<Vec<Message>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        let t = transcript::load("12_every_action_b");
        let mut d = Decoder::new();
        d.feed(&t.server_bytes());
        d.decode_banner().unwrap().expect("banner");
        std::iter::from_fn(|| d.decode().unwrap()).collect()
    });
    let id = format!("12_every_action_b-{n}");
    let got: Vec<Message> = all.iter().filter(|m| m.action_id().as_deref() == Some(&id)).cloned().collect();
    assert!(!got.is_empty(), "nothing recorded for {id}");
    got
}

/// The whole answer of a list action: the response, the items, the completion.
fn whole(r: &Answer) -> Vec<Message> {
    let mut all = vec![r.message().clone()];
    all.extend(r.items().iter().cloned());
    all.extend(r.completion().cloned());
    all
}

/// Asserts the answer is the recorded one, byte for byte but the ActionID.
fn assert_as_recorded(r: &Answer, n: u32) {
    let want: Vec<Vec<(String, String)>> = recorded(n).iter().map(without_id).collect();
    let got: Vec<Vec<(String, String)>> = whole(r).iter().map(without_id).collect();
    assert_eq!(got, want, "answer like 12_every_action_b-{n}");
}

/// The header-name lists (shapes) each event type has in the recorded
/// corpus slice.
fn corpus_shapes() -> &'static BTreeMap<String, BTreeSet<Vec<String>>> {
    static SHAPES: OnceLock<BTreeMap<String, BTreeSet<Vec<String>>>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/corpus-slice.ami.gz");
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut bytes).unwrap();
        let mut d = Decoder::new();
        d.feed(&bytes);
        d.decode_banner().unwrap().expect("banner");
        let mut shapes: BTreeMap<String, BTreeSet<Vec<String>>> = BTreeMap::new();
        while let Some(m) = d.decode().unwrap() {
            if let Some(name) = m.event_name() {
                shapes.entry(name.into_owned()).or_default().insert(keys(&m));
            }
        }
        shapes
    })
}

/// Asserts every event whose type the corpus has has one of its shapes.
fn assert_corpus_shapes(events: &[Message]) {
    let shapes = corpus_shapes();
    for e in events {
        let name = e.event_name().unwrap().into_owned();
        if let Some(known) = shapes.get(&name) {
            assert!(known.contains(&keys(e)), "{name} has headers {:?}, the corpus {known:?}", keys(e));
        }
    }
}

/// The channel snapshot header names with a prefix (`ast_manager_build_channel_state_string_prefix`).
fn snapshot_keys(prefix: &str) -> Vec<String> {
    [
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
    ]
    .iter()
    .map(|k| format!("{prefix}{k}"))
    .collect()
}

const BRIDGE_KEYS: [&str; 7] = [
    "BridgeUniqueid",
    "BridgeType",
    "BridgeTechnology",
    "BridgeCreator",
    "BridgeName",
    "BridgeNumChannels",
    "BridgeVideoSourceMode",
];

/// `Event`, `Privilege`, then these keys.
fn event_keys(parts: &[Vec<String>]) -> Vec<String> {
    let mut all = vec!["Event".to_string(), "Privilege".to_string()];
    all.extend(parts.iter().flatten().cloned());
    all
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

// ---- bridges --------------------------------------------------------------

#[test]
fn bridge_actions_answer_as_the_recorded_server() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = driver(&fake);
    let (e1, e2) = local_call(&fake, &mut s, "900", "Wait", "60");
    let (f1, _) = local_call(&fake, &mut s, "900", "Wait", "60");
    let (g1, _) = local_call(&fake, &mut s, "900", "Wait", "60");

    let none = ask(&mut s, "BridgeList", &[]);
    assert_eq!(get(none.completion().unwrap(), "ListItems"), "0");
    assert_eq!(none.get("Message").as_deref(), Some("Bridge listing will follow"));

    // Errors, word for word.
    let nosuch = ask(&mut s, "Bridge", &[("Channel1", &e1), ("Channel2", "Local/nosuch@test-00000000;1")]);
    assert_as_recorded(&nosuch, 19);
    let missing = ask(&mut s, "Bridge", &[("Channel1", &e1)]);
    assert_eq!(missing.get("Message").as_deref(), Some("Missing channel parameter in request"));

    let bridged = ask(&mut s, "Bridge", &[("Channel1", &e1), ("Channel2", &f1), ("Tone", "no")]);
    assert_as_recorded(&bridged, 18);

    // Status: the bridge, no application any more (as recorded for E;1).
    let status = ask(&mut s, "Status", &[("Channel", &e1)]);
    let item = &status.items()[0];
    let want = &recorded(20)[1];
    assert_eq!(keys(item), keys(want));
    assert_eq!((get(item, "Application"), get(item, "Data")), ("(null)".into(), "(null)".into()));
    let id = get(item, "BridgeID");
    assert!(!id.is_empty());

    // BridgeList: the recorded basic bridge's fields, but its id.
    let list = ask(&mut s, "BridgeList", &[]);
    assert_eq!(list.items().len(), 1);
    let want = recorded(21).into_iter().find(|m| m.get_str("BridgeType").as_deref() == Some("basic")).unwrap();
    let item = &list.items()[0];
    assert_eq!(keys(item), keys(&want));
    assert_eq!(get(item, "BridgeUniqueid"), id);
    for key in ["BridgeType", "BridgeTechnology", "BridgeCreator", "BridgeName", "BridgeNumChannels"] {
        assert_eq!(get(item, key), get(&want, key), "{key}");
    }
    assert_eq!(keys(list.completion().unwrap()), keys(recorded(21).last().unwrap()));

    // The filter is on the technology, as the recorded server shows.
    let basic = ask(&mut s, "BridgeList", &[("BridgeType", "basic")]);
    assert_as_recorded(&basic, 24);
    let simple = ask(&mut s, "BridgeList", &[("BridgeType", "simple_bridge")]);
    assert_eq!(simple.items().len(), 1);

    // BridgeInfo: both channels, the second with the first one's Linkedid.
    let info = ask(&mut s, "BridgeInfo", &[("BridgeUniqueid", &id)]);
    let want = recorded(22);
    assert_eq!(info.get("Message").as_deref(), Some("Bridge channel listing will follow"));
    assert_eq!(names(info.items()), ["BridgeInfoChannel", "BridgeInfoChannel"]);
    assert_eq!(keys(&info.items()[0]), keys(&want[1]));
    let (first, second) = (&info.items()[0], &info.items()[1]);
    assert_eq!((get(first, "Channel"), get(second, "Channel")), (e1.clone(), f1.clone()));
    assert_eq!(get(second, "Linkedid"), get(first, "Uniqueid"));
    let complete = info.completion().unwrap();
    assert_eq!(keys(complete), keys(want.last().unwrap()));
    assert_eq!(get(complete, "BridgeNumChannels"), "2");
    let unknown = ask(&mut s, "BridgeInfo", &[("BridgeUniqueid", "00000000-0000-0000-0000-000000000000")]);
    assert_as_recorded(&unknown, 23);

    // CoreShowChannels shows the bridge of the bridged halves only.
    let channels = ask(&mut s, "CoreShowChannels", &[]);
    let bridge_of =
        |name: &str| channels.items().iter().find(|c| get(c, "Channel") == name).map(|c| get(c, "BridgeId")).unwrap();
    assert_eq!((bridge_of(&e1), bridge_of(&f1), bridge_of(&e2)), (id.clone(), id.clone(), String::new()));

    // Kick: the bridge dissolves, so the second kick finds no bridge.
    assert_as_recorded(&ask(&mut s, "BridgeKick", &[("BridgeUniqueid", &id), ("Channel", &f1)]), 27);
    assert_as_recorded(&ask(&mut s, "BridgeKick", &[("Channel", &f1)]), 28);
    assert_as_recorded(&ask(&mut s, "BridgeKick", &[("BridgeUniqueid", &id), ("Channel", &f1)]), 29);
    assert_eq!(
        ask(&mut s, "BridgeKick", &[("Channel", "nosuch")]).get("Message").as_deref(),
        Some("Channel does not exist")
    );
    assert_eq!(fake.channels().len(), 6, "kicked channels stay up");

    // Destroy.
    ask(&mut s, "Bridge", &[("Channel1", &e1), ("Channel2", &f1), ("Tone", "no")]);
    let id = get(&ask(&mut s, "BridgeList", &[]).items()[0], "BridgeUniqueid");
    assert_as_recorded(&ask(&mut s, "BridgeDestroy", &[("BridgeUniqueid", &id)]), 32);
    assert_as_recorded(&ask(&mut s, "BridgeDestroy", &[("BridgeUniqueid", &id)]), 33);
    assert_eq!(ask(&mut s, "BridgeList", &[]).items().len(), 0);

    assert_as_recorded(&ask(&mut s, "BridgeTechnologyList", &[]), 2);

    // Transfers of a channel in no bridge, or of none.
    assert_as_recorded(&ask(&mut s, "BlindTransfer", &[("Channel", &g1), ("Exten", "200"), ("Context", "test")]), 40);
    assert_as_recorded(
        &ask(&mut s, "BlindTransfer", &[("Channel", "Local/nosuch@test-00000000;1"), ("Exten", "200")]),
        41,
    );
    assert_as_recorded(&ask(&mut s, "Atxfer", &[("Channel", &g1), ("Exten", "4444"), ("Context", "hidden")]), 37);
    assert_as_recorded(&ask(&mut s, "Atxfer", &[("Channel", &g1)]), 38);
    assert_as_recorded(&ask(&mut s, "CancelAtxfer", &[("Channel", &g1)]), 36);
}

#[test]
fn bridge_and_queue_actions_need_the_recorded_write_classes() {
    let fake = FakeAsterisk::builder().queue("support").start().unwrap();
    let mut readonly = login(&fake, &Login::new("readonly", "ro-secret").events_off());
    let mut originator = login(&fake, &Login::new("originator", "orig-secret").events_off());
    let denied = |r: Answer| r.get("Message").as_deref() == Some("Permission denied");
    // Priv <none>: any user.
    for name in ["BridgeList", "BridgeTechnologyList", "QueueStatus", "QueueSummary"] {
        assert!(!denied(ask(&mut readonly, name, &[])), "{name}");
    }
    // Priv call: originator may, readonly may not.
    for name in ["Bridge", "BlindTransfer", "Atxfer", "CancelAtxfer"] {
        assert!(denied(ask(&mut readonly, name, &[])), "{name}");
        assert!(!denied(ask(&mut originator, name, &[])), "{name}");
    }
    // Priv agent: neither.
    for name in ["QueueAdd", "QueueRemove", "QueuePause"] {
        assert!(denied(ask(&mut originator, name, &[])), "{name}");
    }
}

#[test]
fn originate_bridge_list_transfer_hang_up_scenario() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let mut calls_only = observer(&fake, "originator", "orig-secret", None);
    let mut off = login(&fake, &admin().events_off());

    // 1. Two calls. (Their events are the Originate tests' business.)
    let (a1, a2) = local_call(&fake, &mut s, "100", "Wait", "60");
    let (b1, b2) = local_call(&fake, &mut s, "200", "Wait", "60");
    step(&fake, "placed", &mut [&mut all, &mut calls_only]);

    // 2. Bridge: each channel leaves its application through a surrogate.
    ask(&mut s, "Bridge", &[("Channel1", &a1), ("Channel2", &b1)]);
    let got = step(&fake, "bridged", &mut [&mut all, &mut calls_only]);
    let enter_leave = [
        "BridgeCreate",
        "Newchannel",
        "BridgeEnter",
        "Hangup",
        "Newchannel",
        "BridgeEnter",
        "Hangup",
        "VarSet",
        "VarSet",
    ];
    assert_eq!(names(&got[0]), enter_leave);
    assert_eq!(names(&got[1]), enter_leave[..7], "VarSet is a dialplan event");
    let e = &got[0];
    assert_eq!(get(&e[0], "BridgeNumChannels"), "0");
    assert_eq!(get(&e[1], "Channel"), format!("Surrogate/{a1}"));
    assert_eq!(get(&e[3], "Uniqueid"), get(&e[1], "Uniqueid"));
    assert_eq!((get(&e[2], "Channel"), get(&e[2], "BridgeNumChannels")), (a1.clone(), "1".into()));
    assert_eq!((get(&e[5], "Channel"), get(&e[5], "BridgeNumChannels")), (b1.clone(), "2".into()));
    assert_eq!(get(&e[5], "Linkedid"), get(&e[2], "Linkedid"), "the oldest Linkedid spreads");
    assert_eq!((get(&e[7], "Variable"), get(&e[7], "Value")), ("BRIDGEPEER".into(), b1.clone()));
    assert_eq!((get(&e[8], "Channel"), get(&e[8], "Value")), (b1.clone(), a1.clone()));
    let bridge_keys: Vec<String> = BRIDGE_KEYS.iter().map(|k| k.to_string()).collect();
    assert_eq!(keys(&e[0]), event_keys(std::slice::from_ref(&bridge_keys)));
    assert_eq!(keys(&e[2]), event_keys(&[bridge_keys.clone(), snapshot_keys("")]));
    assert_corpus_shapes(e);
    let id = get(&e[0], "BridgeUniqueid");

    // 3. The lists a LiveState seeds from agree with the events.
    let list = ask(&mut s, "BridgeList", &[]);
    let ids: Vec<String> = list.items().iter().map(|b| get(b, "BridgeUniqueid")).collect();
    assert_eq!(ids, std::slice::from_ref(&id));
    let info = ask(&mut s, "BridgeInfo", &[("BridgeUniqueid", &id)]);
    assert_eq!(info.items().iter().map(|c| get(c, "Channel")).collect::<Vec<_>>(), [a1.clone(), b1.clone()]);
    let channels = ask(&mut s, "CoreShowChannels", &[]);
    let with_bridge: Vec<String> =
        channels.items().iter().filter(|c| get(c, "BridgeId") == id).map(|c| get(c, "Channel")).collect();
    assert_eq!(with_bridge, [a1.clone(), b1.clone()]);

    // 4. A's ;1 transfers B's ;1 to 300@test, where the fake answers and waits.
    let answer = ask(&mut s, "BlindTransfer", &[("Channel", &a1), ("Exten", "300"), ("Context", "test")]);
    assert_eq!(answer.get("Message").as_deref(), Some("Transfer succeeded"));
    let got = step(&fake, "transferred", &mut [&mut all, &mut calls_only]);
    assert_eq!(
        names(&got[0]),
        [
            "VarSet",
            "VarSet",
            "VarSet",
            "BlindTransfer",
            "VarSet",
            "BridgeLeave",
            "BridgeLeave",
            "BridgeDestroy",
            "Newexten",
            "Newexten"
        ]
    );
    assert_eq!(names(&got[1]), ["BlindTransfer", "BridgeLeave", "BridgeLeave", "BridgeDestroy"]);
    let e = &got[0];
    let var = |m: &Message| (get(m, "Channel"), get(m, "Variable"), get(m, "Value"));
    assert_eq!(var(&e[0]), (a1.clone(), "BLINDTRANSFER".into(), b1.clone()));
    assert_eq!(var(&e[1]), (b1.clone(), "BLINDTRANSFER".into(), a1.clone()));
    assert_eq!(var(&e[2]), (a1.clone(), "BRIDGEPEER".into(), String::new()));
    assert_eq!(var(&e[4]), (b1.clone(), "BRIDGEPEER".into(), String::new()));
    let transfer = &e[3];
    assert_eq!(
        keys(transfer),
        event_keys(&[
            strings(&["Result"]),
            snapshot_keys("Transferer"),
            snapshot_keys("Transferee"),
            bridge_keys.clone(),
            strings(&["IsExternal", "Context", "Extension"]),
        ])
    );
    assert_eq!(get(transfer, "Result"), "Success");
    assert_eq!((get(transfer, "TransfererChannel"), get(transfer, "TransfereeChannel")), (a1.clone(), b1.clone()));
    assert_eq!((get(transfer, "BridgeUniqueid"), get(transfer, "BridgeNumChannels")), (id.clone(), "2".into()));
    assert_eq!((get(transfer, "Context"), get(transfer, "Extension")), ("test".into(), "300".into()));
    assert_eq!((get(&e[5], "Channel"), get(&e[5], "BridgeNumChannels")), (a1.clone(), "1".into()));
    assert_eq!((get(&e[6], "Channel"), get(&e[6], "BridgeNumChannels")), (b1.clone(), "0".into()));
    let landed = |m: &Message| (get(m, "Channel"), get(m, "Context"), get(m, "Exten"), get(m, "Application"));
    assert_eq!(landed(&e[8]), (b1.clone(), "test".into(), "300".into(), "Answer".into()));
    assert_eq!(landed(&e[9]), (b1.clone(), "test".into(), "300".into(), "Wait".into()));
    assert_corpus_shapes(e);
    assert_eq!(ask(&mut s, "BridgeList", &[]).items().len(), 0);
    let again = ask(&mut s, "BlindTransfer", &[("Channel", &a1), ("Exten", "300")]);
    assert_eq!(again.get("Message").as_deref(), Some("Transfer invalid"));
    let got = step(&fake, "invalid", &mut [&mut all, &mut calls_only]);
    assert_eq!(names(&got[0]), ["BlindTransfer"]);
    assert_eq!(names(&got[1]), ["BlindTransfer"]);
    assert_eq!(get(&got[0][0], "Result"), "Invalid");
    assert!(!got[0][0].contains("TransfereeChannel") && !got[0][0].contains("BridgeUniqueid"));

    // 5. Hang up: no bridge left, only the calls' own events.
    ask(&mut s, "Hangup", &[("Channel", &b1)]);
    ask(&mut s, "Hangup", &[("Channel", &a2)]);
    let got = step(&fake, "hung up", &mut [&mut all, &mut calls_only]);
    let hangups = ["Hangup", "Hangup", "DeviceStateChange", "Hangup", "Hangup", "DeviceStateChange"];
    assert_eq!(names(&got[0]), hangups);
    assert_eq!(names(&got[1]), hangups);
    let gone: BTreeSet<String> = got[0].iter().filter_map(|m| m.get_str("Channel").map(|c| c.into_owned())).collect();
    assert_eq!(gone, BTreeSet::from([a1, a2, b1, b2]));
    assert!(fake.channels().is_empty());

    // A session with events off got none of it.
    assert!(off.next_event_timeout(Duration::ZERO).unwrap().is_none());
    ask(&mut off, "Ping", &[]);
    assert!(off.next_event_timeout(Duration::ZERO).unwrap().is_none());
}

#[test]
fn a_hangup_dissolves_the_bridge_and_the_other_party_stays() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let (a1, _) = local_call(&fake, &mut s, "100", "Wait", "60");
    let (b1, b2) = local_call(&fake, &mut s, "200", "Wait", "60");
    ask(&mut s, "Bridge", &[("Channel1", &a1), ("Channel2", &b1)]);
    step(&fake, "bridged", &mut [&mut all]);

    assert!(fake.hangup(&a1));
    let got = step(&fake, "hung up", &mut [&mut all]);
    assert_eq!(
        names(&got[0]),
        ["VarSet", "VarSet", "BridgeLeave", "BridgeLeave", "BridgeDestroy", "Hangup", "Hangup", "DeviceStateChange"]
    );
    // The one hanging up leaves first, as in the corpus.
    assert_eq!((get(&got[0][2], "Channel"), get(&got[0][3], "Channel")), (a1, b1.clone()));
    assert_corpus_shapes(&got[0]);
    assert_eq!(fake.channels(), [b1, b2]);
}

#[test]
fn bridging_a_bridged_channel_moves_it_and_dissolves_its_bridge() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let (a1, _) = local_call(&fake, &mut s, "100", "Wait", "60");
    let (b1, _) = local_call(&fake, &mut s, "200", "Wait", "60");
    let (c1, _) = local_call(&fake, &mut s, "300", "Wait", "60");
    ask(&mut s, "Bridge", &[("Channel1", &a1), ("Channel2", &b1)]);
    step(&fake, "bridged", &mut [&mut all]);

    ask(&mut s, "Bridge", &[("Channel1", &a1), ("Channel2", &c1)]);
    let got = step(&fake, "moved", &mut [&mut all]);
    assert_eq!(
        names(&got[0]),
        [
            "BridgeCreate",
            "BridgeLeave",
            "BridgeEnter",
            "VarSet",
            "BridgeLeave",
            "BridgeDestroy",
            "Newchannel",
            "BridgeEnter",
            "Hangup",
            "VarSet",
            "VarSet"
        ]
    );
    let e = &got[0];
    let (new, old) = (get(&e[0], "BridgeUniqueid"), get(&e[1], "BridgeUniqueid"));
    assert_ne!(new, old);
    assert_eq!((get(&e[1], "Channel"), get(&e[2], "Channel"), get(&e[2], "BridgeUniqueid")), (a1.clone(), a1, new));
    assert_eq!((get(&e[4], "Channel"), get(&e[5], "BridgeUniqueid")), (b1, old));
    assert_eq!(ask(&mut s, "BridgeList", &[]).items().len(), 1);
}

// ---- Dial -----------------------------------------------------------------

#[test]
fn dial_follows_the_corpus() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let (_, caller) = local_call(&fake, &mut s, "600", "Wait", "60");
    step(&fake, "placed", &mut [&mut all]);

    let callee = fake.dial(&caller, "Local/100@test").expect("dialed");
    assert!(callee.starts_with("Local/100@test-") && callee.ends_with(";1"), "{callee}");
    let got = step(&fake, "dialed", &mut [&mut all]);
    assert_eq!(
        names(&got[0]),
        [
            "Newexten",
            "Newchannel",
            "Newchannel",
            "Newexten",
            "LocalBridge",
            "DialBegin",
            "Newexten",
            "Newstate",
            "Newstate",
            "DeviceStateChange",
            "DialEnd",
            "BridgeCreate",
            "BridgeEnter",
            "BridgeEnter",
            "VarSet",
            "VarSet",
            "Newexten"
        ]
    );
    let e = &got[0];
    assert_eq!((get(&e[0], "Application"), get(&e[0], "AppData")), ("Dial".into(), "Local/100@test".into()));
    assert_eq!((get(&e[5], "Channel"), get(&e[5], "DestChannel")), (caller.clone(), callee.clone()));
    assert_eq!(get(&e[5], "DialString"), "100@test");
    assert_eq!(get(&e[10], "DialStatus"), "ANSWER");
    // The callee enters first, then the caller; both share the caller's Linkedid.
    assert_eq!((get(&e[12], "Channel"), get(&e[13], "Channel")), (callee.clone(), caller.clone()));
    assert_eq!(get(&e[12], "Linkedid"), get(&e[13], "Linkedid"));
    assert_corpus_shapes(e);

    // The caller's call ends: the bridge dissolves, the callee is hung up too.
    assert!(fake.hangup(&caller));
    let got = step(&fake, "hung up", &mut [&mut all]);
    assert_eq!(
        names(&got[0]),
        [
            "VarSet",
            "VarSet",
            "BridgeLeave",
            "BridgeLeave",
            "BridgeDestroy",
            "Hangup",
            "Hangup",
            "DeviceStateChange",
            "Hangup",
            "Hangup",
            "DeviceStateChange"
        ]
    );
    assert_eq!((get(&got[0][2], "BridgeNumChannels"), get(&got[0][3], "BridgeNumChannels")), ("1".into(), "0".into()));
    assert_corpus_shapes(&got[0]);
    assert!(fake.channels().is_empty());
}

#[test]
fn dial_kick_and_refusals() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let (caller, _) = local_call(&fake, &mut s, "600", "Wait", "60");
    assert_eq!(fake.dial("Local/nosuch-00000000;1", "PJSIP/200"), None);
    let callee = fake.dial(&caller, "PJSIP/200").unwrap();
    assert!(callee.starts_with("PJSIP/200-"));
    assert_eq!(fake.dial(&caller, "PJSIP/300"), None, "already in a bridge");
    step(&fake, "dialed", &mut [&mut all]);

    // Kicked, the callee has nothing to go back to: it is hung up.
    ask(&mut s, "BridgeKick", &[("Channel", &callee)]);
    let got = step(&fake, "kicked", &mut [&mut all]);
    assert_eq!(
        names(&got[0]),
        ["VarSet", "VarSet", "BridgeLeave", "BridgeLeave", "BridgeDestroy", "Hangup", "DeviceStateChange"]
    );
    assert_eq!(get(&got[0][5], "Channel"), callee);
    assert_eq!(fake.channels().len(), 2);
}

#[test]
fn hold_and_unhold() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let (caller, _) = local_call(&fake, &mut s, "600", "Wait", "60");
    let callee = fake.dial(&caller, "PJSIP/200").unwrap();
    step(&fake, "dialed", &mut [&mut all]);

    assert!(fake.hold(&callee));
    assert!(fake.unhold(&callee));
    assert!(!fake.hold("PJSIP/nosuch-00000009"));
    let got = step(&fake, "held", &mut [&mut all]);
    assert_eq!(names(&got[0]), ["Hold", "MusicOnHoldStart", "Unhold", "MusicOnHoldStop"]);
    let e = &got[0];
    assert_eq!((get(&e[0], "Channel"), get(&e[1], "Channel")), (callee.clone(), caller.clone()));
    assert_eq!(keys(&e[0]), event_keys(&[snapshot_keys("")]));
    assert_eq!(keys(&e[1]), event_keys(&[snapshot_keys(""), strings(&["Class"])]));
    assert_eq!(get(&e[1], "Class"), "default");
    assert_eq!(get(&e[1], "Privilege"), "call,all");
}

// ---- queues ---------------------------------------------------------------

#[test]
fn queue_actions_answer_as_the_recorded_server() {
    let fake = FakeAsterisk::builder()
        .queue("support")
        .queue_member("hq", "Local/agent1@hidden/n", "Agent One")
        .start()
        .unwrap();
    let mut s = driver(&fake);
    let member = "Local/amicat-member@test/n";
    let add = [
        ("Queue", "support"),
        ("Interface", member),
        ("MemberName", "Catalog Member"),
        ("Penalty", "1"),
        ("Paused", "true"),
        ("Reason", "catalog"),
        ("StateInterface", "Custom:amicat"),
    ];
    assert_as_recorded(&ask(&mut s, "QueueAdd", &add), 69);
    assert_as_recorded(&ask(&mut s, "QueueAdd", &[("Queue", "support"), ("Interface", member)]), 70);
    assert_as_recorded(&ask(&mut s, "QueueAdd", &[("Queue", "nosuch"), ("Interface", member)]), 71);
    let (caller, _) = local_call(&fake, &mut s, "900", "Queue", "support");

    // QueueStatus: the recorded shapes, and the recorded values but times and ids.
    let status = ask(&mut s, "QueueStatus", &[("Queue", "support"), ("Member", member)]);
    let want = recorded(73);
    assert_eq!(whole(&status).iter().map(keys).collect::<Vec<_>>(), want.iter().map(keys).collect::<Vec<_>>());
    let timeless = |m: &Message| -> Vec<(String, String)> {
        let changing = ["ActionID", "LastPause", "LoginTime", "Wait", "Channel", "Uniqueid", "Strategy"];
        without_id(m).into_iter().filter(|(k, _)| !changing.contains(&k.as_str())).collect()
    };
    assert_eq!(whole(&status).iter().map(timeless).collect::<Vec<_>>(), want.iter().map(timeless).collect::<Vec<_>>());
    let entry = &status.items()[2];
    assert_eq!(get(entry, "Channel"), caller);
    let member_item = &status.items()[1];
    assert_eq!(get(member_item, "LastPause"), get(member_item, "LoginTime"));

    // Both queues, then a queue that does not exist.
    let everything = ask(&mut s, "QueueStatus", &[]);
    assert_eq!(names(everything.items()), ["QueueParams", "QueueMember", "QueueEntry", "QueueParams", "QueueMember"]);
    assert_eq!(get(&everything.items()[4], "Membership"), "static");
    assert_eq!(get(&everything.items()[4], "Status"), "1");
    assert_as_recorded(&ask(&mut s, "QueueStatus", &[("Queue", "nosuch")]), 74);

    // QueueSummary, shaped and counted as recorded.
    let summary = ask(&mut s, "QueueSummary", &[]);
    let want = recorded(75);
    assert_eq!(whole(&summary).iter().map(keys).collect::<Vec<_>>(), want.iter().map(keys).collect::<Vec<_>>());
    let counts = |m: &Message| ["Queue", "LoggedIn", "Available", "Callers"].map(|k| get(m, k));
    assert_eq!(counts(&summary.items()[0]), counts(&want[1]));
    assert_eq!(counts(&summary.items()[1]), counts(&want[2]));
    let one = ask(&mut s, "QueueSummary", &[("Queue", "support")]);
    assert_eq!(get(one.completion().unwrap(), "ListItems"), "1");

    let pause = [("Interface", member), ("Paused", "true"), ("Queue", "support"), ("Reason", "still")];
    assert_as_recorded(&ask(&mut s, "QueuePause", &pause), 77);
    assert_as_recorded(&ask(&mut s, "QueuePause", &[("Interface", "Local/nosuch@test"), ("Paused", "true")]), 78);
    assert_as_recorded(&ask(&mut s, "QueueRemove", &[("Queue", "support"), ("Interface", member)]), 91);
    assert_as_recorded(&ask(&mut s, "QueueRemove", &[("Queue", "support"), ("Interface", member)]), 92);
    let fixed = ask(&mut s, "QueueRemove", &[("Queue", "hq"), ("Interface", "Local/agent1@hidden/n")]);
    assert_eq!(fixed.get("Message").as_deref(), Some("Member not dynamic"));
    let missing = ask(&mut s, "QueuePause", &[("Interface", member)]);
    assert_eq!(missing.get("Message").as_deref(), Some("Need 'Interface' and 'Paused' parameters."));

    // Queue() of a queue that does not exist returns at once: the
    // originated channel hangs up.
    ask(&mut s, "Originate", &[("Channel", "Local/902@test"), ("Application", "Queue"), ("Data", "nosuch")]);
    assert!(!fake.channels().iter().any(|c| c.starts_with("Local/902@test")), "{:?}", fake.channels());
}

/// The `QueueStatus` of queue `support`: its params, members and entries.
fn queue_status(s: &mut Session) -> (Message, Vec<Message>, Vec<Message>) {
    let status = ask(s, "QueueStatus", &[("Queue", "support")]);
    let items = status.items();
    let of = |name: &str| items.iter().filter(|m| m.event_name().as_deref() == Some(name)).cloned().collect::<Vec<_>>();
    (of("QueueParams").remove(0), of("QueueMember"), of("QueueEntry"))
}

fn member_keys() -> Vec<String> {
    strings(&[
        "Queue",
        "MemberName",
        "Interface",
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
        "Ringinuse",
        "Wrapuptime",
    ])
}

#[test]
fn queue_scenario_member_takes_the_call_then_a_caller_abandons() {
    let fake = FakeAsterisk::builder().queue("support").start().unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let mut agent = observer(&fake, "admin", "admin-secret", Some("agent"));
    step(&fake, "ready", &mut [&mut all, &mut agent]);
    let member = "PJSIP/200";

    // 1. A member, paused.
    ask(&mut s, "QueueAdd", &[("Queue", "support"), ("Interface", member), ("MemberName", "Alice"), ("Paused", "1")]);
    let got = step(&fake, "added", &mut [&mut all, &mut agent]);
    assert_eq!(names(&got[0]), ["QueueMemberAdded"]);
    assert_eq!(names(&got[1]), ["QueueMemberAdded"]);
    let added = &got[0][0];
    assert_eq!(keys(added), event_keys(&[member_keys()]));
    assert_eq!(get(added, "Privilege"), "agent,all");
    assert_eq!(
        (get(added, "MemberName"), get(added, "Paused"), get(added, "Status")),
        ("Alice".into(), "1".into(), "1".into())
    );
    let (params, members, entries) = queue_status(&mut s);
    assert_eq!((get(&params, "Calls"), members.len(), entries.len()), ("0".into(), 1, 0));

    // 2. A caller joins (an Originate running Queue) and waits.
    let (caller, _) = local_call(&fake, &mut s, "900", "Queue", "support");
    let got = step(&fake, "joined", &mut [&mut all, &mut agent]);
    assert_eq!(names(&got[1]), ["QueueCallerJoin"]);
    assert_eq!(names(&got[0][got[0].len() - 2..]), ["QueueCallerJoin", "MusicOnHoldStart"]);
    let join = &got[1][0];
    assert_eq!(keys(join), event_keys(&[snapshot_keys(""), strings(&["Queue", "Position", "Count"])]));
    assert_eq!(
        (get(join, "Channel"), get(join, "Position"), get(join, "Count")),
        (caller.clone(), "1".into(), "1".into())
    );
    let (params, _, entries) = queue_status(&mut s);
    assert_eq!((get(&params, "Calls"), entries.len()), ("1".into(), 1));
    assert_eq!((get(&entries[0], "Channel"), get(&entries[0], "Position")), (caller.clone(), "1".into()));
    assert_eq!(get(&ask(&mut s, "QueueSummary", &[]).items()[0], "Available"), "0");

    // 3. Unpaused, the member takes the call at once.
    let unpaused = ask(&mut s, "QueuePause", &[("Interface", member), ("Paused", "false")]);
    assert_eq!(unpaused.get("Message").as_deref(), Some("Interface unpaused successfully"));
    let got = step(&fake, "connected", &mut [&mut all, &mut agent]);
    assert_eq!(
        names(&got[0]),
        [
            "QueueMemberPause",
            "Newchannel",
            "Newexten",
            "AgentCalled",
            "DialBegin",
            "QueueMemberStatus",
            "Newstate",
            "DeviceStateChange",
            "DialEnd",
            "MusicOnHoldStop",
            "QueueCallerLeave",
            "VarSet",
            "AgentConnect",
            "BridgeCreate",
            "BridgeEnter",
            "BridgeEnter",
            "VarSet",
            "VarSet",
            "QueueMemberStatus"
        ]
    );
    assert_eq!(
        names(&got[1]),
        [
            "QueueMemberPause",
            "AgentCalled",
            "QueueMemberStatus",
            "QueueCallerLeave",
            "AgentConnect",
            "QueueMemberStatus"
        ]
    );
    let e = &got[0];
    let agent_channel = get(&e[1], "Channel");
    assert!(agent_channel.starts_with("PJSIP/200-"), "{agent_channel}");
    let called = &e[3];
    let who = strings(&["Queue", "Interface", "MemberName"]);
    assert_eq!(keys(called), event_keys(&[snapshot_keys(""), snapshot_keys("Dest"), who.clone()]));
    assert_eq!((get(called, "Channel"), get(called, "DestChannel")), (caller.clone(), agent_channel.clone()));
    assert_eq!(get(&e[4], "DialString"), member);
    assert_eq!(get(&e[5], "Status"), "6", "ringing");
    let connect = &e[12];
    let mut connect_keys = who.clone();
    connect_keys.extend(strings(&["HoldTime", "RingTime"]));
    assert_eq!(keys(connect), event_keys(&[snapshot_keys(""), snapshot_keys("Dest"), connect_keys]));
    assert_eq!((get(&e[14], "Channel"), get(&e[15], "Channel")), (agent_channel.clone(), caller.clone()));
    assert_eq!((get(&e[18], "Status"), get(&e[18], "InCall")), ("2".into(), "1".into()));
    assert_corpus_shapes(e);
    let (params, members, entries) = queue_status(&mut s);
    assert_eq!((get(&params, "Calls"), entries.len()), ("0".into(), 0));
    assert_eq!(
        (get(&members[0], "InCall"), get(&members[0], "Status"), get(&members[0], "Paused")),
        ("1".into(), "2".into(), "0".into())
    );
    assert_eq!(ask(&mut s, "BridgeList", &[]).items().len(), 1);

    // 4. The member hangs up: the call completes; the caller, whose Queue
    // application returns, hangs up too; the member is free.
    ask(&mut s, "Hangup", &[("Channel", &agent_channel)]);
    let got = step(&fake, "completed", &mut [&mut all, &mut agent]);
    assert_eq!(
        names(&got[0]),
        [
            "AgentComplete",
            "VarSet",
            "VarSet",
            "BridgeLeave",
            "BridgeLeave",
            "BridgeDestroy",
            "Hangup",
            "DeviceStateChange",
            "Hangup",
            "Hangup",
            "DeviceStateChange",
            "QueueMemberStatus"
        ]
    );
    assert_eq!(names(&got[1]), ["AgentComplete", "QueueMemberStatus"]);
    let complete = &got[1][0];
    let mut complete_keys = who;
    complete_keys.extend(strings(&["HoldTime", "TalkTime", "Reason"]));
    assert_eq!(keys(complete), event_keys(&[snapshot_keys(""), snapshot_keys("Dest"), complete_keys]));
    assert_eq!(get(complete, "Reason"), "agent");
    let free = &got[1][1];
    assert_eq!(
        (get(free, "Status"), get(free, "InCall"), get(free, "CallsTaken")),
        ("1".into(), "0".into(), "1".into())
    );
    assert!(fake.channels().is_empty());
    let (params, members, _) = queue_status(&mut s);
    assert_eq!((get(&params, "Completed"), get(&params, "Abandoned")), ("1".into(), "0".into()));
    assert_eq!(get(&members[0], "CallsTaken"), "1");

    // 5. Paused again; a caller waits, then hangs up: it abandons.
    ask(&mut s, "QueuePause", &[("Interface", member), ("Paused", "true"), ("Reason", "lunch")]);
    let (caller, _) = local_call(&fake, &mut s, "901", "Queue", "support");
    step(&fake, "waiting", &mut [&mut all, &mut agent]);
    ask(&mut s, "Hangup", &[("Channel", &caller)]);
    let got = step(&fake, "abandoned", &mut [&mut all, &mut agent]);
    assert_eq!(
        names(&got[0]),
        ["QueueCallerAbandon", "QueueCallerLeave", "VarSet", "Hangup", "Hangup", "DeviceStateChange"]
    );
    assert_eq!(names(&got[1]), ["QueueCallerAbandon", "QueueCallerLeave"]);
    let abandon = &got[1][0];
    let abandon_keys = strings(&["Queue", "Position", "OriginalPosition", "HoldTime"]);
    assert_eq!(keys(abandon), event_keys(&[snapshot_keys(""), abandon_keys]));
    assert_eq!((get(abandon, "Channel"), get(abandon, "Position")), (caller, "1".into()));
    assert_eq!(get(&got[1][1], "Count"), "0");
    let (params, members, entries) = queue_status(&mut s);
    assert_eq!((get(&params, "Abandoned"), get(&params, "Calls"), entries.len()), ("1".into(), "0".into(), 0));
    assert_eq!((get(&members[0], "Paused"), get(&members[0], "PausedReason")), ("1".into(), "lunch".into()));
}

#[test]
fn enqueue_waits_in_line_and_the_next_caller_goes_to_the_freed_member() {
    let fake = FakeAsterisk::builder().queue_member("support", "PJSIP/200", "Alice").start().unwrap();
    let mut s = driver(&fake);
    let mut agent = observer(&fake, "admin", "admin-secret", Some("agent"));
    let (first, _) = local_call(&fake, &mut s, "100", "Wait", "60");
    let (second, _) = local_call(&fake, &mut s, "101", "Wait", "60");
    assert!(!fake.enqueue("nosuch", &first));
    assert!(!fake.enqueue("support", "PJSIP/nosuch-0000000f"));
    assert!(fake.enqueue("support", &first), "taken by Alice at once");
    assert!(fake.enqueue("support", &second), "waits: Alice is busy");
    assert!(!fake.enqueue("support", &second), "already waiting");
    let got = step(&fake, "queued", &mut [&mut agent]);
    assert_eq!(
        names(&got[0]),
        [
            "QueueCallerJoin",
            "AgentCalled",
            "QueueMemberStatus",
            "QueueCallerLeave",
            "AgentConnect",
            "QueueMemberStatus",
            "QueueCallerJoin"
        ]
    );
    let (_, _, entries) = queue_status(&mut s);
    let waiting: Vec<String> = entries.iter().map(|e| get(e, "Channel")).collect();
    assert_eq!(waiting, std::slice::from_ref(&second));

    // The first caller hangs up: Alice is free and takes the second one.
    let alice = get(&got[0][1], "DestChannel");
    assert!(fake.hangup(&first));
    let got = step(&fake, "next", &mut [&mut agent]);
    assert_eq!(
        names(&got[0]),
        [
            "AgentComplete",
            "QueueMemberStatus",
            "AgentCalled",
            "QueueMemberStatus",
            "QueueCallerLeave",
            "AgentConnect",
            "QueueMemberStatus"
        ]
    );
    assert_eq!(get(&got[0][0], "Reason"), "caller");
    assert_eq!(get(&got[0][2], "Channel"), second);
    assert!(!fake.channels().contains(&alice), "Alice's first channel hung up with the caller");
    assert_eq!(get(&ask(&mut s, "QueueSummary", &[]).items()[0], "Callers"), "0");
}

#[test]
fn blind_transfers_into_a_queue_and_out_of_a_queue_call() {
    let fake = FakeAsterisk::builder()
        .queue_member("support", "PJSIP/200", "Alice")
        .extension("test", "600", "Queue", "support")
        .extension("test", "700", "Dial", "PJSIP/700,30")
        .start()
        .unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let (a1, _) = local_call(&fake, &mut s, "100", "Wait", "60");
    let (b1, _) = local_call(&fake, &mut s, "200", "Wait", "60");
    ask(&mut s, "Bridge", &[("Channel1", &a1), ("Channel2", &b1)]);
    step(&fake, "bridged", &mut [&mut all]);

    // B is sent to 600@test, which runs Queue(support): Alice takes it.
    ask(&mut s, "BlindTransfer", &[("Channel", &a1), ("Exten", "600"), ("Context", "test")]);
    let got = step(&fake, "to the queue", &mut [&mut all]);
    let e = &got[0];
    let after = e.iter().position(|m| m.event_name().as_deref() == Some("BridgeDestroy")).unwrap();
    assert_eq!(names(&e[after + 1..after + 4]), ["Newexten", "QueueCallerJoin", "MusicOnHoldStart"]);
    assert_eq!((get(&e[after + 1], "Application"), get(&e[after + 1], "AppData")), ("Queue".into(), "support".into()));
    assert!(names(e).contains(&"AgentConnect".to_string()));
    let alice = get(e.iter().find(|m| m.event_name().as_deref() == Some("AgentConnect")).unwrap(), "DestChannel");

    // Alice sends B on to 700@test, which dials PJSIP/700: the queue call
    // completes as a transfer, Alice's channel hangs up, she is free again.
    ask(&mut s, "BlindTransfer", &[("Channel", &alice), ("Exten", "700"), ("Context", "test")]);
    let got = step(&fake, "onwards", &mut [&mut all]);
    let e = &got[0];
    let at = |name: &str| e.iter().position(|m| m.event_name().as_deref() == Some(name)).unwrap();
    assert_eq!(at("AgentComplete"), at("BlindTransfer") + 1);
    assert_eq!(get(&e[at("AgentComplete")], "Reason"), "transfer");
    assert_eq!(get(&e[at("BlindTransfer")], "TransfereeChannel"), b1);
    let dialed = &e[at("DialBegin")];
    assert_eq!((get(dialed, "Channel"), get(dialed, "DialString")), (b1.clone(), "700".into()));
    let hung: Vec<String> =
        e.iter().filter(|m| m.event_name().as_deref() == Some("Hangup")).map(|m| get(m, "Channel")).collect();
    assert_eq!(hung, [alice]);
    let status = e.iter().rev().find(|m| m.event_name().as_deref() == Some("QueueMemberStatus")).unwrap();
    assert_eq!((get(status, "Status"), get(status, "CallsTaken")), ("1".into(), "1".into()));
    // B now talks to PJSIP/700.
    let list = ask(&mut s, "BridgeList", &[]);
    assert_eq!(list.items().len(), 1);
    let info = ask(&mut s, "BridgeInfo", &[("BridgeUniqueid", &get(&list.items()[0], "BridgeUniqueid"))]);
    let inside: Vec<String> = info.items().iter().map(|c| get(c, "Channel")).collect();
    assert!(inside.contains(&b1) && inside.iter().any(|c| c.starts_with("PJSIP/700-")), "{inside:?}");
}

#[test]
fn atxfer_sets_the_transfer_context() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = driver(&fake);
    let mut all = observer(&fake, "admin", "admin-secret", None);
    let (a1, _) = local_call(&fake, &mut s, "100", "Wait", "60");
    step(&fake, "placed", &mut [&mut all]);
    ask(&mut s, "Atxfer", &[("Channel", &a1), ("Exten", "4444"), ("Context", "hidden")]);
    ask(&mut s, "Atxfer", &[("Channel", &a1), ("Exten", "4444")]);
    let got = step(&fake, "atxfer", &mut [&mut all]);
    assert_eq!(names(&got[0]), ["VarSet"]);
    assert_eq!((get(&got[0][0], "Variable"), get(&got[0][0], "Value")), ("TRANSFER_CONTEXT".into(), "hidden".into()));
}
