//! Words: what a word of text may start. Most words of prose are passed over before
//! they reach this module ([`Scanner::next_anchor`]); the others are settled inline
//! ([`Scanner::word`]); a trigger word (`triggers.rs`), a word before a separator or a
//! published token's shape goes on to the word rules: credential shapes (`shapes.rs`),
//! command-line passwords (`commands.rs`), SQL (`sql.rs`), a CVV or PIN after its key,
//! keys in other scripts, URLs' userinfo, PEM blocks, emails.

use super::*;

impl<E: Emit> Scanner<'_, '_, E> {
    pub(super) fn email(&mut self, at: usize) -> usize {
        match email_span(self.s, at, self.last) {
            Some((start, end)) => {
                self.put(start, end, Hit::Email);
                end
            }
            None => at + 1,
        }
    }

    /// The password of a DSN's `user:password` before the `@` at `at`.
    pub(super) fn dsn_password(&mut self, at: usize) -> usize {
        let b = self.b;
        let mut start = at;
        while start > self.last
            && at - start < PROBE
            && !matches!(
                b[start - 1],
                b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'=' | b'(' | b','
            )
        {
            start -= 1;
        }
        if let Some(c) = b[start..at].iter().position(|&c| c == b':') {
            let ps = start + c + 1;
            if ps < at {
                self.put(ps, at, Hit::Secret("secret"));
            }
        }
        at + 1
    }

    /// A URL-encoded address (`q=john.doe%40example.com`): tokenized as the address it
    /// encodes, so it matches the same customer's token elsewhere.
    pub(super) fn encoded_email(&mut self, at: usize) -> usize {
        // `%40`, or `%2540` (encoded twice: a URL inside a URL's parameter).
        let twice = self.b[at + 1] == b'2';
        let Some((start, end)) = email_span_sep(self.s, at, self.last, if twice { 5 } else { 3 })
        else {
            return at + 1;
        };
        // Escaped quotes, brackets or spaces around it are not the address's
        // (`q=%22bob%40x.com%22`): its token is the address's own.
        let around = |r: &[u8]| {
            matches!(
                r,
                [b'%', b'2', b'0' | b'2' | b'7' | b'8' | b'9', ..]
                    | [b'%', b'3', b'C' | b'c' | b'E' | b'e', ..]
            )
        };
        let (mut start, mut end) = (start, end);
        while start + 3 < at && around(&self.b[start..]) {
            start += 3;
        }
        while end >= at + 6 && around(&self.b[end - 3..end]) {
            end -= 3;
        }
        let mut decoded = percent_decoded(&self.s[start..end]);
        if twice {
            decoded = percent_decoded(&decoded);
        }
        self.put_as(start, end, Hit::Email, &decoded);
        end
    }

    // === words: keyed forms and credential shapes ===

    /// The word at `i`: a word of prose is settled here, inline; anything that may start
    /// a finding goes on to [`Self::word_rules`].
    #[inline(always)]
    pub(super) fn word(&mut self, i: usize) -> usize {
        let b = self.b;
        // The key run, and (`letters`) where to go on when the word is nothing: past its
        // letters, so digits glued to them are still seen (as an id's digits: never a
        // phone).
        let letters = i + b[i..]
            .iter()
            .position(|&c| CLASS[c as usize] & 4 == 0)
            .unwrap_or(b.len() - i);
        let e = letters
            + b[letters..]
                .iter()
                .position(|&c| CLASS[c as usize] & 2 == 0)
                .unwrap_or(b.len() - letters);
        self.run_end = e;
        // A machine-readable zone of a passport or an identity card (`P<KWTALMUTAIRI<<
        // KHALID<<…`, `K123456784KWT8501011M3001019<<…`): a national id's and a name.
        if b.get(e) == Some(&b'<') {
            if let Some(end) = mrz_line_end(b, i) {
                if i >= self.last {
                    self.put(i, end, Hit::Keyed(Class::NationalId));
                    return end;
                }
            }
        }
        // A key with letters outside ASCII (`contraseña=…`, `hasło: …`).
        if b.get(e).is_some_and(|&c| c >= 0x80) {
            if let Some(end) = self.foreign_key(i) {
                return end;
            }
        }
        // clap's `invalid value 'X' for '--password <PASSWORD>'`: the value before the
        // flag's usage.
        if i >= 3 && &b[i - 3..i] == b"'--" {
            if let Some(end) = self.invalid_flag_value(i, e) {
                return end;
            }
        }
        // A command line's password flag (`mysql -pS3cret`, `sshpass -p S3cret`).
        if i >= 2
            && b[i - 1] == b'-'
            && is_password_letter(b[i])
            && matches!(b[i - 2], b' ' | b'\t')
        {
            if let Some(end) = self.cli_password(i, e) {
                return end;
            }
        }
        // The same flag in an argument list (`exec.Command("mysql", "-pS3cret")`,
        // `["sshpass", "-p", "S3cret", "ssh", …]`).
        if i >= 3
            && b[i - 1] == b'-'
            && matches!(b[i], b'p' | b'a')
            && matches!(b[i - 2], b'"' | b'\'')
        {
            if let Some(end) = self.argv_password(i) {
                return end;
            }
            // A string of arguments that starts with the flag (`Start-Process sshpass
            // -ArgumentList "-p S3cret ssh host"`).
            if b.get(i + 1) == Some(&b' ') {
                if let Some(end) = self.cli_password(i, e) {
                    return end;
                }
            }
        }
        // Letters only and shorter than any published token: before a space, only a
        // trigger word (`Bearer`, a prose key such as `cvv`, the first word of a two-word
        // key) or a key before a separator (`db_password = x`) starts anything; before
        // a byte that cannot follow a key (`,`, `)`, `!`, the end), nothing does.
        // PostgreSQL's `DETAIL:  Failing row contains (42, Khalid, …).`.
        if matches!(b[i], b'F' | b'D') {
            let mut at = i;
            if b[i..].starts_with(b"DETAIL:") {
                at = i
                    + 7
                    + b[i + 7..]
                        .iter()
                        .take(4)
                        .take_while(|&&c| c == b' ')
                        .count();
            }
            if let Some(end) = self.failing_row(at) {
                return end;
            }
            if let Some(end) = self.duplicate_entry(i) {
                return end;
            }
        }
        if b[i] == b'u' {
            if let Some(end) = self.portal_parameter(i) {
                return end;
            }
        }
        // IMAP's `a001 LOGIN user password`.
        if b[i] == b'L' && b[i..].starts_with(b"LOGIN ") {
            if let Some(end) = self.imap_login(i) {
                return end;
            }
        }
        // The word's trigger flags, once (`None`: not looked up yet).
        let mut f = None;
        if letters == e && e - i < 15 && !after_double_dash(b, i) {
            let settled = match b.get(e) {
                // (An identifier, `api_key`/`apiKey`, may be a key before its value.)
                Some(b' ') => {
                    self.is_prose(i, e, *f.insert(triggers(b, i, e)))
                        && !is_identifier(&b[i..e])
                        && !is_dashed(&b[i..e])
                        && !single_dash_flag(b, i)
                }
                // A dotted name (`keyloop.store_id`): only a JWT's first segment, a SendGrid
                // key or an IBAN starts anything before a dot.
                // A path before a separator (`password.new=x`) is a key.
                Some(b'.') => {
                    !self.o.financial
                        && !b[i..].starts_with(b"eyJ")
                        && !b[i..].starts_with(b"SG.")
                        && !matches!(&b[i..e], b"hvs" | b"hvb" | b"hvr")
                        && key_path_end(b, e).is_none()
                }
                Some(b'[') => {
                    key_path_end(b, e).is_none()
                        && *f.insert(triggers(b, i, e)) & (CVV_WORD | PIN_WORD) == 0
                }
                // (`card security code (CSC) 123`: a CVV's key in parentheses.)
                Some(b')') => {
                    !paren_key(b, i, e) && *f.insert(triggers(b, i, e)) & (CVV_WORD | PIN_WORD) == 0
                }
                Some(&c) => {
                    CLASS[c as usize] & 8 == 0
                        && *f.insert(triggers(b, i, e)) & (CVV_WORD | PIN_WORD) == 0
                        && !(c == b',' && opens_tuple(b, i))
                }
                None => true,
            };
            if settled && !is_xml_open(b, i) {
                return letters;
            }
        }
        self.word_rules(i, letters, e, f)
    }

    /// The one-time code that ends the clause after `OTP` (ending at `e`): ` is ` and
    /// four to eight digits, within the sentence (64 bytes, no line break or full stop
    /// before it); where to go on.
    fn code_later_in_sentence(&mut self, e: usize) -> Option<usize> {
        let b = self.b;
        let to = b.len().min(e + 64);
        let mut k = e;
        while k + 4 <= to {
            match b[k] {
                b'\n' | b'\r' => return None,
                b'.' if !b.get(k + 1).is_some_and(|&c| c != b' ') => return None,
                b' ' if b[k..].starts_with(b" is ") => {
                    let vs = k + 4;
                    if let Some(ve) = code_end(b, vs).filter(|_| vs >= self.last) {
                        // (What stands between is scanned on its own: `your OTP for
                        // bob@x.com is 482913`.)
                        self.scan_part(self.last.max(e), vs);
                        self.put(vs, ve, Hit::Keyed(Class::Secret));
                        return Some(ve);
                    }
                }
                _ => {}
            }
            k += 1;
        }
        None
    }

    /// The code after `code` (`i..e`) when an SMS gives it: after `Your` or `Use`, then
    /// `: `, ` is ` or a space, four to eight digits, whole; where to go on.
    fn sms_code(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        let before = &b[i.saturating_sub(5)..i];
        // `Your code`, `Use code`; `Your login code`, `Your Apple ID Code` (up to three
        // words between, in one clause); `MFA code`, `2FA code`, `login code`.
        let from = i.saturating_sub(40);
        let named = find_ci_last(&b[from..i], b"your ").is_some_and(|p| {
            let between = &b[from + p + 5..i];
            // (Not a code that is no secret: `Your zip code is 12345`, `your order code`.)
            let last = between
                .trim_ascii_end()
                .rsplit(|&c| c == b' ')
                .next()
                .unwrap_or_default();
            between
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-'))
                && between.iter().filter(|&&c| c == b' ').count() <= 3
                && ![
                    &b"zip"[..],
                    b"postal",
                    b"post",
                    b"area",
                    b"country",
                    b"currency",
                    b"order",
                    b"tracking",
                    b"booking",
                    b"reference",
                    b"promo",
                    b"coupon",
                    b"discount",
                    b"voucher",
                    b"referral",
                    b"invite",
                    b"product",
                    b"error",
                    b"status",
                    b"response",
                    b"reason",
                    b"branch",
                    b"swift",
                    b"bank",
                    b"sort",
                    b"dial",
                ]
                .iter()
                .any(|w| last.eq_ignore_ascii_case(w))
        });
        let factor = {
            let pe = i.saturating_sub(1);
            let ps = pe
                - b[..pe]
                    .iter()
                    .rev()
                    .take(16)
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count();
            pe > ps
                && b[pe] == b' '
                && [
                    &b"mfa"[..],
                    b"2fa",
                    b"login",
                    b"otp",
                    b"access",
                    b"authentication",
                    b"activation",
                    b"confirmation",
                ]
                .iter()
                .any(|w| b[ps..pe].eq_ignore_ascii_case(w))
        };
        if !(before.eq_ignore_ascii_case(b"your ")
            || before.ends_with(b"Use ")
            || before.ends_with(b"use ")
            || named
            || factor)
        {
            return None;
        }
        let r = &b[e..];
        let skip = if r.starts_with(b": ") {
            2
        } else if r.starts_with(b" is: ") {
            5
        } else if r.starts_with(b" is ") {
            4
        } else if r.starts_with(b" ") {
            1
        } else {
            return None;
        };
        let vs = e + skip;
        let ve = code_end(b, vs).filter(|_| vs >= self.last)?;
        self.put(vs, ve, Hit::Keyed(Class::Secret));
        Some(ve)
    }

