//! A key package as the lab's own TLS types (RFC 9420 §10 `KeyPackage`, §7.2
//! `LeafNode`, with a basic credential and a `key_package` leaf), encoded with
//! tls_codec: what `craft` changes and signs again, field by field, where
//! OpenMLS's builder would refuse to make the package at all.

use tls_codec::{Serialize as _, TlsDeserialize, TlsSerialize, TlsSize, VLBytes};

/// `Extension` (RFC 9420 §7.2).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct Extension {
    pub extension_type: u16,
    pub extension_data: VLBytes,
}

/// `Capabilities` (RFC 9420 §7.2).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct Capabilities {
    pub versions: Vec<u16>,
    pub cipher_suites: Vec<u16>,
    pub extensions: Vec<u16>,
    pub proposals: Vec<u16>,
    pub credentials: Vec<u16>,
}

/// `LeafNodeTBS` of a `key_package` leaf: the leaf without its signature.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct LeafNodeContent {
    pub encryption_key: VLBytes,
    pub signature_key: VLBytes,
    pub credential_type: u16,
    /// A basic credential's identity.
    pub identity: VLBytes,
    pub capabilities: Capabilities,
    /// `key_package` (1): the lifetime follows.
    pub leaf_node_source: u8,
    pub not_before: u64,
    pub not_after: u64,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct LeafNode {
    pub content: LeafNodeContent,
    pub signature: VLBytes,
}

/// `KeyPackageTBS`: the key package without its signature.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct KeyPackageContent {
    pub version: u16,
    pub cipher_suite: u16,
    pub init_key: VLBytes,
    pub leaf_node: LeafNode,
    pub extensions: Vec<Extension>,
}

/// `KeyPackage` (RFC 9420 §10).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct KeyPackage {
    pub content: KeyPackageContent,
    pub signature: VLBytes,
}

impl KeyPackage {
    /// The encoded `KeyPackage`.
    pub fn encode(&self) -> Result<Vec<u8>, tls_codec::Error> {
        self.tls_serialize_detached()
    }

    /// `KeyPackageTBS`, as its signature covers it.
    pub fn tbs(&self) -> Result<Vec<u8>, tls_codec::Error> {
        self.content.tls_serialize_detached()
    }

    /// `LeafNodeTBS`, as the leaf's signature covers it (source key_package:
    /// no group id or leaf index, RFC 9420 §7.2).
    pub fn leaf_tbs(&self) -> Result<Vec<u8>, tls_codec::Error> {
        self.content.leaf_node.content.tls_serialize_detached()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tls_codec::Deserialize as _;

    #[test]
    fn a_package_encodes_back_to_the_same_bytes() {
        let extension = Extension {
            extension_type: 0x000a,
            extension_data: VLBytes::new(Vec::new()),
        };
        let package = KeyPackage {
            content: KeyPackageContent {
                version: 1,
                cipher_suite: 1,
                init_key: VLBytes::new(vec![1; 32]),
                leaf_node: LeafNode {
                    content: LeafNodeContent {
                        encryption_key: VLBytes::new(vec![2; 32]),
                        signature_key: VLBytes::new(vec![3; 32]),
                        credential_type: 1,
                        identity: VLBytes::new(b"bob".to_vec()),
                        capabilities: Capabilities {
                            versions: vec![1],
                            cipher_suites: vec![1],
                            extensions: vec![0x000a],
                            proposals: vec![],
                            credentials: vec![1],
                        },
                        leaf_node_source: 1,
                        not_before: 5,
                        not_after: 6,
                        extensions: vec![],
                    },
                    signature: VLBytes::new(vec![4; 64]),
                },
                extensions: vec![extension],
            },
            signature: VLBytes::new(vec![5; 64]),
        };
        let bytes = package.encode().unwrap_or_default();
        let back = KeyPackage::tls_deserialize_exact(&bytes);
        assert_eq!(back.ok(), Some(package.clone()));
        // The reader of `inspect` reads the same structure.
        let mut reader = crate::inspect::reader::Reader::new(&bytes);
        let (parts, _) =
            crate::inspect::structure::key_package(&mut reader).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parts.extensions, [0x000a]);
        assert_eq!(parts.lifetime, Some((5, 6)));
        assert_eq!(parts.tbs, package.tbs().unwrap_or_default());
        assert_eq!(parts.leaf_tbs, package.leaf_tbs().unwrap_or_default());
    }
}
