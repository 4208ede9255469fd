//! The SQLite schema, versioned by `PRAGMA user_version`.

/// The schema this build reads and writes.
pub const VERSION: i64 = 1;

/// Creates every table of [`VERSION`] in an empty database.
pub const CREATE: &str = "
CREATE TABLE clients (
    client BLOB NOT NULL UNIQUE,
    token_digest BLOB NOT NULL,
    claims INTEGER NOT NULL DEFAULT 0,
    last_resort_reuses INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE signature_keys (
    client BLOB NOT NULL REFERENCES clients(client) ON DELETE CASCADE,
    key BLOB NOT NULL,
    PRIMARY KEY (client, key)
) WITHOUT ROWID;
-- Every reference ever accepted: routes Welcomes after the package left.
CREATE TABLE key_package_refs (
    kp_ref BLOB PRIMARY KEY,
    owner BLOB NOT NULL REFERENCES clients(client) ON DELETE CASCADE
) WITHOUT ROWID;
-- The rowid keeps upload order.
CREATE TABLE directory (
    kp_ref BLOB NOT NULL UNIQUE REFERENCES key_package_refs(kp_ref) ON DELETE CASCADE,
    owner BLOB NOT NULL,
    ciphersuite INTEGER NOT NULL,
    last_resort INTEGER NOT NULL,
    not_before INTEGER NOT NULL,
    not_after INTEGER NOT NULL,
    handouts INTEGER NOT NULL,
    bytes BLOB NOT NULL
);
CREATE INDEX directory_by_owner ON directory(owner, ciphersuite, last_resort);
CREATE TABLE mailbox (
    id INTEGER PRIMARY KEY,
    recipient BLOB NOT NULL REFERENCES clients(client) ON DELETE CASCADE,
    sender BLOB,
    kind INTEGER NOT NULL,
    group_id BLOB NOT NULL,
    bytes BLOB NOT NULL,
    misbehaving INTEGER NOT NULL,
    held_by TEXT
);
CREATE INDEX mailbox_by_recipient ON mailbox(recipient, id);
CREATE TABLE groups (
    group_id BLOB PRIMARY KEY,
    label TEXT NOT NULL,
    epoch INTEGER
) WITHOUT ROWID;
CREATE TABLE group_members (
    group_id BLOB NOT NULL REFERENCES groups(group_id) ON DELETE CASCADE,
    member BLOB NOT NULL,
    PRIMARY KEY (group_id, member)
) WITHOUT ROWID;
CREATE TABLE policies (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE faults (
    name TEXT PRIMARY KEY,
    active INTEGER NOT NULL,
    hits INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE claims (
    claimer TEXT NOT NULL,
    owner BLOB NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX claims_by_time ON claims(at);
";

/// Empties every table (`Change::Reset`), children before parents.
pub const RESET: &str = "
DELETE FROM claims;
DELETE FROM faults;
DELETE FROM policies;
DELETE FROM group_members;
DELETE FROM groups;
DELETE FROM mailbox;
DELETE FROM directory;
DELETE FROM key_package_refs;
DELETE FROM signature_keys;
DELETE FROM clients;
";
