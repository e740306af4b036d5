//! A blocking client for the Asterisk Manager Interface (AMI).
//!
//! - [`Decoder`] frames the server's byte stream into [`Message`]s (only
//!   CRLF ends a line; values keep every byte).
//! - [`ActionWriter`] and [`encode_action`] write actions, refusing CR, LF
//!   and NUL in any key or value, anything over the server's limits, and
//!   values known to crash it ([`guard`]).
//! - [`Client`] connects (TCP or TLS), reads the banner and logs in, giving a
//!   [`Session`]: one thread, one action at a time, events queued while it
//!   waits. For scripts and simple tools. No async runtime.
//! - [`service::Service`] is the handle for long-running programs: cloneable
//!   and `Send + Sync`, a reader thread, pipelined actions from many threads,
//!   bounded subscriptions, keepalive, and reconnection that never re-sends
//!   an action.
//! - [`record`] records a connection byte for byte, secrets redacted, in
//!   the project's transcript format, and reads such recordings back.
//! - With the `testkit` feature, [`testkit::FakeAsterisk`] is an in-process
//!   AMI server that behaves like Asterisk 22, for tests.
//!
//! Features: `tls` (default: TLS through native-tls), `testkit` (the fake
//! server), `log` (connection events through the `log` facade; secrets are
//! never logged).
//!
//! ```
//! use ami_core::testkit::FakeAsterisk;
//! use ami_core::{Client, Config, Login};
//!
//! let fake = FakeAsterisk::start()?;
//! let client = Client::connect(&Config::new("127.0.0.1", fake.addr().port()))?;
//! assert_eq!(client.banner().version(), Some("11.0.0"));
//! let mut ami = client.login(&Login::new("admin", "admin-secret").events_off())?;
//! let output = ami.command("core show uptime")?;
//! assert!(!output.is_empty());
//! ami.logoff()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod action;
mod action_id;
mod backlog;
mod cause;
mod client;
mod config;
mod connection;
mod encode;
mod error;
mod frame;
mod logging;
mod message;
mod originate;
mod response;
mod transport;

pub use action::{encode_action, Action, RawAction, WithActionId};
pub use action_id::ActionIds;
pub use backlog::{Overflow, QueueLimits};
pub use cause::{HangupCause, ParseCauseError};
pub use client::{Client, Login, Session};
pub use config::{Config, Timeouts, TlsConfig, DEFAULT_MAX_LIST_ITEMS};
pub use encode::{ActionWriter, MAX_LINES, MAX_LINE_LEN};
pub use error::{EncodeError, Error, ListCut, Phase, ProtocolError};
pub use frame::{Banner, Decoder, DEFAULT_MAX_MESSAGE_SIZE};
pub use message::{Header, Headers, Message, MessageKind};
pub use originate::{OriginateOutcome, OriginateReason};
pub use response::{command_output, Response};
pub use transport::Transport;
pub use typed::{ParseValueError, Priority, WallClock};
pub mod guard;
pub mod record;
pub mod secret;
pub mod service;
pub mod typed;

#[cfg(feature = "testkit")]
pub mod testkit;
