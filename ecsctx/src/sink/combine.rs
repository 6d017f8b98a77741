//! Group commit for a writer that threads share ([`WriterSink`](super::WriterSink),
//! stdout, stderr).
//!
//! With a plain mutex over the writer, a thread that finds it busy waits for the other
//! thread's `write` (a system call for a file, a pipe or stdout) and then makes its own,
//! so two threads logging into a file were no faster than one. Here a thread that finds the writer busy
//! appends its line to a queue and returns; the thread holding the writer (the
//! *leader*) writes the queued lines, as one `write` of whole lines, before and after
//! its own and again after it lets go if more arrived meanwhile. So each line is still
//! written whole and in the order its thread logged it, and a thread waits for the
//! writer only when the queue is full ([`CAP`] bytes: back-pressure, memory bounded).
//!
//! - **Order**: a line is queued only while another thread holds the writer, and a
//!   thread that takes the writer writes what is queued before its own line; so a
//!   thread's lines reach the writer in the order it logged them.
//! - **Nothing left behind**: a thread that queues a line then tries the writer once
//!   more; when that fails, the holder checks the queue after it lets go (both sides
//!   with a `SeqCst` fence between their write and their read, so one of them sees the
//!   other's).
//! - **Outcomes**: every write is recorded in `stats()` by the thread that makes it (its
//!   lines and bytes, or an error for each of its lines), so the sinks built on this
//!   count themselves.
//! - **Exit**: a line queued by a thread that then ends the process (`main` returning)
//!   is written by the thread that holds the writer, which the exit may cut short;
//!   `ecsctx::flush()` (the sink's `flush`) waits for it and writes the queue.
//! - **A writer that panics**: caught around each write, the lines of that write
//!   counted as write errors (queued lines of other threads among them); the threads
//!   carry on.

use std::io::{self, Write};
use std::mem;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

use super::{record_lines, sink_panicked, write_whole};

/// The most bytes queued while another thread writes; a line that does not fit waits
/// for the writer.
pub(crate) const CAP: usize = 64 * 1024;

/// The most bytes of queued lines one `write` carries: whole lines up to `PIPE_BUF`
/// (4096 on Linux), so a write to a pipe that other processes also write to stays
/// atomic (a longer line alone is written alone, as it would be without a queue).
const PIPE_BUF: usize = 4096;

/// A writer shared by threads, and the lines queued for it.
#[derive(Debug)]
pub(crate) struct Shared<W> {
    out: Mutex<Out<W>>,
    q: Mutex<Queue>,
    /// The queue holds lines (read without its lock).
    queued: AtomicBool,
}

/// The writer and what its holder keeps.
#[derive(Debug)]
pub(crate) struct Out<W> {
    pub(crate) w: W,
    /// The last write was cut short by an error (see [`write_whole`]).
    pub(crate) torn: bool,
    /// The buffer the holder swaps with the queue's, so neither is reallocated.
    spare: Vec<u8>,
}

#[derive(Debug)]
struct Queue {
    buf: Vec<u8>,
    lines: u64,
}

impl<W: Write> Shared<W> {
    pub(crate) const fn new(w: W) -> Self {
        Shared {
            out: Mutex::new(Out {
                w,
                torn: false,
                spare: Vec::new(),
            }),
            q: Mutex::new(Queue {
                buf: Vec::new(),
                lines: 0,
            }),
            queued: AtomicBool::new(false),
        }
    }

