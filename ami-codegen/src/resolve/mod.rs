//! Post-parse passes, one concern each: includes ([`xinclude`]), snapshot
//! macros ([`snapshots`]), duplicates and releases ([`merge`]), numbered
//! parameters ([`numbered`]).

pub mod merge;
pub mod numbered;
pub mod snapshots;
pub mod xinclude;
