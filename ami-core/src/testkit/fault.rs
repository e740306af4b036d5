//! Faults a test arms on the fake: what it does instead of, or after, the
//! bytes it was about to send.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use super::conn::{Conn, Mode};
use super::session::Flow;
use super::users::USER;
use super::wire::{Event, Out};
use crate::Message;

/// Flood writes are about this big.
const FLOOD_CHUNK: usize = 256 * 1024;

/// A misbehaviour of the fake server.
///
/// A fault is armed once, and fires once: for the next connection
/// ([`FakeAsterisk::fault_next_connection`](super::FakeAsterisk::fault_next_connection)),
/// where "the bytes due" are the banner; or for the next request naming an
/// action ([`FakeAsterisk::fault_on_action`](super::FakeAsterisk::fault_on_action)),
/// where "the bytes due" are the normal answer to that request (the action
/// itself still runs: an `Originate` still places its call).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Fault {
    /// Writes the first half of the bytes due, then closes the connection:
    /// the client sees a message cut short, then end of stream.
    CloseMidMessage,
    /// Closes the connection at once, writing nothing. Stable Rust cannot set
    /// `SO_LINGER 0`, so this is an abrupt close rather than a TCP reset
    /// (over TLS, without close_notify).
    Reset,
    /// From now on writes the session's output one byte per write, each
    /// flushed, pausing `pause` after each byte (zero for none).
    Drip {
        /// Pause after each byte.
        pause: Duration,
    },
    /// Writes these bytes instead of the bytes due (a garbage banner, say),
    /// then carries on as usual.
    Garbage(Vec<u8>),
    /// Writes nothing, now or later: requests are still read and recorded
    /// ([`FakeAsterisk::requests`](super::FakeAsterisk::requests)) but never
    /// answered, and no events are sent. The connection stays open.
    Silence,
    /// Writes the bytes due, then `message` `count` times, as fast as the
    /// client reads, in big writes.
    Flood {
        /// The message to repeat (an event, usually).
        message: Message,
        /// How many times.
        count: usize,
    },
    /// Writes the bytes due, then these bytes as they are, as fast as the
    /// client reads (a recorded event stream, say), in large writes: the
    /// bytes due and the first 256 KiB of the stream in the same write.
    /// Cloning the fault does not copy the bytes.
    ///
    /// A benchmark replays a recorded session after the login answer this
    /// way (strip the recording's own banner and login answer first):
    ///
    /// ```
    /// # use ami_core::testkit::{FakeAsterisk, Fault};
    /// # let fake = FakeAsterisk::start()?;
    /// let recorded: Vec<u8> = b"Event: Newchannel\r\nChannel: PJSIP/1-01\r\n\r\n".repeat(1000);
    /// fake.fault_on_action("Login", Fault::Stream(recorded.into()));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    Stream(Arc<[u8]>),
}

impl Fault {
    /// A [`Fault::Stream`] of one `UserEvent` whose `Data` line holds `len`
    /// bytes: a line far over any sane limit.
    pub fn huge_line(len: usize) -> Fault {
        user_event("HugeLine", |out| {
            out.h("Data", vec![b'x'; len]);
        })
    }

    /// A [`Fault::Stream`] of one `UserEvent` with `count` extra headers
    /// (`Header1: 1`...).
    pub fn many_headers(count: usize) -> Fault {
        user_event("ManyHeaders", |out| {
            for i in 1..=count {
                out.h(&format!("Header{i}"), i.to_string());
            }
        })
    }

    /// Writes `due` as the fault says; returns what the session does next.
    pub(crate) fn apply(self, due: &[u8], conn: &mut Conn) -> io::Result<Flow> {
        match self {
            Fault::CloseMidMessage => {
                conn.send(&due[..due.len() / 2])?;
                return Ok(Flow::Abort);
            }
            Fault::Reset => return Ok(Flow::Abort),
            Fault::Drip { pause } => {
                conn.set_mode(Mode::Drip(pause));
                conn.send(due)?;
            }
            Fault::Garbage(bytes) => conn.send(&bytes)?,
            Fault::Silence => conn.set_mode(Mode::Silent),
            Fault::Flood { message, count } => {
                conn.send(due)?;
                flood(conn, &message.to_wire(), count)?;
            }
            Fault::Stream(bytes) => {
                // The answer and the start of the stream in one write, as a
                // busy server's login answer arrives with its first events.
                let first = bytes.len().min(STREAM_FIRST_WRITE);
                conn.send(&[due, &bytes[..first]].concat())?;
                conn.send(&bytes[first..])?;
            }
        }
        Ok(Flow::Continue)
    }
}

/// How much of a [`Fault::Stream`] goes out in the write of the bytes due.
const STREAM_FIRST_WRITE: usize = 256 << 10;

/// A [`Fault::Stream`] of one `UserEvent` called `name`.
fn user_event(name: &str, fill: impl FnOnce(&mut Out)) -> Fault {
    let event = Event::build("UserEvent", USER, |out| {
        out.h("UserEvent", name);
        fill(out);
    });
    Fault::Stream(event.bytes.into())
}

/// Writes `wire` `count` times, in chunks built once.
fn flood(conn: &mut Conn, wire: &[u8], count: usize) -> io::Result<()> {
    let per_chunk = (FLOOD_CHUNK / wire.len().max(1)).clamp(1, count.max(1));
    let chunk = wire.repeat(per_chunk);
    let mut left = count;
    while left > 0 {
        let n = left.min(per_chunk);
        conn.send(&chunk[..n * wire.len()])?;
        left -= n;
    }
    Ok(())
}
