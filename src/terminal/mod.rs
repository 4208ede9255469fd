//! The terminal: the event loop that feeds the app and draws the UI ([`tui`]),
//! and `--record FILE.cast`, the session as an asciicast v2 recording
//! ([`record`]), and the signals that end, stop or continue the lab, none leaving
//! the terminal raw ([`signals`]); the teacher's screen of `mls-lab serve`
//! ([`room`]), with the same restore and signals.

pub mod record;
pub mod room;
pub mod signals;
pub mod tui;
