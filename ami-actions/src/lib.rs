//! Typed Asterisk Manager Interface actions and events, generated at build
//! time from Asterisk's XML manager documentation, with the client of
//! [`ami_core`] re-exported: one dependency gives a program everything.
//!
//! - [`actions`]: one struct per action. Required parameters are the
//!   arguments of `new`, optional ones are builder methods, repeated ones
//!   (`Variable`) take a value per call, enumerated ones are enums with an
//!   `Other` escape. The ActionID is the client's business, not a field.
//! - [`events`]: one struct per event, a typed view over the [`Message`]:
//!   an accessor per documented header, every other header still reachable
//!   through `message()`, and nothing fails when a header is missing.
//! - [`Event`]: every event type plus `Unknown`; `Event::from(message)`
//!   never fails.
//! - [`responses`]: one typed view per action whose success carries data
//!   (`Getvar`'s `Value`, `CoreStatus`, `GetConfig`...), over the
//!   [`Response`].
//! - [`meta`]: static tables of every action (parameters, list events,
//!   follow-up event, response headers) and event (fields, classes), with
//!   the releases that have them.
//! - [`list`]: typed views of a [`Response`]: list items (`CoreShowChannels`
//!   -> [`events::CoreShowChannel`]) and responses with data.
//!
//! # Answers
//!
//! `send` gives every action the same generic [`Response`]; typed views sit
//! on top of it, so the raw headers are always there
//! ([`list::ResponseExt`] brings the methods):
//!
//! - **A list** (`EventList: start`, items, a `...Complete` event):
//!   `response.list_items(&action)` types the items as the action's item
//!   event ([`typed::ListAction`]), `response.completion_as::<E>()` the
//!   completion. Every action a real Asterisk 22 answers with a list has
//!   this, also where Asterisk's XML declares no list (`BridgeList`,
//!   `ConfbridgeList`, `ShowDialPlan`, `DBGetTree`...): the generator's
//!   fixups add them from the recorded answers, with the events the XML
//!   lacks.
//! - **Data in the response** (`Getvar`, `CoreStatus`, `ExtensionState`,
//!   `MailboxCount`...): `response.typed_for(&action)` wraps it in the
//!   action's view from [`responses`] ([`typed::ResponseAction`]), with an
//!   accessor per header a real server sends; `response.typed::<T>()` picks
//!   the view by type. `Command` keeps [`command_output`].
//! - **One event after the response** (`FAXStats`, `WaitEvent`): not part
//!   of the response; it arrives with the events, typed like any other, and
//!   [`meta`] names it (`follow_up`).
//! - **No message at all**: Asterisk 22 answers `IAXnetstats` with a bare
//!   empty line, so the typed action says it expects no response
//!   ([`Action::expects_response`]) and `send` returns at once with an empty
//!   response made by the client ([`Response::is_synthetic`]).
//!
//! ```no_run
//! use ami_actions::list::ResponseExt;
//! use ami_actions::{actions, Client, Config, Login};
//!
//! # fn main() -> Result<(), ami_actions::Error> {
//! let mut session = Client::connect(&Config::new("127.0.0.1", 5038))?.login(&Login::new("admin", "secret"))?;
//! let status = session.send(&actions::CoreStatus::new())?.typed_for(&actions::CoreStatus::new());
//! println!("{:?} calls up", status.core_current_calls());
//! let bridges = actions::BridgeList::new();
//! for bridge in session.send(&bridges)?.list_items(&bridges).items {
//!     println!("{:?} ({:?} channels)", bridge.bridge_uniqueid(), bridge.bridge_num_channels());
//! }
//! # Ok(()) }
//! ```
//!
//! By default the types cover the union of the supported releases in the
//! workspace's `spec/` (so actions removed in 21 are here for users of 20,
//! and each type's docs say which releases have it). Building with
//! `AMI_SPEC=/path/to/core-en_US.xml` generates exactly that file's actions
//! and events, with its prose as documentation.
//!
//! An action the newest covered release no longer has (Asterisk 21 removed
//! `Monitor` and chan_sip's actions) keeps its type, `#[deprecated]` with
//! the release that removed it: it still works with the servers that have
//! it, and your code says so where it uses it.
//!
//! ```compile_fail
//! #![deny(deprecated)]
//! let m = ami_actions::actions::Monitor::new("PJSIP/100-00000001");
//! ```
//!
//! ```
//! #![deny(deprecated)]
//! #[allow(deprecated)] // for Asterisk 20
//! let m = ami_actions::actions::Monitor::new("PJSIP/100-00000001");
//! ```
//!
//! What the generated code looks like, for one action, one event and one
//! response, is shown in `docs/generated-code.md` in the repository; to read
//! all of it: `cargo run -p ami-codegen --bin ami-codegen -- --out /tmp/gen spec/*.xml`.
//!
//! The package also installs the `ami` command (`cargo install --path
//! ami-actions`): one action from a shell, checked against [`meta`] before
//! anything is sent (`ami --help`).
//!
//! # Session or Service?
//!
//! - A [`Session`] is one connection used by one thread, one action at a
//!   time: it reads the socket only when you call it, so nothing is ever
//!   dropped while you read events as they come. For scripts, cron jobs,
//!   tools that send a few actions: connect, log in, send, log off.
//! - A [`service::Service`] is a cloneable, `Send + Sync` handle with a
//!   reader thread: actions from many threads at once, subscriptions and
//!   handlers that see everything from the login on, keepalive, reconnect
//!   that never sends an action twice. For dialers, CRMs, wallboards and
//!   anything that runs for days; [`live::LiveState`] follows one.
//!
//! ```no_run
//! use ami_actions::{actions, Client, Config, Event, Login};
//!
//! # fn main() -> Result<(), ami_actions::Error> {
//! let mut session = Client::connect(&Config::new("127.0.0.1", 5038))?.login(&Login::new("admin", "secret"))?;
//! let originate = actions::Originate::exten("PJSIP/100", "default", "200", "1").variable("CALLER=crm");
//! // Sent with `Async: true`; waits for the call's OriginateResponse.
//! let outcome = session.originate(&originate, None)?;
//! println!("the call {outcome}");
//! loop {
//!     if let Event::Hangup(ev) = Event::from(session.next_event()?) {
//!         println!("hangup {:?} cause {:?}", ev.channel(), ev.cause_txt());
//!         break;
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Numbers, durations, times
//!
//! An event header that holds a number, a duration, a time, a hangup cause
//! or a dialplan priority is read as one: `Hangup::cause()` is a
//! [`HangupCause`], `Cdr::duration()` a [`Duration`](std::time::Duration),
//! `CoreShowChannel::duration()` (`00:01:02` on the wire) a `Duration`,
//! `QueueMember::last_call()` a [`SystemTime`](std::time::SystemTime),
//! `Cdr::start_time()` a [`WallClock`] (the server's local time; Asterisk
//! does not say which zone), `Newexten::priority()` a [`Priority`]. Which
//! headers, why (the wire, the documentation, Asterisk's source) and how
//! many are in one table in the generator, published as
//! `docs/typed-values.md` in the repository; [`Event::TYPED_FIELDS`] lists
//! them at run time. An empty value, a placeholder (`<unknown>`, `(null)`,
//! ...) or text that does not parse is `None`, never a panic; the text as
//! sent stays reachable through `message().get_str("Cause")`, and serde and
//! the CLI's `--json` keep every header as text.
//!
//! ```
//! use ami_actions::{Event, HangupCause, Message};
//!
//! let msg = Message::from_pairs([("Event", "Hangup"), ("Cause", "17"), ("Cause-txt", "User busy")]);
//! let Event::Hangup(h) = Event::from(msg) else { unreachable!() };
//! assert_eq!(h.cause(), Some(HangupCause::UserBusy));
//! assert_eq!(h.message().get_str("Cause").as_deref(), Some("17"));
//!
//! let done = Message::from_pairs([("Event", "CoreShowChannelsComplete"), ("ListItems", "3")]);
//! let Event::CoreShowChannelsComplete(done) = Event::from(done) else { unreachable!() };
//! assert_eq!(done.list_items(), Some(3));
//! ```
//!
//! A typed header is compared with a value of its type, not with the text
//! (each of these fails with E0308, mismatched types, and nothing else; the
//! last block is the same code that compiles):
//!
//! ```compile_fail,E0308
//! # use ami_actions::events;
//! fn busy(h: &events::Hangup) -> bool {
//!     h.cause() == Some("17") // Option<HangupCause> is not Option<&str>
//! }
//! ```
//!
//! ```compile_fail,E0308
//! # use ami_actions::events;
//! fn empty(done: &events::CoreShowChannelsComplete) -> bool {
//!     done.list_items() == Some("0") // Option<u64> is not Option<&str>
//! }
//! ```
//!
//! ```
//! # use ami_actions::{events, HangupCause};
//! fn busy(h: &events::Hangup) -> bool {
//!     h.cause() == Some(HangupCause::UserBusy)
//! }
//! fn empty(done: &events::CoreShowChannelsComplete) -> bool {
//!     done.list_items() == Some(0)
//! }
//! ```
//!
//! A parameter the action requires cannot be left out:
//!
//! ```compile_fail,E0061
//! // Hangup needs a channel.
//! let a = ami_actions::actions::Hangup::new();
//! ```
//!
//! The structs are `#[non_exhaustive]`, so `new` is the only way to build
//! one, and it takes every required parameter.
//!
//! Nor can where an `Originate` goes: an extension (`Context`, `Exten`,
//! `Priority`) or an application (`Application`, `Data`), one of the two.
//! A channel alone does not compile:
//!
//! ```compile_fail,E0061
//! use ami_actions::actions::Originate;
//! let call = Originate::new("PJSIP/100");
//! ```
//!
//! The same with a destination does, and so do the two shorthands:
//!
//! ```
//! use ami_actions::actions::{Originate, OriginateDestination};
//! let to = OriginateDestination::Exten { context: "default".into(), exten: "200".into(), priority: "1".into() };
//! let call = Originate::new("PJSIP/100", to);
//! assert_eq!(call, Originate::exten("PJSIP/100", "default", "200", "1"));
//! let _ = Originate::application("PJSIP/100", "Playback", "hello-world");
//! ```
//!
//! Parameters Asterisk numbers per item are a list of typed items, numbered
//! in the order added: `UpdateConfig`'s changes (`Action-000000`,
//! `Cat-000000`, ..., then `Action-000001`...) and `AOCMessage`'s units
//! (`UnitAmount(0)`, `UnitType(0)`...):
//!
//! ```
//! use ami_actions::actions::{UpdateConfig, UpdateConfigChange};
//! let edit = UpdateConfig::new("extensions.conf", "extensions.conf")
//!     .change(UpdateConfigChange::new_cat("demo"))
//!     .change(UpdateConfigChange::append("demo").var("exten").value("100,1,NoOp()"));
//! assert_eq!(edit.changes.len(), 2);
//! ```
//!
//! `UserEvent` takes headers of the caller's choosing through the
//! `header(name, value)` every action has; the documentation's `Header1`
//! placeholder is no method (E0599, no such method):
//!
//! ```compile_fail,E0599
//! let e = ami_actions::actions::UserEvent::new("Note").header1("One: 1");
//! ```
//!
//! ```
//! let e = ami_actions::actions::UserEvent::new("Note").header("One", "1");
//! ```
//!
//! # Naming
//!
//! Builders (settings such as [`Config`], [`Login`], [`service::ServiceOptions`],
//! and every action) are chained methods that take `self` and are named
//! after what they set: `Config::response_timeout`, `Originate::context`.
//! Readers are named after what they return, never with `get_`:
//! `Config::host`, `Message::action_id`, `Hangup::cause`; yes/no questions
//! start with `is_` (`Config::is_tls`). `Message::get` gives a header's
//! raw bytes and `get_str` its text (on [`Response`] too).
//!
//! # Features
//!
//! - `tls` (default): TLS connections through native-tls.
//! - `cli` (default): what the `ami` binary needs: `testkit` and gzip
//!   (flate2). A library user who wants neither takes
//!   `default-features = false, features = ["tls"]`.
//! - `testkit`: [`testkit::FakeAsterisk`], an in-process AMI server that
//!   behaves like Asterisk 22, for tests.
//! - `serde`: `Serialize`/`Deserialize` for [`Event`] and every generated
//!   event and response type, in the shape of [`json`].
//!
//! ami-core's `log` feature (connection events through the `log` facade,
//! never secrets) is turned on by depending on `ami-core` with it.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// What a program needs, at the root; the rest of ami-core (the codec:
// `Decoder`, `ActionWriter`, `Headers`...) through `ami_actions::ami_core`.
/// ami-core itself: the codec (`Decoder`, `ActionWriter`, `Headers`), the
/// action id numbering and the limits, for programs that work at that level.
pub use ami_core;
#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub use ami_core::testkit;
pub use ami_core::{
    command_output, Action, Banner, Client, Config, EncodeError, EnvError, Error, HangupCause, Header, ListCut, Login,
    Message, MessageKind, OriginateOutcome, OriginateReason, Overflow, ParseCauseError, ParseValueError, Phase,
    Priority, ProtocolError, QueueLimits, RawAction, Response, Session, Timeouts, TlsConfig, Transport, WallClock,
    WithActionId, DEFAULT_PORT, DEFAULT_TLS_PORT,
};
pub use ami_core::{guard, json, record, secret, service, typed};

