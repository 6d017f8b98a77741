//! Parsing of `event!` and `bind!` input: syntax only, no checks.
//!
//! Grammar (`?` optional, `*` repeated):
//!
//! ```text
//! event  := (target ':' EXPR ',')? LEVEL ',' NAME (',' field)* ','?
//! bind   := ('unscoped' ':')? field (',' field)* (',' ('in' | 'in_future') ':' EXPR)? ','?
//! field  := path (':' modifier)? ('=' value)?        // at top level
//! member := path (':' modifier)? (('=' | ':') value)? // inside `{ .. }`
//! path   := IDENT ('.' IDENT)*                       // keywords allowed: `type`
//! modifier := '%' | '?' | 'display' | 'debug' | 'serde'
//! value  := '{' member (',' member)* ','? '}' | EXPR
//! ```
//!
//! Inside an object literal `key: value` is the usual separator; a
//! modifier is recognised after `:` only when it is `%`, `?`, or a modifier
//! word followed by `=`.

use proc_macro2::Span;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{braced, token, Expr, Ident, Token};

pub(crate) mod kw {
    syn::custom_keyword!(target);
    syn::custom_keyword!(unscoped);
    syn::custom_keyword!(in_future);
    syn::custom_keyword!(display);
    syn::custom_keyword!(debug);
    syn::custom_keyword!(serde);
}

/// `event!(…)` as written.
pub(crate) struct EventInput {
    pub target: Option<Expr>,
    pub level: Ident,
    pub name: Expr,
    pub fields: Vec<FieldInput>,
}

/// `bind!(…)` as written.
pub(crate) struct BindInput {
    pub mode: BindMode,
    pub fields: Vec<FieldInput>,
}

/// What `bind!` does with the fields.
pub(crate) enum BindMode {
    /// `bind!(k = v);`: a hidden guard to the end of the block.
    Scoped,
    /// `bind!(unscoped: k = v)`: merge into the current scope.
    Unscoped,
    /// `bind!(k = v, in: || …)`: run a closure inside the binding.
    Run(Expr),
    /// `bind!(k = v, in_future: fut)`: a future that runs inside the binding.
    Future(Expr),
}

/// One `path[:modifier][= value]` as written.
pub(crate) struct FieldInput {
    pub path: Vec<Ident>,
    pub modifier: Option<Modifier>,
    pub value: Option<ValueInput>,
}

/// The right-hand side of a field.
pub(crate) enum ValueInput {
    Expr(Expr),
    Object(token::Brace, Vec<FieldInput>),
}

/// A capture modifier and the tokens it was written with (`:` and `%`), so
/// an error can underline both.
#[derive(Clone)]
pub(crate) struct Modifier {
    pub kind: ModifierKind,
    pub tokens: proc_macro2::TokenStream,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ModifierKind {
    Display,
    Debug,
    Serde,
}

impl ModifierKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ModifierKind::Display => ":%",
            ModifierKind::Debug => ":?",
            ModifierKind::Serde => ":serde",
        }
    }
}

impl Parse for EventInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let target = if input.peek(kw::target) && input.peek2(Token![:]) {
            input.parse::<kw::target>()?;
            input.parse::<Token![:]>()?;
            let target = input.parse()?;
            input.parse::<Token![,]>()?;
            Some(target)
        } else {
            None
        };
        let level = if input.peek(Ident::peek_any) {
            input.call(Ident::parse_any)?
        } else {
            return Err(input.error(
                "expected a level: `trace`, `debug`, `info`, `warn` or `error`, \
                 e.g. `event!(info, \"payment_processed\", amount = 100)`",
            ));
        };
        if input.is_empty() {
            return Err(input.error(
                "expected an event name after the level: `event!(info, \"payment_processed\")`",
            ));
        }
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            return Err(input.error(
                "expected an event name after the level: `event!(info, \"payment_processed\")`",
            ));
        }
        let name = input.parse()?;
        let fields = parse_fields(input, false)?;
        Ok(EventInput {
            target,
            level,
            name,
            fields,
        })
    }
}

impl Parse for BindInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut mode = BindMode::Scoped;
        if input.peek(kw::unscoped) && input.peek2(Token![:]) && !input.peek3(Token![%]) {
            input.parse::<kw::unscoped>()?;
            input.parse::<Token![:]>()?;
            mode = BindMode::Unscoped;
        }
        let mut fields = Vec::new();
        loop {
            if input.is_empty() {
                break;
            }
            if input.peek(Token![in]) {
                let token = input.parse::<Token![in]>()?;
                input.parse::<Token![:]>()?;
                let expr = input.parse()?;
                mode = bind_clause(mode, token.span, BindMode::Run(expr))?;
            } else if input.peek(kw::in_future) && input.peek2(Token![:]) {
                let token = input.parse::<kw::in_future>()?;
                input.parse::<Token![:]>()?;
                let expr = input.parse()?;
                mode = bind_clause(mode, token.span, BindMode::Future(expr))?;
            } else {
                if !matches!(mode, BindMode::Scoped | BindMode::Unscoped) {
                    return Err(
                        input.error("fields go before `in:`/`in_future:`, which must come last")
                    );
                }
                fields.push(FieldInput::parse(input, false)?);
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        if fields.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "`bind!` needs at least one field: `bind!(session_id = sid)`",
            ));
        }
        Ok(BindInput { mode, fields })
    }
}

