//! Foreign bytes never reach a cell of the screen raw: a credential identity, a
//! foreign group member, file names, typed and pasted prompt text and the error
//! messages that quote them, each holding a newline, an escape sequence, bidi
//! overrides and zero-width characters, are drawn escaped (`\u{202e}`) in every
//! panel, zoomed, in the help, the inspector, the hex view and the why pane.
//! This checks the sources; the terminal layer refuses such characters again.

use crate::harness::*;
use crate::hostile_support::*;

/// The cells holding a hidden character, as `(x, y, symbol)`.
pub fn hidden_cells(buffer: &Buffer) -> Vec<(u16, u16, String)> {
    let area = buffer.area;
    let mut found = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let symbol = buffer[(x, y)].symbol();
            if symbol.chars().any(is_hidden) {
                found.push((x, y, symbol.escape_unicode().to_string()));
            }
        }
    }
    found
}

/// A lab holding hostile text everywhere input can put it.
fn hostile_lab(dir: &std::path::Path) -> Lab {
    let quoted =
        |p: std::path::PathBuf| shell_words::quote(p.to_str().expect("UTF-8")).into_owned();
    let mallory = dir.join("mallory.kp");
    std::fs::write(&mallory, Foreign::new(HOSTILE).key_package()).expect("write");
    // Another whose identity is a lab client's name.
    let impostor = dir.join("impostor.kp");
    std::fs::write(&impostor, Foreign::new("bob").key_package()).expect("write");
    let mut lab = lab();
    let exported = dir.join(format!("carol{}.kp", in_a_line()));
    lab.run(&[
        &format!("import-key-package {} --as mallory", quoted(mallory)),
        &format!("import-key-package {} --as impostor", quoted(impostor)),
        "alice create-group team",
        "alice claim mallory",
        "alice add mallory --to team",
        "bob generate",
        "bob publish --all",
        "alice claim impostor",
        "alice add impostor --to team",
        "alice claim bob",
        "alice add bob --to team",
        "deliver",
        "carol generate",
        &format!(
            "carol export-key-package @1 --to {}",
            quoted(exported.clone())
        ),
    ]);
    // A group made elsewhere by a member with the hostile identity.
    let welcome = Foreign::new(HOSTILE).welcome(
        HOSTILE.as_bytes(),
        &std::fs::read(&exported).expect("the exported key package"),
    );
    let welcome_file = dir.join(format!("w{}", in_a_line()));
    std::fs::write(&welcome_file, welcome).expect("write");
    lab.run(&[&format!("carol join --welcome {}", quoted(welcome_file))]);
    // Failures that quote input.
    let missing = dir.join(format!("missing{}", in_a_line()));
    lab.run(&[&format!("import-key-package {} --as x", quoted(missing))]);
    // Typed into the prompt and pasted into it, then run: the echo, the error.
    lab.press(KeyCode::Char(':'));
    lab.type_text(&format!("alice add {HOSTILE}"));
    lab.app.update(Msg::Paste(HOSTILE.to_string()));
    lab
}

#[test]
fn no_hidden_character_reaches_a_cell() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lab = hostile_lab(dir.path());
    let mut seen = Vec::new();
    let check = |lab: &mut Lab, what: &str, seen: &mut Vec<String>| {
        for (width, height) in [(80, 24), (100, 30), (140, 45)] {
            lab.app.update(Msg::Resize(width, height));
            let buffer = lab.buffer(width, height);
            let found = hidden_cells(&buffer);
            assert!(
                found.is_empty(),
                "{what} at {width}x{height}: {found:?}\n{}",
                text(&buffer)
            );
            seen.push(text(&buffer));
        }
    };
    // The prompt with typed and pasted text, then its error.
    check(&mut lab, "the prompt's echo", &mut seen);
    lab.press(KeyCode::Enter);
    check(&mut lab, "the prompt's error", &mut seen);
    lab.press(KeyCode::Esc);
    // Each client (the inspector follows it), each panel focused, each of its
    // first rows picked (the inspector shows it) and the panel zoomed.
    for client in ["mallory", "impostor", "carol", "alice"] {
        lab.select_client(client);
        check(&mut lab, &format!("client {client}"), &mut seen);
        for panel in Panel::ALL {
            while lab.app.focus() != panel {
                lab.press(KeyCode::Tab);
            }
            lab.press(KeyCode::Home);
            for row in 0..4 {
                check(
                    &mut lab,
                    &format!("{client}: {panel:?} row {row}"),
                    &mut seen,
                );
                lab.press(KeyCode::Down);
            }
            lab.press(KeyCode::Char('z'));
            check(&mut lab, &format!("{client}: {panel:?} zoomed"), &mut seen);
            lab.press(KeyCode::Char('z'));
        }
    }
    // The timeline: every event selected in turn, with its why and hex view.
    while lab.app.focus() != Panel::Timeline {
        lab.press(KeyCode::Tab);
    }
    lab.press(KeyCode::Home);
    let mut rows = std::collections::BTreeSet::new();
    for row in 0..lab.app.events().len() {
        rows.insert(lab.app.timeline_row());
        check(&mut lab, &format!("event {row}"), &mut seen);
        lab.press(KeyCode::Char('y'));
        check(&mut lab, &format!("event {row} with why"), &mut seen);
        lab.press(KeyCode::Char('.'));
        check(&mut lab, &format!("event {row} with more why"), &mut seen);
        lab.press(KeyCode::Char('y'));
        lab.press(KeyCode::Char('x'));
        check(&mut lab, &format!("event {row} in hex"), &mut seen);
        if lab.app.hex_view().is_some() {
            lab.press(KeyCode::Esc);
        }
        while lab.app.focus() != Panel::Timeline {
            lab.press(KeyCode::Tab);
        }
        lab.press(KeyCode::Down);
    }
    assert_eq!(rows.len(), lab.app.events().len(), "every event was picked");
    lab.app.present();
    check(&mut lab, "presenting", &mut seen);
    lab.press(KeyCode::Char('?'));
    check(&mut lab, "the help", &mut seen);
    // The hostile text did reach the screen, escaped.
    assert!(
        seen.iter().any(|screen| screen.contains("\\u{202e}")),
        "never shown escaped"
    );
}

