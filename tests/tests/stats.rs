//! `ecsctx::stats()`: every line written is counted once, from threads that are still
//! running and from threads that have ended.

use std::io;
use std::sync::{Arc, Mutex};

use ecsctx::sink::Sink;
use log::Log;

#[derive(Default)]
struct Lines(Mutex<Vec<usize>>);

impl Sink for Lines {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        self.0.lock().unwrap().push(line.len());
        Ok(())
    }
}

#[test]
fn lines_and_bytes_from_every_thread_are_counted_once() {
    let lines = Arc::new(Lines::default());
    let logger = Arc::new(
        ecsctx::Builder::new()
            .with_filter("info")
            .with_sink(lines.clone())
            .build(),
    );
    let before = ecsctx::stats();
    let log = |logger: &ecsctx::EcsLogger, n: usize| {
        for i in 0..n {
            logger.log(
                &log::Record::builder()
                    .level(log::Level::Info)
                    .target("stats")
                    .args(format_args!("line {i}"))
                    .build(),
            );
        }
    };
    // Threads that end before the counters are read…
    let ended: Vec<_> = (0..4)
        .map(|t| {
            let logger = logger.clone();
            std::thread::spawn(move || log(&logger, 100 + t))
        })
        .collect();
    for h in ended {
        h.join().unwrap();
    }
    // …a thread still running while they are read…
    let (go, wait) = std::sync::mpsc::channel::<()>();
    let (done, written) = std::sync::mpsc::channel::<()>();
    let running = {
        let logger = logger.clone();
        std::thread::spawn(move || {
            log(&logger, 50);
            done.send(()).unwrap();
            wait.recv().unwrap();
        })
    };
    written.recv().unwrap();
    // …and this thread.
    log(&logger, 7);
    let after = ecsctx::stats();
    go.send(()).unwrap();
    running.join().unwrap();

    let lens = lines.0.lock().unwrap();
    assert_eq!(lens.len(), 100 + 101 + 102 + 103 + 50 + 7);
    assert_eq!(after.lines - before.lines, lens.len() as u64);
    assert_eq!(
        after.bytes - before.bytes,
        lens.iter().map(|&l| l as u64).sum::<u64>()
    );
    // The running thread's counts survive its end.
    assert_eq!(ecsctx::stats().lines, after.lines);
}
