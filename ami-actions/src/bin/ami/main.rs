//! `ami`: one Asterisk Manager Interface action from a shell, a script or a
//! cron job, checked against the generated spec before anything is sent.
//!
//! ```text
//! ami CoreShowChannels
//! ami Originate Channel=PJSIP/100 Context=default Exten=200 Priority=1 Async=true
//! ami events --filter Event=Hangup --json
//! ```
//!
//! Modules, one job each: [`args`] (the command line), [`settings`]
//! (connection settings from flags and the environment), [`validate`]
//! (the action against the metadata), [`output`] (text, and JSON through
//! the library's `ami_actions::json`), [`cmd`] (the subcommands), [`failure`] (exit codes).

mod args;
mod cmd;
mod failure;
mod interrupt;
mod output;
mod settings;
mod suggest;
mod validate;

use std::env;
use std::process::ExitCode;

use args::Command;
use failure::{Code, Failure};
use output::{Format, Printer};
use settings::Settings;

const USAGE: &str = "\
ami: send one Asterisk Manager Interface action, or stream events.

Usage:
  ami [options] <Action> [Key=Value ...]   send an action, print the answer
  ami [options] events [--count N] [--duration SECONDS] [--filter Key=Value ...]
                       [--queue-limit N]
  ami [options] live [--watch]             channels, bridges, calls and queues now
  ami [options] record --out FILE [--count N] [--duration SECONDS]
                                           record a session (see Recording)
  ami fake [--port 5038] [--bind 127.0.0.1] [--tls --cert FILE --key FILE]
           [--replay FILE [--speed X] [--loop]]
                                           a fake Asterisk to try ami with
  ami decode [FILE|-] [--client]           a transcript or raw stream as JSON
  ami actions                              list every known action
  ami help <Action>                        parameters and answers of an action

Actions are matched ignoring case against every action the generated types
know, and checked before connecting: unknown action or parameter, missing
required parameter, value outside an enumeration. Repeat a key to send it
several times (Variable=A=1 Variable=B=2). `events`, `actions` and `help` in
lower case are subcommands; the AMI action called Events is spelled `Events`.

Connection (flags win over the environment):
  --host HOST          AMI_HOST      default 127.0.0.1
  --port PORT          AMI_PORT      default 5038, 5039 with TLS
  --user NAME          AMI_USER
  --secret-file FILE   AMI_SECRET    the secret: first line of FILE (or of
                                     AMI_SECRET_FILE), or the variable; never
                                     taken on the command line
  --tls                AMI_TLS=1     TLS, certificate verified
  --ca-file FILE       AMI_CA_FILE   also trust the CA certificate(s) in FILE
  --md5                              log in by MD5 challenge (the secret never
                                     crosses the wire)
  --timeout SECONDS                  limit for each step: connect, login, the
                                     answer (for an async Originate, the answer
                                     and its OriginateResponse together)
                                     (defaults: 10 s to connect and log in,
                                     30 s for an answer, an Originate's ringing
                                     time + 15 s)

Sending:
  --raw                send the action and parameters as typed, unchecked
  --no-wait            Originate with Async=true: do not wait for the
                       OriginateResponse (by default ami waits and reports it)

