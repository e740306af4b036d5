//! `ami <Action> [Key=Value ...]`: send one checked action, print the
//! answer (every item of an event list; `Command` output as plain text; the
//! event that follows the response of `FAXStats` and `WaitEvent`), and for
//! an `Originate` with `Async=true` wait for its `OriginateResponse` through
//! the library's `Session::originate`.

use std::io;
use std::time::{Duration, Instant};

use ami_actions::typed::{parse_bool, ActionInfo};
use ami_actions::{command_output, Error, Message, OriginateOutcome, Response, Session, Timeouts};
use ami_actions::{meta, Banner};

use super::{connect, logoff, note};
use crate::failure::{Code, Failure, Stage};
use crate::output::{Format, Printer};
use crate::settings::Settings;
use crate::validate::Checked;

/// How long past the Originate's own `Timeout` (ringing time) to wait for
/// its outcome when `--timeout` is not given.
const ORIGINATE_MARGIN: Duration = Duration::from_secs(15);
/// Asterisk's default ringing time for Originate, in milliseconds.
const ORIGINATE_DEFAULT_MS: u64 = 30_000;
/// How long to wait for the event that follows a response (`FAXStats`)
/// when no response timeout is set; it comes right after the response.
const FOLLOW_UP_WAIT: Duration = Duration::from_secs(10);

/// Sends the action and prints what comes back.
pub fn run(
    settings: &Settings,
    checked: &Checked,
    no_wait: bool,
    printer: &mut Printer,
    verbose: bool,
) -> Result<(), Failure> {
    let action = &checked.action;
    let name = action.name();
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    let param =
        |n: &str| action.headers().iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.as_str());
    let async_originate = is("Originate") && param("Async").and_then(|v| parse_bool(v.as_bytes())) == Some(true);
    let wait_outcome = async_originate && !no_wait;
    // A synchronous Originate answers only once the call is answered or has
    // failed: give it the ringing time and a margin.
    let ringing =
        Duration::from_millis(param("Timeout").and_then(|t| t.trim().parse().ok()).unwrap_or(ORIGINATE_DEFAULT_MS));
    let response_timeout = match settings.timeout {
        Some(t) => Some(t),
        None if is("Originate") && !async_originate => Some(ringing + ORIGINATE_MARGIN),
        None => Timeouts::default().response,
    };

    // Only the outcome of an async Originate needs events (class `call`).
    let login = if wait_outcome { settings.login().events("call") } else { settings.login().events_off() };
    let mut session = connect(settings, &login, verbose)?;
    if let Some(warning) = checked.info.and_then(|info| release_warning(info, session.banner())) {
        eprintln!("ami: warning: {warning}");
    }
    note(verbose, format!("sending {name} with {} header(s)", action.headers().len()));

    let result = if wait_outcome {
        // One limit for the answer and the OriginateResponse together.
        let wait = settings.timeout.unwrap_or(ringing + ORIGINATE_MARGIN);
        note(verbose, format!("waiting up to {:.1} s for the OriginateResponse", wait.as_secs_f64()));
        session.originate(action, Some(wait)).map(Sent::Outcome)
    } else {
        session.send_with_timeout(action, response_timeout).map(Sent::Answer)
    };
    let outcome = match result {
        Ok(Sent::Answer(response)) => {
            let follow_up = checked.info.and_then(|i| i.follow_up).filter(|_| !response.is_list());
            // In JSON the response and its follow-up event are one document,
            // printed once the event is in.
            let printed = match follow_up {
                Some(_) if printer.format() == Format::Json => Ok(()),
                _ => print_answer(printer, &response, is("Command")),
            };
            printed.map_err(Failure::output).and_then(|()| {
                if let Some((announced, received)) = response.list_count_mismatch() {
                    eprintln!("ami: warning: the list announced {announced} items, {received} arrived");
                }
                if response.is_synthetic() {
                    note(verbose, format!("{name} is answered by a bare empty line: sent, nothing to print"));
                }
                if let Some(event) = follow_up {
                    let wait = response_timeout.unwrap_or(FOLLOW_UP_WAIT);
                    let got = wait_for_follow_up(&mut session, &response, event, wait, verbose)?;
                    let mut named = Vec::with_capacity(2);
                    if printer.format() == Format::Json {
                        named.push(("response", response.message()));
                    }
                    if let Some(got) = &got {
                        named.push(("event", got));
                    }
                    printer.messages(&named).map_err(Failure::output)?;
                }
                if async_originate {
                    note(verbose, "--no-wait: not waiting for the OriginateResponse");
                }
                Ok(())
            })
        }
        Ok(Sent::Outcome(outcome)) => print_outcome(printer, &outcome, verbose),
        Err(Error::ActionFailed { action, message, response }) => {
            let printed = if is("Command") && printer.format() == Format::Text {
                printer.plain_lines(&command_output(&response))
            } else {
                printer.message(&response)
            };
            printed.map_err(Failure::output).and_then(|()| {
                // A refused Command says why in its Output lines ("No such
                // command ..."); its Message is only "Command output follows".
                let output = if is("Command") { command_output(&response) } else { Vec::new() };
                let why = if !output.is_empty() {
                    output.join(" / ")
                } else if message.is_empty() {
                    String::from("Response: Error")
                } else {
                    message
                };
                Err(Failure::refused(format!("{action} failed: {why}")))
            })
        }
        Err(e) => Err(Failure::from_ami(&e, Stage::Action)),
    };
    let flushed = printer.flush().map_err(Failure::output);
    // Log off politely when the link is known to be fine; after a timeout
    // or a broken link, just close.
    let link_ok = match &outcome {
        Ok(()) => true,
        Err(f) => f.code == Code::Refused,
    };
    if link_ok && !is("Logoff") && !session.is_closed() {
        logoff(session, verbose);
    }
    outcome.and(flushed)
}

