//! Hidden support for the code that `event!` and `bind!` expand to.
//!
//! Nothing here is public API: names and signatures change without notice.
//! The trait names appear in compiler notes when a check fails, so they are
//! written to read well there (`assert_field_set`, `ErrorFieldSet`, …).

use std::fmt;

pub use ::log;
pub use ::serde;

use ::log::kv::Value;
use ::log::Level;
use ::serde::ser::{Serialize, Serializer};

use crate::event::Kvs;
pub use crate::event::{Arg, Callsite, Scalar};
use crate::render::error::ErrorFields;
pub use crate::typed::{
    date_value, DateValue, EcsBoolean, EcsCategory, EcsDate, EcsEventKind, EcsEventType,
    EcsInteger, EcsIp, EcsIpValue, EcsNumber, EcsOutcome,
};

// === emission ===

/// Builds the event of an `event!` and hands it to the global logger: straight to the
/// ECS logger when it is the installed one, else as a `log::Record`.
///
/// Kept out of line and non-generic so that every `event!` expands to little
/// more than its key-value array.
#[doc(hidden)]
#[inline(never)]
pub fn log_event(
    site: &'static Callsite,
    args: fmt::Arguments<'_>,
    level: Level,
    &(target, module_path, file, line): &(&str, &'static str, &'static str, u32),
    kvs: &[(&str, Arg<'_>)],
) {
    if let Some(logger) = crate::config::INSTALLED.get() {
        logger.log_event(site, args, level, target, file, line, kvs);
        return;
    }
    // The message is a static event name, checked at compile time: no PII to mask.
    let _event = crate::logger::EventMarker::enter();
    ::log::logger().log(
        &::log::Record::builder()
            .args(args)
            .level(level)
            .target(target)
            .module_path_static(Some(module_path))
            .file_static(Some(file))
            .line(Some(line))
            .key_values(&Kvs(kvs))
            .build(),
    );
}

/// `key:% = value` in `event!`.
#[doc(hidden)]
#[inline(always)]
pub fn display_arg<T: fmt::Display>(value: &T) -> Arg<'_> {
    Arg::Display(value)
}

/// `key:? = value` in `event!`.
#[doc(hidden)]
#[inline(always)]
pub fn debug_arg<T: fmt::Debug>(value: &T) -> Arg<'_> {
    Arg::Debug(value)
}

/// Any other `log` value in `event!` (serde values, field sets, errors).
#[doc(hidden)]
#[inline(always)]
pub fn value_arg(value: Value<'_>) -> Arg<'_> {
    Arg::Value(value)
}

/// `true` when an event at `level` can be logged at all; the expansion checks
/// this before evaluating any field.
#[doc(hidden)]
#[inline(always)]
pub fn level_enabled(level: Level) -> bool {
    level <= ::log::STATIC_MAX_LEVEL && level <= ::log::max_level()
}

/// Warns (through `#[deprecated]`) that `ecs_event` is only an alias.
#[doc(hidden)]
#[deprecated(
    note = "`ecs_event` is an alias kept for parity with the Python package; write `event = { .. }` or `event.action = ..` directly"
)]
#[inline(always)]
pub fn ecs_event_alias() {}

// === default capture ===

/// Values that `event!` captures without a modifier.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be logged as a plain value",
    label = "`{Self}` does not implement `log::kv::ToValue`",
    note = "capture it with a modifier: `key:% = value` (Display), `key:? = value` (Debug) or `key:serde = value` (Serialize)"
)]
pub trait Capture {
    #[doc(hidden)]
    fn __ecsctx_capture(&self) -> Value<'_>;
}

impl<T: ::log::kv::ToValue + ?Sized> Capture for T {
    #[inline(always)]
    fn __ecsctx_capture(&self) -> Value<'_> {
        self.to_value()
    }
}

/// Default capture of `event!`: a [`Scalar`] as it is, anything else through
/// `log::kv::ToValue`. The expansion calls
/// `capture((&&ArgProbe(&expr)).__ecsctx_arg_probe())`.
#[doc(hidden)]
#[inline(always)]
pub fn capture<'a, T: Capture + ?Sized>(probed: ArgProbed<'a, T>) -> Arg<'a> {
    match probed {
        ArgProbed::Arg(arg) => arg,
        ArgProbed::Other(value) => Arg::Value(value.__ecsctx_capture()),
    }
}

