//! Transfers: `BlindTransfer` as `ast_bridge_transfer_blind` runs it for a
//! two-party bridge, `Atxfer` and `CancelAtxfer` as far as the manager
//! goes, and the fake's small dialplan a transferred channel lands in.
//!
//! A blind transfer of `Channel` (the transferer) in a bridge with one
//! other channel (the transferee): both get `BLINDTRANSFER` (the
//! transferer the name of its `BRIDGEPEER`, the transferee the
//! transferer's name), the transferer is told to leave (its `BRIDGEPEER`
//! cleared), the `BlindTransfer` event (`Result: Success`) is published,
//! the transferee leaves too, the bridge is destroyed, and the transferee
//! runs `Exten@Context` from priority 1. A channel in no bridge gets
//! `Transfer invalid`, with a `BlindTransfer` event saying `Result:
//! Invalid` (Asterisk publishes the attempt either way).
//!
//! `Atxfer` only queues DTMF (the attended-transfer feature code, then the
//! extension) on the channel in Asterisk; the fake answers as Asterisk does
//! and sets `TRANSFER_CONTEXT`, but does not emulate the attended transfer
//! that the DTMF would start (no second call, no `AttendedTransfer` event).

use std::sync::Arc;

use super::actions::Builtin;
use super::calls::{Calls, Leg};
use super::input::field;
use super::server::{lock, Shared};
use super::users::CALL;
use super::wire::{Event, Reply};
use crate::Message;

/// The actions of this module, with the write classes `ListCommands` shows.
pub(crate) static ACTIONS: [Builtin; 3] = [
    Builtin { name: "BlindTransfer", privilege: CALL, run: blind_transfer },
    Builtin { name: "Atxfer", privilege: CALL, run: atxfer },
    Builtin { name: "CancelAtxfer", privilege: CALL, run: cancel_atxfer },
];

/// One extension of the fake's dialplan: what a channel runs when it lands
/// on `exten@context` (see [`Builder::extension`](super::Builder::extension)).
#[derive(Clone, Debug)]
pub(crate) struct Extension {
    pub(crate) context: String,
    pub(crate) exten: String,
    pub(crate) app: String,
    pub(crate) data: String,
}

impl Calls {
    /// Channel `uniqueid` goes to `exten@context`, priority 1, and runs
    /// what the dialplan has there: `Queue(name)` joins that queue,
    /// `Dial(target)` calls it, another application just runs; an extension
    /// the dialplan lacks answers and waits, as every extension of the fake.
    pub(crate) fn goto(&mut self, uniqueid: &str, context: &str, exten: &str, dialplan: &[Extension]) -> Vec<Event> {
        let Some(leg) = self.by_uid_mut(uniqueid) else { return Vec::new() };
        (leg.context, leg.exten) = (context.to_string(), exten.to_string());
        let rule = dialplan.iter().find(|e| e.context == context && e.exten == exten);
        let Some(rule) = rule else {
            return vec![leg.run(1, "Answer", ""), leg.run(2, "Wait", "")];
        };
        let mut events = vec![leg.run(1, &rule.app, &rule.data)];
        let argument = rule.data.split(',').next().unwrap_or_default();
        if rule.app.eq_ignore_ascii_case("Queue") {
            events.extend(self.join_queue(argument, uniqueid, false).unwrap_or_default());
        } else if rule.app.eq_ignore_ascii_case("Dial") && !argument.is_empty() {
            events.extend(self.dial_from(uniqueid, argument).1);
        }
        events
    }
}

/// The `BlindTransfer` event: the result, the transferer, the transferee
/// and the bridge when there are some, then where to.
fn blind_transfer_event(
    result: &str,
    transferer: &Leg,
    transferee: Option<&Leg>,
    bridge: Option<&super::bridges::Bridge>,
    context: &str,
    exten: &str,
) -> Event {
    Event::build("BlindTransfer", CALL, |out| {
        out.h("Result", result);
        transferer.snapshot(out, "Transferer");
        if let Some(leg) = transferee {
            leg.snapshot(out, "Transferee");
        }
        if let Some(bridge) = bridge {
            bridge.snapshot(out);
        }
        out.h("IsExternal", "Yes").h("Context", context).h("Extension", exten);
    })
}

