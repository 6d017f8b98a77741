//! [`PiiMasker`]: keeps raw PII out of every log line.

use std::cell::RefCell;
use std::fmt;

use super::keys::{self, Class};
use super::normalize::{self, is_decimal_digit};
use super::scan::{self, is_protected, Hit, Opts};
use super::{with_global, Pii};
use crate::mask::Masker;
use crate::memo;

pub use super::scan::REDACTED;

/// Key substrings (case-insensitive) that make a value personal; matched by
/// [`has_sensitive_substring`], which must stay in step with this list (a test checks).
#[cfg(test)]
const SENSITIVE: &[&str] = &[
    "name",
    "payer",
    "billing",
    "shipping",
    "customer",
    "cardholder",
    "email",
    "phone",
    "mobile",
    // As a word only: `tel`, `tel_no`, `customerTel` (not `hotel`, `telemetry`).
    "tel",
    "contact",
    "recipient",
    "beneficiary",
    "address",
    "udf",
    "street",
    // ISO 20022's abbreviations: street name, address line, cardholder (`CardhldrNm`).
    "strtnm",
    "adrline",
    "cardhldr",
    "crdhldr",
    // "Name" and "surname" in Spanish, French and Arabic (`nombre`, `apellido`,
    // `prénom`, `اسم_العميل`).
    "nombre",
    "apellido",
    "prénom",
    "اسم",
];

/// Whole keys (case-insensitive) that are personal: an address's lines, a card's or an
/// account's holder, a WhatsApp id (a phone number).
#[cfg(test)]
const SENSITIVE_KEYS: &[&str] = &["line1", "line2", "holder", "wa_id", "waId", "nom"];

/// Keys (whole keys, compared in their compact form as keys are classified: case and
/// separators set aside) that contain a sensitive substring but are not personal.
const SAFE: &[&str] = &[
    // PostgreSQL's `execute <unnamed>: SELECT …` (an unnamed prepared statement).
    "unnamed",
    // Kubernetes' and others' namespaces.
    "namespace",
    "gateway_name",
    "vendor_name",
    "module_name",
    "func_name",
    "task_name",
    "service_name",
    "app_name",
    "project_name",
    "class_name",
    "method_name",
    "view_name",
    "username",
    "site_name",
    "domain_name",
    "bank_name",
    "display_name",
    "install_name",
    "installation_name",
    "event_name",
    // A merchant's, a store's and a product's names are public (a card statement
    // prints the merchant's); a Kubernetes object's `metadata.name`.
    "merchant_name",
    "store_name",
    "brand_name",
    "product_name",
    "item_name",
    "category_name",
    "metadata_name",
    "acquirer_name",
    "issuer_name",
    "card_brand_name",
    "scheme_name",
    "branch_name",
    // A secret's name (`secret_name: pay/db`), not the secret; a customer's reference
    // (an order's id: MyFatoorah's `CustomerReference`).
    "secret_name",
    // Azure's policy name in a connection string (`SharedAccessKeyName=RootManage…`).
    "shared_access_key_name",
    "customer_reference",
    // A key's or a secret's name (Azure's `keyName`), never its value.
    "key_name",
    // Names of things a service logs, never of people.
    "queue_name",
    "topic_name",
    "table_name",
    "db_name",
    "database_name",
    "schema_name",
    "column_name",
    "field_name",
    "file_name",
    "filename",
    "host_name",
    "hostname",
    "job_name",
    "bucket_name",
    "index_name",
    "stream_name",
    "cluster_name",
    "container_name",
    "pod_name",
    "node_name",
    "image_name",
    "metric_name",
    "span_name",
    "operation_name",
    "logger_name",
    "thread_name",
    "process_name",
    "function_name",
    "handler_name",
    "route_name",
    "endpoint_name",
    "api_name",
    "command_name",
    "workflow_name",
    "pipeline_name",
    "step_name",
    "state_name",
    "type_name",
    "tag_name",
    "template_name",
    "report_name",
    "plan_name",
    "package_name",
    "feature_name",
    "provider_name",
    "region_name",
    "env_name",
    "device_name",
    "browser_name",
    "os_name",
    "currency_name",
    "country_name",
    "customer_id",
    "id",
    "pk",
];

/// Header keys whose values are secrets shown as `abcd****wxyz`.
const AUTH_KEYS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "api-key",
    "x-api-key",
    "api_key",
    "apikey",
];

/// Header keys whose values are fully masked.
const COOKIE_KEYS: &[&str] = &["cookie", "set-cookie"];

/// The leaf names of ECS 1.12, 8.17 and 9.4 fields that hold a personal word (`name`,
/// `tel`, `address` …); which of them are personal is [`is_ecs_personal`]'s to say.
const ECS_LEAVES: &[&str] = &[
    "address",
    "alternative_names",
    "appname",
    "city_name",
    "common_name",
    "continent_name",
    "country_name",
    "device_name",
    "display_name",
    "distinguished_name",
    "dos_name",
    "email",
    "fork_name",
    "full_name",
    "go_imports_names_entropy",
    "go_imports_names_var_entropy",
    "hostname",
    "imports_names_entropy",
    "imports_names_var_entropy",
    "mount_name",
    "name",
    "namespace",
    "nt_name",
    "original_file_name",
    "product_name",
    "region_name",
    "server_name",
    "subject_name",
    "telfhash",
    "username",
    "vendor_name",
    "virtual_address",
];

/// Whether the ECS field at `path` (leaf `key`, then `parent`, `grand`) is personal data:
/// a user's name, full name or email (`user.*`, `*.user.*`, `user.target.*`,
/// `process.real_user.name` …), a user entity's names, an email address, a URL's user
/// name, a file's owner, `related.user`.
fn is_ecs_personal(path: &str, key: &str, parent: &str, grand: &str) -> bool {
    let user = |p: &str| matches!(p, "user" | "real_user" | "saved_user" | "attested_user");
    (matches!(key, "name" | "full_name" | "email")
        && (user(parent)
            || (grand == "user" && matches!(parent, "target" | "effective" | "changes"))))
        || (matches!(key, "name" | "display_name")
            && parent == "entity"
            && (path.starts_with("user.") || path.contains(".user.")))
        || (key == "address" && (parent == "email" || path.starts_with("email.")))
        || (key == "username" && parent == "url")
        || (key == "owner" && parent == "file")
        || (key == "user" && parent == "related")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Action {
    None,
    /// No key rule, and the key names an id, amount, count or time (`order_id`,
    /// `cloud.account.id`, `latency_ms`): its digits are never taken for a phone.
    Ids,
    /// An id field of ECS (`email.message_id`, `cloud.account.id`): typed, never an email
    /// address or a phone.
    EcsIds,
    /// The reference's credential header keys: `Bearer abcd****wxyz`.
    Auth,
    /// `cookie`, `set-cookie`: `****`.
    Cookie,
    /// `cid`: American Express's name for its 4-digit code when the value is a 3–4 digit
    /// number (`[CVV-MASKED]`); any other value (a correlation or client id) is text.
    Cid,
    /// A value whose key says what it is.
    Key(Class),
}

/// One segment of an exempt path pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Any,
    Key(Box<str>),
}

/// A set of masking rules, chosen with [`PiiMasker::with_packs`] or the
/// `ECSCTX_MASKING_PACKS` environment variable (a comma list of the names below).
///
/// | pack | name | rules |
/// |---|---|---|
/// | [`Pack::Default`] | `default` | always on: credentials (keys and text forms), CVV and other authentication data by key, track data, card keys, emails, phones, national-id keys, personal keys |
/// | [`Pack::Pci`] | `pci` | card numbers by their digits anywhere (Luhn), a CVV right after a card number; on unless the packs are chosen without it |
/// | [`Pack::FinancialIds`] | `financial_ids` | IBANs by shape and check digits anywhere, `iban`, `payment_id`, `transaction_id` keys |
///
/// # Examples
/// ```
/// use ecsctx::pii::Pack;
/// assert_eq!(Pack::parse("financial_ids"), Some(Pack::FinancialIds));
/// assert_eq!(Pack::parse("bogus"), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[non_exhaustive]
pub enum Pack {
    /// Always on (naming it changes nothing).
    Default,
    /// Card numbers by content, and a CVV after a card number.
    Pci,
    /// IBANs and payment ids.
    FinancialIds,
}

