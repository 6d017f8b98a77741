//! Context follows futures across `.await` and worker threads, and never leaks between
//! tasks interleaving on the same thread.

use ecsctx::context::{self, Context, Fields, FutureExt};
use ecsctx::trace::TraceContext;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousands_of_interleaved_tasks_keep_their_own_context() {
    const TASKS: usize = 2000;
    let (_, lines) = ecsctx::testing::capture_future(async {
        let mut handles = Vec::new();
        for i in 0..TASKS {
            let task = async move {
                let _trace = context::bind_trace(TraceContext::new_root());
                let _g = context::bind(Fields::new().with("session_id", &format!("s-{i}")));
                for step in 0..5 {
                    log::info!(task = i, step = step; "step");
                    if step % 2 == 0 {
                        tokio::task::yield_now().await;
                    } else {
                        tokio::time::sleep(std::time::Duration::from_micros(50)).await;
                    }
                    // A nested scope across an await.
                    let _inner = context::bind(Fields::new().with("merchant_id", &format!("m-{i}")));
                    tokio::task::yield_now().await;
                    log::info!(task = i, step = step; "inner");
                }
                // Context that was not wrapped does not inherit.
                let bare = std::thread::spawn(|| Context::current().fields_json()).join().unwrap();
                assert!(bare.get("session_id").is_none());
            };
            handles.push(tokio::spawn(task.in_current_context()));
        }
        for h in handles {
            h.await.unwrap();
        }
    })
    .await;
    assert_eq!(lines.len(), TASKS * 10);
    let mut trace_of = std::collections::HashMap::new();
    for l in &lines {
        let i = l["extra"]["task"].as_u64().unwrap();
        assert_eq!(l["session_id"], format!("s-{i}"), "{l}");
        if l["message"] == "inner" {
            assert_eq!(l["merchant_id"], format!("m-{i}"), "{l}");
        } else {
            assert!(l.get("merchant_id").is_none(), "inner scope leaked: {l}");
        }
        let t = l["trace"]["id"].as_str().unwrap().to_owned();
        assert_eq!(trace_of.entry(i).or_insert_with(|| t.clone()), &t);
    }
    assert_eq!(trace_of.len(), TASKS);
    // Nothing leaked into the test's own thread.
    assert!(Context::current().fields_json().get("session_id").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unwrapped_tasks_inherit_nothing() {
    let _g = context::bind(Fields::new().with("session_id", "outer"));
    let got = tokio::spawn(async { Context::current().fields_json() }).await.unwrap();
    assert!(got.get("session_id").is_none());
    let got = tokio::spawn(async { Context::current().fields_json() }.in_current_context())
        .await
        .unwrap();
    assert_eq!(got["session_id"], "outer");
}

#[test]
fn capture_is_isolated_between_parallel_threads() {
    let handles: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                ecsctx::testing::capture(|| {
                    for _ in 0..50 {
                        log::info!(n = i; "t");
                    }
                })
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        let lines = h.join().unwrap();
        assert_eq!(lines.len(), 50);
        assert!(lines.iter().all(|l| l["extra"]["n"] == i as u64));
    }
}

#[test]
fn capture_catches_lines_of_propagating_threads() {
    let lines = ecsctx::testing::capture(|| {
        context::spawn_thread(|| log::info!("child")).join().unwrap();
        std::thread::spawn(|| log::info!("unwrapped")).join().unwrap();
    });
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["message"], "child");
}
