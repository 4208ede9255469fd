//! Lessons: a scenario stepped through with Space, each step shown with its own
//! comment as its caption, after a title card with the scenario's title and
//! introduction. The steps are [`crate::command::steps`]'s, the grouping the
//! handout uses: a command (or a `say` caption) with the comment above it, the
//! `expect` lines that check it, which run together with it, and the `show` and
//! `follow` lines that direct the screen for it. The lesson knows how many steps
//! have run, so that stepping back can rebuild the lab from its start (see
//! `stepping.rs`), and what each step showed: its subject and its checks.

use crate::command::scenario::SCENARIOS;
use crate::command::steps::outline;
use crate::command::{Command, KeySelector, ParsedLine, Show, Step};

/// A scenario loaded for stepping.
#[derive(Debug, Clone, Default)]
pub struct Lesson {
    /// What the room calls it: a shipped scenario's name, or the file's path.
    name: String,
    /// The scenario's first comment line.
    title: String,
    /// The paragraph after the title: what the lesson is about.
    intro: Vec<String>,
    steps: Vec<Step>,
    /// How many steps have run: 0 before the first, `steps.len()` after the last.
    position: usize,
    /// Lines run before the first step (the start's clients, lines typed
    /// before it): stepping back replays them first.
    prelude: Vec<ParsedLine>,
    /// The first step has run: later lines are not part of the prelude.
    started: bool,
    /// Lines were run by hand since the last step.
    ad_libbed: bool,
    /// The step run last was sent after lines run by hand.
    after_ad_lib: bool,
    /// What each step that ran showed, by its index.
    outcomes: Vec<Option<StepOutcome>>,
}

/// What a step that ran showed: its subject and how its command and its checks
/// ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepOutcome {
    /// The subject's event (see [`crate::command::steps::subject`]).
    pub subject: Option<u64>,
    /// Each check: whether it held; `None` until it reports.
    pub checks: Vec<Option<bool>>,
    /// The command failed and no `expect error` said it would: why.
    pub failure: Option<String>,
    /// A check that did not hold: its line and why.
    pub failed_check: Option<(String, String)>,
}

/// What a step puts on the screen besides its subject, from its `show` and
/// `follow` lines (the last of each kind wins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stage {
    /// What the lower pane shows (presenting) or which panel has the keys.
    pub pane: Pane,
    /// `show inspector NAME REF`: that package in the inspector.
    pub inspect: Option<KeySelector>,
    /// `follow NAME REF`: that package highlighted everywhere.
    pub follow: Option<KeySelector>,
}

/// The lesson's pane: the why pane (the default), the inspector, or its hex view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Pane {
    #[default]
    Why,
    Inspector,
    /// The hex view, with the field whose path ends so selected.
    Hex(Option<String>),
}

impl Pane {
    /// Whether the inspector (or its hex view) shows.
    pub fn shows_inspector(&self) -> bool {
        match self {
            Pane::Inspector | Pane::Hex(_) => true,
            Pane::Why => false,
        }
    }
}

