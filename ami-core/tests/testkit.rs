//! The fake Asterisk (`ami_core::testkit`), driven the way a client would:
//! a raw `TcpStream`, `ami_core::Decoder` and `encode_action`, asserting the
//! exact messages. Every wait is bounded by a timeout; nothing asserts on time.

mod support;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ami_core::testkit::{response, FakeAsterisk, Fault, Outcome};
use ami_core::{encode_action, Decoder, Message, RawAction};
use support::transcript::{self, Direction};

const TIMEOUT: Duration = Duration::from_secs(10);
const SHORT: Duration = Duration::from_millis(300);

/// A bare AMI client over any stream.
struct Client<S: Read + Write = TcpStream> {
    stream: S,
    decoder: Decoder,
    banner: String,
}

fn tcp(fake: &FakeAsterisk) -> TcpStream {
    let tcp = TcpStream::connect(fake.addr()).expect("connect to the fake");
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    tcp
}

impl Client {
    fn connect(fake: &FakeAsterisk) -> Client {
        Client::over(tcp(fake))
    }

    /// Connects and logs in; `events` is the Login's `Events` header, if any.
    fn logged_in(fake: &FakeAsterisk, user: &str, secret: &str, events: Option<&str>) -> Client {
        let mut c = Client::connect(fake);
        let answer = c.login(user, secret, events);
        assert_eq!(answer.message().as_deref(), Some("Authentication accepted"), "{answer:?}");
        c
    }
}

impl<S: Read + Write> Client<S> {
    /// Takes a connected stream and reads the banner.
    fn over(stream: S) -> Client<S> {
        let mut c = Client { stream, decoder: Decoder::new(), banner: String::new() };
        c.banner = loop {
            if let Some(banner) = c.decoder.decode_banner().unwrap() {
                break banner.line().to_string();
            }
            c.fill();
        };
        c
    }

    fn fill(&mut self) {
        let n = self.decoder.read_from(&mut self.stream).expect("read from the fake (timed out?)");
        assert!(
            n > 0,
            "the fake closed the connection; pending: {:?}",
            String::from_utf8_lossy(self.decoder.buffered())
        );
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    fn send(&mut self, action: &RawAction, id: &str) {
        let mut out = Vec::new();
        encode_action(action, Some(id), &mut out).unwrap();
        self.send_raw(&out);
    }

    fn recv(&mut self) -> Message {
        loop {
            if let Some(m) = self.decoder.decode().unwrap() {
                return m;
            }
            self.fill();
        }
    }

    /// The messages from one single read.
    fn recv_one_read(&mut self) -> Vec<Message> {
        self.fill();
        std::iter::from_fn(|| self.decoder.decode().unwrap()).collect()
    }

    /// Messages up to and including the first one `last` accepts.
    fn recv_until(&mut self, last: impl Fn(&Message) -> bool) -> Vec<Message> {
        let mut got = Vec::new();
        loop {
            let m = self.recv();
            let done = last(&m);
            got.push(m);
            if done {
                return got;
            }
        }
    }

    /// The next message that is not an event.
    fn response(&mut self) -> Message {
        self.recv_until(|m| m.event_name().is_none()).pop().unwrap()
    }

    /// Sends `action` and returns its answer (events met on the way are dropped).
    fn ask(&mut self, action: &RawAction, id: &str) -> Message {
        self.send(action, id);
        let answer = self.response();
        assert_eq!(answer.action_id().as_deref(), Some(id), "{answer:?}");
        answer
    }

    fn login(&mut self, user: &str, secret: &str, events: Option<&str>) -> Message {
        let mut login = RawAction::new("Login").header("Username", user).header("Secret", secret);
        if let Some(events) = events {
            login.push("Events", events);
        }
        self.send(&login, "login");
        self.recv()
    }

    /// Reads until the fake closes; returns the bytes not yet decoded plus
    /// those read on the way.
    fn read_to_eof(&mut self) -> Vec<u8> {
        let mut bytes = self.decoder.buffered().to_vec();
        let mut buf = [0; 8192];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => return bytes,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return bytes,
                Err(e) => panic!("expected end of stream, got {e}"),
            }
        }
    }
}

impl Client<TcpStream> {
    /// Asserts that nothing arrives for a short while.
    fn assert_quiet(&mut self) {
        self.stream.set_read_timeout(Some(SHORT)).unwrap();
        let mut buf = [0; 64];
        match self.stream.read(&mut buf) {
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            other => panic!("expected silence, got {other:?}"),
        }
        assert!(self.decoder.buffered().is_empty());
        self.stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    }
}

fn action(name: &str, headers: &[(&str, &str)]) -> RawAction {
    headers.iter().fold(RawAction::new(name), |a, (k, v)| a.header(*k, *v))
}

fn names(messages: &[Message]) -> Vec<String> {
    messages.iter().filter_map(|m| m.event_name().map(|n| n.into_owned())).collect()
}

fn get<'a>(m: &'a Message, key: &str) -> std::borrow::Cow<'a, str> {
    m.get_str(key).unwrap_or_else(|| panic!("no {key} in {m:?}"))
}

/// Polls `cond` until it holds (bounded by the timeout).
fn eventually(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(5));
    }
}

fn fast_fail() -> FakeAsterisk {
    FakeAsterisk::builder().auth_failure_delay(Duration::from_millis(20)).start().unwrap()
}

#[test]
fn banner_is_asterisk_22_or_the_configured_line() {
    let fake = FakeAsterisk::start().unwrap();
    assert_eq!(Client::connect(&fake).banner, "Asterisk Call Manager/11.0.0");
    let fake = FakeAsterisk::builder().banner("Asterisk Call Manager/1.1").start().unwrap();
    assert_eq!(Client::connect(&fake).banner, "Asterisk Call Manager/1.1");
}

