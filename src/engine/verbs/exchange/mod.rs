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

use crate::domain::Fault;
use crate::engine::ds::DeliveryKind;
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

/// A bare key package framed as an `MLSMessage` (version mls10, wire format
/// mls_key_package, RFC 9420 §6).
pub fn frame_key_package(bare: &[u8]) -> Vec<u8> {
    [&crate::engine::ds::KEY_PACKAGE_MESSAGE_HEADER[..], bare].concat()
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

    /// `export-welcome GROUP --to FILE [--for NAME] [--all]`: the Welcome for
    /// GROUP as a joiner's DS mailbox holds it under the DS's faults (a
    /// recipient of the last Welcome sent for GROUP, or NAME): dropped by
    /// `drop-welcome` is `WelcomeDropped`, held by `hold-welcome` is
    /// `WelcomeHeld` until `ds release`; `--all` writes every copy the mailbox
    /// holds (`duplicate-welcome`): FILE, FILE.2, FILE.3, …
    pub async fn export_welcome(
        &mut self,
        group: &str,
        joiner: Option<&str>,
        all: bool,
        export: &Export,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        let (seq, refs, recipients) = self
            .log
            .all()
            .iter()
            .rev()
            .find_map(|e| match &e.kind {
                EventKind::WelcomeSent {
                    group: g,
                    new_member_refs,
                    recipients,
                    ..
                } if g == group => Some((e.seq, new_member_refs.clone(), recipients.clone())),
                _ => None,
            })
            .ok_or_else(|| EngineError::NoWelcomeSent(group.to_string()))?;
        let group_id = self.groups.id_of(group).map(<[u8]>::to_vec);
        let candidates = match joiner {
            Some(name) => {
                self.client(name)?;
                vec![name.to_string()]
            }
            None => recipients,
        };
        let mut copies = Vec::new();
        for name in &candidates {
            copies = self
                .ds
                .peek(name)
                .await?
                .into_iter()
                .filter(|d| {
                    d.kind == DeliveryKind::Welcome && Some(&d.group_id) == group_id.as_ref()
                })
                .map(|d| d.bytes)
                .collect();
            if !copies.is_empty() {
                break;
            }
        }
        if copies.is_empty() {
            return Err(match self.welcome_fault(seq) {
                Some(Fault::DropWelcome) => EngineError::WelcomeDropped {
                    group: group.to_string(),
                },
                Some(Fault::HoldWelcome) => EngineError::WelcomeHeld {
                    group: group.to_string(),
                },
                _ => EngineError::NoPendingWelcome(
                    candidates
                        .first()
                        .cloned()
                        .unwrap_or_else(|| group.to_string()),
                ),
            });
        }
        if !all {
            copies.truncate(1);
        }
        let format = export.format;
        for (i, message) in copies.iter().enumerate() {
            let bytes = match format.framing {
                Framing::MlsMessage => message.clone(),
                Framing::Bare => wire::decode_welcome(message)?
                    .tls_serialize_detached()
                    .map_err(|e| EngineError::mls("encode Welcome", e))?,
            };
            let path = match i {
                0 => export.path.clone(),
                n => format!("{}.{}", export.path, n + 1),
            };
            let contents = format.encode(&bytes);
            file::write(&path, &contents)?;
            let kind = EventKind::WelcomeExported {
                group: group.to_string(),
                path,
                framing: format.framing,
                encoding: format.encoding,
                new_member_refs: refs.clone(),
                bytes: contents.len(),
            };
            self.log.ok("lab", kind, started);
        }
        Ok(())
    }

    /// The fault that kept the Welcome of event `seq` from every mailbox, as the
    /// DS reported it right after (`ds_fault_acted`).
    fn welcome_fault(&self, seq: u64) -> Option<Fault> {
        let after = self.log.position(seq)? + 1;
        self.log
            .all()
            .get(after..)?
            .iter()
            .take_while(|e| matches!(e.kind, EventKind::DsFaultActed { .. }))
            .find_map(|e| match &e.kind {
                EventKind::DsFaultActed { fault, .. } => fault
                    .parse::<Fault>()
                    .ok()
                    .filter(|f| matches!(f, Fault::DropWelcome | Fault::HoldWelcome)),
                _ => None,
            })
    }

    /// `export-mailbox NAME --to DIR`: every message waiting in NAME's DS
    /// mailbox, oldest first, as `DIR/001-welcome`, `DIR/002-commit`, … (with
    /// `.hex` or `.b64` for text); the mailbox keeps them.
    pub async fn export_mailbox(
        &mut self,
        name: &str,
        dir: &str,
        encoding: Encoding,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        self.client(name)?;
        let deliveries = self.ds.peek(name).await?;
        std::fs::create_dir_all(dir).map_err(|e| EngineError::CannotWrite {
            path: file::shown(dir),
            reason: file::WriteProblem::of(&e),
        })?;
        let format = ExportFormat {
            framing: Framing::MlsMessage,
            encoding,
        };
        let suffix = match encoding {
            Encoding::Raw => "",
            Encoding::Hex => ".hex",
            Encoding::Base64 => ".b64",
        };
        let mut files = Vec::new();
        let mut total = 0;
        for (i, delivery) in deliveries.iter().enumerate() {
            let kind = match delivery.kind {
                DeliveryKind::Welcome => "welcome",
                DeliveryKind::Commit => "commit",
            };
            let path = std::path::Path::new(dir)
                .join(format!("{:03}-{kind}{suffix}", i + 1))
                .to_string_lossy()
                .into_owned();
            let contents = format.encode(&delivery.bytes);
            file::write(&path, &contents)?;
            total += contents.len();
            files.push(path);
        }
        let kind = EventKind::MailboxExported {
            client: name.to_string(),
            dir: dir.to_string(),
            files,
            bytes: total,
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
