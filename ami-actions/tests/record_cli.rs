//! `ami fake`, `ami record` and `ami decode`, driven as a shell user drives
//! them; and the originate example run live and against its recording.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use ami_actions::ami_core::Decoder;
use ami_actions::record::{Direction, Recorder, Recording};
use ami_actions::testkit::FakeAsterisk;
use ami_actions::Message;
use serde_json::{Map, Value};

const AMI: &str = env!("CARGO_BIN_EXE_ami");
/// A run that takes longer than this is stuck: kill it and fail.
const STUCK: Duration = Duration::from_secs(60);

fn bare(cmd: &str) -> Command {
    let mut c = Command::new(cmd);
    for var in ["AMI_HOST", "AMI_PORT", "AMI_USER", "AMI_SECRET", "AMI_TLS", "AMI_CA_FILE", "AMI_EXAMPLE_TIMEOUT"] {
        c.env_remove(var);
    }
    c
}

/// `ami` logging in as admin on 127.0.0.1:`port`.
fn ami(port: u16) -> Command {
    let mut c = bare(AMI);
    c.env("AMI_PORT", port.to_string()).env("AMI_USER", "admin").env("AMI_SECRET", "admin-secret");
    c
}

/// Waits for `child` at most [`STUCK`]; returns (exit code, stdout, stderr).
fn finish(mut child: Child) -> (i32, String, String) {
    // Read while waiting: a full pipe would stop the child.
    let reader = |s: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut s) = s {
                let _ = s.read_to_string(&mut text);
            }
            text
        })
    };
    let out = reader(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let err = reader(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let deadline = Instant::now() + STUCK;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("stuck for {STUCK:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    (status.code().unwrap_or(-1), out.join().unwrap(), err.join().unwrap())
}

fn run(mut c: Command) -> (i32, String, String) {
    finish(c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap())
}

/// `ami fake --port 0 ARGS` running; its port from the line it prints.
struct Fake {
    child: Child,
    port: u16,
    line: String,
}

impl Fake {
    fn start(args: &[&str]) -> Fake {
        let mut child = bare(AMI)
            .args(["fake", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        let addr = line.split("listening on ").nth(1).and_then(|s| s.split(' ').next()).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("no address in {line:?}")
        });
        let port = addr.parse::<SocketAddr>().unwrap().port();
        Fake { child, port, line }
    }

    /// SIGTERM; it must stop cleanly (exit 0).
    fn stop(self) -> String {
        let pid = self.child.id().to_string();
        assert!(bare("kill").args(["-TERM", &pid]).status().unwrap().success());
        let (code, _, err) = finish(self.child);
        assert_eq!(code, 0, "ami fake after SIGTERM: {err}");
        err
    }
}

#[test]
fn ami_fake_serves_the_cli() {
    let fake = Fake::start(&[]);
    assert!(fake.line.contains("127.0.0.1:") && fake.line.contains("admin/admin-secret"), "{}", fake.line);
    let (code, out, err) = run({
        let mut c = ami(fake.port);
        c.arg("Ping");
        c
    });
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Ping: Pong"), "{out}");
    let (code, out, err) = run({
        let mut c = ami(fake.port);
        c.args(["CoreShowChannels", "--json"]);
        c
    });
    assert_eq!(code, 0, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    assert!(list.is_array(), "{out}");
    let (code, out, err) = run({
        let mut c = ami(fake.port);
        c.args(["events", "--count", "2", "--json"]);
        c
    });
    assert_eq!(code, 0, "{err}");
    let names: Vec<String> =
        out.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["Event"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["FullyBooted", "SuccessfulAuth"]);
    fake.stop();
}

#[test]
fn ami_fake_help_names_the_users() {
    let (code, out, _) = run({
        let mut c = bare(AMI);
        c.args(["fake", "--help"]);
        c
    });
    assert_eq!(code, 0);
    for user in ["admin/admin-secret", "readonly/ro-secret", "originator/orig-secret"] {
        assert!(out.contains(user), "{user} not in the help");
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ami-record-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Events of `ami decode FILE` (the server's, after the login answer), as
/// `ami events --json` would print them: without `_dir` and `_t`.
fn decoded_events(file: &Path) -> Vec<Value> {
    let (code, out, err) = run({
        let mut c = bare(AMI);
        c.arg("decode").arg(file);
        c
    });
    assert_eq!(code, 0, "{err}");
    let all: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let login = all.iter().position(|v| v["Message"] == "Authentication accepted").expect("a login answer");
    all[login + 1..]
        .iter()
        .filter(|v| v.get("Event").is_some())
        .map(|v| {
            let mut v = v.as_object().unwrap().clone();
            v.remove("_dir");
            v.remove("_t");
            Value::Object(v)
        })
        .collect()
}

#[test]
fn ami_record_then_ami_fake_replay_prints_the_recorded_events() {
    let dir = temp_dir("replay");
    for name in ["session.txt", "session.txt.gz"] {
        let live = FakeAsterisk::start().unwrap();
        let file = dir.join(name);
        let recorder = ami(live.addr().port()).args(["record", "--count", "5", "--out"]).arg(&file).spawn().unwrap();
        let deadline = Instant::now() + STUCK;
        while !live.sessions().iter().any(|s| s.username.is_some()) {
            assert!(Instant::now() < deadline, "ami record never logged in");
            thread::sleep(Duration::from_millis(10));
        }
        for i in 0..3 {
            live.inject_event(&Message::from_pairs([("Event", "UserEvent"), ("UserEvent", &*format!("u{i}"))]));
        }
        let (code, _, err) = finish(recorder);
        assert_eq!(code, 0, "ami record: {err}");
        let text = if name.ends_with(".gz") {
            let mut s = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&file).unwrap()).read_to_string(&mut s).unwrap();
            s
        } else {
            std::fs::read_to_string(&file).unwrap()
        };
        assert!(!text.contains("admin-secret") && text.contains("Secret: <redacted>"), "{text}");
        assert!(text.contains("Action: Logoff"), "it logs off");

        let recorded = decoded_events(&file);
        assert_eq!(recorded.len(), 5, "{recorded:?}");
        let fake = Fake::start(&["--replay", file.to_str().unwrap(), "--speed", "inf"]);
        let (code, out, err) = run({
            let mut c = ami(fake.port);
            c.args(["events", "--json", "--count", "5"]);
            c
        });
        assert_eq!(code, 0, "{err}");
        let printed: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(printed, recorded);
        let err = fake.stop();
        assert!(err.is_empty(), "{err}");
    }
}

/// What the library makes of a transcript, as `ami decode --client` should
/// print it.
fn expected(recording: &Recording) -> Vec<Value> {
    let mut out = Vec::new();
    let mut server = Decoder::new();
    let mut banner = false;
    let mut client = Vec::<u8>::new();
    for chunk in &recording.chunks {
        let mut messages = Vec::new();
        if chunk.direction == Direction::Client {
            client.extend_from_slice(&chunk.bytes);
            // Complete messages: an empty line (LF or CRLF) ends each.
            let text = client.clone();
            let mut start = 0;
            let mut lines = Vec::new();
            let mut i = 0;
            while let Some(n) = text[i..].iter().position(|&b| b == b'\n') {
                let line = text[i..i + n].strip_suffix(b"\r").unwrap_or(&text[i..i + n]).to_vec();
                i += n + 1;
                if line.is_empty() {
                    if !lines.is_empty() {
                        messages.push(Message::from_frame(lines.join(&b"\r\n"[..])));
                    }
                    lines.clear();
                    start = i;
                } else {
                    lines.push(line);
                }
            }
            client.drain(..start);
        } else {
            server.feed(&chunk.bytes);
            if !banner {
                banner = server.decode_banner().unwrap().is_some();
            }
            if banner {
                while let Some(m) = server.decode().unwrap() {
                    messages.push(m);
                }
            }
        }
        for m in messages {
            let mut obj = Map::new();
            obj.insert("_dir".into(), if chunk.direction == Direction::Client { "client" } else { "server" }.into());
            obj.insert("_t".into(), chunk.at.into());
            let mut lines = Vec::new();
            let mut keys: Vec<(String, Vec<String>)> = Vec::new();
            for h in m.headers() {
                if h.is_bare_line() {
                    lines.push(Value::from(h.name_str().into_owned()));
                    continue;
                }
                let v = h.value_str().into_owned();
                match keys.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&h.name_str())) {
                    Some((_, vs)) => vs.push(v),
                    None => keys.push((h.name_str().into_owned(), vec![v])),
                }
            }
            for (k, mut vs) in keys {
                obj.insert(k, if vs.len() == 1 { vs.remove(0).into() } else { vs.into() });
            }
            if !lines.is_empty() {
                obj.insert("_lines".into(), lines.into());
            }
            out.push(Value::Object(obj));
        }
    }
    out
}

#[test]
fn ami_decode_agrees_with_the_library_on_every_transcript() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ami-core/tests/fixtures/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|x| x == "txt"));
    files.sort();
    assert!(files.len() >= 10);
    for file in files {
        let recording = Recording::load(&file).unwrap();
        let (code, out, err) = run({
            let mut c = bare(AMI);
            c.arg("decode").arg(&file).arg("--client");
            c
        });
        assert_eq!(code, 0, "{}: {err}", file.display());
        let printed: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", file.display())))
            .collect();
        let want = expected(&recording);
        assert_eq!(printed.len(), want.len(), "{}", file.display());
        for (p, w) in printed.iter().zip(&want) {
            // `_raw` (the exact frame, present when the plain keys cannot
            // rebuild it) is the library encoder's business: tests/json.rs
            // round-trips it. The rest must be what the plain shape says.
            let mut p = p.clone();
            p.as_object_mut().unwrap().remove("_raw");
            assert_eq!(&p, w, "{}", file.display());
        }
        // The raw server stream, through stdin: the same server messages.
        let mut child = bare(AMI)
            .args(["decode", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let bytes = recording.server_bytes();
        let mut stdin = child.stdin.take().unwrap();
        let writer = thread::spawn(move || stdin.write_all(&bytes));
        let (code, out, err) = finish(child);
        writer.join().unwrap().unwrap();
        assert_eq!(code, 0, "{err}");
        let raw: Vec<Value> = out
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("_raw"); // as above
                v
            })
            .collect();
        let server: Vec<Value> = want
            .iter()
            .filter(|v| v["_dir"] == "server")
            .map(|v| {
                let mut v = v.as_object().unwrap().clone();
                v.remove("_dir");
                v.remove("_t");
                Value::Object(v)
            })
            .collect();
        assert_eq!(raw, server, "{}", file.display());
    }
}

