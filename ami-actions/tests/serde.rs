//! The optional `serde` feature: events as header maps, actions and enums.
#![cfg(feature = "serde")]

use ami_actions::{actions, events, Event, Message};

#[test]
fn events_serialize_as_header_maps_and_back() {
    let m = Message::from_frame(
        b"Event: Newexten\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/1\r\nChanVariable: a=1\r\nChanVariable: b=2"
            .to_vec(),
    );
    let ev = Event::from(m.clone());
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["Event"], "Newexten");
    assert_eq!(json["ChanVariable"], serde_json::json!(["a=1", "b=2"]));
    // Through text the header order is kept (serde_json::Value sorts keys).
    let back: Event = serde_json::from_str(&serde_json::to_string(&ev).unwrap()).unwrap();
    assert_eq!(back, ev);
    let typed: events::NewExten = serde_json::from_value(json).unwrap();
    assert_eq!(typed.channel().as_deref(), Some("PJSIP/1"));
    assert!(serde_json::from_str::<events::Hangup>(r#"{"Event":"Newexten"}"#).is_err());
}

#[test]
fn actions_and_enums_serialize() {
    let a = actions::Login::new("admin").auth_type(actions::LoginAuthType::Md5);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["username"], "admin");
    assert_eq!(json["auth_type"], "MD5");
    let back: actions::Login = serde_json::from_value(json).unwrap();
    assert_eq!(back, a);
    let other: actions::LoginAuthType = serde_json::from_str(r#""sha512""#).unwrap();
    assert_eq!(other, actions::LoginAuthType::Other("sha512".into()));
}

#[test]
fn an_originate_keeps_its_destination() {
    let a = actions::Originate::exten("PJSIP/100", "default", "200", "1").caller_id("CRM <100>");
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["destination"]["Exten"]["context"], "default");
    let back: actions::Originate = serde_json::from_value(json).unwrap();
    assert_eq!(back, a);
}
