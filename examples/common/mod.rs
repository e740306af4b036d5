//! What the examples share: where to connect, and how long to run.
//!
//! Without `AMI_HOST` an example starts the embedded fake Asterisk
//! (`ami_core::testkit`, feature `testkit`) on 127.0.0.1 and runs against
//! it; with `AMI_HOST` set it runs against that server, with `AMI_PORT`
//! (default 5038, 5039 with TLS), `AMI_USER` (default `admin`),
//! `AMI_SECRET` or `AMI_SECRET_FILE`, `AMI_TLS=1` and `AMI_CA_FILE`, read by
//! `Config::from_env` and `Login::from_lookup`.
//!
//! `AMI_EXAMPLE_TIMEOUT` (seconds) bounds how long an example waits for
//! events, so that CI can run every example to its end.
#![allow(dead_code)]

use std::env;
use std::error::Error;
use std::time::Duration;

use ami_core::testkit::{Builder, FakeAsterisk};
use ami_core::{Client, Config, Login, Session};

/// The server an example talks to.
pub struct Target {
    /// Where to connect.
    pub config: Config,
    /// Who to log in as.
    pub login: Login,
    /// The embedded fake, when `AMI_HOST` is not set (kept alive here).
    pub fake: Option<FakeAsterisk>,
}

impl Target {
    /// A real server from `AMI_*`, or a default fake Asterisk.
    pub fn from_env() -> Result<Target, Box<dyn Error>> {
        Target::from_env_or(FakeAsterisk::builder())
    }

    /// A real server from `AMI_*`, or a fake Asterisk built by `fake`.
    pub fn from_env_or(fake: Builder) -> Result<Target, Box<dyn Error>> {
        match env::var("AMI_HOST") {
            Ok(host) if !host.is_empty() => real_server(),
            _ => {
                let fake = fake.start()?;
                println!("AMI_HOST is not set: using the embedded fake Asterisk on {}", fake.addr());
                let config = Config::new(fake.addr().ip().to_string(), fake.addr().port());
                Ok(Target { config, login: Login::new("admin", "admin-secret"), fake: Some(fake) })
            }
        }
    }

    /// Whether this is the embedded fake (examples then make their own traffic).
    pub fn is_fake(&self) -> bool {
        self.fake.is_some()
    }

    /// Connects and logs in with `login`.
    pub fn session(&self, login: &Login) -> Result<Session, ami_core::Error> {
        Client::connect(&self.config)?.login(login)
    }
}

/// `AMI_EXAMPLE_TIMEOUT` if set, else `default`.
pub fn time_limit(default: Duration) -> Duration {
    env::var("AMI_EXAMPLE_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0 && s.is_finite())
        .map_or(default, Duration::from_secs_f64)
}

/// Whether `AMI_EXAMPLE_TIMEOUT` is set: examples that would watch for ever
/// stop at that limit instead.
pub fn has_time_limit() -> bool {
    env::var_os("AMI_EXAMPLE_TIMEOUT").is_some()
}

/// The server the `AMI_*` variables describe, read by the library
/// (`Config::from_env`, `Login::from_lookup`), with `admin` as the default
/// user.
fn real_server() -> Result<Target, Box<dyn Error>> {
    let config = Config::from_env()?;
    let login = Login::from_lookup(|name| match env::var(name) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => (name == "AMI_USER").then(|| "admin".to_string()),
    })?;
    Ok(Target { config, login, fake: None })
}
