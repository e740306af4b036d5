//! Outgoing calls a channel places, as `Dial` (and a queue ringing a
//! member) place them, in the order the recorded Asterisk 22 corpus shows
//! for `Local/600@test` dialing `Local/100@test`: the callee's channels
//! (`Newchannel`, `Newexten` `AppDial`, `LocalBridge`), `DialBegin`, the
//! callee answering (`Newstate`), `DialEnd`, the caller answered if it was
//! not, then a basic bridge with the callee entering first, then the caller,
//! and `BRIDGEPEER` on both. The callee is a call of its own in the table:
//! it is hung up when its bridge ends, as Asterisk hangs up a channel that
//! `Dial` created once it leaves the bridge.
//!
//! Simplified: the callee always answers, at once; the `DIAL*` and
//! `*TIME` variables, the callee's caller ID changes and its second
//! `AppDial` step are not sent.

use super::calls::{device_state, Calls, ChannelState};
use super::users::CALL;
use super::wire::Event;

impl Calls {
    /// Creates the channels of an outgoing call that `caller` places to
    /// `target` (a dial string: `Local/100@test`, `Local/agent@agents/n`,
    /// `PJSIP/200`); they run `app` (`AppDial`, `AppQueue`) and take the
    /// caller's Linkedid, as channels requested by a channel do. Returns the
    /// uniqueid of the channel that was dialed (the `;1` half of a Local
    /// channel) and the events.
    pub(crate) fn spawn_peer(&mut self, caller: &str, target: &str, app: &str) -> (String, Vec<Event>) {
        let linkedid = self.by_uid(caller).map(|l| l.linkedid.clone());
        // The device is the dial string without options (`/n`).
        let (tech, rest) = target.split_once('/').unwrap_or((target, ""));
        let mut parts = rest.split('/');
        let resource = parts.next().unwrap_or_default();
        let no_optimization = parts.next().is_some_and(|opts| opts.contains('n'));
        let mut call = self.new_call(&format!("{tech}/{resource}"));
        if let Some(linkedid) = linkedid {
            call.legs.iter_mut().for_each(|leg| leg.linkedid.clone_from(&linkedid));
        }
        let mut events: Vec<Event> = call.legs.iter().map(|leg| leg.event("Newchannel", CALL, |_| {})).collect();
        events.push(call.legs[0].run(1, app, "(Outgoing Line)"));
        if let [one, two] = &call.legs[..] {
            events.push(Event::build("LocalBridge", CALL, |out| {
                one.snapshot(out, "LocalOne");
                two.snapshot(out, "LocalTwo");
                out.h("Context", &one.context).h("Exten", &one.exten);
                out.h("LocalOptimization", if no_optimization { "No" } else { "Yes" });
            }));
        }
        let uid = call.legs[0].uniqueid.clone();
        self.active.push(call);
        (uid, events)
    }

    /// The channel `uniqueid` that was dialed answers: the far half of a
    /// Local channel runs `Answer`, both halves go up, the device is in use.
    pub(crate) fn answer_peer(&mut self, uniqueid: &str) -> Vec<Event> {
        let Some(i) = self.call_index(uniqueid) else { return Vec::new() };
        let call = &mut self.active[i];
        let mut events = Vec::new();
        if let Some(two) = call.legs.get_mut(1) {
            events.push(two.run(1, "Answer", ""));
            two.state = ChannelState::Up;
            events.push(two.event("Newstate", CALL, |_| {}));
        }
        let one = &mut call.legs[0];
        one.state = ChannelState::Up;
        events.push(one.event("Newstate", CALL, |_| {}));
        events.push(device_state(&call.dial, "INUSE"));
        events
    }

    /// `DialEnd` (`ANSWER`) from `caller` to the channel it dialed, then the
    /// caller goes up if it was not.
    pub(crate) fn dial_end(&mut self, caller: &str, peer: &str) -> Vec<Event> {
        let mut events = Vec::new();
        if let (Some(c), Some(p)) = (self.by_uid(caller), self.by_uid(peer)) {
            events.push(Event::build("DialEnd", CALL, |out| {
                c.snapshot(out, "");
                p.snapshot(out, "Dest");
                out.h("DialStatus", "ANSWER");
            }));
        }
        if let Some(c) = self.by_uid_mut(caller) {
            if c.state != ChannelState::Up {
                c.state = ChannelState::Up;
                events.push(c.event("Newstate", CALL, |_| {}));
            }
        }
        events
    }

    /// Bridges the channel that was dialed with its caller: `BridgeCreate`,
    /// the peer enters, then the caller, then `BRIDGEPEER`. The peer is hung
    /// up when it leaves; the caller too if `caller_hangs_up`.
    pub(crate) fn bridge_peer(&mut self, peer: &str, caller: &str, caller_hangs_up: bool) -> Vec<Event> {
        let (id, created) = self.create_bridge();
        let mut events = vec![created];
        events.extend(self.enter_bridge(&id, peer, true));
        events.extend(self.enter_bridge(&id, caller, caller_hangs_up));
        events.extend(self.set_bridge_peers(&id));
        events
    }

    /// The far half of a Local channel that was dialed waits (the fake's
    /// dialplan: every extension answers, then waits).
    pub(crate) fn peer_waits(&mut self, peer: &str) -> Vec<Event> {
        let Some(i) = self.call_index(peer) else { return Vec::new() };
        self.active[i].legs.get_mut(1).map(|two| two.run(2, "Wait", "")).into_iter().collect()
    }

    /// The channel `caller` (a name or uniqueid) goes on in its dialplan to
    /// `Dial(target)`: its `Newexten`, then the whole exchange up to the
    /// bridge. Returns the name of the channel dialed, or `None` if there is
    /// no such channel or it is already in a bridge.
    pub(crate) fn dial(&mut self, caller: &str, target: &str) -> Option<(String, Vec<Event>)> {
        let leg = self.find(caller)?;
        if self.bridges.of(&leg.uniqueid).is_some() {
            return None;
        }
        let caller = leg.uniqueid.clone();
        let leg = self.by_uid_mut(&caller)?;
        let priority = leg.priority + 1;
        let mut events = vec![leg.run(priority, "Dial", target)];
        let (name, dialed) = self.dial_from(&caller, target);
        events.extend(dialed);
        Some((name, events))
    }

    /// `caller` (a uniqueid), running `Dial`, calls `target` and is bridged
    /// with it; returns the name of the channel dialed and the events.
    pub(crate) fn dial_from(&mut self, caller: &str, target: &str) -> (String, Vec<Event>) {
        let caller = caller.to_string();
        let mut events = Vec::new();
        let (peer, spawned) = self.spawn_peer(&caller, target, "AppDial");
        events.extend(spawned);
        let dial_string = target.split_once('/').map_or("", |(_, r)| r).to_string();
        if let (Some(c), Some(p)) = (self.by_uid(&caller), self.by_uid(&peer)) {
            events.push(Event::build("DialBegin", CALL, |out| {
                c.snapshot(out, "");
                p.snapshot(out, "Dest");
                out.h("DialString", &dial_string);
            }));
        }
        events.extend(self.answer_peer(&peer));
        events.extend(self.dial_end(&caller, &peer));
        events.extend(self.bridge_peer(&peer, &caller, false));
        events.extend(self.peer_waits(&peer));
        let name = self.by_uid(&peer).map(|l| l.channel.clone()).unwrap_or_default();
        (name, events)
    }
}
