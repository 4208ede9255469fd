//! One [`Change`] as SQL, with cached statements.

use rusqlite::{params, Connection};

use super::{schema, Change, StoreError};

/// SQLite integers are signed 64-bit; a larger value is refused, not wrapped.
pub(super) fn int(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange(value))
}

/// Applies one change; a change that finds nothing to change is an error, so
/// a DS core and its store cannot drift apart unnoticed.
pub(super) fn apply(connection: &Connection, change: &Change) -> Result<(), StoreError> {
    let changed = match change {
        Change::AddClient {
            client,
            token_digest,
        } => connection
            .prepare_cached("INSERT INTO clients (client, token_digest) VALUES (?1, ?2)")?
            .execute(params![client.as_bytes(), &token_digest.0[..]])?,
        Change::AddSignatureKey { client, key } => connection
            .prepare_cached("INSERT OR IGNORE INTO signature_keys (client, key) VALUES (?1, ?2)")?
            .execute(params![client.as_bytes(), key])?
            .max(1),
        Change::SetCounters {
            client,
            claims,
            last_resort_reuses,
        } => connection
            .prepare_cached(
                "UPDATE clients SET claims = ?2, last_resort_reuses = ?3 WHERE client = ?1",
            )?
            .execute(params![
                client.as_bytes(),
                int(*claims)?,
                int(*last_resort_reuses)?
            ])?,
        Change::AddKeyPackage(package) => {
            connection
                .prepare_cached("INSERT INTO key_package_refs (kp_ref, owner) VALUES (?1, ?2)")?
                .execute(params![package.kp_ref, package.owner.as_bytes()])?;
            connection
                .prepare_cached(
                    "INSERT INTO directory (kp_ref, owner, ciphersuite, last_resort, \
                     not_before, not_after, handouts, bytes) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    package.kp_ref,
                    package.owner.as_bytes(),
                    package.ciphersuite,
                    package.last_resort,
                    int(package.not_before)?,
                    int(package.not_after)?,
                    int(package.handouts)?,
                    package.bytes,
                ])?
        }
        Change::SetHandouts { kp_ref, handouts } => connection
            .prepare_cached("UPDATE directory SET handouts = ?2 WHERE kp_ref = ?1")?
            .execute(params![kp_ref, int(*handouts)?])?,
        Change::RemoveKeyPackage { kp_ref } => connection
            .prepare_cached("DELETE FROM directory WHERE kp_ref = ?1")?
            .execute(params![kp_ref])?,
        Change::Deliver(delivery) => connection
            .prepare_cached(
                "INSERT INTO mailbox (id, recipient, sender, kind, group_id, bytes, \
                 misbehaving, held_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                int(delivery.id)?,
                delivery.recipient.as_bytes(),
                delivery.sender.as_ref().map(|s| s.as_bytes()),
                delivery.kind.code(),
                delivery.group_id,
                delivery.bytes,
                delivery.misbehaving,
                delivery.held_by,
            ])?,
        Change::RemoveDelivery { id } => connection
            .prepare_cached("DELETE FROM mailbox WHERE id = ?1")?
            .execute(params![int(*id)?])?,
        Change::ReleaseDelivery { id } => connection
            .prepare_cached(
                "UPDATE mailbox SET held_by = NULL WHERE id = ?1 AND held_by IS NOT NULL",
            )?
            .execute(params![int(*id)?])?,
        Change::AddGroup { group_id, label } => connection
            .prepare_cached("INSERT INTO groups (group_id, label) VALUES (?1, ?2)")?
            .execute(params![group_id, label])?,
        Change::AddGroupMember { group_id, member } => connection
            .prepare_cached(
                "INSERT OR IGNORE INTO group_members (group_id, member) VALUES (?1, ?2)",
            )?
            .execute(params![group_id, member.as_bytes()])?
            .max(1),
        Change::SetGroupEpoch { group_id, epoch } => connection
            .prepare_cached("UPDATE groups SET epoch = ?2 WHERE group_id = ?1")?
            .execute(params![group_id, int(*epoch)?])?,
        Change::SetPolicy {
            name,
            value: Some(value),
        } => connection
            .prepare_cached("INSERT OR REPLACE INTO policies (name, value) VALUES (?1, ?2)")?
            .execute(params![name, value])?,
        Change::SetPolicy { name, value: None } => connection
            .prepare_cached("DELETE FROM policies WHERE name = ?1")?
            .execute(params![name])?
            .max(1),
        Change::SetFault { name, fault } => connection
            .prepare_cached(
                "INSERT OR REPLACE INTO faults (name, active, hits) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![name, fault.active, int(fault.hits)?])?,
        Change::RecordClaim(claim) => connection
            .prepare_cached("INSERT INTO claims (claimer, owner, at) VALUES (?1, ?2, ?3)")?
            .execute(params![
                claim.claimer,
                claim.owner.as_bytes(),
                int(claim.at)?
            ])?,
        Change::ForgetClaimsBefore { at } => connection
            .prepare_cached("DELETE FROM claims WHERE at < ?1")?
            .execute(params![int(*at)?])?
            .max(1),
        Change::Reset => {
            connection.execute_batch(schema::RESET)?;
            1
        }
    };
    if changed == 0 {
        return Err(StoreError::NothingToChange(format!("{change:?}")));
    }
    Ok(())
}
