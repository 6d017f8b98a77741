//! SQL: a password in `CREATE USER … IDENTIFIED BY 'pw'`, and the values of an `INSERT`
//! under sensitive columns (`INSERT INTO t (pan, cvv) VALUES ('…', '123')`).

use super::*;

impl<E: Emit> Scanner<'_, '_, E> {
    /// SQL's `INSERT INTO t (pan, cvv, name) VALUES ('…', '123', '…'), (…)` at the word
    /// `VALUES` (`i..e`): each value masked as its column's key (a column list names
    /// them; placeholders `?`, `$1`, `:cvv`, `%s`, `@cvv` and `DEFAULT` hold nothing), the other values scanned as
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
        // (The `(` is found before the subtraction: `) VALUES` may start the text.)
        let back = b[..close - 1]
            .iter()
            .rev()
            .take(PROBE)
            .position(|&c| c == b'(')?;
        let open = close - 2 - back;
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
        // The class of the value each bind parameter stands for (`$2` or the second `?`
        // under `password`): a bind list after the statement is read by it.
        let mut binds = [Class::None; 32];
        let mut next_bind = 0;
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
                let bare = !matches!(b.get(k), Some(b'\'' | b'"'));
                let (vs, ve, next) = match b.get(k) {
                    Some(&q @ (b'\'' | b'"')) => {
                        let j = string_end(b, k + 1, q)?;
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
                        // No `,` or `)` within the cap: no SQL value (`cargo fuzz` found a
                        // value cut inside a card number, its halves scanned apart).
                        if j - k >= PROBE {
                            return end;
                        }
                        let v = b[k..j].trim_ascii_end();
                        (k, k + v.len(), j)
                    }
                    None => return end,
                };
                // (`%s`, `%(pw)s`: Python's DB-API; `@pw`: T-SQL; `DEFAULT`: the column's.)
                let placeholder = bare
                    && (matches!(b.get(vs), Some(b'?' | b'$' | b':' | b'%' | b'@'))
                        || b[vs..ve].eq_ignore_ascii_case(b"null")
                        || b[vs..ve].eq_ignore_ascii_case(b"default")
                        || b[vs..ve].contains(&b'('));
                let call = bare && b[vs..ve].contains(&b'(');
                if bare && matches!(b.get(vs), Some(b'?' | b'$')) {
                    let number = std::str::from_utf8(&b[vs + 1..ve]).ok();
                    let index = match number.and_then(|d| d.parse::<usize>().ok()) {
                        Some(d) => d.checked_sub(1),
                        None => Some(next_bind),
                    };
                    if let Some(slot) = index.and_then(|x| binds.get_mut(x)) {
                        *slot = class;
                    }
                    next_bind += 1;
                }
                if class != Class::None && call && vs >= self.last {
                    // A call's string arguments are the column's value, hashed or
                    // encrypted by the database (`crypt('pw', gen_salt('bf'))`,
                    // `AES_ENCRYPT('4111…', @k)`, `PASSWORD('pw')`): each one masked.
                    // Only the outer call's own arguments (`crypt(?, gen_salt('bf'))`
                    // keeps the salt's algorithm).
                    let mut depth = 0usize;
                    let mut a = vs;
                    while a < ve {
                        match b[a] {
                            b'(' => depth += 1,
                            b')' => depth = depth.saturating_sub(1),
                            q @ (b'\'' | b'"') => {
                                let qs = a + 1;
                                let Some(len) = b[qs..ve].iter().position(|&c| c == q) else {
                                    break;
                                };
                                if len > 0 && depth == 1 {
                                    self.scan_part(self.last, qs);
                                    self.put(qs, qs + len, Hit::Keyed(class));
                                    masked = true;
                                }
                                a = qs + len;
                            }
                            _ => {}
                        }
                        a += 1;
                    }
                } else if class != Class::None && ve > vs && !placeholder && vs >= self.last {
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
        // A bind list after the statement (Diesel's `-- binds: [...]`, `params: [...]`,
        // `args=[...]`): each value masked as its parameter's column.
        if let Some(k) = end.filter(|_| binds.iter().any(|&c| c != Class::None)) {
            if let Some(list_end) = self.bind_list(k, &binds) {
                end = Some(list_end);
                masked = true;
            }
        }
        // What follows the last masked value in the rows is text too.
        let end = end.filter(|_| masked)?;
        if self.last < end {
            self.scan_part(self.last.max(e), end);
        }
        Some(end)
    }

