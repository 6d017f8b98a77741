//! Faults a logging call must survive (issue "every fault survived"): a writer that logs,
//! a sink that panics, a value nested deeper than any stack, a write that fails part-way,
//! `process::exit` with a non-blocking writer. Scenarios that install a global logger or
//! may hang or abort run in a child process (this test binary, re-run on one test).

mod child;
use child::{is_child, lines_with_message, run_child, CHILD};

use std::io::{self, Write};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ecsctx::sink::{NonBlocking, Overflow, Sink, WriterSink};
use log::Log;
use serde_json::Value;

/// A writer to stdout that logs on every write (a network writer reporting its
/// reconnects, say).
struct Chatty;
impl Write for Chatty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        log::warn!("writer_busy");
        io::stdout().write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        log::warn!("writer_flushing");
        io::stdout().flush()
    }
}

#[test]
fn a_writer_that_logs_never_deadlocks() {
    const NAME: &str = "a_writer_that_logs_never_deadlocks";
    if is_child(NAME) {
        ecsctx::Builder::new()
            .with_filter("info")
            .with_sink(WriterSink::new(Chatty))
            .init();
        for i in 0..20 {
            log::info!(n = i; "line");
        }
        ecsctx::flush();
        let s = ecsctx::stats();
        eprintln!("STATS lines={} fallback={}", s.lines, s.fallback);
        return;
    }
    let c = run_child(NAME, Duration::from_secs(30));
    assert!(c.ok, "child failed: {}", c.stderr);
    let lines = lines_with_message(&c.stdout, "line");
    assert_eq!(
        lines.len(),
        20,
        "every line reaches the writer: {}",
        c.stdout
    );
    // The writer's own lines went to stderr, whole and counted.
    let nested = lines_with_message(&c.stderr, "writer_busy");
    assert!(nested.len() >= 20, "{}", c.stderr);
    assert!(
        c.stderr.contains("STATS lines=20 fallback="),
        "{}",
        c.stderr
    );
    let fallback: u64 = c
        .stderr
        .split("fallback=")
        .nth(1)
        .and_then(|t| t.trim().lines().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(
        fallback,
        (nested.len() + lines_with_message(&c.stderr, "writer_flushing").len()) as u64
    );
}

#[test]
fn a_writer_that_logs_on_the_non_blocking_thread_never_deadlocks() {
    const NAME: &str = "a_writer_that_logs_on_the_non_blocking_thread_never_deadlocks";
    if is_child(NAME) {
        // A tiny queue that blocks when full: the writer thread logging into it would
        // wait for itself.
        let (nb, guard) = NonBlocking::builder()
            .capacity(2)
            .overflow(Overflow::Block)
            .finish(Chatty);
        ecsctx::Builder::new()
            .with_filter("info")
            .with_sink(nb)
            .init();
        for i in 0..500 {
            log::info!(n = i; "line");
        }
        ecsctx::flush();
        drop(guard);
        return;
    }
    let c = run_child(NAME, Duration::from_secs(60));
    assert!(c.ok, "child failed: {}", c.stderr);
    assert_eq!(lines_with_message(&c.stdout, "line").len(), 500);
    assert!(!lines_with_message(&c.stderr, "writer_busy").is_empty());
}

/// A sink that panics on every line.
struct Panicky;
impl Sink for Panicky {
    fn write_line(&self, _: &[u8]) -> io::Result<()> {
        panic!("sink exploded");
    }
    fn flush(&self) -> io::Result<()> {
        panic!("flush exploded");
    }
}

struct Boom;
impl std::fmt::Display for Boom {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        panic!("display exploded")
    }
}

#[test]
fn a_sink_that_panics_is_contained_every_time() {
    let logger = ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(Panicky)
        .build();
    let before = ecsctx::stats().write_errors;
    log_lines(&logger, 3);
    // A value that panics while rendering: its marker line goes to the same sink,
    // which panics again, and is contained again.
    logger.log(
        &log::Record::builder()
            .level(log::Level::Info)
            .target("reliability")
            .args(format_args!("{}", Boom))
            .build(),
    );
    logger.flush();
    assert!(ecsctx::stats().write_errors >= before + 4);
}

/// Lines written to a shared buffer.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

