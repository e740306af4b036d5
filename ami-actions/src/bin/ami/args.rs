//! The command line, parsed by hand: `argv` in, an [`Invocation`] out.
//! Nothing here touches the environment or the network.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::failure::Failure;
use crate::suggest;

/// What to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `ami <Action> [Key=Value ...]`.
    Send(SendArgs),
    /// `ami events [--count N] [--duration S] [--filter K=V ...] [--queue-limit N]`.
    Events(EventArgs),
    /// `ami live [--watch]`.
    Live {
        /// `--watch`: print each change until interrupted.
        watch: bool,
    },
    /// `ami record --out FILE [--count N] [--duration S]`.
    Record(RecordArgs),
    /// `ami fake [--port P] [--bind ADDR] [--tls --cert F --key F] [--replay FILE] [--speed X] [--loop]`.
    Fake(FakeArgs),
    /// `ami decode [FILE|-] [--client]`.
    Decode(DecodeArgs),
    /// `ami actions`.
    Actions,
    /// `ami help [Action]`, `ami --help`, `ami <Action> --help`.
    Help(Option<String>),
    /// `ami --version`.
    Version,
}

/// One action to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendArgs {
    /// The action name as typed.
    pub action: String,
    /// `Key=Value` arguments in order (split on the first `=`).
    pub params: Vec<(String, String)>,
    /// `--raw`: send as typed, without checking against the spec.
    pub raw: bool,
    /// `--no-wait`: do not wait for an async Originate's outcome.
    pub no_wait: bool,
}

/// How long to stream events, and which.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventArgs {
    /// Stop after this many (matching) events.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// `Key=Value` filters; every one must match.
    pub filters: Vec<(String, String)>,
    /// Most events waiting for the output before ami drops.
    pub queue_limit: Option<usize>,
}

/// What `ami record` records, and for how long.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordArgs {
    /// `--out`: the file (`-`: stdout; a `.gz` name is compressed).
    pub out: String,
    /// Stop after this many events.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
}

/// How `ami fake` serves.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FakeArgs {
    /// `--bind`: the address to listen on (default 127.0.0.1).
    pub bind: Option<String>,
    /// `--cert`: the TLS certificate chain (PEM), with `--tls`.
    pub cert: Option<PathBuf>,
    /// `--key`: the TLS private key (PEM, PKCS #8), with `--tls`.
    pub key: Option<PathBuf>,
    /// `--replay`: a recording to play.
    pub replay: Option<PathBuf>,
    /// `--speed`: how fast the recorded events are played.
    pub speed: Option<f64>,
    /// `--loop`: play the events again after the last one.
    pub looping: bool,
}

/// What `ami decode` reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodeArgs {
    /// The file (`None` or `-`: stdin).
    pub input: Option<String>,
    /// `--client`: the client's messages too.
    pub client: bool,
}

/// Connection flags as given (the environment fills the gaps later).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConnFlags {
    /// `--host`.
    pub host: Option<String>,
    /// `--port`.
    pub port: Option<u16>,
    /// `--user`.
    pub user: Option<String>,
    /// `--secret-file`.
    pub secret_file: Option<PathBuf>,
    /// `--tls`.
    pub tls: bool,
    /// `--ca-file`.
    pub ca_file: Option<PathBuf>,
    /// `--md5`.
    pub md5: bool,
    /// `--timeout`.
    pub timeout: Option<Duration>,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// The subcommand.
    pub command: Command,
    /// Where to connect and how.
    pub conn: ConnFlags,
    /// `--json`.
    pub json: bool,
    /// `--verbose` / `-v`.
    pub verbose: bool,
}

/// Flags that take a value.
const VALUE_FLAGS: &[&str] = &[
    "--host",
    "--port",
    "--user",
    "--secret-file",
    "--ca-file",
    "--timeout",
    "--count",
    "--duration",
    "--filter",
    "--queue-limit",
    "--out",
    "--bind",
    "--cert",
    "--key",
    "--replay",
    "--speed",
];
/// Flags that take none.
const SWITCHES: &[&str] = &[
    "--tls",
    "--md5",
    "--json",
    "--raw",
    "--no-wait",
    "--watch",
    "--loop",
    "--client",
    "--verbose",
    "-v",
    "--help",
    "-h",
    "--version",
    "-V",
];