/// Trait boilerplate for a generated action type.
macro_rules! __ami_action {
    ($ty:ident, $name:literal, $idx:literal) => {
        // An action the newest release removed is deprecated for users only.
        #[allow(deprecated)]
        impl ami_core::typed::ActionType for $ty {
            const NAME: &'static str = $name;
            fn info() -> &'static ami_core::typed::ActionInfo {
                &crate::meta::ACTIONS[$idx]
            }
        }
    };
}

/// Trait boilerplate for a generated event type.
macro_rules! __ami_event {
    ($ty:ident, $name:literal, $idx:literal) => {
        impl $ty {
            /// The message, for raw access to every header, documented or not.
            pub fn message(&self) -> &ami_core::Message {
                &self.msg
            }
            /// Gives the message back.
            pub fn into_message(self) -> ami_core::Message {
                self.msg
            }
        }
        impl ami_core::typed::EventType for $ty {
            const NAME: &'static str = $name;
            fn info() -> &'static ami_core::typed::EventInfo {
                &crate::meta::EVENTS[$idx]
            }
            fn from_message_unchecked(msg: ami_core::Message) -> Self {
                $ty { msg }
            }
            fn message(&self) -> &ami_core::Message {
                &self.msg
            }
            fn into_message(self) -> ami_core::Message {
                self.msg
            }
        }
        impl From<$ty> for crate::Event {
            fn from(e: $ty) -> crate::Event {
                crate::Event::$ty(e)
            }
        }
        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::serde_support::serialize_message(&self.msg, s)
            }
        }
        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::serde_support::deserialize_event(d)
            }
        }
    };
}

