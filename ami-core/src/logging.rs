//! Optional logging through the `log` facade (feature `log`).
//!
//! Only action names, ActionIDs, user names and error texts are logged:
//! never header values, so never a `Secret` or `Key`.

/// Logs at the given level when the `log` feature is on; otherwise only
/// type-checks its arguments.
macro_rules! ami_log {
    ($level:ident, $($arg:tt)+) => {{
        #[cfg(feature = "log")]
        log::$level!(target: "ami", $($arg)+);
        #[cfg(not(feature = "log"))]
        let _ = format_args!($($arg)+);
    }};
}

pub(crate) use ami_log;
