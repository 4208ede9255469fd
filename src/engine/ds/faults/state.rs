//! The DS's faults as state: which are on, the deliveries they hold back, and
//! how often each acted.

use std::collections::BTreeMap;

use crate::domain::{ClientId, Fault, FaultSet};
use crate::engine::ds::Delivery;

/// A delivery held back by a fault.
#[derive(Debug, Clone)]
pub(in crate::engine::ds) struct Held {
    pub(in crate::engine::ds) recipients: Vec<ClientId>,
    pub(in crate::engine::ds) delivery: Delivery,
    pub(in crate::engine::ds) fault: Fault,
    /// The ids the held copies have in the store until they go out.
    pub(in crate::engine::ds) ids: Vec<u64>,
}

/// The DS's faults: which are on, what they hold, how often they acted.
#[derive(Debug, Default)]
pub(in crate::engine::ds) struct FaultState {
    pub(in crate::engine::ds) set: FaultSet,
    /// In arrival order.
    pub(in crate::engine::ds) held: Vec<Held>,
    /// How often each fault acted.
    pub(in crate::engine::ds) hits: BTreeMap<Fault, u64>,
}

impl FaultState {
    pub(in crate::engine::ds) fn is_on(&self, fault: Fault) -> bool {
        self.set.is_on(fault)
    }

    pub(in crate::engine::ds) fn active(&self) -> Vec<Fault> {
        self.set.active()
    }

    pub(in crate::engine::ds) fn hits(&self) -> BTreeMap<Fault, u64> {
        self.hits.clone()
    }

    pub(in crate::engine::ds) fn held(&self) -> usize {
        self.held.len()
    }
}
