//! Integrations with other crates, each behind the cargo feature of the same name
//! (no integration feature is on by default).
//!
//! | module | feature | what it does |
//! |---|---|---|
//! | [`tower`] | `tower` | a `Layer` for HTTP services (axum, hyper, tonic): request context, W3C trace context in and out, client IP, user binding, opt-in request/response logging |
//! | [`axum`] | `axum` | the layer's axum support: peer address from `ConnectInfo`, request body capture, per-route options by `MatchedPath`, [`axum::bind_user`] |
//! | [`reqwest`] | `reqwest` | a `reqwest-middleware` middleware that sends `traceparent`/`tracestate` |
//! | [`tokio`] | `tokio` | `spawn`/`spawn_blocking` that carry the context into tasks |
//! | [`tracing`] | `tracing` | a `tracing-subscriber` layer: `tracing` events as structured ECS lines, with their spans' fields |
//! | [`jobs`] | (always) | carry the context into background jobs through any queue, restore it in the worker |

/// Declares an integration module gated by the feature of the same name.
macro_rules! feature {
    ($feature:literal => $($item:item)*) => {
        $(
            #[cfg(feature = $feature)]
            $item
        )*
    };
}

feature! { "tower" =>
    pub mod tower;
}
feature! { "axum" =>
    pub mod axum;
}
feature! { "reqwest" =>
    pub mod reqwest;
}
feature! { "tokio" =>
    pub mod tokio;
}
feature! { "tracing" =>
    pub mod tracing;
}

pub mod jobs;
