//! Shared helpers of the `int_*` end-to-end tests: real servers on loopback, bounded.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;

/// Fails the test instead of hanging.
pub async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("end-to-end test timed out")
}

/// A server on 127.0.0.1 (random port), stopped when dropped.
pub struct Server {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(app: axum::Router) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        Server { addr, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The lines with this `message`.
pub fn named<'a>(lines: &'a [Value], message: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["message"] == message).collect()
}

/// The single line with this `message`.
pub fn one<'a>(lines: &'a [Value], message: &str) -> &'a Value {
    let found = named(lines, message);
    assert_eq!(
        found.len(),
        1,
        "expected one `{message}` line in {lines:#?}"
    );
    found[0]
}

/// A `redis-server` child process on a free loopback port, killed when dropped.
pub struct RedisServer {
    child: std::process::Child,
    pub port: u16,
}

impl RedisServer {
    /// Starts one, or returns `None` (after saying so loudly) when `redis-server` is not
    /// installed.
    pub fn start() -> Option<RedisServer> {
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let spawned = std::process::Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            let child = match spawned {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if std::env::var_os("ECSCTX_REQUIRE_REDIS").is_some() {
                        panic!("ECSCTX_REQUIRE_REDIS is set but `redis-server` is not installed");
                    }
                    eprintln!(
                        "\n\n*** SKIPPED: `redis-server` is not installed; the Redis job \
                         propagation test did not run. Install it with \
                         `apt-get install -y redis-server`. ***\n"
                    );
                    return None;
                }
                Err(e) => panic!("cannot start redis-server: {e}"),
            };
            let mut server = RedisServer { child, port };
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Some(server);
                }
                if let Ok(Some(_)) = server.child.try_wait() {
                    break; // exited (port taken?): try another port
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = server.child.kill();
        }
        panic!("redis-server did not start on loopback");
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
