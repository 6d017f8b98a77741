//! Credential shapes: values that are secrets by their form alone (published token
//! prefixes such as `sk_live_…`, `AKIA…`, `ghp_…`; JWTs; SendGrid and Vault tokens;
//! IBANs with their check digits) and the tests of a value's shape that keyed rules use
//! (`looks_like_credential`, `prose_credential`).

use super::*;

/// The end of a token after a published dotted prefix (`hvs.`, `ya29.`) whose value
/// starts at `vs`: 20 or more letters, digits, `_`, `-` (and inner dots, where `dots`),
/// random as a credential is (a capital, a small letter and a digit: never a host name,
/// `hvs.production-cluster-eu.example.com`, or a file's, `ya29.token_cache.json`).
pub(super) fn dotted_token_end(b: &[u8], vs: usize, dots: bool) -> Option<usize> {
    let mut k = vs;
    while k < b.len() && k - vs < 2048 && (is_b64url(b[k]) || (dots && b[k] == b'.')) {
        k += 1;
    }
    while k > vs && b[k - 1] == b'.' {
        k -= 1;
    }
    let v = &b[vs..k];
    (v.len() >= 20 && is_mixed(v)).then_some(k)
}

/// Whether `v` holds a capital, a small letter and a digit.
pub(super) fn is_mixed(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_uppercase)
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().any(u8::is_ascii_digit)
}

/// A value in a tab column after a credential's key that is a secret, not a status
/// (`password\thunter2`, `password\tCorrectHorse`; not `password\tok`, `token\texpired`):
/// a digit, a symbol or a capital after the first letter.
pub(super) fn tab_value_is_secret(v: &[u8]) -> bool {
    v.iter().any(|c| !c.is_ascii_alphabetic()) || v.iter().skip(1).any(u8::is_ascii_uppercase)
}

/// [`looks_like_credential`] for a value in prose, after a key and a space: letters
/// outside ASCII count only beside an ASCII digit or a symbol inside the word
/// (`Straße2024!`, `p@ßw0rd`; `Passwort zurücksetzen`, `senha inválida!` are prose).
pub(super) fn prose_credential(v: &[u8]) -> bool {
    // (A sentence's last `!`, `.`, `?` or `,` is no symbol; a last `#`, `$` or `@` is.)
    let inner = match v.last() {
        Some(b'!' | b'.' | b'?' | b',') => &v[..v.len() - 1],
        _ => v,
    };
    looks_like_credential(v)
        && (v.is_ascii()
            || v.iter().any(u8::is_ascii_digit)
            || inner.iter().any(u8::is_ascii_punctuation))
}

/// A value that looks like a credential: 8 or more characters holding a letter and a
/// digit or symbol, or letters in random case.
pub(super) fn looks_like_credential(v: &[u8]) -> bool {
    v.len() >= 8
        && v.iter().any(u8::is_ascii_alphabetic)
        && (v.iter().any(|c| !c.is_ascii_alphabetic())
            // Random letters: two capitals after the first letter and lowercase
            // (`WuGknHrhQj`), not a word (`Refreshed`) or a capitalized phrase.
            || (v.iter().skip(1).filter(|c| c.is_ascii_uppercase()).count() >= 2
                && v.iter().any(u8::is_ascii_lowercase)))
        && !v.iter().any(|&c| c == b'=' || c == b':')
}

