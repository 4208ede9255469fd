//! Following a reference: the one highlighted everywhere, its journey through
//! the event log, and what the inspector shows (asked of the engine). [`Follow`]
//! keeps them together: the journey, the bundle and the bytes are always those of
//! the followed reference or of the Welcome inspected. The engine answers in the
//! order it is asked; an answer to a question asked before the latest (the
//! inspector has moved on since) is dropped.

use std::cell::OnceCell;

use super::panels::inspector::hex_view::HexView;
use super::{App, Effect};
use crate::domain::KeyPackageRef;
use crate::engine::bundle::BundleDetails;
use crate::engine::Event;
use crate::worker::{Inspection, Request};

/// The followed reference and the inspector's content.
#[derive(Debug, Clone, Default)]
pub(super) struct Follow {
    /// The reference highlighted everywhere.
    followed: Option<KeyPackageRef>,
    /// Every event that mentions the followed reference, oldest first: its journey
    /// from storage to the DS, into a Welcome and back to its owner's storage.
    journey: Vec<u64>,
    inspection: Option<Inspection>,
    /// The followed key package's bundle and reference (teaching §4).
    bundle: Option<BundleDetails>,
    /// The bytes the hex view reads, as they came.
    hex_bytes: Option<HexBytes>,
    /// Their fields, laid out when the hex view first asks: a lesson rebuilt
    /// step by step inspects a Welcome at each step and shows none of them.
    hex: OnceCell<Option<HexView>>,
    /// Inspections asked of the engine, and answered, since the lab started.
    asked: u64,
    answered: u64,
    /// The first answer that counts: the latest question's.
    counts_from: u64,
}

/// What the hex view shows the bytes of.
#[derive(Debug, Clone)]
enum HexBytes {
    /// A Welcome in its `MLSMessage`.
    Welcome(Vec<u8>),
    KeyPackage(Vec<u8>),
}

impl Follow {
    pub(super) fn followed(&self) -> Option<&KeyPackageRef> {
        self.followed.as_ref()
    }

    pub(super) fn journey(&self) -> &[u64] {
        &self.journey
    }

    pub(super) fn inspection(&self) -> Option<&Inspection> {
        self.inspection.as_ref()
    }

    pub(super) fn bundle(&self) -> Option<&BundleDetails> {
        self.bundle.as_ref()
    }

    pub(super) fn hex(&self) -> Option<&HexView> {
        self.hex
            .get_or_init(|| match &self.hex_bytes {
                Some(HexBytes::Welcome(bytes)) => HexView::of_welcome_message(bytes),
                Some(HexBytes::KeyPackage(bytes)) => HexView::of_key_package(bytes),
                None => None,
            })
            .as_ref()
    }

    /// The hex view is of `bytes` from now on.
    fn set_hex(&mut self, bytes: Option<HexBytes>) {
        self.hex_bytes = bytes;
        self.hex = OnceCell::new();
    }

    /// An inspection is asked: only its answer counts.
    fn asking(&mut self) {
        self.asked += 1;
        self.counts_from = self.asked;
    }

    /// Nothing followed or inspected; answers on their way no longer count.
    fn clear(&mut self) {
        *self = Self {
            asked: self.asked,
            answered: self.answered,
            counts_from: self.asked + 1,
            ..Self::default()
        };
    }

    /// An answer came: whether it is the latest question's.
    fn answer(&mut self) -> bool {
        self.answered += 1;
        self.answered >= self.counts_from
    }

    /// Whether the next answer is the latest question's (a bundle comes before
    /// the inspection it belongs to).
    fn next_answer_counts(&self) -> bool {
        self.answered + 1 >= self.counts_from
    }

    /// Whether `kp_ref` is followed and its key package already inspected.
    fn inspects(&self, kp_ref: &KeyPackageRef) -> bool {
        self.followed.as_ref() == Some(kp_ref)
            && matches!(&self.inspection, Some(Inspection::KeyPackage(d)) if d.kp_ref == *kp_ref)
    }

    /// Follows `kp_ref`: its journey among `events`; the old bundle and bytes go.
    fn start(&mut self, kp_ref: KeyPackageRef, events: &[Event]) {
        self.journey = events
            .iter()
            .filter(|e| e.mentions(&kp_ref))
            .map(|e| e.seq)
            .collect();
        self.followed = Some(kp_ref);
        self.bundle = None;
        self.set_hex(None);
    }

    /// New events: those that mention the followed reference join its journey.
    pub(super) fn extend_journey(&mut self, events: &[Event]) {
        if let Some(followed) = &self.followed {
            self.journey.extend(
                events
                    .iter()
                    .filter(|e| e.mentions(followed))
                    .map(|e| e.seq),
            );
        }
    }

    /// The engine's answer; a Welcome brings its bytes. Whether it did.
    pub(super) fn set_inspection(&mut self, inspection: Inspection) -> bool {
        let welcome = match &inspection {
            Inspection::Welcome(details) => {
                self.set_hex(Some(HexBytes::Welcome(details.encoded.clone())));
                true
            }
            Inspection::KeyPackage(_) | Inspection::Unavailable(_) => false,
        };
        self.inspection = Some(inspection);
        welcome
    }

    /// The engine's answer about a key package's bundle: kept if it is the
    /// followed one's.
    fn set_bundle(&mut self, bundle: BundleDetails) {
        if self.followed.as_ref() != Some(&bundle.kp_ref) {
            return;
        }
        self.set_hex(Some(HexBytes::KeyPackage(bundle.encoded.clone())));
        self.bundle = Some(bundle);
    }
}

