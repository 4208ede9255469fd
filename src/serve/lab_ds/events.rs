//! What the server's DS did, as the teacher's screen and `--json` show it: one
//! event per thing that happened, sent only once it is durable.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// One thing the DS did or refused, with when (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerEvent {
    pub at_ms: u64,
    #[serde(flatten)]
    pub kind: ServerEventKind,
}

impl ServerEvent {
    pub fn now(kind: ServerEventKind) -> Self {
        let at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Self { at_ms, kind }
    }
}

/// What happened. Clients are named as their identity reads (hex if it is not
/// text); references in full hex.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ServerEventKind {
    Registered {
        client: String,
        peer: String,
        key_packages: usize,
    },
    Published {
        client: String,
        kp_refs: Vec<String>,
        replaced: Vec<String>,
    },
    Claimed {
        owner: String,
        claimer: String,
        kp_ref: String,
        last_resort_reuse: bool,
    },
    WelcomeRouted {
        recipients: Vec<String>,
        unroutable: usize,
    },
    MessageRouted {
        recipients: Vec<String>,
    },
    MailTaken {
        client: String,
        messages: usize,
    },
    Expired {
        owner: String,
        kp_ref: String,
        last_resort: bool,
    },
    FaultActed {
        fault: String,
        did: String,
    },
    Refused {
        route: String,
        code: String,
        message: String,
        peer: String,
    },
    Reset,
}

impl ServerEventKind {
    /// One line for a headless log.
    pub fn text(&self) -> String {
        match self {
            Self::Registered {
                client,
                peer,
                key_packages,
            } => format!("{client} registered from {peer} with {key_packages} key package(s)"),
            Self::Published {
                client, kp_refs, ..
            } => format!("{client} published {} key package(s)", kp_refs.len()),
            Self::Claimed {
                owner,
                claimer,
                kp_ref,
                last_resort_reuse,
            } => {
                let reuse = if *last_resort_reuse {
                    " (last-resort package reused)"
                } else {
                    ""
                };
                format!(
                    "{claimer} claimed {owner}'s key package {}{reuse}",
                    &kp_ref[..8.min(kp_ref.len())]
                )
            }
            Self::WelcomeRouted {
                recipients,
                unroutable,
            } => format!(
                "Welcome routed to {} ({unroutable} unroutable)",
                recipients.join(", ")
            ),
            Self::MessageRouted { recipients } => {
                format!("group message routed to {}", recipients.join(", "))
            }
            Self::MailTaken { client, messages } => format!("{client} took {messages} message(s)"),
            Self::Expired { owner, kp_ref, .. } => {
                format!(
                    "{owner}'s key package {} expired",
                    &kp_ref[..8.min(kp_ref.len())]
                )
            }
            Self::FaultActed { fault, did } => format!("fault {fault}: {did}"),
            Self::Refused {
                route,
                code,
                message,
                peer,
            } => format!("refused {route} from {peer}: {code}: {message}"),
            Self::Reset => "the DS was reset".to_string(),
        }
    }
}
