//! The value types of ECS fields whose values `event!` checks at compile time: numbers
//! ([`EcsInteger`], [`EcsNumber`]), [`EcsBoolean`], addresses ([`EcsIp`],
//! [`EcsIpValue`]), a `date` ([`EcsDate`], written as RFC 3339) and the fields whose
//! values ECS fixes (`event.outcome`, `event.kind`, `event.category`, `event.type`). The macro expansion
//! names them through `__private`; [`crate::ecs`]'s value enums implement them.

use std::fmt;

use serde::ser::{Serialize, Serializer};

/// A time at an ECS `date` field, written as UTC RFC 3339 with milliseconds.
#[doc(hidden)]
pub struct DateValue(std::time::SystemTime);

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ts = crate::render::time::rfc3339(self.0);
        f.write_str(std::str::from_utf8(&ts).unwrap_or("1970-01-01T00:00:00.000Z"))
    }
}

impl Serialize for DateValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Checks (at compile time) that a value at an ECS `date` field is a time, and writes it
/// as RFC 3339.
#[doc(hidden)]
#[inline(always)]
pub fn date_value<T: EcsDate + ?Sized>(value: &T) -> DateValue {
    DateValue(value.__ecsctx_time())
}

/// Values an ECS `date` field takes: `std::time::SystemTime`, and with the `chrono` and
/// `time` features `chrono::DateTime<Tz>` and `time::OffsetDateTime` (written as UTC
/// RFC 3339 with milliseconds).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a time, but this ECS field is a `date`",
    label = "expected `std::time::SystemTime`, found `{Self}`",
    note = "pass a `SystemTime` (written as RFC 3339, `2026-12-06T08:00:00.000Z`), a literal such as \"2026-12-06T08:00:00Z\", or text with `:%` (checked when the line is written, moved to `extra` if it is not a date)"
)]
pub trait EcsDate {
    #[doc(hidden)]
    fn __ecsctx_time(&self) -> std::time::SystemTime;
}

impl EcsDate for std::time::SystemTime {
    #[inline]
    fn __ecsctx_time(&self) -> std::time::SystemTime {
        *self
    }
}

#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> EcsDate for chrono::DateTime<Tz> {
    #[inline]
    fn __ecsctx_time(&self) -> std::time::SystemTime {
        self.clone().into()
    }
}

#[cfg(feature = "time")]
impl EcsDate for time::OffsetDateTime {
    #[inline]
    fn __ecsctx_time(&self) -> std::time::SystemTime {
        (*self).into()
    }
}

impl<T: EcsDate + ?Sized> EcsDate for &T {
    #[inline]
    fn __ecsctx_time(&self) -> std::time::SystemTime {
        (**self).__ecsctx_time()
    }
}

/// Values `event.outcome` takes: `ecsctx::ecs::Outcome` (ECS fixes its values).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `ecsctx::ecs::Outcome`, but ECS fixes the values of `event.outcome`",
    label = "expected `ecsctx::ecs::Outcome`, found `{Self}`",
    note = "pass `ecsctx::ecs::Outcome::Success` (`Failure`, `Unknown`) or a literal (\"success\"); parse text with `s.parse::<ecsctx::ecs::Outcome>()`"
)]
pub trait EcsOutcome {}

/// Values `event.kind` takes: `ecsctx::ecs::EventKind` (ECS fixes its values).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `ecsctx::ecs::EventKind`, but ECS fixes the values of `event.kind`",
    label = "expected `ecsctx::ecs::EventKind`, found `{Self}`",
    note = "pass `ecsctx::ecs::EventKind::Event` (or another variant) or a literal (\"event\"); parse text with `s.parse::<ecsctx::ecs::EventKind>()`"
)]
pub trait EcsEventKind {}

