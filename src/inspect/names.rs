//! The registered names of the numbers `inspect` shows (RFC 9420 §17 IANA
//! registries), so a field reads `2 (MLS_128_DHKEMP256_AES128GCM_SHA256_P256)`
//! rather than a bare number; the reserved GREASE values (RFC 9420 §13.5) read
//! as such, never as "unassigned".

use crate::domain::{self, Suite};

pub const MLS10: u16 = 1;
pub const CREDENTIAL_BASIC: u16 = 1;
pub const CREDENTIAL_X509: u16 = 2;
pub const SOURCE_KEY_PACKAGE: u8 = 1;
pub const SOURCE_UPDATE: u8 = 2;
pub const SOURCE_COMMIT: u8 = 3;
pub const WIRE_WELCOME: u16 = 3;
pub const WIRE_KEY_PACKAGE: u16 = 5;
/// The LastResort extension type (draft-ietf-mls-extensions; OpenMLS uses 0x000a).
pub const EXTENSION_LAST_RESORT: u16 = 0x000a;
/// The ApplicationId extension type, the one RFC 9420 registers for leaf nodes.
pub const EXTENSION_APPLICATION_ID: u16 = 0x0001;

/// Extension types RFC 9420 §7.2 says need not be listed in capabilities.
pub const DEFAULT_EXTENSIONS: [u16; 5] = [1, 2, 3, 4, 5];

/// The values RFC 9420 §13.5 reserves for GREASE in every registry of two-byte
/// values (cipher suites, extension, proposal and credential types).
pub const GREASE: [u16; 15] = [
    0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba,
    0xcaca, 0xdada, 0xeaea,
];

/// Whether `v` is one of the [`GREASE`] values.
pub fn is_grease(v: u16) -> bool {
    GREASE.contains(&v)
}

/// What a two-byte registry value means: its name, GREASE, or unassigned.
fn meaning(v: u16, name: Option<&str>) -> String {
    match name {
        Some(name) => name.to_string(),
        None if is_grease(v) => "GREASE, RFC 9420 §13.5".to_string(),
        None => "unassigned".to_string(),
    }
}

fn shown(value: impl std::fmt::Display, meaning: String) -> String {
    format!("{value} ({meaning})")
}

pub fn version_meaning(v: u16) -> String {
    meaning(v, (v == MLS10).then_some("mls10"))
}

pub fn version(v: u16) -> String {
    shown(v, version_meaning(v))
}

pub fn suite_meaning(v: u16) -> String {
    meaning(v, Suite::new(v).name())
}

pub fn suite(v: u16) -> String {
    shown(v, suite_meaning(v))
}

pub fn extension_meaning(v: u16) -> String {
    let name = match v {
        1 => Some("application_id"),
        2 => Some("ratchet_tree"),
        3 => Some("required_capabilities"),
        4 => Some("external_pub"),
        5 => Some("external_senders"),
        // RFC 9420 leaves last_resort to an extension draft; OpenMLS uses 0x000a.
        EXTENSION_LAST_RESORT => Some("last_resort"),
        _ => None,
    };
    meaning(v, name)
}

pub fn extension(v: u16) -> String {
    shown(format!("0x{v:04x}"), extension_meaning(v))
}

pub fn proposal_meaning(v: u16) -> String {
    let name = match v {
        1 => Some("add"),
        2 => Some("update"),
        3 => Some("remove"),
        4 => Some("psk"),
        5 => Some("reinit"),
        6 => Some("external_init"),
        7 => Some("group_context_extensions"),
        _ => None,
    };
    meaning(v, name)
}

pub fn proposal(v: u16) -> String {
    shown(v, proposal_meaning(v))
}

pub fn credential_meaning(v: u16) -> String {
    let name = match v {
        CREDENTIAL_BASIC => Some("basic"),
        CREDENTIAL_X509 => Some("x509"),
        _ => None,
    };
    meaning(v, name)
}

