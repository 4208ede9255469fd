//! `mls-lab inspect`: what a key package or a Welcome from anywhere is made of.
//!
//! The input is raw, hex or base64 ([`encoding`]); it is read as an `MLSMessage`
//! (RFC 9420 §6) carrying a KeyPackage or a Welcome, or as a bare KeyPackage or
//! Welcome ([`structure`], with every field's offset and length from [`reader`]).
//! A key package gets its reference and the checklist the DS and every claimer
//! run ([`checks`]), judged against a DS policy; a Welcome gets its `secrets[]`
//! with the reference each one names. Nothing here touches the terminal:
//! [`render`] turns a [`Report`] into lines, [`diff`] compares two.

pub mod checks;
pub mod craft;
pub mod diff;
pub mod encoding;
pub mod model;
pub mod names;
pub mod reader;
pub mod render;
pub mod structure;

use openmls::prelude::{KeyPackageIn, ProtocolVersion};
use openmls_rust_crypto::RustCrypto;
use serde::Serialize;
use tls_codec::Deserialize as _;

use crate::domain::KeyPackageRef;
use checks::{Check, Judge, Policy};
use encoding::Encoding;
use reader::{Field, Reader};

/// Why input could not be inspected. Offsets are in the decoded bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    #[error("the input is empty")]
    Empty,
    #[error("the input is longer than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("cannot read the input: {0}")]
    Read(String),
    #[error("the input is text but neither hex nor base64")]
    NotEncoded,
    #[error("at byte {offset}: {what} needs {needed} byte(s), {left} left")]
    Truncated {
        offset: usize,
        what: String,
        needed: usize,
        left: usize,
    },
    #[error("at byte {offset}: {what}: {detail}")]
    BadLength {
        offset: usize,
        what: String,
        detail: String,
    },
    #[error("at byte {offset}: {what}: {detail}")]
    Unexpected {
        offset: usize,
        what: String,
        detail: String,
    },
    #[error("at byte {offset}: {what} holds more than {limit} items, the lab's bound")]
    TooMany {
        offset: usize,
        what: String,
        limit: usize,
    },
    #[error("at byte {offset}: {count} byte(s) follow the end of the {what}")]
    Trailing {
        offset: usize,
        count: usize,
        what: String,
    },
    #[error("an MLSMessage carrying {wire_format}: inspect reads key packages and Welcomes")]
    OtherMessage { wire_format: String },
    #[error("not a key package or a Welcome ({encoding}, {size} bytes). Read as {tried}, {cause}")]
    NotMls {
        encoding: Encoding,
        size: usize,
        tried: &'static str,
        cause: Box<InspectError>,
    },
}

impl InspectError {
    /// How far into the input reading got before this error.
    fn progress(&self) -> usize {
        match self {
            InspectError::Truncated { offset, .. }
            | InspectError::BadLength { offset, .. }
            | InspectError::Unexpected { offset, .. }
            | InspectError::TooMany { offset, .. }
            | InspectError::Trailing { offset, .. } => *offset,
            InspectError::OtherMessage { .. } => 4,
            InspectError::Empty
            | InspectError::TooLarge { .. }
            | InspectError::Read(_)
            | InspectError::NotEncoded
            | InspectError::NotMls { .. } => 0,
        }
    }
}

/// How the structure was framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Framing {
    /// Inside an `MLSMessage` (RFC 9420 §6).
    MlsMessage,
    /// The structure alone, as `tls_serialize_detached()` gives it.
    Bare,
}

/// A key package's findings.
#[derive(Debug, Clone)]
pub struct KeyPackageFindings {
    /// The `KeyPackageRef`, or why it could not be computed.
    pub reference: Result<KeyPackageRef, String>,
    /// The checklist, every rule, in order.
    pub checks: Vec<Check>,
    /// What OpenMLS's own `KeyPackageIn::validate` says, against the system clock.
    pub openmls: Result<(), String>,
    /// The DS policy the checks were judged against.
    pub policy: Policy,
}

impl KeyPackageFindings {
    /// The first check `judge` refuses on; `None` when it accepts.
    pub fn refusal(&self, judge: Judge) -> Option<&Check> {
        checks::first_refusal(&self.checks, judge)
    }
}

