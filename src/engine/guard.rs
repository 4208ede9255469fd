//! Containing a panic: OpenMLS runs on bytes from outside the lab, and a panic
//! in it (which the lab cannot rule out) must not kill the DS task, the engine
//! thread or the runner. [`contain`] and [`contain_future`] turn a panic into
//! [`EngineError::InternalError`], which the command reports like any other
//! failure; the lab goes on.
//!
//! The places that contain a panic are chosen so that it leaves the state as it
//! was: every call into OpenMLS on input bytes ([`crate::engine::wire`], the
//! join's staging), which decodes and checks before anything changes; each DS
//! request, whose handlers check before they change; each command.
//!
//! While a panic is contained its message goes into the error, not to the
//! terminal: the process's panic hook is wrapped once so that it stays quiet on
//! a thread that is inside [`contain`] ([`containing`] tells; the TUI's own hook
//! asks it too, and restores the terminal only for a panic nobody contains).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use futures_util::FutureExt as _;

use super::error::EngineError;

thread_local! {
    /// How many [`contain`]s this thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// The message of the last panic contained on this thread.
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

static QUIET_HOOK: Once = Once::new();

/// Whether this thread is inside [`contain`] or [`contain_future`]: a panic here
/// is turned into an error.
pub fn containing() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// Wraps the process's panic hook once: on a containing thread it keeps the
/// message for the error instead of printing it.
fn install_quiet_hook() {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if containing() {
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let message = format!("{}{location}", payload_text(info.payload()));
                MESSAGE.with(|m| *m.borrow_mut() = Some(message));
            } else {
                previous(info);
            }
        }));
    });
}

/// The text of a panic's payload.
fn payload_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Counts this thread in while alive, so that an unwinding panic counts it out.
struct Depth;

impl Depth {
    fn enter() -> Self {
        install_quiet_hook();
        DEPTH.with(|d| d.set(d.get() + 1));
        Depth
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// The error for a contained panic in `what`.
fn internal(what: &str, payload: &(dyn Any + Send)) -> EngineError {
    let detail = MESSAGE
        .with(|m| m.borrow_mut().take())
        .unwrap_or_else(|| payload_text(payload));
    EngineError::InternalError {
        what: what.to_string(),
        detail,
    }
}

/// Runs `f`; a panic in it becomes [`EngineError::InternalError`] naming `what`.
pub fn contain<T>(
    what: &str,
    f: impl FnOnce() -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let depth = Depth::enter();
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    drop(depth);
    result.unwrap_or_else(|payload| Err(internal(what, payload.as_ref())))
}

/// [`contain`] for a future: a panic in any of its polls becomes the error.
pub async fn contain_future<T>(
    what: &str,
    future: impl Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    let contained = Contained {
        inner: Box::pin(future),
    };
    match AssertUnwindSafe(contained).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => Err(internal(what, payload.as_ref())),
    }
}

/// A future counted as containing while it is polled.
struct Contained<F> {
    inner: std::pin::Pin<Box<F>>,
}

impl<F: Future> Future for Contained<F> {
    type Output = F::Output;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let _depth = Depth::enter();
        self.inner.as_mut().poll(cx)
    }
}

/// Panics injected by the unit tests, to show that each place contains them.
#[cfg(test)]
pub(crate) mod test_hooks {
    /// A client of this name makes the DS panic when it registers.
    pub const DS_PANICS: &str = "ds-panics";
    /// A client of this name ends the DS task when it registers, as a DS that
    /// died would.
    pub const DS_DIES: &str = "ds-dies";
    /// A client of this name makes the engine panic when it is created.
    pub const ENGINE_PANICS: &str = "engine-panics";
    /// These bytes make the key package decoder panic (at the DS or a client).
    pub const WIRE_PANICS: &[u8] = b"wire-panics";

    pub fn panic_if(asked: bool) {
        if asked {
            panic!("a panic injected by a test");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contained_panic_is_an_internal_error_and_the_thread_goes_on() {
        let error = contain::<()>("a test", || panic!("boom")).unwrap_err();
        assert_eq!(error.code(), "InternalError");
        assert!(error.to_string().contains("boom"), "{error}");
        assert!(error.to_string().contains("a test"), "{error}");
        assert!(!containing());
        assert_eq!(contain("a test", || Ok(7)), Ok(7));
        let nested = contain("outer", || contain::<()>("inner", || panic!("deep")));
        assert!(nested.unwrap_err().to_string().contains("inner"));
        assert!(!containing());
    }

    #[test]
    fn a_panic_in_a_future_is_contained_across_polls() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let error = runtime
            .block_on(contain_future::<()>("a future", async {
                tokio::task::yield_now().await;
                panic!("after a poll")
            }))
            .unwrap_err();
        assert_eq!(error.code(), "InternalError");
        assert!(error.to_string().contains("after a poll"), "{error}");
        assert!(!containing());
    }

    /// The DS task contains a panic in a request: the caller gets
    /// `InternalError`, the DS is as it was, and it answers the next request.
    #[test]
    fn the_ds_contains_a_panic_and_goes_on_as_it_was() {
        use crate::engine::ds::DsHandle;
        use crate::engine::wire::KeyPackageFormat;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let ds = DsHandle::spawn();
            ds.register("alice", vec![1]).await.unwrap();
            let before = ds.snapshot().await.unwrap();
            let error = ds
                .register(test_hooks::DS_PANICS, vec![2])
                .await
                .unwrap_err();
            assert_eq!(error.code(), "InternalError", "{error}");
            assert!(error.to_string().contains("injected"), "{error}");
            assert_eq!(ds.snapshot().await.unwrap(), before);
            // A panic on one of the DS's validation threads (a batch is validated
            // across the cores) is that upload's error, and the others are answered.
            let answers = ds
                .publish_batch(
                    "alice",
                    vec![test_hooks::WIRE_PANICS.to_vec(), vec![0, 1]],
                    KeyPackageFormat::KeyPackage,
                )
                .await
                .unwrap();
            let codes: Vec<String> = answers
                .iter()
                .map(|a| a.as_ref().unwrap_err().code().to_string())
                .collect();
            assert_eq!(codes[0], "InternalError");
            assert_eq!(ds.snapshot().await.unwrap(), before);
            ds.register("bob", vec![3]).await.unwrap();
            assert!(ds.snapshot().await.unwrap().clients.contains_key("bob"));
        });
    }
}
