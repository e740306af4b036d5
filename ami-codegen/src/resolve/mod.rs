//! Post-parse passes, one concern each: includes ([`xinclude`]), snapshot
//! macros ([`snapshots`]), duplicates and releases ([`merge`]).

pub mod merge;
pub mod snapshots;
pub mod xinclude;
