//! What a client does (`NAME generate`, `NAME publish`, …): the parser's options
//! turned into the engine's own types, and the verb called. An external client's
//! keys are in another MLS stack, so it can only show what it has.

use crate::engine::ds::DeliveryKind;
use crate::engine::{
    Craft, Engine, EngineError, Export, ExportFormat, GenerateOptions, KeyPackageFormat,
    LifetimeChoice, PoolPolicy, Publish, Uploads,
};
use crate::inspect::craft::{Key, Kind, Place, PRIVATE_EXTENSION};
use crate::inspect::encoding::Encoding;
use crate::inspect::Framing;

use super::super::{
    ClientAction, CraftArgs, CraftKey, CraftKind, CraftPlace, ExportArgs, GenerateArgs, PublishArgs,
};

pub(super) async fn run(
    engine: &mut Engine,
    name: &str,
    action: &ClientAction,
) -> Result<(), EngineError> {
    let client = engine.client(name)?;
    if client.is_external() {
        match action {
            ClientAction::Peek | ClientAction::ExportKeyPackage { .. } => {}
            other => {
                return Err(EngineError::ExternalClient {
                    client: name.to_string(),
                    action: other.verb().to_string(),
                })
            }
        }
    }
    match action {
        ClientAction::Generate(args) => engine
            .generate(name, args.count, generate_options(args))
            .await
            .map(|_| ()),
        ClientAction::Publish(args) => engine.publish(name, &publish(args)?).await,
        ClientAction::Claim {
            owner,
            suite,
            mls_message,
        } => engine
            .claim_framed(name, owner, *suite, framing(*mls_message))
            .await
            .map(|_| ()),
        ClientAction::CreateGroup { group, suite } => {
            engine.create_group(name, group, *suite).await
        }
        ClientAction::Add { members, to } => engine.add(name, members, to).await,
        ClientAction::Peek => engine.peek_mailbox(name).await.map(|_| ()),
        ClientAction::Join { welcome: None } => {
            engine
                .process_mailbox(name, Some(DeliveryKind::Welcome))
                .await
        }
        ClientAction::Join {
            welcome: Some(file),
        } => engine.join_welcome_file(name, file).await,
        ClientAction::ExportKeyPackage { selector, output } => {
            engine.export_key_package(name, selector, &export(output))
        }
        ClientAction::Craft(args) => {
            let craft = craft(args, engine.now())?;
            engine.craft(name, &craft).await
        }
        ClientAction::Sync => {
            engine
                .process_mailbox(name, Some(DeliveryKind::Commit))
                .await
        }
        ClientAction::DeleteBundle { selector } => engine.delete_bundle(name, selector),
        ClientAction::SelfUpdate { group } => engine.self_update(name, group.as_deref()).await,
        ClientAction::RotateLastResort { suite } => engine.rotate_last_resort(name, *suite).await,
        ClientAction::Pool {
            target,
            refill_below,
            off,
        } => {
            let policy = match (off, target, refill_below) {
                (true, None, None) => None,
                (false, Some(target), Some(refill_below)) => {
                    Some(PoolPolicy::new(*target, *refill_below)?)
                }
                _ => {
                    return Err(EngineError::InvalidPolicy(
                        "write `pool --target N --refill-below M` or `pool --off`".into(),
                    ))
                }
            };
            engine.set_pool(name, policy).await
        }
    }
}

/// How `generate`'s options build key packages.
fn generate_options(args: &GenerateArgs) -> GenerateOptions {
    let lifetime = match (args.lifetime, args.expired, args.not_yet_valid) {
        (Some(lifetime), _, _) => LifetimeChoice::Seconds(lifetime.as_secs()),
        (_, true, _) => LifetimeChoice::Expired,
        (_, _, true) => LifetimeChoice::NotYetValid,
        (None, false, false) => LifetimeChoice::Default,
    };
    GenerateOptions {
        suite: args.suite,
        last_resort: args.last_resort,
        last_resort_capability: !args.no_last_resort_capability,
        lifetime,
    }
}

/// What `publish`'s options upload; `--raw` bytes that are not hex are refused
/// as malformed.
fn publish(args: &PublishArgs) -> Result<Publish, EngineError> {
    let uploads = match (&args.raw, &args.stolen_from, args.all) {
        (Some(raw), _, _) => {
            Uploads::Raw(hex::decode(raw.trim()).map_err(|e| EngineError::Malformed {
                what: "hex".into(),
                detail: e.to_string(),
            })?)
        }
        (None, Some(victim), _) => Uploads::StolenFrom(victim.clone()),
        (None, None, true) => Uploads::All,
        (None, None, false) => Uploads::Selected(args.refs.clone()),
    };
    Ok(Publish {
        uploads,
        format: framing(args.mls_message),
        tamper: args.tamper,
    })
}

/// `--mls-message`: an `MLSMessage` instead of the bare `KeyPackage` encoding.
fn framing(mls_message: bool) -> KeyPackageFormat {
    if mls_message {
        KeyPackageFormat::MlsMessage
    } else {
        KeyPackageFormat::KeyPackage
    }
}

