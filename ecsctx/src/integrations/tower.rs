//! `tower` (feature `tower`): a [`Layer`](tower_layer::Layer) that gives every HTTP request
//! its own logging context (works for axum, hyper and tonic services).
//!
//! Per request, [`EcsLayer`]:
//! * reads `traceparent`/`tracestate` ([`TraceContext::from_headers`]): a valid header keeps
//!   the caller's trace id and flags, anything else starts a new trace; either way the
//!   request gets a new 16-hex `span.id`;
//! * binds `client.ip` (see [Client IP](#client-ip)), `http.request.method`, `url.path`,
//!   `url.query` (when the request has a query; credentials masked, see
//!   [What is masked at the boundary](#what-is-masked-at-the-boundary)) and
//!   `user_agent.original`;
//! * runs the inner service — the handler, its middleware, tasks spawned with
//!   [`FutureExt::in_current_context`] or
//!   [`integrations::tokio::spawn`](crate::integrations) — inside that context, so every
//!   line of the request carries those fields, `trace.id` and `span.id`, including `log`
//!   records of other crates. The context is private to the request: nothing leaks into
//!   the next request on the same connection or worker thread;
//! * answers with a `traceparent` header naming our span, so callers can correlate;
//! * optionally logs `http_request_received`/`http_response_sent` ([`RequestLogging`]).
//!
//! ```
//! use ecsctx::integrations::tower::{EcsLayer, RequestLogging};
//!
//! let layer = EcsLayer::new()
//!     .with_trusted_proxy_count(1) // one load balancer in front
//!     .with_request_logging(RequestLogging::new().with_body_limit(4096));
//! // axum: Router::new().route(..).layer(layer)
//! // tower: ServiceBuilder::new().layer(layer).service(svc)
//! # let _ = layer;
//! ```
//!
//! # Each request starts clean
//! A request's context is built on the layer's *base context*
//! ([`EcsLayer::with_base_context`], empty by default), never on whatever the serving
//! thread happens to have bound. Put service-wide fields there (`labels.region`). A test
//! capture is the one thing a request takes from where it is served:
//! `testing::capture_future(app.oneshot(req))` gets the request's lines with a plain
//! `EcsLayer::new()`. (A server spawned on its own task is outside the capture: build
//! its layer with `with_base_context(Context::current())` inside the capture.)
//!
//! # What is masked at the boundary
//! The logger masks every string it writes through its masker, but a service may turn
//! that off ([`Builder::with_masker(None)`](crate::Builder::with_masker)). The layer does
//! not rely on it for what it takes from the wire:
//! * `url.query` is bound through [`redact_url`](crate::pii::redact_url): credential
//!   parameters (`access_token=`, `api_key=`, `password=` …), card numbers, emails and
//!   phones are masked (`?access_token=abc&page=2` is bound as
//!   `access_token=[SECRET-MASKED]&page=2`, or a token when a keyset is configured).
//!   The layer binds no `url.full` or `url.original`;
//! * logged bodies (`http.request.body.content`, `http.response.body.content`) pass
//!   through [`redact_body`](crate::pii::redact_body): credential, CVV, PIN and card
//!   keys in JSON, XML, form and text bodies, credential shapes, card numbers, emails
//!   and phones are masked, also in a body cut at the body limit;
//! * credential headers are masked (see [`RequestLogging`]).
//!
//! `url.path` is bound as it is: only the logger's masker, when on, masks it. Keep
//! secrets out of paths (a reset token belongs in a body or a header).
//!
//! # Client IP
//! Like `django-ipware`, but safe by default:
//! * by default the peer address of the connection is the client (axum's
//!   `ConnectInfo<SocketAddr>` with the `axum` feature, or a [`PeerAddr`] extension that
//!   your server inserts); forwarding headers are **ignored**;
//! * [`EcsLayer::with_trusted_proxy_count`]: `n` proxies stand in front; the client is the
//!   `n`-th address from the right of `X-Forwarded-For` (then `Forwarded`, then
//!   `X-Real-IP`);
//! * [`EcsLayer::with_trusted_proxies`]: only when the peer is in one of these networks,
//!   the headers are read right to left, skipping trusted addresses;
//! * a malformed header (an entry that is not an address, `unknown`, too many hops, fewer
//!   hops than proxies) is ignored as a whole, and the next source is used.
//!
//! # The user
//! Authentication usually happens after the layer (in an extractor, a middleware or the
//! handler): call [`bind_user`] there and every later line of the request, including
//! `http_response_sent`, carries `user.id` (and `user.name`). A middleware placed *before*
//! (outside) the layer has no request scope yet: it calls [`set_user`], which records the
//! user in the request's extensions, where the layer picks it up. `set_user` also works
//! inside the layer, so an authentication middleware that always calls `set_user` is
//! correct wherever it is placed.

