//! The built-in actions that keep no per-session state, with the write
//! classes Asterisk 22's `ListCommands` prints for them (`Priv:`), and their
//! answers as transcript 02 shows them.

use std::sync::Arc;
use std::time::SystemTime;

use super::calls::{Leg, Originate};
use super::clock::{hms, timestamp};
use super::input::{field, lines};
use super::server::{lock, Shared};
use super::users::{CALL, COMMAND, DIALPLAN, ORIGINATE, REPORTING, SYSTEM, USER};
use super::wire::{Event, Out, Reply};
use super::{bridges, cli, queues, transfer};
use crate::{Header, Message};

/// A built-in action: its name, the write classes of which the user needs
/// one (0: none), and what it does.
pub(crate) struct Builtin {
    pub(crate) name: &'static str,
    pub(crate) privilege: u32,
    pub(crate) run: fn(&Arc<Shared>, &Message) -> Reply,
}

static BUILTINS: [Builtin; 13] = [
    Builtin { name: "Ping", privilege: 0, run: ping },
    Builtin { name: "Command", privilege: COMMAND, run: cli::command },
    Builtin { name: "CoreShowChannels", privilege: SYSTEM | REPORTING, run: core_show_channels },
    Builtin { name: "Status", privilege: SYSTEM | CALL | REPORTING, run: status },
    Builtin { name: "Setvar", privilege: CALL, run: setvar },
    Builtin { name: "Getvar", privilege: CALL | REPORTING, run: getvar },
    Builtin { name: "DBPut", privilege: SYSTEM, run: db_put },
    Builtin { name: "DBGet", privilege: SYSTEM | REPORTING, run: db_get },
    Builtin { name: "DBDel", privilege: SYSTEM, run: db_del },
    Builtin { name: "Hangup", privilege: SYSTEM | CALL, run: hangup },
    Builtin { name: "UserEvent", privilege: USER, run: user_event },
    Builtin { name: "Originate", privilege: ORIGINATE, run: originate },
    Builtin { name: "IAXnetstats", privilege: SYSTEM | REPORTING, run: iax_netstats },
];

/// The built-in action called `name` (any case).
pub(crate) fn find(name: &str) -> Option<&'static Builtin> {
    let mut all = BUILTINS.iter().chain(&bridges::ACTIONS).chain(&transfer::ACTIONS).chain(&queues::ACTIONS);
    all.find(|b| b.name.eq_ignore_ascii_case(name))
}

fn ping(_: &Arc<Shared>, req: &Message) -> Reply {
    let mut out = Out::default();
    out.response("Success", req).h("Ping", "Pong").h("Timestamp", timestamp(SystemTime::now())).end();
    Reply::new(out)
}

/// A bare empty line, no `Response`, no `ActionID`: how 22.10.1 answers it
/// with no IAX2 calls up (transcript 12_every_action_c).
fn iax_netstats(_: &Arc<Shared>, _: &Message) -> Reply {
    let mut out = Out::default();
    out.end();
    Reply::new(out)
}

fn core_show_channels(shared: &Arc<Shared>, req: &Message) -> Reply {
    let calls = lock(&shared.calls);
    let mut out = Out::default();
    out.list_start(req, "Channels will follow");
    for leg in calls.legs() {
        out.h("Event", "CoreShowChannel").id(req);
        leg.snapshot(&mut out, "");
        out.h("Application", &leg.app).h("ApplicationData", &leg.app_data).h("Duration", hms(leg.age()));
        out.h("BridgeId", calls.bridges.of(&leg.uniqueid).map_or("", |b| &b.uniqueid)).end();
    }
    out.list_complete("CoreShowChannelsComplete", req, calls.legs().count()).end();
    Reply::new(out)
}

fn status(shared: &Arc<Shared>, req: &Message) -> Reply {
    let calls = lock(&shared.calls);
    let name = field(req, "Channel");
    let legs: Vec<&Leg> = calls.legs().filter(|l| name.is_empty() || l.channel.eq_ignore_ascii_case(&name)).collect();
    if legs.is_empty() && !name.is_empty() {
        return Reply::error(req, "No such channel");
    }
    let mut out = Out::default();
    out.list_start(req, "Channel status will follow");
    for leg in &legs {
        out.h("Event", "Status").h("Privilege", "Call");
        leg.snapshot(&mut out, "");
        out.h("Type", leg.tech()).h("DNID", "");
        out.h("EffectiveConnectedLineNum", &leg.connected.num).h("EffectiveConnectedLineName", &leg.connected.name);
        let bridge = calls.bridges.of(&leg.uniqueid).map_or("", |b| &b.uniqueid);
        out.h("TimeToHangup", "0").h("BridgeID", bridge);
        // A channel taken out of its application (into a bridge) has none,
        // which Asterisk prints as `(null)`.
        let (app, data) = if leg.app.is_empty() { ("(null)", "(null)") } else { (&*leg.app, &*leg.app_data) };
        out.h("Application", app).h("Data", data);
        out.h("Nativeformats", "(slin)").h("Readformat", "slin").h("Readtrans", "");
        out.h("Writeformat", "slin").h("Writetrans", "").h("Callgroup", "0").h("Pickupgroup", "0");
        out.h("Seconds", leg.age().to_string()).id(req).end();
    }
    out.list_complete("StatusComplete", req, legs.len()).h("Items", legs.len().to_string()).end();
    Reply::new(out)
}

