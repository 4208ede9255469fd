//! One `secrets[]` entry of a Welcome in the inspector: the `new_member`
//! reference, the key package's `init_key` its `GroupSecrets` are HPKE-sealed
//! to (RFC 9420 §12.4.3.1), and whose stored bundle opens it. The private init
//! key itself is never sent to the UI: it reads `(redacted)`.

use ratatui::text::{Line, Span};

use super::fields::item;
use crate::app::draw::text::{ref_span, short};
use crate::app::draw::theme::Theme;
use crate::app::App;
use crate::engine::{Opener, WelcomeSecret};

/// The entry's lines: who it names, the key it is sealed to, who opens it.
pub(super) fn lines<'a>(
    app: &App,
    index: usize,
    secret: &WelcomeSecret,
    theme: &Theme,
) -> Vec<(Line<'a>, usize)> {
    let owner = secret.owner.as_deref().unwrap_or("?");
    let mut head = vec![
        Span::raw(format!("  [{index}] new_member ")),
        ref_span(app, &secret.new_member, theme, theme.base),
        Span::raw(format!(" of {owner} {}B", secret.bytes)),
    ];
    match &secret.matched_by {
        Some(by) => head.push(Span::styled(format!(" ✓ matched by {by}"), theme.ok)),
        None => head.push(Span::styled(" not joined yet", theme.muted)),
    }
    let sealed = match &secret.init_key {
        Some(init_key) => Line::from(vec![
            Span::raw("      sealed to init_key "),
            Span::styled(short(init_key).to_string(), theme.header),
            Span::raw(" of "),
            ref_span(app, &secret.new_member, theme, theme.base),
        ]),
        None => Line::styled(
            "      sealed to the init_key of a key package the lab does not hold",
            theme.muted,
        ),
    };
    let redacted = "init_private_key (redacted)";
    let opened = match (secret.opener, &secret.matched_by) {
        // Kept (last resort) or deleted after the join: the key packages
        // panel and the journey say which.
        (Opener::BundleInStorage | Opener::BundleGone, Some(by)) => Line::styled(
            format!("      opened by {by}'s bundle: {redacted}"),
            theme.ok,
        ),
        (Opener::BundleInStorage, None) => {
            Line::raw(format!("      {owner}'s bundle opens it: {redacted}"))
        }
        (Opener::BundleGone, None) => Line::styled(
            format!("      no bundle in {owner}'s storage: nobody can open it"),
            theme.error,
        ),
        (Opener::OtherStack, _) => Line::styled(
            format!("      opened in {owner}'s own MLS stack (its keys are not in the lab)"),
            theme.muted,
        ),
        (Opener::NotInLab, _) => Line::styled(
            "      opened by whoever holds that key package's bundle",
            theme.muted,
        ),
    };
    vec![item(Line::from(head)), item(sealed), item(opened)]
}
