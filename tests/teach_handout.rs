//! `mls-lab run FILE --markdown`: the handout, parsed back. One `## Step` heading
//! per step, the events of each step with short references, and a final state
//! table with a row per client.

use mls_lab::command::scenario::SCENARIOS;
use mls_lab::command::steps::steps;
use mls_lab::command::{parse_script, Command as LabCommand};
use predicates::prelude::*;

mod binary;
use binary::{mls_lab, scenario};

/// What a handout says, read back from its Markdown.
struct Handout {
    title: String,
    step_headings: Vec<String>,
    /// The first cell of each row of the final state table.
    state_rows: Vec<String>,
    passed_checks: usize,
    failed_checks: usize,
    text: String,
}

fn parse(markdown: &str) -> Handout {
    let lines: Vec<&str> = markdown.lines().collect();
    let title = lines
        .first()
        .and_then(|l| l.strip_prefix("# "))
        .expect("a title heading")
        .to_string();
    let step_headings = lines
        .iter()
        .filter(|l| l.starts_with("## Step "))
        .map(|l| l.to_string())
        .collect();
    let state_at = lines
        .iter()
        .position(|l| *l == "## Final state")
        .expect("a final state section");
    let table: Vec<&str> = lines[state_at + 1..]
        .iter()
        .skip_while(|l| l.is_empty())
        .take_while(|l| l.starts_with('|'))
        .copied()
        .collect();
    assert!(table.len() >= 2, "header and separator: {table:?}");
    assert!(table[1].starts_with("|---"), "{table:?}");
    let columns = table[0].matches('|').count();
    let state_rows = table[2..]
        .iter()
        .map(|row| {
            assert_eq!(row.matches('|').count(), columns, "{row}");
            row.trim_matches('|')
                .split('|')
                .next()
                .unwrap()
                .trim()
                .to_string()
        })
        .collect();
    // Headings are outside code blocks: a fence opens and closes in every section.
    let fences = lines.iter().filter(|l| l.starts_with("```")).count();
    assert_eq!(fences % 2, 0);
    Handout {
        title,
        step_headings,
        state_rows,
        passed_checks: lines.iter().filter(|l| l.starts_with("- ✓ ")).count(),
        failed_checks: lines.iter().filter(|l| l.starts_with("- ✗ ")).count(),
        text: markdown.to_string(),
    }
}

