//! What a key name says about its value: one classifier for key paths (`extra.cvv`) and
//! for keys found inside text (`cvv=123`, `"password":`, `<cardNumber>`).
//!
//! In: one key (a path's last segment, or a word of text). Out: a [`Class`]. The key is
//! compared in its *compact* form: ASCII letters and digits only, lowercased, so
//! `securityCode`, `security_code`, `Security-Code` and `security code` are one key.

/// What a key's value is, by the key's name alone.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub(crate) enum Class {
    /// Nothing known.
    None,
    /// A credential: password, secret, token, API/private/access key, cookie …
    Secret,
    /// Card verification value (CVV, CVC, CSC, security code).
    Cvv,
    /// Other sensitive authentication data: PIN, PIN block, track data, EMV data,
    /// cryptograms.
    Sad,
    /// A card number (primary account number).
    Card,
    /// A national or government id (SSN, civil id, passport …).
    NationalId,
    /// An IBAN (the `financial_ids` pack).
    Iban,
    /// A payment or transaction id (the `financial_ids` pack).
    PaymentId,
    /// Personal data by the masker's personal-key rules (never returned by [`classify`]).
    Personal,
}

impl Class {
    /// Whether a key of this class may never be made safe: card data, authentication data
    /// and credentials.
    pub(crate) fn is_protected(self) -> bool {
        matches!(self, Class::Secret | Class::Cvv | Class::Sad | Class::Card)
    }
}

/// Longest compact key classified; longer keys are classified by their last 64 characters.
const MAX: usize = 64;

/// `{parent}_{key}` written into `buf` (`merchant` and `name`: `merchant_name`), how a
/// key under a thing is classified as the thing's own key; `None` when it does not fit
/// in 64 bytes.
pub(crate) fn joined_key<'b>(parent: &[u8], key: &[u8], buf: &'b mut [u8; 64]) -> Option<&'b str> {
    let n = parent.len();
    let len = n + 1 + key.len();
    if len > buf.len() {
        return None;
    }
    buf[..n].copy_from_slice(parent);
    buf[n] = b'_';
    buf[n + 1..len].copy_from_slice(key);
    std::str::from_utf8(&buf[..len]).ok()
}

/// The members of a person's name written as an object (`name.first`, `name.family`):
/// personal under a `name` key, in structured data and in text.
pub(crate) const NAME_PARTS: [&str; 8] = [
    "first",
    "last",
    "middle",
    "given",
    "family",
    "full",
    "firstName",
    "lastName",
];

/// A key in compact form on the stack.
pub(crate) struct Compact {
    buf: [u8; MAX],
    len: usize,
}

impl Compact {
    /// The compact form of `key` (its last [`MAX`] letters and digits).
    pub(crate) fn of(key: &str) -> Compact {
        let mut c = Compact {
            buf: [0; MAX],
            len: 0,
        };
        let b = key.as_bytes();
        // Count from the end so a long key keeps its tail (`…_card_number`).
        let mut n = 0;
        let mut start = b.len();
        while start > 0 && n < MAX {
            start -= 1;
            if b[start].is_ascii_alphanumeric() {
                n += 1;
            }
        }
        for &x in &b[start..] {
            if x.is_ascii_alphanumeric() && c.len < MAX {
                c.buf[c.len] = x.to_ascii_lowercase();
                c.len += 1;
            }
        }
        c
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

fn ends_any(h: &[u8], ns: &[&[u8]]) -> bool {
    ns.iter().any(|n| h.ends_with(n))
}

fn is_any(h: &[u8], ns: &[&[u8]]) -> bool {
    ns.contains(&h)
}

/// The last word of `key` (split at `_`, `-`, `.`, spaces and lower-to-upper case changes),
/// lowercased into `buf`.
fn last_word<'b>(key: &str, buf: &'b mut [u8; 16]) -> &'b [u8] {
    let b = key.as_bytes();
    let mut end = b.len();
    while end > 0 && !b[end - 1].is_ascii_alphanumeric() {
        end -= 1;
    }
    let mut start = end;
    while start > 0 {
        let c = b[start - 1];
        if !c.is_ascii_alphanumeric() {
            break;
        }
        start -= 1;
        // `atmPin`: a capital after a lowercase letter starts the word.
        if c.is_ascii_uppercase() && start > 0 && b[start - 1].is_ascii_lowercase() {
            break;
        }
    }
    let w = &b[start..end];
    let n = w.len().min(buf.len());
    for (d, s) in buf.iter_mut().zip(&w[..n]) {
        *d = s.to_ascii_lowercase();
    }
    &buf[..n]
}

