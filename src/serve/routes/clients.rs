//! The client and directory routes: register, list, a client's key packages,
//! publish more, consume one.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::body::{tls_answer, TlsBody};
use super::guard::Peer;
use super::{AppState, Refusal};
use crate::serve::service::{ClaimerAddress, ClientAuth, ClientId, DeliveryService};
use crate::serve::wire::{
    ClientKeyPackages, ClientList, ConsumedKeyPackage, PublishKeyPackagesRequest,
    RegisterClientRequest, RegisterClientSuccessResponse,
};

/// `POST /clients/register` (the peer's registration limit is checked before,
/// by `guard::limit_registrations`).
pub async fn register<D: DeliveryService>(
    State(state): State<AppState<D>>,
    Peer(peer): Peer,
    TlsBody { value, .. }: TlsBody<RegisterClientRequest>,
) -> Result<Response, Refusal> {
    let entries = value.key_packages.entries.into_vec();
    let registrant = ClaimerAddress::of(peer.ip());
    let auth_token = state.service.register(&registrant, entries).await?;
    tls_answer(&RegisterClientSuccessResponse { auth_token })
}

/// `GET /clients/list`.
pub async fn list<D: DeliveryService>(
    State(state): State<AppState<D>>,
) -> Result<Response, Refusal> {
    let clients = state.service.list_clients().await?;
    let identities = clients.iter().map(|c| c.as_bytes().to_vec()).collect();
    tls_answer(&ClientList::new(identities))
}

/// `GET /clients/key_packages/{id}`: the directory, nothing handed out.
pub async fn key_packages<D: DeliveryService>(
    State(state): State<AppState<D>>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let owner = ClientId::from_path(&id)?;
    let entries = state.service.key_packages(&owner).await?;
    tls_answer(&ClientKeyPackages::new(entries))
}

/// `POST /clients/key_packages/{id}`: the token in the body proves `{id}`.
pub async fn publish<D: DeliveryService>(
    State(state): State<AppState<D>>,
    Path(id): Path<String>,
    TlsBody { value, .. }: TlsBody<PublishKeyPackagesRequest>,
) -> Result<Response, Refusal> {
    let auth = ClientAuth {
        client: ClientId::from_path(&id)?,
        token: value.auth_token,
    };
    let entries = value.key_packages.entries.into_vec();
    state.service.publish_key_packages(&auth, entries).await?;
    Ok(().into_response())
}

/// `GET /clients/key_package/{id}`: one key package of `{id}`, handed out.
pub async fn consume<D: DeliveryService>(
    State(state): State<AppState<D>>,
    Peer(peer): Peer,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let owner = ClientId::from_path(&id)?;
    let claimer = ClaimerAddress::of(peer.ip());
    let key_package = state.service.claim_key_package(&claimer, &owner).await?;
    tls_answer(&ConsumedKeyPackage { key_package })
}
