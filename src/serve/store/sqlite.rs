//! The SQLite store: a file in WAL mode (or `:memory:`), the schema, and a
//! group of change sets committed in one transaction, each set in its own
//! savepoint so a failing set leaves no trace while the others commit.

use std::path::PathBuf;

use rusqlite::Connection;

use super::{schema, Change, DsStore, StoreError, StoredState};

/// Where the store lives (`--db FILE`, or `--db :memory:` for nowhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorePath {
    File(PathBuf),
    InMemory,
}

impl StorePath {
    /// `--db`'s argument: `:memory:` (SQLite's own name for it) or a file.
    pub fn parse(argument: &str) -> Self {
        match argument {
            ":memory:" => StorePath::InMemory,
            file => StorePath::File(PathBuf::from(file)),
        }
    }
}

/// What a commit survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: the WAL is fsynced at every commit, so a commit
    /// survives the machine losing power.
    PowerLoss,
    /// `synchronous=NORMAL`: a commit is in the operating system when it
    /// returns, so it survives the server being killed (SIGKILL), not a
    /// power cut.
    ProcessCrash,
}

/// The DS's state in SQLite.
pub struct SqliteStore {
    connection: Connection,
}

impl SqliteStore {
    pub fn open(path: &StorePath, durability: Durability) -> Result<Self, StoreError> {
        let connection = match path {
            StorePath::File(file) => Connection::open(file)?,
            StorePath::InMemory => Connection::open_in_memory()?,
        };
        if let StorePath::File(_) = path {
            // WAL: one fsync per commit, readers never block the writer.
            let mode: String =
                connection.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Sqlite(format!(
                    "journal_mode is {mode}, not wal"
                )));
            }
        }
        let synchronous = match durability {
            Durability::PowerLoss => "FULL",
            Durability::ProcessCrash => "NORMAL",
        };
        connection.execute_batch(&format!(
            "PRAGMA synchronous={synchronous};
             PRAGMA foreign_keys=ON;
             PRAGMA busy_timeout=5000;
             PRAGMA temp_store=MEMORY;"
        ))?;
        let store = Self { connection };
        store.migrate()?;
        Ok(store)
    }

    /// Creates the schema in a new database; refuses one of another version.
    fn migrate(&self) -> Result<(), StoreError> {
        let version: i64 = self
            .connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))?;
        match version {
            0 => {
                let tx = self.connection.unchecked_transaction()?;
                tx.execute_batch(schema::CREATE)?;
                tx.pragma_update(None, "user_version", schema::VERSION)?;
                tx.commit()?;
                Ok(())
            }
            schema::VERSION => Ok(()),
            found => Err(StoreError::SchemaVersion {
                found,
                expected: schema::VERSION,
            }),
        }
    }

    #[cfg(test)]
    pub(super) fn connection(&self) -> &Connection {
        &self.connection
    }
}

impl DsStore for SqliteStore {
    fn load(&mut self) -> Result<StoredState, StoreError> {
        super::load::load(&self.connection)
    }

    fn commit_group(
        &mut self,
        change_sets: &[&[Change]],
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let mut tx = self.connection.transaction()?;
        let mut results = Vec::with_capacity(change_sets.len());
        for changes in change_sets {
            let savepoint = tx.savepoint()?;
            let applied = changes
                .iter()
                .try_for_each(|change| super::apply::apply(&savepoint, change));
            match applied {
                Ok(()) => {
                    savepoint.commit()?;
                    results.push(Ok(()));
                }
                // Dropping the savepoint rolls this set back, and only it.
                Err(error) => {
                    drop(savepoint);
                    results.push(Err(error));
                }
            }
        }
        tx.commit()?;
        Ok(results)
    }
}