/// Trait boilerplate for a generated response type (named like its action).
macro_rules! __ami_response {
    ($ty:ident, $name:literal) => {
        impl $ty {
            /// The response, for raw access to every header, listed or not.
            pub fn response(&self) -> &ami_core::Response {
                &self.response
            }
            /// The response message (shortcut for `response().message()`).
            pub fn message(&self) -> &ami_core::Message {
                self.response.message()
            }
            /// Gives the response back.
            pub fn into_response(self) -> ami_core::Response {
                self.response
            }
        }
        impl ami_core::typed::TypedResponse for $ty {
            const ACTION: &'static str = $name;
            fn from_response(response: ami_core::Response) -> Self {
                $ty { response }
            }
            fn response(&self) -> &ami_core::Response {
                &self.response
            }
            fn into_response(self) -> ami_core::Response {
                self.response
            }
        }
        impl ami_core::typed::ResponseAction for crate::actions::$ty {
            type Response = $ty;
        }
        impl From<$ty> for ami_core::Response {
            fn from(r: $ty) -> ami_core::Response {
                r.response
            }
        }
    };
}

/// Conversions and trait boilerplate for a generated enum.
macro_rules! __ami_enum {
    ($ty:ident) => {
        impl From<String> for $ty {
            fn from(value: String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ami_core::typed::AmiEnum for $ty {
            fn as_str(&self) -> &str {
                $ty::as_str(self)
            }
            fn from_value(value: &str) -> Self {
                Self::from(value)
            }
        }
        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        #[cfg(feature = "serde")]
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::serde_support::deserialize_enum(d)
            }
        }
    };
}

