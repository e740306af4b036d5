//! A fast hasher for the live state's own tables.
//!
//! Their keys are uniqueids, which Asterisk makes (`1700000000.42`): no
//! caller picks them, so the tables need no defence against chosen
//! collisions, and the standard SipHash costs more than the rest of a
//! look-up. This is FxHash (rustc's): a rotate, a xor and a multiply per
//! eight bytes.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`FxHasher`]s.
pub type FxBuild = BuildHasherDefault<FxHasher>;

/// FxHash (see the module).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        // The bytes left, last byte lowest: a multiply carries a difference
        // only upwards, so the bytes that vary (the end of a uniqueid) go
        // where they reach every bit. One load of the last eight bytes
        // (overlapping the word before) when there are eight.
        if let Some(last) = bytes.last_chunk::<8>().filter(|_| !rest.is_empty()) {
            self.add(u64::from_be_bytes(*last));
        } else if !rest.is_empty() {
            self.add(rest.iter().fold(0, |w, &b| w << 8 | u64::from(b)));
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    /// The multiply leaves its best bits at the top; the table picks its
    /// bucket from the bottom ones.
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn keys_that_differ_hash_apart_and_equal_keys_alike() {
        let b = FxBuild::default();
        let ids: Vec<String> = (0..10_000).map(|i| format!("1700000000.{i}")).collect();
        let mut buckets = std::collections::HashSet::new();
        for id in &ids {
            assert_eq!(b.hash_one(id.as_str()), b.hash_one(id.clone()));
            buckets.insert(b.hash_one(id.as_str()) & 0x3fff);
        }
        // 10,000 keys in 16,384 buckets: about 7,000 buckets if spread.
        assert!(buckets.len() > 6_000, "{} buckets", buckets.len());
    }
}
