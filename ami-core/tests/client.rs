//! The blocking client against the fake Asterisk, over real sockets.

mod support;

use support::ami::*;

use std::time::Duration;

use ami_core::testkit::{FakeAsterisk, Fault, Outcome};
use ami_core::{Client, Config, Error, Login, Phase, RawAction};

fn quick_auth_failure() -> FakeAsterisk {
    FakeAsterisk::builder().auth_failure_delay(Duration::from_millis(50)).start().unwrap()
}

#[test]
fn banner_and_login_events_reach_the_caller() {
    let fake = FakeAsterisk::start().unwrap();
    let client = Client::connect(&config(&fake)).unwrap();
    assert_eq!(client.banner().line(), "Asterisk Call Manager/11.0.0");
    assert_eq!(client.banner().version(), Some("11.0.0"));
    let mut s = client.login(&admin()).unwrap();
    // Sent in the same write as the login answer: queued, not lost.
    assert_eq!(event_names(drain(&mut s).into_iter()), ["FullyBooted", "SuccessfulAuth"]);
    assert_eq!(s.dropped_events(), 0);
}

#[test]
fn events_off_gets_no_events() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    s.ping().unwrap();
    assert!(s.next_event_timeout(Duration::from_millis(200)).unwrap().is_none());
}

#[test]
fn md5_login_right_and_wrong_key() {
    let fake = quick_auth_failure();
    let mut s = login(&fake, &admin().md5().events_off());
    s.ping().unwrap();
    let sent = fake.requests();
    assert!(sent.iter().all(|r| r.message.get("Secret").is_none()), "the secret never crosses the wire");
    let err = Client::connect(&config(&fake)).unwrap().login(&Login::new("admin", "wrong").md5()).unwrap_err();
    assert!(matches!(err, Error::AuthenticationFailed { .. }), "{err:?}");
}

#[test]
fn unknown_action_and_failed_action_are_distinct() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    assert!(matches!(s.send(&RawAction::new("NoSuchAction")), Err(Error::UnknownAction { .. })));
    match s.send(&RawAction::new("Getvar").header("Channel", "SIP/nonexistent-0001").header("Variable", "FOO")) {
        Err(Error::ActionFailed { message, .. }) => assert_eq!(message, "No such channel"),
        other => panic!("{other:?}"),
    }
    // The session goes on after refusals.
    s.ping().unwrap();
}

#[test]
fn setvar_getvar_round_trip() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    s.send(&RawAction::new("Setvar").header("Variable", "PEERGLOBAL").header("Value", "xyz")).unwrap();
    let r = s.send(&RawAction::new("Getvar").header("Variable", "PEERGLOBAL")).unwrap();
    assert_eq!(r.get_str("Value").as_deref(), Some("xyz"));
}

#[test]
fn command_output_new_and_old_format_and_failure() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    let out = s.command("core show version").unwrap();
    assert_eq!(out.len(), 1);
    assert!(out[0].starts_with("Asterisk "), "{out:?}");
    match s.command("no such cli command").unwrap_err() {
        Error::CommandFailed { output, .. } => assert!(output[0].starts_with("No such command"), "{output:?}"),
        e => panic!("{e:?}"),
    }

    let old = FakeAsterisk::builder().old_command_format(true).command_output("x y", &["a: 1", "b"]).start().unwrap();
    let mut s = login(&old, &admin().events_off());
    assert_eq!(s.command("x y").unwrap(), ["a: 1", "b"]);
}

fn originate(channel: &str) -> RawAction {
    RawAction::new("Originate")
        .header("Channel", channel)
        .header("Application", "Wait")
        .header("Data", "30")
        .header("Async", "true")
}

#[test]
fn async_originate_reports_to_every_call_session_with_the_originators_action_id() {
    let fake = FakeAsterisk::start().unwrap();
    let mut a = login(&fake, &admin().events("call"));
    let mut b = login(&fake, &admin().events("call"));
    assert_ne!(a.action_id_prefix(), b.action_id_prefix());

    let r = a.send(&originate("Local/200@test")).unwrap();
    assert_eq!(r.get_str("Message").as_deref(), Some("Originate successfully queued"));
    let mine = next_event_named(&mut a, "OriginateResponse");
    let theirs = next_event_named(&mut b, "OriginateResponse");
    assert_eq!(mine.get_str("Response").as_deref(), Some("Success"));
    assert_eq!(mine.get_str("Reason").as_deref(), Some("4"));
    let id = mine.action_id().unwrap().into_owned();
    assert!(id.starts_with(a.action_id_prefix()));
    assert_eq!(theirs.action_id().as_deref(), Some(id.as_str()));

    let channels = a.send(&RawAction::new("CoreShowChannels")).unwrap();
    assert!(channels.is_list());
    assert_eq!(channels.items().len(), 2, "both halves of the Local channel");
    assert_eq!(channels.list_count_mismatch(), None);
}

#[test]
fn failed_originate_is_a_failure_event() {
    let fake = FakeAsterisk::builder().originate_outcome("Local/busy", Outcome::Busy).start().unwrap();
    let mut s = login(&fake, &admin().events("call"));
    s.send(&originate("Local/busy@test")).unwrap();
    let e = next_event_named(&mut s, "OriginateResponse");
    assert_eq!(e.get_str("Response").as_deref(), Some("Failure"));
    assert_eq!(e.get_str("Reason").as_deref(), Some("5"));
}

