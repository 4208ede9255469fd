//! What Tab offers at the prompt, from the words before the cursor: the verbs
//! and options the parser knows, and the lab's names where the grammar wants
//! them (groups after `--to`, other clients after `claim`, the client's own
//! selectors after `publish`, the `expect` forms after `expect`).

use crate::command;

/// The lab's names, as completion needs them.
#[derive(Debug, Clone, Default)]
pub struct Words {
    pub clients: Vec<String>,
    pub groups: Vec<String>,
    /// Per client: `@N`, `@last` and the short references of its key packages.
    pub selectors: Vec<(String, Vec<String>)>,
}

/// The forms an `expect` line can take after `expect`.
const EXPECT_FORMS: &[&str] = &["ok", "error", "in-sync", "ds"];
/// `expect ds OWNER ...`
const DS_CHECKS: &[&str] = &["available", "last-resort", "claims", "reuses"];
/// `expect CLIENT ...`
const CLIENT_CHECKS: &[&str] = &[
    "member-of",
    "not-member-of",
    "key-packages",
    "inventory",
    "bundle",
    "epoch",
];
const DS_VERBS: &[&str] = &[
    "replay-welcome",
    "forward-welcome",
    "fault",
    "release",
    "policy",
];
const SWITCHES: &[&str] = &["on", "off"];
const PRESENCE: &[&str] = &["present", "deleted"];
const SUITES: &[&str] = &["1", "2", "3"];

/// What a word of a client's line names, where the grammar wants a name.
#[derive(Debug, Clone, Copy)]
enum Wanted {
    Groups,
    Suites,
    /// Clients other than the one acting (never claim from or add oneself).
    OtherClients,
    /// The acting client's `@N`, `@last` and short references.
    OwnSelectors,
}

/// The flags that take a value, and what the value names.
const FLAG_VALUES: &[(&str, Wanted)] = &[
    ("--to", Wanted::Groups),
    ("--suite", Wanted::Suites),
    ("--stolen-from", Wanted::OtherClients),
];

/// The verbs whose arguments name something of the lab, and what.
const VERB_ARGUMENTS: &[(&str, Wanted)] = &[
    ("claim", Wanted::OtherClients),
    ("add", Wanted::OtherClients),
    ("publish", Wanted::OwnSelectors),
    ("self-update", Wanted::Groups),
];

impl Words {
    /// The names of `wanted` from the point of view of `client`.
    fn named(&self, wanted: Wanted, client: &str) -> Vec<String> {
        match wanted {
            Wanted::Groups => self.groups.clone(),
            Wanted::Suites => SUITES.iter().map(|s| s.to_string()).collect(),
            Wanted::OtherClients => self
                .clients
                .iter()
                .filter(|c| c.as_str() != client)
                .cloned()
                .collect(),
            Wanted::OwnSelectors => self
                .selectors
                .iter()
                .find(|(c, _)| c == client)
                .map(|(_, s)| s.clone())
                .unwrap_or_default(),
        }
    }
}

/// Every word that starts a line or follows a client's name: what `help` takes.
pub fn all_verbs() -> Vec<String> {
    let mut verbs: Vec<String> = command::LAB_VERBS.iter().map(|v| v.to_string()).collect();
    verbs.extend(command::client_verbs());
    verbs
}

