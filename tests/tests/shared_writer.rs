//! A writer shared by threads ([`WriterSink`], and stdout and stderr, which work the
//! same way): a thread that finds the writer busy queues its line for the thread that is
//! writing. Every line must still arrive whole, once, in its thread's order, be counted
//! in `stats()`, and survive a writer that panics. Each scenario runs in a child process,
//! so the process-wide `stats()` counts only its lines.

mod child;
use child::{is_child, run_child};

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ecsctx::sink::WriterSink;
use log::Log;
use serde_json::Value;

const THREADS: usize = 4;
const PER_THREAD: usize = 2_000;

/// Collects what is written; slow now and then (a disk or a pipe that stalls), so other
/// threads find it busy; panics on the first write that holds several lines when
/// `panic_on_batch` is set.
#[derive(Clone)]
struct Slow {
    out: Arc<Mutex<Vec<u8>>>,
    writes: Arc<AtomicUsize>,
    panic_on_batch: bool,
    panicked: Arc<AtomicBool>,
}

impl Slow {
    fn new(panic_on_batch: bool) -> Self {
        Slow {
            out: Arc::default(),
            writes: Arc::default(),
            panic_on_batch,
            panicked: Arc::default(),
        }
    }
}

impl Write for Slow {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        let lines = buf.iter().filter(|&&b| b == b'\n').count();
        if self.panic_on_batch && lines > 1 && !self.panicked.swap(true, Ordering::Relaxed) {
            // Tell the parent how many queued lines were in the write that panicked.
            eprintln!("PANICKED_WITH {lines}");
            panic!("writer exploded");
        }
        if n.is_multiple_of(16) {
            std::thread::sleep(Duration::from_micros(300));
        }
        self.out.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Logs `PER_THREAD` lines from each of `THREADS` threads through one `WriterSink`; every
/// 500th line carries a value longer than the queue (written without being queued).
fn log_from_threads(w: &Slow) {
    let logger = Arc::new(
        ecsctx::Builder::new()
            .with_filter("info")
            .with_sink(WriterSink::new(w.clone()))
            .build(),
    );
    let big = "x".repeat(70 * 1024);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let logger = logger.clone();
            let big = big.as_str();
            s.spawn(move || {
                for i in 0..PER_THREAD {
                    let pad = if i % 500 == 499 { big } else { "" };
                    let kvs = [
                        ("t", log::kv::Value::from(t)),
                        ("i", log::kv::Value::from(i)),
                        ("pad", log::kv::Value::from(pad)),
                    ];
                    logger.log(
                        &log::Record::builder()
                            .level(log::Level::Info)
                            .target("shared_writer")
                            .args(format_args!("line"))
                            .key_values(&kvs)
                            .build(),
                    );
                }
            });
        }
    });
    logger.flush();
}

/// The `(t, i)` of every line written, each line parsed as JSON.
fn parse(w: &Slow) -> Vec<(u64, u64)> {
    let out = w.out.lock().unwrap();
    let text = std::str::from_utf8(&out).unwrap();
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:.200}"));
            (
                v["extra"]["t"].as_u64().unwrap(),
                v["extra"]["i"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Each thread's lines, in the order written, strictly increasing.
fn in_order(lines: &[(u64, u64)]) -> HashMap<u64, Vec<u64>> {
    let mut by: HashMap<u64, Vec<u64>> = HashMap::new();
    for &(t, i) in lines {
        let seq = by.entry(t).or_default();
        if let Some(&last) = seq.last() {
            assert!(i > last, "thread {t}: line {i} written after line {last}");
        }
        seq.push(i);
    }
    by
}

#[test]
fn lines_from_threads_arrive_whole_once_in_order_and_counted() {
    const NAME: &str = "lines_from_threads_arrive_whole_once_in_order_and_counted";
    if !is_child(NAME) {
        let c = run_child(NAME, Duration::from_secs(120));
        assert!(c.ok, "{}\n{}", c.stdout, c.stderr);
        return;
    }
    let w = Slow::new(false);
    log_from_threads(&w);
    let lines = parse(&w);
    assert_eq!(lines.len(), THREADS * PER_THREAD);
    for (t, seq) in in_order(&lines) {
        assert_eq!(seq.len(), PER_THREAD, "thread {t}");
    }
    // Lines that arrived while another thread wrote were written together with its.
    let writes = w.writes.load(Ordering::Relaxed);
    assert!(
        writes < lines.len(),
        "{writes} writes for {} lines",
        lines.len()
    );
    let s = ecsctx::stats();
    assert_eq!(s.lines, (THREADS * PER_THREAD) as u64);
    assert_eq!(s.write_errors, 0);
}

#[test]
fn a_writer_that_panics_on_queued_lines_loses_only_those_and_counts_them() {
    const NAME: &str = "a_writer_that_panics_on_queued_lines_loses_only_those_and_counts_them";
    if !is_child(NAME) {
        let c = run_child(NAME, Duration::from_secs(120));
        assert!(c.ok, "{}\n{}", c.stdout, c.stderr);
        assert!(c.stderr.contains("PANICKED_WITH"), "{}", c.stderr);
        return;
    }
    let w = Slow::new(true);
    log_from_threads(&w);
    let lines = parse(&w);
    in_order(&lines);
    assert!(w.panicked.load(Ordering::Relaxed));
    // Every line is written or counted as a write error, never lost silently; the
    // threads carried on after the panic.
    let s = ecsctx::stats();
    assert_eq!(s.lines as usize, lines.len());
    assert!(s.write_errors > 1, "{s:?}");
    assert_eq!(
        s.lines + s.write_errors,
        (THREADS * PER_THREAD) as u64,
        "{s:?}"
    );
}

/// Writes to stdout; the write of the line `hold` takes 300 ms, with the writer held.
struct Holding;

impl Write for Holding {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.windows(4).any(|w| w == b"hold") {
            std::thread::sleep(Duration::from_millis(300));
        }
        io::stdout().write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}

#[test]
fn flush_before_exit_writes_a_line_queued_behind_another_threads_write() {
    const NAME: &str = "flush_before_exit_writes_a_line_queued_behind_another_threads_write";
    if !is_child(NAME) {
        let c = run_child(NAME, Duration::from_secs(60));
        assert!(c.ok, "{}\n{}", c.stdout, c.stderr);
        let messages: Vec<String> = c
            .stdout
            .lines()
            // (The harness prints `test … ` before the first line.)
            .filter_map(|l| serde_json::from_str::<Value>(&l[l.find('{')?..]).ok())
            .filter_map(|v| v["message"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(messages, ["hold", "last words"], "{}", c.stdout);
        return;
    }
    ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(WriterSink::new(Holding))
        .init();
    let _writing = std::thread::spawn(|| log::info!("hold"));
    std::thread::sleep(Duration::from_millis(100));
    // The other thread holds the writer: this line is queued for it.
    log::info!("last words");
    ecsctx::flush();
    std::process::exit(0);
}
