//! What an event means, written once: the reference it is about, whether it names
//! a reference, and which endpoints (the DS, clients) the message it records
//! travels between. The TUI's timeline and the reference follower read these.

use super::{Event, EventKind, Outcome};
use crate::domain::KeyPackageRef;
use crate::engine::error::ErrorCode;

/// One end of a message: the Delivery Service or a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint<'a> {
    Ds,
    Client(&'a str),
}

/// Where an event happens: from one endpoint to another, or (with `to: None`) a
/// note on the actor's own lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route<'a> {
    pub from: Endpoint<'a>,
    pub to: Option<Endpoint<'a>>,
}

impl Event {
    /// The error code an event carries, if it is a failure with one.
    pub fn error_code(&self) -> Option<&ErrorCode> {
        match &self.kind {
            EventKind::KeyPackageRejected { error, .. }
            | EventKind::ClaimFailed { error, .. }
            | EventKind::JoinFailed { error, .. }
            | EventKind::CommitFailed { error, .. }
            | EventKind::CommitRefused { error, .. }
            | EventKind::CommandFailed { error, .. }
            | EventKind::ExpectFailed { error, .. }
            | EventKind::KeyPackageRefused { error, .. } => Some(error),
            EventKind::ClientRegistered { .. }
            | EventKind::KeyPackageGenerated { .. }
            | EventKind::KeyPackagePublished { .. }
            | EventKind::KeyPackageSkipped { .. }
            | EventKind::KeyPackageExpired { .. }
            | EventKind::Clock { .. }
            | EventKind::KeyPackageClaimed { .. }
            | EventKind::GroupCreated { .. }
            | EventKind::CommitSent { .. }
            | EventKind::WelcomeSent { .. }
            | EventKind::WelcomeDelivered { .. }
            | EventKind::GroupJoined { .. }
            | EventKind::PrivateBundleDeleted { .. }
            | EventKind::PrivateBundleRetained { .. }
            | EventKind::PrivateBundleDiscarded { .. }
            | EventKind::CommitProcessed { .. }
            | EventKind::SelfUpdated { .. }
            | EventKind::DsMisbehaved { .. }
            | EventKind::ExpectPassed { .. }
            | EventKind::DsFaultSet { .. }
            | EventKind::DsFaultActed { .. }
            | EventKind::DsReleased { .. }
            | EventKind::DsPolicySet { .. }
            | EventKind::PoolSet { .. }
            | EventKind::PoolRefilled { .. }
            | EventKind::KeyPackageExported { .. }
            | EventKind::KeyPackageCrafted { .. }
            | EventKind::MailboxExported { .. }
            | EventKind::WelcomeExported { .. }
            | EventKind::KeyPackageImported { .. }
            | EventKind::WelcomeImported { .. } => None,
        }
    }

