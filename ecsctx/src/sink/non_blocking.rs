//! A bounded queue and one writer thread, so a slow pipe never stalls a request.

use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::Sink;

/// What to do when the queue is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Wait for room (no line is lost; the caller may wait).
    Block,
    /// Drop the line and count it (reported in [`stats`](super::stats) and once on stderr).
    #[default]
    DropAndCount,
}

enum Msg {
    Line(Vec<u8>),
    Flush(SyncSender<()>),
    Shutdown,
}

/// A [`Sink`] that hands lines to a writer thread; see [`NonBlocking::builder`].
#[derive(Clone, Debug)]
pub struct NonBlocking {
    tx: SyncSender<Msg>,
    overflow: Overflow,
    closed: Arc<AtomicBool>,
    dropped: Arc<AtomicU64>,
}

/// Flushes every queued line and stops the writer thread when dropped; keep it alive
/// (e.g. in `main`) for as long as the logger is used.
///
/// `std::process::exit` runs no destructors: call [`crate::flush`] before it (and at the
/// end of a graceful shutdown), which waits until every queued line is written.
#[must_use = "dropping the guard shuts the writer thread down"]
#[derive(Debug)]
pub struct WorkerGuard {
    tx: SyncSender<Msg>,
    closed: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

/// Configures a [`NonBlocking`] writer.
#[derive(Debug, Clone, Copy)]
pub struct NonBlockingBuilder {
    capacity: usize,
    overflow: Overflow,
}

impl Default for NonBlockingBuilder {
    fn default() -> Self {
        NonBlockingBuilder {
            capacity: 8192,
            overflow: Overflow::default(),
        }
    }
}

impl NonBlockingBuilder {
    /// Lines that may wait in the queue (default 8192).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::sink::{NonBlocking, Sink};
    ///
    /// let (sink, guard) = NonBlocking::builder().capacity(2).finish(std::io::sink());
    /// // The queue holds 2 lines: neither is dropped, however slow the writer is.
    /// sink.write_line(b"{\"n\":1}\n").unwrap();
    /// sink.write_line(b"{\"n\":2}\n").unwrap();
    /// drop(guard);
    /// assert_eq!(sink.dropped(), 0);
    /// ```
    pub fn capacity(mut self, lines: usize) -> Self {
        self.capacity = lines.max(1);
        self
    }

    /// What to do when the queue is full (default: drop and count).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::sink::{NonBlocking, Overflow, Sink};
    ///
    /// // With `Block`, a full queue makes the caller wait: no line is lost.
    /// let (sink, guard) = NonBlocking::builder()
    ///     .capacity(1)
    ///     .overflow(Overflow::Block)
    ///     .finish(std::io::sink());
    /// for _ in 0..100 {
    ///     sink.write_line(b"{}\n").unwrap();
    /// }
    /// drop(guard);
    /// assert_eq!(sink.dropped(), 0);
    /// ```
    pub fn overflow(mut self, o: Overflow) -> Self {
        self.overflow = o;
        self
    }

    /// Starts the writer thread over `w`.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::sink::{NonBlocking, Overflow, Sink};
    /// let (sink, guard) = NonBlocking::builder().overflow(Overflow::Block).finish(std::io::sink());
    /// sink.write_line(b"{}\n").unwrap();
    /// drop(guard); // flushes and joins the writer thread
    /// ```
    pub fn finish<W: Write + Send + 'static>(self, mut w: W) -> (NonBlocking, WorkerGuard) {
        let (tx, rx) = mpsc::sync_channel::<Msg>(self.capacity);
        let closed = Arc::new(AtomicBool::new(false));
        let handle = std::thread::Builder::new()
            .name("ecsctx-writer".into())
            .spawn(move || worker(&mut w, rx))
            .ok();
        if handle.is_none() {
            closed.store(true, Ordering::Release);
        }
        (
            NonBlocking {
                tx: tx.clone(),
                overflow: self.overflow,
                closed: closed.clone(),
                dropped: Arc::new(AtomicU64::new(0)),
            },
            WorkerGuard { tx, closed, handle },
        )
    }
}