impl Pack {
    /// The pack of a name (`default`, `pci`, `financial_ids`; case-insensitive).
    ///
    /// # Examples
    /// See [`Pack`].
    pub fn parse(name: &str) -> Option<Pack> {
        match name.trim().to_ascii_lowercase().as_str() {
            "default" => Some(Pack::Default),
            "pci" => Some(Pack::Pci),
            "financial_ids" => Some(Pack::FinancialIds),
            _ => None,
        }
    }
}

/// What masking writes for a value it cannot tokenize (no keyset, or a keyset outage).
///
/// Credentials always become `[SECRET-MASKED]`, CVVs `[CVV-MASKED]`, other authentication
/// data `[SAD-MASKED]` and unmaskable card keys `[CARD-MASKED]`, whatever this says.
///
/// # Examples
/// ```
/// use ecsctx::mask::Masker;
/// use ecsctx::pii::{Labels, PiiMasker};
/// # std::env::remove_var("PII_PROVIDER"); std::env::remove_var("PII_TOKEN_KEYSET_PATH");
/// let typed = PiiMasker::new().with_labels(Labels::Typed);
/// let mut out = String::new();
/// assert!(typed.mask_str("extra.customer_email", "bob@example.com", &mut out));
/// assert_eq!(out, "[EMAIL-MASKED]");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[non_exhaustive]
pub enum Labels {
    /// `[PII_REDACTED]` for every kind of personal data (the reference 0.4.1 behaviour).
    #[default]
    Redacted,
    /// A label per kind, as the newer Python package writes: `[EMAIL-MASKED]`,
    /// `[PHONE-MASKED]`, `[NAME-MASKED]`, `[ADDRESS-MASKED]`, `[GENERIC-MASKED]`,
    /// `[SSN-MASKED]`, `[IBAN-MASKED]`, `[PAYMENT-ID-MASKED]`, `[JWT-MASKED]`,
    /// `[PEM-KEY-MASKED]`.
    Typed,
}

/// What masking writes for a credential it cannot tokenize.
pub const SECRET_MASKED: &str = "[SECRET-MASKED]";
/// What masking writes for a CVV, always.
pub const CVV_MASKED: &str = "[CVV-MASKED]";
/// What masking writes for a PIN, PIN block, track data, EMV data or cryptogram, always.
pub const SAD_MASKED: &str = "[SAD-MASKED]";
/// What masking writes under a card key for a value that is not a card number but could
/// still hide one.
pub const CARD_MASKED: &str = "[CARD-MASKED]";

/// The packs in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Packs {
    pci: bool,
    financial: bool,
}

impl Default for Packs {
    fn default() -> Packs {
        Packs {
            pci: true,
            financial: false,
        }
    }
}

/// The production [`Masker`]: tokenizes personal values and credentials, truncates card
/// numbers and labels authentication data in every string (and number) the logger writes.
///
/// What it catches, by key name (any depth, case-insensitive, `_`/`-`/case changes
/// ignored) and in text (messages, string values, JSON/XML/form bodies inside strings):
///
/// | class | found by | output |
/// |---|---|---|
/// | credentials | keys with `password`, `passwd`, `passphrase`, `passcode`, `pwd`, `secret`, `…token`, `credential`, `api_key`, `access_key`, `private_key`, `secret_key`, `hmac_key`, `session_key`, `access_code`, `authorization`, `cookie`; in text `password=…`, `"secret": "…"`, `<password>…</password>`, `Authorization: Bearer …`, `Bearer …`, JWTs, PEM private keys, a URL's `user:pass@`, credential query parameters | the `secret` token (`jwt`, `pem_key` for those shapes), or `[SECRET-MASKED]` |
/// | CVV | `cvv`, `cvc`, `cvv2`, `csc`, `securityCode`, `card_code`, `vpc_CardSecurityCode` …; `CVV: 123`, `cvv 123`; a 3–4 digit number after a card number (`pci`) | `[CVV-MASKED]` |
/// | other authentication data | `pin`, `pinBlock`, `track1`/`track2`/`trackData`, `emv_data`, `cavv`, `tavv`, `ucaf`, `cryptogram` …; `PIN 8674`; track 1 and 2 data by shape | `[SAD-MASKED]` |
/// | card numbers | Luhn-valid 13–19 digits anywhere (`pci`); under `card`, `pan`, `card_number`, `cardNumber`, `card_no`, `card.number` without Luhn | `411111******1111`; `[CARD-MASKED]` under a card key for other values with 8+ digits |
/// | national ids | `ssn`, `civil_id`, `national_id`, `passport`, `iqama`, `emirates_id`, `tax_id`, `id_number` … | the `ssn` token, or the label |
/// | IBANs, payment ids (`financial_ids`) | mod-97-valid IBANs anywhere; `iban`, `payment_id`, `transaction_id` keys | the `iban`/`payment_id` token, or the label |
/// | personal data | keys with `name`, `payer`, `billing`, `shipping`, `customer`, `cardholder`, `email`, `phone`, `mobile`, `tel`, `contact`, `recipient`, `beneficiary`, `address`, `udf` (not the safe keys `gateway_name`, `username`, `customer_id`, `id` …); ECS `user.name`, `user.email` …; emails and phones anywhere | the token (`email`, `phone` or `generic`), or the label |
///
/// - The reference's header keys `authorization`, `proxy-authorization`, `api-key`,
///   `x-api-key`, `api_key`, `apikey` keep its `Bearer abcd****wxyz` form; `cookie` and
///   `set-cookie` become `****`.
/// - A value is kept as it is only when it *is* a well-formed token (`ptok:v1:` and 43
///   base64url characters) or ciphertext (`penc:v1:{kid}:…`); in text, such a token is
///   skipped and everything around it is scanned.
/// - ECS fields that are not personal (`service.name`, `host.name`, `client.address`, …)
///   are left alone.
///
/// # Examples
/// ```
/// use ecsctx::mask::Masker;
/// use ecsctx::pii::{Config, Keyset, Pii, PiiMasker};
///
/// let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1":
///     {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "inline").unwrap();
/// let pii = Pii::new(Config::keysets(ks, None).with_env("prod")).unwrap();
/// let masker = PiiMasker::new().with_pii(pii.clone());
///
/// let mut out = String::new();
/// assert!(masker.mask_str("extra.customer_email", "John.Doe@Example.com", &mut out));
/// assert_eq!(out, pii.tokenize("john.doe@example.com", "email").unwrap());
///
/// out.clear();
/// assert!(masker.mask_str("message", "card 4111 1111 1111 1111 declined", &mut out));
/// assert_eq!(out, "card 411111******1111 declined");
///
/// out.clear();
/// assert!(masker.mask_str("message", "login failed password=hunter2 cvv=123", &mut out));
/// let secret = pii.tokenize("hunter2", "secret").unwrap();
/// assert_eq!(out, format!("login failed password={secret} cvv=[CVV-MASKED]"));
///
/// out.clear();
/// assert!(!masker.mask_str("extra.gateway_name", "knet", &mut out));
/// assert!(!masker.mask_str("service.name", "checkout", &mut out));
/// ```
#[derive(Clone, Default)]
pub struct PiiMasker {
    pii: Option<Pii>,
    extra_sensitive: Vec<Box<str>>,
    extra_safe: Vec<Box<str>>,
    exempt: Vec<Vec<Seg>>,
    packs: Packs,
    labels: Labels,
    /// Names this masker's key rules in the per-thread classification memo: 0 for the
    /// default rules, a fresh number whenever rules are added (clones share it).
    rules: u64,
}

/// A path's key-based action, remembered per thread: the keys of a service's lines repeat.
#[derive(Clone, Copy)]
struct ActSlot {
    rules: u64,
    /// What the entry is for (kinds never share an entry): 0 a path's action, 1 the class
    /// of a key found in text, 2 whether a map key holds a finding, 3 whether a literal
    /// message does.
    tag: u8,
    len: u8,
    path: [u8; ACT_PATH],
    action: Action,
}

