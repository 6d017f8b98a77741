//! Keyed forms: a key the masker classifies, its separator and its value
//! ([`Scanner::keyed_value`]: `k=v`, `"k": "v"`, `<k>v</k>`, `k: v`, `the k is v`), and
//! entries named by a key (`{"name":"DB_PASSWORD","value":…}`, value first or last), with
//! the helpers that find where a value ends.

use super::*;

impl<E: Emit> Scanner<'_, '_, E> {
    /// An element named by an attribute whose quoted value starts at `vs`
    /// (`name="password"`, `name='cvv'`): when that name is a sensitive key, the
    /// element's text or its `value="…"` attribute (after the name or before it) is
    /// masked as that key's value. Returns where to go on.
    pub(super) fn named_element(&mut self, vs: usize) -> Option<usize> {
        let b = self.b;
        let q = b[vs - 1];
        let ve = vs + b[vs..].iter().take(64).position(|&c| c == q)?;
        let class = self.e.key_class(&self.s[vs..ve]);
        if matches!(class, Class::None | Class::Personal) {
            return None;
        }
        // The rest of the tag: a `value="…"` attribute, or the element's text.
        let close = ve + b[ve..].iter().take(256).position(|&c| c == b'>')?;
        if let Some((s0, s1)) = value_attr(b, ve, close) {
            if s1 > s0 && s0 >= self.last {
                self.scan_name(vs, s0);
                self.put(s0, s1, Hit::Keyed(class));
                // The tag's other attributes.
                self.scan_name(s1, close);
            } else {
                self.scan_name(vs, close);
            }
            return Some(close);
        }
        // A `value` attribute before the name (`<field value='837' name='cvv'/>`).
        let lt = b[..vs]
            .iter()
            .rev()
            .take(256)
            .position(|&c| c == b'<' || c == b'>')
            .map_or(0, |p| vs - p);
        if lt > 0 && b[lt - 1] == b'<' {
            if let Some((s0, s1)) =
                value_attr(b, lt, vs).filter(|&(s0, s1)| s1 > s0 && s0 >= self.last)
            {
                self.put(s0, s1, Hit::Keyed(class));
                self.scan_name(s1, close);
                return Some(close);
            }
        }
        if b[close - 1] == b'/' {
            self.scan_name(vs, close);
            return Some(close);
        }
        let mut ts = close + 1;
        let mut te = ts
            + b[ts..]
                .iter()
                .position(|&c| c == b'<')
                .unwrap_or(b.len() - ts);
        // The value in a child element (.NET's `<setting name="ApiPassword"><value>…`).
        if let Some((vs, ve)) = value_element(b, ts, te) {
            (ts, te) = (vs, ve);
        }
        if te > ts && !is_masked(self.s[ts..te].trim()) {
            self.scan_name(vs, ts);
            self.put(ts, te, Hit::Keyed(class));
        } else {
            // Nothing to mask: what was passed over is scanned as any text.
            self.scan_name(vs, te);
        }
        Some(te)
    }

    /// An entry named by a sensitive key after `name`/`key` (ending at `e`): JSON
    /// (`"name":"DB_PASSWORD","value":"x"`) or YAML (`name: DB_PASSWORD` and, on this or
    /// the next line, `value: x`). The value is masked as that key's class and the name
    /// is kept (it is not a person's name). Where to go on, or `None` when the name is
    /// not a sensitive key.
    pub(super) fn named_pair(&mut self, e: usize) -> Option<usize> {
        let b = self.b;
        // (Python's `repr` quotes with `'`.)
        let json = matches!(b.get(e), Some(b'"' | b'\''));
        // The name's value.
        let mut k = e + usize::from(json);
        while matches!(b.get(k), Some(b' ')) && k - e < 4 {
            k += 1;
        }
        // (`key=password, value=…`: a Java `toString`, Jaeger's tags.)
        if !matches!(b.get(k), Some(b':' | b'=')) {
            return None;
        }
        k += 1;
        while matches!(b.get(k), Some(b' ')) && k - e < 8 {
            k += 1;
        }
        let k = past_wrappers(b, k);
        // A location's path (`"loc":["body","password"]`, a validation error's; Python's
        // `'loc': ('password',)`): its last element names the field.
        // (Where a location's list starts: its other elements are text.)
        let list = matches!(b.get(k), Some(b'[' | b'(')).then_some(k);
        let k = match b.get(k) {
            Some(&open @ (b'[' | b'(')) => {
                let close = if open == b'[' { b']' } else { b')' };
                let mut end = k + b[k..].iter().take(PROBE).position(|&c| c == close)?;
                while end > k + 1 && matches!(b[end - 1], b' ' | b',') {
                    end -= 1;
                }
                let q = b[end - 1];
                if end < k + 3 || !matches!(q, b'"' | b'\'') {
                    return None;
                }
                end - 2 - b[k + 1..end - 1].iter().rev().position(|&c| c == q)?
            }
            _ => k,
        };
        let k = past_str_prefix(b, k);
        let quote = matches!(b.get(k), Some(b'"' | b'\''));
        let ns = k + usize::from(quote);
        // (A parameter's path names it by its last part: SSM's `/prod/pay/db_password`.)
        let ne = ns
            + b[ns..]
                .iter()
                .take(128)
                .take_while(|&&c| is_key_byte(c) || c == b'.' || c == b'/')
                .count();
        if ne == ns {
            return None;
        }
        let name = &self.s[ns..ne];
        let class = self.e.key_class(name.rsplit('/').next().unwrap_or(name));
        if matches!(class, Class::None | Class::Personal) {
            return None;
        }
        // The `value` that goes with it, within the same entry (after the name, or before
        // it: `{"value":"…","name":"DB_PASSWORD"}`).
        let Some(v) = first_value_member(b, ne, (ne + PROBE).min(b.len())) else {
            let found = self.value_before(ns, ne, class);
            if let Some(ls) = list.filter(|_| found.is_some()) {
                self.scan_name(ls, ns);
            }
            return found;
        };
        let v = past_str_prefix(b, past_wrappers(b, v));
        // An OpenTelemetry attribute's value in OTLP JSON (`"value":{"stringValue":"…"}`):
        // the one member's value, so the object stays an object.
        let v = if b.get(v) == Some(&b'{') {
            first_member_value(b, v).unwrap_or(v)
        } else {
            v
        };
        let (vs, ve) = match b.get(v) {
            Some(&q @ (b'"' | b'\'')) => {
                let vs = v + 1;
                (
                    vs,
                    vs + b[vs..].iter().take(PROBE * 4).position(|&c| c == q)?,
                )
            }
            _ => {
                let ve = run_end(b, v, PROBE * 4, |c| {
                    matches!(c, b'\n' | b'\r' | b',' | b'}')
                });
                // Cut by the cap: to the end of the word it stopped in, however long, so
                // that no address or number is split between this value and the text
                // after it (`cargo fuzz` findings: `cc|@l.value` kept the address, and so
                // did a word longer than a second cap). Linear still: the value is
                // written here and the scan goes on after it.
                let word = |c| matches!(c, b'\n' | b'\r' | b',' | b'}' | b' ' | b'\t');
                (v, run_end(b, ve, usize::MAX, word))
            }
        };
        // The byte cap may stop inside a character.
        let ve = ceil_boundary(self.s, ve);
        if let Some(ls) = list {
            self.scan_name(ls, ns);
        }
        if ve > vs && vs >= self.last && !is_masked(self.s[vs..ve].trim()) {
            // What lies between the name and its value is text too.
            self.scan_name(ns, vs);
            self.put(vs, ve, Hit::Keyed(class));
        } else {
            self.scan_name(ns, ve);
        }
        Some(ve)
    }