#[test]
fn silent_banner_times_out() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_next_connection(Fault::Silence);
    let cfg = config(&fake).timeouts(ami_core::Timeouts::all(Some(Duration::from_millis(300))));
    let err = Client::connect(&cfg).unwrap_err();
    assert!(matches!(err, Error::Timeout { phase: Phase::Banner }), "{err:?}");
}

#[test]
fn encode_errors_write_nothing() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    let before = fake.requests().len();
    let evil = originate("Local/100@test\r\nAction: Command\r\nCommand: core stop now");
    assert!(matches!(s.send(&evil), Err(Error::Encode(_))));
    let long = RawAction::new("UserEvent").header("UserEvent", "x").header("Data", "y".repeat(2000));
    assert!(matches!(s.send(&long), Err(Error::Encode(_))));
    s.ping().unwrap();
    let sent = fake.requests();
    assert_eq!(sent.len(), before + 1, "only the Ping reached the server");
}

#[test]
fn logoff_says_goodbye() {
    let fake = FakeAsterisk::start().unwrap();
    let s = login(&fake, &admin().events_off());
    s.logoff().unwrap();
    let last = fake.requests().pop().unwrap();
    assert_eq!(last.message.get_str("Action").as_deref(), Some("Logoff"));
}

#[test]
fn connect_to_closed_port_is_a_connect_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = Client::connect(&Config::new("127.0.0.1", port)).unwrap_err();
    assert!(matches!(err, Error::Io { phase: Phase::Connect, .. }), "{err:?}");
}

#[cfg(all(feature = "tls", target_os = "linux"))]
mod tls {
    use super::*;
    use ami_core::TlsConfig;

    #[test]
    fn tls_with_ca_verifies_and_works() {
        let (fake, ca) = tls_fake();
        for host in ["localhost", "127.0.0.1"] {
            let cfg = Config::new(host, fake.addr().port()).tls(TlsConfig::new().ca_pem(ca.clone()));
            let mut s = Client::connect(&cfg).unwrap().login(&admin().events_off()).unwrap();
            assert_eq!(s.command("core show version").unwrap().len(), 1);
        }
    }

    #[test]
    fn tls_with_a_ca_file() {
        let (fake, ca) = tls_fake();
        let path = std::env::temp_dir().join(format!("ami-test-ca-{}.pem", std::process::id()));
        std::fs::write(&path, ca).unwrap();
        let cfg = Config::new("localhost", fake.addr().port()).tls(TlsConfig::new().ca_file(&path));
        let result = Client::connect(&cfg);
        std::fs::remove_file(&path).unwrap();
        result.unwrap().login(&admin().events_off()).unwrap().ping().unwrap();
    }

    #[test]
    fn wrong_server_name_is_refused() {
        let (fake, ca) = tls_fake();
        let cfg = Config::new("127.0.0.1", fake.addr().port())
            .tls(TlsConfig::new().ca_pem(ca).server_name("pbx.example.com"));
        assert!(matches!(Client::connect(&cfg), Err(Error::Tls(_))));
    }

    #[test]
    fn bad_ca_file_is_a_tls_error() {
        let (fake, _) = tls_fake();
        let cfg = Config::new("localhost", fake.addr().port()).tls(TlsConfig::new().ca_file("/nonexistent/ca.pem"));
        assert!(matches!(Client::connect(&cfg), Err(Error::Tls(ref m)) if m.contains("/nonexistent/ca.pem")));
    }
}

/// IAXnetstats is answered by a bare empty line, which the decoder skips as
/// the gap between messages: an action marked as answering with no message
/// returns a client-made response at once, and the session goes on.
#[test]
fn an_answer_that_is_only_an_empty_line_ends_the_wait() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    let r = s.send(&RawAction::new("IAXnetstats").no_response()).unwrap();
    assert!(r.is_synthetic() && r.message().is_empty() && !r.is_list());
    // The next answer is read as usual, the empty line in between skipped.
    s.ping().unwrap();
    let sent: Vec<String> =
        fake.requests().iter().filter_map(|r| r.message.get_str("Action").map(|a| a.into_owned())).collect();
    assert_eq!(sent[sent.len() - 2..], ["IAXnetstats", "Ping"]);
    assert!(s.take_unmatched_response().is_none());

    // Unmarked, the wait can only end in a timeout: nothing answers it.
    let quick = config(&fake).response_timeout(Some(Duration::from_millis(300)));
    let mut s = Client::connect(&quick).unwrap().login(&admin().events_off()).unwrap();
    let err = s.send(&RawAction::new("IAXnetstats")).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

/// A test's handler can answer with a bare empty line too (an empty message).
#[test]
fn a_handler_can_answer_with_a_bare_empty_line() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Blank", |_| vec![ami_core::Message::from_frame(Vec::new())]);
    let mut s = login(&fake, &admin().events_off());
    assert!(s.send(&RawAction::new("Blank").no_response()).unwrap().is_synthetic());
    s.ping().unwrap();
}
