//! Every compile-time check. Each error says what is wrong, then the fix,
//! and is spanned at the offending token.

use std::collections::HashMap;

use proc_macro2::Span;
use quote::ToTokens;
use syn::{Expr, Ident, Lit, LitStr, UnOp};

use crate::ast::{joined, path_tokens, Class, Fields, Leaf, Macro, Typed};
use crate::input::ModifierKind;
use crate::schema::{self, Kind, Node};
use crate::suggest;

/// The longest event name accepted.
pub(crate) const MAX_NAME_LEN: usize = 128;

const LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error"];

// === level and name ===

/// The `log::Level` variant for a level identifier.
pub(crate) fn level(ident: &Ident) -> syn::Result<&'static str> {
    let text = ident.to_string();
    let variant = match text.as_str() {
        "trace" => "Trace",
        "debug" => "Debug",
        "info" => "Info",
        "warn" => "Warn",
        "error" => "Error",
        _ => {
            let lower = text.to_ascii_lowercase();
            let fix = match lower.as_str() {
                "warning" => Some("warn"),
                "fatal" | "critical" | "crit" | "err" => Some("error"),
                "information" | "notice" => Some("info"),
                l if LEVELS.contains(&l) => LEVELS.iter().copied().find(|x| *x == l),
                l => suggest::closest(l, LEVELS.iter().copied()),
            };
            let msg = match fix {
                Some(fix) => format!(
                    "unknown level `{text}`; write `{fix}` (levels: `trace`, `debug`, `info`, `warn`, `error`)"
                ),
                None => format!(
                    "unknown level `{text}`; write one of `trace`, `debug`, `info`, `warn`, `error`"
                ),
            };
            return Err(syn::Error::new(ident.span(), msg));
        }
    };
    Ok(variant)
}

/// The event name: a short string literal with no whitespace or placeholder.
pub(crate) fn event_name(name: &Expr) -> syn::Result<LitStr> {
    const FIX: &str =
        "put the variable part in a field: `event!(info, \"user_logged_in\", user.name = name)`";
    let what = match strip(name) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => return check_name_literal(lit),
        Expr::Macro(m) => {
            let mac = m
                .mac
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            format!("`{mac}!(..)`")
        }
        Expr::Path(p) if p.path.get_ident().is_some() => "a variable".to_owned(),
        Expr::Lit(_) => "a non-string literal".to_owned(),
        _ => "an expression".to_owned(),
    };
    Err(syn::Error::new_spanned(
        name,
        format!(
            "the event name must be a string literal, not {what}: it is the log message and must not vary; {FIX}"
        ),
    ))
}

fn check_name_literal(lit: &LitStr) -> syn::Result<LitStr> {
    let value = lit.value();
    let msg = if value.is_empty() {
        "the event name is empty; name what happened in snake_case, e.g. \"payment_processed\""
            .to_owned()
    } else if value.contains('{') || value.contains('}') {
        let fixed: String = {
            let mut out = String::new();
            let mut depth = 0;
            for c in value.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    c if depth == 0 => out.push(c),
                    _ => {}
                }
            }
            snake(&out)
        };
        format!(
            "the event name has a `{{}}` placeholder, but event names are fixed and not formatted; \
             write \"{fixed}\" and log the value as a field: `event!(info, \"{fixed}\", key = value)`"
        )
    } else if value.chars().any(char::is_whitespace) {
        format!(
            "the event name contains whitespace; event names are identifiers: write \"{}\" and put details in fields",
            snake(&value)
        )
    } else if value.chars().count() > MAX_NAME_LEN {
        format!(
            "the event name is {} characters long, over the limit of {MAX_NAME_LEN}; \
             use a short snake_case name and put details in fields",
            value.chars().count()
        )
    } else {
        return Ok(lit.clone());
    };
    Err(syn::Error::new(lit.span(), msg))
}

fn snake(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        "event_name".to_owned()
    } else {
        words.join("_")
    }
}

// === fields ===

/// Checks the fields of one call and sets each leaf's [`Class`]. Returns
/// one error per mistake.
pub(crate) fn fields(mac: Macro, fields: &mut Fields) -> Vec<syn::Error> {
    let mut v = Validator {
        mac,
        errors: std::mem::take(&mut fields.errors),
        reported: Vec::new(),
    };
    for object in &fields.objects {
        v.object(object);
    }
    for leaf in &mut fields.leaves {
        v.leaf(leaf);
    }
    v.duplicates(&fields.leaves);
    v.errors
}