    /// A TOML table named like a credential, CVV or PIN key (`[secrets]`, `[password]`) at
    /// `ks..ke`, its header alone on its line: the value of each `key = value` line in it
    /// masked as the table's class (to the next table's header; at most [`VALUE_PROBE`]
    /// bytes). Where to go on, or `None` when the name is no such key or no value
    /// follows.
    pub(super) fn toml_table(&mut self, ks: usize, ke: usize) -> Option<usize> {
        let b = self.b;
        let class = self.e.key_class(&self.s[ks..ke]);
        if !matches!(class, Class::Secret | Class::Cvv | Class::Sad) {
            return None;
        }
        // (The cap bounds where a line may start; a line runs to its end, so a long
        // value is masked whole. Linear still: each line is read once.)
        let end = (ke + VALUE_PROBE).min(b.len());
        let mut ls = ke + 2;
        let mut resume = None;
        while ls < end && b[ls] != b'[' {
            let le = ls
                + b[ls..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .unwrap_or(b.len() - ls);
            let line = &b[ls..le];
            if let Some(p) = line.iter().position(|&c| c == b'=') {
                let mut vs = ls + p + 1;
                while vs < le && b[vs] == b' ' {
                    vs += 1;
                }
                let mut ve = le;
                while ve > vs && matches!(b[ve - 1], b' ' | b'\r') {
                    ve -= 1;
                }
                if ve > vs + 1 && matches!(b[vs], b'"' | b'\'') && b[ve - 1] == b[vs] {
                    vs += 1;
                    ve -= 1;
                }
                if ve > vs && !is_masked(&self.s[vs..ve]) && vs >= self.last {
                    // (What stands before, comment lines too, is text: `# owner
                    // bob@example.com`.)
                    self.scan_part(self.last.max(ke), vs);
                    self.put(vs, ve, Hit::Keyed(class));
                    resume = Some(ve);
                }
            } else if !line.trim_ascii().is_empty() && !line.starts_with(b"#") {
                break;
            }
            ls = le + 1;
        }
        resume
    }

    /// An Elixir or Erlang keyword tuple whose atom is `ks..e`, before its `,`
    /// (`{:password, "…"}`, `{password, <<"…">>}`): the string after it masked as the
    /// atom's class. Where to go on, or `None` when the atom names nothing protected or
    /// no string follows.
    pub(super) fn atom_pair(&mut self, ks: usize, e: usize) -> Option<usize> {
        let b = self.b;
        let class = self.e.key_class(&self.s[ks..e]);
        if !class.is_protected() {
            return None;
        }
        let mut v = e + 1;
        while b.get(v) == Some(&b' ') && v - e < 4 {
            v += 1;
        }
        if b.get(v..v + 2) == Some(b"<<") {
            v += 2;
        }
        let q = *b.get(v).filter(|&&c| c == b'"' || c == b'\'')?;
        let vs = v + 1;
        let ve = vs + b[vs..].iter().take(PROBE * 4).position(|&c| c == q)?;
        if ve == vs || is_masked(&self.s[vs..ve]) {
            return None;
        }
        self.put(vs, ve, Hit::Keyed(class));
        Some(ve)
    }

    /// A key whose `_` or `-` are URL-encoded (`secret%5Fkey=x`), starting at `i` with its
    /// first word ending at `e`, before `=`: its value masked as the decoded key's
    /// (`secret_key`); where to go on, or `None` when it is no such key.
    pub(super) fn encoded_key(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        let mut key = [0u8; 48];
        let mut n = e - i;
        if n > key.len() {
            return None;
        }
        key[..n].copy_from_slice(&b[i..e]);
        let mut k = e;
        while k + 3 < b.len() && b[k] == b'%' {
            let sep = match &b[k + 1..k + 3] {
                b"5F" | b"5f" => b'_',
                b"2D" | b"2d" => b'-',
                _ => break,
            };
            let ws = k + 3;
            let we = ws + b[ws..].iter().take_while(|&&c| is_word_byte(c)).count();
            if we == ws || n + 1 + (we - ws) > key.len() {
                return None;
            }
            key[n] = sep;
            key[n + 1..n + 1 + (we - ws)].copy_from_slice(&b[ws..we]);
            n += 1 + (we - ws);
            k = we;
        }
        if k == e || !(b.get(k) == Some(&b'=') || b[k..].starts_with(b"%3D")) {
            return None;
        }
        // ASCII word bytes, `_` and `-` only.
        let class = self.e.key_class(std::str::from_utf8(&key[..n]).ok()?);
        if !class.is_protected() {
            return None;
        }
        let (vs, ve, resume) = self.keyed_value(i, k, class)?;
        self.put(vs, ve, Hit::Keyed(class));
        Some(resume)
    }

    /// The `number` member of the object after a key whose closing quote is at `e`
    /// (`"phone":{"cc":"965","number":"…"}`, `"identification":{…,"number":"…"}`),
    /// masked as `class`; where to go on (past the number).
    pub(super) fn object_number(&mut self, e: usize, class: Class) -> Option<usize> {
        let b = self.b;
        let (k, close) = flat_object(b, e)?;
        let q = b[e];
        // (`"number"`, or Tap's `"no"`.)
        let (m, len) = match find(&b[..close], k, b"number") {
            Some(m) => (m, 6),
            None => (find(&b[..close], k, &[q, b'n', b'o', q])? + 1, 2),
        };
        if b[m - 1] != q || b.get(m + len) != Some(&q) {
            return None;
        }
        let mut vs = m + len + 1;
        while matches!(b.get(vs), Some(b' ' | b':')) && vs < close {
            vs += 1;
        }
        if b.get(vs) == Some(&q) {
            vs += 1;
        }
        let ve = vs
            + b[vs..close]
                .iter()
                .position(|&c| c == q || c == b',' || c == b'}')
                .unwrap_or(close - vs);
        if ve == vs || vs < self.last || is_masked(&self.s[vs..ve]) {
            return None;
        }
        self.scan_part(self.last.max(e), vs);
        self.put(vs, ve, Hit::Keyed(class));
        Some(ve)
    }

    /// A part of a `multipart/form-data` body whose field's name starts at `ns` (after
    /// `form-data; name="`): the part's value (after its headers and a blank line, to the
    /// end of its line) masked as the field's class; the name is kept (it names a field,
    /// not a person). Where to go on (past the value, or past the name when the field is
    /// not sensitive).
    pub(super) fn multipart_field(&mut self, ns: usize) -> Option<usize> {
        let b = self.b;
        let q = b[ns - 1];
        let ne = ns + b[ns..].iter().take(64).position(|&c| c == q)?;
        let class = self.e.key_class(&self.s[ns..ne]);
        if class == Class::None {
            return Some(ne + 1);
        }
        // The blank line that ends the part's headers.
        let to = (ne + PROBE).min(b.len());
        let (blank, len) = match find(&b[..to], ne, b"\r\n\r\n") {
            Some(p) => (p, 4),
            None => (find(&b[..to], ne, b"\n\n")?, 2),
        };
        let vs = blank + len;
        let ve = run_end(b, vs, VALUE_PROBE, |c| c == b'\r' || c == b'\n');
        if ve == vs || vs < self.last || is_masked(&self.s[vs..ve]) {
            return Some(ne + 1);
        }
        self.scan_part(self.last.max(ne), vs);
        self.put(vs, ve, Hit::Keyed(class));
        Some(ve)
    }

    /// A person's name written as an object after a key whose closing quote is at `e`
    /// (`"name":{"first":"Bob","last":"Smith"}`, `{"given":…,"family":…}`): each part's
    /// value masked as personal data; where to go on (past the last part masked).
    pub(super) fn name_parts(&mut self, e: usize) -> Option<usize> {
        let b = self.b;
        let (k, close) = flat_object(b, e)?;
        let q = b[e];
        let quoted = |from: usize| -> Option<(usize, usize)> {
            let o = from + b[from..close].iter().position(|&c| c == q)?;
            let len = b[o + 1..close].iter().position(|&c| c == q)?;
            Some((o + 1, o + 1 + len))
        };
        let mut at = k + 1;
        let mut end = None;
        while let Some((ns, ne)) = quoted(at) {
            let mut c = ne + 1;
            while matches!(b.get(c), Some(b' ')) && c < close {
                c += 1;
            }
            if b.get(c) != Some(&b':') {
                break;
            }
            c += 1;
            while matches!(b.get(c), Some(b' ')) && c < close {
                c += 1;
            }
            if b.get(c) != Some(&q) {
                // A bare value (a number, `null`): past it.
                at = c + b[c..close]
                    .iter()
                    .position(|&x| x == b',')
                    .unwrap_or(close - c);
                continue;
            }
            let Some((vs, ve)) = quoted(c) else {
                break;
            };
            let part = &self.s[ns..ne];
            if keys::NAME_PARTS
                .iter()
                .any(|p| part.eq_ignore_ascii_case(p))
                && ve > vs
                && vs >= self.last
                && !is_masked(&self.s[vs..ve])
            {
                self.scan_part(self.last.max(e), vs);
                self.put(vs, ve, Hit::Keyed(Class::Personal));
                end = Some(ve);
            }
            at = ve + 1;
        }
        end
    }

    /// A database error's key of several columns (PostgreSQL's `Key (merchant_id,
    /// api_key)=(m-1, sk_…) already exists.`), at the word `Key` that ends at `e`: the
    /// value of each column the masker protects masked as that column's (the values
    /// together when they do not split one per column); where to go on. (A key of one
    /// column is read as a keyed form: `Key (email)=(…)`.)
    pub(super) fn key_columns(&mut self, e: usize) -> Option<usize> {
        const MAX: usize = 16;
        let b = self.b;
        let cs = e + 2;
        let ce = cs + b[cs..].iter().take(PROBE).position(|&c| c == b')')?;
        if !b[ce..].starts_with(b")=(") || !b[cs..ce].contains(&b',') {
            return None;
        }
        let mut classes = [Class::None; MAX];
        let mut n = 0;
        for col in self.s[cs..ce].split(',') {
            if n == MAX {
                return None;
            }
            classes[n] = self.e.key_class(col.trim().trim_matches('"'));
            n += 1;
        }
        let classes = &classes[..n];
        let protected = classes.iter().position(|c| c.is_protected())?;
        // The values' `)`: the first one before a space, a full stop or the line's end.
        let vs = ce + 3;
        let ve = vs
            + (0..b.len().min(vs + VALUE_PROBE) - vs).find(|&k| {
                b[vs + k] == b')' && matches!(b.get(vs + k + 1), None | Some(b' ' | b'.' | b'\n'))
            })?;
        if vs < self.last {
            return None;
        }
        let values = &self.s[vs..ve];
        if values.split(", ").count() != n {
            self.scan_part(self.last.max(e), vs);
            self.put(vs, ve, Hit::Keyed(classes[protected]));
            return Some(ve);
        }
        let mut at = vs;
        let mut end = None;
        for (v, &class) in values.split(", ").zip(classes) {
            if class.is_protected() && !v.is_empty() && !is_masked(v) {
                self.scan_part(self.last.max(e), at);
                self.put(at, at + v.len(), Hit::Keyed(class));
                end = Some(at + v.len());
            }
            at += v.len() + 2;
        }
        end
    }

    /// A map's entry written as elements (JAXB's and XStream's `<entry><key>password</key>
    /// <value>…</value></entry>`), at the word `key` (`i..e`) after `<`: the value masked
    /// as the named key's; where to go on.
    pub(super) fn key_element(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        if i == 0 || b[i - 1] != b'<' || b.get(e) != Some(&b'>') {
            return None;
        }
        let ns = e + 1;
        let ne = ns + b[ns..].iter().take(64).position(|&c| c == b'<')?;
        let class = self.e.key_class(self.s[ns..ne].trim());
        if !class.is_protected() || !b[ne..].starts_with(b"</key>") {
            return None;
        }
        let after = ne + 6;
        let next = after + b[after..].iter().take(64).position(|&c| c == b'<')?;
        let (vs, ve) = value_element(b, after, next)?;
        if ve == vs || vs < self.last || is_masked(self.s[vs..ve].trim()) {
            return None;
        }
        self.put(vs, ve, Hit::Keyed(class));
        Some(ve)
    }

    /// A validation error that quotes the value before the name of its parameter, after
    /// the word `Value` ending at `e`: .NET's `Value 'X' is not valid for parameter
    /// 'password'.`, `value "X" for field "cvv"`: masked as the named key's value when
    /// the masker protects it; where to go on.
    pub(super) fn value_for_parameter(&mut self, e: usize) -> Option<usize> {
        let b = self.b;
        // (serde's wording, as config-rs writes it: `invalid value: string "…", expected
        // … for key `database.password``.)
        let e = match b.get(e..e + 9) {
            Some(r) if r.eq_ignore_ascii_case(b": string ") => e + 8,
            // (MySQL's `Incorrect integer value: '123' for column 'cvv' at row 1`.)
            _ if b[e..].starts_with(b": '") => e + 1,
            _ => e,
        };
        let q = *b.get(e + 1).filter(|&&c| c == b'\'' || c == b'"')?;
        if b[e] != b' ' {
            return None;
        }
        let vs = e + 2;
        let ve = vs + b[vs..].iter().take(PROBE).position(|&c| c == q)?;
        let tail = &b[ve + 1..b.len().min(ve + 1 + 96)];
        let (p, m) = [
            &b"parameter "[..],
            b"field ",
            b"property ",
            b"argument ",
            b"for key ",
            b"for column ",
        ]
        .iter()
        .filter_map(|m| find_ci(tail, m).map(|p| (p, m.len())))
        .min()?;
        let ns = ve + 1 + p + m;
        let nq = *b
            .get(ns)
            .filter(|&&c| c == b'\'' || c == b'"' || c == b'`')?;
        let nl = b[ns + 1..].iter().take(64).position(|&c| c == nq)?;
        let name = std::str::from_utf8(&b[ns + 1..ns + 1 + nl]).ok()?;
        // (A path's last part: config-rs's `database.password`.)
        let name = name.rsplit('.').next().unwrap_or(name);
        let class = self.e.key_class(name);
        if !class.is_protected() || ve == vs || vs < self.last {
            return None;
        }
        self.put(vs, ve, Hit::Keyed(class));
        Some(ve)
    }

    /// The quoted `value` member before the name at `ns..ne`, within the same object and
    /// not yet written (`{"value":"…","name":"DB_PASSWORD"}`): masked as `class`; where
    /// to go on.
    pub(super) fn value_before(&mut self, ns: usize, ne: usize, class: Class) -> Option<usize> {
        let b = self.b;
        if self.last > ns {
            return None;
        }
        let lo = self.last + b[self.last..ns].iter().rposition(|&c| c == b'{')?;
        let v = first_value_member(b, lo, ns)?;
        let q = *b.get(v).filter(|&&c| c == b'"' || c == b'\'')?;
        let vs = v + 1;
        let ve = vs + b[vs..ns].iter().position(|&c| c == q)?;
        if ve == vs || is_masked(&self.s[vs..ve]) {
            return None;
        }
        self.put(vs, ve, Hit::Keyed(class));
        Some(ne)
    }

    /// The value of a keyed form whose key is `ks..ke`: `(start, end, resume)`.
    ///
    /// Every scan that can fail is bounded ([`PROBE`] bytes), so a hostile string of
    /// repeated keys stays linear; a value never takes the next key (`password:\ncvv: 1`).
    pub(super) fn keyed_value(
        &self,
        ks: usize,
        ke: usize,
        class: Class,
    ) -> Option<(usize, usize, usize)> {
        let b = self.b;
        let n = b.len();
        let s = self.s;
        // A log line's target, not a key (`INFO auth: login succeeded`,
        // `pay_api::token: refreshed`: the default format of `tracing`'s `fmt`).
        // (After a level alone, a password's, a CVV's or a PIN's name stays a key: no crate
        // is named so.)
        if b.get(ke) == Some(&b':')
            && b.get(ke + 1) == Some(&b' ')
            && is_log_target(b, ks)
            && ((ks >= 2 && &b[ks - 2..ks] == b"::")
                || !(matches!(class, Class::Cvv | Class::Sad)
                    || find_ci(&b[ks..ke], b"pass").is_some()
                    || find_ci(&b[ks..ke], b"pwd").is_some()))
        {
            return None;
        }
        // `&lt;cvv&gt;013&lt;/cvv&gt;`: XML escaped into HTML.
        if ks >= 4 && &b[ks - 4..ks] == b"&lt;" && b[ke..].starts_with(b"&gt;") {
            let vs = ke + 4;
            let end = find(b, vs, b"&lt;").unwrap_or(n);
            return nonempty(vs, end, s);
        }
        // An element's name ends at `>`, whitespace or `/` (`<icc@a.co>` is no element).
        if is_xml_open(b, ks)
            && matches!(b.get(ke), Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/'))
        {
            // `<cvv>013</cvv>`, `<cvv type="x">013</cvv>`, `<password value="x"/>`; not
            // `<cvv/>`.
            let close = ke + b[ke..].iter().take(256).position(|&c| c == b'>')?;
            if b[ke..close].contains(&b'<') {
                return None;
            }
            if close > 0 && b[close - 1] == b'/' {
                let (vs, end) = value_attr(b, ke, close)?;
                return nonempty(vs, end, s);
            }
            let vs = close + 1;
            if b[vs..].starts_with(b"<![CDATA[") {
                let body = vs + 9;
                let end = find(b, body, b"]]>").unwrap_or(n);
                return Some((body, end, end));
            }
            let end = vs + b[vs..].iter().position(|&c| c == b'<').unwrap_or(n - vs);
            return nonempty(vs, end, s);
        }
        let mut j = ke;
        // A closing quote or bracket: `"cvv":`, `'cvv':`, `\"cvv\":`, `%22cvv%22`,
        // `&quot;cvv&quot;`, `card[cvc]=`.
        // Backslashes before a quote: JSON escaped once (`\"`) or more (`\\\"`).
        let escapes = b[j..].iter().take(8).take_while(|&&c| c == b'\\').count();
        let quoted = if escapes > 0 && b.get(j + escapes) == Some(&b'"') {
            j += escapes + 1;
            true
        } else if b[j..].starts_with(b"%22")
            || b[j..].starts_with(b"%5D")
            || b[j..].starts_with(b"%5d")
        {
            // `%22cvv%22`, `card%5Bcvc%5D=` (an encoded form's `card[cvc]=`).
            j += 3;
            true
        } else if let Some(len) = quote_entity(&b[j..]) {
            // `&quot;cvv&quot;`, nginx's `\x22cvv\x22` (a logged body), .NET's and
            // JavaScript's `\u0022cvv\u0022`, HTML's `&#34;cvv&#34;`.
            j += len;
            true
        } else if matches!(b.get(j), Some(b'"' | b'\'' | b']'))
            || (b.get(j) == Some(&b')') && ks > 0 && b[ks - 1] == b'(')
        {
            // `"cvv":`, `card[cvc]=`, `Key (card_number)=(…)` (a database error).
            j += 1;
            true
        } else {
            false
        };
        // (Up to 48: Terraform's plans and `vault kv get` pad a key's column.)
        let ws = |j: &mut usize| {
            let start = *j;
            while *j < n && *j - start < 48 {
                match b[*j] {
                    b' ' | b'\t' => *j += 1,
                    _ => match wide_space(&b[*j..]) {
                        0 => break,
                        w => *j += w,
                    },
                }
            }
            *j - start
        };
        let mut spaces = ws(&mut j);
        // `Security code (CVV): 123`: a short parenthesis after the key.
        if b.get(j) == Some(&b'(') {
            if let Some(p) = b[j..].iter().take(24).position(|&c| c == b')') {
                if matches!(b.get(j + p + 1), Some(b':' | b'=')) {
                    j += p + 1;
                }
            }
        }
        // `card verification value: 123`, `CVV2 code 123`: one more key word; `"password"
        // value "x"`, `"password" with value "x"` (a validation error's message: the
        // quoted value after it is the key's).
        let mut named_value = false;
        if spaces > 0 {
            let word_at = |j: usize| {
                let mut k = j;
                while k < n && k - j < 8 && b[k].is_ascii_alphabetic() {
                    k += 1;
                }
                k
            };
            let mut k = word_at(j);
            if quoted && s[j..k].eq_ignore_ascii_case("with") && b.get(k) == Some(&b' ') {
                let k2 = word_at(k + 1);
                if s[k + 1..k2].eq_ignore_ascii_case("value") {
                    j = k + 1;
                    k = k2;
                }
            }
            let w = &s[j..k];
            if ["value", "number", "code", "no", "num"]
                .iter()
                .any(|x| w.eq_ignore_ascii_case(x))
                && !b.get(k).is_some_and(|c| c.is_ascii_alphanumeric())
            {
                named_value = quoted && w.eq_ignore_ascii_case("value");
                j = k;
                // An abbreviated number's full stop (`civil id no. 287…`).
                if b.get(j) == Some(&b'.') && w.len() <= 3 && b.get(j + 1) == Some(&b' ') {
                    j += 1;
                }
                spaces = ws(&mut j);
            }
        }
        // `is`/`was` in prose: `the cvv is 123`, `password is hunter2!`, `the pin was 1234`
        // (and the same in the languages whose password keys the scanner reads: `senha é
        // X`, `Passwort lautet X`, `le mot de passe est X`).
        let mut is_word = false;
        if !quoted {
            let m = copula_len(&b[j..]);
            if m > 0 {
                j += m;
                ws(&mut j);
                if b.get(j) == Some(&b':') {
                    j += 1;
                    ws(&mut j);
                }
                spaces = spaces.max(1);
                is_word = true;
            }
        }
        // `{"field":"cvv","value":"123"}`, `{"Key":"DB_PASSWORD","Value":"…"}`: the key
        // is an entry's name, and its value is the next member's. A quoted key before
        // another member of no such entry (`{"status":"password","reason":"…"}`) has none.
        if quoted && b.get(j) == Some(&b',') {
            if let Some((colon, value)) = next_member_colon(b, j) {
                if !value || !names_an_entry(b, ks) {
                    return None;
                }
                j = colon;
            }
        }
        // Redis's `MONITOR`: `"AUTH" "pw"` or `"AUTH" "user" "pw"`: the last argument.
        if quoted
            && s[ks..ke].eq_ignore_ascii_case("auth")
            && spaces == 1
            && b.get(j) == Some(&b'"')
        {
            let mut last = None;
            let mut k = j - 1;
            for _ in 0..2 {
                if !b[k..].starts_with(b" \"") {
                    break;
                }
                let vs = k + 2;
                let len = b[vs..].iter().take(PROBE).position(|&c| c == b'"')?;
                last = Some((vs, vs + len));
                k = vs + len + 1;
            }
            let (vs, ve) = last?;
            return nonempty(vs, ve, s);
        }
        // A flag in Rust's `Command` `Debug` (`"psql" "--password" "X"`): the next
        // argument, unless it is another flag.
        if quoted
            && spaces == 1
            && b.get(j) == Some(&b'"')
            && ks >= 2
            && b[ks - 1] == b'-'
            && (b[ks - 2] == b'"' || (ks >= 3 && &b[ks - 3..ks - 1] == b"\"-"))
            && b.get(j + 1) != Some(&b'-')
        {
            let vs = j + 1;
            let len = b[vs..].iter().take(PROBE).position(|&c| c == b'"')?;
            return nonempty(vs, vs + len, s);
        }
        // Redis's `MONITOR`: a key whose name starts with the sensitive word (`"SET"
        // "pin:281010101234" "1234"`, `"HSET" "otp:965…" "code" "482913"`): the value
        // stored, not the rest of the key's name.
        if ks >= 2 && b[ks - 1] == b'"' && matches!(b.get(ke), Some(b':' | b'.' | b'_')) {
            let before = &b[ks.saturating_sub(12)..ks];
            let skip = if [&b"\"SET\" \""[..], b"\"SETNX\" \"", b"\"GETSET\" \""]
                .iter()
                .any(|c| {
                    before.len() >= c.len()
                        && before[before.len() - c.len()..].eq_ignore_ascii_case(c)
                }) {
                Some(0)
            } else if before.len() >= 8
                && before[before.len() - 8..].eq_ignore_ascii_case(b"\"HSET\" \"")
            {
                Some(1)
            } else {
                // Another command's key (`"GET" "pin:42"`, `"DEL" "otp:965…"`): a name,
                // with no value to mask.
                let head = before.strip_suffix(b"\" \"").unwrap_or_default();
                let n = head
                    .iter()
                    .rev()
                    .take_while(|c| c.is_ascii_uppercase())
                    .count();
                if n >= 2 && head.len() > n && head[head.len() - n - 1] == b'"' {
                    return None;
                }
                None
            };
            if let Some(skip) = skip {
                // Past this argument's closing quote, and `skip` arguments more.
                let mut k = ke + b[ke..].iter().take(PROBE).position(|&c| c == b'"')? + 1;
                for _ in 0..skip {
                    if !b[k..].starts_with(b" \"") {
                        return None;
                    }
                    k += 2 + b[k + 2..].iter().take(PROBE).position(|&c| c == b'"')? + 1;
                }
                if !b[k..].starts_with(b" \"") {
                    return None;
                }
                let vs = k + 2;
                let len = b[vs..].iter().take(PROBE).position(|&c| c == b'"')?;
                return nonempty(vs, vs + len, s);
            }
        }
        // Redis's `MONITOR`: a command that stores a value under a key or a hash's field
        // named as sensitive (`"SET" "user:42:password" "x"`, `"HSET" "user:42" "cvv"
        // "123"`): the next argument.
        if quoted && spaces == 1 && b.get(j) == Some(&b'"') {
            let before = &b[ks.saturating_sub(80)..ks];
            let stores = [
                &b"\"SET\" \""[..],
                b"\"SETNX\" \"",
                b"\"GETSET\" \"",
                b"\"HSET\" \"",
            ]
            .iter()
            .any(|c| find_ci(before, c).is_some());
            if stores {
                let vs = j + 1;
                let len = b[vs..].iter().take(PROBE).position(|&c| c == b'"')?;
                return nonempty(vs, vs + len, s);
            }
        }
        // An Erlang binary's key (`<<"password">> => <<"x">>`): past its `>>`.
        if quoted && b[j..].starts_with(b">>") && ks >= 3 && &b[ks - 3..ks] == b"<<\"" {
            j += 2;
            ws(&mut j);
        }
        // PHP's `var_dump`: `["password"]=> string(10) "x"`; a property's visibility
        // (`["password":protected]=>`, `["password":"User":private]=>`).
        if quoted && b.get(j) == Some(&b':') {
            let close = b[j..]
                .iter()
                .take(64)
                .position(|&c| c == b']' || c == b'\n');
            if let Some(c) = close.filter(|&c| b.get(j + c) == Some(&b']')) {
                let vis = &b[j + 1..j + c];
                if [&b"protected"[..], b"private", b"public"]
                    .iter()
                    .any(|v| vis.ends_with(v))
                    && b[j + c + 1..].starts_with(b"=>")
                {
                    j += c;
                }
            }
        }
        if quoted && b.get(j) == Some(&b']') && b[j + 1..].starts_with(b"=>") {
            j += 1;
        }
        // The separator, and whether it makes a structured form (`k=v`); `encoded`: the
        // form is itself URL-encoded (`password%3Dx%26y`), so `%26` ends its value.
        let rest = &b[j..];
        let at = |x: &[u8]| rest.starts_with(x);
        let (sep, eq, encoded) = match rest.first() {
            Some(b'=') if at(b"=>") => (2, false, false),
            Some(b'=') if at(b"==>") => (3, false, false),
            Some(b'=') if rest.get(1) != Some(&b'=') => (1, true, false),
            Some(b'-') if at(b"->") => (2, false, false),
            // `password->x`: the `-` of the arrow was read into the key.
            Some(b'>') if j == ke && ke > ks && b[ke - 1] == b'-' => (1, false, false),
            Some(b':') if at(b":=") => (2, true, false),
            Some(b':') if at(b"::") => (2, false, false),
            Some(b':') if !rest[1..].starts_with(b"//") => (1, false, false),
            Some(b'%') if at(b"%3D") || at(b"%3d") => (3, true, true),
            Some(b'%') if at(b"%3A") || at(b"%3a") => (3, false, true),
            Some(b'&') if at(b"&#61;") => (5, true, false),
            Some(b'&') if at(b"&#58;") => (5, false, false),
            // A JSON escape written out (`password\u003dx`).
            Some(b'\\') if at(b"\\u003d") || at(b"\\u003D") => (6, true, false),
            Some(b'\\') if at(b"\\u003a") || at(b"\\u003A") => (6, false, false),
            Some(0x80..) if at("＝".as_bytes()) => (3, true, false),
            Some(0x80..) if at("：".as_bytes()) => (3, false, false),
            // `cvv#123`, `CVV - 123`: for digits only (below).
            Some(b'#' | b'-') if !quoted && matches!(class, Class::Cvv | Class::Sad) => {
                (1, false, false)
            }
            // `("cvv", "123")`, `[('password', 'x')]`: a pair in a tuple's repr (not a
            // list of names: `["cvv","pan","expiry"]`).
            // (Not a list of column names: `("email", "password") VALUES …`.)
            Some(b',')
                if quoted
                    && pair_value(rest).is_some_and(|v| {
                        // (A column's name holds key bytes only: `Hunter2!pass` is a value;
                        // a flag's value is one whatever it holds: `["--password",
                        // "Hunter2secret"]`.)
                        (ks > 0 && b[ks - 1] == b'-')
                            || !v.iter().all(|&c| is_key_byte(c) || c == b'.')
                            || std::str::from_utf8(v)
                                .is_ok_and(|v| self.e.key_class(v) == Class::None)
                    }) =>
            {
                (1, true, false)
            }
            _ => (0, false, false),
        };
        if is_word && sep != 0 && b[j] != b':' {
            return None;
        }
        // (A Rust `Debug` field or a YAML pair with a quoted value, `first_name:
        // "Khalid"`, is structured too.)
        let debug_field = sep == 1 && b[j] == b':' && {
            let v = j
                + 1
                + b[j + 1..]
                    .iter()
                    .take(4)
                    .take_while(|&&c| c == b' ')
                    .count();
            b.get(v) == Some(&b'"')
        };
        let structured = quoted || eq || debug_field;
        let personal = matches!(class, Class::Personal | Class::Iban | Class::PaymentId);
        // Personal data counts only in structured forms: `"k":`, `k=`, `<k>`; ids also
        // after a colon or a space (`passport: X1234567`, `NIK 3201…`: the value's shape
        // decides, below).
        // (And a cardholder's name after a colon: `Cardholder: KHALID ALMUTAIRI`, `Name on
        // card: …`; cardholder data beside a card's number.)
        let holder = personal
            && sep == 1
            && b[j] == b':'
            && (find_ci(&b[ks..ke], b"holder").is_some()
                || (ks >= 8 && b[ks - 8..ks].eq_ignore_ascii_case(b"name on ")));
        if personal && !structured && !holder {
            return None;
        }
        let digit_only = sep == 1 && matches!(b[j], b'#' | b'-');
        if sep == 0 || digit_only {
            // `cvv 123`, `PIN 8674`, `PIN block 0412…`, `password hunter2!`, `cvv#123`:
            // a value right after the key; not after a path's segment (`POST /cvv 200`).
            if ks > 0 && b[ks - 1] == b'/' {
                return None;
            }
            if digit_only {
                j += 1;
                ws(&mut j);
            } else if spaces == 0 && !quoted && matches!(b.get(j), Some(b'\n' | b'\r')) {
                if header_cell(b, ks, ke) {
                    return None;
                }
                // The value on the next line (`password\nP6uH…`, a dump of two lines): the
                // class's shape below decides.
                while j < n && j - ke < 16 && matches!(b[j], b'\n' | b'\r' | b' ' | b'\t') {
                    j += 1;
                }
            } else if (spaces == 0 && !is_word && b.get(j) != Some(&b'('))
                || (quoted && !(named_value && matches!(b.get(j), Some(b'"' | b'\''))))
            {
                return None;
            }
            // A tuple struct named as card data, authentication data or a credential,
            // holding bytes (`PinBlock([4, 18, 172, …])`, `CardNumber([4, 1, 1, …])`): the
            // list.
            if b.get(j) == Some(&b'(')
                && b.get(j + 1) == Some(&b'[')
                && j == ke
                && class.is_protected()
                && b[ks].is_ascii_uppercase()
            {
                let close = matching_close(b, j + 1, b'[', b']')?;
                return nonempty(j + 1, close + 1, s);
            }
            if b.get(j) == Some(&b'(') {
                // A tuple struct named as a credential, in `Debug`
                // (`Credentials("bob", "Hunter2!")`, `BasicAuth("u", "p")`): all it holds.
                // (A type's name starts with a capital; `gen_salt('bf')` is a call.)
                if j == ke && class == Class::Secret && b[ks].is_ascii_uppercase() {
                    let close = matching_close(b, j, b'(', b')')?;
                    let inner = &s[j + 1..close];
                    if inner.contains(['"', '\'']) && !is_masked(inner) && !is_placeholder(inner) {
                        // One quoted string (`Secret("x")`): inside its quotes.
                        let ib = inner.as_bytes();
                        let q = ib[0];
                        if ib.len() >= 3
                            && matches!(q, b'"' | b'\'')
                            && ib[ib.len() - 1] == q
                            && !ib[1..ib.len() - 1].contains(&q)
                        {
                            return nonempty(j + 2, close - 1, s);
                        }
                        return nonempty(j + 1, close, s);
                    }
                }
                j += 1;
            }
            // A placeholder in brackets (`SecretString([REDACTED])`, the `secrecy` crate's
            // `Secret([REDACTED alloc::string::String])`): nothing to hide.
            if b.get(j) == Some(&b'[') {
                let close = j + b[j..].iter().take(64).position(|&c| c == b']')?;
                let inner = &s[j..=close];
                if is_masked(inner) || is_placeholder(inner) || inner.starts_with("[REDACTED ") {
                    return None;
                }
            }
            let (vs, end) = if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
                let end = b[j + 1..].iter().take(PROBE).position(|&c| c == q)?;
                (j + 1, j + 1 + end)
            } else {
                (j, cjk_stop(b, j, bare_end_within(b, j, PROBE)))
            };
            let v = &b[vs..end];
            let lead_digits = v.iter().take_while(|c| c.is_ascii_digit()).count();
            // Digits of another script (`CVV ١٢٣`, `PIN ۱۲۳۴`, full-width `１２３`).
            if lead_digits == 0 && v.first().is_some_and(|&c| c >= 0x80) {
                let t = &s[vs..floor_boundary(s, end)];
                let (count, bytes) = t
                    .chars()
                    .take_while(|&c| is_decimal_digit(c))
                    .fold((0, 0), |(n, l), c| (n + 1, l + c.len_utf8()));
                let otp = ["otp", "passcode", "totp"]
                    .iter()
                    .any(|k| s[ks..ke].eq_ignore_ascii_case(k));
                let ok = match class {
                    Class::Cvv => (3..=4).contains(&count),
                    Class::Sad => (4..=12).contains(&count),
                    Class::Secret => (otp || is_word) && (4..=8).contains(&count),
                    _ => false,
                } && !t[bytes..].chars().next().is_some_and(char::is_alphanumeric);
                if ok {
                    return Some((vs, vs + bytes, vs + bytes));
                }
            }
            // `Your PIN is 1234.`: a number may end a sentence.
            let number = |lo: usize, hi: usize| {
                (lo..=hi).contains(&lead_digits)
                    && !v
                        .get(lead_digits)
                        .is_some_and(|c| c.is_ascii_alphanumeric())
            };
            // `PIN block 0412 AC89 FFFF 1234`: a block written in groups.
            let lead_hex = v.iter().take_while(|c| c.is_ascii_hexdigit()).count();
            let split = (class == Class::Sad)
                .then(|| split_pin_block(b, vs, lead_hex))
                .flatten();
            // `cvv 4 5 6`: a number spelled out a digit at a time.
            let spelled = |lo, hi| (lead_digits == 1).then(|| spelled_digits_end(b, vs, lo, hi));
            let (ok, end) = match class {
                Class::Cvv => match spelled(3, 4).flatten() {
                    Some(e) => (true, e),
                    None => (number(3, 4), vs + lead_digits),
                },
                Class::Sad => match split.or_else(|| spelled(4, 12).flatten()) {
                    Some(e) => (true, e),
                    None if number(4, 12) => (true, vs + lead_digits),
                    // A cryptogram in base64 after its name (`CAVV AAABBEg0…=`).
                    None if ["cavv", "tavv", "aav"]
                        .iter()
                        .any(|k| s[ks..ke].eq_ignore_ascii_case(k))
                        && (20..=40).contains(&v.len())
                        && v.iter().all(|&c| {
                            c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')
                        }) =>
                    {
                        (true, end)
                    }
                    None => (v.len() == 16 && v.iter().all(u8::is_ascii_hexdigit), end),
                },
                _ if digit_only => (false, end),
                Class::Secret => {
                    // A flag (`--password x`) and a column after a tab (`password\thunter2`)
                    // take any value; a one-time code its digits (`your OTP is 123456`);
                    // other prose needs a credential's shape.
                    let flag = after_double_dash(b, ks)
                        || single_dash_flag(b, ks)
                        || (b.get(ke) == Some(&b'\t') && tab_value_is_secret(v));
                    // A secret's name in a status (`secret "db-creds" not found`, kubectl's
                    // events).
                    if vs > j
                        && [
                            &b" not found"[..],
                            b" already exists",
                            b" created",
                            b" deleted",
                            b" configured",
                            b" unchanged",
                        ]
                        .iter()
                        .any(|w| b[end + 1..].starts_with(w))
                    {
                        return None;
                    }
                    // Another flag is no value (`-Name DbPassword -AsPlainText`).
                    if v.len() >= 2 && v[0] == b'-' && v[1].is_ascii_alphabetic() {
                        return None;
                    }
                    let otp = ["otp", "passcode", "totp"]
                        .iter()
                        .any(|k| s[ks..ke].eq_ignore_ascii_case(k));
                    // (A password of digits after a copula, `the password is 482913`;
                    // not a date, `password was 2023-05-01`, or a count, `password is 2048
                    // bits`.)
                    let pin = is_word.then(|| digit_password_end(b, vs, 4)).flatten();
                    // SMTP's `AUTH PLAIN <base64>` (and `LOGIN`, `XOAUTH2`): the mechanism,
                    // then the credential.
                    let sasl = s[ks..ke].eq_ignore_ascii_case("auth")
                        && ["PLAIN", "LOGIN", "XOAUTH2"]
                            .iter()
                            .any(|m| v == m.as_bytes())
                        && b.get(end) == Some(&b' ')
                        && bare_end(b, end + 1) > end + 1;
                    if sasl {
                        return Some((end + 1, bare_end(b, end + 1), bare_end(b, end + 1)));
                    }
                    if let Some(te) = telegram_token_end(b, vs) {
                        // (`bot token 123456789:AAH…`: the id and its secret half.)
                        (true, te)
                    } else if otp && number(4, 8) {
                        (true, vs + lead_digits)
                    } else if let Some(pe) = pin {
                        (true, pe)
                    } else {
                        // (`password geändert` is a status in prose too.)
                        let status = is_placeholder(&s[vs..end]);
                        // (In ASCII: `Passwort zurücksetzen` is a button's label.)
                        (flag || (prose_credential(v) && !status), end)
                    }
                }
                Class::NationalId => {
                    // `SSN: 123 45 6789`, `passport X1234567`, `123-45-6789`.
                    let e = id_run_end(b, vs);
                    let v = &b[vs..e];
                    let ok = v.len() >= 6 && v.iter().filter(|c| c.is_ascii_digit()).count() >= 4;
                    (ok, e)
                }
                _ => (false, end),
            };
            return (ok && end > vs).then_some((vs, end, end));
        }
        j += sep;
        // What starts the value decides which of these three may apply (most values start
        // with none of `$`, `i` or a capital after a `$` key).
        {
            let mut k = j;
            ws(&mut k);
            // A wrapper around a placeholder (`secrecy`'s `SecretBox<str>([REDACTED])`,
            // `Secret<String>(****)`, `Sensitive(..)`): nothing to hide.
            if b.get(k).is_some_and(u8::is_ascii_uppercase) && redacted_wrapper(s, k) {
                return None;
            }
            let t = &b[k..];
            // A variable named as the key (`verify(pin=pin)`, `password=password`).
            let name = &b[ks..ke];
            if t.len() >= name.len()
                && t[..name.len()].eq_ignore_ascii_case(name)
                && !t.get(name.len()).is_some_and(|&c| is_key_byte(c))
            {
                return None;
            }
            match t.first() {
                // GraphQL: an argument's variable (`password: $password`).
                Some(b'$')
                    if t.get(1..=name.len())
                        .is_some_and(|v| v.eq_ignore_ascii_case(name))
                        && !t.get(1 + name.len()).is_some_and(|&c| is_key_byte(c)) =>
                {
                    return None;
                }
                // serde's error about the value, with the value in it (axum's `Json`
                // rejection: ``cvv: invalid type: integer `123`, expected a string``,
                // `password: invalid type: string "…", expected …`).
                Some(b'i')
                    if t.starts_with(b"invalid type: ") || t.starts_with(b"invalid value: ") =>
                {
                    if let Some(v) = serde_unexpected(b, k) {
                        return Some(v);
                    }
                }
                // GraphQL: a variable's type (`$password: String!`).
                Some(_) if ks > 0 && b[ks - 1] == b'$' => {
                    let t = t.strip_prefix(b"[").unwrap_or(t);
                    let len = t
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                        .count();
                    if len > 0
                        && t[0].is_ascii_uppercase()
                        && matches!(t.get(len), Some(b'!' | b']' | b',' | b')' | b' ' | b'='))
                    {
                        return None;
                    }
                }
                _ => {}
            }
        }
        // A user and a password in a tuple (Python's `requests`: `auth=('bob', 'pw')`):
        // the password (the user is text).
        if class == Class::Secret {
            // (Spaces may stand before the tuple: `auth = ('admin', 'pw')`.)
            let t = j + b[j..].iter().take(4).take_while(|&&c| c == b' ').count();
            if b.get(t) == Some(&b'(') {
                if let Some((ps, pe)) = credential_pair(b, t) {
                    return nonempty(ps, pe, s);
                }
            }
        }
        // Terraform's placeholder for a sensitive value: nothing to hide.
        {
            let mut k = j;
            ws(&mut k);
            if b[k..].starts_with(b"(sensitive value)") || b[k..].starts_with(b"(sensitive)") {
                return None;
            }
        }
        // Spring's `on field 'password': rejected value [Hunter2!]`: the value in the
        // brackets.
        if quoted {
            let mut k = j;
            ws(&mut k);
            if b[k..].starts_with(b"rejected value [") {
                let vs = k + 16;
                let end = vs + b[vs..].iter().take(PROBE).position(|&c| c == b']')?;
                return nonempty(vs, end, s);
            }
        }
        // A value on the next line only when that line is not a key of its own
        // (`password:\n  hunter2`, not `secrets:\n  db_password: x`).
        ws(&mut j);
        // After an encoded separator, encoded spaces (`password%3A%20x`, `password%3A+x`).
        if encoded {
            while j - ke < 24 && (b[j..].starts_with(b"%20") || b.get(j) == Some(&b'+')) {
                j += if b[j] == b'+' { 1 } else { 3 };
            }
        }
        if matches!(b.get(j), Some(b'\n' | b'\r')) {
            let mut k = j;
            while k < n && k - j < 32 && matches!(b[k], b'\n' | b'\r' | b' ' | b'\t') {
                k += 1;
            }
            let key_next = match b.get(k) {
                // `"a": 1` on the next line is a key; `"hunter2"` a value.
                Some(&q @ (b'"' | b'\'')) => b[k + 1..]
                    .iter()
                    .take(PROBE)
                    .position(|&c| c == q)
                    .is_some_and(|p| {
                        let mut e = k + 2 + p;
                        while b.get(e) == Some(&b' ') {
                            e += 1;
                        }
                        b.get(e) == Some(&b':')
                    }),
                _ => {
                    let te = bare_end_within(b, k, PROBE);
                    te == k || looks_like_key(b, k, te)
                }
            };
            if key_next || b.get(k) == Some(&b'-') {
                // A YAML block under a credential, a CVV or a PIN key (`credentials:\n
                // knet: …\n  tap: …`, `api_keys:\n  - …`): masked whole, as an object
                // under such a key is.
                // (When each of its keys is one the masker protects, each masks its own
                // value: `secrets:\n  db_password: x` keeps `db_password`.)
                if matches!(class, Class::Secret | Class::Cvv | Class::Sad) {
                    if let Some(end) = yaml_block_end(b, ks, k) {
                        let unprotected = b[k..end].split(|&c| c == b'\n').any(|line| {
                            let l = line.trim_ascii();
                            match l.iter().position(|&c| c == b':') {
                                _ if l.is_empty() => false,
                                _ if l.starts_with(b"- ") => true,
                                Some(p) => std::str::from_utf8(&l[..p]).map_or(true, |key| {
                                    !self
                                        .e
                                        .key_class(key.trim_matches(['"', '\'']))
                                        .is_protected()
                                }),
                                None => true,
                            }
                        });
                        if unprotected {
                            return Some((k, end, end));
                        }
                    }
                }
                if key_next {
                    return None;
                }
            }
            j = k;
        }
        // PHP's `var_dump` types: `string(10) "x"` (the quoted string after it),
        // `int(1234)` (the number inside).
        if let Some(t) = [&b"string("[..], b"int(", b"float("]
            .iter()
            .find(|t| b[j..].starts_with(t))
        {
            let ds = j + t.len();
            let de = ds
                + b[ds..]
                    .iter()
                    .take(12)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
            if de > ds && b.get(de) == Some(&b')') {
                if t[0] == b's' && b.get(de + 1) == Some(&b' ') {
                    j = de + 2;
                } else if t[0] != b's' {
                    return nonempty(ds, de, s);
                }
            }
        }
        // Wrappers: Rust's `Debug` (`Some("737")`, `Secret("x")`, nested:
        // `Some(Cvc("739"))`), a YAML tag (`!secret x`), Python's byte and unicode strings
        // (`b'x'`).
        let mut k = j;
        while k < n && k - j < 24 && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
            k += 1;
        }
        // (And a function called on the value: `crypt('x', gen_salt('bf'))`, `md5('x')`.)
        let call = k > j
            && b.get(k) == Some(&b'(')
            && (b[j].is_ascii_uppercase() || matches!(b.get(k + 1), Some(b'\'' | b'"')));
        if call {
            for _ in 0..4 {
                j = k + 1;
                // `{:#?}` puts the inner value on its own line.
                while j < n && matches!(b[j], b' ' | b'\n' | b'\r' | b'\t') && j - k < 32 {
                    j += 1;
                }
                k = j;
                // (A path: `String::from("x")`.)
                while k < n
                    && k - j < 40
                    && (b[k].is_ascii_alphanumeric()
                        || b[k] == b'_'
                        || (b[k] == b':' && (b.get(k + 1) == Some(&b':') || b[k - 1] == b':')))
                {
                    k += 1;
                }
                if !(k > j && b.get(k) == Some(&b'(') && b[j].is_ascii_uppercase()) {
                    break;
                }
            }
        } else if k == j + 1
            && matches!(b[j], b'b' | b'u' | b'r')
            && matches!(b.get(k), Some(b'"' | b'\''))
        {
            j = k;
        } else if b.get(j) == Some(&b'!') {
            let te = j + b[j..].iter().take(32).position(|&c| c == b' ').unwrap_or(0);
            if te > j && b[j + 1..te].iter().all(u8::is_ascii_alphanumeric) {
                j = te;
                ws(&mut j);
            }
        }
        // A YAML block scalar: the value is on the next line.
        if matches!(b.get(j), Some(b'|' | b'>')) {
            let mut k = j + 1;
            while matches!(b.get(k), Some(b'-' | b'+')) {
                k += 1;
            }
            if matches!(b.get(k), Some(b'\n' | b'\r')) {
                while k < n && k - j < 32 && matches!(b[k], b'\n' | b'\r' | b' ' | b'\t') {
                    k += 1;
                }
                let end = b[k..].iter().position(|&c| c == b'\n').map_or(n, |p| k + p);
                return nonempty(k, end, s);
            }
        }
        // A credential, CVV or PIN in a struct's `Debug` (`SecretString { inner: "x" }`):
        // the struct whole.
        if matches!(class, Class::Secret | Class::Cvv | Class::Sad)
            && b.get(j).is_some_and(u8::is_ascii_uppercase)
        {
            let mut k = j;
            while k < n && k - j < 40 && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                k += 1;
            }
            if b.get(k) == Some(&b' ') {
                k += 1;
            }
            if b.get(k) == Some(&b'{') {
                let end = matching_close(b, k, b'{', b'}')?;
                return nonempty(j, end + 1, s);
            }
        }
        // A database error's `Key (email)=(bob@x.com)`: the value in its parentheses.
        if b.get(j) == Some(&b'(') && ks > 0 && b[ks - 1] == b'(' && b.get(ke) == Some(&b')') {
            let vs = j + 1;
            if let Some(len) = b[vs..].iter().take(VALUE_PROBE).position(|&c| c == b')') {
                return nonempty(vs, vs + len, s);
            }
        }
        // A quoted value, an escaped-quoted value (JSON inside a JSON string), an
        // URL-encoded or HTML-escaped quoted value, or a bare one.
        // A value in quotes escaped more than once (`\\\"123\\\"`): to the same escape.
        let escapes = b[j..].iter().take(8).take_while(|&&c| c == b'\\').count();
        if escapes > 1 && b.get(j + escapes) == Some(&b'"') {
            let open = &b[j..j + escapes + 1];
            let vs = j + escapes + 1;
            let end = find(b, vs, open).unwrap_or(n);
            return nonempty(vs, end, s);
        }
        for (open, close) in [
            // A TOML or Python multi-line string (`password = """\n…\n"""`).
            (&b"\"\"\""[..], &b"\"\"\""[..]),
            (b"'''", b"'''"),
            (b"\\\"", b"\\\""),
            (b"%22", b"%22"),
            (b"&quot;", b"&quot;"),
            (b"\\x22", b"\\x22"),
            (b"\\u0022", b"\\u0022"),
            (b"&#34;", b"&#34;"),
        ] {
            if b[j..].starts_with(open) {
                let vs = j + open.len();
                let end = find(b, vs, close).unwrap_or(n);
                return nonempty(vs, end, s);
            }
        }
        if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
            let vs = j + 1;
            let mut k = vs;
            // (SQL, YAML and PowerShell write a quote inside single quotes twice:
            // `'it''s'`.)
            while k < n && (b[k] != q || (q == b'\'' && k > vs && b.get(k + 1) == Some(&q))) {
                k += if b[k] == b'\\' || b[k] == q { 2 } else { 1 };
            }
            let end = k.min(n);
            return nonempty(vs, end, s);
        }
        let vs = j;
        if vs >= n {
            // `{"card":` at the end of a truncated document: no value.
            return None;
        }
        // An Erlang binary (`<<"x">>`): its string.
        if b[vs..].starts_with(b"<<\"") {
            let ss = vs + 3;
            if let Some(len) = b[ss..].iter().take(VALUE_PROBE).position(|&c| c == b'"') {
                return nonempty(ss, ss + len, s);
            }
        }
        match b.get(vs) {
            // A PEM block: the block rule takes it whole.
            Some(b'-') if b[vs..].starts_with(b"-----BEGIN ") => return None,
            // A JSON object: its own keys say what is sensitive (masking it whole would
            // break the document). `{hun;ter2}`: a connection string's braces.
            Some(b'{') => {
                // (Its keys may be quoted with escapes: `{\"number\":…}`, `{\x22number…`.)
                let first = b[vs + 1..]
                    .iter()
                    .position(|c| !c.is_ascii_whitespace())
                    .map_or(&b[n..], |p| &b[vs + 1 + p..]);
                let json = matches!(first.first(), Some(b'"' | b'}'))
                    || quote_entity(first).is_some()
                    || first.starts_with(b"%22")
                    || (first.first() == Some(&b'\\')
                        && first.iter().find(|&&c| c != b'\\') == Some(&b'"'));
                // A credential, CVV or PIN held in an object (`"password":{"value":"x"}`):
                // the object is masked whole (a card key's object keeps its own keys, whose
                // numbers the card rule masks).
                if json && !matches!(class, Class::Secret | Class::Cvv | Class::Sad) {
                    return None;
                }
                let end = matching_close(b, vs, b'{', b'}')?;
                return nonempty(vs, end + 1, s);
            }
            // `[a, b]` (an array of them), `<x>`: to the closing bracket (`[abc]def`, a
            // bracket inside a bare value, goes on below).
            Some(&o @ (b'[' | b'<')) => {
                let c = if o == b'[' { b']' } else { b'>' };
                // `{:#?}`'s list, an element per line (`pin_block: [\n    26,\n    43,\n],`).
                let end = match matching_close(b, vs, o, c) {
                    Some(end) => end,
                    None if o == b'[' => pretty_list_end(b, vs)?,
                    None => return None,
                };
                if !b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) {
                    return nonempty(vs, end + 1, s);
                }
            }
            _ => {}
        }
        // `password=abc)def`: in a form or query, only whitespace and `&` end it. Read
        // at most `VALUE_PROBE` bytes while the form may still fail (`cvv:cvv:cvv:…`
        // fails at each key: read whole, they took quadratic time); a value cut there
        // runs on to its end once taken (below).
        let form = eq && !encoded && class.is_protected();
        let mut end = if form {
            form_end_within(b, vs, VALUE_PROBE)
        } else {
            bare_end_within(b, vs, VALUE_PROBE)
        };
        // A header's line (`X-API-Key: AQE…-…=-W+t7NF;s4}%=kUSD`, an HTTP dump): a
        // dashed name at the line's start, `: `, and a credential to the line's end
        // (Adyen's keys hold `;`, `}` and `%`).
        if class == Class::Secret
            && !eq
            && b.get(vs.wrapping_sub(1)) == Some(&b' ')
            && b[ks..ke].contains(&b'-')
            && (ks == 0 || b[ks - 1] == b'\n')
            && end > vs
            && matches!(b.get(end), Some(b';' | b'}' | b'%' | b')' | b']' | b','))
        {
            end = run_end(b, vs, VALUE_PROBE, |c| {
                matches!(c, b'\n' | b'\r' | b' ' | b'\t')
            });
        }
        // A quote inside a bare credential (`ab"cd"ef1`, `it's-Mine`): a quote that ends
        // an enclosing string is followed by a delimiter, not a letter or digit.
        if class == Class::Secret {
            let mut guard = 0;
            while end > vs
                && guard < 8
                && matches!(b.get(end), Some(b'"' | b'\''))
                && b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                let cap = VALUE_PROBE.saturating_sub(end - vs);
                end = if form {
                    form_end_within(b, end + 1, cap)
                } else {
                    bare_end_within(b, end + 1, cap)
                };
                guard += 1;
            }
        }
        // A closing bracket of the call, struct or list the pair stands in
        // (`LoginRequest(email=…, password=X)`, `{password=X}`, a `tracing` span's
        // `login{password=X}: target`): not the value's, unless the value opens one.
        if end > vs + 2
            && matches!(b[end - 1], b':' | b',' | b';')
            && matches!(b[end - 2], b')' | b'}' | b']')
        {
            end -= 1;
        }
        while end > vs + 1 {
            let (open, close) = match b[end - 1] {
                b')' => (b'(', b')'),
                b'}' => (b'{', b'}'),
                b']' => (b'[', b']'),
                _ => break,
            };
            let line = b[ks.saturating_sub(PROBE)..ks]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(ks.saturating_sub(PROBE), |p| {
                    ks.saturating_sub(PROBE) + p + 1
                });
            let opened = b[line..ks].iter().filter(|&&c| c == open).count()
                > b[line..ks].iter().filter(|&&c| c == close).count();
            if !opened || b[vs..end - 1].contains(&open) {
                break;
            }
            end -= 1;
        }
        let cut = (end - vs >= VALUE_PROBE).then_some(end);
        // In an encoded form (`password%3Dx%26y%3D1`), its encoded `&` ends the value.
        if encoded {
            if let Some(p) = b[vs..end]
                .windows(3)
                .position(|w| w == b"%26" || w == b"%20")
            {
                end = vs + p;
            }
        }
        // A bare value that is itself a sensitive key (`password: cvv: 123`, `password=
        // pin 1234`) is not this key's value.
        if end > vs && looks_like_key(b, vs, end) {
            return None;
        }
        // Nor a protected key's pair that masks its own value (`token: dpan=4895…`):
        // that pair is read as its own.
        let kl = b[vs..end].iter().take_while(|&&c| is_key_byte(c)).count();
        if kl >= 2 && b.get(vs + kl) == Some(&b'=') && vs + kl + 1 < end {
            let inner = &b[vs + kl + 1..end];
            let digits = inner.iter().filter(|c| c.is_ascii_digit()).count();
            let masks_itself = match self.e.key_class(&s[vs..vs + kl]) {
                Class::Secret => true,
                Class::Card => digits >= 8,
                Class::Cvv => digits == inner.len() && (3..=4).contains(&digits),
                Class::Sad => digits >= 4,
                _ => false,
            };
            if masks_itself {
                return None;
            }
        }
        if class == Class::Secret && !eq && !quoted {
            // A validation message about the value (`password: length is lower than 12`,
            // `password: invalid length 5`, `password: must contain a digit`).
            let first = &b[vs..end];
            if b.get(end) == Some(&b' ')
                && [
                    &b"length"[..],
                    b"invalid",
                    b"must",
                    b"should",
                    b"cannot",
                    b"too",
                ]
                .iter()
                .any(|w| first.eq_ignore_ascii_case(w))
            {
                return None;
            }
            // `Authorization: Digest …`: the scheme, credential and parameters.
            // `password: correct horse battery staple`: the words after a colon, up to the
            // next key.
            let key = &s[ks..ke];
            end = if key.len() >= 13 && key.to_ascii_lowercase().contains("authorization") {
                auth_end(b, vs, end)
            } else if key.eq_ignore_ascii_case("cookie") || key.eq_ignore_ascii_case("set-cookie") {
                // A `Cookie:` header's every cookie (the session's is seldom the first).
                cookie_list_end(b, vs).max(end)
            } else if b.get(end) == Some(&b' ')
                && b.get(end + 1) != Some(&b'[')
                && is_auth_scheme(&s[vs..end])
            {
                // `token: Bearer x`, `access_token: Token x`: the scheme and its credential.
                let ce = bare_end(b, end + 1);
                if ce > end + 1 {
                    ce
                } else {
                    end
                }
            } else if b.get(end) == Some(&b',') && b[vs..end].contains(&b'=') {
                // `Stripe-Signature: t=…,v1=…`: a list of parameters, all of it.
                let mut e2 = end;
                while b.get(e2) == Some(&b',') && e2 - vs < PROBE * 4 {
                    let next = bare_end_within(b, e2 + 1, PROBE);
                    if next == e2 + 1 || !b[e2 + 1..next].contains(&b'=') {
                        break;
                    }
                    e2 = next;
                }
                e2
            } else if b[vs..end].iter().all(u8::is_ascii_digit)
                && ["otp", "passcode", "totp", "code"]
                    .iter()
                    .any(|k| key.eq_ignore_ascii_case(k))
            {
                // `OTP: 482913 valid for 5 minutes`: a code is its digits.
                end
            } else {
                self.words_end(end, true)
            };
        } else if class == Class::Secret && end < n && matches!(b[end], b' ' | b'\t') {
            // `Authorization=Bearer x`, `api_key=Token x`: the scheme and its credential.
            if is_auth_scheme(&s[vs..end]) {
                let cs = end + 1;
                let ce = bare_end(b, cs);
                if ce > cs {
                    end = ce;
                }
            }
        } else if class == Class::NationalId && b[vs].is_ascii_digit() {
            // `SSN: 123 45 6789`: an id's groups.
            end = id_run_end(b, vs).max(end);
        } else if class == Class::Sad {
            // `pin_block=0412 AC89 FFFF 1234`: a PIN block's groups.
            if let Some(e) = split_pin_block(b, vs, end - vs) {
                end = e;
            }
        } else if class == Class::Card && b[vs].is_ascii_digit() {
            // `pan = 4111 1111 1111 1111`: a card number's groups (not a CVV after them).
            end = card_groups_end(b, vs).max(end);
        } else if class == Class::Personal && (eq || holder) {
            // `name=John Smith age=3`: a name runs over its words, up to the next key.
            end = self.words_end(end, false);
        } else if class == Class::Sad && b[vs..end].contains(&b'^') {
            // Track 1 after its key: to its end sentinel or the line's end.
            end = b[vs..]
                .iter()
                .take(160)
                .position(|&c| c == b'?' || c == b'\n')
                .map_or((vs + 160).min(n), |p| {
                    vs + p + usize::from(b[vs + p] == b'?')
                });
            end = floor_boundary(s, end);
        }
        // `CVV: 4 5 6`, `pin=1 2 3 4`: a number spelled out a digit at a time.
        if matches!(class, Class::Cvv | Class::Sad) && end == vs + 1 {
            let (lo, hi) = if class == Class::Cvv { (3, 4) } else { (4, 12) };
            if let Some(e) = spelled_digits_end(b, vs, lo, hi) {
                end = e;
            }
        }
        // A word of prose after a CVV's key and a colon is no CVV (`validator: cvv: length
        // must be 3 or 4`).
        if class == Class::Cvv
            && !eq
            && !matches!(b[vs - 1], b'"' | b'\'')
            && end - vs >= 4
            && b[vs..end].iter().all(u8::is_ascii_lowercase)
        {
            return None;
        }
        let taken = nonempty(vs, end, s)?;
        // A value cut by the probe, taken: to its end, however long (it is written
        // and the scan goes on after it).
        if cut == Some(end) {
            let full = if form {
                form_end(b, vs)
            } else {
                bare_end(b, vs)
            };
            return Some((vs, full, full));
        }
        Some(taken)
    }
}

