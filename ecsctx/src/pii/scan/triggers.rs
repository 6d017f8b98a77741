//! Trigger words: the few words of prose that may start a finding before a space (`cvv
//! 123`, `password hunter2!`, `Bearer x`, the first word of `security code`), with their
//! flags, looked up with one multiply and one compare per word.

/// Trigger flags of a word: a key that counts in prose before whitespace and a value
/// (`cvv 123`, `PIN 8674`, `password hunter2!`, `passport X1234567`).
pub(super) const PROSE: u8 = 1;

/// The first word of a two-word key (`security code`, `PIN block`, `card number`).
pub(super) const TWO_WORD: u8 = 2;

/// An auth scheme whose bare credential follows (`Bearer x`, `Basic x`).
pub(super) const SCHEME: u8 = 4;

/// `-u`/`--user` of a command line (`curl -u user:pass`); `echo` and `printf` before a pipe
/// (`echo X | sudo -S …`).
pub(super) const USER: u8 = 8;

/// An XML attribute that names an element (`<field name="password">`).
pub(super) const ATTR: u8 = 16;

/// SQL's `IDENTIFIED BY 'password'`.
pub(super) const SQL: u8 = 32;

/// A CVV's key: a 3–4 digit number after it is a CVV, whatever stands between them
/// (`cvv|630`, `[cvv] 730`, `cvv no. 576`, `CVV2/CVC2/CID: 823`).
pub(super) const CVV_WORD: u8 = 64;

/// A PIN's key: a 4–12 digit number (or a 16-digit hex PIN block) after it is a PIN.
pub(super) const PIN_WORD: u8 = 128;

/// A word of at most 8 key bytes, ASCII-lowercased, packed little-endian (no key byte is 0,
/// so the packing is unambiguous): one compare per table entry.
pub(super) const fn pack(w: &[u8]) -> u64 {
    let mut x = 0u64;
    let mut k = 0;
    while k < w.len() {
        x |= ((w[k] | 0x20) as u64) << (8 * k);
        k += 1;
    }
    x
}

/// The trigger words with their flags.
pub(super) const TRIGGER_WORDS: [(&[u8], u8); 61] = [
    (b"cvv", PROSE | TWO_WORD | CVV_WORD),
    (b"cvc", PROSE | TWO_WORD | CVV_WORD),
    (b"cvv2", PROSE | TWO_WORD | CVV_WORD),
    (b"cvc2", PROSE | TWO_WORD | CVV_WORD),
    (b"csc", PROSE | TWO_WORD | CVV_WORD),
    (b"cvn", PROSE | CVV_WORD),
    (b"cvd", PROSE | CVV_WORD),
    (b"pin", PROSE | TWO_WORD | PIN_WORD),
    (b"pin2", PIN_WORD),
    (b"epin", PIN_WORD),
    (b"pinblock", PIN_WORD),
    // ISO 8583 field 52, the PIN block (`bit52 6C63…`).
    (b"bit52", PIN_WORD),
    (b"de52", PIN_WORD),
    (b"f52", PIN_WORD),
    (b"field52", PIN_WORD),
    (b"cvv1", CVV_WORD),
    (b"cvc3", CVV_WORD),
    // American Express's name for its 4-digit code (`CID: 1234`); only a 3–4 digit
    // number after it is taken (`cid=corr-81f2` is a correlation id).
    (b"cid", CVV_WORD),
    (b"password", PROSE),
    (b"passwd", PROSE),
    (b"passcode", PROSE),
    // SQL's `INSERT INTO t (pan, cvv) VALUES ('…', '123')`: values by their columns.
    (b"values", SQL),
    (b"value", SQL),
    // "Password" in other languages, in ASCII (`Passwort Xk9QwZ7p`, `senha: …`).
    (b"passwort", PROSE),
    (b"kennwort", PROSE),
    (b"senha", PROSE),
    (b"salasana", PROSE),
    (b"losenord", PROSE),
    (b"haslo", PROSE),
    (b"secret", PROSE | TWO_WORD),
    (b"token", PROSE),
    (b"pwd", PROSE),
    (b"pw", PROSE),
    (b"otp", PROSE),
    (b"passport", PROSE | TWO_WORD),
    (b"ssn", PROSE),
    (b"id", TWO_WORD | ATTR),
    (b"api", TWO_WORD),
    (b"tax", TWO_WORD),
    (b"card", TWO_WORD),
    (b"auth", TWO_WORD),
    (b"track", TWO_WORD),
    (b"civil", TWO_WORD),
    (b"access", TWO_WORD),
    (b"client", TWO_WORD),
    (b"credit", TWO_WORD),
    (b"social", TWO_WORD),
    (b"session", TWO_WORD),
    (b"private", TWO_WORD),
    (b"refresh", TWO_WORD),
    (b"security", TWO_WORD),
    (b"national", TWO_WORD),
    (b"emirates", TWO_WORD),
    (b"bearer", SCHEME),
    (b"basic", SCHEME),
    (b"u", USER),
    (b"user", USER),
    (b"name", ATTR),
    (b"key", ATTR),
    (b"field", ATTR),
    // A validation error's location (FastAPI's `"loc":["body","password"]`).
    (b"loc", ATTR),
];

