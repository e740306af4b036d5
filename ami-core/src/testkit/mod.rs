//! A fake Asterisk manager server for tests (being written).
