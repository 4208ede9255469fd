//! The docs stay true to the code. Every reference table between
//! `<!-- generated: NAME -->` and `<!-- end -->` is rendered here from the code and
//! must be exactly what the page holds (a mismatch prints the table to paste); the
//! hand-written tables that list event kinds, faults or scenarios name exactly what
//! the code has; and every relative link in README.md and docs/ reaches an existing
//! file and heading.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use mls_lab::app::action::key_map_markdown;
use mls_lab::command::scenario as scenarios;
use mls_lab::command::{vocabulary, VerbKind};
use mls_lab::domain::Fault;
use mls_lab::engine::EventKind;
use mls_lab::explain::{errors::ERRORS, events::EVENTS, Explanation};

const TUI: &str = "docs/tui.md";
const SCENARIOS: &str = "docs/scenarios.md";
const TEACHING: &str = "docs/teaching.md";
const EXPLORING: &str = "docs/exploratory-testing.md";

// ---------------------------------------------------------------------------
// Reading the pages

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(page: &str) -> String {
    std::fs::read_to_string(root().join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// README.md and every page in docs/, by their path from the repository's root.
fn pages() -> BTreeMap<String, String> {
    let mut pages = BTreeMap::from([("README.md".to_string(), read("README.md"))]);
    let docs = std::fs::read_dir(root().join("docs")).expect("docs/");
    for entry in docs {
        let name = entry.expect("docs/ entry").file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".md") {
            let page = format!("docs/{name}");
            let text = read(&page);
            pages.insert(page, text);
        }
    }
    pages
}

/// The text between `<!-- generated: NAME -->` and the next `<!-- end -->`, each
/// on a line of its own.
fn generated_region<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start_marker = format!("<!-- generated: {name} -->\n");
    let start = text.find(&start_marker)? + start_marker.len();
    let length = text[start..].find("<!-- end -->")?;
    Some(&text[start..start + length])
}

fn assert_generated(page: &str, name: &str, expected: &str) {
    let text = read(page);
    let Some(found) = generated_region(&text, name) else {
        panic!(
            "{page} has no `<!-- generated: {name} -->` … `<!-- end -->` region; \
             it should hold:\n{expected}"
        );
    };
    assert!(
        found == expected,
        "{page}: the generated table `{name}` is out of date. Replace the lines \
         between `<!-- generated: {name} -->` and `<!-- end -->` with:\n\n{expected}"
    );
}

// ---------------------------------------------------------------------------
// Rendering the tables from the code

/// A table cell: a `|` would end the cell, even inside a code span.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn table(header: &str, rows: impl IntoIterator<Item = (String, String)>) -> String {
    let mut out = format!("{header}\n|---|---|\n");
    for (left, right) in rows {
        out.push_str(&format!("| {} | {} |\n", cell(&left), cell(&right)));
    }
    out
}

fn vocabulary_table(header: &str, wanted: impl Fn(VerbKind) -> bool) -> String {
    table(
        header,
        vocabulary()
            .iter()
            .filter(|verb| wanted(verb.kind))
            .map(|verb| (format!("`{}`", verb.usage), verb.help.to_string())),
    )
}

fn explanation_table(header: &str, explanations: &[Explanation]) -> String {
    table(
        header,
        explanations
            .iter()
            .map(|e| (format!("`{}`", e.topic), e.what.to_string())),
    )
}

#[test]
fn the_key_map_is_the_action_catalogue() {
    assert_generated(TUI, "keys", &key_map_markdown());
}

#[test]
fn the_command_table_is_the_vocabulary() {
    let expected = vocabulary_table("| usage | what it does |", |kind| {
        matches!(kind, VerbKind::Lab | VerbKind::Client)
    });
    assert_generated(SCENARIOS, "verbs", &expected);
}

#[test]
fn the_expectation_table_is_the_vocabulary() {
    let expected = vocabulary_table("| usage | holds when |", |kind| kind == VerbKind::Expect);
    assert_generated(SCENARIOS, "expectations", &expected);
}

#[test]
fn the_error_code_table_is_what_explain_lists() {
    let expected = explanation_table("| code | what it means |", ERRORS);
    assert_generated(SCENARIOS, "error-codes", &expected);
}

#[test]
fn the_event_kind_table_is_what_explain_lists() {
    let expected = explanation_table("| kind | what happened |", EVENTS);
    assert_generated(SCENARIOS, "event-kinds", &expected);
}

// ---------------------------------------------------------------------------
// Hand-written tables that name what the code has

