//! The terminal: the event loop that feeds the app and draws the UI ([`tui`]),
//! and `--record FILE.cast`, the session as an asciicast v2 recording
//! ([`record`]).

pub mod record;
pub mod tui;
