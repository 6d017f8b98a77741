//! placeholder
/// x
pub struct PiiMasker;