/// The first cell of every row of each table whose header starts with `header`,
/// per page.
fn first_cells(header: &str) -> Vec<(String, String)> {
    let mut cells = Vec::new();
    for (page, text) in pages() {
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if !line.starts_with(header) {
                continue;
            }
            lines.next(); // the |---| line
            for row in lines.by_ref().take_while(|l| l.starts_with('|')) {
                let first = row.split(" | ").next().unwrap_or_default();
                cells.push((page.clone(), first.trim_start_matches("| ").to_string()));
            }
        }
    }
    cells
}

/// The names written as code in a cell: "`a`, `b`" gives a and b.
fn code_names(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_event_field_tables_give_every_event_kind_exactly_once() {
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (page, cell) in first_cells("| kind | fields | meaning |") {
        for name in code_names(&cell) {
            rows.entry(name).or_default().push(page.clone());
        }
    }
    for kind in EventKind::ALL {
        match rows.remove(*kind) {
            Some(pages) => assert_eq!(pages.len(), 1, "`{kind}` has a row in {pages:?}"),
            None => panic!("no `| kind | fields | meaning |` table gives `{kind}`"),
        }
    }
    assert!(rows.is_empty(), "rows for kinds the log has not: {rows:?}");
}

#[test]
fn the_fault_table_gives_every_fault_in_order() {
    let documented: Vec<String> = first_cells("| fault | what the DS does |")
        .into_iter()
        .inspect(|(page, _)| assert_eq!(page, EXPLORING))
        .flat_map(|(_, cell)| code_names(&cell))
        .collect();
    let faults: Vec<String> = Fault::ALL.iter().map(|f| f.name().to_string()).collect();
    assert_eq!(documented, faults);
}

#[test]
fn the_scenario_table_names_only_shipped_scenarios() {
    let named = first_cells("| scenario | shows |");
    assert!(named.iter().any(|(page, _)| page == TEACHING), "{named:?}");
    for (page, cell) in named {
        for name in code_names(&cell) {
            assert!(
                scenarios::find(&name).is_some(),
                "{page} names `{name}`, which is not a shipped scenario"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Links

/// GitHub's anchor for a heading: lower case, spaces as `-`, and every character
/// that is not a letter, a digit, `-` or `_` left out.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The lines of `text` outside fenced code blocks, with code spans removed.
fn prose(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            lines.push(without_code_spans(line));
        }
    }
    lines
}

/// A line without its code spans: a run of N backticks up to the next run of N.
fn without_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let ticks = rest[start..].len() - rest[start..].trim_start_matches('`').len();
        let after = &rest[start + ticks..];
        let fence = "`".repeat(ticks);
        match after.find(&fence) {
            Some(end) => rest = after[end + ticks..].trim_start_matches('`'),
            None => return out + &rest[start..],
        }
    }
    out + rest
}

/// Every heading's anchor in a page; a repeated heading gets `-1`, `-2`, ….
fn anchors(text: &str) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut fenced = false;
    let mut anchors = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let base = slug(line.trim_start_matches('#'));
        let count = seen.entry(base.clone()).or_insert(0);
        anchors.push(match *count {
            0 => base,
            n => format!("{base}-{n}"),
        });
        *count += 1;
    }
    anchors
}

/// The targets of a page's inline links (`[text](target)`, images too) and
/// reference definitions (`[label]: target`).
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose(text) {
        let mut rest = line.as_str();
        while let Some(open) = rest.find("](") {
            let after = &rest[open + 2..];
            let close = after.find(')').unwrap_or(after.len());
            let target = after[..close].split_whitespace().next().unwrap_or_default();
            targets.push(target.to_string());
            rest = &after[close..];
        }
        if let Some((label, target)) = line.split_once("]: ") {
            if label.starts_with('[') && !label.contains(']') {
                targets.push(target.trim().to_string());
            }
        }
    }
    targets
}

/// `dir/../x` as `x`, so that a link from docs/ to `../README.md` is found.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Each relative link of `page` (whose text is `text`) that reaches no file, or no
/// heading of the page it names, as `page: target (why)`.
fn broken_links(
    page: &str,
    text: &str,
    read_page: impl Fn(&Path) -> Option<String>,
) -> Vec<String> {
    let dir = Path::new(page).parent().unwrap_or(Path::new(""));
    let mut broken = Vec::new();
    for target in link_targets(text) {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
        let (linked, linked_text) = if file.is_empty() {
            (PathBuf::from(page), Some(text.to_string()))
        } else {
            let linked = normalize(&dir.join(file));
            let linked_text = read_page(&linked);
            (linked, linked_text)
        };
        let Some(linked_text) = linked_text else {
            broken.push(format!("{page}: {target} (no such file)"));
            continue;
        };
        let is_markdown = linked.extension().is_some_and(|e| e == "md");
        if !anchor.is_empty() && is_markdown && !anchors(&linked_text).iter().any(|a| a == anchor) {
            broken.push(format!("{page}: {target} (no such heading)"));
        }
    }
    broken
}