/// Memoized paths per thread: 128 sets of two slots (a new path replaces the older of
/// its set), and the longest path memoized.
const ACT_SLOTS: usize = 256;
const ACT_PATH: usize = 48;

thread_local! {
    static ACTIONS: memo::Table<ActSlot> = const { RefCell::new(Vec::new()) };
}

/// The first slot of `path`'s set: every byte of the path mixed in, 8 at a time (the slots
/// keep the whole path to compare, so this only has to spread paths well).
#[inline]
fn set_of(tag: u8, path: &[u8]) -> usize {
    let h = memo::hash(path.len() as u64 ^ (u64::from(tag) << 32), path);
    ((h >> 57) as usize * 2) % ACT_SLOTS
}

impl fmt::Debug for PiiMasker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PiiMasker")
            .field("pii", &self.pii)
            .field("extra_sensitive", &self.extra_sensitive)
            .field("extra_safe", &self.extra_safe)
            .field("exempt", &self.exempt.len())
            .field("packs", &self.packs)
            .field("labels", &self.labels)
            .finish()
    }
}

/// Keys as the rules compare them (ASCII case folded).
fn lowercased<I, S>(keys: I) -> impl Iterator<Item = Box<str>>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    keys.into_iter()
        .map(|k| k.as_ref().to_ascii_lowercase().into())
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// Whether `key` names a card, CVV, other authentication data or a credential: such a
/// key can never be made safe.
fn is_protected_key(key: &str) -> bool {
    is_header_key(key) || keys::classify(key, true).is_protected()
}

fn is_header_key(key: &str) -> bool {
    AUTH_KEYS
        .iter()
        .chain(COOKIE_KEYS)
        .any(|k| key.eq_ignore_ascii_case(k))
}

impl PiiMasker {
    /// A masker with the default rules (the `default` and `pci` packs, `[PII_REDACTED]`
    /// labels) that tokenizes with the process-wide PII configuration
    /// ([`configure`](super::configure), or the `PII_*` variables).
    ///
    /// # Examples
    /// ```
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// # let _ = masker;
    /// ```
    pub fn new() -> PiiMasker {
        PiiMasker::default()
    }

