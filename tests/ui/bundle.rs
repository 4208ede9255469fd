//! The inspector's bundle and reference sections (teaching §4) and its hex
//! view (`x`, exploratory testing §1), against the real engine.

use crate::harness::*;

/// The inspector's text, its lines joined (a wrapped line reads whole).
fn inspector(lab: &mut Lab, width: u16, height: u16) -> String {
    lab.app.update(Msg::Resize(width, height));
    let area = lab
        .app
        .areas(Rect::new(0, 0, width, height))
        .get(Panel::Inspector)
        .expect("the inspector is shown");
    let buffer = lab.buffer(width, height);
    let mut out = String::new();
    for y in area.top() + 1..area.bottom() - 1 {
        for x in area.left() + 1..area.right() - 1 {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// bob's first key package followed, the inspector zoomed and scrolled to its end.
fn bob_inspected(lines: &[&str]) -> Lab {
    let mut lab = lab();
    lab.run(lines);
    lab.select_client("bob");
    while lab.app.focus() != Panel::KeyPackages {
        lab.press(KeyCode::Tab);
    }
    lab.press(KeyCode::Home);
    lab
}

#[test]
fn the_inspector_shows_the_bundle_redacted_and_the_reference_recomputed() {
    let mut lab = bob_inspected(&["bob generate"]);
    let bundle = lab
        .app
        .bundle()
        .expect("the engine sent the bundle")
        .clone();
    let stored = bundle.bundle.clone().expect("in storage");
    while lab.app.focus() != Panel::Inspector {
        lab.press(KeyCode::Tab);
    }
    lab.press(KeyCode::Char('z'));
    // The last page: the section and the reference to the last line.
    lab.press(KeyCode::End);
    let text = inspector(&mut lab, 100, 30);
    for shown in [
        "private bundle, as the storage holds it",
        "✓ the storage key is the reference's bytes",
        "init_private_key",
        "(redacted)",
        "reference, RFC 9420 §5.2",
        "SHA-256(\"MLS 1.0 KeyPackage Reference\", KeyPackage)",
        "= the stored reference ✓",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    let init = &stored.private_keys[0];
    assert!(
        text.contains(&format!(
            "{} bytes, SHA-256 {}…",
            init.len, init.fingerprint
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{} bytes: RefHashInput",
            bundle.reference.input_len
        )),
        "{text}"
    );
    // Scrolling counts exactly the rows drawn, the new ones included: End
    // stops at the last page.
    let last = lab.app.rows(Panel::Inspector) - 1;
    assert_eq!(lab.app.cursor(Panel::Inspector), last);
    let (_, height) = lab.app.inspector_size();
    assert_eq!(last, lab.app.inspector_len() - height);
}

#[test]
fn a_consumed_bundle_is_shown_gone() {
    let mut lab = bob_inspected(&[
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
    ]);
    let bundle = lab.app.bundle().expect("the bundle view").clone();
    assert_eq!(bundle.bundle, None, "the join consumed it");
    assert!(bundle.reference.matches());
    while lab.app.focus() != Panel::Inspector {
        lab.press(KeyCode::Tab);
    }
    lab.press(KeyCode::Char('z'));
    lab.press(KeyCode::End);
    let text = inspector(&mut lab, 100, 30);
    assert!(
        text.contains("private bundle, as the storage holds it"),
        "{text}"
    );
    assert!(
        text.contains("no: consumed by a join, or deleted"),
        "{text}"
    );
}

#[test]
fn x_shows_the_bytes_of_the_selected_field_highlighted() {
    let mut lab = bob_inspected(&["bob generate"]);
    lab.press(KeyCode::Char('x'));
    assert!(lab.app.shows_hex());
    assert_eq!(
        lab.app.focus(),
        Panel::Inspector,
        "the inspector takes the keys"
    );
    let hex = lab.app.hex_view().expect("the key package's bytes").clone();
    let encoded = lab.app.bundle().expect("bundle").encoded.clone();
    assert_eq!(hex.bytes, encoded);
    assert_eq!(lab.app.rows(Panel::Inspector), hex.fields.len());
    // Walk to the init key: 2 bytes version, 2 suite, then init_key<V>.
    let target = hex
        .fields
        .iter()
        .position(|f| f.path == "init_key")
        .expect("an init_key field");
    for _ in 0..target {
        lab.press(KeyCode::Down);
    }
    let field = hex.fields[target].clone();
    assert_eq!(field.offset, 4);
    for (width, height) in [(80, 24), (100, 30)] {
        let screen = lab.screen(width, height);
        assert!(
            screen.contains(&format!(
                "init_key @4 +{} of {}",
                field.len,
                hex.bytes.len()
            )),
            "{screen}"
        );
        let buffer = lab.buffer(width, height);
        let theme = Theme::of(lab.app.theme());
        let area = lab
            .app
            .areas(Rect::new(0, 0, width, height))
            .get(Panel::Inspector)
            .expect("the inspector");
        // Every byte of the field is drawn in the highlight, and no other byte.
        let lit: usize = (area.top()..area.bottom())
            .flat_map(|y| (area.left()..area.right()).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let cell = &buffer[(x, y)];
                cell.bg == theme.follow.bg.unwrap_or(Color::Reset)
                    && cell.symbol().chars().all(|c| c.is_ascii_hexdigit())
                    && cell.symbol() != " "
            })
            .count();
        assert_eq!(lit, field.len * 2, "{width}x{height}\n{screen}");
    }
    lab.press(KeyCode::Char('x'));
    assert!(!lab.app.shows_hex());
}

#[test]
fn x_without_a_key_package_says_what_to_do() {
    let mut lab = lab();
    lab.press(KeyCode::Char('x'));
    assert!(!lab.app.shows_hex());
    let toast = lab.app.toasts().last().expect("a toast");
    assert!(toast.text.contains("select one"), "{}", toast.text);
}

/// `x` on a Welcome picked in the timeline: the `MLSMessage` the DS carried, its
/// header first, and a `new_member` reference's bytes highlighted where they sit.
#[test]
fn x_on_a_welcome_shows_its_bytes_and_the_new_member_highlighted() {
    let mut lab = lab();
    lab.run(&[
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
    ]);
    let details = pick_first_welcome(&mut lab);
    lab.press(KeyCode::Char('x'));
    assert!(lab.app.shows_hex(), "x on a Welcome shows its bytes");
    let hex = lab.app.hex_view().expect("the Welcome's bytes").clone();
    assert_eq!(hex.bytes, details.encoded);
    assert_eq!(hex.fields[0].path, "version");
    let target = hex
        .fields
        .iter()
        .position(|f| f.path.ends_with("new_member"))
        .expect("a new_member field");
    let field = hex.fields[target].clone();
    // The reference's bytes, after their one-byte length prefix.
    let at = field.offset + 1;
    assert_eq!(
        hex::encode(&hex.bytes[at..field.offset + field.len]),
        details.secrets[0].new_member.to_string()
    );
    for _ in 0..target {
        lab.press(KeyCode::Down);
    }
    for (width, height) in [(80, 24), (100, 30)] {
        let screen = lab.screen(width, height);
        assert!(screen.contains("Welcome to team (hex)"), "{screen}");
        assert!(screen.contains("new_member @"), "{screen}");
    }
}

/// A Welcome to two joiners, picked in the timeline and zoomed: each
/// `secrets[]` entry names its joiner's reference and the init_key it is sealed
/// to, and the joiner's stored bundle that opens it, the key redacted.
#[test]
fn the_welcome_inspector_shows_each_entry_sealed_to_its_joiners_init_key() {
    let mut lab = lab();
    lab.run(&[
        "bob generate",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
    ]);
    let details = pick_first_welcome(&mut lab);
    assert_eq!(details.secrets.len(), 2);
    while lab.app.focus() != Panel::Inspector {
        lab.press(KeyCode::Tab);
    }
    lab.press(KeyCode::Char('z'));
    for (width, height) in [(80, 24), (100, 30)] {
        let text = inspector(&mut lab, width, height);
        assert!(text.contains("HPKE-sealed"), "{text}");
        assert!(text.contains("RFC 9420 §12.4.3.1"), "{text}");
        for (i, owner) in ["bob", "carol"].iter().enumerate() {
            let entry = &details.secrets[i];
            assert_eq!(entry.owner.as_deref(), Some(*owner));
            let reference = entry.new_member.short();
            let init_key = entry.init_key.as_deref().expect("the lab holds it");
            for shown in [
                format!("[{i}] new_member {reference} of {owner}"),
                format!("sealed to init_key {} of {reference}", &init_key[..8]),
                format!("{owner}'s bundle opens it: init_private_key (redacted)"),
            ] {
                assert!(text.contains(&shown), "{width}x{height}: {shown} in {text}");
            }
        }
    }
}

/// The inspector's rows inside its border, each trimmed.
fn inspector_rows(lab: &mut Lab, width: u16, height: u16) -> Vec<String> {
    lab.app.update(Msg::Resize(width, height));
    let area = lab
        .app
        .areas(Rect::new(0, 0, width, height))
        .get(Panel::Inspector)
        .expect("the inspector is shown");
    let buffer = lab.buffer(width, height);
    (area.top() + 1..area.bottom() - 1)
        .map(|y| {
            (area.left() + 1..area.right() - 1)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Every field's heading in the hex view, of a key package and of a Welcome,
/// at 80×24 and 100×30: its whole path, its position and its value are on
/// screen above the bytes, and nothing is cut with `…`.
#[test]
fn hex_headings_are_never_cut_at_talk_sizes() {
    let mut lab = lab();
    lab.run(&[
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
    ]);
    // A word wider than the panel (a suite's name at 80 columns) goes on over
    // two rows: compared without spaces.
    let words = |s: &str| s.split_whitespace().collect::<String>();
    let check = |lab: &mut Lab, what: &str| {
        let hex = lab.app.hex_view().expect("the bytes").clone();
        for (index, field) in hex.fields.iter().enumerate() {
            assert_eq!(lab.app.hex_field(), index, "{what}");
            for (width, height) in [(80, 24), (100, 30)] {
                let rows = inspector_rows(lab, width, height);
                // The heading is at most four rows; the bytes follow.
                let first_bytes = rows
                    .iter()
                    .position(|r| {
                        // `0078  00 02 …`: an offset, two spaces, the bytes.
                        let c: Vec<char> = r.chars().collect();
                        c.len() > 6
                            && c[..4].iter().all(char::is_ascii_hexdigit)
                            && c[4..6] == [' ', ' ']
                    })
                    .unwrap_or(rows.len());
                assert!(first_bytes <= 4, "{what} {width}x{height}: {rows:#?}");
                let heading = words(&rows[..first_bytes].join(" "));
                let position = format!("@{} +{} of {}", field.offset, field.len, hex.bytes.len());
                for shown in [
                    field.path.clone(),
                    position,
                    field.value.clone().unwrap_or_default(),
                ] {
                    assert!(
                        heading.contains(&words(&shown)),
                        "{what} {width}x{height}: {shown:?} in {heading:?}"
                    );
                }
                assert!(!heading.contains('…'), "{what} {width}x{height}: {heading}");
            }
            lab.press(KeyCode::Down);
        }
    };
    // bob's key package, from the key packages panel.
    lab.select_client("bob");
    while lab.app.focus() != Panel::KeyPackages {
        lab.press(KeyCode::Tab);
    }
    lab.press(KeyCode::Home);
    lab.press(KeyCode::Char('x'));
    check(&mut lab, "key package");
    lab.press(KeyCode::Char('x'));
    // The Welcome, from the timeline.
    select_first_welcome(&mut lab);
    lab.press(KeyCode::Char('x'));
    check(&mut lab, "Welcome");
}

/// Puts the timeline's cursor on its first `welcome_sent` row.
fn select_first_welcome(lab: &mut Lab) {
    let welcome = lab
        .app
        .events()
        .iter()
        .position(|e| e.kind.name() == "welcome_sent")
        .expect("a welcome_sent event");
    lab.app.set_focus(Panel::Timeline);
    lab.press(KeyCode::Home);
    for _ in 0..welcome {
        lab.press(KeyCode::Down);
    }
}

/// Picks the first `welcome_sent` row of the timeline; the Welcome the
/// inspector then shows.
fn pick_first_welcome(lab: &mut Lab) -> Box<mls_lab::engine::WelcomeDetails> {
    select_first_welcome(lab);
    let Some(Inspection::Welcome(details)) = lab.app.inspection().cloned() else {
        panic!("inspector shows {:?}", lab.app.inspection());
    };
    details
}
