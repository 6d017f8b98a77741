//! Look-ups in the ECS field table (`schema_table.rs`, generated).
//!
//! How ECS object types behave here:
//! - a name with sub-fields in the table (`http`, `http.request`) is a
//!   *field set*: it must be given an object (literal or map), and only the
//!   sub-fields in the table may appear under it;
//! - a field of type `object`, `flattened` or `nested` (`labels`,
//!   `container.labels`, `log.syslog`, `dns.answers`, …) is *free-form*:
//!   anything may appear under it and nothing below it is checked, even where
//!   ECS lists some sub-fields (`process.io.text`), since Elasticsearch maps
//!   such objects dynamically;
//! - every other field is a leaf with a datatype, checked against literals.

pub(crate) use crate::schema_table::ECS_VERSION;
use crate::schema_table::{ALLOWED, FIELDS};

/// An ECS datatype, folded into what the checks distinguish.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// `keyword`, `constant_keyword`, `wildcard`.
    Keyword,
    /// `match_only_text`, `text`.
    Text,
    Long,
    Integer,
    /// `float`, `double`, `scaled_float`.
    Float,
    Boolean,
    Date,
    Ip,
    GeoPoint,
    Object,
    Flattened,
    Nested,
}

impl Kind {
    /// The ECS name of the datatype, for messages.
    pub(crate) fn ecs_name(self) -> &'static str {
        match self {
            Kind::Keyword => "keyword",
            Kind::Text => "text",
            Kind::Long => "long",
            Kind::Integer => "integer",
            Kind::Float => "float",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::Ip => "ip",
            Kind::GeoPoint => "geo_point",
            Kind::Object => "object",
            Kind::Flattened => "flattened",
            Kind::Nested => "nested",
        }
    }

    /// Anything may appear under a field of this type.
    pub(crate) fn is_free_form(self) -> bool {
        matches!(self, Kind::Object | Kind::Flattened | Kind::Nested)
    }
}

/// What a dotted path is in ECS.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Node {
    /// A field with a datatype (possibly free-form).
    Field(Kind),
    /// A field set: has sub-fields, no datatype of its own.
    Set,
    /// Not in ECS.
    Unknown,
}

/// Looks up a dotted path.
pub(crate) fn node(path: &str) -> Node {
    match FIELDS.binary_search_by(|(name, _)| (*name).cmp(path)) {
        Ok(i) => Node::Field(FIELDS[i].1),
        Err(_) if has_children(path) => Node::Set,
        Err(_) => Node::Unknown,
    }
}

/// The allowed values of a field, empty when ECS does not restrict it.
pub(crate) fn allowed_values(path: &str) -> &'static [&'static str] {
    ALLOWED
        .binary_search_by(|(name, _)| (*name).cmp(path))
        .map(|i| ALLOWED[i].1)
        .unwrap_or(&[])
}

/// The fields below `prefix` (full names), in table order.
pub(crate) fn descendants(prefix: &str) -> impl Iterator<Item = &'static str> + '_ {
    let start = FIELDS.partition_point(|(name, _)| *name <= prefix);
    FIELDS[start..]
        .iter()
        .map(|(name, _)| *name)
        .take_while(move |name| name.starts_with(prefix))
        .filter(move |name| name.as_bytes().get(prefix.len()) == Some(&b'.'))
}

/// The direct sub-field names of `prefix` (`http` → `request`, `response`, `version`).
pub(crate) fn children(prefix: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in descendants(prefix) {
        let rest = &name[prefix.len() + 1..];
        let child = rest.split('.').next().unwrap_or(rest);
        if out.last() != Some(&child) && !out.contains(&child) {
            out.push(child);
        }
    }
    out
}

fn has_children(path: &str) -> bool {
    descendants(path).next().is_some()
}

/// Top-level names that ECS defines (`http`, `labels`, `message`, `tags`, …).
pub(crate) fn is_ecs_top_level(name: &str) -> bool {
    node(name) != Node::Unknown
}

/// The sub-field to show in "write `x.y = ..`" examples: walks down from a
/// field set along the most telling child (`http` → `http.request.method`,
/// `user` → `user.name`, `error` → `error.message`).
pub(crate) fn example_leaf(prefix: &str) -> String {
    const PREFERRED: &[&str] = &[
        "message", "request", "method", "action", "name", "ip", "id", "address", "original",
        "full", "type",
    ];
    let mut path = prefix.to_owned();
    for _ in 0..8 {
        if node(&path) != Node::Set {
            break;
        }
        let children = children(&path);
        let next = PREFERRED
            .iter()
            .find(|p| children.contains(p))
            .copied()
            .or_else(|| children.first().copied());
        match next {
            Some(child) => {
                path.push('.');
                path.push_str(child);
            }
            None => break,
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(FIELDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ALLOWED.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ECS_VERSION, "9.4.0");
    }

    #[test]
    fn nodes() {
        assert_eq!(node("error"), Node::Set);
        assert_eq!(node("http.request"), Node::Set);
        assert_eq!(node("error.message"), Node::Field(Kind::Text));
        assert_eq!(node("http.response.status_code"), Node::Field(Kind::Long));
        assert_eq!(node("client.ip"), Node::Field(Kind::Ip));
        assert_eq!(node("labels"), Node::Field(Kind::Object));
        assert_eq!(node("error.msg"), Node::Unknown);
        assert_eq!(node("keyloop"), Node::Unknown);
        assert_eq!(node("err"), Node::Unknown);
        assert!(is_ecs_top_level("tags"));
        assert!(is_ecs_top_level("user"));
        assert!(!is_ecs_top_level("amount"));
    }

    #[test]
    fn allowed() {
        assert_eq!(
            allowed_values("event.outcome"),
            ["failure", "success", "unknown"]
        );
        assert!(allowed_values("event.category").contains(&"web"));
        assert!(allowed_values("event.action").is_empty());
    }

    #[test]
    fn children_and_examples() {
        assert_eq!(children("http"), ["request", "response", "version"]);
        assert!(children("error").contains(&"stack_trace"));
        assert!(!children("event").contains(&"actionx"));
        assert_eq!(example_leaf("http"), "http.request.method");
        assert_eq!(example_leaf("user"), "user.name");
        assert_eq!(example_leaf("error"), "error.message");
        assert_eq!(example_leaf("client"), "client.ip");
        assert_eq!(example_leaf("event"), "event.action");
    }
}