    /// SQL's `UPDATE t SET password = $1, cvv = ? WHERE id = $2` at the word `SET`
    /// (`i..e`), with a bind list after the statement (Diesel's `-- binds: ["…", 42]`,
    /// SQLAlchemy's `[parameters: ('…', 42)]`): each bound value masked as the column its
    /// placeholder is assigned to. Where to go on: past the bind list; `None` when no
    /// assigned column is a key the masker knows, or no bind list follows.
    #[inline(never)]
    pub(super) fn sql_set(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        // In an `UPDATE` only (`SET` is a word of prose too).
        find_ci(&b[i.saturating_sub(PROBE)..i], b"update ")?;
        let mut binds = [Class::None; 32];
        let mut next_bind = 0;
        let mut k = e;
        let skip = |k: &mut usize| {
            while matches!(b.get(*k), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                *k += 1;
            }
        };
        for _ in 0..binds.len() {
            skip(&mut k);
            // The column (`password`, `"password"`, `users.password`, `` `pin` ``).
            let cs = k;
            while b
                .get(k)
                .is_some_and(|&c| is_key_byte(c) || matches!(c, b'.' | b'"' | b'`' | b'[' | b']'))
                && k - cs < 64
            {
                k += 1;
            }
            // (Its last part, without quotes or brackets.)
            let col = b[cs..k].rsplit(|&c| c == b'.').next().unwrap_or(&[]);
            let col = match col.iter().position(|&c| is_key_byte(c)) {
                Some(p) => {
                    let r = &col[p..];
                    &r[..r.iter().take_while(|&&c| is_key_byte(c)).count()]
                }
                None => &[][..],
            };
            skip(&mut k);
            if col.is_empty() || b.get(k) != Some(&b'=') {
                break;
            }
            k += 1;
            skip(&mut k);
            // The value: a placeholder (`$1`, `?`, `%s`, `%(pw)s`, `:pw`) or anything else
            // to the next `,` at its depth (a literal is the keyed-form rule's).
            let vs = k;
            let mut depth = 0usize;
            while let Some(&c) = b.get(k) {
                match c {
                    b'(' => depth += 1,
                    b')' if depth > 0 => depth -= 1,
                    b',' | b' ' | b'\t' | b'\n' | b'\r' | b')' | b']' | b';' if depth == 0 => break,
                    b'\'' | b'"' => {
                        let len = b[k + 1..].iter().take(PROBE).position(|&x| x == c)?;
                        k += len + 1;
                    }
                    _ => {}
                }
                k += 1;
                if k - vs > PROBE {
                    return None;
                }
            }
            let v = &b[vs..k];
            let positional =
                v == b"?" || v == b"%s" || (v.starts_with(b"%(") && v.ends_with(b")s"));
            let numbered = match v {
                [b'$' | b'?', d @ ..] if !d.is_empty() && d.iter().all(u8::is_ascii_digit) => {
                    std::str::from_utf8(d)
                        .ok()?
                        .parse::<usize>()
                        .ok()?
                        .checked_sub(1)
                }
                _ => None,
            };
            let slot = match (positional, numbered) {
                (true, _) => Some(next_bind),
                (_, Some(n)) => Some(n),
                _ => None,
            };
            if positional || numbered.is_some() {
                next_bind += 1;
            }
            if let Some(x) = slot.and_then(|x| binds.get_mut(x)) {
                *x = self.e.key_class(std::str::from_utf8(col).ok()?);
            }
            skip(&mut k);
            if b.get(k) != Some(&b',') {
                break;
            }
            k += 1;
        }
        if binds.iter().all(|&c| c == Class::None) {
            return None;
        }
        // The bind list after the rest of the statement (its `WHERE`).
        let window = &b[k..b.len().min(k + PROBE)];
        let at = BIND_LISTS
            .iter()
            .map(|&(m, _)| m)
            .chain([NUMBERED_BINDS, PG_PARAMETERS, HIBERNATE_BIND])
            .filter_map(|m| find(window, 0, m))
            .min()?;
        let end = self.bind_list(k + at, &binds)?;
        if self.last < end {
            self.scan_part(self.last.max(e), end);
        }
        Some(end)
    }

