//! Typed list items of a [`Response`].
//!
//! Actions such as `CoreShowChannels` answer with a list of events closed by
//! a completion event; the client collects them into the [`Response`]. Here
//! they become typed: [`ResponseExt::list_items`] takes the action's own
//! item type from its [`ListAction`] impl, [`ResponseExt::items_as`] any
//! [`FromMessage`] type. Items of another type are kept apart, never dropped.
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

use ami_core::typed::{FromMessage, ListAction};
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
}