struct Validator {
    mac: Macro,
    errors: Vec<syn::Error>,
    /// Paths already reported: nothing below them is reported again.
    reported: Vec<String>,
}

/// Where a path was written, for spans and messages.
struct Site<'a> {
    written: &'a [Ident],
    schema: &'a str,
    shorthand: Option<&'static str>,
}

impl Site<'_> {
    /// The span of the written identifier for schema segment `i`.
    fn segment_span(&self, i: usize) -> Span {
        if self.shorthand.is_some() {
            return self.written[0].span();
        }
        self.written
            .get(i)
            .or(self.written.last())
            .map(Ident::span)
            .unwrap_or_else(Span::call_site)
    }

    fn key_tokens(&self) -> proc_macro2::TokenStream {
        path_tokens(self.written)
    }

    /// "`client.ip`", or "`ip` (`client.ip`)" for a shorthand.
    fn name(&self) -> String {
        match self.shorthand {
            Some(short) => format!("`{short}` (bound as `{}`)", self.schema),
            None => format!("`{}`", self.schema),
        }
    }
}

impl Validator {
    fn error(&mut self, path: &str, span: Span, msg: String) {
        self.reported.push(path.to_owned());
        self.errors.push(syn::Error::new(span, msg));
    }

    /// An error underlining all of `tokens` (a key path or a value).
    fn error_spanned(&mut self, path: &str, tokens: impl ToTokens, msg: String) {
        self.reported.push(path.to_owned());
        self.errors.push(syn::Error::new_spanned(tokens, msg));
    }

    fn is_reported(&self, path: &str) -> bool {
        self.reported.iter().any(|r| {
            path == r
                || (path.starts_with(r.as_str()) && path.as_bytes().get(r.len()) == Some(&b'.'))
        })
    }

    /// Walks `site.schema` through the ECS table. Reports an unknown
    /// sub-field or a sub-field of a leaf, and returns what the full path is
    /// (`None` after an error).
    fn resolve(&mut self, site: &Site<'_>) -> Option<Resolved> {
        if self.is_reported(site.schema) {
            return None;
        }
        if let Some(msg) = reserved(site.schema) {
            self.error_spanned(site.schema, site.key_tokens(), msg);
            return None;
        }
        let segments: Vec<&str> = site.schema.split('.').collect();
        if !schema::is_ecs_top_level(segments[0]) {
            return Some(Resolved::Custom);
        }
        for i in 0..segments.len() {
            let prefix = segments[..=i].join(".");
            match schema::node(&prefix) {
                Node::Set => {}
                Node::Field(kind) if i + 1 == segments.len() => return Some(Resolved::Field(kind)),
                Node::Field(kind) if kind.is_free_form() => return Some(Resolved::FreeForm),
                Node::Field(kind) => {
                    let msg = format!(
                        "`{prefix}` is an ECS `{}` field, so it has no sub-field `{}`; set `{prefix}` itself: `{prefix} = ..`",
                        kind.ecs_name(),
                        segments[i + 1],
                    );
                    self.error(&prefix, site.segment_span(i + 1), msg);
                    return None;
                }
                Node::Unknown => {
                    let parent = segments[..i].join(".");
                    let msg = unknown_field(&parent, &segments[i..]);
                    self.error(&prefix, site.segment_span(i), msg);
                    return None;
                }
            }
        }
        Some(Resolved::Set)
    }

    fn object(&mut self, object: &crate::ast::ObjectLit) {
        let site = Site {
            written: &object.written,
            schema: &object.schema,
            shorthand: object.shorthand,
        };
        match self.resolve(&site) {
            Some(Resolved::Field(kind)) if !kind.is_free_form() => {
                let msg = format!(
                    "{} is an ECS `{}` field, not an object; give it a single value: `{} = ..`",
                    site.name(),
                    kind.ecs_name(),
                    joined(&object.written),
                );
                self.error(&object.schema, object.brace, msg);
            }
            Some(_) if object.empty => {
                let msg = format!(
                    "`{} = {{}}` logs nothing; add members (`{{ key: value }}`) or remove it",
                    joined(&object.written)
                );
                self.error(&object.schema, object.brace, msg);
            }
            _ => {}
        }
    }