/// Credentials by their published prefixes: Stripe secret and restricted keys, AWS access
/// key ids, GitHub, GitLab, Slack, Google API and npm tokens.
pub(super) fn is_known_secret(w: &str) -> bool {
    let b = w.as_bytes();
    // Only the prefixes that start with its first byte are tried (most words start with
    // a byte no published prefix starts with).
    let mut entries = b.first().map_or(0, |&c| KNOWN_BY_FIRST[c as usize]);
    while entries != 0 {
        let (prefix, rest) = KNOWN[entries.trailing_zeros() as usize];
        entries &= entries - 1;
        let known = w.starts_with(prefix)
            && match rest {
                Rest::Token { from, min } => {
                    b.len() >= from + min
                        && b[from..]
                            .iter()
                            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                }
                Rest::Random { from, min } => {
                    b.len() >= from + min
                        && b[from..].iter().all(u8::is_ascii_alphanumeric)
                        && is_mixed(&b[from..])
                }
                Rest::UpperDigits { len } => {
                    b.len() == len
                        && b[prefix.len()..]
                            .iter()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                }
                Rest::LowerDigits { len } => {
                    let r = &b[prefix.len().min(b.len())..];
                    b.len() == len
                        && r.iter()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                        && r.iter().any(u8::is_ascii_digit)
                        && r.iter().any(u8::is_ascii_lowercase)
                }
                Rest::Len(len) => b.len() == len,
            };
        if known {
            return true;
        }
    }
    false
}

/// What follows a published prefix ([`KNOWN`]).
#[derive(Clone, Copy)]
pub(super) enum Rest {
    /// From byte `from`, at least `min` letters, digits, `_` or `-`.
    Token { from: usize, min: usize },
    /// From byte `from`, at least `min` letters and digits, random ([`is_mixed`]).
    Random { from: usize, min: usize },
    /// Uppercase letters and digits, `len` bytes in all.
    UpperDigits { len: usize },
    /// Small letters and digits (both), `len` bytes in all.
    LowerDigits { len: usize },
    /// `len` bytes in all.
    Len(usize),
}

/// Published credential shapes (`sk_live_…`, `AKIA…`, `ghp_…`, `xoxb-…`, …).
pub(super) const KNOWN: &[(&str, Rest)] = {
    const STRIPE: Rest = Rest::Token { from: 7, min: 10 };
    const GITHUB: Rest = Rest::Token { from: 4, min: 30 };
    const SLACK: Rest = Rest::Token { from: 5, min: 10 };
    &[
        ("sk_live_", STRIPE),
        ("sk_test_", STRIPE),
        ("rk_live_", STRIPE),
        ("rk_test_", STRIPE),
        ("sk-proj-", STRIPE),
        ("sk-ant-", STRIPE),
        // OpenAI's keys before project keys: `sk-` and 48 letters and digits.
        ("sk-", Rest::Random { from: 3, min: 40 }),
        ("whsec_", STRIPE),
        ("sq0atp-", STRIPE),
        ("sq0csp-", STRIPE),
        ("AKIA", Rest::UpperDigits { len: 20 }),
        ("ASIA", Rest::UpperDigits { len: 20 }),
        ("ghp_", GITHUB),
        ("gho_", GITHUB),
        ("ghu_", GITHUB),
        ("ghs_", GITHUB),
        ("ghr_", GITHUB),
        ("github_pat_", Rest::Token { from: 11, min: 30 }),
        ("glpat-", Rest::Token { from: 6, min: 20 }),
        ("xoxb-", SLACK),
        ("xoxp-", SLACK),
        ("xoxa-", SLACK),
        ("xoxr-", SLACK),
        ("xoxs-", SLACK),
        ("AIza", Rest::Len(39)),
        ("npm_", Rest::Token { from: 4, min: 30 }),
        // Grafana service accounts, PyPI (`pypi-` and base64 of `pypi.org`), Shopify,
        // Hugging Face, Facebook's user and page tokens.
        ("glsa_", Rest::Token { from: 5, min: 32 }),
        ("pypi-AgEIcHlwaS5vcmc", Rest::Token { from: 20, min: 30 }),
        ("shpat_", Rest::Token { from: 6, min: 32 }),
        ("shpss_", Rest::Token { from: 6, min: 32 }),
        ("shpca_", Rest::Token { from: 6, min: 32 }),
        ("hf_", Rest::Random { from: 3, min: 30 }),
        ("EAAC", Rest::Random { from: 4, min: 40 }),
        ("EAAG", Rest::Random { from: 4, min: 40 }),
        // Flutterwave's secret keys, Brevo's API keys, Postman's API keys, age's secret
        // keys, GitLab's runner tokens.
        ("FLWSECK-", Rest::Token { from: 8, min: 20 }),
        ("FLWSECK_TEST-", Rest::Token { from: 13, min: 20 }),
        ("xkeysib-", Rest::Token { from: 8, min: 40 }),
        ("PMAK-", Rest::Token { from: 5, min: 30 }),
        ("AGE-SECRET-KEY-1", Rest::UpperDigits { len: 74 }),
        ("glrt-", Rest::Token { from: 5, min: 20 }),
        // Mailgun's API keys (`key-` and 32 random letters and digits).
        ("key-", Rest::LowerDigits { len: 36 }),
        // Razorpay's key ids (their secret follows after `:`), Stripe's ephemeral keys.
        ("rzp_live_", Rest::Token { from: 9, min: 14 }),
        ("rzp_test_", Rest::Token { from: 9, min: 14 }),
        ("ek_live_", STRIPE),
        ("ek_test_", STRIPE),
        // Twilio's account SID (its auth token follows after `:`).
        ("AC", Rest::LowerDigits { len: 34 }),
        // Checkout.com's secret keys (live: `sk_` and 27 small letters and digits).
        ("sk_sbox_", Rest::Token { from: 8, min: 20 }),
        ("sk_", Rest::LowerDigits { len: 30 }),
    ]
};

