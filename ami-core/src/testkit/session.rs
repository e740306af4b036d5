//! One client connection, on its own thread: the banner, the login state,
//! dispatch of each request (to a test's handler, a session action or a
//! built-in action), faults, and the delivery of answers and queued events.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::actions;
use super::clock::event_tv;
use super::conn::Conn;
use super::fault::Fault;
use super::input::{field, Request, RequestReader};
use super::registry::SessionHandle;
use super::replay::{self, Playback, Script};
use super::server::{Shared, POLL};
use super::users::{event_mask, new_challenge, User, ALL, SECURITY, SYSTEM};
use super::wire::{Event, Out, Reply};
use crate::Message;

/// What the session does after delivering an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    /// End the connection politely (Logoff, failed login).
    Close,
    /// Drop the connection (a fault, the client gone, shutdown).
    Abort,
}

/// The actions Asterisk runs before login; anything else is refused.
const BEFORE_LOGIN: [&str; 3] = ["Login", "Challenge", "Logoff"];

/// Serves one accepted connection until it ends, then forgets it.
pub(crate) fn run(shared: Arc<Shared>, handle: Arc<SessionHandle>, tcp: TcpStream, fault: Option<Fault>) {
    if let Ok(conn) = Conn::open(tcp, &shared.config, POLL) {
        let mut session = Session {
            shared: Arc::clone(&shared),
            handle: Arc::clone(&handle),
            conn,
            user: None,
            challenge: None,
            started: SystemTime::now(),
            playback: None,
        };
        if let Ok(Flow::Close) = session.serve(fault) {
            session.conn.close();
        }
        if let Some(playback) = &session.playback {
            playback.end();
        }
    }
    shared.sessions.remove(handle.id);
}

struct Session {
    shared: Arc<Shared>,
    handle: Arc<SessionHandle>,
    conn: Conn,
    /// The logged-in user.
    user: Option<User>,
    /// The MD5 challenge handed out, if any.
    challenge: Option<String>,
    started: SystemTime,
    /// The replay of a recording for this connection, once logged in.
    playback: Option<Arc<Playback>>,
}

impl Session {
    fn serve(&mut self, fault: Option<Fault>) -> io::Result<Flow> {
        let banner = Reply::new({
            let mut out = Out::default();
            out.raw(self.shared.config.banner.as_bytes()).raw(b"\r\n");
            out
        });
        let mut flow = self.deliver(banner, fault)?;
        let mut input = RequestReader::default();
        let mut buf = vec![0; 16 * 1024];
        let mut queued = Vec::new();
        while flow == Flow::Continue && !self.shared.shutdown.is_set() {
            let read = self.conn.read(&mut buf)?;
            // Events queued before a request was read go out before its answer.
            queued.clear();
            self.handle.take_outbox(&mut queued)?;
            self.conn.send(&queued)?;
            match read {
                None => continue,
                Some(0) => return Ok(Flow::Abort),
                Some(n) => input.feed(&buf[..n]),
            }
            while flow == Flow::Continue {
                let Some(request) = input.next_request() else { break };
                flow = self.answer(request)?;
            }
        }
        Ok(flow)
    }

    /// Records a request, then answers it unless the session has gone silent.
    fn answer(&mut self, request: Request) -> io::Result<Flow> {
        let Request { message, flaw } = request;
        self.shared.record(self.handle.id, message.clone());
        if self.conn.is_silent() {
            return Ok(Flow::Continue);
        }
        let action = field(&message, "Action");
        let fault = if action.is_empty() { None } else { self.shared.take_action_fault(&action) };
        let reply = match flaw {
            Some(flaw) => Reply::error(&message, flaw.message()),
            None => self.dispatch(&action, &message),
        };
        self.deliver(reply, fault)
    }

    /// Sends a reply, through a fault if one is armed.
    fn deliver(&mut self, reply: Reply, fault: Option<Fault>) -> io::Result<Flow> {
        if !reply.delay.is_zero() && self.shared.shutdown.wait(reply.delay) {
            return Ok(Flow::Abort);
        }
        let flow = match fault {
            Some(fault) => fault.apply(&reply.bytes, &mut self.conn)?,
            None => {
                self.conn.send(&reply.bytes)?;
                Flow::Continue
            }
        };
        Ok(if reply.close && flow == Flow::Continue { Flow::Close } else { flow })
    }

    fn dispatch(&mut self, action: &str, req: &Message) -> Reply {
        if action.is_empty() {
            return Reply::error(req, "Missing action in request");
        }
        if self.user.is_none() && !BEFORE_LOGIN.iter().any(|a| a.eq_ignore_ascii_case(action)) {
            return Reply::error(req, "Permission denied");
        }
        if let Some(handler) = self.shared.handler(action) {
            return Reply::messages(&handler(req));
        }
        match action.to_ascii_lowercase().as_str() {
            "login" => self.login(req),
            "challenge" => self.challenge(req),
            "logoff" => Reply { close: true, ..Reply::plain("Goodbye", req, "Thanks for all the fish.") },
            _ if self.shared.config.replay.is_some() && !Script::answers_itself(action) => self.replayed(action, req),
            "events" => self.events(req),
            _ => self.builtin(action, req),
        }
    }

