//! The local front's JWT authorizer answers as API Gateway's does: 401 without a valid token,
//! 403 without a route's scope, the token's claims in the event when it lets a request through.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use lambda_local::HttpFront;
use lambda_local::authorizer::{AuthorizerSettings, JwtAuthorizer, LocalIssuer};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_books";
const AUDIENCE: &str = "books-client";

fn issuer() -> LocalIssuer {
    let path = std::env::temp_dir().join(format!("lambda-local-{}", uuid::Uuid::new_v4())).join("key.pem");
    LocalIssuer::open_or_create(&path).expect("a new key")
}

fn settings(with_default: bool) -> AuthorizerSettings {
    let mut route_scopes = BTreeMap::from([
        ("POST /books".to_owned(), vec!["books:write".to_owned()]),
        ("GET /books/{id}".to_owned(), vec!["books:read".to_owned()]),
    ]);
    if with_default {
        route_scopes.insert("$default".into(), vec!["books:read".into(), "books:write".into()]);
    }
    AuthorizerSettings { issuer: ISSUER.into(), audience: vec![AUDIENCE.into()], route_scopes }
}

/// A front whose function echoes what API Gateway told it: the route, the path parameters,
/// the subject and the scopes.
async fn front(issuer: &LocalIssuer, settings: AuthorizerSettings) -> u16 {
    let port = emulator::free_port();
    let front = HttpFront {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        function_name: "echo".into(),
        timeout: Duration::from_secs(1),
        authorizer: Some(Arc::new(JwtAuthorizer::new(settings, issuer.key_set()))),
    };
    let listener = front.bind().await.expect("a free port");
    let handler = |request: Request| async move {
        let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref() else {
            return Ok(Response::builder().status(500).body(Body::Empty)?);
        };
        let jwt = context.authorizer.as_ref().and_then(|a| a.jwt.as_ref());
        let echo = json!({
            "route": context.route_key,
            "id": request.path_parameters_ref().and_then(|p| p.first("id")).map(str::to_owned),
            "sub": jwt.and_then(|j| j.claims.get("sub")),
            "client_id": jwt.and_then(|j| j.claims.get("client_id")),
            "scopes": jwt.and_then(|j| j.scopes.clone()),
        });
        Ok::<_, lambda_http::Error>(Response::builder().status(200).body(Body::from(echo.to_string()))?)
    };
    tokio::spawn(async move { front.serve(listener, "us-east-1".into(), handler).await });
    port
}