mod client_ip;
pub(crate) mod logging;
pub(crate) mod user;

use std::fmt;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context as TaskCx, Poll};
use std::time::Instant;

use http::{HeaderValue, Request, Response};
use http_body::{Body, Frame, SizeHint};

use crate::context::{Context, Fields, FutureExt, WithContext};
use crate::trace::{TraceContext, TraceParent};

pub use client_ip::{Cidr, ParseCidrError};

use client_ip::Trust;
pub(crate) use logging::{Captured, PreRead};
use logging::SentLog;
pub use user::{bind_user, in_request, set_user, User};
use user::InRequest;

/// The peer address of a connection, for servers that do not use axum's `ConnectInfo`:
/// insert it into the request's extensions before the layer.
///
/// # Examples
/// ```
/// use ecsctx::integrations::tower::PeerAddr;
/// let mut req = http::Request::new(());
/// req.extensions_mut().insert(PeerAddr("10.0.0.7:51234".parse().unwrap()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// Opt-in request/response logging: `http_request_received` and `http_response_sent`
/// lines (static event names, target `ecsctx::http`, level `info`).
///
/// * `http_request_received`: the request's context (`http.request.method`, `url.path`,
///   `url.query`, `client.ip`, `user_agent.original`, trace ids), `headers`
///   (credentials masked), `http.request.body.content` (up to the body limit; request
///   bodies are captured for axum's `Body` only, see
///   [`integrations::axum`](crate::integrations)).
/// * `http_response_sent`, when the response body has been sent (or dropped):
///   `http.response.status_code`, `event.duration` (nanoseconds, to the end of the body),
///   `http.response.body.bytes`, `headers`, `http.response.body.content`; at `warn` for
///   a 5xx status or a failed service ([`with_server_error_level`](Self::with_server_error_level)),
///   `info` otherwise.
///
/// Credentials in headers are masked: `authorization`, `proxy-authorization`, `api-key`,
/// `x-api-key`, `api_key`, `apikey` keep their scheme and the first and last four
/// characters of a secret when at least twelve stay hidden (`Bearer abcd****wxyz`, else
/// `Bearer ****`);
/// `cookie` and `set-cookie` are masked whole. Bodies are text only (binary content types
/// are skipped) and pass through [`redact_body`](crate::pii::redact_body) before they are
/// logged (credential, CVV, PIN and card keys, card numbers, emails, phones: see
/// [the module docs](self#what-is-masked-at-the-boundary)), so they are masked even when
/// the logger's masker is off; with it on, they pass through it too, like every string.
/// The response body is observed as it streams, never buffered: the client receives
/// exactly what the service sent.
///
/// # Examples
/// ```
/// use ecsctx::integrations::tower::RequestLogging;
/// let logging = RequestLogging::new()
///     .with_body_limit(2048)
///     .omit_response_keys("/login", ["access_token", "refresh_token"]);
/// # let _ = logging;
/// ```
#[derive(Clone, Debug)]
pub struct RequestLogging {
    headers: bool,
    request_body: bool,
    response_body: bool,
    limit: usize,
    omit: Vec<(String, Arc<[String]>)>,
    server_error_level: log::Level,
}