#[test]
fn login_answer_carries_fully_booted_and_successful_auth_in_the_same_write() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::connect(&fake);
    c.send(&action("Login", &[("Username", "admin"), ("Secret", "admin-secret")]), "l1");
    let got = c.recv_one_read();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].as_bytes(), b"Response: Success\r\nActionID: l1\r\nMessage: Authentication accepted");
    assert_eq!(got[1].event_name().as_deref(), Some("FullyBooted"));
    assert_eq!(get(&got[1], "Privilege"), "system,all");
    assert_eq!(get(&got[1], "Status"), "Fully Booted");
    assert!(got[1].contains("Uptime") && got[1].contains("LastReload"));
    let auth = &got[2];
    assert_eq!(auth.event_name().as_deref(), Some("SuccessfulAuth"));
    assert_eq!(get(auth, "Privilege"), "security,all");
    assert_eq!(get(auth, "AccountID"), "admin");
    assert_eq!(get(auth, "Service"), "AMI");
    assert_eq!(get(auth, "LocalAddress"), format!("IPV4/TCP/127.0.0.1/{}", fake.addr().port()));
    let me = c.stream.local_addr().unwrap();
    assert_eq!(get(auth, "RemoteAddress"), format!("IPV4/TCP/{}/{}", me.ip(), me.port()));
    let keys: Vec<String> = auth.headers().map(|h| h.name_str().into_owned()).collect();
    assert_eq!(
        keys,
        [
            "Event",
            "Privilege",
            "EventTV",
            "Severity",
            "Service",
            "EventVersion",
            "AccountID",
            "SessionID",
            "LocalAddress",
            "RemoteAddress",
            "UsingPassword",
            "SessionTV"
        ]
    );
}

#[test]
fn events_off_or_missing_classes_get_no_login_events() {
    let fake = FakeAsterisk::start().unwrap();
    for (user, secret, events) in [("admin", "admin-secret", Some("off")), ("originator", "orig-secret", None)] {
        let mut c = Client::connect(&fake);
        c.login(user, secret, events);
        // The next message is the Ping's answer: no event came in between.
        c.send(&RawAction::new("Ping"), "p");
        let pong = c.recv();
        assert_eq!(pong.action_id().as_deref(), Some("p"), "{user}: {pong:?}");
        assert_eq!(get(&pong, "Ping"), "Pong");
    }
}

#[test]
fn md5_challenge_login() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::connect(&fake);
    let bad = c.ask(&action("Challenge", &[("AuthType", "plaintext")]), "c0");
    assert_eq!(bad.as_bytes(), b"Response: Error\r\nActionID: c0\r\nMessage: Must specify AuthType");
    let challenge = c.ask(&action("Challenge", &[("AuthType", "MD5")]), "c1");
    assert!(challenge.is_success());
    let digits = get(&challenge, "Challenge").into_owned();
    assert!(!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()), "{digits}");
    let key = format!("{:x}", md5::compute(format!("{digits}admin-secret")));
    let login = action("Login", &[("AuthType", "MD5"), ("Username", "admin"), ("Key", &key), ("Events", "off")]);
    let ok = c.ask(&login, "c2");
    assert_eq!(ok.as_bytes(), b"Response: Success\r\nActionID: c2\r\nMessage: Authentication accepted");
}

#[test]
fn md5_wrong_key_fails_then_closes() {
    let fake = fast_fail();
    let mut c = Client::connect(&fake);
    c.ask(&action("Challenge", &[("AuthType", "MD5")]), "c1");
    let key = "0".repeat(32);
    let login = action("Login", &[("AuthType", "MD5"), ("Username", "admin"), ("Key", &key)]);
    c.send(&login, "c2");
    assert_eq!(c.recv().as_bytes(), b"Response: Error\r\nActionID: c2\r\nMessage: Authentication failed");
    assert!(c.read_to_eof().is_empty());
}

#[test]
fn wrong_secret_and_unknown_user_fail_then_close() {
    let fake = fast_fail();
    for (user, secret) in [("admin", "wrong"), ("nosuchuser", "x")] {
        let mut c = Client::connect(&fake);
        let answer = c.login(user, secret, None);
        assert_eq!(answer.as_bytes(), b"Response: Error\r\nActionID: login\r\nMessage: Authentication failed");
        assert!(c.read_to_eof().is_empty(), "{user}");
    }
}

#[test]
fn everything_but_login_challenge_and_logoff_is_denied_before_login() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::connect(&fake);
    for name in ["Ping", "NoSuchAction", "Events", "Command"] {
        let answer = c.ask(&RawAction::new(name), name);
        assert_eq!(
            answer.as_bytes(),
            format!("Response: Error\r\nActionID: {name}\r\nMessage: Permission denied").as_bytes()
        );
    }
    let bye = c.ask(&RawAction::new("Logoff"), "bye");
    assert_eq!(bye.as_bytes(), b"Response: Goodbye\r\nActionID: bye\r\nMessage: Thanks for all the fish.");
    assert!(c.read_to_eof().is_empty());
}

/// Logs in as `user` and checks which `requests` are allowed.
fn assert_allowed(fake: &FakeAsterisk, user: &str, secret: &str, requests: &[(&RawAction, bool)]) {
    let mut c = Client::logged_in(fake, user, secret, Some("off"));
    for (i, (request, allowed)) in requests.iter().enumerate() {
        let answer = c.ask(request, &i.to_string());
        let denied = answer.message().as_deref() == Some("Permission denied");
        assert_eq!(!denied, *allowed, "{user} {}: {answer:?}", request.name());
    }
}

#[test]
fn users_need_the_write_class_of_an_action() {
    let fake = FakeAsterisk::builder().user("cli", "cli-secret", "", "command").start().unwrap();
    let originate = action("Originate", &[("Channel", "Local/100@test"), ("Application", "Wait"), ("Data", "1")]);
    let version = action("Command", &[("Command", "core show version")]);
    let (ping, channels) = (RawAction::new("Ping"), RawAction::new("CoreShowChannels"));
    assert_allowed(&fake, "readonly", "ro-secret", &[(&ping, true), (&originate, false), (&version, false)]);
    assert_allowed(&fake, "originator", "orig-secret", &[(&version, false), (&originate, true), (&channels, false)]);
    assert_allowed(&fake, "cli", "cli-secret", &[(&version, true), (&originate, false)]);
}

