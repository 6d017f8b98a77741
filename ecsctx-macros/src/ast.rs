//! A flat, typed view of the fields of one call: every leaf value with its
//! dotted key, keeping the written identifiers for spans.
//!
//! Object literals are flattened here (`keyloop = { store_id }` becomes the
//! leaf `keyloop.store_id`), so no object is built at run time.

use proc_macro2::Span;
use quote::ToTokens;
use syn::{Expr, Ident};

use crate::input::{FieldInput, Modifier, ValueInput};

/// Which macro the fields belong to; `bind!` maps the shorthand names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Macro {
    Event,
    Bind,
}

/// The shorthand names `bind!` accepts and the ECS field each stands for,
/// as in the Python reference's `bind_context`. The runtime maps the key; the
/// macro only checks the value against the mapped field.
pub(crate) const SHORTHANDS: &[(&str, &str)] = &[
    ("ip", "client.ip"),
    ("orn", "payment.orn"),
    ("pg_code", "payment.pg_code"),
    ("reference_number", "payment.reference"),
    ("span_id", "span.id"),
    ("user_id", "user.id"),
];

/// The alias of `event` kept for parity with the Python package.
pub(crate) const EVENT_ALIAS: &str = "ecs_event";

/// How a leaf value is captured; decided by `validate`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Class {
    /// A plain value (or a modifier capture).
    Plain,
    /// An expression where ECS expects an object: checked by `FieldSet`.
    FieldSet,
    /// An expression for `error`: a `std::error::Error` or `ErrorFieldSet`.
    Error,
    /// An expression (not a literal) at an ECS field whose datatype is not a string:
    /// checked by the trait of that datatype.
    Typed(Typed),
}

/// The trait an expression at a typed ECS field must implement
/// (`ecsctx::__private::{EcsInteger, EcsNumber, EcsBoolean, EcsIp}`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Typed {
    /// `long`, `integer`.
    Integer,
    /// `float`, `double`, `scaled_float`.
    Number,
    /// `boolean`.
    Boolean,
    /// `ip`.
    Ip,
    /// `date`: a `SystemTime`, written as RFC 3339.
    Date,
    /// `event.outcome` (`ecsctx::ecs::Outcome`).
    Outcome,
    /// `event.kind` (`ecsctx::ecs::EventKind`).
    EventKind,
    /// `event.category` (`ecsctx::ecs::Category`).
    Category,
    /// `event.type` (`ecsctx::ecs::EventType`).
    EventType,
}

/// One value with its full key.
pub(crate) struct Leaf {
    /// The key identifiers as written, outer objects first.
    pub written: Vec<Ident>,
    /// The key passed to the runtime (`ecs_event` already renamed `event`).
    pub key: String,
    /// The ECS path the checks use (shorthands mapped).
    pub schema: String,
    /// The shorthand the key was written as, if it was one.
    pub shorthand: Option<&'static str>,
    pub modifier: Option<Modifier>,
    pub value: Expr,
    pub class: Class,
}

/// An object literal `{ .. }` and the key it was given to.
pub(crate) struct ObjectLit {
    pub written: Vec<Ident>,
    pub schema: String,
    pub shorthand: Option<&'static str>,
    pub brace: Span,
    pub empty: bool,
}

/// All fields of one call.
#[derive(Default)]
pub(crate) struct Fields {
    pub leaves: Vec<Leaf>,
    pub objects: Vec<ObjectLit>,
    /// `ecs_event` identifiers, for the deprecation warning.
    pub aliases: Vec<Ident>,
    /// Shape errors found while flattening.
    pub errors: Vec<syn::Error>,
}

impl Fields {
    pub(crate) fn new(mac: Macro, input: &[FieldInput]) -> Self {
        let mut fields = Fields::default();
        for field in input {
            fields.flatten(mac, &[], field);
        }
        fields
    }