pub fn credential(v: u16) -> String {
    shown(v, credential_meaning(v))
}

pub fn wire_format_meaning(v: u16) -> String {
    let name = match v {
        1 => Some("mls_public_message"),
        2 => Some("mls_private_message"),
        WIRE_WELCOME => Some("mls_welcome"),
        4 => Some("mls_group_info"),
        WIRE_KEY_PACKAGE => Some("mls_key_package"),
        _ => None,
    };
    meaning(v, name)
}

pub fn wire_format(v: u16) -> String {
    shown(v, wire_format_meaning(v))
}

pub fn leaf_source_meaning(v: u8) -> String {
    match v {
        SOURCE_KEY_PACKAGE => "key_package",
        SOURCE_UPDATE => "update",
        SOURCE_COMMIT => "commit",
        _ => "unassigned",
    }
    .to_string()
}

pub fn leaf_source(v: u8) -> String {
    shown(v, leaf_source_meaning(v))
}

/// A Unix time's UTC date (how far it is from now is the lifetime check's job).
pub fn time_meaning(secs: u64) -> String {
    domain::utc(secs)
}

/// A Unix time with its UTC date.
pub fn time(secs: u64) -> String {
    format!("{secs} = {}", time_meaning(secs))
}

/// A basic credential's identity: its text when it is UTF-8 (control characters
/// escaped, since it comes from outside), and always its length.
pub fn identity(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => format!("{} bytes \"{}\"", bytes.len(), text.escape_debug()),
        Err(_) => super::reader::bytes_value(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lifetime's seconds read with their UTC date.
    #[test]
    fn a_time_reads_with_its_utc_date() {
        assert_eq!(time_meaning(0), domain::utc(0));
        assert!(
            time(86_400).starts_with("86400 = 1970-01-02"),
            "{}",
            time(86_400)
        );
    }

    #[test]
    fn numbers_read_with_their_registered_names() {
        assert_eq!(version(1), "1 (mls10)");
        assert_eq!(
            suite(3),
            "3 (MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519)"
        );
        assert_eq!(suite(0xf0f0), "61680 (unassigned)");
        assert_eq!(extension(10), "0x000a (last_resort)");
        assert_eq!(wire_format(5), "5 (mls_key_package)");
        assert_eq!(leaf_source(1), "1 (key_package)");
        assert_eq!(leaf_source(2), "2 (update)");
        assert_eq!(leaf_source(3), "3 (commit)");
        assert_eq!(leaf_source(0), "0 (unassigned)");
        let proposals: Vec<String> = (1..=8).map(proposal).collect();
        assert_eq!(
            proposals,
            [
                "1 (add)",
                "2 (update)",
                "3 (remove)",
                "4 (psk)",
                "5 (reinit)",
                "6 (external_init)",
                "7 (group_context_extensions)",
                "8 (unassigned)",
            ]
        );
    }

    /// Every GREASE value of RFC 9420 §13.5 reads as GREASE in every registry,
    /// and its neighbours do not.
    #[test]
    fn grease_values_are_named_as_such_not_unassigned() {
        for v in GREASE {
            for text in [suite(v), extension(v), credential(v), proposal(v)] {
                assert!(text.contains("GREASE, RFC 9420 §13.5"), "{text}");
                assert!(!text.contains("unassigned"), "{text}");
            }
        }
        assert_eq!(GREASE.len(), 15);
        assert!(!is_grease(0xfafa) && !is_grease(0x0a0b) && !is_grease(0x0b0a));
        assert!(extension(0x5a5a).starts_with("0x5a5a (GREASE"));
    }

    #[test]
    fn an_identity_from_outside_never_reaches_the_terminal_raw() {
        assert_eq!(identity(b"bob\x1b[2J"), "7 bytes \"bob\\u{1b}[2J\"");
        assert_eq!(identity(&[0xff, 0x00]), "2 bytes ff00");
    }
}
