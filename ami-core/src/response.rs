//! What an action gets back: the response, and for list actions the items
//! up to the completion event.

use std::borrow::Cow;

use crate::error::Error;
use crate::message::{Header, Message, MessageKind};

/// The answer to one action.
///
/// For actions that answer with an event list (`EventList: start`, or the
/// old `Response: Follows` of a list action), [`Response::items`] holds every
/// item event carrying the action's ActionID, and [`Response::completion`]
/// the closing `...Complete` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    message: Message,
    items: Vec<Message>,
    completion: Option<Message>,
    synthetic: bool,
}

impl Response {
    pub(crate) fn new(message: Message) -> Response {
        Response { message, items: Vec::new(), completion: None, synthetic: false }
    }

    /// The empty response the client hands back for an action the server
    /// answers with no message ([`Action::expects_response`](crate::Action::expects_response)).
    pub(crate) fn synthetic() -> Response {
        Response { synthetic: true, ..Response::new(Message::from_frame(Vec::new())) }
    }

    /// Whether the client made this response up instead of reading it: the
    /// action's answer is not a message (Asterisk 22 answers `IAXnetstats`
    /// with a bare empty line), so the send returned once the action was
    /// written. Its message has no headers.
    pub fn is_synthetic(&self) -> bool {
        self.synthetic
    }

    pub(crate) fn push_item(&mut self, item: Message) {
        self.items.push(item);
    }

    pub(crate) fn complete(&mut self, completion: Message) {
        self.completion = Some(completion);
    }

    /// The response message itself.
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// A header of the response (case-insensitive), as text: the same as
    /// [`Message::get_str`] on [`message`](Response::message), which also
    /// gives the raw bytes ([`Message::get`]).
    pub fn get_str(&self, name: &str) -> Option<Cow<'_, str>> {
        self.message.get_str(name)
    }

    /// Whether the server announced an event list.
    pub fn is_list(&self) -> bool {
        starts_list(&self.message)
    }

    /// The list item events, in order.
    pub fn items(&self) -> &[Message] {
        &self.items
    }

    /// Takes the list item events.
    pub fn into_items(self) -> Vec<Message> {
        self.items
    }

    /// Whether the answer is whole: not a list, or a list whose completion
    /// event arrived. Only the `partial` response of
    /// [`Error::ListIncomplete`](crate::Error::ListIncomplete) is not.
    pub fn is_complete(&self) -> bool {
        !self.is_list() || self.completion.is_some()
    }

    /// The event that closed the list (`EventList: Complete`).
    pub fn completion(&self) -> Option<&Message> {
        self.completion.as_ref()
    }

    /// `Some((announced, received))` when the completion event's `ListItems`
    /// disagrees with the number of items received.
    pub fn list_count_mismatch(&self) -> Option<(usize, usize)> {
        let announced = self.completion.as_ref()?.get_str("ListItems")?.trim().parse::<usize>().ok()?;
        (announced != self.items.len()).then_some((announced, self.items.len()))
    }
}

/// What the caller gets back for an action sent with an id of its own
/// (`own`): the wire ActionID (`<prefix>:<id>`) of every message in the
/// answer, an error's response included, replaced by the caller's id.
pub(crate) fn as_callers(result: Result<Response, Error>, own: Option<&str>) -> Result<Response, Error> {
    let Some(id) = own else { return result };
    let show = |r: &mut Response| {
        r.message = r.message.with_action_id(id);
        r.items.iter_mut().for_each(|m| *m = m.with_action_id(id));
        if let Some(c) = &mut r.completion {
            *c = c.with_action_id(id);
        }
    };
    match result {
        Ok(mut r) => {
            show(&mut r);
            Ok(r)
        }
        Err(Error::ActionFailed { action, message, response }) => {
            Err(Error::ActionFailed { action, message, response: Box::new(response.with_action_id(id)) })
        }
        Err(Error::ListIncomplete { action, cut, mut partial }) => {
            show(&mut partial);
            Err(Error::ListIncomplete { action, cut, partial })
        }
        Err(e) => Err(e),
    }
}

/// Whether a response opens an event list.
pub(crate) fn starts_list(m: &Message) -> bool {
    let eventlist_start = m.get("EventList").is_some_and(|v| v.eq_ignore_ascii_case(b"start"));
    // Old servers answer list actions with `Response: Follows` (and no
    // `--END COMMAND--`, which would make it command output).
    eventlist_start || (m.kind() == MessageKind::Follows && !is_old_command_output(m))
}

/// Whether an event closes a list.
pub(crate) fn ends_list(m: &Message) -> bool {
    m.get("EventList").is_some_and(|v| v.eq_ignore_ascii_case(b"Complete"))
}

const END_COMMAND: &[u8] = b"--END COMMAND--";

fn is_old_command_output(m: &Message) -> bool {
    m.as_bytes().ends_with(END_COMMAND)
}

