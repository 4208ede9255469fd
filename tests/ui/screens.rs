//! Whole screens: the start, the main screen after a join, last-resort reuse, help, the status bar, small terminals and themes.

use crate::harness::*;

#[test]
fn starts_with_four_clients_an_empty_ds_and_a_hint() {
    let mut lab = lab();
    let names: Vec<&str> = lab
        .app
        .view()
        .clients
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol", "dave"]);
    assert!(lab
        .app
        .view()
        .clients
        .iter()
        .all(|c| c.key_packages.is_empty()));
    assert!(lab
        .app
        .view()
        .ds
        .clients
        .values()
        .all(|d| d.normal.is_empty() && d.last_resort.is_empty()));
    let screen = lab.screen(80, 24);
    assert!(screen.contains("Press g to generate"), "{screen}");
    insta::assert_snapshot!("start_80x24", lab.masked(&screen));
}
#[test]
fn last_resort_reuse_gets_a_badge_and_a_counter() {
    let mut lab = lab();
    lab.run(&[
        "bob generate --last-resort",
        "bob publish --all",
        "alice claim bob",
        "carol claim bob",
        "dave claim bob",
    ]);
    assert_eq!(lab.app.reuses(), 2);
    lab.select_client("bob");
    let screen = lab.screen(100, 30);
    assert!(screen.contains("last-resort reuses 2"), "{screen}");
    assert!(screen.contains("LR↻2"), "{screen}");
    assert!(screen.contains("↻ reuse"), "{screen}");
    insta::assert_snapshot!("last_resort_reuse_100x30", lab.masked(&screen));
}
#[test]
fn main_screen_after_a_join_at_80x24_and_wide() {
    let mut lab = lab();
    lab.run(&[
        "bob generate 2",
        "bob generate --last-resort",
        "bob publish --all",
        "carol generate",
        "carol publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
        "deliver",
    ]);
    lab.select_client("bob");
    let small = lab.screen(80, 24);
    assert!(small.contains("joined team"), "{small}");
    insta::assert_snapshot!("main_80x24", lab.masked(&small));
    let wide = lab.screen(160, 48);
    assert!(wide.contains("in sync"), "{wide}");
    assert!(wide.contains("used to join team"), "{wide}");
    insta::assert_snapshot!("main_160x48", lab.masked(&wide));
}

#[test]
fn help_overlay_lists_every_declared_action() {
    let mut lab = lab();
    lab.press(KeyCode::Char('?'));
    assert!(lab.app.show_help());
    let screen = lab.screen(100, 40);
    // On a wide screen the actions stand in two columns: read one, then the other.
    let text = words(&columns(&help_rows(&screen)).join(" "));
    for spec in ACTIONS {
        assert!(
            text.contains(&words(spec.help)),
            "help lacks {:?}\n{screen}",
            spec.action
        );
    }
    insta::assert_snapshot!("help_100x40", screen);
    lab.press(KeyCode::Char('x'));
    assert!(!lab.app.show_help(), "any key closes help");

    // At 80×24 it scrolls, and every action can be reached.
    lab.press(KeyCode::Char('?'));
    let mut seen = String::new();
    for _ in 0..40 {
        seen.push_str(&lab.screen(80, 24));
        lab.press(KeyCode::Down);
    }
    assert!(lab.app.show_help(), "the arrows scroll, they do not close");
    for spec in ACTIONS {
        let start: String = spec.help.chars().take(40).collect();
        assert!(
            seen.contains(&start),
            "help at 80×24 never shows {:?}",
            spec.action
        );
    }
    assert!(seen.contains("↑↓ scroll"));
    lab.press(KeyCode::Esc);
    assert!(!lab.app.show_help());
}

#[test]
fn the_status_bar_is_generated_from_the_declarations() {
    let mut lab = lab();
    let screen = lab.screen(200, 30);
    let status = screen.lines().nth(29).unwrap();
    for spec in ACTIONS.iter().filter(|s| s.status) {
        assert!(
            status.contains(spec.label),
            "status bar lacks {}: {status}",
            spec.label
        );
    }
}

#[test]
fn below_80x24_the_screen_asks_for_a_larger_terminal_and_recovers() {
    let mut lab = lab();
    let screen = lab.screen(60, 20);
    assert!(screen.contains("enlarge the terminal"), "{screen}");
    assert!(screen.contains("60×20"), "{screen}");
    insta::assert_snapshot!("too_small", screen);
    let screen = lab.screen(80, 24);
    assert!(screen.contains("Key packages of alice"), "{screen}");
}

#[test]
fn monochrome_marks_the_followed_reference_with_modifiers_not_colour() {
    let mut lab = lab_with(
        Settings {
            speed: Duration::ZERO,
            theme: ThemeName::Mono,
            suite: 1,
            ..Settings::default()
        },
        "alice bob",
    );
    lab.run(&["alice generate 2"]);
    lab.press(KeyCode::Down);
    let followed = lab.app.followed().cloned().expect("following");
    let buffer = lab.buffer(80, 24);
    let reversed = cells_with(&buffer, &short(&followed), |c| {
        c.modifier.contains(Modifier::REVERSED) && c.fg == Color::Reset && c.bg == Color::Reset
    });
    assert!(reversed >= 2, "{reversed}\n{}", text(&buffer));
    let coloured = buffer
        .content()
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        .count();
    assert_eq!(coloured, 0, "monochrome uses no colour");
}