/// Autoref dispatch for a plain `key = expr`: a [`Scalar`] first, then anything
/// [`Capture`] accepts (the bound in [`capture`] reports the rest).
#[doc(hidden)]
pub struct ArgProbe<'a, T: ?Sized>(pub &'a T);

#[doc(hidden)]
pub trait ArgProbeScalar<'a> {
    fn __ecsctx_arg_probe(&self) -> ArgProbed<'a, Captured>;
}

impl<'a, T: Scalar + ?Sized> ArgProbeScalar<'a> for &ArgProbe<'a, T> {
    #[inline(always)]
    fn __ecsctx_arg_probe(&self) -> ArgProbed<'a, Captured> {
        ArgProbed::Arg(self.0.__ecsctx_arg())
    }
}

#[doc(hidden)]
pub trait ArgProbeFallback<'a, T: ?Sized> {
    fn __ecsctx_arg_probe(&self) -> ArgProbed<'a, T>;
}

impl<'a, T: ?Sized> ArgProbeFallback<'a, T> for ArgProbe<'a, T> {
    #[inline(always)]
    fn __ecsctx_arg_probe(&self) -> ArgProbed<'a, T> {
        ArgProbed::Other(self.0)
    }
}

/// What the probe found: a scalar already captured, or a value that must be
/// [`Capture`].
#[doc(hidden)]
pub enum ArgProbed<'a, T: ?Sized> {
    Arg(Arg<'a>),
    Other(&'a T),
}

// === free text at ECS keyword/text fields ===

/// Values an ECS `keyword`/`text` field takes without a modifier: anything `event!`
/// captures, and anything `Display` (written as its text).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be logged at this ECS text field: it is not a loggable value and not `Display`",
    label = "`{Self}` implements none of `std::fmt::Display`, `log::kv::ToValue` (`event!`) and `serde::Serialize` (`bind!`)",
    note = "capture it with a modifier: `key:? = value` (Debug) or `key:serde = value` (Serialize)"
)]
pub trait TextValue: fmt::Display {}

impl<T: fmt::Display + ?Sized> TextValue for T {}

/// An autoref dispatch for `key = expr` at an ECS `keyword`/`text` field: a [`Scalar`],
/// then what the macro captures otherwise (`$middle`, by `$bound`), then `Display`; the
/// expansion calls `capture_text((&&&$probe(&expr)).__ecsctx_text_probe())`.
macro_rules! text_probe {
    ($(#[$doc:meta])* $probe:ident, $scalar:ident, $middle:ident: $bound:path => $arg:expr, $display:ident) => {
        $(#[$doc])*
        #[doc(hidden)]
        pub struct $probe<'a, T: ?Sized>(pub &'a T);

        #[doc(hidden)]
        pub trait $scalar<'a> {
            fn __ecsctx_text_probe(&self) -> ArgProbed<'a, Captured>;
        }

        impl<'a, T: Scalar + ?Sized> $scalar<'a> for &&$probe<'a, T> {
            #[inline(always)]
            fn __ecsctx_text_probe(&self) -> ArgProbed<'a, Captured> {
                ArgProbed::Arg(self.0.__ecsctx_arg())
            }
        }

        #[doc(hidden)]
        pub trait $middle<'a> {
            fn __ecsctx_text_probe(&self) -> ArgProbed<'a, Captured>;
        }

        impl<'a, T: $bound> $middle<'a> for &$probe<'a, T> {
            #[inline(always)]
            fn __ecsctx_text_probe(&self) -> ArgProbed<'a, Captured> {
                let f: fn(&'a T) -> Arg<'a> = $arg;
                ArgProbed::Arg(f(self.0))
            }
        }

        #[doc(hidden)]
        pub trait $display<'a, T: ?Sized> {
            fn __ecsctx_text_probe(&self) -> ArgProbed<'a, T>;
        }

        impl<'a, T: ?Sized> $display<'a, T> for $probe<'a, T> {
            #[inline(always)]
            fn __ecsctx_text_probe(&self) -> ArgProbed<'a, T> {
                ArgProbed::Other(self.0)
            }
        }
    };
}