    fn leaf(&mut self, leaf: &mut Leaf) {
        let site = Site {
            written: &leaf.written,
            schema: &leaf.schema,
            shorthand: leaf.shorthand,
        };
        let Some(resolved) = self.resolve(&site) else {
            return;
        };
        let value = &leaf.value;
        let modifier = leaf.modifier.as_ref().map(|m| m.kind);
        let object_like = match resolved {
            Resolved::Set => Some("field set"),
            Resolved::Field(Kind::Object) | Resolved::Field(Kind::Flattened) => Some("object"),
            _ => None,
        };
        if let Some(what) = object_like {
            if is_scalar_syntax(value) {
                let msg = scalar_for_object(&site, what, value);
                self.error_spanned(&leaf.schema, value, msg);
                return;
            }
            match modifier {
                Some(m @ (ModifierKind::Display | ModifierKind::Debug)) => {
                    let tokens = leaf.modifier.as_ref().map(|m| m.tokens.clone());
                    let fix = if leaf.schema == "error" {
                        format!("for an error write `{} = err`", joined(&leaf.written))
                    } else {
                        "pass a map or `{ .. }`, or a `Serialize` struct with `:serde`".to_owned()
                    };
                    let msg = format!(
                        "{} is an ECS {what}, so `{}` would log it as a string, which Elasticsearch drops; {fix}",
                        site.name(),
                        m.as_str(),
                    );
                    self.error_spanned(&leaf.schema, tokens, msg);
                }
                Some(ModifierKind::Serde) => {}
                None if resolved == Resolved::Set && leaf.schema == "error" => {
                    leaf.class = Class::Error
                }
                None => leaf.class = Class::FieldSet,
            }
            return;
        }
        if let Resolved::Field(kind) = resolved {
            if let Some((at, msg)) = check_literal(&site, kind, value) {
                self.error_spanned(&leaf.schema, at, msg);
                return;
            }
            let typed = match (kind, leaf.schema.as_str()) {
                (Kind::Long | Kind::Integer, _) => Typed::Integer,
                (Kind::Float, _) => Typed::Number,
                (Kind::Boolean, _) => Typed::Boolean,
                (Kind::Ip, _) => Typed::Ip,
                (Kind::Date, _) => Typed::Date,
                (_, "event.outcome") => Typed::Outcome,
                (_, "event.kind") => Typed::EventKind,
                (_, "event.category") => Typed::Category,
                (_, "event.type") => Typed::EventType,
                _ => return,
            };
            match modifier {
                // A string where ECS wants a number or a boolean: rejected by
                // Elasticsearch (an address as text is checked when it is written).
                Some(m @ (ModifierKind::Display | ModifierKind::Debug))
                    if matches!(typed, Typed::Integer | Typed::Number | Typed::Boolean) =>
                {
                    let tokens = leaf.modifier.as_ref().map(|m| m.tokens.clone());
                    let what = if typed == Typed::Boolean {
                        "a `bool`"
                    } else {
                        "the number"
                    };
                    let msg = format!(
                        "{} is an ECS `{}`, so `{}` would write it as a string, which Elasticsearch rejects; pass {what} itself (parse a string first: `s.parse::<{}>()`)",
                        site.name(),
                        kind.ecs_name(),
                        m.as_str(),
                        match typed {
                            Typed::Integer => "i64",
                            Typed::Number => "f64",
                            _ => "bool",
                        },
                    );
                    self.error_spanned(&leaf.schema, tokens, msg);
                }
                None if !checked_literals(value) => leaf.class = Class::Typed(typed),
                _ => {}
            }
        }
    }

