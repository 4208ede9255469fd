//! The shipped scenarios: compiled into the binary, listed by `mls-lab scenarios`,
//! run by name from any directory, every expectation holding.

use mls_lab::command::scenario::{self as scenarios, SCENARIOS};
use mls_lab::command::{parse_script, Command as LabCommand};
use predicates::prelude::*;

mod binary;
use binary::mls_lab;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios");

#[test]
fn the_registry_lists_every_file_in_assets_scenarios() {
    let mut files: Vec<String> = std::fs::read_dir(DIR)
        .expect("assets/scenarios")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "mls"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_string()))
        .collect();
    files.sort();
    let mut registered: Vec<String> = SCENARIOS.iter().map(|s| s.name.to_string()).collect();
    registered.sort();
    assert_eq!(registered, files);
    for scenario in SCENARIOS {
        let on_disk = std::fs::read_to_string(format!("{DIR}/{}.mls", scenario.name)).unwrap();
        assert_eq!(scenario.source, on_disk, "{} is compiled in", scenario.name);
    }
    assert!(SCENARIOS.len() >= 10);
}

/// Each scenario is a lesson: a title, a comment above every command after the
/// first lines, and `expect` lines at the end.
#[test]
fn every_scenario_is_narrated_and_ends_in_expectations() {
    for scenario in SCENARIOS {
        assert!(
            !scenario.title().is_empty(),
            "{} has a title",
            scenario.name
        );
        let lines = parse_script(scenario.name, scenario.source).expect("parses");
        let last = lines.last().expect("not empty");
        assert!(
            matches!(last.command, LabCommand::Expect(_)),
            "{} ends with an expect line, not {:?}",
            scenario.name,
            last.text
        );
        let expects = lines
            .iter()
            .filter(|l| matches!(l.command, LabCommand::Expect(_)))
            .count();
        assert!(expects >= 3, "{}: {expects} expect lines", scenario.name);
        let source: Vec<&str> = scenario.source.lines().collect();
        for line in lines
            .iter()
            .filter(|l| !matches!(l.command, LabCommand::Expect(_)))
        {
            let above = source[line.line_no - 2].trim();
            assert!(
                above.starts_with('#'),
                "{}:{}: `{}` has no comment above it",
                scenario.name,
                line.line_no,
                line.text
            );
        }
    }
}

/// A lesson shows a title card, then each step with its own caption: the title
/// is not step 1's, and no step borrows the caption of the one before.
#[test]
fn every_step_of_every_shipped_scenario_has_a_caption_of_its_own() {
    use mls_lab::command::steps::outline;
    for scenario in SCENARIOS {
        let outline = outline(scenario.name, scenario.source).expect("parses");
        assert_eq!(outline.title, scenario.title());
        for (index, step) in outline.steps.iter().enumerate() {
            let caption = step.caption.join(" ");
            assert!(
                !caption.trim().is_empty(),
                "{} step {}: `{}` has no caption of its own",
                scenario.name,
                index + 1,
                step.line.text
            );
            assert!(
                !caption.contains(&outline.title),
                "{} step {}: the title is the lesson's, not the step's",
                scenario.name,
                index + 1
            );
        }
    }
    // The words match the command: `bob generate 2` builds, it publishes nothing.
    let one_time = scenarios::find("one-time-use").expect("shipped");
    let steps = outline(one_time.name, one_time.source)
        .expect("parses")
        .steps;
    let generate = steps
        .iter()
        .find(|s| s.line.text == "bob generate 2")
        .expect("the generate step");
    let caption = generate.caption.join(" ");
    assert!(
        caption.contains("builds") && !caption.contains("publish"),
        "{caption}"
    );
}

#[test]
fn scenarios_lists_each_one_on_a_line_with_its_title() {
    let output = mls_lab().arg("scenarios").output().expect("run");
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), SCENARIOS.len());
    for (line, scenario) in lines.iter().zip(SCENARIOS) {
        assert!(line.starts_with(scenario.name), "{line}");
        assert!(line.ends_with(scenario.title()), "{line}");
    }
}

/// A path wins: a file that exists is run even when its name is a shipped one.
#[test]
fn an_existing_file_wins_over_a_shipped_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("default"), "clients zoe\nexpect ok\n").expect("write");
    mls_lab()
        .current_dir(dir.path())
        .args(["run", "default"])
        .assert()
        .success()
        .stdout(predicate::str::contains("default: 2 lines run"))
        .stdout(predicate::str::contains("zoe"));
    mls_lab()
        .current_dir(dir.path())
        .args(["run", "default.mls"])
        .assert()
        .success()
        .stdout(predicate::str::contains("assets/scenarios/default.mls: "));
}

#[test]
fn an_unknown_name_is_exit_2_with_the_closest_scenarios() {
    let dir = tempfile::tempdir().expect("temp dir");
    mls_lab()
        .current_dir(dir.path())
        .args(["run", "orphan-welcom"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("did you mean orphan-welcome?"));
    mls_lab()
        .current_dir(dir.path())
        .args(["run", "zzzzzzzzzzzz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`mls-lab scenarios` lists them"));
    assert!(scenarios::find("zzzzzzzzzzzz").is_none());
}

/// `--scenario` takes a shipped name too, and a bad one is refused before the lab
/// asks for a terminal.
#[test]
fn the_scenario_option_accepts_a_shipped_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    mls_lab()
        .current_dir(dir.path())
        .args(["--scenario", "orphan-welcom", "--step"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean orphan-welcome?"))
        .stderr(predicate::str::contains("needs a terminal").not());
    // Found and parsed; only then does the lab ask for a terminal (there is none here).
    mls_lab()
        .current_dir(dir.path())
        .args(["--scenario", "orphan-welcome", "--step"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"))
        .stderr(predicate::str::contains("shipped scenario").not());
}
