//! MLS Onboarding Lab: the onboarding half of MLS (RFC 9420) made visible with real
//! OpenMLS clients and an in-process Delivery Service.
//!
//! The modules are layers: each uses only those listed before it
//! (`tests/architecture.rs` checks it).
//!
//! - [`domain`]: leaf values every layer stands on: the key package reference,
//!   ciphersuites, lab time, the DS's faults, names and input text.
//! - [`inspect`]: key packages and Welcomes from anywhere, field by field, with the
//!   receiver's checks. No terminal code.
//! - [`engine`]: clients, the DS task, groups, the event log; one method per verb.
//!   No terminal code, no parser.
//! - [`command`]: the one command vocabulary: its parser, running a line on the
//!   engine, `expect` checks, steps, and the shipped scenarios.
//! - [`explain`]: why each event and error happens (`mls-lab explain`, the why pane).
//! - [`runner`]: the headless scenario runner behind `mls-lab run`.
//! - [`worker`]: the engine on its own thread, reached by requests and reports.
//! - [`app`]: UI state and `update`, pure and testable without a terminal; where
//!   panels go ([`app::layout`]) and the settings.
//! - [`ui`]: drawing from the state (`impl Widget for &App`) and the palettes.
//! - [`terminal`]: the terminal: setup, restore, the event loop, recording, and the
//!   signals that end, stop or continue the lab, none leaving the terminal raw.
//! - [`serve`]: the DS as a network server for a room of labs (`mls-lab serve`).
//! - [`room`]: the teacher's screen of `mls-lab serve`: its state from the
//!   server's events and the DS's directory, and its drawing.
//! - [`cli`]: the command line: the parser and one file per subcommand.

pub mod app;
pub mod cli;
pub mod command;
pub mod domain;
pub mod engine;
pub mod explain;
pub mod inspect;
pub mod room;
pub mod runner;
pub mod serve;
pub mod terminal;
pub mod ui;
pub mod worker;