    /// A built-in action, if the user may write what it needs.
    fn builtin(&self, action: &str, req: &Message) -> Reply {
        let write = self.user.as_ref().map_or(0, |u| u.write);
        match actions::find(action) {
            None => Reply::error(
                req,
                &format!("Invalid/unknown command: {action}. Use Action: ListCommands to show available commands."),
            ),
            Some(b) if b.privilege != 0 && write & b.privilege == 0 => Reply::error(req, "Permission denied"),
            Some(b) => (b.run)(&self.shared, req),
        }
    }

    /// The recorded answer to `req`, or an error answer when nothing
    /// recorded matches (the request is then listed by
    /// [`FakeAsterisk::unmatched`](super::FakeAsterisk::unmatched)).
    fn replayed(&mut self, action: &str, req: &Message) -> Reply {
        let Some(replay) = &self.shared.config.replay else { return Reply::error(req, "no recording") };
        let playback = self.playback.get_or_insert_with(Arc::default);
        if let Some(bytes) = playback.answer(&replay.script, req) {
            return Reply { bytes, delay: Duration::ZERO, close: false };
        }
        self.shared.record_unmatched(self.handle.id, req.clone());
        Reply::error(
            req,
            &format!(
                "No recorded answer: the recording '{}' has no {action} action with these parameters (replay)",
                replay.script.name
            ),
        )
    }

    fn login(&mut self, req: &Message) -> Reply {
        if self.user.is_some() {
            return Reply::ack(req, "Already authenticated");
        }
        let name = field(req, "Username");
        let challenge = self.challenge.as_deref();
        let found = self.shared.config.users.iter().find(|u| u.name.eq_ignore_ascii_case(&name));
        let Some(user) = found.filter(|u| u.authenticates(req, challenge)).cloned() else {
            let delay = self.shared.config.auth_failure_delay;
            return Reply { delay, close: true, ..Reply::error(req, "Authentication failed") };
        };
        let mask = user.read & event_mask(&field(req, "Events")).unwrap_or(ALL);
        self.handle.log_in(&user.name, mask);
        let mut out = Out::default();
        out.response("Success", req).h("Message", "Authentication accepted").end();
        if self.shared.config.replay.is_some() {
            // The recording has its own FullyBooted, SuccessfulAuth and
            // the rest, from its login answer on.
            let playback = Arc::clone(self.playback.get_or_insert_with(Arc::default));
            let (shared, handle) = (Arc::clone(&self.shared), Arc::clone(&self.handle));
            self.shared.spawn("fake-asterisk-replay", move || replay::play(shared, handle, playback));
            self.user = Some(user);
            return Reply::new(out);
        }
        if mask & SYSTEM != 0 {
            let uptime =
                (SystemTime::now().duration_since(self.shared.started).unwrap_or_default().as_secs()).to_string();
            out.h("Event", "FullyBooted").h("Privilege", "system,all").h("Uptime", &uptime).h("LastReload", &uptime);
            out.h("Status", "Fully Booted").end();
        }
        // Other sessions get SuccessfulAuth as an event; this one with its answer.
        let auth = self.successful_auth(&user.name);
        if mask & SECURITY != 0 {
            out.raw(&auth.bytes);
        }
        self.shared.sessions.broadcast(std::slice::from_ref(&auth), Some(self.handle.id));
        self.user = Some(user);
        Reply::new(out)
    }

    fn successful_auth(&self, account: &str) -> Event {
        let transport = if self.conn.is_tls() { "TLS" } else { "TCP" };
        let address =
            |a: SocketAddr| format!("IPV{}/{transport}/{}/{}", if a.is_ipv4() { 4 } else { 6 }, a.ip(), a.port());
        let session_id = format!("0x{:x}", 0x7f16_3400_0000 + self.handle.id.0 * 0x1000);
        Event::build("SuccessfulAuth", SECURITY, |out| {
            out.h("EventTV", event_tv(SystemTime::now()))
                .h("Severity", "Informational")
                .h("Service", "AMI")
                .h("EventVersion", "1")
                .h("AccountID", account)
                .h("SessionID", session_id)
                .h("LocalAddress", address(self.shared.addr))
                .h("RemoteAddress", address(self.handle.peer))
                .h("UsingPassword", "0")
                .h("SessionTV", event_tv(self.started));
        })
    }

    fn challenge(&mut self, req: &Message) -> Reply {
        if !field(req, "AuthType").eq_ignore_ascii_case("md5") {
            return Reply::error(req, "Must specify AuthType");
        }
        let challenge = self.challenge.get_or_insert_with(new_challenge);
        let mut out = Out::default();
        out.response("Success", req).h("Challenge", challenge.as_str()).end();
        Reply::new(out)
    }

    fn events(&mut self, req: &Message) -> Reply {
        let Some(mask) = event_mask(&field(req, "EventMask")) else {
            return Reply::error(req, "Invalid event mask");
        };
        self.handle.set_mask(self.user.as_ref().map_or(0, |u| u.read) & mask);
        let mut out = Out::default();
        out.response("Success", req).h("Events", if mask == 0 { "Off" } else { "On" }).end();
        Reply::new(out)
    }
}
