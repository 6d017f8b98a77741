pub mod mask;
pub mod pii;
