//! The vocabulary as the user sees it: every verb and every `expect` form with its
//! usage line and one line of help, declared once here for parse errors, the TUI's
//! help and completion, and the README. A test checks it against the parser.

use clap::CommandFactory as _;

use super::parse::grammar::ClientLine;

/// Where a verb sits in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbKind {
    /// Starts a line: `clients`, `deliver`, `ds ...`.
    Lab,
    /// Follows a client's name: `bob generate`.
    Client,
    /// An assertion: `expect ...`.
    Expect,
}

/// One verb or `expect` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verb {
    pub kind: VerbKind,
    /// The key [`usage`] looks up: the verb (`claim`, `ds forward-welcome`) or the
    /// expect form (`expect ok`, `expect ds available`, `expect member-of`).
    pub name: &'static str,
    pub usage: &'static str,
    pub help: &'static str,
}

const fn verb(kind: VerbKind, name: &'static str, usage: &'static str, help: &'static str) -> Verb {
    Verb {
        kind,
        name,
        usage,
        help,
    }
}

use VerbKind::{Client, Expect, Lab};

const VOCABULARY: &[Verb] = &[
    verb(Lab, "clients", "clients NAME...", "create clients; each registers its name and signature key at the DS"),
    verb(Lab, "deliver", "deliver", "every client fetches and processes its whole mailbox"),
    verb(Lab, "clock", "clock [+DURATION]", "print the lab's time, or move it forward: +45s, +90m, +12h, +30d"),
    verb(Lab, "ds replay-welcome", "ds replay-welcome", "a misbehaving DS delivers the last Welcome again to its recipients"),
    verb(Lab, "ds forward-welcome", "ds forward-welcome NAME", "a misbehaving DS delivers the last Welcome to a client it was not for"),
    verb(Lab, "ds fault", "ds fault FAULT on|off", "make the DS misbehave on purpose: double-handout, tamper-handout, serve-expired, drop-welcome, duplicate-welcome, hold-welcome, reorder-commits, bare-framing, forget-last-resort"),
    verb(Lab, "ds release", "ds release", "the DS delivers what hold-welcome or reorder-commits held back"),
    verb(Lab, "ds policy", "ds policy claim-limit N --per DURATION | ds policy claim-limit off | ds policy max-lifetime DURATION|off | ds policy key-encoding strict|lenient | ds policy grease allow|refuse", "limit claims per claimer and owner (RFC 9750 §5.1), or set what uploads are judged by: the longest lifetime, key encodings, GREASE"),
    verb(Lab, "export-welcome", "export-welcome GROUP --to FILE [--for NAME] [--all] [--bare] [--hex|--base64]", "write the Welcome for GROUP as a joiner's DS mailbox holds it (dropped or held by a fault: an error; --all: every copy) to FILE, as an MLSMessage unless --bare"),
    verb(Lab, "export-mailbox", "export-mailbox NAME --to DIR [--hex|--base64]", "write every message waiting in NAME's DS mailbox to DIR, a file each, as the DS holds them"),
    verb(Lab, "import-key-package", "import-key-package FILE --as NAME", "create the external client NAME from a key package made elsewhere; the DS validates and publishes it"),
    verb(Client, "generate", "NAME generate [COUNT] [--last-resort [--no-last-resort-capability]] [--suite 1|2|3] [--lifetime DURATION | --expired | --not-yet-valid]", "build COUNT (1 to 10000) key packages; their private bundles go into storage"),
    verb(Client, "publish", "NAME publish REF... | --all | --raw HEX | --stolen-from NAME [--mls-message] [--tamper]", "upload key packages (hex prefix, @N or @last) to the DS, which validates them"),
    verb(Client, "claim", "NAME claim OWNER [--suite 1|2|3] [--mls-message]", "take one of OWNER's key packages from the DS (a normal one, else the last-resort one), bare or framed as an MLSMessage"),
    verb(Client, "create-group", "NAME create-group GROUP [--suite 1|2|3]", "create a group with this client as its only member"),
    verb(Client, "add", "NAME add MEMBER... --to GROUP", "add members with claimed key packages: one Commit, one Welcome"),
    verb(Client, "peek", "NAME peek", "fetch the mailbox and show pending Welcomes, consuming nothing"),
    verb(Client, "join", "NAME join [--welcome FILE]", "fetch the mailbox and join through every pending Welcome, or through a Welcome from FILE"),
    verb(Client, "sync", "NAME sync", "fetch the mailbox and process pending Commits"),
    verb(Client, "self-update", "NAME self-update [GROUP]", "update the own leaf in GROUP, or in every group joined through a last-resort package"),
    verb(Client, "rotate-last-resort", "NAME rotate-last-resort [--suite 1|2|3]", "publish a new last-resort package and self-update where the old one was used"),
    verb(Client, "delete-bundle", "NAME delete-bundle REF", "delete the private bundle of an own key package on purpose (a Welcome naming it then fails)"),
    verb(Lab, "say", "say \"TEXT\"", "a caption without a command: run prints it, a handout shows it, a lesson steps to it"),
    verb(Client, "pool", "NAME pool --target N --refill-below M | NAME pool --off", "keep N packages at the DS: processing mail with fewer than M left publishes new ones"),
    verb(Lab, "show inspector", "show inspector [NAME REF]", "in a lesson, show the inspector: of the step's subject, or of NAME's key package REF (hex prefix, @N or @last); nothing headless"),
    verb(Lab, "show hex", "show hex [FIELD]", "in a lesson, show the hex view of what the inspector shows, FIELD selected (e.g. init_key, new_member); nothing headless"),
    verb(Lab, "show why", "show why", "in a lesson, show the why pane of the step's subject (the default); nothing headless"),
    verb(Lab, "follow", "follow NAME REF", "in a lesson, highlight NAME's key package REF (hex prefix, @N or @last) everywhere; nothing headless"),
    verb(Client, "export-key-package", "NAME export-key-package REF --to FILE [--bare] [--hex|--base64]", "write an own key package (hex prefix, @N or @last) to FILE, as an MLSMessage unless --bare"),
    verb(Client, "craft", "NAME craft KIND [--at PLACE] [--value VALUE] [--key KEY] [--not-before OFFSET] [--not-after OFFSET] [--suite 1|2|3] [--broken-signature] --to FILE [--bare] [--hex|--base64]", "write a key package of NAME with one deliberate change (plain, lifetime, grease, unlisted-extension, unlisted-credential, init-is-encryption-key, duplicate-extension, version, compressed-key, no-last-resort-capability), signed again unless --broken-signature"),
    verb(Expect, "expect ok", "expect ok", "the last command succeeded"),
    verb(Expect, "expect error", "expect error CODE", "the last command failed with CODE"),
    verb(Expect, "expect in-sync", "expect in-sync GROUP", "every member of GROUP has joined and sees the same epoch, members and authenticator"),
    verb(Expect, "expect ds available", "expect ds OWNER available N", "N normal key packages of OWNER are available at the DS"),
    verb(Expect, "expect ds last-resort", "expect ds OWNER last-resort present|absent", "whether OWNER has a last-resort package at the DS"),
    verb(Expect, "expect ds claims", "expect ds OWNER claims N", "the DS handed out N of OWNER's key packages"),
    verb(Expect, "expect ds reuses", "expect ds OWNER reuses N", "hand-outs of OWNER's last-resort package beyond its first"),
    verb(Expect, "expect ds fault", "expect ds fault FAULT on|off", "whether the DS's fault FAULT is on"),
    verb(Expect, "expect member-of", "expect NAME member-of GROUP", "NAME is a member of GROUP"),
    verb(Expect, "expect not-member-of", "expect NAME not-member-of GROUP", "NAME is not a member of GROUP"),
    verb(Expect, "expect key-packages", "expect NAME key-packages N", "N private bundles in NAME's storage"),
    verb(Expect, "expect inventory", "expect NAME inventory N", "NAME generated N key packages"),
    verb(Expect, "expect bundle", "expect NAME bundle REF present|deleted", "the private bundle of REF is (not) in NAME's storage"),
    verb(Expect, "expect epoch", "expect NAME epoch GROUP N", "NAME is at epoch N of GROUP"),
];