/// The second item of the pair whose `,` after a quoted key starts `rest` (`, "123")`,
/// `, 'x')]`: a quoted value, then the pair's end): the value inside its quotes.
pub(super) fn pair_value(rest: &[u8]) -> Option<&[u8]> {
    let mut p = rest[1..].iter().position(|&c| c != b' ')?;
    // Python's byte and unicode strings (`(b'cookie', b'…')`, an ASGI header).
    if matches!(rest[1 + p], b'b' | b'u') && matches!(rest.get(2 + p), Some(b'"' | b'\'')) {
        p += 1;
    }
    let q = rest[1 + p];
    // A list escaped once inside a JSON string (`"[\"--knet-password\", \"…\"]"`).
    if q == b'\\' && rest.get(2 + p) == Some(&b'"') {
        let vs = 3 + p;
        let close = find(rest, vs, b"\\\"").filter(|&c| c - vs <= PROBE)?;
        return matches!(
            rest[close + 2..].iter().find(|&&c| c != b' '),
            Some(b')' | b']') | None
        )
        .then_some(&rest[vs..close]);
    }
    if q != b'"' && q != b'\'' {
        return None;
    }
    let vs = 2 + p;
    // (A quote doubled inside single quotes is one quote: `'it''s'`.)
    let mut close = 0;
    loop {
        close += rest[vs + close..]
            .iter()
            .take(PROBE)
            .position(|&c| c == q)?;
        if !(q == b'\'' && close > 0 && rest.get(vs + close + 1) == Some(&q)) || close > PROBE {
            break;
        }
        close += 2;
    }
    let after = &rest[vs + close + 1..];
    let end = after.iter().position(|&c| c != b' ');
    // (A column list before `VALUES` is no pair: `INSERT INTO t ("password", "note")
    // VALUES …`.)
    let columns = end.is_some_and(|p| {
        after[p] == b')'
            && after
                .get(p + 1..p + 8)
                .is_some_and(|r| r.eq_ignore_ascii_case(b" values"))
    });
    (matches!(end.map(|p| after[p]), Some(b')' | b']') | None) && !columns)
        .then_some(&rest[vs..vs + close])
}