fn clients_of(source: &str) -> Vec<String> {
    parse_script("s", source)
        .expect("parses")
        .into_iter()
        .filter_map(|line| match line.command {
            LabCommand::Clients(names) => Some(names),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Every shipped scenario runs by its name from a directory with no scenario files
/// (they are compiled in), every expectation holds, and it becomes a handout: a
/// heading per step, a row per client, a check mark per `expect` line. This is the
/// one test that runs each shipped scenario end to end through the binary.
#[test]
fn every_shipped_scenario_runs_by_name_from_anywhere_and_becomes_a_handout() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    for scenario in SCENARIOS {
        let output = mls_lab()
            .current_dir(elsewhere.path())
            .args(["run", scenario.name, "--markdown"])
            .output()
            .expect("run");
        let stdout = String::from_utf8(output.stdout).expect("utf-8");
        assert!(output.status.success(), "{}: {stdout}", scenario.name);
        let handout = parse(&stdout);
        let steps = steps(scenario.name, scenario.source).expect("parses");
        assert_eq!(handout.title, scenario.title(), "{}", scenario.name);
        assert_eq!(
            handout.step_headings.len(),
            steps.len(),
            "{}",
            scenario.name
        );
        for (heading, step) in handout.step_headings.iter().zip(&steps) {
            assert!(heading.contains(&step.line.text), "{heading}");
        }
        let mut clients = clients_of(scenario.source);
        clients.sort();
        assert_eq!(handout.state_rows, clients, "{}", scenario.name);
        let expects: usize = steps.iter().map(|s| s.checks.len()).sum();
        assert_eq!(handout.passed_checks, expects, "{}", scenario.name);
        assert_eq!(handout.failed_checks, 0);
        assert!(handout.text.contains("all expectations held"));
        assert!(
            stdout.contains(&format!("Handout of `{}`", scenario.label())),
            "{}",
            scenario.name
        );
    }
}

#[test]
fn a_step_shows_its_caption_command_and_events_with_short_references() {
    let output = mls_lab()
        .args(["run", "onboarding", "--markdown"])
        .output()
        .expect("run");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let step = text
        .split("## Step ")
        .find(|section| section.contains("`bob join`"))
        .expect("the join step");
    assert!(
        step.contains("OpenMLS retrieves the private bundle from storage"),
        "{step}"
    );
    assert!(step.contains("> bob join"), "{step}");
    assert!(step.contains("group_joined"), "{step}");
    assert!(step.contains("private_bundle_deleted"), "{step}");
    assert!(
        step.contains("- ✓ `expect bob bundle @1 deleted`"),
        "{step}"
    );
    assert!(
        predicate::str::is_match(r"kp_ref=[0-9a-f]{8}…")
            .unwrap()
            .eval(step),
        "{step}"
    );
    // No reference at full length anywhere.
    assert!(!predicate::str::is_match(r"[0-9a-f]{64}")
        .unwrap()
        .eval(&text));
}

#[test]
fn a_failed_expectation_is_marked_and_the_run_exits_1() {
    let file = scenario(
        "# Title\n# bob builds one\nclients bob\nbob generate\n# wrong on purpose\nexpect bob key-packages 2\n",
    );
    let output = mls_lab()
        .arg("run")
        .arg(file.path())
        .arg("--markdown")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let handout = parse(&String::from_utf8(output.stdout).expect("utf-8"));
    assert_eq!(handout.step_headings.len(), 2);
    assert_eq!(handout.failed_checks, 1);
    assert!(
        !handout.text.contains("\nTitle"),
        "the title heads the page only"
    );
    assert!(
        handout.text.contains("\nbob builds one\n"),
        "{}",
        handout.text
    );
    assert!(
        handout
            .text
            .contains("`expect bob key-packages 2`: wrong on purpose **Failed:**"),
        "{}",
        handout.text
    );
    assert!(handout.text.contains("**Result:** 1 failure(s)"));
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert!(stderr.contains("1 failure(s)"), "{stderr}");
}

/// A caption cannot add a heading, open a fence or leak control characters.
#[test]
fn captions_stay_inside_their_step() {
    let file = scenario("# ## not a heading\n# ```\n# bell \u{7} here\nclients bob\n");
    let output = mls_lab()
        .arg("run")
        .arg(file.path())
        .arg("--markdown")
        .output()
        .expect("run");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let handout = parse(&text);
    assert_eq!(handout.step_headings.len(), 1, "{text}");
    assert!(!text.contains('\u{7}'), "{text}");
    assert_eq!(handout.state_rows, ["bob"]);
}

#[test]
fn markdown_refuses_stdin_json_and_bad_scripts() {
    mls_lab()
        .args(["run", "-", "--markdown"])
        .write_stdin("clients bob\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--markdown needs a file"));
    mls_lab()
        .args(["run", "onboarding", "--markdown", "--json"])
        .assert()
        .code(2)
        .stdout("");
    let file = scenario("clients bob\nbob frobnicate\n");
    mls_lab()
        .arg("run")
        .arg(file.path())
        .arg("--markdown")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("nothing was run"));
}

/// With `--seed`, the handout is the same on every run: the references on the
/// page match the slides and the screen.
#[test]
fn the_same_seed_gives_the_same_handout() {
    let handout = || {
        let output = mls_lab()
            .args(["run", "onboarding", "--markdown", "--seed", "7"])
            .output()
            .expect("run");
        assert!(output.status.success());
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let first = handout();
    assert!(first.contains("kp_ref="), "{first}");
    assert_eq!(first, handout());
}

/// `say` lines: the runner prints them, they do not stand between a failure and
/// its `expect error`, and the handout has them as steps of their own.
#[test]
fn say_lines_are_printed_and_handed_out_as_captions() {
    let file = scenario(
        "# Says\nclients alice bob\nalice claim bob\nsay \"Nothing to claim: bob published nothing.\"\n\
         expect error NoKeyPackageAvailable\n# then\nbob generate\n",
    );
    mls_lab()
        .arg("run")
        .arg(file.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "» Nothing to claim: bob published nothing.\n",
        ))
        .stdout(predicate::str::contains("all expectations held"));
    let out = mls_lab()
        .args(["run", "--markdown"])
        .arg(file.path())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let markdown = String::from_utf8(out.stdout).expect("utf-8");
    let handout = parse(&markdown);
    assert_eq!(handout.step_headings.len(), 4, "{markdown}");
    assert_eq!(handout.step_headings[2], "## Step 3/4");
    assert!(
        markdown.contains("## Step 3/4\n\n**Nothing to claim: bob published nothing.**\n"),
        "{markdown}"
    );
    assert_eq!(handout.passed_checks, 1, "{markdown}");
}

