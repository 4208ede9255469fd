//! Bytes from another MLS stack: `import-key-package FILE --as NAME` makes an
//! external client, and `NAME join --welcome FILE` joins through a Welcome made
//! elsewhere. Files are read with [`crate::engine::file::read`] and told apart by the
//! inspector's decoder (raw, hex or base64; `MLSMessage` or bare); everything is
//! checked before anything changes.

use std::time::Instant;

use super::frame_welcome;
use crate::domain::KeyPackageRef;
use crate::domain::{validate_name, NameKind, Suite};
use crate::engine::client::Client;
use crate::engine::file;
use crate::engine::wire::{self, KeyPackageFormat};
use crate::engine::{Engine, EngineError, EventKind};
use crate::inspect::encoding::Encoding;
use crate::inspect::{self, Findings, Framing};

/// What a file holds, decoded: its bytes and how they were written and framed.
struct Incoming {
    path: String,
    bytes: Vec<u8>,
    encoding: Encoding,
    framing: Framing,
    is_welcome: bool,
}

impl Incoming {
    /// Reads and decodes `path`; `now` is the lab's time (for the inspector's
    /// lifetime check, which does not decide anything here).
    fn read(path: &str, now: u64) -> Result<Self, EngineError> {
        let raw = file::read(path)?;
        let malformed = |detail: String| EngineError::Malformed {
            what: format!("contents of '{}'", file::shown(path)),
            detail,
        };
        let (encoding, bytes) =
            inspect::encoding::decode(&raw).map_err(|e| malformed(e.to_string()))?;
        let report = inspect::inspect(&raw, now).map_err(|e| malformed(e.to_string()))?;
        Ok(Self {
            path: path.to_string(),
            bytes,
            encoding,
            framing: report.framing,
            is_welcome: matches!(report.findings, Findings::Welcome(_)),
        })
    }

    fn wrong(&self, expected: &str) -> EngineError {
        let found = if self.is_welcome {
            "a Welcome"
        } else {
            "a key package"
        };
        EngineError::WrongMessage {
            path: file::shown(&self.path),
            expected: expected.into(),
            found: found.into(),
        }
    }
}

impl Engine {
    /// `import-key-package FILE --as NAME`. The name is checked, the file read and
    /// the package validated here and at the DS (which binds NAME to its
    /// signature key and identity) before the external client exists. Into an
    /// external client that exists, another package signed by its key is added;
    /// one signed by another key is `WrongOwner`.
    pub async fn import_key_package(&mut self, path: &str, name: &str) -> Result<(), EngineError> {
        let started = Instant::now();
        validate_name(NameKind::Client, name)?;
        if self.roster.simulates(name) {
            return Err(EngineError::ClientExists(name.to_string()));
        }
        let incoming = Incoming::read(path, self.now())?;
        if incoming.is_welcome {
            return Err(incoming.wrong("a key package"));
        }
        let format = match incoming.framing {
            Framing::MlsMessage => KeyPackageFormat::MlsMessage,
            Framing::Bare => KeyPackageFormat::KeyPackage,
        };
        let crypto = openmls_rust_crypto::RustCrypto::default();
        let (key_package, kp_ref) =
            wire::accept_key_package_at(&crypto, &incoming.bytes, format, self.clock.now())?;
        let size = incoming.bytes.len();
        let published = self
            .ds
            .import_external(name, incoming.bytes.clone(), format)
            .await?;
        let leaf = key_package.leaf_node();
        let kind = EventKind::KeyPackageImported {
            kp_ref: KeyPackageRef::from(&kp_ref),
            identity: wire::credential_identity(leaf.credential()).unwrap_or_else(|| "?".into()),
            signature_key: hex::encode(leaf.signature_key().as_slice()),
            ciphersuite: Suite::from(key_package.ciphersuite()),
            path: path.to_string(),
            framing: incoming.framing,
            encoding: incoming.encoding,
            bytes: size,
        };
        match self.roster.get_mut(name) {
            Ok(client) => client.add_external(key_package, kp_ref, size),
            Err(_) => {
                let client = Client::external(name, key_package, kp_ref, size);
                self.roster.insert(client)?;
            }
        }
        self.log.ok(name, kind, started);
        let kind = EventKind::KeyPackagePublished {
            kp_ref: published.kp_ref,
            last_resort: published.last_resort,
            format,
            bytes: size,
            replaced: published.replaced,
        };
        self.log.ok(name, kind, Instant::now());
        Ok(())
    }

    /// `NAME join --welcome FILE`: the Welcome is framed as an `MLSMessage` if it
    /// came bare, peeked at, and joined as one from the DS would be: OpenMLS finds
    /// the private bundle through the `new_member` reference.
    pub async fn join_welcome_file(&mut self, name: &str, path: &str) -> Result<(), EngineError> {
        let started = Instant::now();
        let incoming = Incoming::read(path, self.now())?;
        if !incoming.is_welcome {
            return Err(incoming.wrong("a Welcome"));
        }
        let message = match incoming.framing {
            Framing::MlsMessage => incoming.bytes.clone(),
            Framing::Bare => frame_welcome(&incoming.bytes),
        };
        let welcome = wire::decode_welcome(&message)?;
        let client = self.client(name)?;
        let peek = client.peek_welcome(&welcome);
        let kind = EventKind::WelcomeImported {
            path: path.to_string(),
            framing: incoming.framing,
            encoding: incoming.encoding,
            new_member_refs: peek.new_members.iter().map(KeyPackageRef::from).collect(),
            kp_ref: peek.own.as_ref().map(KeyPackageRef::from),
            bytes: incoming.bytes.len(),
        };
        self.log.ok(name, kind, started);
        self.join_one(name, FROM_FILE, &message).await
    }
}

/// The group a Welcome from a file names before it is decrypted: none the lab
/// can know (the `GroupInfo` is encrypted), so failures say where it came from.
const FROM_FILE: &str = "(from file)";
