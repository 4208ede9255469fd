//! The MLS structures `inspect` reads (RFC 9420 §6 `MLSMessage`, §10 `KeyPackage`,
//! §7.2 `LeafNode`, §12.4.3.1 `Welcome`), walked field by field into a [`Field`]
//! tree, with the parts the checks need kept aside.
//!
//! Every list has a bound ([`MAX_LIST_ITEMS`], [`MAX_WELCOME_SECRETS`]): a
//! structure over it is refused here, before OpenMLS decodes anything, so the
//! work and memory of reading, checking and importing stay proportional to the
//! input (docs/exploratory-testing.md, "No input can crash it").

use super::names;
use super::reader::{number, Field, Reader};
use super::InspectError;
use crate::domain::KeyPackageRef;

/// The most items any capabilities list, extension list or certificate chain
/// may hold. Each registry behind these lists (RFC 9420 §17) has a few dozen
/// values at most, GREASE included, and a real key package lists fewer than
/// twenty; a list of a thousand is refused as [`InspectError::TooMany`].
pub const MAX_LIST_ITEMS: usize = 1_024;

/// The most `secrets[]` a Welcome may hold: new members added by one Commit.
/// Ten times the thousand-member Welcome the 16 MiB input limit was sized for.
pub const MAX_WELCOME_SECRETS: usize = 10_000;

/// What a key package's checks need: values and the byte spans that are signed
/// or hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPackageParts {
    pub version: u16,
    pub suite: u16,
    pub init_key: Vec<u8>,
    pub encryption_key: Vec<u8>,
    pub signature_key: Vec<u8>,
    pub credential_type: u16,
    pub capabilities: Capabilities,
    /// `(not_before, not_after)` when the leaf's source is `key_package`.
    pub lifetime: Option<(u64, u64)>,
    pub leaf_node_source: u8,
    pub leaf_extensions: Vec<u16>,
    pub extensions: Vec<u16>,
    /// The whole encoded `KeyPackage` (the input of its reference, RFC 9420 §5.2).
    pub encoded: Vec<u8>,
    /// `KeyPackageTBS`: everything before the key package's signature.
    pub tbs: Vec<u8>,
    pub signature: Vec<u8>,
    /// `LeafNodeTBS` for a `key_package` leaf: the leaf without its signature.
    pub leaf_tbs: Vec<u8>,
    pub leaf_signature: Vec<u8>,
}

/// The lists a leaf declares it supports (RFC 9420 §7.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub versions: Vec<u16>,
    pub suites: Vec<u16>,
    pub extensions: Vec<u16>,
    pub proposals: Vec<u16>,
    pub credentials: Vec<u16>,
}

/// One entry of a Welcome's `secrets[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretParts {
    pub new_member: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WelcomeParts {
    pub suite: u16,
    pub secrets: Vec<SecretParts>,
}

/// How a registry names its values: the meaning alone, and the value in words.
type Naming = (fn(u16) -> String, fn(u16) -> String);

const VERSION: Naming = (names::version_meaning, names::version);
const SUITE: Naming = (names::suite_meaning, names::suite);
const EXTENSION: Naming = (names::extension_meaning, names::extension);
const PROPOSAL: Naming = (names::proposal_meaning, names::proposal);
const CREDENTIAL: Naming = (names::credential_meaning, names::credential);
const WIRE_FORMAT: Naming = (names::wire_format_meaning, names::wire_format);

fn u16_field(r: &mut Reader, name: &str, naming: Naming) -> Result<(u16, Field), InspectError> {
    let (v, at) = r.u16(name)?;
    let (meaning, shown) = naming;
    let field = r.field(|| number(name, at, 2, v.into(), Some(meaning(v)), shown(v)));
    Ok((v, field))
}

fn u16_list(
    r: &mut Reader,
    name: &str,
    item: &'static str,
    naming: Naming,
) -> Result<(Vec<u16>, Field), InspectError> {
    r.vector(name, MAX_LIST_ITEMS, |r| u16_field(r, item, naming))
}

/// `Extension extensions<V>`: the types and the field.
fn extensions(r: &mut Reader, name: &str) -> Result<(Vec<u16>, Field), InspectError> {
    r.vector(name, MAX_LIST_ITEMS, |r| {
        let start = r.position();
        let (kind, kind_field) = u16_field(r, "extension_type", EXTENSION)?;
        let (_, data) = r.opaque("extension_data")?;
        let field = r.field(|| Field {
            value: Some(names::extension(kind)),
            ..Field::group("extension", start, r.position(), vec![kind_field, data])
        });
        Ok((kind, field))
    })
}

