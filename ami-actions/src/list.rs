//! Typed views of a [`Response`]: its list items, and the data of its
//! headers.
//!
//! Actions such as `CoreShowChannels` answer with a list of events closed by
//! a completion event; the client collects them into the [`Response`]. Here
//! they become typed: [`ResponseExt::list_items`] takes the action's own
//! item type from its [`ListAction`] impl, [`ResponseExt::items_as`] any
//! [`FromMessage`] type. Items of another type are kept apart, never dropped.
//!
//! Actions such as `Getvar` or `CoreStatus` answer with data in the
//! response's own headers: [`ResponseExt::typed_for`] wraps the response in
//! the action's typed view from [`crate::responses`] (its [`ResponseAction`]
//! impl), [`ResponseExt::typed`] in any [`TypedResponse`].
//!
//! ```
//! use ami_actions::list::ResponseExt;
//! use ami_actions::testkit::FakeAsterisk;
//! use ami_actions::{actions, responses, Client, Config, Login};
//!
//! let fake = FakeAsterisk::start()?;
//! let config = Config::new("127.0.0.1", fake.addr().port());
//! let mut session = Client::connect(&config)?.login(&Login::new("admin", "admin-secret").events_off())?;
//! session.send(&actions::Setvar::new("ANSWER", "42"))?;
//!
//! let getvar = actions::Getvar::new("ANSWER");
//! let answer = session.send(&getvar)?.typed_for(&getvar);
//! assert_eq!(answer.value().as_deref(), Some("42"));
//!
//! // Or name the type; the response itself stays reachable.
//! let pong: responses::Ping = session.send(&actions::Ping::new())?.typed();
//! assert_eq!(pong.ping().as_deref(), Some("Pong"));
//! assert!(pong.response().message().contains("Timestamp"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```
//! use ami_actions::list::typed_items;
//! use ami_actions::{events, Message};
//!
//! let msgs = vec![
//!     Message::from_pairs([("Event", "CoreShowChannel"), ("Channel", "PJSIP/100-0001")]),
//!     Message::from_pairs([("Event", "Odd"), ("X", "y")]),
//! ];
//! let items = typed_items::<events::CoreShowChannel>(msgs);
//! assert_eq!(items.items[0].channel().as_deref(), Some("PJSIP/100-0001"));
//! assert_eq!(items.other.len(), 1);
//! ```

use ami_core::typed::{FromMessage, ListAction, ResponseAction, TypedResponse};
use ami_core::{Message, Response};

/// List items converted to `T`, and the messages that were not a `T`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedItems<T> {
    /// The items of type `T`, in order.
    pub items: Vec<T>,
    /// Items of another type, in order.
    pub other: Vec<Message>,
}

impl<T> TypedItems<T> {
    /// Whether every item converted.
    pub fn is_complete(&self) -> bool {
        self.other.is_empty()
    }
}

/// Converts messages to `T`, keeping the ones that are not a `T` apart.
pub fn typed_items<T: FromMessage>(messages: impl IntoIterator<Item = Message>) -> TypedItems<T> {
    let mut out = TypedItems { items: Vec::new(), other: Vec::new() };
    for m in messages {
        match T::from_message(m) {
            Ok(t) => out.items.push(t),
            Err(m) => out.other.push(m),
        }
    }
    out
}

/// Typed views of a [`Response`]'s list.
pub trait ResponseExt {
    /// The list items as `T` (cloned from the response).
    fn items_as<T: FromMessage>(&self) -> TypedItems<T>;

    /// The list items as the item type of the action that was sent.
    fn list_items<A: ListAction>(&self, action: &A) -> TypedItems<A::Item>;

    /// Takes the list items as `T`.
    fn into_items_as<T: FromMessage>(self) -> TypedItems<T>;

    /// The completion event as `T`, if there was one of that type.
    fn completion_as<T: FromMessage>(&self) -> Option<T>;

    /// The response as the typed view `T` (any [`TypedResponse`]; the
    /// response does not say which action it answers, so pick the right one).
    fn typed<T: TypedResponse>(self) -> T;

    /// The response as the typed view of the action that was sent
    /// (`responses::Getvar` for `actions::Getvar`).
    fn typed_for<A: ResponseAction>(self, action: &A) -> A::Response;
}

impl ResponseExt for Response {
    fn items_as<T: FromMessage>(&self) -> TypedItems<T> {
        typed_items(self.items().iter().cloned())
    }

    fn list_items<A: ListAction>(&self, _action: &A) -> TypedItems<A::Item> {
        self.items_as()
    }

    fn into_items_as<T: FromMessage>(self) -> TypedItems<T> {
        typed_items(self.into_items())
    }

    fn completion_as<T: FromMessage>(&self) -> Option<T> {
        T::from_message(self.completion()?.clone()).ok()
    }

    fn typed<T: TypedResponse>(self) -> T {
        T::from_response(self)
    }

    fn typed_for<A: ResponseAction>(self, _action: &A) -> A::Response {
        A::Response::from_response(self)
    }
}