/// The output lines of a `Command` response, in either format:
/// `Output:` headers (Asterisk 14+), or the raw text of `Response: Follows`
/// ending in `--END COMMAND--` (Asterisk 13 and older).
pub fn command_output(m: &Message) -> Vec<String> {
    if m.kind() != MessageKind::Follows {
        return m.get_all("Output").map(|v| String::from_utf8_lossy(v).into_owned()).collect();
    }
    // Old format: a few headers, then the output as LF-separated text.
    let mut body = m.as_bytes();
    while let Some((line, rest)) = split_line(body) {
        let h = Header::parse(line);
        if !["Response", "Privilege", "ActionID"].iter().any(|k| h.is(k)) {
            break;
        }
        body = rest;
    }
    let body = body.strip_suffix(END_COMMAND).unwrap_or(body);
    String::from_utf8_lossy(body).lines().map(str::to_owned).collect()
}

/// The output lines of a `Command` that was sent, or the typed error: a
/// CLI command the server rejected (an error response with `Output`)
/// becomes [`Error::CommandFailed`].
pub(crate) fn command_result(command: &str, sent: Result<Response, Error>) -> Result<Vec<String>, Error> {
    match sent {
        Ok(r) => Ok(command_output(r.message())),
        Err(Error::ActionFailed { response, .. }) if response.contains("Output") => {
            Err(Error::CommandFailed { command: command.to_owned(), output: command_output(&response) })
        }
        Err(e) => Err(e),
    }
}

fn split_line(b: &[u8]) -> Option<(&[u8], &[u8])> {
    memchr::memmem::find(b, b"\r\n").map(|i| (&b[..i], &b[i + 2..]))
}

/// Turns a `Response: Error` into the matching typed error.
pub(crate) fn error_for(action: &str, m: Message) -> Error {
    let text = m.message().map(Cow::into_owned).unwrap_or_default();
    if text.eq_ignore_ascii_case("Permission denied") {
        Error::PermissionDenied { action: action.to_owned() }
    } else if text.starts_with("Invalid/unknown command") {
        Error::UnknownAction { action: action.to_owned() }
    } else if text.eq_ignore_ascii_case("Authentication failed") {
        Error::AuthenticationFailed { message: text }
    } else {
        Error::ActionFailed { action: action.to_owned(), message: text, response: Box::new(m) }
    }
}

/// Whether a response reports failure.
pub(crate) fn is_error(m: &Message) -> bool {
    m.get("Response").is_some_and(|r| r.eq_ignore_ascii_case(b"Error"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(s: &[u8]) -> Message {
        Message::from_frame(s.to_vec())
    }

    #[test]
    fn new_style_command_output() {
        let m =
            msg(b"Response: Success\r\nActionID: 1\r\nMessage: Command output follows\r\nOutput: a: b\r\nOutput: c");
        assert_eq!(command_output(&m), ["a: b", "c"]);
        assert!(!starts_list(&m));
    }

    #[test]
    fn old_style_command_output() {
        let m =
            msg(b"Response: Follows\r\nPrivilege: Command\r\nActionID: 7\r\nChannel: x\nsecond line\n--END COMMAND--");
        assert_eq!(command_output(&m), ["Channel: x", "second line"]);
        assert!(!starts_list(&m));
        let tight = msg(b"Response: Follows\r\nActionID: 7\r\nKey:value\n--END COMMAND--");
        assert_eq!(command_output(&tight), ["Key:value"]);
    }

    #[test]
    fn list_detection() {
        assert!(starts_list(&msg(b"Response: Success\r\nEventList: start\r\nMessage: Channels will follow")));
        assert!(starts_list(&msg(b"Response: Follows\r\nActionID: 3")));
        assert!(ends_list(&msg(b"Event: CoreShowChannelsComplete\r\nEventList: Complete\r\nListItems: 0")));
    }

    #[test]
    fn count_mismatch_is_reported() {
        let mut r = Response::new(msg(b"Response: Success\r\nEventList: start"));
        r.push_item(msg(b"Event: DBGetResponse"));
        r.complete(msg(b"Event: DBGetComplete\r\nEventList: Complete\r\nListItems: 2"));
        assert_eq!(r.list_count_mismatch(), Some((2, 1)));
    }

    #[test]
    fn errors_are_typed() {
        let e = error_for("Originate", msg(b"Response: Error\r\nMessage: Permission denied"));
        assert!(matches!(e, Error::PermissionDenied { .. }));
        let e = error_for("Nope", msg(b"Response: Error\r\nMessage: Invalid/unknown command: Nope. Use Action: ListCommands to show available commands."));
        assert!(matches!(e, Error::UnknownAction { .. }));
        let e = error_for("Getvar", msg(b"Response: Error\r\nMessage: No such channel"));
        assert!(matches!(e, Error::ActionFailed { ref message, .. } if message == "No such channel"));
    }
}
