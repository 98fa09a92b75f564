//! API Gateway's JWT authorizer, on a laptop, with an identity provider of its own.
//!
//! On AWS, a route of an HTTP API with a JWT authorizer never reaches the function unless the
//! request's `Authorization` header holds a token (bare, or after `Bearer `) that the issuer
//! signed with an RSA key of its key set, named by the token's `kid`; whose `iss` is the
//! configured issuer; whose `aud` (or, when it has none, `client_id`) is one of the configured
//! audiences; that is unexpired, already valid (`nbf`) and issued in the past (`iat`); and, when
//! the route names scopes, whose `scope` (or `scp`) holds at least one of them. API Gateway
//! answers `401` (a bad or missing token) or `403` (no matching scope) itself, and passes the
//! token's claims and scopes to the function in `requestContext.authorizer.jwt`.
//!
//! [`JwtAuthorizer`] does the same in front of the local runner, so those answers are tested
//! here rather than found on AWS. [`LocalIssuer`] stands in for the API's issuer (a Cognito
//! user pool, say, which the emulator cannot sign for): an RSA key pair kept in a file, which
//! signs tokens in the issuer's name for the authorizer's audience, shaped as Cognito's access
//! tokens are (`client_id`, a space-separated `scope`), for a local test user
//! (`cargo xtask token`). The front trusts that key alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse, RSAKeyParameters,
    RSAKeyType,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The algorithms API Gateway accepts: RSA-based ones only.
const RSA_ALGORITHMS: [Algorithm; 3] = [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512];

/// The route that takes what no other route matches.
const DEFAULT_ROUTE: &str = "$default";

/// What the authorizer checks, as the API's Terraform configures it (`LOCAL_JWT_AUTHORIZER`,
/// the root's `local_runner_settings`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AuthorizerSettings {
    pub issuer: String,
    pub audience: Vec<String>,
    /// Each route key (`POST /books`, `GET /books/{id}`, `$default`) and the scopes a token
    /// must hold one of to call it; an empty list asks for a valid token alone.
    pub route_scopes: BTreeMap<String, Vec<String>>,
}

/// API Gateway's decision on one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The request goes to the function, with the route it matched and what API Gateway adds
    /// to its event.
    Allow { route_key: String, path_parameters: Map<String, Value>, authorizer: Value },
    /// `401`: no token, or one that does not hold; the reason goes in `www-authenticate`.
    Unauthorized(String),
    /// `403`: a valid token without any of the route's scopes.
    Forbidden { route_scopes: Vec<String> },
    /// No route matches and there is no `$default` route: API Gateway's own `404`.
    NoRoute,
}

/// The JWT authorizer of an HTTP API, over a key set it was given (API Gateway fetches it from
/// the issuer's `jwks_uri`).
#[derive(Clone, Debug)]
pub struct JwtAuthorizer {
    settings: AuthorizerSettings,
    keys: JwkSet,
}

impl JwtAuthorizer {
    pub fn new(settings: AuthorizerSettings, keys: JwkSet) -> Self {
        JwtAuthorizer { settings, keys }
    }

    /// What API Gateway decides for a request to `method` `path` with this `Authorization`.
    pub fn authorize(&self, method: &str, path: &str, authorization: Option<&str>) -> Verdict {
        let Some((route_key, path_parameters)) = self.route(method, path) else {
            return Verdict::NoRoute;
        };
        let route_scopes = self.settings.route_scopes[&route_key].clone();
        let claims = match self.validate(authorization) {
            Ok(claims) => claims,
            Err(reason) => return Verdict::Unauthorized(reason),
        };
        let token_scopes: Vec<String> = match claims.get("scp").or_else(|| claims.get("scope")) {
            Some(Value::Array(scopes)) => {
                scopes.iter().filter_map(Value::as_str).map(str::to_owned).collect()
            }
            Some(Value::String(scopes)) => {
                scopes.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()
            }
            _ => Vec::new(),
        };
        if !route_scopes.is_empty() && !route_scopes.iter().any(|scope| token_scopes.contains(scope)) {
            return Verdict::Forbidden { route_scopes };
        }
        let claims: Map<String, Value> =
            claims.into_iter().map(|(name, value)| (name, Value::from(claim_text(&value)))).collect();
        let scopes = if route_scopes.is_empty() { Value::Null } else { json!(token_scopes) };
        Verdict::Allow {
            route_key,
            path_parameters,
            authorizer: json!({ "jwt": { "claims": claims, "scopes": scopes } }),
        }
    }

