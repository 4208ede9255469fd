//! The mail routes: send a Welcome, send a group message, receive one's mail.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use openmls::prelude::MlsMessageBodyIn;
use tls_codec::Size;

use super::body::{tls_answer, TlsBody};
use super::{AppState, Refusal};
use crate::serve::service::{
    AddressedMessage, ClientAuth, ClientId, DeliveryService, DsError, MailBudget, WelcomeMessage,
};
use crate::serve::wire::{
    GroupMessage, Mailbox, MlsMessageBytes, RecvMessageRequest, SendWelcomeRequest,
};

/// A message must fit one mailbox answer, or it could never be received.
fn deliverable(bytes: &[u8]) -> Result<MlsMessageBytes, Refusal> {
    if bytes.len() > Mailbox::MAX_CONTENT {
        return Err(Refusal::MessageTooLarge {
            size: bytes.len(),
            max: Mailbox::MAX_CONTENT,
        });
    }
    Ok(MlsMessageBytes::from_checked(bytes.to_vec()))
}

/// `POST /send/welcome`: the body is the Welcome's `MLSMessage`, forwarded as is.
pub async fn send_welcome<D: DeliveryService>(
    State(state): State<AppState<D>>,
    TlsBody { value, raw }: TlsBody<SendWelcomeRequest>,
) -> Result<Response, Refusal> {
    let bytes = deliverable(&raw)?;
    let welcome = match value.welcome.extract() {
        MlsMessageBodyIn::Welcome(welcome) => welcome,
        MlsMessageBodyIn::PublicMessage(_)
        | MlsMessageBodyIn::PrivateMessage(_)
        | MlsMessageBodyIn::GroupInfo(_)
        | MlsMessageBodyIn::KeyPackage(_) => return Err(DsError::NotAWelcome.into()),
    };
    state
        .service
        .send_welcome(WelcomeMessage { welcome, bytes })
        .await?;
    Ok(().into_response())
}

/// `POST /send/message`: the message as its sender encoded it, to each recipient
/// (none is fine: the cli sends the Commit that adds the first member to nobody).
pub async fn send_message<D: DeliveryService>(
    State(state): State<AppState<D>>,
    TlsBody { value, raw }: TlsBody<GroupMessage>,
) -> Result<Response, Refusal> {
    // Decoding was exact: the message is the body less its recipient list.
    let message_len = raw.len() - value.recipients.tls_serialized_len();
    let bytes = deliverable(&raw[..message_len])?;
    let recipients = value
        .recipients
        .iter()
        .map(|r| ClientId::new(r.as_slice().to_vec()))
        .collect::<Result<Vec<_>, _>>()?;
    let message = AddressedMessage {
        message: value.message,
        bytes,
        recipients,
    };
    state.service.send_group_message(message).await?;
    Ok(().into_response())
}

/// `GET /recv/{id}` with the token in the body: as much mail as one answer holds.
pub async fn receive<D: DeliveryService>(
    State(state): State<AppState<D>>,
    Path(id): Path<String>,
    TlsBody { value, .. }: TlsBody<RecvMessageRequest>,
) -> Result<Response, Refusal> {
    let auth = ClientAuth {
        client: ClientId::from_path(&id)?,
        token: value.auth_token,
    };
    let budget = MailBudget {
        max_bytes: Mailbox::MAX_CONTENT,
    };
    let messages = state.service.receive(&auth, budget).await?;
    tls_answer(&Mailbox::new(messages))
}
