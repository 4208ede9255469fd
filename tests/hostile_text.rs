//! Foreign text in `mls-lab run`: an imported credential identity, a foreign
//! group's members, file names and the errors that quote them reach the
//! transcript, the state section, JSON Lines and stderr escaped, never raw; a
//! newline in an identity cannot forge a line of the state section.

mod hostile_support;

use std::path::Path;

use assert_cmd::Command;
use hostile_support::*;
use mls_lab::engine::{Engine, Randomness};
use mls_lab::runner::{run, Format, Script};

/// An identity whose newline would start a line that reads like the DS's.
fn forging() -> String {
    format!("{HOSTILE}\nds forged: 99 normal available")
}

fn quoted(path: &Path) -> String {
    shell_words::quote(path.to_str().expect("UTF-8")).into_owned()
}

/// The script: an external client with the forging identity in a group, and an
/// import of a missing file whose name is hostile (an unexpected error).
fn script(dir: &Path) -> String {
    let kp = dir.join("mallory.kp");
    std::fs::write(&kp, Foreign::new(&forging()).key_package()).expect("write");
    let missing = dir.join(format!("missing{}", in_a_line()));
    [
        "clients alice bob".to_string(),
        format!("import-key-package {} --as mallory", quoted(&kp)),
        "alice create-group team".into(),
        "alice claim mallory".into(),
        "alice add mallory --to team".into(),
        format!("import-key-package {} --as x", quoted(&missing)),
    ]
    .join("\n")
}

fn mls_lab(args: &[&str], stdin: String) -> (String, String, Option<i32>) {
    let output = Command::cargo_bin("mls-lab")
        .expect("built")
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("run");
    (
        String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        output.status.code(),
    )
}

#[test]
fn the_transcript_the_state_section_and_stderr_show_foreign_text_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (stdout, stderr, code) = mls_lab(&["run", "-"], script(dir.path()));
    assert_eq!(
        code,
        Some(1),
        "the unexpected error fails the run\n{stderr}"
    );
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        let hidden: Vec<String> = text.lines().flat_map(hidden_in).collect();
        assert!(hidden.is_empty(), "{name} holds {hidden:?}\n{text}");
    }
    // No line forged by the identity's newline.
    assert!(
        !stdout.lines().any(|line| line.starts_with("ds forged")),
        "{stdout}"
    );
    let state = stdout
        .split("== state ==")
        .nth(1)
        .expect("the state section");
    assert!(
        state.contains(
            "credential identity 'eve\\n\\u{202e}gpj\\u{200b}\\u{200d}\\u{2060}\\u{1b}[2J"
        ),
        "{state}"
    );
    assert!(state.contains("mallory ext=eve\\n"), "{state}");
    assert!(stderr.contains("missingeve\\u{202e}"), "{stderr}");
}

#[test]
fn json_lines_carry_foreign_text_escaped_and_decode_to_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (stdout, stderr, _) = mls_lab(&["run", "--json", "-"], script(dir.path()));
    assert!(stdout.lines().all(|l| hidden_in(l).is_empty()), "{stdout}");
    assert!(stderr.lines().all(|l| hidden_in(l).is_empty()), "{stderr}");
    let identities: Vec<String> = stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("JSON"))
        .filter(|event| event["kind"] == "key_package_imported")
        .map(|event| event["identity"].as_str().expect("identity").to_string())
        .collect();
    assert_eq!(identities, [forging()], "decodes to the identity itself");
}

/// A group made elsewhere by a member whose identity and GroupId are hostile:
/// its members and label reach the transcript and the state section escaped.
#[tokio::test(flavor = "current_thread")]
async fn a_foreign_groups_members_are_escaped_in_every_output() {
    for format in [Format::Transcript, Format::Json] {
        let dir = tempfile::tempdir().expect("temp dir");
        let kp = dir.path().join("carol.kp");
        let mut engine = Engine::with_randomness(Randomness::Seeded(7));
        let setup = format!(
            "clients carol\ncarol generate\ncarol export-key-package @1 --to {}\n",
            quoted(&kp)
        );
        let outcome = run(
            &mut engine,
            Script::whole("setup", setup),
            format,
            std::io::sink(),
        )
        .await;
        assert_eq!(outcome.exit_code(), 0, "{:?}", outcome.messages());
        let welcome = Foreign::new(HOSTILE).welcome(
            HOSTILE.as_bytes(),
            &std::fs::read(&kp).expect("the exported key package"),
        );
        let file = dir.path().join("foreign.welcome");
        std::fs::write(&file, welcome).expect("write");
        let mut out = Vec::new();
        let join = format!("carol join --welcome {}\nexpect ok\n", quoted(&file));
        let outcome = run(&mut engine, Script::whole("join", join), format, &mut out).await;
        assert_eq!(outcome.exit_code(), 0, "{:?}", outcome.messages());
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(
            text.lines().all(|l| hidden_in(l).is_empty()),
            "{format:?}: {text}"
        );
        assert!(
            text.contains("eve\\n"),
            "{format:?}: the member is shown\n{text}"
        );
    }
}
