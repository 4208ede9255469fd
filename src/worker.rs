//! The engine's own thread. The UI sends [`Request`]s and never waits: the worker
//! runs them on the engine (real OpenMLS crypto, the DS task) and sends
//! [`Report`]s back over a channel, which the UI drains once per frame.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::command::{ClientAction, Command, GenerateArgs, ParsedLine};
use crate::domain::KeyPackageRef;
use crate::engine::bundle::BundleDetails;
use crate::engine::ds::remote::RemoteDs;
use crate::engine::{
    DsHandle, Engine, EngineError, Event, KeyPackageDetails, LabView, Randomness, WelcomeDetails,
};

/// What the UI asks of the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Run lines in order (parsed by [`crate::command::parse_lines`], the parser
    /// of scenario files); `label` names the batch in the progress indicator.
    Run {
        label: String,
        lines: Vec<ParsedLine>,
    },
    InspectKeyPackage {
        owner: String,
        kp_ref: KeyPackageRef,
    },
    /// The Welcome behind this event.
    InspectWelcome { seq: u64 },
}

/// What the engine tells the UI.
#[derive(Debug, Clone)]
pub enum Report {
    /// A batch is running: `done` of `total` steps.
    Progress {
        label: String,
        done: usize,
        total: usize,
    },
    /// The state changed: the events since the last report and a fresh view.
    Changed {
        events: Vec<Event>,
        view: Box<LabView>,
    },
    /// One line finished; `error` is the first error of its steps when it failed.
    LineDone {
        text: String,
        error: Option<EngineError>,
    },
    /// The batch was stopped during this line: `done_as` is what it actually did,
    /// as a line (`carol generate 4918`), or `None` when nothing of it ran.
    LineStopped {
        text: String,
        done_as: Option<String>,
    },
    /// A batch ended (`cancelled` when the user stopped it).
    Idle {
        cancelled: bool,
    },
    Inspected(Inspection),
    /// The inspected key package's private bundle as the storage holds it
    /// (redacted), its reference recomputed, and its bytes.
    Bundle(Box<BundleDetails>),
    /// The engine cannot go on (its DS stopped) and its thread ends: the lab
    /// tells `why` and exits cleanly rather than fail every command.
    Stopped {
        why: EngineError,
    },
}

/// An inspector's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inspection {
    KeyPackage(Box<KeyPackageDetails>),
    Welcome(Box<WelcomeDetails>),
    Unavailable(String),
}

/// A view is sent at most this often while a batch runs.
const VIEW_INTERVAL: Duration = Duration::from_millis(100);
/// Progress is reported at most this often.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(40);

/// A running engine thread.
pub struct Worker {
    requests: UnboundedSender<Request>,
    reports: UnboundedReceiver<Report>,
    cancel: Arc<AtomicBool>,
    /// The shared DS the clients use (`--ds URL`), if not the lab's own.
    shared_ds: Option<Arc<dyn RemoteDs>>,
}

impl Worker {
    /// Starts the engine on its own thread with its own single-thread runtime
    /// (docs/benchmarks.md explains why one thread).
    pub fn spawn() -> std::io::Result<Self> {
        Self::spawn_with(Randomness::System)
    }

    /// [`Self::spawn`], with the lab's randomness (`--seed N`).
    pub fn spawn_with(randomness: Randomness) -> std::io::Result<Self> {
        Self::spawn_on(randomness, None)
    }

    /// [`Self::spawn_with`], the clients on `shared_ds` when given (`--ds URL`)
    /// instead of the lab's own DS.
    pub fn spawn_on(
        randomness: Randomness,
        shared_ds: Option<Arc<dyn RemoteDs>>,
    ) -> std::io::Result<Self> {
        let kept_ds = shared_ds.clone();
        let (requests, mut request_rx) = unbounded_channel::<Request>();
        let (report_tx, reports) = unbounded_channel::<Report>();
        let cancel = Arc::new(AtomicBool::new(false));
        let cancelled = cancel.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("mls-lab-engine".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let mut state = State {
                        engine: match shared_ds {
                            Some(remote) => Engine::with_ds(randomness, DsHandle::remote(remote)),
                            None => Engine::with_randomness(randomness),
                        },
                        sent_events: 0,
                        reports: report_tx,
                        cancel: cancelled,
                    };
                    state.send_view().await;
                    while let Some(request) = request_rx.recv().await {
                        if !state.handle(request).await {
                            break;
                        }
                    }
                });
            })?;
        Ok(Self {
            requests,
            reports,
            cancel,
            shared_ds: kept_ds,
        })
    }

    /// A fresh engine thread on the same DS (a reset lab): a shared DS keeps
    /// the clients' tokens, which the server would not hand out again.
    pub fn respawn(&self, randomness: Randomness) -> std::io::Result<Self> {
        Self::spawn_on(randomness, self.shared_ds.clone())
    }

    /// Queues a request; `false` when the engine thread is gone.
    pub fn send(&self, request: Request) -> bool {
        self.requests.send(request).is_ok()
    }

    /// Asks the running batch to stop after its current step.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Waits for the next report (`None` when the engine thread is gone).
    pub async fn recv(&mut self) -> Option<Report> {
        self.reports.recv().await
    }

    /// Waits for the next report from outside any async runtime (tests, benchmarks).
    pub fn recv_blocking(&mut self) -> Option<Report> {
        self.reports.blocking_recv()
    }

    /// The reports already waiting, without waiting, at most `limit` of them: a
    /// busy engine must not keep the UI from its keys.
    pub fn drain(&mut self, limit: usize) -> Vec<Report> {
        let mut out = Vec::new();
        while out.len() < limit {
            match self.reports.try_recv() {
                Ok(report) => out.push(report),
                Err(_) => break,
            }
        }
        out
    }
}

