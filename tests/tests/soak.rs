//! Fault-and-soak: threads and a multi-thread tokio runtime log through a non-blocking
//! writer into a writer that fails, stalls and writes short on a schedule, while the
//! token keyset file is rewritten (good, broken, half-written). Afterwards:
//! - every line is whole JSON, except exactly one line per short write (its fragment,
//!   ended before the next line);
//! - no planted email, card number or password appears anywhere in the output;
//! - `lines + dropped + write_errors` is what was logged, and the JSON lines are `lines`;
//! - no line carries another thread's or task's `session_id`.
//!
//! Bounded: about ten seconds (the child process is given two minutes).

mod child;
use child::{is_child, run_child};

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ecsctx::context::{bind, Fields};
use ecsctx::pii::{Config, Pii, PiiMasker};
use ecsctx::sink::{NonBlocking, Overflow};
use serde_json::Value;

const THREADS: u64 = 4;
const PER_THREAD: u64 = 20_000;
const TASKS: u64 = 200;
const PER_TASK: u64 = 100;

const GOOD_A: &str = r#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;
const GOOD_B: &str = r#"{"schema_version": 1, "primary_kid": "tk2", "keys": {"tk2": {"alg": "HMAC-SHA-256", "key_b64": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="}}}"#;

/// Writes into memory, but on a schedule of its write calls fails (nothing written),
/// writes part of the buffer then fails (a short write), or stalls.
struct Faulty {
    out: Arc<Mutex<Vec<u8>>>,
    calls: u64,
    fail_next: bool,
    short_writes: Arc<AtomicU64>,
}

impl Write for Faulty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        let n = self.calls;
        if n.is_multiple_of(97) || std::mem::take(&mut self.fail_next) {
            return Err(io::Error::other("injected failure"));
        }
        if n.is_multiple_of(89) && buf.len() > 10 {
            // A short write (10 bytes: part of the batch's first line); the call for the
            // rest fails, as on a disk that just filled up.
            self.out.lock().unwrap().extend_from_slice(&buf[..10]);
            self.short_writes.fetch_add(1, Ordering::Relaxed);
            self.fail_next = true;
            return Ok(10);
        }
        if n.is_multiple_of(53) {
            std::thread::sleep(Duration::from_millis(2));
        }
        self.out.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn planted(n: u64) -> (String, String, String) {
    (
        format!("soak.customer{n}@example.com"),
        "4111 1111 1111 1111".to_owned(),
        format!("Pw{n}-s3cret!"),
    )
}

fn log_one(who: u64, n: u64) {
    let (email, card, pw) = planted(who * 1_000_000 + n);
    log::info!(
        customer_email = email.as_str(),
        expect = who,
        note = format!("card {card} retry password={pw} now").as_str();
        "soak_line"
    );
}

#[test]
fn faults_and_keyset_rewrites_under_load_lose_nothing_uncounted_and_leak_nothing() {
    const NAME: &str =
        "faults_and_keyset_rewrites_under_load_lose_nothing_uncounted_and_leak_nothing";
    if is_child(NAME) {
        return child_main();
    }
    let c = run_child(NAME, Duration::from_secs(120));
    assert!(c.ok, "soak failed:\n{}\n{}", c.stdout, c.stderr);
    let summary = c.stdout.lines().find(|l| l.contains("SOAK ")).unwrap_or("");
    assert!(!summary.is_empty(), "{}", c.stdout);
    eprintln!("{summary}");
}

fn child_main() {
    let dir = std::env::temp_dir().join(format!("ecsctx-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("token.json");
    std::fs::write(&path, GOOD_A).unwrap();
    let pii = Pii::new(
        Config::file(&path)
            .with_env("prod")
            .with_reload_interval(Duration::from_millis(5)),
    )
    .unwrap();

    let out = Arc::new(Mutex::new(Vec::new()));
    let short_writes = Arc::new(AtomicU64::new(0));
    let (nb, guard) = NonBlocking::builder()
        .capacity(512)
        .overflow(Overflow::DropAndCount)
        .finish(Faulty {
            out: out.clone(),
            calls: 0,
            fail_next: false,
            short_writes: short_writes.clone(),
        });
    ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(nb)
        .with_masker(Some(Arc::new(PiiMasker::new().with_pii(pii))))
        .init();
    let before = ecsctx::stats();

    // The keyset file rewritten while lines are logged: good, broken, half-written.
    let stop = Arc::new(AtomicBool::new(false));
    let rewriter = {
        let (stop, path) = (stop.clone(), path.clone());
        std::thread::spawn(move || {
            let mut rewrites = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let text = match rewrites % 4 {
                    0 => GOOD_B,
                    1 => "{ broken",
                    2 => &GOOD_A[..GOOD_A.len() / 2],
                    _ => GOOD_A,
                };
                let _ = std::fs::write(&path, text);
                rewrites += 1;
                std::thread::sleep(Duration::from_millis(3));
            }
            rewrites
        })
    };

    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                let _g = bind(Fields::new().with("session_id", &format!("s-{t}")));
                for n in 0..PER_THREAD {
                    log_one(t, n);
                }
            })
        })
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|k| {
                let who = THREADS + k;
                let body = async move {
                    let _g = bind(Fields::new().with("session_id", &format!("s-{who}")));
                    for n in 0..PER_TASK {
                        if n % 10 == 0 {
                            tokio::task::yield_now().await;
                        }
                        log_one(who, n);
                    }
                };
                // Half the tasks wrapped by ecsctx, half bare (a guard across `.await`).
                if k % 2 == 0 {
                    ecsctx::integrations::tokio::spawn(body)
                } else {
                    tokio::spawn(body)
                }
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    for t in threads {
        t.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let rewrites = rewriter.join().unwrap();
    ecsctx::flush();
    drop(guard);
    let after = ecsctx::stats();

    let logged = THREADS * PER_THREAD + TASKS * PER_TASK;
    let lines = after.lines - before.lines;
    let dropped = after.dropped - before.dropped;
    let errors = after.write_errors - before.write_errors;
    assert_eq!(after.fallback, before.fallback);
    assert_eq!(
        lines + dropped + errors,
        logged,
        "every line is counted once"
    );

    let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
    let (mut json, mut broken, mut own, mut unbound, mut tokens) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            broken += 1;
            continue;
        };
        json += 1;
        let want = format!("s-{}", v["extra"]["expect"]);
        match v["session_id"].as_str() {
            Some(s) => {
                assert_eq!(s, want, "cross-talk: {line}");
                own += 1;
            }
            None => unbound += 1,
        }
        if v["extra"]["customer_email"]
            .as_str()
            .is_some_and(|e| e.starts_with("ptok:v1:"))
        {
            tokens += 1;
        }
    }
    assert_eq!(
        json, lines,
        "the JSON lines are the lines counted as written"
    );
    assert_eq!(
        broken,
        short_writes.load(Ordering::Relaxed),
        "one fragment line per short write, never glued to a whole line"
    );
    for leak in ["@example.com", "4111 1111 1111 1111", "s3cret!"] {
        assert!(!text.contains(leak), "plaintext {leak} in the output");
    }
    assert!(errors > 0 && broken > 0, "the faults happened");
    println!(
        "SOAK logged={logged} lines={lines} dropped={dropped} write_errors={errors} \
         fragments={broken} own_session={own} unbound={unbound} tokens={tokens} \
         keyset_rewrites={rewrites}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
