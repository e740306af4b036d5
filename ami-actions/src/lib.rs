//! Typed AMI actions and events (work in progress); re-exports [`ami_core`].
pub use ami_core::*;