    /// [`PiiMasker::new`] plus the environment:
    ///
    /// - `ECSCTX_MASK_SENSITIVE_KEYS`, `ECSCTX_MASK_SAFE_KEYS`, `ECSCTX_MASK_EXEMPT_PATHS`
    ///   (comma lists). A card, CVV, authentication-data or credential key among the safe
    ///   keys is dropped with a warning on stderr: it stays masked.
    /// - `ECSCTX_MASKING_PACKS` (comma list of [`Pack`] names; unset: `default,pci`). An
    ///   unknown name turns every pack on, with a warning on stderr (fail closed).
    /// - `ECSCTX_MASK_LABELS`: `typed` for [`Labels::Typed`], `redacted` (the default) for
    ///   [`Labels::Redacted`].
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// std::env::set_var("ECSCTX_MASK_SAFE_KEYS", "pet_name,cvv");
    /// let masker = ecsctx::pii::PiiMasker::from_env();
    /// let mut out = String::new();
    /// assert!(!masker.mask_str("extra.pet_name", "Rex", &mut out));
    /// // `cvv` can never be safe.
    /// assert!(masker.mask_str("extra.cvv", "123", &mut out));
    /// assert_eq!(out, "[CVV-MASKED]");
    /// # std::env::remove_var("ECSCTX_MASK_SAFE_KEYS");
    /// ```
    pub fn from_env() -> PiiMasker {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        let safe = var("ECSCTX_MASK_SAFE_KEYS");
        let (protected, safe): (Vec<&str>, Vec<&str>) =
            split_list(&safe).partition(|k| is_protected_key(k));
        if !protected.is_empty() {
            eprintln!(
                "ecsctx: ECSCTX_MASK_SAFE_KEYS: {protected:?} cannot be safe keys (a card, CVV, \
                 authentication data or credential); they stay masked"
            );
        }
        let mut m = PiiMasker::new()
            .with_sensitive_keys(split_list(&var("ECSCTX_MASK_SENSITIVE_KEYS")))
            .with_exempt_paths(split_list(&var("ECSCTX_MASK_EXEMPT_PATHS")));
        m = m
            .with_safe_keys(safe)
            .expect("protected keys were taken out above");
        if let Ok(packs) = std::env::var("ECSCTX_MASKING_PACKS") {
            let names: Vec<&str> = split_list(&packs).collect();
            let parsed: Option<Vec<Pack>> = names.iter().map(|n| Pack::parse(n)).collect();
            m = match parsed {
                Some(p) => m.with_packs(p),
                None => {
                    eprintln!(
                        "ecsctx: ECSCTX_MASKING_PACKS={packs:?} names an unknown pack (choose \
                         from default, pci, financial_ids); masking with every pack"
                    );
                    m.with_packs([Pack::Pci, Pack::FinancialIds])
                }
            };
        }
        match var("ECSCTX_MASK_LABELS")
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "typed" => m = m.with_labels(Labels::Typed),
            "" | "redacted" => {}
            other => eprintln!(
                "ecsctx: ECSCTX_MASK_LABELS={other:?} is neither `typed` nor `redacted`; \
                 using `redacted`"
            ),
        }
        m
    }

    /// Tokenizes with this [`Pii`] instead of the process-wide configuration.
    ///
    /// # Examples
    /// See [`PiiMasker`].
    pub fn with_pii(mut self, pii: Pii) -> PiiMasker {
        self.pii = Some(pii);
        self
    }

    /// Masks with exactly these packs (plus [`Pack::Default`], always on).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// use ecsctx::pii::{Pack, PiiMasker};
    ///
    /// let plain = PiiMasker::new().with_packs([Pack::Default]);
    /// let mut out = String::new();
    /// // Without `pci`, a card number in text is not looked for.
    /// assert!(!plain.mask_str("message", "ref 4111111111111111", &mut out));
    /// // Under a card key it always is.
    /// assert!(plain.mask_str("extra.card_number", "4111111111111111", &mut out));
    /// assert_eq!(out, "411111******1111");
    /// ```
    pub fn with_packs<I: IntoIterator<Item = Pack>>(mut self, packs: I) -> PiiMasker {
        let mut p = Packs {
            pci: false,
            financial: false,
        };
        for pack in packs {
            match pack {
                Pack::Default => {}
                Pack::Pci => p.pci = true,
                Pack::FinancialIds => p.financial = true,
            }
        }
        self.packs = p;
        self.rules = crate::ids::next();
        self
    }

    /// What to write for personal data that cannot be tokenized (default
    /// [`Labels::Redacted`]).
    ///
    /// # Examples
    /// See [`Labels`].
    pub fn with_labels(mut self, labels: Labels) -> PiiMasker {
        self.labels = labels;
        self
    }

    /// Adds key substrings (case-insensitive) that mark a value as personal.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new().with_sensitive_keys(["iban"]);
    /// let mut out = String::new();
    /// assert!(masker.mask_str("extra.payer_IBAN", "KW81CBKU0000000000001234560101", &mut out));
    /// assert!(!out.contains("KW81"));
    /// ```
    pub fn with_sensitive_keys<I, S>(mut self, keys: I) -> PiiMasker
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.extra_sensitive.extend(lowercased(keys));
        self.rules = crate::ids::next();
        self
    }

    /// Adds whole keys (case-insensitive) that are never key-masked: a service's own
    /// names that the personal rules would take (`pg_name`, `pet_name`).
    ///
    /// # Errors
    /// A key that names a card, a CVV, other authentication data or a credential (`cvv`,
    /// `pin`, `card_number`, `password`, `authorization` …) can never be safe: an error of
    /// kind [`ErrorKind::Config`](super::ErrorKind::Config) names it.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new().with_safe_keys(["pet_name"]).unwrap();
    /// let mut out = String::new();
    /// assert!(!masker.mask_str("extra.pet_name", "Rex", &mut out));
    /// assert!(ecsctx::pii::PiiMasker::new().with_safe_keys(["cvv"]).is_err());
    /// ```
    pub fn with_safe_keys<I, S>(mut self, keys: I) -> Result<PiiMasker, super::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let keys: Vec<Box<str>> = lowercased(keys).collect();
        let protected: Vec<&str> = keys
            .iter()
            .map(|k| &**k)
            .filter(|k| is_protected_key(k))
            .collect();
        if !protected.is_empty() {
            return Err(super::Error::new(
                super::ErrorKind::Config,
                format!(
                    "{protected:?} cannot be safe keys: they name a card, CVV, authentication \
                     data or credential"
                ),
            ));
        }
        self.extra_safe.extend(keys);
        self.rules = crate::ids::next();
        Ok(self)
    }

    /// Adds dotted paths (and their subtrees) exempt from key-based masking of personal
    /// data; `*` matches any key, `[]` an array element. Emails, phones, cards,
    /// credentials and authentication data in them are still masked.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::mask::Masker;
    /// let masker = ecsctx::pii::PiiMasker::new().with_exempt_paths(["payload.items.[].*"]);
    /// let mut out = String::new();
    /// assert!(!masker.mask_str("payload.items.[].name", "Blue shoes", &mut out));
    /// assert!(masker.mask_str("payload.items.[].name", "for bob@example.com", &mut out));
    /// ```
    pub fn with_exempt_paths<I, S>(mut self, paths: I) -> PiiMasker
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for p in paths {
            let segs = p
                .as_ref()
                .split('.')
                .map(|s| match s {
                    "*" => Seg::Any,
                    s => Seg::Key(s.into()),
                })
                .collect();
            self.exempt.push(segs);
        }
        self.rules = crate::ids::next();
        self
    }

    /// Masks `value` found at `path`, returning the input when nothing matched.
    ///
    /// # Examples
    /// ```
    /// let masker = ecsctx::pii::PiiMasker::new();
    /// assert_eq!(masker.mask("message", "nothing to hide"), "nothing to hide");
    /// ```
    pub fn mask<'a>(&self, path: &str, value: &'a str) -> std::borrow::Cow<'a, str> {
        let mut out = String::new();
        if self.mask_str(path, value, &mut out) {
            std::borrow::Cow::Owned(out)
        } else {
            std::borrow::Cow::Borrowed(value)
        }
    }

    /// The key-based action for `path` (exemptions applied), memoized per thread.
    #[inline]
    fn action(&self, path: &str) -> Action {
        if path.len() > ACT_PATH {
            return self.action_uncached(path);
        }
        self.memoized(0, path.as_bytes(), || self.action_uncached(path))
    }

    /// `mask(out)` for `text`, with whether it found anything memoized per thread with
    /// the key rules under `tag`: text that held nothing is not masked again; text that
    /// did is masked again to write it. Text longer than a memo entry is masked every time.
    fn mask_remembered(
        &self,
        tag: u8,
        text: &str,
        out: &mut String,
        mask: impl Fn(&mut String) -> bool,
    ) -> bool {
        if text.len() > ACT_PATH {
            return mask(out);
        }
        let mut masked = None;
        let verdict = self.memoized(tag, text.as_bytes(), || {
            let found = mask(out);
            masked = Some(found);
            if found {
                Action::Key(Class::Secret)
            } else {
                Action::None
            }
        });
        match masked {
            Some(found) => found,
            None => verdict != Action::None && mask(out),
        }
    }

    /// The action memoized for `key` (at most [`ACT_PATH`] bytes), else `compute`d and
    /// remembered.
    #[inline]
    fn memoized(&self, tag: u8, key: &[u8], compute: impl FnOnce() -> Action) -> Action {
        let b = key;
        let set = set_of(tag, b);
        let matches = |s: &ActSlot| {
            s.rules == self.rules
                && s.tag == tag
                && usize::from(s.len) == b.len()
                && &s.path[..b.len()] == b
        };
        let hit = memo::get_in_set(&ACTIONS, set, 2, |s| matches(s).then_some(s.action));
        if let Some(a) = hit {
            return a;
        }
        let action = compute();
        let empty = || ActSlot {
            // Never a masker's rules id (ids start at 1; the default rules are 0).
            rules: u64::MAX,
            tag: 0,
            len: 0,
            path: [0; ACT_PATH],
            action: Action::None,
        };
        memo::update(&ACTIONS, ACT_SLOTS, empty, |t| {
            // The newest entry goes first; the one it displaces becomes the older.
            t[set + 1] = t[set];
            let s = &mut t[set];
            s.rules = self.rules;
            s.tag = tag;
            s.len = b.len() as u8;
            s.path[..b.len()].copy_from_slice(b);
            s.action = action;
        });
        action
    }

    fn action_uncached(&self, path: &str) -> Action {
        let a = self.classify(path);
        match a {
            // Exemptions never reach card data, authentication data or credentials.
            Action::Key(c) if !c.is_protected() && self.is_exempt(path) => Action::None,
            a => a,
        }
    }

    fn is_exempt(&self, path: &str) -> bool {
        self.exempt.iter().any(|pat| {
            let mut segs = path.split('.');
            pat.iter().all(|p| match (p, segs.next()) {
                (_, None) => false,
                (Seg::Any, Some(_)) => true,
                (Seg::Key(k), Some(s)) => &**k == s,
            })
        })
    }

    fn is_safe(&self, key: &str) -> bool {
        // (As keys are matched: `databaseName` = `database_name` = `database-name`.)
        let k = keys::Compact::of(key);
        SAFE.iter()
            .any(|s| keys::Compact::of(s).as_bytes() == k.as_bytes())
            || self.extra_safe.iter().any(|s| key.eq_ignore_ascii_case(s))
    }

    /// The class of one key by its name: the name rules, then the personal rules.
    fn key_class(&self, key: &str) -> Class {
        match keys::classify(key, self.packs.financial) {
            Class::None => {
                let personal = has_sensitive_substring(key)
                    || self.extra_sensitive.iter().any(|n| contains_ci(key, n));
                if personal && !self.is_safe(key) && !keys::is_personal_metadata(key) {
                    Class::Personal
                } else {
                    Class::None
                }
            }
            c if c.is_protected() || !self.is_safe(key) => c,
            _ => Class::None,
        }
    }

    fn classify(&self, path: &str) -> Action {
        // The key is the last segment that is not an array element.
        let mut rev = path.rsplit('.').filter(|s| *s != "[]");
        let Some(key) = rev.next() else {
            return Action::None;
        };
        if (6..=19).contains(&key.len()) {
            if AUTH_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) {
                return Action::Auth;
            }
            if COOKIE_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) {
                return Action::Cookie;
            }
        }
        if key.eq_ignore_ascii_case("cid") {
            return Action::Cid;
        }
        // A dotted key read as a path (`connect.sid`): classified whole.
        if let Some(dotted) = path
            .strip_suffix(key)
            .and_then(|before| keys::dotted_key(before.as_bytes(), key))
        {
            return Action::Key(keys::classify(dotted, self.packs.financial));
        }
        let root = path.split('.').next().unwrap_or("");
        // ECS fields are typed and documented: `labels` and captured headers and bodies
        // hold free-form keys.
        let ecs = root != "labels"
            && crate::placement::is_ecs_field_set(root)
            && !path.split('.').any(|seg| seg == "headers" || seg == "body");
        let plain = if keys::is_id_like(key) {
            Action::Ids
        } else {
            Action::None
        };
        let named = keys::classify(key, self.packs.financial);
        if named.is_protected() {
            return Action::Key(named);
        }
        if is_jwk_private_member(path, key) {
            return Action::Key(Class::Secret);
        }
        // (The segment the key is under: `phone` in `customer.phone.number`.)
        let parent = path.rsplit('.').filter(|s| *s != "[]").nth(1).unwrap_or("");
        // A phone's or an address's part (Tap's and Checkout.com's `phone.number` beside
        // `phone.country_code`, Stripe's `address.line1`): personal, as its parent is.
        if [
            "number",
            "line1",
            "line2",
            "line3",
            "street",
            "street_name",
            "building",
            "house",
        ]
        .iter()
        .any(|k| key.eq_ignore_ascii_case(k))
            && [
                "phone", "mobile", "msisdn", "address", "billing", "shipping",
            ]
            .iter()
            .any(|x| contains_ci(parent, x))
            && !self.is_safe(key)
        {
            return Action::Key(Class::Personal);
        }
        // A payer's identification document (`identification.number`, Mercado Pago's,
        // dLocal's and EBANX's): a national id whatever its type (CPF, DNI, CURP …).
        if key.eq_ignore_ascii_case("number") && parent.eq_ignore_ascii_case("identification") {
            return Action::Key(Class::NationalId);
        }
        // A person's name as an object (`customer.name.first`, `name.family`): personal,
        // unless it is a thing's (`merchant.name.full`: `{thing}_name` a safe key).
        if !ecs
            && parent.eq_ignore_ascii_case("name")
            && keys::NAME_PARTS.iter().any(|p| key.eq_ignore_ascii_case(p))
        {
            let grand = path.rsplit('.').filter(|s| *s != "[]").nth(2).unwrap_or("");
            let mut buf = [0u8; 64];
            let things = !grand.is_empty()
                && keys::joined_key(grand.as_bytes(), b"name", &mut buf)
                    .is_some_and(|j| self.is_safe(j));
            if !things {
                return Action::Key(Class::Personal);
            }
        }
        // Under a card, credential or authentication-data key, the whole subtree is that
        // (`card.number`, `secrets.db`, `auth.token.value`); not inside ECS field sets.
        if !ecs {
            let mut segs = path.rsplit('.').filter(|s| *s != "[]").skip(1).peekable();
            while let Some(seg) = segs.next() {
                // The root (`extra`, `payload`, `labels`) says nothing.
                if segs.peek().is_none() {
                    break;
                }
                let c = keys::classify(seg, self.packs.financial);
                if c.is_protected() {
                    return Action::Key(c);
                }
            }
        }
        if ecs {
            // Only ECS's own personal fields are personal there.
            let parent = rev.next().unwrap_or("");
            let grand = rev.next().unwrap_or("");
            if is_ecs_personal(path, key, parent, grand) {
                return Action::Key(Class::Personal);
            }
            // Every other ECS leaf whose name holds a personal word is not personal; a
            // sub-field ECS does not define (`user.phone`) follows the rules below.
            if plain == Action::Ids {
                return Action::EcsIds;
            }
            if ECS_LEAVES.contains(&key) {
                return plain;
            }
        }
        let sensitive = has_sensitive_substring(key)
            || self.extra_sensitive.iter().any(|n| contains_ci(key, n));
        if named == Class::None && !sensitive {
            return plain;
        }
        // A thing's name under the thing (`merchant.name`, `metadata.name`, the crate's
        // own `extra.job.name`): not personal when `{thing}_name` is a safe key.
        if key.eq_ignore_ascii_case("name") && !parent.is_empty() {
            let mut buf = [0u8; 64];
            if keys::joined_key(parent.as_bytes(), b"name", &mut buf)
                .is_some_and(|j| self.is_safe(j))
            {
                return Action::None;
            }
        }
        if self.is_safe(key) || (named == Class::None && keys::is_personal_metadata(key)) {
            return plain;
        }
        if named != Class::None {
            return Action::Key(named);
        }
        Action::Key(Class::Personal)
    }

    /// Appends the token of `value`, or the label for `field_type` when no keyset is
    /// available.
    fn token(&self, value: &str, field_type: &str, out: &mut String) {
        let ok = self.token_with(out, |p, out| p.tokenize_into(value, field_type, out));
        if !ok {
            out.push_str(self.label(field_type));
        }
    }

    /// Appends the token of a key-masked `value`, typed by what the whole value is.
    fn token_detected(&self, key: &str, value: &str, out: &mut String) {
        let ok = self.token_with(out, |p, out| {
            p.tokenize_detected_into(value, PiiMasker::whole_kind, out)
        });
        if !ok {
            let kind = match PiiMasker::whole_kind(value) {
                "generic" if contains_ci(key, "name") => "name",
                "generic" if contains_ci(key, "address") => "address",
                k => k,
            };
            out.push_str(self.label(kind));
        }
    }

    /// Tokenizes with this masker's [`Pii`] (else the process-wide one); `false` when no
    /// keyset is available.
    fn token_with(
        &self,
        out: &mut String,
        f: impl Fn(&Pii, &mut String) -> Result<(), super::Error>,
    ) -> bool {
        let r = match &self.pii {
            Some(p) => f(p, out),
            None => with_global(|p| f(p, out)),
        };
        match r {
            Ok(()) => true,
            // No keyset by design: the label is the documented output.
            Err(e) if e.kind() == super::ErrorKind::NotConfigured => false,
            // A keyset was configured but cannot be used (reported on stderr where it
            // failed): counted, so a dashboard sees tokens turning into labels.
            Err(_) => {
                crate::sink::record_pii_keyset_error();
                false
            }
        }
    }

    /// The label written for a value of `field_type` that cannot be tokenized.
    fn label(&self, field_type: &str) -> &'static str {
        let typed = self.labels == Labels::Typed;
        match field_type {
            "secret" => SECRET_MASKED,
            "jwt" if typed => "[JWT-MASKED]",
            "pem_key" if typed => "[PEM-KEY-MASKED]",
            "jwt" | "pem_key" => SECRET_MASKED,
            _ if !typed => REDACTED,
            "email" => "[EMAIL-MASKED]",
            "phone" => "[PHONE-MASKED]",
            "name" => "[NAME-MASKED]",
            "address" => "[ADDRESS-MASKED]",
            "ssn" => "[SSN-MASKED]",
            "iban" => "[IBAN-MASKED]",
            "payment_id" => "[PAYMENT-ID-MASKED]",
            _ => "[GENERIC-MASKED]",
        }
    }

    /// The rules for text.
    fn text_opts(&self) -> Opts {
        Opts {
            phones: true,
            emails: true,
            pci: self.packs.pci,
            financial: self.packs.financial,
        }
    }

    /// Writes what a value of `class` (found under `key`) becomes; `false` to keep it.
    fn mask_class(&self, class: Class, key: &str, value: &str, out: &mut String) -> bool {
        if normalize::edges_may_be_space(value) && value.trim().is_empty() {
            return false;
        }
        match class {
            Class::None => false,
            Class::Cvv => {
                out.push_str(CVV_MASKED);
                true
            }
            Class::Sad => {
                out.push_str(SAD_MASKED);
                true
            }
            Class::Card => mask_card_value(value, out),
            // KNET's and ISO 8583's approval code under `auth` (`auth=B12345`): support
            // staff need it, and it grants nothing.
            Class::Secret if scan::is_approval_code(value) && scan::is_approval_key(key) => false,
            Class::Secret => {
                self.token(normalize::py_strip(value), "secret", out);
                true
            }
            Class::NationalId => {
                self.token(value, "ssn", out);
                true
            }
            Class::Iban => {
                self.token(value, "iban", out);
                true
            }
            Class::PaymentId => {
                self.token(value, "payment_id", out);
                true
            }
            // A path under a name's key (SSM's `"Name":"/prod/pay/db_host"`), a route
            // (an OpenTelemetry span's `"name":"POST /login"`), a gateway's object id
            // under `customer` (Stripe's `cus_NffrFeUfNV2Hib`) name no one.
            Class::Personal if names_no_one(value) => false,
            Class::Personal => {
                self.token_detected(key, value, out);
                true
            }
        }
    }

    /// The field type for a key-masked value: what the whole value is.
    fn whole_kind(value: &str) -> &'static str {
        let t = normalize::py_strip(value);
        if let Some(at) = t.find('@') {
            if scan::email_span(t, at, 0) == Some((0, t.len())) {
                return "email";
            }
        }
        if scan::is_whole_phone(t) {
            return "phone";
        }
        "generic"
    }
}