    /// A key written as a path from the word `i..e` (`password.new=…`,
    /// `password[current]=…`, `secrets.db=…`, `"cvv.value":"123"`): classified by its
    /// last part, or, when that names nothing and is not about the data (`type`,
    /// `length`), by the first part the masker protects (as a structured path is). The
    /// value masked; where to go on.
    fn key_path(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        let pe = key_path_end(b, e)?;
        let mut parts = self.s[i..pe]
            .split(['.', '[', ']'])
            .filter(|p| !p.is_empty());
        let last = parts.clone().next_back()?;
        let lc = self.e.key_class(last);
        let class = if lc.is_protected() {
            lc
        } else if lc != Class::None || keys::is_credential_metadata(last) {
            return None;
        } else {
            let n = parts.clone().count();
            parts
                .by_ref()
                .take(n - 1)
                .map(|p| self.e.key_class(p))
                .find(|c| c.is_protected())?
        };
        let (vs, ve, resume) = self.keyed_value(i, pe, class)?;
        let digits = b[vs..ve].iter().filter(|c| c.is_ascii_digit()).count();
        if class == Class::Card && digits < 8 {
            return None;
        }
        self.run_end = pe;
        // (The path is text too: `cards[4111111111111111][cvv]=123`.)
        self.scan_part(self.last.max(e), vs);
        self.put(vs, ve, Hit::Keyed(class));
        Some(resume)
    }

    /// Whether the word `i..e` before a space is prose: not a trigger word (flags `f`:
    /// `Bearer`, a prose key such as `cvv`, the first word of a two-word key), no
    /// separator after the spaces (`db_password = x`), not an IBAN's first group.
    #[inline]
    pub(super) fn is_prose(&self, i: usize, e: usize, f: u8) -> bool {
        f & (PROSE | TWO_WORD | SCHEME | USER | SQL | CVV_WORD | PIN_WORD) == 0
            && !separator_after_spaces(self.b, e)
            && !(self.o.financial && e - i == 4)
    }

    /// The rules a word may start ([`Self::word_forms`]); after a CVV's or a PIN's key
    /// that none of them took, the number that follows it ([`Self::number_after_key`]).
    #[inline(never)]
    pub(super) fn word_rules(
        &mut self,
        i: usize,
        letters: usize,
        e: usize,
        f: Option<u8>,
    ) -> usize {
        let f = f.unwrap_or_else(|| triggers(self.b, i, e));
        // SQL's `cvv IN ('123', '456')`.
        if self.b.get(e) == Some(&b' ')
            && self
                .b
                .get(e + 1..e + 5)
                .is_some_and(|r| r.eq_ignore_ascii_case(b"IN ("))
        {
            if let Some(end) = self.sql_in_list(i, e) {
                return end;
            }
        }
        let last = self.last;
        let next = self.word_forms(i, letters, e, f);
        if next == letters && self.last == last && f & (CVV_WORD | PIN_WORD) != 0 {
            if let Some(end) = self.number_after_key(i, e, f & CVV_WORD != 0) {
                return end;
            }
        }
        // An SMS's one-time code named before it in the sentence (`your OTP for KNET
        // payment of KWD 10.000 is 482913.`).
        if next == letters && self.last == last && self.b[i..e].eq_ignore_ascii_case(b"otp") {
            if let Some(end) = self.code_later_in_sentence(e) {
                return end;
            }
        }
        // `Your code: 482913`, `Use code 482913 to verify`: a code the SMS gives.
        if next == letters && self.last == last && self.b[i..e].eq_ignore_ascii_case(b"code") {
            if let Some(end) = self.sms_code(i, e) {
                return end;
            }
        }
        next
    }

    /// A credential's key in another script, or with letters outside ASCII
    /// ([`keys::FOREIGN_KEYS`]: `パスワード`, `пароль`, `contraseña`, `كلمة المرور`), at
    /// `i` before its value: the value masked as a credential's; where to go on.
    #[inline(never)]
    pub(super) fn foreign_key(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        let r = &b[i..];
        let &(key, class) = keys::FOREIGN_KEYS
            .iter()
            .find(|(k, _)| r.starts_with(k.as_bytes()))?;
        // Words that qualify the key before its value (Arabic's "yours", "one-time", "of
        // the card": `رمز التحقق الخاص بك هو 482913`, `الرقم السري للبطاقة: 1234`).
        let n = key.len()
            + ARABIC_QUALIFIERS
                .iter()
                .find(|q| b[i + key.len()..].starts_with(q.as_bytes()))
                .map_or(0, |q| q.len());
        // Digits glued to a password's or a code's key (`【XX银行】验证码836152`, `密码123456`).
        if class == Class::Secret && i + n >= self.last {
            if let Some(pe) = digit_password_end(b, i + n, 4) {
                self.put(i + n, pe, Hit::Keyed(Class::Secret));
                return Some(pe);
            }
        }
        // A code or PIN glued to its CJK key, or after a particle glued to it
        // (`安全码123`, `暗証番号は1234です`).
        if class != Class::Secret && i + n >= self.last && key.as_bytes()[0] >= 0xe3 {
            let p = PARTICLES
                .iter()
                .find(|p| b[i + n..].starts_with(p.as_bytes()))
                .map_or(0, |p| p.len());
            let vs = i + n + p;
            let vs = vs
                + if p > 0 {
                    b[vs..].iter().take(2).take_while(|&&c| c == b' ').count()
                } else {
                    0
                };
            let (lo, hi) = if class == Class::Cvv { (3, 4) } else { (4, 12) };
            let d = b[vs..]
                .iter()
                .take(hi + 1)
                .take_while(|c| c.is_ascii_digit())
                .count();
            if (lo..=hi).contains(&d) && !b.get(vs + d).is_some_and(u8::is_ascii_alphanumeric) {
                self.put(vs, vs + d, Hit::Keyed(class));
                return Some(vs + d);
            }
        }
        // A whole word: no letter glued after it.
        if b.get(i + n).is_some_and(|&c| c.is_ascii_alphanumeric()) || i + n < self.last {
            return None;
        }
        // A national id's or a card's key: its value as a keyed form's (`رقم الهوية:
        // 1012345678`, `{"رقم_البطاقة":"4111…"}`).
        if class == Class::Card {
            let (vs, ve, resume) = self.keyed_value(i, i + n, class)?;
            let v = &self.s[vs..ve];
            if v.chars().filter(|&c| is_decimal_digit(c)).count() < 8 {
                return None;
            }
            // (What stands between is text too: `رقم البطاقة (bob@example.com): …`.)
            self.scan_part(self.last.max(i + n), vs);
            self.put(vs, ve, Hit::Keyed(class));
            return Some(resume);
        }
        if class == Class::NationalId {
            let (vs, ve, resume) = self.keyed_value(i, i + n, class)?;
            self.scan_part(self.last.max(i + n), vs);
            self.put(vs, ve, Hit::Keyed(class));
            return Some(resume);
        }
        // A PIN's or a security code's key: the number after it.
        if class != Class::Secret {
            return self.number_after_key(i, i + n, class == Class::Cvv);
        }
        // A copula after the key, or a particle glued to it (`contraseña es X`, `пароль
        // был X`, `パスワードは X`): the value after it.
        let r = &b[i + n..];
        let (copula, particle) = match PARTICLES.iter().find(|p| r.starts_with(p.as_bytes())) {
            Some(p) => (p.len(), true),
            None if r.first() == Some(&b' ') => match copula_len(&r[1..]) {
                0 => (0, false),
                m => (1 + m, false),
            },
            None => (0, false),
        };
        // A particle with the value glued to it (`パスワードはXk9QwZ7pです`): its ASCII run.
        let ke = i + n + copula;
        if particle && b.get(ke).is_some_and(u8::is_ascii_alphanumeric) {
            let ve = ke
                + b[ke..]
                    .iter()
                    .take(PROBE)
                    .take_while(|&&c| c.is_ascii_graphic() && !matches!(c, b'"' | b'\''))
                    .count();
            // (A payment password of digits: `支付密码为123456`.)
            let ve = match digit_password_end(b, ke, 4) {
                Some(pe) => pe,
                None if looks_like_credential(&b[ke..ve]) => ve,
                None => return None,
            };
            if ke < self.last {
                return None;
            }
            self.put(ke, ve, Hit::Keyed(Class::Secret));
            return Some(ve);
        }
        let Some((vs, ve, resume)) = self.keyed_value(i, ke, Class::Secret) else {
            // A password of digits after a copula or particle and a space (`密码是
            // 123456`, `كلمة المرور هي 482913`), or after the key alone when it has six
            // or more (`şifreniz 482913`).
            let vs = ke + b[ke..].iter().take(4).take_while(|&&c| c == b' ').count();
            let fewest = if copula == 0 { 6 } else { 4 };
            let ve = digit_password_end(b, vs, fewest).filter(|_| vs > ke && vs >= self.last)?;
            self.put(vs, ve, Hit::Keyed(Class::Secret));
            return Some(ve);
        };
        // After a separator, or a value with a credential's shape in ASCII after a space,
        // a tab, `is` or a copula (`パスワード Xk9QwZ7p`; `Şifre yanlış`, `şifre
        // değiştirildi` are prose); never a word of the key's own script (`пароль:
        // неверный` is a status; a password is rarely written so).
        let separated = copula == 0
            && b[i + n..vs]
                .iter()
                .any(|&c| matches!(c, b':' | b'=' | b'"' | b'\'' | b'>') || c >= 0x80);
        let v = &b[vs..ve];
        let credential =
            prose_credential(v) || (copula > 0 && digit_password_end(b, vs, 4) == Some(ve));
        if !(separated || credential) || b.get(vs).is_some_and(|&c| c >= 0x80) {
            return None;
        }
        // What stands between the key and its value (an element's attributes) is text
        // too: the main loop will not come back to it.
        self.scan_name(i + n, vs);
        self.put(vs, ve, Hit::Keyed(Class::Secret));
        Some(resume)
    }

    /// The value clap's error names before the usage of a sensitive flag whose name is
    /// `i..e` (`error: invalid value 'Hunter2!' for '--password <PASSWORD>': …`): masked
    /// as the flag's key; where to go on (past the usage's closing quote).
    #[inline(never)]
    pub(super) fn invalid_flag_value(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        let before = &b[..i - 3];
        if !before.ends_with(b"' for ") {
            return None;
        }
        let ve = before.len() - 6;
        let opening = find_back(&b[..ve], b"value '", PROBE)?;
        let vs = opening + 7;
        let class = self.e.key_class(&self.s[i..e]);
        if !class.is_protected() || vs < self.last || vs >= ve {
            return None;
        }
        // The usage's end: its closing quote (`'--password <PASSWORD>'`).
        let end = e + b[e..].iter().take(64).position(|&c| c == b'\'')? + 1;
        self.put(vs, ve, Hit::Keyed(class));
        Some(end)
    }

