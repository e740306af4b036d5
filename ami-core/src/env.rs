//! Connection settings from `AMI_*` environment variables: the code behind
//! [`Config::from_env`] and [`Login::from_env`], which the `ami` CLI uses
//! too (its flags win by standing in for the variables).

use std::path::Path;

use crate::client::Login;
use crate::config::{Config, TlsConfig, DEFAULT_PORT, DEFAULT_TLS_PORT};
use crate::error::EnvError;
use crate::typed::parse_bool;

/// The host name or address (default `127.0.0.1`).
pub(crate) const HOST: &str = "AMI_HOST";
/// The TCP port (default 5038, 5039 with TLS).
pub(crate) const PORT: &str = "AMI_PORT";
/// TLS on or off (`1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off`).
pub(crate) const TLS: &str = "AMI_TLS";
/// A CA certificate file to trust, with TLS.
pub(crate) const CA_FILE: &str = "AMI_CA_FILE";
/// The manager user.
pub(crate) const USER: &str = "AMI_USER";
/// The secret.
pub(crate) const SECRET: &str = "AMI_SECRET";
/// A file whose first line is the secret.
pub(crate) const SECRET_FILE: &str = "AMI_SECRET_FILE";

/// Looks a variable up in the process environment; unset, empty and
/// non-UTF-8 values all count as unset.
fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// `lookup` with empty values taken as unset.
fn get(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.is_empty())
}

impl Config {
    /// The configuration that the `AMI_*` environment variables describe,
    /// with default timeouts. Unset or empty variables take their defaults:
    ///
    /// | variable | meaning | default |
    /// |---|---|---|
    /// | `AMI_HOST` | host name or address | `127.0.0.1` |
    /// | `AMI_PORT` | TCP port | `5038`, `5039` with TLS |
    /// | `AMI_TLS` | TLS on: `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off` | off |
    /// | `AMI_CA_FILE` | also trust the PEM CA certificate(s) in this file (with TLS; ignored without) | system roots only |
    ///
    /// A value that cannot be used (`AMI_PORT=http`) is an [`EnvError`]
    /// naming the variable.
    ///
    /// ```no_run
    /// use ami_core::{Client, Config, Login};
    /// let client = Client::connect(&Config::from_env()?)?;
    /// let session = client.login(&Login::from_env()?)?;
    /// # Ok::<(), ami_core::Error>(())
    /// ```
    pub fn from_env() -> Result<Config, EnvError> {
        Config::from_lookup(process_env)
    }

    /// [`Config::from_env`] with the variables looked up by `lookup` (for
    /// tests, or settings that come from elsewhere).
    ///
    /// ```
    /// use ami_core::{Config, DEFAULT_TLS_PORT};
    /// let vars = [("AMI_HOST", "pbx.example.com"), ("AMI_TLS", "1")];
    /// let config = Config::from_lookup(|name| {
    ///     vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    /// })?;
    /// assert_eq!((config.host(), config.port()), ("pbx.example.com", DEFAULT_TLS_PORT));
    /// assert!(config.is_tls());
    ///
    /// let err = Config::from_lookup(|name| (name == "AMI_PORT").then(|| "http".to_string())).unwrap_err();
    /// assert_eq!(err.variable, "AMI_PORT");
    /// # Ok::<(), ami_core::EnvError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, EnvError> {
        let host = get(&lookup, HOST).unwrap_or_else(|| "127.0.0.1".into());
        let tls = match get(&lookup, TLS) {
            None => false,
            Some(v) => parse_bool(v.as_bytes()).ok_or_else(|| {
                EnvError::invalid(TLS, format!("{v:?} is not a boolean: use 1 or 0 (true/false, yes/no, on/off)"))
            })?,
        };
        let port = match get(&lookup, PORT) {
            None if tls => DEFAULT_TLS_PORT,
            None => DEFAULT_PORT,
            Some(v) => match v.trim().parse::<u16>() {
                Ok(p) if p > 0 => p,
                _ => return Err(EnvError::invalid(PORT, format!("{v:?} is not a port number (1-65535)"))),
            },
        };
        let mut config = Config::new(host, port);
        if tls {
            let mut settings = TlsConfig::new();
            if let Some(ca) = get(&lookup, CA_FILE) {
                settings = settings.ca_file(ca);
            }
            config = config.tls(settings);
        }
        Ok(config)
    }
}

impl Login {
    /// The login that the `AMI_*` environment variables describe: plain
    /// (not MD5), receiving every event the user may read.
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `AMI_USER` | the manager user (required) |
    /// | `AMI_SECRET` | the secret |
    /// | `AMI_SECRET_FILE` | a file whose first line is the secret (a trailing CR is dropped) |
    ///
    /// Exactly one of `AMI_SECRET` and `AMI_SECRET_FILE` must be set. The
    /// secret never appears in an error or in `Debug` output.
    pub fn from_env() -> Result<Login, EnvError> {
        Login::from_lookup(process_env)
    }