    fn flatten(&mut self, mac: Macro, outer: &[Ident], field: &FieldInput) {
        let mut written = outer.to_vec();
        written.extend(field.path.iter().cloned());
        let mut segments: Vec<String> = written.iter().map(unraw).collect();
        if segments[0] == EVENT_ALIAS {
            segments[0] = "event".to_owned();
            if outer.is_empty() {
                self.aliases.push(written[0].clone());
            }
        }
        let key = segments.join(".");
        let (schema, shorthand) = match (mac, outer.is_empty(), segments.len()) {
            (Macro::Bind, true, 1) => match SHORTHANDS.iter().find(|(s, _)| *s == key) {
                Some((short, long)) => ((*long).to_owned(), Some(*short)),
                None => (key.clone(), None),
            },
            _ => (key.clone(), None),
        };

        match &field.value {
            Some(ValueInput::Object(brace, members)) => {
                if let Some(m) = &field.modifier {
                    self.errors.push(syn::Error::new_spanned(
                        &m.tokens,
                        format!(
                            "a capture modifier applies to a value, not to an object literal; \
                             remove `{}` or put it on a member: `{{ key{} = value }}`",
                            m.kind.as_str(),
                            m.kind.as_str()
                        ),
                    ));
                }
                self.objects.push(ObjectLit {
                    written: written.clone(),
                    schema,
                    shorthand,
                    brace: brace.span.join(),
                    empty: members.is_empty(),
                });
                for member in members {
                    self.flatten(mac, &written, member);
                }
            }
            Some(ValueInput::Expr(expr)) => self.leaves.push(Leaf {
                written,
                key,
                schema,
                shorthand,
                modifier: field.modifier.clone(),
                value: operand(expr),
                class: Class::Plain,
            }),
            None => {
                if field.path.len() > 1 {
                    let path = &field.path;
                    let last = path.last().map(unraw).unwrap_or_default();
                    self.errors.push(syn::Error::new_spanned(
                        path_tokens(path),
                        format!(
                            "`{}` has no value; the shorthand form takes a single identifier: write `{} = {}`",
                            joined(path),
                            joined(path),
                            last
                        ),
                    ));
                    return;
                }
                let ident = field.path[0].clone();
                let value: Expr = syn::parse_quote_spanned!(ident.span()=> #ident);
                self.leaves.push(Leaf {
                    written,
                    key,
                    schema,
                    shorthand,
                    modifier: field.modifier.clone(),
                    value,
                    class: Class::Plain,
                });
            }
        }
    }
}

/// An identifier as text, without `r#`.
pub(crate) fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// `a.b.c` from identifiers.
pub(crate) fn joined(path: &[Ident]) -> String {
    path.iter().map(unraw).collect::<Vec<_>>().join(".")
}

/// A key path as tokens, for `syn::Error::new_spanned`: the error then
/// underlines the whole path, from its first to its last identifier.
pub(crate) fn path_tokens(path: &[Ident]) -> proc_macro2::TokenStream {
    let mut tokens = proc_macro2::TokenStream::new();
    for (i, ident) in path.iter().enumerate() {
        if i > 0 {
            syn::Token![.](ident.span()).to_tokens(&mut tokens);
        }
        ident.to_tokens(&mut tokens);
    }
    tokens
}

/// `expr` as one operand: the expansion takes a value's address (`&#value`), and an
/// operator that binds looser than `&` would split it (`&a + b` is `(&a) + b`, `&x as
/// u64` is `(&x) as u64`), so such an expression is parenthesized once, here.
pub(crate) fn operand(expr: &Expr) -> Expr {
    match expr {
        Expr::Binary(_)
        | Expr::Cast(_)
        | Expr::Range(_)
        | Expr::Assign(_)
        | Expr::Closure(_)
        | Expr::Return(_)
        | Expr::Break(_) => syn::parse_quote_spanned!(syn::spanned::Spanned::span(expr)=> (#expr)),
        _ => expr.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::EventInput;
    use quote::quote;

    fn leaves(mac: Macro, tokens: proc_macro2::TokenStream) -> Fields {
        let input: EventInput = syn::parse2(quote!(info, "x", #tokens)).unwrap();
        Fields::new(mac, &input.fields)
    }

    #[test]
    fn flattens_objects() {
        let f = leaves(
            Macro::Event,
            quote!(keyloop = { store_id, enterprise: { id: 1 } }, http.request.method = "POST"),
        );
        let keys: Vec<_> = f.leaves.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "keyloop.store_id",
                "keyloop.enterprise.id",
                "http.request.method"
            ]
        );
        assert_eq!(f.objects.len(), 2);
        assert!(f.errors.is_empty());
    }

    #[test]
    fn maps_shorthands_only_in_bind() {
        let f = leaves(Macro::Bind, quote!(ip = addr, user_id = 1, a.ip = 2));
        let schema: Vec<_> = f.leaves.iter().map(|l| l.schema.as_str()).collect();
        assert_eq!(schema, ["client.ip", "user.id", "a.ip"]);
        assert_eq!(f.leaves[0].key, "ip");
        let f = leaves(Macro::Event, quote!(ip = addr));
        assert_eq!(f.leaves[0].schema, "ip");
    }

    #[test]
    fn renames_the_event_alias() {
        let f = leaves(
            Macro::Event,
            quote!(ecs_event = { action: "a" }, r#type = 1),
        );
        assert_eq!(f.leaves[0].key, "event.action");
        assert_eq!(f.leaves[1].key, "type");
        assert_eq!(f.aliases.len(), 1);
    }

    #[test]
    fn shape_errors() {
        let f = leaves(Macro::Event, quote!(user.id, o:% = { a: 1 }));
        assert_eq!(f.errors.len(), 2);
        assert!(f.errors[0].to_string().contains("write `user.id = id`"));
    }
}