fn bind_clause(current: BindMode, span: Span, new: BindMode) -> syn::Result<BindMode> {
    match current {
        BindMode::Scoped => Ok(new),
        BindMode::Unscoped => Err(syn::Error::new(
            span,
            "`unscoped:` merges into the current scope and cannot be combined with `in:`/`in_future:`; remove one of them",
        )),
        BindMode::Run(_) | BindMode::Future(_) => Err(syn::Error::new(
            span,
            "only one `in:`/`in_future:` clause is allowed",
        )),
    }
}

/// `, field`* with an optional trailing comma, at the end of `event!`.
fn parse_fields(input: ParseStream, in_object: bool) -> syn::Result<Vec<FieldInput>> {
    let mut fields = Vec::new();
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        fields.push(FieldInput::parse(input, in_object)?);
    }
    Ok(fields)
}

impl FieldInput {
    fn parse(input: ParseStream, in_object: bool) -> syn::Result<Self> {
        if input.peek(syn::LitStr) {
            let lit: syn::LitStr = input.parse()?;
            return Err(syn::Error::new(
                lit.span(),
                "a field key is a path of identifiers, not a string: write `key = value` or `key.sub_key = value`",
            ));
        }
        if !input.peek(Ident::peek_any) {
            return Err(
                input.error("expected a field: `key = value`, `key.sub_key = value` or `key`")
            );
        }
        let mut path = vec![input.call(Ident::parse_any)?];
        while input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            if !input.peek(Ident::peek_any) {
                return Err(input.error("expected a key segment after `.`"));
            }
            path.push(input.call(Ident::parse_any)?);
        }

        let mut modifier = None;
        let mut colon_value = false;
        if input.peek(Token![:]) {
            if let Some(m) = peek_modifier(input, in_object)? {
                modifier = Some(m);
            } else if in_object {
                input.parse::<Token![:]>()?;
                colon_value = true;
            } else {
                let colon = input.parse::<Token![:]>()?;
                return Err(syn::Error::new(
                    colon.span,
                    "expected `=` or a capture modifier (`:%`, `:?`, `:display`, `:debug`, `:serde`) after the key; \
                     write `key = value` (`key: value` is only for members of `{ .. }`)",
                ));
            }
        }

        let value = if colon_value || input.peek(Token![=]) {
            if !colon_value {
                input.parse::<Token![=]>()?;
            }
            Some(ValueInput::parse_value(input)?)
        } else {
            None
        };
        Ok(FieldInput {
            path,
            modifier,
            value,
        })
    }
}

/// Parses `:%`, `:?`, `:display`, … if the tokens after `:` are a modifier.
fn peek_modifier(input: ParseStream, in_object: bool) -> syn::Result<Option<Modifier>> {
    let fork = input.fork();
    let colon = fork.parse::<Token![:]>()?;
    let (kind, span) = if fork.peek(Token![%]) {
        (ModifierKind::Display, fork.parse::<Token![%]>()?.span)
    } else if fork.peek(Token![?]) {
        (ModifierKind::Debug, fork.parse::<Token![?]>()?.span)
    } else if fork.peek(kw::display) || fork.peek(kw::debug) || fork.peek(kw::serde) {
        let ident: Ident = fork.parse()?;
        // Inside `{ .. }`, `key: serde` is a value unless `=` follows.
        let ends = fork.is_empty() || fork.peek(Token![,]);
        if !(fork.peek(Token![=]) || (ends && !in_object)) {
            return Ok(None);
        }
        let kind = match ident.to_string().as_str() {
            "display" => ModifierKind::Display,
            "debug" => ModifierKind::Debug,
            _ => ModifierKind::Serde,
        };
        (kind, ident.span())
    } else {
        return Ok(None);
    };
    let mut tokens = proc_macro2::TokenStream::new();
    colon.to_tokens(&mut tokens);
    match kind {
        ModifierKind::Display if fork_is_symbol(input) => Token![%](span).to_tokens(&mut tokens),
        ModifierKind::Debug if fork_is_symbol(input) => Token![?](span).to_tokens(&mut tokens),
        ModifierKind::Display => Ident::new("display", span).to_tokens(&mut tokens),
        ModifierKind::Debug => Ident::new("debug", span).to_tokens(&mut tokens),
        ModifierKind::Serde => Ident::new("serde", span).to_tokens(&mut tokens),
    }
    // Commit: parse the same tokens from the real stream.
    input.parse::<Token![:]>()?;
    if input.peek(Token![%]) {
        input.parse::<Token![%]>()?;
    } else if input.peek(Token![?]) {
        input.parse::<Token![?]>()?;
    } else {
        input.parse::<Ident>()?;
    }
    Ok(Some(Modifier { kind, tokens }))
}

