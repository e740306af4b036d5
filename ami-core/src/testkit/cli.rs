//! The CLI behind the `Command` action: a few built-in commands, the
//! outputs a test adds, and the two answer formats (Asterisk 14+ and 13).

use std::sync::Arc;
use std::time::SystemTime;

use super::clock::{plural, uptime_text};
use super::input::field;
use super::server::{lock, Shared};
use super::wire::{Out, Reply};
use crate::Message;

/// What `core show version` prints.
const VERSION: &str = "Asterisk 22.10.1 built by testkit @ fake on a x86_64 running Linux on 2026-01-01 00:00:00 UTC";

/// Runs the request's `Command` and answers with its output.
///
/// Asterisk 14+: `Response: Success` (`Error` for an unknown command),
/// `Message: Command output follows`, one `Output` header per line.
/// Asterisk 13 ([`Builder::old_command_format`](super::Builder::old_command_format)):
/// `Response: Follows`, `Privilege: Command`, the ActionID, the raw output
/// with LF line ends, and `--END COMMAND--`.
pub(crate) fn command(shared: &Arc<Shared>, req: &Message) -> Reply {
    let command = field(req, "Command");
    if command.is_empty() {
        return Reply::error(req, "No command provided");
    }
    let (found, output) = match run(shared, &command) {
        Ok(lines) => (true, lines),
        Err(line) => (false, vec![line]),
    };
    let mut out = Out::default();
    if shared.config.old_command_format {
        out.h("Response", "Follows").h("Privilege", "Command").id(req);
        for line in &output {
            out.raw(line.as_bytes()).raw(b"\n");
        }
        out.raw(b"--END COMMAND--\r\n");
    } else {
        out.response(if found { "Success" } else { "Error" }, req).h("Message", "Command output follows");
        for line in &output {
            out.h("Output", line);
        }
    }
    out.end();
    Reply::new(out)
}

/// The output lines of a CLI command, or the error line of an unknown one.
fn run(shared: &Shared, command: &str) -> Result<Vec<String>, String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let normal = words.join(" ");
    if let Some((_, lines)) = shared.config.commands.iter().find(|(c, _)| c.eq_ignore_ascii_case(&normal)) {
        return Ok(lines.clone());
    }
    let uptime = || uptime_text(SystemTime::now().duration_since(shared.started).unwrap_or_default().as_secs());
    match normal.to_ascii_lowercase().as_str() {
        "core show version" => Ok(vec![VERSION.to_string()]),
        "core show uptime" => Ok(vec![format!("System uptime: {}", uptime()), format!("Last reload: {}", uptime())]),
        "core show channels" => Ok(channels(shared)),
        // Asterisk suggests the words that led nowhere; the first two are close enough.
        _ => Err(format!(
            "No such command '{command}' (type 'core show help {}' for other possible commands)",
            words[..words.len().min(2)].join(" ")
        )),
    }
}

/// `core show channels`: one row per channel, then the counts.
fn channels(shared: &Shared) -> Vec<String> {
    let row = |channel: &str, location: &str, state: &str, app: &str| {
        format!("{channel:<64.64} {location:<32.32} {state:<7.7} {app:<30.30}")
    };
    let calls = lock(&shared.calls);
    let mut lines = vec![row("Channel", "Location", "State", "Application(Data)")];
    for leg in calls.legs() {
        let location = format!("{}@{}:{}", leg.exten, leg.context, leg.priority);
        lines.push(row(&leg.channel, &location, leg.state.desc(), &format!("{}({})", leg.app, leg.app_data)));
    }
    let channels = (lines.len() - 1) as u64;
    let (active, processed) = calls.counts();
    let active = active as u64;
    lines.push(format!("{channels} active channel{}", plural(channels)));
    lines.push(format!("{active} active call{}", plural(active)));
    lines.push(format!("{processed} call{} processed", plural(processed)));
    lines
}