/// The interactive lab's options before a subcommand would be ignored there:
/// they are refused, and nothing is run or recorded.
#[test]
fn options_before_a_subcommand_are_refused_not_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        vec!["--seed", "3", "run", "default"],
        vec!["--record", "x.cast", "present", "default"],
        vec!["--speed", "0", "present", "default"],
    ] {
        mls_lab()
            .current_dir(dir.path())
            .args(&args)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("cannot be used with"));
    }
    assert!(!dir.path().join("x.cast").exists());
}

/// The handout teaches: each step says why its subject happened, the messages
/// come back as a Mermaid sequence diagram whose arrows join declared
/// participants, and the OpenMLS calls are listed once each.
#[test]
fn the_handout_explains_each_step_and_draws_the_messages_as_a_sequence_diagram() {
    for scenario in SCENARIOS {
        let output = mls_lab()
            .args(["run", scenario.name, "--markdown", "--seed", "7"])
            .output()
            .expect("run");
        let text = String::from_utf8(output.stdout).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        let open = lines
            .iter()
            .position(|l| *l == "```mermaid")
            .unwrap_or_else(|| panic!("{}: no diagram", scenario.name));
        assert_eq!(lines.iter().filter(|l| **l == "```mermaid").count(), 1);
        assert_eq!(lines[open + 1], "sequenceDiagram");
        let body: Vec<&str> = lines[open + 2..]
            .iter()
            .take_while(|l| **l != "```")
            .map(|l| l.trim())
            .collect();
        let participants: Vec<&str> = body
            .iter()
            .filter_map(|l| l.strip_prefix("participant "))
            .filter_map(|l| l.split(" as ").next())
            .collect();
        let arrows: Vec<(&str, &str, &str)> = body
            .iter()
            .filter(|l| !l.starts_with("participant "))
            .map(|l| {
                let (ends, label) = l.split_once(": ").expect("an arrow with a label");
                let (from, to) = ends
                    .split_once("->>")
                    .or_else(|| ends.split_once("-x"))
                    .expect("an arrow");
                (from, to, label)
            })
            .collect();
        assert!(!arrows.is_empty(), "{}", scenario.name);
        for (from, to, label) in &arrows {
            assert!(
                participants.contains(from) && participants.contains(to),
                "{label}"
            );
            assert!(!label.contains(';') && !label.contains('#'), "{label}");
        }
        if scenario.name == "onboarding" {
            let kinds: Vec<&str> = arrows.iter().map(|(_, _, l)| *l).collect();
            for kind in [
                "key_package_published",
                "key_package_claimed",
                "welcome_sent",
            ] {
                assert!(
                    kinds.iter().any(|l| l.starts_with(kind)),
                    "{kind}: {kinds:?}"
                );
            }
        }
        // Every step that logged a protocol event says why.
        let steps_with_why = text
            .split("\n## Step ")
            .skip(1)
            .filter(|section| section.contains("\n**Why:** "))
            .count();
        let with_events = text
            .split("\n## Step ")
            .skip(1)
            .filter(|section| section.contains("```text") && !section.contains("(no events)"))
            .count();
        assert!(steps_with_why * 2 >= with_events, "{}", scenario.name);
        if scenario.name == "onboarding" {
            assert_eq!(
                steps_with_why, with_events,
                "every onboarding step says why"
            );
        }
        // The OpenMLS calls, once each.
        let calls_at = lines
            .iter()
            .position(|l| *l == "## The OpenMLS calls")
            .unwrap_or_else(|| panic!("{}: no calls", scenario.name));
        let calls: Vec<&str> = lines[calls_at + 2..]
            .iter()
            .take_while(|l| l.starts_with("- "))
            .copied()
            .collect();
        let mut unique = calls.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), calls.len(), "{}", scenario.name);
        assert!(!calls.is_empty());
    }
}