fn capabilities(r: &mut Reader) -> Result<(Capabilities, Field), InspectError> {
    let start = r.position();
    let (versions, f1) = u16_list(r, "versions", "version", VERSION)?;
    let (suites, f2) = u16_list(r, "cipher_suites", "cipher_suite", SUITE)?;
    let (extensions, f3) = u16_list(r, "extensions", "extension_type", EXTENSION)?;
    let (proposals, f4) = u16_list(r, "proposals", "proposal_type", PROPOSAL)?;
    let (credentials, f5) = u16_list(r, "credentials", "credential_type", CREDENTIAL)?;
    let caps = Capabilities {
        versions,
        suites,
        extensions,
        proposals,
        credentials,
    };
    let field = r.field(|| {
        Field::group(
            "capabilities",
            start,
            r.position(),
            vec![f1, f2, f3, f4, f5],
        )
    });
    Ok((caps, field))
}

/// `Credential` (RFC 9420 §5.3): the type, then its body.
fn credential(r: &mut Reader) -> Result<(u16, Field), InspectError> {
    let start = r.position();
    let (kind, kind_field) = u16_field(r, "credential_type", CREDENTIAL)?;
    let body = match kind {
        names::CREDENTIAL_BASIC => {
            let (identity, field) = r.opaque("identity")?;
            r.field(|| Field {
                value: Some(names::identity(identity)),
                text: std::str::from_utf8(identity).ok().map(str::to_string),
                ..field
            })
        }
        names::CREDENTIAL_X509 => {
            r.vector("certificates", MAX_LIST_ITEMS, |r| {
                Ok(((), r.opaque("cert_data")?.1))
            })?
            .1
        }
        // Other types have no layout in RFC 9420; OpenMLS reads them as opaque<V>.
        _other => r.opaque("credential_data")?.1,
    };
    let field = r.field(|| Field::group("credential", start, r.position(), vec![kind_field, body]));
    Ok((kind, field))
}

/// A `KeyPackage` (RFC 9420 §10) from the reader's position.
pub fn key_package(r: &mut Reader) -> Result<(KeyPackageParts, Field), InspectError> {
    let start = r.position();
    let (version, f_version) = u16_field(r, "version", VERSION)?;
    let (suite, f_suite) = u16_field(r, "cipher_suite", SUITE)?;
    let (init_key, f_init) = r.opaque("init_key")?;

    let leaf_start = r.position();
    let (encryption_key, f_enc) = r.opaque("encryption_key")?;
    let (signature_key, f_sig_key) = r.opaque("signature_key")?;
    let (credential_type, f_cred) = credential(r)?;
    let (capabilities, f_caps) = capabilities(r)?;
    let (source, at) = r.u8("leaf_node_source")?;
    let f_source = r.field(|| {
        number(
            "leaf_node_source",
            at,
            1,
            source.into(),
            Some(names::leaf_source_meaning(source)),
            names::leaf_source(source),
        )
    });
    let mut leaf_fields = r.field_list(|| vec![f_enc, f_sig_key, f_cred, f_caps, f_source]);
    let mut lifetime = None;
    match source {
        names::SOURCE_KEY_PACKAGE => {
            let life_start = r.position();
            let (not_before, a) = r.u64("not_before")?;
            let (not_after, b) = r.u64("not_after")?;
            lifetime = Some((not_before, not_after));
            let f_lifetime = r.field(|| {
                Field::group(
                    "lifetime",
                    life_start,
                    r.position(),
                    vec![
                        time_field("not_before", a, not_before),
                        time_field("not_after", b, not_after),
                    ],
                )
            });
            leaf_fields.push(f_lifetime);
        }
        names::SOURCE_UPDATE => {}
        names::SOURCE_COMMIT => leaf_fields.push(r.opaque("parent_hash")?.1),
        other => {
            return Err(InspectError::Unexpected {
                offset: at,
                what: "leaf_node_source".into(),
                detail: format!("{other} is not a leaf node source (1, 2 or 3)"),
            })
        }
    }
    let (leaf_extensions, f_leaf_ext) = extensions(r, "extensions")?;
    leaf_fields.push(f_leaf_ext);
    let leaf_tbs_end = r.position();
    let (leaf_signature, f_leaf_sig) = r.opaque("signature")?;
    leaf_fields.push(f_leaf_sig);
    let f_leaf = r.field(|| Field::group("leaf_node", leaf_start, r.position(), leaf_fields));

    let (extensions, f_ext) = extensions(r, "extensions")?;
    let tbs_end = r.position();
    let (signature, f_sig) = r.opaque("signature")?;
    let end = r.position();
    let parts = KeyPackageParts {
        version,
        suite,
        init_key: init_key.to_vec(),
        encryption_key: encryption_key.to_vec(),
        signature_key: signature_key.to_vec(),
        credential_type,
        capabilities,
        lifetime,
        leaf_node_source: source,
        leaf_extensions,
        extensions,
        encoded: r.span(start, end).to_vec(),
        tbs: r.span(start, tbs_end).to_vec(),
        signature: signature.to_vec(),
        leaf_tbs: r.span(leaf_start, leaf_tbs_end).to_vec(),
        leaf_signature: leaf_signature.to_vec(),
    };
    let field = r.field(|| {
        let children = vec![f_version, f_suite, f_init, f_leaf, f_ext, f_sig];
        Field::group("KeyPackage", start, end, children)
    });
    Ok((parts, field))
}

