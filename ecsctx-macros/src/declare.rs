//! `events!`: declared events, parsed, checked and expanded in one place.
//!
//! ```text
//! events   := ('#![naming = "strict" | "snake"]')? decl*   // the crate's default:
//!             `event_naming` in Cargo.toml's [package.metadata.ecsctx]
//! decl     := attr* VIS? IDENT '=' STRING ('{' item (',' item)* ','? '}')? ','? ';'?
//! item     := 'kind' ':' IDENT
//!           | 'category' ':' '[' IDENT,* ']'
//!           | 'type' ':' '[' IDENT,* ']'
//!           | 'terminal'
//!           | 'required' ':' '{' path,* '}'
//!           | 'reasons' ':' TYPE
//! ```
//!
//! Each declaration becomes a unit struct that implements `ecsctx::events::Declared`
//! (its `EventInfo` holds what was declared); `reasons: T` implements
//! `ecsctx::events::ReasonOf<EVENT>` for `T`; the block adds `pub fn catalog()`.
//! What `event!` checks against a declaration is in `expand::event`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{braced, bracketed, Attribute, Ident, LitStr, Token, Type, Visibility};

use crate::ast::{Fields, Macro};
use crate::input::{FieldInput, ValueInput};
use crate::{schema, suggest, validate};

/// The naming rule set of one `events!` block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// `<domain>.<subject>_<past_tense_verb>`, lower snake case, no negations.
    Strict,
    /// Lower snake case segments joined by dots, at least two.
    Snake,
}

struct Block {
    naming: Naming,
    decls: Vec<Decl>,
}

struct Decl {
    attrs: Vec<Attribute>,
    vis: Visibility,
    ident: Ident,
    action: LitStr,
    kind: Option<Ident>,
    category: Vec<Ident>,
    event_type: Vec<Ident>,
    terminal: bool,
    required: Vec<FieldInput>,
    reasons: Option<Type>,
}

impl Parse for Block {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut naming = crate_naming().map_err(|msg| syn::Error::new(Span::call_site(), msg))?;
        if input.peek(Token![#]) && input.peek2(Token![!]) {
            for attr in input.call(Attribute::parse_inner)? {
                let nv = attr.meta.require_name_value()?;
                if !nv.path.is_ident("naming") {
                    return Err(syn::Error::new_spanned(
                        &nv.path,
                        "the only `events!` setting is `#![naming = \"strict\"]` or `#![naming = \"snake\"]`",
                    ));
                }
                let value = match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.clone(),
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "expected \"strict\" or \"snake\"",
                        ))
                    }
                };
                naming = match value.value().as_str() {
                    "strict" => Naming::Strict,
                    "snake" => Naming::Snake,
                    other => {
                        return Err(syn::Error::new(
                            value.span(),
                            format!("unknown naming rule set \"{other}\"; write \"strict\" (the default) or \"snake\""),
                        ))
                    }
                };
            }
        }
        let mut decls = Vec::new();
        while !input.is_empty() {
            decls.push(input.parse()?);
            while input.peek(Token![,]) || input.peek(Token![;]) {
                if input.peek(Token![,]) {
                    input.parse::<Token![,]>()?;
                } else {
                    input.parse::<Token![;]>()?;
                }
            }
        }
        Ok(Block { naming, decls })
    }
}

/// The crate's rule set: `event_naming` in its `Cargo.toml`'s
/// `[package.metadata.ecsctx]` (`"strict"`, the default, or `"snake"`).
fn crate_naming() -> Result<Naming, String> {
    let Some(manifest) = manifest_path().and_then(|p| std::fs::read_to_string(p).ok()) else {
        return Ok(Naming::Strict);
    };
    match manifest_naming(&manifest) {
        None | Some("strict") => Ok(Naming::Strict),
        Some("snake") => Ok(Naming::Snake),
        Some(other) => Err(format!(
            "unknown `event_naming = \"{other}\"` in Cargo.toml's [package.metadata.ecsctx]; write \"strict\" (the default) or \"snake\""
        )),
    }
}