    /// The key package reference this event is about, if any.
    pub fn kp_ref(&self) -> Option<&KeyPackageRef> {
        match &self.kind {
            EventKind::KeyPackageGenerated { kp_ref, .. }
            | EventKind::KeyPackagePublished { kp_ref, .. }
            | EventKind::KeyPackageSkipped { kp_ref, .. }
            | EventKind::KeyPackageExpired { kp_ref, .. }
            | EventKind::KeyPackageClaimed { kp_ref, .. }
            | EventKind::GroupJoined { kp_ref, .. }
            | EventKind::PrivateBundleDeleted { kp_ref }
            | EventKind::PrivateBundleRetained { kp_ref }
            | EventKind::PrivateBundleDiscarded { kp_ref }
            | EventKind::KeyPackageRefused { kp_ref, .. }
            | EventKind::KeyPackageExported { kp_ref, .. }
            | EventKind::KeyPackageImported { kp_ref, .. } => Some(kp_ref),
            EventKind::KeyPackageRejected { kp_ref, .. }
            | EventKind::WelcomeDelivered { kp_ref, .. }
            | EventKind::WelcomeImported { kp_ref, .. }
            | EventKind::KeyPackageCrafted { kp_ref, .. }
            | EventKind::JoinFailed { kp_ref, .. } => kp_ref.as_ref(),
            EventKind::ClientRegistered { .. }
            | EventKind::MailboxExported { .. }
            | EventKind::Clock { .. }
            | EventKind::ClaimFailed { .. }
            | EventKind::GroupCreated { .. }
            | EventKind::CommitSent { .. }
            | EventKind::WelcomeSent { .. }
            | EventKind::CommitProcessed { .. }
            | EventKind::CommitFailed { .. }
            | EventKind::CommitRefused { .. }
            | EventKind::SelfUpdated { .. }
            | EventKind::DsMisbehaved { .. }
            | EventKind::CommandFailed { .. }
            | EventKind::ExpectPassed { .. }
            | EventKind::ExpectFailed { .. }
            | EventKind::DsFaultSet { .. }
            | EventKind::DsFaultActed { .. }
            | EventKind::DsReleased { .. }
            | EventKind::DsPolicySet { .. }
            | EventKind::PoolSet { .. }
            | EventKind::PoolRefilled { .. }
            | EventKind::WelcomeExported { .. } => None,
        }
    }

    /// Whether this event names `kp_ref`: as its subject, in a Welcome's
    /// `new_member` list, or as the last-resort package an upload replaced.
    pub fn mentions(&self, kp_ref: &KeyPackageRef) -> bool {
        match &self.kind {
            EventKind::WelcomeSent {
                new_member_refs, ..
            }
            | EventKind::WelcomeDelivered {
                new_member_refs, ..
            }
            | EventKind::WelcomeExported {
                new_member_refs, ..
            }
            | EventKind::WelcomeImported {
                new_member_refs, ..
            } if new_member_refs.contains(kp_ref) => true,
            EventKind::KeyPackagePublished {
                replaced: Some(replaced),
                ..
            } if replaced == kp_ref => true,
            _ => self.kp_ref() == Some(kp_ref),
        }
    }