/// A TCP proxy to `upstream` for one connection, recording it.
fn recording_proxy(upstream: SocketAddr, recorder: Recorder) -> (u16, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (mut client, _) = listener.accept().unwrap();
        let mut server = TcpStream::connect(upstream).unwrap();
        recorder.note(&format!("connected to {upstream}"));
        let (mut client_w, mut server_r, rec) =
            (client.try_clone().unwrap(), server.try_clone().unwrap(), recorder.clone());
        let down = thread::spawn(move || {
            let mut buf = [0; 16 * 1024];
            while let Ok(n @ 1..) = server_r.read(&mut buf) {
                rec.server_sent(&buf[..n]);
                if client_w.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            rec.note("EOF (server closed the connection)");
            let _ = client_w.shutdown(Shutdown::Both);
        });
        let mut buf = [0; 16 * 1024];
        while let Ok(n @ 1..) = client.read(&mut buf) {
            recorder.client_wrote(&buf[..n]);
            if server.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = server.shutdown(Shutdown::Both);
        down.join().unwrap();
        recorder.finish().unwrap();
    });
    (port, handle)
}

/// The originate example's binary, built by `cargo test` beside the tests.
fn example(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("examples").join(name);
    if path.exists() {
        return Some(path);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!in_ci, "{} was not built (CI=true)", path.display());
    eprintln!("SKIPPED: {} was not built", path.display());
    None
}

