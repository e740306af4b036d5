//! The byte stream under a connection: TCP, TLS, or anything a test supplies.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::config::{Config, TlsConfig};
use crate::error::{Error, Phase};

/// A bidirectional byte stream a [`Client`](crate::Client) can run over.
///
/// Implemented for [`TcpStream`] and (feature `tls`) for native-tls streams
/// over any `Transport`.
/// Implement it for an in-memory stream to test code without a socket.
pub trait Transport: Read + Write + Send {
    /// Sets how long one `read` may block (`None`: forever). A read that times
    /// out returns `WouldBlock` or `TimedOut`.
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;

    /// Sets how long one `write` may block (`None`: forever).
    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;

    /// Closes both directions, best effort.
    fn shutdown(&mut self) {}

    /// A second handle on the same stream for writing while another thread
    /// reads, if the stream allows it (TCP does; TLS does not, and is then
    /// shared under a lock).
    fn try_clone_box(&self) -> Option<Box<dyn Transport>> {
        None
    }
}

impl Transport for TcpStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }

    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_write_timeout(self, timeout)
    }

    fn shutdown(&mut self) {
        let _ = TcpStream::shutdown(self, Shutdown::Both);
    }

    fn try_clone_box(&self) -> Option<Box<dyn Transport>> {
        self.try_clone().ok().map(|s| Box::new(s) as Box<dyn Transport>)
    }
}

/// One impl for every TLS stream over a [`Transport`]: over a [`TcpStream`]
/// you opened yourself, and over the socket [`Client::connect`](crate::Client::connect)
/// opens. Timeouts apply to the stream underneath. Needs the `tls` feature
/// (on by default).
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
impl<S: Transport> Transport for native_tls::TlsStream<S> {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.get_mut().set_read_timeout(timeout)
    }

    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.get_mut().set_write_timeout(timeout)
    }

    fn shutdown(&mut self) {
        let _ = native_tls::TlsStream::shutdown(self);
        self.get_mut().shutdown();
    }
}

/// The deadline for the TLS handshake.
#[cfg(feature = "tls")]
mod deadline {
    use std::io::{self, Read, Write};
    use std::net::{Shutdown, TcpStream};
    use std::time::{Duration, Instant};

    use super::Transport;

    /// The socket under a TLS connection, holding one deadline for the whole
    /// handshake. Socket timeouts bound a single read or write; a server that
    /// sends a byte now and then would keep each of them short and the
    /// handshake going for ever. Before each read or write this sets the socket
    /// timeout to the time left, and once none is left it fails with
    /// `WouldBlock`, which native-tls reports as `HandshakeError::WouldBlock`.
    /// With no deadline (after the handshake) it is the plain socket, its
    /// timeouts set by the connection through [`Transport`].
    #[derive(Debug)]
    pub(super) struct DeadlineStream {
        pub(super) tcp: TcpStream,
        pub(super) deadline: Option<Instant>,
    }

    impl DeadlineStream {
        /// Sets a socket timeout (`set` is the read or the write one) to the time
        /// left before the deadline, or fails with `WouldBlock` if there is none.
        fn arm(&self, set: fn(&TcpStream, Option<Duration>) -> io::Result<()>) -> io::Result<()> {
            match self.deadline {
                None => Ok(()),
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => set(&self.tcp, Some(left)),
                    _ => Err(io::Error::new(io::ErrorKind::WouldBlock, "TLS handshake deadline passed")),
                },
            }
        }

        /// During the handshake, a socket timeout (`TimedOut` on some systems)
        /// is reported as `WouldBlock` too, so that it ends as a timeout rather
        /// than a handshake failure.
        fn timed_out_as_would_block<T>(&self, r: io::Result<T>) -> io::Result<T> {
            match r {
                Err(e) if self.deadline.is_some() && e.kind() == io::ErrorKind::TimedOut => {
                    Err(io::Error::new(io::ErrorKind::WouldBlock, e))
                }
                r => r,
            }
        }
    }

    impl Read for DeadlineStream {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.arm(TcpStream::set_read_timeout)?;
            let r = self.tcp.read(buf);
            self.timed_out_as_would_block(r)
        }
    }

    impl Write for DeadlineStream {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.arm(TcpStream::set_write_timeout)?;
            let r = self.tcp.write(buf);
            self.timed_out_as_would_block(r)
        }

        fn flush(&mut self) -> io::Result<()> {
            self.tcp.flush()
        }
    }

    impl Transport for DeadlineStream {
        fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
            self.tcp.set_read_timeout(timeout)
        }

        fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
            self.tcp.set_write_timeout(timeout)
        }

        fn shutdown(&mut self) {
            let _ = self.tcp.shutdown(Shutdown::Both);
        }
    }
}