/// The most bytes one `write` carries (see [`PIPE_BUF`](super::PIPE_BUF)).
const BATCH: usize = super::PIPE_BUF;

/// Lines queued but not yet written, joined into one buffer (whole lines, at most
/// [`BATCH`] bytes unless one line alone is longer).
struct Batch {
    buf: Vec<u8>,
    /// How many lines `buf` holds (counted in `stats()` once written).
    lines: u64,
    /// The last write failed part-way (see `write_whole`).
    torn: bool,
}

impl Batch {
    fn new() -> Self {
        Batch {
            buf: Vec::with_capacity(BATCH),
            lines: 0,
            torn: false,
        }
    }

    /// Whether `line` still fits in this write.
    fn fits(&self, line: &[u8]) -> bool {
        self.buf.is_empty() || self.buf.len() + line.len() <= BATCH
    }

    fn push(&mut self, line: &[u8]) {
        self.buf.extend_from_slice(line);
        self.lines += 1;
    }

    /// One `write_all` for the lines held; each line's outcome is that write's.
    fn write<W: Write>(&mut self, w: &mut W) {
        if self.buf.is_empty() {
            return;
        }
        // A writer that panics loses this batch (counted), not the writer thread.
        super::write_lines(w, &mut self.torn, &self.buf, self.lines);
        self.buf.clear();
        self.lines = 0;
    }
}

/// Flushes `w`, a panic caught.
fn flush<W: Write>(w: &mut W) {
    let _ = catch_unwind(AssertUnwindSafe(|| w.flush()));
}

fn worker<W: Write>(w: &mut W, rx: Receiver<Msg>) {
    // What this thread logs (a writer that logs) must not wait for this thread.
    super::mark_sink_thread();
    let mut batch = Batch::new();
    let mut pending = false;
    loop {
        // Block for the first message, then drain what is queued (whole lines joined into
        // writes of at most `BATCH` bytes) before flushing once.
        let msg = if pending {
            match rx.try_recv() {
                Ok(m) => m,
                Err(_) => {
                    batch.write(w);
                    flush(w);
                    pending = false;
                    continue;
                }
            }
        } else {
            match rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            }
        };
        match msg {
            Msg::Line(line) => {
                if !batch.fits(&line) {
                    batch.write(w);
                }
                batch.push(&line);
                pending = true;
            }
            Msg::Flush(done) => {
                batch.write(w);
                flush(w);
                pending = false;
                let _ = done.send(());
            }
            Msg::Shutdown => break,
        }
    }
    // Whatever is still queued was sent before shutdown: write it.
    while let Ok(Msg::Line(line)) = rx.try_recv() {
        if !batch.fits(&line) {
            batch.write(w);
        }
        batch.push(&line);
    }
    batch.write(w);
    flush(w);
}

impl NonBlocking {
    /// A builder with the defaults (8192 lines, drop and count).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::sink::NonBlocking;
    ///
    /// let (sink, _guard) = NonBlocking::builder().finish(std::io::stdout());
    /// ecsctx::Builder::new().with_sink(sink).init();
    /// log::error!("service_started");
    /// ecsctx::flush(); // waits until the writer thread has written the line
    /// assert!(ecsctx::stats().lines >= 1);
    /// // `_guard` lives until the end of `main`.
    /// ```
    pub fn builder() -> NonBlockingBuilder {
        NonBlockingBuilder::default()
    }

    /// Lines this writer dropped.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::sink::{NonBlocking, Sink};
    ///
    /// let (sink, guard) = NonBlocking::builder().finish(std::io::sink());
    /// sink.write_line(b"{}\n").unwrap();
    /// drop(guard); // the writer thread stops
    /// sink.write_line(b"{}\n").unwrap(); // too late: dropped and counted
    /// assert_eq!(sink.dropped(), 1);
    /// assert!(ecsctx::stats().dropped >= 1);
    /// ```
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn drop_line(&self) {
        if self.dropped.fetch_add(1, Ordering::Relaxed) == 0 {
            eprintln!("ecsctx: the non-blocking log queue is full or closed; lines are being dropped (counted in ecsctx::stats().dropped)");
        }
        super::record_dropped();
    }
}