/// A card key's value: 13–19 digits (and separators) truncated without Luhn; a value
/// with 8 or more digits in another shape `[CARD-MASKED]`; anything else (`visa`, `1111`,
/// `12/27`, an already truncated number) kept.
fn mask_card_value(value: &str, out: &mut String) -> bool {
    let t = value.trim();
    if scan::is_truncated_card(t) {
        return false;
    }
    let digits = t.chars().filter(|&c| is_decimal_digit(c)).count();
    let only_card_chars = t
        .chars()
        .all(|c| is_decimal_digit(c) || matches!(c, ' ' | '-' | '.'));
    if (13..=19).contains(&digits) && only_card_chars {
        scan::write_card(t, out);
        true
    } else if digits >= 8 {
        out.push_str(CARD_MASKED);
        true
    } else {
        false
    }
}

impl scan::Emit for PiiMasker {
    /// Memoized per thread like paths (a text key under its own tag, so a key never
    /// answers for the path of the same name): the keys of a service's messages repeat.
    fn key_class(&self, key: &str) -> Class {
        if key.len() > ACT_PATH {
            return PiiMasker::key_class(self, key);
        }
        match self.memoized(1, key.as_bytes(), || {
            match PiiMasker::key_class(self, key) {
                Class::None => Action::None,
                c => Action::Key(c),
            }
        }) {
            Action::Key(c) => c,
            _ => Class::None,
        }
    }

