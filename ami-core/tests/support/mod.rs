//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod ami;
pub mod certs;
pub mod transcript;
