//! The screen a lesson step shows, as a function of the step and the lab alone:
//! its subject picked on the timeline (and explained in the why pane), the
//! reference it carries followed everywhere (a Welcome's joiner's, so that
//! `new_member` lights up), the owner of that reference acting with the row
//! selected, the inspector on the subject, every other cursor at its start, and
//! what the step's `show` and `follow` lines ask for. Forward, back or `:step N`,
//! the same step gives the same screen, cell for cell.

use super::layout::Panel;
use super::lesson::{stage, Pane};
use super::{App, Effect};
use crate::command::KeySelector;
use crate::domain::KeyPackageRef;
use crate::engine::{ClientView, Event, EventKind};
use crate::worker::Request;

/// A client's key package named by a lesson's `follow` or `show` line.
fn resolve(clients: &[ClientView], selector: &KeySelector) -> Option<(String, KeyPackageRef)> {
    let client = clients.iter().find(|c| c.name == selector.client)?;
    let wanted = selector.key_package.as_str();
    let row = match wanted.strip_prefix('@') {
        Some("last") => client.key_packages.last(),
        Some(n) => n
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| client.key_packages.get(i)),
        None => {
            let mut matches = client.key_packages.iter().filter(|k| {
                k.kp_ref
                    .to_string()
                    .starts_with(&wanted.to_ascii_lowercase())
            });
            matches.next().filter(|_| matches.next().is_none())
        }
    }?;
    Some((client.name.clone(), row.kp_ref.clone()))
}

/// The reference an event is about, for following: its own, or a Welcome's
/// first `new_member` (the joiner's key package).
pub(super) fn reference_of(event: &Event) -> Option<&KeyPackageRef> {
    match &event.kind {
        EventKind::WelcomeSent {
            new_member_refs, ..
        } => new_member_refs.first(),
        _ => event.kp_ref(),
    }
}

/// Whether the inspector shows an event's Welcome rather than a key package.
pub(super) fn shows_welcome(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::WelcomeSent { .. }
            | EventKind::WelcomeDelivered { .. }
            | EventKind::GroupJoined { .. }
            | EventKind::JoinFailed { .. }
    )
}

impl App {
    /// Puts the screen in the state the lesson's current step shows (the title
    /// card's before the first); returns the inspections it needs.
    pub(super) fn stage_step(&mut self) -> Vec<Effect> {
        self.dirty = true;
        let Some(lesson) = self.lesson() else {
            return Vec::new();
        };
        let current = lesson.position().checked_sub(1);
        let step = current.and_then(|i| lesson.steps().get(i)).cloned();
        let subject = current
            .and_then(|i| lesson.subject_for(i))
            .and_then(|(_, seq)| self.events().get((seq as usize).saturating_sub(1)))
            .cloned();
        let stage = step.as_ref().map(stage).unwrap_or_default();
        // Every cursor from its start, the pane the step asks for.
        self.panels.reset_cursors();
        self.screen.set_pane(stage.pane.clone());
        self.screen
            .set_focus(match (&stage.pane, self.presenting(), &step) {
                (Pane::Inspector | Pane::Hex(_), _, Some(_)) => Panel::Inspector,
                (_, _, Some(_)) | (_, true, None) => Panel::Timeline,
                (_, false, None) => Panel::KeyPackages,
            });
        self.panels.inspector.set_hex(
            matches!(stage.pane, Pane::Hex(_)),
            match &stage.pane {
                Pane::Hex(field) => field.clone(),
                Pane::Why | Pane::Inspector => None,
            },
        );
        if let Some(event) = &subject {
            self.panels.timeline.pick(event.seq);
        }
        // The reference followed, and who acts: its owner, else the subject's
        // actor, else the step's. A `follow` line names it, else a `show
        // inspector` line, else the subject carries it.
        let clients = &self.view().clients;
        let named_follow = stage.follow.as_ref().and_then(|s| resolve(clients, s));
        let named_inspect = stage.inspect.as_ref().and_then(|s| resolve(clients, s));
        let followed = named_follow.or_else(|| named_inspect.clone()).or_else(|| {
            let kp_ref = subject.as_ref().and_then(reference_of)?.clone();
            Some((self.owner_of(&kp_ref)?, kp_ref))
        });
        let actor = followed
            .as_ref()
            .map(|(owner, _)| owner.clone())
            .or_else(|| subject.as_ref().map(|e| e.actor.clone()))
            .or_else(|| step.as_ref().map(|s| s.line.command.actor().to_string()));
        let index = actor
            .and_then(|name| self.mirror.client_index(&name))
            .unwrap_or(0);
        self.panels.clients.set_acting(index);
        self.align_ds_cursor();
        self.unfollow();
        if let Some((_, kp_ref)) = &followed {
            let row = self
                .view()
                .clients
                .get(index)
                .and_then(|c| c.key_packages.iter().position(|k| k.kp_ref == *kp_ref));
            if let Some(row) = row {
                self.set_cursor(Panel::KeyPackages, row);
            }
            self.follow_afresh(kp_ref.clone());
        }
        // What the inspector shows: the package a `show inspector` line names,
        // else the subject's Welcome, else the followed key package.
        let request = match (named_inspect, &subject, &followed) {
            (Some((owner, kp_ref)), _, _) => Request::InspectKeyPackage { owner, kp_ref },
            (None, Some(event), _) if shows_welcome(event) => {
                Request::InspectWelcome { seq: event.seq }
            }
            (None, _, Some((owner, kp_ref))) => Request::InspectKeyPackage {
                owner: owner.clone(),
                kp_ref: kp_ref.clone(),
            },
            (None, _, None) => {
                self.panels.clients.take_changed();
                return Vec::new();
            }
        };
        // The acting client was chosen here: the inspector is not to follow it.
        self.panels.clients.take_changed();
        vec![self.inspect(request)]
    }
}