/// The word before the last of `key` (see [`last_word`]), lowercased into `buf`; empty
/// when the key has one word.
fn word_before_last<'b>(key: &str, buf: &'b mut [u8; 16]) -> &'b [u8] {
    let b = key.as_bytes();
    let mut end = b.len();
    while end > 0 && !b[end - 1].is_ascii_alphanumeric() {
        end -= 1;
    }
    // Back over the last word.
    while end > 0 && b[end - 1].is_ascii_alphanumeric() {
        end -= 1;
        if b[end].is_ascii_uppercase() && end > 0 && b[end - 1].is_ascii_lowercase() {
            break;
        }
    }
    last_word(&key[..end], buf)
}

/// Words that end a key about a credential or personal datum rather than holding it
/// (`password_changed_at`, `api_key_id`, `email_verified`, `customer_type`).
const META: &[&[u8]] = &[
    b"at",
    b"id",
    b"ids",
    b"length",
    b"len",
    b"policy",
    b"version",
    b"expired",
    b"expires",
    b"expiry",
    b"required",
    b"changed",
    b"updated",
    b"type",
    b"count",
    b"enabled",
    b"valid",
    b"verified",
    b"strength",
    b"algorithm",
    b"alg",
    b"status",
    b"rotation",
    b"rotated",
    b"age",
    // About an attempt with it (`expires_in`, `retries_left`, `cvv.result`).
    b"in",
    b"left",
    b"result",
    b"results",
    b"outcome",
    b"retries",
    b"remaining",
    b"scope",
    b"scopes",
    b"issuer",
    b"audience",
    b"hint",
    // A key's check value (`zmk_kcv`): public by design.
    b"kcv",
    b"days",
    b"hours",
    b"minutes",
    b"seconds",
    b"ttl",
    b"attempts",
    b"retries",
    b"date",
    b"time",
    b"ttl",
    b"created",
    b"method",
    b"mode",
    b"format",
    b"provider",
    b"source",
    b"kind",
    b"flag",
    b"present",
    b"exists",
    b"hint",
];

/// Whether `key` is about a credential rather than one (`secret_name`, `password_reset`,
/// `token_url`, `has_password`).
pub(crate) fn is_credential_metadata(key: &str) -> bool {
    let mut wb = [0u8; 16];
    let w = last_word(key, &mut wb);
    if META.contains(&w)
        || is_any(
            w,
            &[
                b"name",
                b"reset",
                b"set",
                b"last",
                b"url",
                b"endpoint",
                b"file",
                b"path",
                b"dir",
                b"ref",
                b"reference",
                b"arn",
                b"env",
            ],
        )
    {
        return true;
    }
    let lower = key.as_bytes();
    lower.len() > 4
        && (lower[..4].eq_ignore_ascii_case(b"has_") || lower[..3].eq_ignore_ascii_case(b"is_"))
}

/// Whether a key that holds a personal word is about the data rather than the data
/// (`email_verified`, `customer_type`, `billing_cycle`, `shipping_cost`, `mobile_app`).
pub(crate) fn is_personal_metadata(key: &str) -> bool {
    let mut wb = [0u8; 16];
    let w = last_word(key, &mut wb);
    // (WhatsApp's `wa_id` is the user's phone number, not an id of a record.)
    if key.eq_ignore_ascii_case("wa_id") || key.eq_ignore_ascii_case("waId") {
        return false;
    }
    // (A date of birth is the person's: `birthDate`, `birth_date`.)
    if w == b"date"
        && key
            .as_bytes()
            .windows(5)
            .any(|x| x.eq_ignore_ascii_case(b"birth"))
    {
        return false;
    }
    META.contains(&w)
        || is_any(
            w,
            &[
                b"cost",
                b"amount",
                b"cycle",
                b"tier",
                b"app",
                b"currency",
                b"total",
                b"country",
                b"language",
                b"locale",
                b"timezone",
                b"channel",
                b"segment",
                b"preference",
                b"preferences",
                b"optin",
                b"consent",
                // A check's result (Stripe's `address_line1_check: pass`, `name_match: Y`).
                b"check",
                b"match",
            ],
        )
}

/// Suffixes after a CVV or PIN stem that keep it one (`cvv_value`, `pinNumber`).
const STEM_SUFFIXES: &[&[u8]] = &[
    b"",
    b"value",
    b"val",
    b"number",
    b"num",
    b"no",
    b"nr",
    b"code",
    b"data",
    // "Code" and "number" in Turkish (`CVV2 kodu`, `PIN numarası`), Polish and Swedish
    // (`kod`), German, Dutch and Swedish (`nummer`), Spanish, Italian and Portuguese
    // (`numero`).
    b"kodu",
    b"kod",
    b"numarasi",
    b"nummer",
    b"numero",
    // Its bytes (`cvv_bytes=[49, 50, 51]`, `pin_bytes`).
    b"bytes",
];

/// Whether the compact key `k` ends with `stem` and one of [`STEM_SUFFIXES`].
fn ends_stem(k: &[u8], stem: &[u8]) -> bool {
    STEM_SUFFIXES.iter().any(|suf| {
        k.len() >= stem.len() + suf.len()
            && k.ends_with(suf)
            && k[..k.len() - suf.len()].ends_with(stem)
    })
}

