//! No byte from input reaches the terminal raw, checked in the bytes the real
//! binary writes to a pseudo-terminal (not the rendered screen): a key package
//! whose credential identity holds a newline, an OSC escape sequence, a C1
//! control, bidi overrides and zero-width characters is imported and added to
//! a group; a group made elsewhere by a member with that identity is joined;
//! such text is typed and pasted into the `:` prompt and run. Every escape
//! sequence the program wrote must be a CSI sequence (all crossterm writes),
//! and the text between them must hold no control and no hidden character.

#![cfg(unix)]

mod hostile_support;
mod pty_support;

use hostile_support::{is_hidden, Foreign};
use pty_support::*;

/// The identity: a newline, an OSC sequence that would set the window title
/// (never written by crossterm), a bell, a C1 CSI, bidi and zero-width marks.
const IDENTITY: &str =
    "eve\n\u{202e}gpj\u{200b}\u{200d}\u{2060}\u{1b}]2;pwned\u{7}\u{9b}31m\u{feff}\u{e0041}x";

/// What is wrong in the output: an escape sequence that is not CSI, or a
/// control or hidden character in the text between sequences.
fn raw_bytes(output: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(output);
    let mut problems = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters intermediates final (0x40..=0x7e).
            if chars.peek().map(|(_, n)| *n) == Some('[') {
                chars.next();
                let mut ended = false;
                for (_, n) in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&n) {
                        ended = true;
                        break;
                    }
                    if !('\u{20}'..='\u{3f}').contains(&n) {
                        problems.push(format!("a broken CSI sequence at byte {at}"));
                        break;
                    }
                }
                if !ended {
                    problems.push(format!("an unfinished CSI sequence at byte {at}"));
                }
                continue;
            }
            let next: String = text[at..].chars().take(8).collect();
            problems.push(format!("a non-CSI escape at byte {at}: {next:?}"));
            continue;
        }
        if c.is_control() || is_hidden(c) {
            let start = (0..=at.saturating_sub(20))
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            let around: String = text[start..].chars().take(30).collect();
            problems.push(format!("{} at byte {at}: {around:?}", c.escape_unicode()));
        }
    }
    problems
}

#[test]
fn the_scanner_finds_what_it_must() {
    assert!(raw_bytes(b"\x1b[?1049h\x1b[1;1H\x1b[38;5;1mok\x1b[0m").is_empty());
    assert_eq!(raw_bytes("a\u{202e}b".as_bytes()).len(), 1);
    assert_eq!(raw_bytes(b"\x1b]2;x\x07").len(), 2);
    assert_eq!(raw_bytes("\u{9b}31m".as_bytes()).len(), 1);
    assert_eq!(raw_bytes(b"a\nb").len(), 1);
}

fn command(lab: &mut Lab, line: &str) {
    lab.press(b":");
    lab.press(line.as_bytes());
    lab.press(b"\r");
}

#[test]
fn foreign_text_typed_pasted_and_imported_reaches_the_pty_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).to_str().expect("UTF-8").to_string();
    std::fs::write(path("mallory.kp"), Foreign::new(IDENTITY).key_package()).expect("write");
    let mut lab = spawn_in(120, 40, &[], dir.path());
    lab.wait_ready();

    command(&mut lab, "import-key-package mallory.kp --as mallory");
    // Waits look for plain words only: the check is the bytes, at the end.
    lab.wait_for("the imported client", TIMEOUT, |s| s.contains("mallory"));
    for line in [
        "alice create-group team",
        "alice claim mallory",
        "alice add mallory --to team",
    ] {
        command(&mut lab, line);
    }
    lab.wait_for("mallory outside team", TIMEOUT, |s| s.contains("outside"));
    command(&mut lab, "carol generate");
    command(&mut lab, "carol export-key-package @1 --to carol.kp");
    lab.wait_until("the exported key package", TIMEOUT, |_| {
        std::fs::metadata(path("carol.kp")).is_ok_and(|m| m.len() > 0)
    });
    let welcome = Foreign::new(IDENTITY).welcome(
        IDENTITY.as_bytes(),
        &std::fs::read(path("carol.kp")).expect("read"),
    );
    std::fs::write(path("foreign.welcome"), welcome).expect("write");
    command(&mut lab, "carol join --welcome foreign.welcome");
    lab.wait_for("carol in the foreign group", TIMEOUT, |s| {
        s.contains("Groups (2)")
    });

    // Typed at the prompt (no newline or Esc: those are keys), then pasted.
    lab.press(b":");
    lab.press("alice add eve\u{202e}gpj\u{200b}\u{200d}\u{2060}\u{feff}\u{9b}x ".as_bytes());
    lab.press(b"\x1b[200~");
    lab.press(IDENTITY.as_bytes());
    lab.press(b"\x1b[201~");
    // The line scrolls to the cursor at its end: the pasted text shows.
    lab.wait_for("the prompt's echo", TIMEOUT, |s| s.contains("pwned"));
    lab.press(b"\r");
    lab.wait_for("the error quoting the line", TIMEOUT, |s| s.contains("✗"));

    // The prompt stays open with its error: Esc closes it.
    lab.press(b"\x1b");
    lab.wait_for("the prompt closed", TIMEOUT, |s| !s.contains("Esc  cancel"));
    // mallory's key package in the inspector, its panel zoomed (mallory is
    // the last client).
    for _ in 0..5 {
        lab.press(b"\x1b[C");
    }
    lab.wait_for("mallory selected", TIMEOUT, |s| {
        s.contains("Key packages of mallory")
    });
    lab.press(b"\t");
    lab.wait_for("mallory's key package inspected", TIMEOUT, |s| {
        s.contains("Inspector: key package")
    });
    lab.press(b"z");
    lab.wait_for("the zoomed panel", TIMEOUT, |s| !s.contains("Timeline ("));
    lab.press(b"z");
    lab.wait_for("the whole lab", TIMEOUT, |s| s.contains("Timeline ("));
    lab.quit_and_check_restored();

    let output = lab.output().raw.clone();
    let problems = raw_bytes(&output);
    assert!(
        problems.is_empty(),
        "{} problem(s), the first: {:#?}",
        problems.len(),
        &problems[..problems.len().min(12)]
    );
    // The foreign text was on screen, escaped.
    let text = String::from_utf8_lossy(&output);
    assert!(text.contains("\\u{202e}"), "never shown escaped");
}
