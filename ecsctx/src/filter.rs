//! Level filters with `env_logger`-style directives: `info,hyper=warn,shop::checkout=debug`.

use log::LevelFilter;

/// Parsed directives: a default level and per-module levels (longest prefix wins).
#[derive(Clone, Debug)]
pub(crate) struct Filter {
    default: LevelFilter,
    /// Sorted by descending module length, so the first match is the longest.
    modules: Vec<(Box<str>, LevelFilter)>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            default: LevelFilter::Info,
            modules: Vec::new(),
        }
    }
}

impl Filter {
    /// Parses a directive list; invalid parts are skipped and returned as warnings.
    pub(crate) fn parse(spec: &str) -> (Filter, Vec<String>) {
        let mut f = Filter {
            default: LevelFilter::Error,
            modules: Vec::new(),
        };
        let mut saw_default = false;
        let mut warnings = Vec::new();
        // `env_logger` allows a trailing `/regex`; we do not filter on messages.
        let spec = match spec.split_once('/') {
            Some((d, _)) => {
                warnings.push("message filters (`/regex`) are not supported; ignored".into());
                d
            }
            None => spec,
        };
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                None => match part.parse::<LevelFilter>() {
                    Ok(l) => {
                        f.default = l;
                        saw_default = true;
                    }
                    // A bare module name enables everything for it.
                    Err(_) => f.modules.push((part.into(), LevelFilter::Trace)),
                },
                Some((m, l)) => match l.trim().parse::<LevelFilter>() {
                    Ok(l) if !m.trim().is_empty() => f.modules.push((m.trim().into(), l)),
                    _ => warnings.push(format!("invalid directive `{part}`; ignored")),
                },
            }
        }
        if !saw_default && f.modules.is_empty() {
            f.default = LevelFilter::Info;
        }
        f.modules.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
        (f, warnings)
    }

    /// The most verbose level any directive enables (for `log::set_max_level`).
    pub(crate) fn max_level(&self) -> LevelFilter {
        self.modules
            .iter()
            .map(|m| m.1)
            .fold(self.default, std::cmp::max)
    }

    #[inline]
    pub(crate) fn enabled(&self, target: &str, level: log::Level) -> bool {
        for (m, l) in &self.modules {
            if target.starts_with(&**m)
                && (target.len() == m.len() || target[m.len()..].starts_with("::"))
            {
                return level <= *l;
            }
        }
        level <= self.default
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use log::Level::*;

    #[test]
    fn directives() {
        let (f, w) = Filter::parse("info,hyper=warn,shop::checkout=debug");
        assert!(w.is_empty());
        assert!(f.enabled("app", Info) && !f.enabled("app", Debug));
        assert!(f.enabled("hyper::client", Warn) && !f.enabled("hyper::client", Info));
        assert!(!f.enabled("hyperx", Trace) && f.enabled("hyperx", Info));
        assert!(f.enabled("shop::checkout::pay", Debug));
        assert!(!f.enabled("shop::cart", Debug));
        assert_eq!(f.max_level(), LevelFilter::Debug);
    }

    #[test]
    fn bare_module_and_errors() {
        let (f, w) = Filter::parse("warn,mycrate,bad=loud");
        assert_eq!(w.len(), 1);
        assert!(f.enabled("mycrate::x", Trace));
        assert!(!f.enabled("other", Info));
        let (f, _) = Filter::parse("");
        assert!(f.enabled("x", Info) && !f.enabled("x", Debug));
        let (f, _) = Filter::parse("off");
        assert_eq!(f.max_level(), LevelFilter::Off);
    }
}
