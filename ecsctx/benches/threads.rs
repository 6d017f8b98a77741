//! Scaling across threads, in the default configuration (masker on): checkout requests
//! (bind 7 fields, 8 `event!`s) on one thread, and on two threads at once, each thread
//! writing into its own in-memory buffer (a sink that appends to a thread-local `Vec`).
//! `two_threads` runs the same number of requests on *each* thread, so the throughput of
//! two threads over one is `2 × one_thread / two_threads` (target ≥ 1.8×).
//!
//! With `ECSCTX_BENCH_SINK=shared`, both threads write through one `WriterSink` (the
//! sink `Builder::with_writer` makes, the way stdout works too) over a file opened on
//! `/dev/null`: a system call per write, as for a log file or a pipe, without a disk's
//! noise (group `threads_checkout_request_shared_writer`). With
//! `ECSCTX_BENCH_SINK=shared_vec`, the `WriterSink` holds an in-memory buffer instead
//! (group `threads_checkout_request_shared_vec`): a write is a copy, no system call.
//! With `ECSCTX_BENCH_SINK=shared_file`, into a log file in the system's temporary
//! directory, emptied every 64 MiB (group `threads_checkout_request_shared_file`).
//! With `ECSCTX_BENCH_SINK=shared_fd_unlocked` (group
//! `threads_checkout_request_shared_fd_unlocked`), a sink that is not ecsctx's: each line
//! is one `write(2)` on one `/dev/null` file that both threads share, with no lock at
//! all. No sink into one shared file can do less per line, so its scaling is this
//! machine's ceiling for the shared-writer figure (the kernel counts a reference on
//! the shared file for every write). With `ECSCTX_BENCH_SINK=per_thread_file` (group
//! `threads_checkout_request_per_thread_file`), each thread opens its own handle on the
//! log file (`O_APPEND`) and writes each line with one `write(2)`, no lock; with
//! `per_thread_fd`, the same on `/dev/null`: what a sink with a handle per thread would
//! gain (README, issue #12: on a file it scales worse than the shared `WriterSink`).
//!
//! ```text
//! cargo bench -p ecsctx --bench threads
//! ECSCTX_BENCH_SINK=shared cargo bench -p ecsctx --bench threads
//! ECSCTX_BENCH_SINK=shared_vec cargo bench -p ecsctx --bench threads
//! ECSCTX_BENCH_SINK=shared_file cargo bench -p ecsctx --bench threads
//! ECSCTX_BENCH_SINK=shared_fd_unlocked cargo bench -p ecsctx --bench threads
//! ECSCTX_BENCH_SINK=per_thread_file cargo bench -p ecsctx --bench threads
//! ECSCTX_BENCH_SINK=per_thread_fd cargo bench -p ecsctx --bench threads
//! ```

use std::cell::RefCell;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "common/mod.rs"]
mod common;
use common::{checkout_event, request_fields};
use ecsctx::context;
use ecsctx::sink::Sink;
use ecsctx::trace::TraceContext;

thread_local! {
    static BUF: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(1 << 20));
}

/// Each thread's own in-memory sink: lines go to a thread-local buffer, cleared past 1 MiB.
struct PerThread;

impl Sink for PerThread {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        BUF.with(|b| {
            let mut b = b.borrow_mut();
            if b.len() > 1 << 20 {
                b.clear();
            }
            b.extend_from_slice(line);
        });
        Ok(())
    }
}

/// One in-memory buffer for every thread, cleared past 1 MiB (behind `WriterSink`'s mutex).
struct SharedBuf(Vec<u8>);

