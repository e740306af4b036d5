//! `ami live`: the live state now (channels, bridges, calls, queues), and
//! with `--watch` each change as it happens.

use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ami_actions::live::{Bridge, Call, Change, Channel, LiveOptions, LiveState, Party, Queue, Snapshot};
use ami_actions::service::{Service, ServiceOptions};

use super::note;
use crate::failure::{Failure, Stage};
use crate::interrupt;
use crate::output::{Format, Printer};
use crate::settings::Settings;
use ami_actions::json::{write_array, write_str, write_str_array};

/// How long `ami live` waits for the seed before giving up.
const SEED_WAIT: Duration = Duration::from_secs(60);

/// Connects, seeds, prints the state; with `watch`, then every change.
pub fn run(settings: &Settings, watch: bool, printer: &mut Printer, verbose: bool) -> Result<(), Failure> {
    note(verbose, format!("connecting to {}", settings.describe()));
    let service = Service::new(settings.config(), settings.login(), ServiceOptions::default());
    let live = LiveState::new(LiveOptions::default());
    let (tx, changes) = mpsc::channel::<Change>();
    if watch {
        live.on_change(move |c| {
            let _ = tx.send(c.clone());
        });
    }
    let follower = live.follow(&service);
    service.start().map_err(|e| {
        let f = Failure::from_ami(&e, Stage::Connect);
        Failure { message: format!("{}: {}", settings.describe(), f.message), ..f }
    })?;
    let waited = std::time::Instant::now();
    let report = loop {
        if let Some(r) = live.last_seed() {
            break r;
        }
        if waited.elapsed() > SEED_WAIT || service.is_stopped() {
            service.close();
            return Err(Failure::timeout("the live state was not seeded in time"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    for (action, why) in &report.refused {
        eprintln!("ami: {action} refused: {why}");
    }
    let json = printer.format() == Format::Json;
    let mut out = Vec::new();
    if json {
        snapshot_json(&mut out, &live.snapshot());
    } else {
        snapshot_text(&mut out, &live.snapshot());
    }
    printer.raw(&out).map_err(Failure::output)?;
    if watch {
        interrupt::install();
        // The changes that seeding itself made are in the snapshot.
        while changes.try_recv().is_ok() {}
        printer.flush().map_err(Failure::output)?;
        while interrupt::requested().is_none() && !service.is_stopped() {
            let Ok(change) = changes.recv_timeout(Duration::from_millis(100)) else { continue };
            out.clear();
            if json {
                change_json(&mut out, &change);
            } else {
                change_text(&mut out, &change);
            }
            printer.raw(&out).map_err(Failure::output)?;
            printer.flush().map_err(Failure::output)?;
        }
    }
    service.close();
    let _ = follower.join();
    Ok(())
}

// ------------------------------------------------------------ JSON

/// A JSON object under construction.
struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    fn new(out: &'a mut Vec<u8>) -> Obj<'a> {
        out.push(b'{');
        Obj { out, first: true }
    }
    fn key(&mut self, k: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        write_str(self.out, k);
        self.out.push(b':');
        self.out
    }
    fn str(&mut self, k: &str, v: &str) -> &mut Self {
        let out = self.key(k);
        write_str(out, v);
        self
    }
    fn opt(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(k, v),
            None => {
                self.key(k).extend_from_slice(b"null");
                self
            }
        }
    }
    fn num(&mut self, k: &str, v: impl std::fmt::Display) -> &mut Self {
        let text = v.to_string();
        self.key(k).extend_from_slice(text.as_bytes());
        self
    }
    fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k).extend_from_slice(if v { b"true" } else { b"false" });
        self
    }
    fn time(&mut self, k: &str, t: Option<SystemTime>) -> &mut Self {
        match t.and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
            Some(d) => self.num(k, format_args!("{:.3}", d.as_secs_f64())),
            None => {
                self.key(k).extend_from_slice(b"null");
                self
            }
        }
    }
    fn strs<'s>(&mut self, k: &str, items: impl IntoIterator<Item = &'s String>) -> &mut Self {
        write_str_array(self.key(k), items.into_iter().map(String::as_str));
        self
    }
    fn party(&mut self, prefix: &str, p: &Party) -> &mut Self {
        self.opt(&format!("{prefix}_num"), p.num.as_deref()).opt(&format!("{prefix}_name"), p.name.as_deref())
    }
    fn object(&mut self, k: &str, f: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        f(self.key(k));
        self
    }
    fn end(&mut self) {
        self.out.push(b'}');
    }
}

fn channel_json(out: &mut Vec<u8>, c: &Channel) {
    Obj::new(out)
        .str("uniqueid", &c.uniqueid)
        .str("name", &c.name)
        .str("linkedid", &c.linkedid)
        .num("state", c.state)
        .str("state_desc", &c.state_desc)
        .party("caller", &c.caller)
        .party("connected", &c.connected)
        .opt("account_code", c.account_code.as_deref())
        .str("context", &c.context)
        .str("exten", &c.exten)
        .str("priority", &c.priority)
        .opt("application", c.application.as_deref())
        .opt("bridge", c.bridge.as_deref())
        .bool("on_hold", c.on_hold)
        .opt("music_on_hold", c.music_on_hold.as_deref())
        .end();
}