/// The second of two quoted strings in parentheses at `j` (`('bob', 'pw')`): its span.
pub(super) fn credential_pair(b: &[u8], j: usize) -> Option<(usize, usize)> {
    let quoted = |k: usize| -> Option<(usize, usize)> {
        let q = *b.get(k).filter(|&&c| c == b'"' || c == b'\'')?;
        let len = b[k + 1..].iter().take(PROBE).position(|&c| c == q)?;
        Some((k + 1, k + 1 + len))
    };
    let skip = |mut k: usize| {
        while b.get(k) == Some(&b' ') {
            k += 1;
        }
        k
    };
    let (_, ue) = quoted(skip(j + 1))?;
    let comma = skip(ue + 1);
    if b.get(comma) != Some(&b',') {
        return None;
    }
    let (ps, pe) = quoted(skip(comma + 1))?;
    (b.get(skip(pe + 1)) == Some(&b')')).then_some((ps, pe))
}

/// Whether the word at `i` is inside an AWS ARN (`arn:aws:secretsmanager:…`).
pub(super) fn in_arn(b: &[u8], i: usize) -> bool {
    let mut k = i;
    while k > 0 && i - k < 128 && !matches!(b[k - 1], b' ' | b'"' | b'\'' | b'\t' | b'\n' | b'=') {
        k -= 1;
    }
    b[k..i].starts_with(b"arn:")
}

