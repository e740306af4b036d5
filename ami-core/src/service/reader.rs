//! The service's threads: the reader (dispatch, link loss, reconnect) and
//! the keepalive.

use std::io::ErrorKind;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::link::{self, ReadSide};
use super::pending::Offer;
use super::subscription::{Incoming, Queue};
use super::{lock, open_session, Shared};
use crate::action::RawAction;
use crate::client::Session;
use crate::error::{Error, Phase};
use crate::frame::Decoder;
use crate::logging::ami_log;
use crate::message::{Message, MessageKind};

/// Makes a logged-in session the service's link: installs its writing
/// side, publishes what it already received, and returns its reading side.
pub(super) fn install(shared: &Shared, session: Session, restored: bool) -> Result<(ReadSide, Decoder), Error> {
    let parts = session.into_parts()?;
    let (read, write) =
        link::split(parts.transport, shared.config.timeouts.write).map_err(|e| Error::io(Phase::Connect, e))?;
    *lock(&shared.writer) = Some(write);
    shared.connected.store(true, Ordering::SeqCst);
    let mut scratch = Vec::new();
    if restored {
        shared.publish(Incoming::ConnectionRestored, &mut scratch);
    }
    for m in parts.events {
        shared.publish(Incoming::Event(m), &mut scratch);
    }
    for m in parts.unmatched {
        shared.publish(Incoming::UnmatchedResponse(m), &mut scratch);
    }
    Ok((read, parts.decoder))
}

pub(super) fn spawn(shared: Arc<Shared>, read: ReadSide, decoder: Decoder) {
    thread::Builder::new()
        .name("ami-reader".into())
        .spawn(move || run(&shared, read, decoder))
        .expect("spawning the AMI reader thread");
}

pub(super) fn spawn_keepalive(shared: Arc<Shared>, interval: Duration) {
    thread::Builder::new()
        .name("ami-keepalive".into())
        .spawn(move || keepalive(&shared, interval))
        .expect("spawning the AMI keepalive thread");
}

fn run(shared: &Shared, mut read: ReadSide, mut decoder: Decoder) {
    let mut scratch: Vec<Arc<Queue>> = Vec::new();
    loop {
        let reason = pump(shared, &mut read, &mut decoder, &mut scratch);
        drop(read);
        link_down(shared);
        if shared.stopping() {
            break;
        }
        ami_log!(warn, "connection to {}:{} lost: {reason}", shared.config.host, shared.config.port);
        shared.publish(Incoming::ConnectionLost { reason }, &mut scratch);
        match reconnect(shared) {
            Some((r, d)) => (read, decoder) = (r, d),
            None => break,
        }
    }
    shared.stop();
}

/// Reads and dispatches until the link fails; returns why.
fn pump(shared: &Shared, read: &mut ReadSide, decoder: &mut Decoder, scratch: &mut Vec<Arc<Queue>>) -> String {
    loop {
        loop {
            match decoder.decode() {
                Ok(Some(m)) => dispatch(shared, m, scratch),
                Ok(None) => break,
                Err(e) => return e.to_string(),
            }
        }
        match read.read(decoder) {
            Ok(0) if decoder.has_partial() => return "server closed the connection in the middle of a message".into(),
            Ok(0) => return "server closed the connection".into(),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                if shared.stopping() {
                    return "service stopped".into();
                }
            }
            Err(e) => return e.to_string(),
        }
    }
}

fn dispatch(shared: &Shared, m: Message, scratch: &mut Vec<Arc<Queue>>) {
    let kind = m.kind();
    let m = match kind {
        MessageKind::Other => m,
        _ => match shared.pending.offer(m, kind == MessageKind::Event) {
            Offer::Taken => return,
            Offer::Copied(m) | Offer::NotMine(m) => m,
        },
    };
    let item = if kind == MessageKind::Event {
        Incoming::Event(m)
    } else {
        ami_log!(debug, "response matches no pending action (ActionID {:?})", m.action_id().unwrap_or_default());
        Incoming::UnmatchedResponse(m)
    };
    shared.publish(item, scratch);
}

fn link_down(shared: &Shared) {
    if let Some(mut w) = lock(&shared.writer).take() {
        w.shutdown();
    }
    shared.connected.store(false, Ordering::SeqCst);
    shared.pending.fail_all();
}

/// Reconnects with backoff until it works or the service stops.
fn reconnect(shared: &Shared) -> Option<(ReadSide, Decoder)> {
    let backoff = shared.options.reconnect?;
    for attempt in 0.. {
        if shared.sleep(backoff.delay(attempt)) {
            return None;
        }
        let restore: Vec<RawAction> = lock(&shared.restore).clone();
        let linked = open_session(&shared.config, &shared.login, &restore).and_then(|s| install(shared, s, true));
        match linked {
            Ok(link) => {
                ami_log!(
                    info,
                    "reconnected to {}:{} as {}",
                    shared.config.host,
                    shared.config.port,
                    shared.login.username()
                );
                return Some(link);
            }
            // Wrong credentials will not fix themselves, but the server may
            // be restarting with its users not loaded yet: keep trying.
            Err(e) => ami_log!(info, "reconnect attempt {} failed: {e}", attempt + 1),
        }
    }
    None
}

fn keepalive(shared: &Shared, interval: Duration) {
    while !shared.sleep(interval) {
        if !shared.connected.load(Ordering::SeqCst) {
            continue;
        }
        let ping = RawAction::new("Ping");
        if let Err(Error::Timeout { .. }) = shared.request(&ping, Some(shared.options.keepalive_timeout), None) {
            ami_log!(warn, "no Pong within {:?}: closing the link", shared.options.keepalive_timeout);
            shared.kill_link();
        }
    }
}