#[test]
fn second_login_missing_and_unknown_actions_and_lowercase_keys() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    let again = c.ask(&action("Login", &[("Username", "admin"), ("Secret", "admin-secret")]), "l2");
    assert_eq!(again.as_bytes(), b"Response: Success\r\nActionID: l2\r\nMessage: Already authenticated");
    c.send_raw(b"ActionID: noaction-1\r\nFoo: bar\r\n\r\n");
    assert_eq!(c.recv().as_bytes(), b"Response: Error\r\nActionID: noaction-1\r\nMessage: Missing action in request");
    let unknown = c.ask(&RawAction::new("NoSuchAction"), "u");
    assert_eq!(
        get(&unknown, "Message"),
        "Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show available commands."
    );
    c.send_raw(b"action: ping\r\nactionid: lc-1\r\n\r\n");
    let pong = c.recv();
    assert_eq!(pong.action_id().as_deref(), Some("lc-1"));
    assert_eq!(get(&pong, "Ping"), "Pong");
    let ts = get(&pong, "Timestamp");
    let (secs, micros) = ts.split_once('.').unwrap();
    assert!(secs.parse::<u64>().is_ok() && micros.len() == 6, "{ts}");
}

#[test]
fn input_limits_and_bare_lf_line_ends() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    let long = format!("Action: Ping\r\nActionID: long\r\nData: {}\r\n\r\n", "x".repeat(1017));
    c.send_raw(long.as_bytes());
    assert_eq!(
        c.recv().as_bytes(),
        b"Response: Error\r\nActionID: long\r\nMessage: Failed to parse message: line too long"
    );
    // 1022 bytes exactly is accepted.
    c.send_raw(format!("Action: Ping\r\nActionID: edge\r\nData: {}\r\n\r\n", "x".repeat(1016)).as_bytes());
    assert!(c.recv().is_success());
    let mut many = String::from("Action: Ping\r\nActionID: many\r\n");
    (0..126).for_each(|i| many.push_str(&format!("H{i}: v\r\n")));
    c.send_raw(format!("{many}\r\n").as_bytes());
    assert!(c.recv().is_success(), "128 lines are accepted");
    c.send_raw(format!("{many}H: one too many\r\n\r\n").as_bytes());
    assert_eq!(
        c.recv().as_bytes(),
        b"Response: Error\r\nActionID: many\r\nMessage: Too many lines in message or allocation failure"
    );
    c.send_raw(b"Action: Ping\nActionID: lf\n\n");
    assert_eq!(c.recv().action_id().as_deref(), Some("lf"));
}

#[test]
fn command_answers_in_the_asterisk_14_format() {
    let fake =
        FakeAsterisk::builder().command_output("sip show peers", &["Name/username", "0 sip peers"]).start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    let version = c.ask(&action("Command", &[("Command", "core show version")]), "v");
    assert!(version.is_success());
    assert_eq!(get(&version, "Message"), "Command output follows");
    assert!(get(&version, "Output").starts_with("Asterisk 22.10.1 built by "));
    let uptime = c.ask(&action("Command", &[("Command", "core  show   uptime")]), "up");
    let lines: Vec<_> = uptime.get_all("Output").map(|l| String::from_utf8_lossy(l).into_owned()).collect();
    assert!(lines[0].starts_with("System uptime: ") && lines[1].starts_with("Last reload: "), "{lines:?}");
    let custom = c.ask(&action("Command", &[("Command", "SIP show peers")]), "sip");
    assert_eq!(
        custom.as_bytes(),
        b"Response: Success\r\nActionID: sip\r\nMessage: Command output follows\r\nOutput: Name/username\r\nOutput: 0 sip peers"
    );
    let unknown = c.ask(&action("Command", &[("Command", "no such cli command")]), "x");
    assert_eq!(
        unknown.as_bytes(),
        b"Response: Error\r\nActionID: x\r\nMessage: Command output follows\r\nOutput: No such command 'no such cli command' (type 'core show help no such' for other possible commands)"
    );
}

#[test]
fn command_answers_in_the_asterisk_13_format_on_request() {
    let fake =
        FakeAsterisk::builder().old_command_format(true).command_output("two lines", &["one", "two"]).start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    let answer = c.ask(&action("Command", &[("Command", "two lines")]), "old");
    assert_eq!(
        answer.as_bytes(),
        b"Response: Follows\r\nPrivilege: Command\r\nActionID: old\r\none\ntwo\n--END COMMAND--"
    );
    assert_eq!(answer.kind(), ami_core::MessageKind::Follows);
}

/// Originates an answered `Local/200@test` call through `c` and returns the
/// messages up to its OriginateResponse.
fn originate_async<S: Read + Write>(c: &mut Client<S>, id: &str) -> Vec<Message> {
    let request = action(
        "Originate",
        &[("Channel", "Local/200@test"), ("Application", "Wait"), ("Data", "30"), ("Async", "true")],
    );
    c.send(&request, id);
    c.recv_until(|m| m.event_name().as_deref() == Some("OriginateResponse"))
}

#[test]
fn core_show_channels_lists_the_channel_table() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", None);
    originate_async(&mut c, "o");
    c.send(&RawAction::new("CoreShowChannels"), "csc");
    let list = c.recv_until(|m| m.event_name().as_deref() == Some("CoreShowChannelsComplete"));
    let list: Vec<&Message> = list.iter().filter(|m| m.action_id().as_deref() == Some("csc")).collect();
    assert_eq!(
        list[0].as_bytes(),
        b"Response: Success\r\nActionID: csc\r\nEventList: start\r\nMessage: Channels will follow"
    );
    let items: Vec<&&Message> = list.iter().filter(|m| m.event_name().as_deref() == Some("CoreShowChannel")).collect();
    assert_eq!(items.len(), 2);
    assert!(get(items[0], "Channel").starts_with("Local/200@test-") && get(items[0], "Channel").ends_with(";1"));
    assert_eq!(get(items[0], "Application"), "Wait");
    assert_eq!(get(items[0], "ApplicationData"), "30");
    assert_eq!(get(items[0], "ChannelStateDesc"), "Up");
    assert!(items[0].contains("Duration") && items[0].contains("BridgeId"));
    let complete = list.last().unwrap();
    assert_eq!(
        complete.as_bytes(),
        b"Event: CoreShowChannelsComplete\r\nActionID: csc\r\nEventList: Complete\r\nListItems: 2"
    );

    let cli = c.ask(&action("Command", &[("Command", "core show channels")]), "cli");
    let lines: Vec<String> = cli.get_all("Output").map(|l| String::from_utf8_lossy(l).into_owned()).collect();
    assert!(lines[0].starts_with("Channel ") && lines[0].len() == 136, "{:?}", lines[0]);
    assert!(lines[1].contains("200@test:1") && lines[1].contains("Wait(30)"), "{:?}", lines[1]);
    assert_eq!(lines[3..], ["2 active channels", "1 active call", "1 call processed"]);
}

