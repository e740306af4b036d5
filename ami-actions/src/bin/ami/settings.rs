//! Where to connect and as whom: flags first, then `AMI_*` environment
//! variables, then defaults. The secret comes only from `AMI_SECRET` or
//! `--secret-file`, and is never printed.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use ami_actions::{Config, Login, Timeouts, TlsConfig};

use crate::args::{self, ConnFlags};
use crate::failure::Failure;

/// The secret, kept out of `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Everything needed to connect and log in.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Whether to use TLS.
    pub tls: bool,
    /// Extra CA certificate(s) to trust (TLS only).
    pub ca_file: Option<PathBuf>,
    /// The manager user.
    pub user: String,
    secret: Secret,
    /// Log in by MD5 challenge.
    pub md5: bool,
    /// `--timeout`: a limit for every step, if given.
    pub timeout: Option<Duration>,
}

/// Default port without TLS.
pub const PORT: u16 = 5038;
/// Default port with TLS.
pub const TLS_PORT: u16 = 5039;

impl Settings {
    /// Resolves flags against the environment (`env` looks a variable up).
    pub fn resolve(flags: &ConnFlags, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, Failure> {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        let host = flags.host.clone().or_else(|| env("AMI_HOST")).unwrap_or_else(|| "127.0.0.1".into());
        let tls = flags.tls || env("AMI_TLS").map(|v| truthy("AMI_TLS", &v)).transpose()?.unwrap_or(false);
        if flags.ca_file.is_some() && !tls {
            return Err(Failure::usage("--ca-file is for TLS: add --tls (or set AMI_TLS=1)"));
        }
        let port = match (flags.port, env("AMI_PORT")) {
            (Some(p), _) => p,
            (None, Some(p)) => args::port("AMI_PORT", &p)?,
            (None, None) if tls => TLS_PORT,
            (None, None) => PORT,
        };
        let ca_file = if tls { flags.ca_file.clone().or_else(|| env("AMI_CA_FILE").map(PathBuf::from)) } else { None };
        let user = flags
            .user
            .clone()
            .or_else(|| env("AMI_USER"))
            .ok_or_else(|| Failure::usage("no user: give --user NAME or set AMI_USER"))?;
        let secret = match &flags.secret_file {
            Some(path) => read_secret_file(path)?,
            None => env("AMI_SECRET").ok_or_else(|| {
                Failure::usage("no secret: set AMI_SECRET or give --secret-file FILE (never on the command line)")
            })?,
        };
        Ok(Settings { host, port, tls, ca_file, user, secret: Secret(secret), md5: flags.md5, timeout: flags.timeout })
    }

    /// The client configuration.
    pub fn config(&self) -> Config {
        let mut config = Config::new(self.host.clone(), self.port);
        if let Some(t) = self.timeout {
            config = config.timeouts(Timeouts::all(Some(t)));
        }
        if self.tls {
            let mut tls = TlsConfig::new();
            if let Some(ca) = &self.ca_file {
                tls = tls.ca_file(ca.clone());
            }
            config = config.tls(tls);
        }
        config
    }

    /// The login: plain or MD5, receiving every event the user may read.
    pub fn login(&self) -> Login {
        let login = Login::new(self.user.clone(), self.secret.0.clone());
        if self.md5 {
            login.md5()
        } else {
            login
        }
    }

    /// `host:port (TLS, CA file x)` for messages; never the secret.
    pub fn describe(&self) -> String {
        let mut s = format!("{}:{}", self.host, self.port);
        match (&self.tls, &self.ca_file) {
            (true, Some(ca)) => s.push_str(&format!(" (TLS, trusting {})", ca.display())),
            (true, None) => s.push_str(" (TLS)"),
            _ => {}
        }
        s
    }
}

/// `1`, `true`, `yes`, `on` / `0`, `false`, `no`, `off`.
fn truthy(name: &str, value: &str) -> Result<bool, Failure> {
    ami_actions::typed::parse_bool(value.as_bytes())
        .ok_or_else(|| Failure::usage(format!("{name}={value:?}: use 1 or 0 (true/false, yes/no)")))
}

/// The first line of the file (a trailing CR or LF removed).
fn read_secret_file(path: &std::path::Path) -> Result<String, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read the secret file {}: {e}", path.display())))?;
    let secret = text.lines().next().unwrap_or_default().to_string();
    if secret.is_empty() {
        return Err(Failure::usage(format!("the secret file {} is empty", path.display())));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    const BASIC: &[(&str, &str)] = &[("AMI_USER", "admin"), ("AMI_SECRET", "s3cret")];

    #[test]
    fn defaults_and_environment() {
        let s = Settings::resolve(&ConnFlags::default(), &env_of(BASIC)).unwrap();
        assert_eq!((s.host.as_str(), s.port, s.tls), ("127.0.0.1", PORT, false));
        let s = Settings::resolve(
            &ConnFlags::default(),
            &env_of(&[("AMI_USER", "u"), ("AMI_SECRET", "x"), ("AMI_TLS", "1"), ("AMI_CA_FILE", "/ca.pem")]),
        )
        .unwrap();
        assert_eq!((s.port, s.tls), (TLS_PORT, true));
        assert_eq!(s.ca_file, Some(PathBuf::from("/ca.pem")));
    }

    #[test]
    fn flags_win_over_environment() {
        let flags =
            ConnFlags { host: Some("pbx".into()), port: Some(7000), user: Some("ops".into()), ..Default::default() };
        let s =
            Settings::resolve(&flags, &env_of(&[("AMI_HOST", "x"), ("AMI_PORT", "1"), ("AMI_SECRET", "s")])).unwrap();
        assert_eq!((s.host.as_str(), s.port, s.user.as_str()), ("pbx", 7000, "ops"));
    }

    #[test]
    fn missing_or_bad_values_are_usage_errors() {
        let none = |_: &str| None;
        assert!(Settings::resolve(&ConnFlags::default(), &none).unwrap_err().message.contains("no user"));
        let e = Settings::resolve(&ConnFlags::default(), &env_of(&[("AMI_USER", "u")])).unwrap_err();
        assert!(e.message.contains("AMI_SECRET"));
        let e = Settings::resolve(
            &ConnFlags::default(),
            &env_of(&[("AMI_USER", "u"), ("AMI_SECRET", "s"), ("AMI_PORT", "http")]),
        )
        .unwrap_err();
        assert!(e.message.contains("AMI_PORT"));
        let flags = ConnFlags { ca_file: Some("/ca.pem".into()), ..Default::default() };
        assert!(Settings::resolve(&flags, &env_of(BASIC)).unwrap_err().message.contains("--tls"));
    }

    #[test]
    fn the_secret_never_shows() {
        let s = Settings::resolve(&ConnFlags::default(), &env_of(BASIC)).unwrap();
        assert!(!format!("{s:?}").contains("s3cret"));
        assert!(!s.describe().contains("s3cret"));
        assert!(!format!("{:?}", s.login()).contains("s3cret"));
    }
}