    fn duplicates(&mut self, leaves: &[Leaf]) {
        let mut seen: HashMap<&str, &Leaf> = HashMap::new();
        for leaf in leaves {
            match seen.get(leaf.schema.as_str()) {
                None => {
                    seen.insert(&leaf.schema, leaf);
                }
                Some(first) => {
                    let written = joined(&leaf.written);
                    let first_written = joined(&first.written);
                    let mac = match self.mac {
                        Macro::Event => "event!",
                        Macro::Bind => "bind!",
                    };
                    let how = if written != leaf.schema || first_written != leaf.schema {
                        format!(" (as `{first_written}` and as `{written}`)")
                    } else {
                        String::new()
                    };
                    let msg = format!(
                        "`{}` is set twice in this `{mac}`{how}; keep one of them",
                        leaf.schema
                    );
                    self.errors
                        .push(syn::Error::new_spanned(path_tokens(&leaf.written), msg));
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Resolved {
    /// Not an ECS name: placed under `extra` by the runtime.
    Custom,
    /// An ECS field set (has sub-fields).
    Set,
    /// An ECS field with a datatype.
    Field(Kind),
    /// Below an `object`/`flattened`/`nested` field: free-form.
    FreeForm,
}

fn reserved(path: &str) -> Option<String> {
    Some(match path {
        "message" => "`message` is the event name, written by ecsctx; put the text in a field of its own, e.g. `detail = ..`".to_owned(),
        "log.level" => "`log.level` is written by ecsctx from the level argument; remove it and choose the level: `event!(warn, ..)`".to_owned(),
        "ecs.version" => format!("`ecs.version` is written by ecsctx (ECS {}); remove it", schema::ECS_VERSION),
        _ => return None,
    })
}

fn unknown_field(parent: &str, rest: &[&str]) -> String {
    let full = format!("{parent}.{}", rest.join("."));
    let children = schema::children(parent);
    let suggestion = suggest::closest(rest[0], children.iter().copied())
        .map(|child| {
            let mut fixed = format!("{parent}.{child}");
            let longer = format!("{fixed}.{}", rest[1..].join("."));
            if rest.len() > 1 && schema::node(&longer) != Node::Unknown {
                fixed = longer;
            }
            fixed
        })
        .or_else(|| {
            let tail = rest.join(".");
            let prefix_len = parent.len() + 1;
            suggest::closest(&tail, schema::descendants(parent).map(|d| &d[prefix_len..]))
                .map(|d| format!("{parent}.{d}"))
        });
    match suggestion {
        Some(s) => format!("unknown ECS field `{full}`; did you mean `{s}`?"),
        None => {
            let list: Vec<String> = children.iter().take(12).map(|c| format!("`{c}`")).collect();
            let more = if children.len() > 12 { ", …" } else { "" };
            format!(
                "unknown ECS field `{full}`; `{parent}` has {}{more}. For data of your own, use a key outside ECS (e.g. `app.{}`)",
                list.join(", "),
                rest.join("."),
            )
        }
    }
}

/// Syntax that can only be a scalar, a string or a list.
fn is_scalar_syntax(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Lit(_) | Expr::Array(_) | Expr::Tuple(_) => true,
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => is_scalar_syntax(&u.expr),
        Expr::Reference(r) => is_scalar_syntax(&r.expr),
        Expr::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "format" | "concat" | "stringify" | "vec" | "format_args" | "include_str"
            )
        }),
        _ => false,
    }
}

fn scalar_for_object(site: &Site<'_>, what: &str, value: &Expr) -> String {
    let written = joined(site.written);
    if site.schema == "error" {
        return format!(
            "`{written}` is an ECS field set and must be an object; write `{written} = {{ message: .. }}` or pass a `std::error::Error`"
        );
    }
    if what == "object" {
        return format!(
            "{} is an ECS object; write `{written} = {{ key: value }}` or pass a map",
            site.name()
        );
    }
    let example = schema::example_leaf(site.schema);
    let rel: Vec<&str> = example[site.schema.len() + 1..].split('.').collect();
    let shown = match (strip(value), schema::node(&example)) {
        (
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }),
            Node::Field(Kind::Keyword | Kind::Text),
        ) => s.to_token_stream().to_string(),
        _ => "..".to_owned(),
    };
    let mut nested = shown.clone();
    for seg in rel.iter().rev() {
        nested = format!("{{ {seg}: {nested} }}");
    }
    let direct = format!("{written}.{}", rel.join("."));
    format!(
        "{} is an ECS field set and must be an object; write `{direct} = {shown}` or `{written} = {nested}`",
        site.name()
    )
}