/// Where and how an export line asks to write: an `MLSMessage` in raw bytes
/// unless told otherwise.
pub(super) fn export(args: &ExportArgs) -> Export {
    let framing = if args.bare {
        Framing::Bare
    } else {
        Framing::MlsMessage
    };
    Export {
        path: args.to.clone(),
        format: ExportFormat {
            framing,
            encoding: encoding(args.hex, args.base64),
        },
    }
}

/// `--hex`, `--base64`, or raw bytes.
pub(super) fn encoding(hex: bool, base64: bool) -> Encoding {
    match (hex, base64) {
        (true, _) => Encoding::Hex,
        (false, true) => Encoding::Base64,
        (false, false) => Encoding::Raw,
    }
}

/// `craft`'s options as one change; an option the kind does not take, or a
/// missing one it needs, is a usage error.
fn craft(args: &CraftArgs, now: u64) -> Result<Craft, EngineError> {
    let usage = |text: &str| EngineError::Usage(format!("craft {text}"));
    let place = |default: Place| match args.at {
        None => default,
        Some(CraftPlace::KeyPackage) => Place::KeyPackage,
        Some(CraftPlace::Leaf) => Place::Leaf,
        Some(CraftPlace::Suites) => Place::Suites,
        Some(CraftPlace::ExtensionTypes) => Place::ExtensionTypes,
        Some(CraftPlace::Proposals) => Place::Proposals,
        Some(CraftPlace::Credentials) => Place::Credentials,
    };
    let at = |offset: Option<i64>, default: i64| -> Result<u64, EngineError> {
        let secs = i64::try_from(now)
            .unwrap_or(i64::MAX)
            .saturating_add(offset.unwrap_or(default));
        u64::try_from(secs).map_err(|_| usage("lifetime: a time before 1970"))
    };
    let kind = match args.kind {
        CraftKind::Plain => Kind::Plain,
        CraftKind::Lifetime => {
            if args.not_before.is_none() && args.not_after.is_none() {
                return Err(usage("lifetime needs --not-before OFFSET and/or --not-after OFFSET (e.g. --not-after +365d)"));
            }
            Kind::Lifetime {
                not_before: at(args.not_before, -3_600)?,
                not_after: at(args.not_after, 84 * 86_400)?,
            }
        }
        CraftKind::Grease => Kind::Grease {
            place: place(Place::KeyPackage),
            value: args.value.unwrap_or(0x0a0a),
        },
        CraftKind::UnlistedExtension => Kind::UnlistedExtension {
            place: place(Place::Leaf),
            extension_type: args.value.unwrap_or(PRIVATE_EXTENSION),
        },
        CraftKind::UnlistedCredential => Kind::UnlistedCredential,
        CraftKind::InitIsEncryptionKey => Kind::InitIsEncryptionKey,
        CraftKind::DuplicateExtension => Kind::DuplicateExtension {
            place: place(Place::KeyPackage),
        },
        CraftKind::Version => Kind::Version(args.value.unwrap_or(2)),
        CraftKind::CompressedKey => Kind::CompressedKey(match args.key {
            None | Some(CraftKey::Signature) => Key::Signature,
            Some(CraftKey::Init) => Key::Init,
            Some(CraftKey::Encryption) => Key::Encryption,
        }),
        CraftKind::NoLastResortCapability => Kind::NoLastResortCapability,
    };
    Ok(Craft {
        kind,
        suite: args.suite,
        resign: !args.broken_signature,
        export: export(&args.output),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_options_pick_framing_and_encoding() {
        let args = |bare, hex, base64| ExportArgs {
            to: "f".into(),
            bare,
            hex,
            base64,
        };
        let of = |a| {
            let f = export(&a).format;
            (f.framing, f.encoding)
        };
        assert_eq!(
            of(args(false, false, false)),
            (Framing::MlsMessage, Encoding::Raw)
        );
        assert_eq!(of(args(true, true, false)), (Framing::Bare, Encoding::Hex));
        assert_eq!(
            of(args(false, false, true)),
            (Framing::MlsMessage, Encoding::Base64)
        );
    }

    #[test]
    fn a_crafted_lifetime_counts_from_the_lab_now_and_fills_the_missing_end() {
        let args = |not_before, not_after| CraftArgs {
            kind: CraftKind::Lifetime,
            at: None,
            value: None,
            key: None,
            not_before,
            not_after,
            suite: crate::domain::Suite::DEFAULT,
            broken_signature: false,
            output: ExportArgs {
                to: "f".into(),
                bare: false,
                hex: false,
                base64: false,
            },
        };
        let now = 1_000_000_000;
        let lifetime = |a| match craft(&a, now).map(|c| c.kind) {
            Ok(Kind::Lifetime {
                not_before,
                not_after,
            }) => Ok((not_before, not_after)),
            Ok(other) => panic!("not a lifetime: {other:?}"),
            Err(error) => Err(error.to_string()),
        };
        // A missing end is 84 days on (the default lifetime); a missing start an hour back.
        assert_eq!(
            lifetime(args(Some(-60), None)),
            Ok((now - 60, now + 84 * 86_400))
        );
        assert_eq!(
            lifetime(args(None, Some(86_400))),
            Ok((now - 3_600, now + 86_400))
        );
        assert!(lifetime(args(None, None)).is_err(), "one end is needed");
        let before_1970 = lifetime(args(Some(-2_000_000_000), None)).unwrap_err();
        assert!(before_1970.contains("before 1970"), "{before_1970}");
    }
}