/// Prints the answer: `Command` output as plain text, an event list as
/// every item (the response and the completion event too in text), or the
/// response.
fn print_answer(printer: &mut Printer, response: &Response, is_command: bool) -> io::Result<()> {
    if response.is_synthetic() {
        // The server answered with a bare empty line (IAXnetstats).
        return Ok(());
    }
    match printer.format() {
        Format::Text if is_command => printer.plain_lines(&command_output(response.message())),
        Format::Text if response.is_list() => {
            printer.message(response.message())?;
            printer.list(response.items())?;
            response.completion().map_or(Ok(()), |c| printer.message(c))
        }
        Format::Json if response.is_list() => printer.list(response.items()),
        _ => printer.message(response.message()),
    }
}

/// Waits for the one event the server sends after the response (`FAXStats`
/// after FAXStats, `WaitEventComplete` after WaitEvent), carrying the
/// action's ActionID. Missing, it is only a warning: the action itself
/// succeeded.
fn wait_for_follow_up(
    session: &mut Session,
    response: &Response,
    event: &str,
    wait: Duration,
    verbose: bool,
) -> Result<Option<Message>, Failure> {
    let id = response.get_str("ActionID").map(|s| s.into_owned()).unwrap_or_default();
    note(verbose, format!("waiting up to {:.1} s for the {event} event", wait.as_secs_f64()));
    let until = Instant::now() + wait;
    loop {
        let msg = match session.next_event_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(Some(msg)) => msg,
            Ok(None) => {
                eprintln!("ami: warning: no {event} event came within {:.1} s", wait.as_secs_f64());
                return Ok(None);
            }
            Err(e) => return Err(Failure::from_ami(&e, Stage::Action)),
        };
        let same_id = msg.action_id().as_deref() == Some(id.as_str());
        if same_id && msg.event_name().is_some_and(|n| n.eq_ignore_ascii_case(event)) {
            return Ok(Some(msg));
        }
    }
}

/// What came back: the answer, or for an async Originate the outcome.
enum Sent {
    Answer(Response),
    Outcome(OriginateOutcome),
}

/// Prints the answer that queued the call and the `OriginateResponse` (in
/// JSON one object: `{"response": {...}, "outcome": {...}}`), and fails
/// (exit 1) when the call failed (`Response: Failure`).
fn print_outcome(printer: &mut Printer, outcome: &OriginateOutcome, verbose: bool) -> Result<(), Failure> {
    let mut named = Vec::with_capacity(2);
    if let Some(queued) = outcome.queued() {
        named.push(("response", queued.message()));
    }
    named.push(("outcome", outcome.event()));
    printer.messages(&named).map_err(Failure::output)?;
    if !outcome.is_success() {
        return Err(Failure::refused(format!("the call {outcome}")));
    }
    note(verbose, format!("the call {outcome}"));
    Ok(())
}

/// A warning when the server's release is one the types cover and the
/// action is not in it (chan_sip's actions after Asterisk 20, say). The
/// banner gives the AMI version: 9 is Asterisk 20, 10 is 21, 11 is 22...
fn release_warning(info: &ActionInfo, banner: &Banner) -> Option<String> {
    let ami_major: u32 = banner.version()?.split('.').next()?.parse().ok()?;
    let asterisk = ami_major.checked_add(11).filter(|_| ami_major >= 9)?;
    let prefix = format!("{asterisk}.");
    let covered = meta::RELEASES.iter().any(|r| r.starts_with(&prefix));
    let present = info.releases.iter().any(|r| r.starts_with(&prefix));
    (covered && !present).then(|| {
        format!(
            "{} is documented only for {} and this server looks like Asterisk {asterisk} ({})",
            info.name,
            info.releases.join(", "),
            banner.line()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_about_actions_missing_from_the_servers_release() {
        let sip = meta::action("SIPpeers").unwrap();
        let ast22 = Banner::new(b"Asterisk Call Manager/11.0.0");
        let ast20 = Banner::new(b"Asterisk Call Manager/9.0.0");
        assert!(release_warning(sip, &ast22).unwrap().contains("Asterisk 22"));
        assert_eq!(release_warning(sip, &ast20), None);
        assert_eq!(release_warning(meta::action("Ping").unwrap(), &ast22), None);
        // An old server the types do not cover: no opinion.
        assert_eq!(release_warning(sip, &Banner::new(b"Asterisk Call Manager/2.10.6")), None);
    }
}