/// By first byte, the entries of [`KNOWN`] whose prefix starts with it (bit `i`: entry
/// `i`): most words start with a byte no published prefix starts with.
pub(super) static KNOWN_BY_FIRST: [u64; 256] = {
    assert!(KNOWN.len() <= 64, "KNOWN_BY_FIRST holds 64 entries");
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < KNOWN.len() {
        t[KNOWN[i].0.as_bytes()[0] as usize] |= 1 << i;
        i += 1;
    }
    t
};

/// The end of a SendGrid API key at `i` (`SG.` + 22 + `.` + 43 base64url characters;
/// longer segments are accepted, shorter ones are not a key).
pub(super) fn sendgrid_end(b: &[u8], i: usize) -> Option<usize> {
    let seg = |k: usize| k + b[k..].iter().take_while(|&&c| is_b64url(c)).count();
    let e1 = seg(i + 3);
    if e1 - (i + 3) < 16 || b.get(e1) != Some(&b'.') {
        return None;
    }
    let e2 = seg(e1 + 1);
    (e2 - (e1 + 1) >= 32).then_some(e2)
}

/// The end of a JWT starting at `i` (`eyJ…` `.` `…` `.` `…`).
pub(super) fn jwt_end(b: &[u8], i: usize) -> Option<usize> {
    let seg = |k: usize| {
        let mut j = k;
        while j < b.len() && is_b64url(b[j]) {
            j += 1;
        }
        j
    };
    let e1 = seg(i);
    if e1 - i < 10 || b.get(e1) != Some(&b'.') {
        return None;
    }
    let e2 = seg(e1 + 1);
    if e2 - e1 - 1 < 2 || b.get(e2) != Some(&b'.') {
        return None;
    }
    Some(seg(e2 + 1))
}