/// An external member is `NAME ext=IDENTITY` wherever the groups panel lists
/// it, even when its identity is a lab client's name (that one used to vanish:
/// the panel matched tree members by identity, and `bob` had joined).
#[test]
fn an_external_member_is_always_name_ext_identity() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lab = hostile_lab(dir.path());
    lab.press(KeyCode::Esc);
    let screen = lab.screen(140, 45);
    // The groups panel's rows, not the clients panel's marks.
    let groups: Vec<&str> = screen
        .lines()
        .skip_while(|line| !line.contains("Groups ("))
        .map(|line| line.split('│').nth(1).unwrap_or(""))
        .collect();
    let outside = |label: &str| {
        groups
            .iter()
            .any(|row| row.starts_with(&format!(" {label}")))
    };
    assert!(outside("impostor ext=bob"), "{screen}");
    assert!(outside("mallory ext=eve\\n"), "{screen}");
    assert!(
        outside("ext=eve\\n"),
        "the foreign group's creator\n{screen}"
    );
    let team = lab
        .app
        .view()
        .groups
        .iter()
        .find(|g| g.name == "team")
        .expect("team");
    assert!(team.invited.is_empty(), "{team:?}");
}

/// A lesson whose comments and lines carry hostile text: its hint, caption,
/// the line it runs and the failure it meets are drawn escaped.
#[test]
fn a_lessons_captions_and_lines_are_drawn_escaped() {
    let mut lab = lab();
    let hostile = in_a_line();
    let source = format!(
        "# {hostile} comes first\nbob generate\n# then {hostile}\nimport-key-package 'no{hostile}' --as x\nexpect error CannotRead\n"
    );
    let lesson = app::lesson_from(&format!("lesson{hostile}"), &source).expect("parses");
    lab.app.load_lesson(lesson);
    for step in 0..3 {
        for (width, height) in [(80, 24), (120, 40)] {
            lab.app.update(Msg::Resize(width, height));
            let buffer = lab.buffer(width, height);
            let found = hidden_cells(&buffer);
            assert!(
                found.is_empty(),
                "step {step} at {width}x{height}: {found:?}\n{}",
                text(&buffer)
            );
        }
        lab.press(KeyCode::Char(' '));
    }
}

/// An error quoting escaped input is longer than the input: the rows under
/// the prompt are sized from the note as drawn, so none of it is cut.
#[test]
fn a_prompt_error_quoting_escaped_input_is_shown_whole() {
    let mut lab = lab();
    lab.press(KeyCode::Char(':'));
    lab.type_text(&format!("zz{}", "\u{202e}".repeat(4)));
    lab.press(KeyCode::Enter);
    let note = lab
        .app
        .prompt()
        .and_then(|prompt| prompt.note())
        .expect("the line was refused")
        .text();
    assert!(note.chars().count() > 240, "{note}");
    for (width, height) in [(80, 24), (100, 30)] {
        lab.app.update(Msg::Resize(width, height));
        let screen = lab.screen(width, height);
        // Compared without spaces: a word wider than a row is broken inside.
        let shown: String = screen.chars().filter(|c| !c.is_whitespace()).collect();
        let wanted: String = note.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            shown.contains(&wanted),
            "{width}x{height}: {note}\n{screen}"
        );
    }
}
