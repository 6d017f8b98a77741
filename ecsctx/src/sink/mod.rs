//! Where lines go: stdout, stderr, a file, any `Write`, or a non-blocking queue.
//!
//! Every line reaches its writer whole, in one `write_all`, so lines from concurrent
//! threads never interleave: alone, or joined with other queued lines (whole lines, at
//! most 4096 bytes, `PIPE_BUF`) — lines that arrived while another thread wrote to a
//! direct sink (see [`WriterSink`]), or lines waiting in [`NonBlocking`]'s queue. Write
//! errors are counted ([`stats`]) and reported once on stderr; the logging call itself
//! never fails or panics.
//!
//! Faults a sink can meet, and what happens:
//! - **A write that fails part-way** (a disk filling up): the bytes written so far stay,
//!   but the next line written to that writer starts with a `\n` that ends them, so the
//!   fragment is one bad line of its own and is never glued to the next one. The line is
//!   counted in `write_errors`.
//! - **A writer or sink that logs** (a `Write` that calls `log::warn!`): the nested line
//!   cannot go to the sink it is logged from (that would deadlock on the sink's lock, or
//!   wait for the non-blocking writer thread that is logging): it goes to stderr, counted
//!   in [`Stats::fallback`].
//! - **A sink that panics**: the panic is caught every time; the line is counted in
//!   `write_errors` and the first one is reported on stderr.

mod combine;
mod non_blocking;

use combine::Shared;

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
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

/// Stdout for [`Shared`]: each write under the process's stdout lock, so other code's
/// `println!` never lands inside a line.
#[derive(Debug)]
struct StdoutW;

impl Write for StdoutW {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        write_locked(io::stdout().lock(), buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stdout().lock().flush()
    }
}

/// Stderr for [`Shared`], like [`StdoutW`].
#[derive(Debug)]
struct StderrW;

impl Write for StderrW {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        write_locked(io::stderr().lock(), buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stderr().lock().flush()
    }
}

/// Writes as much of `buf` as the stream takes while holding its lock `w` (a
/// `Write::write`: the bytes written, or the error when none were).
fn write_locked(mut w: impl Write, buf: &[u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match w.write(&buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// Stdout and stderr as every thread shares them: lines that arrive while another
/// thread writes are queued and written with its (see [`combine`]).
static STDOUT: Shared<StdoutW> = Shared::new(StdoutW);
static STDERR: Shared<StderrW> = Shared::new(StderrW);

impl Sink for Stdout {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        STDOUT.write_line(line);
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        STDOUT.flush()
    }
    fn counts_itself(&self) -> bool {
        true
    }
}

/// Standard error.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stderr;

impl Sink for Stderr {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        STDERR.write_line(line);
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        STDERR.flush()
    }
    fn counts_itself(&self) -> bool {
        true
    }
}

/// Any `Write + Send` shared by the threads that log (a file, a socket, a `Vec<u8>`).
///
/// One thread writes at a time. A thread that finds the writer busy does not wait for
/// it: its line is queued (up to 64 KiB in all) and written by the thread that holds the
/// writer, together with the other queued lines in writes of whole lines (at most 4096
/// bytes each), so threads logging into a file or a pipe do not take turns at its system
/// calls. Each
/// thread's lines arrive in the order it logged them. [`Stdout`] and [`Stderr`] work the
/// same way. Call [`flush`](Sink::flush) (or `ecsctx::flush()`) before the process
/// exits to be sure a line another thread queued is written.
///
/// # Examples
/// ```
/// use ecsctx::sink::{Sink, WriterSink};
/// let s = WriterSink::new(Vec::new());
/// s.write_line(b"{}\n").unwrap();
/// assert_eq!(s.into_inner(), b"{}\n");
/// ```
#[derive(Debug)]
pub struct WriterSink<W>(Shared<W>);

impl<W: Write + Send + 'static> WriterSink<W> {
    /// Wraps a writer.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::sink::{Sink, WriterSink};
    ///
    /// let sink = WriterSink::new(Vec::new());
    /// sink.write_line(b"{\"n\":1}\n").unwrap();
    /// sink.write_line(b"{\"n\":2}\n").unwrap();
    /// assert_eq!(sink.into_inner(), b"{\"n\":1}\n{\"n\":2}\n");
    /// // Typically handed to the logger:
    /// let logger = ecsctx::Builder::new().with_sink(WriterSink::new(std::io::stderr())).build();
    /// # let _ = logger;
    /// ```
    pub fn new(w: W) -> Self {
        WriterSink(Shared::new(w))
    }

    /// The writer back (with any line still queued written to it).
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use ecsctx::sink::WriterSink;
    /// use log::Log;
    ///
    /// let out = Arc::new(WriterSink::new(Vec::new()));
    /// let logger = ecsctx::Builder::new().with_filter("info").with_sink(out.clone()).build();
    /// logger.log(&log::Record::builder().level(log::Level::Info).args(format_args!("hello")).build());
    /// drop(logger);
    /// let text = String::from_utf8(Arc::try_unwrap(out).unwrap().into_inner()).unwrap();
    /// assert!(text.starts_with(r#"{"@timestamp":"#) && text.ends_with("}\n"));
    /// ```
    pub fn into_inner(self) -> W {
        self.0.into_inner()
    }
}

