//! End-to-end: service A (axum) calls service B (axum) over loopback with reqwest and the
//! `TracePropagation` middleware; B continues A's trace.

mod int_support;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use ecsctx::context::Context;
use ecsctx::integrations::reqwest::TracePropagation;
use ecsctx::integrations::tower::EcsLayer;
use ecsctx::testing::capture_future;
use int_support::{bounded, one, Server};
use reqwest_middleware::ClientWithMiddleware;

async fn b_handler(headers: HeaderMap) -> String {
    log::info!("b_line");
    headers
        .get("traceparent")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The body of a GET through the middleware client.
async fn get_text(client: &ClientWithMiddleware, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

async fn a_handler(State((client, b_url)): State<(ClientWithMiddleware, String)>) -> String {
    log::info!("a_line");
    let received_by_b = get_text(&client, &b_url).await;
    log::info!("a_done");
    received_by_b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b_continues_a_trace() {
    let (b_got, lines) = bounded(capture_future(async {
        let b = Router::new()
            .route("/b", get(b_handler))
            .layer(EcsLayer::new().with_base_context(Context::current()));
        let b = Server::start(b).await;
        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(TracePropagation)
            .build();
        let a = Router::new()
            .route("/a", get(a_handler))
            .with_state((client, b.url("/b")))
            .layer(EcsLayer::new().with_base_context(Context::current()));
        let a = Server::start(a).await;
        reqwest::Client::new()
            .get(a.url("/a"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }))
    .await;
    let (a_line, a_done, b_line) = (
        one(&lines, "a_line"),
        one(&lines, "a_done"),
        one(&lines, "b_line"),
    );
    let a_trace = a_line["trace"]["id"].as_str().unwrap();
    let a_span = a_line["span"]["id"].as_str().unwrap();
    assert_eq!(a_done["span"]["id"], a_span);
    // B's lines carry A's trace id, in a span of their own...
    assert_eq!(b_line["trace"]["id"], a_trace);
    assert_ne!(b_line["span"]["id"], a_span);
    // ...whose parent, as B received it, is exactly the span A logged.
    let parts: Vec<&str> = b_got.split('-').collect();
    assert_eq!(parts, ["00", a_trace, a_span, "01"], "{b_got}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_header_outside_a_trace_and_tracestate_passes_through() {
    let ((plain, with_state), _lines) = bounded(capture_future(async {
        let b = Router::new()
            .route(
                "/b",
                get(|h: HeaderMap| async move {
                    format!(
                        "{}|{}",
                        h.get("traceparent")
                            .map(|v| v.to_str().unwrap())
                            .unwrap_or("-"),
                        h.get("tracestate")
                            .map(|v| v.to_str().unwrap())
                            .unwrap_or("-")
                    )
                }),
            )
            .layer(EcsLayer::new().with_base_context(Context::current()));
        let b = Server::start(b).await;
        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(TracePropagation)
            .build();
        // Outside any trace: nothing is sent.
        let plain = Context::empty().run(|| client.get(b.url("/b")).send());
        let plain = plain.await.unwrap().text().await.unwrap();
        // Inside a trace that came with a tracestate: both are sent.
        let tc = ecsctx::trace::TraceContext::from_headers(
            Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            Some("congo=t61rcWkgMzE"),
        );
        let with_state = ecsctx::context::FutureExt::with_context(
            get_text(&client, &b.url("/b")),
            Context::empty().with_trace(tc.clone()),
        )
        .await;
        assert!(with_state.starts_with(&format!(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-{}-01|",
            tc.span_id()
        )));
        (plain, with_state)
    }))
    .await;
    assert_eq!(plain, "-|-");
    assert!(with_state.ends_with("|congo=t61rcWkgMzE"), "{with_state}");
}
