//! The `ami` binary, driven as users drive it, against the fake Asterisk
//! started in this process: every exit code, every validation error, JSON
//! read back, TLS with a CA file, MD5 login, an event list, an async
//! Originate, `ami events`.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use ami_actions::testkit::{FakeAsterisk, Fault, Outcome};
use ami_actions::{Client, Config, Login, Message, RawAction};
use serde_json::Value;

const AMI: &str = env!("CARGO_BIN_EXE_ami");
/// A run that takes longer than this is stuck: kill it and fail.
const STUCK: Duration = Duration::from_secs(60);

/// What a run of `ami` left behind.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}\n{self:?}")))
            .collect()
    }
}

/// `ami` with a clean `AMI_*` environment pointing at `fake` as admin.
fn ami(fake: &FakeAsterisk) -> Command {
    let mut c = bare_ami();
    c.env("AMI_HOST", "127.0.0.1")
        .env("AMI_PORT", fake.addr().port().to_string())
        .env("AMI_USER", "admin")
        .env("AMI_SECRET", "admin-secret");
    c
}

/// `ami` with no `AMI_*` variable set.
fn bare_ami() -> Command {
    let mut c = Command::new(AMI);
    for v in ["AMI_HOST", "AMI_PORT", "AMI_USER", "AMI_SECRET", "AMI_SECRET_FILE", "AMI_TLS", "AMI_CA_FILE"] {
        c.env_remove(v);
    }
    c
}

/// Runs to the end (killing it after [`STUCK`]), reading both pipes.
fn run(cmd: &mut Command) -> Run {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn ami");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).map(|_| s)
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).map(|_| s)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > STUCK {
            child.kill().unwrap();
            panic!("ami did not finish: {cmd:?}");
        }
        thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code().expect("ami killed by a signal"),
        stdout: out.join().unwrap().expect("stdout is UTF-8"),
        stderr: err.join().unwrap().expect("stderr is UTF-8"),
    }
}

fn run_args(cmd: &mut Command, args: &[&str]) -> Run {
    run(cmd.args(args))
}

/// Requests the fake received for `action` (any case).
fn sent(fake: &FakeAsterisk, action: &str) -> Vec<Message> {
    fake.requests()
        .into_iter()
        .map(|r| r.message)
        .filter(|m| m.get_str("Action").is_some_and(|a| a.eq_ignore_ascii_case(action)))
        .collect()
}

/// A file under the temp directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &[u8]) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!("ami-cli-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Places `n` answered calls to `Local/<i>@demo` from the test.
fn place_calls(fake: &FakeAsterisk, n: usize) {
    let config = Config::new("127.0.0.1", fake.addr().port());
    let mut s = Client::connect(&config).unwrap().login(&Login::new("admin", "admin-secret").events_off()).unwrap();
    for i in 0..n {
        let call = RawAction::new("Originate")
            .header("Channel", format!("Local/{i}@demo"))
            .header("Application", "Wait")
            .header("Data", "60");
        s.send(&call).unwrap();
    }
}

// ------------------------------------------------------------ exit 0