fn bridge_json(out: &mut Vec<u8>, b: &Bridge) {
    Obj::new(out)
        .str("uniqueid", &b.uniqueid)
        .opt("type", b.bridge_type.as_deref())
        .opt("technology", b.technology.as_deref())
        .opt("creator", b.creator.as_deref())
        .opt("name", b.name.as_deref())
        .strs("channels", &b.channels)
        .end();
}

fn call_json(out: &mut Vec<u8>, c: &Call) {
    let mut o = Obj::new(out);
    o.str("linkedid", &c.linkedid).strs("channels", &c.channels).num("channels_seen", c.channels_seen);
    o.party("caller", &c.caller);
    match &c.callee {
        Some(p) => o.party("callee", p),
        None => o.opt("callee_num", None).opt("callee_name", None),
    };
    o.opt("dial_string", c.dial_string.as_deref()).opt("dial_status", c.dial_status.as_deref());
    o.time("started", Some(c.started)).time("answered", c.answered).time("ended", c.ended);
    match c.cause {
        Some(cause) => o.num("cause", cause.code()),
        None => o.opt("cause", None),
    };
    o.opt("cause_txt", c.cause_txt.as_deref()).end();
}

fn queue_json(out: &mut Vec<u8>, q: &Queue) {
    Obj::new(out)
        .str("name", &q.name)
        .object("members", |out| {
            write_array(out, q.members.values(), |out, m| {
                let mut o = Obj::new(out);
                o.str("interface", &m.interface).opt("name", m.name.as_deref()).bool("paused", m.paused);
                o.opt("paused_reason", m.paused_reason.as_deref()).bool("in_call", m.in_call);
                match m.status {
                    Some(s) => o.num("status", s),
                    None => o.opt("status", None),
                };
                o.end();
            })
        })
        .object("callers", |out| {
            write_array(out, &q.callers, |out, c| {
                Obj::new(out)
                    .str("uniqueid", &c.uniqueid)
                    .str("channel", &c.channel)
                    .num("position", c.position)
                    .party("caller", &c.caller)
                    .end()
            })
        })
        .num("abandoned", q.abandoned)
        .num("answered", q.answered)
        .end();
}

fn snapshot_json(out: &mut Vec<u8>, s: &Snapshot) {
    Obj::new(out)
        .object("channels", |out| write_array(out, s.channels.values(), |out, c| channel_json(out, c)))
        .object("bridges", |out| write_array(out, s.bridges.values(), |out, b| bridge_json(out, b)))
        .object("calls", |out| write_array(out, s.calls.values(), |out, c| call_json(out, c)))
        .object("queues", |out| write_array(out, s.queues.values(), |out, q| queue_json(out, q)))
        .object("conferences", |out| {
            write_array(out, s.conferences.values(), |out, c| {
                Obj::new(out).str("name", &c.name).strs("channels", &c.channels).end()
            })
        })
        .object("parked", |out| {
            write_array(out, s.parked.values(), |out, p| {
                Obj::new(out)
                    .str("uniqueid", &p.uniqueid)
                    .str("channel", &p.channel)
                    .str("lot", &p.lot)
                    .str("space", &p.space)
                    .end()
            })
        })
        .end();
    out.push(b'\n');
}

fn change_json(out: &mut Vec<u8>, change: &Change) {
    let mut o = Obj::new(out);
    match change {
        Change::ChannelCreated(c) => o.str("change", "channel_created").object("channel", |out| channel_json(out, c)),
        Change::ChannelUpdated(c) => o.str("change", "channel_updated").object("channel", |out| channel_json(out, c)),
        Change::ChannelHungUp { channel, cause } => {
            o.str("change", "channel_hung_up").object("channel", |out| channel_json(out, channel));
            match cause {
                Some(c) => o.num("cause", c.code()),
                None => o.opt("cause", None),
            }
        }
        Change::BridgeCreated(b) => o.str("change", "bridge_created").object("bridge", |out| bridge_json(out, b)),
        Change::BridgeDestroyed(b) => o.str("change", "bridge_destroyed").object("bridge", |out| bridge_json(out, b)),
        Change::EnteredBridge { bridge, channel } => {
            o.str("change", "entered_bridge").str("bridge", bridge).str("channel", channel)
        }
        Change::LeftBridge { bridge, channel } => {
            o.str("change", "left_bridge").str("bridge", bridge).str("channel", channel)
        }
        Change::CallStarted(c) => o.str("change", "call_started").object("call", |out| call_json(out, c)),
        Change::CallUpdated(c) => o.str("change", "call_updated").object("call", |out| call_json(out, c)),
        Change::CallEnded(c) => o.str("change", "call_ended").object("call", |out| call_json(out, c)),
        Change::QueueChanged(q) => o.str("change", "queue_changed").object("queue", |out| queue_json(out, q)),
        Change::ConferenceChanged(c) | Change::ConferenceEnded(c) => {
            let kind =
                if matches!(change, Change::ConferenceEnded(_)) { "conference_ended" } else { "conference_changed" };
            o.str("change", kind).str("conference", &c.name).strs("channels", &c.channels)
        }
        Change::Parked(p) | Change::Unparked(p) => {
            let kind = if matches!(change, Change::Parked(_)) { "parked" } else { "unparked" };
            o.str("change", kind)
                .str("uniqueid", &p.uniqueid)
                .str("channel", &p.channel)
                .str("lot", &p.lot)
                .str("space", &p.space)
        }
        Change::DeviceState { device, state } => {
            o.str("change", "device_state").str("device", device).str("state", state)
        }
        Change::ExtensionState { extension, status, text } => {
            o.str("change", "extension_state").str("extension", extension).num("status", status).str("text", text)
        }
        Change::Resynced { ended, started } => o
            .str("change", "resynced")
            .object("ended", |out| write_array(out, ended, |out, c| call_json(out, c)))
            .object("started", |out| write_array(out, started, |out, c| call_json(out, c))),
        _ => o.str("change", "other"),
    };
    o.end();
    out.push(b'\n');
}