/// Whether the word `i..e`, followed by `)`, is a key in parentheses before a separator
/// (`Key (card_number)=(…)`, a database error).
#[inline]
pub(super) fn paren_key(b: &[u8], i: usize, e: usize) -> bool {
    i > 0 && b[i - 1] == b'(' && matches!(b.get(e + 1), Some(b'=' | b':'))
}

/// Whether a separator follows the whitespace at `e` (`db_password = x`), or a copula
/// (`api-key is x`), as far as [`Scanner::may_be_key`] looks: 8 whitespace bytes and
/// what follows them.
#[inline]
pub(super) fn separator_after_spaces(b: &[u8], e: usize) -> bool {
    let end = b.len().min(e + 9);
    let mut k = e;
    while k < end && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r') {
        k += 1;
    }
    match b.get(k) {
        Some(b'=' | b':' | b'-' | b'#' | b'(') => k < end,
        Some(b'i' | b'w') => k < end && is_copula(&b[k..]),
        _ => false,
    }
}

/// `end`, or where a full stop or comma of a CJK script ends the ASCII value `b[vs..end]`
/// starts with (`Xk9QwZ7p。`: no space stands before it).
pub(super) fn cjk_stop(b: &[u8], vs: usize, end: usize) -> usize {
    let ascii = vs + b[vs..end].iter().take_while(|c| c.is_ascii()).count();
    let stop = ["。", "、", "，", "！", "？"]
        .iter()
        .any(|p| b[ascii..end].starts_with(p.as_bytes()));
    if stop && ascii > vs {
        ascii
    } else {
        end
    }
}

