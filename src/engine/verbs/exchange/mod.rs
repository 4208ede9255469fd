//! Export and import: the lab's bytes leave it, and another MLS stack's enter it,
//! through files. Exports write an `MLSMessage` (RFC 9420 §6) or the bare
//! structure, as raw bytes, hex or base64; imports read any of these, told apart
//! by the inspector's own decoder ([`crate::inspect`]), never a second one.
//!
//! - Files are read and written by [`crate::engine::file`], with typed errors.
//! - `import`: `import-key-package` (external clients) and `join --welcome FILE`.

mod import;

use std::time::Instant;

use base64::Engine as _;
use tls_codec::Serialize as _;

use crate::engine::file;
use crate::engine::wire::{self, KeyPackageFormat};
use crate::engine::{Engine, EngineError, EventKind};
use crate::inspect::encoding::Encoding;
use crate::inspect::Framing;

/// How an export writes its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportFormat {
    pub framing: Framing,
    pub encoding: Encoding,
}

impl ExportFormat {
    /// The file's contents for these decoded bytes: raw as they are, text as one
    /// line ending in a newline.
    pub fn encode(self, bytes: &[u8]) -> Vec<u8> {
        match self.encoding {
            Encoding::Raw => bytes.to_vec(),
            Encoding::Hex => format!("{}\n", hex::encode(bytes)).into_bytes(),
            Encoding::Base64 => format!(
                "{}\n",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            )
            .into_bytes(),
        }
    }
}

/// An export: the file to write (replaced if it exists; never a directory) and
/// how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub path: String,
    pub format: ExportFormat,
}

/// The `MLSMessage` header of a Welcome: version mls10 (1), wire format
/// mls_welcome (3) (RFC 9420 §6).
const WELCOME_HEADER: [u8; 4] = [0x00, 0x01, 0x00, 0x03];

/// A bare Welcome framed as an `MLSMessage`.
pub fn frame_welcome(bare: &[u8]) -> Vec<u8> {
    [&WELCOME_HEADER[..], bare].concat()
}

impl Engine {
    /// `NAME export-key-package REF --to FILE`: one of the client's own key
    /// packages, written as asked; nothing in the lab changes.
    pub fn export_key_package(
        &mut self,
        name: &str,
        selector: &str,
        export: &Export,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        let format = export.format;
        let entry = self.client(name)?.resolve(selector)?;
        let framing = match format.framing {
            Framing::MlsMessage => KeyPackageFormat::MlsMessage,
            Framing::Bare => KeyPackageFormat::KeyPackage,
        };
        let bytes = wire::encode_key_package(&entry.key_package, framing)?;
        let kp_ref = (&entry.kp_ref).into();
        let contents = format.encode(&bytes);
        file::write(&export.path, &contents)?;
        let kind = EventKind::KeyPackageExported {
            kp_ref,
            path: export.path.clone(),
            framing: format.framing,
            encoding: format.encoding,
            bytes: contents.len(),
        };
        self.log.ok(name, kind, started);
        Ok(())
    }

    /// `export-welcome GROUP --to FILE`: the last Welcome sent for GROUP, as the
    /// DS routed it (with the ratchet tree: groups are built with it).
    pub fn export_welcome(&mut self, group: &str, export: &Export) -> Result<(), EngineError> {
        let started = Instant::now();
        let format = export.format;
        let (refs, message) = self
            .log
            .all()
            .iter()
            .rev()
            .find_map(|e| match &e.kind {
                EventKind::WelcomeSent {
                    group: g,
                    new_member_refs,
                    ..
                } if g == group => Some((new_member_refs.clone(), self.welcomes.sent(e.seq)?)),
                _ => None,
            })
            .ok_or_else(|| EngineError::NoWelcomeSent(group.to_string()))?;
        let bytes = match format.framing {
            Framing::MlsMessage => message.clone(),
            Framing::Bare => wire::decode_welcome(message)?
                .tls_serialize_detached()
                .map_err(|e| EngineError::mls("encode Welcome", e))?,
        };
        let contents = format.encode(&bytes);
        file::write(&export.path, &contents)?;
        let kind = EventKind::WelcomeExported {
            group: group.to_string(),
            path: export.path.clone(),
            framing: format.framing,
            encoding: format.encoding,
            new_member_refs: refs,
            bytes: contents.len(),
        };
        self.log.ok("lab", kind, started);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_encodings_read_back_through_the_inspectors_decoder() {
        let bytes = [0x00, 0x01, 0x00, 0x05, 0xfa];
        for encoding in [Encoding::Raw, Encoding::Hex, Encoding::Base64] {
            let format = ExportFormat {
                framing: Framing::Bare,
                encoding,
            };
            let written = format.encode(&bytes);
            assert_eq!(
                crate::inspect::encoding::decode(&written).ok(),
                Some((encoding, bytes.to_vec()))
            );
        }
    }

    #[test]
    fn a_bare_welcome_is_framed_with_its_header() {
        assert_eq!(frame_welcome(&[9]), [0, 1, 0, 3, 9]);
    }
}