text_probe!(
    /// `event!`: a [`Scalar`], a `log` value ([`Capture`]), then `Display`.
    TextProbe, TextProbeScalar, TextProbeValue: Capture => |v| Arg::Value(v.__ecsctx_capture()), TextProbeDisplay
);
text_probe!(
    /// `bind!`, whose values are `Serialize`: a [`Scalar`], a `Serialize` value, then
    /// `Display`.
    BindTextProbe, BindTextScalar, BindTextSerialize: Serialize => |v| Arg::Value(Value::from_serde(v)), BindTextDisplay
);

/// The end of [`TextProbe`] and [`BindTextProbe`]: a `Display` value is written as its
/// text.
#[doc(hidden)]
#[inline(always)]
pub fn capture_text<'a, T: TextValue>(probed: ArgProbed<'a, T>) -> Arg<'a> {
    match probed {
        ArgProbed::Arg(arg) => arg,
        ArgProbed::Other(value) => Arg::Display(value),
    }
}

/// `bind!`'s value at an ECS `keyword`/`text` field: what [`capture_text`] took,
/// serialized as `event!` would write it.
#[doc(hidden)]
pub struct BindArg<'a>(pub Arg<'a>);

impl Serialize for BindArg<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::render::value::ArgSer(&self.0).serialize(serializer)
    }
}

/// Values that `bind!` binds without a modifier.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound: it does not implement `serde::Serialize`",
    label = "`{Self}` is not `Serialize`",
    note = "bind it with a modifier: `key:% = value` (Display) or `key:? = value` (Debug)"
)]
pub trait BindValue: Serialize {}

impl<T: Serialize + ?Sized> BindValue for T {}

/// Default capture of `bind!`: `serde::Serialize`.
#[doc(hidden)]
#[inline(always)]
pub fn bind_value<T: BindValue + ?Sized>(value: &T) -> &T {
    value
}

/// `key:% = value` in `bind!`: serializes as the `Display` string.
#[doc(hidden)]
pub struct DisplayValue<'a, T: ?Sized>(pub &'a T);

impl<T: fmt::Display + ?Sized> Serialize for DisplayValue<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// `key:? = value` in `bind!`: serializes as the `Debug` string.
#[doc(hidden)]
pub struct DebugValue<'a, T: ?Sized>(pub &'a T);

impl<T: fmt::Debug + ?Sized> Serialize for DebugValue<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{:?}", self.0))
    }
}

// === field sets ===

/// Values accepted where ECS expects an object (`http`, `user`, `client`, …).
///
/// Implemented for maps with string keys and for `serde_json::Map`. Plain
/// scalars, strings, `Vec`s and `serde_json::Value` are rejected because
/// Elasticsearch drops a scalar where the mapping says object.
///
/// Implement it for your own `Serialize` structs that serialize as a map, to pass them
/// to a field set directly (re-exported as `ecsctx::FieldSet`):
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Http<'a> { request: Request<'a> }
/// #[derive(serde::Serialize)]
/// struct Request<'a> { method: &'a str, bytes: u64 }
/// impl ecsctx::FieldSet for Http<'_> {}
///
/// let http = Http { request: Request { method: "POST", bytes: 120 } };
/// let lines = ecsctx::testing::capture(|| {
///     ecsctx::event!(info, "request_seen", http = http);
/// });
/// assert_eq!(lines[0]["http"]["request"]["method"], "POST");
/// assert_eq!(lines[0]["http"]["request"]["bytes"], 120);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an object, but this key is an ECS field set",
    label = "expected a map or an ECS object, found `{Self}`",
    note = "an ECS field set must be an object: write `key = {{ sub_field: value, .. }}` or `key.sub_field = value`, or pass a `BTreeMap<String, _>`/`HashMap<String, _>`",
    note = "a `Serialize` struct that serializes as a map can be passed as `key:serde = value`"
)]
pub trait FieldSet: Serialize {}

/// Checks (at compile time) that a field-set value is an object.
#[doc(hidden)]
#[inline(always)]
pub fn assert_field_set<T: FieldSet + ?Sized>(value: &T) -> &T {
    value
}

/// Checks (at compile time) that a value at an ECS `long`/`integer` field is an integer.
#[doc(hidden)]
#[inline(always)]
pub fn assert_ecs_integer<T: EcsInteger + ?Sized>(value: &T) -> &T {
    value
}

