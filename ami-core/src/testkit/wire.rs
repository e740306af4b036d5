//! Server output as wire bytes: header lines, responses and event lists,
//! events with the class that decides who receives them, and the reply to
//! one request.

use std::time::Duration;

use super::input::action_id;
use super::users::privilege;
use crate::Message;

/// The bytes of one or more messages being written.
#[derive(Default)]
pub(crate) struct Out(Vec<u8>);

impl Out {
    /// `key: value` and CRLF.
    pub(crate) fn h(&mut self, key: &str, value: impl AsRef<[u8]>) -> &mut Out {
        self.hp("", key, value)
    }

    /// `<prefix><key>: value`, for prefixed snapshot fields such as `DestChannel`.
    pub(crate) fn hp(&mut self, prefix: &str, key: &str, value: impl AsRef<[u8]>) -> &mut Out {
        self.0.extend_from_slice(prefix.as_bytes());
        self.0.extend_from_slice(key.as_bytes());
        self.0.extend_from_slice(b": ");
        self.0.extend_from_slice(value.as_ref());
        self.0.extend_from_slice(b"\r\n");
        self
    }

    /// Bytes as they are (no line end added).
    pub(crate) fn raw(&mut self, bytes: &[u8]) -> &mut Out {
        self.0.extend_from_slice(bytes);
        self
    }

    /// `ActionID: <the request's>`, when it had one.
    pub(crate) fn id(&mut self, req: &Message) -> &mut Out {
        if let Some(id) = action_id(req) {
            self.h("ActionID", id);
        }
        self
    }

    /// `Response: <kind>` and the ActionID: how every answer starts.
    pub(crate) fn response(&mut self, kind: &str, req: &Message) -> &mut Out {
        self.h("Response", kind).id(req)
    }

    /// The whole first message of an event list: `Response: Success`,
    /// ActionID, `EventList: start` and `Message`.
    pub(crate) fn list_start(&mut self, req: &Message, message: &str) -> &mut Out {
        self.response("Success", req).h("EventList", "start").h("Message", message).end()
    }

    /// The head of the event closing a list of `items` events; the caller
    /// may add fields, then ends it.
    pub(crate) fn list_complete(&mut self, event: &str, req: &Message, items: usize) -> &mut Out {
        self.h("Event", event).id(req).h("EventList", "Complete").h("ListItems", items.to_string())
    }

    /// The empty line that ends a message.
    pub(crate) fn end(&mut self) -> &mut Out {
        self.0.extend_from_slice(b"\r\n");
        self
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// One event as wire bytes, with the classes a session must read to get it
/// (0: no class, for every session that has events on).
pub(crate) struct Event {
    pub(crate) class: u32,
    pub(crate) bytes: Vec<u8>,
}

impl Event {
    /// `Event: <name>`, `Privilege: <class>,all`, then what `fill` writes.
    pub(crate) fn build(name: &str, class: u32, fill: impl FnOnce(&mut Out)) -> Event {
        let mut out = Out::default();
        out.h("Event", name).h("Privilege", privilege(class));
        fill(&mut out);
        out.end();
        Event { class, bytes: out.into_bytes() }
    }
}

/// The answer to one request, and what the session does around sending it.
pub(crate) struct Reply {
    pub(crate) bytes: Vec<u8>,
    /// Wait this long before answering (a failed login).
    pub(crate) delay: Duration,
    /// Close the connection after answering (Logoff, a failed login).
    pub(crate) close: bool,
}

impl Reply {
    pub(crate) fn new(out: Out) -> Reply {
        Reply { bytes: out.into_bytes(), delay: Duration::ZERO, close: false }
    }

    /// `Response: <kind>`, ActionID, `Message: <message>`.
    pub(crate) fn plain(kind: &str, req: &Message, message: &str) -> Reply {
        let mut out = Out::default();
        out.response(kind, req).h("Message", message).end();
        Reply::new(out)
    }

    /// `Response: Success` with a `Message`.
    pub(crate) fn ack(req: &Message, message: &str) -> Reply {
        Reply::plain("Success", req, message)
    }

    /// `Response: Error` with a `Message`.
    pub(crate) fn error(req: &Message, message: &str) -> Reply {
        Reply::plain("Error", req, message)
    }

    /// Messages written as given (a test's handler); an empty message is a
    /// bare empty line, as Asterisk answers `IAXnetstats`.
    pub(crate) fn messages(messages: &[Message]) -> Reply {
        let mut out = Out::default();
        for m in messages {
            if !m.as_bytes().is_empty() {
                out.raw(m.as_bytes()).raw(b"\r\n");
            }
            out.end();
        }
        Reply::new(out)
    }
}
