//! The client over an in-memory transport: scripted answers, captured writes.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ami_core::{Client, Config, Decoder, Error, Login, Message, ProtocolError, QueueLimits, RawAction, Transport};

type Responder = Box<dyn FnMut(&Message) -> Vec<u8> + Send>;

/// A transport that answers each complete action with what `respond`
/// returns (`{id}` replaced by the action's ActionID). Reads with nothing
/// queued time out, or end the stream once `eof` is set.
struct Mock {
    inbound: VecDeque<u8>,
    sent: Decoder,
    log: Arc<Mutex<Vec<Message>>>,
    respond: Responder,
    eof_when_empty: bool,
}

impl Mock {
    fn new(
        banner: &[u8],
        respond: impl FnMut(&Message) -> Vec<u8> + Send + 'static,
    ) -> (Mock, Arc<Mutex<Vec<Message>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mock = Mock {
            inbound: banner.iter().copied().collect(),
            sent: Decoder::new(),
            log: log.clone(),
            respond: Box::new(respond),
            eof_when_empty: false,
        };
        (mock, log)
    }
}

impl Read for Mock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.inbound.is_empty() {
            return if self.eof_when_empty { Ok(0) } else { Err(io::ErrorKind::WouldBlock.into()) };
        }
        let n = buf.len().min(self.inbound.len());
        for (dst, src) in buf.iter_mut().zip(self.inbound.drain(..n)) {
            *dst = src;
        }
        Ok(n)
    }
}

impl Write for Mock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sent.feed(buf);
        while let Some(action) = self.sent.decode().unwrap() {
            let id = action.action_id().unwrap_or_default().into_owned();
            let reply = (self.respond)(&action);
            let reply = String::from_utf8_lossy(&reply).replace("{id}", &id);
            if reply.contains("<EOF>") {
                self.eof_when_empty = true;
            }
            self.inbound.extend(reply.replace("<EOF>", "").bytes());
            self.log.lock().unwrap().push(action);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for Mock {
    fn set_read_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
        Ok(())
    }
    fn set_write_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
        Ok(())
    }
}

const BANNER: &[u8] = b"Asterisk Call Manager/11.0.0\r\n";

fn config() -> Config {
    Config::new("mock", 0)
}

fn client(respond: impl FnMut(&Message) -> Vec<u8> + Send + 'static) -> (Client, Arc<Mutex<Vec<Message>>>) {
    let (mock, log) = Mock::new(BANNER, respond);
    (Client::from_transport(Box::new(mock), config()).unwrap(), log)
}

fn action_is(m: &Message, name: &str) -> bool {
    m.get_str("Action").is_some_and(|a| a.eq_ignore_ascii_case(name))
}

#[test]
fn events_in_the_login_read_are_kept() {
    let (c, _) = client(|_| {
        b"Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n\
          Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n\
          Event: SuccessfulAuth\r\nPrivilege: security,all\r\nAccountID: admin\r\n\r\n"
            .to_vec()
    });
    assert_eq!(c.banner().version(), Some("11.0.0"));
    let mut s = c.login(&Login::new("admin", "pw")).unwrap();
    assert_eq!(s.queued_events(), 2);
    let names: Vec<_> = std::iter::from_fn(|| s.next_event_timeout(Duration::ZERO).unwrap())
        .map(|e| e.event_name().unwrap().into_owned())
        .collect();
    assert_eq!(names, ["FullyBooted", "SuccessfulAuth"]);
    assert_eq!(s.dropped_events(), 0);
}

#[test]
fn plain_login_sends_username_secret_and_events() {
    let (c, log) =
        client(|_| b"Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n".to_vec());
    let s = c.login(&Login::new("admin", "pw").events_off()).unwrap();
    let sent = log.lock().unwrap();
    assert_eq!(sent[0].get_str("Username").as_deref(), Some("admin"));
    assert_eq!(sent[0].get_str("Secret").as_deref(), Some("pw"));
    assert_eq!(sent[0].get_str("Events").as_deref(), Some("off"));
    let id = sent[0].action_id().unwrap();
    assert!(id.starts_with(s.action_id_prefix()), "{id} vs {}", s.action_id_prefix());
}

