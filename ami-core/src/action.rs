//! The [`Action`] trait that every action type implements, and [`RawAction`]
//! for actions built at run time.

use std::fmt;

use crate::encode::ActionWriter;
use crate::error::EncodeError;

/// Something that can be sent to Asterisk as an action.
///
/// Generated action types implement it; [`RawAction`] covers anything else.
/// The `ActionID` header is the client's business: implementations never
/// write it (a parameter called `ActionID` is refused with
/// [`EncodeError::ActionIdHeader`]). To give an action an id of your own,
/// use [`with_action_id`](Action::with_action_id).
pub trait Action {
    /// The AMI name sent in the `Action` header, e.g. `Originate`.
    fn action_name(&self) -> &str;

    /// Writes the action's parameters (everything but `Action` and `ActionID`).
    fn write_params(&self, w: &mut ActionWriter<'_>);

    /// Whether the server answers with a message to wait for (the default).
    ///
    /// `false` for an action whose answer is not a message: Asterisk 22
    /// answers `IAXnetstats` with a bare empty line, no `Response`, no
    /// `ActionID`, which a client cannot tell from the gap between two
    /// messages. Such an action is written and the send returns at once with
    /// an empty response made by the client
    /// ([`Response::is_synthetic`](crate::Response::is_synthetic)).
    fn expects_response(&self) -> bool {
        true
    }

    /// The caller's own ActionID, if one was given with
    /// [`with_action_id`](Action::with_action_id); `None` lets the client
    /// number the action.
    fn action_id(&self) -> Option<&str> {
        None
    }

    /// This action, sent with an ActionID of your choosing (a CRM's call
    /// id, say) instead of the client's numbering.
    ///
    /// - **On the wire** the id travels as `<prefix>:<id>`, where `<prefix>`
    ///   is the connection's random prefix
    ///   ([`Session::action_id_prefix`](crate::Session::action_id_prefix)):
    ///   Asterisk sends every `OriginateResponse` to every session, so ids
    ///   must stay unique across connections, and the client's own ids
    ///   (`<prefix>-<n>`) can never be mistaken for yours.
    /// - **What answers the action reports your id**: the [`Response`](crate::Response)
    ///   (its message, list items and completion event), the response inside
    ///   [`Error::ActionFailed`](crate::Error::ActionFailed) and
    ///   [`Error::ListIncomplete`](crate::Error::ListIncomplete), and the
    ///   [`OriginateOutcome`](crate::OriginateOutcome) of `originate`.
    /// - **Events read from the stream** (`next_event`, subscriptions,
    ///   handlers) are as the server sent them, with the wire form: the
    ///   stream is shared by every consumer of the connection.
    ///   [`Session::own_action_id`](crate::Session::own_action_id) (and the
    ///   service's) gives your id back from such a message.
    /// - **Two pending actions may not share an id**: the service refuses
    ///   the second with [`Error::DuplicateActionId`](crate::Error::DuplicateActionId)
    ///   before sending it (a session runs one action at a time). Once an
    ///   action is answered its id may be used again; after a timeout, use a
    ///   fresh one, or the late answer may be taken for the new action's.
    /// - An empty id is refused ([`EncodeError::EmptyActionId`]), and like
    ///   any value it may not hold CR, LF or NUL.
    ///
    /// ```
    /// use ami_core::testkit::FakeAsterisk;
    /// use ami_core::{Action, Client, Config, Login, RawAction};
    ///
    /// let fake = FakeAsterisk::start()?;
    /// let mut ami = Client::connect(&Config::new("127.0.0.1", fake.addr().port()))?
    ///     .login(&Login::new("admin", "admin-secret").events_off())?;
    /// let pong = ami.send(&RawAction::new("Ping").with_action_id("crm-42"))?;
    /// assert_eq!(pong.get_str("ActionID").as_deref(), Some("crm-42"));
    /// let wire = fake.requests().last().unwrap().message.get_str("ActionID").unwrap().into_owned();
    /// assert_eq!(wire, format!("{}:crm-42", ami.action_id_prefix()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn with_action_id(self, id: impl Into<String>) -> WithActionId<Self>
    where
        Self: Sized,
    {
        WithActionId { action: self, id: id.into() }
    }
}

impl<A: Action + ?Sized> Action for &A {
    fn action_name(&self) -> &str {
        (**self).action_name()
    }
    fn write_params(&self, w: &mut ActionWriter<'_>) {
        (**self).write_params(w)
    }
    fn expects_response(&self) -> bool {
        (**self).expects_response()
    }
    fn action_id(&self) -> Option<&str> {
        (**self).action_id()
    }
}

/// An action with an ActionID of the caller's choosing; made by
/// [`Action::with_action_id`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithActionId<A> {
    action: A,
    id: String,
}