    /// Writes one whole line, or queues it for the thread that holds the writer; the
    /// outcome is recorded in `stats()`.
    pub(crate) fn write_line(&self, line: &[u8]) {
        let mut out = match self.out.try_lock() {
            Ok(out) => out,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                if self.enqueue(line) {
                    fence(Ordering::SeqCst);
                    if let Some(out) = self.try_out() {
                        self.lead(out);
                    }
                    return;
                }
                // The queue is full: wait for the writer (back-pressure).
                self.lock_out()
            }
        };
        self.lead_own(&mut out, line);
        self.lead(out);
    }

    /// Writes what is queued, then flushes the writer.
    ///
    /// # Errors
    /// The writer's flush error.
    pub(crate) fn flush(&self) -> io::Result<()> {
        let mut out = self.lock_out();
        self.write_queued(&mut out);
        let res = out.w.flush();
        self.lead(out);
        res
    }

    /// Runs `f` on the writer after the queued lines are written; `None` when another
    /// thread (or this one) holds the writer.
    pub(crate) fn try_with_out<R>(&self, f: impl FnOnce(&mut Out<W>) -> R) -> Option<R> {
        let mut out = self.try_out()?;
        self.write_queued(&mut out);
        let r = f(&mut out);
        self.lead(out);
        Some(r)
    }

    /// The writer back, with any line still queued written to it.
    pub(crate) fn into_inner(self) -> W {
        let mut out = self
            .out
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let q = self.q.into_inner().unwrap_or_else(PoisonError::into_inner);
        if !q.buf.is_empty() {
            let res = write_whole(&mut out.w, &mut out.torn, &q.buf);
            record_lines(q.lines, q.buf.len(), res);
        }
        out.w
    }

    fn lock_out(&self) -> MutexGuard<'_, Out<W>> {
        self.out.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn try_out(&self) -> Option<MutexGuard<'_, Out<W>>> {
        match self.out.try_lock() {
            Ok(out) => Some(out),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    /// Appends `line` to the queue; `false` when it does not fit.
    fn enqueue(&self, line: &[u8]) -> bool {
        let mut q = self.q.lock().unwrap_or_else(PoisonError::into_inner);
        if q.buf.len() + line.len() > CAP {
            return false;
        }
        q.buf.extend_from_slice(line);
        q.lines += 1;
        self.queued.store(true, Ordering::Relaxed);
        true
    }

    /// With the writer held: the queued lines first (they were logged earlier), then
    /// `line`.
    fn lead_own(&self, out: &mut Out<W>, line: &[u8]) {
        self.write_queued(out);
        let Out { w, torn, .. } = out;
        write_counted(w, torn, line, 1);
    }

    /// With the writer held: writes the queued lines, until none are left; lets go of
    /// the writer, and takes it back when lines were queued meanwhile and nobody else
    /// holds it.
    fn lead<'a>(&'a self, mut out: MutexGuard<'a, Out<W>>) {
        loop {
            self.write_queued(&mut out);
            drop(out);
            fence(Ordering::SeqCst);
            if !self.queued.load(Ordering::Relaxed) {
                return;
            }
            match self.try_out() {
                Some(o) => out = o,
                // The holder checks the queue after it lets go.
                None => return,
            }
        }
    }

    /// With the writer held: writes the queued lines (one write per batch) until the
    /// queue is empty.
    fn write_queued(&self, out: &mut Out<W>) {
        while self.queued.load(Ordering::Relaxed) {
            let lines = {
                let mut q = self.q.lock().unwrap_or_else(PoisonError::into_inner);
                mem::swap(&mut q.buf, &mut out.spare);
                self.queued.store(false, Ordering::Relaxed);
                mem::take(&mut q.lines)
            };
            if out.spare.is_empty() {
                continue;
            }
            let Out { w, torn, spare } = out;
            write_chunks(w, torn, spare, lines);
            spare.clear();
        }
    }
}

/// Writes queued lines (`lines` whole lines in `bytes`) in writes of at most
/// [`PIPE_BUF`] bytes of whole lines, and records the outcome: after a failed write, the
/// lines not written are counted as errors.
fn write_chunks<W: Write>(w: &mut W, torn: &mut bool, bytes: &[u8], lines: u64) {
    let mut rest = bytes;
    let mut left = lines;
    while !rest.is_empty() && left > 0 {
        // Whole lines up to PIPE_BUF, or the first line alone when it is longer.
        let (end, n) = if rest.len() <= PIPE_BUF || left == 1 {
            (rest.len(), left)
        } else if let Some(i) = rest[..PIPE_BUF].iter().rposition(|&b| b == b'\n') {
            match rest[..=i].iter().filter(|&&b| b == b'\n').count() as u64 {
                // (More line ends than lines: a line of several; all in one write.)
                n if n >= left => (rest.len(), left),
                n => (i + 1, n),
            }
        } else {
            let i = rest
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(rest.len() - 1);
            (i + 1, 1)
        };
        if !write_counted(w, torn, &rest[..end], n) {
            if left > n {
                record_lines(
                    left - n,
                    rest.len() - end,
                    Err(io::Error::other("an earlier write of the batch failed")),
                );
            }
            return;
        }
        rest = &rest[end..];
        left -= n;
    }
}

/// Writes `lines` whole lines and records the outcome (`true`: written); a writer that panics is caught
/// here and its lines counted as write errors (they may be other threads' lines, which
/// nobody else would count).
fn write_counted<W: Write>(w: &mut W, torn: &mut bool, bytes: &[u8], lines: u64) -> bool {
    let res = catch_unwind(AssertUnwindSafe(|| write_whole(w, torn, bytes)))
        .unwrap_or_else(|_| Err(sink_panicked()));
    let ok = res.is_ok();
    record_lines(lines, bytes.len(), res);
    ok
}
