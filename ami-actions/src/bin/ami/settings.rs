//! Where to connect and as whom: flags first, then `AMI_*` environment
//! variables, then defaults, read by the library's own
//! [`Config::from_lookup`] and [`Login::from_lookup`] (each flag stands in
//! for its variable). The secret comes only from `AMI_SECRET`,
//! `AMI_SECRET_FILE` or `--secret-file`, and is never printed.

use std::path::PathBuf;
use std::time::Duration;

use ami_actions::{Config, EnvError, Login, Timeouts};

use crate::args::ConnFlags;
use crate::failure::Failure;

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
    /// The configuration the flags and variables give (timeouts not applied).
    base: Config,
    /// The login (its `Debug` never shows the secret).
    base_login: Login,
    /// Log in by MD5 challenge.
    pub md5: bool,
    /// `--timeout`: a limit for every step, if given.
    pub timeout: Option<Duration>,
}

/// The variable each connection flag stands in for.
const FLAG_OF: [(&str, &str); 6] = [
    ("AMI_HOST", "--host"),
    ("AMI_PORT", "--port"),
    ("AMI_TLS", "--tls"),
    ("AMI_CA_FILE", "--ca-file"),
    ("AMI_USER", "--user"),
    ("AMI_SECRET_FILE", "--secret-file"),
];

impl Settings {
    /// Resolves flags against the environment (`env` looks a variable up).
    pub fn resolve(flags: &ConnFlags, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, Failure> {
        let flag_value = |name: &str| match name {
            "AMI_HOST" => flags.host.clone(),
            "AMI_PORT" => flags.port.map(|p| p.to_string()),
            "AMI_TLS" => flags.tls.then(|| "1".to_string()),
            "AMI_CA_FILE" => flags.ca_file.as_ref().map(|p| p.to_string_lossy().into_owned()),
            "AMI_USER" => flags.user.clone(),
            "AMI_SECRET_FILE" => flags.secret_file.as_ref().map(|p| p.to_string_lossy().into_owned()),
            _ => None,
        };
        let lookup = |name: &str| {
            if name == "AMI_SECRET" && flags.secret_file.is_some() {
                return None; // --secret-file wins over AMI_SECRET
            }
            flag_value(name).or_else(|| env(name))
        };
        let base = Config::from_lookup(lookup).map_err(|e| failure(e, &flag_value))?;
        let tls = base.is_tls();
        if flags.ca_file.is_some() && !tls {
            return Err(Failure::usage("--ca-file is for TLS: add --tls (or set AMI_TLS=1)"));
        }
        let base_login = Login::from_lookup(lookup).map_err(|e| failure(e, &flag_value))?;
        Ok(Settings {
            host: base.host().to_string(),
            port: base.port(),
            tls,
            ca_file: lookup("AMI_CA_FILE").filter(|v| !v.is_empty()).map(PathBuf::from),
            user: base_login.username().to_string(),
            base,
            base_login,
            md5: flags.md5,
            timeout: flags.timeout,
        })
    }

    /// The client configuration.
    pub fn config(&self) -> Config {
        match self.timeout {
            Some(t) => self.base.clone().timeouts(Timeouts::all(Some(t))),
            None => self.base.clone(),
        }
    }

    /// The login: plain or MD5, receiving every event the user may read.
    pub fn login(&self) -> Login {
        if self.md5 {
            self.base_login.clone().md5()
        } else {
            self.base_login.clone()
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

/// A usage failure for a setting the library refused, naming the flag when
/// the value came from one.
fn failure(e: EnvError, flag_value: &dyn Fn(&str) -> Option<String>) -> Failure {
    let flag = FLAG_OF.iter().find(|(var, _)| *var == e.variable).map(|(_, flag)| *flag);
    match (e.variable, flag) {
        ("AMI_USER", _) if e.missing => Failure::usage("no user: give --user NAME or set AMI_USER"),
        ("AMI_SECRET", _) if e.missing => Failure::usage(
            "no secret: set AMI_SECRET or AMI_SECRET_FILE, or give --secret-file FILE (never on the command line)",
        ),
        (_, Some(flag)) if flag_value(e.variable).is_some() => Failure::usage(format!("{flag}: {}", e.reason)),
        _ => Failure::usage(e.to_string()),
    }
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
        assert_eq!((s.host.as_str(), s.port, s.tls), ("127.0.0.1", ami_actions::DEFAULT_PORT, false));
        let s = Settings::resolve(
            &ConnFlags::default(),
            &env_of(&[("AMI_USER", "u"), ("AMI_SECRET", "x"), ("AMI_TLS", "1"), ("AMI_CA_FILE", "/ca.pem")]),
        )
        .unwrap();
        assert_eq!((s.port, s.tls), (ami_actions::DEFAULT_TLS_PORT, true));
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
        let flags = ConnFlags { secret_file: Some("/nonexistent/secret".into()), ..Default::default() };
        let e = Settings::resolve(&flags, &env_of(BASIC)).unwrap_err();
        assert!(e.message.starts_with("--secret-file: cannot read /nonexistent/secret"), "{e}");
        let e = Settings::resolve(&ConnFlags::default(), &env_of(&[("AMI_USER", "u"), ("AMI_SECRET_FILE", "/nope")]))
            .unwrap_err();
        assert!(e.message.starts_with("AMI_SECRET_FILE: cannot read /nope"), "{e}");
    }

    #[test]
    fn the_secret_never_shows() {
        let s = Settings::resolve(&ConnFlags::default(), &env_of(BASIC)).unwrap();
        assert!(!format!("{s:?}").contains("s3cret"));
        assert!(!s.describe().contains("s3cret"));
        assert!(!format!("{:?}", s.login()).contains("s3cret"));
    }
}