/// One type per AMI action (generated).
#[allow(clippy::too_many_arguments)]
pub mod actions {
    include!(concat!(env!("OUT_DIR"), "/actions.rs"));
}

/// One type per AMI event (generated), and the enums of their headers.
pub mod events {
    include!(concat!(env!("OUT_DIR"), "/events.rs"));
}

mod event {
    include!(concat!(env!("OUT_DIR"), "/event.rs"));
}
pub use event::Event;

/// Typed views of the responses that carry data (generated): one per
/// action whose success has headers beyond `Response`, `ActionID` and
/// `Message` (`Getvar`'s `Value`, `CoreStatus`, `ExtensionState`...), named
/// like the action. Get one with
/// [`ResponseExt::typed_for`](list::ResponseExt::typed_for) or
/// [`ResponseExt::typed`](list::ResponseExt::typed).
pub mod responses {
    include!(concat!(env!("OUT_DIR"), "/responses.rs"));
}

/// Static tables of every generated action and event (generated): names,
/// parameters, list events, classes, since-versions, releases.
pub mod meta {
    include!(concat!(env!("OUT_DIR"), "/meta.rs"));
}

pub mod list;
pub mod live;
pub mod subscribe;

#[cfg(feature = "serde")]
mod serde_support;

/// Never fails: see `Event::from(message)`.
impl typed::FromMessage for Event {
    fn from_message(msg: Message) -> Result<Self, Message> {
        Ok(Event::from(msg))
    }
}

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
