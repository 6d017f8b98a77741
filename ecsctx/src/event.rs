//! The event model: what an `event!` call site and its values are, before any placement,
//! masking or rendering. The macro expansion builds these (through `__private`); the
//! logger reads them.

use std::fmt;

use log::kv::Value;

use crate::render::entries::Entries;

/// The types `event!` writes without going through `log`'s value API.
#[doc(hidden)]
pub trait Scalar {
    #[doc(hidden)]
    fn __ecsctx_arg(&self) -> Arg<'_>;
}

macro_rules! scalar {
    ($($variant:ident($as:ty): $($t:ty),*;)*) => {$($(
        impl Scalar for $t {
            #[inline(always)]
            fn __ecsctx_arg(&self) -> Arg<'_> {
                Arg::$variant(*self as $as)
            }
        }
    )*)*};
}

scalar! {
    I64(i64): i8, i16, i32, i64, isize;
    U64(u64): u8, u16, u32, u64, usize;
    I128(i128): i128;
    U128(u128): u128;
    F64(f64): f32, f64;
    Bool(bool): bool;
    Char(char): char;
}

impl Scalar for str {
    #[inline(always)]
    fn __ecsctx_arg(&self) -> Arg<'_> {
        Arg::Str(self)
    }
}

impl Scalar for String {
    #[inline(always)]
    fn __ecsctx_arg(&self) -> Arg<'_> {
        Arg::Str(self)
    }
}

impl<T: Scalar + ?Sized> Scalar for &T {
    #[inline(always)]
    fn __ecsctx_arg(&self) -> Arg<'_> {
        (**self).__ecsctx_arg()
    }
}

/// One `event!` call site: a `static` in the expansion.
///
/// The global ECS logger remembers here, on the first event, where this call site's
/// keys go (placed, masked and indexed), so later events only render their values.
#[doc(hidden)]
#[derive(Debug)]
pub struct Callsite {
    pub(crate) shape: std::sync::OnceLock<Option<SiteShape>>,
    /// The message when it is not a literal (a declared event's action).
    pub(crate) message: Option<&'static str>,
    /// Which of the call site's strings hold no byte JSON escapes
    /// ([`Callsite::PLAIN_MESSAGE`], [`Callsite::PLAIN_TARGET`]), checked when the
    /// `static` is made.
    pub(crate) plain: u8,
}

impl Callsite {
    /// The message (a literal name or a declared action) holds no byte JSON escapes
    /// (`"`, `\`, a control character): it is written as it is (within the length cap),
    /// not checked on every line.
    pub const PLAIN_MESSAGE: u8 = 1;
    /// The target (a literal, or `module_path!()`) holds no byte JSON escapes.
    pub const PLAIN_TARGET: u8 = 2;

    /// An empty call site (used in the expansion's `static`).
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Callsite {
            shape: std::sync::OnceLock::new(),
            message: None,
            plain: 0,
        }
    }

    /// The call site of an event named by the literal `name` (the expansion's format
    /// string).
    pub const fn literal(name: &'static str) -> Self {
        Callsite {
            shape: std::sync::OnceLock::new(),
            message: None,
            plain: plain_bit(name, Self::PLAIN_MESSAGE),
        }
    }

    /// The call site of a declared event, whose message is its action.
    pub const fn declared(action: &'static str) -> Self {
        Callsite {
            shape: std::sync::OnceLock::new(),
            message: Some(action),
            plain: plain_bit(action, Self::PLAIN_MESSAGE),
        }
    }

    /// This call site with its target known when the `static` is made (a literal, or
    /// `module_path!()`).
    pub const fn with_target(mut self, target: &'static str) -> Self {
        self.plain |= plain_bit(target, Self::PLAIN_TARGET);
        self
    }
}

/// `bit` when `s` holds no byte JSON escapes, else 0.
const fn plain_bit(s: &str, bit: u8) -> u8 {
    if crate::render::escape::is_plain_const(s) {
        bit
    } else {
        0
    }
}

/// Events with more values are always rendered the general way.
pub(crate) const MAX_SHAPE_ARGS: usize = 29;

