//! Support for `tests/explore_state_machine.rs`: the lines it generates and the
//! rules it checks.

pub mod lines;
pub mod rules;
pub mod unchanged;