impl App {
    /// The selected timeline event: its reference is followed (from its owner's
    /// storage) and a Welcome is inspected.
    pub(super) fn follow_event(&mut self, seq: u64) -> Vec<Effect> {
        let Some(event) = self.events().get((seq as usize).saturating_sub(1)) else {
            return Vec::new();
        };
        let welcome = super::stage::shows_welcome(event);
        // A Welcome sent is followed through its joiner's reference.
        let found = super::stage::reference_of(event)
            .cloned()
            .and_then(|r| self.owner_of(&r).map(|owner| (owner, r)));
        let mut effects = Vec::new();
        if let Some((owner, kp_ref)) = found {
            // Show the owner's storage too, with the reference's row selected,
            // so that it is highlighted in the inventory and the DS directory.
            if let Some(index) = self.mirror.client_index(&owner) {
                self.select_client(index);
                if let Some(row) = self.view().clients[index]
                    .key_packages
                    .iter()
                    .position(|k| k.kp_ref == kp_ref)
                {
                    self.set_cursor(super::layout::Panel::KeyPackages, row);
                }
            }
            if welcome {
                // The inspector shows the Welcome, not the package.
                if self.followed() != Some(&kp_ref) {
                    self.follow_afresh(kp_ref);
                }
            } else {
                effects = self.follow(owner, kp_ref);
            }
        }
        if welcome {
            effects = vec![self.inspect(Request::InspectWelcome { seq })];
        }
        // The client changed to show this event's owner: what it shows is right.
        self.panels.clients.take_changed();
        effects
    }

    pub(super) fn follow(&mut self, owner: String, kp_ref: KeyPackageRef) -> Vec<Effect> {
        if self.follow.inspects(&kp_ref) {
            return Vec::new();
        }
        self.follow.start(kp_ref.clone(), self.mirror.events());
        self.panels.inspector.reset();
        vec![self.inspect(Request::InspectKeyPackage { owner, kp_ref })]
    }

    /// Asks the engine what the inspector is to show; earlier answers no longer count.
    pub(super) fn inspect(&mut self, request: Request) -> Effect {
        self.follow.asking();
        Effect::Send(request)
    }

    /// Follows `kp_ref` from scratch, asking nothing yet: a lesson step asks
    /// for what its inspector shows itself.
    pub(super) fn follow_afresh(&mut self, kp_ref: KeyPackageRef) {
        self.follow.start(kp_ref, self.mirror.events());
        self.panels.inspector.reset();
    }

    /// After the acting client changed: a key package of another client leaves
    /// the inspector, which shows the new client's selected package (or nothing).
    pub(super) fn align_inspector(&mut self) -> Vec<Effect> {
        if !self.panels.clients.take_changed() {
            return Vec::new();
        }
        let actor = self.actor().map(str::to_string);
        let foreign = match self.inspection() {
            Some(Inspection::KeyPackage(d)) => actor.as_deref() != Some(d.owner.as_str()),
            Some(Inspection::Welcome(_) | Inspection::Unavailable(_)) | None => true,
        };
        if !foreign {
            return Vec::new();
        }
        match self.selected_package() {
            Some((owner, kp_ref)) => self.follow(owner, kp_ref),
            None => {
                self.unfollow();
                Vec::new()
            }
        }
    }

    /// The acting client's own package under the key packages cursor.
    fn selected_package(&self) -> Option<(String, KeyPackageRef)> {
        let client = self.view().clients.get(self.selected_client())?;
        let row = client
            .key_packages
            .get(self.cursor(super::layout::Panel::KeyPackages))?;
        Some((client.name.clone(), row.kp_ref.clone()))
    }

    /// Stops following and empties the inspector.
    pub(super) fn unfollow(&mut self) {
        self.follow.clear();
    }

    /// A fresh lab: a fresh engine, which was asked nothing yet.
    pub(super) fn forget_follow(&mut self) {
        self.follow = Follow::default();
    }

    pub(super) fn refresh_inspection(&mut self) -> Vec<Effect> {
        match self.inspection() {
            Some(Inspection::Welcome(details)) => {
                let seq = details.seq;
                vec![self.inspect(Request::InspectWelcome { seq })]
            }
            None if self.followed().is_none() => {
                // Nothing selected yet: show the newest key package of the selected client.
                match self.selected_package() {
                    Some((owner, kp_ref)) => self.follow(owner, kp_ref),
                    None => Vec::new(),
                }
            }
            // The bundle may have been consumed or deleted since: read it again.
            Some(Inspection::KeyPackage(details)) => {
                let request = Request::InspectKeyPackage {
                    owner: details.owner.clone(),
                    kp_ref: details.kp_ref.clone(),
                };
                vec![self.inspect(request)]
            }
            Some(Inspection::Unavailable(_)) | None => Vec::new(),
        }
    }

    /// The engine inspected something: a Welcome starts its bytes at their first field.
    pub(super) fn on_inspected(&mut self, inspection: Inspection) {
        if !self.follow.answer() {
            return;
        }
        if self.follow.set_inspection(inspection) {
            self.panels.inspector.reset_field();
            self.panels.inspector.find_field(|| self.follow.hex());
        }
    }

    /// The engine's answer about the followed key package's bundle.
    pub(super) fn on_bundle(&mut self, bundle: BundleDetails) {
        if !self.follow.next_answer_counts() {
            return;
        }
        self.follow.set_bundle(bundle);
        self.panels.inspector.find_field(|| self.follow.hex());
    }
}