    fn emit(&self, hit: Hit, text: &str, out: &mut String) {
        match hit {
            Hit::Email => self.token(text, "email", out),
            Hit::Phone => self.token(text, "phone", out),
            Hit::Card => scan::write_card(text, out),
            Hit::Cvv => out.push_str(CVV_MASKED),
            Hit::Track => out.push_str(SAD_MASKED),
            Hit::Iban => self.token(text, "iban", out),
            Hit::Secret("pem_key") => {
                // The key body: header and footer lines dropped, line breaks removed.
                let body: String = text
                    .lines()
                    .filter(|l| !l.starts_with("-----"))
                    .flat_map(|l| l.trim_end_matches('\r').chars())
                    .collect();
                self.token(&body, "pem_key", out)
            }
            Hit::Secret(ft) => self.token(text, ft, out),
            Hit::Keyed(c) => {
                // A value its key's class keeps (a card key's value that cannot hide a
                // card number) is text like any other: an address in it is masked.
                if !self.mask_class(c, "", text, out)
                    && !scan::scan(text, self.text_opts(), self, out)
                {
                    out.push_str(text);
                }
            }
        }
    }
}

impl Masker for PiiMasker {
    fn mask_str(&self, path: &str, value: &str, out: &mut String) -> bool {
        if is_protected(value) || value == REDACTED {
            return false;
        }
        let a = self.action(path);
        match a {
            Action::None => scan::scan(value, self.text_opts(), self, out),
            Action::Ids | Action::EcsIds => {
                let opts = Opts {
                    phones: false,
                    emails: a == Action::Ids,
                    ..self.text_opts()
                };
                scan::scan(value, opts, self, out)
            }
            Action::Auth => {
                mask_auth(value, out);
                true
            }
            Action::Cookie => {
                out.push_str("****");
                true
            }
            Action::Cid if is_cid_code(value) => {
                out.push_str(CVV_MASKED);
                true
            }
            Action::Cid => scan::scan(value, self.text_opts(), self, out),
            Action::Key(c) => {
                let key = path.rsplit('.').find(|s| *s != "[]").unwrap_or("");
                if self.mask_class(c, key, value, out) {
                    return true;
                }
                // A kept card-key value is still scanned (an email beside a last-4).
                scan::scan(value, self.text_opts(), self, out)
            }
        }
    }

    fn masks_by_path(&self, path: &str) -> bool {
        path.len() > ACT_PATH || self.action(path) != Action::None
    }

    fn masks_numbers_at(&self, path: &str) -> bool {
        path.len() > ACT_PATH
            || matches!(
                self.action(path),
                Action::Key(_) | Action::Auth | Action::Cookie | Action::Cid
            )
    }

    fn mask_text(&self, value: &str, out: &mut String) -> bool {
        !(is_protected(value) || value == REDACTED)
            && scan::scan(value, self.text_opts(), self, out)
    }

    fn mask_key(&self, _parent_path: &str, key: &str, out: &mut String) -> bool {
        // A key is text like any other (a card number, track data or a JWT used as a map
        // key); a plain identifier leaves by the one-word fast path.
        if scan::is_clean_word(key) || is_protected(key) {
            return false;
        }
        // The service's own field names repeat on every line (`keyloop.store_id`).
        self.mask_remembered(2, key, out, |out| {
            scan::scan(key, self.text_opts(), self, out)
        })
    }

    fn mask_literal(&self, value: &'static str, out: &mut String) -> bool {
        // A program's literals are few and repeat on every call.
        self.mask_remembered(3, value, out, |out| self.mask_str("message", value, out))
    }

    fn mask_number(&self, path: &str, digits: &str, out: &mut String) -> bool {
        match self.action(path) {
            Action::None | Action::Ids | Action::EcsIds => {
                // A card number logged as a number, outside the typed ECS fields.
                let digits = digits.strip_prefix('-').unwrap_or(digits);
                let n = digits.len();
                // (Digits only before any digit is read as one: a number's text may hold
                // a sign or a point; `cargo fuzz` found a subtraction that overflowed.)
                let pci = self.packs.pci
                    && (13..=19).contains(&n)
                    && digits.bytes().all(|c| c.is_ascii_digit())
                    && matches!(digits.as_bytes()[0], b'2'..=b'6')
                    && scan::card_length_fits(u32::from(digits.as_bytes()[0] - b'0'), n)
                    && {
                        let root = path.split('.').next().unwrap_or("");
                        root == "labels" || !crate::placement::is_ecs_field_set(root)
                    }
                    && (digits.as_bytes()[0] != b'2' || {
                        let d = digits.as_bytes();
                        scan::is_card_2_series(std::array::from_fn(|k| u32::from(d[k] - b'0')))
                    })
                    && scan::luhn_digits(digits.bytes().map(|c| u32::from(c - b'0')));
                if pci {
                    scan::write_card(digits, out);
                }
                pci
            }
            // A count under a personal key (`customer_count`) is not personal; a number
            // long enough to be a phone is.
            Action::Key(Class::Personal) => {
                digits.len() >= 7 && self.mask_class(Class::Personal, "", digits, out)
            }
            Action::Key(Class::Card) => mask_card_value(digits, out),
            Action::Key(c) => self.mask_class(c, "", digits, out),
            Action::Auth | Action::Cookie | Action::Cid => self.mask_str(path, digits, out),
        }
    }
}

// === scanners ===

