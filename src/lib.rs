//! MLS Onboarding Lab: the onboarding half of MLS (RFC 9420) made visible with real
//! OpenMLS clients and an in-process Delivery Service.
//!
//! - [`engine`]: clients, the DS task, groups, the event log. No terminal code.
//! - [`command`]: the one command vocabulary and its parser.
//! - [`runner`]: the headless scenario runner behind `mls-lab run`.

pub mod command;
pub mod engine;
pub mod runner;