fn run_example(exe: &Path, port: u16) -> (i32, String, String) {
    run({
        let mut c = bare(exe.to_str().unwrap());
        c.env("AMI_HOST", "127.0.0.1").env("AMI_PORT", port.to_string()).env("AMI_USER", "admin");
        c.env("AMI_SECRET", "admin-secret").env("AMI_EXAMPLE_TIMEOUT", "20").args(["Local/100@demo", "200@default"]);
        c
    })
}

#[test]
fn the_originate_example_prints_the_same_live_and_replayed() {
    let Some(exe) = example("originate") else { return };
    let dir = temp_dir("example");
    let file = dir.join("originate.txt");
    let live = FakeAsterisk::start().unwrap();
    let recorder = Recorder::new(std::fs::File::create(&file).unwrap(), "originate").unwrap();
    let (port, proxy) = recording_proxy(live.addr(), recorder);
    let (code, live_out, err) = run_example(&exe, port);
    assert_eq!(code, 0, "{err}");
    proxy.join().unwrap();
    assert!(live_out.contains("the call"), "{live_out}");

    let fake = Fake::start(&["--replay", file.to_str().unwrap()]);
    let (code, replayed_out, err) = run_example(&exe, fake.port);
    assert_eq!(code, 0, "{err}");
    assert_eq!(replayed_out, live_out);
    let err = fake.stop();
    assert!(err.is_empty(), "unmatched actions: {err}");
}

/// Against a real Asterisk (`AMI_REAL_ASTERISK=127.0.0.1:5038`, users
/// admin/admin-secret): `ami record`, then `ami fake --replay`, then
/// `ami events --json` prints what was recorded.
#[test]
#[ignore = "needs a real Asterisk: AMI_REAL_ASTERISK=host:port"]
fn real_asterisk_record_and_replay() {
    let Ok(addr) = std::env::var("AMI_REAL_ASTERISK") else { return };
    let addr: SocketAddr = addr.parse().unwrap();
    let dir = temp_dir("real");
    let file = dir.join("real.txt");
    let mut c = bare(AMI);
    c.env("AMI_HOST", addr.ip().to_string()).env("AMI_PORT", addr.port().to_string());
    c.env("AMI_USER", "admin").env("AMI_SECRET", "admin-secret");
    c.args(["record", "--duration", "3", "--out"]).arg(&file);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let recorded = decoded_events(&file);
    assert!(!recorded.is_empty());
    let fake = Fake::start(&["--replay", file.to_str().unwrap(), "--speed", "inf"]);
    let (code, out, err) = run({
        let mut c = ami(fake.port);
        c.args(["events", "--json", "--count", &recorded.len().to_string()]);
        c
    });
    assert_eq!(code, 0, "{err}");
    let printed: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(printed, recorded);
    fake.stop();
}
