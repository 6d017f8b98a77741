//! A small payments API with ecsctx: the tower layer, `bind!` in a handler, PII in a
//! payload, an outbound call that carries the trace, and a background job that continues
//! it. It serves on loopback, calls itself a few times, prints the lines and exits.
//!
//! ```text
//! cargo run -p ecsctx --example axum_service --features axum,reqwest,tokio
//! ```
//!
//! Every line on stdout is one ECS JSON document; the `== …` markers go to stderr.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use ecsctx::integrations::jobs::{JobContext, JobInfo};
use ecsctx::integrations::reqwest::TracePropagation;
use ecsctx::integrations::tower::{EcsLayer, RequestLogging};
use ecsctx::{bind, event};
use reqwest_middleware::ClientWithMiddleware;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::mpsc;

/// What the handler puts on the queue: any broker would carry the same JSON.
#[derive(Serialize, Deserialize)]
struct JobMessage {
    id: String,
    name: String,
    ctx: JobContext,
    payment_id: String,
}

#[derive(Clone)]
struct App {
    client: ClientWithMiddleware,
    base: String,
    queue: mpsc::UnboundedSender<String>,
}

#[derive(Deserialize, Serialize)]
struct PaymentRequest {
    merchant_id: String,
    amount: u64,
    currency: String,
    card_number: String,
    email: String,
}

async fn create_payment(
    State(app): State<App>,
    headers: HeaderMap,
    Json(req): Json<PaymentRequest>,
) -> Json<serde_json::Value> {
    // Authentication happened (say) here: every later line of the request has `user.id`.
    if let Some(user) = headers.get("x-user-id").and_then(|v| v.to_str().ok()) {
        ecsctx::integrations::axum::bind_user(user, None);
    }
    // Merge into the request's scope: the rest of the request (and its job) carries them.
    bind!(unscoped: merchant_id = req.merchant_id.clone(), session_id = "sess-81f2");
    // The payload holds PII (card number, email): the logger's masker sees every string.
    event!(info, "payment_received", payload:serde = req, payment.orn = "ORN-1001");

    // Outbound call: `traceparent` names this request's span.
    let score: serde_json::Value = app
        .client
        .get(format!("{}/fraud-check?amount={}", app.base, req.amount))
        .send()
        .await
        .expect("fraud check reachable")
        .json()
        .await
        .expect("fraud check answers JSON");
    event!(info, "payment_authorized", amount = req.amount, currency = req.currency.clone(), fraud_score:serde = score["score"]);

    // Background job, with the request's context inside the message.
    let payment_id = format!("pay_{}", ecsctx::trace::new_span_id());
    let job = JobMessage {
        id: format!("job_{}", ecsctx::trace::new_span_id()),
        name: "send_receipt".into(),
        ctx: JobContext::capture(),
        payment_id: payment_id.clone(),
    };
    app.queue
        .send(serde_json::to_string(&job).expect("serializable"))
        .expect("worker running");
    Json(
        json!({ "payment_id": payment_id, "status": "authorized", "card_token": "tok_live_secret" }),
    )
}

async fn fraud_check(headers: HeaderMap) -> Json<serde_json::Value> {
    let parent = headers
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    event!(
        info,
        "fraud_check_scored",
        score = 0.12,
        received_traceparent = parent
    );
    Json(json!({ "score": 0.12 }))
}

/// The worker: like a separate process, it starts with no context of its own and
/// restores each job's from its message.
async fn worker(mut rx: mpsc::UnboundedReceiver<String>, jobs: usize) {
    for _ in 0..jobs {
        let Some(raw) = rx.recv().await else { break };
        let msg: JobMessage = serde_json::from_str(&raw).expect("job message");
        let info = JobInfo::new(msg.id.clone(), msg.name.clone()).with_queue("receipts");
        msg.ctx
            .instrument(info, async {
                event!(info, "receipt_sending", payment_id = msg.payment_id.clone());
                tokio::time::sleep(Duration::from_millis(5)).await;
                event!(info, "receipt_sent", event.outcome = "success");
            })
            .await;
    }
}

#[tokio::main]
async fn main() {
    ecsctx::Builder::new()
        .with_service_name("payments-api")
        .with_service_version("1.4.2")
        .with_project_name("ecsctx-example")
        .with_environment("dev")
        .with_root_fields(["job"])
        .with_filter("info")
        .init();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let base = format!("http://{addr}");
    let (tx, rx) = mpsc::unbounded_channel();
    const REQUESTS: usize = 3;
    let worker = tokio::spawn(worker(rx, REQUESTS));

    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(TracePropagation)
        .build();
    let layer = EcsLayer::new().with_request_logging(
        RequestLogging::new()
            .with_body_limit(1024)
            .omit_response_keys("/payments", ["card_token"]),
    );
    let app = Router::new()
        .route("/payments", post(create_payment))
        .route("/fraud-check", get(fraud_check))
        .with_state(App {
            client,
            base: base.clone(),
            queue: tx,
        })
        .layer(layer);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stop_rx.await;
        })
        .await
        .expect("server");
    });

    // A plain client (no ecsctx): the first call arrives with a caller's traceparent.
    let caller = reqwest::Client::new();
    for i in 0..REQUESTS {
        eprintln!("== request {} ==", i + 1);
        let mut req = caller
            .post(format!("{base}/payments"))
            .header("user-agent", "example-client/1.0")
            .header("authorization", "Bearer sk_live_4f9a8b7c6d5e4f3a")
            .header("x-user-id", format!("u-{}", 40 + i))
            .json(&json!({
                "merchant_id": format!("m-{}", 100 + i),
                "amount": 1500 + i as u64,
                "currency": "KWD",
                "card_number": "4111 1111 1111 1111",
                "email": "alice@example.com",
            }));
        if i == 0 {
            req = req.header(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            );
        }
        let resp = req.send().await.expect("request");
        let tp = resp.headers().get("traceparent").cloned();
        let body: serde_json::Value = resp.json().await.expect("json");
        eprintln!("== response: {body} (traceparent {tp:?}) ==");
    }

    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("jobs done in time")
        .expect("worker");
    let _ = stop_tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    // After a graceful shutdown: every line out before the process ends.
    ecsctx::flush();
    eprintln!("== done: {} lines written ==", ecsctx::stats().lines);
}
