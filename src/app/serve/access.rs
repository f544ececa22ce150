//! Who may call the server: the `Host` check and the bearer token.
//!
//! - **Host** (against DNS rebinding: a web page on `evil.example` whose name is made to
//!   resolve to 127.0.0.1 would otherwise drive a loopback server from the user's browser):
//!   a request's `Host` must be an IP address (a rebinding needs a name), `localhost`, or a
//!   name given with `--allow-host` (the name nginx or a load balancer forwards). A request
//!   without `Host` (HTTP/1.0, not a browser) passes. Otherwise 403.
//! - **Token**: with `--token-file`, every route but `/health` needs
//!   `Authorization: Bearer <token>`, compared in constant time (`subtle`); otherwise 401.
//!   Listening on an address other than loopback requires a token ([`super::Config::check`]).
//!   Under the prefix [`super::Config::token_in_path`] (the editor's `/edit/`), the token may
//!   instead be the path's next segment, `/edit/<token>/…`, as Jupyter gives it: a browser
//!   opening an address cannot send a header.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::ServerState;
use super::error::ApiError;

/// The shortest token accepted: guessing one must be hopeless.
pub const MIN_TOKEN_LEN: usize = 16;

/// The routes anyone may call (a load balancer's health check carries no token).
const OPEN: [&str; 1] = ["/health"];

/// The middleware: checks `Host`, then the token.
pub async fn check(State(state): State<Arc<ServerState>>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Some(host) = host
        && !host_allowed(&host, &state.config.allow_hosts)
    {
        return ApiError::HostNotAllowed(host).into_response();
    }
    if let Some(token) = &state.config.token
        && !OPEN.contains(&request.uri().path())
    {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let in_path = state
            .config
            .token_in_path
            .and_then(|prefix| token_in_path(request.uri().path(), prefix))
            .unwrap_or_default();
        if !bool::from(given.trim().as_bytes().ct_eq(token.as_bytes()))
            && !bool::from(in_path.as_bytes().ct_eq(token.as_bytes()))
        {
            return ApiError::Unauthorized.into_response();
        }
    }
    next.run(request).await
}

/// The token a path gives under `prefix`: `<token>` of `/edit/<token>/…` for `/edit/`.
fn token_in_path<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    path.strip_prefix(prefix)?.split_once('/').map(|(token, _)| token)
}

/// Whether a `Host` header (name or address, with or without port) may reach the server.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let name = match host.strip_prefix('[') {
        // [::1]:8740
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host
            .rsplit_once(':')
            .map_or(host, |(name, port)| if port.bytes().all(|b| b.is_ascii_digit()) { name } else { host }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<IpAddr>().is_ok()
        || name == "localhost"
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(&name))
}

/// Reads a token file: its first line, trimmed; refused when shorter than
/// [`MIN_TOKEN_LEN`].
pub fn read_token(text: &str) -> Result<String, String> {
    let token = text.lines().next().unwrap_or_default().trim();
    if token.chars().count() < MIN_TOKEN_LEN {
        return Err(format!(
            "令牌文件中的令牌过短：至少 {MIN_TOKEN_LEN} 个字符（可用 openssl rand -hex 32 生成）"
        ));
    }
    Ok(token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_localhost_and_allowed_names_pass() {
        let allowed = vec!["reports.example.cn".to_owned()];
        for host in
            ["127.0.0.1:8740", "localhost", "LOCALHOST:1", "[::1]:8740", "10.0.0.5", "reports.example.cn:443"]
        {
            assert!(host_allowed(host, &allowed), "{host}");
        }
        for host in ["evil.example", "evil.example:8740", "localhost.evil.example", "127.0.0.1.nip.io"] {
            assert!(!host_allowed(host, &allowed), "{host}");
        }
    }

    #[test]
    fn a_token_in_the_path_is_the_segment_after_the_prefix() {
        assert_eq!(token_in_path("/edit/abc/api/open", "/edit/"), Some("abc"));
        assert_eq!(token_in_path("/edit/abc/", "/edit/"), Some("abc"));
        assert_eq!(token_in_path("/edit/abc", "/edit/"), None);
        assert_eq!(token_in_path("/v1/render", "/edit/"), None);
    }

    #[test]
    fn a_short_token_is_refused() {
        assert!(read_token("abc\n").is_err());
        assert_eq!(read_token("  0123456789abcdef0123\nrest").unwrap(), "0123456789abcdef0123");
    }
}
