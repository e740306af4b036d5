//! Typed Asterisk Manager Interface actions and events, generated at build
//! time from Asterisk's XML manager documentation; re-exports [`ami_core`].
//!
//! - [`actions`]: one struct per action. Required parameters are the
//!   arguments of `new`, optional ones are builder methods, repeated ones
//!   (`Variable`) take a value per call, enumerated ones are enums with an
//!   `Other` escape. The ActionID is the client's business, not a field.
//! - [`events`]: one struct per event, a typed view over the [`Message`]:
//!   an accessor per documented header, every other header still reachable
//!   through `message()`, and nothing fails when a header is missing.
//! - [`Event`]: every event type plus `Unknown`; [`Event::from_message`]
//!   never fails.
//! - [`meta`]: static tables of every action (parameters, list events) and
//!   event (fields, classes), with the releases that have them.
//! - [`list`]: typed list items of a [`Response`] (`CoreShowChannels` ->
//!   [`events::CoreShowChannel`]).
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
//! [What the generated code looks like][generated-code], for one action and
//! one event (`docs/generated-code.md` in the repository; to read all of it:
//! `cargo run -p ami-codegen --bin ami-codegen -- --out /tmp/gen spec/*.xml`).
//!
//! The package also installs the `ami` command (`cargo install --path
//! ami-actions`): one action from a shell, checked against [`meta`] before
//! anything is sent (`ami --help`).
//!
//! [generated-code]: https://example.invalid/ami-rs/blob/main/docs/generated-code.md
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
//!     if let Event::Hangup(ev) = Event::from_message(session.next_event()?) {
//!         println!("hangup {:?} cause {:?}", ev.channel(), ev.cause_txt());
//!         break;
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! A parameter the action requires cannot be left out:
//!
//! ```compile_fail,E0061
//! // Hangup needs a channel.
//! let a = ami_actions::actions::Hangup::new();
//! ```
//!
//! ```compile_fail,E0639
//! // Nor can the struct be built by hand without it.
//! let a = ami_actions::actions::Hangup { cause: None, extra_headers: Vec::new() };
//! ```
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
#![warn(missing_docs)]

pub use ami_core::*;

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
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::serde_support::serialize_message(&self.msg, s)
            }
        }
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::serde_support::deserialize_event(d)
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
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        #[cfg(feature = "serde")]
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

/// Static tables of every generated action and event (generated): names,
/// parameters, list events, classes, since-versions, releases.
pub mod meta {
    include!(concat!(env!("OUT_DIR"), "/meta.rs"));
}

pub mod list;
pub mod subscribe;

#[cfg(feature = "serde")]
mod serde_support;

impl typed::FromMessage for Event {
    fn from_message(msg: Message) -> Result<Self, Message> {
        Ok(Event::from_message(msg))
    }
}

impl From<Message> for Event {
    fn from(msg: Message) -> Event {
        Event::from_message(msg)
    }
}

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