struct State {
    engine: Engine,
    sent_events: usize,
    reports: UnboundedSender<Report>,
    cancel: Arc<AtomicBool>,
}

impl State {
    /// Handles one request; `false` when the UI has gone away.
    async fn handle(&mut self, request: Request) -> bool {
        match request {
            Request::Run { label, lines } => self.run(label, lines).await,
            Request::InspectKeyPackage { owner, kp_ref } => {
                // The bundle first: the inspection answers the request. Without
                // a bundle view the inspector shows the fields alone.
                if let Ok(bundle) = self.engine.bundle_details(&owner, &kp_ref) {
                    if self.reports.send(Report::Bundle(Box::new(bundle))).is_err() {
                        return false;
                    }
                }
                let inspection = match self.engine.key_package_details(&owner, &kp_ref) {
                    Ok(details) => Inspection::KeyPackage(Box::new(details)),
                    Err(error) => Inspection::Unavailable(error.to_string()),
                };
                self.reports.send(Report::Inspected(inspection)).is_ok()
            }
            Request::InspectWelcome { seq } => {
                let inspection = match self.engine.welcome_details(seq) {
                    Ok(details) => Inspection::Welcome(Box::new(details)),
                    Err(error) => Inspection::Unavailable(error.to_string()),
                };
                self.reports.send(Report::Inspected(inspection)).is_ok()
            }
        }
    }

    async fn run(&mut self, label: String, lines: Vec<ParsedLine>) -> bool {
        self.cancel.store(false, Ordering::SeqCst);
        // (line, step, how many units of work the step is)
        let steps: Vec<(usize, Command, usize)> = lines
            .iter()
            .enumerate()
            .flat_map(|(i, line)| {
                steps_of(&line.command)
                    .into_iter()
                    .map(move |(c, weight)| (i, c, weight))
            })
            .collect();
        let total: usize = steps.iter().map(|(_, _, w)| w).sum();
        let mut done = 0usize;
        let mut views = ViewPacing::new();
        let mut last_progress: Option<Instant> = None;
        let mut first_error: Vec<Option<EngineError>> = vec![None; lines.len()];
        let mut cancelled = false;
        for (index, (line, command, weight)) in steps.iter().enumerate() {
            if self.cancel.swap(false, Ordering::SeqCst) {
                cancelled = true;
                let ran = steps[..index]
                    .iter()
                    .rev()
                    .take_while(|(l, _, _)| l == line)
                    .map(|(_, _, w)| w)
                    .sum();
                let report = Report::LineStopped {
                    text: lines[*line].text.clone(),
                    done_as: done_as(&lines[*line].command, ran),
                };
                if self.reports.send(report).is_err() {
                    return false;
                }
                break;
            }
            let progress_due = last_progress.is_none_or(|t| t.elapsed() >= PROGRESS_INTERVAL);
            if total > 1 && progress_due {
                last_progress = Some(Instant::now());
                let progress = Report::Progress {
                    label: label.clone(),
                    done,
                    total,
                };
                if self.reports.send(progress).is_err() {
                    return false;
                }
            }
            if let Err(error) = crate::command::execute(&mut self.engine, command).await {
                first_error[*line].get_or_insert(error);
            }
            if self.engine.ds_stopped() {
                let _ = self.reports.send(Report::Stopped {
                    why: EngineError::DsUnavailable,
                });
                return false;
            }
            done += weight;
            let last = index + 1 == steps.len();
            if views.due() || last {
                let started = Instant::now();
                self.send_view().await;
                views.sent(started.elapsed());
            }
            let line_ends = steps.get(index + 1).is_none_or(|(next, _, _)| next != line);
            if line_ends {
                let report = Report::LineDone {
                    text: lines[*line].text.clone(),
                    error: first_error[*line].take(),
                };
                if self.reports.send(report).is_err() {
                    return false;
                }
            }
        }
        if cancelled {
            self.send_view().await;
        }
        self.reports.send(Report::Idle { cancelled }).is_ok()
    }