    /// The route a request matches, as API Gateway picks it: a route of the request's method
    /// (or `ANY`) whose path matches, the most specific first, else `$default`.
    fn route(&self, method: &str, path: &str) -> Option<(String, Map<String, Value>)> {
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let mut matches: Vec<(usize, &String, Map<String, Value>)> = self
            .settings
            .route_scopes
            .keys()
            .filter_map(|key| {
                let (route_method, template) = key.split_once(' ')?;
                if route_method != method && route_method != "ANY" {
                    return None;
                }
                let template: Vec<&str> = template.split('/').skip(1).collect();
                if template.len() != segments.len() {
                    return None;
                }
                let mut parameters = Map::new();
                let mut literal = 0;
                for (part, segment) in template.iter().zip(&segments) {
                    match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                        Some(name) if !segment.is_empty() => {
                            parameters.insert(name.to_owned(), Value::from(*segment));
                        }
                        Some(_) => return None,
                        None if part == segment => literal += 1,
                        None => return None,
                    }
                }
                Some((literal, key, parameters))
            })
            .collect();
        matches.sort_by_key(|(literal, _, _)| std::cmp::Reverse(*literal));
        match matches.into_iter().next() {
            Some((_, key, parameters)) => Some((key.clone(), parameters)),
            None => self
                .settings
                .route_scopes
                .contains_key(DEFAULT_ROUTE)
                .then(|| (DEFAULT_ROUTE.into(), Map::new())),
        }
    }

    /// The token's claims when it holds, or why it does not (API Gateway's `error_description`).
    fn validate(&self, authorization: Option<&str>) -> Result<Map<String, Value>, String> {
        let token = authorization.map(str::trim).filter(|t| !t.is_empty()).ok_or("no token was provided")?;
        let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
        let header = jsonwebtoken::decode_header(token).map_err(|_| "the token is not a JWT")?;
        if !RSA_ALGORITHMS.contains(&header.alg) {
            return Err(format!("the token's algorithm {:?} is not supported", header.alg));
        }
        let kid = header.kid.ok_or("the token has no kid")?;
        let jwk = self.keys.find(&kid).ok_or("the token's kid is not in the issuer's key set")?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| "the issuer's key cannot be read")?;
        let mut validation = Validation::new(header.alg);
        validation.algorithms = RSA_ALGORITHMS.to_vec();
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.leeway = 0;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| format!("the token does not hold: {e}"))?
            .claims;
        if claims
            .get("iat")
            .and_then(Value::as_i64)
            .is_some_and(|iat| iat > OffsetDateTime::now_utc().unix_timestamp())
        {
            return Err("the token was issued in the future".into());
        }
        // API Gateway reads `client_id` only when the token has no `aud` (Cognito's access tokens).
        let audiences: Vec<&str> = match claims.get("aud").or_else(|| claims.get("client_id")) {
            Some(Value::String(aud)) => vec![aud],
            Some(Value::Array(auds)) => auds.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !audiences.iter().any(|aud| self.settings.audience.iter().any(|a| a == aud)) {
            return Err("the token does not have a valid audience".into());
        }
        Ok(claims)
    }
}

/// A claim as API Gateway passes it on: every value a string, a list written `[a b]`.
fn claim_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(claim_text).collect::<Vec<_>>().join(" ")),
        other => other.to_string(),
    }
}

/// An identity provider for the laptop: one RSA key pair, kept in a PEM file (PKCS #8) so that
/// the local runner and `cargo xtask token` agree on it, created the first time it is needed.
pub struct LocalIssuer {
    signing: EncodingKey,
    jwk: Jwk,
}

#[derive(Debug, thiserror::Error)]
pub enum IssuerError {
    #[error("cannot read or write the local issuer's key {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the local issuer's key {path} is not an RSA private key: {reason}")]
    BadKey { path: PathBuf, reason: String },
}

impl LocalIssuer {
    /// The issuer whose key is at `path`, with a new key written there when there is none.
    pub fn open_or_create(path: &Path) -> Result<Self, IssuerError> {
        let io = |source| IssuerError::Io { path: path.to_owned(), source };
        let bad = |reason: String| IssuerError::BadKey { path: path.to_owned(), reason };
        if !path.exists() {
            let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| bad(e.to_string()))?;
            let der = pair.as_der().map_err(|e| bad(e.to_string()))?;
            let text = pem::encode(&pem::Pem::new("PRIVATE KEY", der.as_ref()));
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            // Written aside and renamed, so a runner and a token command started together
            // never read half a key; whichever rename lands last is the key both then read.
            let partial = path.with_extension(format!("{}.partial", std::process::id()));
            std::fs::write(&partial, text).map_err(io)?;
            std::fs::rename(&partial, path).map_err(io)?;
        }
        let text = std::fs::read(path).map_err(io)?;
        let der = pem::parse(&text).map_err(|e| bad(e.to_string()))?;
        let pair = KeyPair::from_pkcs8(der.contents()).map_err(|e| bad(e.to_string()))?;
        let public = pair.public_key();
        let (n, e) = (BASE64URL.encode(public.modulus().big_endian_without_leading_zero()), {
            BASE64URL.encode(public.exponent().big_endian_without_leading_zero())
        });
        let kid: String =
            Sha256::digest(public.as_ref()).iter().take(8).map(|b| format!("{b:02x}")).collect();
        let jwk = Jwk {
            common: CommonParameters {
                public_key_use: Some(PublicKeyUse::Signature),
                key_algorithm: Some(KeyAlgorithm::RS256),
                key_id: Some(kid),
                ..CommonParameters::default()
            },
            algorithm: AlgorithmParameters::RSA(RSAKeyParameters { key_type: RSAKeyType::RSA, n, e }),
        };
        let signing = EncodingKey::from_rsa_pem(&text).map_err(|e| bad(e.to_string()))?;
        Ok(LocalIssuer { signing, jwk })
    }

    /// The key set the issuer publishes (its `jwks_uri`).
    pub fn key_set(&self) -> JwkSet {
        JwkSet { keys: vec![self.jwk.clone()] }
    }

    /// An access token in the name of `settings`' issuer, for its first audience, for
    /// `subject`, holding `scopes`, valid for `lifetime`.
    pub fn token(
        &self,
        settings: &AuthorizerSettings,
        subject: &str,
        scopes: &[String],
        lifetime: Duration,
    ) -> String {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let claims = json!({
            "iss": settings.issuer,
            "sub": subject,
            "client_id": settings.audience.first(),
            "iat": now,
            "nbf": now,
            "exp": now + i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX / 2),
            "scope": scopes.join(" "),
            "token_use": "access",
            "jti": uuid::Uuid::new_v4().to_string(),
        });
        self.sign(&claims)
    }

    /// Any claims, signed: for tests of tokens that must not hold.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = self.jwk.common.key_id.clone();
        jsonwebtoken::encode(&header, claims, &self.signing).expect("an RSA key signs any JSON claims")
    }
}