/// Accepts 10 bytes of the first line, then fails (a disk filling up), then recovers.
struct Torn {
    out: Shared,
    calls: usize,
}
impl Write for Torn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        match self.calls {
            1 => {
                self.out.0.lock().unwrap().extend_from_slice(&buf[..10]);
                Ok(10)
            }
            2 => Err(io::Error::other("No space left on device")),
            _ => {
                self.out.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn log_lines(logger: &ecsctx::EcsLogger, n: usize) {
    for i in 0..n {
        logger.log(
            &log::Record::builder()
                .level(log::Level::Info)
                .target("reliability")
                .args(format_args!("line {i}"))
                .build(),
        );
    }
}

#[test]
fn a_write_that_fails_part_way_never_glues_the_next_line_to_its_fragment() {
    let out = Shared::default();
    let before = ecsctx::stats().write_errors;
    let logger = ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(WriterSink::new(Torn {
            out: out.clone(),
            calls: 0,
        }))
        .build();
    log_lines(&logger, 3);
    assert!(ecsctx::stats().write_errors > before);
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        serde_json::from_str::<Value>(lines[0]).is_err(),
        "the fragment"
    );
    for (line, msg) in lines[1..].iter().zip(["line 1", "line 2"]) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(v["message"], msg);
    }
}

#[test]
fn a_write_that_fails_part_way_on_the_non_blocking_thread_is_terminated_too() {
    let out = Shared::default();
    let (nb, guard) = NonBlocking::builder()
        .overflow(Overflow::Block)
        .finish(Torn {
            out: out.clone(),
            calls: 0,
        });
    let logger = ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(nb)
        .build();
    // One line at a time, so each is its own write.
    for _ in 0..3 {
        log_lines(&logger, 1);
        logger.flush();
    }
    drop(guard);
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1..]
        .iter()
        .all(|l| serde_json::from_str::<Value>(l).is_ok()));
}

/// `serde_json::Value` nested `depth` arrays deep.
fn nested(depth: usize) -> Value {
    let mut v = Value::from(1);
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

#[test]
fn a_value_nested_deeper_than_the_stack_is_capped_not_recursed() {
    // A 2 MiB stack, as a spawned thread or a tokio worker has.
    let line = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let deep = nested(100_000);
            let line = record_line(&[("payload", log::kv::Value::from_serde(&deep))]);
            // Dropping a value this deep recurses too: leak it (a test-only concern).
            std::mem::forget(deep);
            line
        })
        .unwrap()
        .join()
        .unwrap();
    let text = line.to_string();
    assert!(text.contains("nesting limit reached"), "{text}");
}

#[test]
fn flush_before_process_exit_loses_no_queued_line() {
    const NAME: &str = "flush_before_process_exit_loses_no_queued_line";
    const N: usize = 50_000;
    if is_child(NAME) {
        let (nb, _guard) = NonBlocking::builder()
            .overflow(Overflow::Block)
            .finish(io::stdout());
        ecsctx::Builder::new()
            .with_filter("info")
            .with_sink(nb)
            .init();
        for i in 0..N {
            log::info!(n = i; "queued");
        }
        ecsctx::flush();
        // No destructor runs: the guard is never dropped.
        std::process::exit(0);
    }
    let c = run_child(NAME, Duration::from_secs(120));
    assert!(c.ok, "child failed: {}", c.stderr);
    assert_eq!(lines_with_message(&c.stdout, "queued").len(), N);
}

/// A writer to stdout that logs a value whose `Display` panics, then another line.
struct PanickyChatty;
impl Write for PanickyChatty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        log::warn!("{}", Boom);
        log::warn!("writer_after_panic");
        io::stdout().write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}

#[test]
fn a_panic_while_logging_from_inside_the_writer_keeps_the_writer_busy() {
    const NAME: &str = "a_panic_while_logging_from_inside_the_writer_keeps_the_writer_busy";
    if is_child(NAME) {
        ecsctx::Builder::new()
            .with_filter("info")
            .with_sink(WriterSink::new(PanickyChatty))
            .init();
        for i in 0..5 {
            log::info!(n = i; "line");
        }
        return;
    }
    // The nested panic must not clear the outer write's mark: the line after it would
    // then re-lock the writer's mutex on the same thread, forever.
    let c = run_child(NAME, Duration::from_secs(30));
    assert!(c.ok, "child failed: {}", c.stderr);
    assert_eq!(lines_with_message(&c.stdout, "line").len(), 5);
    assert_eq!(lines_with_message(&c.stderr, "writer_after_panic").len(), 5);
}