    /// A CVV (`cvv`: 3–4 digits) or a PIN (4–12 digits, or a 16-digit hex PIN block)
    /// after its key word that ends at `ke`, past any separators, brackets, quotes,
    /// Unicode spaces and filler words between them (`cvv|630`, `[cvv] 730`, `cvv no.
    /// 576`, `cvv\n239`, `CVV2/CVC2/CID: 823`, `pinblock F1F9…`): masked, and where to go on.
    #[inline(never)]
    pub(super) fn number_after_key(&mut self, ks: usize, ke: usize, cvv: bool) -> Option<usize> {
        let b = self.b;
        let n = b.len();
        // A path's segment (`POST /cvv 200`) is no key; nor a table's header cell
        // (`phone,pin\n…`: the next line is a row, read by its columns).
        if ks > 0 && b[ks - 1] == b'/' {
            // A route's next segment, when it has the number's shape (`/cards/tok_1/pin/
            // 4321`, `path="/v1/pin/1234"`); not a count (`/pin/attempts/3`).
            let vs = ke + 1;
            if b.get(ke) != Some(&b'/') || vs < self.last {
                return None;
            }
            let d = b[vs..]
                .iter()
                .take(13)
                .take_while(|c| c.is_ascii_digit())
                .count();
            let (lo, hi) = if cvv { (3, 4) } else { (4, 12) };
            let whole = matches!(
                b.get(vs + d),
                None | Some(b'/' | b'?' | b' ' | b'"' | b'\'' | b'#' | b'\n')
            );
            if !(lo..=hi).contains(&d) || !whole {
                return None;
            }
            let class = if cvv { Class::Cvv } else { Class::Sad };
            self.put(vs, vs + d, Hit::Keyed(class));
            return Some(vs + d);
        }
        if header_cell(b, ks, ke) {
            return None;
        }
        // Two keys that are too often something else need more: `cid` a separator that is
        // not a space (`CID: 1234`, `cid=1234`; not `cid 1234 completed`, a cell's `CID
        // 4711`); `verification` a word that names a code or a card before it
        // (`verification code 374`, `cardholder verification 471`; not `verification 404`).
        let key = &b[ks..ke];
        let cid = key.eq_ignore_ascii_case(b"cid");
        let before = &b[..ks];
        let verification = key.eq_ignore_ascii_case(b"verification")
            && ![&b"card "[..], b"cardholder "].iter().any(|w| {
                before.len() >= w.len() && before[before.len() - w.len()..].eq_ignore_ascii_case(w)
            });
        let (mut separated, mut named, mut after_card) = (false, false, false);
        let mut j = ke;
        for _ in 0..5 {
            while j < n && j - ke < 32 {
                let r = &b[j..];
                let w = match r[0] {
                    b' ' | b'\t' | b'\n' | b'\r' | b':' | b'=' | b'|' | b',' | b';' | b'~'
                    | b'<' | b'>' | b'-' | b'[' | b']' | b'(' | b')' | b'{' | b'#' | b'.'
                    | b'"' | b'\'' | b'/' | b'*' | b'\\' => 1,
                    _ if wide_space(r) > 0 => wide_space(r),
                    _ if r.starts_with("：".as_bytes()) || r.starts_with("＝".as_bytes()) => 3,
                    b'&' if r.starts_with(b"&#61;") || r.starts_with(b"&#58;") => 5,
                    b'%' if r.len() >= 3
                        && matches!(
                            &r[1..3],
                            b"3D" | b"3d" | b"3A" | b"3a" | b"20" | b"22" | b"5D" | b"5d"
                        ) =>
                    {
                        3
                    }
                    _ => 0,
                };
                if w == 0 {
                    break;
                }
                let sep = !matches!(r[0], b' ' | b'\t' | b'\n' | b'\r');
                separated |= sep;
                after_card &= !sep;
                j += w;
            }
            // A copula (`الرقم السري هو 8674`, `código de seguridad es 837`).
            let m = copula_len(&b[j..]);
            if m > 0 {
                j += m;
                after_card = false;
                continue;
            }
            // Whose it is, in Arabic (`رمز CVV الخاص بك هو 123`: "your CVV code is").
            if let Some(q) = ARABIC_QUALIFIERS
                .iter()
                .find(|q| j > ke && b[j - 1..].starts_with(q.as_bytes()))
            {
                j += q.len() - 1;
                continue;
            }
            // A filler word, or another name of a CVV or PIN (`/CVC2/CID:`: the trigger
            // table's).
            let ws = j;
            while j < n && j - ws < 12 && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
            let w = &b[ws..j];
            // (A number is no filler word: most values leave here.)
            let filler = (!w.is_empty() && w[0].is_ascii_alphabetic())
                .then(|| {
                    FILLERS
                        .iter()
                        .find(|(f, _)| w.eq_ignore_ascii_case(f.as_bytes()))
                })
                .flatten();
            let other_name = !w.is_empty()
                && w[0].is_ascii_alphabetic()
                && triggers(b, ws, j) & (CVV_WORD | PIN_WORD) != 0;
            if filler.is_none() && !other_name {
                j = ws;
                break;
            }
            named |= filler.is_some_and(|&(_, names_a_code)| names_a_code);
            after_card = w.eq_ignore_ascii_case(b"card");
        }
        // (A number right after `card` is the card's: `CVV for card 4242 failed`.)
        if j == ke || j < self.last || (cid && !separated) || (verification && !named) || after_card
        {
            return None;
        }
        // A PIN block after `0x` (`pinblock 0x8415…`).
        let vs = if cvv { j } else { past_hex_prefix(b, j) };
        let digits = b[vs..]
            .iter()
            .take(20)
            .take_while(|c| c.is_ascii_digit())
            .count();
        let hex = if cvv {
            0
        } else {
            b[vs..]
                .iter()
                .take(17)
                .take_while(|c| c.is_ascii_hexdigit())
                .count()
        };
        let (lo, hi) = if cvv { (3, 4) } else { (4, 12) };
        // Digits of another script (`الرقم السري: ١٢٣٤`, `CVV ۱۲۳`, full-width `１２３`).
        if digits == 0 && b.get(vs).is_some_and(|&c| c >= 0x80) {
            let (count, bytes) = self.s[vs..]
                .chars()
                .take(hi + 1)
                .take_while(|&c| is_decimal_digit(c))
                .fold((0, 0), |(n, l), c| (n + 1, l + c.len_utf8()));
            let ve = vs + bytes;
            if (lo..=hi).contains(&count)
                && !self.s[ve..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                self.put(
                    vs,
                    ve,
                    Hit::Keyed(if cvv { Class::Cvv } else { Class::Sad }),
                );
                return Some(ve);
            }
            return None;
        }
        // A one-time code named "verification code" (`Your verification code is 482913`):
        // five to eight digits, a credential (a card's code has three or four).
        if verification
            && (5..=8).contains(&digits)
            && !b
                .get(vs + digits)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.put(vs, vs + digits, Hit::Keyed(Class::Secret));
            return Some(vs + digits);
        }
        let (ve, ok) = if hex == 16 && digits < 16 {
            (vs + 16, true)
        } else if let Some(ve) = (digits == 1)
            .then(|| spelled_digits_end(b, vs, lo, hi))
            .flatten()
        {
            // `cvv 4 5 6`: a number spelled out a digit at a time.
            (ve, true)
        } else if let Some(ve) = (!cvv).then(|| split_pin_block(b, vs, hex)).flatten() {
            (ve, true)
        } else {
            (vs + digits, (lo..=hi).contains(&digits))
        };
        // A whole number: not the start of a word, a decimal, a time or a longer number.
        let glued = b
            .get(ve)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
            || (matches!(b.get(ve), Some(b'.' | b',' | b':' | b'/' | b'-'))
                && b.get(ve + 1).is_some_and(u8::is_ascii_digit));
        if !ok || glued || before_unit(b, ve) {
            return None;
        }
        let class = if cvv { Class::Cvv } else { Class::Sad };
        self.put(vs, ve, Hit::Keyed(class));
        // A PIN's change (`PIN change: old 1234 new 5678`): the new one too.
        if !cvv {
            if let Some(r) = b
                .get(ve..ve + 5)
                .filter(|r| r.eq_ignore_ascii_case(b" new "))
            {
                let ns = ve + r.len();
                let nd = b[ns..]
                    .iter()
                    .take(13)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                if (lo..=hi).contains(&nd)
                    && !b.get(ns + nd).is_some_and(|&c| c.is_ascii_alphanumeric())
                {
                    self.put(ns, ns + nd, Hit::Keyed(class));
                    return Some(ns + nd);
                }
            }
        }
        Some(ve)
    }

    /// The forms a word may start: a CVV or PIN glued to its key, published token shapes,
    /// JWTs, IBANs, auth schemes, command-line users, named XML elements, keyed values.
    pub(super) fn word_forms(&mut self, i: usize, letters: usize, e: usize, f: u8) -> usize {
        let b = self.b;
        let w = &self.s[i..e];
        // A segment of a Rust path (`pay_api::pin::verify`, `auth::login::{{closure}}` in
        // a backtrace), never a key.
        if is_path_segment(b, i, e) {
            return letters;
        }
        // A key's path (`password.new=…`, `password[current]=…`, `"cvv.value":"123"`).
        if matches!(b.get(e), Some(b'.' | b'[')) {
            if let Some(end) = self.key_path(i, e) {
                return end;
            }
        }
        // `cvv123`, `CVV-123`, `cvv2-837`, `pin_8674`, `MPIN_8674`: a CVV or PIN glued to
        // its key.
        if letters < e && letters - i <= 5 {
            let stem = self.s[i..letters].trim_end_matches(['-', '_']);
            let mut ds = letters;
            // (`cvv2-837`, `cv2-837`: the `2` of the key's name, before a separator.)
            let two = ["cvv", "cvc", "cv"]
                .iter()
                .any(|k| stem.eq_ignore_ascii_case(k))
                && b.get(ds) == Some(&b'2')
                && matches!(b.get(ds + 1), Some(b'-' | b'_' | b'#'));
            ds += usize::from(two);
            while ds < e && matches!(b[ds], b'-' | b'_' | b'#') {
                ds += 1;
            }
            let digits = e - ds;
            let all_digits = b[ds..e].iter().all(u8::is_ascii_digit);
            let is = |k: &[&str]| k.iter().any(|k| stem.eq_ignore_ascii_case(k));
            // (Not `cid-4711`, a cell's or a connection's id, nor `otp-2024`, Erlang/OTP.)
            let class = if is(&["cvv", "cvc", "csc"]) || (two && is(&["cv"])) {
                matches!(digits, 3 | 4).then_some(Class::Cvv)
            } else if is(&["pin", "mpin"]) {
                (4..=12).contains(&digits).then_some(Class::Sad)
            } else {
                None
            };
            if let Some(class) = class.filter(|_| all_digits) {
                self.put(ds, e, Hit::Keyed(class));
                return e;
            }
        }
        // A word of prose before a space (most words): only a published token, a trigger
        // word (`Bearer`, a prose key such as `cvv`, the first word of a two-word key) or
        // a key before a separator (`db_password = x`) can start anything.
        if b.get(e) == Some(&b' ')
            && w.len() < 15
            && self.is_prose(i, e, f)
            && !is_identifier(w.as_bytes())
            && !is_dashed(w.as_bytes())
            && !is_xml_open(b, i)
            && !after_double_dash(b, i)
            && !single_dash_flag(b, i)
        {
            return letters;
        }
        // PowerShell's `ConvertTo-SecureString "X" -AsPlainText`: the text it converts.
        if w.len() == 22 && w.eq_ignore_ascii_case("ConvertTo-SecureString") {
            let mut k = e;
            if b.get(k..k + 8)
                .is_some_and(|r| r.eq_ignore_ascii_case(b" -String"))
            {
                k += 8;
            }
            if let Some((vs, ve)) = self.next_token(k) {
                let v = &self.s[vs..ve];
                if vs >= self.last && !v.starts_with(['$', '(', '-']) && !is_no_value(v) {
                    self.put(vs, ve, Hit::Secret("secret"));
                    return ve;
                }
            }
        }
        // A published shape after a dash inside a longer key run (`auth-xoxb-…`,
        // `_auth-xoxb-…`): a word starts there.
        if w.len() >= 15 && w[1..].contains('-') && !is_known_secret(w) {
            if let Some((k, _)) = w
                .match_indices('-')
                .find(|&(k, _)| is_known_secret(&w[k + 1..]))
            {
                if i + k + 1 >= self.last {
                    self.put(i + k + 1, e, Hit::Secret("secret"));
                    return e;
                }
            }
        }
        // SMTP's `AUTH LOGIN`: the server's `334 UGFzc3dvcmQ6` ("Password:" in base64),
        // then the client's line: the password in base64.
        if w == "UGFzc3dvcmQ6" && b.get(e) == Some(&b'\n') {
            let mut k = e + 1;
            // (A transcript's prefix: `>> `, `C: `.)
            for p in [&b">> "[..], b"> ", b"C: "] {
                if b[k..].starts_with(p) {
                    k += p.len();
                    break;
                }
            }
            let ve = k + b[k..]
                .iter()
                .take(PROBE)
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
                .count();
            if ve > k && k >= self.last {
                self.put(k, ve, Hit::Secret("secret"));
                return ve;
            }
        }
        // Firebase Cloud Messaging's legacy server key (`AAAAx1y2z3w:APA91b…`).
        if w.len() == 11
            && w.starts_with("AAAA")
            && b.get(e) == Some(&b':')
            && b[e + 1..].starts_with(b"APA91b")
            && i >= self.last
        {
            let end = bare_end_within(b, e + 1, PROBE * 2);
            self.put(i, end, Hit::Secret("secret"));
            return end;
        }
        // Credentials by their published shapes (`sk_live_…`, `AKIA…`, `ghp_…`, `xoxb-…`).
        if w.len() >= 15 && is_known_secret(w) {
            self.put(i, e, Hit::Secret("secret"));
            // `AKIA…:wJalr…`: an access key id and its secret, joined.
            if b.get(e) == Some(&b':') {
                let se = bare_end_within(b, e + 1, PROBE);
                if looks_like_credential(&b[e + 1..se]) {
                    self.put(e + 1, se, Hit::Secret("secret"));
                    return se;
                }
            }
            return e;
        }
        // A private key in base64 without its PEM armour: a PEM block encoded again (a
        // Kubernetes Secret's `tls.key: LS0tLS1CRUdJTi…`), or its DER (`MIIEvQIBADAN…`).
        if w.starts_with("LS0tLS1CRUdJTi")
            || w.starts_with("MII")
            || w.starts_with("MIG")
            || w.starts_with("MHcCAQEE")
            || w.starts_with("MC4CAQAwBQYDK2Vw")
        {
            if let Some(end) = base64_private_key_end(b, i) {
                self.put(i, end, Hit::Secret("pem_key"));
                return end;
            }
        }
        // Most words are prose: only a word before a separator, a quote, a dot (JWTs),
        // whitespace (`cvv 123`, `security code`, `Bearer x`), a bracket, or an XML name,
        // an IBAN or a token can start a finding.
        let iban = self.o.financial && e - i >= 15 && b[i + 2].is_ascii_digit();
        let next = b.get(e).copied();
        let may_follow = next.is_some_and(|c| CLASS[c as usize] & 8 != 0)
            || (next == Some(b')') && paren_key(b, i, e))
            || (next == Some(b',') && opens_tuple(b, i));
        if !may_follow && !iban && !is_xml_open(b, i) {
            return letters;
        }
        if (w == "ptok" || w == "penc") && next == Some(b':') {
            // A well-formed token or ciphertext stays; anything else is text.
            if let Some(n) = protected_len(&self.s[i..]) {
                return i + n;
            }
            return e;
        }
        // A SendGrid API key: `SG.` and two base64url segments (22 and 43 characters).
        if w == "SG" && next == Some(b'.') {
            if let Some(end) = sendgrid_end(b, i) {
                self.put(i, end, Hit::Secret("secret"));
                return end;
            }
        }
        // A Vault token (`hvs.…`, `hvb.…`, `hvr.…`), a Google OAuth access token (`ya29.…`).
        if next == Some(b'.') && matches!(w, "hvs" | "hvb" | "hvr" | "ya29") {
            if let Some(end) = dotted_token_end(b, e + 1, w == "ya29") {
                self.put(i, end, Hit::Secret("secret"));
                return end;
            }
        }
        if w.starts_with("eyJ") {
            if let Some(end) = jwt_end(b, i) {
                self.put(i, end, Hit::Secret("jwt"));
                return end;
            }
            if let Some(end) = self.base64_document(i) {
                return end;
            }
        }
        // Rust's failed `assert_eq!`/`assert_ne!` whose message names a sensitive key
        // (`assertion `left == right` failed: cvv mismatch\n  left: "123"\n right: …`).
        if w == "assertion" {
            if let Some(end) = self.assertion_values(e) {
                return end;
            }
        }
        // A value its key says is base64 (`payload_b64=…`, `"track_base64":"…"`, `request
        // body (base64): …`), and an API Gateway event's body when it says so (`"body":
        // "…","isBase64Encoded":true`): decoded and scanned as a document is.
        let b64_key = w.len() >= 3
            && (w.as_bytes()[w.len() - 3..].eq_ignore_ascii_case(b"b64")
                || (w.len() >= 6 && w.as_bytes()[w.len() - 6..].eq_ignore_ascii_case(b"base64")));
        let gateway_body = w == "body" && next == Some(b'"') && {
            let to = b.len().min(e + 4096);
            find(&b[..to], e, b"\"isBase64Encoded\":true").is_some()
        };
        if b64_key || gateway_body {
            let mut vs = e;
            while vs < b.len() && vs - e < 6 && matches!(b[vs], b'=' | b':' | b'"' | b' ' | b')') {
                vs += 1;
            }
            if vs > e {
                if let Some(end) = self.base64_document(vs) {
                    return end;
                }
            }
        }
        if self.o.financial && w.len() >= 4 && b[i].is_ascii_uppercase() {
            if let Some(end) = iban_end(b, i) {
                self.put(i, end, Hit::Iban);
                return end;
            }
        }
        if f & SCHEME != 0 {
            // `basic auth admin:pw` (a `user:password` pair in prose): the password.
            if w.eq_ignore_ascii_case("basic")
                && b[e..].len() > 6
                && b[e..e + 6].eq_ignore_ascii_case(b" auth ")
            {
                if let Some((vs, ve)) = self.next_token(e + 5) {
                    if let Some(c) = b[vs..ve].iter().position(|&c| c == b':') {
                        if vs + c + 1 < ve
                            && vs >= self.last
                            && !b[vs..vs + c].contains(&b'/')
                            && !b[vs + c + 1..].starts_with(b"//")
                        {
                            self.scan_part(vs, vs + c);
                            self.put(vs + c + 1, ve, Hit::Secret("secret"));
                            return ve;
                        }
                    }
                }
            }
            if let Some((cs, ce)) = self.bare_credential(e) {
                self.put(cs, ce, Hit::Secret("secret"));
                return ce;
            }
        }
        // `CREATE USER app IDENTIFIED BY 'pw'` (and `IDENTIFIED WITH plugin BY 'pw'`).
        if f & SQL != 0 {
            // (MySQL also writes `VALUE (…)`.)
            if w.eq_ignore_ascii_case("values") || w.eq_ignore_ascii_case("value") {
                if let Some(end) = self.sql_values(i, e) {
                    return end;
                }
                if let Some(end) = self.value_for_parameter(e) {
                    return end;
                }
            } else if w.eq_ignore_ascii_case("set") {
                if let Some(end) = self.sql_set(i, e) {
                    return end;
                }
            } else if let Some((vs, ve)) = sql_password(b, e) {
                // (What stands between is text: `IDENTIFIED WITH … BY`.)
                self.scan_part(self.last.max(e), vs);
                self.put(vs, ve, Hit::Secret("secret"));
                // MySQL's `… IDENTIFIED BY 'new' REPLACE 'old'`: the old one too.
                if let Some((os, oe)) = replaced_password(b, ve + 1) {
                    self.put(os, oe, Hit::Secret("secret"));
                    return oe + 1;
                }
                return ve + 1;
            }
        }
        // MySQL's `SET PASSWORD FOR 'app'@'%' = 'pw'`.
        if f & PROSE != 0
            && w.eq_ignore_ascii_case("password")
            && b.get(e..e + 5)
                .is_some_and(|r| r.eq_ignore_ascii_case(b" for "))
        {
            if let Some((vs, ve)) = set_password_for(b, e + 5) {
                self.scan_part(self.last.max(e), vs);
                self.put(vs, ve, Hit::Secret("secret"));
                return ve + 1;
            }
        }
        // `echo X | sudo -S …`, `printf '%s' X | docker login --password-stdin`.
        if f & USER != 0 && (w == "echo" || w == "printf") {
            if let Some((vs, ve)) = piped_password(b, w.as_bytes(), e) {
                self.scan_part(self.last.max(e), vs);
                self.put(vs, ve, Hit::Secret("secret"));
                return ve;
            }
        }
        // `vault login s.…`, `cargo login cio_…`, `htpasswd -b file user X`, `net use
        // \\srv\share /user:admin X`: a credential as a command's argument.
        if f & USER != 0 && matches!(w, "login" | "htpasswd" | "use") {
            if let Some((vs, ve)) = command_credential(b, i, e) {
                if vs >= self.last {
                    self.scan_part(self.last.max(e), vs);
                    self.put(vs, ve, Hit::Secret("secret"));
                    return ve;
                }
            }
        }
        // `aws ssm put-parameter --name /prod/pay/db_password --value X`: a value named
        // by the `--name` before it in the same command.
        if w == "value" && after_double_dash(b, i) && next == Some(b' ') {
            if let Some(end) = self.named_flag_value(i, e) {
                return end;
            }
        }
        // Azure's storage keys (`{"keyName": "key1", …, "value": "…"}`): the key itself.
        if w == "keyName" && matches!(next, Some(b'"' | b'\'')) {
            let to = (e + PROBE).min(b.len());
            if let Some(v) = first_value_member(b, e, to) {
                if let Some(&q @ (b'"' | b'\'')) = b.get(v) {
                    let vs = v + 1;
                    if let Some(len) = b[vs..].iter().take(PROBE).position(|&c| c == q) {
                        if len > 0 && vs >= self.last {
                            // The key's name (`"key1"`) is no secret: written as it is,
                            // and what follows it is scanned.
                            let named = member_value(b, i, w.len())
                                .filter(|&k| matches!(b.get(k), Some(b'"' | b'\'')))
                                .and_then(|k| {
                                    let len =
                                        b[k + 1..].iter().take(64).position(|&c| c == b[k])?;
                                    Some(k + 2 + len)
                                })
                                .filter(|&ne| ne <= vs && self.last <= i);
                            if let Some(ne) = named {
                                self.out.push_str(&self.s[self.last..ne]);
                                self.last = ne;
                                self.scan_name(ne, vs);
                            } else {
                                self.scan_name(i, vs);
                            }
                            self.put(vs, vs + len, Hit::Keyed(Class::Secret));
                            return vs + len;
                        }
                    }
                }
            }
        }
        // `curl -u user:pass`, `--user user:pass`: the password after the colon.
        if f & USER != 0
            && ((w == "u"
                && i >= 1
                && b[i - 1] == b'-'
                && (i == 1 || matches!(b[i - 2], b' ' | b'"')))
                || (w == "user" && after_double_dash(b, i)))
        {
            // (A quoted argument list, Rust's `Command` `Debug`: `"curl" "-u" "m:X"`.)
            let quoted = (i + 2)
                .checked_sub(4 + usize::from(w == "user"))
                .is_some_and(|q| b[q] == b'"');
            let from = if quoted && b.get(e) == Some(&b'"') {
                e + 1
            } else {
                e
            };
            if let Some((vs, ve)) = self.next_token(from) {
                if let Some(c) = b[vs..ve].iter().position(|&c| c == b':') {
                    if vs + c + 1 < ve {
                        // The user is text like any other (a card number, an address).
                        self.scan_part(vs, vs + c);
                        self.put(vs + c + 1, ve, Hit::Secret("secret"));
                        return ve;
                    }
                }
            }
        }
        // `<field name="password">x</field>`, `<param name="cvv" value="123"/>`: an element
        // named by an attribute.
        if f & ATTR != 0
            && one_of(w.as_bytes(), &[b"name", b"key", b"field", b"id"])
            && (b[e..].starts_with(b"=\"") || b[e..].starts_with(b"='"))
        {
            // A part of a `multipart/form-data` body (`Content-Disposition: form-data;
            // name="cvv"`, a blank line, then the value): the field's name is kept.
            if w == "name" && b[..i].ends_with(b"form-data; ") {
                if let Some(found) = self.multipart_field(e + 2) {
                    return found;
                }
            }
            if let Some(found) = self.named_element(e + 2) {
                return found;
            }
            // An attribute naming a field (`<field name="status">`) is not a person's name.
            if i > 0
                && b[i - 1] == b' '
                && b[..i]
                    .iter()
                    .rev()
                    .take(PROBE)
                    .find(|&&c| c == b'<' || c == b'>')
                    == Some(&b'<')
            {
                return e;
            }
        }
        // A payer's identification document (Mercado Pago's, dLocal's, EBANX's
        // `"identification":{"type":"CPF","number":"…"}`): its number is a national id.
        if w.len() == 14
            && matches!(next, Some(b'"' | b'\''))
            && w.eq_ignore_ascii_case("identification")
        {
            if let Some(end) = self.object_number(e, Class::NationalId) {
                return end;
            }
        }
        // A person's name as an object (`"name":{"first":"Bob","last":"Smith"}`).
        if w.len() == 4 && matches!(next, Some(b'"' | b'\'')) && w.eq_ignore_ascii_case("name") {
            if let Some(end) = self.name_parts(e) {
                return end;
            }
        }
        // A phone as an object (Tap's, Checkout.com's `"phone":{"country_code":"965",
        // "number":"…"}`): its number.
        if matches!(next, Some(b'"' | b'\''))
            && ["phone", "mobile", "msisdn"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        {
            if let Some(end) = self.object_number(e, Class::Personal) {
                return end;
            }
        }
        if f & ATTR != 0 && w.eq_ignore_ascii_case("key") && next == Some(b'>') {
            if let Some(end) = self.key_element(i, e) {
                return end;
            }
        }
        // A database error's key of several columns (`Key (merchant_id, api_key)=(…)`).
        if w == "Key" && b[e..].starts_with(b" (") {
            if let Some(end) = self.key_columns(e) {
                return end;
            }
        }
        // `{"name":"DB_PASSWORD","value":"…"}`, `- name: DB_PASSWORD` + `value: …`: an
        // entry named by a key (a Kubernetes env var, a config list).
        // (And a JSON Patch operation: `{"op":"replace","path":"/card/cvv","value":…}`.)
        if f & ATTR != 0
            && (w.eq_ignore_ascii_case("name")
                || w.eq_ignore_ascii_case("key")
                || w.eq_ignore_ascii_case("loc")
                || (w == "path" && json_patch_op(b, i)))
            && matches!(next, Some(b'"' | b'\'' | b':' | b'='))
        {
            if let Some(found) = self.named_pair(e) {
                return found;
            }
        }
        // A TOML table named like a credential (`[secrets]\ndb = "…"`).
        if next == Some(b']')
            && i >= 1
            && b[i - 1] == b'['
            && (i == 1 || matches!(b[i - 2], b'\n' | b' '))
            && b.get(e + 1) == Some(&b'\n')
        {
            if let Some(end) = self.toml_table(i, e) {
                return end;
            }
        }
        // An Elixir or Erlang keyword tuple (`{:password, "…"}`, `{password, <<"…">>}`).
        if next == Some(b',') && opens_tuple(b, i) {
            if let Some(end) = self.atom_pair(i, e) {
                return end;
            }
        }
        // A form's text field (an SMS gateway's `Body=Your+OTP+is+482913`): its value
        // decoded, scanned and encoded back.
        if next == Some(b'=')
            && ["body", "text", "message", "msg", "content", "sms"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        {
            if let Some(end) = self.form_text(e + 1) {
                return end;
            }
        }
        // A key with an encoded `_` or `-` (`secret%5Fkey=x`, `api%2Dkey=x`): classified
        // as decoded.
        if next == Some(b'%') {
            if let Some(end) = self.encoded_key(i, e) {
                return end;
            }
        }
        // The key: this word, or this word and the next (`security code`, `PIN block`),
        // or a password's or a CVV's name in words ([`SPACED_KEYS`]: `mot de passe`).
        let mut key_end = e;
        let mut class = Class::None;
        if f & TWO_WORD != 0 {
            if let Some(&(_, rest, spaced)) = SPACED_KEYS.iter().find(|(first, rest, _)| {
                w.eq_ignore_ascii_case(first)
                    && b.get(e..e + rest.len())
                        .is_some_and(|r| r.eq_ignore_ascii_case(rest.as_bytes()))
                    && !b.get(e + rest.len()).is_some_and(|&c| is_key_byte(c))
            }) {
                key_end = e + rest.len();
                class = spaced;
                self.run_end = key_end;
            }
        }
        if class == Class::None
            && f & TWO_WORD != 0
            && next == Some(b' ')
            && !is_xml_open(b, i)
            && !after_double_dash(b, i)
        {
            let mut e2 = e + 1;
            while e2 < b.len() && is_key_byte(b[e2]) {
                e2 += 1;
            }
            // A key's second word is letters (`security code`, `PIN block`), never a
            // value (`secret n7v8KTW98D`).
            if e2 > e + 1
                && b[e + 1..e2]
                    .iter()
                    .all(|&c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-'))
            {
                // (`LMK check value: 1234AB`: a key's check value is public.)
                let c2 = if b[e + 1..e2].eq_ignore_ascii_case(b"check") {
                    Class::None
                } else {
                    self.e.key_class(&self.s[i..e2])
                };
                if c2 != Class::None {
                    key_end = e2;
                    class = c2;
                    // An abbreviated number's full stop (`Iqama No. 2123…`).
                    if b.get(e2) == Some(&b'.') && b[e + 1..e2].eq_ignore_ascii_case(b"no") {
                        key_end = e2 + 1;
                    }
                    // A numbered key (`Unseal Key 1: …`, `vault operator init`'s output).
                    if c2 == Class::Secret && b.get(e2) == Some(&b' ') {
                        let d = b[e2 + 1..]
                            .iter()
                            .take(4)
                            .take_while(|c| c.is_ascii_digit());
                        let d = d.count();
                        if (1..=3).contains(&d) && b.get(e2 + 1 + d) == Some(&b':') {
                            key_end = e2 + 1 + d;
                        }
                    }
                    self.run_end = key_end;
                }
            }
        }
        if class == Class::None {
            // Only a word that stands before a separator (or a value) can be a key; an
            // identifier before a tab or a space and a value (`security_code\t123`,
            // `card_pin 8674`), only for card data, authentication data, credentials and
            // national ids.
            let key = self.may_be_key(i, e, f) || is_xml_open(b, i);
            if !key && !spaced_identifier(b, i, e) {
                return letters;
            }
            // `connect.sid=…`: a dotted key ([`keys::dotted_key`]).
            class = self.e.key_class(keys::dotted_key(&b[..i], w).unwrap_or(w));
            // A name under a thing's key (`service.name=pay-api`, `host.name=`): the thing's
            // name, classified as `service_name` is (a safe key).
            // (And a JSON object's first member under its key: `{"merchant":{"name":…`,
            // a Kubernetes object's `"metadata":{"name":…`.)
            let parent_end = if i >= 2 && b[i - 1] == b'.' {
                Some(i - 1)
            } else if class == Class::Personal && next == Some(b'"') {
                json_parent_end(b, i)
            } else {
                None
            };
            if let Some(pe) = parent_end.filter(|_| class == Class::Personal) {
                let ps = pe
                    - b[..pe]
                        .iter()
                        .rev()
                        .take(32)
                        .take_while(|&&c| is_key_byte(c))
                        .count();
                // (Not ECS's `user.name`: a person's.)
                if ps < pe && !b[ps..pe].eq_ignore_ascii_case(b"user") {
                    let mut buf = [0u8; 64];
                    if let Some(j) = keys::joined_key(&b[ps..pe], w.as_bytes(), &mut buf) {
                        if self.e.key_class(j) == Class::None {
                            class = Class::None;
                        }
                    }
                }
            }
            // (A national id's identifier too: `lookup civil_id 287654321012`; the
            // value's shape decides.)
            if !key && !class.is_protected() && class != Class::NationalId {
                return letters;
            }
            // `?key=…`, `&code=…`: a URL's credential parameters.
            if class == Class::None && url_credential_param(b, i, w) {
                class = Class::Secret;
            }
            // A JSON Web Key's private members (`{"kty":"RSA",…,"d":"…"}`).
            if class == Class::None
                && w.len() <= 2
                && matches!(
                    w.as_bytes(),
                    b"d" | b"p" | b"q" | b"dp" | b"dq" | b"qi" | b"k" | b"oth"
                )
                && i > 0
                && b[i - 1] == b'"'
                && next == Some(b'"')
                && in_jwk(b, i)
            {
                class = Class::Secret;
            }
            // Pydantic's `[type=…, input_value='…', …]`: the value of the field named on
            // the line before the message.
            if class == Class::None && next == Some(b'=') && w == "input_value" {
                class = pydantic_field(b, i)
                    .map_or(Class::None, |(ls, le)| self.e.key_class(&self.s[ls..le]));
            }
        }
        if class == Class::None {
            return letters;
        }
        // An element with a dotted name counts for card data, authentication data and
        // credentials only (`<db.password>`; `<service.name>checkout</service.name>` is
        // no person's name).
        if i > 0 && b[i - 1] == b'.' && !class.is_protected() && is_xml_open(b, i) {
            return letters;
        }
        // A flag that says a credential comes from the input takes no value
        // (`docker login --password-stdin registry.io`).
        if after_double_dash(b, i)
            && key_end - i > 6
            && b[key_end - 6..key_end].eq_ignore_ascii_case(b"-stdin")
        {
            return key_end;
        }
        // An ARN names a secret, it holds none (`arn:aws:secretsmanager:…:secret:db`);
        // `PWD=/home/deploy` (sudo's log) is a directory.
        if class == Class::Secret && (in_arn(b, i) || (w == "PWD" && b[e..].starts_with(b"=/"))) {
            return letters;
        }
        // `Name on card: KHALID ALMUTAIRI`: the cardholder's name, not a card's number.
        // (A number there is still read as a card's.)
        if class == Class::Card
            && i >= 8
            && b[i - 8..i].eq_ignore_ascii_case(b"name on ")
            && !b[key_end..b.len().min(key_end + 24)]
                .iter()
                .any(u8::is_ascii_digit)
        {
            class = Class::Personal;
        }
        match self.keyed_value(i, key_end, class) {
            // KNET's and ISO 8583's approval code (`auth=B12345`, `auth: 123456`).
            Some((vs, ve, _))
                if class == Class::Secret
                    && is_approval_code(&self.s[vs..ve])
                    && is_approval_key(w) =>
            {
                // (From the key's end: what stands between is text, `"AUTH"
                // "bob@example.com" "B12345"`.)
                key_end
            }
            // An HTTP message signature's parameters (CyberSource's `Signature:
            // keyid="…", algorithm="…", signature="…"`): the public key id stays, the
            // `signature` parameter is masked as its own key.
            Some((vs, _, _))
                if w.eq_ignore_ascii_case("signature")
                    && b.get(vs..vs + 6)
                        .is_some_and(|r| r.eq_ignore_ascii_case(b"keyid=")) =>
            {
                e
            }
            // A card key's value that cannot hide a card number (fewer than 8 digits:
            // `cc = bob@example.com`) is kept by the card rule: its text is left to the
            // content rules (an email, a phone), not written as it is.
            Some((vs, ve, _))
                if class == Class::Card
                    && self.s[vs..ve]
                        .chars()
                        .filter(|&c| is_decimal_digit(c))
                        .count()
                        < 8 =>
            {
                letters
            }
            Some((vs, ve, resume)) => {
                // The key is text too when it holds digits (`x4111…card_number=`): the
                // main loop will not come back to it.
                // (A key of letters alone, the usual case, has none: `letters == e`.)
                if (letters < e || key_end != e) && b[i..key_end].iter().any(u8::is_ascii_digit) {
                    self.scan_part(i, key_end);
                }
                // So is what stands between the key and its value, beyond a separator
                // (an XML start tag's attributes: `<cardNumber id="…">`).
                if b[key_end..vs]
                    .iter()
                    .any(|&c| c.is_ascii_alphanumeric() || c >= 0x80 || c == b'@')
                {
                    self.scan_part(key_end, vs);
                }
                // A key in two halves (`PVK pair: 0123…CDEF FEDC…3210`, an HSM's key
                // components side by side) or in groups of four: all of it.
                let (ve, resume) = match second_key_half(b, vs, ve) {
                    Some(he) if class == Class::Secret && ve == resume => (he, he),
                    _ => (ve, resume),
                };
                // Chip data written apart under its key (`ICC: 9F26 08 A1B2… 9F27 01 80`):
                // every hex token that follows.
                let (ve, resume) = match (class == Class::Sad && ve == resume)
                    .then(|| hex_tokens_end(b, vs, ve))
                    .flatten()
                {
                    Some(he) => (he, he),
                    None => (ve, resume),
                };
                self.put(vs, ve, Hit::Keyed(class));
                // `card: 4111… 123`, `card=4111…|12/27|123`: a CVV after the number.
                if class == Class::Card && self.o.pci && ve == resume {
                    return self.cvv_after_card(ve);
                }
                resume
            }
            None => letters,
        }
    }

    /// Whether what follows the word `i..e` can make it a key: a separator (after
    /// whitespace too), a closing quote or bracket, an XML tag end, an encoded `=`; or,
    /// for the few keys that count in prose (`cvv 123`, `PIN 8674`, `password hunter2!`,
    /// `the cvv is 123`, `--password x`), whitespace before a value.
    pub(super) fn may_be_key(&self, i: usize, e: usize, f: u8) -> bool {
        let b = self.b;
        match b.get(e) {
            Some(b'=' | b':' | b'"' | b'\'' | b'>' | b'\\' | b']' | b'#' | b'(') => true,
            Some(b')') => paren_key(b, i, e),
            // Encoded `=`, `:`, `"`, `]` (`user%5Bpassword%5D=x`).
            Some(b'%') => {
                let r = &b[e..];
                r.len() >= 3
                    && matches!(
                        &r[1..3],
                        b"3D" | b"3d" | b"3A" | b"3a" | b"22" | b"5D" | b"5d"
                    )
            }
            Some(b'&') => ["&gt;", "&quot;", "&#61;", "&#58;", "&#34;"]
                .iter()
                .any(|x| b[e..].starts_with(x.as_bytes())),
            Some(0x80..) if wide_space(&b[e..]) == 0 => {
                b[e..].starts_with("：".as_bytes()) || b[e..].starts_with("＝".as_bytes())
            }
            // Whitespace, a no-break or an ideographic space included.
            Some(b' ' | b'\t' | b'\n' | b'\r' | 0x80..) => {
                let mut j = e;
                while j < b.len() && j - e < 48 {
                    match b[j] {
                        b' ' | b'\t' | b'\n' | b'\r' => j += 1,
                        _ => match wide_space(&b[j..]) {
                            0 => break,
                            w => j += w,
                        },
                    }
                }
                match b.get(j) {
                    Some(b'=' | b':' | b'-' | b'#' | b'(') => true,
                    // (A copula outside ASCII after a prose key: `senha é X`.)
                    Some(0x80..) => f & PROSE != 0,
                    Some(c) => {
                        (c.is_ascii_alphanumeric() || matches!(c, b'"' | b'\'' | b'!' | b'$'))
                            && (f & PROSE != 0
                                // A command-line flag (`--api-key x`).
                                || after_double_dash(b, i)
                                // Any key before `is`/`was` (`api-key is x`).
                                || is_copula(&b[j..]))
                    }
                    None => false,
                }
            }
            _ => false,
        }
    }

    /// The token after whitespace at `e`: quoted (inside the quotes) or bare.
    pub(super) fn next_token(&self, e: usize) -> Option<(usize, usize)> {
        let b = self.b;
        let mut j = e;
        while matches!(b.get(j), Some(b' ' | b'\t')) && j - e < 4 {
            j += 1;
        }
        if j == e {
            return None;
        }
        if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
            let end = b[j + 1..]
                .iter()
                .position(|&c| c == q)
                .map_or(b.len(), |p| j + 1 + p);
            return (end > j + 1).then_some((j + 1, end));
        }
        let end = bare_end_within(b, j, PROBE);
        (end > j).then_some((j, end))
    }

    /// Extends a bare value that ends at `end` over the following words, up to a word that
    /// is a key (`age=3`, `city:`, `cvv 123`), a line end or a list separator; with
    /// `alpha`, over words of letters only (a passphrase), so a card number or a PEM block
    /// after it is left to its own rule.
    pub(super) fn words_end(&self, mut end: usize, alpha: bool) -> usize {
        let b = self.b;
        let start = end;
        while b.get(end) == Some(&b' ') && end - start < PROBE {
            let ws = end + 1;
            let we = bare_end_within(b, ws, PROBE);
            if we == ws
                || b[ws..we]
                    .iter()
                    .any(|&c| matches!(c, b'=' | b':' | b'{' | b'('))
                || (alpha && !b[ws..we].iter().all(u8::is_ascii_alphabetic))
                || looks_like_key(b, ws, we)
                || self.e.key_class(&self.s[ws..we]) != Class::None
            {
                break;
            }
            end = we;
        }
        end
    }

    /// The credential after `Bearer`/`Basic` (the word ends at `e`): whitespace or a colon,
    /// then at least 12 characters of a token alphabet holding a digit or mixed case, or
    /// at least 16 of them.
    pub(super) fn bare_credential(&self, e: usize) -> Option<(usize, usize)> {
        let b = self.b;
        let mut cs = e;
        // `Bearer: x`, `bearer=x`, `bearer="x"`.
        let eq = b.get(cs) == Some(&b'=');
        if matches!(b.get(cs), Some(b':' | b'=')) {
            cs += 1;
        }
        while matches!(b.get(cs), Some(b' ' | b'\t')) && cs - e < 4 {
            cs += 1;
        }
        if eq && matches!(b.get(cs), Some(b'"' | b'\'')) {
            cs += 1;
        }
        if cs == e || (cs == e + 1 && b[e] == b':') {
            return None;
        }
        let mut ce = cs;
        while ce < b.len()
            && (is_b64url(b[ce]) || matches!(b[ce], b'.' | b'~' | b'+' | b'/' | b'='))
        {
            ce += 1;
        }
        let t = &b[cs..ce];
        // `bearer expires_in=3600`: a key and its value, not a credential (base64 has `=`
        // only as trailing padding).
        if t.iter()
            .position(|&c| c == b'=')
            .is_some_and(|p| t[p..].iter().any(|&c| c != b'='))
        {
            return None;
        }
        let mixed = t.iter().any(u8::is_ascii_digit)
            || (t.iter().any(u8::is_ascii_uppercase) && t.iter().any(u8::is_ascii_lowercase));
        // After `=` (`bearer=…`) the credential is named: a shorter one counts too.
        let short = if eq { 8 } else { 12 };
        ((t.len() >= short && mixed) || t.len() >= 16).then_some((cs, ce))
    }

    // === URLs, PEM ===

    /// A URL's userinfo (`scheme://user:pass@host`): user and password masked apart.
    pub(super) fn url(&mut self, colon: usize) -> usize {
        let b = self.b;
        let a = colon + 3;
        let mut end = a;
        while end < b.len()
            && end - a < 512
            && !matches!(
                b[end],
                b'/' | b'?' | b'#' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'<' | b'>'
            )
        {
            end += 1;
        }
        if let Some(e) = self.webhook_secret(a, end) {
            return e;
        }
        let Some(at) = b[a..end].iter().rposition(|&c| c == b'@').map(|p| a + p) else {
            return a;
        };
        // (A JDBC URL's properties after the host, `jdbc:sqlserver://db:1433;user=sa;
        // password=P@ss;`, are no userinfo: their keyed forms are read as text.)
        if at == a || a < self.last || b[a..at].contains(&b';') {
            return a;
        }
        match b[a..at].iter().position(|&c| c == b':').map(|p| a + p) {
            Some(c) => {
                if c > a {
                    self.put(a, c, Hit::Secret("secret"));
                }
                if at > c + 1 {
                    self.put(c + 1, at, Hit::Secret("secret"));
                }
            }
            None => self.put(a, at, Hit::Secret("secret")),
        }
        at + 1
    }

    /// The secret in the path of a chat service's webhook or bot URL whose host is
    /// `a..host_end`: Slack's `hooks.slack.com/services/T…/B…/<secret>` (the path
    /// after `services/`), Telegram's `api.telegram.org/bot<token>/…`, Discord's
    /// `discord.com/api/webhooks/<id>/<token>`. Where to go on, when masked.
    pub(super) fn webhook_secret(&mut self, a: usize, host_end: usize) -> Option<usize> {
        let b = self.b;
        let host = &b[a..host_end];
        let path = &b[host_end..];
        // The path before the secret; whether an id comes first (Discord's); whether the
        // secret is the rest of the path (Slack's `T…/B…/…`) or one segment.
        let (prefix, id_first, whole_path): (&[u8], bool, bool) =
            if host.eq_ignore_ascii_case(b"hooks.slack.com") {
                (b"/services/", false, true)
            } else if host.eq_ignore_ascii_case(b"api.telegram.org") {
                (b"/bot", false, false)
            } else if host.eq_ignore_ascii_case(b"discord.com")
                || host.eq_ignore_ascii_case(b"discordapp.com")
            {
                (b"/api/webhooks/", true, false)
            } else {
                return None;
            };
        if !path.starts_with(prefix) || a < self.last {
            return None;
        }
        let mut vs = host_end + prefix.len();
        if id_first {
            vs += b[vs..].iter().take(32).position(|&c| c == b'/')? + 1;
        }
        let stop = |c: u8| {
            matches!(
                c,
                b'?' | b'#' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'<' | b'>'
            ) || (!whole_path && c == b'/')
        };
        let ve = run_end(b, vs, PROBE, stop);
        if ve == vs {
            return None;
        }
        // (The path before the secret is text: Discord's id segment.)
        self.scan_part(self.last.max(host_end), vs);
        self.put(vs, ve, Hit::Secret("secret"));
        Some(ve)
    }

    /// The `left:` and `right:` values of a failed `assert_eq!` or `assert_ne!` after the
    /// word `assertion` ending at `e`, when its message names a key the masker protects
    /// (`cvv mismatch`, `pin`): each masked as that key's value. Where to go on.
    #[inline(never)]
    pub(super) fn assertion_values(&mut self, e: usize) -> Option<usize> {
        let b = self.b;
        let head = [&b" `left == right` failed"[..], b" `left != right` failed"]
            .into_iter()
            .find(|h| b[e..].starts_with(h))?;
        let ms = e + head.len();
        let me = ms + b[ms..].iter().take(PROBE).position(|&c| c == b'\n')?;
        // The first word of the message that names a protected key.
        let class = self.s[ms..me]
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| w.len() >= 2)
            .map(|w| self.e.key_class(w))
            .find(|c| c.is_protected() || *c == Class::NationalId)?;
        let mut k = me + 1;
        let mut end = None;
        for label in [&b"  left: "[..], b" right: "] {
            if !b[k..].starts_with(label) {
                break;
            }
            let vs = k + label.len();
            let ve = run_end(b, vs, VALUE_PROBE, |c| c == b'\n');
            // (Inside a string's quotes: `left: "123"`.)
            let (qs, qe) = if ve >= vs + 2 && b[vs] == b'"' && b[ve - 1] == b'"' {
                (vs + 1, ve - 1)
            } else {
                (vs, ve)
            };
            if qe > qs && qs >= self.last {
                self.scan_part(self.last.max(e), qs);
                self.put(qs, qe, Hit::Keyed(class));
                end = Some(qe);
            }
            k = ve + 1;
            if k >= b.len() {
                break;
            }
        }
        end
    }

    /// A document written in base64 at `i` (a JSON object, `eyJwYW4iOiAi…In0=`: a Pub/Sub
    /// message's `data`, a Kinesis record; or any text a key says is base64: a form
    /// body, track data): decoded and scanned, and written back in base64 (the same
    /// alphabet and padding) when anything in it was masked, so a reader who decodes it
    /// finds the masks. Where to go on, or `None` when it is no such document (not
    /// base64, not UTF-8) or holds nothing to mask.
    #[inline(never)]
    pub(super) fn base64_document(&mut self, i: usize) -> Option<usize> {
        use base64::alphabet;
        use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
        use base64::Engine as _;
        /// At most 64 KiB of base64 (a longer document is written as it is cut: its
        /// rest is read as text).
        const CAP: usize = 64 * 1024;
        let b = self.b;
        let n = b[i..]
            .iter()
            .take(CAP)
            .take_while(|&&c| {
                c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_')
            })
            .count();
        if n < 24 || i < self.last || b.get(i + n) == Some(&b'.') {
            return None;
        }
        let run = &self.s[i..i + n];
        let url = run.contains(['-', '_']);
        // (Padded as it was: with `=`, or whole groups of four in the standard alphabet.)
        let padded = run.ends_with('=') || (!url && n % 4 == 0);
        let config = GeneralPurposeConfig::new()
            .with_encode_padding(padded)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent);
        let engine = if url {
            GeneralPurpose::new(&alphabet::URL_SAFE, config)
        } else {
            GeneralPurpose::new(&alphabet::STANDARD, config)
        };
        let bytes = engine.decode(run).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let mut masked = String::with_capacity(text.len() + 64);
        if !scan(text, self.o, self.e, &mut masked) {
            return None;
        }
        self.out.push_str(&self.s[self.last..i]);
        engine.encode_string(masked.as_bytes(), self.out);
        self.last = i + n;
        self.changed = true;
        Some(i + n)
    }

    /// A PEM private key block, replaced whole.
    pub(super) fn pem(&mut self, i: usize) -> usize {
        let b = self.b;
        // Not a private key's header (`-----BEGIN CERTIFICATE-----`, or no header end
        // near): only `-----BEGIN ` is passed, the text after it is scanned as any other.
        let Some(head_end) = find(b, i + 11, b"-----").filter(|&e| e - (i + 11) <= 40) else {
            return i + 11;
        };
        if !contains(&b[i + 11..head_end], b"PRIVATE KEY") {
            return i + 11;
        }
        let end = match find(b, head_end + 5, b"-----END") {
            Some(e) => find(b, e + 8, b"-----").map_or(b.len(), |f| f + 5),
            None => b.len(),
        };
        self.put(i, end, Hit::Secret("pem_key"));
        end
    }
}

