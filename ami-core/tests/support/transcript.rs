//! Reads the raw transcripts in ../shared/spec-upstream/transcripts.