/// Whether `key` contains one of the sensitive substrings (`SENSITIVE`, case-insensitive), in one pass that
/// dispatches on the first letter of each needle.
#[inline]
fn has_sensitive_substring(key: &str) -> bool {
    let k = key.as_bytes();
    let at =
        |i: usize, n: &[u8]| k.len() - i >= n.len() && k[i..i + n.len()].eq_ignore_ascii_case(n);
    for (i, &b) in k.iter().enumerate() {
        let hit = match b | 0x20 {
            // (ISO 20022's `Nm`, a party's name, as a whole key.)
            b'n' => {
                at(i, b"name")
                    || (k.len() == 2 && at(0, b"nm"))
                    || at(i, b"nombre")
                    // French's `nom` as a whole key.
                    || (k.len() == 3 && at(0, b"nom"))
            }
            b'p' => at(i, b"payer") || at(i, b"phone") || at(i, "prénom".as_bytes()),
            b'b' => at(i, b"billing") || at(i, b"beneficiary") || at(i, b"birth"),
            // `dob`, `customer_dob`, `DOB`: a date of birth (not `adobe`).
            b'd' => {
                at(i, b"dob")
                    && (i == 0 || !k[i - 1].is_ascii_alphabetic())
                    && !k.get(i + 3).is_some_and(u8::is_ascii_alphabetic)
            }
            // ISO 20022's street name (`StrtNm`) and `street`, `streetAddress`.
            b's' => at(i, b"shipping") || at(i, b"street") || at(i, b"strtnm"),
            b'c' => {
                at(i, b"customer")
                    || at(i, b"cardholder")
                    || at(i, b"contact")
                    || at(i, b"cardhldr")
                    || at(i, b"crdhldr")
            }
            // `card_holder`, `card-holder`, `cardHolder`: the holder of a card; `holder`
            // as a whole key (a card's or an account's, HyperPay's `card.holder`).
            b'h' => {
                (i == 0 && k.eq_ignore_ascii_case(b"holder"))
                    || at(i, b"holder")
                        && i >= 4
                        && k[..i]
                            .iter()
                            .rev()
                            .skip_while(|c| matches!(c, b'_' | b'-' | b' '))
                            .take(4)
                            .map(|c| c | 0x20)
                            .eq(b"drac".iter().copied())
            }
            // (The name embossed on a card: `embossed`, `embossedName`.)
            b'e' => at(i, b"email") || at(i, b"embossed"),
            b'm' => at(i, b"mobile"),
            // `tel` only as a word (`tel`, `tel_no`, `customerTel`; not `hotel`, `telemetry`).
            b't' => {
                at(i, b"tel")
                    && (i == 0
                        || !k[i - 1].is_ascii_alphabetic()
                        || (k[i].is_ascii_uppercase() && k[i - 1].is_ascii_lowercase()))
                    && !k.get(i + 3).is_some_and(u8::is_ascii_lowercase)
            }
            b'r' => at(i, b"recipient"),
            // An address's lines as whole keys (Stripe's `line1`, `line2`).
            b'l' => {
                i == 0 && (k.eq_ignore_ascii_case(b"line1") || k.eq_ignore_ascii_case(b"line2"))
            }
            b'a' => at(i, b"address") || at(i, b"adrline") || at(i, b"apellido"),
            // Arabic's "name" (`اسم`, `اسم_العميل`): its first byte, 0xD8, with the bit set.
            0xf8 => at(i, "اسم".as_bytes()),
            b'u' => at(i, b"udf"),
            // WhatsApp's `wa_id`: the user's phone number.
            b'w' => i == 0 && (k.eq_ignore_ascii_case(b"wa_id") || k.eq_ignore_ascii_case(b"waId")),
            _ => false,
        };
        if hit {
            return true;
        }
    }
    false
}

