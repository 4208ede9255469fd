//! Domain values: the leaf every other module stands on. Nothing here imports
//! another module of the crate; the values are plain data with their rules as
//! methods, usable by the parser, the engine, the inspector and the UI alike.
//!
//! - [`text`]: input text made safe to print ([`escape_controls`]).
//! - [`name`]: the one rule for client and group names ([`validate_name`]).
//! - [`time`]: spans of lab time ([`LabDuration`]) and how times are said.
//! - [`client_id`]: a client's identity at the DS ([`ClientId`]), as bytes.
//! - [`clock`]: the lab's clock ([`LabClock`]) and its overflow ([`ClockOverflow`]).
//! - [`key_package_ref`]: the key package reference ([`KeyPackageRef`]), hex and short.
//! - [`suggest`]: "did you mean": the known names closest to a typed one.
//! - [`suite`]: the ciphersuite as a value ([`Suite`]), supported or foreign.
//! - [`fault`]: the ways the DS can be told to misbehave ([`Fault`], [`FaultSet`]).

pub mod client_id;
pub mod clock;
pub mod fault;
pub mod key_package_ref;
pub mod name;
pub mod suggest;
pub mod suite;
pub mod text;
pub mod time;

pub use client_id::{BadClientId, ClientId, MAX_IDENTITY_LEN};
pub use clock::{ClockOverflow, LabClock, SKEW_MARGIN_SECS};
pub use fault::{Fault, FaultSet, UnknownFault};
pub use key_package_ref::KeyPackageRef;
pub use name::{validate_name, NameError, NameKind, NameRule, MAX_NAME_LEN, RESERVED};
pub use suite::Suite;
pub use text::{escape_controls, is_control};
pub use time::{approximate, relative, utc, LabDuration};
