//! Where to connect and how long to wait: [`Config`], [`Timeouts`], [`TlsConfig`].

use std::path::PathBuf;
use std::time::Duration;

use crate::backlog::QueueLimits;
use crate::frame::DEFAULT_MAX_MESSAGE_SIZE;

/// How long each phase may take. `None` waits forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Opening the TCP connection (per resolved address).
    pub connect: Option<Duration>,
    /// The TLS handshake, all of it however slowly the server sends, and
    /// then, counted afresh, the banner line.
    pub handshake: Option<Duration>,
    /// Logging in (the server answers a failed login about 1 s late).
    pub login: Option<Duration>,
    /// Writing one action.
    pub write: Option<Duration>,
    /// Waiting for one action's response, list items included.
    pub response: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(Duration::from_secs(10)),
            handshake: Some(Duration::from_secs(10)),
            login: Some(Duration::from_secs(10)),
            write: Some(Duration::from_secs(10)),
            response: Some(Duration::from_secs(30)),
        }
    }
}

impl Timeouts {
    /// The same timeout for every phase.
    pub fn all(t: Option<Duration>) -> Timeouts {
        Timeouts { connect: t, handshake: t, login: t, write: t, response: t }
    }
}

/// TLS settings. Certificate verification is on unless
/// [`TlsConfig::danger_accept_invalid_certs`] turns it off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsConfig {
    pub(crate) ca_files: Vec<PathBuf>,
    pub(crate) ca_pems: Vec<Vec<u8>>,
    pub(crate) server_name: Option<String>,
    pub(crate) accept_invalid_certs: bool,
}

impl TlsConfig {
    /// Verify the server against the system's trusted roots.
    pub fn new() -> TlsConfig {
        TlsConfig::default()
    }

    /// Also trust the PEM certificate(s) in `path` (a private CA, or the
    /// server's own self-signed certificate).
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> TlsConfig {
        self.ca_files.push(path.into());
        self
    }

    /// The CA files added with [`TlsConfig::ca_file`], in order.
    pub fn ca_files(&self) -> &[PathBuf] {
        &self.ca_files
    }

    /// Also trust this PEM certificate.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> TlsConfig {
        self.ca_pems.push(pem.into());
        self
    }

    /// The name to send as SNI and to check the certificate against; the
    /// host name by default.
    pub fn server_name(mut self, name: impl Into<String>) -> TlsConfig {
        self.server_name = Some(name.into());
        self
    }

    /// Accept any certificate, even expired, self-signed or for another host.
    /// For lab servers only: this removes all protection against
    /// interception.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> TlsConfig {
        self.accept_invalid_certs = accept;
        self
    }
}

/// Everything needed to reach one Asterisk server.
///
/// ```
/// use std::time::Duration;
/// use ami_core::{Config, TlsConfig};
/// let plain = Config::new("pbx.example.com", 5038);
/// let tls = Config::new("pbx.example.com", 5039)
///     .tls(TlsConfig::new().ca_file("/etc/asterisk/keys/ca.crt"))
///     .response_timeout(Some(Duration::from_secs(5)));
/// assert_eq!(tls.port(), 5039);
/// # let _ = plain;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) tls: Option<TlsConfig>,
    pub(crate) timeouts: Timeouts,
    pub(crate) max_message_size: usize,
    pub(crate) event_queue: QueueLimits,
    pub(crate) max_list_items: usize,
}

/// The AMI port without TLS (Asterisk's `manager.conf` default).
pub const DEFAULT_PORT: u16 = 5038;

/// The AMI port with TLS (Asterisk's `manager.conf` default).
pub const DEFAULT_TLS_PORT: u16 = 5039;

/// Default of [`Config::max_list_items`].
pub const DEFAULT_MAX_LIST_ITEMS: usize = 100_000;

impl Config {
    /// Plain TCP to `host:port` with default timeouts.
    pub fn new(host: impl Into<String>, port: u16) -> Config {
        Config {
            host: host.into(),
            port,
            tls: None,
            timeouts: Timeouts::default(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            event_queue: QueueLimits::default(),
            max_list_items: DEFAULT_MAX_LIST_ITEMS,
        }
    }

    /// Use TLS with these settings. Needs the `tls` feature (on by
    /// default); without it, connecting fails with [`Error::Tls`](crate::Error::Tls)
    /// saying so.
    pub fn tls(mut self, tls: TlsConfig) -> Config {
        self.tls = Some(tls);
        self
    }

    /// Replace all timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Config {
        self.timeouts = timeouts;
        self
    }

    /// Timeout for opening the TCP connection.
    pub fn connect_timeout(mut self, t: Option<Duration>) -> Config {
        self.timeouts.connect = t;
        self
    }

    /// Timeout for each action's response.
    pub fn response_timeout(mut self, t: Option<Duration>) -> Config {
        self.timeouts.response = t;
        self
    }

    /// Largest message accepted from the server, in bytes.
    pub fn max_message_size(mut self, bytes: usize) -> Config {
        self.max_message_size = bytes;
        self
    }

    /// Bounds of a [`Session`](crate::Session)'s event queue (the events
    /// read off the wire while it waits for an answer). Past them events are
    /// dropped, counted, and reported in-band as
    /// [`Error::EventsDropped`](crate::Error::EventsDropped) where they went
    /// missing.
    pub fn event_queue(mut self, limits: QueueLimits) -> Config {
        self.event_queue = limits;
        self
    }

    /// Most items one event list may bring (default
    /// [`DEFAULT_MAX_LIST_ITEMS`]). A list that grows past it ends the wait
    /// with [`Error::ListIncomplete`](crate::Error::ListIncomplete) holding
    /// the items received; its later items arrive as ordinary events.
    pub fn max_list_items(mut self, items: usize) -> Config {
        self.max_list_items = items.max(1);
        self
    }

    /// The host name or address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the connection uses TLS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }
}
