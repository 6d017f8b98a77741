//! Typed values for the ECS fields whose values ECS fixes: `event.outcome`, `event.kind`,
//! `event.category` and `event.type` (ECS 9.4.0), and [`Ip`], an address checked when
//! it is parsed.
//!
//! A literal at those fields is checked by `event!`/`bind!` already (`event.outcome =
//! "success"`); a value computed at run time must be one of these enums, so a typo or a
//! free string (`let outcome = "ok"`) is a compile error instead of a line Kibana's ECS
//! views do not recognise.
//!
//! # Examples
//! ```
//! use ecsctx::ecs::{Category, EventType, Outcome};
//! use ecsctx::event;
//!
//! let approved = true;
//! let outcome = if approved { Outcome::Success } else { Outcome::Failure };
//! let lines = ecsctx::testing::capture(|| {
//!     event!(info, "payment_authorized", event.outcome = outcome,
//!            event.category = [Category::Web], event.type = [EventType::Access]);
//! });
//! assert_eq!(lines[0]["event"]["outcome"], "success");
//! assert_eq!(lines[0]["event"]["category"][0], "web");
//! assert_eq!("failure".parse::<Outcome>(), Ok(Outcome::Failure));
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A string that is not one of the values ECS allows for the field (`"ok".parse::<Outcome>()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAllowed {
    field: &'static str,
}

impl fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a value ECS allows for `{}`", self.field)
    }
}

impl std::error::Error for NotAllowed {}

macro_rules! ecs_values {
    ($(#[$doc:meta])* $name:ident, $field:literal, $tr:ident { $($v:ident = $s:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[doc = concat!("`", $s, "`")] $v,)*
        }

        impl $name {
            /// Every value ECS allows, in its order.
            pub const ALL: &'static [$name] = &[$($name::$v,)*];

            /// The value as ECS writes it.
            ///
            /// # Examples
            /// ```
            /// assert_eq!(ecsctx::ecs::Outcome::Success.as_str(), "success");
            /// assert_eq!(ecsctx::ecs::Category::Authentication.as_str(), "authentication");
            /// ```
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $s,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = NotAllowed;
            fn from_str(s: &str) -> Result<Self, NotAllowed> {
                match s {
                    $($s => Ok($name::$v),)*
                    _ => Err(NotAllowed { field: $field }),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl log::kv::ToValue for $name {
            fn to_value(&self) -> log::kv::Value<'_> {
                log::kv::Value::from(self.as_str())
            }
        }

        impl crate::typed::$tr for $name {}

        // `event!` writes its text without `log`'s value API.
        impl crate::event::Scalar for $name {
            #[inline(always)]
            fn __ecsctx_arg(&self) -> crate::event::Arg<'_> {
                crate::event::Arg::Str(self.as_str())
            }
        }
    };
}

ecs_values!(
    /// `event.outcome`: whether the event succeeded, from the point of view of the
    /// service that logs it.
    Outcome, "event.outcome", EcsOutcome {
        Failure = "failure",
        Success = "success",
        Unknown = "unknown",
    }
);

ecs_values!(
    /// `event.kind`: what kind of information the line carries (`event` for most lines).
    EventKind, "event.kind", EcsEventKind {
        Alert = "alert",
        Asset = "asset",
        Enrichment = "enrichment",
        Event = "event",
        Metric = "metric",
        State = "state",
        PipelineError = "pipeline_error",
        Signal = "signal",
    }
);

ecs_values!(
    /// `event.category` (an array): the broad area of the event.
    Category, "event.category", EcsCategory {
        Api = "api",
        Authentication = "authentication",
        Configuration = "configuration",
        Database = "database",
        Driver = "driver",
        Email = "email",
        File = "file",
        Host = "host",
        Iam = "iam",
        IntrusionDetection = "intrusion_detection",
        Library = "library",
        Malware = "malware",
        Network = "network",
        Package = "package",
        Process = "process",
        Registry = "registry",
        Session = "session",
        Threat = "threat",
        Vulnerability = "vulnerability",
        Web = "web",
    }
);