/// Copulas between a key and its value in prose, in English and the languages whose
/// password keys the scanner reads (`password is X`, `senha é X`, `Passwort lautet X`,
/// `le mot de passe est X`, `пароль был X`).
const COPULAS: [&str; 22] = [
    "is", "was", "ist", "lautet", "war", "é", "è", "e'", "es", "est", "era", "était", "jest", "är",
    "er", "был", "была", "было", "это", "هي", "هو", "إلى",
];

/// The length of a copula ([`COPULAS`]) at the start of `r` that a space or `: ` follows
/// (the copula alone); 0 for anything else.
#[inline]
pub(super) fn copula_len(r: &[u8]) -> usize {
    // (Most values start with none of the copulas' first bytes: one test rules them out.)
    if !matches!(
        r.first(),
        Some(b'i' | b'w' | b'l' | b'e' | b'j' | 0xc3 | 0xd0 | 0xd1 | 0xd8 | 0xd9)
    ) {
        return 0;
    }
    copula_in_list(r)
}

/// [`copula_len`] past its first-byte test.
#[inline(never)]
fn copula_in_list(r: &[u8]) -> usize {
    COPULAS
        .iter()
        .map(|c| c.as_bytes())
        .find(|c| {
            r.starts_with(c)
                && (r[c.len()..].starts_with(b" ")
                    || r[c.len()..].starts_with(b": ")
                    || wide_space(&r[c.len()..]) > 0)
        })
        .map_or(0, <[u8]>::len)
}

