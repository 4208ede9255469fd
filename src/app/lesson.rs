//! Lessons: a scenario stepped through with Space, each step shown with the
//! comment above it as its caption.

use crate::command::{parse_script, ParsedLine};

/// A scenario loaded for stepping: each step is a line with the comment above it.
#[derive(Debug, Clone, Default)]
pub struct Lesson {
    pub name: String,
    pub steps: Vec<(String, ParsedLine)>,
    pub next: usize,
}

impl Lesson {
    /// The next step with its caption (`[2/9] caption · line`), advancing; `None`
    /// when the lesson is over.
    pub fn advance(&mut self) -> Option<(String, ParsedLine)> {
        let (caption, line) = self.steps.get(self.next).cloned()?;
        self.next += 1;
        // The step number first: it must survive however the caption wraps.
        let number = format!("[{}/{}]", self.next, self.steps.len());
        let shown = if caption.is_empty() {
            format!("{number} {}", line.text)
        } else {
            format!("{number} {caption} · {}", line.text)
        };
        Some((shown, line))
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

/// Reads a scenario as a lesson: each command with the comment lines just above it
/// (blank lines between them allowed); a command without comments above it keeps
/// the caption before. Parsed by [`parse_script`], exactly as `mls-lab run` reads it.
pub fn lesson_from(name: &str, source: &str) -> Result<Lesson, Vec<String>> {
    let lines = parse_script(name, source)?;
    let texts: Vec<&str> = source.lines().collect();
    let mut steps = Vec::with_capacity(lines.len());
    let mut last = String::new();
    let mut after = 0; // the line number of the previous command
    for line in lines {
        let between = texts.get(after..line.line_no - 1).unwrap_or_default();
        let caption: Vec<&str> = between
            .iter()
            .filter_map(|text| text.trim().strip_prefix('#'))
            .map(str::trim)
            .collect();
        if !caption.is_empty() {
            last = caption.join(" ");
        }
        after = line.line_no;
        steps.push((last.clone(), line));
    }
    Ok(Lesson {
        name: name.to_string(),
        steps,
        next: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::super::App;
    use super::*;
    use crate::command::MAX_LINE_BYTES;
    use crate::worker::Request;

    /// A quoted `#` is a word, a comment starts at an unquoted one, trailing
    /// comments and indentation do not count, overlong lines are refused.
    fn script(long: &str) -> String {
        format!(
            "# the lab\nclients alice bob\n\n  # bob's package\nbob generate 2 # two\n\
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
        let stepped: Vec<&ParsedLine> = lesson.steps.iter().map(|(_, line)| line).collect();
        assert_eq!(stepped, runner.iter().collect::<Vec<_>>());
        let captions: Vec<&str> = lesson.steps.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            captions,
            [
                "the lab",
                "bob's package",
                "bob's package",
                "bob's package",
                "bob's package"
            ]
        );
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
    fn lessons_and_the_prompt_refuse_what_the_runner_refuses() {
        let long = format!("bob generate 1 #{}", "x".repeat(MAX_LINE_BYTES));
        let source = format!("{}alice claim\n", script(&long));
        let runner = parse_script("s", &source).expect_err("two bad lines");
        assert_eq!(runner.len(), 2, "{runner:?}");
        assert!(runner[0].starts_with("s:8: line longer than"), "{runner:?}");
        assert!(runner[1].starts_with("s:9: missing OWNER"), "{runner:?}");
        assert_eq!(lesson_from("s", &source).expect_err("refused"), runner);
        let texts: Vec<&str> = source.lines().collect();
        let error = App::run_request("x", &texts).expect_err("refused");
        assert!(error.ends_with("line longer than 4096 bytes"), "{error}");
        let error = App::run_request("x", &["alice claim"]).expect_err("refused");
        let message = runner[1].trim_start_matches("s:9: ");
        assert_eq!(error, format!("alice claim: {message}"));
    }
}