/// Where the leaves of one `event!` call site go, for the global logger: found on the
/// call site's first event and kept in its [`Callsite`].
///
/// Only a call site whose values are all scalars (each renders as exactly one leaf, at
/// its key's place) has a shape; its lines then skip key placement and, once a plan is
/// recorded for the shape (`tag`), the merge.
#[derive(Debug)]
pub(crate) struct SiteShape {
    pub(crate) logger: u64,
    /// Unique per shape: the plans recorded for it are found by it.
    pub(crate) tag: u64,
    /// The leaves in the order they are added (`log.logger`, origin, the values), with
    /// their keys; values empty.
    pub(crate) keys: Entries,
    /// Bit `i`: the masker has a key rule for the path of value `i`
    /// ([`Masker::masks_by_path`](crate::mask::Masker::masks_by_path)).
    pub(crate) by_path: u32,
    /// Bit `i`: the masker may rewrite a number at the path of value `i`
    /// ([`Masker::masks_numbers_at`](crate::mask::Masker::masks_numbers_at)).
    pub(crate) nums_by_path: u32,
    /// Bit `i`: value `i` is at a field ECS types as a number, a date, an IP … (not a
    /// string), where a value written as text (NaN, ±inf) has no place: it is moved to
    /// `extra` the general way.
    pub(crate) typed: u32,
}

