//! `mls-lab present FILE|NAME`: a lesson in the projector layout. It is the
//! interactive lab ([`super::lab`]) with the lesson loaded step by step and the
//! display options' projector defaults: high contrast, and a help that says a
//! lesson is always seeded.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Arg;

use super::lab::{DisplayArgs, LabArgs, DEFAULT_SUITE};

/// The arguments of `mls-lab present`.
#[derive(clap::Args)]
#[command(
    mut_arg("theme", projector_theme),
    mut_arg("seed", lesson_seed),
    mut_arg("record", talk_recording)
)]
pub struct PresentArgs {
    /// The lesson: a scenario file or the name of a shipped scenario.
    #[arg(value_name = "FILE|NAME")]
    scenario: PathBuf,
    #[command(flatten)]
    pub(super) display: DisplayArgs,
}

impl PresentArgs {
    /// Runs the lesson; exit codes as for the interactive lab.
    pub fn run(self) -> ExitCode {
        let lab = LabArgs {
            clients: None,
            suite: DEFAULT_SUITE,
            scenario: Some(self.scenario),
            step: true,
            ds: None,
            display: self.display,
        };
        lab.start(true)
    }
}

/// High contrast reads best on a projector.
fn projector_theme(theme: Arg) -> Arg {
    theme
        .default_value("high-contrast")
        .help("Colour theme (high contrast reads best on a projector)")
}

/// The lab seeds every lesson (see `tui::run`); `--seed` only chooses the seed.
fn lesson_seed(seed: Arg) -> Arg {
    seed.help("Same seed, same references as the slides and the handout (a lesson is always seeded; without N, with a seed of this run's own)")
}

/// What `--record` keeps in front of a room is the talk.
fn talk_recording(record: Arg) -> Arg {
    record.help("Record the talk as an asciicast v2 file (a new file; asciinema plays it)")
}
