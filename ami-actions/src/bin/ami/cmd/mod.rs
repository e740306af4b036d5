//! The subcommands, and the connect-and-login step they share.

pub mod decode;
pub mod events;
pub mod fake;
pub mod info;
pub mod live;
pub mod record;
pub mod send;

use std::time::Duration;

use ami_actions::{Client, Login, RawAction, Session};

use crate::failure::{Failure, Stage};
use crate::settings::Settings;

/// Prints a progress note on stderr when `--verbose` is on.
pub fn note(verbose: bool, text: impl AsRef<str>) {
    if verbose {
        eprintln!("ami: {}", text.as_ref());
    }
}

/// Connects, reads the banner and logs in. Every failure here is a
/// connection failure (exit 3) or a timeout (exit 4).
pub fn connect(settings: &Settings, login: &Login, verbose: bool) -> Result<Session, Failure> {
    note(verbose, format!("connecting to {}", settings.describe()));
    let fail = |e: ami_actions::Error| {
        let f = Failure::from_ami(&e, Stage::Connect);
        Failure { message: format!("{}: {}", settings.describe(), f.message), ..f }
    };
    let client = Client::connect(&settings.config()).map_err(fail)?;
    note(verbose, format!("banner: {}", client.banner().line()));
    let how = if settings.md5 { "MD5 challenge" } else { "plain secret" };
    note(verbose, format!("logging in as {} ({how})", settings.user));
    let session = client.login(login).map_err(fail)?;
    note(verbose, "logged in");
    Ok(session)
}

/// Logs off, waiting briefly for the `Goodbye`; the work is done by then,
/// so a failure here changes nothing.
pub fn logoff(mut session: Session, verbose: bool) {
    let result = session.send_with_timeout(&RawAction::new("Logoff"), Some(Duration::from_secs(2)));
    note(verbose, if result.is_ok() { "logged off" } else { "closed without a Goodbye" });
}
