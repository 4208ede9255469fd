//! Following a reference: the one highlighted everywhere, its journey through
//! the event log, and what the inspector shows (asked of the engine).

use super::hex::HexView;
use super::{App, Effect};
use crate::app::layout::Panel;
use crate::domain::KeyPackageRef;
use crate::engine::bundle::BundleDetails;
use crate::engine::EventKind;
use crate::worker::{Inspection, Request};

/// The followed reference and the inspector's content.
#[derive(Debug, Clone, Default)]
pub(super) struct Follow {
    /// The reference highlighted everywhere.
    pub(super) followed: Option<KeyPackageRef>,
    /// Every event that mentions the followed reference, oldest first: its journey
    /// from storage to the DS, into a Welcome and back to its owner's storage.
    pub(super) journey: Vec<u64>,
    pub(super) inspection: Option<Inspection>,
    /// The followed key package's bundle and reference (teaching §4).
    pub(super) bundle: Option<BundleDetails>,
    /// Its bytes and fields, for the hex view.
    pub(super) hex: Option<HexView>,
}

impl App {
    /// Follows the reference under the cursor of the focused panel and asks the
    /// engine for its details.
    pub(super) fn follow_selection(&mut self) -> Vec<Effect> {
        self.dirty = true;
        match self.selection.focus {
            Panel::KeyPackages | Panel::Clients => {
                let Some(client) = self.view.clients.get(self.selection.selected_client) else {
                    return Vec::new();
                };
                let cursor = self.selection.kp_cursor;
                let (owner, kp_ref) = match client.key_packages.get(cursor) {
                    Some(row) => (client.name.clone(), row.kp_ref.clone()),
                    None => match client.claimed.get(cursor - client.key_packages.len()) {
                        Some((owner, kp_ref)) => (owner.clone(), kp_ref.clone()),
                        None => return Vec::new(),
                    },
                };
                self.follow(owner, kp_ref)
            }
            Panel::Ds => {
                let rows = self.ds_rows();
                match rows.get(self.selection.ds_cursor) {
                    Some((_, Some(entry))) => {
                        // An entry of the acting client's directory: it owns the package.
                        let owner = self.actor().map(str::to_string);
                        let kp_ref = self.ds_entry(*entry).map(|e| e.kp_ref.clone());
                        let (Some(owner), Some(kp_ref)) = (owner, kp_ref) else {
                            return Vec::new();
                        };
                        self.follow(owner, kp_ref)
                    }
                    // Another lab's client on a shared DS is shown, not selected.
                    Some((client, None)) if *client >= self.view.clients.len() => Vec::new(),
                    Some((client, None)) => {
                        let client = *client;
                        self.select_client(client);
                        Vec::new()
                    }
                    None => Vec::new(),
                }
            }
            Panel::Timeline => self.follow_event(),
            Panel::Groups | Panel::Inspector => Vec::new(),
        }
    }

    /// The selected timeline event: its reference is followed (from its owner's
    /// storage) and a Welcome is inspected.
    fn follow_event(&mut self) -> Vec<Effect> {
        let Some(event) = self.events.get(self.timeline_row()) else {
            return Vec::new();
        };
        let seq = event.seq;
        let welcome = matches!(
            event.kind,
            EventKind::WelcomeSent { .. }
                | EventKind::WelcomeDelivered { .. }
                | EventKind::GroupJoined { .. }
                | EventKind::JoinFailed { .. }
        );
        let found = event
            .kp_ref()
            .cloned()
            .and_then(|r| self.owner_of(&r).map(|owner| (owner, r)));
        let mut effects = Vec::new();
        if let Some((owner, kp_ref)) = found {
            // Show the owner's storage too, with the reference's row selected,
            // so that it is highlighted in the inventory and the DS directory.
            if let Some(index) = self.view.clients.iter().position(|c| c.name == owner) {
                self.select_client(index);
                if let Some(row) = self.view.clients[index]
                    .key_packages
                    .iter()
                    .position(|k| k.kp_ref == kp_ref)
                {
                    self.selection.kp_cursor = row;
                }
            }
            effects = self.follow(owner, kp_ref);
        }
        if welcome {
            effects = vec![Effect::Send(Request::InspectWelcome { seq })];
        }
        // The client changed to show this event's owner: what it shows is right.
        self.selection.client_changed = false;
        effects
    }

    pub(super) fn follow(&mut self, owner: String, kp_ref: KeyPackageRef) -> Vec<Effect> {
        if self.follow.followed.as_ref() == Some(&kp_ref)
            && matches!(&self.follow.inspection, Some(Inspection::KeyPackage(d)) if d.kp_ref == kp_ref)
        {
            return Vec::new();
        }
        self.follow.journey = self
            .events
            .iter()
            .filter(|e| e.mentions(&kp_ref))
            .map(|e| e.seq)
            .collect();
        self.follow.followed = Some(kp_ref.clone());
        self.follow.bundle = None;
        self.follow.hex = None;
        self.selection.inspector_scroll = 0;
        self.selection.hex_field = 0;
        vec![Effect::Send(Request::InspectKeyPackage { owner, kp_ref })]
    }

