//! The inspector's last sections (teaching §4): the key package's private
//! bundle as the storage holds it, its private keys redacted (kind, length, a
//! fingerprint), and how its reference is computed (RFC 9420 §5.2), recomputed
//! equal to the stored one. As many lines as `app::follow::bundle_rows` counts.

use ratatui::text::{Line, Span};

use super::fields::{field, item};
use crate::app::draw::theme::Theme;
use crate::engine::bundle::BundleDetails;

/// The sections' lines, each with the indent its continuation takes.
pub(crate) fn lines<'a>(details: &'a BundleDetails, theme: &Theme) -> Vec<(Line<'a>, usize)> {
    let mut lines = vec![item(Line::styled(
        "private bundle, as the storage holds it",
        theme.header,
    ))];
    match &details.bundle {
        Some(stored) => {
            lines.push(field(
                "storage key",
                format!("{} bytes: {}", stored.storage_key_len, stored.storage_key),
                theme,
            ));
            lines.push(field(
                "key = reference",
                if stored.key_is_reference {
                    Span::styled("✓ the storage key is the reference's bytes", theme.ok)
                } else {
                    Span::styled("✗ the storage key is not the reference", theme.error)
                },
                theme,
            ));
            lines.push(field(
                "stored value",
                format!(
                    "{} bytes: KeyPackageBundle (the key package and its private keys)",
                    stored.value_len
                ),
                theme,
            ));
            for key in &stored.private_keys {
                let name = match key.field.as_str() {
                    // The accessor the OpenMLS page uses.
                    "private_init_key" => "init_private_key",
                    _ => "enc. private key",
                };
                lines.push(field(
                    name,
                    Span::styled(
                        format!(
                            "{}, {} bytes, SHA-256 {}… (redacted)",
                            key.kind, key.len, key.fingerprint
                        ),
                        theme.warn,
                    ),
                    theme,
                ));
            }
        }
        None => lines.push(field(
            "in storage",
            Span::styled("no: consumed by a join, or deleted", theme.muted),
            theme,
        )),
    }
    let reference = &details.reference;
    lines.push(item(Line::styled("reference, RFC 9420 §5.2", theme.header)));
    lines.push(field(
        "RefHash",
        format!("{}(\"{}\", KeyPackage)", reference.hash, reference.label),
        theme,
    ));
    lines.push(field(
        "input",
        format!(
            "{} bytes: RefHashInput, the label and the {}-byte KeyPackage with their lengths",
            reference.input_len, reference.key_package_len
        ),
        theme,
    ));
    lines.push(field(
        "recomputed",
        if reference.matches() {
            Span::styled(
                format!("{} = the stored reference ✓", reference.recomputed.short()),
                theme.ok,
            )
        } else {
            Span::styled(
                format!(
                    "{} ≠ the stored {} ✗",
                    reference.recomputed.short(),
                    reference.stored.short()
                ),
                theme.error,
            )
        },
        theme,
    ));
    lines
}
