//! The lab's Delivery Service as a network server (`mls-lab serve`), speaking the
//! routes and TLS-encoded wire types of OpenMLS's sample delivery service so that
//! OpenMLS's own `cli`, other labs and any MLS client can use it.
//!
//! - [`wire`]: the request and response types, byte for byte as OpenMLS's
//!   `ds-lib` encodes them (the contract is written down there).
//! - [`service`]: what the server asks of a Delivery Service, one async method per
//!   operation, in domain terms, with typed refusals.
//! - [`remote`]: the other side: a lab whose clients use a shared DS (`--ds URL`).
//! - [`routes`]: the HTTP layer (axum): routes, body limits, timeouts, the
//!   registration rate limit, the room token, typed error bodies.
//! - [`lab_ds`]: the lab's DS (the engine's core, its rules) behind the routes,
//!   durable through the store, with the events the teacher's screen shows.
//! - [`listen`]: the accept loop (header read timeout, connection cap).
//! - [`store`]: durable state in SQLite (WAL) behind a storage trait, with group
//!   commit: a request is acknowledged only once its change is on disk.

pub mod lab_ds;
pub mod listen;
pub mod remote;
pub mod routes;
pub mod service;
pub mod store;
pub mod wire;