ecs_values!(
    /// `event.type` (an array): what happened, within its category.
    EventType, "event.type", EcsEventType {
        Access = "access",
        Admin = "admin",
        Allowed = "allowed",
        Change = "change",
        Connection = "connection",
        Creation = "creation",
        Deletion = "deletion",
        Denied = "denied",
        Device = "device",
        End = "end",
        Error = "error",
        Group = "group",
        Indicator = "indicator",
        Info = "info",
        Installation = "installation",
        Protocol = "protocol",
        Start = "start",
        User = "user",
    }
);

/// An IP address checked when it is made (`"203.0.113.9".parse::<Ip>()`), for an ECS `ip`
/// field whose value arrives as text (a header, a config value): parse it once, then
/// log it anywhere an `ip` is expected.
///
/// # Examples
/// ```
/// use ecsctx::ecs::Ip;
/// let forwarded = "203.0.113.9";
/// let ip: Ip = forwarded.parse().unwrap();
/// let lines = ecsctx::testing::capture(|| ecsctx::event!(info, "request_received", client.ip = ip));
/// assert_eq!(lines[0]["client"]["ip"], "203.0.113.9");
/// assert!("localhost".parse::<Ip>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ip(pub std::net::IpAddr);

impl FromStr for Ip {
    type Err = std::net::AddrParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(Ip)
    }
}

impl From<std::net::IpAddr> for Ip {
    fn from(ip: std::net::IpAddr) -> Self {
        Ip(ip)
    }
}

impl fmt::Display for Ip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Ip {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl log::kv::ToValue for Ip {
    fn to_value(&self) -> log::kv::Value<'_> {
        log::kv::Value::from_display(&self.0)
    }
}

impl crate::typed::EcsIp for Ip {}

impl crate::typed::EcsIpValue for Ip {
    type View<'a> = &'a Ip;
    #[inline(always)]
    fn __ecsctx_ip(&self) -> &Ip {
        self
    }
}

/// `t` as UTC RFC 3339 with milliseconds (`2026-12-06T10:30:00.123Z`): how ecsctx writes
/// `@timestamp` and ECS `date` fields (a time before 1970 as the epoch), for a date a
/// service or a tool writes itself (a keyset's `created_at`).
///
/// # Examples
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let t = UNIX_EPOCH + Duration::from_millis(1_765_017_000_123);
/// assert_eq!(ecsctx::ecs::rfc3339(t), "2025-12-06T10:30:00.123Z");
/// ```
pub fn rfc3339(t: std::time::SystemTime) -> String {
    crate::render::time::rfc3339(t)
        .iter()
        .map(|&b| char::from(b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values are ECS's: the same lists as the macro crate's table (generated from
    /// the ECS 9.4.0 field facts), in the same order.
    #[test]
    fn the_values_are_the_ecs_allowed_values() {
        let table = include_str!("../../ecsctx-macros/src/schema_table.rs");
        let allowed = |field: &str| -> Vec<String> {
            let at = table
                .find(&format!("(\"{field}\", &["))
                .unwrap_or_else(|| panic!("{field} in the macro crate's table"));
            let rest = &table[at..];
            let list = &rest[rest.find("&[").unwrap() + 2..rest.find(']').unwrap()];
            list.split(',')
                .map(|s| s.trim().trim_matches('"').to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        };
        fn strs<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<String> {
            all.iter().map(|&v| f(v).to_owned()).collect()
        }
        assert_eq!(
            strs(Outcome::ALL, Outcome::as_str),
            allowed("event.outcome")
        );
        assert_eq!(
            strs(EventKind::ALL, EventKind::as_str),
            allowed("event.kind")
        );
        assert_eq!(
            strs(Category::ALL, Category::as_str),
            allowed("event.category")
        );
        assert_eq!(
            strs(EventType::ALL, EventType::as_str),
            allowed("event.type")
        );
        for v in Category::ALL {
            assert_eq!(v.as_str().parse::<Category>(), Ok(*v));
        }
        assert!("ok".parse::<Outcome>().is_err());
    }
}