#[test]
fn async_originate_events_and_response_reach_every_call_reader() {
    let fake = FakeAsterisk::start().unwrap();
    let mut a = Client::logged_in(&fake, "admin", "admin-secret", None);
    let mut b = Client::logged_in(&fake, "admin", "admin-secret", None);
    let mut calls_only = Client::logged_in(&fake, "originator", "orig-secret", None);
    let mut off = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    let request = action(
        "Originate",
        &[
            ("Channel", "Local/200@test"),
            ("Application", "Wait"),
            ("Data", "30"),
            ("Async", "true"),
            ("CallerID", "\"Peer Test\" <200>"),
            ("Variable", "ORIGVAR1=one"),
        ],
    );
    a.send(&request, "orig-1");
    let got = a.recv_until(|m| m.event_name().as_deref() == Some("OriginateResponse"));
    // Login events (its own, the other sessions') may come first.
    let login_event = |m: &Message| matches!(m.event_name().as_deref(), Some("FullyBooted" | "SuccessfulAuth"));
    let got: Vec<Message> = got.into_iter().filter(|m| !login_event(m)).collect();
    assert_eq!(got[0].as_bytes(), b"Response: Success\r\nActionID: orig-1\r\nMessage: Originate successfully queued");
    assert_eq!(
        names(&got),
        [
            "Newchannel",
            "Newchannel",
            "Newexten",
            "VarSet",
            "NewCallerid",
            "NewConnectedLine",
            "VarSet",
            "NewCallerid",
            "NewConnectedLine",
            "LocalBridge",
            "DialBegin",
            "Newexten",
            "Newstate",
            "Newstate",
            "DeviceStateChange",
            "DialEnd",
            "OriginateResponse"
        ]
    );
    let (one, two) = (&got[1], &got[2]);
    assert_eq!(get(one, "Privilege"), "call,all");
    assert_eq!(get(one, "ChannelStateDesc"), "Down");
    assert_eq!(get(two, "ChannelStateDesc"), "Ring");
    assert_eq!(get(two, "Linkedid"), get(one, "Uniqueid"));
    assert_eq!(get(&got[4], "Variable"), "ORIGVAR1");
    assert_eq!(get(&got[4], "Privilege"), "dialplan,all");
    let response = got.last().unwrap();
    let keys: Vec<String> = response.headers().map(|h| h.name_str().into_owned()).collect();
    assert_eq!(
        keys,
        [
            "Event",
            "Privilege",
            "ActionID",
            "Response",
            "Channel",
            "Application",
            "Data",
            "Reason",
            "Uniqueid",
            "CallerIDNum",
            "CallerIDName"
        ]
    );
    assert_eq!(get(response, "Response"), "Success");
    assert_eq!(get(response, "Reason"), "4");
    assert_eq!(get(response, "Channel"), get(one, "Channel"));
    assert_eq!(get(response, "Uniqueid"), get(one, "Uniqueid"));
    assert_eq!((get(response, "CallerIDNum"), get(response, "CallerIDName")), ("200".into(), "Peer Test".into()));

    // Another session reading call events gets the result, with A's ActionID.
    let seen = b.recv_until(|m| m.event_name().as_deref() == Some("OriginateResponse"));
    assert_eq!(seen.last().unwrap().action_id().as_deref(), Some("orig-1"));
    // A user reading only call events misses the dialplan ones.
    let seen = calls_only.recv_until(|m| m.event_name().as_deref() == Some("OriginateResponse"));
    assert!(!names(&seen).iter().any(|n| n == "Newexten" || n == "VarSet"), "{:?}", names(&seen));
    assert_eq!(seen.last().unwrap().action_id().as_deref(), Some("orig-1"));
    // Events off: nothing was queued, so the Ping's answer comes first.
    off.send(&RawAction::new("Ping"), "p");
    assert_eq!(off.recv().action_id().as_deref(), Some("p"));

    let channels = fake.channels();
    assert_eq!(channels.len(), 2);
    assert!(channels[0].ends_with(";1") && channels[1].ends_with(";2"), "{channels:?}");
}

#[test]
fn sync_originate_answers_once_up_and_sends_no_originate_response() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", None);
    let request =
        action("Originate", &[("Channel", "PJSIP/100"), ("Context", "test"), ("Exten", "300"), ("Priority", "1")]);
    c.send(&request, "sync");
    let got = c.recv_until(|m| m.action_id().as_deref() == Some("sync"));
    assert_eq!(got.last().unwrap().message().as_deref(), Some("Originate successfully queued"));
    c.send(&RawAction::new("Ping"), "after");
    let events = c.recv_until(|m| m.action_id().as_deref() == Some("after"));
    assert_eq!(names(&events), ["Newchannel", "Newexten", "DialBegin", "Newstate", "DeviceStateChange", "DialEnd"]);
    assert!(get(&events[0], "Channel").starts_with("PJSIP/100-"));
    let status = c.ask(&RawAction::new("Status"), "st");
    assert_eq!(get(&status, "Message"), "Channel status will follow");
    let items = c.recv_until(|m| m.event_name().as_deref() == Some("StatusComplete"));
    assert_eq!(get(&items[0], "Context"), "test");
    assert_eq!(get(&items[0], "Exten"), "300");
    assert_eq!(get(&items[0], "Type"), "PJSIP");
}