impl<W: Write + Send + 'static> Sink for WriterSink<W> {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        self.0.write_line(line);
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        self.0.flush()
    }
    fn counts_itself(&self) -> bool {
        true
    }
}

/// The most bytes one `write` of queued lines carries: whole lines up to `PIPE_BUF` (4096
/// on Linux), so a write to a pipe that other processes also write to stays atomic and
/// never splits a line from another writer's (a longer line is written alone).
pub(crate) const PIPE_BUF: usize = 4096;

/// Writes `lines` whole lines (`bytes`) with [`write_whole`] and records the outcome in
/// [`stats`]; `true` when written. A writer that panics is caught here and the lines are
/// counted as write errors: they may be other threads' queued lines, which nobody else
/// would count.
pub(crate) fn write_lines<W: Write + ?Sized>(
    w: &mut W,
    torn: &mut bool,
    bytes: &[u8],
    lines: u64,
) -> bool {
    let res = catch_unwind(AssertUnwindSafe(|| write_whole(w, torn, bytes)))
        .unwrap_or_else(|_| Err(sink_panicked()));
    let ok = res.is_ok();
    record_lines(lines, bytes.len(), res);
    ok
}

/// Writes all of `line` (retrying interrupted writes). When a write fails after part of
/// the line went out, `torn` is set, and the next call first writes the `\n` that ends
/// that fragment: a later line never starts glued to the end of a failed one.
pub(crate) fn write_whole<W: Write + ?Sized>(
    w: &mut W,
    torn: &mut bool,
    line: &[u8],
) -> io::Result<()> {
    if *torn {
        w.write_all(b"\n")?;
        *torn = false;
    }
    let mut rest = line;
    while !rest.is_empty() {
        let err = match w.write(rest) {
            Ok(0) => io::Error::from(io::ErrorKind::WriteZero),
            Ok(n) => {
                rest = &rest[n.min(rest.len())..];
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => e,
        };
        *torn = rest.len() < line.len();
        return Err(err);
    }
    Ok(())
}

/// Opens (creates or appends to) a log file.
///
/// # Errors
/// The error of opening the file.
///
/// # Examples
/// ```
/// use ecsctx::sink::Sink;
///
/// let path = std::env::temp_dir().join(format!("ecsctx-file-{}.log", std::process::id()));
/// ecsctx::sink::file(&path)?.write_line(b"{\"n\":1}\n")?;
/// // Opened again, the file is appended to:
/// ecsctx::sink::file(&path)?.write_line(b"{\"n\":2}\n")?;
/// assert_eq!(std::fs::read_to_string(&path)?, "{\"n\":1}\n{\"n\":2}\n");
/// std::fs::remove_file(&path)?;
///
/// // In a service: `Builder::new().with_sink(ecsctx::sink::file("/var/log/app.log")?)`.
/// # Ok::<(), std::io::Error>(())
/// ```
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
static FALLBACK: AtomicU64 = AtomicU64::new(0);
static COLLISIONS: AtomicU64 = AtomicU64::new(0);
static PII_KEYSET_ERRORS: AtomicU64 = AtomicU64::new(0);
static REPORTED: AtomicBool = AtomicBool::new(false);
static PANIC_REPORTED: AtomicBool = AtomicBool::new(false);
static FALLBACK_REPORTED: AtomicBool = AtomicBool::new(false);

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
    /// Lines written to stderr instead of the sink, because they were logged from inside
    /// it (a writer or sink that logs, or code on the non-blocking writer's thread).
    pub fallback: u64,
    /// Fields left out of a line because a later field of the same line had the same key
    /// (`a`, `a`; `""` and `"."` both become `extra._`), or an object at that key
    /// (`a` and `a.b`): the last one written is kept.
    pub collisions: u64,
    /// Values the masker wrote as a label (`[PII_REDACTED]` …) instead of a token because
    /// the configured PII keyset could not be used: it failed to load (missing file,
    /// invalid JSON, a short key, Vault unreachable before the first load) or the `PII_*`
    /// configuration is invalid. The cause is reported once on stderr. (Without any PII
    /// configuration, labels are the documented output and are not counted.)
    pub pii_keyset_errors: u64,
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
        fallback: FALLBACK.load(Ordering::Relaxed),
        collisions: COLLISIONS.load(Ordering::Relaxed),
        pii_keyset_errors: PII_KEYSET_ERRORS.load(Ordering::Relaxed),
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

/// Counts `n` fields of one line left out as collisions (the first is reported on stderr).
#[cold]
pub(crate) fn record_collisions(n: u32) {
    if COLLISIONS.fetch_add(u64::from(n), Ordering::Relaxed) == 0 {
        eprintln!(
            "ecsctx: two fields of one line had the same key (or a value and an object at one key, `a` and `a.b`); the last one written was kept, and such drops are counted in ecsctx::stats().collisions (reported once)"
        );
    }
}

/// Counts a value labelled because the configured PII keyset was unusable.
#[cold]
pub(crate) fn record_pii_keyset_error() {
    PII_KEYSET_ERRORS.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn record_dropped() {
    DROPPED.fetch_add(1, Ordering::Relaxed);
}

// === delivery: re-entrancy and panics ===

thread_local! {
    /// Set while this thread is inside a sink (writing or flushing a line), and for the
    /// whole life of a non-blocking writer thread.
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as a sink's own (the non-blocking writer thread): whatever it logs
/// goes to the fallback.
pub(crate) fn mark_sink_thread() {
    let _ = IN_SINK.try_with(|b| b.set(true));
}

/// Runs `f` (a call into a sink) with the sink marked busy on this thread. `None`,
/// without running it, when this thread is already inside a sink: the caller sends the
/// line to [`fallback`] instead.
///
/// A panic in `f` leaves the mark set: the logger's `catch_unwind` (around the whole
/// line) finds it with [`left_by_panic`], counts the line and clears it. Callers without
/// such a guard use [`enter_catching`].
///
/// Note [`in_sink`] before the guarded code: only a mark that was not there before can
/// be one this call left.
#[inline]
pub(crate) fn enter<T, F: FnOnce() -> io::Result<T>>(f: F) -> Option<io::Result<T>> {
    let mut f = Some(f);
    let res = IN_SINK.try_with(|busy| {
        if busy.replace(true) {
            return None;
        }
        let res = f.take().map(|f| f());
        busy.set(false);
        res
    });
    match (res, f) {
        (Ok(res), _) => res,
        // During thread teardown (no thread-local any more) nothing can be re-entered.
        (Err(_), Some(f)) => Some(f()),
        (Err(_), None) => None,
    }
}

/// [`enter`], a panic caught (as an error).
pub(crate) fn enter_catching<T, F: FnOnce() -> io::Result<T>>(f: F) -> Option<io::Result<T>> {
    let before = in_sink();
    match catch_unwind(AssertUnwindSafe(|| enter(f))) {
        Ok(res) => res,
        Err(_) => {
            let _ = left_by_panic(before);
            Some(Err(sink_panicked()))
        }
    }
}

/// Whether this thread is inside a sink now (or is a non-blocking writer thread).
#[inline]
pub(crate) fn in_sink() -> bool {
    IN_SINK.try_with(Cell::get).unwrap_or(false)
}

/// After a panic was caught: whether it came out of a sink entered since `before` (what
/// [`in_sink`] said before the guarded code): the mark [`enter`] set is still there.
/// Clears that mark, and counts the line as a write error. A mark that was already set
/// (a line logged from inside a sink, the non-blocking writer's thread) is left alone:
/// the sink it stands for is still busy.
#[cold]
pub(crate) fn left_by_panic(before: bool) -> bool {
    if before {
        return false;
    }
    let was = IN_SINK.try_with(|b| b.replace(false)).unwrap_or(false);
    if was {
        record_error(1, sink_panicked());
    }
    was
}

#[cold]
fn sink_panicked() -> io::Error {
    if !PANIC_REPORTED.swap(true, Ordering::Relaxed) {
        eprintln!(
            "ecsctx: a log sink panicked while writing a line; the line is counted in ecsctx::stats().write_errors (reported once)"
        );
    }
    io::Error::other("the log sink panicked")
}

/// Writes a line logged from inside a sink to stderr (counted in [`Stats::fallback`], or
/// as a write error when stderr fails too).
#[cold]
pub(crate) fn fallback(line: &[u8]) {
    if !FALLBACK_REPORTED.swap(true, Ordering::Relaxed) {
        let _ = io::stderr().lock().write_all(
            b"ecsctx: a line was logged from inside the log sink (a writer that logs, or the non-blocking writer's thread); such lines go to stderr and are counted in ecsctx::stats().fallback\n",
        );
    }
    let res = catch_unwind(AssertUnwindSafe(|| {
        // Through stderr's queue and torn-line mark, unless this thread holds it (then
        // directly: stderr does not log, so this is a sink of the user's own).
        STDERR
            .try_with_out(|o| write_whole(&mut o.w, &mut o.torn, line))
            .unwrap_or_else(|| io::stderr().lock().write_all(line))
    }))
    .unwrap_or_else(|_| Err(sink_panicked()));
    match res {
        Ok(()) => {
            FALLBACK.fetch_add(1, Ordering::Relaxed);
        }
        Err(e) => record_error(1, e),
    }
}