fn blind_transfer(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (name, exten) = (field(req, "Channel"), field(req, "Exten"));
    if name.is_empty() {
        return Reply::error(req, "No channel specified");
    }
    if exten.is_empty() {
        return Reply::error(req, "No extension specified");
    }
    let mut calls = lock(&shared.calls);
    let Some(transferer) = calls.find(&name) else {
        return Reply::error(req, "Channel specified does not exist");
    };
    let context = match field(req, "Context") {
        c if c.is_empty() => transferer.context.clone(),
        c => c.into_owned(),
    };
    let uid = transferer.uniqueid.clone();
    let bridge = calls.bridges.of(&uid);
    let peer = bridge.and_then(|b| b.members.iter().find(|m| m.uniqueid != uid)).map(|m| m.uniqueid.clone());
    let (Some(bridge), Some(peer)) = (bridge, peer) else {
        // Not bridged, or alone in its bridge.
        let event = blind_transfer_event("Invalid", transferer, None, bridge, &context, &exten);
        drop(calls);
        shared.emit(&[event]);
        return Reply::error(req, "Transfer invalid");
    };
    let (id, order): (String, Vec<String>) =
        (bridge.uniqueid.clone(), bridge.members.iter().map(|m| m.uniqueid.clone()).collect());
    // The event is built from the snapshots taken before anything changes.
    let published = blind_transfer_event("Success", transferer, calls.by_uid(&peer), Some(bridge), &context, &exten);
    let transferer_name = transferer.channel.clone();
    let transferer_peer = transferer.var("BRIDGEPEER").unwrap_or_default().to_string();
    let mut events = Vec::new();
    for member in &order {
        let value = if member == &uid { transferer_peer.clone() } else { transferer_name.clone() };
        if let Some(leg) = calls.by_uid_mut(member) {
            events.push(leg.set_var("BLINDTRANSFER", &value));
        }
    }
    events.extend(calls.clear_bridge_peer(&uid));
    events.push(published);
    events.extend(calls.queue_transfer(&order));
    let dissolved = calls.dissolve(&id, &[uid.clone(), peer.clone()]);
    events.extend(dissolved.events);
    events.extend(calls.goto(&peer, &context, &exten, &shared.config.extensions));
    for gone in dissolved.hang_up.into_iter().filter(|p| p != &peer) {
        if let Some(i) = calls.call_index(&gone) {
            events.extend(calls.release(i));
        }
    }
    drop(calls);
    shared.emit(&events);
    Reply::ack(req, "Transfer succeeded")
}

fn atxfer(shared: &Arc<Shared>, req: &Message) -> Reply {
    let (name, exten, context) = (field(req, "Channel"), field(req, "Exten"), field(req, "Context"));
    if name.is_empty() {
        return Reply::error(req, "No channel specified");
    }
    if exten.is_empty() {
        return Reply::error(req, "No extension specified");
    }
    let mut calls = lock(&shared.calls);
    let Some(uid) = calls.find(&name).map(|l| l.uniqueid.clone()) else {
        return Reply::error(req, "Channel specified does not exist");
    };
    let event = match calls.by_uid_mut(&uid) {
        Some(leg) if !context.is_empty() => Some(leg.set_var("TRANSFER_CONTEXT", &context)),
        _ => None,
    };
    drop(calls);
    shared.emit(&event.into_iter().collect::<Vec<_>>());
    Reply::ack(req, "Atxfer successfully queued")
}

fn cancel_atxfer(shared: &Arc<Shared>, req: &Message) -> Reply {
    let name = field(req, "Channel");
    if name.is_empty() {
        return Reply::error(req, "No channel specified");
    }
    if lock(&shared.calls).find(&name).is_none() {
        return Reply::error(req, "Channel specified does not exist");
    }
    Reply::ack(req, "CancelAtxfer successfully queued")
}
