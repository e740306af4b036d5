//! SIGINT and SIGTERM end `ami events` like `--count` and `--duration` do:
//! the stream stops, what was left unprinted is counted and reported, and
//! the exit status says so. A second signal of the same kind kills as usual
//! (so a stuck `ami` still dies on the second Ctrl-C).
//!
//! No crate dependency: the C library's `signal` and `raise` are declared
//! here (the standard library links the C library on every Unix). Their
//! numbers, SIGINT 2 and SIGTERM 15, are the same on every Unix. Elsewhere
//! nothing is installed and the signals keep their default action.

use std::sync::atomic::{AtomicI32, Ordering};

/// The first signal received (0: none).
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// The signal that asked to stop, by name, if one did.
pub fn requested() -> Option<&'static str> {
    match RECEIVED.load(Ordering::Relaxed) {
        0 => None,
        imp::SIGINT => Some("SIGINT"),
        _ => Some("SIGTERM"),
    }
}

/// Catches SIGINT and SIGTERM from now on, unless they are ignored (a
/// background job started with them ignored keeps ignoring them).
pub fn install() {
    imp::install();
}

#[cfg(unix)]
mod imp {
    use std::os::raw::c_int;
    use std::sync::atomic::Ordering;

    pub const SIGINT: c_int = 2;
    const SIGTERM: c_int = 15;
    /// `SIG_DFL` and `SIG_IGN` as `sighandler_t` values.
    const SIG_DFL: usize = 0;
    const SIG_IGN: usize = 1;

    extern "C" {
        // `sighandler_t signal(int, sighandler_t)`: a handler is a function
        // pointer or one of the small constants above, all pointer-sized.
        fn signal(signum: c_int, handler: usize) -> usize;
        fn raise(sig: c_int) -> c_int;
    }

    /// Records the first signal; on the second, restores the default action
    /// and raises it again. Only async-signal-safe calls.
    extern "C" fn on_signal(sig: c_int) {
        if super::RECEIVED.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst).is_err() {
            // SAFETY: `signal` and `raise` are async-signal-safe (POSIX); the
            // signal is blocked while this handler runs, so it is delivered,
            // with its default action, when the handler returns.
            unsafe {
                signal(sig, SIG_DFL);
                raise(sig);
            }
        }
    }

    pub fn install() {
        let handler = on_signal as extern "C" fn(c_int) as usize;
        for sig in [SIGINT, SIGTERM] {
            // SAFETY: installs a handler that only touches an atomic (and
            // calls async-signal-safe functions); `signal` on glibc, musl and
            // the BSDs restarts interrupted system calls, so the standard
            // library's I/O is not disturbed.
            unsafe {
                if signal(sig, handler) == SIG_IGN {
                    signal(sig, SIG_IGN);
                }
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub const SIGINT: i32 = 2;

    pub fn install() {}
}