/// The end of a PIN block written in groups of `size` (2, 4 or 8) hex digits joined by
/// one space, `-` or `:` (`04 12 AC 89 FF FF 12 34`, `0412-AC89-FFFF-1234`), starting at
/// `vs`: 16 hex digits in all, and no group after them (`DE52 1001 0010 0123 4567 89` is
/// an IBAN).
pub(super) fn split_pin_block(b: &[u8], vs: usize, size: usize) -> Option<usize> {
    if !matches!(size, 2 | 4 | 8) {
        return None;
    }
    let groups = 16 / size;
    let mut k = vs;
    for g in 0..groups {
        if g > 0 {
            if !matches!(b.get(k), Some(b' ' | b'-' | b':')) || b.get(k) != b.get(vs + size) {
                return None;
            }
            k += 1;
        }
        let r = b.get(k..k + size)?;
        if !r.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        k += size;
    }
    let next = b.get(k + 1..).map_or(0, |r| {
        r.iter().take_while(|c| c.is_ascii_hexdigit()).count()
    });
    let more = b.get(k) == b.get(vs + size)
        && (1..=size).contains(&next)
        && !b.get(k + 1 + next).is_some_and(u8::is_ascii_alphanumeric);
    (!more).then_some(k)
}

/// The words that may stand between a CVV's or PIN's key and its number (`cvv no. 576`,
/// `the pin was 1234`), and whether each names a code (`verification code 374`).
const FILLERS: [(&str, bool); 37] = [
    // French's `cryptogramme visuel`.
    ("visuel", true),
    ("no", true),
    ("nr", true),
    ("num", true),
    ("number", true),
    ("code", true),
    ("value", true),
    ("val", true),
    ("digits", true),
    // What happened to it (`CVV entered: 123`, `PIN changed to 1234`, `pin set to 1234`).
    ("entered", false),
    ("provided", false),
    ("received", false),
    ("typed", false),
    ("set", false),
    ("changed", false),
    ("reset", false),
    ("updated", false),
    ("to", false),
    ("of", false),
    ("is", false),
    ("was", false),
    ("the", false),
    ("block", false),
    // Whose card it is (`CVV for your card is 123`, `the CVV of this card is 123`).
    ("for", false),
    ("your", false),
    ("my", false),
    ("this", false),
    ("card", false),
    // Whose card it is, in German and Spanish (`PIN meiner Karte: 1234`, `PIN de mi
    // tarjeta: 1234`).
    ("meiner", false),
    // A PIN's change (`PIN change: old 1234 new 5678`).
    ("change", false),
    ("old", false),
    ("der", false),
    ("ihrer", false),
    ("karte", false),
    ("de", false),
    ("mi", false),
    ("tarjeta", false),
];