/// Whether the modifier after the `:` at the cursor is a symbol (`%`, `?`).
fn fork_is_symbol(input: ParseStream) -> bool {
    let fork = input.fork();
    fork.parse::<Token![:]>().is_ok() && (fork.peek(Token![%]) || fork.peek(Token![?]))
}

impl ValueInput {
    fn parse_value(input: ParseStream) -> syn::Result<Self> {
        if input.peek(token::Brace) {
            let content;
            let brace = braced!(content in input);
            let mut members = Vec::new();
            while !content.is_empty() {
                members.push(FieldInput::parse(&content, true)?);
                if content.is_empty() {
                    break;
                }
                content.parse::<Token![,]>()?;
            }
            Ok(ValueInput::Object(brace, members))
        } else {
            Ok(ValueInput::Expr(input.parse()?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn event(tokens: proc_macro2::TokenStream) -> syn::Result<EventInput> {
        syn::parse2(tokens)
    }

    #[test]
    fn parses_every_field_form() {
        let input = event(quote! {
            target: "audit", warn, "limit_reached",
            user.id = uid, limit:% = limit, dbg:?, s:serde = s,
            keyloop = { store_id, enterprise_id: e, deep: { x: 1 }, m:% = m },
            error = { message: e.to_string(), type: "Timeout" },
        })
        .unwrap();
        assert!(input.target.is_some());
        assert_eq!(input.level, "warn");
        assert_eq!(input.fields.len(), 6);
        assert_eq!(input.fields[0].path.len(), 2);
        assert_eq!(
            input.fields[1].modifier.as_ref().unwrap().kind,
            ModifierKind::Display
        );
        assert!(input.fields[2].value.is_none());
        assert_eq!(
            input.fields[2].modifier.as_ref().unwrap().kind,
            ModifierKind::Debug
        );
        assert_eq!(
            input.fields[3].modifier.as_ref().unwrap().kind,
            ModifierKind::Serde
        );
        match &input.fields[4].value {
            Some(ValueInput::Object(_, members)) => {
                assert_eq!(members.len(), 4);
                assert!(members[0].value.is_none());
                assert!(matches!(members[2].value, Some(ValueInput::Object(..))));
                assert_eq!(
                    members[3].modifier.as_ref().unwrap().kind,
                    ModifierKind::Display
                );
            }
            _ => panic!("expected an object"),
        }
        match &input.fields[5].value {
            Some(ValueInput::Object(_, members)) => assert_eq!(members[1].path[0], "type"),
            _ => panic!("expected an object"),
        }
    }

    #[test]
    fn object_member_named_like_a_modifier_is_a_value() {
        let input = event(quote!(info, "x", o = { a: debug, b: serde = v })).unwrap();
        match &input.fields[0].value {
            Some(ValueInput::Object(_, m)) => {
                assert!(m[0].modifier.is_none());
                assert!(m[0].value.is_some());
                assert_eq!(m[1].modifier.as_ref().unwrap().kind, ModifierKind::Serde);
            }
            _ => panic!(),
        }
    }

    #[test]
    fn top_level_colon_value_is_an_error() {
        let err = event(quote!(info, "x", amount: 100)).err().unwrap();
        assert!(err.to_string().contains("write `key = value`"));
    }

    #[test]
    fn bind_modes() {
        let b: BindInput = syn::parse2(quote!(unscoped: a = 1)).unwrap();
        assert!(matches!(b.mode, BindMode::Unscoped));
        let b: BindInput = syn::parse2(quote!(a = 1, b, in: || work())).unwrap();
        assert!(matches!(b.mode, BindMode::Run(_)));
        assert_eq!(b.fields.len(), 2);
        let b: BindInput = syn::parse2(quote!(a = 1, in_future: fut,)).unwrap();
        assert!(matches!(b.mode, BindMode::Future(_)));
        let b: BindInput = syn::parse2(quote!(unscoped:% = 1)).unwrap();
        assert!(matches!(b.mode, BindMode::Scoped));
        assert!(syn::parse2::<BindInput>(quote!(unscoped: a = 1, in: || ())).is_err());
        assert!(syn::parse2::<BindInput>(quote!(in: || ())).is_err());
    }
}
