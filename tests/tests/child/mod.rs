//! Scenarios run in a child process: this test binary, re-run on one test with an
//! environment variable naming it (for a global logger of its own, `process::exit`, or
//! code that may hang or abort).
#![allow(dead_code)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const CHILD: &str = "ECSCTX_TEST_CHILD";

/// Whether this process is the child running scenario `name`.
pub fn is_child(name: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|v| v == name)
}

/// How a child process ended, and what it wrote.
pub struct Child {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs test `name` of this binary in a child process (which sees `is_child(name)`);
/// fails the test when it does not end within `limit` (a deadlock).
pub fn run_child(name: &str, limit: Duration) -> Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("scenario `{name}` did not finish in {limit:?}: it hangs (deadlock)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Child {
        ok: status.success(),
        stdout: o.join().unwrap(),
        stderr: e.join().unwrap(),
    }
}

/// The JSON lines of `text` whose message is `msg` (the test harness's `test … ` may
/// precede the first one on its line).
pub fn lines_with_message(text: &str, msg: &str) -> Vec<Value> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(&l[l.find('{')?..]).ok())
        .filter(|v| v["message"] == msg)
        .collect()
}
