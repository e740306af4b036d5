//! Secrets stay out of `Debug`, by ami-core's one policy
//! (`ami_core::secret`), for every generated event type and for actions.

use ami_actions::secret::is_secret;
use ami_actions::{actions, meta, Event, Message};

/// Every event type, each documented header given a value of its own: the
/// `Debug` output hides exactly the values the policy calls secret.
#[test]
fn debug_of_every_event_type_hides_its_secrets_and_nothing_else() {
    let mut with_secrets = Vec::new();
    for info in meta::EVENTS {
        let values: Vec<(String, String)> =
            info.fields.iter().enumerate().map(|(i, f)| (f.to_string(), format!("value{i}x{}", info.name))).collect();
        let mut pairs = vec![("Event".to_string(), info.name.to_string())];
        pairs.extend(values.iter().cloned());
        let shown = format!("{:?}", Event::from(Message::from_pairs(pairs)));
        for (field, value) in &values {
            let secret = is_secret(Some(info.name), field);
            assert_eq!(!shown.contains(value.as_str()), secret, "{}.{field} in {shown}", info.name);
            if secret {
                with_secrets.push(format!("{}.{field}", info.name));
            }
        }
    }
    // Exactly these: the PJSIP auth and transport details and the voicemail
    // password change carry secrets. Nothing else is hidden: not the security
    // events' `UsingPassword` (a 0/1 flag), not the AstDB's `Key`.
    with_secrets.sort();
    assert_eq!(
        with_secrets,
        [
            "AuthDetail.Md5Cred",
            "AuthDetail.Password",
            "AuthList.Md5Cred",
            "AuthList.Password",
            "TransportDetail.Password",
            "VoicemailPasswordChange.NewPassword"
        ]
    );
    let shown = |pairs: &[(&str, &str)]| format!("{:?}", Event::from(Message::from_pairs(pairs.iter().copied())));
    let auth = shown(&[("Event", "SuccessfulAuth"), ("UsingPassword", "1"), ("AccountID", "admin")]);
    assert!(auth.contains("UsingPassword: \"1\""), "{auth}");
    println!("{} secret headers in {} event types: {with_secrets:?}", with_secrets.len(), meta::EVENTS.len());
}

#[test]
fn debug_of_actions_follows_the_same_policy() {
    let put = format!("{:?}", actions::DBPut::new("family", "the-key").val("the-value"));
    assert!(put.contains("the-key") && put.contains("the-value"), "{put}");
    let login = format!("{:?}", actions::Login::new("admin").secret("hunter2"));
    assert!(login.contains("admin") && !login.contains("hunter2"), "{login}");
    let md5 = format!("{:?}", actions::Login::new("admin").key("0123abcd"));
    assert!(!md5.contains("0123abcd"), "{md5}");
}
