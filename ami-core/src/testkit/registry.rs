//! The live sessions as other threads see them: who is logged in, which
//! event classes each one receives, a bounded outbox per session for events
//! raised elsewhere, and the socket to cut.

use std::io;
use std::mem;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use super::server::lock;
use super::wire::Event;
use super::SessionId;

/// One connection's shared side.
pub(crate) struct SessionHandle {
    pub(crate) id: SessionId,
    pub(crate) peer: SocketAddr,
    /// A clone of the connection's socket, to cut it from another thread.
    socket: TcpStream,
    /// The classes of events the session receives (read classes and the
    /// session's event mask); 0 before login and with events off.
    mask: AtomicU32,
    username: Mutex<Option<String>>,
    outbox: Mutex<Outbox>,
}

struct Outbox {
    bytes: Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl SessionHandle {
    /// `outbox_limit` bounds the bytes queued for a client that does not read.
    pub(crate) fn new(id: SessionId, peer: SocketAddr, socket: TcpStream, outbox_limit: usize) -> SessionHandle {
        let outbox = Outbox { bytes: Vec::new(), limit: outbox_limit, overflowed: false };
        SessionHandle {
            id,
            peer,
            socket,
            mask: AtomicU32::new(0),
            username: Mutex::new(None),
            outbox: Mutex::new(outbox),
        }
    }

    /// Marks the session as logged in as `user`, receiving events of `mask`.
    pub(crate) fn log_in(&self, user: &str, mask: u32) {
        *lock(&self.username) = Some(user.to_string());
        self.set_mask(mask);
    }

    pub(crate) fn set_mask(&self, mask: u32) {
        self.mask.store(mask, Ordering::SeqCst);
    }

    /// The user logged in on this session, if any.
    pub(crate) fn username(&self) -> Option<String> {
        lock(&self.username).clone()
    }

    /// Whether an event of `class` goes to this session: every one of its
    /// classes must be received. A class of 0 (an event without `Privilege`)
    /// goes to every session that receives events at all.
    pub(crate) fn wants(&self, class: u32) -> bool {
        let mask = self.mask.load(Ordering::SeqCst);
        mask != 0 && mask & class == class
    }

    /// Queues bytes for the session's thread. A client that lets more than
    /// the limit pile up is cut off, as Asterisk drops a client whose writes
    /// time out: memory stays bounded.
    pub(crate) fn push(&self, bytes: &[u8]) {
        let mut outbox = lock(&self.outbox);
        if outbox.overflowed {
            return;
        }
        if outbox.bytes.len() + bytes.len() > outbox.limit {
            outbox.overflowed = true;
            outbox.bytes = Vec::new();
            self.cut();
        } else {
            outbox.bytes.extend_from_slice(bytes);
        }
    }

    /// Swaps what is queued into `into` (which should be empty); an error
    /// once the outbox has overflowed.
    pub(crate) fn take_outbox(&self, into: &mut Vec<u8>) -> io::Result<()> {
        let mut outbox = lock(&self.outbox);
        if outbox.overflowed {
            return Err(io::Error::new(io::ErrorKind::WriteZero, "client stopped reading; outbox full"));
        }
        mem::swap(&mut outbox.bytes, into);
        Ok(())
    }

    /// Cuts the connection: the session's blocked reads and writes fail.
    pub(crate) fn cut(&self) {
        let _ = self.socket.shutdown(Shutdown::Both);
    }
}

/// Every live session.
#[derive(Default)]
pub(crate) struct Registry {
    sessions: Mutex<Vec<Arc<SessionHandle>>>,
}

impl Registry {
    pub(crate) fn add(&self, session: Arc<SessionHandle>) {
        lock(&self.sessions).push(session);
    }

    pub(crate) fn remove(&self, id: SessionId) {
        lock(&self.sessions).retain(|s| s.id != id);
    }

    pub(crate) fn get(&self, id: SessionId) -> Option<Arc<SessionHandle>> {
        lock(&self.sessions).iter().find(|s| s.id == id).cloned()
    }

    pub(crate) fn all(&self) -> Vec<Arc<SessionHandle>> {
        lock(&self.sessions).clone()
    }

    /// Queues each event for every session that wants its class, but
    /// `except`; returns how many sessions got at least one.
    pub(crate) fn broadcast(&self, events: &[Event], except: Option<SessionId>) -> usize {
        let sessions = lock(&self.sessions);
        let mut reached = 0;
        for session in sessions.iter().filter(|s| Some(s.id) != except) {
            let mut wanted = events.iter().filter(|e| session.wants(e.class)).peekable();
            if wanted.peek().is_some() {
                reached += 1;
                wanted.for_each(|e| session.push(&e.bytes));
            }
        }
        reached
    }

    pub(crate) fn cut_all(&self) {
        lock(&self.sessions).iter().for_each(|s| s.cut());
    }
}
