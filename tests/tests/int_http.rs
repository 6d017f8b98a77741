//! End-to-end: the tower layer on a real axum server on 127.0.0.1, real reqwest clients.

mod int_support;

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Query, Request};
use axum::http::{request::Parts, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use ecsctx::context::{self, Context, Fields};
use ecsctx::event;
use ecsctx::integrations::tower::{Cidr, EcsLayer, RequestLogging};
use ecsctx::testing::capture_future;
use int_support::{bounded, named, one, Server};
use serde_json::{json, Value};

const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn layer() -> EcsLayer {
    // Each request starts from the capture context of the test.
    EcsLayer::new().with_base_context(Context::current())
}

async fn pay() -> &'static str {
    log::info!("handler_line");
    event!(info, "payment_processed", amount = 100, currency = "KWD");
    ecsctx::integrations::tokio::spawn(async { log::info!("spawned_line") })
        .await
        .unwrap();
    ecsctx::integrations::tokio::spawn_blocking(
        || log::warn!(target: "other_crate", "blocking_line"),
    )
    .await
    .unwrap();
    "paid"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_line_of_a_request_carries_its_context() {
    let (resp_tp, lines) = bounded(capture_future(async {
        let app = Router::new().route("/pay", post(pay)).layer(layer());
        let server = Server::start(app).await;
        let resp = reqwest::Client::new()
            .post(server.url("/pay"))
            .header("traceparent", TP)
            .header("user-agent", "int-test/1.0")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let tp = resp.headers()["traceparent"].to_str().unwrap().to_owned();
        assert_eq!(resp.text().await.unwrap(), "paid");
        tp
    }))
    .await;

    let mine: Vec<&Value> = [
        "handler_line",
        "payment_processed",
        "spawned_line",
        "blocking_line",
    ]
    .iter()
    .map(|m| one(&lines, m))
    .collect();
    let span = mine[0]["span"]["id"].as_str().unwrap().to_owned();
    assert_eq!(span.len(), 16);
    assert_ne!(
        span, "00f067aa0ba902b7",
        "the caller's span is our parent, not our span"
    );
    for l in &mine {
        assert_eq!(l["trace"]["id"], "4bf92f3577b34da6a3ce929d0e0e4736", "{l}");
        assert_eq!(l["span"]["id"], span.as_str());
        assert_eq!(l["client"]["ip"], "127.0.0.1");
        assert_eq!(l["http"]["request"]["method"], "POST");
        assert_eq!(l["url"]["path"], "/pay");
        assert_eq!(l["user_agent"]["original"], "int-test/1.0");
    }
    assert_eq!(mine[1]["extra"]["amount"], 100);
    assert_eq!(mine[3]["log"]["logger"], "other_crate");
    // The response names our span, so the caller can correlate.
    assert_eq!(
        resp_tp,
        format!("00-4bf92f3577b34da6a3ce929d0e0e4736-{span}-01")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_or_missing_traceparent_starts_a_new_trace() {
    let (tps, lines) = bounded(capture_future(async {
        let app = Router::new().route("/pay", post(pay)).layer(layer());
        let server = Server::start(app).await;
        let client = reqwest::Client::new();
        let mut tps = Vec::new();
        for header in [
            Some("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"),
            None,
        ] {
            let mut req = client.post(server.url("/pay"));
            if let Some(h) = header {
                req = req.header("traceparent", h);
            }
            let resp = req.send().await.unwrap();
            tps.push(resp.headers()["traceparent"].to_str().unwrap().to_owned());
        }
        tps
    }))
    .await;
    let handler = named(&lines, "handler_line");
    assert_eq!(handler.len(), 2);
    for (l, tp) in handler.iter().zip(&tps) {
        let trace = l["trace"]["id"].as_str().unwrap();
        assert_ne!(trace, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(
            *tp,
            format!("00-{trace}-{}-01", l["span"]["id"].as_str().unwrap())
        );
    }
    assert_ne!(handler[0]["trace"]["id"], handler[1]["trace"]["id"]);
}

#[derive(serde::Deserialize)]
struct Who {
    session: Option<String>,
    merchant: Option<String>,
}

async fn who(Query(q): Query<Who>) -> &'static str {
    if let Some(s) = q.session {
        context::bind_unscoped(Fields::new().with("session_id", &s));
    }
    tokio::time::sleep(Duration::from_millis(2)).await;
    if let Some(m) = q.merchant {
        context::bind_unscoped(Fields::new().with("merchant_id", &m));
    }
    tokio::task::yield_now().await;
    log::info!("who_line");
    "ok"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_leaks_between_requests() {
    let ((), lines) = bounded(capture_future(async {
        let app = Router::new().route("/who", get(who)).layer(layer());
        let server = Server::start(app).await;
        // One keep-alive connection: the first request's bindings must not reach the second.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        client
            .get(server.url("/who?session=s-0&merchant=m-0"))
            .send()
            .await
            .unwrap();
        client.get(server.url("/who")).send().await.unwrap();
        // 64 concurrent requests interleaving on two worker threads.
        let mut tasks = Vec::new();
        for i in 0..64 {
            let c = client.clone();
            let url = server.url(&format!("/who?session=s-{i}&merchant=m-{i}"));
            tasks.push(tokio::spawn(async move {
                c.get(url).send().await.unwrap().status()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 200);
        }
    }))
    .await;
    let who = named(&lines, "who_line");
    assert_eq!(who.len(), 66);
    assert_eq!(who[0]["session_id"], "s-0");
    assert!(
        who[1].get("session_id").is_none() && who[1].get("merchant_id").is_none(),
        "{}",
        who[1]
    );
    let mut spans = std::collections::HashSet::new();
    for l in &who[2..] {
        let s = l["session_id"].as_str().unwrap();
        assert_eq!(
            l["merchant_id"].as_str().unwrap(),
            s.replace("s-", "m-"),
            "{l}"
        );
        assert!(spans.insert(l["span"]["id"].as_str().unwrap().to_owned()));
    }
}

async fn ip_line() -> &'static str {
    log::info!("ip_line");
    "ok"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_ip_trusts_headers_only_from_trusted_proxies() {
    let cases: Vec<(EcsLayer, Option<&str>, &str)> = vec![
        // Default: the peer; the header is a lie until a proxy is trusted.
        (layer(), Some("6.6.6.6"), "127.0.0.1"),
        (
            layer().with_trusted_proxy_count(1),
            Some("6.6.6.6, 1.2.3.4"),
            "1.2.3.4",
        ),
        (
            layer().with_trusted_proxy_count(2),
            Some("6.6.6.6, 1.2.3.4"),
            "6.6.6.6",
        ),
        // Fewer hops than proxies, malformed: ignored, the peer stays.
        (
            layer().with_trusted_proxy_count(3),
            Some("6.6.6.6, 1.2.3.4"),
            "127.0.0.1",
        ),
        (
            layer().with_trusted_proxy_count(1),
            Some("1.2.3.4, garbage"),
            "127.0.0.1",
        ),
        (
            layer().with_trusted_proxies(
                ["127.0.0.0/8", "10.0.0.0/8"].map(|s| s.parse::<Cidr>().unwrap()),
            ),
            Some("6.6.6.6, 1.2.3.4, 10.0.0.9"),
            "1.2.3.4",
        ),
        // The peer is not in the trusted networks: its header means nothing.
        (
            layer().with_trusted_proxies(["10.0.0.0/8".parse::<Cidr>().unwrap()]),
            Some("1.2.3.4"),
            "127.0.0.1",
        ),
    ];
    for (i, (layer, xff, want)) in cases.into_iter().enumerate() {
        let ((), lines) = bounded(capture_future(async move {
            let layer = layer.with_base_context(Context::current());
            let server = Server::start(Router::new().route("/ip", get(ip_line)).layer(layer)).await;
            let mut req = reqwest::Client::new().get(server.url("/ip"));
            if let Some(x) = xff {
                req = req.header("x-forwarded-for", x);
            }
            assert_eq!(req.send().await.unwrap().status(), 200);
        }))
        .await;
        assert_eq!(one(&lines, "ip_line")["client"]["ip"], want, "case {i}");
    }
}

// === the user, bound wherever authentication happens ===

struct AuthUser;

impl<S: Send + Sync> FromRequestParts<S> for AuthUser {
    type Rejection = StatusCode;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, StatusCode> {
        let id = parts
            .headers
            .get("x-user")
            .ok_or(StatusCode::UNAUTHORIZED)?;
        let id = id.to_str().map_err(|_| StatusCode::BAD_REQUEST)?.to_owned();
        tokio::task::yield_now().await; // a token lookup
        assert!(ecsctx::integrations::axum::bind_user(id, Some("alice")));
        Ok(AuthUser)
    }
}

async fn with_extractor(_u: AuthUser) -> &'static str {
    log::info!("user_line");
    "ok"
}

async fn plain() -> &'static str {
    log::info!("user_line");
    "ok"
}

async fn binds_in_handler() -> &'static str {
    ecsctx::integrations::axum::bind_user(7, None);
    log::info!("user_line");
    "ok"
}

/// The same authentication middleware, placed before or after the layer.
async fn auth_mw(mut req: Request, next: Next) -> Response {
    if let Some(id) = req
        .headers()
        .get("x-user")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    {
        tokio::task::yield_now().await;
        ecsctx::integrations::tower::set_user(&mut req, id, Some("alice"));
    }
    next.run(req).await
}

/// A careless middleware before the layer that calls `bind_user`: refused, never leaks.
async fn careless_mw(req: Request, next: Next) -> Response {
    assert!(!ecsctx::integrations::tower::bind_user("intruder", None));
    next.run(req).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_is_bound_whatever_the_middleware_order() {
    let ((), lines) = bounded(capture_future(async {
        let logging = || RequestLogging::new().with_body_limit(0).with_headers(false);
        let inner_mw = Router::new()
            .route("/inner", get(plain))
            .layer(middleware::from_fn(auth_mw))
            .layer(layer().with_request_logging(logging()));
        let outer_mw = Router::new()
            .route("/outer", get(plain))
            .layer(layer().with_request_logging(logging()))
            .layer(middleware::from_fn(auth_mw));
        let others = Router::new()
            .route("/extractor", get(with_extractor))
            .route("/handler", get(binds_in_handler))
            .route("/anonymous", get(plain))
            .layer(layer().with_request_logging(logging()))
            .layer(middleware::from_fn(careless_mw));
        let server = Server::start(inner_mw.merge(outer_mw).merge(others)).await;
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        for path in ["/inner", "/outer", "/extractor", "/handler", "/anonymous"] {
            let resp = client
                .get(server.url(path))
                .header("x-user", "42")
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200, "{path}");
            resp.bytes().await.unwrap();
        }
    }))
    .await;
    let users = named(&lines, "user_line");
    let sent = named(&lines, "http_response_sent");
    assert_eq!((users.len(), sent.len()), (5, 5));
    for i in 0..3 {
        for l in [users[i], sent[i]] {
            // `user.name` is personal data: with no keyset configured it is redacted.
            assert_eq!(
                l["user"],
                json!({"id": "42", "name": "[PII_REDACTED]"}),
                "{l}"
            );
        }
    }
    assert_eq!(users[3]["user"], json!({"id": "7"}));
    assert_eq!(sent[3]["user"], json!({"id": "7"}));
    assert!(users[4].get("user").is_none(), "{}", users[4]);
    assert!(sent[4].get("user").is_none());
}

// === request/response logging ===

async fn login(body: String) -> Response {
    let v: Value = serde_json::from_str(&body).unwrap();
    log::info!("login_line");
    Response::builder()
        .header("content-type", "application/json")
        .header("set-cookie", "sid=secret-session; HttpOnly")
        .body(Body::from(
            json!({"user": v["user"], "access_token": "tok-123456789", "profile": {"access_token": "x", "tier": "gold"}})
                .to_string(),
        ))
        .unwrap()
}

async fn echo_len(body: Bytes) -> String {
    body.len().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_and_response_lines() {
    let (client_saw, lines) = bounded(capture_future(async {
        let logging = RequestLogging::new()
            .with_body_limit(256)
            .omit_response_keys("/login", ["access_token"]);
        let app = Router::new()
            .route("/login", post(login))
            .route("/upload", post(echo_len))
            .layer(layer().with_request_logging(logging));
        let server = Server::start(app).await;
        let client = reqwest::Client::new();
        let resp = client
            .post(server.url("/login"))
            .header("authorization", "Bearer abcdefghijklmnop1234")
            .header("x-api-key", "short")
            .header("cookie", "sid=abc; theme=dark")
            .json(&json!({"user": "alice", "password": "hunter2"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["set-cookie"], "sid=secret-session; HttpOnly");
        let login: Value = resp.json().await.unwrap();
        let big = "x".repeat(1000);
        let len = client
            .post(server.url("/upload"))
            .header("content-type", "text/plain")
            .body(big)
            .send()
            .await
            .unwrap();
        (login, len.text().await.unwrap())
    }))
    .await;
    // The client got everything, unchanged.
    assert_eq!(client_saw.0["access_token"], "tok-123456789");
    assert_eq!(client_saw.1, "1000");

    let received = named(&lines, "http_request_received");
    let sent = named(&lines, "http_response_sent");
    assert_eq!((received.len(), sent.len()), (2, 2));
    let (rq, rs) = (received[0], sent[0]);
    assert_eq!(rq["log"]["logger"], "ecsctx::http");
    assert_eq!(rq["http"]["request"]["method"], "POST");
    assert_eq!(rq["url"]["path"], "/login");
    assert_eq!(rq["client"]["ip"], "127.0.0.1");
    assert_eq!(rq["headers"]["authorization"], "Bearer abcd****1234");
    assert_eq!(rq["headers"]["x-api-key"], "****");
    assert_eq!(rq["headers"]["cookie"], "****");
    assert_eq!(rq["headers"]["content-type"], "application/json");
    let body: Value =
        serde_json::from_str(rq["http"]["request"]["body"]["content"].as_str().unwrap()).unwrap();
    assert_eq!(body["user"], "alice");
    // The request line comes before the handler's lines, the response line after.
    let pos = |m: &str| lines.iter().position(|l| l["message"] == m).unwrap();
    assert!(
        pos("http_request_received") < pos("login_line")
            && pos("login_line") < pos("http_response_sent")
    );

    assert_eq!(rs["http"]["response"]["status_code"], 200);
    assert!(rs["event"]["duration"].as_u64().unwrap() > 0);
    assert_eq!(rs["headers"]["set-cookie"], "****");
    assert_eq!(rs["span"]["id"], rq["span"]["id"]);
    let logged: Value =
        serde_json::from_str(rs["http"]["response"]["body"]["content"].as_str().unwrap()).unwrap();
    assert_eq!(
        logged,
        json!({"user": "alice", "profile": {"tier": "gold"}})
    );

    // A request body over the limit: the handler got all of it, the line a prefix.
    let up = received[1]["http"]["request"]["body"]["content"]
        .as_str()
        .unwrap();
    assert!(
        up.starts_with(&"x".repeat(256)) && up.contains("truncated"),
        "{up}"
    );
    assert_eq!(sent[1]["http"]["response"]["body"]["content"], "1000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_response_is_not_buffered_or_changed() {
    let (got, lines) = bounded(capture_future(async {
        // The handler sends its second chunk only after the client has received the
        // first: a layer that buffered the body would deadlock (and time out) here.
        let (ack_tx, ack_rx) = tokio::sync::mpsc::channel::<()>(1);
        let ack_rx = std::sync::Arc::new(tokio::sync::Mutex::new(Some(ack_rx)));
        let handler = move || {
            let ack_rx = ack_rx.clone();
            async move {
                let mut ack = ack_rx.lock().await.take().unwrap();
                let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(1);
                tokio::spawn(async move {
                    tx.send(Bytes::from_static(b"chunk-0;")).await.unwrap();
                    ack.recv().await.unwrap();
                    for i in 1..5 {
                        tx.send(Bytes::from(format!("chunk-{i};"))).await.unwrap();
                    }
                });
                let body = futures_util::stream::unfold(rx, |mut rx| async move {
                    rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
                });
                Response::builder()
                    .header("content-type", "text/plain")
                    .body(Body::from_stream(body))
                    .unwrap()
            }
        };
        let app = Router::new()
            .route("/stream", get(handler))
            .layer(layer().with_request_logging(RequestLogging::new().with_body_limit(12)));
        let server = Server::start(app).await;
        let resp = reqwest::Client::new()
            .get(server.url("/stream"))
            .send()
            .await
            .unwrap();
        let mut stream = resp.bytes_stream();
        let mut got = Vec::new();
        while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
            let chunk = chunk.unwrap();
            if got.is_empty() {
                ack_tx.send(()).await.unwrap();
            }
            got.extend_from_slice(&chunk);
        }
        String::from_utf8(got).unwrap()
    }))
    .await;
    assert_eq!(got, "chunk-0;chunk-1;chunk-2;chunk-3;chunk-4;");
    let sent = one(&lines, "http_response_sent");
    assert_eq!(sent["http"]["response"]["body"]["bytes"], 40);
    let content = sent["http"]["response"]["body"]["content"]
        .as_str()
        .unwrap();
    assert!(
        content.starts_with("chunk-0;chun") && content.contains("truncated, 40 bytes"),
        "{content}"
    );
}

// === masked at the boundary: the query and the logged bodies ===

#[derive(serde::Deserialize)]
struct Search {
    access_token: Option<String>,
    page: Option<u32>,
}

async fn search(Query(q): Query<Search>) -> String {
    log::info!("search_line");
    // The handler gets the query as the client sent it: only the log is masked.
    format!(
        "{}:{}",
        q.access_token.unwrap_or_default(),
        q.page.unwrap_or(0)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_credentials_are_masked_in_url_query() {
    let (got, lines) = bounded(capture_future(async {
        let app = Router::new()
            .route("/search", get(search))
            .layer(layer().with_request_logging(RequestLogging::new().with_headers(false)));
        let server = Server::start(app).await;
        let client = reqwest::Client::new();
        let with_query = client
            .get(server.url("/search?access_token=abc&page=2"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let without = client
            .get(server.url("/search"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (with_query, without)
    }))
    .await;
    assert_eq!(got, ("abc:2".to_owned(), ":0".to_owned()));

    let search = named(&lines, "search_line");
    let received = named(&lines, "http_request_received");
    let sent = named(&lines, "http_response_sent");
    assert_eq!((search.len(), received.len(), sent.len()), (2, 2, 2));
    for l in [search[0], received[0], sent[0]] {
        assert_eq!(l["url"]["path"], "/search", "{l}");
        let query = l["url"]["query"].as_str().unwrap();
        assert!(!query.contains("abc"), "{query}");
        assert!(query.contains("page=2"), "{query}");
        // No keyset in this test binary: the secret is masked, not tokenized.
        assert_eq!(query, "access_token=[SECRET-MASKED]&page=2");
    }
    // No query, no `url.query`.
    for l in [search[1], received[1], sent[1]] {
        assert!(l["url"].get("query").is_none(), "{l}");
    }
    ecsctx::testing::assert_no_leaks(&lines, &["access_token=abc"]);
}

const PAY_BODY: &str = r#"{"password":"hunter2","card":{"number":"4111111111111111","cvv":"737"}}"#;

async fn echo_json(body: String) -> Response {
    log::info!("echo_line");
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

/// The logger of this test binary is the default one (installed by `capture_future`,
/// masker on): the capture helpers log through the installed logger, and a test binary
/// has one. That the layer masks bodies without the logger's masker is covered by the
/// unit test `bodies_are_redacted_before_logging` in `tower/logging.rs`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logged_bodies_are_redacted() {
    let (echoed, lines) = bounded(capture_future(async {
        let app = Router::new()
            .route("/echo", post(echo_json))
            .layer(layer().with_request_logging(RequestLogging::new().with_headers(false)));
        let server = Server::start(app).await;
        let client = reqwest::Client::new();
        let full = client
            .post(server.url("/echo"))
            .header("content-type", "application/json")
            .body(PAY_BODY)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // Also cut at the body limit, inside the card number.
        let app = Router::new().route("/echo", post(echo_json)).layer(
            layer().with_request_logging(
                RequestLogging::new()
                    .with_headers(false)
                    .with_body_limit(50),
            ),
        );
        let server2 = Server::start(app).await;
        client
            .post(server2.url("/echo"))
            .header("content-type", "application/json")
            .body(PAY_BODY)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        full
    }))
    .await;
    // The client got the body unchanged.
    assert_eq!(echoed, PAY_BODY);

    let received = named(&lines, "http_request_received");
    let sent = named(&lines, "http_response_sent");
    assert_eq!((received.len(), sent.len()), (2, 2));
    for body in [
        &received[0]["http"]["request"]["body"]["content"],
        &sent[0]["http"]["response"]["body"]["content"],
    ] {
        let logged: Value = serde_json::from_str(body.as_str().unwrap()).unwrap();
        assert_eq!(logged["card"]["number"], "411111******1111", "{logged}");
        assert_ne!(logged["password"], "hunter2");
        assert_ne!(logged["card"]["cvv"], "737");
    }
    for body in [
        &received[1]["http"]["request"]["body"]["content"],
        &sent[1]["http"]["response"]["body"]["content"],
    ] {
        let body = body.as_str().unwrap();
        assert!(body.contains("truncated"), "{body}");
    }
    // Nowhere in any line: not the password, not the CVV, not the card number, nor the
    // part of it cut at the limit.
    ecsctx::testing::assert_no_leaks(
        &lines,
        &["hunter2", "737", "4111111111111111", "4111111111"],
    );
}

async fn fails() -> StatusCode {
    StatusCode::SERVICE_UNAVAILABLE
}

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_response_line_is_warn_and_other_responses_info() {
    let lines = bounded(capture_future(async {
        let app = Router::new()
            .route("/fails", get(fails))
            .route("/missing", get(not_found))
            .route("/ok", get(|| async { "ok" }))
            .layer(layer().with_request_logging(RequestLogging::new().with_headers(false)));
        let server = Server::start(app).await;
        let client = reqwest::Client::new();
        for path in ["/fails", "/missing", "/ok"] {
            client.get(server.url(path)).send().await.unwrap();
        }
    }))
    .await
    .1;
    let sent = named(&lines, "http_response_sent");
    let level_of = |status: u64| {
        sent.iter()
            .find(|l| l["http"]["response"]["status_code"] == status)
            .unwrap_or_else(|| panic!("no {status} line in {sent:#?}"))["log.level"]
            .clone()
    };
    assert_eq!(level_of(503), "warn");
    assert_eq!(level_of(404), "info");
    assert_eq!(level_of(200), "info");

    // Configurable.
    let lines = bounded(capture_future(async {
        let app = Router::new().route("/fails", get(fails)).layer(
            layer().with_request_logging(
                RequestLogging::new()
                    .with_headers(false)
                    .with_server_error_level(log::Level::Error),
            ),
        );
        let server = Server::start(app).await;
        reqwest::get(server.url("/fails")).await.unwrap();
    }))
    .await
    .1;
    assert_eq!(one(&lines, "http_response_sent")["log.level"], "error");
}
