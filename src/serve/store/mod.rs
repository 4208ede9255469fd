//! The DS's durable state: SQLite in WAL mode behind the [`DsStore`] trait,
//! written by one thread with group commit ([`GroupCommit`]).
//!
//! # Design
//!
//! The DS's core keeps its state in memory and answers from it; every request
//! that changes it produces [`Change`]s, which the core submits (in its own
//! order) to the group commit writer and awaits before it answers. So a
//! request is acknowledged only once its change is durable, and a server
//! killed at any moment restarts from the store ([`DsStore::load`]) having
//! lost no acknowledged request. Reads wait on [`GroupCommit::barrier`] so no
//! answer shows state that is not yet durable.
//!
//! One fsync per request would cap a disk at a few hundred requests a second;
//! the writer instead commits every change set that queued up while the
//! previous transaction was committing, in one transaction, each set in its
//! own savepoint (all or none per request), and acknowledges them together.
//!
//! # Why rusqlite (with `bundled`)
//!
//! The writer is one thread doing short synchronous transactions; rusqlite is a
//! thin, well-kept binding that lets it hold one connection, cache its
//! statements and control transactions and savepoints exactly. sqlx's SQLite
//! driver would put its own worker thread and a pool behind an async API we do
//! not need, with more to compile. `bundled` compiles SQLite from source with
//! the C compiler every Rust CI has, so a clean machine needs no system
//! libsqlite3 and every machine runs the same SQLite version.

mod apply;
mod group_commit;
mod load;
mod schema;
mod sqlite;
#[cfg(test)]
mod tests;

pub use crate::engine::ds::stored::{
    Change, DeliveryKind, StoredClaim, StoredClient, StoredDelivery, StoredFault, StoredGroup,
    StoredKeyPackage, StoredState, TokenDigest,
};
pub use group_commit::{CommitStats, GroupCommit, GroupCommitConfig};
pub use sqlite::{Durability, SqliteStore, StorePath};

/// Why the store could not do what it was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(String),
    #[error("the database has schema version {found}; this build reads {expected}")]
    SchemaVersion { found: i64, expected: i64 },
    #[error("the database holds a value this build cannot read: {0}")]
    Corrupt(String),
    #[error("{0} does not fit SQLite's 64-bit signed integers")]
    OutOfRange(u64),
    /// The DS's core and its store disagree: the change finds nothing to change.
    #[error("nothing to change: {0}")]
    NothingToChange(String),
    #[error("the store's writer has stopped")]
    WriterGone,
    /// A transaction failed; nothing is acknowledged until a restart reloads.
    #[error("an earlier commit failed; the DS must restart from its store")]
    Poisoned,
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Sqlite(error.to_string())
    }
}

/// Where the DS's state lives. Synchronous: one writer thread drives it.
pub trait DsStore: Send + 'static {
    /// The whole state, as committed.
    fn load(&mut self) -> Result<StoredState, StoreError>;

    /// Commits `change_sets` in one transaction, each all or none; answers each
    /// set's own result. An `Err` means the transaction itself failed and none
    /// of them is durable.
    fn commit_group(
        &mut self,
        change_sets: &[&[Change]],
    ) -> Result<Vec<Result<(), StoreError>>, StoreError>;
}
