//! Reading the whole state back at start-up, in the orders the DS relies on.

use std::collections::BTreeMap;

use rusqlite::{Connection, Row};

use super::*;
use crate::serve::service::ClientId;

fn client_id(bytes: Vec<u8>) -> Result<ClientId, StoreError> {
    ClientId::new(bytes).map_err(|error| StoreError::Corrupt(error.to_string()))
}

fn unsigned(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value}")))
}

/// Runs `sql` and maps every row, with the store's errors.
fn rows<T>(
    connection: &Connection,
    sql: &str,
    mut map: impl FnMut(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = connection.prepare(sql)?;
    let mut rows = statement.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

pub(super) fn load(connection: &Connection) -> Result<StoredState, StoreError> {
    let mut keys: BTreeMap<ClientId, Vec<Vec<u8>>> = BTreeMap::new();
    for (client, key) in rows(
        connection,
        "SELECT client, key FROM signature_keys",
        |row| Ok((client_id(row.get(0)?)?, row.get::<_, Vec<u8>>(1)?)),
    )? {
        keys.entry(client).or_default().push(key);
    }
    let clients = rows(
        connection,
        "SELECT client, token_digest, claims, last_resort_reuses FROM clients ORDER BY rowid",
        |row| {
            let client = client_id(row.get(0)?)?;
            let digest: Vec<u8> = row.get(1)?;
            let digest = <[u8; 32]>::try_from(digest)
                .map_err(|_| StoreError::Corrupt("a token digest is not 32 bytes".into()))?;
            Ok(StoredClient {
                signature_keys: keys.remove(&client).unwrap_or_default(),
                client,
                token_digest: TokenDigest(digest),
                claims: unsigned(row.get(2)?)?,
                last_resort_reuses: unsigned(row.get(3)?)?,
            })
        },
    )?;
    let references = rows(
        connection,
        "SELECT kp_ref, owner FROM key_package_refs",
        |row| Ok((row.get(0)?, client_id(row.get(1)?)?)),
    )?
    .into_iter()
    .collect();
    let directory = rows(
        connection,
        "SELECT kp_ref, owner, ciphersuite, last_resort, not_before, not_after, handouts, bytes \
         FROM directory ORDER BY rowid",
        |row| {
            Ok(StoredKeyPackage {
                kp_ref: row.get(0)?,
                owner: client_id(row.get(1)?)?,
                ciphersuite: row.get(2)?,
                last_resort: row.get(3)?,
                not_before: unsigned(row.get(4)?)?,
                not_after: unsigned(row.get(5)?)?,
                handouts: unsigned(row.get(6)?)?,
                bytes: row.get(7)?,
            })
        },
    )?;
    let mail = rows(
        connection,
        "SELECT id, recipient, sender, kind, group_id, bytes, misbehaving, held_by \
         FROM mailbox ORDER BY id",
        |row| {
            let kind: i64 = row.get(3)?;
            Ok(StoredDelivery {
                id: unsigned(row.get(0)?)?,
                recipient: client_id(row.get(1)?)?,
                sender: row
                    .get::<_, Option<Vec<u8>>>(2)?
                    .map(client_id)
                    .transpose()?,
                kind: DeliveryKind::from_code(kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("delivery kind {kind}")))?,
                group_id: row.get(4)?,
                bytes: row.get(5)?,
                misbehaving: row.get(6)?,
                held_by: row.get(7)?,
            })
        },
    )?;
    let mut groups: BTreeMap<Vec<u8>, StoredGroup> = BTreeMap::new();
    for (group_id, label, epoch) in rows(
        connection,
        "SELECT group_id, label, epoch FROM groups",
        |row| {
            Ok((
                row.get::<_, Vec<u8>>(0)?,
                row.get(1)?,
                row.get::<_, Option<i64>>(2)?,
            ))
        },
    )? {
        let epoch = epoch.map(unsigned).transpose()?;
        groups.insert(
            group_id,
            StoredGroup {
                label,
                epoch,
                ..StoredGroup::default()
            },
        );
    }
    for (group_id, member) in rows(
        connection,
        "SELECT group_id, member FROM group_members",
        |row| Ok((row.get::<_, Vec<u8>>(0)?, client_id(row.get(1)?)?)),
    )? {
        if let Some(group) = groups.get_mut(&group_id) {
            group.members.insert(member);
        }
    }
    let policies = rows(connection, "SELECT name, value FROM policies", |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?
    .into_iter()
    .collect();
    let faults = rows(connection, "SELECT name, active, hits FROM faults", |row| {
        let fault = StoredFault {
            active: row.get(1)?,
            hits: unsigned(row.get(2)?)?,
        };
        Ok((row.get(0)?, fault))
    })?
    .into_iter()
    .collect();
    let claims = rows(
        connection,
        "SELECT claimer, owner, at FROM claims ORDER BY at, rowid",
        |row| {
            Ok(StoredClaim {
                claimer: row.get(0)?,
                owner: client_id(row.get(1)?)?,
                at: unsigned(row.get(2)?)?,
            })
        },
    )?;
    Ok(StoredState {
        clients,
        references,
        directory,
        mail,
        groups,
        policies,
        faults,
        claims,
    })
}
