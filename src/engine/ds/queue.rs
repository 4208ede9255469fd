//! One owner's normal key packages at the DS, oldest first, with how many end at
//! each time, so that "how many are valid now" is answered without a scan.

use std::collections::{BTreeMap, VecDeque};

use super::DirectoryEntry;
use crate::domain::Suite;

/// The normal packages of one owner, in upload order.
#[derive(Debug, Default, Clone)]
pub(super) struct NormalQueue {
    entries: VecDeque<DirectoryEntry>,
    /// How many of `entries` end (`not_after`) at each Unix second.
    ends: BTreeMap<u64, usize>,
}

impl NormalQueue {
    pub(super) fn push_back(&mut self, entry: DirectoryEntry) {
        *self.ends.entry(entry.not_after).or_default() += 1;
        self.entries.push_back(entry);
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &DirectoryEntry> {
        self.entries.iter()
    }

    /// Takes out the oldest package of `suite`.
    pub(super) fn take_first_of_suite(&mut self, suite: Suite) -> Option<DirectoryEntry> {
        let index = self.entries.iter().position(|e| e.ciphersuite == suite)?;
        let entry = self.entries.remove(index)?;
        self.forget_end(entry.not_after);
        Some(entry)
    }

    /// The oldest package of `suite`, handed out once more and kept listed (the
    /// `double-handout` fault).
    pub(super) fn hand_out_and_keep(&mut self, suite: Suite) -> Option<DirectoryEntry> {
        let entry = self.entries.iter_mut().find(|e| e.ciphersuite == suite)?;
        entry.handouts += 1;
        Some(entry.clone())
    }

    /// Removes every package handed out already (kept by `double-handout`);
    /// returns them.
    pub(super) fn remove_handed_out(&mut self) -> Vec<DirectoryEntry> {
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|e| e.handouts > 0);
        self.entries = kept.into();
        for entry in &gone {
            self.forget_end(entry.not_after);
        }
        gone
    }

    /// Removes and returns every package that has ended at `now`, oldest first.
    pub(super) fn take_expired(&mut self, now: u64) -> Vec<DirectoryEntry> {
        if self.ends.range(..=now).next().is_none() {
            return Vec::new();
        }
        let (expired, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|e| now >= e.not_after);
        self.entries = kept.into();
        self.ends.retain(|end, _| *end > now);
        expired
    }

    /// How many are valid at `now`: all held less those already ended. None is
    /// held before its start: the DS accepts only packages valid when uploaded,
    /// and the lab's time only moves forward.
    pub(super) fn available_at(&self, now: u64) -> usize {
        let ended: usize = self.ends.range(..=now).map(|(_, count)| count).sum();
        self.entries.len() - ended
    }

    fn forget_end(&mut self, not_after: u64) {
        if let Some(count) = self.ends.get_mut(&not_after) {
            *count -= 1;
            if *count == 0 {
                self.ends.remove(&not_after);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::KeyPackageRef;

    fn entry(n: u8, suite: Suite, not_after: u64) -> DirectoryEntry {
        DirectoryEntry {
            kp_ref: KeyPackageRef::from_bytes([n; 32]),
            bytes: Vec::new(),
            ciphersuite: suite,
            last_resort: false,
            handouts: 0,
            not_before: 0,
            not_after,
        }
    }

    fn scanned(queue: &NormalQueue, now: u64) -> usize {
        queue.iter().filter(|e| e.valid_at(now)).count()
    }

    #[test]
    fn availability_without_a_scan_matches_a_scan() {
        let mut queue = NormalQueue::default();
        for (n, (suite, end)) in [(1, 100), (1, 200), (2, 100), (1, 300), (1, 200)]
            .into_iter()
            .enumerate()
        {
            queue.push_back(entry(n as u8, Suite::new(suite), end));
        }
        for now in [0, 99, 100, 150, 200, 299, 300, 1000] {
            assert_eq!(queue.available_at(now), scanned(&queue, now), "at {now}");
        }
        let taken = queue
            .take_first_of_suite(Suite::new(2))
            .expect("one of suite 2");
        assert_eq!(taken.kp_ref, KeyPackageRef::from_bytes([2; 32]));
        assert_eq!(queue.take_first_of_suite(Suite::new(3)), None);
        for now in [0, 100, 200, 300] {
            assert_eq!(queue.available_at(now), scanned(&queue, now), "at {now}");
        }
        let expired = queue.take_expired(200);
        let ends: Vec<u64> = expired.iter().map(|e| e.not_after).collect();
        assert_eq!(ends, [100, 200, 200]);
        assert_eq!(queue.available_at(200), 1);
        assert_eq!(queue.available_at(300), 0);
        assert_eq!(queue.available_at(300), scanned(&queue, 300));
        assert!(queue.take_expired(250).is_empty());
    }
}
