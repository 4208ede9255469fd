//! What the room's header says about the server itself, fixed at start: the URL
//! attendees type, whether a room token is needed, where the state is kept.
//!
//! The room token is part of the URL shown: it is what attendees type (the
//! workshop page writes it on the board as `?room=`), and it keeps the next room
//! out rather than being a secret from this one. The reset key is never shown.

use std::net::{IpAddr, SocketAddr};

/// The server's facts, as the header shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomFacts {
    attendee_url: String,
    listening: SocketAddr,
    token_required: bool,
    db: String,
    started_ms: u64,
}

impl RoomFacts {
    /// `listening` is the bound address; `reachable` this machine's address on
    /// the room's network (used when listening on every interface, where
    /// `0.0.0.0` is no address an attendee can type); `db` as given.
    pub fn new(
        listening: SocketAddr,
        reachable: Option<IpAddr>,
        room_token: Option<&str>,
        db: &str,
        started_ms: u64,
    ) -> Self {
        let host = match reachable {
            Some(address) if listening.ip().is_unspecified() => address,
            _ => listening.ip(),
        };
        let mut attendee_url = format!("http://{}", SocketAddr::new(host, listening.port()));
        if let Some(token) = room_token {
            attendee_url.push_str("/?room=");
            attendee_url.push_str(token);
        }
        Self {
            attendee_url,
            listening,
            token_required: room_token.is_some(),
            db: db.to_string(),
            started_ms,
        }
    }

    /// What attendees put after `--ds` (raw: the drawing escapes it).
    pub fn attendee_url(&self) -> &str {
        &self.attendee_url
    }

    pub fn listening(&self) -> SocketAddr {
        self.listening
    }

    /// Only this machine can reach a server on a loopback address.
    pub fn loopback_only(&self) -> bool {
        self.listening.ip().is_loopback()
    }

    pub fn token_required(&self) -> bool {
        self.token_required
    }

    /// The store as given (`:memory:` keeps nothing).
    pub fn db(&self) -> &str {
        &self.db
    }

    pub fn keeps_nothing(&self) -> bool {
        self.db == ":memory:"
    }

    /// When the screen opened (Unix milliseconds): the feed's times count from it.
    pub fn started_ms(&self) -> u64 {
        self.started_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_one_an_attendee_can_type_with_the_room_token() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let lan: IpAddr = "10.0.0.5".parse().unwrap();
        let facts = RoomFacts::new(any, Some(lan), Some("tulip-42"), "room.sqlite", 0);
        assert_eq!(facts.attendee_url(), "http://10.0.0.5:8080/?room=tulip-42");
        assert!(facts.token_required() && !facts.loopback_only());

        let local: SocketAddr = "127.0.0.1:9000".parse().unwrap();
        let facts = RoomFacts::new(local, Some(lan), None, ":memory:", 0);
        assert_eq!(facts.attendee_url(), "http://127.0.0.1:9000");
        assert!(!facts.token_required() && facts.loopback_only() && facts.keeps_nothing());

        // No address found: the bound one, as it is.
        let facts = RoomFacts::new(any, None, None, "x", 0);
        assert_eq!(facts.attendee_url(), "http://0.0.0.0:8080");
        let v6: SocketAddr = "[::]:8080".parse().unwrap();
        let facts = RoomFacts::new(v6, Some("fd00::5".parse().unwrap()), None, "x", 0);
        assert_eq!(facts.attendee_url(), "http://[fd00::5]:8080");
    }
}
