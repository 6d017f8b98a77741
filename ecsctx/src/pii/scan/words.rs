//! Words: what a word of text may start. A word of prose is settled inline
//! ([`Scanner::word`]); a trigger word, a word before a separator or a published token's
//! shape goes on to the word rules: credential shapes (JWTs, PEM keys, `Bearer …`, known
//! prefixes), command-line passwords, a CVV or PIN after its key, URLs' userinfo, emails.
//! The trigger table (one multiply and one compare per word) lives here too.

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
        // A key with letters outside ASCII (`contraseña=…`, `hasło: …`).
        if b.get(e).is_some_and(|&c| c >= 0x80) {
            if let Some(end) = self.foreign_key(i) {
                return end;
            }
        }
        // A command line's password flag (`mysql -pS3cret`, `sshpass -p S3cret`).
        if i >= 2
            && b[i - 1] == b'-'
            && matches!(b[i], b'p' | b'a')
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
        }
        // Letters only and shorter than any published token: before a space, only a
        // trigger word (`Bearer`, a prose key such as `cvv`, the first word of a two-word
        // key) or a key before a separator (`db_password = x`) starts anything; before
        // a byte that cannot follow a key (`,`, `)`, `!`, the end), nothing does.
        // The word's trigger flags, once (`None`: not looked up yet).
        let mut f = None;
        if letters == e && e - i < 15 && !after_double_dash(b, i) {
            let settled = match b.get(e) {
                // (An identifier, `api_key`/`apiKey`, may be a key before its value.)
                Some(b' ') => {
                    self.is_prose(i, e, *f.insert(triggers(b, i, e))) && !is_identifier(&b[i..e])
                }
                // A dotted name (`keyloop.store_id`): only a JWT's first segment, a SendGrid
                // key or an IBAN starts anything before a dot.
                Some(b'.') => {
                    !self.o.financial
                        && !b[i..].starts_with(b"eyJ")
                        && !b[i..].starts_with(b"SG.")
                        && !matches!(&b[i..e], b"hvs" | b"hvb" | b"hvr")
                }
                Some(b')') => !paren_key(b, i, e),
                Some(&c) => {
                    CLASS[c as usize] & 8 == 0
                        && *f.insert(triggers(b, i, e)) & (CVV_WORD | PIN_WORD) == 0
                }
                None => true,
            };
            if settled && !is_xml_open(b, i) {
                return letters;
            }
        }
        self.word_rules(i, letters, e, f)
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
        let last = self.last;
        let next = self.word_forms(i, letters, e, f);
        if next == letters && self.last == last && f & (CVV_WORD | PIN_WORD) != 0 {
            if let Some(end) = self.number_after_key(i, e, f & CVV_WORD != 0) {
                return end;
            }
        }
        next
    }

    /// A password given on a command line, at the flag word `i..e` after ` -`, when the
    /// program it belongs to stands before it in the same shell command ([`cli_program`]):
    /// glued to `-p` for `mysql`, `mariadb` and their tools (`-p` alone prompts for it);
    /// after `-p` among `sshpass`'s own options (before the command it wraps); after `-a`
    /// for `redis-cli`. A quoted password is masked inside its quotes. Masked; where to
    /// go on.
    #[inline(never)]
    pub(super) fn cli_password(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        if !matches!(b[i], b'p' | b'a') {
            return None;
        }
        let glued = e > i + 1 || b.get(i + 1).is_some_and(|&c| !matches!(c, b' ' | b'\t'));
        let mut vs = i + 1;
        if !glued {
            while vs < b.len() && vs - i < 4 && matches!(b[vs], b' ' | b'\t') {
                vs += 1;
            }
        }
        let ve = match b.get(vs) {
            Some(&q @ (b'"' | b'\'')) => {
                vs += 1;
                vs + b[vs..].iter().take(PROBE).position(|&c| c == q)?
            }
            _ => shell_word_end(b, vs),
        };
        let v = &self.s[vs..ve];
        // (`redis-cli -a is deprecated`: prose about the flag.)
        let prose = ["is", "was", "flag", "option", "requires", "password"]
            .iter()
            .any(|w| v.eq_ignore_ascii_case(w))
            // Another flag (`git commit -a -m fix`).
            || (!glued && v.starts_with('-'));
        if vs == ve || vs < self.last || v.starts_with('$') || is_no_value(v) || prose {
            return None;
        }
        // A value a password rarely is (a port, a pid, `3306:3306`, a path) needs its
        // program right before the flag's options; any other may have up to three words
        // between them (`mysql mydb -pX`, `redis-cli get k -a X`).
        // So does a cluster of a few small letters glued to the flag (`netstat -pant`,
        // `tar -pcf`, `mkdir -pv`).
        let weak = v
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b':' | b',' | b'.'))
            || v.starts_with(['/', '.', '~'])
            || (glued && v.len() <= 4 && v.bytes().all(|c| c.is_ascii_lowercase()));
        // MySQL's port is `-P`: glued to `-p`, digits or a short word are its password
        // still (`mysql mydb -p123456`), so its own words may stand before the flag.
        // (A number of fewer than 6 digits is as often a port, a pid or a count. So is
        // `redis-cli`'s `-a` value.)
        let retry = glued
            && !v.starts_with(['/', '.', '~'])
            && !v.contains(':')
            && (v.len() >= 6 || !v.bytes().all(|c| c.is_ascii_digit()));
        let strong = is_mixed(v.as_bytes());
        let ok = match (
            b[i],
            cli_program(b, i, weak, strong, if weak { 0 } else { 3 }),
        ) {
            (b'p', Some((name, _))) if glued && is_mysql_tool(name) => true,
            (b'p', None) if weak && retry => {
                cli_program(b, i, weak, strong, 3).is_some_and(|(name, _)| is_mysql_tool(name))
            }
            (b'a', None) if weak && v.len() >= 6 && v.bytes().all(|c| c.is_ascii_digit()) => {
                cli_program(b, i, weak, strong, 3)
                    .is_some_and(|(name, _)| name.eq_ignore_ascii_case(b"redis-cli"))
            }
            // `sshpass -e ssh -p 2222 host`: that `-p` is the port of the wrapped `ssh`.
            (b'p', Some((name, options))) => {
                name.eq_ignore_ascii_case(b"sshpass") && sshpass_options(options)
            }
            (b'a', Some((name, _))) => name.eq_ignore_ascii_case(b"redis-cli"),
            _ => false,
        };
        if !ok {
            return None;
        }
        self.put(vs, ve, Hit::Secret("secret"));
        Some(ve)
    }

    /// A password in an argument list (a program's `argv` written as code or JSON), at the
    /// flag's letter `i` inside the quoted element `"-p…"`: glued to `-p` for `mysql`,
    /// `mariadb` and their tools (`["mysql", "-uroot", "-pS3cret"]`); the next element after
    /// `"-p"` for `sshpass` (`["sshpass", "-p", "S3cret", "ssh", "host"]`) or after `"-a"`
    /// for `redis-cli`. The program is the last of these clients named before the flag
    /// (a path or an `.exe` counts by its name), not an option's argument (`"--name",
    /// "mysql"`), in a list whose first program may run it (`["grep", "-r", "mysql",
    /// "-pattern"]` does not). Elements are joined by commas or by Rust's `).arg(`; an
    /// inner list continues the outer one (`spawn('mysql', ['-pX'])`); `\"` quotes (JSON
    /// inside a string) count as quotes. Masked; where to go on.
    #[inline(never)]
    pub(super) fn argv_password(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        let quote: &[u8] = match (b[i - 2], b[i - 3]) {
            (b'"', b'\\') => b"\\\"",
            (b'"', _) => b"\"",
            _ => b"'",
        };
        let open = i - 1 - quote.len();
        // The elements before this one, last first, to the list's opening bracket: `, `
        // between them, whitespace alone (Go's `%q`: `["mysql" "-pX"]`), or `).arg(`
        // (Rust's `Command`); a bracket after a comma or Rust's `.args(` opens an inner
        // list (`spawn('mysql', ['-uroot', '-pX'])`, `.args(["-pX"])`).
        let mut elements: [(usize, usize); 24] = [(0, 0); 24];
        let mut n = 0;
        let mut k = open;
        let skip_ws = |k: &mut usize| {
            while *k > 0 && matches!(b[*k - 1], b' ' | b'\t' | b'\n') {
                *k -= 1;
            }
        };
        loop {
            let before_ws = k;
            skip_ws(&mut k);
            match k.checked_sub(1).map(|p| b[p]) {
                _ if n == elements.len() => return None,
                Some(b',') => k -= 1,
                Some(b'(') if b[..k].ends_with(b").arg(") => k -= 6,
                // (A quote right before, after whitespace: the element before.)
                _ if k < before_ws && b[..k].ends_with(quote) => {}
                Some(b'[' | b'(' | b'{') => {
                    let mut c = k - 1;
                    skip_ws(&mut c);
                    if c > 0 && b[c - 1] == b',' {
                        k = c - 1;
                    } else if b[..c].ends_with(b").args(") {
                        k = c - 7;
                    } else if b[..c].ends_with(b").args(&") {
                        k = c - 8;
                    } else if n > 0 {
                        break;
                    } else {
                        return None;
                    }
                }
                _ => return None,
            }
            skip_ws(&mut k);
            // `"…"` ending at `k`.
            let end = k.checked_sub(quote.len()).filter(|&e| b[e..k] == *quote)?;
            let start = find_back(&b[..end], quote, PROBE)? + quote.len();
            elements[n] = (start, end);
            n += 1;
            k = start - quote.len();
        }
        // First to last.
        elements[..n].reverse();
        let el = |f: usize| &b[elements[f].0..elements[f].1];
        let name = |f: usize| program_name(el(f)).1;
        // The program: the last client named before the flag that is no option's
        // argument (`["docker", "run", "--name", "mysql", "-p3306:3306"]`; `["mysql", "-h",
        // "mysql", "-pX"]` names its host so), in a list whose own program runs commands
        // (`["grep", "-r", "mysql", "-pattern"]` does not).
        let p = (0..n)
            .rev()
            .find(|&f| is_client(name(f)) && !(f > 0 && names_an_argument(el(f - 1))))?;
        if p > 0 && runs_nothing(name(0), el(1), p == 1) {
            return None;
        }
        let program = name(p);
        // This element's end, and the next element's span.
        let close = i + find(&b[i..], 0, quote).filter(|&p| p <= PROBE)?;
        let (vs, ve) = if close > i + 1 {
            // Glued: `"-pS3cret"`.
            if b[i] != b'p' || !is_mysql_tool(program) {
                return None;
            }
            (i + 1, close)
        } else {
            let own_options = (p + 1..n).all(|f| {
                let w = el(f);
                w.starts_with(b"-") || w.iter().all(u8::is_ascii_digit)
            });
            let wraps = match b[i] {
                b'p' => program.eq_ignore_ascii_case(b"sshpass") && own_options,
                _ => program.eq_ignore_ascii_case(b"redis-cli"),
            };
            let mut k = close + quote.len();
            while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n') {
                k += 1;
            }
            if !wraps {
                return None;
            }
            if b.get(k) == Some(&b',') {
                k += 1;
            } else if b[k..].starts_with(b").arg(") {
                k += 6;
            } else if !(k > close + quote.len() && b[k..].starts_with(quote)) {
                // (Go's `%q`: elements joined by a space.)
                return None;
            }
            while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n') {
                k += 1;
            }
            if !b[k..].starts_with(quote) {
                return None;
            }
            let vs = k + quote.len();
            (vs, vs + find(&b[vs..], 0, quote).filter(|&p| p <= PROBE)?)
        };
        let v = &self.s[vs..ve];
        if vs == ve || vs < self.last || v.starts_with(['$', '{', '-']) || is_no_value(v) {
            return None;
        }
        self.put(vs, ve, Hit::Secret("secret"));
        Some(ve)
    }

    /// SQL's `INSERT INTO t (pan, cvv, name) VALUES ('…', '123', '…'), (…)` at the word
    /// `VALUES` (`i..e`): each value masked as its column's key (a column list names
    /// them; placeholders `?`, `$1`, `:cvv` hold nothing), the other values scanned as
    /// text. Where to go on: past the last row; `None` when no column is a key the
    /// masker knows or the statement has no such shape.
    #[inline(never)]
    pub(super) fn sql_values(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        // The column list before `VALUES`.
        let mut close = i;
        while close > 0 && matches!(b[close - 1], b' ' | b'\t' | b'\n' | b'\r') {
            close -= 1;
        }
        if close == 0 || b[close - 1] != b')' || close <= self.last {
            return None;
        }
        let open = close
            - 2
            - b[..close - 1]
                .iter()
                .rev()
                .take(PROBE)
                .position(|&c| c == b'(')?;
        let mut classes = [Class::None; 32];
        let mut n = 0;
        for col in b[open + 1..close - 1].split(|&c| c == b',') {
            let mut col = col.trim_ascii();
            while let [b'`' | b'"' | b'[', rest @ ..] = col {
                col = rest;
            }
            while let [rest @ .., b'`' | b'"' | b']'] = col {
                col = rest;
            }
            if n == classes.len()
                || col.is_empty()
                || !col.iter().all(|&c| is_key_byte(c) || c == b'.')
            {
                return None;
            }
            classes[n] = self.e.key_class(std::str::from_utf8(col).ok()?);
            n += 1;
        }
        if classes[..n].iter().all(|&c| c == Class::None) {
            return None;
        }
        // The rows after it.
        let mut k = e;
        let mut end = None;
        let mut masked = false;
        loop {
            while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
                k += 1;
            }
            if b.get(k) != Some(&b'(') {
                break;
            }
            k += 1;
            for (col, &class) in classes[..n].iter().enumerate() {
                while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
                    k += 1;
                }
                let (vs, ve, next) = match b.get(k) {
                    Some(&q @ (b'\'' | b'"')) => {
                        // A quote doubled inside is one quote (`'it''s'`).
                        let mut j = k + 1;
                        loop {
                            let p = b[j..].iter().take(PROBE * 4).position(|&c| c == q)?;
                            j += p;
                            if b.get(j + 1) == Some(&q) {
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        (k + 1, j, j + 1)
                    }
                    Some(_) => {
                        // A number, NULL, a placeholder, a call (`NOW()`): to the `,` or `)`
                        // at its depth.
                        let mut depth = 0usize;
                        let mut j = k;
                        while j < b.len() && j - k < PROBE {
                            match b[j] {
                                b'(' => depth += 1,
                                b')' if depth == 0 => break,
                                b')' => depth -= 1,
                                b',' if depth == 0 => break,
                                _ => {}
                            }
                            j += 1;
                        }
                        let v = b[k..j].trim_ascii_end();
                        (k, k + v.len(), j)
                    }
                    None => return end,
                };
                let placeholder = matches!(b.get(vs), Some(b'?' | b'$' | b':'))
                    || b[vs..ve].eq_ignore_ascii_case(b"null")
                    || b[vs..ve].contains(&b'(');
                if class != Class::None && ve > vs && !placeholder && vs >= self.last {
                    self.scan_part(self.last, vs);
                    self.put(vs, ve, Hit::Keyed(class));
                    masked = true;
                }
                k = next;
                while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
                    k += 1;
                }
                match b.get(k) {
                    Some(b',') if col + 1 < n => k += 1,
                    Some(b')') if col + 1 == n => {
                        k += 1;
                        break;
                    }
                    _ => return end,
                }
            }
            end = Some(k);
            while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
                k += 1;
            }
            if b.get(k) != Some(&b',') {
                break;
            }
            k += 1;
        }
        // What follows the last masked value in the rows is text too.
        let end = end.filter(|_| masked)?;
        if self.last < end {
            self.scan_part(self.last.max(e), end);
        }
        Some(end)
    }

    /// A credential's key in another script, or with letters outside ASCII
    /// ([`keys::FOREIGN_SECRET_KEYS`]: `パスワード`, `пароль`, `contraseña`, `كلمة المرور`), at
    /// `i` before its value: the value masked as a credential's; where to go on.
    #[inline(never)]
    pub(super) fn foreign_key(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        let r = &b[i..];
        let n = keys::FOREIGN_SECRET_KEYS
            .iter()
            .find(|k| r.starts_with(k.as_bytes()))?
            .len();
        // A whole word: no letter glued after it.
        if b.get(i + n).is_some_and(|&c| c.is_ascii_alphanumeric()) || i + n < self.last {
            return None;
        }
        // A copula after the key, or a particle glued to it (`contraseña es X`, `пароль
        // был X`, `パスワードは X`): the value after it.
        let copula = FOREIGN_COPULAS
            .iter()
            .find(|c| b[i + n..].starts_with(c.as_bytes()))
            .map_or(0, |c| c.trim_end().len());
        // A particle with the value glued to it (`パスワードはXk9QwZ7pです`): its ASCII run.
        let ke = i + n + copula;
        if copula == 3 && b.get(ke).is_some_and(u8::is_ascii_alphanumeric) {
            let ve = ke
                + b[ke..]
                    .iter()
                    .take(PROBE)
                    .take_while(|&&c| c.is_ascii_graphic() && !matches!(c, b'"' | b'\''))
                    .count();
            if !looks_like_credential(&b[ke..ve]) || ke < self.last {
                return None;
            }
            self.put(ke, ve, Hit::Keyed(Class::Secret));
            return Some(ve);
        }
        let (vs, ve, resume) = self.keyed_value(i, ke, Class::Secret)?;
        // After a separator, or a value with a credential's shape in ASCII after a space,
        // a tab, `is` or a copula (`パスワード Xk9QwZ7p`; `Şifre yanlış`, `şifre
        // değiştirildi` are prose); never a word of the key's own script (`пароль:
        // неверный` is a status; a password is rarely written so).
        let separated = copula == 0
            && b[i + n..vs]
                .iter()
                .any(|&c| matches!(c, b':' | b'=' | b'"' | b'\'' | b'>') || c >= 0x80);
        let v = &b[vs..ve];
        let credential = prose_credential(v);
        if !(separated || credential) || b.get(vs).is_some_and(|&c| c >= 0x80) {
            return None;
        }
        // What stands between the key and its value (an element's attributes) is text
        // too: the main loop will not come back to it.
        self.scan_name(i + n, vs);
        self.put(vs, ve, Hit::Keyed(Class::Secret));
        Some(resume)
    }

    /// A CVV (`cvv`: 3–4 digits) or a PIN (4–12 digits, or a 16-digit hex PIN block)
    /// after its key word that ends at `ke`, past any separators, brackets, quotes,
    /// Unicode spaces and filler words between them (`cvv|630`, `[cvv] 730`, `cvv no.
    /// 576`, `cvv\n239`, `CVV2/CVC2/CID: 823`, `pinblock F1F9…`): masked, and where to go on.
    #[inline(never)]
    pub(super) fn number_after_key(&mut self, ks: usize, ke: usize, cvv: bool) -> Option<usize> {
        let b = self.b;
        let n = b.len();
        // A path's segment (`POST /cvv 200`) is no key.
        if ks > 0 && b[ks - 1] == b'/' {
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
        let (mut separated, mut named) = (false, false);
        let mut j = ke;
        for _ in 0..4 {
            while j < n && j - ke < 32 {
                let r = &b[j..];
                let w = match r[0] {
                    b' ' | b'\t' | b'\n' | b'\r' | b':' | b'=' | b'|' | b',' | b';' | b'~'
                    | b'<' | b'>' | b'-' | b'[' | b']' | b'(' | b'{' | b'#' | b'.' | b'"'
                    | b'\'' | b'/' | b'*' | b'\\' => 1,
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
                separated |= !matches!(r[0], b' ' | b'\t' | b'\n' | b'\r');
                j += w;
            }
            // A filler word, or another name of a CVV or PIN (`/CVC2/CID:`: the trigger
            // table's).
            let ws = j;
            while j < n && j - ws < 12 && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
            let w = &b[ws..j];
            let filler = FILLERS
                .iter()
                .find(|(f, _)| w.eq_ignore_ascii_case(f.as_bytes()));
            let other_name = !w.is_empty()
                && w[0].is_ascii_alphabetic()
                && triggers(b, ws, j) & (CVV_WORD | PIN_WORD) != 0;
            if filler.is_none() && !other_name {
                j = ws;
                break;
            }
            named |= filler.is_some_and(|&(_, names_a_code)| names_a_code);
        }
        if j == ke || j < self.last || (cid && !separated) || (verification && !named) {
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
        let (ve, ok) = if hex == 16 && digits < 16 {
            (vs + 16, true)
        } else if let Some(ve) = (!cvv).then(|| split_pin_block(b, vs, hex)).flatten() {
            (ve, true)
        } else {
            let ok = if cvv {
                (3..=4).contains(&digits)
            } else {
                (4..=12).contains(&digits)
            };
            (vs + digits, ok)
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
        self.put(
            vs,
            ve,
            Hit::Keyed(if cvv { Class::Cvv } else { Class::Sad }),
        );
        Some(ve)
    }

    /// The forms a word may start: a CVV or PIN glued to its key, published token shapes,
    /// JWTs, IBANs, auth schemes, command-line users, named XML elements, keyed values.
    pub(super) fn word_forms(&mut self, i: usize, letters: usize, e: usize, f: u8) -> usize {
        let b = self.b;
        let w = &self.s[i..e];
        // `cvv123`, `CVV-123`, `pin_8674`: a CVV or PIN glued to its key.
        if letters < e && letters - i <= 4 {
            let stem = self.s[i..letters].trim_end_matches(['-', '_']);
            let mut ds = letters;
            while ds < e && matches!(b[ds], b'-' | b'_' | b'#') {
                ds += 1;
            }
            let digits = e - ds;
            let all_digits = b[ds..e].iter().all(u8::is_ascii_digit);
            let cvv = ["cvv", "cvc", "csc"]
                .iter()
                .any(|k| stem.eq_ignore_ascii_case(k));
            let pin = stem.eq_ignore_ascii_case("pin");
            if all_digits
                && ((cvv && matches!(digits, 3 | 4)) || (pin && (4..=12).contains(&digits)))
            {
                self.put(ds, e, Hit::Keyed(if cvv { Class::Cvv } else { Class::Sad }));
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
            && !is_xml_open(b, i)
            && !after_double_dash(b, i)
        {
            return letters;
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
        // Most words are prose: only a word before a separator, a quote, a dot (JWTs),
        // whitespace (`cvv 123`, `security code`, `Bearer x`), a bracket, or an XML name,
        // an IBAN or a token can start a finding.
        let iban = self.o.financial && e - i >= 15 && b[i + 2].is_ascii_digit();
        let next = b.get(e).copied();
        let may_follow = next.is_some_and(|c| CLASS[c as usize] & 8 != 0)
            || (next == Some(b')') && paren_key(b, i, e));
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
        }
        if self.o.financial && w.len() >= 4 && b[i].is_ascii_uppercase() {
            if let Some(end) = iban_end(b, i) {
                self.put(i, end, Hit::Iban);
                return end;
            }
        }
        if f & SCHEME != 0 {
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
            } else if let Some((vs, ve)) = sql_password(b, e) {
                self.put(vs, ve, Hit::Secret("secret"));
                return ve + 1;
            }
        }
        // `curl -u user:pass`, `--user user:pass`: the password after the colon.
        if f & USER != 0
            && ((w == "u" && i >= 1 && b[i - 1] == b'-' && (i == 1 || b[i - 2] == b' '))
                || (w == "user" && after_double_dash(b, i)))
        {
            if let Some((vs, ve)) = self.next_token(e) {
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
        // `{"name":"DB_PASSWORD","value":"…"}`, `- name: DB_PASSWORD` + `value: …`: an
        // entry named by a key (a Kubernetes env var, a config list).
        if f & ATTR != 0
            && (w.eq_ignore_ascii_case("name") || w.eq_ignore_ascii_case("key"))
            && matches!(next, Some(b'"' | b'\'' | b':'))
        {
            if let Some(found) = self.named_pair(e) {
                return found;
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
        // or French's three (`mot de passe`).
        let mut key_end = e;
        let mut class = Class::None;
        if f & TWO_WORD != 0
            && w.eq_ignore_ascii_case("mot")
            && b.get(e..e + 9)
                .is_some_and(|r| r.eq_ignore_ascii_case(b" de passe"))
            && !b.get(e + 9).is_some_and(|&c| is_key_byte(c))
        {
            key_end = e + 9;
            class = Class::Secret;
            self.run_end = key_end;
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
                let c2 = self.e.key_class(&self.s[i..e2]);
                if c2 != Class::None {
                    key_end = e2;
                    class = c2;
                    self.run_end = e2;
                }
            }
        }
        if class == Class::None {
            // Only a word that stands before a separator (or a value) can be a key; an
            // identifier before a tab or a space and a value (`security_code\t123`,
            // `card_pin 8674`), only for card data, authentication data or credentials.
            let key = self.may_be_key(i, e, f) || is_xml_open(b, i);
            if !key && !spaced_identifier(b, i, e) {
                return letters;
            }
            // `connect.sid=…`: a dotted key ([`keys::dotted_key`]).
            class = self.e.key_class(keys::dotted_key(&b[..i], w).unwrap_or(w));
            if !key && !class.is_protected() {
                return letters;
            }
            // `?key=…`, `&code=…`: a URL's credential parameters.
            if class == Class::None && url_credential_param(b, i, w) {
                class = Class::Secret;
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
        // An ARN names a secret, it holds none (`arn:aws:secretsmanager:…:secret:db`);
        // `PWD=/home/deploy` (sudo's log) is a directory.
        if class == Class::Secret && (in_arn(b, i) || (w == "PWD" && b[e..].starts_with(b"=/"))) {
            return letters;
        }
        match self.keyed_value(i, key_end, class) {
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
            Some(b'&') => ["&gt;", "&quot;", "&#61;", "&#58;"]
                .iter()
                .any(|x| b[e..].starts_with(x.as_bytes())),
            Some(0x80..) if wide_space(&b[e..]) == 0 => {
                b[e..].starts_with("：".as_bytes()) || b[e..].starts_with("＝".as_bytes())
            }
            // Whitespace, a no-break or an ideographic space included.
            Some(b' ' | b'\t' | b'\n' | b'\r' | 0x80..) => {
                let mut j = e;
                while j < b.len() && j - e < 8 {
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
        let Some(at) = b[a..end].iter().rposition(|&c| c == b'@').map(|p| a + p) else {
            return a;
        };
        if at == a || a < self.last {
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

    // === digits: cards, phones, track data ===
}

/// The program that the flag at `i` (after ` -`) belongs to, with the words between
/// them: the shell command's part before the flag (after the last newline, `|`, `;`, `&`,
/// `(` or backtick, or inside the quotes still open there: `bash -c 'mysql …'`) read back
/// from the flag over options and their values (`-h db01`, `--user=root`, `-e 'select
/// 1'`) to a program word (`mysql`, `/usr/bin/mysql`, `C:\…\mysql.exe`, `mysql8`), which
/// must not be an option's named argument (`docker run --name mysql -p3306:3306`).
/// Up to three of the program's own words may stand in between (`mysql mydb -pX`), none
/// when the value is `weak` (looks like a port, a pid, a path or a flag cluster); never
/// prose (a word ending in `:`, `,` or `?`) or another command (`ssh`, `grep`, `tar`).
/// `None` when no program is found (`mysql tunnel: ssh -p2222`).
pub(super) fn cli_program(
    b: &[u8],
    i: usize,
    weak: bool,
    strong: bool,
    mut positional: usize,
) -> Option<(&[u8], &[u8])> {
    let from = i.saturating_sub(PROBE);
    let mut seg = b[from..i]
        .iter()
        .rposition(|&c| matches!(c, b'\n' | b'\r' | b'|' | b';' | b'&' | b'(' | b'`'))
        .map_or(from, |p| from + p + 1);
    // A quote still open at the flag starts the command (`sh -c "mysql -pX"`).
    let mut open = None;
    for (k, &c) in b[seg..i].iter().enumerate() {
        match open {
            None if c == b'"' || c == b'\'' => open = Some((c, seg + k)),
            Some((q, _)) if c == q => open = None,
            _ => {}
        }
    }
    if let Some((_, at)) = open {
        seg = at + 1;
    }
    let quoted_args = open.map(|(_, at)| at);
    // The words before the flag, a quoted span inside one word (`'select 1'`).
    let mut words: [(usize, usize); 24] = [(0, 0); 24];
    let mut n = 0;
    let mut k = seg;
    let end = i - 1;
    while k < end && n < words.len() {
        while k < end && matches!(b[k], b' ' | b'\t') {
            k += 1;
        }
        let ws = k;
        while k < end && !matches!(b[k], b' ' | b'\t') {
            if let q @ (b'"' | b'\'') = b[k] {
                k += 1 + b[k + 1..end]
                    .iter()
                    .position(|&c| c == q)
                    .unwrap_or(end - k - 1);
            }
            k += 1;
        }
        if k > ws {
            words[n] = (ws, k.min(end));
            n += 1;
        }
    }
    let word = |j: usize| &b[words[j].0..words[j].1];
    let option = |w: &[u8]| w.len() > 1 && w[0] == b'-';
    let mut j = n;
    while j > 0 {
        j -= 1;
        let w = word(j);
        if option(w) {
            continue;
        }
        // `cmd="mysql`, `root@db01:~#`: the part after a quote, `=` or `:`; a quoted path
        // (`"C:\Program Files\MySQL\bin\mysql.exe"`) without its closing quote.
        let w = w
            .strip_suffix(b"\"")
            .or_else(|| w.strip_suffix(b"'"))
            .unwrap_or(w);
        let w = w
            .rsplit(|&c| matches!(c, b'"' | b'\'' | b'=' | b':' | b'['))
            .next()
            .unwrap_or(w);
        // A path names a program under `bin`/`sbin`, after `./`, or as an `.exe`
        // (`/usr/bin/mysql`; not `/var/lib/mysql`).
        let (dir, name, exe) = program_name(w);
        let program_path = dir.is_empty()
            || dir.ends_with(b"bin/")
            || dir.ends_with(b"bin\\")
            || dir == b"./"
            || exe;
        let named_argument = j > 0 && names_an_argument(word(j - 1))
            // Also flags of their own elsewhere (`sudo -i mysql -pX`): an argument only
            // before a value like a port (`ssh -l mysql -p2222`).
            || (weak && j > 0 && matches!(word(j - 1), b"-i" | b"-v" | b"-l" | b"-n"));
        // After `-n`, `-i`, `-v` or `-l` with other words before the flag, the word is that
        // option's value (`helm -n mysql install db . -pX`), not the program.
        let flag_value =
            positional < 3 && j > 0 && matches!(word(j - 1), b"-i" | b"-v" | b"-l" | b"-n");
        if !named_argument && !flag_value && program_path && is_client(name) {
            // The argument of a command that runs nothing (`grep -r mysql -pattern`,
            // `systemctl status mysql -pager`, `find /usr/bin/mysql -prune`), unless a
            // command starts again in between (`find . -exec mysql -pX`).
            // The command's first word: past a prompt and wrappers (`sudo`, `time` …) with
            // their options (`sudo -u ps mysql -pX`: `ps` is sudo's user).
            let mut f = 0;
            while f < j {
                let w = word(f);
                if is_prompt(w) || is_wrapper(w) {
                    f += 1;
                } else if option(w) {
                    f += 1 + usize::from(names_an_argument(w));
                } else {
                    break;
                }
            }
            // What stands between it and the client reads as its arguments: options, at
            // most one other word (`status`, a pattern, a path), no prose (`ls ok then
            // mysql -pX`, `grep failed, then mysql -pX`).
            let arguments = (f + 1..j).filter(|&k| !option(word(k))).count() <= 1
                && !(f + 1..j).any(|k| {
                    let w = word(k);
                    starts_a_command(w)
                        || matches!(w.last(), Some(b',' | b':' | b';' | b'.'))
                        || one_of(w, &[b"then", b"and", b"ok", b"after", b"before", b"so"])
                });
            // (A value that reads as a password, `-pS3cretPw`, is one whatever ran
            // before: `ps shows mysql -uroot -pS3cretPw`.)
            if f < j && arguments && !strong && runs_nothing(word(f), word(f + 1), f + 1 == j) {
                return None;
            }
            let options = if j + 1 < n {
                &b[words[j + 1].0..words[n - 1].1]
            } else {
                &b[0..0]
            };
            return Some((name, options));
        }
        // An option's value (`-h db01`); else a word of the program's (`mysql mydb -pX`)
        // while `positional` allows; not prose (`mysql port: netstat -pant`) or another
        // command (`redis-cli is down, grep -a ERROR`).
        if !(j > 0 && option(word(j - 1))) {
            if positional == 0
                || w.ends_with(b":")
                || w.ends_with(b",")
                || w.ends_with(b"?")
                || is_other_command(name)
            {
                return None;
            }
            positional -= 1;
        }
    }
    // Arguments in one string after the program's own (`Process.Start("mysql", "-uroot
    // -pX")`, `new ProcessStartInfo("mysql.exe", "…")`): the program is the quoted
    // element before it.
    let at = quoted_args?;
    let q = b[at];
    let mut k = at;
    while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    let k = k.checked_sub(1).filter(|&c| b[c] == b',')?;
    let close = k - b[..k].iter().rev().take_while(|&&c| c == b' ').count();
    let close = close.checked_sub(1).filter(|&c| b[c] == q)?;
    let open = b[close.saturating_sub(PROBE)..close]
        .iter()
        .rposition(|&c| c == q)?
        + close.saturating_sub(PROBE);
    let (_, name, _) = program_name(&b[open + 1..close]);
    is_client(name).then_some((name, &b[seg..i - 1]))
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

/// Copulas after a password's key in another language, and particles glued to it
/// (`contraseña es X`, `Passwort ist X`, `пароль был X`, `パスワードは X`, `密码是X`,
/// `비밀번호는 X`).
const FOREIGN_COPULAS: [&str; 25] = [
    " es ",
    " era ",
    " é ",
    " ist ",
    " war ",
    " est ",
    " était ",
    " è ",
    " jest ",
    " är ",
    " был ",
    " была ",
    " было ",
    " это ",
    "は ",
    "は",
    "が",
    "是 ",
    "是",
    "为 ",
    "为",
    "는 ",
    "는",
    "은 ",
    "은",
];

/// The words that may stand between a CVV's or PIN's key and its number (`cvv no. 576`,
/// `the pin was 1234`), and whether each names a code (`verification code 374`).
const FILLERS: [(&str, bool); 12] = [
    ("no", true),
    ("nr", true),
    ("num", true),
    ("number", true),
    ("code", true),
    ("value", true),
    ("val", true),
    ("of", false),
    ("is", false),
    ("was", false),
    ("the", false),
    ("block", false),
];

/// Whether `name` is a common command that is not one whose password the scanner reads
/// (`ssh`, `grep`, `tar`): a flag after it is its own.
fn is_other_command(name: &[u8]) -> bool {
    one_of(
        name,
        &[
            b"ssh",
            b"scp",
            b"ss",
            b"netstat",
            b"grep",
            b"git",
            b"tar",
            b"rsync",
            b"mkdir",
            b"perf",
            b"less",
            b"uname",
            b"docker",
            b"kubectl",
            b"find",
            b"ls",
            b"cp",
            b"mv",
            b"rm",
            b"chmod",
            b"chown",
            b"journalctl",
            b"systemctl",
            b"ps",
            b"lsof",
            b"curl",
            b"wget",
            b"cat",
            b"tail",
            b"head",
            b"awk",
            b"sed",
            b"nc",
            b"top",
            b"psql",
            b"mongo",
            b"mongosh",
            b"egrep",
            b"zgrep",
            b"rg",
            b"which",
            b"whereis",
            b"locate",
            b"man",
            b"service",
            b"pgrep",
            b"pkill",
            b"killall",
            b"apt",
            b"apt-get",
            b"yum",
            b"dnf",
            b"brew",
            b"pigz",
            b"pidstat",
            b"renice",
            b"kill",
        ],
    )
}

/// Whether an option names an argument (`--name mysql`, `-u mysql`, `-C /var/lib/mysql`):
/// the word after it is no program.
pub(super) fn names_an_argument(option: &[u8]) -> bool {
    matches!(
        option,
        b"--name"
            | b"-name"
            | b"-h"
            | b"--host"
            | b"--hostname"
            | b"--link"
            | b"--network"
            | b"--namespace"
            | b"--container"
            | b"-u"
            | b"-U"
            | b"--user"
            | b"--unit"
            | b"-L"
            | b"--login"
            | b"-C"
            | b"--volume"
            | b"-w"
            | b"--workdir"
    )
}

/// Whether a word starts another command inside the one before it (`find . -exec …`,
/// `kubectl exec db -- …`, `sh -c …`).
pub(super) fn starts_a_command(w: &[u8]) -> bool {
    matches!(
        w,
        b"--" | b"-exec" | b"-execdir" | b"-ok" | b"-okdir" | b"exec" | b"-c"
    )
}

/// Whether a word is a shell prompt (`$`, `#`, `root@db01:~#`, `PS C:\>`).
fn is_prompt(w: &[u8]) -> bool {
    matches!(w.last(), Some(b'$' | b'#' | b'>')) || w == b"PS"
}

/// Whether the command `name` (and the word after it, `next`, which may be the client's
/// name: `client_next`) invokes a command that runs nothing given as its arguments (`grep
/// -r`, `systemctl status`, `find /usr/bin`): a command's name that is no English word,
/// or one that is (`find`, `which`, `service`) followed by an option, a path or the
/// client's name, as a shell command is and prose is not (`find backup, running
/// mysqldump -pX`; `service mysql status -pv` is a command).
fn runs_nothing(name: &[u8], next: &[u8], client_next: bool) -> bool {
    let name = name.rsplit(|&c| c == b'/').next().unwrap_or(name);
    if !is_other_command(name) || runs_commands(name) {
        return false;
    }
    let english = one_of(
        name,
        &[
            b"find", b"which", b"locate", b"man", b"service", b"less", b"head", b"tail", b"top",
            b"cat", b"kill",
        ],
    );
    !english || client_next || matches!(next.first(), Some(b'-' | b'/' | b'.' | b'~'))
}

/// Whether a word runs the command after it (`sudo`, `time`, `nice` …): the command's
/// first word is past it.
fn is_wrapper(w: &[u8]) -> bool {
    one_of(
        w,
        &[
            b"sudo", b"doas", b"time", b"nice", b"ionice", b"nohup", b"env", b"watch", b"timeout",
            b"stdbuf", b"command", b"builtin",
        ],
    )
}

/// Whether the command `name` (one of [`is_other_command`]'s) runs a command given as
/// its arguments (`ssh host mysql -pX`, `docker exec db mysql -pX`).
fn runs_commands(name: &[u8]) -> bool {
    one_of(name, &[b"ssh", b"docker", b"kubectl", b"perf"])
}

/// Whether `name` is MySQL's or MariaDB's client or one of their tools.
pub(super) fn is_mysql_tool(name: &[u8]) -> bool {
    one_of(
        name,
        &[
            b"mysql",
            b"mariadb",
            b"mysqldump",
            b"mysqladmin",
            b"mysqlsh",
            b"mariadb-dump",
            b"mysqlimport",
            b"mysqlcheck",
        ],
    )
}

/// Whether `name` is a client whose password the scanner reads on a command line.
fn is_client(name: &[u8]) -> bool {
    is_mysql_tool(name) || one_of(name, &[b"sshpass", b"redis-cli"])
}

/// A program word split into its directory, its name (without `.exe`, any case, and a
/// version number: `mysql8`) and whether it was an `.exe` (`C:\\…\\MYSQL.EXE`).
fn program_name(w: &[u8]) -> (&[u8], &[u8], bool) {
    let base = w.rsplit(|&c| c == b'/' || c == b'\\').next().unwrap_or(w);
    let dir = &w[..w.len() - base.len()];
    let exe = base.len() > 4 && base[base.len() - 4..].eq_ignore_ascii_case(b".exe");
    let base = if exe { &base[..base.len() - 4] } else { base };
    let digits = base.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    (dir, &base[..base.len() - digits], exe)
}

/// Whether `w` is one of `words`, in any case.
fn one_of(w: &[u8], words: &[&[u8]]) -> bool {
    words.iter().any(|n| w.eq_ignore_ascii_case(n))
}

/// Whether `options` (what stands between `sshpass` and its `-p`) are `sshpass`'s own:
/// flags, and the values of `-f`, `-d` and `-P`.
pub(super) fn sshpass_options(options: &[u8]) -> bool {
    let mut value = false;
    options
        .split(|&c| c == b' ' || c == b'\t')
        .filter(|w| !w.is_empty())
        .all(|w| {
            if std::mem::take(&mut value) {
                return true;
            }
            value = matches!(w, b"-f" | b"-d" | b"-P");
            w.starts_with(b"-")
        })
}

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

/// Whether the word at `i` is a command-line flag (`--password x`, `--user a:b`).
#[inline]
pub(super) fn after_double_dash(b: &[u8], i: usize) -> bool {
    i >= 2 && &b[i - 2..i] == b"--"
}

/// Trigger flags of a word: a key that counts in prose before whitespace and a value
/// (`cvv 123`, `PIN 8674`, `password hunter2!`, `passport X1234567`).
pub(super) const PROSE: u8 = 1;

/// The first word of a two-word key (`security code`, `PIN block`, `card number`).
pub(super) const TWO_WORD: u8 = 2;

/// An auth scheme whose bare credential follows (`Bearer x`, `Basic x`).
pub(super) const SCHEME: u8 = 4;

/// `-u`/`--user` of a command line (`curl -u user:pass`).
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
pub(super) const TRIGGER_WORDS: [(&[u8], u8); 59] = [
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
];

/// The multiplier of the trigger table's hash: chosen (offline) so that no two trigger
/// words share a slot; building the table fails to compile if one ever does.
pub(super) const TRIGGER_K: u64 = 0xb714_7106_5cd9_f14f;

#[inline]
pub(super) const fn trigger_slot(x: u64) -> usize {
    (x.wrapping_mul(TRIGGER_K) >> 57) as usize
}

/// The trigger words by slot: one multiply and one compare per word looked up.
pub(super) static TRIGGERS: [(u64, u8); 128] = {
    let mut t = [(0u64, 0u8); 128];
    let mut k = 0;
    while k < TRIGGER_WORDS.len() {
        let x = pack(TRIGGER_WORDS[k].0);
        let slot = trigger_slot(x);
        assert!(
            t[slot].1 == 0,
            "two trigger words share a slot: choose another TRIGGER_K"
        );
        t[slot] = (x, TRIGGER_WORDS[k].1);
        k += 1;
    }
    t
};

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
    t[3] |= 1 << (b'm' - b'a');
    t[10] |= 1 << (b'p' - b'a');
    t[10] |= 1 << (b'i' - b'a');
    t[10] |= 1 << (b'w' - b'a');
    t[10] |= 1 << (b'c' - b'a');
    t[11] |= 1; // a
    t[12] |= 1 << (b's' - b'a');
    t[12] |= 1 << (b'v' - b'a');
    t
};

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
            let (key, flags) = TRIGGERS[trigger_slot(x)];
            if key == x {
                flags
            } else if x == pack(b"mot") {
                // French's `mot de passe` (outside the table: no multiplier leaves 60
                // words a slot each).
                TWO_WORD
            } else {
                0
            }
        }
        10 if b[i..e].eq_ignore_ascii_case(b"passphrase")
            || b[i..e].eq_ignore_ascii_case(b"wachtwoord")
            || b[i..e].eq_ignore_ascii_case(b"contrasena") =>
        {
            PROSE
        }
        11 if b[i..e].eq_ignore_ascii_case(b"adgangskode") => PROSE,
        10 if b[i..e].eq_ignore_ascii_case(b"identified") => SQL,
        12 if b[i..e].eq_ignore_ascii_case(b"securitycode") => PROSE | CVV_WORD,
        // `verification code 374`, `card verification: 374`.
        12 if b[i..e].eq_ignore_ascii_case(b"verification") => CVV_WORD,
        _ => 0,
    }
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
    let inner = &v[..v.len().saturating_sub(1)];
    looks_like_credential(v)
        && (v.is_ascii()
            || v.iter().any(u8::is_ascii_digit)
            // (A sentence's last `!`, `.` or `?` is no symbol.)
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
    // (Most words start with a byte no published prefix starts with.)
    if !b.first().is_some_and(|&c| KNOWN_FIRST[c as usize]) {
        return false;
    }
    KNOWN.iter().any(|&(prefix, rest)| {
        w.starts_with(prefix)
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
                Rest::Len(len) => b.len() == len,
            }
    })
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
    ]
};

/// The first bytes of [`KNOWN`]'s prefixes.
pub(super) static KNOWN_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < KNOWN.len() {
        t[KNOWN[i].0.as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

/// The end of an unquoted shell word at `vs` (a command line's value: `-pab,c}d` is one
/// word): whitespace, a command's separator, a closing bracket, a quote or a redirection
/// ends it, within [`PROBE`] bytes.
pub(super) fn shell_word_end(b: &[u8], vs: usize) -> usize {
    run_end(b, vs, PROBE, |c| {
        matches!(
            c,
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'&'
                | b';'
                | b'|'
                | b')'
                | b']'
                | b'"'
                | b'\''
                | b'`'
                | b'<'
                | b'>'
        )
    })
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
    (tab || is_identifier(&b[i..e]) || b[i..e].contains(&b'_'))
        && b.get(e + wide.max(1))
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'\t')
}

/// Whether the word `w` at `i` is a URL's credential parameter (`?key=`, `&code=`,
/// `?auth=`): after `?` or `&`, before `=`.
pub(super) fn url_credential_param(b: &[u8], i: usize, w: &str) -> bool {
    i > 0
        && matches!(b[i - 1], b'?' | b'&')
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

/// The quoted password after `IDENTIFIED` ending at `e`: `BY` (after at most a few
/// words, `WITH mysql_native_password BY`), spaces, a quote; the text to the same quote.
pub(super) fn sql_password(b: &[u8], e: usize) -> Option<(usize, usize)> {
    let window = &b[e..b.len().min(e + 80)];
    let q = window.iter().position(|&c| c == b'\'' || c == b'"')?;
    let before = window[..q].trim_ascii_end();
    let by = before.len().checked_sub(2)?;
    if !before[by..].eq_ignore_ascii_case(b"by") || by == 0 || before[by - 1] != b' ' {
        return None;
    }
    let vs = e + q + 1;
    let quote = b[e + q];
    let len = b[vs..].iter().take(PROBE).position(|&c| c == quote)?;
    (len > 0).then_some((vs, vs + len))
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