/// The words that fit where the cursor is, sorted, without repeats.
pub fn candidates(words: &Words, before_cursor: &str) -> Vec<String> {
    let tokens: Vec<&str> = before_cursor.split_whitespace().collect();
    let typing_new = before_cursor.is_empty() || before_cursor.ends_with(' ');
    // The words before the one being typed.
    let done: &[&str] = if typing_new {
        &tokens
    } else {
        &tokens[..tokens.len().saturating_sub(1)]
    };
    let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut out: Vec<String> = match done {
        [] => {
            let mut first = words.clients.clone();
            first.extend(list(command::LAB_VERBS));
            first.push("help".into());
            first
        }
        ["help"] => all_verbs(),
        ["help", ..] | ["clients", ..] | ["deliver", ..] => Vec::new(),
        ["ds"] => list(DS_VERBS),
        ["ds", "forward-welcome"] => words.clients.clone(),
        ["ds", "fault"] => crate::domain::Fault::ALL
            .iter()
            .map(|f| f.name().to_string())
            .collect(),
        ["ds", "fault", _] => list(SWITCHES),
        ["ds", "policy"] => list(&["claim-limit"]),
        ["ds", ..] => Vec::new(),
        ["expect"] => {
            let mut forms = list(EXPECT_FORMS);
            forms.extend(words.clients.iter().cloned());
            forms
        }
        ["expect", "in-sync"] | ["expect", _, "member-of" | "not-member-of" | "epoch"] => {
            words.groups.clone()
        }
        ["expect", "ds"] => {
            let mut owners = words.clients.clone();
            owners.push("fault".into());
            owners
        }
        ["expect", "ds", "fault"] => crate::domain::Fault::ALL
            .iter()
            .map(|f| f.name().to_string())
            .collect(),
        ["expect", "ds", "fault", _] => list(SWITCHES),
        ["expect", "ds", _] => list(DS_CHECKS),
        ["expect", "ds", _, "last-resort"] => list(PRESENCE),
        ["expect", "ok" | "error" | "ds", ..] => Vec::new(),
        ["expect", client, "bundle"] => words.named(Wanted::OwnSelectors, client),
        ["expect", _, "bundle", _] => list(PRESENCE),
        ["expect", _] => list(CLIENT_CHECKS),
        ["expect", ..] => Vec::new(),
        [_client] => command::client_verbs(),
        [client, verb, rest @ ..] => {
            let flag = rest
                .last()
                .and_then(|last| FLAG_VALUES.iter().find(|(flag, _)| flag == last));
            match flag {
                Some((_, wanted)) => words.named(*wanted, client),
                // After the verb or a flag without a value: the verb's words.
                None => verb_words(words, client, verb),
            }
        }
    };
    out.sort();
    out.dedup();
    out
}

/// What follows `CLIENT VERB`: the verb's arguments and options.
fn verb_words(words: &Words, client: &str, verb: &str) -> Vec<String> {
    let mut out = command::client_verb_options(verb);
    if let Some((_, wanted)) = VERB_ARGUMENTS.iter().find(|(v, _)| *v == verb) {
        out.extend(words.named(*wanted, client));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words {
        Words {
            clients: vec!["alice".into(), "bob".into(), "carol".into()],
            groups: vec!["team".into()],
            selectors: vec![("bob".into(), vec!["@1".into(), "@last".into()])],
        }
    }

    #[test]
    fn claim_and_add_offer_the_other_clients_only() {
        let c = candidates(&words(), "alice claim ");
        assert!(c.contains(&"bob".to_string()) && c.contains(&"carol".to_string()));
        assert!(!c.contains(&"alice".to_string()));
        let c = candidates(&words(), "bob add ");
        assert!(!c.contains(&"bob".to_string()) && c.contains(&"--to".to_string()));
    }

    #[test]
    fn to_offers_groups_and_publish_offers_selectors() {
        assert_eq!(candidates(&words(), "alice add bob --to "), vec!["team"]);
        let c = candidates(&words(), "bob publish ");
        assert!(c.contains(&"@1".to_string()) && c.contains(&"--all".to_string()));
    }

    #[test]
    fn expect_offers_its_forms() {
        let c = candidates(&words(), "expect ");
        for form in ["ok", "error", "in-sync", "ds", "bob"] {
            assert!(c.contains(&form.to_string()), "{form} in {c:?}");
        }
        assert_eq!(candidates(&words(), "expect in-sync "), vec!["team"]);
        assert!(candidates(&words(), "expect ds bob ").contains(&"reuses".to_string()));
        assert!(candidates(&words(), "expect bob ").contains(&"bundle".to_string()));
        assert_eq!(
            candidates(&words(), "expect bob bundle "),
            vec!["@1", "@last"]
        );
    }

    #[test]
    fn first_words_are_clients_lab_verbs_and_help() {
        let c = candidates(&words(), "");
        for w in ["alice", "clients", "deliver", "ds", "expect", "help"] {
            assert!(c.contains(&w.to_string()), "{w}");
        }
        assert!(candidates(&words(), "help ").contains(&"join".to_string()));
        assert!(candidates(&words(), "bob ").contains(&"peek".to_string()));
    }
}