/// Case-insensitive ASCII substring test; `needle` is lowercase.
#[inline]
/// A JSON Web Key's private member (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, an `oct`
/// key's `k`) in an object under a key that names a JWK (`jwk`, `jwks`, `signing_jwk`)
/// or a key (`signing_key`, `keys`), within the two segments above it.
/// (The text scanner finds the same members beside a `"kty"`.)
fn is_jwk_private_member(path: &str, key: &str) -> bool {
    if !matches!(key, "d" | "p" | "q" | "dp" | "dq" | "qi" | "oth" | "k") {
        return false;
    }
    path.rsplit('.')
        .filter(|s| *s != "[]")
        .skip(1)
        .take(2)
        .any(|seg| {
            let b = seg.as_bytes();
            let ends =
                |x: &[u8]| b.len() >= x.len() && b[b.len() - x.len()..].eq_ignore_ascii_case(x);
            contains_ci(seg, "jwk") || ends(b"key") || ends(b"keys")
        })
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Whether a `cid` key's value is a card's code: 3–4 ASCII digits (spaces around them
/// allowed).
fn is_cid_code(value: &str) -> bool {
    let v = value.trim();
    (3..=4).contains(&v.len()) && v.bytes().all(|c| c.is_ascii_digit())
}

/// Masks a credential header by its name (`authorization`, `x-api-key`, … →
/// `Bearer abcd****wxyz`; `cookie`, `set-cookie` → `****`); `None` for other headers.
/// The single rule for every place that logs headers (the masker, the HTTP layer).
#[cfg_attr(not(feature = "tower"), allow(dead_code))]
pub(crate) fn mask_header(name: &str, value: &str) -> Option<String> {
    if COOKIE_KEYS.iter().any(|k| name.eq_ignore_ascii_case(k)) {
        return Some("****".to_owned());
    }
    if !AUTH_KEYS.iter().any(|k| name.eq_ignore_ascii_case(k)) {
        return None;
    }
    let mut out = String::with_capacity(value.len().min(64));
    mask_auth(value, &mut out);
    Some(out)
}

/// How many characters of a credential header's value stay hidden, at least, when its
/// first and last 4 are shown (`Bearer abcd****wxyz`). The reference shows 8 of any value
/// longer than 8 (`Token 1234****6789` keeps 8 of 9); a shorter value is masked whole
/// (`Token ****`), a deliberate break from it: 12 hidden characters of a random token are
/// still about 70 bits.
const AUTH_HIDDEN: usize = 12;

/// The reference's auth header mask, where it hides enough: the first and last 4
/// characters are shown only when at least [`AUTH_HIDDEN`] stay hidden.
fn mask_auth(value: &str, out: &mut String) {
    fn secret(s: &str, out: &mut String) {
        let n = s.chars().count();
        // Already masked (a header masked at the HTTP boundary, then by the logger).
        let masked = n == 12 && s.get(4..8) == Some("****");
        if n >= 8 + AUTH_HIDDEN || masked {
            out.extend(s.chars().take(4));
            out.push_str("****");
            out.extend(s.chars().skip(n - 4));
        } else {
            out.push_str("****");
        }
    }
    /// Whether `s` is base64 of `user:password` (a `Basic` credential without its scheme).
    fn is_basic_credential(s: &str) -> bool {
        use base64::Engine as _;
        s.len() >= 8
            && base64::engine::general_purpose::STANDARD
                .decode(s)
                .is_ok_and(|d| {
                    d.contains(&b':') && d.iter().all(|c| c.is_ascii_graphic() || *c == b' ')
                })
    }
    match value.split_once([' ', '\t']) {
        // `Basic` is base64 of `user:password`: its last 4 characters are the password's
        // last 3 bytes, so none of it is shown (a deliberate break from the reference).
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("basic") => {
            out.push_str(scheme);
            out.push_str(" ****");
        }
        Some((scheme, rest)) => {
            out.push_str(scheme);
            out.push(' ');
            secret(rest, out);
        }
        None if is_basic_credential(value) => out.push_str("****"),
        None => secret(value, out),
    }
}

/// Whether a value under a personal key is a path (`/prod/pay/db_host`) or an HTTP route
/// (`POST /login`): no one's name, address or phone. (A resource's name, `pay-api-7d9f`,
/// is not told from a user's name, `khalid-7`: it stays masked.)
fn names_no_one(value: &str) -> bool {
    let b = value.as_bytes();
    let path = b.first() == Some(&b'/')
        && b[1..].contains(&b'/')
        && !b.iter().any(u8::is_ascii_whitespace);
    let route = [
        "GET /",
        "POST /",
        "PUT /",
        "PATCH /",
        "DELETE /",
        "HEAD /",
        "OPTIONS /",
    ]
    .iter()
    .any(|m| value.starts_with(m));
    path || route || is_object_id(b)
}

/// Whether a value is a gateway's object id (Stripe's and Tap's `cus_NffrFeUfNV2Hib`,
/// `pm_…`, `acct_…`): a prefix of 2 to 5 lowercase letters, `_`, then 10 to 40 letters and
/// digits with at least one digit and one capital (not `first_lastname`, a person's).
fn is_object_id(b: &[u8]) -> bool {
    let p = b.iter().take(6).position(|&c| c == b'_');
    let Some(p) = p.filter(|&p| p >= 2) else {
        return false;
    };
    let rest = &b[p + 1..];
    b[..p].iter().all(u8::is_ascii_lowercase)
        && (10..=40).contains(&rest.len())
        && rest.iter().all(u8::is_ascii_alphanumeric)
        && rest.iter().any(u8::is_ascii_digit)
        && rest.iter().any(u8::is_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_vectors() {
        for (i, o) in [
            ("Bearer abcdefghijklmnop1234", "Bearer abcd****1234"),
            ("Bearer short", "Bearer ****"),
            ("Token 12345678", "Token ****"),
            // Fewer than 12 characters would stay hidden: masked whole (the reference
            // shows 8 of these).
            ("Token 123456789", "Token ****"),
            ("abcdefghijkl", "****"),
            ("Ab3dEf7hJk", "****"),
            ("Bearer  doublespace1234", "Bearer ****"),
            ("abcdefghijklmnopqrs", "****"),
            // 12 hidden: the reference's form.
            ("abcdefghijklmnopqrst", "abcd****qrst"),
            // Masked twice (at the HTTP boundary, then by the logger): the same.
            ("Bearer abcd****qrst", "Bearer abcd****qrst"),
            ("abcd", "****"),
            ("Basic dXNlcjpwYXNz", "Basic ****"),
            ("", "****"),
        ] {
            let mut s = String::new();
            mask_auth(i, &mut s);
            assert_eq!(s, o);
        }
    }

    #[test]
    fn job_names_are_not_personal_other_names_are() {
        let m = PiiMasker::new();
        assert_eq!(m.classify("extra.job.name"), Action::None);
        assert_eq!(m.classify("job.name"), Action::None);
        assert_eq!(
            m.classify("extra.customer.name"),
            Action::Key(Class::Personal)
        );
        assert_eq!(
            m.classify("extra.job.customer_name"),
            Action::Key(Class::Personal)
        );
    }

    #[test]
    fn classification() {
        let m = PiiMasker::new()
            .with_sensitive_keys(["iban"])
            .with_safe_keys(["product_name"])
            .unwrap();
        for (p, a) in [
            ("extra.customer_name", Action::Key(Class::Personal)),
            ("extra.gateway_name", Action::None),
            ("extra.Customer_ID", Action::Ids),
            ("data_stream.namespace", Action::None),
            ("volume.device_name", Action::None),
            ("file.elf.telfhash", Action::None),
            ("process.real_user.name", Action::Key(Class::Personal)),
            ("file.owner", Action::Key(Class::Personal)),
            (
                "threat.indicator.url.username",
                Action::Key(Class::Personal),
            ),
            ("user.entity.display_name", Action::Key(Class::Personal)),
            ("cloud.account.id", Action::EcsIds),
            ("email.message_id", Action::EcsIds),
            ("url.password", Action::Key(Class::Secret)),
            ("extra.order_id", Action::Ids),
            ("payload.items.[].phone", Action::Key(Class::Personal)),
            ("extra.emails.[]", Action::Key(Class::Personal)),
            ("user.email", Action::Key(Class::Personal)),
            ("user.name", Action::Key(Class::Personal)),
            ("client.user.full_name", Action::Key(Class::Personal)),
            ("user.target.name", Action::Key(Class::Personal)),
            ("user.group.name", Action::None),
            ("user.phone", Action::Key(Class::Personal)),
            ("service.name", Action::None),
            ("host.hostname", Action::None),
            ("client.address", Action::None),
            ("email.from.address", Action::Key(Class::Personal)),
            ("url.username", Action::Key(Class::Personal)),
            (
                "http.request.body.customer_name",
                Action::Key(Class::Personal),
            ),
            ("http.request.headers.authorization", Action::Auth),
            ("headers.Cookie", Action::Cookie),
            ("labels.customer_name", Action::Key(Class::Personal)),
            ("extra.payer_iban", Action::Key(Class::Personal)),
            ("extra.product_name", Action::None),
            ("message", Action::None),
        ] {
            assert_eq!(m.classify(p), a, "{p}");
        }
    }

    #[test]
    fn sensitive_dispatch_matches_the_list() {
        for key in [
            "x",
            "Customer_Name",
            "PAYER",
            "telco",
            "hotel",
            "udf3",
            "shipping_to",
            "ids",
            "beneficiaryX",
            "contactless",
            "mail",
            "StrtNm",
            "AdrLine",
            "CardhldrNm",
            "CrdhldrNm",
            "streetAddress",
            "line1",
            "Line2",
            "pipeline1",
            "Nm",
            "nmx",
            "holder",
            "holders_count",
            "wa_id",
            "waId",
            "swap_id",
            "nombre",
            "apellido",
            "prénom",
            "nom",
            "nominal",
            "اسم_العميل",
            "المبلغ",
        ] {
            // `tel` counts only as a word (below).
            let slow = SENSITIVE.iter().any(|n| *n != "tel" && contains_ci(key, n))
                || SENSITIVE_KEYS.iter().any(|n| key.eq_ignore_ascii_case(n))
                || key.eq_ignore_ascii_case("nm");
            assert_eq!(has_sensitive_substring(key), slow, "{key}");
        }
        for (key, tel) in [
            ("tel", true),
            ("tel_no", true),
            ("customer_tel", true),
            ("customerTel", true),
            ("telNo", true),
            ("hotel", false),
            ("telemetry", false),
            ("telco", false),
        ] {
            assert_eq!(has_sensitive_substring(key), tel, "{key}");
        }
    }

    #[test]
    fn exempt_patterns() {
        let m = PiiMasker::new().with_exempt_paths(["extra.*.name", "payload.items.[]"]);
        assert!(m.is_exempt("extra.product.name"));
        assert!(m.is_exempt("payload.items.[].customer_name"));
        assert!(!m.is_exempt("extra.name"));
        assert!(!m.is_exempt("payload.customer_name"));
    }

    #[test]
    fn action_memo_follows_each_maskers_rules() {
        let plain = PiiMasker::new();
        let safe = PiiMasker::new().with_safe_keys(["pet_name"]).unwrap();
        let exempt = safe.clone().with_exempt_paths(["payload.*"]);
        for _ in 0..3 {
            // Same paths, alternating maskers, on one thread: each keeps its own answer.
            assert_eq!(plain.action("extra.pet_name"), Action::Key(Class::Personal));
            assert_eq!(safe.action("extra.pet_name"), Action::None);
            assert_eq!(
                safe.action("payload.customer"),
                Action::Key(Class::Personal)
            );
            assert_eq!(exempt.action("payload.customer"), Action::None);
            assert_eq!(
                plain.action("payload.customer"),
                Action::Key(Class::Personal)
            );
            // A clone shares its rules (and the memo entries).
            assert_eq!(safe.clone().action("extra.pet_name"), Action::None);
            // Too long to memoize: still classified.
            let long = format!("extra.{}.customer_name", "x".repeat(60));
            assert_eq!(plain.action(&long), Action::Key(Class::Personal));
        }
    }

    /// A literal message's verdict is remembered per thread and masker rules: a literal
    /// that holds a finding is masked on every call (not only the first), a clean one is
    /// kept on every call, and a masker whose rules make `message` a sensitive key masks
    /// even a clean literal, every time, beside one that does not.
    #[test]
    fn literal_messages_are_masked_on_every_call() {
        let plain = PiiMasker::new();
        let message_is_personal = PiiMasker::new().with_sensitive_keys(["message"]);
        let mut out = String::new();
        for _ in 0..3 {
            out.clear();
            assert!(plain.mask_literal("retry for jane@example.com", &mut out));
            assert_eq!(out, "retry for [PII_REDACTED]");
            out.clear();
            assert!(plain.mask_literal("card 4111 1111 1111 1111 declined", &mut out));
            assert_eq!(out, "card 411111******1111 declined");
            out.clear();
            assert!(!plain.mask_literal("payment_processed", &mut out));
            assert!(out.is_empty());
            assert!(message_is_personal.mask_literal("payment_processed", &mut out));
            assert_eq!(out, "[PII_REDACTED]");
            // Longer than a memo entry: masked all the same.
            out.clear();
            let long: &'static str =
                "a long message that is past the memo's length, for jane@example.com";
            assert!(plain.mask_literal(long, &mut out));
            assert!(!out.contains("jane@example.com"), "{out}");
        }
    }
}
