//! The directory on the wire: a client's key packages with their references, the
//! list of registered identities, and the one key package a consume hands out.

use openmls::prelude::KeyPackageIn;
use tls_codec::{TlsByteVecU8, TlsDeserialize, TlsSerialize, TlsSize, TlsVecU32};

use super::WireMessage;

/// One key package with the reference its client computed for it
/// (`(TlsByteVecU8, KeyPackageIn)` in ds-lib).
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct KeyPackageEntry {
    /// The client's `KeyPackageRef` (RFC 9420 §5.2), as it claims it.
    pub hash: TlsByteVecU8,
    pub key_package: KeyPackageIn,
}

impl KeyPackageEntry {
    pub fn new(hash: Vec<u8>, key_package: KeyPackageIn) -> Self {
        Self {
            hash: hash.into(),
            key_package,
        }
    }
}

/// A client's key packages: `U32<KeyPackageEntry>` (ds-lib's `ClientKeyPackages`).
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct ClientKeyPackages {
    pub entries: TlsVecU32<KeyPackageEntry>,
}

impl ClientKeyPackages {
    pub fn new(entries: Vec<KeyPackageEntry>) -> Self {
        Self {
            entries: entries.into(),
        }
    }
}

impl WireMessage for ClientKeyPackages {
    const NAME: &'static str = "ClientKeyPackages";
}

/// The registered identities: `U32<V<u8>>` (`TlsVecU32<Vec<u8>>` in the sample).
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct ClientList {
    pub identities: TlsVecU32<Vec<u8>>,
}

impl ClientList {
    pub fn new(identities: Vec<Vec<u8>>) -> Self {
        Self {
            identities: identities.into(),
        }
    }
}

impl WireMessage for ClientList {
    const NAME: &'static str = "ClientList";
}

/// The answer to a consume: one bare `KeyPackage`, not an `MLSMessage`.
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct ConsumedKeyPackage {
    pub key_package: KeyPackageIn,
}

impl WireMessage for ConsumedKeyPackage {
    const NAME: &'static str = "KeyPackage";
}

#[cfg(test)]
mod tests {
    use super::super::checks::*;
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn client_key_packages_are_a_u32_byte_length_then_u8_hash_and_key_package() {
        let alice = TestClient::new("alice");
        let (hash, key_package) = alice.key_package();
        let (hash2, key_package2) = alice.key_package();
        let value = ClientKeyPackages::new(vec![
            KeyPackageEntry::new(hash.clone(), key_package_in(&key_package)),
            KeyPackageEntry::new(hash2.clone(), key_package_in(&key_package2)),
        ]);
        let bytes = round_trips(&value);

        let (kp, kp2) = (bytes_of(&key_package), bytes_of(&key_package2));
        let content = 1 + 32 + kp.len() + 1 + 32 + kp2.len();
        let mut expected = (content as u32).to_be_bytes().to_vec();
        for (hash, kp) in [(&hash, &kp), (&hash2, &kp2)] {
            expected.push(32);
            expected.extend(hash);
            expected.extend(kp);
        }
        assert_eq!(bytes, expected);
        refuses_truncated_and_trailing::<ClientKeyPackages>(&bytes);
    }

    #[test]
    fn an_empty_directory_is_four_zero_bytes() {
        let bytes = round_trips(&ClientKeyPackages::new(Vec::new()));
        assert_eq!(bytes, [0, 0, 0, 0]);
    }

    #[test]
    fn a_client_list_is_a_u32_byte_length_of_variable_length_identities() {
        let value = ClientList::new(vec![b"alice".to_vec(), b"bob".to_vec()]);
        let bytes = round_trips(&value);
        let expected = [&[0, 0, 0, 10][..], &[5], b"alice", &[3], b"bob"].concat();
        assert_eq!(bytes, expected);
        refuses_truncated_and_trailing::<ClientList>(&bytes);
    }

    #[test]
    fn a_consumed_key_package_is_the_bare_key_package() {
        let (_, key_package) = TestClient::new("bob").key_package();
        let value = ConsumedKeyPackage {
            key_package: key_package_in(&key_package),
        };
        let bytes = round_trips(&value);
        assert_eq!(bytes, bytes_of(&key_package));
        // Bare: no MLSMessage header (version 1, wire format 5), the struct's
        // own version field first.
        assert_eq!(&bytes[..2], &[0x00, 0x01]);
        assert_ne!(&bytes[..4], &[0x00, 0x01, 0x00, 0x05]);
        refuses_truncated_and_trailing::<ConsumedKeyPackage>(&bytes);
    }
}