    /// The values of a bind list that follows a statement ending at `from` (within a few
    /// bytes: `-- binds: ["a", "b"]`, `params: [a, b]`, `args=["a","b"]`), each masked
    /// as the class `binds` gives its position; the list's end when one was masked.
    fn bind_list(&mut self, from: usize, binds: &[Class; 32]) -> Option<usize> {
        let b = self.b;
        let window = &b[from..b.len().min(from + 48)];
        // Numbered: `[$1 = 'a', $2 = 'b']`, Hibernate's `binding parameter [2] as
        // [VARCHAR] - [b]` (one per parameter).
        if let Some(p) = find(window, 0, NUMBERED_BINDS) {
            return self.numbered_binds(from + p + 1, binds);
        }
        // PostgreSQL's own log of them (`DETAIL:  parameters: $1 = '…', $2 = '42'`).
        if let Some(p) = find(window, 0, PG_PARAMETERS) {
            return self.numbered_binds(from + p + PG_PARAMETERS.len() - 1, binds);
        }
        if find(window, 0, HIBERNATE_BIND).is_some() {
            return self.hibernate_binds(from, binds);
        }
        let (open, close) = BIND_LISTS
            .iter()
            .find_map(|&(m, c)| find(window, 0, m).map(|p| (from + p + m.len(), c)))?;
        let mut k = open;
        let mut masked = false;
        for &class in binds.iter() {
            while b.get(k) == Some(&b' ') {
                k += 1;
            }
            if k >= b.len() {
                break;
            }
            let (vs, ve, next) = bind_value(b, k, close)?;
            if class != Class::None && ve > vs && vs >= self.last {
                self.scan_part(self.last, vs);
                self.put(vs, ve, Hit::Keyed(class));
                masked = true;
            }
            k = next;
            while b.get(k) == Some(&b' ') {
                k += 1;
            }
            match b.get(k) {
                Some(b',') => k += 1,
                Some(&c) if c == close => return self.list_end(masked, k + 1),
                _ => break,
            }
        }
        self.list_end(masked, k)
    }
}

impl<E: Emit> Scanner<'_, '_, E> {
    /// Where to go on after a list of bind values that ends at `end`, when one was
    /// `masked`: what stands after the last one masked (values of no sensitive column)
    /// is scanned first, since the main loop goes on from `end`.
    fn list_end(&mut self, masked: bool, end: usize) -> Option<usize> {
        if masked && end > self.last {
            self.scan_part(self.last, end);
        }
        masked.then_some(end)
    }

    /// `$1 = 'a', $2 = 'b']` from `k` (at the first `$`): each value masked as the class
    /// `binds` gives its number; the list's end when one was masked.
    fn numbered_binds(&mut self, mut k: usize, binds: &[Class; 32]) -> Option<usize> {
        let b = self.b;
        let mut masked = false;
        for _ in 0..binds.len() {
            if b.get(k) != Some(&b'$') {
                break;
            }
            let (de, class) = bind_number(b, k + 1, binds)?;
            k = de;
            while matches!(b.get(k), Some(b' ' | b'=')) && k - de < 4 {
                k += 1;
            }
            let (vs, ve, next) = bind_value(b, k, b']')?;
            if class != Class::None && ve > vs && vs >= self.last {
                self.scan_part(self.last, vs);
                self.put(vs, ve, Hit::Keyed(class));
                masked = true;
            }
            k = next;
            while b.get(k) == Some(&b' ') {
                k += 1;
            }
            match b.get(k) {
                Some(b',') => k += 1,
                Some(b']') => return self.list_end(masked, k + 1),
                _ => break,
            }
            while b.get(k) == Some(&b' ') {
                k += 1;
            }
        }
        self.list_end(masked, k)
    }

