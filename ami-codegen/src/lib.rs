//! Generator of AMI types (work in progress).

pub mod extract;
