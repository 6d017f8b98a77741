//! End-to-end: an axum handler enqueues jobs into a real Redis server with the captured
//! context; a worker task pops and runs them as children of the request.
//!
//! Needs `redis-server` (Debian: `apt-get install -y redis-server`); the test starts its
//! own on a free loopback port and skips, loudly, when the binary is absent.

mod int_support;

use axum::extract::{Query, State};
use axum::routing::post;
use axum::Router;
use ecsctx::context::{self, Context, Fields};
use ecsctx::integrations::jobs::{JobContext, JobInfo};
use ecsctx::integrations::tower::EcsLayer;
use ecsctx::testing::capture_future;
use ecsctx::{bind, event};
use int_support::{bounded, named, RedisServer, Server};
use serde_json::{json, Value};

const QUEUE: &str = "ecsctx:jobs";

#[derive(serde::Deserialize)]
struct Checkout {
    session: String,
    merchant: String,
}

async fn checkout(State(redis): State<redis::Client>, Query(q): Query<Checkout>) -> String {
    bind!(unscoped: session_id = q.session.clone(), merchant_id = q.merchant.clone());
    let job_id = format!("job-{}", q.session);
    log::info!("checkout_accepted");
    let message = json!({
        "id": job_id,
        "name": "send_receipt",
        "ctx": JobContext::capture(),
        "args": {"amount": 100},
    });
    let mut con = redis.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = redis::cmd("LPUSH")
        .arg(QUEUE)
        .arg(message.to_string())
        .query_async(&mut con)
        .await
        .unwrap();
    job_id
}

/// Pops `n` jobs and runs each inside its restored context.
async fn worker(redis: redis::Client, n: usize) {
    let mut con = redis.get_multiplexed_async_connection().await.unwrap();
    for _ in 0..n {
        let (_, raw): (String, String) = redis::cmd("BRPOP")
            .arg(QUEUE)
            .arg(10)
            .query_async(&mut con)
            .await
            .unwrap();
        let msg: Value = serde_json::from_str(&raw).unwrap();
        let jc: JobContext = serde_json::from_value(msg["ctx"].clone()).unwrap();
        let job = JobInfo::new(msg["id"].as_str().unwrap(), msg["name"].as_str().unwrap())
            .with_queue(QUEUE);
        jc.instrument(job, async {
            log::info!("job_started");
            // Something the job binds must not reach the next job.
            context::bind_unscoped(Fields::new().with("labels.leftover", "yes"));
            tokio::task::yield_now().await;
            event!(
                info,
                "receipt_sent",
                amount = msg["args"]["amount"].as_i64().unwrap()
            );
        })
        .await;
        log::info!("worker_idle");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_lines_continue_the_request() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let redis = redis::Client::open(server.url()).unwrap();
    let (ids, lines) = bounded(capture_future(async {
        // The worker: a separate task (with the capture context, so its lines are seen).
        let w = ecsctx::integrations::tokio::spawn(worker(redis.clone(), 2));
        let app = Router::new()
            .route("/checkout", post(checkout))
            .with_state(redis.clone())
            .layer(EcsLayer::new().with_base_context(Context::current()));
        let http = Server::start(app).await;
        let client = reqwest::Client::new();
        let mut ids = Vec::new();
        for (s, m) in [("s-1", "m-1"), ("s-2", "m-2")] {
            let url = http.url(&format!("/checkout?session={s}&merchant={m}"));
            ids.push(client.post(url).send().await.unwrap().text().await.unwrap());
        }
        w.await.unwrap();
        ids
    }))
    .await;
    assert_eq!(ids, ["job-s-1", "job-s-2"]);

    let requests = named(&lines, "checkout_accepted");
    let started = named(&lines, "job_started");
    let sent = named(&lines, "receipt_sent");
    assert_eq!((requests.len(), started.len(), sent.len()), (2, 2, 2));
    for i in 0..2 {
        let (req, job) = (requests[i], started[i]);
        let (s, m) = (format!("s-{}", i + 1), format!("m-{}", i + 1));
        assert_eq!(req["session_id"], s.as_str());
        for l in [job, sent[i]] {
            assert_eq!(l["trace"]["id"], req["trace"]["id"], "same trace: {l}");
            assert_ne!(l["span"]["id"], req["span"]["id"], "a child span: {l}");
            assert_eq!(l["session_id"], s.as_str());
            assert_eq!(l["merchant_id"], m.as_str());
            assert_eq!(l["extra"]["job"]["id"], format!("job-{s}"));
            assert_eq!(l["extra"]["job"]["name"], "send_receipt");
            assert_eq!(l["extra"]["job"]["queue"], QUEUE);
            assert_eq!(l["client"]["ip"], "127.0.0.1");
            assert!(
                l.get("url").is_none() && l.get("http").is_none(),
                "request-only fields: {l}"
            );
        }
        assert_eq!(job["span"]["id"], sent[i]["span"]["id"]);
        assert_eq!(sent[i]["extra"]["amount"], 100);
        // The job's own binding does not survive it.
        assert!(job.get("labels").is_none(), "{job}");
    }
    // Nothing of a job stays on the worker between jobs.
    for idle in named(&lines, "worker_idle") {
        assert!(
            idle.get("extra").is_none() && idle.get("session_id").is_none(),
            "{idle}"
        );
        assert!(
            idle.get("trace").is_none() && idle.get("labels").is_none(),
            "{idle}"
        );
    }
}
