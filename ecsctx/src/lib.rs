//! placeholder

pub use ecsctx_macros::{bind, event};

#[doc(hidden)]
pub mod __private;