impl Default for RequestLogging {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestLogging {
    /// Headers and bodies on, bodies up to 8 KiB.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::tower::{EcsLayer, RequestLogging};
    /// use http_body_util::BodyExt as _;
    /// use tower::{service_fn, Layer as _, ServiceExt as _};
    ///
    /// let svc = EcsLayer::new()
    ///     .with_request_logging(RequestLogging::new())
    ///     .layer(service_fn(|_req: http::Request<String>| async {
    ///         Ok::<_, std::convert::Infallible>(http::Response::new(String::from("created")))
    ///     }));
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let req = http::Request::post("/orders").body(String::from("{}")).unwrap();
    /// let (_, lines) = ecsctx::testing::capture_future(async {
    ///     let res = svc.oneshot(req).await.unwrap();
    ///     // `http_response_sent` is written once the body has been sent.
    ///     res.into_body().collect().await.unwrap();
    /// })
    /// .await;
    /// let messages: Vec<&str> = lines.iter().map(|l| l["message"].as_str().unwrap()).collect();
    /// assert_eq!(messages, ["http_request_received", "http_response_sent"]);
    /// assert_eq!(lines[1]["http"]["response"]["status_code"], 200);
    /// assert_eq!(lines[1]["http"]["response"]["body"]["content"], "created");
    /// # });
    /// ```
    pub fn new() -> Self {
        RequestLogging {
            headers: true,
            request_body: true,
            response_body: true,
            limit: 8 * 1024,
            omit: Vec::new(),
            server_error_level: log::Level::Warn,
        }
    }

    /// The level of the `http_response_sent` line for a 5xx response, or when the service
    /// fails without one (default: `warn`; other responses are `info`). With
    /// `RUST_LOG=ecsctx::http=warn`, only those lines are written.
    ///
    /// # Examples
    /// ```
    /// let l = ecsctx::integrations::tower::RequestLogging::new()
    ///     .with_server_error_level(log::Level::Error);
    /// # let _ = l;
    /// ```
    pub fn with_server_error_level(mut self, level: log::Level) -> Self {
        self.server_error_level = level;
        self
    }

    /// Logs at most `bytes` of each body (`0` logs no bodies).
    ///
    /// # Examples
    /// ```
    /// let l = ecsctx::integrations::tower::RequestLogging::new().with_body_limit(0);
    /// # let _ = l;
    /// ```
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }

    /// Whether to log headers (default: on).
    ///
    /// # Examples
    /// ```
    /// let l = ecsctx::integrations::tower::RequestLogging::new().with_headers(false);
    /// # let _ = l;
    /// ```
    pub fn with_headers(mut self, on: bool) -> Self {
        self.headers = on;
        self
    }

    /// Whether to log request bodies (default: on).
    ///
    /// # Examples
    /// ```
    /// let l = ecsctx::integrations::tower::RequestLogging::new().with_request_body(false);
    /// # let _ = l;
    /// ```
    pub fn with_request_body(mut self, on: bool) -> Self {
        self.request_body = on;
        self
    }

    /// Whether to log response bodies (default: on).
    ///
    /// # Examples
    /// ```
    /// let l = ecsctx::integrations::tower::RequestLogging::new().with_response_body(false);
    /// # let _ = l;
    /// ```
    pub fn with_response_body(mut self, on: bool) -> Self {
        self.response_body = on;
        self
    }

    /// Leaves these JSON keys (at any depth) out of the logged response body of `route`.
    ///
    /// `route` is axum's route template (`/users/{id}`, its `MatchedPath`) when the
    /// `axum` feature is on and the layer is added with `Router::layer`; otherwise the
    /// request path. A response of such a route is logged only when it is complete,
    /// parseable JSON: a truncated or non-JSON body is withheld rather than logged with
    /// the keys in it.
    ///
    /// # Examples
    /// ```
    /// let l = ecsctx::integrations::tower::RequestLogging::new()
    ///     .omit_response_keys("/users/{id}", ["ssn"]);
    /// # let _ = l;
    /// ```
    pub fn omit_response_keys<I, S>(mut self, route: &str, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let keys: Arc<[String]> = keys.into_iter().map(Into::into).collect();
        self.omit.retain(|(r, _)| r != route);
        self.omit.push((route.to_owned(), keys));
        self
    }

    fn omit_for(&self, route: &str) -> Arc<[String]> {
        self.omit
            .iter()
            .find(|(r, _)| r == route)
            .map(|(_, k)| k.clone())
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }
}

#[derive(Debug, Default)]
struct Config {
    base: Context,
    trust: Trust,
    logging: Option<RequestLogging>,
    no_response_header: bool,
}

/// The layer; see the [module docs](self).
///
/// # Examples
/// ```
/// use ecsctx::integrations::tower::EcsLayer;
/// let layer = EcsLayer::new().with_trusted_proxies(["10.0.0.0/8".parse().unwrap()]);
/// # let _ = layer;
/// ```
#[derive(Clone, Debug, Default)]
pub struct EcsLayer {
    cfg: Arc<Config>,
}

