//! The app and the UI against the real engine: key events in, state and rendered
//! frames out. Frames are rendered into ratatui's `TestBackend`; snapshots mask
//! every hex reference, key and timestamp (they differ on every run).
//!
//! One module per concern; `harness` holds what they share.

#[path = "../common/mod.rs"]
mod common;
mod harness;
#[path = "../hostile_support/mod.rs"]
mod hostile_support;

mod bundle;
mod declarations;
mod external;
mod faults;
mod follow;
mod groups;
mod hostile;
mod keys;
mod lessons;
mod mouse;
mod never_blocks;
mod present;
mod room;
mod screens;
mod session;
mod stage;
mod talk;
mod timeline;
mod why;