/// A literal found in a value, with its sign.
enum Literal<'a> {
    Str(&'a LitStr),
    Int(&'a syn::LitInt),
    Float,
    Bool,
    Other,
}

fn literal(expr: &Expr) -> Option<Literal<'_>> {
    match strip(expr) {
        Expr::Lit(l) => Some(match &l.lit {
            Lit::Str(s) => Literal::Str(s),
            Lit::Int(i) => Literal::Int(i),
            Lit::Float(_) => Literal::Float,
            Lit::Bool(_) => Literal::Bool,
            _ => Literal::Other,
        }),
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match literal(&u.expr) {
            Some(Literal::Int(i)) => Some(Literal::Int(i)),
            Some(Literal::Float) => Some(Literal::Float),
            _ => None,
        },
        Expr::Reference(r) => literal(&r.expr),
        _ => None,
    }
}

/// A literal, or an array literal of literals: what [`check_literal`] checks.
fn checked_literals(value: &Expr) -> bool {
    match strip(value) {
        Expr::Array(a) => a.elems.iter().all(|e| literal(e).is_some()),
        _ => literal(value).is_some(),
    }
}

/// Checks a literal (or each literal of an array literal) against the ECS
/// datatype of its field.
fn check_literal<'e>(site: &Site<'_>, kind: Kind, value: &'e Expr) -> Option<(&'e Expr, String)> {
    if let Expr::Array(array) = strip(value) {
        return array
            .elems
            .iter()
            .find_map(|e| check_literal(site, kind, e));
    }
    let lit = literal(value)?;
    let name = site.name();
    let allowed = schema::allowed_values(site.schema);
    let found = match lit {
        Literal::Str(_) => "a string",
        Literal::Int(_) => "an integer",
        Literal::Float => "a float",
        Literal::Bool => "a boolean",
        Literal::Other => "a literal of another type",
    };
    let ty = kind.ecs_name();
    let msg = match (kind, &lit) {
        (Kind::Long | Kind::Integer, Literal::Int(_)) => return None,
        (Kind::Long | Kind::Integer, Literal::Str(s)) if s.value().trim().parse::<i64>().is_ok() => {
            format!(
                "{name} is an ECS `{ty}`, but this is a string; write the number without quotes: `{}`",
                s.value().trim()
            )
        }
        (Kind::Long | Kind::Integer, _) => {
            format!("{name} is an ECS `{ty}`, but this is {found}; pass an integer")
        }
        (Kind::Float, Literal::Int(_) | Literal::Float) => return None,
        (Kind::Float, Literal::Str(s)) if s.value().trim().parse::<f64>().is_ok() => format!(
            "{name} is an ECS `{ty}`, but this is a string; write the number without quotes: `{}`",
            s.value().trim()
        ),
        (Kind::Float, _) => format!("{name} is an ECS `{ty}`, but this is {found}; pass a number"),
        (Kind::Boolean, Literal::Bool) => return None,
        (Kind::Boolean, Literal::Str(s)) if matches!(s.value().as_str(), "true" | "false") => {
            format!(
                "{name} is an ECS `boolean`, but this is a string; write `{}` without quotes",
                s.value()
            )
        }
        (Kind::Boolean, _) => {
            format!("{name} is an ECS `boolean`, but this is {found}; pass `true` or `false`")
        }
        (Kind::Ip, Literal::Str(s)) => {
            if s.value().parse::<std::net::IpAddr>().is_ok() {
                return None;
            }
            format!(
                "{name} is an ECS `ip`, but {} is not an IP address; pass a `std::net::IpAddr` or an address such as \"127.0.0.1\"",
                s.to_token_stream()
            )
        }
        (Kind::Ip, _) => format!(
            "{name} is an ECS `ip`, but this is {found}; pass a `std::net::IpAddr` or an address such as \"127.0.0.1\""
        ),
        (Kind::Date, Literal::Str(s)) => {
            if is_rfc3339(&s.value()) {
                return None;
            }
            format!(
                "{name} is an ECS `date`, but {} is not an RFC 3339 timestamp; write e.g. \"2024-05-01T12:30:00Z\"",
                s.to_token_stream()
            )
        }
        (Kind::Date, Literal::Int(_)) => return None,
        (Kind::Date, _) => format!(
            "{name} is an ECS `date`, but this is {found}; pass an RFC 3339 timestamp such as \"2024-05-01T12:30:00Z\""
        ),
        (Kind::Keyword, _) if !allowed.is_empty() => {
            let list = allowed
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ");
            match lit {
                Literal::Str(s) if allowed.contains(&s.value().as_str()) => return None,
                Literal::Str(s) => {
                    let hint = suggest::closest(&s.value(), allowed.iter().copied())
                        .map(|a| format!("did you mean \"{a}\"? "))
                        .unwrap_or_default();
                    format!(
                        "{} is not an allowed value of {name}; {hint}ECS allows {list}",
                        s.to_token_stream()
                    )
                }
                _ => format!("{name} takes one of {list}, but this is {found}"),
            }
        }
        _ => return None,
    };
    Some((value, msg))
}

