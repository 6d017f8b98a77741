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

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.len() >= n.len() && h.windows(n.len()).any(|w| w == n)
}

/// `true` when `h` contains `n` at a place not followed by one of `unless`.
fn contains_unless(h: &[u8], n: &[u8], unless: &[&[u8]]) -> bool {
    (0..=h.len().saturating_sub(n.len()))
        .any(|i| h[i..].starts_with(n) && !unless.iter().any(|u| h[i + n.len()..].starts_with(u)))
}

fn ends_any(h: &[u8], ns: &[&[u8]]) -> bool {
    ns.iter().any(|n| h.ends_with(n))
}

fn is_any(h: &[u8], ns: &[&[u8]]) -> bool {
    ns.iter().any(|n| h == *n)
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

/// Classifies one key by its name (`financial` turns on the `financial_ids` keys).
pub(crate) fn classify(key: &str, financial: bool) -> Class {
    let c = Compact::of(key);
    let k = c.as_bytes();
    if k.len() < 2 {
        return Class::None;
    }
    let mut wb = [0u8; 16];
    let word = last_word(key, &mut wb);

    // CVV before cards (`card_security_code`) and credentials (`card_code`).
    if is_any(k, &[b"cvv", b"cvc", b"csc", b"cvn", b"cvd", b"cid2"])
        || ends_any(
            k,
            &[
                b"cvv",
                b"cvv2",
                b"cvc",
                b"cvc2",
                b"cvn2",
                b"cardcode",
                b"securitycode",
                b"verificationvalue",
                b"verificationcode",
                b"cvvcode",
                b"cvccode",
                b"cvv2code",
            ],
        )
        || (ends_any(k, &[b"csc"]) && word == b"csc")
    {
        return Class::Cvv;
    }

    if word == b"pin"
        || ends_any(
            k,
            &[
                b"pinblock",
                b"pinblk",
                b"pincode",
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
                b"arqc",
                b"arpc",
            ],
        )
        || is_any(k, &[b"emv", b"icc", b"pvv", b"aav"])
        || contains(k, b"cryptogram")
    {
        return Class::Sad;
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
            b"primaryaccountnumber",
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

    if contains_unless(k, b"password", &[b"less"])
        || contains(k, b"passwd")
        || contains(k, b"passphrase")
        || contains(k, b"passcode")
        || contains_unless(k, b"secret", &[b"ary", b"aries"])
        || contains(k, b"credential")
        || k.ends_with(b"token")
        || contains(k, b"apikey")
        || contains(k, b"accesskey")
        || contains(k, b"privatekey")
        || contains(k, b"secretkey")
        || contains(k, b"hmackey")
        || contains(k, b"signingkey")
        || contains(k, b"encryptionkey")
        || contains(k, b"sessionkey")
        || contains(k, b"accesscode")
        || contains(k, b"authorization")
        || contains(k, b"cookie")
        || is_any(k, &[b"pwd", b"pass", b"otp"])
        || word == b"pwd"
        || word == b"otp"
    {
        return Class::Secret;
    }

    if contains(k, b"civilid")
        || contains(k, b"nationalid")
        || contains(k, b"nationalnumber")
        || contains(k, b"passport")
        || contains(k, b"iqama")
        || contains(k, b"emiratesid")
        || contains(k, b"taxid")
        || contains(k, b"idnumber")
        || contains(k, b"socialsecurity")
        || contains(k, b"driverslicense")
        || contains(k, b"driverlicense")
        || contains(k, b"drivinglicense")
        || contains(k, b"nationalinsurance")
        || contains(k, b"aadhaar")
        || is_any(
            word,
            &[b"ssn", b"nin", b"nino", b"sin", b"tin", b"cpr", b"cpf"],
        )
    {
        return Class::NationalId;
    }

    if financial {
        if contains(k, b"iban") {
            return Class::Iban;
        }
        if contains(k, b"paymentid")
            || contains(k, b"transactionid")
            || contains(k, b"txnid")
            || contains(k, b"paymentreference")
            || contains(k, b"paymentref")
            || is_any(k, &[b"rrn", b"arn", b"stan", b"authcode", b"approvalcode"])
        {
            return Class::PaymentId;
        }
    }
    Class::None
}

/// Whether a text word may start a two-word key (`security code`, `card number`,
/// `PIN block`, `api key`, `access token` …): then the scanner reads the next word too.
pub(crate) fn starts_two_word_key(word: &str) -> bool {
    matches!(word.len(), 3..=8)
        && [
            "security", "card", "pin", "api", "access", "private", "secret", "client", "session",
            "track", "auth", "refresh", "id", "credit", "national", "civil", "tax", "emirates",
            "social", "passport", "cvv",
        ]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        use Class::*;
        for (k, c) in [
            ("password", Secret),
            ("user_password", Secret),
            ("passwordHash", Secret),
            ("passwordless", None),
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
            ("order_id", None),
            ("amount", None),
            ("iban", None),
            ("gen_ai.token.type", None),
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