/// Whether the word at `i` is a command-line flag (`--password x`, `--user a:b`).
#[inline]
pub(super) fn after_double_dash(b: &[u8], i: usize) -> bool {
    i >= 2 && &b[i - 2..i] == b"--"
}

/// The end of a bare (unquoted) value.
pub(super) fn bare_end(b: &[u8], vs: usize) -> usize {
    bare_end_within(b, vs, usize::MAX)
}

/// [`bare_end`], looking at most `cap` bytes: for a scan that may fail (a value in prose),
/// so that repeated keys stay linear.
pub(super) fn bare_end_within(b: &[u8], vs: usize, cap: usize) -> usize {
    run_end(b, vs, cap, |c| {
        matches!(
            c,
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'&'
                | b','
                | b';'
                | b'}'
                | b']'
                | b')'
                | b'<'
                | b'"'
                | b'\''
                | b'|'
        )
    })
}

/// Where the run of bytes from `vs` that `stop` does not end ends, within `cap` bytes;
/// stopped by the cap inside a character (`b` is UTF-8), at the character's end.
#[inline]
pub(super) fn run_end(b: &[u8], vs: usize, cap: usize, stop: impl Fn(u8) -> bool) -> usize {
    let mut k = vs;
    while k < b.len() && k - vs < cap && !stop(b[k]) {
        k += 1;
    }
    while k < b.len() && b[k] & 0xC0 == 0x80 {
        k += 1;
    }
    k
}