/// A `Welcome` (RFC 9420 §12.4.3.1) from the reader's position.
pub fn welcome(r: &mut Reader) -> Result<(WelcomeParts, Field), InspectError> {
    let start = r.position();
    let (suite, f_suite) = u16_field(r, "cipher_suite", SUITE)?;
    let (secrets, f_secrets) = r.vector("secrets", MAX_WELCOME_SECRETS, |r| {
        let at = r.position();
        let (new_member, f_member) = r.opaque("new_member")?;
        let cipher_start = r.position();
        let (_, f_kem) = r.opaque("kem_output")?;
        let (_, f_ct) = r.opaque("ciphertext")?;
        let cipher_end = r.position();
        let part = SecretParts {
            new_member: new_member.to_vec(),
        };
        let field = r.field(|| {
            let f_member = Field {
                value: Some(format!(
                    "KeyPackageRef {}",
                    KeyPackageRef::from_bytes(new_member)
                )),
                ..f_member
            };
            let f_cipher = Field::group(
                "encrypted_group_secrets",
                cipher_start,
                cipher_end,
                vec![f_kem, f_ct],
            );
            Field::group(
                "EncryptedGroupSecrets",
                at,
                cipher_end,
                vec![f_member, f_cipher],
            )
        });
        Ok((part, field))
    })?;
    let (_, f_info) = r.opaque("encrypted_group_info")?;
    let parts = WelcomeParts { suite, secrets };
    let field = r.field(|| {
        Field::group(
            "Welcome",
            start,
            r.position(),
            vec![f_suite, f_secrets, f_info],
        )
    });
    Ok((parts, field))
}

/// The `MLSMessage` header (RFC 9420 §6): version and wire format.
pub fn message_header(r: &mut Reader) -> Result<(u16, Vec<Field>), InspectError> {
    let (version, f_version) = u16_field(r, "version", VERSION)?;
    let (wire_format, f_wire) = u16_field(r, "wire_format", WIRE_FORMAT)?;
    if version != names::MLS10 {
        return Err(InspectError::Unexpected {
            offset: 0,
            what: "version".into(),
            detail: format!("{version} is not mls10 (1)"),
        });
    }
    Ok((wire_format, vec![f_version, f_wire]))
}