    /// [`Login::from_env`] with the variables looked up by `lookup`.
    ///
    /// ```
    /// use ami_core::Login;
    /// let vars = [("AMI_USER", "admin"), ("AMI_SECRET", "s3cret")];
    /// let login = Login::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))?;
    /// assert_eq!(login.username(), "admin");
    /// assert!(!format!("{login:?}").contains("s3cret"));
    ///
    /// let err = Login::from_lookup(|name| (name == "AMI_USER").then(|| "admin".to_string())).unwrap_err();
    /// assert_eq!((err.variable, err.missing), ("AMI_SECRET", true));
    /// # Ok::<(), ami_core::EnvError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Login, EnvError> {
        let user = get(&lookup, USER).ok_or_else(|| EnvError::missing(USER, "not set (the manager user)"))?;
        let secret = match (get(&lookup, SECRET), get(&lookup, SECRET_FILE)) {
            (Some(_), Some(_)) => {
                return Err(EnvError::invalid(SECRET_FILE, format!("{SECRET} is set too: set only one of them")));
            }
            (Some(secret), None) => secret,
            (None, Some(file)) => read_secret_file(Path::new(&file))?,
            (None, None) => {
                return Err(EnvError::missing(SECRET, format!("not set, nor {SECRET_FILE} (a file holding it)")));
            }
        };
        Ok(Login::new(user, secret))
    }
}

/// The first line of the file, without its line end.
fn read_secret_file(path: &Path) -> Result<String, EnvError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| EnvError::invalid(SECRET_FILE, format!("cannot read {}: {e}", path.display())))?;
    let first = text.lines().next().unwrap_or_default();
    if first.is_empty() {
        return Err(EnvError::invalid(SECRET_FILE, format!("the first line of {} is empty", path.display())));
    }
    Ok(first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn config_defaults_and_values() {
        let c = Config::from_lookup(vars(&[])).unwrap();
        assert_eq!((c.host(), c.port(), c.is_tls()), ("127.0.0.1", DEFAULT_PORT, false));
        let c = Config::from_lookup(vars(&[("AMI_HOST", ""), ("AMI_PORT", ""), ("AMI_CA_FILE", "/ca.pem")])).unwrap();
        assert_eq!((c.host(), c.port(), c.is_tls()), ("127.0.0.1", DEFAULT_PORT, false));
        let c = Config::from_lookup(vars(&[("AMI_TLS", "yes"), ("AMI_CA_FILE", "/ca.pem"), ("AMI_PORT", " 7000 ")]))
            .unwrap();
        assert_eq!(c.port(), 7000);
        assert_eq!(c.tls.as_ref().unwrap().ca_files(), [std::path::PathBuf::from("/ca.pem")]);
        let c = Config::from_lookup(vars(&[("AMI_TLS", "off")])).unwrap();
        assert!(!c.is_tls());
    }

    #[test]
    fn config_errors_name_the_variable() {
        for (pairs, variable) in [
            (&[("AMI_PORT", "http")][..], PORT),
            (&[("AMI_PORT", "0")][..], PORT),
            (&[("AMI_PORT", "70000")][..], PORT),
            (&[("AMI_TLS", "maybe")][..], TLS),
        ] {
            let pairs: &'static [(&str, &str)] = Box::leak(pairs.to_vec().into_boxed_slice());
            let e = Config::from_lookup(vars(pairs)).unwrap_err();
            assert_eq!((e.variable, e.missing), (variable, false), "{e}");
            assert!(e.to_string().starts_with(variable), "{e}");
        }
    }

    #[test]
    fn login_from_secret_or_file() {
        let l = Login::from_lookup(vars(&[("AMI_USER", "admin"), ("AMI_SECRET", "s3cret")])).unwrap();
        assert_eq!(l, Login::new("admin", "s3cret"));
        let e = Login::from_lookup(vars(&[("AMI_SECRET", "s3cret")])).unwrap_err();
        assert_eq!((e.variable, e.missing), (USER, true));
        let e = Login::from_lookup(vars(&[("AMI_USER", "admin"), ("AMI_SECRET", "")])).unwrap_err();
        assert_eq!((e.variable, e.missing), (SECRET, true));

        let dir = std::env::temp_dir().join(format!("ami-core-env-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, "from-file\r\nsecond line\n").unwrap();
        let path: &'static str = Box::leak(file.display().to_string().into_boxed_str());
        let with_file: &'static [(&str, &str)] =
            Box::leak(vec![("AMI_USER", "admin"), ("AMI_SECRET_FILE", path)].into_boxed_slice());
        assert_eq!(Login::from_lookup(vars(with_file)).unwrap(), Login::new("admin", "from-file"));
        let both: &'static [(&str, &str)] = Box::leak(
            vec![("AMI_USER", "admin"), ("AMI_SECRET", "s3cret"), ("AMI_SECRET_FILE", path)].into_boxed_slice(),
        );
        let e = Login::from_lookup(vars(both)).unwrap_err();
        assert_eq!(e.variable, SECRET_FILE);
        assert!(!format!("{e} {e:?}").contains("s3cret") && !format!("{e:?}").contains("from-file"), "{e:?}");
        std::fs::write(&file, "\nlater").unwrap();
        let e = Login::from_lookup(vars(with_file)).unwrap_err();
        assert!(e.reason.contains("empty"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
        let e = Login::from_lookup(vars(with_file)).unwrap_err();
        assert!(e.reason.contains("cannot read"), "{e}");
    }
}