impl Lesson {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    /// The introduction, its lines joined.
    pub fn intro(&self) -> String {
        joined(&self.intro)
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// How many steps have run.
    pub fn position(&self) -> usize {
        self.position
    }

    pub(super) fn set_position(&mut self, position: usize) {
        self.position = position;
    }

    /// Every line of the prelude and the first `position` steps that the lab
    /// runs, per batch: the prelude, then one batch per step.
    pub(super) fn prelude(&self) -> &[ParsedLine] {
        &self.prelude
    }

    /// The step run last, with its number (1-based).
    pub fn current(&self) -> Option<(usize, &Step)> {
        let index = self.position.checked_sub(1)?;
        self.steps.get(index).map(|step| (self.position, step))
    }

    /// Every line the lesson has, in order.
    pub fn lines(&self) -> impl Iterator<Item = &ParsedLine> {
        self.steps.iter().flat_map(Step::lines)
    }

    /// The caption step `index` shows: its own comment, paragraphs joined by
    /// spaces; empty for a step without one (a comment is its step's alone).
    pub fn caption_of(&self, index: usize) -> String {
        self.steps
            .get(index)
            .map(|step| joined(&step.caption))
            .unwrap_or_default()
    }

    /// What step `index` showed, once it ran.
    pub fn outcome(&self, index: usize) -> Option<&StepOutcome> {
        self.outcomes.get(index).and_then(Option::as_ref)
    }

    /// Records what step `index` showed.
    pub(super) fn record(&mut self, index: usize, outcome: StepOutcome) {
        if self.outcomes.len() <= index {
            self.outcomes.resize(index + 1, None);
        }
        self.outcomes[index] = Some(outcome);
    }

    /// Forgets what the steps from `index` on showed (they will run again).
    pub(super) fn forget_from(&mut self, index: usize) {
        self.outcomes.truncate(index);
    }

    /// The subject the screen shows for step `index`: its own, or for a step
    /// without one (a `say` caption) the nearest earlier step's.
    pub fn subject_for(&self, index: usize) -> Option<(usize, u64)> {
        (0..=index)
            .rev()
            .find_map(|i| self.outcome(i)?.subject.map(|seq| (i, seq)))
    }

    /// Lines run by hand: before the first step they belong to its start,
    /// after it they are ad-libbing.
    pub(super) fn note_lines_by_hand(&mut self, lines: &[ParsedLine]) {
        if self.started {
            self.ad_libbed = true;
        } else {
            self.prelude.extend(lines.iter().cloned());
        }
    }

    /// A step of the lesson's own was sent.
    pub(super) fn stepped(&mut self) {
        self.started = true;
        self.after_ad_lib = self.ad_libbed;
        self.ad_libbed = false;
    }

    /// A fresh lab replays the lesson: nothing was run by hand in it.
    pub(super) fn rebuilt(&mut self) {
        self.ad_libbed = false;
        self.after_ad_lib = false;
    }

    /// Whether lines were run by hand since the last step.
    pub(super) fn ad_libbed(&self) -> bool {
        self.ad_libbed
    }

    /// Whether the step run last was sent after lines run by hand.
    pub(super) fn after_ad_lib(&self) -> bool {
        self.after_ad_lib
    }
}

/// What a step puts on the screen, from its directions.
pub fn stage(step: &Step) -> Stage {
    let mut stage = Stage::default();
    for line in &step.directions {
        match &line.command {
            Command::Show(Show::Inspector { package }) => {
                stage.pane = Pane::Inspector;
                stage.inspect = package.selector();
            }
            Command::Show(Show::Hex { field }) => stage.pane = Pane::Hex(field.clone()),
            Command::Show(Show::Why) => stage.pane = Pane::Why,
            Command::Follow(selector) => stage.follow = Some(selector.clone()),
            // Only directions are kept among a step's directions.
            Command::Clients(_)
            | Command::Client { .. }
            | Command::Ds(_)
            | Command::Deliver
            | Command::Clock(_)
            | Command::Expect(_)
            | Command::Say(_)
            | Command::ExportWelcome { .. }
            | Command::ExportMailbox { .. }
            | Command::ImportKeyPackage { .. } => {}
        }
    }
    stage
}

/// Comment lines as one text: the paragraph breaks (empty lines) dropped.
fn joined(lines: &[String]) -> String {
    lines
        .iter()
        .filter(|line| !line.is_empty())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a step says on its own: the text of a `say` line, `None` for a command.
pub fn said(step: &Step) -> Option<&str> {
    match &step.line.command {
        Command::Say(text) => Some(text),
        _ => None,
    }
}

/// The first line of a parser error, for one-line messages.
pub(super) fn error_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid command")
        .trim_start_matches("error: ")
        .to_string()
}

/// Reads a scenario as a lesson, grouped by [`outline`] exactly as a handout is,
/// and parsed exactly as `mls-lab run` reads it. A shipped scenario is called
/// by its name, not by the path it has in the lab's source tree.
pub fn lesson_from(name: &str, source: &str) -> Result<Lesson, Vec<String>> {
    let outline = outline(name, source)?;
    let name = SCENARIOS
        .iter()
        .find(|s| s.label() == name)
        .map_or(name, |s| s.name);
    Ok(Lesson {
        name: name.to_string(),
        title: outline.title,
        intro: outline.intro,
        steps: outline.steps,
        ..Lesson::default()
    })
}

#[cfg(test)]
mod tests {
    use super::super::App;
    use super::*;
    use crate::command::{parse_script, MAX_LINE_BYTES};
    use crate::worker::Request;

    /// A quoted `#` is a word, a comment starts at an unquoted one, trailing
    /// comments and indentation do not count, overlong lines are refused.
    fn script(long: &str) -> String {
        format!(
            "# the lab\n\n# two clients\nclients alice bob\n\n  # bob's package\nbob generate 2 # two\n\
             bob claim '#alice' --suite 1\nbob publish --all\n{long}\n"
        )
    }

