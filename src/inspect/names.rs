//! The registered names of the numbers `inspect` shows (RFC 9420 §17 IANA
//! registries), so a field reads `2 (MLS_128_DHKEMP256_AES128GCM_SHA256_P256)`
//! rather than a bare number.

use crate::domain::{self, Suite};

pub const MLS10: u16 = 1;
pub const CREDENTIAL_BASIC: u16 = 1;
pub const CREDENTIAL_X509: u16 = 2;
pub const SOURCE_KEY_PACKAGE: u8 = 1;
pub const SOURCE_UPDATE: u8 = 2;
pub const SOURCE_COMMIT: u8 = 3;
pub const WIRE_WELCOME: u16 = 3;
pub const WIRE_KEY_PACKAGE: u16 = 5;

/// Extension types RFC 9420 §7.2 says need not be listed in capabilities.
pub const DEFAULT_EXTENSIONS: [u16; 5] = [1, 2, 3, 4, 5];

fn named(value: impl std::fmt::Display, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{value} ({name})"),
        None => format!("{value} (unassigned)"),
    }
}

pub fn version(v: u16) -> String {
    named(v, (v == MLS10).then_some("mls10"))
}

pub fn suite(v: u16) -> String {
    named(v, Suite::new(v).name())
}

pub fn extension(v: u16) -> String {
    let name = match v {
        1 => Some("application_id"),
        2 => Some("ratchet_tree"),
        3 => Some("required_capabilities"),
        4 => Some("external_pub"),
        5 => Some("external_senders"),
        // RFC 9420 leaves last_resort to an extension draft; OpenMLS uses 0x000a.
        0x000a => Some("last_resort"),
        _ => None,
    };
    named(format!("0x{v:04x}"), name)
}

pub fn credential(v: u16) -> String {
    let name = match v {
        CREDENTIAL_BASIC => Some("basic"),
        CREDENTIAL_X509 => Some("x509"),
        _ => None,
    };
    named(v, name)
}

pub fn wire_format(v: u16) -> String {
    let name = match v {
        1 => Some("mls_public_message"),
        2 => Some("mls_private_message"),
        WIRE_WELCOME => Some("mls_welcome"),
        4 => Some("mls_group_info"),
        WIRE_KEY_PACKAGE => Some("mls_key_package"),
        _ => None,
    };
    named(v, name)
}

pub fn leaf_source(v: u8) -> String {
    let name = match v {
        SOURCE_KEY_PACKAGE => Some("key_package"),
        SOURCE_UPDATE => Some("update"),
        SOURCE_COMMIT => Some("commit"),
        _ => None,
    };
    named(v, name)
}

/// A Unix time with its UTC date (how far it is from now is the lifetime check's job).
pub fn time(secs: u64) -> String {
    format!("{secs} = {}", domain::utc(secs))
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
    }

    #[test]
    fn an_identity_from_outside_never_reaches_the_terminal_raw() {
        assert_eq!(identity(b"bob\x1b[2J"), "7 bytes \"bob\\u{1b}[2J\"");
        assert_eq!(identity(&[0xff, 0x00]), "2 bytes ff00");
    }
}
