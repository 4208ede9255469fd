//! Test support shared by the UI tests and the render benchmark: drive the real
//! engine thread exactly as the event loop does, but without a runtime.

use mls_lab::app::{App, Effect, Msg};
use mls_lab::worker::{Report, Worker};

/// Carries out `effects` and feeds every report back into `app` until the engine
/// has answered all of them.
pub fn settle(app: &mut App, worker: &mut Worker, effects: Vec<Effect>) {
    let mut outstanding = 0usize;
    let mut queue = effects;
    loop {
        for effect in queue.drain(..) {
            match effect {
                Effect::Send(request) => {
                    if worker.send(request) {
                        outstanding += 1;
                    }
                }
                Effect::Cancel => worker.cancel(),
                Effect::SaveSession { .. } => {}
                // A fresh engine: what the old one still had to say is dropped.
                Effect::ResetLab { randomness } => {
                    *worker = Worker::spawn_with(randomness).expect("engine thread");
                    outstanding = 0;
                }
            }
        }
        if outstanding == 0 {
            return;
        }
        let Some(report) = worker.recv_blocking() else {
            return;
        };
        if matches!(report, Report::Idle { .. } | Report::Inspected(_)) {
            outstanding -= 1;
        }
        queue = app.update(Msg::Report(report));
    }
}
