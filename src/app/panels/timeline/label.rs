//! An event's label on the timeline, in parts: its key words (what happened:
//! `Welcome`, `bundle … deleted`, an error code), the reference it is about,
//! context (a group, an owner) and a trailing note. A label too wide for its row
//! loses its note, then its context from the right; its key words and its
//! reference stay, and only a label wider than the row without them is cut,
//! with `…`. A failure may also say itself tersely: a rejected key package
//! gives up its reference, then the word `KeyPackage`, but keeps its error code.

use std::borrow::Cow;

use ratatui::style::Style;
use ratatui::text::Span;

use crate::app::draw::text::{escaped_span, ref_span};
use crate::app::draw::theme::Theme;
use crate::app::App;
use crate::domain::KeyPackageRef;
use crate::engine::{Event, EventKind};

/// What a part of a label is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// What happened: never dropped.
    Key,
    /// The reference it is about: never dropped.
    Ref,
    /// A group, an owner: dropped, from the right, when room is short.
    Context,
    /// A trailing remark in parentheses: dropped first.
    Note,
}

/// A label: its parts in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Label<'a> {
    parts: Vec<(Part, Span<'a>)>,
    /// Shorter wordings, longest first, for a row too narrow for even the
    /// shortest form of `parts`.
    terse: Vec<Vec<(Part, Span<'a>)>>,
}

impl<'a> Label<'a> {
    /// The label as spans, whole.
    pub fn spans(&self) -> Vec<Span<'a>> {
        self.parts.iter().map(|(_, s)| s.clone()).collect()
    }

    /// The label's spans, whole, without copying them (a frame draws each
    /// row's label once).
    pub fn into_spans(self) -> Vec<Span<'a>> {
        self.parts.into_iter().map(|(_, s)| s).collect()
    }

    pub fn width(&self) -> usize {
        self.parts.iter().map(|(_, s)| s.width()).sum()
    }

    /// The label with the foreign text it quotes (names, identities, groups)
    /// escaped, as every panel draws input.
    pub fn escaped(self) -> Self {
        let escape = |parts: Vec<(Part, Span<'a>)>| {
            parts
                .into_iter()
                .map(|(part, span)| (part, escaped_span(span)))
                .collect()
        };
        Label {
            parts: escape(self.parts),
            terse: self.terse.into_iter().map(escape).collect(),
        }
    }

    /// The label without the `✗ ` it starts with (a lane's mark says it).
    pub fn without_cross(mut self) -> Self {
        for parts in std::iter::once(&mut self.parts).chain(self.terse.iter_mut()) {
            if let Some((_, first)) = parts.first_mut() {
                if let Some(rest) = first.content.strip_prefix("✗ ") {
                    first.content = rest.to_string().into();
                }
            }
        }
        self
    }

    /// The label's shorter forms, longest first: without its note, then
    /// without each context part from the right, then its terse forms. Made
    /// one at a time: on most rows of every frame the label fits whole and
    /// none is needed.
    pub fn shorter_forms(&self) -> impl Iterator<Item = Label<'a>> + '_ {
        // Notes first, then context, each from the right.
        let drop_one = |current: &Label<'a>| {
            let rightmost = |wanted: Part| current.parts.iter().rposition(|(p, _)| *p == wanted);
            let at = rightmost(Part::Note).or_else(|| rightmost(Part::Context))?;
            let mut shorter = current.clone();
            shorter.parts.remove(at);
            Some(shorter)
        };
        let dropped = std::iter::successors(drop_one(self), move |current| drop_one(current));
        let terse = self.terse.iter().map(|parts| Label {
            parts: parts.clone(),
            terse: Vec::new(),
        });
        dropped.chain(terse)
    }

    /// The longest form that fits `room` columns, or the shortest. On most rows
    /// the label fits whole, and is given back as it is.
    pub fn fit(self, room: usize) -> Label<'a> {
        if self.width() <= room {
            return self;
        }
        let mut shortest = None;
        for form in self.shorter_forms() {
            if form.width() <= room {
                return form;
            }
            shortest = Some(form);
        }
        shortest.unwrap_or(self)
    }

    /// The words of its key parts (what a reader must see).
    pub fn key_words(&self) -> String {
        self.parts
            .iter()
            .filter(|(p, _)| *p == Part::Key)
            .map(|(_, s)| s.content.trim())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The label of an event: text with the reference it is about, styled.
pub fn label<'a>(app: &App, event: &'a Event, theme: &Theme) -> Label<'a> {
    let r = |kp_ref: &KeyPackageRef| (Part::Ref, ref_span(app, kp_ref, theme, theme.arrow));
    // Fixed words are borrowed, not copied: every row of every frame makes its label.
    let key = |s: Cow<'static, str>| (Part::Key, Span::raw(s));
    let styled = |s: Cow<'static, str>, style: Style| (Part::Key, Span::styled(s, style));
    let context = |s: String| (Part::Context, Span::raw(s));
    let lr = |yes: bool| {
        (
            Part::Key,
            Span::styled(if yes { " LR" } else { "" }, theme.last_resort),
        )
    };
    let error = |e: String| styled(e.into(), theme.error);
    let parts = match &event.kind {
        EventKind::ClientRegistered { .. } => vec![key("register".into())],
        EventKind::KeyPackageGenerated {
            kp_ref,
            last_resort,
            ..
        } => vec![key("generate ".into()), r(kp_ref), lr(*last_resort)],
        EventKind::KeyPackagePublished {
            kp_ref,
            last_resort,
            ..
        } => vec![key("KeyPackage ".into()), r(kp_ref), lr(*last_resort)],
        EventKind::KeyPackageRejected {
            kp_ref, error: e, ..
        } => {
            let mut parts = vec![key("✗ KeyPackage ".into())];
            parts.extend(kp_ref.as_ref().map(r));
            parts.push(error(format!(" {e}")));
            let terse = vec![
                vec![key("✗ KeyPackage".into()), error(format!(" {e}"))],
                vec![key("✗ ".into()), error(e.to_string())],
            ];
            return Label { parts, terse };
        }
        EventKind::KeyPackageClaimed {
            kp_ref,
            owner,
            last_resort,
            last_resort_reuse,
            ..
        } => {
            let mut parts = vec![context(format!("{owner}'s ")), r(kp_ref), lr(*last_resort)];
            if *last_resort_reuse {
                parts.push(styled(" ↻ reuse".into(), theme.reuse));
            }
            parts
        }
        // A failure's context is plain text (drawn in the row's error colour),
        // so that a narrow row drops it and keeps the code.
        EventKind::ClaimFailed {
            owner, error: e, ..
        } => vec![
            key("✗ claim ".into()),
            context(format!("{owner}: ")),
            error(e.to_string()),
        ],
        EventKind::GroupCreated { group, .. } => vec![key(format!("create {group}").into())],
        EventKind::CommitSent { group, epoch, .. } => vec![
            key("Commit ".into()),
            context(format!("{group} ")),
            key(format!("e{epoch}").into()),
        ],
        EventKind::WelcomeSent {
            group,
            new_member_refs,
            ..
        } => {
            let mut parts = vec![key("Welcome ".into()), context(format!("{group} "))];
            // Show the followed reference if the Welcome names it.
            let shown = new_member_refs
                .iter()
                .find(|x| app.followed() == Some(*x))
                .or(new_member_refs.first());
            parts.extend(shown.map(r));
            if new_member_refs.len() > 1 {
                parts.push(context(format!(" +{}", new_member_refs.len() - 1)));
            }
            parts
        }
        EventKind::WelcomeDelivered {
            group,
            kp_ref,
            new_member_refs,
            misbehaving_ds,
            ..
        } => {
            let mut parts = vec![key("Welcome ".into()), context(format!("{group} "))];
            // A replayed or misrouted Welcome names no reference of its receiver:
            // show the one it carries.
            parts.extend(kp_ref.as_ref().or(new_member_refs.first()).map(r));
            // The row above says what the DS did (replay-welcome, forward-welcome).
            if *misbehaving_ds {
                parts.push((Part::Note, Span::styled(" (bad DS)", theme.warn)));
            }
            parts
        }
        EventKind::GroupJoined {
            group,
            kp_ref,
            last_resort,
            ..
        } => vec![
            key("joined ".into()),
            context(format!("{group} via ")),
            r(kp_ref),
            lr(*last_resort),
        ],
        EventKind::JoinFailed {
            group, error: e, ..
        } => vec![
            key("✗ join ".into()),
            context(format!("{group}: ")),
            error(e.to_string()),
        ],
        EventKind::PrivateBundleDeleted { kp_ref } => {
            vec![key("bundle ".into()), r(kp_ref), key(" deleted".into())]
        }
        EventKind::KeyPackageExpired { kp_ref, owner, .. } => vec![
            context(format!("{owner}'s ")),
            r(kp_ref),
            key(" expired".into()),
        ],
        EventKind::Clock { offset, .. } => {
            vec![key(format!(
                "clock +{}",
                crate::domain::approximate(*offset)
            )
            .into())]
        }
        EventKind::KeyPackageSkipped { kp_ref, .. } => vec![key("skip ".into()), r(kp_ref)],
        EventKind::PrivateBundleDiscarded { kp_ref } => vec![
            key("bundle ".into()),
            r(kp_ref),
            key(" deleted".into()),
            context(" on purpose".into()),
        ],
        EventKind::PrivateBundleRetained { kp_ref } => vec![
            key("bundle ".into()),
            r(kp_ref),
            styled(" kept (LR)".into(), theme.last_resort),
        ],
        EventKind::CommitProcessed { group, epoch } => vec![
            key("Commit ".into()),
            context(format!("{group} ")),
            key(format!("→ e{epoch}").into()),
        ],
        EventKind::CommitFailed {
            group, error: e, ..
        } => vec![
            key("✗ Commit ".into()),
            context(format!("{group}: ")),
            error(e.to_string()),
        ],
        EventKind::CommitRefused {
            group, error: e, ..
        } => vec![
            key("✗ DS refused Commit ".into()),
            context(format!("{group}: ")),
            error(e.to_string()),
        ],
        EventKind::SelfUpdated { group, epoch, .. } => vec![
            key("update ".into()),
            context(format!("{group} ")),
            key(format!("e{epoch}").into()),
        ],
        EventKind::DsMisbehaved { action, .. } => vec![styled(action.clone().into(), theme.warn)],
        EventKind::CommandFailed {
            command, error: e, ..
        } => vec![key(format!("✗ {command}: ").into()), error(e.to_string())],
        EventKind::ExpectPassed { expectation } => {
            vec![styled(format!("✓ expect {expectation}").into(), theme.ok)]
        }
        EventKind::ExpectFailed { expectation, .. } => {
            vec![error(format!("✗ expect {expectation}"))]
        }
        // The DS's faults and policies.
        EventKind::DsFaultSet { fault, on, .. } => {
            let switch = if *on { "on" } else { "off" };
            vec![styled(format!("fault {fault} {switch}").into(), theme.warn)]
        }
        EventKind::DsFaultActed { fault, .. } => {
            vec![styled(format!("⚠ {fault}").into(), theme.warn)]
        }
        EventKind::DsReleased { .. } => vec![styled("release".into(), theme.warn)],
        EventKind::KeyPackageRefused {
            kp_ref,
            owner,
            error: e,
            ..
        } => vec![
            key("✗ ".into()),
            context(format!("{owner}'s ")),
            r(kp_ref),
            error(format!(" {e}")),
        ],
        EventKind::DsPolicySet {
            policy,
            limit,
            per,
            value,
        } => match (limit, per, value) {
            (Some(limit), Some(per), _) => vec![key(format!("{policy} {limit}/{per}").into())],
            (_, _, Some(value)) => vec![key(format!("{policy} {value}").into())],
            _ => vec![key(format!("{policy} off").into())],
        },
        EventKind::PoolSet { target, .. } => match target {
            Some(target) => vec![key(format!("pool {target}").into())],
            None => vec![key("pool off".into())],
        },
        EventKind::PoolRefilled { generated, .. } => vec![key(format!("pool +{generated}").into())],
        EventKind::KeyPackageExported { kp_ref, .. } => vec![key("export ".into()), r(kp_ref)],
        EventKind::WelcomeExported { group, .. } => {
            vec![key("export Welcome ".into()), context(group.clone())]
        }
        EventKind::KeyPackageCrafted { change, .. } => vec![key(format!("craft {change}").into())],
        EventKind::MailboxExported { client, files, .. } => vec![
            key("export mailbox ".into()),
            context(format!("{client} ({})", files.len())),
        ],
        EventKind::KeyPackageImported {
            kp_ref, identity, ..
        } => vec![
            key("import ".into()),
            r(kp_ref),
            context(format!(" as {identity}")),
        ],
        EventKind::WelcomeImported {
            kp_ref,
            new_member_refs,
            ..
        } => {
            let mut parts = vec![key("Welcome ".into()), context("from file ".into())];
            parts.extend(kp_ref.as_ref().or(new_member_refs.first()).map(r));
            parts
        }
    };
    Label {
        parts,
        terse: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(parts: Vec<(Part, &'static str)>) -> Label<'static> {
        Label {
            parts: parts.into_iter().map(|(p, t)| (p, Span::raw(t))).collect(),
            terse: Vec::new(),
        }
    }

    #[test]
    fn a_narrow_label_keeps_its_key_words_and_reference() {
        let welcome = label(vec![
            (Part::Key, "Welcome "),
            (Part::Context, "study "),
            (Part::Ref, "c155b158"),
            (Part::Note, " (bad DS)"),
        ]);
        let text = |l: Label| {
            l.spans()
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        assert_eq!(
            text(welcome.clone().fit(100)),
            "Welcome study c155b158 (bad DS)"
        );
        assert_eq!(text(welcome.clone().fit(22)), "Welcome study c155b158");
        assert_eq!(text(welcome.clone().fit(16)), "Welcome c155b158");
        assert_eq!(
            text(welcome.clone().fit(3)),
            "Welcome c155b158",
            "the shortest form"
        );
        assert_eq!(welcome.key_words(), "Welcome");
        let bundle = label(vec![
            (Part::Key, "bundle "),
            (Part::Ref, "4ad96e3a"),
            (Part::Key, " deleted"),
            (Part::Context, " on purpose"),
        ]);
        assert_eq!(text(bundle.clone().fit(24)), "bundle 4ad96e3a deleted");
        assert_eq!(bundle.key_words(), "bundle deleted");
    }

    #[test]
    fn a_rejection_gives_up_its_reference_then_its_noun_never_its_code() {
        let mut rejected = label(vec![
            (Part::Key, "✗ KeyPackage "),
            (Part::Ref, "fd621ea7"),
            (Part::Key, " UnsupportedExtension"),
        ]);
        rejected.terse = vec![
            vec![
                (Part::Key, Span::raw("✗ KeyPackage")),
                (Part::Key, Span::raw(" UnsupportedExtension")),
            ],
            vec![
                (Part::Key, Span::raw("✗ ")),
                (Part::Key, Span::raw("UnsupportedExtension")),
            ],
        ];
        let text = |l: Label| {
            l.spans()
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        assert_eq!(
            text(rejected.clone().fit(42)),
            "✗ KeyPackage fd621ea7 UnsupportedExtension"
        );
        assert_eq!(
            text(rejected.clone().fit(40)),
            "✗ KeyPackage UnsupportedExtension"
        );
        assert_eq!(text(rejected.clone().fit(30)), "✗ UnsupportedExtension");
        assert_eq!(
            text(rejected.clone().without_cross().fit(25)),
            "UnsupportedExtension"
        );
    }
}