/// Whether a word of letters may be an identifier: snake case or camel case (`api_key`,
/// `apiKey`), judged by an `_` or a capital after its first letter.
#[inline]
pub(super) fn is_identifier(w: &[u8]) -> bool {
    w.len() >= 4 && w[1..].iter().any(|&c| c == b'_' || c.is_ascii_uppercase())
}

/// Whether the word `i..e` is an identifier (`security_code`, `cvvCode`) followed by a tab,
/// a space, a line break or a wide space and then a value: a key in a column or a `key
/// value` form.
pub(super) fn spaced_identifier(b: &[u8], i: usize, e: usize) -> bool {
    let tab = b.get(e) == Some(&b'\t');
    let wide = wide_space(&b[e.min(b.len())..]);
    if !tab && wide == 0 && !matches!(b.get(e), Some(b' ' | b'\n')) {
        return false;
    }
    let flag = single_dash_flag(b, i);
    (tab || flag || is_identifier(&b[i..e]) || b[i..e].contains(&b'_') || b[i..e].contains(&b'-'))
        && b.get(e + wide.max(1)).is_some_and(|c| {
            c.is_ascii_alphanumeric() || *c == b'\t' || (flag && matches!(c, b'"' | b'\''))
        })
}

/// Whether the member at `i` is in a JSON Web Key: a `"kty"` member in the same object
/// (before or after it, no brace between them; within 2 KiB).
pub(super) fn in_jwk(b: &[u8], i: usize) -> bool {
    member_beside(b, i, b"\"kty\"", PROBE * 8, PROBE * 8)
}