/// A perfect-hash table of packed words ([`pack`]) and their flags, `N` slots (a power
/// of two): one multiply and one compare per word looked up. The multiplier is chosen
/// offline so that no two words share a slot; building a table fails to compile if two
/// ever do (then search another multiplier).
pub(super) struct WordTable<const N: usize, const K: u64> {
    slots: [(u64, u8); N],
}

impl<const N: usize, const K: u64> WordTable<N, K> {
    const SHIFT: u32 = 64 - N.trailing_zeros();

    const fn new(words: &[(&[u8], u8)]) -> Self {
        assert!(N.is_power_of_two());
        let mut t = WordTable { slots: [(0, 0); N] };
        let mut w = 0;
        while w < words.len() {
            let x = pack(words[w].0);
            let slot = Self::slot(x);
            assert!(
                t.slots[slot].1 == 0,
                "two words of a trigger table share a slot: choose another multiplier"
            );
            t.slots[slot] = (x, words[w].1);
            w += 1;
        }
        t
    }

    #[inline]
    const fn slot(x: u64) -> usize {
        (x.wrapping_mul(K) >> Self::SHIFT) as usize
    }

    /// The flags of the packed word `x`, or `None` when it is not in the table.
    #[inline]
    fn get(&self, x: u64) -> Option<u8> {
        let (key, flags) = self.slots[Self::slot(x)];
        (key == x).then_some(flags)
    }
}

/// The trigger words by slot (the multiplier chosen for them, 128 slots).
pub(super) static TRIGGERS: WordTable<128, 0xb714_7106_5cd9_f14f> = WordTable::new(&TRIGGER_WORDS);

/// Trigger words of a second table ([`MORE_TRIGGERS`], looked up when [`TRIGGERS`]
/// misses: its multiplier was chosen for the words in it): cryptograms, HSM and
/// symmetric keys in prose, the first words of a password's, a CVV's or an id's name in
/// words (`mot de passe`, `codice di sicurezza`, `TC Kimlik No`), commands that take a
/// credential (`echo`, `login`, `htpasswd`), SQL's `SET` and the database messages read
/// after a space, a JSON Patch's `path`.
pub(super) const MORE_TRIGGER_WORDS: [(&[u8], u8); 36] = [
    // A 3-D Secure cryptogram in prose (`CAVV AAAB…= ECI 05`).
    (b"cavv", PROSE),
    (b"tavv", PROSE),
    // SQL's `UPDATE t SET password = $1 … -- binds: […]`: bind values by their columns.
    (b"set", SQL),
    // Saudi Arabia's residence id (`Iqama Number: …`).
    (b"iqama", TWO_WORD),
    (b"mot", TWO_WORD),
    (b"clave", TWO_WORD),
    (b"kata", TWO_WORD),
    // Italian's `codice di sicurezza` (a card's security code).
    (b"codice", TWO_WORD),
    (b"echo", USER),
    (b"printf", USER),
    // A token or password as a command's argument: `vault login s.…`, `cargo login …`,
    // `htpasswd -b file user X`, `net use \\srv /user:u X`.
    // National ids in prose (`TC Kimlik No: …`, `NIK 3201…`).
    (b"kimlik", TWO_WORD),
    (b"saudi", TWO_WORD),
    // Mastercard's 3-D Secure value in prose (`AAV kAFy…=`).
    (b"aav", PROSE),
    (b"nik", PROSE),
    // `KNET resource key: …` (a gateway's merchant key in prose).
    (b"resource", TWO_WORD),
    (b"login", USER),
    (b"htpasswd", USER),
    (b"use", USER),
    // An HSM's keys in prose (`BDK 0123…`, `ZMK: …`, `MAC key: …`, `clear key: …`,
    // `PVK pair: …`) and Vault's (`Unseal Key 1: …`, `Recovery Key 1: …`).
    (b"bdk", PROSE | TWO_WORD),
    (b"zmk", PROSE | TWO_WORD),
    (b"zpk", PROSE | TWO_WORD),
    (b"tmk", PROSE | TWO_WORD),
    (b"tpk", PROSE | TWO_WORD),
    (b"kek", PROSE | TWO_WORD),
    (b"lmk", PROSE | TWO_WORD),
    (b"mac", TWO_WORD),
    (b"hmac", TWO_WORD),
    (b"clear", TWO_WORD),
    (b"pvk", PROSE | TWO_WORD),
    (b"unseal", TWO_WORD),
    (b"recovery", TWO_WORD),
    // A symmetric key in prose (`AES key: …`, `signing key: …`; `encryption key: …` is
    // in [`LONG_TRIGGER_WORDS`]).
    (b"aes", TWO_WORD),
    (b"signing", TWO_WORD),
    // A database's message that quotes a row or a bind value (`Failing row contains
    // (…)`, `unnamed portal parameter $2 = '…'`; MySQL's `Duplicate entry` is in
    // [`LONG_TRIGGER_WORDS`]).
    (b"failing", SQL),
    (b"unnamed", SQL),
    // A JSON Patch operation's path (`{"op":"replace","path":"/card/cvv","value":…}`).
    (b"path", ATTR),
];

