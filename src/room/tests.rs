//! The room's state from events and the directory: rows, counters, the feed.

use super::*;
use crate::domain::{KeyPackageRef, Suite};
use crate::engine::ds::{ClientDirectory, DirectoryEntry};

const NOW: u64 = 1_000_000;

fn room() -> Room {
    let listening = "127.0.0.1:8080".parse().unwrap();
    let look = Look {
        theme: ThemeName::HighContrast,
        colours: ColourDepth::TrueColour,
    };
    Room::new(RoomFacts::new(listening, None, None, ":memory:", 0), look)
}

fn event(kind: ServerEventKind) -> ServerEvent {
    ServerEvent {
        at_ms: 65_000,
        kind,
    }
}

fn registered(client: &str, peer: &str) -> ServerEvent {
    event(ServerEventKind::Registered {
        client: client.into(),
        peer: peer.into(),
        key_packages: 3,
    })
}

fn claimed(owner: &str, reuse: bool) -> ServerEvent {
    event(ServerEventKind::Claimed {
        owner: owner.into(),
        claimer: "10.0.0.7".into(),
        kp_ref: "4f1c02aa99887766".into(),
        last_resort_reuse: reuse,
    })
}

fn entry(byte: u8, last_resort: bool, not_after: u64) -> DirectoryEntry {
    DirectoryEntry {
        kp_ref: KeyPackageRef::from_bytes(vec![byte; 32]),
        bytes: Vec::new(),
        ciphersuite: Suite::DEFAULT,
        last_resort,
        handouts: 0,
        not_before: 0,
        not_after,
    }
}

fn directory(normal: usize, last_resort: bool, inbox: usize) -> ClientDirectory {
    ClientDirectory {
        // One expired package more, which is not available.
        normal: (0..normal as u8)
            .map(|i| entry(i, false, NOW + 60))
            .chain([entry(99, false, NOW - 1)])
            .collect(),
        last_resort: if last_resort {
            vec![entry(200, true, NOW + 60)]
        } else {
            Vec::new()
        },
        claims: 0,
        last_resort_reuses: 0,
        inbox,
    }
}

#[test]
fn a_registration_adds_a_row_with_its_peer_and_the_directory_counts_it() {
    let mut room = room();
    room.apply(&registered("ben", "10.0.0.23"));
    assert_eq!(room.clients().len(), 1);
    assert_eq!(room.clients()[0].name(), "ben");
    assert_eq!(room.clients()[0].peer(), Some("10.0.0.23"));
    assert!(room.directory_stale());

    let mut snapshot = DsSnapshot::default();
    snapshot
        .clients
        .insert("ana".into(), directory(1, false, 0));
    snapshot.clients.insert("ben".into(), directory(2, true, 1));
    room.refresh(&snapshot, NOW);
    assert!(!room.directory_stale());
    // ben first (seen first), then ana, registered before this start.
    let rows: Vec<_> = room
        .clients()
        .iter()
        .map(|r| (r.name(), r.available(), r.last_resort(), r.mail(), r.peer()))
        .collect();
    assert_eq!(
        rows,
        [
            ("ben", 2, true, 1, Some("10.0.0.23")),
            ("ana", 1, false, 0, None)
        ]
    );
    assert_eq!(room.counters().clients, 2);
    assert_eq!(room.counters().key_packages, 3);

    // The directory decides who is listed; the peer survives a refresh.
    snapshot.clients.remove("ana");
    room.refresh(&snapshot, NOW);
    assert_eq!(room.clients().len(), 1);
    assert_eq!(room.clients()[0].peer(), Some("10.0.0.23"));
}

#[test]
fn claims_reuses_welcomes_and_refusals_are_counted_and_said_in_words() {
    let mut room = room();
    room.apply(&claimed("ben", false));
    room.apply(&claimed("ben", true));
    room.apply(&event(ServerEventKind::WelcomeRouted {
        recipients: vec!["ben".into(), "cy".into()],
        unroutable: 0,
    }));
    room.refresh(&DsSnapshot::default(), NOW);
    room.apply(&event(ServerEventKind::Refused {
        route: "GET /recv/Y2Fy".into(),
        code: "unauthorized".into(),
        message: "the auth token is not this client's".into(),
        peer: "10.0.0.31".into(),
    }));
    assert_eq!(
        room.counters().tally,
        Tally {
            claims: 2,
            last_resort_reuses: 1,
            welcomes: 1,
            refusals: 1
        }
    );
    // A refusal changes nothing at the DS: no reason to read it again.
    assert!(!room.directory_stale());

    let lines: Vec<_> = room
        .feed()
        .shown()
        .map(|l| (l.tone(), l.text().to_string()))
        .collect();
    assert_eq!(
        lines,
        [
            (Tone::Step, "10.0.0.7 claimed ben's key package 4f1c02aa".into()),
            (
                Tone::Reuse,
                "LAST-RESORT REUSE: 10.0.0.7 got ben's last-resort key package 4f1c02aa again (no normal one left)"
                    .into()
            ),
            (Tone::Welcome, "Welcome routed to ben, cy".into()),
            (
                Tone::Refusal,
                "REFUSED unauthorized: GET /recv/Y2Fy from 10.0.0.31: the auth token is not this client's"
                    .into()
            ),
        ]
    );
}

#[test]
fn a_reset_empties_the_table_and_the_tally() {
    let mut room = room();
    room.apply(&registered("ben", "10.0.0.23"));
    room.apply(&claimed("ben", true));
    room.apply(&event(ServerEventKind::Reset));
    assert!(room.clients().is_empty());
    assert_eq!(room.counters(), Counters::default());
    assert_eq!(room.feed().len(), 3);
}

#[test]
fn a_paused_feed_holds_still_and_counts_what_arrived_since() {
    let mut room = room();
    room.apply(&registered("ana", "10.0.0.1"));
    room.key(&KeyEvent::from(KeyCode::Char('p')));
    assert!(room.feed().paused());
    room.apply(&registered("ben", "10.0.0.2"));
    room.apply(&registered("cy", "10.0.0.3"));
    assert_eq!(room.feed().shown().count(), 1);
    // The line shown is the one from before the pause.
    let shown: Vec<&str> = room.feed().shown().map(|l| l.text()).collect();
    assert!(shown[0].contains("ana"), "{shown:?}");
    assert_eq!(room.feed().unseen(), 2);
    // The table does not pause: the room is as it is.
    assert_eq!(room.clients().len(), 3);
    room.key(&KeyEvent::from(KeyCode::Char('p')));
    assert_eq!(room.feed().shown().count(), 3);
    assert_eq!(room.feed().unseen(), 0);
}

#[test]
fn the_feed_keeps_the_latest_lines_only() {
    let mut room = room();
    for i in 0..feed::FEED_LINES + 5 {
        room.apply(&registered(&format!("c{i}"), "10.0.0.1"));
    }
    assert_eq!(room.feed().len(), feed::FEED_LINES);
    let first = room.feed().shown().next().unwrap();
    assert!(
        first.text().starts_with("c5 registered"),
        "{}",
        first.text()
    );
}

#[test]
fn help_opens_and_closes_and_q_quits() {
    let mut room = room();
    room.key(&KeyEvent::from(KeyCode::Char('?')));
    assert!(room.help_shown());
    room.key(&KeyEvent::from(KeyCode::Esc));
    assert!(!room.help_shown());
    assert!(!room.should_quit());
    room.key(&KeyEvent::from(KeyCode::Char('q')));
    assert!(room.should_quit());
}
