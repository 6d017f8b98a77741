//! The authenticated user of a request: [`User`] in the request's extensions,
//! [`bind_user`] and [`set_user`] (re-exported by `tower` and `axum`), and whether code
//! runs inside a request of the layer ([`in_request`]).

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use http::Request;

use crate::context::{self, Context, Fields};

/// The authenticated user of a request, set by [`set_user`] in the request's extensions.
///
/// # Examples
/// ```
/// use ecsctx::integrations::tower::User;
/// let u = User::new(42).with_name("alice");
/// assert_eq!((u.id(), u.name()), ("42", Some("alice")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    id: String,
    name: Option<String>,
}

impl User {
    /// A user by id (`user.id`, an ECS keyword: numbers are written as strings).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::tower::User;
    /// assert_eq!(User::new(42).id(), "42"); // numbers become strings
    /// assert_eq!(User::new("u-7").name(), None);
    /// ```
    pub fn new(id: impl fmt::Display) -> Self {
        User {
            id: id.to_string(),
            name: None,
        }
    }

    /// With a `user.name`.
    ///
    /// # Examples
    /// ```
    /// let u = ecsctx::integrations::tower::User::new("u-1").with_name("bob");
    /// assert_eq!(u.name(), Some("bob"));
    /// ```
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The id.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::tower::{set_user, User};
    /// let mut req = http::Request::new(());
    /// set_user(&mut req, 1001, None);
    /// assert_eq!(req.extensions().get::<User>().unwrap().id(), "1001");
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name, if set.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::tower::User;
    /// assert_eq!(User::new(7).name(), None);
    /// assert_eq!(User::new(7).with_name("alice").name(), Some("alice"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub(crate) fn add_to(&self, f: &mut Fields) {
        f.insert("user.id", self.id.as_str());
        if let Some(n) = &self.name {
            f.insert("user.name", n.as_str());
        }
    }

    fn fields(&self) -> Fields {
        let mut f = Fields::new();
        self.add_to(&mut f);
        f
    }
}

thread_local! {
    /// > 0 while a request future of this layer is being polled on this thread.
    static IN_REQUEST: Cell<u32> = const { Cell::new(0) };
}

pub(crate) struct InRequest;

impl InRequest {
    pub(crate) fn enter() -> Self {
        IN_REQUEST.with(|c| c.set(c.get() + 1));
        InRequest
    }
}

impl Drop for InRequest {
    fn drop(&mut self) {
        IN_REQUEST.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Whether code runs inside a request of an [`EcsLayer`](super::EcsLayer) (its handler, its middleware
/// after the layer, extractors).
///
/// # Examples
/// ```
/// assert!(!ecsctx::integrations::tower::in_request());
/// ```
pub fn in_request() -> bool {
    IN_REQUEST.with(|c| c.get() > 0)
}

static WARNED_OUTSIDE: AtomicBool = AtomicBool::new(false);

/// Binds `user.id` (and `user.name`) into the current request's scope: every later line
/// of the request carries them, `http_response_sent` included. Returns whether it was
/// bound.
///
/// Call it wherever authentication happens after the layer: an extractor, a middleware,
/// the handler. Outside a request and outside any scope it binds nothing (binding there
/// would stick to the worker thread and leak into other requests), returns `false` and
/// says once on stderr to use [`set_user`] instead. In a task spawned from the request,
/// it binds into that task only.
///
/// # Examples
/// ```
/// use ecsctx::integrations::tower::bind_user;
/// let lines = ecsctx::testing::capture(|| {
///     assert!(bind_user(42, Some("alice")));
///     log::info!("paid");
/// });
/// assert_eq!(lines[0]["user"]["id"], "42");
/// // `user.name` is personal data: a token with a keyset configured, else redacted.
/// assert_ne!(lines[0]["user"]["name"], "alice");
/// ```
pub fn bind_user(id: impl fmt::Display, name: Option<&str>) -> bool {
    let mut user = User::new(id);
    user.name = name.map(str::to_owned);
    bind_user_value(&user)
}

fn bind_user_value(user: &User) -> bool {
    if !in_request() && Context::current() == Context::empty() {
        if !WARNED_OUTSIDE.swap(true, Ordering::Relaxed) {
            eprintln!(
                "ecsctx: bind_user called outside a request of EcsLayer and outside any scope; \
                 nothing was bound (it would leak into other requests). In a middleware placed \
                 before the layer, call ecsctx::integrations::tower::set_user(&mut request, ..)"
            );
        }
        return false;
    }
    context::bind_unscoped(user.fields());
    true
}

/// Records the user in the request's extensions, where [`EcsLayer`](super::EcsLayer) binds it when the
/// request reaches the layer; inside a request it also binds it at once ([`bind_user`]).
/// An authentication middleware that calls this is correct whether it runs before or
/// after the layer.
///
/// # Examples
/// ```
/// use ecsctx::integrations::tower::{set_user, User};
/// let mut req = http::Request::new(());
/// set_user(&mut req, 42, None);
/// assert_eq!(req.extensions().get::<User>().unwrap().id(), "42");
/// ```
pub fn set_user<B>(req: &mut Request<B>, id: impl fmt::Display, name: Option<&str>) {
    let mut user = User::new(id);
    user.name = name.map(str::to_owned);
    if in_request() {
        bind_user_value(&user);
    }
    req.extensions_mut().insert(user);
}