/// [`MORE_TRIGGER_WORDS`] by slot (the multiplier chosen for them, 64 slots): a miss in
/// [`TRIGGERS`] costs one more multiply and compare.
static MORE_TRIGGERS: WordTable<64, 0xb5dd_f77c_6098_91d5> = WordTable::new(&MORE_TRIGGER_WORDS);

/// By length (1 to 12), the first letters of the trigger words of that length (bit
/// `letter - 'a'`): most words of prose are ruled out by one load.
pub(super) static TRIGGER_FIRST: [u32; 13] = {
    let mut t = [0u32; 13];
    let mut k = 0;
    while k < TRIGGER_WORDS.len() {
        let w = TRIGGER_WORDS[k].0;
        t[w.len()] |= 1 << ((w[0] | 0x20) - b'a');
        k += 1;
    }
    let mut k = 0;
    while k < MORE_TRIGGER_WORDS.len() {
        let w = MORE_TRIGGER_WORDS[k].0;
        t[w.len()] |= 1 << ((w[0] | 0x20) - b'a');
        k += 1;
    }
    let mut k = 0;
    while k < LONG_TRIGGER_WORDS.len() {
        let w = LONG_TRIGGER_WORDS[k].0;
        t[w.len()] |= 1 << ((w[0] | 0x20) - b'a');
        k += 1;
    }
    t
};

/// Trigger words longer than a packed word (9 to 12 bytes), compared whole.
pub(super) const LONG_TRIGGER_WORDS: [(&[u8], u8); 13] = [
    // Rust's `assertion `left == right` failed: cvv mismatch` (the values after it).
    (b"assertion", SQL),
    // `encryption key: …` in prose.
    (b"encryption", TWO_WORD),
    // MySQL's `Duplicate entry '…' for key '…'`.
    (b"duplicate", SQL),
    // "Password" in English and other languages (`passphrase`, Dutch, Spanish, Danish).
    (b"passphrase", PROSE),
    (b"wachtwoord", PROSE),
    (b"contrasena", PROSE),
    (b"adgangskode", PROSE),
    // German's PIN (`Ihre Geheimzahl 8674`).
    (b"geheimzahl", PIN_WORD),
    // SQL's `IDENTIFIED BY 'password'`.
    (b"identified", SQL),
    (b"securitycode", PROSE | CVV_WORD),
    // `verification code 374`, `card verification: 374`.
    (b"verification", CVV_WORD),
    // French's name of the CVV (`Cryptogramme visuel : 123`).
    (b"cryptogramme", CVV_WORD),
    // EMV's `application cryptogram …`.
    (b"application", TWO_WORD),
];

/// The trigger flags of the key word `b[i..e]` (0 for most words), case-insensitive.
#[inline]
pub(super) fn triggers(b: &[u8], i: usize, e: usize) -> u8 {
    let n = e - i;
    if n > 12 || TRIGGER_FIRST[n] & (1 << ((b[i] | 0x20).wrapping_sub(b'a') & 31)) == 0 {
        return 0;
    }
    match n {
        1..=8 => {
            // [`pack`] at run time: one 8-byte load where the text has 8 bytes from `i`.
            let x = match b.get(i..i + 8) {
                Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
                // (Near the end of the text.)
                None => crate::memo::le_word(&b[i..e]),
            };
            let live = if n == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            };
            let x = (x | 0x2020_2020_2020_2020) & live;
            TRIGGERS
                .get(x)
                .or_else(|| MORE_TRIGGERS.get(x))
                .unwrap_or(0)
        }
        _ => LONG_TRIGGER_WORDS
            .iter()
            .find(|(w, _)| b[i..e].eq_ignore_ascii_case(w))
            .map_or(0, |&(_, f)| f),
    }
}
