//! One live connection of a service, split for a reader thread and many
//! writers. TCP is cloned into two handles; a stream that cannot be cloned
//! (TLS) is shared under a lock, the reader polling with a short timeout.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::frame::Decoder;
use crate::transport::Transport;

/// How long the reader holds a shared stream before letting writers in.
const SHARED_POLL: Duration = Duration::from_millis(10);

pub(crate) struct SharedStream {
    stream: Mutex<Box<dyn Transport>>,
    writers_waiting: AtomicUsize,
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SharedStream {
    fn lock_for_write(&self) -> MutexGuard<'_, Box<dyn Transport>> {
        self.writers_waiting.fetch_add(1, Ordering::SeqCst);
        let guard = lock(&self.stream);
        self.writers_waiting.fetch_sub(1, Ordering::SeqCst);
        guard
    }
}

/// The reading side, owned by the reader thread.
pub(crate) enum ReadSide {
    Own(Box<dyn Transport>),
    Shared(Arc<SharedStream>),
}

/// The writing side, shared by every thread that sends.
pub(crate) enum WriteSide {
    Own(Box<dyn Transport>),
    Shared(Arc<SharedStream>),
}

/// Splits a logged-in connection into its reading and writing sides.
pub(crate) fn split(
    mut transport: Box<dyn Transport>,
    write_timeout: Option<Duration>,
) -> io::Result<(ReadSide, WriteSide)> {
    transport.set_write_timeout(write_timeout)?;
    match transport.try_clone_box() {
        Some(mut writer) => {
            writer.set_write_timeout(write_timeout)?;
            Ok((ReadSide::Own(transport), WriteSide::Own(writer)))
        }
        None => {
            transport.set_read_timeout(Some(SHARED_POLL))?;
            let shared = Arc::new(SharedStream { stream: Mutex::new(transport), writers_waiting: AtomicUsize::new(0) });
            Ok((ReadSide::Shared(shared.clone()), WriteSide::Shared(shared)))
        }
    }
}

impl ReadSide {
    /// Reads once into `decoder`. `WouldBlock` means nothing arrived within
    /// the poll interval of a shared stream.
    pub(crate) fn read(&mut self, decoder: &mut Decoder) -> io::Result<usize> {
        match self {
            ReadSide::Own(t) => decoder.read_from(&mut **t),
            ReadSide::Shared(s) => {
                while s.writers_waiting.load(Ordering::SeqCst) > 0 {
                    std::thread::yield_now();
                }
                let mut stream = lock(&s.stream);
                decoder.read_from(&mut **stream)
            }
        }
    }
}

impl WriteSide {
    pub(crate) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            WriteSide::Own(t) => write_to(&mut **t, bytes),
            WriteSide::Shared(s) => write_to(&mut **s.lock_for_write(), bytes),
        }
    }

    /// Closes the connection under the reader, which then sees it end.
    pub(crate) fn shutdown(&mut self) {
        match self {
            WriteSide::Own(t) => t.shutdown(),
            WriteSide::Shared(s) => s.lock_for_write().shutdown(),
        }
    }
}

fn write_to(t: &mut dyn Transport, bytes: &[u8]) -> io::Result<()> {
    t.write_all(bytes)?;
    t.flush()
}