impl SiteShape {
    /// Whether the shape serves these values: not when a float at a typed field is not
    /// finite (written as the text `"NaN"`, `"inf"`).
    #[inline]
    pub(crate) fn serves(&self, kvs: &[(&str, Arg<'_>)]) -> bool {
        self.typed == 0
            || kvs.iter().enumerate().all(|(i, (_, a))| {
                self.typed & (1 << i) == 0 || !matches!(a, Arg::F64(f) if !f.is_finite())
            })
    }
}

/// The key-values of an `event!` as a `log` key-value source.
pub(crate) struct Kvs<'a, 'v>(pub(crate) &'a [(&'a str, Arg<'v>)]);

impl ::log::kv::Source for Kvs<'_, '_> {
    fn visit<'kvs>(
        &'kvs self,
        visitor: &mut dyn ::log::kv::VisitSource<'kvs>,
    ) -> Result<(), ::log::kv::Error> {
        for (k, v) in self.0 {
            visitor.visit_pair(::log::kv::Key::from_str(k), v.to_value())?;
        }
        Ok(())
    }

    fn count(&self) -> usize {
        self.0.len()
    }
}

/// One value of an `event!`: the common scalars as they are (written without dynamic
/// dispatch), anything else as a `log` value.
#[doc(hidden)]
#[derive(Clone)]
pub enum Arg<'a> {
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F64(f64),
    Bool(bool),
    Char(char),
    Str(&'a str),
    /// A list of strings at an ECS field (a declared event's `event.category` and
    /// `event.type`, a list of string literals): one leaf, written as a JSON array.
    StrList(&'a [&'a str]),
    /// `key:% = value`.
    Display(&'a dyn fmt::Display),
    /// `key:? = value`.
    Debug(&'a dyn fmt::Debug),
    /// Everything else: serde values, field sets, errors, other `ToValue` types.
    Value(Value<'a>),
}

impl fmt::Debug for Arg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Arg(")?;
        fmt::Debug::fmt(&self.to_value(), f)?;
        f.write_str(")")
    }
}

/// An emptied list of key-values, its allocation kept for keys and values of another
/// lifetime: the standard library collects a `Vec` into one of the same layout in place,
/// so a thread reuses one list from line to line (`tracing` events, `log` records).
// (`filter_map` for the change of type: the list is empty.)
#[allow(clippy::unnecessary_filter_map)]
pub(crate) fn recycle(mut v: Vec<(&str, Arg<'_>)>) -> Vec<(&'static str, Arg<'static>)> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

impl<'a> Arg<'a> {
    /// A `log` value as a scalar argument, when it holds one (`&str`, an integer that
    /// fits 64 bits, a float, a bool, a char): `None` for errors, serde and `Display`
    /// captures, text owned by the value, `None` values. Its line is the same either way
    /// (`a_record_with_scalars_writes_the_line_of_the_general_path`).
    pub(crate) fn scalar_of(v: &Value<'a>) -> Option<Arg<'a>> {
        // One visit (one dispatch on the value's kind; a `:serde` value is serialized
        // once) instead of a cast per kind. An integer is an `I64` when it fits, else a
        // `U64` when it fits; anything else (owned text, a capture, an error, `None`) is
        // not a scalar.
        struct Scalar<'a>(Option<Arg<'a>>);
        type R = Result<(), log::kv::Error>;
        impl<'a> log::kv::VisitValue<'a> for Scalar<'a> {
            fn visit_any(&mut self, _: Value<'_>) -> R {
                Ok(())
            }
            fn visit_i64(&mut self, n: i64) -> R {
                self.0 = Some(Arg::I64(n));
                Ok(())
            }
            fn visit_u64(&mut self, n: u64) -> R {
                self.0 = Some(i64::try_from(n).map_or(Arg::U64(n), Arg::I64));
                Ok(())
            }
            fn visit_i128(&mut self, n: i128) -> R {
                self.0 = narrow(n);
                Ok(())
            }
            fn visit_u128(&mut self, n: u128) -> R {
                self.0 = narrow(n);
                Ok(())
            }
            fn visit_f64(&mut self, n: f64) -> R {
                self.0 = Some(Arg::F64(n));
                Ok(())
            }
            fn visit_bool(&mut self, b: bool) -> R {
                self.0 = Some(Arg::Bool(b));
                Ok(())
            }
            fn visit_char(&mut self, c: char) -> R {
                self.0 = Some(Arg::Char(c));
                Ok(())
            }
            fn visit_borrowed_str(&mut self, s: &'a str) -> R {
                self.0 = Some(Arg::Str(s));
                Ok(())
            }
        }
        /// A wide integer as an `I64` when it fits, else a `U64` when it fits.
        fn narrow<'a, N: TryInto<i64> + TryInto<u64> + Copy>(n: N) -> Option<Arg<'a>> {
            TryInto::<i64>::try_into(n)
                .map(Arg::I64)
                .or_else(|_| TryInto::<u64>::try_into(n).map(Arg::U64))
                .ok()
        }
        let mut out = Scalar(None);
        v.visit(&mut out).ok()?;
        out.0
    }

    /// Renders as exactly one leaf (so its key's place is known before it is rendered).
    #[inline]
    pub(crate) fn is_scalar(&self) -> bool {
        !matches!(self, Arg::Value(_))
    }

    /// Renders as a JSON string (text, a `char`, a `Display`/`Debug` capture).
    #[inline]
    pub(crate) fn is_text(&self) -> bool {
        matches!(
            self,
            Arg::Char(_) | Arg::Str(_) | Arg::Display(_) | Arg::Debug(_)
        )
    }

    /// The same value for `log`'s key-value API.
    pub(crate) fn to_value(&self) -> Value<'_> {
        match *self {
            Arg::I64(v) => Value::from(v),
            Arg::U64(v) => Value::from(v),
            Arg::I128(v) => Value::from(v),
            Arg::U128(v) => Value::from(v),
            Arg::F64(v) => Value::from(v),
            Arg::Bool(v) => Value::from(v),
            Arg::Char(v) => Value::from(v),
            Arg::Str(v) => Value::from(v),
            Arg::StrList(ref v) => Value::from_serde(v),
            Arg::Display(v) => Value::from_dyn_display(v),
            Arg::Debug(v) => Value::from_dyn_debug(v),
            Arg::Value(ref v) => ::log::kv::ToValue::to_value(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Callsite;

    /// A call site's name (or declared action) and target are checked for bytes JSON
    /// escapes where its `static` is made, each for its own bit.
    #[test]
    fn a_call_site_string_is_plain_only_without_bytes_to_escape() {
        assert_eq!(
            Callsite::declared("jobs.run_completed").plain,
            Callsite::PLAIN_MESSAGE
        );
        assert_eq!(Callsite::literal("paid").plain, Callsite::PLAIN_MESSAGE);
        for s in ["a\"b", "a\\b", "a\nb", "\u{1}"] {
            assert_eq!(Callsite::declared(s).plain, 0, "{s:?}");
            assert_eq!(Callsite::literal(s).plain, 0, "{s:?}");
            assert_eq!(
                Callsite::literal("paid").with_target(s).plain,
                Callsite::PLAIN_MESSAGE
            );
        }
        let site = Callsite::declared("jobs.run_completed").with_target(module_path!());
        assert_eq!(site.plain, Callsite::PLAIN_MESSAGE | Callsite::PLAIN_TARGET);
        assert_eq!(
            Callsite::literal("a\"b").with_target("t").plain,
            Callsite::PLAIN_TARGET
        );
        assert_eq!(Callsite::new().plain, 0);
    }
}