/// The end of an IBAN at `i`: two letters, two check digits, 11–30 letters or digits
/// (or groups of four after single spaces), valid by ISO 13616 mod 97.
pub(super) fn iban_end(b: &[u8], i: usize) -> Option<usize> {
    if !(b.len() >= i + 15
        && b[i].is_ascii_uppercase()
        && b[i + 1].is_ascii_uppercase()
        && b[i + 2].is_ascii_digit()
        && b[i + 3].is_ascii_digit())
    {
        return None;
    }
    let mut end = i;
    let mut n = 0;
    let mut rem: u32 = 0;
    let push = |c: u8, rem: &mut u32| {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c.to_ascii_uppercase() - b'A') + 10
        };
        *rem = if v >= 10 {
            (*rem * 100 + v) % 97
        } else {
            (*rem * 10 + v) % 97
        };
    };
    // The BBAN first, then the country and check digits (the standard's rearrangement).
    let mut k = i + 4;
    while k < b.len() && n < 30 {
        if b[k].is_ascii_alphanumeric() {
            if b[k].is_ascii_lowercase() {
                return None;
            }
            push(b[k], &mut rem);
            n += 1;
            k += 1;
            end = k;
        } else if b[k] == b' ' && b.get(k + 1).is_some_and(u8::is_ascii_alphanumeric) && n % 4 == 0
        {
            k += 1;
        } else {
            break;
        }
    }
    if !(11..=30).contains(&n) || b.get(end).is_some_and(|&c| is_word_byte(c)) {
        return None;
    }
    for &c in &b[i..i + 4] {
        push(c, &mut rem);
    }
    (rem == 1).then_some(end)
}

/// Whether `key` names an authorization's approval code (`auth`, PayFort's
/// `authorization_code`, `authCode`, `approval_code`), case and `_`/`-` set aside. (Its
/// value is kept only when [`is_approval_code`] too: an OAuth authorization code has
/// another shape.)
pub(crate) fn is_approval_key(key: &str) -> bool {
    matches!(
        keys::Compact::of(key).as_bytes(),
        b"auth"
            | b"authcode"
            | b"authorizationcode"
            | b"authorisationcode"
            | b"approvalcode"
            | b"authorizationid"
    )
}

/// An authorization's approval code (ISO 8583's element 38, KNET's `auth`): six digits
/// and capitals, a digit among them (`123456`, `B12345`). It grants nothing: a secret
/// under an `auth` key has another shape.
pub(crate) fn is_approval_code(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 6
        && b.iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && b.iter().any(u8::is_ascii_digit)
}

/// The end of a private key in base64 at `i`: a PEM block's `-----BEGIN … PRIVATE KEY`
/// encoded again (`LS0tLS1CRUdJTi…`, as a Kubernetes Secret holds it), or the DER of
/// a PKCS#8 or PKCS#1 private key (`MIIEvQIBADANBgkqhkiG9w0BAQEFAASC…`,
/// `MIIEowIBAAKCAQEA…`, an EC key's `MIGHAgEAMBMGByqGSM49…`), at least 64 base64 bytes.
pub(super) fn base64_private_key_end(b: &[u8], i: usize) -> Option<usize> {
    let len = b[i..]
        .iter()
        .take(64 * 1024)
        .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
        .count();
    let r = &b[i..i + len];
    // (An Ed25519 key's PKCS#8 is 64 base64 bytes; an EC key's SEC1 starts `MHcCAQEE`.)
    let short = r.starts_with(b"MC4CAQAwBQYDK2Vw") || r.starts_with(b"MHcCAQEE");
    if len < if short { 48 } else { 64 } || b.get(i + len).is_some_and(|&c| c == b'_' || c == b'-')
    {
        return None;
    }
    let private = if r.starts_with(b"LS0tLS1CRUdJTi") {
        // The armour's first 48 bytes, decoded: `-----BEGIN … PRIVATE KEY`.
        use base64::Engine as _;
        let mut head = [0u8; 48];
        base64::engine::general_purpose::STANDARD
            .decode_slice(&r[..64], &mut head)
            .is_ok_and(|n| head[..n].windows(11).any(|w| w == b"PRIVATE KEY"))
    } else {
        short
            || [
                &b"IBADANBgkqhkiG9w0BAQEFAAS"[..],
                b"IBAAKCAQEA",
                b"IBAAKCAgEA",
                b"AgEAMBMGByqGSM49",
                // A PKCS#12 bundle (`MIIJzwIBAzCC…`: version 3), which holds a private key.
                b"IBAzCC",
            ]
            .iter()
            .any(|m| r[..r.len().min(40)].windows(m.len()).any(|w| w == *m))
    };
    private.then_some(i + len)
}
