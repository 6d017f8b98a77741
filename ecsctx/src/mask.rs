//! The masking seam: every string the renderer writes passes through a [`Masker`].
//!
//! The renderer calls the installed masker in the same pass in which it writes a line:
//! for every string value of the document (event fields, bound context when it is bound,
//! nested objects, array elements, `labels`), for every dynamic key (key-value keys and
//! map keys), and for the message of a foreign `log` record whose text was formatted at run
//! time. The PII module provides the production implementation; tests and users may plug in
//! their own with [`Builder::with_masker`](crate::Builder::with_masker).

/// Rewrites sensitive strings while a line is being rendered.
///
/// Implementations must be cheap when nothing matches (they run on every string of every
/// line) and must never panic. A masker returns `false` to keep the input as it is, or
/// writes the replacement into `out` (which the caller passes in empty) and returns `true`.
///
/// A masker's answers depend on its input and its configuration only: the logger
/// remembers, per thread, keys and messages a masker kept as they are, and does not ask
/// again for the same text (what a masker rewrites is always asked again).
///
/// # Paths
/// `path` is the dotted key path of the value from the document root, after placement:
/// `extra.customer_name`, `user.email`, `payload.items.[].phone` (array elements are the
/// segment `[]`), `labels.region`. The message of a foreign record has the path `message`.
///
/// # Examples
/// ```
/// use ecsctx::mask::Masker;
///
/// struct NoDigits;
/// impl Masker for NoDigits {
///     fn mask_str(&self, _path: &str, value: &str, out: &mut String) -> bool {
///         if !value.bytes().any(|b| b.is_ascii_digit()) {
///             return false;
///         }
///         out.extend(value.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }));
///         true
///     }
/// }
///
/// let mut out = String::new();
/// assert!(NoDigits.mask_str("extra.card", "4111 1111", &mut out));
/// assert_eq!(out, "#### ####");
/// ```
pub trait Masker: Send + Sync + 'static {
    /// Masks a string value found at `path`; see the trait docs for the contract.
    fn mask_str(&self, path: &str, value: &str, out: &mut String) -> bool;

    /// Masks a dynamic object key (a key-value key, a map key) found under `parent_path`.
    ///
    /// The default keeps every key. Keys that are plain identifiers rarely need masking;
    /// a key that is itself an email address or a card number does.
    fn mask_key(&self, parent_path: &str, key: &str, out: &mut String) -> bool {
        let _ = (parent_path, key, out);
        false
    }

    /// Masks an integer found at `path`, given as its decimal text (`-` first when
    /// negative). What it writes into `out` is written as a JSON string in place of the
    /// number: a CVV logged as `cvv = 123` must not reach the line as `123` either.
    ///
    /// The default keeps every number.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// let mut out = String::new();
    /// assert!(masker.mask_number("extra.cvv", "123", &mut out));
    /// assert_eq!(out, "[CVV-MASKED]");
    /// out.clear();
    /// assert!(!masker.mask_number("extra.amount", "100", &mut out));
    /// ```
    fn mask_number(&self, path: &str, digits: &str, out: &mut String) -> bool {
        let _ = (path, digits, out);
        false
    }

    /// Whether the masker may treat a value at `path` differently because of the path
    /// (its key names a credential, a card, personal data …). `false` promises that a
    /// string there is masked exactly as [`mask_text`](Masker::mask_text) masks it, and
    /// an integer of fewer than 13 digits is kept: an `event!` call site asks once per key
    /// and then skips the per-value key lookup.
    ///
    /// The default answers `true` for every path, which is always correct.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// assert!(masker.masks_by_path("extra.cvv"));
    /// assert!(!masker.masks_by_path("extra.currency"));
    /// ```
    fn masks_by_path(&self, path: &str) -> bool {
        let _ = path;
        true
    }

    /// Whether the masker may rewrite a *number* at `path` because of the path (a CVV, a
    /// PIN, a card or a credential key). `false` promises that a number there is kept
    /// unless it has 13 or more digits (which [`mask_number`](Masker::mask_number) then
    /// sees), and that a float is kept.
    ///
    /// The default answers `true` for every path, which is always correct.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// assert!(masker.masks_numbers_at("extra.pin"));
    /// assert!(!masker.masks_numbers_at("extra.latency_ms"));
    /// ```
    fn masks_numbers_at(&self, path: &str) -> bool {
        let _ = path;
        true
    }

    /// Masks a string by what it holds alone, as at a path with no key rule (see
    /// [`masks_by_path`](Masker::masks_by_path)). The default masks it as a foreign
    /// record's message.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// let mut out = String::new();
    /// assert!(masker.mask_text("cvv: 123", &mut out));
    /// assert_eq!(out, "cvv: [CVV-MASKED]");
    /// ```
    fn mask_text(&self, value: &str, out: &mut String) -> bool {
        self.mask_str("message", value, out)
    }

    /// Masks a record's message that is a string literal of the program
    /// (`log::info!("payment processed")`): the same text on every call, so a masker may
    /// remember what it found in it. The default masks it as
    /// [`mask_str`](Masker::mask_str) does at `"message"`.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// let mut out = String::new();
    /// assert!(!masker.mask_literal("payment_processed", &mut out));
    /// assert!(masker.mask_literal("retry for jane@example.com", &mut out));
    /// assert_eq!(out, "retry for [PII_REDACTED]");
    /// ```
    fn mask_literal(&self, value: &'static str, out: &mut String) -> bool {
        self.mask_str("message", value, out)
    }
}

/// The keys whose value names an entry (`{"field":"cvv","value":"123"}`,
/// `{"name":"DB_PASSWORD","value":"…"}`): in text and in structured values alike, the
/// entry's value is masked as the named key's.
pub(crate) const ENTRY_NAMES: [&str; 15] = [
    "name",
    // A JSON Patch operation's (`{"op":"replace","path":"/card/cvv","value":"123"}`).
    "path",
    "key",
    "field",
    "fieldname",
    "field_name",
    "parameter",
    "param",
    "param_name",
    "type",
    "id",
    "attribute",
    "attr",
    "label",
    "keyname",
];

/// The members that hold the value of an entry named by a key (`{"field":"cvv","val":
/// "123"}`), and the value a validation error echoes (Spring's `rejectedValue`,
/// pydantic's `input`); others are about the entry (`{"field":"password","message":"too
/// short"}`).
pub(crate) const VALUE_MEMBERS: [&str; 11] = [
    "value",
    "val",
    "values",
    "data",
    "secret",
    "rejectedValue",
    "rejected_value",
    "invalidValue",
    "invalid_value",
    "input",
    "input_value",
];