/// Status, `www-authenticate` and body of one request.
async fn call(port: u16, method: &str, path: &str, token: Option<&str>) -> (u16, String, Value) {
    let mut stream =
        tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await.expect("the front listens");
    let authorization = token.map(|t| format!("authorization: {t}\r\n")).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\ncontent-length: 0\r\n{authorization}connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("a response");
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let challenge =
        head.lines().find_map(|line| line.strip_prefix("www-authenticate: ")).unwrap_or_default().to_owned();
    (status, challenge, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn token(issuer: &LocalIssuer, scopes: &[&str]) -> String {
    let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    format!("Bearer {}", issuer.token(&settings(true), "reader-1", &scopes, Duration::from_secs(300)))
}

#[tokio::test]
async fn a_request_without_a_valid_token_is_401_and_never_reaches_the_function() {
    let issuer = issuer();
    let port = front(&issuer, settings(true)).await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = |changes: Value| {
        let mut claims = json!({
            "iss": ISSUER, "sub": "u", "aud": AUDIENCE, "iat": now, "exp": now + 300, "scope": "books:write",
        });
        for (name, value) in changes.as_object().unwrap() {
            match value {
                Value::Null => claims.as_object_mut().unwrap().remove(name),
                value => claims.as_object_mut().unwrap().insert(name.clone(), value.clone()),
            };
        }
        format!("Bearer {}", issuer.sign(&claims))
    };
    let stranger = format!(
        "Bearer {}",
        self::issuer().token(&settings(true), "u", &["books:write".into()], Duration::from_secs(300))
    );
    let cases = [
        ("no token", None, "no token was provided"),
        ("not a JWT", Some("Bearer abc".to_owned()), "not a JWT"),
        ("expired", Some(claims(json!({ "exp": now - 1 }))), "ExpiredSignature"),
        ("no exp", Some(claims(json!({ "exp": null }))), "does not hold"),
        ("not yet valid", Some(claims(json!({ "nbf": now + 60 }))), "ImmatureSignature"),
        ("issued in the future", Some(claims(json!({ "iat": now + 60 }))), "issued in the future"),
        ("another issuer", Some(claims(json!({ "iss": "https://elsewhere.invalid" }))), "InvalidIssuer"),
        ("another audience", Some(claims(json!({ "aud": "someone-else" }))), "valid audience"),
        ("no audience", Some(claims(json!({ "aud": null }))), "valid audience"),
        ("another key", Some(stranger), "not in the issuer's key set"),
    ];
    for (case, token, reason) in cases {
        let (status, challenge, body) = call(port, "POST", "/books", token.as_deref()).await;
        assert_eq!((status, body), (401, json!({ "message": "Unauthorized" })), "{case}");
        assert!(
            challenge.contains("error=\"invalid_token\"") && challenge.contains(reason),
            "{case}: {challenge}"
        );
    }
}

#[tokio::test]
async fn a_valid_token_needs_one_of_the_routes_scopes() {
    let issuer = issuer();
    let port = front(&issuer, settings(true)).await;
    let read = token(&issuer, &["books:read"]);
    let write = token(&issuer, &["books:write"]);
    let (status, challenge, body) = call(port, "POST", "/books", Some(&read)).await;
    assert_eq!((status, body), (403, json!({ "message": "Forbidden" })));
    assert!(challenge.contains("scope=\"books:write\" error=\"insufficient_scope\""), "{challenge}");
    assert_eq!(call(port, "GET", "/books/b-1", Some(&write)).await.0, 403);
    assert_eq!(call(port, "GET", "/anything", Some(&token(&issuer, &[]))).await.0, 403, "no scope at all");

    let (status, _, body) = call(port, "POST", "/books", Some(&write)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "route": "POST /books", "id": null, "sub": "reader-1", "client_id": AUDIENCE, "scopes": ["books:write"] })
    );
    let (status, _, body) = call(port, "GET", "/books/b-1", Some(&read)).await;
    assert_eq!((status, &body["route"], &body["id"]), (200, &json!("GET /books/{id}"), &json!("b-1")));
    // `aud` in place of `client_id`, `scp` as a list, and a bare token without `Bearer `, as
    // API Gateway takes them.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let listed = issuer.sign(&json!({
        "iss": ISSUER, "sub": "app", "aud": AUDIENCE, "exp": now + 60, "scp": ["books:read"],
    }));
    let (status, _, body) = call(port, "GET", "/books/b-2", Some(&listed)).await;
    assert_eq!((status, &body["sub"]), (200, &json!("app")));
    // What no route names goes to $default, behind the same authorizer.
    let (status, _, body) = call(port, "DELETE", "/books", Some(&read)).await;
    assert_eq!((status, &body["route"]), (200, &json!("$default")));
}

#[tokio::test]
async fn without_a_default_route_an_unknown_route_is_api_gateways_404() {
    let issuer = issuer();
    let port = front(&issuer, settings(false)).await;
    let (status, _, body) = call(port, "GET", "/nothing", None).await;
    assert_eq!((status, body), (404, json!({ "message": "Not Found" })));
}

#[test]
fn the_key_is_kept_between_uses() {
    let path = std::env::temp_dir().join(format!("lambda-local-{}", uuid::Uuid::new_v4())).join("key.pem");
    let first = LocalIssuer::open_or_create(&path).unwrap().key_set();
    let again = LocalIssuer::open_or_create(&path).unwrap().key_set();
    assert_eq!(first, again);
}