#[test]
fn md5_login_sends_the_hashed_key_not_the_secret() {
    let (c, log) = client(|a| {
        if action_is(a, "Challenge") {
            b"Response: Success\r\nActionID: {id}\r\nChallenge: 208682017\r\n\r\n".to_vec()
        } else {
            b"Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n".to_vec()
        }
    });
    c.login(&Login::new("admin", "admin-secret").md5()).unwrap();
    let sent = log.lock().unwrap();
    assert_eq!(sent[0].get_str("AuthType").as_deref(), Some("MD5"));
    // The transcript's figure: md5("208682017admin-secret").
    assert_eq!(sent[1].get_str("Key").as_deref(), Some("564420e83e00f3bc3c7820f29958b700"));
    assert!(sent[1].get("Secret").is_none());
}

#[test]
fn failed_login_is_typed_even_when_the_server_closes() {
    let (c, _) =
        client(|_| b"Response: Error\r\nActionID: {id}\r\nMessage: Authentication failed\r\n\r\n<EOF>".to_vec());
    let err = c.login(&Login::new("admin", "wrong")).unwrap_err();
    assert!(matches!(err, Error::AuthenticationFailed { .. }), "{err:?}");
}

fn logged_in(
    respond: impl FnMut(&Message) -> Vec<u8> + Send + 'static,
) -> (ami_core::Session, Arc<Mutex<Vec<Message>>>) {
    let mut respond = respond;
    let (c, log) = client(move |a| {
        if action_is(a, "Login") {
            b"Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n".to_vec()
        } else {
            respond(a)
        }
    });
    (c.login(&Login::new("admin", "pw")).unwrap(), log)
}

#[test]
fn list_action_collects_items_and_queues_other_events() {
    let (mut s, _) = logged_in(|_| {
        b"Response: Success\r\nActionID: {id}\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n\
          Event: Newchannel\r\nChannel: other\r\n\r\n\
          Event: CoreShowChannel\r\nActionID: {id}\r\nChannel: A\r\n\r\n\
          Event: CoreShowChannel\r\nActionID: {id}\r\nChannel: B\r\n\r\n\
          Event: CoreShowChannelsComplete\r\nActionID: {id}\r\nEventList: Complete\r\nListItems: 2\r\n\r\n"
            .to_vec()
    });
    let r = s.send(&RawAction::new("CoreShowChannels")).unwrap();
    assert!(r.is_list());
    let chans: Vec<_> = r.items().iter().map(|m| m.get_str("Channel").unwrap().into_owned()).collect();
    assert_eq!(chans, ["A", "B"]);
    assert_eq!(r.list_count_mismatch(), None);
    assert_eq!(r.completion().unwrap().event_name().as_deref(), Some("CoreShowChannelsComplete"));
    assert_eq!(s.next_event_timeout(Duration::ZERO).unwrap().unwrap().get_str("Channel").as_deref(), Some("other"));
}