/// A `Write` into a shared buffer.
struct Into(Shared);
impl Write for Into {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 .0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_guard_held_across_await_in_a_bare_tokio_task_never_leaks_into_other_tasks() {
    const NAME: &str =
        "a_guard_held_across_await_in_a_bare_tokio_task_never_leaks_into_other_tasks";
    const TASKS: usize = 500;
    const TICKS: usize = 50;
    if is_child(NAME) {
        let out = Shared::default();
        ecsctx::Builder::new()
            .with_filter("info")
            .with_sink(WriterSink::new(Into(out.clone())))
            .init();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .build()
            .unwrap();
        rt.block_on(async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|i| {
                    // A plain `tokio::spawn`: nothing of ecsctx wraps the task.
                    tokio::spawn(async move {
                        let _g = ecsctx::context::bind(
                            ecsctx::context::Fields::new().with("session_id", &format!("s-{i}")),
                        );
                        for _ in 0..TICKS {
                            tokio::task::yield_now().await;
                            log::info!(expect = i; "tick");
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let (mut own, mut none, mut other) = (0, 0, 0);
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let want = format!("s-{}", v["extra"]["expect"]);
            match v["session_id"].as_str() {
                Some(s) if s == want => own += 1,
                Some(_) => other += 1,
                None => none += 1,
            }
        }
        println!("RESULT own={own} none={none} other={other}");
        assert_eq!(own + none + other, TASKS * TICKS);
        assert_eq!(other, 0, "lines under another task's session_id");
        return;
    }
    let c = run_child(NAME, Duration::from_secs(120));
    assert!(c.ok, "child failed: {}\n{}", c.stdout, c.stderr);
    let result = c
        .stdout
        .lines()
        .find(|l| l.contains("RESULT own="))
        .unwrap_or("");
    assert!(!result.is_empty(), "{}", c.stdout);
    eprintln!("{result}");
}

/// One foreign record with these key-values, captured.
fn record_line(kvs: &[(&str, log::kv::Value)]) -> Value {
    let mut lines = ecsctx::testing::capture(|| {
        log::logger().log(
            &log::Record::builder()
                .level(log::Level::Info)
                .target("reliability")
                .args(format_args!("conflict"))
                .key_values(&kvs)
                .build(),
        )
    });
    assert_eq!(lines.len(), 1);
    lines.remove(0)
}

#[test]
fn mapping_conflicts_from_foreign_records_are_moved_under_extra() {
    use log::kv::Value as KV;
    // `extra` is an object on every other line.
    let v = record_line(&[("extra", KV::from("v"))]);
    assert_eq!(v["extra"], serde_json::json!({"extra": "v"}));
    // `user.id` and `tags` are ECS keyword fields, never objects.
    let v = record_line(&[("user.id.x", KV::from(1)), ("user.id", KV::from("u-1"))]);
    assert_eq!(v["user"]["id"], "u-1");
    assert_eq!(v["extra"]["user"]["id"]["x"], 1);
    let v = record_line(&[("tags.x", KV::from(1))]);
    assert!(v.get("tags").is_none(), "{v}");
    assert_eq!(v["extra"]["tags"]["x"], 1);
    // Objects and ECS fields with sub-keys stay where they are.
    let v = record_line(&[
        ("http.response.status_code", KV::from(200)),
        ("client.geo.location.lat", KV::from(1.5)),
    ]);
    assert_eq!(v["http"]["response"]["status_code"], 200);
    assert_eq!(v["client"]["geo"]["location"]["lat"], 1.5);
}

#[test]
fn strings_at_typed_ecs_fields_are_written_as_their_type_or_moved_under_extra() {
    use log::kv::Value as KV;
    // A string that holds a value of the field's type is written as that value.
    let v = record_line(&[
        ("http.response.status_code", KV::from("200")),
        ("event.duration", KV::from("1500")),
        ("http.response.body.bytes", KV::from_display(&42)),
        ("client.ip", KV::from("203.0.113.9")),
        ("event.start", KV::from("2026-12-06T08:00:00Z")),
    ]);
    assert_eq!(v["http"]["response"]["status_code"], 200, "{v}");
    assert_eq!(v["event"]["duration"], 1500);
    assert_eq!(v["http"]["response"]["body"]["bytes"], 42);
    assert_eq!(v["client"]["ip"], "203.0.113.9");
    assert_eq!(v["event"]["start"], "2026-12-06T08:00:00Z");
    assert!(v.get("extra").is_none(), "{v}");
    // One that does not would make Elasticsearch reject the document: under `extra`.
    let v = record_line(&[
        ("http.response.status_code", KV::from("OK")),
        ("client.ip", KV::from("localhost")),
        ("event.start", KV::from("yesterday")),
        ("http.request.method", KV::from("POST")),
    ]);
    assert!(v["http"]["response"].get("status_code").is_none(), "{v}");
    assert_eq!(v["extra"]["http"]["response"]["status_code"], "OK");
    assert_eq!(v["extra"]["client"]["ip"], "localhost");
    assert_eq!(v["extra"]["event"]["start"], "yesterday");
    assert!(v.get("client").is_none(), "{v}");
    // A string field is left alone.
    assert_eq!(v["http"]["request"]["method"], "POST");
}

#[test]
fn colliding_keys_are_counted_and_long_keys_capped() {
    use log::kv::Value as KV;
    let before = ecsctx::stats().collisions;
    let v = record_line(&[
        ("", KV::from(1)),
        (".", KV::from(2)),
        ("a..b", KV::from(3)),
        ("a.b", KV::from(4)),
    ]);
    assert_eq!(v["extra"], serde_json::json!({"_": 2, "a": {"b": 4}}));
    // Other tests may collide meanwhile: at least these two.
    assert!(ecsctx::stats().collisions >= before + 2);

    let long = "k".repeat(100_000);
    let v = record_line(&[(long.as_str(), KV::from(1))]);
    let key = v["extra"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    assert_eq!(key.len(), 256);
}

#[test]
fn a_pii_misconfiguration_is_reported_once_and_counted() {
    const NAME: &str = "a_pii_misconfiguration_is_reported_once_and_counted";
    if is_child(NAME) {
        ecsctx::Builder::new()
            .with_filter("info")
            .with_sink(ecsctx::sink::Stdout)
            .init();
        for _ in 0..3 {
            log::info!(customer_email = "john.doe@example.com"; "login");
        }
        eprintln!("ERRORS {}", ecsctx::stats().pii_keyset_errors);
        return;
    }
    let dir = std::env::temp_dir().join(format!("ecsctx-rel-pii-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let invalid = dir.join("invalid.json");
    std::fs::write(&invalid, "{ half-written").unwrap();
    let short = dir.join("short.json");
    // A 16-byte key: HMAC-SHA-256 keysets need 32 bytes.
    std::fs::write(
        &short,
        r#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODw"}}}"#,
    )
    .unwrap();
    let cases: [(&str, &str, String); 5] = [
        (
            "PII_TOKEN_KEYSET_PATH",
            "missing",
            dir.join("nope.json").display().to_string(),
        ),
        (
            "PII_TOKEN_KEYSET_PATH",
            "a directory",
            dir.display().to_string(),
        ),
        (
            "PII_TOKEN_KEYSET_PATH",
            "invalid JSON",
            invalid.display().to_string(),
        ),
        (
            "PII_TOKEN_KEYSET_PATH",
            "a 16-byte key",
            short.display().to_string(),
        ),
        ("PII_PROVIDER", "an unknown provider", "bogus".to_owned()),
    ];
    for (var, case, value) in cases {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD, NAME)
            .env_remove("PII_PROVIDER")
            .env_remove("PII_TOKEN_KEYSET_PATH")
            .env(var, &value)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{case}: {stderr}");
        let lines = lines_with_message(&stdout, "login");
        assert_eq!(lines.len(), 3, "{case}: {stdout}");
        for l in &lines {
            assert!(!l.to_string().contains("john.doe"), "{case}: {l}");
        }
        let reports = stderr
            .lines()
            .filter(|l| l.contains("PII keyset load failed") || l.contains("PII configuration"))
            .count();
        assert_eq!(reports, 1, "{case}: reported once: {stderr}");
        assert!(stderr.contains("ERRORS 3"), "{case}: counted: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_half_written_keyset_at_first_load_is_retried_at_the_reload_interval() {
    use ecsctx::pii::{Config, Pii, PiiMasker};
    let dir = std::env::temp_dir().join(format!("ecsctx-rel-half-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("token.json");
    let good = r#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;
    std::fs::write(&path, &good[..40]).unwrap();
    let pii = Pii::new(
        Config::file(&path)
            .with_env("prod")
            .with_reload_interval(Duration::from_millis(50)),
    )
    .unwrap();
    let out = Shared::default();
    let logger = ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(WriterSink::new(Into(out.clone())))
        .with_masker(Some(Arc::new(PiiMasker::new().with_pii(pii))))
        .build();
    let log_one = || {
        let kvs = [(
            "customer_email",
            log::kv::Value::from("john.doe@example.com"),
        )];
        logger.log(
            &log::Record::builder()
                .level(log::Level::Info)
                .target("reliability")
                .args(format_args!("login"))
                .key_values(&kvs)
                .build(),
        );
    };
    let before = ecsctx::stats().pii_keyset_errors;
    log_one();
    assert!(ecsctx::stats().pii_keyset_errors > before);
    std::fs::write(&path, good).unwrap();
    std::thread::sleep(Duration::from_millis(120));
    log_one();
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let emails: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["extra"]["customer_email"].to_string())
        .collect();
    assert_eq!(emails.len(), 2);
    assert!(emails[0].contains("[PII_REDACTED]"), "{emails:?}");
    assert!(emails[1].contains("ptok:v1:"), "{emails:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
