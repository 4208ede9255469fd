//! What an event is about, for following references and drawing flights. These
//! read the engine's event kinds; they move onto `Event` itself once the engine
//! offers them there.

use crate::engine::{Event, EventKind, Outcome};

/// The key package reference an event is about, if any.
pub fn event_ref(event: &Event) -> Option<String> {
    match &event.kind {
        EventKind::KeyPackageGenerated { kp_ref, .. }
        | EventKind::KeyPackagePublished { kp_ref, .. }
        | EventKind::KeyPackageClaimed { kp_ref, .. }
        | EventKind::GroupJoined { kp_ref, .. }
        | EventKind::PrivateBundleDeleted { kp_ref }
        | EventKind::KeyPackageExpired { kp_ref, .. }
        | EventKind::PrivateBundleRetained { kp_ref } => Some(kp_ref.clone()),
        EventKind::KeyPackageRejected { kp_ref, .. }
        | EventKind::WelcomeDelivered { kp_ref, .. }
        | EventKind::JoinFailed { kp_ref, .. } => kp_ref.clone(),
        _ => None,
    }
}

/// Whether an event names this reference (as its subject or in a Welcome's
/// `new_member` list).
pub fn mentions(event: &Event, kp_ref: &str) -> bool {
    match &event.kind {
        EventKind::WelcomeSent {
            new_member_refs, ..
        }
        | EventKind::WelcomeDelivered {
            new_member_refs, ..
        } => new_member_refs.iter().any(|r| r == kp_ref),
        EventKind::KeyPackagePublished {
            replaced: Some(r), ..
        } if r == kp_ref => true,
        _ => event_ref(event).as_deref() == Some(kp_ref),
    }
}

/// Whether an event is a message between a client and the DS (drawn as an arrow).
pub fn travels(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::ClientRegistered { .. }
            | EventKind::KeyPackagePublished { .. }
            | EventKind::KeyPackageRejected { .. }
            | EventKind::KeyPackageClaimed { .. }
            | EventKind::ClaimFailed { .. }
            | EventKind::CommitSent { .. }
            | EventKind::WelcomeSent { .. }
            | EventKind::WelcomeDelivered { .. }
            | EventKind::CommitProcessed { .. }
            | EventKind::SelfUpdated { .. }
    ) && event.outcome == Outcome::Ok
        || matches!(event.kind, EventKind::KeyPackageRejected { .. })
}