/// Every verb and `expect` form, in the order the README lists them.
pub fn vocabulary() -> &'static [Verb] {
    VOCABULARY
}

/// The usage line of a verb or expect form, by its [`Verb::name`].
pub fn usage(verb: &str) -> Option<String> {
    usage_line(verb).map(String::from)
}

pub(super) fn usage_line(verb: &str) -> Option<&'static str> {
    VOCABULARY.iter().find(|v| v.name == verb).map(|v| v.usage)
}

/// Words that start a line other than a client's name.
pub const LAB_VERBS: &[&str] = &[
    "clients",
    "deliver",
    "clock",
    "ds",
    "expect",
    "say",
    "show",
    "follow",
    "export-welcome",
    "export-mailbox",
    "import-key-package",
];

/// What a client can do (`generate`, `publish`, …), read from the parser's own
/// definition so that completion offers exactly what parses.
pub fn client_verbs() -> Vec<String> {
    ClientLine::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The options of one client verb (`--last-resort`, `--to`, …).
pub fn client_verb_options(verb: &str) -> Vec<String> {
    ClientLine::command()
        .find_subcommand(verb)
        .map(|c| {
            c.get_arguments()
                .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::parse::grammar::{ClientCheckLine, DsCheckLine};
    use super::*;

    fn words_of(command: &clap::Command) -> Vec<(String, Vec<String>)> {
        command
            .get_subcommands()
            .map(|c| {
                let options = c
                    .get_arguments()
                    .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                    .collect();
                (c.get_name().to_string(), options)
            })
            .collect()
    }

    #[test]
    fn every_client_verb_and_option_is_in_the_vocabulary() {
        for (name, options) in words_of(&ClientLine::command()) {
            let usage = usage_line(&name).unwrap_or_else(|| panic!("{name} has no entry"));
            assert!(usage.starts_with(&format!("NAME {name}")), "{usage}");
            for option in options {
                assert!(usage.contains(&option), "{usage} lacks {option}");
            }
        }
        assert_eq!(
            VOCABULARY.iter().filter(|v| v.kind == Client).count(),
            client_verbs().len()
        );
        let listed = super::super::parse::CLIENT_USAGE;
        for verb in client_verbs() {
            assert!(
                listed.split(['|', ' ']).any(|w| w == verb),
                "{listed} lacks {verb}"
            );
        }
    }

    #[test]
    fn every_expect_check_is_in_the_vocabulary() {
        for (name, _) in words_of(&DsCheckLine::command()) {
            assert!(usage_line(&format!("expect ds {name}")).is_some(), "{name}");
        }
        for (name, _) in words_of(&ClientCheckLine::command()) {
            assert!(usage_line(&format!("expect {name}")).is_some(), "{name}");
        }
    }

    #[test]
    fn names_are_unique_and_help_is_one_line() {
        for (i, v) in VOCABULARY.iter().enumerate() {
            assert!(
                VOCABULARY[..i].iter().all(|w| w.name != v.name),
                "{}",
                v.name
            );
            assert!(!v.help.contains('\n') && !v.usage.contains('\n'));
        }
        assert_eq!(
            usage("claim").as_deref(),
            Some("NAME claim OWNER [--suite 1|2|3] [--mls-message]")
        );
        assert_eq!(usage("fly"), None);
    }

    /// One line for every verb: it parses, and its command reports the verb under
    /// the vocabulary's name (the name the engine's `command_failed` events carry).
    #[test]
    fn every_verb_parses_under_its_own_name() {
        use super::super::{parse_line, Command};
        let examples = [
            "clients a b",
            "deliver",
            "clock +30d",
            "ds replay-welcome",
            "ds forward-welcome a",
            "bob generate 2 --last-resort --lifetime 12h",
            "bob publish @1 --tamper",
            "bob claim a --suite 2",
            "bob create-group team",
            "bob add a --to team",
            "bob peek",
            "bob join",
            "bob sync",
            "bob self-update team",
            "bob rotate-last-resort",
            "bob delete-bundle @last",
            "say \"a caption\"",
            "ds fault double-handout on",
            "ds release",
            "ds policy claim-limit 3 --per 1h",
            "bob pool --target 5 --refill-below 2",
            "export-welcome team --to w.mls --hex",
            "import-key-package kp.mls --as carol",
            "bob export-key-package @1 --to kp.mls --bare --base64",
            "show inspector bob @1",
            "show hex init_key",
            "show why",
            "follow bob @last",
            "export-mailbox bob --to box",
            "bob craft grease --at leaf --to kp.mls",
        ];
        for verb in VOCABULARY.iter().filter(|v| v.kind != Expect) {
            let line = examples
                .iter()
                .find(|e| e.starts_with(verb.name) || e.split(' ').nth(1) == Some(verb.name))
                .unwrap_or_else(|| panic!("no example for {}", verb.name));
            match parse_line(line) {
                Ok(Some(command)) => {
                    assert!(!matches!(command, Command::Expect(_)));
                    assert_eq!(command.verb(), verb.name, "{line}");
                }
                other => panic!("{line}: {other:?}"),
            }
        }
    }
}