impl io::Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0.len() > 1 << 20 {
            self.0.clear();
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An appending log file, emptied every 64 MiB (so the bench does not fill the disk).
struct TruncatedFile(std::fs::File, u64);

impl io::Write for TruncatedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.1 > 64 << 20 {
            self.0.set_len(0)?;
            self.1 = 0;
        }
        let n = self.0.write(buf)?;
        self.1 += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Each line one `write(2)` on a file both threads share, without a lock (the ceiling
/// of a shared file: see the module's doc).
struct UnlockedFd(std::fs::File);

impl Sink for UnlockedFd {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        use std::io::Write;
        (&self.0).write_all(line)
    }
}

thread_local! {
    static OWN: RefCell<Option<std::fs::File>> = const { RefCell::new(None) };
}

/// Each thread its own handle (its own `open`, `O_APPEND`) on one path, each line one
/// `write(2)` without a lock: the ceiling of a sink that gives every thread its own
/// handle on the log file.
struct PerThreadFd(std::path::PathBuf);

/// Bytes written through [`PerThreadFd`] since the file was last emptied.
static WRITTEN: AtomicU64 = AtomicU64::new(0);

impl Sink for PerThreadFd {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        use std::io::Write;
        OWN.with(|f| {
            let mut f = f.borrow_mut();
            let f = match &mut *f {
                Some(f) => f,
                none => none.insert(std::fs::OpenOptions::new().append(true).open(&self.0)?),
            };
            if WRITTEN.fetch_add(line.len() as u64, Ordering::Relaxed) > 64 << 20 {
                WRITTEN.store(0, Ordering::Relaxed);
                f.set_len(0)?;
            }
            f.write_all(line)
        })
    }
}

fn request() {
    let _c = context::bind(request_fields().with_trace(TraceContext::new_root()));
    for _ in 0..8 {
        checkout_event();
    }
}

fn requests(n: u64) {
    for _ in 0..n {
        request();
    }
}

/// A thread that runs `requests(n)` for each `n` it is sent and says when it is done.
struct Worker {
    run: mpsc::Sender<u64>,
    done: mpsc::Receiver<()>,
}

impl Worker {
    fn start() -> Worker {
        let (run, runs) = mpsc::channel::<u64>();
        let (dones, done) = mpsc::channel();
        std::thread::spawn(move || {
            for n in runs {
                requests(n);
                if dones.send(()).is_err() {
                    break;
                }
            }
        });
        Worker { run, done }
    }

    fn run(&self, n: u64) {
        self.run.send(n).expect("the worker thread runs");
    }

    fn wait(&self) {
        self.done.recv().expect("the worker thread runs");
    }
}

fn bench(c: &mut Criterion) {
    let sink = std::env::var("ECSCTX_BENCH_SINK").unwrap_or_default();
    let b = ecsctx::Builder::new()
        .with_filter("info")
        .with_service_name("checkout")
        .with_project_name("payments");
    let group = match sink.as_str() {
        "shared" => {
            let null = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/null")
                .expect("/dev/null");
            b.with_sink(ecsctx::sink::WriterSink::new(null)).init();
            "threads_checkout_request_shared_writer"
        }
        "shared_fd_unlocked" => {
            let null = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/null")
                .expect("/dev/null");
            b.with_sink(UnlockedFd(null)).init();
            "threads_checkout_request_shared_fd_unlocked"
        }
        "per_thread_fd" => {
            b.with_sink(PerThreadFd("/dev/null".into())).init();
            "threads_checkout_request_per_thread_fd"
        }
        "per_thread_file" => {
            let path = std::env::temp_dir().join("ecsctx-bench-threads.log");
            std::fs::File::create(&path).expect("a temporary log file");
            b.with_sink(PerThreadFd(path)).init();
            "threads_checkout_request_per_thread_file"
        }
        "shared_vec" => {
            b.with_sink(ecsctx::sink::WriterSink::new(SharedBuf(
                Vec::with_capacity(2 << 20),
            )))
            .init();
            "threads_checkout_request_shared_vec"
        }
        "shared_file" => {
            let path = std::env::temp_dir().join("ecsctx-bench-threads.log");
            let f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .expect("a temporary log file");
            b.with_sink(ecsctx::sink::WriterSink::new(TruncatedFile(f, 0)))
                .init();
            "threads_checkout_request_shared_file"
        }
        _ => {
            b.with_sink(PerThread).init();
            "threads_checkout_request"
        }
    };
    let mut g = c.benchmark_group(group);
    g.bench_function("one_thread", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            requests(iters);
            t.elapsed()
        })
    });
    // The second thread lives as long as the bench, as a server's worker does: its
    // thread-local state (the sink's buffer, the masker's memos, the logger's rendered
    // layers) is built once, not once per sample (a thread spawned per sample adds its
    // start-up to every sample's time).
    let worker = Worker::start();
    g.bench_function("two_threads", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            worker.run(iters);
            requests(iters);
            worker.wait();
            t.elapsed()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