impl EcsLayer {
    /// Context and trace per request; peer address as the client; no request logging.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::tower::EcsLayer;
    /// use tower::{service_fn, Layer as _, ServiceExt as _};
    ///
    /// let svc = EcsLayer::new().layer(service_fn(|_req: http::Request<String>| async {
    ///     log::info!("order_created");
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// }));
    /// let req = http::Request::post("/orders")
    ///     .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    ///     .body(String::new())
    ///     .unwrap();
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (res, lines) = ecsctx::testing::capture_future(svc.oneshot(req)).await;
    /// let line = &lines[0];
    /// assert_eq!(line["trace"]["id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    /// assert_eq!(line["http"]["request"]["method"], "POST");
    /// assert_eq!(line["url"]["path"], "/orders");
    /// // The response names the request's span, for the caller to correlate:
    /// let span = line["span"]["id"].as_str().unwrap();
    /// assert_eq!(
    ///     res.unwrap().headers()["traceparent"],
    ///     format!("00-4bf92f3577b34da6a3ce929d0e0e4736-{span}-01")
    /// );
    /// # });
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    fn cfg_mut(&mut self) -> &mut Config {
        if Arc::get_mut(&mut self.cfg).is_none() {
            let c = &*self.cfg;
            self.cfg = Arc::new(Config {
                base: c.base.clone(),
                trust: c.trust.clone(),
                logging: c.logging.clone(),
                no_response_header: c.no_response_header,
            });
        }
        Arc::get_mut(&mut self.cfg).expect("unique after the copy")
    }

    /// Every request's context starts from `ctx` (service-wide fields; in tests, the
    /// capture context). Default: empty.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields};
    /// let base = Context::empty().with_fields(Fields::new().with("labels.region", "eu-west-1"));
    /// let layer = ecsctx::integrations::tower::EcsLayer::new().with_base_context(base);
    /// # let _ = layer;
    /// ```
    pub fn with_base_context(mut self, ctx: Context) -> Self {
        self.cfg_mut().base = ctx;
        self
    }

    /// `n` reverse proxies stand in front of the service (the peer is the last of them):
    /// the client is the `n`-th address from the right of `X-Forwarded-For` (then
    /// `Forwarded`, then `X-Real-IP`). `0` trusts no header.
    ///
    /// # Examples
    /// ```
    /// let layer = ecsctx::integrations::tower::EcsLayer::new().with_trusted_proxy_count(1);
    /// # let _ = layer;
    /// ```
    pub fn with_trusted_proxy_count(mut self, n: usize) -> Self {
        self.cfg_mut().trust = Trust::Count(n);
        self
    }

    /// Forwarding headers are read only when the peer is in one of `networks`; the client
    /// is the rightmost address that is not.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::tower::{Cidr, EcsLayer};
    /// let nets: Vec<Cidr> = ["10.0.0.0/8", "fd00::/8"].iter().map(|s| s.parse().unwrap()).collect();
    /// let layer = EcsLayer::new().with_trusted_proxies(nets);
    /// # let _ = layer;
    /// ```
    pub fn with_trusted_proxies<I: IntoIterator<Item = Cidr>>(mut self, networks: I) -> Self {
        self.cfg_mut().trust = Trust::Cidrs(networks.into_iter().collect());
        self
    }

    /// Logs `http_request_received`/`http_response_sent` for every request.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::tower::{EcsLayer, RequestLogging};
    /// let layer = EcsLayer::new().with_request_logging(RequestLogging::new());
    /// # let _ = layer;
    /// ```
    pub fn with_request_logging(mut self, logging: RequestLogging) -> Self {
        self.cfg_mut().logging = Some(logging);
        self
    }

    /// Whether responses get a `traceparent` header (default: on).
    ///
    /// # Examples
    /// ```
    /// let layer = ecsctx::integrations::tower::EcsLayer::new().with_response_traceparent(false);
    /// # let _ = layer;
    /// ```
    pub fn with_response_traceparent(mut self, on: bool) -> Self {
        self.cfg_mut().no_response_header = !on;
        self
    }
}

