//! The result of the last command that was not an `expect` line: what
//! `expect ok` and `expect error CODE` check.

use super::error::EngineError;

/// The last command's result; `None` before the first.
#[derive(Debug, Default)]
pub struct LastResult {
    result: Option<Result<(), EngineError>>,
}

impl LastResult {
    pub fn get(&self) -> Option<&Result<(), EngineError>> {
        self.result.as_ref()
    }

    pub fn set(&mut self, result: Result<(), EngineError>) {
        self.result = Some(result);
    }
}