fn time_field(name: &str, at: usize, secs: u64) -> Field {
    number(
        name,
        at,
        8,
        secs,
        Some(names::time_meaning(secs)),
        names::time(secs),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::{model, reader};
    use tls_codec::VLBytes;

    fn package() -> Vec<u8> {
        let extension = |extension_type| model::Extension {
            extension_type,
            extension_data: VLBytes::new(vec![7; 3]),
        };
        let leaf = model::LeafNodeContent {
            encryption_key: VLBytes::new(vec![2; 32]),
            signature_key: VLBytes::new(vec![3; 32]),
            credential_type: names::CREDENTIAL_BASIC,
            identity: VLBytes::new(b"bob".to_vec()),
            capabilities: model::Capabilities {
                versions: vec![1],
                cipher_suites: vec![1, 3],
                extensions: vec![0x000a, 0x0a0a],
                proposals: vec![0x000b],
                credentials: vec![1],
            },
            leaf_node_source: names::SOURCE_KEY_PACKAGE,
            not_before: 5,
            not_after: 6,
            extensions: vec![extension(0x0a0a)],
        };
        let package = model::KeyPackage {
            content: model::KeyPackageContent {
                version: 1,
                cipher_suite: 1,
                init_key: VLBytes::new(vec![1; 32]),
                leaf_node: model::LeafNode {
                    content: leaf,
                    signature: VLBytes::new(vec![4; 64]),
                },
                extensions: vec![extension(0x000a)],
            },
            signature: VLBytes::new(vec![5; 64]),
        };
        package.encode().unwrap_or_default()
    }

    fn read(reader: Reader) -> Result<(KeyPackageParts, Field, usize), InspectError> {
        let mut reader = reader;
        let (parts, field) = key_package(&mut reader)?;
        Ok((parts, field, reader.position()))
    }

    /// The first field named `name` under the field named `parent`.
    fn under<'t>(tree: &'t Field, parent: &str, name: &str) -> &'t Field {
        tree.find(parent)
            .and_then(|p| p.find(name))
            .unwrap_or_else(|| panic!("{parent}.{name} in {tree:?}"))
    }

    #[test]
    fn the_recording_reader_says_where_each_field_is_and_what_it_holds_in_words() {
        let bytes = package();
        let (_, tree, _) = read(Reader::new(&bytes)).unwrap_or_else(|e| panic!("{e}"));
        // version (2 bytes), cipher_suite (2), then init_key: a 1-byte length and 32 bytes.
        let version = under(&tree, "KeyPackage", "version");
        assert_eq!((version.offset, version.len), (0, 2));
        assert_eq!(version.value, Some(names::version(1)));
        assert_eq!(version.number, Some(1));
        assert_eq!(version.meaning, Some(names::version_meaning(1)));
        let init_key = under(&tree, "KeyPackage", "init_key");
        assert_eq!((init_key.offset, init_key.len), (4, 33));
        assert_eq!(init_key.value, Some(reader::bytes_value(&[1; 32])));
        assert_eq!(init_key.hex, Some(hex::encode([1; 32])));
        let suites = under(&tree, "capabilities", "cipher_suites");
        assert_eq!((suites.len, suites.count), (5, Some(2)));
        assert_eq!(suites.value.as_deref(), Some("2 item(s)"));
        let identity = under(&tree, "credential", "identity");
        assert_eq!(identity.value, Some(names::identity(b"bob")));
        let extension = under(&tree, "leaf_node", "extension");
        assert_eq!(extension.value, Some(names::extension(0x0a0a)));
        let leaf_source = under(&tree, "leaf_node", "leaf_node_source");
        assert_eq!(leaf_source.value, Some(names::leaf_source(1)));
    }

    #[test]
    fn a_welcomes_new_member_is_named_as_a_reference() {
        // cipher_suite 1; secrets<V> of one entry: new_member<V> (4 bytes),
        // kem_output<V> (1), ciphertext<V> (1); encrypted_group_info<V> (1).
        let entry = [&[4, 9, 9, 9, 9][..], &[1, 7], &[1, 8]].concat();
        let bytes = [&[0, 1, entry.len() as u8][..], &entry, &[1, 6]].concat();
        for reader in [Reader::new(&bytes), Reader::parts_only(&bytes)] {
            let mut reader = reader;
            let (parts, _) = welcome(&mut reader).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                parts.secrets,
                [SecretParts {
                    new_member: vec![9; 4]
                }]
            );
            assert!(reader.is_empty());
        }
        let (_, tree) = welcome(&mut Reader::new(&bytes)).unwrap_or_else(|e| panic!("{e}"));
        let member = under(&tree, "EncryptedGroupSecrets", "new_member");
        let named = format!("KeyPackageRef {}", KeyPackageRef::from_bytes([9; 4]));
        assert_eq!(member.value, Some(named));
        let secrets = under(&tree, "Welcome", "secrets");
        assert_eq!((secrets.offset, secrets.count), (2, Some(1)));
    }

    #[test]
    fn the_parts_only_reader_finds_the_same_parts_and_errors_without_a_tree() {
        let bytes = package();
        let (parts, tree, end) = read(Reader::new(&bytes)).unwrap_or_else(|e| panic!("{e}"));
        let (quick, none, quick_end) =
            read(Reader::parts_only(&bytes)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((&quick, quick_end), (&parts, end));
        assert_eq!(parts.leaf_extensions, [0x0a0a]);
        assert_eq!(
            tree.walk().len(),
            37,
            "the recording reader builds the tree"
        );
        let identity = tree
            .find("identity")
            .and_then(|field| field.text.as_deref());
        assert_eq!(identity, Some("bob"));
        assert_eq!(none, Field::default(), "the parts-only reader builds none");
        // Every cut and every changed byte gives both readers one verdict.
        for cut in 0..bytes.len() {
            let verdicts = [
                Reader::new(&bytes[..cut]),
                Reader::parts_only(&bytes[..cut]),
            ]
            .map(|reader| read(reader).map(|(parts, _, end)| (parts, end)));
            assert_eq!(verdicts[0], verdicts[1], "cut at {cut}");
        }
        for at in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] ^= 0xc1;
            let verdicts = [Reader::new(&changed), Reader::parts_only(&changed)]
                .map(|reader| read(reader).map(|(parts, _, end)| (parts, end)));
            assert_eq!(verdicts[0], verdicts[1], "byte {at} changed");
        }
    }
}
