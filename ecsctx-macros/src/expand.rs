//! Code generation: the only place that emits tokens.
//!
//! `event!` becomes a level check and one call of
//! `ecsctx::__private::log_event` with its call site's `static` and a key-value
//! array; `bind!` becomes a
//! `Fields` built key by key and handed to `ecsctx::context`. Value checks
//! are trait bounds spanned at the user's expression, so a failed bound
//! points at it.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use crate::ast::{Class, Fields, Leaf, Macro, Typed};
use crate::input::{BindInput, BindMode, EventInput, ModifierKind};
use crate::{schema, validate};

/// Expands `event!`.
pub(crate) fn event(tokens: TokenStream) -> TokenStream {
    let mut input: EventInput = match syn::parse2(tokens) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Vec::new();
    let level = validate::level(&input.level)
        .map_err(|e| errors.push(e))
        .ok();
    let declared = declared_name(&input.name);
    let name = match declared {
        Some(_) => None,
        None => validate::event_name(&input.name)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    if declared.is_some() {
        errors.extend(declared_shorthands(&mut input.fields));
    }
    let mut fields = Fields::new(Macro::Event, &input.fields);
    errors.extend(validate::fields(Macro::Event, &mut fields));
    if declared.is_some() {
        errors.extend(declared_members(&fields));
    }
    let name = match declared {
        Some(path) => Name::Declared(path),
        None => match name {
            Some(lit) => Name::Literal(lit),
            None => Name::Invalid,
        },
    };
    let (Some(level), false, true) = (level, matches!(name, Name::Invalid), errors.is_empty())
    else {
        let errors = errors.iter().map(syn::Error::to_compile_error);
        let keep = keep_used(&fields, input.target.iter().collect());
        return quote!({ #(#errors)* #keep });
    };

    let level = Ident::new(level, input.level.span());
    let lvl = Ident::new("__ecsctx_level", Span::mixed_site());
    let target = match &input.target {
        Some(target) => quote!(#target),
        None => quote!(::core::module_path!()),
    };
    let aliases = alias_warnings(&fields);
    let mut kvs: Vec<TokenStream> = fields
        .leaves
        .iter()
        .map(|leaf| {
            let key = &leaf.key;
            let value = match &name {
                Name::Declared(p) if leaf.key == "event.reason" && leaf.modifier.is_none() => {
                    let expr = &leaf.value;
                    quote_spanned!(expr.span()=>
                        ::ecsctx::__private::declared_reason::<#p, _>(&#expr)
                    )
                }
                _ => event_value(leaf),
            };
            quote!((#key, #value))
        })
        .collect();
    let (message, check) = match &name {
        Name::Declared(p) => {
            let info = quote_spanned!(p.span()=> <#p as ::ecsctx::events::Declared>::INFO);
            let given = fields.leaves.iter().map(|l| &l.key);
            let m: Vec<Ident> = (0..4)
                .map(|i| Ident::new(&format!("__ecsctx_meta{i}"), Span::mixed_site()))
                .collect();
            kvs.extend(m.iter().map(|m| quote!(#m)));
            (
                quote!(::core::format_args!("{}", #info.action)),
                quote_spanned!(p.span()=>
                    const _: () = ::ecsctx::__private::check_declared(&#info, &[#(#given),*]);
                    let [#(#m),*] = <#p as ::ecsctx::events::Declared>::META;
                ),
            )
        }
        Name::Literal(lit) => (quote!(::core::format_args!(#lit)), quote!()),
        Name::Invalid => unreachable!("checked above"),
    };
    let uses_error = fields.leaves.iter().any(|l| l.class == Class::Error);
    let use_probe = uses_error.then(probe_traits);
    let uses_plain = fields
        .leaves
        .iter()
        .any(|l| matches!(l.class, Class::Plain | Class::Typed(_)) && l.modifier.is_none());
    let use_arg_probe = uses_plain.then(arg_probe_traits);
    let site = Ident::new("__ECSCTX_CALLSITE", Span::mixed_site());
    let callsite = match &name {
        Name::Declared(p) => quote!(::ecsctx::__private::Callsite::declared(
            <#p as ::ecsctx::events::Declared>::INFO.action
        )),
        Name::Literal(lit) => quote!(::ecsctx::__private::Callsite::literal(#lit)),
        Name::Invalid => unreachable!("checked above"),
    };
    // A target known when the `static` is made (a literal, or the module path) is checked
    // for bytes to escape there, once.
    let callsite = match &input.target {
        None => quote!(#callsite.with_target(::core::module_path!())),
        Some(
            t @ syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            }),
        ) => quote!(#callsite.with_target(#t)),
        Some(_) => callsite,
    };
    let kv_slice = match &name {
        Name::Declared(p) => {
            let n = fields.leaves.len();
            // At most the 4 slots (`META_LEN` is `events!`'s, but the trait is public).
            quote!(&[#(#kvs),*][..#n + ::core::cmp::min(<#p as ::ecsctx::events::Declared>::META_LEN, 4)])
        }
        _ => quote!(&[#(#kvs),*]),
    };
    quote!({
        #aliases
        #use_probe
        #use_arg_probe
        let #lvl = ::ecsctx::__private::log::Level::#level;
        if ::ecsctx::__private::level_enabled(#lvl) {
            #check
            static #site: ::ecsctx::__private::Callsite = #callsite;
            ::ecsctx::__private::log_event(
                &#site,
                #message,
                #lvl,
                &(#target, ::core::module_path!(), ::core::file!(), ::core::line!()),
                #kv_slice,
            );
        }
    })
}

/// The name of an `event!`.
enum Name {
    Literal(syn::LitStr),
    /// A declared event's type (`PG_RESPONSE_RECEIVED`, `events::PG_RESPONSE_RECEIVED`).
    Declared(syn::Path),
    Invalid,
}

/// The path of a declared event: a path whose last segment is in SCREAMING_CASE.
fn declared_name(name: &syn::Expr) -> Option<syn::Path> {
    let syn::Expr::Path(p) = name else {
        return None;
    };
    let last = p.path.segments.last()?.ident.to_string();
    (p.qself.is_none() && crate::declare::is_screaming(&last)).then(|| p.path.clone())
}

/// In a declared event, `outcome` and `reason` stand for `event.outcome` and
/// `event.reason` (`outcome` alone takes the variable of that name); a reason takes the
/// declared type, so no capture modifier.
fn declared_shorthands(fields: &mut [crate::input::FieldInput]) -> Vec<syn::Error> {
    let mut errors = Vec::new();
    for f in fields {
        if f.path.len() != 1 || !(f.path[0] == "outcome" || f.path[0] == "reason") {
            continue;
        }
        let ident = f.path[0].clone();
        if f.value.is_none() {
            f.value = Some(crate::input::ValueInput::Expr(syn::parse_quote!(#ident)));
        }
        if ident == "reason" {
            if let Some(m) = &f.modifier {
                errors.push(syn::Error::new_spanned(
                    &m.tokens,
                    "`reason` of a declared event takes a value of its declared `reasons:` type as it is; remove the modifier",
                ));
            }
        }
        f.path.insert(0, Ident::new("event", ident.span()));
    }
    errors
}

/// What the declaration of an event sets (`event.action`, `kind`, `category`, `type`)
/// cannot be given again, in any form (`event.kind = ..`, `event = { kind: .. }`).
fn declared_members(fields: &Fields) -> Vec<syn::Error> {
    fields
        .leaves
        .iter()
        .filter(|l| {
            matches!(
                l.key.as_str(),
                "event.action" | "event.kind" | "event.category" | "event.type"
            )
        })
        .map(|l| {
            let span = l.written.last().map_or_else(Span::call_site, Ident::span);
            syn::Error::new(
                span,
                format!(
                    "`{}` of a declared event comes from its declaration in `events!`; remove it here",
                    l.key
                ),
            )
        })
        .collect()
}

/// Expands `bind!`.
pub(crate) fn bind(tokens: TokenStream) -> TokenStream {
    let input: BindInput = match syn::parse2(tokens) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let mut fields = Fields::new(Macro::Bind, &input.fields);
    let errors = validate::fields(Macro::Bind, &mut fields);
    let ctx = quote!(::ecsctx::context);
    if !errors.is_empty() {
        let errors = errors.iter().map(syn::Error::to_compile_error);
        let keep = keep_used(&fields, Vec::new());
        let guard = Ident::new("__ecsctx_guard", Span::mixed_site());
        return match &input.mode {
            BindMode::Scoped => quote!(#(#errors)* #keep let #guard = ();),
            BindMode::Unscoped => quote!({ #(#errors)* #keep }),
            BindMode::Run(f) => quote!({ #(#errors)* #keep #ctx::Context::current().run(#f) }),
            BindMode::Future(f) => quote!({
                #(#errors)* #keep
                #ctx::FutureExt::with_context(#f, #ctx::Context::current())
            }),
        };
    }

    let f = Ident::new("__ecsctx_fields", Span::mixed_site());
    let aliases = alias_warnings(&fields);
    let uses_error = fields.leaves.iter().any(|l| l.class == Class::Error);
    let use_probe = uses_error.then(probe_traits);
    let use_text_probe = fields
        .leaves
        .iter()
        .any(|l| l.class == Class::Plain && l.modifier.is_none())
        .then(|| {
            quote!(
                #[allow(unused_imports)]
                use ::ecsctx::__private::{
                    BindTextDisplay as _, BindTextScalar as _, BindTextSerialize as _,
                };
            )
        });
    let inserts = fields.leaves.iter().map(|leaf| {
        let key = &leaf.key;
        let value = bind_value(leaf);
        quote!(#f.insert(#key, #value);)
    });
    let build = quote!({
        #aliases
        #use_probe
        #use_text_probe
        let mut #f = #ctx::Fields::new();
        #(#inserts)*
        #f
    });
    match &input.mode {
        BindMode::Scoped => {
            let guard = Ident::new("__ecsctx_guard", Span::mixed_site());
            quote!(let #guard = #ctx::bind(#build);)
        }
        BindMode::Unscoped => quote!(#ctx::bind_unscoped(#build)),
        BindMode::Run(closure) => {
            quote!(#ctx::Context::current().with_fields(#build).run(#closure))
        }
        BindMode::Future(fut) => quote!(
            #ctx::FutureExt::with_context(#fut, #ctx::Context::current().with_fields(#build))
        ),
    }
}

/// The `ecsctx::__private::Arg` of one leaf.
fn event_value(leaf: &Leaf) -> TokenStream {
    let expr = &leaf.value;
    let span = expr.span();
    let p = quote_spanned!(span=> ::ecsctx::__private);
    match (leaf.class, leaf.modifier.as_ref().map(|m| m.kind)) {
        (_, Some(ModifierKind::Display)) => quote_spanned!(span=> #p::display_arg(&#expr)),
        (_, Some(ModifierKind::Debug)) => quote_spanned!(span=> #p::debug_arg(&#expr)),
        (_, Some(ModifierKind::Serde)) => {
            quote_spanned!(span=> #p::value_arg(#p::log::kv::Value::from_serde(&#expr)))
        }
        // A list of string literals at an ECS field (`event.category = ["web"]`): one
        // leaf, no serde. (Elsewhere, under `labels` or `extra`, lists keep the general
        // path, which writes them as those places want.)
        (Class::Plain, None) if str_list(expr) && is_text_field(leaf) => {
            quote_spanned!(span=> #p::Arg::StrList(&#expr))
        }
        // `log` has no `ToValue` for arrays: a list literal goes through serde.
        (Class::Plain, None) if matches!(expr, syn::Expr::Array(_)) => {
            quote_spanned!(span=> #p::value_arg(#p::log::kv::Value::from_serde(&#expr)))
        }
        // An ECS `keyword`/`text` field also takes anything `Display`.
        (Class::Plain, None) if is_text_field(leaf) => quote_spanned!(span=>
            #p::capture_text((&&&#p::TextProbe(&#expr)).__ecsctx_text_probe())
        ),
        (Class::Plain, None) => {
            quote_spanned!(span=> #p::capture((&&#p::ArgProbe(&#expr)).__ecsctx_arg_probe()))
        }
        (Class::FieldSet, None) => quote_spanned!(span=>
            #p::value_arg(#p::log::kv::Value::from_serde(#p::assert_field_set(&#expr)))
        ),
        // A list (`[Category::Web]`, a `Vec`) goes through serde, like any array.
        (Class::Typed(t), None)
            if matches!(expr, syn::Expr::Array(_))
                || matches!(t, Typed::Category | Typed::EventType) =>
        {
            let check = typed_check(t, span);
            quote_spanned!(span=>
                #p::value_arg(#p::log::kv::Value::from_serde(#check(&#expr)))
            )
        }
        (Class::Typed(Typed::Date), None) => {
            quote_spanned!(span=> #p::display_arg(&#p::date_value(&#expr)))
        }
        // One address (a `SocketAddr` written as its IP).
        (Class::Typed(Typed::Ip), None) => quote_spanned!(span=>
            #p::capture((&&#p::ArgProbe(&#p::ip_value(&#expr))).__ecsctx_arg_probe())
        ),
        (Class::Typed(t), None) => {
            let check = typed_check(t, span);
            quote_spanned!(span=>
                #p::capture((&&#p::ArgProbe(#check(&#expr))).__ecsctx_arg_probe())
            )
        }
        (Class::Error, None) => {
            let field = error_field(leaf);
            quote_spanned!(span=> #p::value_arg(#p::log::kv::Value::from_serde(&#field)))
        }
    }
}

/// Whether the leaf is an ECS `keyword`/`text` field (which also takes `Display` values).
fn is_text_field(leaf: &Leaf) -> bool {
    matches!(
        schema::node(&leaf.schema),
        schema::Node::Field(schema::Kind::Keyword | schema::Kind::Text)
    )
}

/// Whether `expr` is an array of string literals.
fn str_list(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Array(a) => a.elems.iter().all(|e| {
            matches!(
                e,
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(_),
                    ..
                })
            )
        }),
        _ => false,
    }
}

/// The `&impl Serialize` that `Fields::insert` gets for one leaf.
fn bind_value(leaf: &Leaf) -> TokenStream {
    let expr = &leaf.value;
    let span = expr.span();
    let p = quote_spanned!(span=> ::ecsctx::__private);
    match (leaf.class, leaf.modifier.as_ref().map(|m| m.kind)) {
        (_, Some(ModifierKind::Display)) => quote_spanned!(span=> &#p::DisplayValue(&#expr)),
        (_, Some(ModifierKind::Debug)) => quote_spanned!(span=> &#p::DebugValue(&#expr)),
        (_, Some(ModifierKind::Serde)) => quote_spanned!(span=> &#expr),
        // An ECS `keyword`/`text` field also takes anything `Display`, as in `event!`.
        (Class::Plain, None) if is_text_field(leaf) => quote_spanned!(span=>
            &#p::BindArg(#p::capture_text((&&&#p::BindTextProbe(&#expr)).__ecsctx_text_probe()))
        ),
        (Class::Plain, None) => quote_spanned!(span=> #p::bind_value(&#expr)),
        (Class::FieldSet, None) => quote_spanned!(span=> #p::assert_field_set(&#expr)),
        (Class::Typed(Typed::Date), None) => {
            quote_spanned!(span=> &#p::date_value(&#expr))
        }
        (Class::Typed(Typed::Ip), None) if !matches!(expr, syn::Expr::Array(_)) => {
            quote_spanned!(span=> &#p::ip_value(&#expr))
        }
        (Class::Typed(t), None) => {
            let check = typed_check(t, span);
            quote_spanned!(span=> #p::bind_value(#check(&#expr)))
        }
        (Class::Error, None) => {
            let field = error_field(leaf);
            quote_spanned!(span=> &#field)
        }
    }
}

/// The `ecsctx::__private` function whose trait bound checks a value at a typed ECS
/// field (spanned at the value, so the compiler's message points at it).
fn typed_check(t: Typed, span: Span) -> TokenStream {
    let f = match t {
        Typed::Integer => quote_spanned!(span=> assert_ecs_integer),
        Typed::Number => quote_spanned!(span=> assert_ecs_number),
        Typed::Boolean => quote_spanned!(span=> assert_ecs_boolean),
        Typed::Ip => quote_spanned!(span=> assert_ecs_ip),
        Typed::Date => quote_spanned!(span=> date_value),
        Typed::Outcome => quote_spanned!(span=> assert_ecs_outcome),
        Typed::EventKind => quote_spanned!(span=> assert_ecs_event_kind),
        Typed::Category => quote_spanned!(span=> assert_ecs_category),
        Typed::EventType => quote_spanned!(span=> assert_ecs_event_type),
    };
    quote_spanned!(span=> ::ecsctx::__private::#f)
}

/// `error = expr`: probe for a `std::error::Error`, else require
/// `ErrorFieldSet`.
fn error_field(leaf: &Leaf) -> TokenStream {
    let expr = &leaf.value;
    let span = expr.span();
    let p = quote_spanned!(span=> ::ecsctx::__private);
    quote_spanned!(span=>
        #p::error_field((&&#p::ErrorProbe(&#expr)).__ecsctx_error_probe())
    )
}

fn arg_probe_traits() -> TokenStream {
    quote!(
        #[allow(unused_imports)]
        use ::ecsctx::__private::{
            ArgProbeFallback as _, ArgProbeScalar as _, TextProbeDisplay as _,
            TextProbeScalar as _, TextProbeValue as _,
        };
    )
}

fn probe_traits() -> TokenStream {
    quote!(
        #[allow(unused_imports)]
        use ::ecsctx::__private::{ErrorProbeFallback as _, ErrorProbeStd as _};
    )
}

/// One call of a `#[deprecated]` function per `ecs_event`, spanned at it, so
/// the warning points at the alias.
fn alias_warnings(fields: &Fields) -> TokenStream {
    let calls = fields
        .aliases
        .iter()
        .map(|alias| quote_spanned!(alias.span()=> ::ecsctx::__private::ecs_event_alias();));
    quote!(#(#calls)*)
}

/// After an error: mention every value in dead code, so the only messages
/// are the real errors (no "unused variable" warnings).
fn keep_used(fields: &Fields, extra: Vec<&syn::Expr>) -> TokenStream {
    // (Leaf values are operands already: `ast::operand`.)
    let exprs = fields
        .leaves
        .iter()
        .map(|l| l.value.clone())
        .chain(extra.into_iter().map(crate::ast::operand));
    quote!(if false { #(let _ = &#exprs;)* })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(f: fn(TokenStream) -> TokenStream, tokens: TokenStream) -> String {
        f(tokens).to_string()
    }

    #[test]
    fn event_expands_to_a_level_check_and_one_call() {
        let out = expand(
            event,
            quote!(info, "payment_processed", amount = 100, keyloop = { store_id }, error = err, n:% = n),
        );
        assert!(out.contains("level_enabled"), "{out}");
        assert!(
            out.contains(":: ecsctx :: __private :: log :: Level :: Info"),
            "{out}"
        );
        assert!(
            out.contains("format_args ! (\"payment_processed\")"),
            "{out}"
        );
        assert!(out.contains("\"keyloop.store_id\""), "{out}");
        assert!(out.contains("error_field"), "{out}");
        assert!(out.contains("display_arg"), "{out}");
        assert!(out.contains("module_path"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn event_with_target() {
        let out = expand(
            event,
            quote!(target: "audit", warn, "limit_reached", user.id = uid),
        );
        assert!(out.contains("(\"audit\" , :: core :: module_path"), "{out}");
        assert!(out.contains("\"user.id\""), "{out}");
    }

    #[test]
    fn event_errors_still_expand_to_a_block() {
        let out = expand(event, quote!(info, "x", error = "boom", amount = a));
        assert!(out.starts_with("{"), "{out}");
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("if false"), "{out}");
        assert!(!out.contains("log_event"), "{out}");
    }

    #[test]
    fn bind_forms() {
        let out = expand(bind, quote!(session_id = sid, ip = addr));
        assert!(
            out.starts_with("let __ecsctx_guard = :: ecsctx :: context :: bind"),
            "{out}"
        );
        assert!(out.contains("\"ip\""), "{out}");
        let out = expand(bind, quote!(unscoped: a = 1));
        assert!(
            out.starts_with(":: ecsctx :: context :: bind_unscoped"),
            "{out}"
        );
        let out = expand(bind, quote!(a = 1, in: || work()));
        assert!(out.contains("with_fields"), "{out}");
        assert!(out.contains(". run ("), "{out}");
        let out = expand(bind, quote!(a = 1, in_future: fut));
        assert!(out.contains("FutureExt :: with_context (fut"), "{out}");
    }

    #[test]
    fn alias_warns() {
        let out = expand(event, quote!(info, "x", ecs_event = { action: "a" }));
        assert!(out.contains("ecs_event_alias"), "{out}");
        assert!(out.contains("\"event.action\""), "{out}");
    }
}