    fn run_lines(request: Request) -> Vec<ParsedLine> {
        match request {
            Request::Run { lines, .. } => lines,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lessons_and_the_prompt_parse_exactly_as_the_runner() {
        let source = script("bob sync");
        let runner = parse_script("s", &source).expect("parses");
        let lesson = lesson_from("s", &source).expect("parses");
        let stepped: Vec<&ParsedLine> = lesson.lines().collect();
        assert_eq!(stepped, runner.iter().collect::<Vec<_>>());
        let captions: Vec<String> = (0..lesson.steps.len())
            .map(|i| lesson.caption_of(i))
            .collect();
        // The title heads the lesson; a step without its own comment has none.
        assert_eq!(lesson.title(), "the lab");
        assert_eq!(captions, ["two clients", "bob's package", "", "", ""]);
        let texts: Vec<&str> = source.lines().collect();
        assert_eq!(
            run_lines(App::run_request("x", &texts).expect("parses")),
            runner
        );
        for line in &runner {
            let at_prompt = run_lines(App::run_request("x", &[&line.text]).expect("parses"));
            assert_eq!(at_prompt.len(), 1);
            assert_eq!(at_prompt[0].command, line.command, "{}", line.text);
        }
    }

    #[test]
    fn a_lesson_steps_as_the_handout_groups() {
        let source = "# The lesson\n# about one package.\n\n# make\nbob generate\nexpect bob key-packages 1\nexpect ok\n\
                      # send\nbob publish --all\nshow inspector\n# check\nexpect ds bob available 1\n\
                      say \"The DS holds it now.\"\nbob generate\n";
        let lesson = lesson_from("s", source).expect("parses");
        // The grouping is command::steps's, the one the handout uses.
        assert_eq!(lesson.steps, outline("s", source).expect("parses").steps);
        assert_eq!(lesson.intro(), "about one package.");
        let shape: Vec<(String, usize, Option<&str>)> = (0..lesson.steps.len())
            .map(|i| {
                let step = &lesson.steps[i];
                (lesson.caption_of(i), step.lines().count(), said(step))
            })
            .collect();
        // A commented `expect` checks the step before it (its comment is its note);
        // a `say` line is a step of its own; a step without a comment has none.
        assert_eq!(
            shape,
            [
                ("make".to_string(), 3, None),
                ("send".to_string(), 3, None),
                (String::new(), 1, Some("The DS holds it now.")),
                (String::new(), 1, None),
            ]
        );
        assert_eq!(stage(&lesson.steps[1]).pane, Pane::Inspector);
        assert_eq!(stage(&lesson.steps[0]), Stage::default());
    }

    #[test]
    fn a_shipped_scenario_is_called_by_its_name() {
        let shipped = &SCENARIOS[1];
        let lesson = lesson_from(&shipped.label(), shipped.source).expect("parses");
        assert_eq!(lesson.name(), shipped.name);
        assert_eq!(lesson.title(), shipped.title());
        let own = lesson_from("talks/mine.mls", "# Mine\nclients a\n").expect("parses");
        assert_eq!(own.name(), "talks/mine.mls");
    }

    #[test]
    fn lessons_and_the_prompt_refuse_what_the_runner_refuses() {
        let long = format!("bob generate 1 #{}", "x".repeat(MAX_LINE_BYTES));
        let source = format!("{}alice claim\n", script(&long));
        let runner = parse_script("s", &source).expect_err("two bad lines");
        assert_eq!(runner.len(), 2, "{runner:?}");
        assert!(
            runner[0].starts_with("s:10: line longer than"),
            "{runner:?}"
        );
        assert!(runner[1].starts_with("s:11: missing OWNER"), "{runner:?}");
        assert_eq!(lesson_from("s", &source).expect_err("refused"), runner);
        let texts: Vec<&str> = source.lines().collect();
        let error = App::run_request("x", &texts)
            .expect_err("refused")
            .to_string();
        assert!(error.ends_with("line longer than 4096 bytes"), "{error}");
        let error = App::run_request("x", &["alice claim"])
            .expect_err("refused")
            .to_string();
        let message = runner[1].trim_start_matches("s:11: ");
        assert_eq!(error, format!("alice claim: {message}"));
    }

    /// What a step showed is kept until the steps from it on are forgotten; a
    /// step without a subject shows the nearest earlier one's.
    #[test]
    fn outcomes_are_kept_per_step_until_forgotten() {
        let source = "# make\nbob generate\n# say\nsay \"Look.\"\n# send\nbob publish --all\n";
        let mut lesson = lesson_from("s", source).expect("parses");
        let shown = |subject| StepOutcome {
            subject,
            ..StepOutcome::default()
        };
        assert_eq!(lesson.outcome(0), None);
        lesson.record(0, shown(Some(4)));
        lesson.record(1, shown(None));
        assert_eq!(lesson.outcome(0).and_then(|o| o.subject), Some(4));
        assert_eq!(
            lesson.subject_for(1),
            Some((0, 4)),
            "the say step shows step 1's"
        );
        lesson.record(2, shown(Some(9)));
        assert_eq!(lesson.subject_for(2), Some((2, 9)));
        lesson.forget_from(1);
        assert_eq!(lesson.outcome(2), None);
        assert_eq!(lesson.subject_for(2), Some((0, 4)));
    }
}