    /// Which endpoints the message this event records travels between.
    pub fn route(&self) -> Route<'_> {
        let actor = if self.actor == "ds" {
            Endpoint::Ds
        } else {
            Endpoint::Client(&self.actor)
        };
        let (from, to) = match &self.kind {
            EventKind::ClientRegistered { .. }
            | EventKind::KeyPackagePublished { .. }
            | EventKind::KeyPackageRejected { .. }
            | EventKind::CommitSent { .. }
            | EventKind::CommitRefused { .. }
            | EventKind::WelcomeSent { .. }
            | EventKind::SelfUpdated { .. } => (actor, Some(Endpoint::Ds)),
            EventKind::KeyPackageClaimed { .. }
            | EventKind::ClaimFailed { .. }
            | EventKind::WelcomeDelivered { .. }
            | EventKind::CommitProcessed { .. } => (Endpoint::Ds, Some(actor)),
            EventKind::DsReleased { recipients } => (
                Endpoint::Ds,
                recipients.first().map(|r| Endpoint::Client(r)),
            ),
            EventKind::DsFaultActed { clients, .. } => {
                (Endpoint::Ds, clients.first().map(|r| Endpoint::Client(r)))
            }
            EventKind::DsMisbehaved { recipients, .. } => (
                Endpoint::Ds,
                recipients.first().map(|r| Endpoint::Client(r)),
            ),
            EventKind::KeyPackageGenerated { .. }
            | EventKind::KeyPackageSkipped { .. }
            | EventKind::KeyPackageExpired { .. }
            | EventKind::Clock { .. }
            | EventKind::GroupCreated { .. }
            | EventKind::GroupJoined { .. }
            | EventKind::JoinFailed { .. }
            | EventKind::PrivateBundleDeleted { .. }
            | EventKind::PrivateBundleRetained { .. }
            | EventKind::PrivateBundleDiscarded { .. }
            | EventKind::CommitFailed { .. }
            | EventKind::CommandFailed { .. }
            | EventKind::ExpectPassed { .. }
            | EventKind::ExpectFailed { .. }
            | EventKind::DsFaultSet { .. }
            | EventKind::KeyPackageRefused { .. }
            | EventKind::DsPolicySet { .. }
            | EventKind::PoolSet { .. }
            | EventKind::PoolRefilled { .. }
            | EventKind::KeyPackageExported { .. }
            | EventKind::KeyPackageCrafted { .. }
            | EventKind::MailboxExported { .. }
            | EventKind::WelcomeExported { .. }
            | EventKind::KeyPackageImported { .. }
            | EventKind::WelcomeImported { .. } => (actor, None),
        };
        Route { from, to }
    }

    /// Whether a message really crossed between a client and the DS (drawn as an
    /// arrow): a successful exchange, or an upload or a Commit the DS refused.
    pub fn travels(&self) -> bool {
        let exchanged = self.route().to.is_some()
            && !matches!(
                self.kind,
                EventKind::DsMisbehaved { .. } | EventKind::DsFaultActed { .. }
            )
            && self.outcome == Outcome::Ok;
        exchanged
            || matches!(
                self.kind,
                EventKind::KeyPackageRejected { .. } | EventKind::CommitRefused { .. }
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference with one byte, enough to tell references apart here.
    fn r(byte: u8) -> KeyPackageRef {
        KeyPackageRef::from_bytes(vec![byte])
    }

    fn event(actor: &str, kind: EventKind, outcome: Outcome) -> Event {
        Event {
            seq: 1,
            actor: actor.into(),
            kind,
            duration_us: 0,
            outcome,
        }
    }

    #[test]
    fn references_mentions_and_routes() {
        let welcome = event(
            "bob",
            EventKind::WelcomeDelivered {
                group: "team".into(),
                new_member_refs: vec![r(0xaa), r(0xbb)],
                kp_ref: Some(r(0xbb)),
                bytes: 1,
                misbehaving_ds: false,
            },
            Outcome::Ok,
        );
        assert_eq!(welcome.kp_ref(), Some(&r(0xbb)));
        assert!(
            welcome.mentions(&r(0xaa)) && welcome.mentions(&r(0xbb)) && !welcome.mentions(&r(0xcc))
        );
        assert_eq!(
            welcome.route(),
            Route {
                from: Endpoint::Ds,
                to: Some(Endpoint::Client("bob"))
            }
        );
        assert!(welcome.travels());

        let published = event(
            "bob",
            EventKind::KeyPackagePublished {
                kp_ref: r(0x02),
                last_resort: true,
                format: crate::engine::KeyPackageFormat::KeyPackage,
                bytes: 1,
                replaced: Some(r(0x01)),
            },
            Outcome::Ok,
        );
        assert!(published.mentions(&r(0x01)) && published.mentions(&r(0x02)));
        assert_eq!(published.route().to, Some(Endpoint::Ds));

        let rejected = event(
            "bob",
            EventKind::KeyPackageRejected {
                kp_ref: None,
                last_resort: None,
                bytes: 1,
                error: ErrorCode::Malformed,
                message: String::new(),
            },
            Outcome::Error,
        );
        assert!(rejected.travels(), "a refused upload still went to the DS");
        let failed_claim = event(
            "alice",
            EventKind::ClaimFailed {
                owner: "bob".into(),
                error: ErrorCode::NoKeyPackageAvailable,
                message: String::new(),
            },
            Outcome::Error,
        );
        assert!(!failed_claim.travels());
        let expired = event(
            "ds",
            EventKind::KeyPackageExpired {
                kp_ref: r(0x0f),
                owner: "bob".into(),
                last_resort: false,
            },
            Outcome::Ok,
        );
        assert_eq!(
            expired.route(),
            Route {
                from: Endpoint::Ds,
                to: None
            }
        );
        assert!(!expired.travels());
    }
}
