//! Capped, jittered exponential backoff between reconnect attempts.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How long to wait between reconnect attempts: `initial`, doubling up to
/// `max`, each delay picked at random between half and all of its nominal
/// value so that many clients cut off together do not return together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Nominal delay before the first attempt.
    pub initial: Duration,
    /// Ceiling of the nominal delay.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { initial: Duration::from_millis(500), max: Duration::from_secs(30) }
    }
}

impl Backoff {
    /// The delay before attempt `attempt` (0-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let nominal = self.initial.saturating_mul(1u32 << attempt.min(20)).min(self.max);
        let half = nominal / 2;
        half + half.mul_f64(random_unit())
    }
}

/// A number in `[0, 1)`, different on every call (std only: a freshly
/// seeded hasher).
fn random_unit() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u8(0);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_stay_capped_and_jitter() {
        let b = Backoff { initial: Duration::from_millis(100), max: Duration::from_secs(1) };
        for attempt in 0..40 {
            let nominal = (Duration::from_millis(100) * 2u32.pow(attempt.min(10))).min(Duration::from_secs(1));
            let d = b.delay(attempt);
            assert!(d >= nominal / 2 && d <= nominal, "attempt {attempt}: {d:?} vs {nominal:?}");
        }
        let samples: std::collections::HashSet<_> = (0..20).map(|_| b.delay(5)).collect();
        assert!(samples.len() > 1, "jitter varies the delay");
    }
}