#[test]
fn command_output_in_both_formats_and_failure() {
    let (mut s, _) = logged_in(|a| {
        match a.get_str("Command").as_deref() {
        Some("new") => b"Response: Success\r\nActionID: {id}\r\nMessage: Command output follows\r\nOutput: line 1\r\nOutput: line: 2\r\n\r\n".to_vec(),
        Some("old") => b"Response: Follows\r\nPrivilege: Command\r\nActionID: {id}\r\nline 1\nline: 2\n--END COMMAND--\r\n\r\n".to_vec(),
        _ => b"Response: Error\r\nActionID: {id}\r\nMessage: Command output follows\r\nOutput: No such command 'bad'\r\n\r\n".to_vec(),
    }
    });
    assert_eq!(s.command("new").unwrap(), ["line 1", "line: 2"]);
    assert_eq!(s.command("old").unwrap(), ["line 1", "line: 2"]);
    match s.command("bad").unwrap_err() {
        Error::CommandFailed { command, output } => {
            assert_eq!(command, "bad");
            assert_eq!(output, ["No such command 'bad'"]);
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn unmatched_responses_are_surfaced_not_fatal() {
    let (mut s, _) = logged_in(|_| {
        b"Response: Success\r\nActionID: someone-else-9\r\nPing: Pong\r\n\r\n\
          Response: Success\r\nMessage: no id at all\r\n\r\n\
          Response: Success\r\nActionID: {id}\r\nPing: Pong\r\n\r\n"
            .to_vec()
    });
    s.ping().unwrap();
    assert_eq!(s.take_unmatched_response().unwrap().action_id().as_deref(), Some("someone-else-9"));
    assert_eq!(s.take_unmatched_response().unwrap().message().as_deref(), Some("no id at all"));
    assert!(s.take_unmatched_response().is_none());
    assert!(!s.is_closed());
}

#[test]
fn errors_are_typed() {
    let (mut s, _) = logged_in(|a| {
        match a.get_str("Action").as_deref() {
        Some("Originate") => b"Response: Error\r\nActionID: {id}\r\nMessage: Permission denied\r\n\r\n".to_vec(),
        Some("Nope") => b"Response: Error\r\nActionID: {id}\r\nMessage: Invalid/unknown command: Nope. Use Action: ListCommands to show available commands.\r\n\r\n".to_vec(),
        _ => b"Response: Error\r\nActionID: {id}\r\nMessage: No such channel\r\n\r\n".to_vec(),
    }
    });
    assert!(matches!(s.send(&RawAction::new("Originate")), Err(Error::PermissionDenied { .. })));
    assert!(matches!(s.send(&RawAction::new("Nope")), Err(Error::UnknownAction { .. })));
    match s.send(&RawAction::new("Getvar")) {
        Err(Error::ActionFailed { message, response, .. }) => {
            assert_eq!(message, "No such channel");
            assert!(response.action_id().is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn injection_is_refused_before_anything_is_written() {
    let (mut s, log) = logged_in(|_| b"Response: Success\r\nActionID: {id}\r\n\r\n".to_vec());
    let evil = RawAction::new("Originate").header("Exten", "100\r\nAction: Command\r\nCommand: core stop now");
    assert!(matches!(s.send(&evil), Err(Error::Encode(_))));
    assert_eq!(log.lock().unwrap().len(), 1, "only the Login was written");
    s.ping().unwrap();
}

#[test]
fn silence_is_a_timeout_and_the_session_survives() {
    let (mut s, _) = logged_in(|a| {
        if a.get_str("Action").as_deref() == Some("Ping") {
            b"Response: Success\r\nActionID: {id}\r\nPing: Pong\r\n\r\n".to_vec()
        } else {
            Vec::new()
        }
    });
    let err = s.send(&RawAction::new("WaitEvent")).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    s.ping().unwrap();
    assert_eq!(s.next_event_timeout(Duration::from_millis(10)).unwrap(), None);
}

#[test]
fn truncated_message_at_eof_is_reported() {
    let (mut s, _) = logged_in(|_| b"Response: Success\r\nActionID: {id}\r\nPing: Po<EOF>".to_vec());
    let err = s.ping().unwrap_err();
    assert!(matches!(err, Error::Protocol(ProtocolError::Truncated)), "{err:?}");
    assert!(err.is_connection_lost());
}

#[test]
fn garbage_banner_is_a_protocol_error() {
    let (mock, _) = Mock::new(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n", |_| Vec::new());
    let err = Client::from_transport(Box::new(mock), config()).unwrap_err();
    assert!(matches!(err, Error::Protocol(ProtocolError::BadBanner { .. })), "{err:?}");
}

#[test]
fn any_printable_banner_is_accepted() {
    let (mock, _) = Mock::new(b"Asterisk Call Manager/1.1\r\n", |_| Vec::new());
    let c = Client::from_transport(Box::new(mock), config()).unwrap();
    assert_eq!(c.banner().version(), Some("1.1"));
}

#[test]
fn full_event_queue_drops_newest_counts_and_marks_the_gap() {
    let (mock, _) = Mock::new(BANNER, |a| {
        let mut out = b"Response: Success\r\nActionID: {id}\r\n\r\n".to_vec();
        if action_is(a, "Ping") {
            for i in 0..5 {
                out.extend(format!("Event: UserEvent\r\nN: {i}\r\n\r\n").bytes());
            }
        }
        out
    });
    let c = Client::from_transport(Box::new(mock), config().event_queue(QueueLimits::new(3, 1 << 20))).unwrap();
    let mut s = c.login(&Login::new("a", "b")).unwrap();
    s.ping().unwrap();
    let mut seen = Vec::new();
    loop {
        match s.next_event_timeout(Duration::ZERO) {
            Ok(Some(e)) => seen.push(e.get_str("N").unwrap().into_owned()),
            Ok(None) => break,
            Err(Error::EventsDropped { count }) => seen.push(format!("dropped {count}")),
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(seen, ["0", "1", "2", "dropped 2"]);
    assert_eq!(s.dropped_events(), 2);
}

#[test]
fn logoff_reads_goodbye() {
    let (s, log) = logged_in(|_| {
        b"Response: Goodbye\r\nActionID: {id}\r\nMessage: Thanks for all the fish.\r\n\r\n<EOF>".to_vec()
    });
    s.logoff().unwrap();
    assert!(action_is(log.lock().unwrap().last().unwrap(), "Logoff"));
}
