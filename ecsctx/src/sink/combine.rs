//! Group commit for a writer that threads share ([`WriterSink`](super::WriterSink),
//! stdout, stderr).
//!
//! With a plain mutex over the writer, a thread that finds it busy waits for the other
//! thread's `write` (a system call for a file, a pipe or stdout) and then makes its own,
//! so two threads logging into a file were no faster than one. Here a thread that finds
//! the writer busy appends its line to a queue and returns; the thread holding the
//! writer writes the queued lines (in writes of whole lines, at most [`PIPE_BUF`] bytes
//! each) before and after its own, and again after it lets go if more arrived meanwhile.
//! So each line is still written whole and in the order its thread logged it, and a
//! thread waits for the writer only when the queue is full ([`CAP`] bytes:
//! back-pressure, memory bounded).
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
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

use super::{record_lines, write_lines, PIPE_BUF};

/// The most bytes queued while another thread writes; a line that does not fit waits
/// for the writer.
pub(crate) const CAP: usize = 64 * 1024;

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
    /// The last write was cut short by an error (see [`write_whole`](super::write_whole)).
    pub(crate) torn: bool,
    /// The queue the holder swaps with the shared one, so neither is reallocated.
    spare: Queue,
}

/// Queued lines, already split into the writes that will carry them.
#[derive(Debug)]
struct Queue {
    buf: Vec<u8>,
    /// Where each write ends in `buf`, and how many lines it carries: whole lines, at
    /// most [`PIPE_BUF`] bytes unless one line alone is longer.
    writes: Vec<(usize, u64)>,
}

impl Queue {
    const fn new() -> Self {
        Queue {
            buf: Vec::new(),
            writes: Vec::new(),
        }
    }

    fn push(&mut self, line: &[u8]) {
        let n = self.writes.len();
        let start = if n >= 2 { self.writes[n - 2].0 } else { 0 };
        match self.writes.last_mut() {
            Some((end, lines)) if *end - start + line.len() <= PIPE_BUF => {
                *end += line.len();
                *lines += 1;
            }
            _ => self.writes.push((self.buf.len() + line.len(), 1)),
        }
        self.buf.extend_from_slice(line);
    }

    /// Writes the queued lines and records the outcome: after a failed write, the lines
    /// of the writes not made are counted as errors. Leaves the queue empty.
    fn write_to<W: Write>(&mut self, w: &mut W, torn: &mut bool) {
        let mut start = 0;
        for (i, &(end, lines)) in self.writes.iter().enumerate() {
            if !write_lines(w, torn, &self.buf[start..end], lines) {
                let left: u64 = self.writes[i + 1..].iter().map(|&(_, n)| n).sum();
                if left > 0 {
                    record_lines(
                        left,
                        self.buf.len() - end,
                        Err(io::Error::other("an earlier write of the batch failed")),
                    );
                }
                break;
            }
            start = end;
        }
        self.buf.clear();
        self.writes.clear();
    }
}

impl<W: Write> Shared<W> {
    pub(crate) const fn new(w: W) -> Self {
        Shared {
            out: Mutex::new(Out {
                w,
                torn: false,
                spare: Queue::new(),
            }),
            q: Mutex::new(Queue::new()),
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
        let mut q = self.q.into_inner().unwrap_or_else(PoisonError::into_inner);
        q.write_to(&mut out.w, &mut out.torn);
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
        q.push(line);
        self.queued.store(true, Ordering::Relaxed);
        true
    }

    /// With the writer held: the queued lines first (they were logged earlier), then
    /// `line`.
    fn lead_own(&self, out: &mut Out<W>, line: &[u8]) {
        self.write_queued(out);
        let Out { w, torn, .. } = out;
        write_lines(w, torn, line, 1);
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

    /// With the writer held: writes the queued lines until the queue is empty.
    fn write_queued(&self, out: &mut Out<W>) {
        while self.queued.load(Ordering::Relaxed) {
            {
                let mut q = self.q.lock().unwrap_or_else(PoisonError::into_inner);
                mem::swap(&mut *q, &mut out.spare);
                self.queued.store(false, Ordering::Relaxed);
            }
            let Out { w, torn, spare } = out;
            spare.write_to(w, torn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_lines_are_split_into_writes_of_whole_lines_up_to_pipe_buf() {
        let mut q = Queue::new();
        let line = [b'x'; 999]
            .iter()
            .chain(b"\n")
            .copied()
            .collect::<Vec<u8>>();
        let long = vec![b'y'; PIPE_BUF + 1];
        for l in [&line, &line, &line, &line, &line, &long, &line] {
            q.push(l);
        }
        // 4 lines of 1000 bytes fit 4096; the fifth starts a write; the long line is alone.
        let sizes: Vec<(usize, u64)> = q
            .writes
            .iter()
            .scan(0, |start, &(end, n)| {
                let size = end - *start;
                *start = end;
                Some((size, n))
            })
            .collect();
        assert_eq!(sizes, [(4000, 4), (1000, 1), (PIPE_BUF + 1, 1), (1000, 1)]);
        let mut out = Vec::new();
        let mut torn = false;
        q.write_to(&mut out, &mut torn);
        assert_eq!(out.len(), 6 * 1000 + PIPE_BUF + 1);
        assert!(q.buf.is_empty() && q.writes.is_empty());
    }
}