/// Checks (at compile time) that a value at an ECS `float`/`double` field is a number.
#[doc(hidden)]
#[inline(always)]
pub fn assert_ecs_number<T: EcsNumber + ?Sized>(value: &T) -> &T {
    value
}

/// Checks (at compile time) that a value at an ECS `boolean` field is a `bool`.
#[doc(hidden)]
#[inline(always)]
pub fn assert_ecs_boolean<T: EcsBoolean + ?Sized>(value: &T) -> &T {
    value
}

/// Checks (at compile time) that a value at an ECS `ip` field is an IP address.
#[doc(hidden)]
#[inline(always)]
pub fn assert_ecs_ip<T: EcsIp + ?Sized>(value: &T) -> &T {
    value
}

/// The value written at an ECS `ip` field for a single value: the address itself, or the
/// IP of a socket address (`SocketAddr` → its `ip()`).
#[doc(hidden)]
#[inline(always)]
pub fn ip_value<T: EcsIpValue + ?Sized>(value: &T) -> T::View<'_> {
    value.__ecsctx_ip()
}

/// Checks (at compile time) that a value at `event.outcome` is an `ecsctx::ecs::Outcome`.
#[doc(hidden)]
#[inline(always)]
pub fn assert_ecs_outcome<T: EcsOutcome + ?Sized>(value: &T) -> &T {
    value
}

/// Checks (at compile time) that a value at `event.kind` is an `ecsctx::ecs::EventKind`.
#[doc(hidden)]
#[inline(always)]
pub fn assert_ecs_event_kind<T: EcsEventKind + ?Sized>(value: &T) -> &T {
    value
}

/// Checks (at compile time) that a value at `event.category` is an `ecsctx::ecs::Category`.
#[doc(hidden)]
#[inline(always)]
pub fn assert_ecs_category<T: EcsCategory + ?Sized>(value: &T) -> &T {
    value
}

/// Checks (at compile time) that a value at `event.type` is an `ecsctx::ecs::EventType`.
#[doc(hidden)]
#[inline(always)]
pub fn assert_ecs_event_type<T: EcsEventType + ?Sized>(value: &T) -> &T {
    value
}

mod field_set_impls {
    use super::FieldSet;
    use std::collections::{BTreeMap, HashMap};
    use std::hash::BuildHasher;

    impl<K: AsRef<str> + serde::Serialize, V: serde::Serialize> FieldSet for BTreeMap<K, V> {}
    impl<K: AsRef<str> + serde::Serialize, V: serde::Serialize, S: BuildHasher> FieldSet
        for HashMap<K, V, S>
    {
    }
    impl FieldSet for serde_json::Map<String, serde_json::Value> {}
    impl<T: FieldSet + ?Sized> FieldSet for &T {}
    impl<T: FieldSet + ?Sized> FieldSet for &mut T {}
    impl<T: FieldSet + ?Sized> FieldSet for Box<T> {}
}

// === error ===

/// A captured error, serialized as the ECS `error` field set:
/// `{"message": …, "type": …, "stack_trace": …}`.
///
/// `type` is the Rust type name of the error; `stack_trace` (written by the serializer
/// `log` records share, `render::error`) is the error, its `source()` chain (one
/// `caused by:` line each) and, for `anyhow::Error`, the backtrace when one was captured.
/// It is left out when there is nothing beyond the message to show.
#[doc(hidden)]
pub enum ErrorField<'a> {
    /// A `std::error::Error`.
    Error {
        /// The error itself.
        error: &'a (dyn std::error::Error + 'a),
        /// `std::any::type_name` of its type.
        type_name: &'static str,
        /// A backtrace captured with the error, if any.
        backtrace: Option<&'a std::backtrace::Backtrace>,
    },
    /// A map or typed object, serialized as it is.
    Object(Value<'a>),
}

impl<'a> ErrorField<'a> {
    /// Captures a `std::error::Error`.
    #[inline]
    pub fn new<E: std::error::Error + 'a>(error: &'a E) -> Self {
        ErrorField::Error {
            error,
            type_name: std::any::type_name::<E>(),
            backtrace: None,
        }
    }
}

