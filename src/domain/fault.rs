//! The ways the Delivery Service can be told to misbehave (`ds fault NAME on|off`):
//! each fault by name, what the DS then does wrong, and which check at the clients
//! catches it (or that none does). Faults model what real servers have got wrong.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use super::text::escape_controls;

/// One deliberate misbehaviour of the DS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// Hands an already-claimed normal key package out again (RFC 9420 §16.8 says once).
    DoubleHandout,
    /// Flips one byte of a handed-out key package.
    TamperHandout,
    /// Keeps expired key packages and hands them out.
    ServeExpired,
    /// Routes a Welcome to nobody.
    DropWelcome,
    /// Delivers every Welcome twice.
    DuplicateWelcome,
    /// Holds every Welcome until `ds release`.
    HoldWelcome,
    /// Holds a group's Commit until the next one and delivers that one first.
    ReorderCommits,
    /// Hands a key package out in the other framing than the claimer asked for:
    /// an `MLSMessage` where it expects the bare `KeyPackage`, or the reverse.
    BareFraming,
    /// Hands the last-resort package out once and deletes it like a normal one.
    ForgetLastResort,
}

impl Fault {
    /// Every fault, in the order `ds fault` lists them.
    pub const ALL: [Fault; 9] = [
        Fault::DoubleHandout,
        Fault::TamperHandout,
        Fault::ServeExpired,
        Fault::DropWelcome,
        Fault::DuplicateWelcome,
        Fault::HoldWelcome,
        Fault::ReorderCommits,
        Fault::BareFraming,
        Fault::ForgetLastResort,
    ];

    /// The name `ds fault NAME` takes.
    pub fn name(self) -> &'static str {
        match self {
            Fault::DoubleHandout => "double-handout",
            Fault::TamperHandout => "tamper-handout",
            Fault::ServeExpired => "serve-expired",
            Fault::DropWelcome => "drop-welcome",
            Fault::DuplicateWelcome => "duplicate-welcome",
            Fault::HoldWelcome => "hold-welcome",
            Fault::ReorderCommits => "reorder-commits",
            Fault::BareFraming => "bare-framing",
            Fault::ForgetLastResort => "forget-last-resort",
        }
    }

    /// What the DS does wrong, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Fault::DoubleHandout => "hands an already-claimed normal key package out again",
            Fault::TamperHandout => "flips one byte of every key package it hands out",
            Fault::ServeExpired => "keeps expired key packages and hands them out",
            Fault::DropWelcome => "drops every Welcome instead of routing it",
            Fault::DuplicateWelcome => "delivers every Welcome twice",
            Fault::HoldWelcome => "holds every Welcome until `ds release`",
            Fault::ReorderCommits => {
                "holds a group's Commit and delivers the next epoch's Commit before it"
            }
            Fault::BareFraming => {
                "hands key packages out in the other framing: MLSMessage where bare is asked for, or bare where MLSMessage is"
            }
            Fault::ForgetLastResort => {
                "hands the last-resort package out once and deletes it like a normal one"
            }
        }
    }

    /// Which check at the clients catches the consequence, or that none does.
    pub fn caught_by(self) -> &'static str {
        match self {
            Fault::DoubleHandout => "RFC 9420 §16.8 (a key package is used once): a joiner that deletes the init private key after its first join cannot decrypt the second Welcome (OpenMLS: NoMatchingKeyPackage); a stack that keeps the key joins twice, and nothing else catches it",
            Fault::TamperHandout => "RFC 9420 §10.1 (verify the key package's signature): the claimer's validation refuses it (BadSignature)",
            Fault::ServeExpired => "RFC 9420 §10.1 (the lifetime covers the current time): the claimer's validation refuses it (Expired)",
            Fault::DropWelcome => "nothing: the joiner never hears of the group and the adder counts it as a member",
            Fault::DuplicateWelcome => "RFC 9420 §16.8 (a key package is used once) and §12.4.3.1: a joiner that deleted the init private key, or is in the group already, refuses the second copy (OpenMLS: NoMatchingKeyPackage or AlreadyMember)",
            Fault::HoldWelcome => "nothing until `ds release`: the joiner finds no Welcome (NoPendingWelcome)",
            Fault::ReorderCommits => "RFC 9420 §14 (Commits apply in epoch order): the member refuses the later Commit (OpenMLS: ValidationError) and falls behind the group",
            Fault::BareFraming => "RFC 9420 §6 (the MLSMessage framing): the claimer's decoder refuses what it did not ask for (Malformed), in either direction",
            Fault::ForgetLastResort => "nothing at the owner: the next claim fails with NoKeyPackageAvailable (RFC 9750 §5.1)",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFault(pub String);

impl fmt::Display for UnknownFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Fault::ALL.iter().map(|fault| fault.name()).collect();
        write!(
            f,
            "no fault named '{}'; faults: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownFault {}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .into_iter()
            .find(|fault| fault.name() == text)
            .ok_or_else(|| UnknownFault(escape_controls(text).into_owned()))
    }
}

/// The faults that are on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultSet(BTreeSet<Fault>);

impl FaultSet {
    pub fn is_on(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }

    /// Turns `fault` on or off; false if it already was.
    pub fn set(&mut self, fault: Fault, on: bool) -> bool {
        if on {
            self.0.insert(fault)
        } else {
            self.0.remove(&fault)
        }
    }

    /// The faults that are on, in [`Fault::ALL`] order.
    pub fn active(&self) -> Vec<Fault> {
        self.0.iter().copied().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_are_unique() {
        for (i, fault) in Fault::ALL.iter().enumerate() {
            assert_eq!(fault.name().parse::<Fault>(), Ok(*fault));
            assert_eq!(fault.to_string(), fault.name());
            assert!(Fault::ALL[..i].iter().all(|f| f.name() != fault.name()));
            assert!(!fault.description().contains('\n'));
            assert!(!fault.caught_by().is_empty());
        }
        let error = "Double-Handout".parse::<Fault>().unwrap_err();
        assert!(error.to_string().contains("forget-last-resort"), "{error}");
        let error = "x\u{1b}[2J".parse::<Fault>().unwrap_err();
        assert!(!error.to_string().contains('\u{1b}'), "{error}");
    }

    #[test]
    fn a_set_says_whether_anything_changed() {
        let mut set = FaultSet::default();
        assert!(set.set(Fault::DropWelcome, true));
        assert!(!set.set(Fault::DropWelcome, true));
        assert!(set.set(Fault::DoubleHandout, true));
        assert_eq!(set.active(), [Fault::DoubleHandout, Fault::DropWelcome]);
        assert!(set.set(Fault::DropWelcome, false));
        assert!(!set.set(Fault::DropWelcome, false));
        assert!(set.is_on(Fault::DoubleHandout) && !set.is_on(Fault::DropWelcome));
    }
}
