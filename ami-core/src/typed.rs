//! Helpers that generated event and action types call (filled in by the generator work).