#[test]
fn failing_originates() {
    let fake = FakeAsterisk::builder()
        .originate_outcome("Local/busy@", Outcome::Busy)
        .originate_outcome("^Local/999@test$", Outcome::Failed)
        .originate_outcome("SIP/congested", Outcome::Congestion)
        .originate_outcome("SIP/", Outcome::NoAnswer)
        .start()
        .unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("call"));
    for (channel, reason) in [("Local/busy@test", "5"), ("Local/999@test", "0"), ("SIP/congested", "8"), ("SIP/1", "3")]
    {
        let request =
            action("Originate", &[("Channel", channel), ("Application", "Wait"), ("Data", "1"), ("Async", "yes")]);
        c.send(&request, channel);
        let got = c.recv_until(|m| m.event_name().as_deref() == Some("OriginateResponse"));
        let response = got.last().unwrap();
        assert_eq!(get(response, "Response"), "Failure", "{channel}");
        assert_eq!(get(response, "Reason"), reason, "{channel}");
        assert_eq!(get(response, "Uniqueid"), "<unknown>");
        assert_eq!(get(response, "Channel"), channel);
        assert_eq!(response.action_id().as_deref(), Some(channel));
        assert!(names(&got).contains(&"Hangup".to_string()));
    }
    let sync = c.ask(&action("Originate", &[("Channel", "Local/busy@test"), ("Application", "Wait")]), "s");
    assert_eq!(sync.as_bytes(), b"Response: Error\r\nActionID: s\r\nMessage: Originate failed");
    let no_channel = c.ask(&action("Originate", &[("Exten", "100"), ("Context", "test"), ("Priority", "1")]), "n");
    assert_eq!(no_channel.as_bytes(), b"Response: Error\r\nActionID: n\r\nMessage: Channel not specified");
    assert!(fake.channels().is_empty());
}

#[test]
fn hangup_by_name_by_regex_and_from_the_test() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("call"));
    for id in ["o1", "o2", "o3"] {
        originate_async(&mut c, id);
    }
    let channels = fake.channels();
    assert_eq!(channels.len(), 6);

    let missing = c.ask(&action("Hangup", &[("Channel", "SIP/nonexistent-0001")]), "h0");
    assert_eq!(missing.as_bytes(), b"Response: Error\r\nActionID: h0\r\nMessage: No such channel");
    let hung = c.ask(&action("Hangup", &[("Channel", &channels[1])]), "h1");
    assert_eq!(hung.as_bytes(), b"Response: Success\r\nActionID: h1\r\nMessage: Channel Hungup");
    let events = c.recv_until(|m| m.event_name().as_deref() == Some("DeviceStateChange"));
    assert_eq!(names(&events), ["Hangup", "Hangup", "DeviceStateChange"]);
    assert_eq!(get(&events[0], "Channel"), channels[1]);
    assert_eq!((get(&events[0], "Cause"), get(&events[0], "Cause-txt")), ("16".into(), "Normal Clearing".into()));
    assert_eq!(get(&events[2], "State"), "NOT_INUSE");
    assert_eq!(fake.channels().len(), 4);

    // `/regex/`: the list of channels that matched.
    let pattern = format!("/^{};1$/", channels[2].trim_end_matches(";1").replace('/', "\\/"));
    c.send(&action("Hangup", &[("Channel", &pattern)]), "h2");
    let list = c.recv_until(|m| m.event_name().as_deref() == Some("ChannelsHungupListComplete"));
    assert_eq!(
        list[0].as_bytes(),
        b"Response: Success\r\nActionID: h2\r\nEventList: start\r\nMessage: Channels hung up will follow"
    );
    assert_eq!(
        list[1].as_bytes(),
        format!("Event: ChannelHungup\r\nChannel: {}\r\nActionID: h2", channels[2]).as_bytes()
    );
    assert_eq!(
        list[2].as_bytes(),
        b"Event: ChannelsHungupListComplete\r\nActionID: h2\r\nEventList: Complete\r\nListItems: 1"
    );
    assert_eq!(fake.channels(), channels[4..]);
    let events = c.recv_until(|m| m.event_name().as_deref() == Some("DeviceStateChange"));
    assert_eq!(get(&events[1], "Channel"), channels[2], "the whole call ends");

    assert!(fake.hangup(&channels[5]));
    assert!(!fake.hangup(&channels[5]));
    let events = c.recv_until(|m| m.event_name().as_deref() == Some("DeviceStateChange"));
    assert_eq!(get(&events[events.len() - 2], "Channel"), channels[4]);
    assert!(fake.channels().is_empty());
}

#[test]
fn calls_end_after_the_configured_duration() {
    let fake = FakeAsterisk::builder().call_duration(Duration::from_millis(50)).start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("call"));
    let placed = originate_async(&mut c, "short");
    let uniqueid = get(placed.last().unwrap(), "Uniqueid").into_owned();
    let hangups =
        c.recv_until(|m| m.event_name().as_deref() == Some("DeviceStateChange") && get(m, "State") == "NOT_INUSE");
    let first_leg = hangups.iter().find(|m| m.get_str("Uniqueid").as_deref() == Some(uniqueid.as_str())).unwrap();
    assert_eq!(first_leg.event_name().as_deref(), Some("Hangup"));
    assert_eq!(get(first_leg, "Cause"), "16");
    eventually("the table to empty", || fake.channels().is_empty());
}

