//! The Welcomes the lab has seen: every one sent, kept by the `seq` of its
//! `welcome_sent` event for the inspector and `export-welcome`, and the mailbox
//! deliveries already announced with a `welcome_delivered` event, so that a
//! Welcome is announced once however often its mailbox is read.

use std::collections::{BTreeMap, HashSet};

/// Sent Welcomes and announced deliveries.
#[derive(Debug, Default)]
pub struct WelcomeArchive {
    /// The encoded `MLSMessage` of each Welcome, by its `welcome_sent` event.
    sent: BTreeMap<u64, Vec<u8>>,
    /// DS delivery ids already reported.
    announced: HashSet<u64>,
}

impl WelcomeArchive {
    /// Keeps the Welcome the event `seq` reports as sent.
    pub fn keep(&mut self, seq: u64, bytes: Vec<u8>) {
        self.sent.insert(seq, bytes);
    }

    /// The Welcome the event `seq` reports as sent.
    pub fn sent(&self, seq: u64) -> Option<&Vec<u8>> {
        self.sent.get(&seq)
    }

    /// Records that the delivery `id` was announced; `false` if it was before.
    pub fn announce(&mut self, id: u64) -> bool {
        self.announced.insert(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_is_announced_once() {
        let mut archive = WelcomeArchive::default();
        assert!(archive.announce(7));
        assert!(!archive.announce(7));
        archive.keep(3, vec![1]);
        assert_eq!(archive.sent(3), Some(&vec![1]));
        assert_eq!(archive.sent(4), None);
    }
}
