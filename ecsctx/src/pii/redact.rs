//! Boundary helpers: mask a URL or a body that code builds itself, before it is logged
//! or handed to something that logs it.
//!
//! In: a URL or a body as text. Out: the same text with every credential, CVV,
//! authentication datum, card number, email and phone masked by the rules of the
//! process's masker ([`PiiMasker::from_env`], built once).

use std::borrow::Cow;
use std::sync::OnceLock;

use super::PiiMasker;

fn masker() -> &'static PiiMasker {
    static M: OnceLock<PiiMasker> = OnceLock::new();
    M.get_or_init(PiiMasker::from_env)
}

/// Masks a URL's userinfo (`https://user:pass@host` → both parts masked), its credential
/// query parameters (`access_token=`, `api_key=`, `password=` …), and any card number,
/// email or phone in it. Returns the input when nothing was found.
///
/// # Examples
/// ```
/// # std::env::remove_var("PII_PROVIDER"); std::env::remove_var("PII_TOKEN_KEYSET_PATH");
/// let url = ecsctx::pii::redact_url("https://bob:hunter2@pay.example/cb?access_token=abc&page=2");
/// assert_eq!(
///     url,
///     "https://[SECRET-MASKED]:[SECRET-MASKED]@pay.example/cb?access_token=[SECRET-MASKED]&page=2"
/// );
/// assert_eq!(ecsctx::pii::redact_url("https://pay.example/cb?page=2"), "https://pay.example/cb?page=2");
/// ```
pub fn redact_url(url: &str) -> Cow<'_, str> {
    masker().mask("url.full", url)
}

/// Masks a request or response body (JSON, XML, a form, or text): credential, CVV,
/// authentication-data and card keys by name, credential shapes (JWTs, PEM keys, bearer
/// tokens), card numbers, emails and phones. Returns the input when nothing was found.
///
/// # Examples
/// ```
/// # std::env::remove_var("PII_PROVIDER"); std::env::remove_var("PII_TOKEN_KEYSET_PATH");
/// use ecsctx::pii::redact_body;
/// assert_eq!(
///     redact_body(r#"{"card":{"number":"4111111111111111","cvv":"085"},"amount":100}"#),
///     r#"{"card":{"number":"411111******1111","cvv":"[CVV-MASKED]"},"amount":100}"#
/// );
/// assert_eq!(
///     redact_body("card_number=4111111111111111&cvv=554&api_key=sk_live_abc"),
///     "card_number=411111******1111&cvv=[CVV-MASKED]&api_key=[SECRET-MASKED]"
/// );
/// assert_eq!(redact_body("<pin>8674</pin>"), "<pin>[SAD-MASKED]</pin>");
/// ```
pub fn redact_body(body: &str) -> Cow<'_, str> {
    masker().mask("http.request.body.content", body)
}
