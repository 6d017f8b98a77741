//! The settings that binding context shares with the installed logger (context is
//! rendered when it is bound): placement policy, masker and limits. `config` installs
//! them with the logger; `context` and `logger` read them. A leaf, so neither needs
//! `config`.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use crate::mask::Masker;
use crate::placement::Policy;
use crate::render::value::Limits;

/// Settings that binding context needs too (context is rendered when it is bound).
pub(crate) struct Shared {
    /// Names these settings in the per-thread memo of key places (never reused).
    pub(crate) id: u64,
    pub(crate) policy: Policy,
    pub(crate) masker: Option<Arc<dyn Masker>>,
    pub(crate) limits: Limits,
}

static SHARED: RwLock<Option<Arc<Shared>>> = RwLock::new(None);
static DEFAULT_SHARED: OnceLock<Arc<Shared>> = OnceLock::new();

/// Bumped by [`install`]: a thread's copy of the settings is current while it holds
/// this value (read, never written, on the hot path).
static GENERATION: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's own copy of the settings and the generation it was taken at.
    static MINE: RefCell<Option<(u64, Arc<Shared>)>> = const { RefCell::new(None) };
}

/// The settings of the installed logger, as this thread's own copy: a bind counts a
/// reference on memory no other thread writes (taking the global lock and a reference
/// to one `Arc` every bind made two threads slower than two processes).
pub(crate) fn local() -> Arc<Shared> {
    let generation = GENERATION.load(Ordering::Acquire);
    MINE.try_with(|m| {
        let mut m = m.try_borrow_mut().ok()?;
        match &*m {
            Some((g, s)) if *g == generation => Some(s.clone()),
            _ => {
                let g = shared();
                let s = Arc::new(Shared {
                    id: crate::ids::next(),
                    policy: g.policy.clone(),
                    masker: g.masker.clone(),
                    limits: g.limits,
                });
                *m = Some((generation, s.clone()));
                Some(s)
            }
        }
    })
    .ok()
    .flatten()
    // (A thread's locals being destroyed.)
    .unwrap_or_else(shared)
}

/// The settings of the installed logger (defaults before [`init`](crate::init)).
pub(crate) fn shared() -> Arc<Shared> {
    if let Some(s) = SHARED.read().ok().and_then(|g| g.clone()) {
        return s;
    }
    DEFAULT_SHARED
        .get_or_init(|| {
            Arc::new(Shared {
                id: crate::ids::next(),
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
    GENERATION.fetch_add(1, Ordering::Release);
}

/// `ECSCTX_ROOT_FIELDS`: a comma list of extra keys kept at the root.
pub(crate) fn root_fields_from_env() -> Vec<String> {
    std::env::var("ECSCTX_ROOT_FIELDS")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default()
}