/// Whether the quoted member name `name` stands in the same object as the member at `i`:
/// before it (within `back` bytes) or after it (within `ahead`), with no brace between.
fn member_beside(b: &[u8], i: usize, name: &[u8], back: usize, ahead: usize) -> bool {
    let from = i.saturating_sub(back);
    let before = b[from..i]
        .iter()
        .rposition(|&c| c == b'{' || c == b'}')
        .map_or(from, |p| from + p);
    if find(&b[..i], before, name).is_some() {
        return true;
    }
    let to = (i + ahead).min(b.len());
    let after = b[i..to]
        .iter()
        .position(|&c| c == b'{' || c == b'}')
        .map_or(to, |p| i + p);
    find(&b[..after], i, name).is_some()
}

/// The field a Pydantic error names (the last segment of the location on the line
/// before the message: `user.password` then `  String should have … [type=…,
/// input_value='…'`), for its `input_value` at `i`.
pub(super) fn pydantic_field(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let from = i.saturating_sub(PROBE);
    let open = find_back(&b[..i], b"[type=", i - from)?;
    // The line break before the message's line: a byte, or escaped (`\n` in a JSON
    // string: `{"error":"1 validation error for Login\npassword\n  String …"}`).
    let line = (from..open)
        .rev()
        .find(|&k| b[k] == b'\n' || (b[k] == b'n' && k > 0 && b[k - 1] == b'\\'))?;
    let escaped = b[line] == b'n';
    let (line, after) = if escaped {
        (line - 1, line + 1)
    } else {
        (line, line + 1)
    };
    if !b[after..].starts_with(b"  ") {
        return None;
    }
    let le = b[..line]
        .iter()
        .rposition(|&c| c != b'\r' && c != b' ')
        .map(|p| p + 1)?;
    let mut ls = b[..le]
        .iter()
        .rposition(|&c| !(is_key_byte(c) || c >= 0x80))
        .map_or(0, |p| p + 1);
    // (Past the `n` of an escaped line break before the field's name.)
    if escaped && ls >= 1 && b[ls - 1] == b'\\' && b.get(ls) == Some(&b'n') {
        ls += 1;
    }
    // (`credentials.0.password`: the segment after the last dot.)
    (ls < le && le - ls <= 64).then_some((ls, le))
}

/// The end of a line of a machine-readable zone starting at `i`: 30, 36 or 44 capitals,
/// digits and `<` fillers (ICAO 9303's TD1, TD2 and passports' TD3; from 28, a line whose
/// last fillers were trimmed; up to 90, its lines joined with no break), with `<<` in
/// it.
fn mrz_line_end(b: &[u8], i: usize) -> Option<usize> {
    let n = b[i..]
        .iter()
        .take(91)
        .take_while(|&&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'<')
        .count();
    let run = &b[i..i + n];
    ((28..=90).contains(&n) && run.windows(2).any(|w| w == b"<<")).then_some(i + n)
}

/// Whether the member `path` at `i` is a JSON Patch operation's: an `"op"` member in the
/// same object (before it within 64 bytes, or after it within [`PROBE`] bytes).
fn json_patch_op(b: &[u8], i: usize) -> bool {
    member_beside(b, i, b"\"op\"", 64, PROBE)
}