/// Particles glued to a key in Japanese, Chinese and Korean, with the value after them or
/// glued too (`パスワードは X`, `密码是X`, `비밀번호는 X`).
pub(super) const PARTICLES: [&str; 7] = ["は", "が", "是", "为", "는", "은", "가"];

/// The end of a number spelled out a digit at a time at `vs` (`4 5 6`, `1 2 3 4`, a code
/// read out on a call): `lo` to `hi` single digits joined by single spaces, not glued to a
/// word, a decimal or a longer number after it.
pub(super) fn spelled_digits_end(b: &[u8], vs: usize, lo: usize, hi: usize) -> Option<usize> {
    let digit = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
    let mut k = vs;
    let mut n = 0;
    while n < hi && digit(k) && !digit(k + 1) {
        n += 1;
        k += 1;
        if n < hi && b.get(k) == Some(&b' ') && digit(k + 1) && !digit(k + 2) {
            k += 1;
        } else {
            break;
        }
    }
    let glued = b.get(k).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
        || (matches!(b.get(k), Some(b'.' | b',' | b':' | b'/' | b'-')) && digit(k + 1))
        // (A further digit: more than `hi` of them, a list.)
        || (b.get(k) == Some(&b' ') && digit(k + 1));
    (n >= lo && !glued).then_some(k)
}

/// The end of a password of digits at `vs` (`fewest` to 12 of them: `支付密码为123456`,
/// `the password is 482913`): it ends where a word would (the end, whitespace, a quote, a
/// bracket, a list's separator, a character outside ASCII, a sentence's last `.`, `!` or
/// `?`), not inside a date, a time, a decimal or a longer word, and counts nothing
/// ([`before_count_word`]: `2048 bits`).
pub(super) fn digit_password_end(b: &[u8], vs: usize, fewest: usize) -> Option<usize> {
    let e = run_end(b, vs, 13, |c| !c.is_ascii_digit());
    let ends = match b.get(e) {
        None => true,
        Some(b'.' | b'!' | b'?') => !b.get(e + 1).is_some_and(u8::is_ascii_digit),
        Some(&c) => {
            c >= 0x80
                || matches!(
                    c,
                    b' ' | b'\t'
                        | b'\n'
                        | b'\r'
                        | b'"'
                        | b'\''
                        | b')'
                        | b']'
                        | b'}'
                        | b','
                        | b';'
                        | b'|'
                        | b'&'
                        | b'<'
                )
        }
    };
    ((fewest..=12).contains(&(e - vs)) && ends && !before_count_word(b, e)).then_some(e)
}

/// Whether a number that ends at `e` counts something named after it (`2048 bits`,
/// `10000 iterations`, `12 characters`).
pub(super) fn before_count_word(b: &[u8], e: usize) -> bool {
    let ws = e + b[e..].iter().take(2).take_while(|&&c| c == b' ').count();
    if ws == e {
        return false;
    }
    let we = run_end(b, ws, 16, |c| !c.is_ascii_alphabetic());
    one_of(
        &b[ws..we],
        &[
            b"bits",
            b"bytes",
            b"chars",
            b"characters",
            b"digits",
            b"letters",
            b"symbols",
            b"iterations",
            b"rounds",
            b"days",
            b"hours",
            b"minutes",
            b"seconds",
            b"times",
            b"attempts",
            b"tries",
            b"years",
            b"months",
            b"weeks",
            b"users",
            b"words",
            b"long",
        ],
    )
}

/// Whether `r` starts with `is` or `was` and a space or a colon: a key's value may follow
/// (`api-key is x`, `credential was x`, `the cvv is: 123`).
#[inline]
pub(super) fn is_copula(r: &[u8]) -> bool {
    r.starts_with(b"is ") || r.starts_with(b"is:") || r.starts_with(b"was ")
}

/// Whether the token `ks..ke` is a key of its own: followed (after spaces) by `:` or `=`.
pub(super) fn looks_like_key(b: &[u8], ks: usize, ke: usize) -> bool {
    let tok = &b[ks..ke];
    if tok.last() == Some(&b':') {
        return true;
    }
    let mut k = ke;
    while k < b.len() && k - ke < 4 && b[k] == b' ' {
        k += 1;
    }
    matches!(b.get(k), Some(b':' | b'='))
        && !b[k + 1..].starts_with(b"//")
        && tok.iter().all(|&c| is_key_byte(c))
}

/// Where the value of the first member of `b[from..to]` that holds an entry's value
/// ([`VALUE_MEMBERS`](crate::mask::VALUE_MEMBERS): `value`, `val`, `data`, `secret`, any
/// case, a whole word) begins: `"val": "…"`, `value: …`.
pub(super) fn first_value_member(b: &[u8], from: usize, to: usize) -> Option<usize> {
    (from..to).find_map(|at| {
        if at > 0 && is_key_byte(b[at - 1]) {
            return None;
        }
        let len = crate::mask::VALUE_MEMBERS.iter().find_map(|m| {
            let end = at + m.len();
            (end <= to
                && b[at..end].eq_ignore_ascii_case(m.as_bytes())
                && !b.get(end).is_some_and(|&c| is_key_byte(c)))
            .then_some(m.len())
        })?;
        member_value(b, at, len)
    })
}

/// Where the value of the member whose name (`len` bytes) starts at `at` begins (past
/// its closing quote, spaces, the `:` or `=` and spaces): `None` when no separator
/// follows the name.
pub(super) fn member_value(b: &[u8], at: usize, len: usize) -> Option<usize> {
    let mut v = at + len;
    if matches!(b.get(v), Some(b'"' | b'\'')) {
        v += 1;
    }
    while b.get(v) == Some(&b' ') {
        v += 1;
    }
    if !matches!(b.get(v), Some(b':' | b'=')) {
        return None;
    }
    v += 1;
    while b.get(v) == Some(&b' ') {
        v += 1;
    }
    Some(v)
}

/// Past the constructors that wrap a string in a `Debug` print (OpenTelemetry's
/// `Static("user.password")`, `String(Owned("…"))`), at most three: where the string
/// starts, or `k` when no such wrapper stands there.
fn past_wrappers(b: &[u8], k: usize) -> usize {
    let mut j = k;
    for _ in 0..3 {
        let n = b
            .get(j..)
            .unwrap_or_default()
            .iter()
            .take(12)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if n == 0 || !b[j].is_ascii_uppercase() || b.get(j + n) != Some(&b'(') {
            break;
        }
        j += n + 1;
        if matches!(b.get(j), Some(b'"' | b'\'')) {
            return j;
        }
    }
    k
}

/// Where the value of the first member of the object that opens at `b[open]` begins
/// (`{"stringValue":"…"}`): `None` when the object does not start with a quoted name and
/// a `:`.
fn first_member_value(b: &[u8], open: usize) -> Option<usize> {
    let mut j = open + 1;
    while b.get(j) == Some(&b' ') {
        j += 1;
    }
    let q = *b.get(j).filter(|&&c| c == b'"' || c == b'\'')?;
    let ns = j + 1;
    let len = b.get(ns..)?.iter().take(40).position(|&c| c == q)?;
    member_value(b, ns, len)
}

/// Past a Python string prefix before a quote (Python 2's `repr`: `u'password'`, `b'…'`).
fn past_str_prefix(b: &[u8], k: usize) -> usize {
    let prefixed =
        matches!(b.get(k), Some(b'u' | b'b')) && matches!(b.get(k + 1), Some(b'\'' | b'"'));
    k + usize::from(prefixed)
}

/// The quoted value of a tag's `value` attribute (`value="…"`, `value='…'`, any case),
/// looked for in `b[from..to]` (the tag, up to its `>`): its span.
pub(super) fn value_attr(b: &[u8], from: usize, to: usize) -> Option<(usize, usize)> {
    let tag = &b[from..to];
    let p = tag.windows(7).position(|w| {
        matches!(w[0], b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'')
            && w[1..].eq_ignore_ascii_case(b"value=")
    })?;
    let q = *tag.get(p + 7).filter(|&&c| c == b'"' || c == b'\'')?;
    let vs = from + p + 8;
    let ve = vs + b[vs..to].iter().position(|&c| c == q)?;
    Some((vs, ve))
}

/// Whether the quoted word at `ks` is the value of a key that names an entry
/// (`"field":"cvv"`, `'Key': 'DB_PASSWORD'`, `\"name\":\"pin\"`).
pub(super) fn names_an_entry(b: &[u8], ks: usize) -> bool {
    // Back over the opening quote, the separator and the key's closing quote.
    let mut k = ks;
    let back = |k: &mut usize, f: &dyn Fn(u8) -> bool, most: usize| {
        let start = *k;
        while *k > 0 && start - *k < most && f(b[*k - 1]) {
            *k -= 1;
        }
        start - *k
    };
    if back(&mut k, &|c| c == b'"' || c == b'\\' || c == b'\'', 8) == 0 {
        return false;
    }
    back(&mut k, &|c| c == b' ', 4);
    if k == 0 || b[k - 1] != b':' {
        return false;
    }
    k -= 1;
    back(&mut k, &|c| c == b' ', 4);
    if back(&mut k, &|c| c == b'"' || c == b'\\' || c == b'\'', 8) == 0 {
        return false;
    }
    let ke = k;
    back(&mut k, &|c| c.is_ascii_alphanumeric() || c == b'_', 16);
    let key = &b[k..ke];
    crate::mask::ENTRY_NAMES
        .iter()
        .any(|n| key.eq_ignore_ascii_case(n.as_bytes()))
}

/// The `:` after the next member's key when `b[j]` is the `,` before it, and whether
/// that member holds a value (`value`, `val` …; not `message`: `{"field":"password",
/// "message":"too short"}` is an error about the field)
/// (`,"value":`, `, 'Value':`, `,\"val\":`).
pub(super) fn next_member_colon(b: &[u8], j: usize) -> Option<(usize, bool)> {
    let mut k = j + 1;
    while k < b.len() && k - j < 6 && matches!(b[k], b' ' | b'\\') {
        k += 1;
    }
    let q = *b.get(k).filter(|&&c| c == b'"' || c == b'\'')?;
    let ks = k + 1;
    let ke = ks
        + b[ks..]
            .iter()
            .take(64)
            .take_while(|&&c| is_key_byte(c))
            .count();
    let value = crate::mask::VALUE_MEMBERS
        .iter()
        .any(|v| b[ks..ke].eq_ignore_ascii_case(v.as_bytes()));
    k = ke;
    while k < b.len() && k - ke < 6 && b[k] == b'\\' {
        k += 1;
    }
    if ke == ks || b.get(k) != Some(&q) {
        return None;
    }
    k += 1;
    while k < b.len() && k - ke < 12 && matches!(b[k], b' ' | b'\\' | b'"') {
        k += 1;
    }
    (b.get(k) == Some(&b':')).then_some((k, value))
}

