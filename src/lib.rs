//! MLS Onboarding Lab: the onboarding half of MLS (RFC 9420) made visible with real
//! OpenMLS clients and an in-process Delivery Service.
//!
//! - [`engine`]: clients, the DS task, groups, the event log. No terminal code.
//! - [`inspect`]: key packages and Welcomes from anywhere, field by field, with the
//!   receiver's checks. No terminal code.
//! - [`command`]: the one command vocabulary and its parser.
//! - [`runner`]: the headless scenario runner behind `mls-lab run` and the replay tests.
//! - [`explain`]: why each event and error happens (`mls-lab explain`, the why pane).
//! - [`worker`]: the engine on its own thread, reached by requests and reports.
//! - [`app`]: UI state and `update`, pure and testable without a terminal.
//! - [`layout`], [`theme`]: where panels go and how they look; shared by `app` and `ui`.
//! - [`ui`]: drawing from the state (`impl Widget for &App`).
//! - [`tui`]: the terminal: setup, restore, the event loop.
//! - [`signals`]: the signals that end, stop or continue the lab, none leaving the
//!   terminal raw.
//! - [`record`]: `--record FILE.cast`, the session as an asciicast v2 recording.
//! - [`cli`]: the command line: the parser and one file per subcommand.

pub mod app;
pub mod cli;
pub mod command;
pub mod engine;
pub mod explain;
pub mod inspect;
pub mod layout;
pub mod record;
pub mod runner;
pub mod signals;
pub mod theme;
pub mod tui;
pub mod ui;
pub mod worker;