    /// Hibernate's `binding parameter [N] as [TYPE] - [value]` after `from`, each within
    /// [`PROBE`] bytes of the one before: each value masked as the class `binds` gives
    /// `N`; the end of the last one masked.
    fn hibernate_binds(&mut self, from: usize, binds: &[Class; 32]) -> Option<usize> {
        let b = self.b;
        const MARK: &[u8] = HIBERNATE_BIND;
        let mut at = from;
        let mut end = None;
        for _ in 0..binds.len() {
            let to = b.len().min(at + PROBE);
            let Some(p) = find(&b[..to], at, MARK) else {
                break;
            };
            let (de, class) = bind_number(b, p + MARK.len(), binds)?;
            // `] as [VARCHAR] - [`: the value's bracket after the type's.
            let Some(open) = find(&b[..b.len().min(de + 48)], de, b"] - [") else {
                break;
            };
            let vs = open + 5;
            let Some(len) = b[vs..].iter().take(PROBE).position(|&c| c == b']') else {
                break;
            };
            let ve = vs + len;
            if class != Class::None && ve > vs && vs >= self.last {
                self.scan_part(self.last, vs);
                self.put(vs, ve, Hit::Keyed(class));
                end = Some(ve);
            }
            at = ve + 1;
        }
        end
    }
}

/// The end of a quoted SQL string whose text starts at `from` and whose quote is `q`, a
/// quote doubled inside it being one quote (`'it''s'`): the closing quote's index, each
/// stretch between quotes looked for within [`VALUE_PROBE`] bytes.
fn string_end(b: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut j = from;
    loop {
        j += b[j..].iter().take(VALUE_PROBE).position(|&c| c == q)?;
        if b.get(j + 1) != Some(&q) {
            return Some(j);
        }
        j += 2;
    }
}

/// Bind lists after a statement, and the byte that closes each (SQLAlchemy's
/// `[parameters: ('a', 'b')]` is a tuple, closed by `)`): [`Scanner::bind_list`] reads
/// them, and [`Scanner::sql_set`] looks for them (and the three forms below) after an
/// `UPDATE`'s `WHERE`.
const BIND_LISTS: [(&[u8], u8); 6] = [
    (b"binds: [", b']'),
    (b"params: [", b']'),
    (b"args=[", b']'),
    (b"args: [", b']'),
    (b"parameters: [", b']'),
    (b"parameters: (", b')'),
];

/// Bind values by number: `[$1 = 'a', $2 = 'b']`.
const NUMBERED_BINDS: &[u8] = b"[$";

/// PostgreSQL's own log of a statement's parameters: `parameters: $1 = 'a', $2 = 'b'`.
const PG_PARAMETERS: &[u8] = b"parameters: $";

/// Hibernate's log of each bind: `binding parameter [2] as [VARCHAR] - [b]`.
const HIBERNATE_BIND: &[u8] = b"binding parameter [";

/// A bind list's value at `k`: quoted (inside its quotes) or bare (to `,` or the list's
/// `close`), and where the list goes on.
fn bind_value(b: &[u8], k: usize, close: u8) -> Option<(usize, usize, usize)> {
    match b.get(k) {
        Some(&q @ (b'"' | b'\'')) => {
            let len = b[k + 1..].iter().take(PROBE).position(|&c| c == q)?;
            Some((k + 1, k + 1 + len, k + 2 + len))
        }
        Some(_) => {
            let len = b[k..]
                .iter()
                .take(PROBE)
                .position(|&c| c == b',' || c == close)?;
            let v = b[k..k + len].trim_ascii_end();
            Some((k, k + v.len(), k + len))
        }
        None => None,
    }
}

