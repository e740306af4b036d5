//! Generator of AMI types (work in progress).
