//! Lines per second through one shared non-blocking writer into a pipe read by another
//! process (`cat > /dev/null`), two threads logging checkout requests (bind 7 fields, 8
//! events) at once: ecsctx's `NonBlocking` (blocking when full, so no line is dropped;
//! masker on, the default) beside `tracing-appender`'s non-blocking writer (lossless)
//! under `tracing-subscriber`'s JSON formatter, the context in a span. Each writer is
//! flushed (its guard dropped) before the clock stops, and the line counts are checked.
//!
//! ```text
//! cargo bench -p ecsctx --bench pipe            # 20,000 requests per thread
//! PIPE_REQUESTS=50000 cargo bench -p ecsctx --bench pipe
//! ```

use std::io::{self, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ecsctx::context;
use ecsctx::sink::{NonBlocking, Overflow};
use ecsctx::trace::TraceContext;

#[path = "common/mod.rs"]
mod common;
use common::{checkout_event, request_fields, tracing_checkout_event, tracing_request_span};

const THREADS: usize = 2;
const EVENTS: u64 = 8;

/// `wc -c` as a reader process: counts the bytes it reads from the pipe and prints them.
fn reader() -> (Child, ChildStdin) {
    let mut child = Command::new("wc")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("wc");
    let stdin = child.stdin.take().expect("stdin");
    (child, stdin)
}

fn bytes_read(mut child: Child) -> u64 {
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("wc output");
    let _ = child.wait();
    out.trim().parse().expect("a byte count")
}

/// Counts lines and bytes on their way to the pipe (so each side's totals are checked).
struct Counting<W> {
    inner: W,
    lines: Arc<AtomicU64>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(b)?;
        let nl = b[..n].iter().filter(|&&c| c == b'\n').count() as u64;
        self.lines.fetch_add(nl, Ordering::Relaxed);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn ecsctx_run(requests: u64) -> (Duration, u64, u64) {
    let (child, stdin) = reader();
    let lines = Arc::new(AtomicU64::new(0));
    let (sink, guard) = NonBlocking::builder()
        .overflow(Overflow::Block)
        .finish(Counting {
            inner: stdin,
            lines: lines.clone(),
        });
    ecsctx::Builder::new()
        .with_filter("info")
        .with_service_name("checkout")
        .with_project_name("payments")
        .with_sink(sink)
        .init();
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..requests {
                    let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
                    for _ in 0..EVENTS {
                        checkout_event();
                    }
                }
            });
        }
    });
    drop(guard);
    let elapsed = t.elapsed();
    (elapsed, lines.load(Ordering::Relaxed), bytes_read(child))
}

fn tracing_run(requests: u64) -> (Duration, u64, u64) {
    use tracing_subscriber::fmt::format::FmtSpan;
    let (child, stdin) = reader();
    let lines = Arc::new(AtomicU64::new(0));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(Counting {
            inner: stdin,
            lines: lines.clone(),
        });
    let sub = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_span_events(FmtSpan::NONE)
        .with_writer(writer)
        .finish();
    tracing::subscriber::set_global_default(sub).expect("no subscriber yet");
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..requests {
                    let tc = TraceContext::new_root();
                    let span = tracing_request_span(&tc);
                    let _e = span.enter();
                    for _ in 0..EVENTS {
                        tracing_checkout_event();
                    }
                }
            });
        }
    });
    drop(guard);
    let elapsed = t.elapsed();
    (elapsed, lines.load(Ordering::Relaxed), bytes_read(child))
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it with a tiny count.
    let testing =
        std::env::args().any(|a| a == "--test") || !std::env::args().any(|a| a == "--bench");
    let requests: u64 = std::env::var("PIPE_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if testing { 50 } else { 20_000 });
    let expected = THREADS as u64 * requests * EVENTS;
    for (name, run) in [
        (
            "ecsctx NonBlocking (event!, masker on)",
            ecsctx_run as fn(u64) -> _,
        ),
        ("tracing-appender + tracing-subscriber JSON", tracing_run),
    ] {
        let (elapsed, lines, bytes) = run(requests);
        assert_eq!(lines, expected, "{name}: every line reaches the pipe");
        println!(
            "{name}: {lines} lines, {:.1} MB in {:.3} s = {:.0} lines/s ({:.0} MB/s read by the other process)",
            bytes as f64 / 1e6,
            elapsed.as_secs_f64(),
            lines as f64 / elapsed.as_secs_f64(),
            bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        );
    }
}