/// A file's text, `Some("")` for a directory or a file that is not text, `None`
/// for nothing there.
fn read_from_repository(path: &Path) -> Option<String> {
    let full = root().join(path);
    if full.is_dir() {
        return Some(String::new());
    }
    std::fs::read(&full)
        .ok()
        .map(|bytes| String::from_utf8(bytes).unwrap_or_default())
}

#[test]
fn every_relative_link_reaches_a_file_and_heading() {
    let mut broken = Vec::new();
    let mut links = 0;
    for (page, text) in pages() {
        links += link_targets(&text).len();
        broken.extend(broken_links(&page, &text, read_from_repository));
    }
    assert!(
        links > 20,
        "only {links} links found: is the link reader broken?"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_check_finds_a_missing_file_and_a_missing_heading() {
    let page = "docs/a.md";
    let text = "# A page\n\n## Twice\n\n## Twice\n\n\
                [ok](b.md#the-heading) [up](../README.md) [here](#twice-1) [web](https://x.y/z)\n\
                [gone](c.md) [wrong](b.md#nothing) [self](#nowhere) `[code](d.md)`\n\
                ```text\n[fenced](e.md)\n```\n\
                [ref]: f.md\n";
    let read_page = |path: &Path| match path.to_str() {
        Some("docs/b.md") => Some("# B\n\n## The heading\n".to_string()),
        Some("README.md") => Some("# README\n".to_string()),
        _ => None,
    };
    assert_eq!(
        broken_links(page, text, read_page),
        [
            "docs/a.md: c.md (no such file)",
            "docs/a.md: b.md#nothing (no such heading)",
            "docs/a.md: #nowhere (no such heading)",
            "docs/a.md: f.md (no such file)",
        ]
    );
    assert_eq!(
        slug("Inspect: `mls-lab inspect`"),
        "inspect-mls-lab-inspect"
    );
    assert_eq!(slug("1. The DS task — fixed"), "1-the-ds-task--fixed");
}

#[test]
fn a_generated_region_is_found_between_its_markers() {
    let text = "a\n<!-- generated: keys -->\n| k |\n<!-- end -->\nb\n";
    assert_eq!(generated_region(text, "keys"), Some("| k |\n"));
    assert_eq!(generated_region(text, "verbs"), None);
    assert_eq!(cell("`a|b`"), "`a\\|b`");
}

/// "Running a workshop" says what a teacher needs, names every option of
/// `mls-lab serve` and `--ds`, and the README leads to it.
#[test]
fn the_workshop_page_covers_the_server_and_the_readme_links_it() {
    let page = read("docs/workshop.md");
    for heading in [
        "## Start the server",
        "## What attendees type",
        "## The room token",
        "## What the projector shows",
        "## Reset between sessions",
    ] {
        assert!(page.contains(heading), "docs/workshop.md lacks {heading}");
    }
    let help = std::process::Command::new(assert_cmd::cargo::cargo_bin("mls-lab"))
        .args(["serve", "--help"])
        .output()
        .expect("mls-lab serve --help runs");
    let help = String::from_utf8_lossy(&help.stdout);
    let options: Vec<&str> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .filter(|word| !matches!(*word, "--help" | "--version"))
        .collect();
    assert!(options.contains(&"--listen"), "{help}");
    for option in options {
        assert!(
            page.contains(&format!("`{option}")),
            "docs/workshop.md does not explain serve's {option}"
        );
    }
    assert!(page.contains("--ds "), "docs/workshop.md lacks --ds");
    assert!(read("README.md").contains("(docs/workshop.md)"));
}

/// docs/benchmarks.md records the server under a room's load with the command
/// that measured it: publish and consume at 50, 200 and 1,000 clients, on the
/// lab's server and on the server it is compared with in the same run.
#[test]
fn the_benchmarks_record_the_server_under_a_rooms_load() {
    let page = read("docs/benchmarks.md");
    assert!(page.contains("## The DS under a room's load"));
    assert!(page.contains("cargo run --release --example ds_load"));
    assert!(page.contains("--compare"));
    for server in ["lab (validates)", "compared"] {
        for clients in [50, 200, 1000] {
            for operation in ["publish", "consume"] {
                let row = format!("| {server} | {clients} | {operation} |");
                assert!(page.contains(&row), "docs/benchmarks.md lacks {row}");
            }
        }
    }
}
