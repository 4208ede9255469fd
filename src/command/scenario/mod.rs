//! Scenarios: scripts of the vocabulary as they come in. The shipped ones are
//! compiled in ([`catalogue`]); a user names one by path or by name ([`mod@load`]);
//! files and streams are read with bounded lines ([`input`]).

pub mod catalogue;
pub mod input;
pub mod load;

pub use catalogue::{find, listing, Scenario, SCENARIOS};
pub use load::{load, LoadError, Loaded};