    /// After the acting client changed: a key package of another client leaves
    /// the inspector, which shows the new client's selected package (or nothing).
    pub(super) fn align_inspector(&mut self) -> Vec<Effect> {
        if !std::mem::take(&mut self.selection.client_changed) {
            return Vec::new();
        }
        let actor = self.actor().map(str::to_string);
        let foreign = match &self.follow.inspection {
            Some(Inspection::KeyPackage(d)) => actor.as_deref() != Some(d.owner.as_str()),
            Some(Inspection::Welcome(_) | Inspection::Unavailable(_)) | None => true,
        };
        if !foreign {
            return Vec::new();
        }
        let selected = self
            .view
            .clients
            .get(self.selection.selected_client)
            .and_then(|c| {
                c.key_packages
                    .get(self.selection.kp_cursor)
                    .map(|k| (c.name.clone(), k.kp_ref.clone()))
            });
        match selected {
            Some((owner, kp_ref)) => self.follow(owner, kp_ref),
            None => {
                self.unfollow();
                Vec::new()
            }
        }
    }

    /// Stops following and empties the inspector.
    pub(super) fn unfollow(&mut self) {
        self.follow = Follow::default();
    }

    /// The client that generated this key package.
    pub fn owner_of(&self, kp_ref: &KeyPackageRef) -> Option<String> {
        self.view
            .clients
            .iter()
            .find(|c| c.key_packages.iter().any(|k| k.kp_ref == *kp_ref))
            .map(|c| c.name.clone())
    }

    pub(super) fn refresh_inspection(&mut self) -> Vec<Effect> {
        match &self.follow.inspection {
            Some(Inspection::Welcome(details)) => {
                vec![Effect::Send(Request::InspectWelcome { seq: details.seq })]
            }
            None if self.follow.followed.is_none() => {
                // Nothing selected yet: show the newest key package of the selected client.
                if let Some(client) = self.view.clients.get(self.selection.selected_client) {
                    if let Some(row) = client.key_packages.get(self.selection.kp_cursor) {
                        let (owner, kp_ref) = (client.name.clone(), row.kp_ref.clone());
                        return self.follow(owner, kp_ref);
                    }
                }
                Vec::new()
            }
            // The bundle may have been consumed or deleted since: read it again.
            Some(Inspection::KeyPackage(details)) => {
                vec![Effect::Send(Request::InspectKeyPackage {
                    owner: details.owner.clone(),
                    kp_ref: details.kp_ref.clone(),
                })]
            }
            Some(Inspection::Unavailable(_)) | None => Vec::new(),
        }
    }

    /// The engine's answer about the followed key package's bundle.
    pub(super) fn on_bundle(&mut self, bundle: BundleDetails) {
        if self.follow.followed.as_ref() != Some(&bundle.kp_ref) {
            return;
        }
        self.follow.hex = HexView::of_key_package(&bundle.encoded);
        self.follow.bundle = Some(bundle);
    }

    /// The followed key package's bundle and reference, once the engine sent them.
    pub fn bundle(&self) -> Option<&BundleDetails> {
        self.follow.bundle.as_ref()
    }

    /// Whether the inspector shows the journey of the followed reference.
    pub fn shows_journey(&self) -> bool {
        match &self.follow.inspection {
            Some(Inspection::KeyPackage(d)) => {
                self.follow.followed.as_ref() == Some(&d.kp_ref) && !self.follow.journey.is_empty()
            }
            Some(Inspection::Welcome(_) | Inspection::Unavailable(_)) | None => false,
        }
    }

    /// How many lines the inspector has, for scrolling it; the same count as
    /// `ui::panels::inspector` draws (a test holds them together).
    pub fn inspector_len(&self) -> usize {
        match &self.follow.inspection {
            None => 2,
            Some(Inspection::Unavailable(_)) => 1,
            Some(Inspection::KeyPackage(d)) => {
                let journey = if self.shows_journey() {
                    1 + self.journey_events().count()
                } else {
                    0
                };
                // reference; 8 fields; capabilities; lifetime, extensions, leaf ext., sizes;
                // the bundle and the reference.
                1 + journey + 8 + d.capabilities.len() + 4 + self.bundle().map_or(0, bundle_rows)
            }
            Some(Inspection::Welcome(d)) => 5 + d.secrets.len(),
        }
    }

    /// The events of the followed reference's journey.
    pub fn journey_events(&self) -> impl Iterator<Item = &crate::engine::Event> {
        self.follow
            .journey
            .iter()
            .filter_map(|seq| self.events.get((*seq as usize).saturating_sub(1)))
    }
}

/// Lines the inspector's bundle section takes: its heading, the storage key,
/// whether it is the reference, the value and each private key (or one line
/// saying the bundle is gone); then the reference's heading and three lines.
pub fn bundle_rows(bundle: &BundleDetails) -> usize {
    let stored = bundle
        .bundle
        .as_ref()
        .map_or(1, |b| 3 + b.private_keys.len());
    1 + stored + 1 + 3
}