/// Opens the TCP connection (trying every resolved address) and, if
/// configured, does the TLS handshake.
pub(crate) fn open(config: &Config) -> Result<Box<dyn Transport>, Error> {
    let tcp = connect_tcp(&config.host, config.port, config.timeouts.connect)?;
    tcp.set_nodelay(true).map_err(|e| Error::io(Phase::Connect, e))?;
    match &config.tls {
        None => Ok(Box::new(tcp)),
        Some(tls) => tls_handshake(tcp, &config.host, tls, config.timeouts.handshake),
    }
}

fn connect_tcp(host: &str, port: u16, timeout: Option<Duration>) -> Result<TcpStream, Error> {
    let addrs = (host, port).to_socket_addrs().map_err(|e| Error::io(Phase::Connect, e))?;
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host} resolved to no address"));
    for addr in addrs {
        let attempt = match timeout {
            Some(t) => TcpStream::connect_timeout(&addr, t),
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(Error::io(Phase::Connect, last))
}

/// The TLS handshake over `tcp`, all of it within `timeout`: past it, the
/// error is [`Error::Timeout`] in [`Phase::TlsHandshake`].
#[cfg(feature = "tls")]
fn tls_handshake(
    tcp: TcpStream,
    host: &str,
    tls: &TlsConfig,
    timeout: Option<Duration>,
) -> Result<Box<dyn Transport>, Error> {
    let mut builder = native_tls::TlsConnector::builder();
    for path in &tls.ca_files {
        let pem =
            std::fs::read(path).map_err(|e| Error::Tls(format!("cannot read CA file {}: {e}", path.display())))?;
        add_roots(&mut builder, &pem, &path.display().to_string())?;
    }
    for pem in &tls.ca_pems {
        add_roots(&mut builder, pem, "the given PEM")?;
    }
    if tls.accept_invalid_certs {
        builder.danger_accept_invalid_certs(true).danger_accept_invalid_hostnames(true);
    }
    let connector = builder.build().map_err(|e| Error::Tls(e.to_string()))?;
    let name = tls.server_name.as_deref().unwrap_or(host);
    let stream = deadline::DeadlineStream { tcp, deadline: timeout.map(|t| std::time::Instant::now() + t) };
    match connector.connect(name, stream) {
        Ok(mut s) => {
            // From here on the connection sets its own timeouts. Until it
            // does, the socket keeps the handshake timeout, not whatever
            // sliver of it was left.
            let socket = s.get_mut();
            socket.deadline = None;
            socket.set_read_timeout(timeout).map_err(|e| Error::io(Phase::Connect, e))?;
            socket.set_write_timeout(timeout).map_err(|e| Error::io(Phase::Connect, e))?;
            Ok(Box::new(s))
        }
        Err(native_tls::HandshakeError::Failure(e)) => Err(Error::Tls(format!("handshake with {name} failed: {e}"))),
        Err(native_tls::HandshakeError::WouldBlock(_)) => Err(Error::Timeout { phase: Phase::TlsHandshake }),
    }
}

#[cfg(feature = "tls")]
fn add_roots(builder: &mut native_tls::TlsConnectorBuilder, pem: &[u8], what: &str) -> Result<(), Error> {
    let certs = native_tls::Certificate::stack_from_pem(pem).map_err(|e| Error::Tls(format!("{what}: {e}")))?;
    if certs.is_empty() {
        return Err(Error::Tls(format!("{what} holds no PEM certificate")));
    }
    for cert in certs {
        builder.add_root_certificate(cert);
    }
    Ok(())
}

#[cfg(not(feature = "tls"))]
fn tls_handshake(
    _tcp: TcpStream,
    _host: &str,
    _tls: &TlsConfig,
    _timeout: Option<Duration>,
) -> Result<Box<dyn Transport>, Error> {
    Err(Error::Tls("this build of ami-core has no TLS support (enable the `tls` feature)".into()))
}