#[test]
fn status_variables_astdb_and_queues() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    let status = c.ask(&RawAction::new("Status"), "s0");
    assert_eq!(
        status.as_bytes(),
        b"Response: Success\r\nActionID: s0\r\nEventList: start\r\nMessage: Channel status will follow"
    );
    assert_eq!(
        c.recv().as_bytes(),
        b"Event: StatusComplete\r\nActionID: s0\r\nEventList: Complete\r\nListItems: 0\r\nItems: 0"
    );

    let set = c.ask(&action("Setvar", &[("Variable", "PEERGLOBAL"), ("Value", "xyz")]), "v1");
    assert_eq!(set.as_bytes(), b"Response: Success\r\nActionID: v1\r\nMessage: Variable Set");
    let got = c.ask(&action("Getvar", &[("Variable", "PEERGLOBAL")]), "v2");
    assert_eq!(got.as_bytes(), b"Response: Success\r\nActionID: v2\r\nVariable: PEERGLOBAL\r\nValue: xyz");
    let nochan = c.ask(&action("Getvar", &[("Channel", "SIP/nonexistent-0001"), ("Variable", "FOO")]), "v3");
    assert_eq!(nochan.as_bytes(), b"Response: Error\r\nActionID: v3\r\nMessage: No such channel");

    let put = c.ask(&action("DBPut", &[("Family", "peertest"), ("Key", "k1"), ("Val", "v1")]), "d1");
    assert_eq!(put.as_bytes(), b"Response: Success\r\nActionID: d1\r\nMessage: Updated database successfully");
    c.send(&action("DBGet", &[("Family", "peertest"), ("Key", "k1")]), "d2");
    let list = [c.recv(), c.recv(), c.recv()];
    assert_eq!(
        list[0].as_bytes(),
        b"Response: Success\r\nActionID: d2\r\nEventList: start\r\nMessage: Result will follow"
    );
    assert_eq!(list[1].as_bytes(), b"Event: DBGetResponse\r\nFamily: peertest\r\nKey: k1\r\nVal: v1\r\nActionID: d2");
    assert_eq!(list[2].as_bytes(), b"Event: DBGetComplete\r\nActionID: d2\r\nEventList: Complete\r\nListItems: 1");
    let del = c.ask(&action("DBDel", &[("Family", "peertest"), ("Key", "k1")]), "d3");
    assert_eq!(del.message().as_deref(), Some("Key deleted successfully"));
    let missing = c.ask(&action("DBGet", &[("Family", "peertest"), ("Key", "k1")]), "d4");
    assert_eq!(missing.as_bytes(), b"Response: Error\r\nActionID: d4\r\nMessage: Database entry not found");

    c.send(&RawAction::new("QueueStatus"), "q");
    assert_eq!(c.recv().get_str("Message").as_deref(), Some("Queue status will follow"));
    assert_eq!(
        c.recv().as_bytes(),
        b"Event: QueueStatusComplete\r\nActionID: q\r\nEventList: Complete\r\nListItems: 0"
    );

    // Channel variables, set by Originate and by Setvar.
    let mut events = Client::logged_in(&fake, "admin", "admin-secret", Some("call"));
    let placed = originate_async(&mut events, "o");
    let channel = get(placed.last().unwrap(), "Channel").into_owned();
    c.ask(&action("Setvar", &[("Channel", &channel), ("Variable", "CHANVAR"), ("Value", "1")]), "v4");
    let value = c.ask(&action("Getvar", &[("Channel", &channel), ("Variable", "CHANVAR")]), "v5");
    assert_eq!(get(&value, "Value"), "1");
}

#[test]
fn user_event_reaches_sessions_reading_user_events() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("user"));
    let request = action("UserEvent", &[("UserEvent", "FromAmi"), ("Header1", "value1"), ("Header2", "value 2")]);
    let sent = c.ask(&request, "ue");
    assert_eq!(sent.as_bytes(), b"Response: Success\r\nActionID: ue\r\nMessage: Event Sent");
    assert_eq!(
        c.recv().as_bytes(),
        b"Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: FromAmi\r\nActionID: ue\r\nHeader1: value1\r\nHeader2: value 2"
    );
}

#[test]
fn events_action_turns_events_off_and_on() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", None);
    let off = c.ask(&action("Events", &[("EventMask", "off")]), "e1");
    assert_eq!(off.as_bytes(), b"Response: Success\r\nActionID: e1\r\nEvents: Off");
    let event = Message::from_pairs([("Event", "Custom"), ("Privilege", "call,all")]);
    assert_eq!(fake.inject_event(&event), 0);
    let on = c.ask(&action("Events", &[("EventMask", "call")]), "e2");
    assert_eq!(on.as_bytes(), b"Response: Success\r\nActionID: e2\r\nEvents: On");
    assert_eq!(fake.inject_event(&event), 1);
    assert_eq!(c.recv(), event);
    let bad = c.ask(&RawAction::new("Events"), "e3");
    assert_eq!(get(&bad, "Message"), "Invalid event mask");
}

#[test]
fn handlers_answer_twice_without_action_id_withhold_or_override() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Twice", |req| {
        vec![response(req, "Success", &[("Message", "first")]), Message::from_pairs([("Response", "Success")])]
    });
    fake.on_action("never", |_| Vec::new());
    fake.on_action("PING", |req| vec![response(req, "Success", &[("Ping", "Overridden")])]);
    let mut c = Client::connect(&fake);
    // Before login, handlers are refused like any action.
    assert_eq!(c.ask(&RawAction::new("Twice"), "t0").message().as_deref(), Some("Permission denied"));
    c.login("admin", "admin-secret", Some("off"));
    c.send(&RawAction::new("Twice"), "t1");
    assert_eq!(c.recv().as_bytes(), b"Response: Success\r\nActionID: t1\r\nMessage: first");
    assert_eq!(c.recv().as_bytes(), b"Response: Success");
    c.send(&RawAction::new("Never"), "n");
    assert_eq!(get(&c.ask(&RawAction::new("ping"), "p"), "Ping"), "Overridden");
    // The handler's request is the client's.
    let requests = fake.requests();
    assert!(requests.iter().any(|r| r.message.action_id().as_deref() == Some("n")));
}

