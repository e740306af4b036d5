//! One client's byte stream (TCP, or TLS over it) and how output goes out
//! on it: in whole writes, one byte at a time when dripping, or nowhere when
//! the server has gone silent.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use super::server::Config;

enum Stream {
    Tcp(TcpStream),
    #[cfg(feature = "tls")]
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Tcp(s) => s,
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.get_ref(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// How output is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Each send in one write.
    Normal,
    /// Every byte in its own write and flush, with a pause after each.
    Drip(Duration),
    /// Nothing is written any more.
    Silent,
}

/// A client connection, as the session thread uses it.
pub(crate) struct Conn {
    stream: Stream,
    mode: Mode,
}

impl Conn {
    /// Takes an accepted socket, doing the TLS handshake when the server has
    /// TLS. Reads then wait at most `poll`, so that the session thread can
    /// also send what other threads queued for it.
    pub(crate) fn open(tcp: TcpStream, config: &Config, poll: Duration) -> io::Result<Conn> {
        let stream = Conn::handshake(tcp, config)?;
        stream.tcp().set_read_timeout(Some(poll))?;
        Ok(Conn { stream, mode: Mode::Normal })
    }

    #[cfg(feature = "tls")]
    fn handshake(tcp: TcpStream, config: &Config) -> io::Result<Stream> {
        match &config.tls {
            None => Ok(Stream::Tcp(tcp)),
            Some(acceptor) => match acceptor.accept(tcp) {
                Ok(tls) => Ok(Stream::Tls(Box::new(tls))),
                Err(e) => Err(io::Error::new(io::ErrorKind::ConnectionAborted, e.to_string())),
            },
        }
    }

    #[cfg(not(feature = "tls"))]
    fn handshake(tcp: TcpStream, _: &Config) -> io::Result<Stream> {
        Ok(Stream::Tcp(tcp))
    }

    /// Whether the connection is TLS.
    pub(crate) fn is_tls(&self) -> bool {
        !matches!(self.stream, Stream::Tcp(_))
    }

    pub(crate) fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
    }

    pub(crate) fn is_silent(&self) -> bool {
        self.mode == Mode::Silent
    }

    /// Reads what the client sent: `Ok(None)` when nothing came within the
    /// poll interval, `Ok(Some(0))` at end of stream.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        match self.stream.read(buf) {
            Ok(n) => Ok(Some(n)),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes `bytes` as the mode says.
    pub(crate) fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.mode {
            _ if bytes.is_empty() => Ok(()),
            Mode::Silent => Ok(()),
            Mode::Normal => {
                self.stream.write_all(bytes)?;
                self.stream.flush()
            }
            Mode::Drip(pause) => bytes.iter().try_for_each(|b| {
                self.stream.write_all(std::slice::from_ref(b))?;
                self.stream.flush()?;
                thread::sleep(pause);
                Ok(())
            }),
        }
    }

    /// Ends the connection politely (a TLS close_notify before the close).
    pub(crate) fn close(self) {
        #[cfg(feature = "tls")]
        if let Stream::Tls(mut tls) = self.stream {
            let _ = tls.shutdown();
        }
    }
}
