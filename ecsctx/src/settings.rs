//! The settings that binding context shares with the installed logger (context is
//! rendered when it is bound): placement policy, masker and limits. `config` installs
//! them with the logger; `context` and `logger` read them. A leaf, so neither needs
//! `config`.

use std::sync::{Arc, OnceLock, RwLock};

use crate::mask::Masker;
use crate::placement::Policy;
use crate::render::value::Limits;

/// Settings that binding context needs too (context is rendered when it is bound).
pub(crate) struct Shared {
    pub(crate) policy: Policy,
    pub(crate) masker: Option<Arc<dyn Masker>>,
    pub(crate) limits: Limits,
}

static SHARED: RwLock<Option<Arc<Shared>>> = RwLock::new(None);
static DEFAULT_SHARED: OnceLock<Arc<Shared>> = OnceLock::new();

/// The settings of the installed logger (defaults before [`init`](crate::init)).
pub(crate) fn shared() -> Arc<Shared> {
    if let Some(s) = SHARED.read().ok().and_then(|g| g.clone()) {
        return s;
    }
    DEFAULT_SHARED
        .get_or_init(|| {
            Arc::new(Shared {
                policy: Policy::with_roots(root_fields_from_env()),
                masker: crate::pii::default_masker(),
                limits: Limits::default(),
            })
        })
        .clone()
}

/// Makes `shared` the settings binding context uses (the installed logger's).
pub(crate) fn install(shared: Arc<Shared>) {
    if let Ok(mut g) = SHARED.write() {
        *g = Some(shared);
    }
}

/// `ECSCTX_ROOT_FIELDS`: a comma list of extra keys kept at the root.
pub(crate) fn root_fields_from_env() -> Vec<String> {
    std::env::var("ECSCTX_ROOT_FIELDS")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default()
}