/// Parses the arguments after the program name.
pub fn parse(argv: impl IntoIterator<Item = OsString>) -> Result<Invocation, Failure> {
    let mut conn = ConnFlags::default();
    let (mut json, mut verbose, mut raw, mut no_wait, mut help, mut version) =
        (false, false, false, false, false, false);
    let mut events = EventArgs::default();
    let mut watch = false;
    let mut record = RecordArgs::default();
    let mut fake = FakeArgs::default();
    let mut decode = DecodeArgs::default();
    // Flags of one subcommand only: (flag, the subcommand).
    let mut own_flags: Vec<(&'static str, &'static str)> = Vec::new();
    let mut event_flags: Vec<&'static str> = Vec::new();
    let mut send_flags: Vec<&'static str> = Vec::new();
    let mut positional: Vec<String> = Vec::new();

    let mut args = argv
        .into_iter()
        .map(|a| a.into_string().map_err(|a| Failure::usage(format!("argument {a:?} is not valid UTF-8"))));
    let mut only_positional = false;
    while let Some(arg) = args.next() {
        let arg = arg?;
        if only_positional || !arg.starts_with('-') || arg == "-" {
            positional.push(arg);
            continue;
        }
        if arg == "--" {
            only_positional = true;
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if name == "--secret" {
            return Err(Failure::usage(
                "--secret is not accepted: a command line is visible to other users; \
                 set AMI_SECRET or use --secret-file FILE",
            ));
        }
        let Some(flag) = VALUE_FLAGS.iter().chain(SWITCHES).find(|f| **f == name).copied() else {
            let hint = suggest::did_you_mean(&suggest::closest(&name, VALUE_FLAGS.iter().chain(SWITCHES).copied(), 2));
            return Err(Failure::usage(format!("unknown option {name}{hint}")));
        };
        let takes_value = VALUE_FLAGS.contains(&flag);
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => match args.next() {
                    Some(v) => v?,
                    None => return Err(Failure::usage(format!("{flag} needs a value"))),
                },
            }
        } else {
            if inline.is_some() {
                return Err(Failure::usage(format!("{flag} takes no value")));
            }
            String::new()
        };
        match flag {
            "--host" => conn.host = Some(non_empty(flag, value)?),
            // 0 is for `ami fake` only (any free port); checked below.
            "--port" => conn.port = Some(port_or_zero(flag, &value)?),
            "--user" => conn.user = Some(non_empty(flag, value)?),
            "--secret-file" => conn.secret_file = Some(PathBuf::from(non_empty(flag, value)?)),
            "--ca-file" => conn.ca_file = Some(PathBuf::from(non_empty(flag, value)?)),
            "--timeout" => conn.timeout = Some(seconds(flag, &value)?),
            "--tls" => conn.tls = true,
            "--md5" => conn.md5 = true,
            "--json" => json = true,
            "--verbose" | "-v" => verbose = true,
            "--help" | "-h" => help = true,
            "--version" | "-V" => version = true,
            "--raw" => {
                raw = true;
                send_flags.push(flag);
            }
            "--no-wait" => {
                no_wait = true;
                send_flags.push(flag);
            }
            "--watch" => watch = true,
            "--out" => {
                record.out = non_empty(flag, value)?;
                own_flags.push((flag, "record"));
            }
            "--bind" => {
                fake.bind = Some(non_empty(flag, value)?);
                own_flags.push((flag, "fake"));
            }
            "--cert" => {
                fake.cert = Some(PathBuf::from(non_empty(flag, value)?));
                own_flags.push((flag, "fake"));
            }
            "--key" => {
                fake.key = Some(PathBuf::from(non_empty(flag, value)?));
                own_flags.push((flag, "fake"));
            }
            "--replay" => {
                fake.replay = Some(PathBuf::from(non_empty(flag, value)?));
                own_flags.push((flag, "fake"));
            }
            "--speed" => {
                let x: f64 =
                    value.trim().parse().map_err(|_| Failure::usage(format!("{flag}: {value:?} is not a number")))?;
                if x.is_nan() || x <= 0.0 {
                    return Err(Failure::usage(format!("{flag} must be above 0 (inf: as fast as possible)")));
                }
                fake.speed = Some(x);
                own_flags.push((flag, "fake"));
            }
            "--loop" => {
                fake.looping = true;
                own_flags.push((flag, "fake"));
            }
            "--client" => {
                decode.client = true;
                own_flags.push((flag, "decode"));
            }
            "--count" => {
                let n: u64 = value.parse().map_err(|_| Failure::usage(format!("{flag}: {value:?} is not a number")))?;
                if n == 0 {
                    return Err(Failure::usage(format!("{flag} must be at least 1")));
                }
                events.count = Some(n);
                event_flags.push(flag);
            }
            "--queue-limit" => {
                let n: usize =
                    value.parse().map_err(|_| Failure::usage(format!("{flag}: {value:?} is not a number")))?;
                if n == 0 {
                    return Err(Failure::usage(format!("{flag} must be at least 1")));
                }
                events.queue_limit = Some(n);
                event_flags.push(flag);
            }
            "--duration" => {
                events.duration = Some(seconds(flag, &value)?);
                event_flags.push(flag);
            }
            "--filter" => {
                let (k, v) = key_value(&value).ok_or_else(|| {
                    Failure::usage(format!("{flag} wants Key=Value (e.g. Event=Hangup), got {value:?}"))
                })?;
                events.filters.push((k, v));
                event_flags.push(flag);
            }
            _ => unreachable!("flag {flag} listed but not handled"),
        }
    }

    let mut words = positional.into_iter();
    let first = words.next();
    let command = match first.as_deref() {
        _ if version => Command::Version,
        None if help => Command::Help(None),
        None => return Err(Failure::usage("no action given: ami <Action> [Key=Value ...], ami events, ami actions")),
        Some("help") => {
            let topic = words.next();
            if let Some(extra) = words.next() {
                return Err(Failure::usage(format!("ami help takes one action name, not {extra:?} too")));
            }
            Command::Help(topic)
        }
        Some(_) if help => Command::Help(
            first.filter(|w| !["events", "actions", "live", "record", "fake", "decode"].contains(&w.as_str())),
        ),
        Some("actions") => {
            no_more(words, "actions")?;
            Command::Actions
        }
        Some("events") => {
            no_more(words, "events")?;
            Command::Events(events.clone())
        }
        Some("live") => {
            no_more(words, "live")?;
            Command::Live { watch }
        }
        Some("record") => {
            no_more(words, "record")?;
            if record.out.is_empty() {
                return Err(Failure::usage("ami record needs --out FILE (- for stdout)"));
            }
            if let Some(f) = event_flags.iter().find(|f| !["--count", "--duration"].contains(f)) {
                return Err(Failure::usage(format!("{f} is not for ami record")));
            }
            Command::Record(RecordArgs { count: events.count, duration: events.duration, ..record.clone() })
        }
        Some("fake") => {
            no_more(words, "fake")?;
            Command::Fake(fake.clone())
        }
        Some("decode") => {
            decode.input = words.next();
            no_more(words, "decode")?;
            Command::Decode(decode.clone())
        }
        Some(action) => {
            let params = words
                .map(|w| {
                    key_value(&w)
                        .ok_or_else(|| Failure::usage(format!("expected Key=Value after the action name, got {w:?}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Command::Send(SendArgs { action: action.to_string(), params, raw, no_wait })
        }
    };
    let name = match &command {
        Command::Record(_) => "record",
        Command::Fake(_) => "fake",
        Command::Decode(_) => "decode",
        _ => "",
    };
    if let Some((f, owner)) = own_flags.iter().find(|(_, owner)| *owner != name) {
        return Err(Failure::usage(format!("{f} is for ami {owner}")));
    }
    if conn.port == Some(0) && name != "fake" {
        return Err(Failure::usage("--port: \"0\" is not a port number (1-65535)"));
    }
    if matches!(command, Command::Fake(_) | Command::Decode(_)) {
        if let Some(f) = send_flags.iter().chain(&event_flags).next() {
            return Err(Failure::usage(format!("{f} is not for ami {name}")));
        }
    }
    if watch && !matches!(command, Command::Live { .. }) {
        return Err(Failure::usage("--watch is for ami live"));
    }
    match &command {
        Command::Live { .. } => {
            if let Some(f) = send_flags.iter().chain(&event_flags).next() {
                return Err(Failure::usage(format!("{f} is not for ami live")));
            }
        }
        Command::Events(_) => {
            if let Some(f) = send_flags.first() {
                return Err(Failure::usage(format!("{f} is for sending an action, not for ami events")));
            }
        }
        Command::Send(_) => {
            if let Some(f) = event_flags.first() {
                return Err(Failure::usage(format!("{f} is for ami events")));
            }
        }
        _ => {}
    }
    Ok(Invocation { command, conn, json, verbose })
}

/// `Key=Value` split on the first `=`; the key must not be empty.
fn key_value(s: &str) -> Option<(String, String)> {
    let (k, v) = s.split_once('=')?;
    let k = k.trim();
    (!k.is_empty()).then(|| (k.to_string(), v.to_string()))
}

fn no_more(mut words: impl Iterator<Item = String>, command: &str) -> Result<(), Failure> {
    match words.next() {
        None => Ok(()),
        Some(w) => Err(Failure::usage(format!("ami {command} takes no arguments (got {w:?}); see ami --help"))),
    }
}

fn non_empty(flag: &str, value: String) -> Result<String, Failure> {
    if value.trim().is_empty() {
        Err(Failure::usage(format!("{flag} needs a non-empty value")))
    } else {
        Ok(value)
    }
}

/// A TCP port, 1 to 65535.
pub fn port(what: &str, value: &str) -> Result<u16, Failure> {
    match value.trim().parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(Failure::usage(format!("{what}: {value:?} is not a port number (1-65535)"))),
    }
}

/// A TCP port, 0 to 65535 (0: any free port, for `ami fake`).
fn port_or_zero(what: &str, value: &str) -> Result<u16, Failure> {
    value.trim().parse::<u16>().map_err(|_| Failure::usage(format!("{what}: {value:?} is not a port number (1-65535)")))
}

/// A positive number of seconds (fractions allowed).
fn seconds(flag: &str, value: &str) -> Result<Duration, Failure> {
    match value.trim().parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() && s < 1e9 => Ok(Duration::from_secs_f64(s)),
        _ => Err(Failure::usage(format!("{flag}: {value:?} is not a positive number of seconds"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Invocation, Failure> {
        parse(args.iter().map(OsString::from))
    }

    fn send(args: &[&str]) -> SendArgs {
        match p(args).unwrap().command {
            Command::Send(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn action_with_params_and_flags_anywhere() {
        let inv =
            p(&["--json", "Originate", "Channel=PJSIP/100", "Variable=A=1", "--host=pbx", "Variable=B=2"]).unwrap();
        assert!(inv.json);
        assert_eq!(inv.conn.host.as_deref(), Some("pbx"));
        let Command::Send(s) = inv.command else { panic!() };
        assert_eq!(s.action, "Originate");
        let kv: Vec<(&str, &str)> = s.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(kv, [("Channel", "PJSIP/100"), ("Variable", "A=1"), ("Variable", "B=2")]);
    }

    #[test]
    fn values_may_contain_equals_and_be_empty() {
        let s = send(&["Setvar", "Variable=X", "Value=a=b=c", "Channel="]);
        assert_eq!(s.params[1], ("Value".into(), "a=b=c".into()));
        assert_eq!(s.params[2], ("Channel".into(), String::new()));
    }

    #[test]
    fn subcommands_are_lower_case_words() {
        assert!(matches!(
            p(&["events", "--count", "3"]).unwrap().command,
            Command::Events(EventArgs { count: Some(3), .. })
        ));
        assert!(matches!(p(&["actions"]).unwrap().command, Command::Actions));
        // The AMI action called Events, spelled as documented.
        assert_eq!(send(&["Events", "EventMask=off"]).action, "Events");
        assert_eq!(p(&["help", "originate"]).unwrap().command, Command::Help(Some("originate".into())));
        assert_eq!(p(&["Hangup", "--help"]).unwrap().command, Command::Help(Some("Hangup".into())));
        assert!(p(&[]).unwrap_err().to_string().contains("no action given"));
        assert_eq!(p(&["-h"]).unwrap().command, Command::Help(None));
        assert_eq!(p(&["--version"]).unwrap().command, Command::Version);
    }

    #[test]
    fn event_options() {
        let inv = p(&[
            "events",
            "--filter",
            "Event=Hangup",
            "--filter=Channel=PJSIP/*",
            "--duration",
            "1.5",
            "--queue-limit",
            "500",
        ])
        .unwrap();
        let Command::Events(e) = inv.command else { panic!() };
        assert_eq!(e.queue_limit, Some(500));
        assert_eq!(e.filters, [("Event".into(), "Hangup".into()), ("Channel".into(), "PJSIP/*".into())]);
        assert_eq!(e.duration, Some(Duration::from_millis(1500)));
    }

    #[test]
    fn usage_errors() {
        let err = |args: &[&str]| p(args).unwrap_err().to_string();
        assert!(err(&["Ping", "--hots", "x"]).contains("did you mean --host"), "{}", err(&["Ping", "--hots", "x"]));
        assert!(err(&["Ping", "--port", "99999"]).contains("not a port number"));
        assert!(err(&["Ping", "--timeout", "-1"]).contains("positive number of seconds"));
        assert!(err(&["Ping", "--timeout"]).contains("needs a value"));
        assert!(err(&["Ping", "--json=yes"]).contains("takes no value"));
        assert!(err(&["Ping", "Channel"]).contains("expected Key=Value"));
        assert!(err(&["Ping", "=x"]).contains("expected Key=Value"));
        assert!(err(&["events", "--raw"]).contains("not for ami events"));
        assert!(err(&["Ping", "--count", "2"]).contains("for ami events"));
        assert!(err(&["events", "--count", "0"]).contains("at least 1"));
        assert!(err(&["events", "--queue-limit", "0"]).contains("at least 1"));
        assert!(err(&["Ping", "--queue-limit", "9"]).contains("for ami events"));
        assert!(err(&["events", "extra"]).contains("takes no arguments"));
        assert!(err(&["events", "--filter", "Hangup"]).contains("Key=Value"));
        assert!(err(&["Ping", "--port", "0"]).contains("not a port number"));
        assert!(err(&["record"]).contains("--out"));
        assert!(err(&["record", "--out", "x", "--filter", "A=b"]).contains("not for ami record"));
        assert!(err(&["Ping", "--replay", "x"]).contains("for ami fake"));
        assert!(err(&["fake", "--out", "x"]).contains("for ami record"));
        assert!(err(&["events", "--client"]).contains("for ami decode"));
        assert!(err(&["fake", "--speed", "0"]).contains("above 0"));
        assert!(err(&["fake", "--count", "1"]).contains("not for ami fake"));
    }

    #[test]
    fn record_fake_decode() {
        let inv = p(&["record", "--out", "s.txt.gz", "--count", "3", "--md5"]).unwrap();
        assert!(inv.conn.md5);
        assert_eq!(inv.command, Command::Record(RecordArgs { out: "s.txt.gz".into(), count: Some(3), duration: None }));
        let inv = p(&["fake", "--port", "0", "--replay", "r.txt", "--speed", "inf", "--loop"]).unwrap();
        assert_eq!(inv.conn.port, Some(0));
        let Command::Fake(f) = inv.command else { panic!() };
        assert_eq!((f.replay, f.speed, f.looping), (Some(PathBuf::from("r.txt")), Some(f64::INFINITY), true));
        let inv = p(&["decode", "-", "--client"]).unwrap();
        assert_eq!(inv.command, Command::Decode(DecodeArgs { input: Some("-".into()), client: true }));
        assert_eq!(p(&["decode"]).unwrap().command, Command::Decode(DecodeArgs::default()));
    }

    #[test]
    fn secret_on_the_command_line_is_refused_without_echo() {
        let e = p(&["Ping", "--secret=hunter2"]).unwrap_err().to_string();
        assert!(e.contains("AMI_SECRET") && !e.contains("hunter2"), "{e}");
    }

    #[test]
    fn double_dash_ends_options() {
        let s = send(&["UserEvent", "--", "UserEvent=x", "--odd=1"]);
        assert_eq!(s.params[1], ("--odd".into(), "1".into()));
    }
}