Events (until SIGINT or SIGTERM, unless --count or --duration ends first):
  --count N            stop after N events (after filtering)
  --duration SECONDS   stop after this long
  --filter Key=Value   keep events whose header matches; repeatable, all must
                       match; `*` matches anything; e.g. --filter Event=Hangup
                       (applied as events arrive: others are never queued)
  --queue-limit N      matching events held while the output is slower than
                       the server (default 100000; at most 16 MiB of them, or
                       N KiB if more)
  ami never stops reading the server (Asterisk cuts off a client that does).
  When the queue is full, events are dropped and each gap is reported on
  stderr where the output reaches it (\"ami: output too slow: ...\"). At the
  end, one line on stderr gives the exact number of matching events received
  but not printed (dropped, or still queued when the stream stopped, also
  past --count); if any were dropped, the exit status is 5. A second signal
  kills at once.
  If the connection drops, ami says so on stderr, reconnects (with backoff)
  and goes on; ending while it is still down exits 3.

Live state (`ami live`):
  Connects, reads the list actions (CoreShowChannels, BridgeList, QueueStatus,
  ConfbridgeListRooms/ConfbridgeList, ParkedCalls, DeviceStateList,
  ExtensionStateList) and prints the channels, bridges, calls (one per
  Linkedid) and queues; with --json one object with `channels`, `bridges`,
  `calls`, `queues`, `conferences` and `parked` arrays. A list the server
  refuses is named on stderr; the rest is printed, exit 0.
  --watch              then print each change as it happens until SIGINT or
                       SIGTERM (with --json, one object per line: `change`
                       names its kind, the other keys hold what changed)
  The login needs the event classes call and agent (and dialplan for the
  running application), and read access for the lists (system, call,
  reporting); the user's defaults usually have them.

Recording (`ami record`):
  Logs in (events on: every class the user may read; --tls, --md5 as for
  any command) and writes the session byte for byte, both directions, with
  timestamps, in the transcript format (one chunk per line:
  `<seconds> C> b'...'` for the client, `<seconds> S< b'...'` for the
  server, Python bytes repr; `##` notes, `#` comments). Secrets (Secret,
  Key of Login, *Password, Md5Cred) are written as <redacted>. Stops after
  --count N events, --duration, SIGINT or SIGTERM, then logs off (exit 0).
  --out FILE           the recording; `-` for stdout; a name ending in .gz
                       is gzip-compressed

The fake Asterisk (`ami fake`):
  An AMI server on 127.0.0.1 that behaves like Asterisk 22 (calls, bridges,
  queues, Originate...), for trying ami without a PBX. It prints one line,
  `ami fake: listening on ADDR ...`, and serves until SIGINT or SIGTERM.
  Users (user/secret): admin/admin-secret (read all, write all),
  readonly/ro-secret (read all, write none), originator/orig-secret (read
  call, write originate,call).
  --port PORT          where to listen (wins over AMI_PORT; default 5038,
                       5039 with --tls; 0: any free port, printed)
  --bind ADDR          the address to listen on (default 127.0.0.1)
  --tls --cert FILE --key FILE
                       serve TLS with this certificate chain and PKCS #8
                       key (PEM)
  --replay FILE        play a recording (of `ami record`; .gz too): Login,
                       Challenge, Ping and Logoff are answered by the fake,
                       every other action by the recorded answer to the
                       same action and parameters (with the caller's
                       ActionID; no match: Response: Error, and a line on
                       stderr); each connection gets the recorded events
                       from its login on
  --speed X            events X times as fast as recorded (inf: at once)
  --loop               play the events again after the last one
  Try it:  ami fake &  then  AMI_USER=admin AMI_SECRET=admin-secret ami Ping

Decoding (`ami decode`):
  Reads a transcript or a raw server stream (told apart by content; gzip
  too) from FILE or stdin and prints one JSON object per message, the shape
  of `ami events --json`, with `_dir` (server, client) and `_t` (seconds)
  for a transcript.
  --client             the client's messages too

Output:
  (default)            Key: Value lines, an empty line after each message;
                       for `ami events`, one line per event: the name, then
                       Key=Value; `Command` output as plain lines
  --json               one JSON object per message, header names as keys in
                       the order received, a repeated key as an array of
                       strings, lines without a colon under \"_lines\"
                       (\"_raw\": the exact bytes, base64, when those keys
                       would lose some); one document per command: an event
                       list as one array of its items, an async Originate as
                       {\"response\": ..., \"outcome\": ...}
  -v, --verbose        progress on stderr (never the secret)
  -h, --help           this help; `ami <Action> --help` for one action
  -V, --version        the version

Exit status:
  0  success
  1  the server answered Response: Error, or the Originate failed
  2  usage or validation error (nothing was sent)
  3  connection, TLS or login failure (or the connection broke)
  4  timeout
  5  events were dropped (`ami events`, see above)

Examples:
  AMI_USER=admin AMI_SECRET=... ami Ping
  ami CoreShowChannels --json | jq length
  ami Command Command='core show uptime'
  ami Hangup Channel=PJSIP/100-00000001
  ami Originate Channel=PJSIP/100 Context=default Exten=200 Priority=1 Async=true
  ami events --filter Event=Hangup --count 10
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) if f.code == Code::OutputClosed => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("ami: {f}");
            if f.code == Code::Usage && f.message.starts_with("no action given") {
                eprintln!("Try `ami --help`.");
            }
            ExitCode::from(f.code as u8)
        }
    }
}

fn run() -> Result<(), Failure> {
    let inv = args::parse(env::args_os().skip(1))?;
    let format = if inv.json { Format::Json } else { Format::Text };
    let mut printer = Printer::stdout(format);
    let lookup = |name: &str| env::var(name).ok();
    match &inv.command {
        Command::Help(None) => printer.raw(USAGE.as_bytes()).map_err(Failure::output),
        Command::Help(Some(action)) => cmd::info::help(&mut printer, action),
        Command::Version => {
            let v = format!(
                "ami {} (AMI types for {})\n",
                env!("CARGO_PKG_VERSION"),
                ami_actions::meta::RELEASES.join(", ")
            );
            printer.raw(v.as_bytes()).map_err(Failure::output)
        }
        Command::Actions => cmd::info::actions(&mut printer),
        Command::Send(send) => {
            // Everything is checked before connecting: exit 2 sends nothing.
            let checked = validate::check(send)?;
            let settings = Settings::resolve(&inv.conn, &lookup)?;
            cmd::send::run(&settings, &checked, send.no_wait, &mut printer, inv.verbose)
        }
        Command::Events(events) => {
            let settings = Settings::resolve(&inv.conn, &lookup)?;
            cmd::events::run(&settings, events, &mut printer, inv.verbose)
        }
        Command::Record(record) => {
            let settings = Settings::resolve(&inv.conn, &lookup)?;
            cmd::record::run(&settings, record, inv.verbose)
        }
        Command::Fake(fake) => cmd::fake::run(&inv.conn, fake, &lookup),
        Command::Decode(decode) => cmd::decode::run(decode, &mut printer),
        Command::Live { watch } => {
            let settings = Settings::resolve(&inv.conn, &lookup)?;
            cmd::live::run(&settings, *watch, &mut printer, inv.verbose)
        }
    }?;
    printer.flush().map_err(Failure::output)
}
