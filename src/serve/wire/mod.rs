//! The wire types of OpenMLS's sample delivery service, written from its contract
//! (below) with `tls_codec`'s derives, and the one way to decode a body exactly.
//!
//! # The contract
//!
//! Read from openmls at commit `79ebb5bfe7313e26fe47b652d3d93f39846fcdea`:
//! `delivery-service/ds` (an axum 0.8 server since openmls PR 2061),
//! `delivery-service/ds-lib` (its types) and `cli` (its client, which sends with
//! `reqwest` and treats every status but 200 as an error). All bodies are raw
//! TLS-presentation bytes (RFC 8446 §3 with MLS's variable-length vectors, RFC 9420
//! §2.1.2), no content type. `{id}` is a client's identity (the `BasicCredential`
//! identity of its first key package) in URL-safe base64 with padding.
//!
//! | method and path | request body | 200 body | refusals in the sample |
//! |---|---|---|---|
//! | `POST /clients/register` | [`RegisterClientRequest`] | [`RegisterClientSuccessResponse`] | 400 undecodable or no key package, 409 identity taken |
//! | `GET /clients/list` | none | [`ClientList`] | none |
//! | `GET /clients/key_packages/{id}` | none | [`ClientKeyPackages`] | 400 bad base64, 204 unknown client |
//! | `POST /clients/key_packages/{id}` | [`PublishKeyPackagesRequest`] | empty | 400, 404 unknown client, 401 wrong token |
//! | `GET /clients/key_package/{id}` | none | [`ConsumedKeyPackage`] | 400, 204 unknown client or none left |
//! | `POST /send/welcome` | [`SendWelcomeRequest`] | empty | 500 undecodable, 204 no reserved joiner |
//! | `POST /send/message` | [`GroupMessage`] | empty | 500 undecodable, 409 stale handshake epoch, 404 unknown recipient |
//! | `GET /recv/{id}` | [`RecvMessageRequest`] (a GET with a body) | [`Mailbox`] | 400, 404 unknown client, 401 wrong token |
//! | `GET /reset` | none; header `reset-key` | empty | 511 if the header is there and wrong |
//!
//! The layouts (`V` is a variable-length vector: a 1, 2 or 4 byte QUIC-style
//! length of the content in bytes, RFC 9000 §16, minimal as the `mls` feature of
//! tls_codec 0.5 requires; `U8`/`U16`/`U32` a fixed big-endian byte length):
//!
//! - `AuthToken { token: V<u8> }`: the sample issues 32 random bytes, so `20 ‖ 32 bytes`.
//! - `RegisterClientRequest { key_packages: ClientKeyPackages }`,
//!   `RegisterClientSuccessResponse { auth_token: AuthToken }`,
//!   `PublishKeyPackagesRequest { key_packages: ClientKeyPackages, auth_token: AuthToken }`,
//!   `RecvMessageRequest { auth_token: AuthToken }`.
//! - `ClientKeyPackages = U32<(U8<u8> hash, KeyPackage)>`: each entry is the
//!   client's claimed `KeyPackageRef` (RFC 9420 §5.2; the sample never checks it)
//!   and the bare `KeyPackage` (not an `MLSMessage`).
//! - `ClientList = U32<V<u8>>`: the identities.
//! - The consume answer is one bare `KeyPackage`; the sample keeps each client's
//!   last package and reserves the handed-out reference for `/send/welcome`.
//! - `/send/welcome` takes one `MLSMessage` that must be a Welcome; the sample
//!   routes it to the first client holding a reserved `new_member` reference.
//! - `GroupMessage { msg: MLSMessage, recipients: U32<U32<u8>> }`: the sender
//!   names the recipients by identity; the sample refuses a handshake message
//!   whose epoch is below the last it saw for the group.
//! - `Mailbox = U16<MLSMessage>`: Welcomes first, then group messages, removed
//!   on hand-out. The 16-bit length caps one answer at 65,535 bytes.
//!
//! Auth: only publishing and receiving carry the token (in the body). Listing,
//! consuming and sending carry none, so the cli sends none there. The cli's
//! server address is fixed (`http://localhost:8080`) and it sends no headers of
//! its own.

mod codec;
mod directory;
mod messages;
mod requests;
mod token;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod robustness;

#[cfg(test)]
use codec::checks;
pub use codec::{decode, encode, WireError, WireMessage};
pub use directory::{ClientKeyPackages, ClientList, ConsumedKeyPackage, KeyPackageEntry};
pub use messages::{GroupMessage, Mailbox, MlsMessageBytes, SendWelcomeRequest};
pub use requests::{
    PublishKeyPackagesRequest, RecvMessageRequest, RegisterClientRequest,
    RegisterClientSuccessResponse,
};
pub use token::AuthToken;
