//! Generated actions on the wire, the metadata tables, enums and names.

use ami_actions::ami_core::encode_action;
use ami_actions::typed::{ActionType, AmiEnum, EventType, ListAction};
use ami_actions::{actions, events, meta, typed, EncodeError, Event};

fn wire(a: &dyn ami_actions::Action) -> String {
    let mut out = Vec::new();
    encode_action(a, Some("id-1"), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn originate_exact_bytes() {
    let a = actions::Originate::exten("PJSIP/100", "default", "200", "1")
        .timeout("30000")
        .variable("A=1")
        .variable("B=2")
        .async_(true)
        .early_media(false)
        .header("X-Custom", "yes");
    assert_eq!(
        wire(&a),
        "Action: Originate\r\nActionID: id-1\r\nChannel: PJSIP/100\r\nContext: default\r\nExten: 200\r\nPriority: 1\r\n\
         Timeout: 30000\r\nVariable: A=1\r\nVariable: B=2\r\nEarlyMedia: false\r\nAsync: true\r\nX-Custom: yes\r\n\r\n"
    );
    assert_eq!(actions::Originate::NAME, "Originate");
    assert_eq!(actions::Originate::info().params.iter().find(|p| p.name == "Variable").map(|p| p.multiple), Some(true));
}

#[test]
#[allow(deprecated)] // Asterisk 21 removed Monitor: deprecated, still sent for Asterisk 20.
fn removed_actions_still_work_for_older_servers() {
    let m = actions::Monitor::new("PJSIP/100-00000001").file("call-17");
    assert_eq!(wire(&m), "Action: Monitor\r\nActionID: id-1\r\nChannel: PJSIP/100-00000001\r\nFile: call-17\r\n\r\n");
    assert_eq!(actions::Monitor::info().releases, ["20.20.1"]);
}

#[test]
fn originate_needs_a_destination() {
    let to_app = actions::Originate::application("Local/1@demo", "Wait", "10");
    assert_eq!(
        to_app.destination,
        actions::OriginateDestination::Application { application: "Wait".into(), data: "10".into() }
    );
    assert_eq!(
        wire(&to_app),
        "Action: Originate\r\nActionID: id-1\r\nChannel: Local/1@demo\r\nApplication: Wait\r\nData: 10\r\n\r\n"
    );
    // The documented parameters stay in the metadata (the `ami` command checks against it).
    let info = actions::Originate::info();
    for p in ["Context", "Exten", "Priority", "Application", "Data"] {
        assert!(info.params.iter().any(|i| i.name == p && !i.required), "{p}");
    }
}

#[test]
fn injection_is_refused_through_typed_actions_too() {
    let a = actions::Hangup::new("PJSIP/100\r\nAction: Command\r\nCommand: core stop now");
    let mut out = Vec::new();
    let e = encode_action(&a, None, &mut out).unwrap_err();
    assert!(matches!(e, EncodeError::ForbiddenByte { .. }));
    assert!(out.is_empty());
}

#[test]
fn a_filter_that_crashes_asterisk_is_refused() {
    // Asterisk 22.10.1 segfaults on this MatchCriteria (ami_core::guard).
    let crash = actions::Filter::new()
        .operation(actions::FilterOperation::Add)
        .match_criteria("name_regex")
        .filter("Newchannel");
    let mut out = Vec::new();
    let e = encode_action(&crash, Some("id-1"), &mut out).unwrap_err();
    assert!(matches!(e, EncodeError::Refused { action: "Filter", param: "MatchCriteria", .. }), "{e}");
    assert!(out.is_empty());
    let fine = actions::Filter::new()
        .operation(actions::FilterOperation::Add)
        .match_criteria("name(Newchannel),header(Channel),startsWith")
        .filter("PJSIP/");
    assert!(wire(&fine).contains("MatchCriteria: name(Newchannel),header(Channel),startsWith\r\n"));
}

#[test]
fn enums_have_an_escape_and_bools_their_spelling() {
    let login = actions::Login::new("admin").secret("s3cret").auth_type(actions::LoginAuthType::Md5);
    assert!(wire(&login).contains("AuthType: MD5\r\n"));
    // Debug never shows the secret.
    assert!(!format!("{login:?}").contains("s3cret"));
    // Case-insensitive on the way in, the documented spelling on the way out.
    assert_eq!(actions::LoginAuthType::from("md5"), actions::LoginAuthType::Md5);
    let odd = actions::LoginAuthType::from("sha512");
    assert_eq!(odd, actions::LoginAuthType::Other("sha512".into()));
    assert_eq!(odd.as_str(), "sha512");
    assert_eq!(actions::LoginAuthType::from_value("plain").to_string(), "plain");
    let reload = actions::QueueReload::new().members(true).rules(false);
    let w = wire(&reload);
    assert!(w.contains("Members: yes\r\n") && w.contains("Rules: no\r\n"), "{w}");
    // Free text where the XML lists placeholders (fixups).
    let ev = actions::Events::new("system,call");
    assert!(wire(&ev).contains("EventMask: system,call\r\n"));
    // UserEvent takes headers of the caller's choosing.
    let ue = actions::UserEvent::new("MyEvent").header("Foo", "bar").header("Foo", "baz");
    assert!(wire(&ue).ends_with("UserEvent: MyEvent\r\nFoo: bar\r\nFoo: baz\r\n\r\n"));
}

/// The first request of `action` holding `with` that the capture client sent
/// in `transcript`, as text, without its ActionID line.
fn captured_request(transcript: &str, action: &str, with: &str) -> String {
    let path = format!("{}/../ami-core/tests/fixtures/transcripts/{transcript}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let start = format!("C> b'Action: {action}\\r\\n");
    let line = text
        .lines()
        .find(|l| l.contains(&start) && l.contains(with))
        .unwrap_or_else(|| panic!("no {action} in {path}"));
    let bytes = &line[line.find("b'").unwrap() + 2..line.rfind('\'').unwrap()];
    without_action_id(&bytes.replace("\\r", "\r").replace("\\n", "\n"))
}

fn without_action_id(wire: &str) -> String {
    wire.split_inclusive("\r\n").filter(|l| !l.starts_with("ActionID:")).collect()
}

#[test]
fn update_config_changes_are_numbered_as_the_server_got_them() {
    use actions::UpdateConfigChange as Change;
    let a = actions::UpdateConfig::new("amicatalog-scratch.conf", "amicatalog-scratch.conf")
        .change(Change::new_cat("catalog"))
        .change(Change::append("catalog").var("color").value("blue"))
        .change(Change::append("catalog").var("size").value("3"));
    // 12_every_action_c: the request the real server accepted.
    assert_eq!(
        without_action_id(&wire(&a)),
        captured_request("12_every_action_c.txt", "UpdateConfig", "Action-000002")
    );
    // Every member, two items: each numbered by its item.
    let two = actions::UpdateConfig::new("a.conf", "b.conf")
        .change(Change::new_cat("x").match_("y").options("allowdups"))
        .change(Change::insert("x").var("v").value("1").line("2").match_("m"));
    assert_eq!(
        without_action_id(&wire(&two)),
        "Action: UpdateConfig\r\nSrcFilename: a.conf\r\nDstFilename: b.conf\r\n\
         Action-000000: NewCat\r\nCat-000000: x\r\nMatch-000000: y\r\nOptions-000000: allowdups\r\n\
         Action-000001: Insert\r\nCat-000001: x\r\nVar-000001: v\r\nValue-000001: 1\r\nMatch-000001: m\r\n\
         Line-000001: 2\r\n\r\n"
    );
    // The metadata knows the group; the placeholders are no fields.
    let info = actions::UpdateConfig::info();
    let cat = info.params.iter().find(|p| p.name == "Cat-000000").unwrap();
    let n = cat.numbered.unwrap();
    assert_eq!((n.group, n.stem, n.pattern()), ("change", "Cat", "Cat-NNNNNN".to_string()));
    assert_eq!(info.params.iter().find(|p| p.name == "Action-000000").unwrap().kind, typed::ParamKind::Enum);
    let options = info.params.iter().find(|p| p.name == "Options-000000").unwrap();
    assert_eq!(options.kind, typed::ParamKind::Text);
    assert_eq!(options.origin, typed::Origin::Fixup("update_config_options_is_free_text"));
}

#[test]
fn aoc_units_are_numbered_in_parentheses() {
    use actions::{AOCMessage, AOCMessageUnit};
    let a = AOCMessage::new(actions::AOCMessageMsgType::E)
        .channel("Local/900@test-0000002f;1")
        .charge_type(actions::AOCMessageChargeType::Unit)
        .unit(AOCMessageUnit::new("3").unit_type("1"));
    // 12_every_action_a: the request the real server accepted.
    assert_eq!(without_action_id(&wire(&a)), captured_request("12_every_action_a.txt", "AOCMessage", "UnitAmount(0)"));
    let two = AOCMessage::new(actions::AOCMessageMsgType::D)
        .unit(AOCMessageUnit::new("3"))
        .unit(AOCMessageUnit::new("5").unit_type("2"));
    assert!(wire(&two).contains("UnitAmount(0): 3\r\nUnitAmount(1): 5\r\nUnitType(1): 2\r\n"), "{}", wire(&two));
}

#[test]
fn user_event_headers_are_free() {
    let info = actions::UserEvent::info();
    assert!(info.takes_free_headers());
    let free = info.params.iter().find(|p| p.free_headers).unwrap();
    assert_eq!(free.origin, typed::Origin::Fixup("user_event_free_headers"));
    assert!(!info.params.iter().any(|p| p.name == "Header1"), "Header1 is the same placeholder as HeaderN");
    // 12_every_action_a sent `Header1: One: 1`: a header named Header1, as any other.
    let ue = actions::UserEvent::new("AmiCatalog").header("Header1", "One: 1").header("Foo", "bar");
    assert_eq!(without_action_id(&wire(&ue)), captured_request("12_every_action_a.txt", "UserEvent", ""));
}

#[test]
fn list_actions_name_their_items() {
    assert_eq!(<actions::CoreShowChannels as ListAction>::ITEMS, ["CoreShowChannel"]);
    assert_eq!(actions::CoreShowChannels::COMPLETE, "CoreShowChannelsComplete");
    assert_eq!(actions::DBGet::COMPLETE, "DBGetComplete");
    assert_eq!(actions::QueueStatus::ITEMS, ["QueueParams", "QueueMember", "QueueEntry"]);
    assert_eq!(actions::Status::COMPLETE, "StatusComplete");
    let info = meta::action("hangup").unwrap();
    assert!(info.list.unwrap().condition.contains("regular expression"));
    // Lists taken from the wire, with the item's own type.
    let _: fn(&ami_actions::Response) -> Vec<events::BridgeListItem> =
        |r| ami_actions::list::ResponseExt::list_items(r, &actions::BridgeList::new()).items;
    assert_eq!(actions::ConfbridgeList::ITEMS, ["ConfbridgeList"]);
    assert_eq!(actions::ConfbridgeList::COMPLETE, "ConfbridgeListComplete");
    assert_eq!(actions::IAXregistry::ITEMS, ["RegistryEntry"]);
    assert_eq!(actions::VoicemailBoxSummary::COMPLETE, "VoicemailBoxDetailComplete");
    assert_eq!(meta::action("WaitEvent").unwrap().follow_up, Some("WaitEventComplete"));
    assert_eq!(meta::action("FAXStats").unwrap().follow_up, Some("FAXStats"));
}

#[test]
fn metadata_tables() {
    assert_eq!(meta::RELEASES, ["20.20.1", "21.12.3", "22.10.1", "23.4.1"]);
    assert_eq!(meta::ACTIONS.len(), 169);
    // 191 documented or added before, 27 added from the wire with the lists
    // and the follow-up event the XML does not declare.
    assert_eq!(meta::EVENTS.len(), 218);
    let sip = meta::action("SIPpeers").unwrap();
    assert_eq!(sip.releases, ["20.20.1"]);
    assert!(
        sip.doc_url.contains("/Asterisk_20_Documentation/API_Documentation/AMI_Actions/SIPpeers/"),
        "{}",
        sip.doc_url
    );
    let orig = meta::action("originate").unwrap();
    assert_eq!(orig.doc_url, "https://docs.asterisk.org/Latest_API/API_Documentation/AMI_Actions/Originate/");
    let timeout = orig.params.iter().find(|p| p.name == "Timeout").unwrap();
    assert_eq!(timeout.default, Some("30000"));
    assert!(orig.params.iter().all(|p| p.name != "ActionID"));
    let ne = meta::event("Newexten").unwrap();
    assert_eq!(ne.name, "NewExten");
    assert_eq!(ne.classes, ["dialplan"]);
    assert!(ne.fields.contains(&"AppData") && ne.fields.contains(&"Channel"));
    assert_eq!(events::NewExten::info().name, "NewExten");
    assert!(meta::event("DBGetResponse").unwrap().doc_url.is_empty());
    // Sorted, unique, and every entry's type agrees with its index.
    for w in meta::ACTIONS.windows(2) {
        assert!(w[0].name.to_ascii_lowercase() < w[1].name.to_ascii_lowercase());
    }
    for w in meta::EVENTS.windows(2) {
        assert!(w[0].name.to_ascii_lowercase() < w[1].name.to_ascii_lowercase());
    }
}

#[test]
fn every_event_type_round_trips_through_the_enum() {
    for info in meta::EVENTS {
        let m = ami_actions::Message::from_pairs([("Event", info.name.to_ascii_uppercase())]);
        let ev = Event::from(m.clone());
        assert_eq!(ev.type_name(), Some(info.name));
        assert_eq!(ev.into_message(), m);
    }
}
