//! `axum` (feature `axum`, which turns on `tower`): axum support for
//! [`EcsLayer`](super::tower::EcsLayer).
//!
//! * The client address comes from `ConnectInfo<SocketAddr>`: serve with
//!   `into_make_service_with_connect_info::<SocketAddr>()`.
//! * Request bodies of axum's `Body` are captured for `http_request_received` (up to the
//!   limit of [`RequestLogging`](super::tower::RequestLogging)): the layer reads at most
//!   that many bytes before the handler runs and hands the handler the whole body,
//!   unchanged. Binary content types are not read.
//! * Per-route options use the route template (`MatchedPath`) when the layer is added
//!   with `Router::layer`.
//! * [`bind_user`] and [`set_user`] bind `user.id`/`user.name` into the request's scope.
//!
//! ```no_run
//! use std::net::SocketAddr;
//! use axum::{routing::get, Router};
//! use ecsctx::integrations::tower::EcsLayer;
//!
//! # async fn run() {
//! let app = Router::new()
//!     .route("/health", get(|| async { "ok" }))
//!     .layer(EcsLayer::new());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
//!     .await
//!     .unwrap();
//! # }
//! ```
//!
//! Binding the user in an extractor, so that every handler that asks for it binds it:
//!
//! ```
//! use axum::{extract::FromRequestParts, http::{request::Parts, StatusCode}};
//!
//! struct AuthUser(u64);
//!
//! impl<S: Send + Sync> FromRequestParts<S> for AuthUser {
//!     type Rejection = StatusCode;
//!     async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, StatusCode> {
//!         let id = parts.headers.get("x-user").and_then(|v| v.to_str().ok())
//!             .and_then(|s| s.parse().ok()).ok_or(StatusCode::UNAUTHORIZED)?;
//!         ecsctx::integrations::axum::bind_user(id, None);
//!         Ok(AuthUser(id))
//!     }
//! }
//! ```

use std::any::Any;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context as TaskCx, Poll};

use axum::body::Body as AxumBody;
use axum::extract::{ConnectInfo, MatchedPath};
use bytes::{Buf as _, Bytes};
use http_body::{Body, Frame};

use super::tower::logging::{Captured, PreRead};

pub use super::tower::user::{bind_user, set_user};

pub(crate) fn peer_addr(ext: &http::Extensions) -> Option<SocketAddr> {
    ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

pub(crate) fn matched_path(ext: &http::Extensions) -> Option<&str> {
    ext.get::<MatchedPath>().map(MatchedPath::as_str)
}

/// The body shared between the layer (which reads ahead) and the handler.
struct Shared {
    body: AxumBody,
    frames: VecDeque<Frame<Bytes>>,
    buffered: usize,
    done: bool,
    error: Option<axum::Error>,
}

struct Capture {
    shared: Arc<Mutex<Shared>>,
    limit: usize,
}

impl PreRead for Capture {
    fn poll_capture(&mut self, cx: &mut TaskCx<'_>) -> Poll<Captured> {
        let mut s = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        while !s.done && s.buffered < self.limit {
            match Pin::new(&mut s.body).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => s.done = true,
                Poll::Ready(Some(Err(e))) => {
                    s.error = Some(e);
                    s.done = true;
                }
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(d) = frame.data_ref() {
                        s.buffered += d.remaining();
                    }
                    s.frames.push_back(frame);
                }
            }
        }
        let mut c = Captured::default();
        for f in &s.frames {
            if let Some(d) = f.data_ref() {
                c.push(d, d.len(), self.limit);
            }
        }
        if !s.done {
            // The rest is still unread: the body is longer than what was captured.
            c.truncated = true;
        }
        Poll::Ready(c)
    }
}

/// What the handler reads: the frames read ahead, then the rest of the original body.
struct Replay {
    shared: Arc<Mutex<Shared>>,
}

impl Body for Replay {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut TaskCx<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut s = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(f) = s.frames.pop_front() {
            return Poll::Ready(Some(Ok(f)));
        }
        if let Some(e) = s.error.take() {
            return Poll::Ready(Some(Err(e)));
        }
        if s.done {
            return Poll::Ready(None);
        }
        Pin::new(&mut s.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        let s = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        s.frames.is_empty() && s.error.is_none() && (s.done || s.body.is_end_stream())
    }
}

/// Replaces an axum `Body` with one that replays what the layer reads ahead.
pub(crate) fn pre_read<B: 'static>(req: &mut http::Request<B>, limit: usize) -> Option<Box<dyn PreRead>> {
    let body = (req.body_mut() as &mut dyn Any).downcast_mut::<AxumBody>()?;
    if body.is_end_stream() {
        return None;
    }
    let original = std::mem::replace(body, AxumBody::empty());
    let shared = Arc::new(Mutex::new(Shared {
        body: original,
        frames: VecDeque::new(),
        buffered: 0,
        done: false,
        error: None,
    }));
    *body = AxumBody::new(Replay {
        shared: shared.clone(),
    });
    Some(Box::new(Capture { shared, limit }))
}