/// The JSON form (docs/inspect.schema.json): results as plain values, never
/// Rust's `Ok`/`Err`.
impl Serialize for KeyPackageFindings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        #[derive(Serialize)]
        struct Verdict<'a> {
            accepts: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            refused_by: Option<checks::RuleId>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<&'a str>,
        }
        let judged = |judge| {
            let refusal = self.refusal(judge);
            Verdict {
                accepts: refusal.is_none(),
                refused_by: refusal.map(|c| c.rule),
                error: None,
            }
        };
        let mut out = serializer.serialize_struct("KeyPackageFindings", 7)?;
        out.serialize_field("reference", &self.reference.as_ref().ok())?;
        out.serialize_field("reference_error", &self.reference.as_ref().err())?;
        out.serialize_field("checks", &self.checks)?;
        out.serialize_field(
            "openmls",
            &Verdict {
                accepts: self.openmls.is_ok(),
                refused_by: None,
                error: self.openmls.as_ref().err().map(String::as_str),
            },
        )?;
        out.serialize_field("claimer", &judged(Judge::Claimer))?;
        out.serialize_field("ds", &judged(Judge::Ds))?;
        out.serialize_field("policy", &self.policy)?;
        out.end()
    }
}

/// A Welcome's findings.
#[derive(Debug, Clone, Serialize)]
pub struct WelcomeFindings {
    /// The cipher suite's number.
    pub cipher_suite: u16,
    /// Its registered name, GREASE, or unassigned.
    pub cipher_suite_name: String,
    /// The `new_member` reference of each `secrets[]` entry.
    pub new_members: Vec<KeyPackageRef>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Findings {
    KeyPackage(KeyPackageFindings),
    Welcome(WelcomeFindings),
}

/// Everything `inspect` found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub encoding: Encoding,
    pub framing: Framing,
    /// Decoded size in bytes.
    pub size: usize,
    pub tree: Field,
    pub findings: Findings,
}

impl Report {
    /// Whether the lab's DS would accept it (every rule under the policy) and
    /// OpenMLS agrees. A Welcome has no checks a tester can run without the
    /// joiner's keys.
    pub fn passes(&self) -> bool {
        match &self.findings {
            Findings::KeyPackage(kp) => kp.openmls.is_ok() && kp.refusal(Judge::Ds).is_none(),
            Findings::Welcome(_) => true,
        }
    }
}

/// What one reading of the bytes found, before the checks.
enum Parsed {
    KeyPackage(Box<structure::KeyPackageParts>),
    Welcome(structure::WelcomeParts),
}

/// One way of reading the bytes: all of them, or an error saying how far it got.
type Reading = fn(&[u8]) -> Result<(Parsed, Field), InspectError>;

fn read_message(bytes: &[u8]) -> Result<(Parsed, Field), InspectError> {
    read_message_from(Reader::new(bytes))
}

fn read_message_from(mut r: Reader) -> Result<(Parsed, Field), InspectError> {
    let size = r.remaining();
    let (wire_format, mut fields) = structure::message_header(&mut r)?;
    let (parsed, body) = match wire_format {
        names::WIRE_KEY_PACKAGE => {
            let (parts, field) = structure::key_package(&mut r)?;
            (Parsed::KeyPackage(Box::new(parts)), field)
        }
        names::WIRE_WELCOME => {
            let (parts, field) = structure::welcome(&mut r)?;
            (Parsed::Welcome(parts), field)
        }
        other => {
            return Err(InspectError::OtherMessage {
                wire_format: names::wire_format(other),
            })
        }
    };
    fields.push(body);
    finish(&r, "MLSMessage")?;
    let field = r.field(|| Field::group("MLSMessage", 0, size, fields));
    Ok((parsed, field))
}

fn finish(r: &Reader, what: &str) -> Result<(), InspectError> {
    if r.is_empty() {
        Ok(())
    } else {
        let offset = r.position();
        Err(InspectError::Trailing {
            offset,
            count: r.remaining(),
            what: what.into(),
        })
    }
}

fn read_bare_key_package(bytes: &[u8]) -> Result<(Parsed, Field), InspectError> {
    read_bare_key_package_from(Reader::new(bytes))
}