impl Serialize for ErrorField<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            ErrorField::Object(ref value) => value.serialize(serializer),
            ErrorField::Error {
                error,
                type_name,
                backtrace,
            } => ErrorFields {
                error,
                type_name: Some(type_name),
                backtrace,
            }
            .serialize(serializer),
        }
    }
}

/// Values accepted for the ECS `error` field set besides any
/// `std::error::Error`: maps, boxed `dyn Error`s and (feature `anyhow`)
/// `anyhow::Error`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an error, but `error` is an ECS field set",
    label = "expected a `std::error::Error` or an error object, found `{Self}`",
    note = "pass an error (`error = err`, any `std::error::Error`), or write the fields: `error = {{ message: .., type: .. }}`",
    note = "`error.message = text` sets only the message",
    note = "an `anyhow::Error` needs ecsctx's `anyhow` cargo feature"
)]
pub trait ErrorFieldSet {
    #[doc(hidden)]
    fn __ecsctx_error_field(&self) -> ErrorField<'_>;
}

impl<K: AsRef<str> + Serialize, V: Serialize> ErrorFieldSet for std::collections::BTreeMap<K, V> {
    #[inline]
    fn __ecsctx_error_field(&self) -> ErrorField<'_> {
        ErrorField::Object(Value::from_serde(self))
    }
}

impl<K: AsRef<str> + Serialize, V: Serialize, S: std::hash::BuildHasher> ErrorFieldSet
    for std::collections::HashMap<K, V, S>
{
    #[inline]
    fn __ecsctx_error_field(&self) -> ErrorField<'_> {
        ErrorField::Object(Value::from_serde(self))
    }
}

impl ErrorFieldSet for serde_json::Map<String, serde_json::Value> {
    #[inline]
    fn __ecsctx_error_field(&self) -> ErrorField<'_> {
        ErrorField::Object(Value::from_serde(self))
    }
}

macro_rules! error_field_set_for_dyn {
    ($($ty:ty),* $(,)?) => {$(
        impl ErrorFieldSet for $ty {
            #[inline]
            fn __ecsctx_error_field(&self) -> ErrorField<'_> {
                ErrorField::Error {
                    error: &**self,
                    type_name: std::any::type_name::<$ty>(),
                    backtrace: None,
                }
            }
        }
    )*};
}

error_field_set_for_dyn!(
    Box<dyn std::error::Error>,
    Box<dyn std::error::Error + Send>,
    Box<dyn std::error::Error + Send + Sync>,
    std::sync::Arc<dyn std::error::Error + Send + Sync>,
);

#[cfg(feature = "anyhow")]
impl ErrorFieldSet for anyhow::Error {
    #[inline]
    fn __ecsctx_error_field(&self) -> ErrorField<'_> {
        ErrorField::Error {
            error: AsRef::<dyn std::error::Error + Send + Sync>::as_ref(self),
            type_name: "anyhow::Error",
            backtrace: Some(self.backtrace()),
        }
    }
}

impl<T: ErrorFieldSet + ?Sized> ErrorFieldSet for &T {
    #[inline]
    fn __ecsctx_error_field(&self) -> ErrorField<'_> {
        (**self).__ecsctx_error_field()
    }
}

/// Autoref dispatch for `error = expr`: a `std::error::Error` first, then an
/// [`ErrorFieldSet`], then a fallback that fails the [`ErrorFieldSet`] bound
/// in [`error_field`] with a readable message.
///
/// The expansion calls `(&&ErrorProbe(&expr)).__ecsctx_error_probe()`.
#[doc(hidden)]
pub struct ErrorProbe<'a, T: ?Sized>(pub &'a T);

#[doc(hidden)]
pub trait ErrorProbeStd<'a> {
    fn __ecsctx_error_probe(&self) -> ErrorProbed<'a, Captured>;
}

impl<'a, E: std::error::Error + 'a> ErrorProbeStd<'a> for &ErrorProbe<'a, E> {
    #[inline(always)]
    fn __ecsctx_error_probe(&self) -> ErrorProbed<'a, Captured> {
        ErrorProbed::Field(ErrorField::new(self.0))
    }
}

#[doc(hidden)]
pub trait ErrorProbeFallback<'a, T: ?Sized> {
    fn __ecsctx_error_probe(&self) -> ErrorProbed<'a, T>;
}

