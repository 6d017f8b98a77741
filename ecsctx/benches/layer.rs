//! Per-request overhead of `EcsLayer`: the same axum Router, in process through
//! `tower::ServiceExt::oneshot`, with and without the layer. The handler logs nothing and
//! request logging is off, so the difference is the layer's own work: parse
//! `traceparent`, make a span id, resolve the client IP, bind four fields, run the
//! handler inside the context, add the `traceparent` response header.
//!
//! `cargo bench -p ecsctx --bench layer --features axum`

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use ecsctx::integrations::tower::{EcsLayer, RequestLogging};
use tower::ServiceExt;

fn request() -> Request<Body> {
    let mut req = Request::builder()
        .method("GET")
        .uri("/health")
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .header("user-agent", "bench/1.0")
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo("10.1.2.3:40000".parse::<SocketAddr>().unwrap()));
    req
}

fn run(rt: &tokio::runtime::Runtime, app: &Router, iters: u64) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            let resp = app.clone().oneshot(request()).await.unwrap();
            black_box(resp);
        }
        start.elapsed()
    })
}

fn bench(c: &mut Criterion) {
    ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(ecsctx::sink::WriterSink::new(std::io::sink()))
        .init();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let handler = || async { "ok" };
    let plain = Router::new().route("/health", get(handler));
    let layered = Router::new()
        .route("/health", get(handler))
        .layer(EcsLayer::new());
    let logged = Router::new()
        .route("/health", get(handler))
        .layer(EcsLayer::new().with_request_logging(RequestLogging::new()));

    let mut g = c.benchmark_group("layer");
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("router_without_layer", |b| {
        b.iter_custom(|n| run(&rt, &plain, n))
    });
    g.bench_function("router_with_layer", |b| {
        b.iter_custom(|n| run(&rt, &layered, n))
    });
    g.bench_function("router_with_layer_and_request_logging_2_lines", |b| {
        b.iter_custom(|n| run(&rt, &logged, n))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