#[test]
fn injected_events_respect_read_classes_and_events_off() {
    let fake = FakeAsterisk::start().unwrap();
    let mut calls_only = Client::logged_in(&fake, "originator", "orig-secret", None);
    let _off = Client::logged_in(&fake, "readonly", "ro-secret", Some("off"));
    let mut admin = Client::logged_in(&fake, "admin", "admin-secret", None);
    admin.recv_until(|m| m.event_name().as_deref() == Some("SuccessfulAuth"));

    let system = Message::from_pairs([("Event", "Reload"), ("Privilege", "system,all"), ("Module", "x")]);
    let call = Message::from_pairs([("Event", "Hangup"), ("Privilege", "call,all"), ("Channel", "PJSIP/1-01")]);
    let classless = Message::from_pairs([("Event", "NoClass")]);
    assert_eq!(fake.inject_event(&system), 1);
    assert_eq!(fake.inject_event(&call), 2);
    assert_eq!(fake.inject_event(&classless), 2);
    assert_eq!([admin.recv(), admin.recv(), admin.recv()], [system, call.clone(), classless.clone()]);
    assert_eq!([calls_only.recv(), calls_only.recv()], [call, classless]);

    let me = calls_only.stream.local_addr().unwrap();
    let session = fake.sessions().into_iter().find(|s| s.peer == me).unwrap();
    assert_eq!(session.username.as_deref(), Some("originator"));
    let direct = Message::from_pairs([("Event", "Direct"), ("Privilege", "system,all")]);
    assert!(fake.inject_event_to(session.id, &direct));
    assert_eq!(calls_only.recv(), direct);
}

#[test]
fn requests_record_what_clients_sent() {
    let fake = FakeAsterisk::start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    // What a client without CR/LF checks sends for `Exten: "100\r\n\r\nAction: Command..."`:
    // the log shows the smuggled second action.
    c.send_raw(b"Action: Originate\r\nExten: 100\r\n\r\nAction: Command\r\nCommand: core stop now\r\n\r\n");
    assert_eq!(c.recv().message().as_deref(), Some("Channel not specified"));
    assert_eq!(c.recv().response().as_deref(), Some("Error"));
    c.ask(&action("Setvar", &[("Variable", "V"), ("Value", "a=b: c")]), "set");
    let me = c.stream.local_addr().unwrap();
    let session = fake.sessions().into_iter().find(|s| s.peer == me).unwrap().id;
    let mine: Vec<Message> = fake.requests().into_iter().filter(|r| r.session == session).map(|r| r.message).collect();
    assert_eq!(mine.len(), 4);
    assert_eq!(mine[0].get_str("Username").as_deref(), Some("admin"));
    assert_eq!(mine[2].as_bytes(), b"Action: Command\r\nCommand: core stop now");
    assert_eq!(mine[3].as_bytes(), b"Action: Setvar\r\nActionID: set\r\nVariable: V\r\nValue: a=b: c");
}

#[test]
fn fault_close_mid_message() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_next_connection(Fault::CloseMidMessage);
    let mut raw = tcp(&fake);
    let mut got = Vec::new();
    raw.read_to_end(&mut got).unwrap();
    assert_eq!(got, &b"Asterisk Call Manager/11.0.0\r\n"[..15]);

    fake.fault_on_action("Ping", Fault::CloseMidMessage);
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    c.send(&RawAction::new("Ping"), "cut");
    let rest = c.read_to_eof();
    assert!(b"Response: Success\r\nActionID: cut\r\n".starts_with(&rest[..rest.len().min(34)]), "{rest:?}");
    assert!(!rest.ends_with(b"\r\n\r\n"), "the message is cut short: {rest:?}");
}

#[test]
fn fault_reset_closes_without_answer() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("login", Fault::Reset);
    let mut c = Client::connect(&fake);
    c.send(&action("Login", &[("Username", "admin"), ("Secret", "admin-secret")]), "l");
    assert!(c.read_to_eof().is_empty());
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn fault_drip_still_delivers_whole_messages() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_next_connection(Fault::Drip { pause: Duration::from_millis(1) });
    let mut c = Client::connect(&fake);
    assert_eq!(c.banner, "Asterisk Call Manager/11.0.0");
    c.login("admin", "admin-secret", Some("off"));
    assert_eq!(get(&c.ask(&RawAction::new("Ping"), "drip"), "Ping"), "Pong");

    fake.fault_on_action("Ping", Fault::Drip { pause: Duration::ZERO });
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    assert_eq!(get(&c.ask(&RawAction::new("Ping"), "p1"), "Ping"), "Pong");
    assert_eq!(get(&c.ask(&RawAction::new("Ping"), "p2"), "Ping"), "Pong");
}

#[test]
fn fault_garbage_replaces_the_banner_then_the_session_goes_on() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_next_connection(Fault::Garbage(b"HTTP/1.1 400 Bad Request\r\n".to_vec()));
    let mut c = Client::connect(&fake);
    assert_eq!(c.banner, "HTTP/1.1 400 Bad Request");
    assert_eq!(c.login("admin", "admin-secret", Some("off")).message().as_deref(), Some("Authentication accepted"));
    // Only that connection was affected.
    assert_eq!(Client::connect(&fake).banner, "Asterisk Call Manager/11.0.0");
}

#[test]
fn fault_silence_reads_but_never_answers() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("Ping", Fault::Silence);
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", None);
    c.recv_until(|m| m.event_name().as_deref() == Some("SuccessfulAuth"));
    c.send(&RawAction::new("Ping"), "p1");
    c.send(&RawAction::new("Ping"), "p2");
    eventually("both pings to be read", || fake.requests().len() == 3);
    fake.inject_event(&Message::from_pairs([("Event", "X"), ("Privilege", "call,all")]));
    c.assert_quiet();
    assert_eq!(fake.sessions().len(), 1, "the connection stays open");
}

#[test]
fn fault_huge_line_and_many_headers() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("Login", Fault::huge_line(100_000));
    fake.fault_on_action("Ping", Fault::many_headers(5_000));
    let mut c = Client::connect(&fake);
    assert!(c.login("admin", "admin-secret", Some("off")).is_success());
    let huge = c.recv();
    assert_eq!(get(&huge, "UserEvent"), "HugeLine");
    assert_eq!(huge.get("Data").unwrap().len(), 100_000);
    assert!(c.ask(&RawAction::new("Ping"), "p").is_success());
    let many = c.recv();
    assert_eq!(many.len(), 5_003);
    assert_eq!(get(&many, "Header5000"), "5000");
}

