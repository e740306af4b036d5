//! The byte stream under a connection: TCP, TLS, or anything a test supplies.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::config::{Config, TlsConfig};
use crate::error::{Error, Phase};

/// A bidirectional byte stream a [`Client`](crate::Client) can run over.
///
/// Implemented for [`TcpStream`] and (feature `tls`) for native-tls streams.
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

#[cfg(feature = "tls")]
impl Transport for native_tls::TlsStream<TcpStream> {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.get_ref().set_read_timeout(timeout)
    }

    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.get_ref().set_write_timeout(timeout)
    }

    fn shutdown(&mut self) {
        let _ = native_tls::TlsStream::shutdown(self);
        let _ = self.get_ref().shutdown(Shutdown::Both);
    }
}

/// Opens the TCP connection (trying every resolved address) and, if
/// configured, does the TLS handshake.
pub(crate) fn open(config: &Config) -> Result<Box<dyn Transport>, Error> {
    let tcp = connect_tcp(&config.host, config.port, config.timeouts.connect)?;
    tcp.set_nodelay(true).map_err(|e| Error::io(Phase::Connect, e))?;
    match &config.tls {
        None => Ok(Box::new(tcp)),
        Some(tls) => {
            let t = config.timeouts.handshake;
            tcp.set_read_timeout(t).and_then(|_| tcp.set_write_timeout(t)).map_err(|e| Error::io(Phase::Connect, e))?;
            tls_handshake(tcp, &config.host, tls)
        }
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

#[cfg(feature = "tls")]
fn tls_handshake(tcp: TcpStream, host: &str, tls: &TlsConfig) -> Result<Box<dyn Transport>, Error> {
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
    match connector.connect(name, tcp) {
        Ok(s) => Ok(Box::new(s)),
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
fn tls_handshake(_tcp: TcpStream, _host: &str, _tls: &TlsConfig) -> Result<Box<dyn Transport>, Error> {
    Err(Error::Tls("this build of ami-core has no TLS support (enable the `tls` feature)".into()))
}