/// `YYYY-MM-DD`, optionally followed by `THH:MM:SS[.frac](Z|±HH:MM)`.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let two = |i: usize, max: u32| {
        digits(i..i + 2) && {
            let v = u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
            v <= max
        }
    };
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && two(5, 12)
        && b.get(7) == Some(&b'-')
        && two(8, 31))
    {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    if !(matches!(b.get(10), Some(b'T' | b't' | b' '))
        && two(11, 23)
        && b.get(13) == Some(&b':')
        && two(14, 59)
        && b.get(16) == Some(&b':')
        && two(17, 60))
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len() && two(i + 1, 23) && b[i + 3] == b':' && two(i + 4, 59)
        }
        _ => false,
    }
}

/// The expression without parentheses or invisible groups.
fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        _ => expr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Fields;
    use crate::input::{BindInput, EventInput};
    use quote::quote;

    fn event_errors(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let input: EventInput = syn::parse2(quote!(info, "x", #tokens)).unwrap();
        let mut fields = Fields::new(Macro::Event, &input.fields);
        fields_errors(Macro::Event, &mut fields)
    }

    fn bind_errors(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let input: BindInput = syn::parse2(tokens).unwrap();
        let mut fields = Fields::new(Macro::Bind, &input.fields);
        fields_errors(Macro::Bind, &mut fields)
    }

    fn fields_errors(mac: Macro, f: &mut Fields) -> Vec<String> {
        fields(mac, f).iter().map(|e| e.to_string()).collect()
    }

    fn one(errors: Vec<String>, needle: &str) {
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].contains(needle),
            "{:?} lacks {needle:?}",
            errors[0]
        );
    }

    #[test]
    fn accepts_good_fields() {
        let errors = event_errors(quote!(
            amount = 100, currency = "KWD", error = err, event.action = "user-login",
            event.outcome = "success", http.request.method = "POST",
            keyloop = { store_id, enterprise_id }, http.response.status_code = 200,
            client.ip = "10.0.0.1", event.created = "2024-05-01T12:30:00.123+03:00",
            event.category = ["web", "authentication"], labels = { region: "eu" },
            labels.anything.goes = 1, user = user_map, tags = ["a"], custom = { error: "x" },
        ));
        assert!(errors.is_empty(), "{errors:#?}");
        one(
            event_errors(quote!(error = e, error = f)),
            "`error` is set twice",
        );
    }

    #[test]
    fn scalar_field_sets() {
        one(
            event_errors(quote!(error = "boom")),
            "`error` is an ECS field set and must be an object; write `error = { message: .. }` or pass a `std::error::Error`",
        );
        one(
            event_errors(quote!(user = "bob")),
            "write `user.name = \"bob\"` or `user = { name: \"bob\" }`",
        );
        one(
            event_errors(quote!(http = "GET")),
            "write `http.request.method = \"GET\"`",
        );
        one(
            event_errors(quote!(http = format!("x"))),
            "`http` is an ECS field set",
        );
        one(
            event_errors(quote!(labels = 1)),
            "`labels` is an ECS object",
        );
        one(
            event_errors(quote!(error:% = e)),
            "would log it as a string",
        );
    }

    #[test]
    fn unknown_subfields() {
        one(
            event_errors(quote!(error.msg = "x")),
            "unknown ECS field `error.msg`; did you mean `error.message`?",
        );
        one(
            event_errors(quote!(http.request.methd = "x")),
            "did you mean `http.request.method`?",
        );
        one(
            event_errors(quote!(error = { msg: "x" })),
            "did you mean `error.message`?",
        );
        one(
            event_errors(quote!(http.zzzzzz = 1)),
            "`http` has `request`, `response`, `version`",
        );
        one(
            event_errors(quote!(user.name.first = "x")),
            "`user.name` is an ECS `keyword` field, so it has no sub-field `first`",
        );
        one(
            event_errors(quote!(user.name = { first: "x" })),
            "not an object",
        );
    }

    #[test]
    fn datatypes() {
        one(
            event_errors(quote!(http.response.status_code = "200")),
            "write the number without quotes: `200`",
        );
        one(
            event_errors(quote!(http.response.status_code = 2.5)),
            "this is a float; pass an integer",
        );
        one(
            event_errors(quote!(client.ip = "localhost")),
            "\"localhost\" is not an IP address",
        );
        one(
            event_errors(quote!(event.outcome = "ok")),
            "\"ok\" is not an allowed value of `event.outcome`; ECS allows \"failure\", \"success\", \"unknown\"",
        );
        one(
            event_errors(quote!(event.outcome = "sucess")),
            "did you mean \"success\"?",
        );
        one(event_errors(quote!(event.kind = "alarm")), "`event.kind`");
        one(
            event_errors(quote!(event.type = ["info", "bogus"])),
            "\"bogus\"",
        );
        one(
            event_errors(quote!(event.category = "webb")),
            "did you mean \"web\"?",
        );
        one(
            event_errors(quote!(event.created = "yesterday")),
            "RFC 3339",
        );
        one(
            event_errors(quote!(tls.established = "true")),
            "write `true` without quotes",
        );
        assert!(event_errors(quote!(event.duration = -5, client.ip = "::1")).is_empty());
    }

    #[test]
    fn reserved_and_duplicates() {
        one(
            event_errors(quote!(message = "x")),
            "`message` is the event name",
        );
        one(
            event_errors(quote!(log.level = "x")),
            "`log.level` is written by ecsctx",
        );
        one(event_errors(quote!(a = 1, a = 2)), "`a` is set twice");
        one(
            event_errors(quote!(ecs_event = { action: "a" }, event.action = "b")),
            "(as `ecs_event.action` and as `event.action`)",
        );
        one(event_errors(quote!(keyloop = {})), "logs nothing");
    }

    #[test]
    fn bind_shorthands_are_checked() {
        one(
            bind_errors(quote!(ip = "localhost")),
            "`ip` (bound as `client.ip`) is an ECS `ip`",
        );
        one(
            bind_errors(quote!(user_id = 1, user.id = 2)),
            "`user.id` is set twice",
        );
        one(
            bind_errors(quote!(user = "bob")),
            "`user` is an ECS field set",
        );
        assert!(bind_errors(quote!(session_id = sid, span_id = s, ip = "127.0.0.1")).is_empty());
    }

    #[test]
    fn names() {
        let name = |t: proc_macro2::TokenStream| {
            event_name(&syn::parse2(t).unwrap())
                .map(|l| l.value())
                .map_err(|e| e.to_string())
        };
        assert!(name(quote!("payment_processed")).is_ok());
        assert!(name(quote!(format!("x {}", y)))
            .unwrap_err()
            .contains("not `format!(..)`"));
        assert!(name(quote!(n)).unwrap_err().contains("not a variable"));
        assert!(name(quote!("")).unwrap_err().contains("empty"));
        assert!(name(quote!("user {id} logged in"))
            .unwrap_err()
            .contains("\"user_logged_in\""));
        assert!(name(quote!("payment processed"))
            .unwrap_err()
            .contains("\"payment_processed\""));
        let long = "a".repeat(129);
        assert!(name(quote!(#long)).unwrap_err().contains("129 characters"));
    }

    #[test]
    fn levels() {
        let level =
            |s: &str| super::level(&Ident::new(s, Span::call_site())).map_err(|e| e.to_string());
        assert_eq!(level("warn").unwrap(), "Warn");
        assert!(level("warning").unwrap_err().contains("write `warn`"));
        assert!(level("Info").unwrap_err().contains("write `info`"));
        assert!(level("loud").unwrap_err().contains("write one of"));
    }

    #[test]
    fn rfc3339() {
        for ok in [
            "2024-05-01",
            "2024-05-01T12:30:00Z",
            "2024-05-01T12:30:00.5+03:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "yesterday",
            "2024-13-01",
            "2024-05-01T25:00:00Z",
            "2024-05-01T12:30:00",
            "2024-05-01T12:30:00.Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
