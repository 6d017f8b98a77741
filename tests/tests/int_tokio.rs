//! tokio tasks and threads: what is wrapped carries the context, what is not inherits
//! nothing.

use std::collections::HashSet;

use ecsctx::context::{self, Context, Fields};
use ecsctx::integrations::tokio::{spawn, spawn_blocking};
use ecsctx::testing::capture_future;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_and_spawn_blocking_carry_the_context() {
    let ((), lines) = capture_future(async {
        let _g = context::bind(Fields::new().with("session_id", "s-1"));
        spawn(async { log::info!("task") }).await.unwrap();
        spawn_blocking(|| log::info!("blocking")).await.unwrap();
        context::spawn_thread(|| log::info!("thread"))
            .join()
            .unwrap();
        // Not wrapped: no context, so not even captured.
        tokio::spawn(async { log::info!("plain_task") })
            .await
            .unwrap();
        std::thread::spawn(|| log::info!("plain_thread"))
            .join()
            .unwrap();
    })
    .await;
    let msgs: Vec<&str> = lines
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(msgs, ["task", "blocking", "thread"]);
    assert!(lines.iter().all(|l| l["session_id"] == "s-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_interleaved_tasks_keep_their_own_fields() {
    let ((), lines) = capture_future(async {
        let mut handles = Vec::new();
        for i in 0..2000 {
            let ctx = Context::current()
                .with_fields(Fields::new().with("merchant_id", &format!("m-{i}")));
            handles.push(ctx.run(|| {
                spawn(async move {
                    for step in 0..3 {
                        if step == 1 {
                            context::bind_unscoped(
                                Fields::new().with("session_id", &format!("s-{i}")),
                            );
                        }
                        tokio::task::yield_now().await;
                        log::info!(i = i, step = step; "step");
                    }
                })
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
    })
    .await;
    assert_eq!(lines.len(), 6000);
    let mut seen = HashSet::new();
    for l in &lines {
        let i = l["extra"]["i"].as_u64().unwrap();
        assert_eq!(l["merchant_id"], format!("m-{i}"));
        if l["extra"]["step"].as_u64().unwrap() >= 1 {
            assert_eq!(l["session_id"], format!("s-{i}"));
        } else {
            assert!(l.get("session_id").is_none(), "{l}");
        }
        seen.insert(i);
    }
    assert_eq!(seen.len(), 2000);
}