/// Values `event.category` takes: `ecsctx::ecs::Category` (ECS fixes its values).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `ecsctx::ecs::Category`, but ECS fixes the values of `event.category`",
    label = "expected `ecsctx::ecs::Category` (or an array of them), found `{Self}`",
    note = "pass `[ecsctx::ecs::Category::Web]` (or other variants) or literals ([\"web\"]); parse text with `s.parse::<ecsctx::ecs::Category>()`"
)]
pub trait EcsCategory {}

/// Values `event.type` takes: `ecsctx::ecs::EventType` (ECS fixes its values).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `ecsctx::ecs::EventType`, but ECS fixes the values of `event.type`",
    label = "expected `ecsctx::ecs::EventType` (or an array of them), found `{Self}`",
    note = "pass `[ecsctx::ecs::EventType::Access]` (or other variants) or literals ([\"access\"]); parse text with `s.parse::<ecsctx::ecs::EventType>()`"
)]
pub trait EcsEventType {}

/// A single value an ECS `ip` field takes: what [`EcsIp`] accepts, and
/// `SocketAddr`/`SocketAddrV4`/`SocketAddrV6` (written as their IP), with `Option`s and
/// references of them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an IP address, but this ECS field is an `ip`",
    label = "expected `std::net::IpAddr` (or `Ipv4Addr`/`Ipv6Addr`, `SocketAddr`, `ecsctx::ecs::Ip`), found `{Self}`",
    note = "parse it (`s.parse::<ecsctx::ecs::Ip>()`), or write text that may not be an address with `:%` (checked when the line is written, moved to `extra` if it is not one)"
)]
pub trait EcsIpValue {
    #[doc(hidden)]
    type View<'a>: Serialize
    where
        Self: 'a;
    #[doc(hidden)]
    fn __ecsctx_ip(&self) -> Self::View<'_>;
}

/// Values an ECS `long`/`integer` field takes: Rust's integer types (and `Option`s,
/// arrays and references of them).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an integer, but this ECS field is a `long`",
    label = "expected an integer type (`u16`, `i64`, …), found `{Self}`",
    note = "Elasticsearch rejects a document whose value here is not a number: parse a string first (`code.parse::<u16>()?`) or pass the number (`status.as_u16()`)"
)]
pub trait EcsInteger {}

/// Values an ECS `float`/`double`/`scaled_float` field takes: Rust's numbers.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number, but this ECS field is a `float`",
    label = "expected a number type (`f64`, `u32`, …), found `{Self}`",
    note = "Elasticsearch rejects a document whose value here is not a number: parse a string first (`s.parse::<f64>()?`) or pass the number"
)]
pub trait EcsNumber {}

/// Values an ECS `boolean` field takes: `bool`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `bool`, but this ECS field is a `boolean`",
    label = "expected `bool`, found `{Self}`",
    note = "pass `true`/`false` (a `bool` expression)"
)]
pub trait EcsBoolean {}

/// Addresses an ECS `ip` field takes in a list: `std::net::IpAddr`, `Ipv4Addr`,
/// `Ipv6Addr`, `ecsctx::ecs::Ip` (one value also takes a `SocketAddr`: [`EcsIpValue`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an IP address, but this ECS field is an `ip`",
    label = "expected `std::net::IpAddr` (or `Ipv4Addr`/`Ipv6Addr`, `ecsctx::ecs::Ip`), found `{Self}`",
    note = "a list takes addresses: parse text (`s.parse::<ecsctx::ecs::Ip>()`) and map socket addresses to `addr.ip()`"
)]
pub trait EcsIp {}