/// A bind parameter's number at `ds` (`$2`, `[2]`): where its digits end, and the class
/// `binds` gives it (counted from 1).
fn bind_number(b: &[u8], ds: usize, binds: &[Class; 32]) -> Option<(usize, Class)> {
    let de = ds
        + b[ds..]
            .iter()
            .take(3)
            .take_while(|c| c.is_ascii_digit())
            .count();
    let number: usize = std::str::from_utf8(&b[ds..de]).ok()?.parse().ok()?;
    let class = number
        .checked_sub(1)
        .and_then(|i| binds.get(i))
        .copied()
        .unwrap_or(Class::None);
    Some((de, class))
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
    quoted_at(b, e + q)
}

/// The quoted password of MySQL's `SET PASSWORD FOR 'app'@'%' = 'pw'` (or `= PASSWORD('pw')`),
/// the account starting at `from` (past `PASSWORD FOR `): the text between the quotes after
/// the `=`.
pub(super) fn set_password_for(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let eq = from + b[from..].iter().take(128).position(|&c| c == b'=')?;
    let mut k = eq
        + 1
        + b[eq + 1..]
            .iter()
            .take(8)
            .take_while(|&&c| c == b' ')
            .count();
    if b.get(k..k + 9)
        .is_some_and(|r| r.eq_ignore_ascii_case(b"password("))
    {
        k += 9;
    }
    quoted_at(b, k)
}

/// The old password of MySQL's `… IDENTIFIED BY 'new' REPLACE 'old'`, after the new one's
/// closing quote (`from`): the text between the quotes after `REPLACE`.
pub(super) fn replaced_password(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let spaces = |k: usize| k + b[k..].iter().take(4).take_while(|&&c| c == b' ').count();
    let k = spaces(from.min(b.len()));
    if !b.get(k..k + 7)?.eq_ignore_ascii_case(b"replace") {
        return None;
    }
    quoted_at(b, spaces(k + 7))
}

/// The text between the quotes that open at `q` (`'…'` or `"…"`), when not empty and
/// closed within [`PROBE`] bytes.
fn quoted_at(b: &[u8], q: usize) -> Option<(usize, usize)> {
    let quote = *b.get(q).filter(|&&c| c == b'\'' || c == b'"')?;
    let len = b[q + 1..].iter().take(PROBE).position(|&c| c == quote)?;
    (len > 0).then_some((q + 1, q + 1 + len))
}