#[test]
fn fault_flood_and_stream() {
    let fake = FakeAsterisk::start().unwrap();
    let event =
        Message::from_pairs([("Event", "Newstate"), ("Privilege", "call,all"), ("Channel", "PJSIP/1-00000001")]);
    fake.fault_on_action("Login", Fault::Flood { message: event.clone(), count: 20_000 });
    let stream: Arc<[u8]> = b"Event: A\r\n\r\nEvent: B\r\nX: y\r\n\r\n".repeat(1000).into();
    fake.fault_on_action("Ping", Fault::Stream(Arc::clone(&stream)));
    let mut c = Client::connect(&fake);
    assert!(c.login("admin", "admin-secret", Some("off")).is_success());
    for i in 0..20_000 {
        assert_eq!(c.recv(), event, "event {i}");
    }
    assert!(c.ask(&RawAction::new("Ping"), "p").is_success());
    let mut received = Vec::new();
    while received.len() < stream.len() {
        let m = c.recv();
        received.extend_from_slice(&m.to_wire());
    }
    assert_eq!(received, &stream[..]);
}

#[test]
fn kill_connections_then_stop_and_restart_listening() {
    let fake = FakeAsterisk::start().unwrap();
    let mut a = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    fake.kill_connections();
    a.read_to_eof();
    eventually("the session to end", || fake.sessions().is_empty());
    let _b = Client::connect(&fake);
    assert_eq!(fake.connections(), 2);

    fake.stop_listening();
    assert!(TcpStream::connect(fake.addr()).is_err(), "refused while not listening");
    fake.start_listening().unwrap();
    let c = Client::connect(&fake);
    assert_eq!(c.stream.peer_addr().unwrap(), fake.addr());
    assert_eq!(fake.connections(), 3);
}

#[test]
fn a_client_that_stops_reading_is_cut_off() {
    let fake = FakeAsterisk::builder().outbox_limit(64 * 1024).start().unwrap();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("user"));
    let big = Message::from_pairs([("Event", "UserEvent"), ("Privilege", "user,all"), ("Data", &"x".repeat(1000))]);
    // The client reads nothing while events pile up far past the limit.
    let start = Instant::now();
    while !fake.sessions().is_empty() {
        assert!(start.elapsed() < TIMEOUT, "the slow client was never cut off");
        fake.inject_event(&big);
    }
    // What was written before the cut is intact; then the stream ends.
    let rest = c.read_to_eof();
    assert!(rest.len() < 64 * 1024 * 1024, "memory stayed bounded");
}

#[test]
fn drop_closes_connections_and_the_listener() {
    let fake = FakeAsterisk::start().unwrap();
    let addr = fake.addr();
    let mut c = Client::logged_in(&fake, "admin", "admin-secret", Some("off"));
    drop(fake);
    c.read_to_eof();
    assert!(TcpStream::connect(addr).is_err());
}

/// Replays a transcript's client side against the fake and compares every
/// server message, `Timestamp` values aside.
fn replay(name: &str, fake: &FakeAsterisk) {
    let t = transcript::load(name);
    // Server bytes grouped by the client chunk they answer (the banner first).
    let mut exchanges: Vec<(&[u8], Vec<u8>)> = vec![(&[], Vec::new())];
    for chunk in &t.chunks {
        match chunk.direction {
            Direction::Client => exchanges.push((&chunk.bytes, Vec::new())),
            Direction::Server => exchanges.last_mut().unwrap().1.extend_from_slice(&chunk.bytes),
        }
    }
    let normal = |m: &Message| -> Vec<(String, String)> {
        let value = |k: &str, v: String| if k == "Timestamp" { "<t>".to_string() } else { v };
        m.headers().map(|h| (h.name_str().into_owned(), value(&h.name_str(), h.value_str().into_owned()))).collect()
    };
    let mut c = Client::connect(fake);
    let mut expected = Decoder::new();
    expected.feed(&exchanges[0].1);
    assert_eq!(c.banner, expected.decode_banner().unwrap().unwrap().line(), "{name}: banner");
    for (sent, answer) in &exchanges[1..] {
        c.send_raw(sent);
        expected.feed(answer);
        while let Some(want) = expected.decode().unwrap() {
            assert_eq!(normal(&c.recv()), normal(&want), "{name}: answer to {:?}", String::from_utf8_lossy(sent));
        }
    }
    if t.server_closed() {
        assert!(c.read_to_eof().is_empty(), "{name}: the fake should close");
    }
}

#[test]
fn replays_the_transcripts_it_can_reproduce() {
    let fake = FakeAsterisk::builder()
        .auth_failure_delay(Duration::from_millis(20))
        .command_output("core show uptime", &["System uptime: 30 seconds", "Last reload: 30 seconds"])
        .start()
        .unwrap();
    for name in [
        "05_bad_login",
        "06_unknown_user_login",
        "07_unauthenticated_actions",
        "08_readonly_permission_denied",
        "10_pipelined",
    ] {
        replay(name, &fake);
    }
}

#[cfg(all(feature = "tls", target_os = "linux"))]
#[test]
fn tls_login_and_ping() {
    let (identity, ca_pem) = support::certs::localhost_identity();
    let fake = FakeAsterisk::builder().tls(identity).start().unwrap();
    let connector = native_tls::TlsConnector::builder()
        .add_root_certificate(native_tls::Certificate::from_pem(&ca_pem).unwrap())
        .build()
        .unwrap();
    for host in ["localhost", "127.0.0.1"] {
        let tls = connector.connect(host, tcp(&fake)).unwrap();
        let mut c = Client::over(tls);
        assert_eq!(c.banner, "Asterisk Call Manager/11.0.0");
        c.send(&action("Login", &[("Username", "admin"), ("Secret", "admin-secret")]), "l");
        let got = c.recv_until(|m| m.event_name().as_deref() == Some("SuccessfulAuth"));
        assert_eq!(got[0].message().as_deref(), Some("Authentication accepted"));
        assert!(get(got.last().unwrap(), "LocalAddress").starts_with("IPV4/TLS/127.0.0.1/"));
        assert_eq!(get(&c.ask(&RawAction::new("Ping"), "p"), "Ping"), "Pong");
        let bye = c.ask(&RawAction::new("Logoff"), "bye");
        assert_eq!(bye.response().as_deref(), Some("Goodbye"));
        assert!(c.read_to_eof().is_empty());
    }
}