#[test]
fn ping_prints_the_response_as_text() {
    let fake = FakeAsterisk::start().unwrap();
    let r = run_args(&mut ami(&fake), &["ping"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("Response: Success\nPing: Pong\nTimestamp: "), "{r:?}");
    assert!(!r.stdout.contains("ActionID"), "text leaves out the client's ActionID: {r:?}");
    // Logged in with events off, sent the action as documented, logged off.
    let login = &sent(&fake, "Login")[0];
    assert_eq!(login.get_str("Events").as_deref(), Some("off"));
    assert_eq!(sent(&fake, "Ping").len(), 1);
    assert_eq!(sent(&fake, "Logoff").len(), 1);
}

#[test]
fn an_answer_that_is_only_an_empty_line_returns_at_once() {
    // The fake answers IAXnetstats with a bare empty line, as Asterisk 22 does.
    let fake = FakeAsterisk::start().unwrap();
    let r = run_args(&mut ami(&fake), &["-v", "IAXnetstats"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "", "{r:?}");
    assert!(r.stderr.contains("bare empty line"), "{r:?}");
    assert_eq!(sent(&fake, "IAXnetstats").len(), 1);
    assert_eq!(sent(&fake, "Logoff").len(), 1, "the session went on to log off: {r:?}");
}

#[test]
fn follow_up_event_is_waited_for_and_printed() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("FAXStats", |req| {
        let id = req.get_str("ActionID").unwrap_or_default().into_owned();
        vec![
            ami_actions::testkit::response(req, "Success", &[("Message", "FAXStats event will follow")]),
            Message::from_pairs([("Event", "FAXStats"), ("ActionID", id.as_str()), ("CurrentSessions", "0")]),
        ]
    });
    let r = run_args(&mut ami(&fake), &["--json", "FAXStats"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1, "one document: {r:?}");
    assert_eq!(lines[0]["response"]["Message"], "FAXStats event will follow");
    let event = &lines[0]["event"];
    assert_eq!((&event["Event"], &event["CurrentSessions"]), (&Value::from("FAXStats"), &Value::from("0")));
    let r = run_args(&mut ami(&fake), &["FAXStats"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Message: FAXStats event will follow\n\nEvent: FAXStats\n"), "{r:?}");
}

#[test]
fn json_response_reads_back() {
    let fake = FakeAsterisk::start().unwrap();
    let r = run_args(&mut ami(&fake), &["--json", "Ping"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["Response"], "Success");
    assert_eq!(lines[0]["Ping"], "Pong");
    // Keys in the order received (serde_json's map sorts them: look at the text).
    assert!(r.stdout.starts_with("{\"Response\":\"Success\",\"ActionID\":\""), "{r:?}");
    assert!(lines[0]["ActionID"].as_str().is_some_and(|id| !id.is_empty()));
}

#[test]
fn event_list_prints_every_item() {
    let fake = FakeAsterisk::start().unwrap();
    place_calls(&fake, 2);
    let r = run_args(&mut ami(&fake), &["CoreShowChannels", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1, "one JSON array for the list: {r:?}");
    let items = lines[0].as_array().unwrap();
    assert_eq!(items.len(), 4, "two Local calls, two channels each");
    assert!(items.iter().all(|i| i["Event"] == "CoreShowChannel"));
    let channels: Vec<&str> = items.iter().map(|i| i["Channel"].as_str().unwrap()).collect();
    assert!(
        channels.contains(&"Local/0@demo-00000000;1") && channels.contains(&"Local/1@demo-00000001;2"),
        "{channels:?}"
    );

    // Text: the response, every item, the completion.
    let r = run_args(&mut ami(&fake), &["coreshowchannels"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.matches("Event: CoreShowChannel\n").count(), 4, "{}", r.stdout);
    assert!(r.stdout.starts_with("Response: Success\nEventList: start\n"), "{}", r.stdout);
    assert!(r.stdout.contains("Event: CoreShowChannelsComplete\nEventList: Complete\nListItems: 4\n"), "{}", r.stdout);
}

#[test]
fn empty_list_is_an_empty_array() {
    let fake = FakeAsterisk::start().unwrap();
    let r = run_args(&mut ami(&fake), &["--json", "QueueStatus"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json_lines(), [Value::Array(Vec::new())]);
}

#[test]
fn command_prints_its_output_as_plain_lines() {
    let fake = FakeAsterisk::builder()
        .command_output("sip show peers", &["Name/username  Host", "0 sip peers"])
        .start()
        .unwrap();
    let r = run_args(&mut ami(&fake), &["Command", "Command=sip show peers"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "Name/username  Host\n0 sip peers\n");
    // --json: the response as an object, Output lines as an array.
    let r = run_args(&mut ami(&fake), &["--json", "Command", "Command=sip show peers"]);
    assert_eq!(r.json_lines()[0]["Output"], serde_json::json!(["Name/username  Host", "0 sip peers"]));
}

#[test]
fn old_command_format_prints_plain_lines_too() {
    let fake = FakeAsterisk::builder().old_command_format(true).start().unwrap();
    let r = run_args(&mut ami(&fake), &["Command", "Command=core show version"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("Asterisk 22.10.1 built by testkit"), "{r:?}");
    assert!(!r.stdout.contains("--END COMMAND--"), "{r:?}");
}

#[test]
fn repeated_keys_are_sent_as_repeated_headers() {
    let fake = FakeAsterisk::start().unwrap();
    let r = run_args(
        &mut ami(&fake),
        &["Originate", "Channel=Local/100@demo", "Application=Wait", "Data=1", "Variable=A=1", "variable=B=2"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let originate = &sent(&fake, "Originate")[0];
    let vars: Vec<&[u8]> = originate.get_all("Variable").collect();
    assert_eq!(vars, [&b"A=1"[..], b"B=2"]);
    assert!(originate.as_bytes().starts_with(b"Action: Originate\r\n"), "documented spelling");
}

#[test]
fn session_actions_are_sent_like_any_other() {
    let fake = FakeAsterisk::start().unwrap();
    // `Events` spelled as documented is the AMI action, not the subcommand.
    let r = run_args(&mut ami(&fake), &["Events", "EventMask=off"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(sent(&fake, "Events")[0].get_str("EventMask").as_deref(), Some("off"));
    // Logoff is the user's: printed, and not sent a second time.
    let r = run_args(&mut ami(&fake), &["Logoff"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("Response: Goodbye\n"), "{r:?}");
    assert_eq!(sent(&fake, "Logoff").len(), 2, "one per run");
}

// ------------------------------------------------------------ async Originate

#[test]
fn async_originate_waits_for_its_outcome() {
    let fake = FakeAsterisk::builder().originate_outcome("^PJSIP/busy", Outcome::Busy).start().unwrap();
    let answered = ["Originate", "Channel=Local/100@demo", "Application=Wait", "Data=5", "Async=true"];
    let r = run_args(&mut ami(&fake), &answered);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Message: Originate successfully queued"), "{r:?}");
    assert!(r.stdout.contains("Event: OriginateResponse\n"), "{r:?}");
    assert!(r.stdout.contains("Response: Success\nChannel: Local/100@demo-00000000;1"), "{r:?}");
    // The outcome needs call events: logged in with them.
    assert_eq!(sent(&fake, "Login")[0].get_str("Events").as_deref(), Some("call"));

    let busy = ["--json", "Originate", "Channel=PJSIP/busy", "Context=default", "Exten=200", "Priority=1", "Async=yes"];
    let r = run_args(&mut ami(&fake), &busy);
    assert_eq!(r.code, 1, "a failed call exits 1: {r:?}");
    assert!(r.stderr.contains("busy (Reason 5)"), "{r:?}");
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1, "one document, the response and the OriginateResponse: {r:?}");
    let (response, outcome) = (&lines[0]["response"], &lines[0]["outcome"]);
    assert_eq!(response["Message"], "Originate successfully queued");
    assert_eq!(outcome["Event"], "OriginateResponse");
    assert_eq!(outcome["Response"], "Failure");
    assert_eq!(outcome["Reason"], "5");
    assert_eq!(outcome["ActionID"], response["ActionID"]);
    // Waited for through the library's originate(), which sends `Async: true` itself.
    let asyncs: Vec<Vec<u8>> = sent(&fake, "Originate")[1].get_all("Async").map(<[u8]>::to_vec).collect();
    assert_eq!(asyncs, [b"true".to_vec()]);
}

#[test]
fn async_originate_success_without_a_channel_is_a_success() {
    // Older releases say `Uniqueid: <null>` when no channel was made: the
    // `Response` decides, as in the library.
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Originate", |req| {
        let id = req.get_str("ActionID").unwrap_or_default().into_owned();
        vec![
            ami_actions::testkit::response(req, "Success", &[("Message", "Originate successfully queued")]),
            Message::from_pairs([
                ("Event", "OriginateResponse"),
                ("Privilege", "call,all"),
                ("ActionID", id.as_str()),
                ("Response", "Success"),
                ("Channel", "PJSIP/100"),
                ("Reason", "4"),
                ("Uniqueid", "<null>"),
            ]),
        ]
    });
    let r = run_args(&mut ami(&fake), &["Originate", "Channel=PJSIP/100", "Application=Wait", "Async=true"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Uniqueid: <null>"), "{r:?}");
}

#[test]
fn async_originate_no_wait_reports_only_the_queueing() {
    let fake = FakeAsterisk::builder().originate_outcome("^PJSIP/busy", Outcome::Busy).start().unwrap();
    let r =
        run_args(&mut ami(&fake), &["--no-wait", "Originate", "Channel=PJSIP/busy", "Application=Wait", "Async=true"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Originate successfully queued") && !r.stdout.contains("OriginateResponse"), "{r:?}");
    assert_eq!(sent(&fake, "Login")[0].get_str("Events").as_deref(), Some("off"));
}

#[test]
fn async_originate_ignores_other_sessions_outcomes() {
    let fake = FakeAsterisk::start().unwrap();
    // Another client's OriginateResponse, with its own ActionID, first.
    fake.on_action("Originate", |req| {
        let other = Message::from_pairs([
            ("Event", "OriginateResponse"),
            ("Privilege", "call,all"),
            ("ActionID", "someone-else-1"),
            ("Response", "Failure"),
            ("Reason", "0"),
        ]);
        let mine = Message::from_pairs([
            ("Event", "OriginateResponse"),
            ("Privilege", "call,all"),
            ("ActionID", req.get_str("ActionID").unwrap_or_default().as_ref()),
            ("Response", "Success"),
            ("Reason", "4"),
            ("Channel", "PJSIP/100-00000007"),
        ]);
        vec![
            ami_actions::testkit::response(req, "Success", &[("Message", "Originate successfully queued")]),
            other,
            mine,
        ]
    });
    let r = run_args(&mut ami(&fake), &["Originate", "Channel=PJSIP/100", "Application=Wait", "Async=1"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Channel: PJSIP/100-00000007") && !r.stdout.contains("Reason: 0"), "{r:?}");
}

#[test]
fn async_originate_without_an_outcome_times_out() {
    let fake = FakeAsterisk::start().unwrap();
    fake.on_action("Originate", |req| vec![ami_actions::testkit::response(req, "Success", &[("Message", "queued")])]);
    let r = run_args(
        &mut ami(&fake),
        &["--timeout", "0.5", "Originate", "Channel=PJSIP/100", "Application=Wait", "Async=true"],
    );
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("timed out waiting for the OriginateResponse"), "{r:?}");
}

#[test]
fn sync_originate_failure_exits_1() {
    let fake = FakeAsterisk::builder().originate_outcome("^PJSIP/nobody", Outcome::NoAnswer).start().unwrap();
    let r = run_args(&mut ami(&fake), &["Originate", "Channel=PJSIP/nobody", "Application=Wait"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("Response: Error\nMessage: Originate failed"), "{r:?}");
    assert!(r.stderr.contains("Originate failed"), "{r:?}");
}

// ------------------------------------------------------------ exit 1

#[test]
fn server_errors_exit_1() {
    let fake = FakeAsterisk::start().unwrap();
    let r = run_args(&mut ami(&fake), &["Hangup", "Channel=PJSIP/nobody-00000001"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("Hangup failed: No such channel"), "{r:?}");
    assert!(r.stdout.contains("Response: Error\nMessage: No such channel"), "the answer is printed: {r:?}");

    let r = run_args(&mut ami(&fake), &["Command", "Command=no such thing"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.starts_with("No such command 'no such thing'"), "{r:?}");
    // The reason is the Output, not the Message ("Command output follows").
    assert!(r.stderr.contains("Command failed: No such command 'no such thing'"), "{r:?}");
    assert!(!r.stderr.contains("Command output follows"), "{r:?}");
    let r = run_args(&mut ami(&fake), &["--json", "Command", "Command=no such thing"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("Command failed: No such command 'no such thing'"), "{r:?}");

    // The readonly user may not originate.
    let r = run_args(
        ami(&fake).env("AMI_USER", "readonly").env("AMI_SECRET", "ro-secret"),
        &["Originate", "Channel=Local/1@x", "Application=Wait"],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("permission denied"), "{r:?}");
}

#[test]
fn raw_sends_anything_as_typed() {
    let fake = FakeAsterisk::start().unwrap();
    let r = run_args(&mut ami(&fake), &["--raw", "MadeUpAction", "Foo=bar"]);
    assert_eq!(r.code, 1, "the server does not know it: {r:?}");
    assert!(r.stderr.contains("does not know action MadeUpAction"), "{r:?}");
    let req = &sent(&fake, "MadeUpAction")[0];
    assert_eq!(req.get_str("Foo").as_deref(), Some("bar"));
}

// ------------------------------------------------------------ exit 2

#[test]
fn validation_errors_exit_2_and_send_nothing() {
    let fake = FakeAsterisk::start().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["CoreShowChanels"], "did you mean CoreShowChannels"),
        (&["Hangup"], "Hangup needs Channel"),
        (&["Hangup", "Chanel=PJSIP/1"], "did you mean Channel"),
        (&["Hangup", "Channel=a", "Channel=b"], "Channel given twice"),
        (&["MuteAudio", "Channel=x", "Direction=sideways", "State=on"], "is not one of in, out, all"),
        (&["Originate", "Channel=x", "Async=perhaps"], "is not one of true, false"),
        (&["Login", "Username=admin"], "done by the ami command"),
        (&["Ping", "ActionID=7"], "ActionID is set by the ami command"),
        (&["--raw", "Ping", "ActionID=7"], "ActionID is set by the ami command"),
        (&["Hangup", "Channel=x\r\nAction: Command"], "CR, LF and NUL are refused"),
        // Asterisk 22.10.1 segfaults on this Filter: refused, typed or raw.
        (&["Filter", "Operation=Add", "MatchCriteria=name_regex", "Filter=x"], "MatchCriteria refused"),
        (&["--raw", "Filter", "Operation=Add", "MatchCriteria=header_x", "Filter=x"], "MatchCriteria refused"),
        (&["Ping", "oops"], "expected Key=Value"),
        (&["--bogus", "Ping"], "unknown option --bogus"),
        (&["--secret=admin-secret", "Ping"], "AMI_SECRET"),
        (&["events", "--count", "none"], "is not a number"),
        (&["help", "Nope"], "unknown action"),
        (&[], "no action given"),
    ];
    for (args, want) in cases {
        let r = run_args(&mut ami(&fake), args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(r.stderr.contains(want), "{args:?}: want {want:?} in {r:?}");
        assert!(r.stdout.is_empty(), "{args:?}: {r:?}");
        assert!(!r.stderr.contains("admin-secret"), "{args:?}: the secret is never echoed: {r:?}");
    }
    assert_eq!(fake.connections(), 0, "nothing was sent");
}

#[test]
fn missing_settings_exit_2_before_connecting() {
    let fake = FakeAsterisk::start().unwrap();
    let port = fake.addr().port().to_string();
    let r = run_args(bare_ami().env("AMI_PORT", &port).env("AMI_SECRET", "x"), &["Ping"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no user"), "{r:?}");
    let r = run_args(bare_ami().env("AMI_PORT", &port).env("AMI_USER", "admin"), &["Ping"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no secret"), "{r:?}");
    let r = run_args(&mut ami(&fake), &["--ca-file", "/nonexistent.pem", "Ping"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--tls"), "{r:?}");
    let r = run_args(ami(&fake).env("AMI_PORT", "http"), &["Ping"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(fake.connections(), 0);
}

// ------------------------------------------------------------ exit 3

#[test]
fn unreachable_server_exits_3() {
    let fake = FakeAsterisk::start().unwrap();
    fake.stop_listening();
    let r = run_args(&mut ami(&fake), &["Ping"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains(&format!("127.0.0.1:{}", fake.addr().port())), "{r:?}");
}

#[test]
fn refused_login_exits_3_and_never_shows_the_secret() {
    let fake = FakeAsterisk::builder().auth_failure_delay(Duration::from_millis(20)).start().unwrap();
    let r = run_args(ami(&fake).env("AMI_SECRET", "wrong-secret-value"), &["--verbose", "Ping"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("Authentication failed"), "{r:?}");
    assert!(!r.stderr.contains("wrong-secret-value") && !r.stdout.contains("wrong-secret-value"), "{r:?}");
    assert!(sent(&fake, "Ping").is_empty());
}

#[test]
fn verbose_output_never_shows_the_secret() {
    let fake = FakeAsterisk::start().unwrap();
    for extra in [&[][..], &["--md5"][..]] {
        let mut args = vec!["--verbose"];
        args.extend_from_slice(extra);
        args.push("Ping");
        let r = run_args(&mut ami(&fake), &args);
        assert_eq!(r.code, 0, "{r:?}");
        assert!(r.stderr.contains("logging in as admin"), "{r:?}");
        assert!(!r.stderr.contains("admin-secret") && !r.stdout.contains("admin-secret"), "{r:?}");
    }
}

#[test]
fn tls_to_a_plain_server_exits_3() {
    let fake = FakeAsterisk::start().unwrap();
    let port = fake.addr().port().to_string();
    let r = run_args(&mut ami(&fake), &["--tls", "--port", &port, "--timeout", "5", "Ping"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("TLS"), "{r:?}");
}

#[test]
fn connection_lost_mid_answer_exits_3() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("CoreShowChannels", Fault::CloseMidMessage);
    let r = run_args(&mut ami(&fake), &["CoreShowChannels"]);
    assert_eq!(r.code, 3, "{r:?}");
}

// ------------------------------------------------------------ exit 4

#[test]
fn silence_exits_4() {
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("Ping", Fault::Silence);
    let r = run_args(&mut ami(&fake), &["--timeout", "0.5", "Ping"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("timed out"), "{r:?}");
    // No banner at all: the timeout is reported as such, not as a refusal.
    fake.fault_next_connection(Fault::Silence);
    let r = run_args(&mut ami(&fake), &["--timeout", "0.5", "Ping"]);
    assert_eq!(r.code, 4, "{r:?}");
    // A plain server that is only silent is not taken for TLS.
    assert!(!r.stderr.contains("--tls"), "{r:?}");
}

#[test]
fn a_tls_record_instead_of_a_banner_suggests_tls() {
    let fake = FakeAsterisk::start().unwrap();
    // A TLS alert record (protocol_version), as a TLS server may send.
    fake.fault_next_connection(Fault::Garbage(b"\x15\x03\x01\x00\x02\x02\x46".to_vec()));
    let r = run_args(&mut ami(&fake), &["--timeout", "5", "Ping"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("not an Asterisk manager banner"), "{r:?}");
    assert!(r.stderr.contains("(the port may be TLS: try --tls)"), "{r:?}");
    // Other garbage is only garbage.
    fake.fault_next_connection(Fault::Garbage(b"\x00\x01 not AMI".to_vec()));
    let r = run_args(&mut ami(&fake), &["--timeout", "5", "Ping"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(!r.stderr.contains("--tls"), "{r:?}");
}

// ------------------------------------------------------------ MD5, secret file, TLS

#[test]
fn md5_login_keeps_the_secret_off_the_wire() {
    let fake = FakeAsterisk::builder().auth_failure_delay(Duration::from_millis(20)).start().unwrap();
    let r = run_args(&mut ami(&fake), &["--md5", "Ping"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(sent(&fake, "Challenge").len(), 1);
    let login = &sent(&fake, "Login")[0];
    assert_eq!(login.get_str("AuthType").as_deref(), Some("MD5"));
    assert!(login.get("Key").is_some() && login.get("Secret").is_none(), "{login:?}");
    let r = run_args(ami(&fake).env("AMI_SECRET", "nope"), &["--md5", "Ping"]);
    assert_eq!(r.code, 3, "{r:?}");
}

#[test]
fn secret_file_is_read_and_wins() {
    let fake = FakeAsterisk::start().unwrap();
    let file = TempFile::new(b"admin-secret\n");
    let r = run_args(ami(&fake).env("AMI_SECRET", "wrong"), &["--secret-file", file.path(), "Ping"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = run_args(&mut ami(&fake), &["--secret-file", "/nonexistent/secret", "Ping"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--secret-file: cannot read /nonexistent/secret"), "{r:?}");
    // AMI_SECRET_FILE, read by the library's Login::from_env code.
    let r = run_args(
        bare_ami()
            .env("AMI_PORT", fake.addr().port().to_string())
            .env("AMI_USER", "admin")
            .env("AMI_SECRET_FILE", file.path()),
        &["Ping"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = run_args(ami(&fake).env("AMI_SECRET_FILE", file.path()), &["Ping"]);
    assert_eq!(r.code, 2, "both AMI_SECRET and AMI_SECRET_FILE: {r:?}");
    assert!(r.stderr.contains("AMI_SECRET_FILE") && !r.stderr.contains("admin-secret"), "{r:?}");
}

#[cfg(all(feature = "tls", target_os = "linux"))]
#[path = "../../ami-core/tests/support/certs.rs"]
mod certs;

#[cfg(all(feature = "tls", target_os = "linux"))]
#[test]
fn tls_with_a_ca_file() {
    let (identity, ca_pem) = certs::localhost_identity();
    let fake = FakeAsterisk::builder().tls(identity).start().unwrap();
    let ca = TempFile::new(&ca_pem);
    let port = fake.addr().port().to_string();
    let r = run_args(
        bare_ami().env("AMI_USER", "admin").env("AMI_SECRET", "admin-secret"),
        &["--tls", "--ca-file", ca.path(), "--port", &port, "--md5", "Ping"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Ping: Pong"), "{r:?}");
    // The same through the environment.
    let r = run_args(ami(&fake).env("AMI_TLS", "1").env("AMI_CA_FILE", ca.path()), &["--json", "CoreShowChannels"]);
    assert_eq!(r.code, 0, "{r:?}");
    // Without --tls: no banner comes; the port is probed and found to be TLS.
    let r = run_args(&mut ami(&fake), &["--port", &port, "--timeout", "1", "Ping"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("timed out waiting for the banner (the port may be TLS: try --tls)"), "{r:?}");
    // Without the CA the certificate does not verify.
    let r = run_args(&mut ami(&fake), &["--tls", "--port", &port, "Ping"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("TLS"), "{r:?}");
}

// ------------------------------------------------------------ ami events

/// Starts `ami events ...`, waits until it is logged in, injects `events`,
/// and returns the finished run.
fn events_run(fake: &FakeAsterisk, args: &[&str], events: &[Message]) -> Run {
    let mut cmd = ami(fake);
    cmd.arg("events").args(args);
    let handle = {
        let mut cmd = cmd;
        thread::spawn(move || run(&mut cmd))
    };
    let started = Instant::now();
    while !fake.sessions().iter().any(|s| s.username.is_some()) {
        assert!(started.elapsed() < STUCK, "ami events never logged in");
        thread::sleep(Duration::from_millis(5));
    }
    for e in events {
        fake.inject_event(e);
    }
    handle.join().unwrap()
}

fn quirky_events() -> Vec<Message> {
    vec![
        Message::from_frame(b"Event: Newexten\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/100-00000001\r\nAppData: first line\nsecond: line".to_vec()),
        Message::from_frame(b"Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: Note\r\nExten: 100\r\nExten: 200\r\nBody: one\rtwo".to_vec()),
        Message::from_frame(b"Event: Newchannel\r\nPrivilege: call,all\r\nCallerIDName: Jos\xe9\r\nthis line has no colon".to_vec()),
    ]
}

#[test]
fn events_json_reads_back_exactly() {
    let fake = FakeAsterisk::start().unwrap();
    // FullyBooted and SuccessfulAuth come with the login answer, then ours.
    let r = events_run(&fake, &["--json", "--count", "5"], &quirky_events());
    assert_eq!(r.code, 0, "{r:?}");
    let lines = r.json_lines();
    let names: Vec<&str> = lines.iter().map(|l| l["Event"].as_str().unwrap()).collect();
    assert_eq!(names, ["FullyBooted", "SuccessfulAuth", "Newexten", "UserEvent", "Newchannel"]);
    assert_eq!(lines[2]["AppData"], "first line\nsecond: line");
    assert_eq!(lines[3]["Exten"], serde_json::json!(["100", "200"]));
    assert_eq!(lines[3]["Body"], "one\rtwo");
    assert_eq!(lines[4]["CallerIDName"], "Jos\u{fffd}");
    assert_eq!(lines[4]["_lines"], serde_json::json!(["this line has no colon"]));
}

#[test]
fn events_text_is_one_line_per_event() {
    let fake = FakeAsterisk::start().unwrap();
    let r = events_run(&fake, &["--count", "5"], &quirky_events());
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{r:?}");
    assert!(
        lines[2].starts_with(
            "Newexten Privilege=dialplan,all Channel=PJSIP/100-00000001 AppData=\"first line\\nsecond: line\""
        ),
        "{}",
        lines[2]
    );
    assert!(lines[3].contains("Exten=100 Exten=200"), "{}", lines[3]);
}

#[test]
fn events_filter_keeps_matching_events() {
    let fake = FakeAsterisk::start().unwrap();
    let hangup = |ch: &str, cause: &str| {
        Message::from_pairs([("Event", "Hangup"), ("Privilege", "call,all"), ("Channel", ch), ("Cause", cause)])
    };
    let injected = [
        Message::from_pairs([("Event", "Newchannel"), ("Privilege", "call,all"), ("Channel", "PJSIP/100-1")]),
        hangup("PJSIP/100-1", "16"),
        hangup("SIP/200-2", "17"),
        hangup("PJSIP/300-3", "17"),
    ];
    let r = events_run(
        &fake,
        &["--json", "--count", "1", "--filter", "event=hangup", "--filter", "Channel=PJSIP/*", "--filter", "Cause=17"],
        &injected,
    );
    assert_eq!(r.code, 0, "{r:?}");
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["Channel"], "PJSIP/300-3");
}

#[test]
fn events_duration_ends_the_stream() {
    let fake = FakeAsterisk::start().unwrap();
    let r = run_args(&mut ami(&fake), &["events", "--duration", "0.3", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let names: Vec<String> = r.json_lines().iter().map(|l| l["Event"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["FullyBooted", "SuccessfulAuth"]);
}

#[test]
fn events_server_gone_for_good_exits_3_when_the_duration_ends() {
    let fake = FakeAsterisk::start().unwrap();
    let mut cmd = ami(&fake);
    cmd.args(["events", "--json", "--duration", "2"]);
    let handle = thread::spawn(move || run(&mut cmd));
    let started = Instant::now();
    while !fake.sessions().iter().any(|s| s.username.is_some()) {
        assert!(started.elapsed() < STUCK);
        thread::sleep(Duration::from_millis(5));
    }
    fake.stop_listening();
    fake.kill_connections();
    let r = handle.join().unwrap();
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("ami: connection lost"), "{r:?}");
    assert!(r.stderr.contains("not restored"), "{r:?}");
}

#[test]
fn events_reader_going_away_ends_quietly() {
    // `ami events | head -1`: once the reader is gone, the next write fails
    // with a broken pipe, and ami exits 0 without a word.
    let fake = FakeAsterisk::start().unwrap();
    let mut child = ami(&fake)
        .args(["events", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(first[0], b'{', "the first event arrived");
    drop(stdout);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < STUCK, "ami kept running without a reader");
        fake.inject_event(&Message::from_pairs([("Event", "UserEvent"), ("UserEvent", "Tick")]));
        thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

// ------------------------------------------------------ ami events, drops

/// The event `ami events --filter UserEvent=Flood` is after.
fn flood_event() -> Message {
    Message::from_pairs([("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", "Flood")])
}

/// A closing line `ami: T matching events received but not printed (D
/// dropped, Q still queued)`, as (T, D, Q).
fn unprinted_line(line: &str) -> Option<(u64, u64, u64)> {
    let rest = line.strip_prefix("ami: ")?;
    let (total, rest) = rest.split_once(" matching event")?;
    let rest = rest.split_once("received but not printed (")?.1;
    let (dropped, rest) = rest.split_once(" dropped, ")?;
    let queued = rest.strip_suffix(" still queued)")?;
    Some((total.parse().ok()?, dropped.parse().ok()?, queued.parse().ok()?))
}

/// A report `ami: output too slow: N events dropped (M so far)`, as (N, M).
fn drop_report(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("ami: output too slow: ")?;
    let (n, rest) = rest.split_once(" event")?;
    let so_far = rest.split_once('(')?.1.strip_suffix(" so far)")?;
    Some((n.parse().ok()?, so_far.parse().ok()?))
}

/// Sends `signal` (a `kill` name: TERM, INT) to `child` through the shell.
#[cfg(unix)]
fn send_signal(child: &std::process::Child, signal: &str) {
    let status =
        Command::new("sh").args(["-c", &format!("kill -{signal} {}", child.id())]).status().expect("run sh -c kill");
    assert!(status.success(), "kill -{signal} failed");
}

/// Waits for `child` to exit, killing it after [`STUCK`].
fn wait_bounded(child: &mut std::process::Child) -> i32 {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().expect("ami killed by a signal");
        }
        if started.elapsed() > STUCK {
            child.kill().unwrap();
            panic!("ami did not finish");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(unix)]
#[test]
fn events_into_a_slow_reader_reports_drops_and_exits_5() {
    // The flood follows the login answer, far more events than the pipe,
    // ami's buffer and a queue of 1,000 hold. The test reads stdout at a
    // trickle (at most 4 KiB per 5 ms: 10 s for the whole flood), so ami's
    // reader, which never waits, overruns the queue; the printing reaches
    // the gap and says so on stderr. Then SIGTERM ends the stream: ami logs
    // off (the Goodbye comes after the whole flood, so every flood event has
    // been queued or dropped by then) and counts what it never printed.
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;

    const FLOOD: u64 = 50_000;
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("Login", Fault::Flood { message: flood_event(), count: FLOOD as usize });
    let mut child = ami(&fake)
        .args(["events", "--json", "--queue-limit", "1000", "--filter", "UserEvent=Flood"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        let (mut all, mut buf) = (Vec::new(), [0u8; 4096]);
        loop {
            match stdout.read(&mut buf) {
                Ok(0) => return all,
                Ok(n) => all.extend_from_slice(&buf[..n]),
                Err(e) => panic!("reading ami's stdout: {e}"),
            }
            thread::sleep(Duration::from_millis(5));
        }
    });
    let (tx, lines) = mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let errors = thread::spawn(move || {
        stderr.lines().map(|l| l.expect("stderr is UTF-8")).inspect(|l| drop(tx.send(l.clone()))).collect::<Vec<_>>()
    });
    // Every wait is bounded: a line, the end of stderr, or STUCK.
    let started = Instant::now();
    loop {
        let left = STUCK.saturating_sub(started.elapsed());
        match lines.recv_timeout(left) {
            Ok(line) if drop_report(&line).is_some() => break,
            Ok(_) => {}
            Err(e) => {
                let _ = child.kill();
                panic!("no drop report from ami ({e:?})");
            }
        }
    }
    send_signal(&child, "TERM");
    let code = wait_bounded(&mut child);
    let stdout = String::from_utf8(reader.join().unwrap()).unwrap();
    let stderr = errors.join().unwrap();
    let report = format!("exit {code}\nstderr:\n{}", stderr.join("\n"));

    let printed = stdout.lines().count() as u64;
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
        assert_eq!(v["UserEvent"], "Flood", "only matching events are printed");
    }
    assert!(printed < FLOOD, "{report}");
    // Drop reports as the printing reached each gap, with a running total.
    let reports: Vec<(u64, u64)> = stderr.iter().filter_map(|l| drop_report(l)).collect();
    assert!(!reports.is_empty(), "{report}");
    let mut sum = 0;
    for (n, so_far) in &reports {
        sum += n;
        assert_eq!(*so_far, sum, "{report}");
    }
    // One closing line, last, with the exact total.
    let last = stderr.last().expect("a closing line");
    let (total, dropped, queued) = unprinted_line(last).unwrap_or_else(|| panic!("closing line: {report}"));
    assert_eq!(total, FLOOD - printed, "{report}");
    assert_eq!(dropped + queued, total, "{report}");
    assert!(dropped >= sum, "{report}");
    assert_eq!(stderr.iter().filter(|l| unprinted_line(l).is_some()).count(), 1, "{report}");
    assert_eq!(code, 5, "{report}");
}

#[test]
fn events_count_counts_what_stays_queued_past_it_and_exits_5() {
    // `--count 10` stops after ten; the rest of the flood is queued (up to
    // 1,000) or dropped, and all of it is received but not printed.
    const FLOOD: u64 = 3_000;
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("Login", Fault::Flood { message: flood_event(), count: FLOOD as usize });
    let r = run_args(
        &mut ami(&fake),
        &["events", "--json", "--count", "10", "--queue-limit", "1000", "--filter", "UserEvent=Flood"],
    );
    assert_eq!(r.code, 5, "{r:?}");
    assert_eq!(r.json_lines().len(), 10, "{r:?}");
    let last = r.stderr.lines().last().unwrap_or_default();
    let (total, dropped, queued) = unprinted_line(last).unwrap_or_else(|| panic!("closing line: {r:?}"));
    assert_eq!(total, FLOOD - 10, "{r:?}");
    assert_eq!(dropped + queued, total, "{r:?}");
    assert!(dropped > 0 && queued > 0, "{r:?}");
    // The printing never reached the gap, which sits after 1,000 events.
    assert!(!r.stderr.contains("output too slow"), "{r:?}");
}

#[test]
fn events_count_leaves_the_rest_queued_reports_it_and_exits_0() {
    // Nothing dropped: what is still queued past `--count` is reported, and
    // is no failure.
    const FLOOD: u64 = 300;
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("Login", Fault::Flood { message: flood_event(), count: FLOOD as usize });
    let r = run_args(&mut ami(&fake), &["events", "--json", "--count", "10", "--filter", "UserEvent=Flood"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json_lines().len(), 10, "{r:?}");
    let last = r.stderr.lines().last().unwrap_or_default();
    assert_eq!(unprinted_line(last), Some((FLOOD - 10, 0, FLOOD - 10)), "{r:?}");
}

#[test]
fn events_a_reader_that_keeps_up_exits_0_without_drop_reports() {
    // 20,000 events that do not match, then five that do, spread through
    // them: the filter runs before anything is queued, so a queue of 10
    // never fills however fast the events come, and nothing is dropped.
    let noise =
        Message::from_pairs([("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", "Noise")]).to_wire();
    let mut stream = Vec::new();
    for i in 0..20_000 {
        stream.extend_from_slice(&noise);
        if i % 4_000 == 3_999 {
            let wanted = Message::from_pairs([
                ("Event", "UserEvent"),
                ("Privilege", "user,all"),
                ("UserEvent", "Wanted"),
                ("N", &i.to_string()),
            ]);
            stream.extend_from_slice(&wanted.to_wire());
        }
    }
    let fake = FakeAsterisk::start().unwrap();
    fake.fault_on_action("Login", Fault::Stream(stream.into()));
    let r = run_args(
        &mut ami(&fake),
        &["events", "--json", "--count", "5", "--queue-limit", "10", "--filter", "UserEvent=Wanted"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let numbers: Vec<String> = r.json_lines().iter().map(|l| l["N"].as_str().unwrap().to_owned()).collect();
    assert_eq!(numbers, ["3999", "7999", "11999", "15999", "19999"], "{r:?}");
    assert!(!r.stderr.contains("dropped") && !r.stderr.contains("not printed"), "{r:?}");
}

#[cfg(unix)]
#[test]
fn events_end_on_sigint_with_nothing_lost_exits_0() {
    let fake = FakeAsterisk::start().unwrap();
    let mut child = ami(&fake)
        .args(["events", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The two events of the login are printed once the stream runs, after
    // the handler is installed; nothing else comes.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    for name in ["FullyBooted", "SuccessfulAuth"] {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        assert!(line.contains(name), "{line:?}");
    }
    send_signal(&child, "INT");
    let code = wait_bounded(&mut child);
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(sent(&fake, "Logoff").len(), 1, "logged off politely");
}

// ------------------------------------------------------------ actions, help

#[test]
fn actions_lists_every_action_with_releases() {
    let r = run_args(&mut bare_ami(), &["actions", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let list = r.json_lines().remove(0);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), ami_actions::meta::ACTIONS.len());
    let sip = list.iter().find(|a| a["name"] == "SIPpeers").unwrap();
    assert_eq!(sip["releases"], serde_json::json!(["20.20.1"]));
    let r = run_args(&mut bare_ami(), &["actions"]);
    assert!(r.stdout.lines().any(|l| l.starts_with("Originate ") && l.trim_end().ends_with("all")), "{}", r.stdout);
}

#[test]
fn help_describes_an_action() {
    let r = run_args(&mut bare_ami(), &["help", "coreshowchannels"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("CoreShowChannel event(s), then CoreShowChannelsComplete"), "{r:?}");
    let r = run_args(&mut bare_ami(), &["Originate", "--help"]);
    assert!(r.stdout.contains("Variable") && r.stdout.contains("may repeat"), "{r:?}");
    // Lists the XML does not declare, taken from the wire.
    let r = run_args(&mut bare_ami(), &["help", "ConfbridgeList"]);
    assert!(r.stdout.contains("ConfbridgeList event(s), then ConfbridgeListComplete"), "{r:?}");
    assert!(!r.stdout.contains("Answers with one response."), "{r:?}");
    let r = run_args(&mut bare_ami(), &["help", "WaitEvent"]);
    assert!(r.stdout.contains("one WaitEventComplete event with the same ActionID"), "{r:?}");
    let r = run_args(&mut bare_ami(), &["--help"]);
    assert_eq!(r.code, 0);
    for code in
        ["0  success", "1  the server answered", "2  usage", "3  connection", "4  timeout", "5  events were dropped"]
    {
        assert!(r.stdout.contains(code), "--help documents exit code {code:?}");
    }
}

#[test]
fn events_survive_a_server_restart_and_say_so() {
    let fake = FakeAsterisk::start().unwrap();
    let mut cmd = ami(&fake);
    cmd.args(["events", "--json", "--count", "2", "--filter", "Event=UserEvent"]);
    let handle = thread::spawn(move || run(&mut cmd));
    let logged_in_other_than = |old: Option<ami_actions::testkit::SessionId>| {
        let started = Instant::now();
        loop {
            let now = fake.sessions().into_iter().find(|s| s.username.is_some() && Some(s.id) != old);
            if let Some(s) = now {
                return s.id;
            }
            assert!(started.elapsed() < STUCK, "ami events never logged in");
            thread::sleep(Duration::from_millis(5));
        }
    };
    let first = logged_in_other_than(None);
    fake.kill_connections();
    logged_in_other_than(Some(first));
    for n in ["1", "2"] {
        fake.inject_event(&Message::from_pairs([("Event", "UserEvent"), ("Privilege", "user,all"), ("N", n)]));
    }
    let r = handle.join().unwrap();
    assert_eq!(r.code, 0, "{r:?}");
    let numbers: Vec<String> = r.json_lines().iter().map(|l| l["N"].as_str().unwrap().to_owned()).collect();
    assert_eq!(numbers, ["1", "2"], "{r:?}");
    assert!(r.stderr.contains("ami: connection lost"), "{r:?}");
    assert!(r.stderr.contains("ami: connection restored"), "{r:?}");
}

// ------------------------------------------------------------ ami live

#[test]
fn live_json_is_one_object_with_the_calls_up() {
    let fake = FakeAsterisk::start().unwrap();
    place_calls(&fake, 3);
    let r = run_args(&mut ami(&fake), &["live", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("one JSON document ({e}): {r:?}"));
    for key in ["channels", "bridges", "calls", "queues", "conferences", "parked"] {
        assert!(v[key].is_array(), "{key} in {v}");
    }
    assert_eq!(v["calls"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(v["channels"].as_array().unwrap().len(), 6, "two halves of each Local call: {v}");
    for call in v["calls"].as_array().unwrap() {
        assert_eq!(call["channels"].as_array().unwrap().len(), 2, "{call}");
        assert!(call["ended"].is_null());
    }
    // Lists this fake does not know are refused, named on stderr, and not fatal.
    for line in r.stderr.lines() {
        assert!(line.starts_with("ami: ") && line.contains(" refused: "), "{r:?}");
    }
    assert_eq!(sent(&fake, "CoreShowChannels").len(), 1);
}

#[cfg(unix)]
#[test]
fn live_watch_prints_each_change_until_interrupted() {
    use std::io::{BufRead, BufReader};
    let fake = FakeAsterisk::start().unwrap();
    place_calls(&fake, 1);
    let mut child = ami(&fake)
        .args(["live", "--watch", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let reader = thread::spawn(move || {
        for l in stdout.lines() {
            if tx.send(l.unwrap()).is_err() {
                break;
            }
        }
    });
    let next = |what: &str| -> Value {
        let line = lines.recv_timeout(STUCK).unwrap_or_else(|e| panic!("no {what} ({e:?})"));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"))
    };
    let first = next("snapshot");
    assert_eq!(first["calls"].as_array().unwrap().len(), 1, "{first}");
    let channel = fake.channels()[0].clone();
    assert!(fake.hangup(&channel));
    let mut kinds = Vec::new();
    while !kinds.iter().any(|k| k == "call_ended") {
        let change = next("change");
        kinds.push(change["change"].as_str().unwrap_or_else(|| panic!("a change names its kind: {change}")).to_owned());
    }
    assert_eq!(kinds.iter().filter(|k| *k == "channel_hung_up").count(), 2, "{kinds:?}");
    send_signal(&child, "INT");
    assert_eq!(wait_bounded(&mut child), 0);
    reader.join().unwrap();
}

#[test]
fn watch_is_only_for_live() {
    let r = run_args(&mut bare_ami(), &["events", "--watch"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--watch is for ami live"), "{r:?}");
}