/// The `Cargo.toml` of the crate being compiled.
fn manifest_path() -> Option<String> {
    let dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let path = std::path::Path::new(&dir).join("Cargo.toml");
    path.is_file().then(|| path.to_str().map(str::to_owned))?
}

/// `event_naming = "…"` in the `[package.metadata.ecsctx]` table of a manifest.
fn manifest_naming(manifest: &str) -> Option<&str> {
    let mut in_table = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_table = line.trim_end_matches(|c: char| c.is_whitespace() || c == '#')
                == "[package.metadata.ecsctx]";
            continue;
        }
        if !in_table {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            if key.trim() == "event_naming" {
                let value = value.split('#').next()?.trim();
                return value.strip_prefix('"')?.strip_suffix('"');
            }
        }
    }
    None
}

mod kw {
    syn::custom_keyword!(kind);
    syn::custom_keyword!(category);
    syn::custom_keyword!(terminal);
    syn::custom_keyword!(required);
    syn::custom_keyword!(reasons);
}

impl Parse for Decl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let ident: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a declaration: `pub PAYMENT_CAPTURED = \"payment.capture_completed\" { kind: event }`",
            )
        })?;
        input.parse::<Token![=]>()?;
        let action: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the event's action as a string literal: `= \"payment.capture_completed\"`",
            )
        })?;
        let mut d = Decl {
            attrs,
            vis,
            ident,
            action,
            kind: None,
            category: Vec::new(),
            event_type: Vec::new(),
            terminal: false,
            required: Vec::new(),
            reasons: None,
        };
        if !input.peek(syn::token::Brace) {
            return Ok(d);
        }
        let body;
        braced!(body in input);
        while !body.is_empty() {
            let la = body.lookahead1();
            if la.peek(kw::kind) {
                body.parse::<kw::kind>()?;
                body.parse::<Token![:]>()?;
                d.kind = Some(body.call(Ident::parse_any)?);
            } else if la.peek(kw::category) {
                body.parse::<kw::category>()?;
                body.parse::<Token![:]>()?;
                d.category = ident_list(&body)?;
            } else if la.peek(Token![type]) {
                body.parse::<Token![type]>()?;
                body.parse::<Token![:]>()?;
                d.event_type = ident_list(&body)?;
            } else if la.peek(kw::terminal) {
                body.parse::<kw::terminal>()?;
                d.terminal = true;
            } else if la.peek(kw::required) {
                body.parse::<kw::required>()?;
                body.parse::<Token![:]>()?;
                let inner;
                braced!(inner in body);
                while !inner.is_empty() {
                    let mut path = vec![inner.call(Ident::parse_any)?];
                    while inner.peek(Token![.]) {
                        inner.parse::<Token![.]>()?;
                        path.push(inner.call(Ident::parse_any)?);
                    }
                    d.required.push(FieldInput {
                        path,
                        modifier: None,
                        // A stand-in value: only the path is checked (a field set may be
                        // required as a whole: `required: { user }`).
                        value: Some(ValueInput::Expr(syn::parse_quote!(required))),
                    });
                    if inner.is_empty() {
                        break;
                    }
                    inner.parse::<Token![,]>()?;
                }
            } else if la.peek(kw::reasons) {
                body.parse::<kw::reasons>()?;
                body.parse::<Token![:]>()?;
                d.reasons = Some(body.parse()?);
            } else {
                return Err(la.error());
            }
            if body.is_empty() {
                break;
            }
            body.parse::<Token![,]>()?;
        }
        Ok(d)
    }
}

fn ident_list(input: ParseStream) -> syn::Result<Vec<Ident>> {
    let inner;
    bracketed!(inner in input);
    let list = inner.parse_terminated(Ident::parse_any, Token![,])?;
    Ok(list.into_iter().collect())
}

