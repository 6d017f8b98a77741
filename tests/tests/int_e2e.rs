//! The axum service a new user writes, end to end: `EcsLayer` outside tower-http's
//! `TraceLayer`, a handler that logs with `tracing::info!` (a customer's email among its
//! fields) and `event!`, an outbound reqwest call through `TracePropagation` to a second
//! service, and a request that axum rejects. With `TracingLayer` as the global `tracing`
//! subscriber, every line of both services must be structured ECS, without span
//! bookkeeping, with the PII token of the address (as `pii::tokenize` gives it), in one
//! trace; and `capture_future` must see it all. (Its own test binary: the `tracing`
//! subscriber and the PII keyset are process-wide.)

mod int_support;

use axum::routing::post;
use axum::Router;
use ecsctx::context::Context;
use ecsctx::event;
use ecsctx::integrations::reqwest::TracePropagation;
use ecsctx::integrations::tower::EcsLayer;
use ecsctx::integrations::tracing::TracingLayer;
use ecsctx::pii::{self, Config, Keyset};
use ecsctx::testing::capture_future;
use int_support::{bounded, named, one, Server};
use serde_json::Value;
use tracing_subscriber::layer::SubscriberExt;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const EMAIL: &str = "john.doe@example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_line_of_an_axum_service_and_its_downstream_call_is_structured_ecs() {
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(TracingLayer::new()),
    )
    .unwrap();
    let ks = Keyset::parse_token(
        br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#,
        "test",
    )
    .unwrap();
    pii::configure(Config::keysets(ks, None).with_env("prod")).unwrap();

    let (statuses, lines) = bounded(capture_future(async {
        // The downstream service.
        let charge = Router::new()
            .route(
                "/charge",
                post(|| async {
                    tracing::info!(amount = 100, "card_charged");
                    "charged"
                }),
            )
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .layer(EcsLayer::new().with_base_context(Context::current()));
        let downstream = Server::start(charge).await;
        let charge_url = downstream.url("/charge");

        // The service under test.
        let pay = Router::new()
            .route(
                "/pay",
                post(move |axum::Json(body): axum::Json<Value>| {
                    let charge_url = charge_url.clone();
                    async move {
                        let email = body["email"].as_str().unwrap_or_default().to_owned();
                        tracing::info!(customer_email = %email, amount = 100, "payment_received");
                        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
                            .with(TracePropagation)
                            .build();
                        let charged = client.post(&charge_url).send().await.is_ok();
                        event!(info, "payment_processed", amount = 100, charged = charged);
                        "paid"
                    }
                }),
            )
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .layer(EcsLayer::new().with_base_context(Context::current()));
        let server = Server::start(pay).await;
        let client = reqwest::Client::new();
        let paid = client
            .post(server.url("/pay"))
            .header("traceparent", TP)
            .header("content-type", "application/json")
            .body(format!(r#"{{"email":"{EMAIL}"}}"#))
            .send()
            .await
            .unwrap()
            .status();
        // Axum rejects a body that is not JSON.
        let rejected = client
            .post(server.url("/pay"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap()
            .status();
        (paid.as_u16(), rejected.as_u16())
    }))
    .await;
    assert_eq!(statuses, (200, 400));

    // Every line is an ECS document: the header keys, and no span bookkeeping.
    for l in &lines {
        for key in ["@timestamp", "log.level", "message", "ecs.version"] {
            assert!(l.get(key).is_some(), "{key} missing in {l}");
        }
        let m = l["message"].as_str().unwrap();
        assert!(
            !m.starts_with("-> ") && !m.starts_with("<- ") && !m.starts_with("-- "),
            "span bookkeeping: {l}"
        );
    }
    let text = serde_json::to_string(&lines).unwrap();
    assert!(
        !text.contains("john.doe"),
        "the address in plain text: {text}"
    );

    // The handler's `tracing` event: structured, its address as the address's token.
    let received = one(&lines, "payment_received");
    assert_eq!(
        received["extra"]["customer_email"],
        pii::tokenize(EMAIL, "email").unwrap()
    );
    assert_eq!(received["extra"]["amount"], 100);
    assert_eq!(received["trace"]["id"], TRACE_ID);
    assert_eq!(received["url"]["path"], "/pay");
    assert_eq!(one(&lines, "payment_processed")["extra"]["charged"], true);

    // The downstream service's lines continue the same trace, under its own span.
    let charged = one(&lines, "card_charged");
    assert_eq!(charged["trace"]["id"], TRACE_ID, "{charged}");
    assert_eq!(charged["url"]["path"], "/charge");
    assert_ne!(charged["span"]["id"], received["span"]["id"]);

    // tower-http's response lines carry ECS fields, for the rejected request too.
    let finished = named(&lines, "finished processing request");
    let status_of = |path: &str| -> Vec<u64> {
        finished
            .iter()
            .filter(|l| l["url"]["path"] == path)
            .filter_map(|l| l["http"]["response"]["status_code"].as_u64())
            .collect()
    };
    let mut pay_statuses = status_of("/pay");
    pay_statuses.sort_unstable();
    assert_eq!(pay_statuses, [200, 400], "{finished:#?}");
    assert_eq!(status_of("/charge"), [200], "{finished:#?}");
    assert!(finished
        .iter()
        .all(|l| l["event"]["duration"].is_u64() && l["http"]["request"]["method"] == "POST"));
}
