//! Worst cases within the input limit, shared by tests/input_cost.rs and
//! benches/input_cost.rs: a validly signed key package with the longest lists the
//! reader takes, and a Welcome with as many `secrets[]` as it allows.
//! Needs `crate::rules_common` beside it.

use mls_lab::inspect::structure::{MAX_LIST_ITEMS, MAX_WELCOME_SECRETS};
use openmls::prelude::Ciphersuite;
use tls_codec::{Serialize as _, VLBytes};

use crate::rules_common::{encode, Identity, KeyPackageFields};

fn vl(bytes: &[u8]) -> Vec<u8> {
    VLBytes::new(bytes.to_vec())
        .tls_serialize_detached()
        .expect("a vector encodes")
}

/// A validly signed key package of about `size` bytes with the longest
/// capabilities list the reader takes, as many leaf extensions, each listed, and
/// the rest in the credential's identity.
pub fn worst_key_package(size: usize) -> Vec<u8> {
    let carol = Identity::new("carol");
    let mut fields = KeyPackageFields::parse(&encode(&carol.key_package(
        Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        false,
    )));
    let count = MAX_LIST_ITEMS - 4;
    let payload = vec![0x5a; size / 2 / count];
    let (mut listed, mut extensions) = (fields.leaf.capabilities[2].clone(), Vec::new());
    for i in 0..count {
        // Unknown, non-GREASE types (RFC 9420 §13.5), each listed in the capabilities.
        let extension_type = 0x1000u16 + i as u16;
        listed.extend(extension_type.to_be_bytes());
        extensions.extend(extension_type.to_be_bytes());
        extensions.extend(vl(&payload));
    }
    fields.leaf.capabilities[2] = listed;
    fields.leaf.extensions = extensions;
    fields.leaf.identity = vec![b'c'; size / 2];
    fields.resign(&carol.signer);
    fields.encode()
}

/// A Welcome (`MLSMessage`, RFC 9420 §12.4.3.1) of about `size` bytes with one
/// `secrets[]` entry per 100 bytes up to the reader's bound, none for a lab client,
/// and the rest in `encrypted_group_info`.
pub fn worst_welcome(size: usize) -> Vec<u8> {
    let count = (size / 100).min(MAX_WELCOME_SECRETS);
    let mut secrets = Vec::new();
    for i in 0..count {
        let mut new_member = [0u8; 32];
        new_member[..8].copy_from_slice(&(i as u64).to_be_bytes());
        secrets.extend(vl(&new_member));
        secrets.extend(vl(&[7u8; 32]));
        secrets.extend(vl(&[9u8; 32]));
    }
    let rest = size.saturating_sub(secrets.len());
    let mut out = 1u16.to_be_bytes().to_vec(); // mls10
    out.extend(3u16.to_be_bytes()); // wire_format mls_welcome
    out.extend(1u16.to_be_bytes()); // cipher_suite 1
    out.extend(vl(&secrets));
    out.extend(vl(&vec![0u8; rest]));
    out
}