impl<S> tower_layer::Layer<S> for EcsLayer {
    type Service = EcsService<S>;

    fn layer(&self, inner: S) -> EcsService<S> {
        EcsService {
            inner,
            cfg: self.cfg.clone(),
        }
    }
}

/// The service made by [`EcsLayer`].
///
/// # Examples
/// ```
/// use tower::{service_fn, Layer as _};
/// let svc = ecsctx::integrations::tower::EcsLayer::new().layer(service_fn(|_req: http::Request<String>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
/// }));
/// # let _ = svc;
/// ```
#[derive(Clone, Debug)]
pub struct EcsService<S> {
    inner: S,
    cfg: Arc<Config>,
}

fn header_str<'a>(h: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn peer_ip(ext: &http::Extensions) -> Option<IpAddr> {
    if let Some(p) = ext.get::<PeerAddr>() {
        return Some(p.0.ip());
    }
    #[cfg(feature = "axum")]
    if let Some(p) = super::axum::peer_addr(ext) {
        return Some(p.ip());
    }
    None
}

fn route_of<B>(req: &Request<B>) -> &str {
    #[cfg(feature = "axum")]
    if let Some(r) = super::axum::matched_path(req.extensions()) {
        return r;
    }
    req.uri().path()
}

struct ReceivedLog {
    headers: Option<std::collections::BTreeMap<String, String>>,
    pre_read: Option<Box<dyn PreRead>>,
    content_type: Option<String>,
}

struct RespondLog {
    start: Instant,
    headers: bool,
    cap: usize,
    omit: Arc<[String]>,
    error_level: log::Level,
}

impl<S, ReqBody, ResBody> tower_service::Service<Request<ReqBody>> for EcsService<S>
where
    S: tower_service::Service<Request<ReqBody>, Response = Response<ResBody>>,
    ReqBody: 'static,
    ResBody: Body,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut TaskCx<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        let cfg = &*self.cfg;
        let headers = req.headers();
        let trace = TraceContext::from_headers(
            header_str(headers, "traceparent"),
            header_str(headers, "tracestate"),
        );
        let tp = trace.traceparent();

        let mut f = Fields::new();
        if let Some(ip) = cfg.trust.resolve(peer_ip(req.extensions()), headers) {
            f.insert("client.ip", &ip);
        }
        f.insert("http.request.method", req.method().as_str());
        f.insert("url.path", req.uri().path());
        // The query often carries credentials (`?access_token=…`): masked here, so the
        // bound value is safe even when the logger's masker is off.
        if let Some(q) = req.uri().query().filter(|q| !q.is_empty()) {
            f.insert("url.query", &*crate::pii::redact_url(q));
        }
        if let Some(ua) = header_str(headers, "user-agent") {
            f.insert("user_agent.original", ua);
        }
        if let Some(u) = req.extensions().get::<User>() {
            u.add_to(&mut f);
        }
        // Fields first, then the trace: each step builds a frame, and this order renders
        // the trace fields once instead of twice.
        // A test capture the request runs in (`capture_future(app.oneshot(req))`) gets
        // its lines; nothing else of the serving task's context is taken.
        let ctx = cfg
            .base
            .with_sink_of(&Context::current())
            .with_fields(f.with_trace(trace));

        let (received, respond) = match &cfg.logging {
            Some(l) if logging::enabled(log::Level::Info.min(l.server_error_level)) => {
                // The request line is `info`; the response line may be written alone
                // (a 5xx at `warn` under `ecsctx::http=warn`).
                let received = logging::enabled(log::Level::Info).then(|| {
                    let content_type =
                        header_str(req.headers(), "content-type").map(str::to_owned);
                    let pre_read = if l.request_body
                        && l.limit > 0
                        && logging::is_textual(content_type.as_deref())
                    {
                        pre_read(&mut req, l.limit)
                    } else {
                        None
                    };
                    Box::new(ReceivedLog {
                        headers: l.headers.then(|| logging::headers_map(req.headers())),
                        pre_read,
                        content_type,
                    })
                });
                let respond = RespondLog {
                    start: Instant::now(),
                    headers: l.headers,
                    cap: if l.response_body { l.limit } else { 0 },
                    omit: l.omit_for(route_of(&req)),
                    error_level: l.server_error_level,
                };
                (received, Some(Box::new(respond)))
            }
            _ => (None, None),
        };

        let fut = ctx.run(|| {
            let _in = InRequest::enter();
            self.inner.call(req)
        });
        Inner {
            fut,
            tp: (!cfg.no_response_header).then_some(tp),
            received,
            respond,
        }
        .with_context(ctx)
    }
}