mod typed_impls {
    use super::{
        EcsBoolean, EcsCategory, EcsEventKind, EcsEventType, EcsInteger, EcsIp, EcsNumber,
        EcsOutcome,
    };
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    macro_rules! marker {
        ($tr:ident: $($t:ty),*) => {$(impl $tr for $t {})*};
    }
    marker!(EcsInteger: i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
    marker!(EcsNumber: i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
    marker!(EcsBoolean: bool);
    marker!(EcsIp: IpAddr, Ipv4Addr, Ipv6Addr);

    use super::EcsIpValue;
    use std::net::{SocketAddr, SocketAddrV4, SocketAddrV6};

    macro_rules! ip_itself {
        ($($t:ty),*) => {$(
            impl EcsIpValue for $t {
                type View<'a> = &'a $t;
                #[inline(always)]
                fn __ecsctx_ip(&self) -> &$t {
                    self
                }
            }
        )*};
    }
    ip_itself!(IpAddr, Ipv4Addr, Ipv6Addr);

    macro_rules! ip_of_socket {
        ($($t:ty => $ip:ty),*) => {$(
            impl EcsIpValue for $t {
                type View<'a> = $ip;
                #[inline(always)]
                fn __ecsctx_ip(&self) -> $ip {
                    *self.ip()
                }
            }
        )*};
    }
    ip_of_socket!(SocketAddrV4 => Ipv4Addr, SocketAddrV6 => Ipv6Addr);

    impl EcsIpValue for SocketAddr {
        type View<'a> = IpAddr;
        #[inline(always)]
        fn __ecsctx_ip(&self) -> IpAddr {
            self.ip()
        }
    }

    impl<T: EcsIpValue> EcsIpValue for Option<T> {
        type View<'a>
            = Option<T::View<'a>>
        where
            T: 'a;
        #[inline(always)]
        fn __ecsctx_ip(&self) -> Self::View<'_> {
            self.as_ref().map(T::__ecsctx_ip)
        }
    }

    impl<T: EcsIpValue + ?Sized> EcsIpValue for &T {
        type View<'a>
            = T::View<'a>
        where
            Self: 'a;
        #[inline(always)]
        fn __ecsctx_ip(&self) -> Self::View<'_> {
            (**self).__ecsctx_ip()
        }
    }

    impl<T: EcsIpValue + ?Sized> EcsIpValue for &mut T {
        type View<'a>
            = T::View<'a>
        where
            Self: 'a;
        #[inline(always)]
        fn __ecsctx_ip(&self) -> Self::View<'_> {
            (**self).__ecsctx_ip()
        }
    }

    // Lists keep their elements (addresses, never socket addresses: see `EcsIp`).
    macro_rules! ip_list {
        ($($t:ty),*) => {$(
            impl<T: EcsIp + serde::Serialize> EcsIpValue for $t {
                type View<'a> = &'a $t where Self: 'a;
                #[inline(always)]
                fn __ecsctx_ip(&self) -> &$t {
                    self
                }
            }
        )*};
    }
    ip_list!(Vec<T>, [T]);

    impl<T: EcsIp + serde::Serialize + ?Sized> EcsIpValue for Box<T> {
        type View<'a>
            = &'a Box<T>
        where
            T: 'a;
        #[inline(always)]
        fn __ecsctx_ip(&self) -> &Box<T> {
            self
        }
    }

    impl<T: EcsIp + serde::Serialize, const N: usize> EcsIpValue for [T; N] {
        type View<'a>
            = &'a [T]
        where
            T: 'a;
        #[inline(always)]
        fn __ecsctx_ip(&self) -> &[T] {
            self
        }
    }

    macro_rules! wrappers {
        ($($tr:ident),*) => {$(
            impl<T: $tr> $tr for Option<T> {}
            impl<T: $tr> $tr for Vec<T> {}
            impl<T: $tr> $tr for [T] {}
            impl<T: $tr, const N: usize> $tr for [T; N] {}
            impl<T: $tr + ?Sized> $tr for &T {}
            impl<T: $tr + ?Sized> $tr for &mut T {}
            impl<T: $tr + ?Sized> $tr for Box<T> {}
        )*};
    }
    wrappers!(
        EcsInteger,
        EcsNumber,
        EcsBoolean,
        EcsIp,
        EcsOutcome,
        EcsEventKind,
        EcsCategory,
        EcsEventType
    );
}