/// Substrings looked for anywhere in a compact key, grouped by their first byte so that
/// one pass over the key tries only the needles that can start at each position.
const NEEDLES: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"passphrase",
    b"passcode",
    b"secret",
    b"credential",
    b"apikey",
    b"accesskey",
    b"privatekey",
    b"hmackey",
    b"signingkey",
    b"encryptionkey",
    b"sessionkey",
    b"accesscode",
    b"authorization",
    b"cookie",
    b"cryptogram",
    b"civilid",
    b"nationalid",
    b"nationalnumber",
    b"passport",
    b"iqama",
    b"emiratesid",
    b"taxid",
    b"idnumber",
    b"socialsecurity",
    b"driverslicense",
    b"driverlicense",
    b"drivinglicense",
    b"nationalinsurance",
    b"aadhaar",
    b"kimlik",
    b"iban",
    b"paymentid",
    b"transactionid",
    b"txnid",
    b"paymentref",
    b"accountkey",
    b"totp",
    b"mfacode",
    b"recoverycode",
    b"backupcode",
    b"mnemonic",
    b"seedphrase",
    b"cardverification",
    b"authenticationvalue",
];

/// Which [`NEEDLES`] occur in `k` (bit `i` for needle `i`), in one pass.
fn needles_in(k: &[u8]) -> u64 {
    // Bytes that start a needle: a 256-bit set.
    const STARTS: [u64; 4] = {
        let mut set = [0u64; 4];
        let mut i = 0;
        while i < NEEDLES.len() {
            let b = NEEDLES[i][0] as usize;
            set[b / 64] |= 1 << (b % 64);
            i += 1;
        }
        set
    };
    let mut hits = 0u64;
    for (i, &c) in k.iter().enumerate() {
        if STARTS[c as usize / 64] & (1 << (c % 64)) == 0 {
            continue;
        }
        let rest = &k[i..];
        for (bit, n) in NEEDLES.iter().enumerate() {
            if n[0] == c && rest.starts_with(n) {
                // `passwordless`, `secretary`: not credentials.
                let not = (*n == b"password" && rest[n.len()..].starts_with(b"less"))
                    || (*n == b"secret" && rest[n.len()..].starts_with(b"ar"));
                if !not {
                    hits |= 1 << bit;
                }
            }
        }
    }
    hits
}

