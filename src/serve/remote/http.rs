//! The HTTP side of a lab on a shared DS: one request, its status and body, with
//! the room token when the URL carries one; a refusal's typed body read back.

use axum::body::Bytes;
use axum::http::{header, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::engine::{EngineError, ErrorCode};
use crate::serve::routes::ErrorBody;

/// A server at a base URL (`http://host:port`, `?room=TOKEN` optional).
pub struct Http {
    base: String,
    room_token: Option<String>,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Http {
    pub fn new(url: &str) -> Result<Self, String> {
        let uri: Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
        if uri.scheme_str() != Some("http") {
            return Err(format!("{url}: only http:// URLs are served"));
        }
        let authority = uri
            .authority()
            .ok_or_else(|| format!("{url}: no host"))?
            .to_string();
        let room_token = uri.query().and_then(|query| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("room=").map(str::to_string))
        });
        let client = Client::builder(TokioExecutor::new()).build_http();
        Ok(Self {
            base: format!("http://{authority}"),
            room_token,
            client,
        })
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    /// Sends one request; the body of a 200, else the server's typed refusal.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Bytes, EngineError> {
        let unreachable = |reason: String| EngineError::DsUnreachable {
            url: self.base.clone(),
            reason,
        };
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(token) = &self.room_token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| unreachable(e.to_string()))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| unreachable(e.to_string()))?
            .to_bytes();
        if status == StatusCode::OK {
            return Ok(body);
        }
        Err(refusal_of(status, &body))
    }
}

/// A refusal's body as the lab's error: the server's code and message, and
/// the lab's code of the rule behind it only when it is one the lab lists (a
/// server cannot invent one).
fn refusal_of(status: StatusCode, body: &[u8]) -> EngineError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(refusal) => EngineError::DsRefused {
            code: refusal.error,
            message: refusal.message,
            rule: refusal
                .rule
                .filter(|rule| ErrorCode::LISTED.contains(&rule.as_str()))
                .map(|rule| ErrorCode::named(&rule)),
        },
        Err(_) => EngineError::DsRefused {
            code: status.as_u16().to_string(),
            message: String::from_utf8_lossy(body).into_owned(),
            rule: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(body: &str) -> String {
        refusal_of(StatusCode::UNPROCESSABLE_ENTITY, body.as_bytes())
            .code()
            .to_string()
    }

    #[test]
    fn a_refusal_takes_the_rules_code_only_when_the_lab_lists_it() {
        let body = |rule: &str| format!(r#"{{"error":"invalid_key_package","message":"m"{rule}}}"#);
        assert_eq!(
            code_of(&body(r#","rule":"LifetimeTooLong""#)),
            "LifetimeTooLong"
        );
        assert_eq!(code_of(&body(r#","rule":"Expired""#)), "Expired");
        assert_eq!(
            code_of(&body(r#","rule":"MadeUpByTheServer""#)),
            "DsRefused"
        );
        assert_eq!(code_of(&body("")), "DsRefused");
        assert_eq!(code_of("not json"), "DsRefused");
    }
}