impl<'a, T: ?Sized> ErrorProbeFallback<'a, T> for ErrorProbe<'a, T> {
    #[inline(always)]
    fn __ecsctx_error_probe(&self) -> ErrorProbed<'a, T> {
        ErrorProbed::Other(self.0)
    }
}

/// What the probe found: an error already captured, or something that must
/// be an [`ErrorFieldSet`].
#[doc(hidden)]
pub enum ErrorProbed<'a, T: ?Sized> {
    Field(ErrorField<'a>),
    Other(&'a T),
}

/// The second half of the `error` check: `T` must be an [`ErrorFieldSet`]
/// unless the probe already found a `std::error::Error`.
#[doc(hidden)]
#[inline(always)]
pub fn error_field<'a, T: ErrorFieldSet + ?Sized>(probed: ErrorProbed<'a, T>) -> ErrorField<'a> {
    match probed {
        ErrorProbed::Field(field) => field,
        ErrorProbed::Other(value) => value.__ecsctx_error_field(),
    }
}

/// The `T` of a probe's answer ([`ErrorProbed`], [`ArgProbed`]) that already holds what
/// was captured: no value of it exists.
#[doc(hidden)]
pub enum Captured {}

// (So [`TextValue`] holds for it: no value of it exists.)
impl fmt::Display for Captured {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

impl ErrorFieldSet for Captured {
    #[inline]
    fn __ecsctx_error_field(&self) -> ErrorField<'_> {
        match *self {}
    }
}

impl ::log::kv::ToValue for Captured {
    fn to_value(&self) -> Value<'_> {
        match *self {}
    }
}

// === declared events ===

/// `reason = value` in a declared `event!`: a reason of the declared type, written with
/// its `Debug` form.
#[doc(hidden)]
#[inline(always)]
pub fn declared_reason<E: crate::events::Declared, R: crate::events::ReasonOf<E> + fmt::Debug>(
    value: &R,
) -> Arg<'_> {
    Arg::Debug(value)
}

/// Stops compilation with `parts` joined as the message (const evaluation can only
/// print a `&str`).
const fn fail(parts: &[&str]) -> ! {
    let mut buf = [0u8; 512];
    let mut n = 0;
    let mut p = 0;
    while p < parts.len() {
        let b = parts[p].as_bytes();
        let mut k = 0;
        while k < b.len() && n < buf.len() {
            buf[n] = b[k];
            n += 1;
            k += 1;
        }
        p += 1;
    }
    // The buffer may end inside a character: keep what is whole.
    let whole = match std::str::from_utf8(buf.split_at(n).0) {
        Ok(_) => n,
        Err(e) => e.valid_up_to(),
    };
    match std::str::from_utf8(buf.split_at(whole).0) {
        Ok(msg) => panic!("{}", msg),
        Err(_) => panic!("a declared event's call does not match its declaration"),
    }
}

/// Whether `a` is `b` or a path under it (`user.name` under `user`).
const fn at_or_under(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() < b.len() || (a.len() > b.len() && a[b.len()] != b'.') {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether a field given in the call covers `key`: the field itself, one under it
/// (`user.name` for `user`), or an object above it (`payment = map` for
/// `payment.pg_code`, whose keys are only known when it is logged).
const fn has(given: &[&str], key: &str) -> bool {
    let mut i = 0;
    while i < given.len() {
        if at_or_under(given[i], key) || at_or_under(key, given[i]) {
            return true;
        }
        i += 1;
    }
    false
}

/// Checks (at compile time) the fields of a declared `event!` against its declaration.
#[doc(hidden)]
pub const fn check_declared(info: &crate::events::EventInfo, given: &[&str]) {
    if info.terminal && !has(given, "event.outcome") {
        fail(&[
            "`",
            info.name,
            "` is declared `terminal`: give its outcome, e.g. `outcome = ecsctx::ecs::Outcome::Success`",
        ]);
    }
    let mut i = 0;
    while i < info.required.len() {
        if !has(given, info.required[i]) {
            fail(&[
                "`",
                info.name,
                "` requires the field `",
                info.required[i],
                "` (declared in its `required: { .. }`): add `",
                info.required[i],
                " = …` to this call",
            ]);
        }
        i += 1;
    }
}