/// The index of needle `n` in [`NEEDLES`] (at compile time).
const fn needle(n: &[u8]) -> usize {
    let mut i = 0;
    while i < NEEDLES.len() {
        let m = NEEDLES[i];
        if m.len() == n.len() {
            let mut j = 0;
            while j < n.len() && m[j] == n[j] {
                j += 1;
            }
            if j == n.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not in NEEDLES")
}

/// Whether the needle hits of a key (from [`needles_in`]) hold one of the needles `$n`.
macro_rules! has {
    ($hits:ident, $($n:literal),+ $(,)?) => {
        $hits & const { 0 $(| 1u64 << needle($n))+ } != 0
    };
}

/// Keys written with letters outside ASCII (the ASCII spellings are in [`classify`]'s
/// lists), with their class: "password" in Spanish, Swedish, Polish, Turkish (with its
/// possessive suffixes first: `şifreniz`), Japanese, Russian, Chinese, Korean, Arabic,
/// Hindi and Urdu; one-time codes (Chinese 验证码, Arabic رمز التحقق); a card's PIN (Arabic
/// الرقم السري, "the secret number"); a card's security code (Spanish, German, Arabic).
/// A longer key goes before a key it starts with.
pub(crate) const FOREIGN_KEYS: &[(&str, Class)] = &[
    ("contraseña", Class::Secret),
    ("Contraseña", Class::Secret),
    ("lösenord", Class::Secret),
    ("Lösenord", Class::Secret),
    ("hasło", Class::Secret),
    ("Hasło", Class::Secret),
    ("şifrem", Class::Secret),
    ("Şifrem", Class::Secret),
    ("şifreniz", Class::Secret),
    ("Şifreniz", Class::Secret),
    ("şifresi", Class::Secret),
    ("Şifresi", Class::Secret),
    ("şifre", Class::Secret),
    ("Şifre", Class::Secret),
    ("パスワード", Class::Secret),
    ("пароль", Class::Secret),
    ("Пароль", Class::Secret),
    ("密码", Class::Secret),
    ("密碼", Class::Secret),
    ("口令", Class::Secret),
    ("验证码", Class::Secret),
    ("驗證碼", Class::Secret),
    ("비밀번호", Class::Secret),
    ("암호", Class::Secret),
    ("पासवर्ड", Class::Secret),
    ("پاس ورڈ", Class::Secret),
    ("mật khẩu", Class::Secret),
    ("Mật khẩu", Class::Secret),
    ("κωδικός πρόσβασης", Class::Secret),
    ("Κωδικός πρόσβασης", Class::Secret),
    ("סיסמה", Class::Secret),
    ("رمز عبور", Class::Secret),
    ("كلمة المرور", Class::Secret),
    ("كلمة_المرور", Class::Secret),
    ("كلمة_السر", Class::Secret),
    // "Passcode", "card number", "passport number", "civil registry number".
    ("رمز المرور", Class::Secret),
    ("رقم_البطاقة", Class::Card),
    ("رقم البطاقة", Class::Card),
    ("رقم جواز السفر", Class::NationalId),
    ("رقم السجل المدني", Class::NationalId),
    ("رقم_الهوية", Class::NationalId),
    ("كلمة السر", Class::Secret),
    // "Card verification code" before the one-time code it starts as.
    ("رمز التحقق من البطاقة", Class::Cvv),
    ("رمز التحقق", Class::Secret),
    ("رمز التفعيل", Class::Secret),
    // "Login code".
    ("رمز الدخول", Class::Secret),
    ("كود التحقق", Class::Secret),
    ("كود التفعيل", Class::Secret),
    ("رقم الهوية الوطنية", Class::NationalId),
    ("رقم الهوية", Class::NationalId),
    ("الرقم السري", Class::Sad),
    ("الرمز السري", Class::Sad),
    // "Your secret number".
    ("رقمك السري", Class::Sad),
    ("الرقم_السري", Class::Sad),
    ("رمز الأمان", Class::Cvv),
    // More names of the CVV: Arabic ("security code", "protection code"), French,
    // Turkish.
    ("كود الأمان", Class::Cvv),
    ("رمز الحماية", Class::Cvv),
    ("Numéro de contrôle", Class::Cvv),
    ("numéro de contrôle", Class::Cvv),
    ("Güvenlik kodu", Class::Cvv),
    ("güvenlik kodu", Class::Cvv),
    ("código de seguridad", Class::Cvv),
    ("Código de seguridad", Class::Cvv),
    ("Kartenprüfnummer", Class::Cvv),
    ("Prüfnummer", Class::Cvv),
    ("Prüfziffer", Class::Cvv),
    // Portuguese, Japanese, Chinese and Russian names of the CVV and the PIN.
    ("código de segurança", Class::Cvv),
    ("Código de segurança", Class::Cvv),
    ("セキュリティコード", Class::Cvv),
    ("暗証番号", Class::Sad),
    ("安全码", Class::Cvv),
    ("CVV码", Class::Cvv),
    ("CVC码", Class::Cvv),
    ("PIN码", Class::Sad),
    ("Код безопасности", Class::Cvv),
    ("код безопасности", Class::Cvv),
    ("CVC-код", Class::Cvv),
    ("CVV-код", Class::Cvv),
    // Hindi's and Korean's PIN.
    ("पिन", Class::Sad),
    ("핀번호", Class::Sad),
    ("핀 번호", Class::Sad),
    ("PIN-код", Class::Sad),
    ("ПИН-код", Class::Sad),
    ("пин-код", Class::Sad),
];

/// Keys that hold a dot by nature (Express's session cookie, `connect.sid`), as the part
/// before the last dot and the last part: a key read as a path, and a key word read in
/// text, are only their last part (`sid`).
const DOTTED_KEYS: [(&str, &str, &str); 1] = [("connect", "sid", "connect.sid")];

/// The [`DOTTED_KEYS`] entry whose last part is `key` when what stands before `key`
/// (`before`) ends with the rest of it as a whole segment (`….connect.` before `sid`).
#[inline]
pub(crate) fn dotted_key(before: &[u8], key: &str) -> Option<&'static str> {
    DOTTED_KEYS.iter().find_map(|&(head, last, whole)| {
        // (The length first: this is asked for every key word in text.)
        let n = head.len() + 1;
        (last.len() == key.len()
            && last.eq_ignore_ascii_case(key)
            && before.len() >= n
            && before[before.len() - 1] == b'.'
            && before[before.len() - n..before.len() - 1].eq_ignore_ascii_case(head.as_bytes())
            && (before.len() == n
                || !matches!(
                    before[before.len() - n - 1],
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-'
                )))
        .then_some(whole)
    })
}

/// Classifies one key by its name (`financial` turns on the `financial_ids` keys).
pub(crate) fn classify(key: &str, financial: bool) -> Class {
    // (The compact form keeps ASCII only: `пароль` would be empty.)
    if !key.is_ascii() {
        if let Some(&(_, class)) = FOREIGN_KEYS.iter().find(|(k, _)| key.ends_with(k)) {
            return class;
        }
    }
    let c = Compact::of(key);
    let k = c.as_bytes();
    if k.len() < 2 {
        return Class::None;
    }
    let mut wb = [0u8; 16];
    let word = last_word(key, &mut wb);
    let mut pb = [0u8; 16];
    let before = word_before_last(key, &mut pb);
    let hits = needles_in(k);

    // CVV before cards (`card_security_code`) and credentials (`card_code`); a social
    // security number is no card's (`shopperSocialSecurityNumber`: a national id, below).
    if !has!(hits, b"socialsecurity")
        && is_any(
            k,
            &[
                b"cvv", b"cvc", b"csc", b"cvn", b"cvd", b"cid2", b"cardcid", b"amexcid",
            ],
        )
        || [
            &b"cvv"[..],
            b"cvv2",
            b"cvv3",
            b"cvc",
            b"cvc2",
            b"cvn",
            b"cvn2",
            b"cvd",
            b"cvd2",
            b"ccv",
            b"cv2",
            b"securitycode",
        ]
        .iter()
        .any(|st| ends_stem(k, st))
        || has!(hits, b"cardverification")
        || (!has!(hits, b"socialsecurity")
            && ends_any(
                k,
                &[
                    b"securitynumber",
                    b"seccode",
                    b"cardcode",
                    b"securitycode",
                    b"verificationvalue",
                    b"verificationcode",
                    b"cvvcode",
                    b"cvccode",
                    b"cvv2code",
                    // German's and Italian's security code (`Sicherheitscode: 123`,
                    // `codicedisicurezza`, `codice_sicurezza`).
                    b"sicherheitscode",
                    b"codicedisicurezza",
                    b"codicesicurezza",
                    // CyberSource's `cvNumber`; ISO 20022's `CSCVal`, `cscValue`.
                    b"cvnumber",
                    b"cscval",
                    b"cscvalue",
                ],
            ))
        || (ends_any(k, &[b"csc"]) && word == b"csc")
    {
        return Class::Cvv;
    }

    if word == b"pin"
        || (before == b"pin" && STEM_SUFFIXES.contains(&word))
        // The PIN typed again (`pin_confirmation`, `pinConfirm`, `pin_new`).
        || (before == b"pin"
            && is_any(
                word,
                &[b"confirmation", b"confirm", b"again", b"repeat", b"retype", b"new", b"old", b"current"],
            ))
        || is_any(
            k,
            &[
                b"pin1", b"pin2", b"mpin", b"tpin", b"epb", b"de52", b"de55", b"de45", b"de35",
                b"field52", b"field55", b"field45", b"field35", b"iad",
                // ISO 8583 fields 52 (PIN data), 55 (ICC data), 35 and 45 (tracks) as
                // `F52`, `bit52`.
                b"f52", b"f55", b"f45", b"f35", b"bit52", b"bit55", b"bit45", b"bit35",
            ],
        )
        || has!(hits, b"authenticationvalue")
        || ends_any(
            k,
            &[
                b"pinblock",
                b"pinblk",
                // ISO 20022 (nexo)'s `NcrptdPINBlck`.
                b"pinblck",
                // German: a card's PIN.
                b"geheimzahl",
                b"pincode",
                b"pinnumber",
                b"pindata",
                b"pinoffset",
                b"track1",
                b"track2",
                b"track3",
                b"trackdata",
                b"track1data",
                b"track2data",
                b"trackii",
                b"magstripe",
                b"magstripedata",
                b"emvdata",
                b"emvtags",
                b"iccdata",
                b"chipdata",
                b"cavv",
                b"tavv",
                b"ucaf",
                // 3-D Secure 2's authentication value, abbreviated (`authValue`).
                b"authvalue",
                b"arqc",
                b"arpc",
            ],
        )
        || is_any(k, &[b"emv", b"icc", b"pvv", b"aav"])
        // 3-D Secure 1's request and response (deflated XML in base64: the PAN and
        // expiry, the CAVV), Mastercard's AAV under CyberSource's and 3DS's names.
        || is_any(k, &[b"pareq", b"pares"])
        || k.windows(4).any(|w| w == b"ucaf")
        || ends_any(k, &[b"authenticationdata", b"applicationcryptogram"])
        || has!(hits, b"cryptogram")
    {
        return Class::Sad;
    }

    // An identity card's number is a national id's (`id_card_number`, `idCardNo`).
    if ends_any(k, &[b"idcardnumber", b"idcardno", b"identitycardnumber"]) {
        return Class::NationalId;
    }
    if is_any(
        k,
        &[
            b"card",
            b"pan",
            b"cc",
            b"ccnum",
            b"ccnumber",
            b"creditcard",
            b"debitcard",
            b"cardpan",
            b"pannumber",
            // A device's or a network token's PAN (Apple Pay's `dpan`, `fpan`).
            b"dpan",
            b"fpan",
            b"devicepan",
            b"primaryaccountnumber",
            // A card number's bytes (`card_bytes=[52, 49, …]`).
            b"cardbytes",
            b"panbytes",
        ],
    ) || ends_any(
        k,
        &[
            b"cardnumber",
            b"cardno",
            b"cardnum",
            b"cardnbr",
            b"creditcard",
        ],
    ) || (word == b"pan" && k.len() > 3)
    {
        return Class::Card;
    }

    if has!(
        hits,
        b"password",
        b"passwd",
        b"passphrase",
        b"passcode",
        b"secret",
        b"credential",
        b"apikey",
        b"accesskey",
        b"privatekey",
        b"hmackey",
        b"signingkey",
        b"encryptionkey",
        b"sessionkey",
        b"accesscode",
        b"authorization",
        b"cookie",
        b"accountkey",
        b"totp",
        b"mfacode",
        b"recoverycode",
        b"backupcode",
        b"mnemonic",
        b"seedphrase",
    ) || ends_any(
        k,
        &[
            b"token",
            b"signature",
            // A gateway's request MAC (MIGS `vpc_SecureHash`) and the merchant key behind
            // a checksum (Paytm); an OAuth client's signed assertion.
            b"securehash",
            b"checksumkey",
            b"clientassertion",
            b"basicauth",
            // Payment keys: a gateway's merchant or resource key (KNET), terminal and
            // master keys.
            b"merchantkey",
            b"resourcekey",
            b"terminalkey",
            // Amazon Payment Services' (PayFort's) SHA phrases, Telr's `ivp_authkey`,
            // Fawry's secure key, a merchant's `merchantSecKey`.
            b"requestphrase",
            b"responsephrase",
            b"authkey",
            b"securekey",
            b"seckey",
            b"masterkey",
            b"aeskey",
            // Authorize.net's transaction key (`x_tran_key`, `transactionKey`), shared,
            // webhook, encryption and MD5 keys of gateways (`sharedKey`, `encKey`).
            b"trankey",
            b"transactionkey",
            b"sharedkey",
            b"webhookkey",
            b"enckey",
            b"md5key",
            // Azure API Management and Functions keys, OAuth PKCE verifiers, token values.
            b"subscriptionkey",
            b"functionskey",
            b"functionkey",
            b"codeverifier",
            b"tokenvalue",
            // One-time passwords (`otp_code`, `sms_otp`).
            b"otpcode",
            // "Password" in other languages (Spanish with and without its `ñ`, German,
            // Portuguese, French, Dutch, Finnish, Swedish, Polish, Danish).
            b"contrasena",
            b"contrasea",
            b"passwort",
            b"kennwort",
            b"senha",
            b"motdepasse",
            b"wachtwoord",
            b"salasana",
            b"losenord",
            b"haslo",
            b"adgangskode",
            // `lösenord`, `hasło` with their letters outside ASCII dropped (`LÖSENORD`).
            b"lsenord",
            b"haso",
            // Czech and Slovak, Turkish, Romanian and Italian, Croatian and Serbian,
            // Slovenian, Hungarian (`jelszó`, with and without its `ó`), Norwegian;
            // Indonesian and Malay (`kata sandi`).
            b"heslo",
            b"parola",
            b"lozinka",
            b"geslo",
            b"jelszo",
            b"jelsz",
            b"passord",
            b"katasandi",
            // Signing and MAC keys, private keys, one-time codes by SMS, license keys,
            // salts (PayU's merchant `salt`, the key of its request hash; `password_salt`).
            b"signaturekey",
            b"mackey",
            b"privkey",
            b"smscode",
            b"licensekey",
            b"salt",
            // Java keystores' passwords (`-storepass`, `keypass=`), a user's password in a
            // config (`userpass`), second factors and security answers.
            b"storepass",
            b"keypass",
            b"userpass",
            b"2facode",
            b"twofactorcode",
            // One-time codes by their purpose (`mfa_code`, `login_code`,
            // `activation_code`, `confirmation_code`, `reset_code`).
            b"mfacode",
            b"logincode",
            b"activationcode",
            b"confirmationcode",
            b"resetcode",
            // Unifonic's application credential under a prefix (`UNIFONIC_APP_SID`).
            b"appsid",
            // STC Pay's `OtpValue`.
            b"otpvalue",
            b"securityanswer",
            // Vault's unseal keys, a password hash's pepper, an app's key (Laravel's
            // `APP_KEY`), a JWT's key, a gateway's HMAC (`ADYEN_HMAC`).
            b"unsealkey",
            b"recoverykey",
            // An HSM key typed in clear by its custodians; a PIN or card verification
            // key pair (`PVK pair: …`).
            b"clearkey",
            b"clearcomponent",
            b"pvkpair",
            b"cvkpair",
            b"pepper",
            b"appkey",
            b"jwtkey",
            b"hmac",
        ],
    ) || is_any(
        k,
        &[
            b"pwd",
            b"pass",
            // French's usual name (`mdp`); Spanish's `clave de acceso`, `clave secreta`
            // (`clave` alone is as often a key of another kind).
            b"mdp",
            // A card verification key (the key CVVs are computed with).
            b"cvk",
            b"clavedeacceso",
            b"clavesecreta",
            b"otp",
            b"pw",
            b"pswd",
            b"psw",
            b"sig",
            b"hmac",
            // `auth=user:pass`, `auth: Zm9v…`: the credential itself.
            b"auth",
            // A second factor's code as a whole key (`{"2fa":"482913"}`).
            b"2fa",
            // Session cookies (`JSESSIONID=…`, `PHPSESSID=…`): a session's bearer credential.
            b"jsessionid",
            b"jwt",
            b"dbpass",
            // A Kubernetes secret of a registry's credentials (`.dockerconfigjson`).
            b"dockerconfigjson",
            // A session header's token (`x-session: …`).
            b"xsession",
            b"dockercfg",
            b"phpsessid",
            // Express's session cookie (`connect.sid`).
            b"connectsid",
            // A bare `bearer = …`; curl's `--oauth2-bearer …`.
            b"bearer",
            b"oauth2bearer",
            // Unifonic's (an SMS gateway's) application credential; a JWT's signing secret.
            b"appsid",
            b"jwtsigning",
            // HSM key names of card payments (zone, terminal, base derivation, key
            // encryption, initial PIN encryption keys).
            b"zpk",
            b"zmk",
            b"tpk",
            b"tmk",
            b"bdk",
            b"kek",
            b"ipek",
        ],
    ) || is_any(
        word,
        &[
            b"pass", b"pwd", b"passwd", b"userpwd", b"otp", b"pw",
            // The HSM key names above as a key's last word (`HSM_ZMK`, `hsmZmk`,
            // `DUKPT_IPEK`), and the local master and PIN verification keys.
            b"zpk", b"zmk", b"tpk", b"tmk", b"bdk", b"kek", b"ipek", b"lmk", b"pvk", b"cvk",
            // Terminal and zone MAC keys, a TR-31 key block protection key, a data
            // encryption key.
            b"tak", b"zak", b"kbpk", b"dek",
        ],
    ) || is_any(
        k,
        &[
            b"bdkkey", b"zmkkey", b"zpkkey", b"tmkkey", b"tpkkey", b"lmkkey", b"mackey", b"cvka",
            b"cvkb",
        ],
    )
        // An HSM key's component or a prefixed name (`HSM_LMK_COMPONENT_1`, `HSMZMK`).
        || [&b"zmk"[..], b"zpk", b"lmk", b"kbpk"]
            .iter()
            .any(|n| k.windows(n.len()).any(|w| w == *n))
    {
        // `password_changed_at`, `api_key_id`, `secret_name`: about a credential. (But
        // Vault AppRole's `secret_id` is the credential itself.)
        if is_credential_metadata(key)
            && !is_any(k, &[b"secretid", b"vaultsecretid", b"approlesecretid"])
        {
            return Class::None;
        }
        return Class::Secret;
    }

    if has!(
        hits,
        b"civilid",
        b"nationalid",
        b"nationalnumber",
        b"passport",
        b"iqama",
        b"emiratesid",
        b"taxid",
        b"idnumber",
        b"socialsecurity",
        b"driverslicense",
        b"driverlicense",
        b"drivinglicense",
        b"nationalinsurance",
        b"aadhaar",
        b"kimlik"
    ) || is_any(
        k,
        // HyperPay's payer id document (`customer.identificationDocId`); Turkey's
        // `tc_no`/`tckn`; a Saudi national id (`Saudi ID 1012345678`).
        &[
            b"identificationdocid",
            b"identificationdocumentid",
            b"tcno",
            b"tckn",
            b"saudiid",
            // Italy's tax code; a Gulf resident's permit number and "civil number".
            b"codicefiscale",
            b"residencyno",
            b"residencynumber",
            b"residencyid",
            b"residenceid",
            b"residencepermit",
            b"residencepermitno",
            b"civilno",
            b"civilnumber",
        ],
    ) || is_any(
        word,
        &[
            b"ssn", b"nin", b"nino", b"sin", b"tin", b"cpr", b"cpf", b"dni", b"curp", b"nik",
            b"cuit", b"cuil",
        ],
    ) {
        return Class::NationalId;
    }

    if financial {
        if has!(hits, b"iban") {
            return Class::Iban;
        }
        if has!(
            hits,
            b"paymentid",
            b"transactionid",
            b"txnid",
            b"paymentref"
        ) || is_any(k, &[b"rrn", b"arn", b"stan", b"authcode", b"approvalcode"])
        {
            return Class::PaymentId;
        }
    }
    Class::None
}

/// Whether a key names an id, an amount, a count or a time (`order_id`, `latency_ms`,
/// `created_at`, `status_code`): its digits are never a phone number.
pub(crate) fn is_id_like(key: &str) -> bool {
    let mut wb = [0u8; 16];
    let w = last_word(key, &mut wb);
    is_any(
        w,
        &[
            b"id",
            b"ids",
            b"uuid",
            b"guid",
            b"ref",
            b"reference",
            b"identifier",
            b"number",
            b"no",
            b"nr",
            b"count",
            b"amount",
            b"total",
            b"bytes",
            b"size",
            b"port",
            b"duration",
            b"timestamp",
            b"time",
            b"ms",
            b"us",
            b"ns",
            b"seconds",
            b"secs",
            b"version",
            b"code",
            b"at",
            b"date",
            b"epoch",
            b"ts",
            b"seq",
            b"index",
            b"offset",
            b"nonce",
            b"hash",
            b"sum",
            // A product's codes (`barcode`, an EAN-13 `627…` is no phone).
            b"barcode",
            b"gtin",
            b"ean",
            b"upc",
            b"sku",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        use Class::*;
        for (k, c) in [
            ("password", Secret),
            ("id_card_number", NationalId),
            ("cvv_bytes", Cvv),
            ("card_bytes", Card),
            ("residency_no", NationalId),
            ("idCardNo", NationalId),
            ("codice_fiscale", NationalId),
            ("user_password", Secret),
            ("passwordHash", Secret),
            ("passwordless", None),
            ("mdp", Secret),
            ("clave_de_acceso", Secret),
            ("clave", None),
            ("geheimzahl", Sad),
            ("الرقم_السري", Sad),
            ("رمز الأمان", Cvv),
            ("验证码", Secret),
            ("DB_PASSWD", Secret),
            ("passphrase", Secret),
            ("pwd", Secret),
            ("pass", Secret),
            ("client_secret", Secret),
            ("secretary", None),
            ("access_token", Secret),
            ("accessToken", Secret),
            ("token", Secret),
            ("token_type", None),
            ("tokenizer", None),
            ("max_tokens", None),
            ("credentials", Secret),
            ("api_key", Secret),
            ("x-api-key", Secret),
            ("private_key", Secret),
            ("AWS_SECRET_ACCESS_KEY", Secret),
            ("hmac_key", Secret),
            ("session_key", Secret),
            ("access_code", Secret),
            ("Authorization", Secret),
            ("set-cookie", Secret),
            ("cvv", Cvv),
            ("CVV2", Cvv),
            ("cvc", Cvv),
            ("card_cvv", Cvv),
            ("securityCode", Cvv),
            ("security code", Cvv),
            ("card_code", Cvv),
            ("vpc_CardSecurityCode", Cvv),
            ("cvv_required", None),
            ("cvvResult", None),
            ("misc", None),
            ("pin", Sad),
            ("PIN", Sad),
            ("atmPin", Sad),
            ("card_pin", Sad),
            ("pinBlock", Sad),
            ("PIN block", Sad),
            ("spin", None),
            ("shipping", None),
            ("pin_required", None),
            ("track2", Sad),
            ("trackData", Sad),
            ("track_id", None),
            ("emv_data", Sad),
            ("cavv", Sad),
            ("tavv", Sad),
            ("ucaf", Sad),
            ("cryptogram", Sad),
            ("card", Card),
            ("pan", Card),
            ("card_number", Card),
            ("cardNumber", Card),
            ("card_no", Card),
            ("card number", Card),
            ("customer_pan", Card),
            ("card_type", None),
            ("card_brand", None),
            ("cardholder_name", None),
            ("company", None),
            ("ssn", NationalId),
            ("civil_id", NationalId),
            ("national_id", NationalId),
            ("passport_number", NationalId),
            ("iqama", NationalId),
            ("emirates_id", NationalId),
            ("tax_id", NationalId),
            ("id_number", NationalId),
            ("tc_kimlik_no", NationalId),
            ("dni", NationalId),
            ("curp", NationalId),
            ("order_id", None),
            ("amount", None),
            ("iban", None),
            ("gen_ai.token.type", None),
            ("cvv2Val", Cvv),
            ("cvdValue", Cvv),
            ("cvv_number", Cvv),
            // CyberSource's name for the CVV (`<card><cvNumber>123</cvNumber>`).
            ("cvNumber", Cvv),
            ("cscValue", Cvv),
            ("PINNumber", Sad),
            ("ADMIN_PW", Secret),
            ("storepass", Secret),
            ("security_answer", Secret),
            ("card_verification_number", Cvv),
            ("securityNumber", Cvv),
            ("sec_code", Cvv),
            ("pin_number", Sad),
            ("pinNumber", Sad),
            ("pin2", Sad),
            ("authenticationValue", Sad),
            ("DE55", Sad),
            ("password_changed_at", None),
            ("has_password", None),
            ("secret_name", None),
            ("api_key_id", None),
            ("password_hash", Secret),
            ("password_reset_token", Secret),
            ("AccountKey", Secret),
            ("totp", Secret),
            ("X-Amz-Signature", Secret),
            ("sig", Secret),
        ] {
            assert_eq!(classify(k, false), c, "{k}");
        }
        assert_eq!(classify("payer_iban", true), Iban);
        assert_eq!(classify("payment_id", true), PaymentId);
        assert_eq!(classify("payment_id", false), None);
    }

    #[test]
    fn long_keys_keep_their_tail() {
        let k = format!("{}_card_number", "x".repeat(200));
        assert_eq!(classify(&k, false), Class::Card);
    }
}