/// Expands `events!`.
pub(crate) fn events(tokens: TokenStream) -> TokenStream {
    let block: Block = match syn::parse2(tokens) {
        Ok(b) => b,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Vec::new();
    let mut items = Vec::new();
    let mut names = Vec::new();
    for (k, d) in block.decls.iter().enumerate() {
        let name = d.ident.to_string();
        if !is_screaming(&name) {
            errors.push(syn::Error::new(
                d.ident.span(),
                format!(
                    "a declared event's name is in SCREAMING_CASE (`event!` tells it from a variable by that): write `{}`",
                    screaming(&name)
                ),
            ));
        }
        if let Some(first) = block.decls[..k]
            .iter()
            .find(|o| o.action.value() == d.action.value())
        {
            errors.push(syn::Error::new(
                d.action.span(),
                format!(
                    "the action \"{}\" is already declared as `{}`; each event has its own action",
                    d.action.value(),
                    first.ident
                ),
            ));
        }
        if let Err(e) = check_action(&d.action, block.naming) {
            errors.push(e);
        }
        for (path, values) in [
            ("event.kind", d.kind.iter().collect::<Vec<_>>()),
            ("event.category", d.category.iter().collect()),
            ("event.type", d.event_type.iter().collect()),
        ] {
            let allowed = schema::allowed_values(path);
            for v in values {
                let text = v.unraw().to_string();
                if !allowed.contains(&text.as_str()) {
                    let hint = match suggest::closest(&text, allowed.iter().copied()) {
                        Some(c) => format!("did you mean `{c}`? "),
                        None => String::new(),
                    };
                    errors.push(syn::Error::new(
                        v.span(),
                        format!(
                            "`{text}` is not an ECS `{path}` value; {hint}allowed: {}",
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
        let mut fields = Fields::new(Macro::Event, &d.required);
        errors.extend(validate::fields(Macro::Event, &mut fields));
        items.push(expand_decl(d, &fields));
        names.push(&d.ident);
    }
    let errors = errors.iter().map(syn::Error::to_compile_error);
    // The rule set came from the crate's manifest: a change to it recompiles the crate.
    let manifest = manifest_path().map(|p| {
        quote!(
            const _: &str = ::core::include_str!(#p);
        )
    });
    quote!(
        #manifest
        #(#errors)*
        #(#items)*
        /// The events this module declares (`ecsctx::events!`), in declaration order.
        #[allow(dead_code)]
        pub fn catalog() -> &'static [::ecsctx::events::EventInfo] {
            &[#(<#names as ::ecsctx::events::Declared>::INFO),*]
        }
    )
}

fn expand_decl(d: &Decl, fields: &Fields) -> TokenStream {
    let Decl {
        attrs,
        vis,
        ident,
        action,
        ..
    } = d;
    let name = ident.to_string();
    let doc: Vec<String> = d
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let doc = doc.join(" ");
    let kind_text = d.kind.as_ref().map(|k| k.unraw().to_string());
    let kind = match &kind_text {
        Some(k) => quote!(::core::option::Option::Some(#k)),
        None => quote!(::core::option::Option::None),
    };
    let category = d.category.iter().map(|c| c.unraw().to_string());
    let event_type = d.event_type.iter().map(|c| c.unraw().to_string());
    let terminal = d.terminal;
    let required = fields.leaves.iter().map(|l| &l.key);
    let (reasons, reason_impl) = match &d.reasons {
        Some(t) => {
            let text = quote!(#t)
                .to_string()
                .replace(" :: ", "::")
                .replace(":: ", "::")
                .replace(" < ", "<")
                .replace(" >", ">")
                .replace(" ,", ",");
            (
                quote!(::core::option::Option::Some(#text)),
                quote_spanned!(Span::mixed_site()=>
                    impl ::ecsctx::events::ReasonOf<#ident> for #t {}
                ),
            )
        }
        None => (quote!(::core::option::Option::None), quote!()),
    };
    // What `event!` writes: the declared members (read from `INFO`), present ones first.
    let arg = quote!(::ecsctx::__private::Arg);
    let mut meta = vec![quote!(("event.action", #arg::Str(Self::INFO.action)))];
    if let Some(k) = &kind_text {
        meta.push(quote!(("event.kind", #arg::Str(#k))));
    }
    if !d.category.is_empty() {
        meta.push(quote!(("event.category", #arg::StrList(Self::INFO.category))));
    }
    if !d.event_type.is_empty() {
        meta.push(quote!(("event.type", #arg::StrList(Self::INFO.event_type))));
    }
    let meta_len = meta.len();
    while meta.len() < 4 {
        meta.push(quote!(("", #arg::Bool(false))));
    }
    quote!(
        #(#attrs)*
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #vis struct #ident;

        impl ::ecsctx::events::Declared for #ident {
            const INFO: ::ecsctx::events::EventInfo = ::ecsctx::events::EventInfo {
                name: #name,
                action: #action,
                module: ::core::module_path!(),
                doc: #doc,
                kind: #kind,
                category: &[#(#category),*],
                event_type: &[#(#event_type),*],
                terminal: #terminal,
                required: &[#(#required),*],
                reasons: #reasons,
            };
            const META: [(&'static str, #arg<'static>); 4] = [#(#meta),*];
            const META_LEN: usize = #meta_len;
        }

        #reason_impl
    )
}

/// Words that make an action a negation (`payment.not_captured`): name what happened.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "non", "dont", "didnt", "cant", "cannot", "unable",
];

/// Past participles that do not end in `ed`.
const IRREGULAR: &[&str] = &[
    "begun",
    "bought",
    "brought",
    "built",
    "caught",
    "chosen",
    "done",
    "drawn",
    "found",
    "frozen",
    "given",
    "got",
    "gotten",
    "held",
    "hidden",
    "hit",
    "kept",
    "known",
    "laid",
    "led",
    "left",
    "lost",
    "made",
    "met",
    "paid",
    "put",
    "quit",
    "read",
    "reset",
    "run",
    "said",
    "seen",
    "sent",
    "set",
    "shown",
    "shut",
    "sold",
    "spent",
    "split",
    "taken",
    "told",
    "thrown",
    "undone",
    "upheld",
    "woken",
    "won",
    "withdrawn",
    "written",
    "rebuilt",
    "resent",
    "rewritten",
    "overridden",
    "bound",
    "cut",
    "broken",
    "forgotten",
    "repaid",
    "prepaid",
    "heard",
    "gone",
    "sought",
    "fed",
    "lit",
    "shot",
    "sped",
    "stood",
    "struck",
    "swept",
    "taught",
    "thought",
    "understood",
    "spun",
    "stuck",
    "dealt",
    "meant",
    "felt",
    "slept",
    "torn",
    "worn",
    "sworn",
    "beaten",
    "bitten",
    "driven",
    "ridden",
    "risen",
    "spoken",
    "stolen",
];

/// Words that end in `ed` without being a past tense.
const NOT_PAST: &[&str] = &[
    "bed", "red", "shred", "sled", "embed", "imbed", "need", "feed", "seed", "heed", "weed",
    "bleed", "breed", "speed", "succeed", "exceed", "proceed", "deed", "steed", "reed", "greed",
];

/// Checks an action against the naming rules.
fn check_action(lit: &LitStr, naming: Naming) -> syn::Result<()> {
    let action = lit.value();
    let err = |msg: String| Err(syn::Error::new(lit.span(), msg));
    if action.chars().any(char::is_whitespace) {
        return err(format!(
            "the action \"{action}\" contains whitespace; an action is `<domain>.<subject>_<verb>`, e.g. \"{}\"",
            action.split_whitespace().collect::<Vec<_>>().join("_").to_lowercase()
        ));
    }
    let segments: Vec<&str> = action.split('.').collect();
    let snake = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
            && s.as_bytes()[0].is_ascii_alphanumeric()
            && !s.ends_with('_')
            && !s.contains("__")
    };
    if let Some(bad) = segments.iter().find(|s| !snake(s)) {
        return err(format!(
            "the action \"{action}\" is not lower snake case (segment `{bad}`); write it like \"{}\"",
            segments
                .iter()
                .map(|s| s.to_lowercase().replace('-', "_"))
                .collect::<Vec<_>>()
                .join(".")
        ));
    }
    if segments.len() < 2 {
        return err(format!(
            "the action \"{action}\" has no domain; write `<domain>.<subject>_<verb>`, e.g. \"payment.{action}\""
        ));
    }
    if naming == Naming::Snake {
        return Ok(());
    }
    let last = segments[segments.len() - 1];
    let words: Vec<&str> = last.split('_').collect();
    if let Some(neg) = segments
        .iter()
        .flat_map(|s| s.split('_'))
        .find(|w| NEGATIONS.contains(w))
    {
        return err(format!(
            "the action \"{action}\" is a negation (`{neg}`); name what happened instead \
             (\"payment.capture_failed\", not \"payment.not_captured\"), or choose the \"snake\" rules (`event_naming` in Cargo.toml, see `ecsctx::events`)"
        ));
    }
    if words.len() < 2 {
        let domain = segments[..segments.len() - 1].join(".");
        let example = if last.ends_with("ed") || IRREGULAR.contains(&last) {
            format!("\"{domain}.<subject>_{last}\"")
        } else {
            format!("\"{domain}.{last}_completed\"")
        };
        return err(format!(
            "the action \"{action}\" has no subject; write `<domain>.<subject>_<past_tense_verb>`, \
             e.g. {example}, or choose the \"snake\" rules (`event_naming` in Cargo.toml, see `ecsctx::events`)"
        ));
    }
    let verb = words[words.len() - 1];
    if !((verb.ends_with("ed") && !NOT_PAST.contains(&verb)) || IRREGULAR.contains(&verb)) {
        return err(format!(
            "the action \"{action}\" does not end in a past-tense verb (`{verb}`); an event names what \
             happened: e.g. \"{}_{}\", or choose the \"snake\" rules (`event_naming` in Cargo.toml, see `ecsctx::events`)",
            &action[..action.len() - verb.len() - 1],
            past(verb)
        ));
    }
    Ok(())
}

/// Whether `name` is SCREAMING_CASE: how `event!` tells a declared event from a variable.
pub(crate) fn is_screaming(name: &str) -> bool {
    name.bytes().any(|c| c.is_ascii_uppercase())
        && name
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// `PaymentCaptured`, `payment_captured` → `PAYMENT_CAPTURED`.
fn screaming(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_uppercase());
    }
    out
}

/// A guess at the past tense of `verb`, for the message.
fn past(verb: &str) -> String {
    if verb.ends_with('e') {
        format!("{verb}d")
    } else {
        format!("{verb}ed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(action: &str, naming: Naming) -> Result<(), String> {
        check_action(&LitStr::new(action, Span::call_site()), naming).map_err(|e| e.to_string())
    }

    #[test]
    fn crate_naming_from_the_manifest() {
        let m = "[package]\nname = \"shop\"\n\n[package.metadata.ecsctx]\nevent_naming = \"snake\" # relaxed\n\n[dependencies]\nevent_naming = \"x\"\n";
        assert_eq!(manifest_naming(m), Some("snake"));
        assert_eq!(manifest_naming("[package]\nname = \"x\"\n"), None);
        assert_eq!(
            manifest_naming("[package.metadata.other]\nevent_naming = \"snake\"\n"),
            None
        );
    }

    #[test]
    fn naming_rules() {
        for ok in [
            "pg.response_received",
            "payment.capture_completed",
            "payment.refund_sent",
            "auth.session_expired",
            "checkout.cart_v2_built",
            "payment.3ds_challenge_sent",
            "ledger.entry_bound",
        ] {
            assert_eq!(check(ok, Naming::Strict), Ok(()), "{ok}");
        }
        for (bad, says) in [
            ("PG.Response_Received", "lower snake case"),
            ("response_received", "no domain"),
            ("pg.response received", "whitespace"),
            ("pg.response_receive", "past-tense"),
            ("payment.not_captured", "negation"),
            ("payment.captured", "no subject"),
            ("payment.capture_succeed", "past-tense"),
            ("quota.limit_exceed", "past-tense"),
            ("payment..captured", "lower snake case"),
        ] {
            let e = check(bad, Naming::Strict).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
        assert_eq!(check("payment.capture", Naming::Snake), Ok(()));
        assert!(check("Payment.capture", Naming::Snake).is_err());
        assert!(check("capture", Naming::Snake).is_err());
    }
}
