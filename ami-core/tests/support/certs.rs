//! Test certificates made at test time.
