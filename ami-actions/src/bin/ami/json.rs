//! JSON output: the library's one encoder ([`ami_actions::json`]), under
//! the names the subcommands use.

pub use ami_actions::json::write_message as push_message;
pub use ami_actions::json::write_str as push_str;
pub use ami_actions::json::write_str_array as push_str_array;
pub use ami_actions::json::LINES_KEY as BARE_LINES_KEY;