#[allow(unused_variables)]
fn pre_read<B: 'static>(req: &mut Request<B>, limit: usize) -> Option<Box<dyn PreRead>> {
    #[cfg(feature = "axum")]
    {
        super::axum::pre_read(req, limit)
    }
    #[cfg(not(feature = "axum"))]
    {
        None
    }
}

/// The future of [`EcsService`]: the inner future inside the request's context.
pub type ResponseFuture<F> = WithContext<Inner<F>>;

pin_project_lite::pin_project! {
    /// The inner service's future plus the layer's work at its start and end.
    pub struct Inner<F> {
        #[pin]
        fut: F,
        tp: Option<TraceParent>,
        received: Option<Box<ReceivedLog>>,
        respond: Option<Box<RespondLog>>,
    }
}

impl<F> fmt::Debug for Inner<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inner")
            .field("traceparent", &self.tp)
            .finish_non_exhaustive()
    }
}

impl<F, B, E> Future for Inner<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Body,
{
    type Output = Result<Response<ResponseBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskCx<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _in = InRequest::enter();
        if let Some(rec) = this.received {
            let body = match &mut rec.pre_read {
                Some(p) => Some(ready!(p.poll_capture(cx))),
                None => None,
            };
            let text = body
                .as_ref()
                .and_then(|c| logging::body_text(c, rec.content_type.as_deref(), &[]));
            logging::emit_received(rec.headers.as_ref(), text.as_deref(), body.map(|c| c.total));
            *this.received = None;
        }
        let res = ready!(this.fut.poll(cx));
        let log = this.respond.take().map(|r| {
            let mut sent = SentLog {
                ctx: Context::current(),
                start: r.start,
                status: None,
                headers: None,
                content_type: None,
                cap: r.cap,
                captured: Captured::default(),
                omit: r.omit,
                failed: false,
                error_level: r.error_level,
            };
            match &res {
                Ok(resp) => {
                    sent.status = Some(resp.status().as_u16());
                    sent.content_type =
                        header_str(resp.headers(), "content-type").map(str::to_owned);
                    if r.headers {
                        sent.headers = Some(logging::headers_map(resp.headers()));
                    }
                }
                Err(_) => sent.failed = true,
            }
            Box::new(sent)
        });
        Poll::Ready(match res {
            Ok(mut resp) => {
                if let Some(tp) = this.tp {
                    if let Ok(v) = HeaderValue::from_bytes(&tp.to_bytes()) {
                        resp.headers_mut().insert("traceparent", v);
                    }
                }
                Ok(resp.map(|inner| ResponseBody { inner, log }))
            }
            Err(e) => {
                if let Some(l) = log {
                    l.finish();
                }
                Err(e)
            }
        })
    }
}

pin_project_lite::pin_project! {
    /// The response body of [`EcsService`]: the inner body, unchanged, observed as it
    /// streams when request logging is on (`http_response_sent` is written at its end).
    pub struct ResponseBody<B> {
        #[pin]
        inner: B,
        log: Option<Box<SentLog>>,
    }

    impl<B> PinnedDrop for ResponseBody<B> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(l) = this.project().log.take() {
                l.finish();
            }
        }
    }
}

impl<B> fmt::Debug for ResponseBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("logging", &self.log.is_some())
            .finish()
    }
}

impl<B: Body> Body for ResponseBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut TaskCx<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let res = ready!(this.inner.poll_frame(cx));
        match &res {
            Some(Ok(frame)) => {
                if let (Some(l), Some(d)) = (this.log.as_mut(), frame.data_ref()) {
                    use bytes::Buf as _;
                    l.on_data(d.chunk(), d.remaining());
                }
            }
            Some(Err(_)) => {
                if let Some(l) = this.log.as_mut() {
                    l.failed = true;
                }
            }
            None => {
                if let Some(l) = this.log.take() {
                    l.finish();
                }
            }
        }
        Poll::Ready(res)
    }

    #[inline]
    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    #[inline]
    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
