//! The requests that carry key packages or the auth token, and the answer to a
//! registration (ds-lib's `messages` module).

use tls_codec::{TlsDeserialize, TlsSerialize, TlsSize};

use super::{AuthToken, ClientKeyPackages, WireMessage};

/// `POST /clients/register`: the new client's first key packages; its identity
/// is the credential of the first.
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct RegisterClientRequest {
    pub key_packages: ClientKeyPackages,
}

impl WireMessage for RegisterClientRequest {
    const NAME: &'static str = "RegisterClientRequest";
}

/// The answer to a registration: the token that later proves the identity.
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct RegisterClientSuccessResponse {
    pub auth_token: AuthToken,
}

impl WireMessage for RegisterClientSuccessResponse {
    const NAME: &'static str = "RegisterClientSuccessResponse";
}

/// `POST /clients/key_packages/{id}`: more key packages, with the owner's token.
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct PublishKeyPackagesRequest {
    pub key_packages: ClientKeyPackages,
    pub auth_token: AuthToken,
}

impl WireMessage for PublishKeyPackagesRequest {
    const NAME: &'static str = "PublishKeyPackagesRequest";
}

/// `GET /recv/{id}` (a GET with a body): the owner's token.
#[derive(Debug, Clone, PartialEq, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct RecvMessageRequest {
    pub auth_token: AuthToken,
}

impl WireMessage for RecvMessageRequest {
    const NAME: &'static str = "RecvMessageRequest";
}

#[cfg(test)]
mod tests {
    use super::super::checks::*;
    use super::super::fixtures::*;
    use super::super::KeyPackageEntry;
    use super::*;

    fn token_bytes(byte: u8) -> Vec<u8> {
        [&[0x20][..], &[byte; 32]].concat()
    }

    #[test]
    fn a_registration_is_the_client_key_packages_alone() {
        let (hash, key_package) = TestClient::new("alice").key_package();
        let value = RegisterClientRequest {
            key_packages: ClientKeyPackages::new(vec![KeyPackageEntry::new(
                hash.clone(),
                key_package_in(&key_package),
            )]),
        };
        let bytes = round_trips(&value);
        let kp = bytes_of(&key_package);
        let expected = [
            &((1 + 32 + kp.len()) as u32).to_be_bytes()[..],
            &[32],
            &hash,
            &kp,
        ]
        .concat();
        assert_eq!(bytes, expected);
        refuses_truncated_and_trailing::<RegisterClientRequest>(&bytes);
    }

    #[test]
    fn a_registration_answer_is_the_token() {
        let value = RegisterClientSuccessResponse {
            auth_token: AuthToken::from_bytes(vec![3; 32]),
        };
        let bytes = round_trips(&value);
        assert_eq!(bytes, token_bytes(3));
        refuses_truncated_and_trailing::<RegisterClientSuccessResponse>(&bytes);
    }

    #[test]
    fn a_publish_is_the_key_packages_then_the_token() {
        let (hash, key_package) = TestClient::new("alice").key_package();
        let value = PublishKeyPackagesRequest {
            key_packages: ClientKeyPackages::new(vec![KeyPackageEntry::new(
                hash.clone(),
                key_package_in(&key_package),
            )]),
            auth_token: AuthToken::from_bytes(vec![9; 32]),
        };
        let bytes = round_trips(&value);
        let kp = bytes_of(&key_package);
        let expected = [
            &((1 + 32 + kp.len()) as u32).to_be_bytes()[..],
            &[32],
            &hash,
            &kp,
            &token_bytes(9),
        ]
        .concat();
        assert_eq!(bytes, expected);
        refuses_truncated_and_trailing::<PublishKeyPackagesRequest>(&bytes);
    }

    #[test]
    fn a_receive_request_is_the_token() {
        let value = RecvMessageRequest {
            auth_token: AuthToken::from_bytes(vec![5; 32]),
        };
        let bytes = round_trips(&value);
        assert_eq!(bytes, token_bytes(5));
        refuses_truncated_and_trailing::<RecvMessageRequest>(&bytes);
    }
}
