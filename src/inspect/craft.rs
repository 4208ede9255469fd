//! Crafted key packages: one deliberate change to a valid package, then both
//! signatures made again with the owner's key (RFC 9420 §5.1.2 `SignWithLabel`:
//! the leaf over `LeafNodeTBS`, then the package over `KeyPackageTBS`), or left
//! as they were so that they no longer verify. Each [`Kind`] probes one rule.

use openmls_traits::signatures::Signer;
use tls_codec::VLBytes;

use super::checks::sign_content;
use super::model::{Extension, KeyPackage};
use super::names;

/// A private-use extension type (RFC 9420 §17.3 reserves 0xf000 to 0xffff):
/// one no registry will ever name.
pub const PRIVATE_EXTENSION: u16 = 0xf000;

/// Where a GREASE value or an extension goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `KeyPackage.extensions`.
    KeyPackage,
    /// `leaf_node.extensions`.
    Leaf,
    /// `capabilities.cipher_suites`.
    Suites,
    /// `capabilities.extensions`.
    ExtensionTypes,
    /// `capabilities.proposals`.
    Proposals,
    /// `capabilities.credentials`.
    Credentials,
}

/// One of the keys a key package carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Init,
    Encryption,
    Signature,
}

/// The deliberate change, and the rule it probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No change: the package as OpenMLS built it, signed again (a control).
    Plain,
    /// The lifetime set to these Unix times (RFC 9420 §7.3, §10.1; the DS's maximum).
    Lifetime { not_before: u64, not_after: u64 },
    /// A GREASE value (RFC 9420 §13.5) at `place`; an extension is listed in the
    /// capabilities too, as the RFC asks of any extension.
    Grease { place: Place, value: u16 },
    /// An extension of this type at `place` (the package's or the leaf's), left
    /// out of the capabilities (RFC 9420 §7.3, §10.1).
    UnlistedExtension { place: Place, extension_type: u16 },
    /// The credential's type left out of the capabilities.
    UnlistedCredential,
    /// `init_key` = the leaf's `encryption_key` (RFC 9420 §10.1).
    InitIsEncryptionKey,
    /// Two extensions of one (listed) type at `place`.
    DuplicateExtension { place: Place },
    /// Another protocol version (RFC 9420 §10.1: mls10).
    Version(u16),
    /// A P-256 key as a compressed point (RFC 9420 §5.1.1, RFC 9180 §7.1.1).
    CompressedKey(Key),
    /// The LastResort extension without the capability: OpenMLS's own example.
    NoLastResortCapability,
}

/// Why a change cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CraftError {
    #[error("{0}")]
    NotApplicable(String),
    #[error("cannot encode the crafted package: {0}")]
    Encode(String),
    #[error("cannot sign the crafted package: {0}")]
    Sign(String),
}

impl Kind {
    /// The name `craft` takes.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Lifetime { .. } => "lifetime",
            Self::Grease { .. } => "grease",
            Self::UnlistedExtension { .. } => "unlisted-extension",
            Self::UnlistedCredential => "unlisted-credential",
            Self::InitIsEncryptionKey => "init-is-encryption-key",
            Self::DuplicateExtension { .. } => "duplicate-extension",
            Self::Version(_) => "version",
            Self::CompressedKey(_) => "compressed-key",
            Self::NoLastResortCapability => "no-last-resort-capability",
        }
    }
}

fn extension(extension_type: u16) -> Extension {
    Extension {
        extension_type,
        extension_data: VLBytes::new(Vec::new()),
    }
}

fn listed(list: &mut Vec<u16>, value: u16) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// `04 || x || y` as `02|03 || x` (SEC 1 §2.3.3).
fn compress(point: &[u8]) -> Result<Vec<u8>, CraftError> {
    match point {
        [0x04, rest @ ..] if rest.len() % 2 == 0 && !rest.is_empty() => {
            let (x, y) = rest.split_at(rest.len() / 2);
            let parity = y.last().map_or(0, |b| b & 1);
            let mut out = vec![0x02 | parity];
            out.extend_from_slice(x);
            Ok(out)
        }
        _ => Err(CraftError::NotApplicable(
            "compressed-key needs an uncompressed elliptic-curve point: use --suite 2 (P-256)"
                .into(),
        )),
    }
}

