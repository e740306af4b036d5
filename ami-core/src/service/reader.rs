//! The service's threads: the reader (dispatch, link loss, reconnect) and
//! the keepalive.

use std::io::ErrorKind;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::batch::Batch;
use super::link::{self, ReadSide};
use super::pending::Offer;
use super::subscription::Incoming;
use super::{lock, open_session, Shared, SubscriberCache};
use crate::action::RawAction;
use crate::backlog::Entry;
use crate::client::Session;
use crate::error::{Error, Phase};
use crate::frame::Decoder;
use crate::logging::ami_log;
use crate::message::{kind_of, Headers, Message, MessageKind};

/// Makes a logged-in session the service's link: installs its writing
/// side, publishes what it already received, and returns its reading side.
pub(super) fn install(shared: &Shared, session: Session, restored: bool) -> Result<(ReadSide, Decoder), Error> {
    let mut parts = session.into_parts()?;
    let (read, write) =
        link::split(parts.transport, shared.config.timeouts.write).map_err(|e| Error::io(Phase::Connect, e))?;
    *lock(&shared.writer) = Some(write);
    shared.connected.store(true, Ordering::SeqCst);
    shared.liveness.end_wait(true);
    let mut batch = Batch::new();
    if restored {
        batch.push(Incoming::ConnectionRestored);
    }
    while let Some(entry) = parts.events.pop() {
        batch.push(match entry {
            Entry::Item(m) => Incoming::Event(m),
            Entry::Gap(dropped) => Incoming::Lagged { dropped },
        });
    }
    parts.unmatched.into_iter().for_each(|m| batch.push(Incoming::UnmatchedResponse(m)));
    shared.publish(&mut batch, &mut (u64::MAX, Arc::default()));
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
    let mut cache = (u64::MAX, Arc::default());
    loop {
        let reason = pump(shared, &mut read, &mut decoder, &mut cache);
        drop(read);
        let reason = lock(&shared.close_reason).take().unwrap_or(reason);
        link_down(shared, &reason);
        if shared.stopping() {
            break;
        }
        ami_log!(warn, "connection to {}:{} lost: {reason}", shared.config.host, shared.config.port);
        *lock(&shared.last_error) = Some(reason.clone());
        shared.publish_one(Incoming::ConnectionLost { reason });
        match reconnect(shared) {
            Some((r, d)) => (read, decoder) = (r, d),
            None => break,
        }
    }
    shared.stop();
}

/// Reads and dispatches until the link fails; returns why. What one read
/// brings is published as one batch.
fn pump(shared: &Shared, read: &mut ReadSide, decoder: &mut Decoder, cache: &mut SubscriberCache) -> String {
    let mut batch = Batch::new();
    loop {
        loop {
            match decoder.decode_frame() {
                Ok(Some(frame)) => sort(shared, frame, &mut batch, cache),
                Ok(None) => break,
                Err(e) => {
                    shared.publish(&mut batch, cache);
                    return e.to_string();
                }
            }
        }
        shared.publish(&mut batch, cache);
        shared.liveness.begin_wait();
        let got = read.read(decoder);
        shared.liveness.end_wait(matches!(got, Ok(n) if n > 0));
        match got {
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

/// Sorts a frame from the wire: answers to pending actions go to their
/// callers, events to the batch as frames (made messages by the consumers),
/// the rest to the batch as unmatched responses.
///
/// Before a frame goes to a caller, what came before it on the wire is
/// published: a caller that has its answer finds every event that preceded
/// it queued (or counted as dropped). `close` relies on it: the `Goodbye`
/// comes after the server's last events, and the queues close once it is
/// in, so an event in the same read as the `Goodbye` is not lost uncounted.
fn sort(shared: &Shared, frame: &[u8], batch: &mut Batch, cache: &mut SubscriberCache) {
    let kind = kind_of(Headers::new(frame));
    let for_a_caller = kind != MessageKind::Other
        && shared.pending.len() > 0
        && (kind != MessageKind::Event || Headers::new(frame).any(|h| h.is("ActionID")));
    if kind == MessageKind::Event && !for_a_caller {
        batch.push_frame(frame);
        return;
    }
    let m = Message::from_frame(frame.to_vec());
    let m = if for_a_caller {
        shared.publish(batch, cache);
        match shared.pending.offer(m, kind == MessageKind::Event) {
            Offer::Taken => return,
            Offer::Copied(m) | Offer::NotMine(m) => m,
        }
    } else {
        m
    };
    if kind == MessageKind::Event {
        batch.push(Incoming::Event(m));
    } else {
        ami_log!(debug, "response matches no pending action (ActionID {:?})", m.action_id().unwrap_or_default());
        batch.push(Incoming::UnmatchedResponse(m));
    }
}

/// Takes the link away (under the writer's lock, so no action is written on
/// it any more) and fails the actions written on it.
fn link_down(shared: &Shared, reason: &str) {
    let mut writer = lock(&shared.writer);
    if let Some(mut w) = writer.take() {
        w.shutdown();
    }
    shared.connected.store(false, Ordering::SeqCst);
    shared.pending.fail_all(reason);
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
                shared.reconnects.fetch_add(1, Ordering::Relaxed);
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
            Err(e) => {
                ami_log!(info, "reconnect attempt {} failed: {e}", attempt + 1);
                *lock(&shared.last_error) = Some(format!("reconnect attempt {} failed: {e}", attempt + 1));
            }
        }
    }
    None
}

/// Pings after `interval` of silence; closes the link when a further
/// `keepalive_timeout` passes with nothing received. Silence is only counted
/// while the reader waits on the socket.
fn keepalive(shared: &Shared, interval: Duration) {
    let timeout = shared.options.keepalive_timeout;
    let tick = (interval.min(timeout) / 4).clamp(Duration::from_millis(5), Duration::from_secs(1));
    while !shared.sleep(tick) {
        if !shared.connected.load(Ordering::SeqCst) || shared.liveness.silence() < interval {
            continue;
        }
        match shared.request(&RawAction::new("Ping"), Some(timeout), None) {
            Err(e) if e.is_timeout() => {
                // Any byte since the Ping would have ended the silence.
                let silence = shared.liveness.silence();
                if silence >= timeout {
                    let reason = format!(
                        "keepalive: nothing received for {:.1} s, Ping unanswered; the client closed the link",
                        silence.as_secs_f64()
                    );
                    ami_log!(warn, "{reason}");
                    shared.kill_link(Some(reason));
                }
            }
            _ => {}
        }
    }
}
