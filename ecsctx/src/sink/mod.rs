//! Where lines go: stdout, stderr, a file, any `Write`, or a non-blocking queue.
//!
//! Every line reaches its writer whole, in one `write_all`, so lines from concurrent
//! threads never interleave: alone for the direct sinks, joined with the other queued
//! lines (whole lines, at most 4096 bytes, `PIPE_BUF`) by [`NonBlocking`]'s writer. Write errors are counted ([`stats`]) and reported once on
//! stderr; the logging call itself never fails or panics.

mod non_blocking;

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

pub use non_blocking::{NonBlocking, NonBlockingBuilder, Overflow, WorkerGuard};

/// A destination for complete lines (each ends with `\n`).
pub trait Sink: Send + Sync + 'static {
    /// Writes one whole line.
    ///
    /// # Errors
    /// The writer's error; the logger counts it and carries on.
    fn write_line(&self, line: &[u8]) -> io::Result<()>;

    /// Flushes buffered lines.
    ///
    /// # Errors
    /// The writer's error.
    fn flush(&self) -> io::Result<()> {
        Ok(())
    }

    /// Whether the sink records its own outcomes in [`stats`] (a queue whose writer thread
    /// does the writing); the logger records them otherwise.
    fn counts_itself(&self) -> bool {
        false
    }
}

/// Standard output (the default).
#[derive(Debug, Default, Clone, Copy)]
pub struct Stdout;

impl Sink for Stdout {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        io::stdout().lock().write_all(line)
    }
    fn flush(&self) -> io::Result<()> {
        io::stdout().lock().flush()
    }
}

/// Standard error.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stderr;

impl Sink for Stderr {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        io::stderr().lock().write_all(line)
    }
}

/// Any `Write + Send` behind a mutex (a file, a socket, a `Vec<u8>`).
///
/// # Examples
/// ```
/// use ecsctx::sink::{Sink, WriterSink};
/// let s = WriterSink::new(Vec::new());
/// s.write_line(b"{}\n").unwrap();
/// assert_eq!(s.into_inner(), b"{}\n");
/// ```
#[derive(Debug)]
pub struct WriterSink<W>(Mutex<W>);

impl<W: Write + Send + 'static> WriterSink<W> {
    /// Wraps a writer.
    pub fn new(w: W) -> Self {
        WriterSink(Mutex::new(w))
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.0.into_inner().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<W: Write + Send + 'static> Sink for WriterSink<W> {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .write_all(line)
    }
    fn flush(&self) -> io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .flush()
    }
}

/// Opens (creates or appends to) a log file.
///
/// # Errors
/// The error of opening the file.
pub fn file(path: impl AsRef<Path>) -> io::Result<WriterSink<File>> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    Ok(WriterSink::new(f))
}

impl<S: Sink + ?Sized> Sink for std::sync::Arc<S> {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        (**self).write_line(line)
    }
    fn flush(&self) -> io::Result<()> {
        (**self).flush()
    }
    fn counts_itself(&self) -> bool {
        (**self).counts_itself()
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        (**self).write_line(line)
    }
    fn flush(&self) -> io::Result<()> {
        (**self).flush()
    }
    fn counts_itself(&self) -> bool {
        (**self).counts_itself()
    }
}

// === stats ===

/// Lines and bytes of threads that ended (and of lines written while a thread ends).
static RETIRED: Counts = Counts::new();
static WRITE_ERRORS: AtomicU64 = AtomicU64::new(0);
static DROPPED: AtomicU64 = AtomicU64::new(0);
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Lines and bytes written successfully.
#[derive(Debug)]
struct Counts {
    lines: AtomicU64,
    bytes: AtomicU64,
}

impl Counts {
    const fn new() -> Self {
        Counts {
            lines: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    /// Adds from any thread.
    fn add_shared(&self, lines: u64, bytes: u64) {
        self.lines.fetch_add(lines, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Adds from the only thread that writes these counts: a load and a store, not a
    /// locked add.
    fn add_own(&self, lines: u64, bytes: u64) {
        let bump = |a: &AtomicU64, n: u64| {
            a.store(a.load(Ordering::Relaxed).wrapping_add(n), Ordering::Relaxed)
        };
        bump(&self.lines, lines);
        bump(&self.bytes, bytes);
    }
}

/// Every live thread's counts. Each thread adds to its own with plain loads and stores
/// (no locked instruction per line); `stats()` sums them under this lock, and a thread
/// that ends moves its counts to [`RETIRED`] under it, so no line is counted twice or lost.
static THREADS: Mutex<Vec<Arc<Counts>>> = Mutex::new(Vec::new());

/// This thread's entry in [`THREADS`].
struct Mine(Arc<Counts>);

impl Mine {
    fn new() -> Self {
        let c = Arc::new(Counts::new());
        THREADS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(c.clone());
        Mine(c)
    }
}

impl Drop for Mine {
    fn drop(&mut self) {
        let mut all = THREADS.lock().unwrap_or_else(PoisonError::into_inner);
        RETIRED.add_shared(
            self.0.lines.load(Ordering::Relaxed),
            self.0.bytes.load(Ordering::Relaxed),
        );
        all.retain(|c| !Arc::ptr_eq(c, &self.0));
    }
}

thread_local! {
    static MINE: Mine = Mine::new();
}

/// Counters of the process's logging output since start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Lines written successfully.
    pub lines: u64,
    /// Bytes written successfully.
    pub bytes: u64,
    /// Lines whose write failed.
    pub write_errors: u64,
    /// Lines dropped by a non-blocking writer whose queue was full (or shut down).
    pub dropped: u64,
}

/// The current counters.
///
/// # Examples
/// ```
/// let s = ecsctx::stats();
/// assert!(s.lines >= s.write_errors.min(s.lines));
/// ```
pub fn stats() -> Stats {
    let all = THREADS.lock().unwrap_or_else(PoisonError::into_inner);
    let sum = |f: fn(&Counts) -> &AtomicU64| {
        all.iter()
            .map(|c| f(c).load(Ordering::Relaxed))
            .fold(f(&RETIRED).load(Ordering::Relaxed), u64::wrapping_add)
    };
    Stats {
        lines: sum(|c| &c.lines),
        bytes: sum(|c| &c.bytes),
        write_errors: WRITE_ERRORS.load(Ordering::Relaxed),
        dropped: DROPPED.load(Ordering::Relaxed),
    }
}

/// Records the outcome of writing one line (reports the first error on stderr).
#[inline]
pub(crate) fn record(len: usize, res: io::Result<()>) {
    record_lines(1, len, res);
}

/// Records the outcome of one write of `lines` whole lines, `len` bytes in all.
#[inline]
pub(crate) fn record_lines(lines: u64, len: usize, res: io::Result<()>) {
    match res {
        Ok(()) => {
            if MINE.try_with(|m| m.0.add_own(lines, len as u64)).is_err() {
                // The thread is ending: count in the shared totals.
                RETIRED.add_shared(lines, len as u64);
            }
        }
        Err(e) => record_error(lines, e),
    }
}

#[cold]
fn record_error(lines: u64, e: io::Error) {
    WRITE_ERRORS.fetch_add(lines, Ordering::Relaxed);
    if !REPORTED.swap(true, Ordering::Relaxed) {
        eprintln!(
            "ecsctx: writing a log line failed: {e}; further failures are counted in ecsctx::stats() and not reported"
        );
    }
}

pub(crate) fn record_dropped() {
    DROPPED.fetch_add(1, Ordering::Relaxed);
}
