//! The UI never waits for the engine: progress, stopping, an idle lab drawing nothing, travelling messages.

use crate::harness::*;

#[test]
fn thousands_of_key_packages_run_off_the_ui_with_progress_and_can_be_stopped() {
    let mut lab = lab();
    let effects = lab.app.update(Msg::Action(Action::Prompt));
    assert!(effects.is_empty());
    lab.app
        .update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    // 10,000 asked (the most a line may ask), so that the batch outlasts the test's
    // keys even on a fast machine; it is stopped early.
    let request = App::run_request("generate", &["alice generate 10000"]).unwrap();
    let Effect::Send(request) = lab.app.track(request) else {
        panic!("a run is sent");
    };
    assert!(lab.worker.send(request));
    // update() returned at once; the engine reports progress while the UI answers keys.
    let mut progress = 0;
    let mut answered = false;
    loop {
        let report = lab.worker.recv_blocking().expect("report");
        let idle = matches!(report, Report::Idle { .. });
        if let Report::Progress { done, total, .. } = &report {
            assert_eq!(*total, 10_000);
            progress = progress.max(*done);
        }
        let effects = lab.app.update(Msg::Report(report));
        for effect in effects {
            if let Effect::Send(request) = effect {
                lab.worker.send(request);
            }
        }
        if progress >= 20 && !answered {
            assert!(
                lab.app.progress().is_some(),
                "a progress indicator is shown"
            );
            let screen = lab.screen(120, 30);
            assert!(screen.contains("/10000"), "{screen}");
            let small = lab.screen(80, 24);
            assert!(
                small.lines().next().unwrap().contains("/10000"),
                "the progress shows at 80 columns too\n{small}"
            );
            // A key is answered while the batch runs...
            lab.app.update(Msg::Key(KeyEvent::new(
                KeyCode::Char('t'),
                KeyModifiers::NONE,
            )));
            assert_eq!(lab.app.theme(), ThemeName::Light);
            // ...and Esc stops the batch.
            let effects = lab.app.update(Msg::Action(Action::Escape));
            assert_eq!(effects, vec![Effect::Cancel]);
            lab.worker.cancel();
            answered = true;
        }
        if idle {
            break;
        }
    }
    assert!(answered, "progress was reported");
    let made = lab.client("alice").key_packages.len();
    assert!(
        (20..10_000).contains(&made),
        "{made} generated before the stop"
    );
    // The session keeps what was done, not what was asked.
    let stopped = lab.app.session().last().map(|l| l.outcome.clone());
    assert_eq!(
        stopped,
        Some(app::LineOutcome::Stopped(Some(format!(
            "alice generate {made}"
        ))))
    );
    let saved = lab.app.session_scenario();
    assert!(
        saved.contains(&format!("\nalice generate {made}\n")),
        "{saved}"
    );
    assert!(saved.contains(&format!("expect alice inventory {made}")));
    assert!(lab.app.progress().is_none());
}

#[test]
fn nothing_is_due_and_nothing_redraws_while_nothing_changes() {
    let mut lab = lab();
    lab.run(&["alice generate"]);
    // New items flash; once the flash is over, no frame is due.
    assert!(lab.app.next_deadline().is_some());
    let later = lab.app.now() + Duration::from_secs(10);
    lab.app.update(Msg::Tick(later));
    assert_eq!(lab.app.next_deadline(), None);
    lab.app.mark_drawn();
    lab.app
        .update(Msg::Key(KeyEvent::new(KeyCode::F(9), KeyModifiers::NONE)));
    assert!(!lab.app.is_dirty(), "an unbound key changes nothing");
    lab.app.update(Msg::Tick(later + Duration::from_secs(1)));
    assert!(!lab.app.is_dirty(), "an idle tick changes nothing");
    // Progress alone changes the screen (the header's bar): a frame is due.
    lab.app.update(Msg::Report(Report::Progress {
        label: "generate".into(),
        done: 1,
        total: 2,
    }));
    assert!(lab.app.is_dirty(), "progress redraws");
}

#[test]
fn messages_travel_along_the_timeline_at_the_configured_speed() {
    let mut lab = lab_with(
        Settings {
            speed: Duration::from_millis(500),
            ..Settings::default()
        },
        "alice bob",
    );
    let start = lab.app.now();
    // Land the registrations first.
    lab.app.update(Msg::Tick(start + Duration::from_secs(5)));
    lab.app.update(Msg::Tick(start + Duration::from_secs(10)));
    lab.run(&["alice generate", "alice publish --all"]);
    let flight = lab.app.flight().expect("the upload is in flight");
    assert_eq!(flight.progress, 0.0);
    let published = lab.app.events().last().unwrap().seq;
    assert_eq!(flight.seq, published);
    assert!(lab.app.visible_events() < lab.app.events().len());
    let now = lab.app.now();
    lab.app.update(Msg::Tick(now + Duration::from_millis(250)));
    let half = lab.app.flight().unwrap().progress;
    assert!((0.4..0.6).contains(&half), "{half}");
    let screen = lab.screen(100, 30);
    assert!(screen.contains('●'), "the message head is drawn\n{screen}");
    lab.app.update(Msg::Tick(now + Duration::from_millis(600)));
    assert!(lab.app.flight().is_none());
    assert_eq!(lab.app.visible_events(), lab.app.events().len());
}

/// An engine that reports it stopped (its DS task ended) ends the lab: the
/// app asks to quit and keeps the reason, which the terminal loop prints
/// after restoring the terminal.
#[test]
fn a_stopped_engine_ends_the_lab_with_its_reason() {
    let mut lab = lab();
    assert!(!lab.app.should_quit());
    assert!(lab.app.engine_stopped().is_none());
    lab.app.update(Msg::Report(Report::Stopped {
        why: mls_lab::engine::EngineError::DsUnavailable,
    }));
    assert!(lab.app.should_quit());
    assert_eq!(
        lab.app.engine_stopped().map(|why| why.code().to_string()),
        Some("DsUnavailable".to_string())
    );
}
