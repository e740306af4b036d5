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
//! - [`json`] writes a message as one JSON object (the shape `ami --json`
//!   prints; the exact bytes ride along under `_raw` when the shape alone
//!   would lose them) and reads it back.
//!
//! Connection settings from the environment, the variables the `ami` CLI
//! reads too ([`Config::from_env`], [`Login::from_env`]; the `from_lookup`
//! variants take the variables from a function instead):
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `AMI_HOST` | host name or address | `127.0.0.1` |
//! | `AMI_PORT` | TCP port | `5038`, `5039` with TLS |
//! | `AMI_TLS` | TLS: `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off` | off |
//! | `AMI_CA_FILE` | also trust the PEM CA certificate(s) in this file (TLS only) | system roots |
//! | `AMI_USER` | the manager user | required |
//! | `AMI_SECRET` | the secret | one of these two |
//! | `AMI_SECRET_FILE` | a file whose first line is the secret | |
//!
//! Empty variables count as unset; an unusable one is an [`EnvError`]
//! naming it. The secret is never shown in an error or in `Debug` output.
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
#![cfg_attr(docsrs, feature(doc_cfg))]

mod action;
mod action_id;
mod backlog;
mod cause;
mod client;
mod config;
mod connection;
mod encode;
mod env;
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
pub use config::{Config, Timeouts, TlsConfig, DEFAULT_MAX_LIST_ITEMS, DEFAULT_PORT, DEFAULT_TLS_PORT};
pub use encode::{ActionWriter, MAX_LINES, MAX_LINE_LEN};
pub use error::{EncodeError, EnvError, Error, ListCut, Phase, ProtocolError};
pub use frame::{Banner, Decoder, DEFAULT_MAX_MESSAGE_SIZE};
pub use message::{Header, Headers, Message, MessageKind};
pub use originate::{OriginateOutcome, OriginateReason};
pub use response::{command_output, Response};
pub use transport::Transport;
pub use typed::{ParseValueError, Priority, WallClock};
pub mod guard;
pub mod json;
pub mod record;
pub mod secret;
pub mod service;
pub mod typed;

#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub mod testkit;
