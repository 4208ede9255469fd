//! The engine thread survives a panic: a contained one fails its line with
//! `InternalError`, and the thread and the DS go on as they were.

use super::*;

/// The reports of one batch, until it is idle.
fn run_batch(worker: &mut Worker, lines: &[&str]) -> Vec<Report> {
    let lines = crate::command::parse_lines(&lines.join("\n")).expect("lines parse");
    assert!(worker.send(Request::Run {
        label: "test".into(),
        lines,
    }));
    let mut reports = Vec::new();
    loop {
        let report = worker.recv_blocking().expect("the engine thread is alive");
        let idle = matches!(report, Report::Idle { .. });
        reports.push(report);
        if idle {
            return reports;
        }
    }
}

fn line_errors(reports: &[Report]) -> Vec<Option<String>> {
    reports
        .iter()
        .filter_map(|r| match r {
            Report::LineDone { error, .. } => Some(error.as_ref().map(|e| e.code().to_string())),
            _ => None,
        })
        .collect()
}

/// A panic in the engine (injected by a test hook) or in the DS fails its
/// line with `InternalError`, logged as `command_failed`, and the engine
/// thread and the DS go on, as they were.
#[test]
fn the_engine_thread_and_the_ds_survive_a_panic() {
    use crate::engine::guard::test_hooks::{DS_PANICS, ENGINE_PANICS};
    let mut worker = Worker::spawn().expect("an engine thread");
    let first = run_batch(&mut worker, &["clients alice"]);
    assert_eq!(line_errors(&first), [None]);
    let reports = run_batch(
        &mut worker,
        &[
            &format!("clients {ENGINE_PANICS}"),
            &format!("clients {DS_PANICS}"),
            "clients bob",
            "expect ok",
        ],
    );
    assert_eq!(
        line_errors(&reports),
        [
            Some("InternalError".to_string()),
            Some("InternalError".to_string()),
            None,
            None
        ]
    );
    let view = reports
        .iter()
        .rev()
        .find_map(|r| match r {
            Report::Changed { view, .. } => Some(view),
            _ => None,
        })
        .expect("a view after the batch");
    let names: Vec<&str> = view.clients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob"], "the failed lines added nobody");
    let ds: Vec<&String> = view.ds.clients.keys().collect();
    assert_eq!(ds, ["alice", "bob"], "the DS registered nobody else");
    let failed: Vec<String> = reports
        .iter()
        .filter_map(|r| match r {
            Report::Changed { events, .. } => Some(events.clone()),
            _ => None,
        })
        .flatten()
        .filter_map(|e| match e.kind {
            crate::engine::EventKind::CommandFailed { error, .. } => Some(error.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["InternalError", "InternalError"]);
}

/// If the DS task ever ends (a test hook ends it, as a death would), the
/// engine thread says so once and ends, instead of failing every command with
/// `DsUnavailable`; the lines after it are not run.
#[test]
fn the_engine_thread_ends_and_says_why_when_its_ds_stops() {
    use crate::engine::guard::test_hooks::DS_DIES;
    let mut worker = Worker::spawn().expect("an engine thread");
    let lines =
        crate::command::parse_lines(&format!("clients alice\nclients {DS_DIES}\nclients bob"))
            .expect("lines parse");
    assert!(worker.send(Request::Run {
        label: "test".into(),
        lines,
    }));
    let mut reports = Vec::new();
    while let Some(report) = worker.recv_blocking() {
        let ended = matches!(report, Report::Idle { .. } | Report::Stopped { .. });
        reports.push(report);
        if ended {
            break;
        }
    }
    let stopped: Vec<String> = reports
        .iter()
        .filter_map(|r| match r {
            Report::Stopped { why } => Some(why.code().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        stopped,
        ["DsUnavailable"],
        "told once, then the thread ended"
    );
    assert!(
        matches!(reports.last(), Some(Report::Stopped { .. })),
        "nothing after it"
    );
    let done: Vec<&str> = reports
        .iter()
        .filter_map(|r| match r {
            Report::LineDone { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(done, ["clients alice"], "bob's line never ran");
    assert!(
        !worker.send(Request::InspectWelcome { seq: 0 }),
        "the thread is gone"
    );
}
