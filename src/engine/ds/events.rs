//! What the DS did, as typed events: its driver takes them after every
//! operation ([`super::DsCore::take_events`]). The lab's engine turns them into
//! its own events (`key_package_expired`, `ds_fault_acted`).

use super::{ExpiredEntry, FaultAct};

/// One thing the DS did on its own account, beyond answering the request.
#[derive(Debug, Clone, PartialEq)]
pub enum DsEvent {
    /// A package left the directory because it expired on the lab's clock.
    Expired(ExpiredEntry),
    /// A fault made the DS break a rule.
    FaultActed(FaultAct),
}
