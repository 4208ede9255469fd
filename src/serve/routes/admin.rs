//! `GET /reset`: the sample resets for anyone who sends no `reset-key` header;
//! this DS resets only when started with a reset key and sent that key, so no
//! attendee can empty a workshop's DS.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::{AppState, Refusal};
use crate::serve::service::DeliveryService;

pub async fn reset<D: DeliveryService>(
    State(state): State<AppState<D>>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let Some(key) = &state.config.reset_key else {
        return Err(Refusal::ResetDisabled);
    };
    let offered = headers
        .get("reset-key")
        .map(|value| value.as_bytes())
        .unwrap_or_default();
    if !bool::from(key.as_bytes().ct_eq(offered)) {
        return Err(Refusal::ResetKeyWrong);
    }
    state.service.reset().await?;
    Ok(().into_response())
}