    /// Sends the events not sent yet and a fresh view.
    async fn send_view(&mut self) {
        let events = self.engine.events()[self.sent_events..].to_vec();
        // The app keeps its own copy: the engine's need not keep what records
        // nothing lasting.
        self.engine.forget_passing();
        self.sent_events = self.engine.events().len();
        let view = match self.engine.view().await {
            Ok(view) => view,
            // The DS task is gone only if the runtime is shutting down.
            Err(_) => return,
        };
        let _ = self.reports.send(Report::Changed {
            events,
            view: Box::new(view),
        });
    }
}

/// Key packages generated per step of a large `generate`: big enough for the
/// engine to spread over the cores, small enough to report progress and stop soon.
const GENERATE_CHUNK: u32 = 256;

/// A `generate N` runs in chunks so that it reports progress and can be stopped;
/// every other command is one step. Each step comes with its weight (key
/// packages for `generate`, 1 otherwise), the unit of progress.
fn steps_of(command: &Command) -> Vec<(Command, usize)> {
    match command {
        Command::Client {
            client,
            action: ClientAction::Generate(args),
        } if args.count > 1 => {
            let mut steps = Vec::new();
            let mut left = args.count;
            while left > 0 {
                let count = left.min(GENERATE_CHUNK);
                left -= count;
                let step = Command::Client {
                    client: client.clone(),
                    action: ClientAction::Generate(GenerateArgs {
                        count,
                        ..args.clone()
                    }),
                };
                steps.push((step, count as usize));
            }
            steps
        }
        other => vec![(other.clone(), 1)],
    }
}

/// When to send the next view while a batch runs: at most every
/// [`VIEW_INTERVAL`], and never more than a fifth of the time (a view of a large
/// lab takes long to build), so that a preloaded scenario runs nearly as fast
/// as headless.
struct ViewPacing {
    next: Instant,
}

impl ViewPacing {
    fn new() -> Self {
        Self {
            next: Instant::now() + VIEW_INTERVAL,
        }
    }

    fn due(&self) -> bool {
        Instant::now() >= self.next
    }

    /// A view was built and sent; it took `took`.
    fn sent(&mut self, took: Duration) {
        self.next = Instant::now() + VIEW_INTERVAL.max(took * 4);
    }
}

/// What `ran` steps of a stopped line did, as a line of its own: only `generate N`
/// runs in several steps, so that is `generate ran` with the same options.
fn done_as(command: &Command, ran: usize) -> Option<String> {
    if ran == 0 {
        return None;
    }
    let Command::Client {
        client,
        action: ClientAction::Generate(args),
    } = command
    else {
        return None;
    };
    let mut line = format!("{client} generate {ran}");
    if args.last_resort {
        line.push_str(" --last-resort");
    }
    if args.no_last_resort_capability {
        line.push_str(" --no-last-resort-capability");
    }
    if args.suite != 1 {
        line.push_str(&format!(" --suite {}", args.suite));
    }
    if let Some(lifetime) = &args.lifetime {
        line.push_str(&format!(" --lifetime {lifetime}"));
    }
    if args.expired {
        line.push_str(" --expired");
    }
    if args.not_yet_valid {
        line.push_str(" --not-yet-valid");
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::parse_line;

    #[test]
    fn a_large_generate_runs_in_chunks_weighted_by_their_key_packages() {
        let Ok(Some(command)) = parse_line("bob generate 1000 --last-resort") else {
            panic!("parses");
        };
        let steps = steps_of(&command);
        let weights: Vec<usize> = steps.iter().map(|(_, w)| *w).collect();
        assert_eq!(weights, [256, 256, 256, 232]);
        for (step, weight) in &steps {
            let Command::Client {
                action: ClientAction::Generate(args),
                ..
            } = step
            else {
                panic!("a generate step");
            };
            assert_eq!(args.count as usize, *weight);
            assert!(args.last_resort);
        }
        let Ok(Some(single)) = parse_line("bob publish --all") else {
            panic!("parses");
        };
        assert_eq!(steps_of(&single).len(), 1);
    }

    #[test]
    fn a_stopped_generate_is_written_as_what_it_did_and_parses_back() {
        let Ok(Some(command)) = parse_line("carol generate 10000 --last-resort --suite 2") else {
            panic!("parses");
        };
        let line = done_as(&command, 4918);
        assert_eq!(
            line.as_deref(),
            Some("carol generate 4918 --last-resort --suite 2")
        );
        let Ok(Some(Command::Client {
            action: ClientAction::Generate(args),
            ..
        })) = parse_line(line.as_deref().unwrap_or_default())
        else {
            panic!("parses back");
        };
        assert_eq!(args.count, 4918);
        assert_eq!(done_as(&command, 0), None);
    }
}

#[cfg(test)]
mod survival_tests;