fn read_bare_key_package_from(mut r: Reader) -> Result<(Parsed, Field), InspectError> {
    let (parts, field) = structure::key_package(&mut r)?;
    finish(&r, "KeyPackage")?;
    Ok((Parsed::KeyPackage(Box::new(parts)), field))
}

fn read_bare_welcome(bytes: &[u8]) -> Result<(Parsed, Field), InspectError> {
    let mut r = Reader::new(bytes);
    let (parts, field) = structure::welcome(&mut r)?;
    finish(&r, "Welcome")?;
    Ok((Parsed::Welcome(parts), field))
}

/// Inspects `input` (raw, hex or base64) with lifetimes read at Unix time `now`,
/// against the DS's default policy.
pub fn inspect(input: &[u8], now: u64) -> Result<Report, InspectError> {
    inspect_with(input, now, &Policy::default())
}

/// [`inspect`] against `policy` (the lab DS's policy in force).
pub fn inspect_with(input: &[u8], now: u64, policy: &Policy) -> Result<Report, InspectError> {
    let (encoding, bytes) = encoding::decode(input)?;
    // A bare key package of suite 3 or 5 begins like an MLSMessage header, and a
    // bare Welcome of suite 1 like a bare key package: the reading that consumes
    // every byte wins, in this order.
    let readings: [(&'static str, Framing, Reading); 3] = [
        ("an MLSMessage", Framing::MlsMessage, read_message),
        ("a bare KeyPackage", Framing::Bare, read_bare_key_package),
        ("a bare Welcome", Framing::Bare, read_bare_welcome),
    ];
    let mut best: Option<(&'static str, InspectError)> = None;
    for (tried, framing, read) in readings {
        match read(&bytes) {
            Ok((parsed, tree)) => {
                let findings = match parsed {
                    Parsed::KeyPackage(parts) => {
                        Findings::KeyPackage(key_package_findings(&parts, now, policy))
                    }
                    Parsed::Welcome(parts) => Findings::Welcome(WelcomeFindings {
                        cipher_suite: parts.suite,
                        cipher_suite_name: names::suite_meaning(parts.suite),
                        new_members: parts
                            .secrets
                            .iter()
                            .map(|s| KeyPackageRef::from_bytes(s.new_member.as_slice()))
                            .collect(),
                    }),
                };
                return Ok(Report {
                    encoding,
                    framing,
                    size: bytes.len(),
                    tree,
                    findings,
                });
            }
            Err(error) => {
                let further = best
                    .as_ref()
                    .is_none_or(|(_, b)| error.progress() > b.progress());
                if further {
                    best = Some((tried, error));
                }
            }
        }
    }
    let (tried, cause) = best.unwrap_or(("an MLSMessage", InspectError::Empty));
    Err(InspectError::NotMls {
        encoding,
        size: bytes.len(),
        tried,
        cause: Box::new(cause),
    })
}

/// A key package, bare (`Framing::Bare`) or in an `MLSMessage`, read into its
/// parts, or why it does not read; the lab's bounds hold before anything else
/// touches it. No field tree is built: the values and their bounds alone.
pub fn read_key_package(
    bytes: &[u8],
    framing: Framing,
) -> Result<structure::KeyPackageParts, InspectError> {
    let reader = Reader::parts_only(bytes);
    let parsed = match framing {
        Framing::Bare => read_bare_key_package_from(reader)?.0,
        Framing::MlsMessage => read_message_from(reader)?.0,
    };
    match parsed {
        Parsed::KeyPackage(parts) => Ok(*parts),
        Parsed::Welcome(_) => Err(InspectError::OtherMessage {
            wire_format: names::wire_format(names::WIRE_WELCOME),
        }),
    }
}

fn key_package_findings(
    parts: &structure::KeyPackageParts,
    now: u64,
    policy: &Policy,
) -> KeyPackageFindings {
    let crypto = RustCrypto::default();
    let openmls = KeyPackageIn::tls_deserialize_exact(&parts.encoded)
        .map_err(|e| format!("does not decode: {e}"))
        .and_then(|kp| {
            kp.validate(&crypto, ProtocolVersion::Mls10)
                .map(|_| ())
                .map_err(|e| format!("{e:?}"))
        });
    KeyPackageFindings {
        reference: checks::reference(parts, &crypto),
        checks: checks::key_package_checks(parts, &crypto, now, policy),
        openmls,
        policy: *policy,
    }
}