/// The closing `close` of the bracket `open` at `i` (nested ones counted), within
/// [`PROBE`]×8 bytes and the line.
pub(super) fn matching_close(b: &[u8], i: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &c) in b[i..].iter().enumerate().take(PROBE * 8) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i + k);
            }
        } else if c == b'\n' && open != b'{' {
            return None;
        }
    }
    None
}

/// The end of a value in a form or a query: whitespace and `&` end it (its other bytes,
/// `)`, `]`, `%20`, are the value's).
pub(super) fn form_end(b: &[u8], vs: usize) -> usize {
    form_end_within(b, vs, usize::MAX)
}

/// [`form_end`], looking at most `cap` bytes (then on to a character's end).
pub(super) fn form_end_within(b: &[u8], vs: usize, cap: usize) -> usize {
    run_end(b, vs, cap, |c| {
        matches!(
            c,
            b' ' | b'\t' | b'\n' | b'\r' | b'&' | b'"' | b'\'' | b',' | b';'
        )
    })
}

/// The end of an id's digits at `vs`: digits and letters in groups joined by single spaces
/// or dashes (`123 45 6789`, `123-45-6789`, `X1234567`).
/// The end of a card number written in groups at `vs`: 4-4-4-4 (or fewer digits in the
/// last group) or 4-6-5/4-6-4, joined by single spaces or dashes; at most 16 digits, so a
/// CVV after the number is never part of it.
pub(super) fn card_groups_end(b: &[u8], vs: usize) -> usize {
    let group = |k: usize| k + b[k..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut end = group(vs);
    if end - vs != 4 {
        return end;
    }
    let (mut total, mut n) = (4, 1);
    while total < 16 && matches!(b.get(end), Some(b' ' | b'-')) {
        let ge = group(end + 1);
        let g = ge - end - 1;
        let fits = match n {
            // 4-6-…: American Express and Diners.
            1 => g == 4 || g == 6,
            _ if total == 10 => matches!(g, 4 | 5),
            _ => (1..=4).contains(&g),
        };
        if g == 0 || !fits || total + g > 16 {
            break;
        }
        total += g;
        n += 1;
        end = ge;
        if g < 4 && total != 15 {
            break;
        }
    }
    end
}

pub(super) fn id_run_end(b: &[u8], vs: usize) -> usize {
    let mut k = vs;
    while k < b.len() && k - vs < 24 {
        let joins = matches!(b[k], b' ' | b'-') && b.get(k + 1).is_some_and(u8::is_ascii_digit);
        if !(b[k].is_ascii_alphanumeric() || joins) {
            break;
        }
        k += 1;
    }
    k
}

/// The end of an `Authorization` value whose first token ends at `end`: the scheme, its
/// credential, and parameters joined by `, ` (`Digest username="a", response="…"`,
/// `AWS4-HMAC-SHA256 Credential=…, Signature=…`), up to the first space not after a comma.
pub(super) fn auth_end(b: &[u8], vs: usize, end: usize) -> usize {
    // The credential after the scheme, past any run of spaces (`Bearer  x`).
    let mut k = end;
    while k < b.len() && matches!(b[k], b' ' | b'\t') && k - end < 8 {
        k += 1;
    }
    if k == end || !b.get(k).is_some_and(|c| !c.is_ascii_whitespace()) {
        return end;
    }
    // A quoted credential (`Bearer "x"`): to its closing quote.
    if let Some(&q @ (b'"' | b'\'')) = b.get(k) {
        if let Some(p) = b[k + 1..].iter().take(PROBE * 4).position(|&c| c == q) {
            return k + 2 + p;
        }
    }
    while k < b.len() && !matches!(b[k], b'\n' | b'\r') && k - vs < PROBE * 4 {
        if b[k] == b' ' {
            // After `, ` only a parameter (`realm="x"`) goes on.
            let next = bare_end_within(b, k + 1, PROBE);
            if b[k - 1] != b',' || !b[k + 1..next.max(k + 1)].contains(&b'=') {
                break;
            }
        }
        if matches!(b[k], b'<' | b'\'') || (b[k] == b'"' && !b[vs..k].contains(&b'=')) {
            break;
        }
        k += 1;
    }
    k
}

/// The length of an escaped double quote at the start of `r`: HTML's `&quot;` or `&#34;`,
/// nginx's `\x22`, JSON's `\u0022` (what .NET's and JavaScript's encoders write for `"`);
/// `None` for anything else.
pub(super) fn quote_entity(r: &[u8]) -> Option<usize> {
    [&b"&quot;"[..], b"\\x22", b"\\u0022", b"&#34;"]
        .iter()
        .find(|e| r.starts_with(e))
        .map(|e| e.len())
}

/// The flat object that is the value of a key whose closing quote is at `e` (`"phone":
/// {"cc":"965","number":"…"}`): its `{` and its `}`, within [`PROBE`] bytes and with no
/// object inside it.
fn flat_object(b: &[u8], e: usize) -> Option<(usize, usize)> {
    let mut k = e + 1;
    while matches!(b.get(k), Some(b' ' | b':')) && k - e < 6 {
        k += 1;
    }
    if b.get(k) != Some(&b'{') || !b[e + 1..k].contains(&b':') {
        return None;
    }
    let close = k + b[k..].iter().take(PROBE).position(|&c| c == b'}')?;
    (!b[k + 1..close].contains(&b'{')).then_some((k, close))
}

/// Whether a type's name at `j` wraps a placeholder (`SecretBox<str>([REDACTED])`,
/// `Secret<String>(****)`, `Sensitive(..)`, `Redacted(..)`): a name, its generic
/// arguments, then parentheses around nothing to hide.
fn redacted_wrapper(s: &str, j: usize) -> bool {
    let b = s.as_bytes();
    let mut k = j;
    while k < b.len()
        && k - j < 40
        && (b[k].is_ascii_alphanumeric() || b[k] == b'_' || b[k] == b':')
    {
        k += 1;
    }
    if b.get(k) == Some(&b'<') {
        let Some(c) = b[k..].iter().take(48).position(|&c| c == b'>') else {
            return false;
        };
        k += c + 1;
    }
    if b.get(k) != Some(&b'(') {
        return false;
    }
    let Some(c) = b[k + 1..].iter().take(64).position(|&c| c == b')') else {
        return false;
    };
    let inner = s[k + 1..k + 1 + c].trim();
    inner == ".."
        || inner == "…"
        || inner.starts_with("[REDACTED")
        || is_masked(inner)
        || is_placeholder(inner)
}

/// The text of a `<value>` element that follows only whitespace at `ts..te` (`te` at a
/// `<`): `(start, end)` of its text.
fn value_element(b: &[u8], ts: usize, te: usize) -> Option<(usize, usize)> {
    if !b[ts..te].iter().all(u8::is_ascii_whitespace) || !b[te..].starts_with(b"<value>") {
        return None;
    }
    let vs = te + 7;
    let ve = vs + b[vs..].iter().take(VALUE_PROBE).position(|&c| c == b'<')?;
    Some((vs, ve))
}

/// Whether the word at `ks` is (the last part of) a log line's target: after a module
/// path's `::` (`pay_api::auth`), or after a level (`INFO auth`, `ERROR token`) that
/// follows a space or starts the text.
fn is_log_target(b: &[u8], ks: usize) -> bool {
    if ks >= 2 && &b[ks - 2..ks] == b"::" {
        return true;
    }
    let mut k = ks;
    while k > 0 && ks - k < 3 && b[k - 1] == b' ' {
        k -= 1;
    }
    if k == ks {
        return false;
    }
    ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].iter().any(|l| {
        let l = l.as_bytes();
        k >= l.len()
            && &b[k - l.len()..k] == l
            && (k == l.len() || matches!(b[k - l.len() - 1], b' ' | b'\t' | b']'))
    })
}

/// The value serde's error quotes after `invalid type: ` or `invalid value: ` at `k`
/// (``integer `123` ``, `string "x"`, ``floating point `1.5` ``): `(start, end, end)`.
fn serde_unexpected(b: &[u8], k: usize) -> Option<(usize, usize, usize)> {
    let r = &b[k..b.len().min(k + 48)];
    let open = r.iter().position(|&c| c == b'`' || c == b'"')?;
    let q = r[open];
    let vs = k + open + 1;
    let len = b[vs..].iter().take(VALUE_PROBE).position(|&c| c == q)?;
    (len > 0).then_some((vs, vs + len, vs + len))
}

/// The `]` of a list that `{:#?}` printed an element per line from the `[` at `vs`
/// (`[\n    26,\n    43,\n]`): numbers or quoted strings, each with its `,`, at most 256
/// lines.
fn pretty_list_end(b: &[u8], vs: usize) -> Option<usize> {
    let mut k = vs + 1;
    if !matches!(b.get(k), Some(b'\n' | b'\r')) {
        return None;
    }
    for _ in 0..256 {
        while matches!(b.get(k), Some(b'\n' | b'\r' | b' ' | b'\t')) {
            k += 1;
        }
        match b.get(k)? {
            b']' => return Some(k),
            b'0'..=b'9' | b'-' => {
                k += b[k..]
                    .iter()
                    .take(24)
                    .take_while(|c| c.is_ascii_digit() || matches!(c, b'-' | b'.'))
                    .count();
            }
            &q @ (b'"' | b'\'') => {
                k += 1 + b[k + 1..].iter().take(PROBE).position(|&c| c == q)? + 1;
            }
            _ => return None,
        }
        if b.get(k) != Some(&b',') {
            return None;
        }
        k += 1;
    }
    None
}

/// The end of a `Cookie:` header's list at `vs`: `name=value` pairs joined by `;` and
/// spaces (`_ga=GA1.2.3; sid=s%3Aabc`), to the last pair's value; at most
/// [`VALUE_PROBE`] bytes.
fn cookie_list_end(b: &[u8], vs: usize) -> usize {
    let token = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'%' | b'$');
    let mut k = vs;
    let mut end = vs;
    loop {
        let ns = k;
        while b.get(k).is_some_and(|&c| token(c)) && k - vs < VALUE_PROBE {
            k += 1;
        }
        if k == ns || b.get(k) != Some(&b'=') {
            return end;
        }
        k += 1;
        while b.get(k).is_some_and(|&c| {
            !matches!(c, b';' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b',')
        }) && k - vs < VALUE_PROBE
        {
            k += 1;
        }
        end = k;
        if b.get(k) != Some(&b';') {
            return end;
        }
        k += 1;
        while b.get(k) == Some(&b' ') {
            k += 1;
        }
    }
}

/// The end of a YAML block whose first line's content starts at `k`, under the key at
/// `ks` that ends its own line: the lines indented deeper than the key's (a sequence's
/// `- ` items may stand at the key's own indentation), blank lines among them; at most
/// [`VALUE_PROBE`] bytes. `None` when the first line is not indented so.
fn yaml_block_end(b: &[u8], ks: usize, k: usize) -> Option<usize> {
    let line_start = |p: usize| {
        b[..p]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |x| x + 1)
    };
    let ks_line = line_start(ks);
    let key_indent = b[ks_line..ks].iter().take_while(|&&c| c == b' ').count();
    // (Text may stand before the key on its line: `dump: secrets:`.)
    let inside = |ls: usize| -> bool {
        let indent = b[ls..].iter().take_while(|&&c| c == b' ').count();
        indent > key_indent || (indent == key_indent && b[ls + indent..].starts_with(b"- "))
    };
    let first = line_start(k);
    if !inside(first) {
        return None;
    }
    let mut end = k;
    let mut ls = first;
    while ls < b.len() && ls - first < VALUE_PROBE {
        let le = ls
            + b[ls..]
                .iter()
                .position(|&c| c == b'\n')
                .unwrap_or(b.len() - ls);
        let blank = b[ls..le].iter().all(|c| c.is_ascii_whitespace());
        if !blank {
            if !inside(ls) {
                break;
            }
            end = if le > ls && b[le - 1] == b'\r' {
                le - 1
            } else {
                le
            };
        }
        ls = le + 1;
    }
    (end > k).then_some(end)
}