// ------------------------------------------------------------ text

fn party_text(p: &Party) -> String {
    match (&p.num, &p.name) {
        (Some(n), Some(name)) => format!("{name} <{n}>"),
        (Some(n), None) => n.clone(),
        (None, Some(name)) => name.clone(),
        (None, None) => "-".into(),
    }
}

fn snapshot_text(out: &mut Vec<u8>, s: &Snapshot) {
    use std::io::Write;
    let _ = writeln!(
        out,
        "{} channels, {} bridges, {} calls, {} queues",
        s.channels.len(),
        s.bridges.len(),
        s.calls.len(),
        s.queues.len()
    );
    for c in s.calls.values() {
        let callee = c.callee.as_ref().map(party_text).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "call {}: {} -> {} ({}, {} channels)",
            c.linkedid,
            party_text(&c.caller),
            callee,
            c.dial_status.as_deref().unwrap_or("-"),
            c.channels.len()
        );
        for u in &c.channels {
            if let Some(ch) = s.channels.get(u) {
                let bridge = ch.bridge.as_deref().map(|b| format!(" bridge {b}")).unwrap_or_default();
                let _ = writeln!(out, "  {} {} {}{bridge}", ch.name, ch.state_desc, party_text(&ch.caller));
            }
        }
    }
    for b in s.bridges.values() {
        let _ = writeln!(
            out,
            "bridge {} ({}): {}",
            b.uniqueid,
            b.technology.as_deref().unwrap_or("-"),
            b.channels.join(" ")
        );
    }
    for q in s.queues.values() {
        let _ = writeln!(out, "queue {}: {} members, {} callers waiting", q.name, q.members.len(), q.callers.len());
        for m in q.members.values() {
            let _ = writeln!(
                out,
                "  member {}{}{}",
                m.interface,
                if m.paused { " paused" } else { "" },
                if m.in_call { " in call" } else { "" }
            );
        }
        for c in &q.callers {
            let _ = writeln!(out, "  {}. {} {}", c.position, c.channel, party_text(&c.caller));
        }
    }
}

fn change_text(out: &mut Vec<u8>, change: &Change) {
    use std::io::Write;
    let _ = match change {
        Change::ChannelCreated(c) => {
            writeln!(out, "channel {} created ({}, call {})", c.name, c.state_desc, c.linkedid)
        }
        Change::ChannelUpdated(c) => writeln!(out, "channel {} {}", c.name, c.state_desc),
        Change::ChannelHungUp { channel, cause } => {
            writeln!(
                out,
                "channel {} hung up (cause {})",
                channel.name,
                cause.map_or("-".into(), |c| c.code().to_string())
            )
        }
        Change::BridgeCreated(b) => writeln!(out, "bridge {} created", b.uniqueid),
        Change::BridgeDestroyed(b) => writeln!(out, "bridge {} destroyed", b.uniqueid),
        Change::EnteredBridge { bridge, channel } => writeln!(out, "{channel} entered bridge {bridge}"),
        Change::LeftBridge { bridge, channel } => writeln!(out, "{channel} left bridge {bridge}"),
        Change::CallStarted(c) => writeln!(out, "call {} started by {}", c.linkedid, party_text(&c.caller)),
        Change::CallUpdated(c) => writeln!(out, "call {} {}", c.linkedid, c.dial_status.as_deref().unwrap_or("")),
        Change::CallEnded(c) => {
            writeln!(out, "call {} ended (cause {})", c.linkedid, c.cause.map_or("-".into(), |c| c.code().to_string()))
        }
        Change::QueueChanged(q) => {
            writeln!(out, "queue {}: {} members, {} waiting", q.name, q.members.len(), q.callers.len())
        }
        Change::Resynced { ended, started } => {
            writeln!(out, "reconnected: {} calls ended and {} started meanwhile", ended.len(), started.len())
        }
        other => writeln!(out, "{other:?}"),
    };
}
