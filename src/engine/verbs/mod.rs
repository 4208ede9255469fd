//! The engine's verbs: one method of [`Engine`](super::Engine) per verb of the
//! vocabulary, taking engine and domain values, grouped by what they act on. They
//! change the lab only through the methods of the engine's parts (the roster,
//! the event log, the group names, the Welcome archive, the pools) and the DS's
//! handle; the infrastructure they share (the wire, files) is the rest of the
//! engine.
//!
//! - `clients`: `clients NAME...`.
//! - `generate`: `generate`, `rotate-last-resort`, `delete-bundle`.
//! - `publish`: uploads to the DS ([`Publish`], [`Uploads`]).
//! - `claim`: taking others' key packages from the DS.
//! - `groups`: `create-group`, `add` (Commit + Welcome), `self-update`.
//! - `mailbox`: `peek`, `join`, `sync`, `deliver`: processing the DS mailbox.
//! - `pool`: keeping key packages at the DS (`NAME pool`).
//! - `ds`: the DS misbehaving on purpose, its faults and its claim limit.
//! - `clock`: `clock`, `clock +30d`, and the DS's purge of what expired.
//! - `exchange`: export to and import from files ([`Export`]).
//! - `craft`: key packages with one deliberate change, to files ([`Craft`]).

mod claim;
mod clients;
mod clock;
mod craft;
mod ds;
mod exchange;
mod generate;
mod groups;
mod mailbox;
mod pool;
mod publish;

pub use craft::Craft;
pub use ds::PolicyChange;
pub use exchange::{Export, ExportFormat};

pub use publish::{Publish, Uploads};