impl Sink for NonBlocking {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        if self.closed.load(Ordering::Acquire) {
            self.drop_line();
            return Ok(());
        }
        let msg = Msg::Line(line.to_vec());
        match self.overflow {
            Overflow::Block => {
                if self.tx.send(msg).is_err() {
                    self.drop_line();
                }
            }
            Overflow::DropAndCount => match self.tx.try_send(msg) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => self.drop_line(),
            },
        }
        Ok(())
    }

    fn counts_itself(&self) -> bool {
        // The writer thread records the outcome of each actual write.
        true
    }

    fn flush(&self) -> io::Result<()> {
        let (done_tx, done_rx) = mpsc::sync_channel(1);
        if self.tx.send(Msg::Flush(done_tx)).is_ok() {
            let _ = done_rx.recv();
        }
        Ok(())
    }
}

impl Drop for WorkerGuard {
    fn drop(&mut self) {
        // Blocks until queued lines are written: nothing is lost at shutdown.
        let _ = self.tx.send(Msg::Shutdown);
        self.closed.store(true, Ordering::Release);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn guard_flushes_everything() {
        let out = Writes::default();
        let (s, g) = NonBlocking::builder()
            .overflow(Overflow::Block)
            .capacity(4)
            .finish(out.clone());
        for i in 0..1000 {
            let _ = s.write_line(format!("{i}\n").as_bytes());
        }
        drop(g);
        let text = String::from_utf8(out.0.lock().unwrap().concat()).unwrap();
        assert_eq!(text.lines().count(), 1000);
        assert_eq!(s.dropped(), 0);
        let _ = s.write_line(b"late\n");
        assert_eq!(s.dropped(), 1);
    }

    /// Records each `write` call's bytes.
    #[derive(Clone, Default)]
    struct Writes(Arc<Mutex<Vec<Vec<u8>>>>);
    impl Write for Writes {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().push(b.to_vec());
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Queued lines are joined into writes of whole lines, at most `BATCH` bytes (so a
    /// write to a shared pipe stays atomic), in order; a longer line goes alone.
    #[test]
    fn queued_lines_are_written_whole_in_batches_of_at_most_pipe_buf() {
        let out = Writes::default();
        let (s, g) = NonBlocking::builder()
            .overflow(Overflow::Block)
            .capacity(10_000)
            .finish(out.clone());
        let long = format!("{}\n", "y".repeat(BATCH + 100));
        for i in 0..5000 {
            let _ =
                s.write_line(format!("{{\"n\":{i},\"pad\":\"{}\"}}\n", "x".repeat(90)).as_bytes());
            if i == 2500 {
                let _ = s.write_line(long.as_bytes());
            }
        }
        drop(g);
        let writes = out.0.lock().unwrap();
        let mut n = 0;
        for w in writes.iter() {
            assert!(w.ends_with(b"\n"), "every write ends a line");
            assert!(
                w.len() <= BATCH || w == long.as_bytes(),
                "{} bytes",
                w.len()
            );
            for line in w.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
                if line.starts_with(b"yyy") {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_slice(line).unwrap();
                assert_eq!(v["n"], n, "lines in order, none lost");
                n += 1;
            }
        }
        assert_eq!(n, 5000);
        assert!(
            writes.len() < 5000,
            "lines were joined: {} writes",
            writes.len()
        );
    }

    struct Slow;
    impl Write for Slow {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            std::thread::sleep(std::time::Duration::from_millis(20));
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn full_queue_drops_and_counts() {
        let (s, g) = NonBlocking::builder().capacity(2).finish(Slow);
        for _ in 0..50 {
            let _ = s.write_line(b"x\n");
        }
        assert!(s.dropped() > 0, "a slow writer must not block the caller");
        drop(g);
    }
}