/// A password's or a CVV's name in words, by its first word (a [`MORE_TRIGGER_WORDS`]
/// entry), the rest and the class: French's `mot de passe`, Spanish's `clave de acceso`,
/// Indonesian's `kata sandi`, Italian's `codice di sicurezza` and `codice fiscale`.
pub(super) const SPACED_KEYS: [(&str, &str, Class); 5] = [
    ("mot", " de passe", Class::Secret),
    ("clave", " de acceso", Class::Secret),
    ("kata", " sandi", Class::Secret),
    ("codice", " di sicurezza", Class::Cvv),
    // Italy's tax code, a national id.
    ("codice", " fiscale", Class::NationalId),
];

/// Whether the word at `i` is a long option after one dash (`keytool -storepass X`,
/// PowerShell's `-Password X`): as an identifier before a space and a value, it counts
/// as a key for card data, authentication data and credentials only (`find . -name x`
/// names no person).
#[inline]
pub(super) fn single_dash_flag(b: &[u8], i: usize) -> bool {
    i >= 2 && b[i - 1] == b'-' && matches!(b[i - 2], b' ' | b'\t')
}

/// Whether the word `w` at `i` is a URL's credential parameter (`?key=`, `&code=`,
/// `?auth=`): after `?` or `&`, before `=`.
pub(super) fn url_credential_param(b: &[u8], i: usize, w: &str) -> bool {
    i > 0
        && (matches!(b[i - 1], b'?' | b'&') || quoted_query(b, i))
        && b.get(i + w.len()) == Some(&b'=')
        && [
            "key",
            "code",
            "auth",
            "access_token",
            "id_token",
            "signature",
            "sig",
        ]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k))
}

pub(super) fn is_auth_scheme(w: &str) -> bool {
    [
        "bearer",
        "basic",
        "digest",
        "token",
        "negotiate",
        "ntlm",
        "bot",
        "aws4-hmac-sha256",
    ]
    .iter()
    .any(|s| w.eq_ignore_ascii_case(s))
}

/// Whether the word at `ks` opens an XML element: `<cvv`, `<ns:cvv`, `<db.password`.
pub(super) fn is_xml_open(b: &[u8], ks: usize) -> bool {
    if ks == 0 {
        return false;
    }
    match b[ks - 1] {
        b'<' => true,
        // `<ns:cvv`, `<db.password`, `<card.security_code`.
        b':' | b'.' => {
            let mut k = ks - 1;
            while k > 0 && ks - k < 64 && (is_key_byte(b[k - 1]) || matches!(b[k - 1], b'.' | b':'))
            {
                k -= 1;
            }
            k > 0 && k < ks - 1 && b[k - 1] == b'<'
        }
        _ => false,
    }
}

/// The end of a key's path after its first part (ending at `e`): `.part` and `[part]`,
/// at most four, before a separator (`=`, `:`, or a closing quote and `:`). Not a file's
/// name before a colon (`secrets.yaml: not found`).
fn key_path_end(b: &[u8], e: usize) -> Option<usize> {
    let mut k = e;
    let mut last = e;
    for _ in 0..4 {
        match b.get(k) {
            Some(b'.') if b.get(k + 1).is_some_and(u8::is_ascii_alphabetic) => {
                last = k + 1;
                k += 1;
                while b.get(k).is_some_and(|&c| is_key_byte(c)) && k - last < 40 {
                    k += 1;
                }
            }
            Some(b'[') => {
                let len = b[k + 1..].iter().take(33).position(|&c| c == b']')?;
                if len == 0 || !b[k + 1..k + 1 + len].iter().all(|&c| is_key_byte(c)) {
                    return None;
                }
                last = k + 1;
                k += len + 2;
            }
            _ => break,
        }
    }
    if k == e {
        return None;
    }
    let sep = match b.get(k) {
        Some(b'"' | b'\'') => b.get(k + 1).copied().filter(|&c| c == b':'),
        Some(&c @ (b'=' | b':')) => Some(c),
        _ => None,
    }?;
    let part = &b[last..k.min(b.len())];
    let file = [
        &b"yaml"[..],
        b"yml",
        b"json",
        b"txt",
        b"env",
        b"conf",
        b"cfg",
        b"pem",
        b"toml",
        b"ini",
        b"log",
        b"crt",
        b"p12",
        b"jks",
        b"csv",
        b"xml",
        b"properties",
        b"key",
        // A source file (`src/auth.rs:42:9` in a panic's location, `pin.go:12`).
        b"rs",
        b"go",
        b"py",
        b"js",
        b"ts",
        b"java",
        b"kt",
        b"rb",
        b"php",
        b"cs",
        b"ex",
        b"exs",
    ]
    .iter()
    .any(|x| part.eq_ignore_ascii_case(x));
    (!(sep == b':' && file)).then_some(k)
}

/// Arabic words that qualify a key before its value ([`Scanner::foreign_key`]): "yours"
/// (masculine and feminine), "one-time", "of the card", "new", "temporary", each after
/// a space.
const ARABIC_QUALIFIERS: [&str; 7] = [
    " الخاص بك",
    " الخاصة بك",
    " لمرة واحدة",
    " للبطاقة",
    // "new" (masculine, feminine), "temporary".
    " الجديد",
    " الجديدة",
    " المؤقت",
];

/// Whether the key `ks..ke` ends its line after a table's field separator (`,`, `;`, a
/// tab or `|` before it on the line): a header row's last cell, whose next line is a row.
pub(super) fn header_cell(b: &[u8], ks: usize, ke: usize) -> bool {
    matches!(b.get(ke), Some(b'\n' | b'\r'))
        && b[ks.saturating_sub(PROBE)..ks]
            .iter()
            .rev()
            .take_while(|&&c| c != b'\n')
            .any(|&c| matches!(c, b',' | b';' | b'\t' | b'|'))
}

/// The end of a one-time code at `vs`: four to eight digits, whole (not glued to a word
/// or a longer number, nor the start of a decimal or a time).
fn code_end(b: &[u8], vs: usize) -> Option<usize> {
    let d = b[vs..]
        .iter()
        .take(9)
        .take_while(|c| c.is_ascii_digit())
        .count();
    let glued = b
        .get(vs + d)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
        || (b
            .get(vs + d)
            .is_some_and(|&c| matches!(c, b'.' | b',' | b':'))
            && b.get(vs + d + 1).is_some_and(u8::is_ascii_digit));
    ((4..=8).contains(&d) && !glued).then_some(vs + d)
}

/// Whether the word at `i` opens a tuple as an atom (`{:password, …}`, `{password, …}`).
fn opens_tuple(b: &[u8], i: usize) -> bool {
    i >= 1 && (b[i - 1] == b'{' || (i >= 2 && b[i - 1] == b':' && b[i - 2] == b'{'))
}

/// Where a key's second half ends when the value `b[vs..ve]` is 16, 32 or 48 hex digits
/// and a space and as many hex digits follow (`0123456789ABCDEF FEDCBA9876543210`).
fn second_key_half(b: &[u8], vs: usize, ve: usize) -> Option<usize> {
    let n = ve - vs;
    let hex = |r: &[u8]| r.iter().all(u8::is_ascii_hexdigit);
    // A key in groups of four (`ZMK component: 0123 4567 89AB CDEF …`): four groups at
    // least, all of them.
    if n == 4 && hex(&b[vs..ve]) {
        let mut end = ve;
        let mut groups = 1;
        while b.get(end) == Some(&b' ')
            && b.get(end + 1..end + 5).is_some_and(hex)
            && !b.get(end + 5).is_some_and(u8::is_ascii_alphanumeric)
        {
            end += 5;
            groups += 1;
        }
        return (groups >= 4).then_some(end);
    }
    if !matches!(n, 16 | 32 | 48) || b.get(ve) != Some(&b' ') || !hex(&b[vs..ve]) {
        return None;
    }
    let he = ve + 1 + n;
    let half = b.get(ve + 1..he)?;
    (hex(half) && !b.get(he).is_some_and(u8::is_ascii_alphanumeric)).then_some(he)
}

/// Whether the word at `i` starts a URL's query printed alone in quotes (`url::Url`'s
/// `Debug`: `query: Some("code=…&state=…")`; `"query":"code=…"`).
fn quoted_query(b: &[u8], i: usize) -> bool {
    let before = &b[..i];
    [
        &b"query: Some(\""[..],
        b"\"query\":\"",
        b"\"query\": \"",
        b"query=\"",
    ]
    .iter()
    .any(|p| before.len() >= p.len() && before[before.len() - p.len()..].eq_ignore_ascii_case(p))
}

/// Whether a word before a space is dashed (`security-code 123`, `x-api-key …`): it may be
/// a key before its value, as an identifier may.
fn is_dashed(w: &[u8]) -> bool {
    w.len() >= 6 && w[1..].contains(&b'-')
}

/// Where the parent key ends when the quoted key at `i` is the first member of an object
/// that is that key's value (`{"merchant":{"name":…`: the end of `merchant`).
fn json_parent_end(b: &[u8], i: usize) -> Option<usize> {
    let mut k = i.checked_sub(1).filter(|&k| b[k] == b'"')?;
    k = k.checked_sub(1).filter(|&k| b[k] == b'{')?;
    while k > 0 && b[k - 1] == b' ' {
        k -= 1;
    }
    k = k.checked_sub(1).filter(|&k| b[k] == b':')?;
    while k > 0 && b[k - 1] == b' ' {
        k -= 1;
    }
    k.checked_sub(1).filter(|&k| b[k] == b'"')
}

/// Whether the word `i..e` is an inner segment of a Rust path, after `::`: before `::`
/// and an identifier (`pay_api::pin::verify`, `pay_api::auth::{{closure}}`), or at the
/// path's end (`pay_api::handlers::pin` before a line break, a space or `(`). (A word
/// that starts a path may be a key: `password::hunter`.)
fn is_path_segment(b: &[u8], i: usize, e: usize) -> bool {
    if i < 2 || &b[i - 2..i] != b"::" {
        return false;
    }
    // (At the path's end only before a line break or a backtrace's location, `(src/…`:
    // `settings::password = "x"` is a key and its value.)
    let location = || {
        b.get(e..e + 2) == Some(b" (")
            && b[e + 2..]
                .iter()
                .take(96)
                .position(|&c| c == b')')
                .is_some_and(|p| find_ci(&b[e + 2..e + 2 + p], b".rs:").is_some())
    };
    matches!(b.get(e), None | Some(b'\n' | b'\r'))
        || location()
        || b.get(e..e + 3).is_some_and(|r| {
            r[0] == b':'
                && r[1] == b':'
                && (r[2].is_ascii_lowercase() || matches!(r[2], b'_' | b'{' | b'<'))
        })
}

/// Where a run of hex tokens joined by single spaces ends, when the value `b[vs..ve]` is
/// hex and one follows it (EMV data written apart: `9F26 08 A1B2C3D4E5F6A7B8 9F27 01 80`);
/// within [`VALUE_PROBE`] bytes.
fn hex_tokens_end(b: &[u8], vs: usize, ve: usize) -> Option<usize> {
    let hex = |r: &[u8]| r.len() >= 2 && r.iter().all(u8::is_ascii_hexdigit);
    if !hex(&b[vs..ve]) {
        return None;
    }
    let mut end = ve;
    while end - vs < VALUE_PROBE && b.get(end) == Some(&b' ') {
        let te = end
            + 1
            + b[end + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
        let t = &b[end + 1..te];
        // (A word of hex letters is no byte: `pin 1234 bad`.)
        if !hex(t)
            || !(t.iter().any(u8::is_ascii_digit) || t.iter().all(|c| !c.is_ascii_lowercase()))
        {
            break;
        }
        end = te;
    }
    (end > ve).then_some(end)
}
