//! Helpers shared by the integration tests: a logger over an in-memory buffer.
#![allow(dead_code)]

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use ecsctx::{Builder, EcsLogger};
use serde_json::Value;

/// A `Write` into shared memory.
#[derive(Clone, Default)]
pub struct Buf(pub Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Buf {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
    pub fn lines(&self) -> Vec<Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

/// A logger with fixed service metadata writing into a buffer, masking off.
pub fn logger(b: Builder) -> (EcsLogger, Buf) {
    let buf = Buf::default();
    let l = b
        .with_service_name("checkout")
        .with_service_version("1.0.0")
        .with_project_name("payments")
        .with_filter("trace")
        .with_masker(None)
        .with_writer(buf.clone())
        .build();
    (l, buf)
}

/// The line without `@timestamp` (checked separately), for exact comparison.
pub fn strip_ts(mut v: Value) -> Value {
    let ts = v
        .as_object_mut()
        .unwrap()
        .remove("@timestamp")
        .expect("@timestamp");
    assert!(is_rfc3339_millis(ts.as_str().unwrap()), "{ts}");
    v
}

pub fn is_rfc3339_millis(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && b.iter()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19, 23].contains(&i) || c.is_ascii_digit())
}

/// Logs one record built from parts through `l`.
pub fn log_kv(l: &EcsLogger, level: log::Level, msg: &'static str, kvs: &[(&str, log::kv::Value<'_>)]) {
    use log::Log;
    l.log(
        &log::Record::builder()
            .level(level)
            .target("shop::checkout")
            .args(format_args!("{}", msg))
            .key_values(&kvs)
            .build(),
    );
}