#[test]
fn t_cycles_through_the_themes() {
    let mut lab = lab();
    let mut seen = vec![lab.app.theme()];
    for _ in 0..4 {
        lab.press(KeyCode::Char('t'));
        seen.push(lab.app.theme());
    }
    assert_eq!(
        seen,
        [
            ThemeName::Dark,
            ThemeName::Light,
            ThemeName::HighContrast,
            ThemeName::Mono,
            ThemeName::Dark
        ]
    );
}

/// On the selected row, the followed reference keeps its own colours (in the dark
/// theme it used to be black on the row's dark blue).
#[test]
fn the_followed_reference_stays_readable_on_a_selected_row() {
    for name in [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast] {
        let mut lab = lab();
        lab.run(&["alice generate"]);
        while lab.app.theme() != name {
            lab.press(KeyCode::Char('t'));
        }
        lab.app.set_focus(Panel::KeyPackages);
        lab.press(KeyCode::Home);
        let full = lab.client("alice").key_packages[0].kp_ref.clone();
        assert_eq!(lab.app.followed(), Some(&full));
        let theme = Theme::of(name);
        let buffer = lab.buffer(100, 30);
        let readable = cells_with(&buffer, &short(&full), |c| {
            Some(c.bg) == theme.follow.bg && Some(c.fg) == theme.follow.fg
        });
        assert!(
            readable >= 2,
            "{name:?}: {readable} places\n{}",
            text(&buffer)
        );
        let ratio = mls_lab::ui::theme::contrast(
            theme.follow.fg.unwrap_or(Color::Reset),
            theme.follow.bg.unwrap_or(Color::Reset),
        );
        assert!(ratio.is_some_and(|r| r >= 4.5), "{name:?}: {ratio:?}");
    }
}

/// The text of one panel (inside its border) on a screen of `width`×`height`.
fn panel_text(lab: &mut Lab, panel: Panel, width: u16, height: u16) -> String {
    lab.app.update(Msg::Resize(width, height));
    let area = lab
        .app
        .areas(Rect::new(0, 0, width, height))
        .get(panel)
        .expect("the panel is shown");
    let buffer = lab.buffer(width, height);
    (area.y + 1..area.bottom() - 1)
        .map(|y| {
            let row: String = (area.x + 1..area.right() - 1)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            format!("{}\n", row.trim_end())
        })
        .collect()
}

#[test]
fn key_package_states_are_never_cut_at_talk_sizes() {
    let mut lab = lab();
    lab.run(&[
        "bob generate 2",
        "bob generate --last-resort",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "alice create-group study",
        "alice add bob --to study",
        "carol create-group lunch",
        "carol add bob --to lunch",
        "carol create-group music",
        "carol add bob --to music",
        "bob join",
    ]);
    lab.select_client("bob");
    for (width, height) in [(80, 24), (100, 30)] {
        let table = panel_text(&mut lab, Panel::KeyPackages, width, height);
        for state in ["joined team", "joined study", "kept, 2 joins"] {
            assert!(
                table.contains(state),
                "{state} at {width}x{height}:\n{table}"
            );
        }
        for column in ["ref", "state", "badge", "bundle", "life"] {
            assert!(table.lines().next().unwrap_or_default().contains(column));
        }
        assert!(table.contains("LR↻1"), "{table}");
        assert!(!table.contains('…'), "something was cut:\n{table}");
        if width == 80 {
            insta::assert_snapshot!("key_packages_after_reuse_80x24", lab.masked(&table));
        }
    }
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Rows of the overlay as it reads: the rows in two columns (a `│` between
/// them), left column first, then the right one, then the rows after them.
fn columns(rows: &[String]) -> Vec<String> {
    let split: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|row| match row.split_once(" │ ") {
            Some((left, right)) => (left.to_string(), Some(right.to_string())),
            None => (row.clone(), None),
        })
        .collect();
    let mut out: Vec<String> = split
        .iter()
        .filter(|(_, right)| right.is_some())
        .map(|(left, _)| left.clone())
        .collect();
    out.extend(split.iter().filter_map(|(_, right)| right.clone()));
    out.extend(
        split
            .iter()
            .filter(|(_, right)| right.is_none())
            .map(|(row, _)| row.clone()),
    );
    out
}

/// The rows inside the help overlay's double border.
fn help_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|line| {
            let start = line.find('║')?;
            let end = line.rfind('║')?;
            (end > start).then(|| line[start + '║'.len_utf8()..end].to_string())
        })
        .collect()
}

#[test]
fn the_help_overlay_wraps_every_entry_instead_of_cutting_it() {
    for (width, height) in [(80, 24), (100, 30)] {
        let mut lab = lab();
        lab.press(KeyCode::Char('?'));
        // The whole overlay, page by page: each scroll adds its last row.
        let mut all = help_rows(&lab.screen(width, height));
        for _ in 0..300 {
            lab.press(KeyCode::Down);
            let rows = help_rows(&lab.screen(width, height));
            if rows == all[all.len() - rows.len()..] {
                break;
            }
            all.push(rows.last().cloned().unwrap_or_default());
        }
        let text = words(&columns(&all).join(" "));
        let mut helps: Vec<&str> = ACTIONS.iter().map(|a| a.help).collect();
        helps.extend(app::action::PROMPT_KEYS.iter().map(|(_, _, help)| *help));
        helps.extend(mls_lab::command::vocabulary().iter().map(|v| v.help));
        for help in helps {
            assert!(
                text.contains(&words(help)),
                "{width}x{height}: the help shows {help:?} cut or not at all:\n{}",
                all.join("\n")
            );
        }
        assert!(text.contains("↻ reuses"), "the DS legend");
    }
}