impl<E: Emit> Scanner<'_, '_, E> {
    /// A table with a header row (CSV, TSV, `;`- or `|`-separated: an export, a `psql`
    /// result) whose line starts at `ls`: when the header names a column the masker
    /// classifies (`id;pan;cvv;pin`), each following row with as many fields has those
    /// fields masked as their column's class (the other fields are text). Where the last
    /// such row ends, or `None` when `ls` starts no such header.
    pub(super) fn table(&mut self, ls: usize) -> Option<usize> {
        let b = self.b;
        let le = ls + b[ls..].iter().take(PROBE).position(|&c| c == b'\n')?;
        let header = &b[ls..le];
        let sep = [b'\t', b';', b'|', b',']
            .into_iter()
            .find(|s| header.contains(s))?;
        // A bordered table (psql's, MySQL's `| id | pan |`): the borders hold no field.
        let (hs, he) = inner(b, ls, le, sep);
        let header = &b[hs..he];
        let mut classes = [Class::None; 32];
        let mut n = 0;
        for f in header.split(|&c| c == sep) {
            // (A header after a label on its line: `rows: id;pan;cvv`.)
            let f = match (n, f.iter().rposition(|&c| c == b':')) {
                (0, Some(p)) => &f[p + 1..],
                _ => f,
            };
            let f = f.trim_ascii();
            let f = f
                .strip_prefix(b"\"")
                .and_then(|f| f.strip_suffix(b"\""))
                .unwrap_or(f);
            if n == classes.len()
                || f.is_empty()
                || f.len() > 40
                || !f[0].is_ascii_alphabetic()
                || !f
                    .iter()
                    .all(|&c| is_key_byte(c) || c == b' ' || c == b'.' || c == b'\r')
            {
                return None;
            }
            classes[n] = self.e.key_class(std::str::from_utf8(f).ok()?);
            n += 1;
        }
        if n < 2 || classes[..n].iter().all(|&c| c == Class::None) {
            return None;
        }
        let mut end = None;
        let mut masked = false;
        let mut rs = le + 1;
        for _ in 0..256 {
            let mut re = rs
                + b[rs..]
                    .iter()
                    .take(PROBE * 4)
                    .position(|&c| c == b'\n')
                    .unwrap_or(b.len() - rs);
            // A rule between rows (`----+-----`, `+----+------+`): passed over.
            if re > rs
                && re < b.len()
                && b[rs..re]
                    .iter()
                    .all(|&c| matches!(c, b'-' | b'+' | b'=' | b'|' | b' ' | b'\r'))
                && b[rs..re].contains(&b'-')
            {
                rs = re + 1;
                continue;
            }
            let line_end = re;
            let (irs, ire) = inner(b, rs, re, sep);
            let row = &b[irs..ire];
            if row.trim_ascii().is_empty() || row.iter().filter(|&&c| c == sep).count() + 1 != n {
                break;
            }
            re = ire;
            let mut fs = irs;
            for &class in &classes[..n] {
                let fe = fs + b[fs..re].iter().position(|&c| c == sep).unwrap_or(re - fs);
                let (mut vs, mut ve) = (fs, fe);
                while vs < ve && matches!(b[vs], b' ' | b'"') {
                    vs += 1;
                }
                while ve > vs && matches!(b[ve - 1], b' ' | b'"' | b'\r') {
                    ve -= 1;
                }
                let v = &self.s[vs..ve];
                if class != Class::None && vs < ve && vs >= self.last && !is_placeholder(v) {
                    self.scan_part(self.last, vs);
                    self.put(vs, ve, Hit::Keyed(class));
                    masked = true;
                }
                fs = fe + 1;
            }
            end = Some(re);
            if line_end >= b.len() {
                break;
            }
            rs = line_end + 1;
        }
        // (Nothing masked: the rows are text like any other, read by the main loop. The
        // rest of the last row masked is scanned here: it holds no line break, so no
        // table again.)
        let end = end.filter(|_| masked)?;
        if self.last < end {
            self.scan_part(self.last, end);
        }
        Some(end)
    }
}

/// A table line `ls..le` without its borders: the spaces around it and, in a table of
/// `|`, a `|` at either end (psql's ` id | pan `, MySQL's `| id | pan |`).
fn inner(b: &[u8], ls: usize, le: usize, sep: u8) -> (usize, usize) {
    let (mut s, mut e) = (ls, le);
    if sep != b'|' {
        return (s, e);
    }
    while s < e && matches!(b[s], b' ' | b'\t') {
        s += 1;
    }
    while e > s && matches!(b[e - 1], b' ' | b'\t' | b'\r') {
        e -= 1;
    }
    if s < e && b[s] == b'|' {
        s += 1;
    }
    if e > s && b[e - 1] == b'|' {
        e -= 1;
    }
    (s, e)
}

impl<E: Emit> Scanner<'_, '_, E> {
    /// Past `head` when it starts at `at` and nothing was written past `at` yet: where a
    /// database's message that quotes its values goes on.
    fn head_at(&self, at: usize, head: &[u8]) -> Option<usize> {
        (self.b[at..].starts_with(head) && at >= self.last).then_some(at + head.len())
    }

    /// PostgreSQL's `Failing row contains (42, Khalid Al Mutairi, null, …)` at `at` (a
    /// constraint violation's detail): a whole row by position, with no column names, so
    /// what each value is cannot be told; the row is masked whole, as personal data.
    /// Where to go on, or `None` when no such detail starts at `at`.
    pub(super) fn failing_row(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let vs = self.head_at(at, b"Failing row contains (")?;
        let to = (vs + VALUE_PROBE).min(b.len());
        let le = vs
            + b[vs..to]
                .iter()
                .position(|&c| c == b'\n')
                .unwrap_or(to - vs);
        // (The row ends at its `).`, PostgreSQL's own end of the sentence; a client may
        // quote the detail: `detail: Some("Failing row contains (…).")`.)
        let row = &b[vs..le];
        let p = row
            .windows(2)
            .rposition(|w| w == b").")
            .or_else(|| row.iter().rposition(|&c| c == b')'))?;
        if p == 0 {
            return None;
        }
        self.put(vs, vs + p, Hit::Keyed(Class::Personal));
        Some(vs + p)
    }

