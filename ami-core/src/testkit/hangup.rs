//! A call hanging up with everything around it, in the order Asterisk 22
//! reports it: the queues react to the hangup request (a waiting caller
//! abandons, a member's call completes), the call's channels leave their
//! bridges (each bridge dissolves: `BRIDGEPEER` cleared, `BridgeLeave`,
//! `BridgeDestroy`), the channels hang up, then the peers those bridges let
//! go of (channels a `Dial` or a queue called) hang up in turn, and a
//! member whose channel hung up is free again.

use super::calls::{Calls, NORMAL_CLEARING};
use super::wire::Event;

impl Calls {
    /// Hangs up the call at `index` of the table (normal clearing); returns
    /// every event that causes.
    pub(crate) fn release(&mut self, index: usize) -> Vec<Event> {
        let dying: Vec<String> = self.active[index].legs.iter().map(|l| l.uniqueid.clone()).collect();
        let mut events = self.queue_hangup(&dying);
        let mut peers = Vec::new();
        for uid in &dying {
            let Some(bridge) = self.bridges.of(uid).map(|b| b.uniqueid.clone()) else { continue };
            let dissolved = self.dissolve(&bridge, std::slice::from_ref(uid));
            events.extend(dissolved.events);
            peers.extend(dissolved.hang_up.into_iter().filter(|p| !dying.contains(p)));
        }
        if let Some(i) = self.active.iter().position(|c| c.legs.iter().any(|l| dying.contains(&l.uniqueid))) {
            events.extend(self.active.remove(i).hangup(NORMAL_CLEARING));
        }
        for peer in peers {
            if let Some(i) = self.call_index(&peer) {
                events.extend(self.release(i));
            }
        }
        events.extend(self.queue_released(&dying));
        events
    }
}