fn setvar(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (channel, name, value) = (field(req, "Channel"), field(req, "Variable"), field(req, "Value"));
    if name.is_empty() {
        return Reply::error(req, "No variable specified");
    }
    let event = if channel.is_empty() {
        lock(&shared.globals).insert(name.to_string(), value.to_string());
        Event::build("VarSet", DIALPLAN, |out| {
            out.h("Channel", "none").h("Uniqueid", "none").h("Variable", &*name).h("Value", &*value);
        })
    } else {
        match lock(&shared.calls).leg_mut(&channel) {
            Some(leg) => leg.set_var(&name, &value),
            None => return Reply::error(req, "No such channel"),
        }
    };
    shared.emit(&[event]);
    Reply::ack(req, "Variable Set")
}

fn getvar(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (channel, name) = (field(req, "Channel"), field(req, "Variable"));
    if name.is_empty() {
        return Reply::error(req, "No variable specified");
    }
    let value = if channel.is_empty() {
        lock(&shared.globals).get(name.as_ref()).cloned()
    } else {
        match lock(&shared.calls).leg(&channel) {
            Some(leg) => leg.var(&name).map(str::to_string),
            None => return Reply::error(req, "No such channel"),
        }
    };
    let mut out = Out::default();
    out.response("Success", req).h("Variable", &*name).h("Value", value.unwrap_or_default()).end();
    Reply::new(out)
}

/// The `Family` and `Key` of an AstDB action, or the error to answer.
fn db_key(req: &Message) -> Result<(String, String), &'static str> {
    let (family, key) = (field(req, "Family"), field(req, "Key"));
    match (family.is_empty(), key.is_empty()) {
        (true, _) => Err("No family specified"),
        (_, true) => Err("No key specified"),
        _ => Ok((family.into_owned(), key.into_owned())),
    }
}

fn db_put(shared: &Arc<Shared>, req: &Message) -> Reply {
    match db_key(req) {
        Ok(key) => {
            lock(&shared.astdb).insert(key, field(req, "Val").into_owned());
            Reply::ack(req, "Updated database successfully")
        }
        Err(e) => Reply::error(req, e),
    }
}

fn db_get(shared: &Arc<Shared>, req: &Message) -> Reply {
    let key = match db_key(req) {
        Ok(key) => key,
        Err(e) => return Reply::error(req, e),
    };
    let Some(value) = lock(&shared.astdb).get(&key).cloned() else {
        return Reply::error(req, "Database entry not found");
    };
    let mut out = Out::default();
    out.list_start(req, "Result will follow");
    out.h("Event", "DBGetResponse").h("Family", &key.0).h("Key", &key.1).h("Val", value).id(req).end();
    out.list_complete("DBGetComplete", req, 1).end();
    Reply::new(out)
}

fn db_del(shared: &Arc<Shared>, req: &Message) -> Reply {
    match db_key(req) {
        Ok(key) if lock(&shared.astdb).remove(&key).is_some() => Reply::ack(req, "Key deleted successfully"),
        Ok(_) => Reply::error(req, "Database entry not found"),
        Err(e) => Reply::error(req, e),
    }
}

/// `Channel: name` hangs up that channel's call; `Channel: /regex/` every
/// call with a matching channel, answering with the list of them.
fn hangup(shared: &Arc<Shared>, req: &Message) -> Reply {
    let target = field(req, "Channel");
    if target.is_empty() {
        return Reply::error(req, "No channel specified");
    }
    let Some(pattern) = target.strip_prefix('/').and_then(|t| t.strip_suffix('/')) else {
        return if shared.hang_up(&target) {
            Reply::ack(req, "Channel Hungup")
        } else {
            Reply::error(req, "No such channel")
        };
    };
    let (channels, events) = lock(&shared.calls).hang_up_matching(pattern);
    shared.emit(&events);
    let mut out = Out::default();
    out.list_start(req, "Channels hung up will follow");
    for channel in &channels {
        out.h("Event", "ChannelHungup").h("Channel", channel).id(req).end();
    }
    out.list_complete("ChannelsHungupListComplete", req, channels.len()).end();
    Reply::new(out)
}

/// Sends `Event: UserEvent` with every header of the request but `Action`
/// and `UserEvent`, as sent.
fn user_event(shared: &Arc<Shared>, req: &Message) -> Reply {
    let name = field(req, "UserEvent");
    let event = Event::build("UserEvent", USER, |out| {
        out.h("UserEvent", &*name);
        for line in lines(req) {
            let header = Header::parse(line);
            if !header.is("UserEvent") && !header.is("Action") {
                out.raw(line).raw(b"\r\n");
            }
        }
    });
    shared.emit(&[event]);
    Reply::ack(req, "Event Sent")
}

/// Places a call. A synchronous originate answers once the call is up (or
/// failed); an `Async: true` one at once, and its result comes later as an
/// `OriginateResponse` event to every session that reads call events.
fn originate(shared: &Arc<Shared>, req: &Message) -> Reply {
    let order = match Originate::parse(req) {
        Ok(order) => order,
        Err(e) => return Reply::error(req, e),
    };
    let placed = lock(&shared.calls).originate(&order);
    shared.emit(&placed.events);
    if let Some(call) = placed.call {
        shared.schedule_end(call);
        queues::after_originate(shared, call);
    }
    if placed.call.is_some() || order.is_async {
        Reply::ack(req, "Originate successfully queued")
    } else {
        Reply::error(req, "Originate failed")
    }
}
