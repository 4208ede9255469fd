//! A [`Report`] as the lines `mls-lab inspect` prints: a header, the findings,
//! then the field tree with each field's offset and length.

use super::checks::{Judge, Verdict};
use super::{Findings, Framing, Report};

fn framing(framing: Framing) -> &'static str {
    match framing {
        Framing::MlsMessage => "in an MLSMessage",
        Framing::Bare => "bare",
    }
}

fn verdict(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "FAIL",
        Verdict::NotChecked => "n/a ",
    }
}

/// The report as text lines (the caller escapes and writes them).
pub fn lines(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let what = match &report.findings {
        Findings::KeyPackage(_) => "KeyPackage",
        Findings::Welcome(_) => "Welcome",
    };
    out.push(format!(
        "{what}, {}, {} bytes (read as {})",
        framing(report.framing),
        report.size,
        report.encoding
    ));
    match &report.findings {
        Findings::KeyPackage(kp) => {
            match &kp.reference {
                Ok(reference) => {
                    out.push(format!("reference (RFC 9420 §5.2 RefHash): {reference}"))
                }
                Err(why) => out.push(format!("reference: not computed, {why}")),
            }
            out.push(String::new());
            out.push(
                "checks the DS and every claimer run, each with its source (an RFC 9420 MUST, OpenMLS's own behaviour, or a DS policy), lifetime at the current time:"
                    .into(),
            );
            let width = kp
                .checks
                .iter()
                .map(|c| c.name.chars().count())
                .max()
                .unwrap_or(0);
            let source_width = kp
                .checks
                .iter()
                .map(|c| c.source.to_string().chars().count())
                .max()
                .unwrap_or(0);
            for check in &kp.checks {
                out.push(format!(
                    "  {}  {:width$}  {:source_width$}  {}",
                    verdict(check.verdict),
                    check.name,
                    check.source.to_string(),
                    check.reason
                ));
            }
            out.push(match &kp.openmls {
                Ok(()) => "OpenMLS KeyPackageIn::validate: accepted".into(),
                Err(why) => format!("OpenMLS KeyPackageIn::validate: refused, {why}"),
            });
            let judged = |judge| match kp.refusal(judge) {
                None => "yes".to_string(),
                Some(check) => format!("no ({}: {})", check.name, check.source),
            };
            out.push(format!(
                "an OpenMLS claimer would accept this: {}",
                judged(Judge::Claimer)
            ));
            let policy = if kp.policy.is_default() {
                "its default policy"
            } else {
                "its policy"
            };
            out.push(format!(
                "the lab's DS would accept this: {} (under {policy}: {})",
                judged(Judge::Ds),
                kp.policy
            ));
        }
        Findings::Welcome(welcome) => {
            out.push(format!(
                "cipher suite {} ({})",
                welcome.cipher_suite, welcome.cipher_suite_name
            ));
            out.push(format!(
                "secrets[]: {} new member(s), each named by its KeyPackageRef (RFC 9420 §12.4.3.1)",
                welcome.new_members.len()
            ));
            if welcome.new_members.is_empty() {
                out.push("  none: nobody can join with this Welcome".into());
            }
            for (i, member) in welcome.new_members.iter().enumerate() {
                out.push(format!("  [{i}] new_member {member}"));
            }
            if !welcome.new_members.is_empty() {
                out.push(
                    "  each entry's encrypted_group_secrets is HPKE-sealed to the init_key of the key package its new_member names; only that package's private bundle (init_private_key) opens it"
                        .into(),
                );
            }
        }
    }
    out.push(String::new());
    out.push(format!("{:>7} {:>6}  field", "offset", "length"));
    for (depth, field) in report.tree.walk() {
        let indent = "  ".repeat(depth);
        let value = field
            .value
            .as_deref()
            .map(|v| format!("  {v}"))
            .unwrap_or_default();
        out.push(format!(
            "{:>7} {:>6}  {indent}{}{value}",
            field.offset, field.len, field.name
        ));
    }
    out
}