/// Makes the change `kind` on `package` (signatures untouched).
pub fn apply(package: &mut KeyPackage, kind: Kind) -> Result<(), CraftError> {
    let content = &mut package.content;
    let leaf = &mut content.leaf_node.content;
    let extensions_of = |place: Place| -> Result<(), CraftError> {
        match place {
            Place::KeyPackage | Place::Leaf => Ok(()),
            Place::Suites | Place::ExtensionTypes | Place::Proposals | Place::Credentials => Err(
                CraftError::NotApplicable("an extension goes into key-package or leaf".into()),
            ),
        }
    };
    match kind {
        Kind::Plain => {}
        Kind::Lifetime {
            not_before,
            not_after,
        } => {
            leaf.not_before = not_before;
            leaf.not_after = not_after;
        }
        Kind::Grease { place, value } => {
            if !names::is_grease(value) {
                return Err(CraftError::NotApplicable(format!(
                    "0x{value:04x} is not a GREASE value (RFC 9420 §13.5: 0x0a0a, 0x1a1a, … 0xeaea)"
                )));
            }
            let caps = &mut leaf.capabilities;
            match place {
                Place::Suites => caps.cipher_suites.push(value),
                Place::ExtensionTypes => caps.extensions.push(value),
                Place::Proposals => caps.proposals.push(value),
                Place::Credentials => caps.credentials.push(value),
                Place::KeyPackage => {
                    listed(&mut caps.extensions, value);
                    content.extensions.push(extension(value));
                }
                Place::Leaf => {
                    listed(&mut caps.extensions, value);
                    leaf.extensions.push(extension(value));
                }
            }
        }
        Kind::UnlistedExtension {
            place,
            extension_type,
        } => {
            extensions_of(place)?;
            leaf.capabilities
                .extensions
                .retain(|t| *t != extension_type);
            match place {
                Place::Leaf => leaf.extensions.push(extension(extension_type)),
                _ => content.extensions.push(extension(extension_type)),
            }
        }
        Kind::UnlistedCredential => {
            let kind = leaf.credential_type;
            leaf.capabilities.credentials.retain(|t| *t != kind);
        }
        Kind::InitIsEncryptionKey => content.init_key = leaf.encryption_key.clone(),
        Kind::DuplicateExtension { place } => {
            extensions_of(place)?;
            listed(&mut leaf.capabilities.extensions, PRIVATE_EXTENSION);
            let list = match place {
                Place::Leaf => &mut leaf.extensions,
                _ => &mut content.extensions,
            };
            list.push(extension(PRIVATE_EXTENSION));
            list.push(extension(PRIVATE_EXTENSION));
        }
        Kind::Version(version) => content.version = version,
        Kind::CompressedKey(key) => {
            let slot = match key {
                Key::Init => &mut content.init_key,
                Key::Encryption => &mut leaf.encryption_key,
                Key::Signature => &mut leaf.signature_key,
            };
            *slot = VLBytes::new(compress(slot.as_slice())?);
        }
        Kind::NoLastResortCapability => {
            leaf.capabilities
                .extensions
                .retain(|t| *t != names::EXTENSION_LAST_RESORT);
            content
                .extensions
                .push(extension(names::EXTENSION_LAST_RESORT));
        }
    }
    Ok(())
}

/// `SignWithLabel(signer, label, content)` (RFC 9420 §5.1.2).
fn sign_with_label(
    signer: &impl Signer,
    label: &str,
    content: &[u8],
) -> Result<VLBytes, CraftError> {
    let data = sign_content(label, content)
        .ok_or_else(|| CraftError::Encode("the signed content".into()))?;
    signer
        .sign(&data)
        .map(VLBytes::new)
        .map_err(|e| CraftError::Sign(format!("{e:?}")))
}

/// Flips the low bit of the package signature's last byte: a signature that
/// does not verify, whatever else changed.
pub fn break_signature(package: &mut KeyPackage) {
    let mut bytes = package.signature.as_slice().to_vec();
    if let Some(last) = bytes.last_mut() {
        *last ^= 0x01;
    }
    package.signature = VLBytes::new(bytes);
}

/// Signs the leaf (`LeafNodeTBS`), then the package (`KeyPackageTBS`), again.
pub fn sign(package: &mut KeyPackage, signer: &impl Signer) -> Result<(), CraftError> {
    let encode = |e: tls_codec::Error| CraftError::Encode(e.to_string());
    let leaf_tbs = package.leaf_tbs().map_err(encode)?;
    package.content.leaf_node.signature = sign_with_label(signer, "LeafNodeTBS", &leaf_tbs)?;
    let tbs = package.tbs().map_err(encode)?;
    package.signature = sign_with_label(signer, "KeyPackageTBS", &tbs)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_compresses_by_the_parity_of_y() {
        let mut point = vec![0x04];
        point.extend([7u8; 32]);
        point.extend([0u8; 31]);
        point.push(3);
        let compressed = compress(&point).unwrap_or_default();
        assert_eq!(compressed.len(), 33);
        assert_eq!(compressed[0], 0x03);
        assert!(compress(&[1u8; 32]).is_err(), "an Ed25519 key is no point");
    }
}