impl<A> WithActionId<A> {
    /// The caller's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The action.
    pub fn action(&self) -> &A {
        &self.action
    }

    /// Gives the action back, without the id.
    pub fn into_action(self) -> A {
        self.action
    }
}

impl<A: Action> Action for WithActionId<A> {
    fn action_name(&self) -> &str {
        self.action.action_name()
    }
    fn write_params(&self, w: &mut ActionWriter<'_>) {
        self.action.write_params(w)
    }
    fn action_id(&self) -> Option<&str> {
        Some(&self.id)
    }
    fn expects_response(&self) -> bool {
        self.action.expects_response()
    }
}

impl<A: crate::typed::ActionType> crate::typed::ActionType for WithActionId<A> {
    const NAME: &'static str = A::NAME;
    fn info() -> &'static crate::typed::ActionInfo {
        A::info()
    }
}

impl<A: crate::typed::ListAction> crate::typed::ListAction for WithActionId<A> {
    type Item = A::Item;
    const ITEMS: &'static [&'static str] = A::ITEMS;
    const COMPLETE: &'static str = A::COMPLETE;
}

/// Appends `action` with the given ActionID to `out` as wire bytes. On error
/// nothing is appended. `action_id` is written as given: the client passes
/// the wire form of the action's own id ([`Action::action_id`]) or its own
/// numbering.
///
/// ```
/// use ami_core::{encode_action, RawAction};
/// let mut out = Vec::new();
/// encode_action(&RawAction::new("Ping"), Some("a-1"), &mut out).unwrap();
/// assert_eq!(out, b"Action: Ping\r\nActionID: a-1\r\n\r\n");
/// ```
pub fn encode_action(action: &dyn Action, action_id: Option<&str>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let mut w = ActionWriter::new(out, action.action_name());
    if let Some(id) = action_id {
        w.action_id(id);
    }
    action.write_params(&mut w);
    w.finish()
}

/// An action assembled at run time: a name and headers in order.
///
/// ```
/// use ami_core::RawAction;
/// let a = RawAction::new("Setvar").header("Variable", "FOO").header("Value", "bar");
/// assert_eq!(a.name(), "Setvar");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RawAction {
    name: String,
    headers: Vec<(String, String)>,
    no_response: bool,
}

impl RawAction {
    /// An action with no parameters yet.
    pub fn new(name: impl Into<String>) -> RawAction {
        RawAction { name: name.into(), headers: Vec::new(), no_response: false }
    }

    /// Marks an action the server answers with no message (see
    /// [`Action::expects_response`]): sending it does not wait.
    ///
    /// ```
    /// use ami_core::{Action, RawAction};
    /// let a = RawAction::new("IAXnetstats").no_response();
    /// assert!(!a.expects_response());
    /// ```
    pub fn no_response(mut self) -> RawAction {
        self.no_response = true;
        self
    }

    /// Adds a header (repeat the call for repeated keys such as `Variable`).
    pub fn header(mut self, key: impl Into<String>, value: impl Into<String>) -> RawAction {
        self.headers.push((key.into(), value.into()));
        self
    }

    /// Adds a header in place.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.headers.push((key.into(), value.into()));
    }

    /// The action name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The headers in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }
}

impl Action for RawAction {
    fn action_name(&self) -> &str {
        &self.name
    }

    fn write_params(&self, w: &mut ActionWriter<'_>) {
        for (k, v) in &self.headers {
            w.header(k, v);
        }
    }

    fn expects_response(&self) -> bool {
        !self.no_response
    }
}

impl fmt::Debug for RawAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RawAction");
        d.field("name", &self.name);
        let shown: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret = crate::secret::is_secret(Some(&self.name), k);
                (k.as_str(), if secret { crate::secret::REDACTED } else { v.as_str() })
            })
            .collect();
        d.field("headers", &shown);
        if self.no_response {
            d.field("no_response", &true);
        }
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_and_key() {
        let a = RawAction::new("Login").header("Username", "admin").header("Secret", "s3cr3t").header("Key", "abc123");
        let d = format!("{a:?}");
        assert!(d.contains("admin") && !d.contains("s3cr3t") && !d.contains("abc123"), "{d}");
    }

    #[test]
    fn repeated_headers_are_sent_in_order() {
        let a = RawAction::new("Originate").header("Variable", "A=1").header("Variable", "B=2");
        let mut out = Vec::new();
        encode_action(&a, None, &mut out).unwrap();
        assert_eq!(out, b"Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n");
    }
}