    /// PostgreSQL's `unnamed portal parameter $2 = '…'` at `at` (an error's context with
    /// `log_parameter_max_length_on_error`): a bind value with no column name, so what
    /// it is cannot be told; masked as personal data, as a failing row is. Where to go
    /// on, or `None` when no such context starts at `at`.
    pub(super) fn portal_parameter(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let mut k = self.head_at(at, b"unnamed portal parameter $")?;
        let digits = b[k..]
            .iter()
            .take(5)
            .take_while(|c| c.is_ascii_digit())
            .count();
        k += digits;
        if digits == 0 || !b[k..].starts_with(b" = '") {
            return None;
        }
        let vs = k + 4;
        let ve = string_end(b, vs, b'\'')?;
        if ve == vs {
            return None;
        }
        self.put(vs, ve, Hit::Keyed(Class::Personal));
        Some(ve)
    }

    /// MySQL's `Duplicate entry '…' for key 'users.api_secret'` at `at` (a unique index's
    /// violation): the entry masked as the class of the index's name (its last part, and
    /// without Laravel's `_unique`: `users_api_key_unique`). Where to go on, or `None`
    /// when no such message starts at `at` or the index names nothing protected.
    pub(super) fn duplicate_entry(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let vs = self.head_at(at, b"Duplicate entry '")?;
        // (The entry's end: the `'` before ` for key '`; an entry may hold quotes.)
        let tail = find(&b[..b.len().min(vs + VALUE_PROBE + 16)], vs, b"' for key '")?;
        let ns = tail + 11;
        let ne = ns + b[ns..].iter().take(128).position(|&c| c == b'\'')?;
        let name = self.s[ns..ne].rsplit('.').next().unwrap_or_default();
        let name = name
            .strip_suffix("_unique")
            .or_else(|| name.strip_suffix("_UNIQUE"))
            .unwrap_or(name);
        let class = self.e.key_class(name);
        if !class.is_protected() || tail == vs {
            return None;
        }
        self.put(vs, tail, Hit::Keyed(class));
        Some(tail)
    }

    /// SQL's `cvv IN ('123', '456')`, `password IN (…)` at the key `ks..ke`: each element
    /// of the list masked as the key's class (not a bind parameter). Where to go on, or
    /// `None` when the key is nothing protected or no list closes.
    pub(super) fn sql_in_list(&mut self, ks: usize, ke: usize) -> Option<usize> {
        let b = self.b;
        let class = self.e.key_class(&self.s[ks..ke]);
        if !class.is_protected() {
            return None;
        }
        let open = ke + 4;
        let close = open
            + b[open..]
                .iter()
                .take(VALUE_PROBE)
                .position(|&c| c == b')')?;
        let mut at = open + 1;
        let mut found = false;
        while at < close {
            let end = at
                + b[at..close]
                    .iter()
                    .position(|&c| c == b',')
                    .unwrap_or(close - at);
            let (mut vs, mut ve) = (at, end);
            while vs < ve && b[vs] == b' ' {
                vs += 1;
            }
            while ve > vs && b[ve - 1] == b' ' {
                ve -= 1;
            }
            if ve > vs + 1 && matches!(b[vs], b'\'' | b'"') && b[ve - 1] == b[vs] {
                vs += 1;
                ve -= 1;
            }
            let v = &self.s[vs..ve];
            let bind = v.starts_with(['?', '$', ':', '%', '@']);
            if ve > vs && !bind && vs >= self.last && !is_masked(v) {
                // (What stands before, a bind parameter or text that is no list's, is
                // scanned: `cvv IN (@p1, 'bob@x.com', …)`.)
                self.scan_part(self.last.max(ke), vs);
                self.put(vs, ve, Hit::Keyed(class));
                found = true;
            }
            at = end + 1;
        }
        self.list_end(found, close)
    }
}
