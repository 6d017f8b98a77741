//! Digit runs: card numbers (Luhn, card groupings, first 6 and last 4), a CVV after a
//! card, phones, track 1 and 2 data, ISO 8583 elements named by their number; and what
//! keeps a number a number (dates, times, ids, units, versions, IPv4 addresses).

use super::*;

impl<E: Emit> Scanner<'_, '_, E> {
    pub(super) fn digits(&mut self, i: usize) -> usize {
        let s = self.s;
        let b = self.b;
        // The first group of ASCII digits decides which shapes can start here.
        let d0 = if b[i] == b'+' { i + 1 } else { i };
        let k = d0 + b[d0..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = b.get(k).copied();
        // Chip data written as hex TLV with no key before it (a gateway's echo).
        // (At least 10 bytes: 20 hex digits, or 10 pairs and their spaces.)
        if d0 == i
            && ((after.is_some_and(|c| c.is_ascii_hexdigit()) && b.len() >= i + 20)
                || (k - i == 2
                    && after == Some(b' ')
                    && b.len() >= i + 29
                    && b[i + 3].is_ascii_hexdigit()
                    && b[i + 4].is_ascii_hexdigit()
                    && b[i + 5] == b' '))
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        {
            if let Some(end) = emv_tlv_end(b, i) {
                self.put(i, end, Hit::Keyed(Class::Sad));
                return end;
            }
        }
        // An EMV tag that holds authentication data, keyed by its number (`9F26=…`, the
        // application cryptogram; `9F6B:…`, track 2 data).
        if d0 == i && k - i == 1 && b[i] == b'9' {
            if let Some((vs, ve)) = emv_tag_value(b, i) {
                if vs >= self.last {
                    self.put(vs, ve, Hit::Keyed(Class::Sad));
                    return ve;
                }
            }
        }
        // A one-time code before what names it (`Use 482913 as your OTP`, `482913 is your
        // Tap verification code`).
        if d0 == i && (4..=8).contains(&(k - i)) && matches!(after, Some(b' ')) {
            if let Some(end) = self.code_named_after(i, k) {
                return end;
            }
        }
        // `Use code 482913 to verify`: a code an SMS gives (the word rules read
        // `Your code: …` and `Your code is …`).
        if d0 == i
            && (4..=8).contains(&(k - i))
            && i >= self.last
            && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
            && [&b"use code "[..], b"your code "]
                .iter()
                .any(|p| i >= p.len() && b[i - p.len()..i].eq_ignore_ascii_case(p))
        {
            self.put(i, k, Hit::Keyed(Class::Secret));
            return k;
        }
        if k - i >= 12 && after == Some(b'^') {
            if let Some((start, end)) = self.track1_at(i) {
                self.put(start, end, Hit::Track);
                return end;
            }
        }
        if k - i >= 12 && matches!(after, Some(b'=' | b'D' | b'd')) {
            if let Some(end) = self.track2(i) {
                let start = if i > self.last && b[i - 1] == b';' {
                    i - 1
                } else {
                    i
                };
                self.put(start, end, Hit::Track);
                return end;
            }
        }
        // A Telegram bot's token (`123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw`): the bot's
        // id, `:` and 35 bytes of base64url.
        if d0 == i && after == Some(b':') && (i == 0 || !is_word_byte(b[i - 1])) {
            if let Some(te) = telegram_token_end(b, i) {
                self.put(i, te, Hit::Secret("secret"));
                return te;
            }
        }
        // An ISO 8583 data element by its number (`DE 52: …`, `<field id="35" value=…/>`).
        if d0 == i
            && (2..=3).contains(&(k - i))
            && iso_sad_field(&b[i..k])
            && (i == 0 || ISO_BEFORE[b[i - 1] as usize])
        {
            if let Some(end) = self.iso_field(i, k) {
                return end;
            }
        }
        // An IPv4 address (`203.0.113.9`) is read once, not as four short numbers that
        // each look ahead across the dots.
        if after == Some(b'.') && d0 == i {
            if let Some(end) = ipv4_end(b, i) {
                return end;
            }
        }
        let prev = s[..i].chars().next_back();
        // `ORD-2024-0001`, `#A-1234567`: digits after a dash or `#` that follows a word are
        // part of an id.
        let before_prev = s[..i].chars().rev().nth(1);
        // `12:30`, `1.5`: after a digit and a colon or dot, a number; after `tel:`, a phone.
        let after_digit = before_prev.is_some_and(|c| c.is_ascii_digit());
        let glued_before = prev.is_some_and(|p| {
            p.is_alphanumeric()
                || matches!(p, '_' | '/' | '\\')
                || (matches!(p, '.' | ':') && after_digit)
        }) || (matches!(prev, Some('-' | '#'))
            && before_prev.is_some_and(char::is_alphanumeric));
        // Fewer than 7 digits in the run (ASCII): no card, phone or track data here; fewer
        // than 12 where no phone can start (glued to an id: `ORD-2024-0001`): no card or
        // track data.
        let phones = self.o.phones && !glued_before;
        if k - i < 7 || !phones {
            if let Some(end) = short_ascii_run(b, i, if phones { 7 } else { 12 }) {
                return end;
            }
        }
        if let Some(end) = (self.o.phones && after == Some(b'.'))
            .then(|| dotted_phone(s, i))
            .flatten()
        {
            let before = s[..i].chars().next_back();
            if !before.is_some_and(|p| p.is_alphanumeric() || matches!(p, '.' | '_' | '/')) {
                self.put(i, end, Hit::Phone);
                return end;
            }
        }
        let run = Run::parse(s, i);
        // `+1 212 555 0134 12:30`: a time or a decimal after a space is a number of its
        // own, not the last group of a phone before it (a card keeps every group).
        let mut phone_groups = run.len;
        if run.len > 1 {
            let r = &b[run.end..];
            let last = run.groups[run.len - 1].plus_start;
            if matches!(r.first(), Some(b'.' | b':' | b','))
                && r.get(1).is_some_and(u8::is_ascii_digit)
                && b[last - 1] == b' '
                && run.groups[..run.len - 1]
                    .iter()
                    .map(|g| g.digits)
                    .sum::<usize>()
                    <= 15
            {
                phone_groups = run.len - 1;
            }
        }
        let phone_end = if phone_groups < run.len {
            run.groups[phone_groups - 1].end
        } else {
            run.end
        };
        let next = s[phone_end..].chars().next();
        // Digits that end an address's local part (`cp0000000000000@ae.ae`): the address
        // is masked whole at its `@`, not cut by a card or phone before it.
        if next == Some('@') && self.o.emails {
            if let Some((es, _)) = email_span(s, run.end, self.last) {
                // The groups before the address's local part are numbers of their own
                // (`4761… 0@db.com`: `cargo fuzz` found a card kept so).
                let k = run.groups[..run.len]
                    .iter()
                    .take_while(|g| g.end <= es)
                    .count();
                if k == 0 {
                    return run.end;
                }
                let run_end = run.end;
                let mut before = run;
                before.len = k;
                before.end = before.groups[k - 1].end;
                let next = self.emit_run(&before, phones, phone_groups.min(k));
                return next.min(run_end).max(self.last);
            }
        }
        let after = s[phone_end..].chars().nth(1);
        // (Or a part of an id joined by dashes: AWS's `Root=1-67891233-abcdef…`.)
        let glued_after = next
            .is_some_and(|n| n.is_alphanumeric() || matches!(n, '_' | '/' | '\\'))
            || (d0 == i && next == Some('-') && after.is_some_and(|a| a.is_ascii_alphabetic()));
        // 1234567.89, 12:30, 1,234,567: a number, not a phone.
        let continues =
            matches!(next, Some('.' | ':' | ',')) && after.is_some_and(is_decimal_digit);
        let phone_ok = phones && !(glued_after || continues);
        self.emit_run(&run, phone_ok, phone_groups)
    }

    /// The value of the ISO 8583 data element whose number is `b[i..k]` (one that holds
    /// authentication data: [`iso_sad_field`]) when a dump names it: after a label word
    /// (`DE 52: …`, `DE052=…`, `F52 PIN Data (8 bytes): …`, `field #35 …`, `bit 55: …`,
    /// `P52=…`), as jPOS writes it (`<field id="52" value="…"/>`), or bare (`[052] …`,
    /// `52: …` at a line's start, `<52>…</52>`). Masked whole as authentication data when
    /// the value has the element's shape ([`iso_value_shape`]: `Total de 52: 1500` is
    /// prose) and, bare, is hex as a switch prints it; where to go on.
    #[inline(never)]
    pub(super) fn iso_field(&mut self, i: usize, k: usize) -> Option<usize> {
        let b = self.b;
        let n = b.len();
        // The label before the number: a word, glued or after a separator (`Field #55`).
        let mut ls = i;
        while ls > 0 && i - ls < 2 && matches!(b[ls - 1], b' ' | b'-' | b'_' | b'#' | b'.') {
            ls -= 1;
        }
        let mut ws = ls;
        while ws > 0 && ls - ws < 5 && b[ws - 1].is_ascii_alphabetic() {
            ws -= 1;
        }
        // A one-letter label only glued (`F52`, `P52=`; not `see p. 52`).
        let labelled = ws < ls
            && (ws == 0 || !is_word_byte(b[ws - 1]))
            && (ls - ws > 1 || ls == i)
            && matches!(
                // The label's letters lowercased, packed little-endian (at most 5).
                crate::memo::le_word(&b[ws..ls])
                    | (0x20_2020_2020 & ((1u64 << (8 * (ls - ws))) - 1)),
                0x6564 // de
                    | 0x66 // f
                    | 0x646c66 // fld
                    | 0x64_6c65_6966 // field
                    | 0x746962 // bit
                    | 0x6d65_6c65 // elem
                    | 0x6d62 // bm
                    | 0x70 // p
                    | 0x69 // i
            );
        let before = &b[..i];
        let quote = b.get(k).copied().filter(|&q| q == b'"' || q == b'\'');
        // `<field id="52" …`: the same quote on both sides of the number.
        let jpos = before.len() >= 4
            && quote == Some(before[before.len() - 1])
            && before[before.len() - 4..before.len() - 1].eq_ignore_ascii_case(b"id=")
            && find_ci(&before[before.len().saturating_sub(24)..], b"<field").is_some();
        let closes = |open: u8, close: u8| i > 0 && b[i - 1] == open && b.get(k) == Some(&close);
        let line_start = {
            let mut p = i;
            while p > 0 && i - p < 8 && matches!(b[p - 1], b' ' | b'\t') {
                p -= 1;
            }
            p == 0 || matches!(b[p - 1], b'\n' | b'\r')
        };
        let bare = closes(b'<', b'>')
            || closes(b'[', b']')
            || (line_start && matches!(b.get(k), Some(b':' | b' ' | b'=')));
        if !(labelled || jpos || bare) {
            return None;
        }
        // Past the closing of the number and the separators to the value.
        let mut j = k;
        if let (true, Some(q)) = (jpos, quote) {
            // Other attributes may stand before `value` (`type="binary"`).
            let tag_end = b[k..n.min(k + 128)]
                .iter()
                .position(|&c| c == b'>')
                .map_or(n.min(k + 128), |p| k + p);
            let (vs, _) = value_attr(b, k, tag_end)?;
            if b[vs - 1] != q {
                return None;
            }
            j = vs;
        } else {
            let skip = |j: &mut usize| {
                while *j < n
                    && *j - k < 64
                    && matches!(
                        b[*j],
                        b' ' | b'\t'
                            | b':'
                            | b'='
                            | b']'
                            | b'>'
                            | b')'
                            | b'.'
                            | b'|'
                            | b'"'
                            | b'\''
                    )
                {
                    *j += 1;
                }
            };
            skip(&mut j);
            // The value's length or type in brackets before it (`[Field 052] [8] […]`,
            // ` 52 [BINARY 8] …`, as dumps print a message's elements).
            if b.get(j) == Some(&b'[') {
                let len = b[j + 1..]
                    .iter()
                    .take(16)
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b' ')
                    .count();
                let inner = &b[j + 1..j + 1 + len];
                if b.get(j + 1 + len) == Some(&b']')
                    && inner.last().is_some_and(u8::is_ascii_digit)
                    && matches!(b.get(j + 2 + len), Some(b' ' | b'\t'))
                {
                    j += len + 2;
                    while matches!(b.get(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                }
            }
            // A description between the number and the value (`F52 PIN Data....: …`,
            // `DE 52 (8 bytes): …`).
            if labelled
                && b.get(j)
                    .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'(')
            {
                let mut d = j;
                while d < n
                    && d - j < 48
                    && (b[d].is_ascii_alphanumeric()
                        || matches!(b[d], b' ' | b'-' | b'/' | b'(' | b')'))
                {
                    d += 1;
                }
                if matches!(b.get(d), Some(b'.' | b':' | b'=')) {
                    j = d;
                    skip(&mut j);
                }
            }
        }
        if j < self.last {
            return None;
        }
        let vs = if b.get(j) == Some(&b'[') { j + 1 } else { j };
        let mut ve = vs;
        while ve < n
            && ve - vs < 1024
            && !matches!(
                b[ve],
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b'"'
                    | b'\''
                    | b'<'
                    | b','
                    | b']'
                    | b'&'
                    | b'}'
                    | b'|'
            )
        {
            ve += 1;
        }
        let de = iso_number(&b[i..k]);
        // A labelled PIN block or chip data with a `0x` or in groups of hex digits (`DE 52:
        // 0x8415…`, `DE 52: 84 15 A1 B2 C3 D4 E5 F6`, `DE 55: 9F 26 08 …`).
        let vs = if labelled || jpos {
            past_hex_prefix(b, vs).min(ve)
        } else {
            vs
        };
        let lead_hex = b[vs..ve]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        let grouped = (labelled || jpos)
            .then(|| match (de, lead_hex) {
                (52, _) => split_pin_block(b, vs, lead_hex),
                (55, 2) => hex_pairs_end(b, vs).filter(|&e| e - vs >= 8 * 3 - 1),
                _ => None,
            })
            .flatten();
        if let Some(e) = grouped {
            self.scan_name(k, vs);
            self.put(vs, e, Hit::Track);
            return Some(e);
        }
        let v = &b[vs..ve];
        // A bare number's hex value is as a switch prints it: capitals, a letter among
        // them (`[52] 5f3a9c1e7b2d4a60` is a span id).
        let printed = !(matches!(de, 52 | 55) && !labelled && !jpos)
            || (!v.iter().any(u8::is_ascii_lowercase)
                && v.iter().any(|c| matches!(c, b'A'..=b'F')));
        if !iso_value_shape(de, v) || !printed {
            return None;
        }
        // What stands between the number and its value (another attribute, a
        // description) is text too: the main loop will not come back to it.
        self.scan_name(k, vs);
        self.put(vs, ve, Hit::Track);
        Some(ve)
    }

    /// Track 2 data at `i` (`4111…=2512101…`, `;` before and `?` after optional): the end.
    pub(super) fn track2(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let mut k = i;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        // 12–19 digits of PAN, or more with an EMV tag before them (`5713…`).
        if !(12..=23).contains(&(k - i)) || !matches!(b.get(k), Some(b'=' | b'D' | b'd')) {
            return None;
        }
        let ds = k + 1;
        let mut e = ds;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        // A filler nibble (`F`) may end the data.
        if matches!(b.get(e), Some(b'F' | b'f')) {
            e += 1;
        }
        if e - ds < 4 || b.get(e).is_some_and(|&c| is_word_byte(c)) {
            return None;
        }
        Some(if b.get(e) == Some(&b'?') { e + 1 } else { e })
    }

    /// Track 1 data whose PAN starts at `i` (`B4111…^DOE/JOHN^2512…`, with or without `%`
    /// and `B`): the whole record, up to `?`, a line end or the end of its third field.
    pub(super) fn track1_at(&self, i: usize) -> Option<(usize, usize)> {
        let b = self.b;
        let mut k = i;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        if !(12..=19).contains(&(k - i)) || b.get(k) != Some(&b'^') {
            return None;
        }
        let mut start = i;
        if start > self.last && matches!(b[start - 1], b'B' | b'b') {
            start -= 1;
            if start > self.last && b[start - 1] == b'%' {
                start -= 1;
            }
        }
        // The name field, then the expiry, service code and discretionary data.
        let name_end = k + 1 + b[k + 1..].iter().take(40).position(|&c| c == b'^')?;
        let mut e = name_end + 1;
        while e < b.len() && b[e].is_ascii_alphanumeric() {
            e += 1;
        }
        if b.get(e) == Some(&b'?') {
            e += 1;
        }
        Some((start, e))
    }

    /// Track 1 data (`%B4111…^NAME^2512…?`).
    pub(super) fn track1(&mut self, i: usize) -> usize {
        let b = self.b;
        let mut k = i + 2;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        if !(12..=19).contains(&(k - i - 2)) || b.get(k) != Some(&b'^') {
            return i + 1;
        }
        let end = b[k..]
            .iter()
            .take(120)
            .position(|&c| c == b'?' || c == b'\n')
            .map_or(b.len().min(k + 120), |p| {
                k + p + usize::from(b[k + p] == b'?')
            });
        let end = floor_boundary(self.s, end);
        self.put(i, end, Hit::Track);
        end
    }

    /// Writes the cards and phones among `run`'s groups (phones among its first
    /// `phone_groups`); where to go on.
    pub(super) fn emit_run(&mut self, run: &Run, phone_ok: bool, phone_groups: usize) -> usize {
        let s = self.s;
        let g = &run.groups[..run.len];
        let mut i = 0;
        while i < g.len() {
            // YYYY-MM-DD and DD-MM-YYYY (or with `/` or `.`: how Gulf banks and
            // gateways write dates) are dates, not phone numbers.
            if i + 2 < g.len() && is_date(s, &g[i..i + 3]) {
                i += 3;
                continue;
            }
            // An Emirates ID (`784-1985-1234567-1`): a national id by its shape.
            if i + 3 < g.len() && is_emirates_id(s, &g[i..i + 4]) && g[i].start >= self.last {
                self.put(g[i].start, g[i + 3].end, Hit::Keyed(Class::NationalId));
                i += 4;
                continue;
            }
            // A compact timestamp (`20241207100000`: YYYYMMDDhhmmss), not a phone.
            if g[i].digits == 14 && is_compact_timestamp(&s.as_bytes()[g[i].start..g[i].end]) {
                i += 1;
                continue;
            }
            // Track data starting at a later group (`track2 4111…=2512…`).
            if i > 0 && g[i].start >= self.last {
                if let Some(end) = self.track2(g[i].start) {
                    self.put(g[i].start, end, Hit::Track);
                    return end;
                }
            }
            if self.o.pci {
                // The longest Luhn-valid card starting at group i.
                let mut card = None;
                let mut total = 0;
                // The first digits are those of group i whatever the length tried: judged
                // once, when a length could make a card.
                let mut iin = None;
                let mut first = None;
                for j in i..g.len() {
                    total += g[j].digits;
                    if total > 19 {
                        break;
                    }
                    if total >= 13
                        && card_grouping(&g[i..=j])
                        && *iin.get_or_insert_with(|| {
                            let d = first_four(s, &g[i..]);
                            first = Some(d[0]);
                            // Digits read out one or two at a time: from the run's start
                            // (an expiry or a CVV may follow), not a stretch inside a
                            // longer list, and starting as the cards of the networks do
                            // (`1 0 1 1 0 …` are bits).
                            iin_plausible(d) && (g[i].digits > 2 || (i == 0 && network_iin(d)))
                        })
                        && first.is_some_and(|f| card_length_fits(f, total))
                        && luhn(s, &g[i..=j])
                    {
                        card = Some(j);
                    }
                }
                if let Some(j) = card {
                    if g[i].start >= self.last {
                        self.put(g[i].start, g[j].end, Hit::Card);
                        // What follows a card (an expiry, a CVV) is read from the bytes;
                        // the rest of this run is scanned again from there.
                        return self.cvv_after_card(g[j].end);
                    }
                    i = j + 1;
                    continue;
                }
            }
            if phone_ok {
                let mut phone = None;
                let mut total = 0;
                for (j, gj) in g.iter().enumerate().take(phone_groups).skip(i) {
                    // (A `+` starts a phone: `1 2 3 +1 212 555 0134` holds one after three
                    // numbers.)
                    if j > i && (gj.card_sep || gj.plus_start != gj.start) {
                        break;
                    }
                    total += gj.digits;
                    if total > 15 {
                        break;
                    }
                    if total >= 7 {
                        phone = Some(j);
                    }
                }
                // Digits right after an id, time or count word (`order 12345678`,
                // `ts=1733400000000`, `user_id: 12345678`) are that, not a phone; two groups
                // joined by a dash (`1000-2000`, a ZIP+4) are a phone only with a `+` or
                // after a phone word (`tel`, `call`, `mobile` …).
                let b = s.as_bytes();
                let plain = g[i].plus_start == g[i].start;
                let dash_pair = |j: usize| j == i + 1 && &s[g[i].end..g[j].start] == "-";
                // Not a phone's groups: a one-digit group after the first in a run of a
                // few groups (`latencies 35 62 7 5 26 ms`; a card spelled digit by digit
                // is still masked as digits); a later group in parentheses after a group of four
                // (`ERROR 1062 (23000)`; a phone's parentheses hold its area code).
                let not_grouped_as_phone = |j: usize| {
                    (j - i < 7 && g[i + 1..=j].iter().any(|g| g.digits == 1))
                        || (g[i].digits >= 4
                            && (i + 1..=j).any(|k| s[g[k - 1].end..g[k].start].contains('(')))
                };
                // (The phone words are looked for last: the dearest test.)
                let keep = |j: usize| {
                    plain
                        && ((j == i
                            && (after_number_word(b, g[i].start)
                                || is_epoch(&b[g[i].start..g[i].end])
                                || before_unit(b, g[j].end)))
                            || dash_pair(j)
                            // `Order No.: 12-345-6789`: groups joined by dashes, in a
                            // number an id's word names.
                            || (j > i
                                && (i + 1..=j).all(|k| &s[g[k - 1].end..g[k].start] == "-")
                                && after_number_word(b, g[i].start))
                            // `Invoice No. 2024-0012345`: the group after a dash, in a
                            // number an id's word names.
                            || (j == i
                                && i > 0
                                && matches!(&s[g[i - 1].end..g[i].start], "-" | "/")
                                && after_number_word(b, g[i - 1].start))
                            // `000000010000`: a zero-padded field (an ISO 8583 amount),
                            // no phone has four leading zeros.
                            || b[g[i].start..g[i].end].starts_with(b"0000")
                            || is_uuid_like(g)
                            || not_grouped_as_phone(j)
                            // `"GET / HTTP/1.1" 204 77397`: a status and a byte count.
                            || after_http_version(b, g[i].start)
                            // A metric's value after its labels (Prometheus's
                            // `http_requests_total{…} 1234567`).
                            || (g[i].start >= 2 && &b[g[i].start - 2..g[i].start] == b"} "))
                        && !after_phone_word(b, g[i].start)
                };
                // `ids 10 20 30 40 50 60`: five or more short numbers to the run's end,
                // joined by single spaces, none with a trunk prefix's `0` or a `+`, are a
                // list, read whole (a phone in such groups starts with `0` or `+`: `06 12
                // 34 56 78`; one after the list has a longer group: `10 20 30 (212)
                // 555-0134`); not when their digits make a card (`43 98 25 97 …`).
                let list = g.len() - i >= 5
                    && g.len() < MAX_GROUPS
                    && plain
                    && !after_phone_word(b, g[i].start)
                    && g[i..].iter().enumerate().all(|(k, x)| {
                        x.digits <= 3
                            && x.plus_start == x.start
                            && (b[x.start] != b'0' || x.digits == 1)
                            && (k == 0 || s[g[i + k - 1].end..x.start] == *" ")
                    })
                    && !((13..=19).contains(&g[i..].iter().map(|x| x.digits).sum::<usize>())
                        && read_out(&g[i..])
                        && network_iin(first_four(s, &g[i..]))
                        && luhn(s, &g[i..]));
                if list {
                    return run.end;
                }
                if let Some(j) = phone.filter(|&j| !keep(j)) {
                    let start = g[i].plus_start;
                    if start >= self.last {
                        self.put(start, g[j].end, Hit::Phone);
                    }
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
        }
        run.end
    }

    /// The digits `i..k` as a one-time code when ` is your ` or ` as your ` follows them
    /// and the clause names a code (`OTP`, `code`, `passcode`) within 40 bytes; where
    /// to go on.
    fn code_named_after(&mut self, i: usize, k: usize) -> Option<usize> {
        let b = self.b;
        let r = &b[k..];
        // (` is the `: `482913 is the OTP for your transaction`.)
        let lead = if r.len() > 9
            && (r[..9].eq_ignore_ascii_case(b" is your ")
                || r[..9].eq_ignore_ascii_case(b" as your "))
        {
            9
        } else if r.len() > 8 && r[..8].eq_ignore_ascii_case(b" is the ") {
            8
        } else if r.starts_with(" هو ".as_bytes()) {
            // Arabic's `482913 هو رمز التحقق الخاص بك` ("is your verification code").
            " هو ".len()
        } else {
            return None;
        };
        if (i > 0 && (is_word_byte(b[i - 1]) || matches!(b[i - 1], b'.' | b',' | b':' | b'-')))
            || i < self.last
        {
            return None;
        }
        let clause = &r[lead..r.len().min(lead + 40)];
        let clause = &clause[..clause
            .iter()
            .position(|&c| matches!(c, b'.' | b'\n' | b'\r' | b','))
            .unwrap_or(clause.len())];
        let arabic = ["رمز", "كود"]
            .iter()
            .any(|w| clause.windows(w.len()).any(|x| x == w.as_bytes()));
        let named = arabic
            || clause.split(|c| !c.is_ascii_alphanumeric()).any(|w| {
                [&b"otp"[..], b"code", b"passcode", b"pin", b"password"]
                    .iter()
                    .any(|x| w.eq_ignore_ascii_case(x))
            });
        if !named {
            return None;
        }
        self.put(i, k, Hit::Keyed(Class::Secret));
        Some(k)
    }

    /// A CVV right after a card number: `4111… 123`, `4111…|12/27|123`, `4111… exp 12/27
    /// 123`, `4111… 12/2027 123`, `4111…|1227|123`: a 3–4 digit whole number after at
    /// most an expiry. Returns where to go on.
    pub(super) fn cvv_after_card(&mut self, card_end: usize) -> usize {
        let b = self.b;
        // (Quotes too: `"4111…","12/26","123"`, `number: "4111…", exp: "12/26"`.)
        let sep = |k: usize| {
            let mut j = k;
            while j < b.len()
                && matches!(
                    b[j],
                    b' ' | b'|'
                        | b','
                        | b';'
                        | b'/'
                        | b'\t'
                        | b':'
                        | b'-'
                        | b'='
                        | b'"'
                        | b'\''
                        | b'&'
                )
                && j - k < 4
            {
                j += 1;
            }
            j
        };
        let num = |k: usize| {
            let mut j = k;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            j
        };
        let mut j = sep(card_end);
        if j == card_end {
            return card_end;
        }
        // Optional expiry words: `exp`, `expiry`, `expires`, `expiration`, `valid thru`.
        // (Where the expiry's value starts after them: a number there is the expiry.)
        let mut expiry_at = None;
        for _ in 0..2 {
            let mut k = j;
            while k < b.len() && b[k].is_ascii_alphabetic() && k - j < 12 {
                k += 1;
            }
            let w = &b[j..k];
            if [
                "exp",
                "expiry",
                "expires",
                "expiration",
                "valid",
                "thru",
                "until",
            ]
            .iter()
            .any(|x| w.eq_ignore_ascii_case(x.as_bytes()))
            {
                j = sep(k);
                expiry_at = Some(j);
            } else if let Some(w) = ["تاريخ الانتهاء", "صالحة حتى"]
                .iter()
                .find(|w| b[j..].starts_with(w.as_bytes()))
            {
                // Arabic's "expiry date", "valid until".
                j = sep(j + w.len());
                expiry_at = Some(j);
            }
        }
        // An optional expiry: MM/YY, MM/YYYY, MM|YY, a month and a year apart (`12;2026`,
        // `12 / 26`), or MMYY followed by the CVV.
        let e = num(j);
        let month = e - j == 2 && matches!(&b[j..e], [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2']);
        // (Where a year apart from the month would start, and end.)
        let (ys, ye) = (sep(e), num(sep(e)));
        if e - j == 2 && matches!(b.get(e), Some(b'/' | b'|' | b'-')) {
            let e2 = num(e + 1);
            if matches!(e2 - e - 1, 2 | 4) {
                j = sep(e2);
            }
        } else if month && ys > e && matches!(ye - ys, 2 | 4) {
            j = sep(ye);
        } else if e - j == 4 && matches!(&b[j..j + 2], [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2']) {
            // MMYY, when a 3–4 digit number that is not the start of another number follows.
            let after = sep(e);
            let e3 = num(after);
            let mut k = e3;
            while k < b.len() && matches!(b[k], b' ' | b'-') && k - e3 < 2 {
                k += 1;
            }
            let more = k > e3 && b.get(k).is_some_and(u8::is_ascii_digit);
            // (Or a CVV's key: `exp=1226&sec=123`.)
            if after > e
                && ((matches!(e3 - after, 3 | 4) && !more)
                    || (expiry_at == Some(j) && b.get(after).is_some_and(u8::is_ascii_alphabetic)))
            {
                j = after;
            }
        }
        // The CVV's key after the expiry (`… exp 12/26 code 123`, `…, code: "123"`).
        if j > card_end {
            let mut k = j;
            while k < b.len() && b[k].is_ascii_alphanumeric() && k - j < 8 {
                k += 1;
            }
            let w = &b[j..k];
            if k > j
                && (triggers(b, j, k) & CVV_WORD != 0
                    || w.eq_ignore_ascii_case(b"code")
                    || w.eq_ignore_ascii_case(b"sec")
                    || w.eq_ignore_ascii_case(b"security"))
                && sep(k) > k
            {
                j = sep(k);
            } else if let Some(w) = ["الرمز", "رمز الأمان"]
                .iter()
                .find(|w| b[j..].starts_with(w.as_bytes()))
            {
                // Arabic's "the code", "security code".
                if sep(j + w.len()) > j + w.len() {
                    j = sep(j + w.len());
                }
            }
        }
        let e = num(j);
        let whole = !b
            .get(e)
            .is_some_and(|&c| is_word_byte(c) || c == b'/' || c == b'.');
        // `4111…, 5500 0000 0000 0004`: the start of another number, not a CVV.
        let mut k = e;
        while k < b.len() && matches!(b[k], b' ' | b'-') && k - e < 2 {
            k += 1;
        }
        let more = k > e && b.get(k).is_some_and(u8::is_ascii_digit);
        // (`"pan":"4111…","exp":"1228"`: the expiry, named, with no CVV after it.)
        if matches!(e - j, 3 | 4)
            && whole
            && !more
            && j > card_end
            && j >= self.last
            && expiry_at != Some(j)
        {
            self.put(j, e, Hit::Cvv);
            return e;
        }
        card_end
    }
}

/// The end of the digit run at `i` when it holds fewer than `limit` digits (separators
/// `-`, `(`, `)`, `.`, `+` and single spaces between groups allowed) and only ASCII: with
/// fewer than 7 such a run is never a card, a phone or track data, with fewer than 12
/// never a card or track data, and its groups start nothing else, so it is read once
/// (`12:30:45`, `2024-0001`). A line break ends it (a number at a line's start may name
/// an ISO 8583 element: `052: …`). `None` when the full parse must look.
pub(super) fn short_ascii_run(b: &[u8], i: usize, limit: usize) -> Option<usize> {
    let mut k = i;
    let mut digits = 0;
    let mut end = i;
    let mut line_break = false;
    while k < b.len() && k - i < 64 {
        match b[k] {
            b'0'..=b'9' => {
                digits += 1;
                if !line_break {
                    end = k + 1;
                }
            }
            b'\n' => line_break = true,
            // A separator written as an escape ([`card_separator`]): the full parse reads it.
            b'%' | b'\\' if card_separator(&b[k..]) > 0 => return None,
            b' ' | b'-' | b'(' | b')' | b'.' | b'+' | b'=' | b'D' | b'd' | b'/' | b'|' | b','
            | b';' | b'_' | b'\t' | b'^' | b'*' | b':' => {}
            0x80.. => return None,
            _ => break,
        }
        if digits >= limit {
            return None;
        }
        k += 1;
    }
    Some(end)
}

/// The end of an IPv4 address at `i` (four dot-separated numbers up to 255), when nothing
/// glued to it makes it part of something longer (`1.2.3.4.5`, `1.2.3.4a`).
pub(super) fn ipv4_end(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (is_word_byte(b[i - 1]) || b[i - 1] == b'.') {
        return None;
    }
    let mut k = i;
    for part in 0..4 {
        let start = k;
        let mut v = 0u32;
        while k < b.len() && k - start < 3 && b[k].is_ascii_digit() {
            v = v * 10 + u32::from(b[k] - b'0');
            k += 1;
        }
        if k == start || v > 255 {
            return None;
        }
        if part < 3 {
            if b.get(k) != Some(&b'.') {
                return None;
            }
            k += 1;
        }
    }
    let glued = b.get(k).is_some_and(|&c| is_word_byte(c))
        || (b.get(k) == Some(&b'.') && b.get(k + 1).is_some_and(u8::is_ascii_digit));
    (!glued).then_some(k)
}

/// Whether a phone word (`tel`, `phone`, `mobile`, `call`, `sms`, `fax` …) starts a word
/// in the 24 bytes before `i` (not `RateLimit-Reset`'s `tel`).
pub(super) fn after_phone_word(b: &[u8], i: usize) -> bool {
    let from = i.saturating_sub(24);
    let w = &b[from..i];
    // One pass: only the first letters of the words stop it.
    (0..w.len()).any(|k| {
        if from + k > 0 && b[from + k - 1].is_ascii_alphabetic() {
            return false;
        }
        let words: &[&[u8]] = match w[k] | 0x20 {
            b't' => &[b"tel"],
            b'p' => &[b"phone"],
            b'm' => &[b"mob", b"msisdn"],
            b'c' => &[b"cell", b"call", b"contact"],
            b's' => &[b"sms"],
            b'w' => &[b"whatsapp"],
            b'f' => &[b"fax"],
            _ => return false,
        };
        words.iter().any(|p| {
            w.get(k..k + p.len())
                .is_some_and(|x| x.eq_ignore_ascii_case(p))
        })
    })
}

/// Whether a bare run is a Unix time: 10, 13, 16 or 19 digits starting with `1`
/// (seconds, milliseconds, microseconds, nanoseconds, 2001–2033).
pub(super) fn is_epoch(d: &[u8]) -> bool {
    matches!(d.len(), 10 | 13 | 16 | 19) && d[0] == b'1'
}

/// Whether a unit follows the digits ending at `e` (`1234567 bytes`, `1234567890 ms`).
pub(super) fn before_unit(b: &[u8], e: usize) -> bool {
    let k = if b.get(e) == Some(&b' ') { e + 1 } else { e };
    let we = k + b[k..]
        .iter()
        .take(12)
        .take_while(|c| c.is_ascii_alphabetic() || **c >= 0x80)
        .count();
    let w = &b[k..we];
    [
        // No two-letter units (`ms`): too often a word of prose.
        &b"bytes"[..],
        "µs".as_bytes(),
        b"msec",
        b"usec",
        b"nsec",
        b"millis",
        b"sec",
        b"secs",
        b"seconds",
        b"records",
        b"rows",
        b"items",
        b"times",
        b"tokens",
        b"requests",
        b"events",
        b"lines",
        b"entries",
        b"messages",
        b"calls",
        b"users",
        b"cents",
        // Minor units of the Gulf's and others' currencies.
        b"fils",
        b"halalas",
        b"baisa",
        b"piastres",
        b"kopecks",
        b"paise",
        // Durations (`timeout after 1234567 ms`).
        b"ms",
        b"ns",
    ]
    .iter()
    .any(|u| w.eq_ignore_ascii_case(u))
        // Sizes (`12345678 KB`), as they are written (`gb` may be a word of any language).
        || [&b"KB"[..], b"kB", b"MB", b"GB", b"KiB", b"MiB", b"GiB"].contains(&w)
        // An amount in minor units before its currency (`15000000 IDR`, `1234567 KWD`).
        || (w.len() == 3 && CURRENCIES.contains(&w))
}

/// ISO 4217 codes of the currencies most amounts in logs are in (capitals only: a
/// phone number is not followed by one).
const CURRENCIES: &[&[u8]] = &[
    b"USD", b"EUR", b"GBP", b"JPY", b"CNY", b"INR", b"IDR", b"KWD", b"SAR", b"AED", b"QAR", b"BHD",
    b"OMR", b"EGP", b"TRY", b"BRL", b"MXN", b"KRW", b"VND", b"PHP", b"THB", b"MYR", b"SGD", b"HKD",
    b"AUD", b"CAD", b"CHF", b"SEK", b"NOK", b"DKK", b"PLN", b"ZAR", b"NGN", b"KES", b"PKR", b"BDT",
    b"RUB", b"UAH", b"CZK", b"HUF", b"ILS", b"CLP", b"COP", b"ARS",
];

/// The bytes an ISO 8583 element's number may follow: a label's last letter (`DE052`),
/// a separator after a label (`DE 52`, `Field #55`), a bracket, a quote (jPOS's
/// `id="52"`), a line's start.
pub(super) static ISO_BEFORE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphabetic()
            || matches!(
                b,
                b' ' | b'-'
                    | b'_'
                    | b'#'
                    | b'.'
                    | b'['
                    | b'<'
                    | b'"'
                    | b'\''
                    | b'\n'
                    | b'\r'
                    | b'\t'
            );
        c += 1;
    }
    t
};

/// The number an ISO 8583 data element's digits spell (`052` is 52).
pub(super) fn iso_number(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0'))
}

/// Whether the ISO 8583 data element numbered `d` (2–3 ASCII digits) holds sensitive
/// authentication data: 35 track 2, 36 track 3, 45 track 1, 52 the PIN block, 55 chip
/// (EMV) data with its cryptogram.
#[inline]
pub(super) fn iso_sad_field(d: &[u8]) -> bool {
    (d.len() == 2 || d[0] == b'0') && matches!(iso_number(d), 35 | 36 | 45 | 52 | 55)
}

/// The end of hex pairs joined by single spaces from `vs` (`9F 26 08 A1 …`).
pub(super) fn hex_pairs_end(b: &[u8], vs: usize) -> Option<usize> {
    let pair = |k: usize| {
        b.get(k..k + 2)
            .is_some_and(|p| p.iter().all(u8::is_ascii_hexdigit))
            && !b.get(k + 2).is_some_and(u8::is_ascii_alphanumeric)
    };
    if !pair(vs) {
        return None;
    }
    let mut e = vs + 2;
    while e - vs < 1024 && b.get(e) == Some(&b' ') && pair(e + 1) {
        e += 3;
    }
    Some(e)
}

/// Whether `v` has the shape of ISO 8583 data element `de`'s value: a PIN block (52) is
/// 16 hex digits; chip data (55) hex TLV, an even count of 16 or more; track 2 or 3 (35,
/// 36) 12 digits or more with a field separator (`=` or `D`); track 1 (45) 12 digits or
/// more with its `^` separators.
pub(super) fn iso_value_shape(de: u32, v: &[u8]) -> bool {
    let digits = v.iter().filter(|c| c.is_ascii_digit()).count();
    let hex = v.iter().all(u8::is_ascii_hexdigit);
    match de {
        52 => v.len() == 16 && hex,
        55 => v.len() >= 16 && v.len() % 2 == 0 && hex,
        35 | 36 => {
            digits >= 12
                && v.iter().any(|&c| matches!(c, b'=' | b'D' | b'd'))
                && v.iter().all(|&c| {
                    c.is_ascii_digit()
                        || matches!(c, b'=' | b'D' | b'd' | b';' | b'?' | b'F' | b'f')
                })
        }
        45 => digits >= 12 && v.contains(&b'^'),
        _ => false,
    }
}

/// Whether a card network issues numbers of `n` digits that start with the digit
/// `first`: a card that starts with `1` is UATP's, of 15 digits (16 to 19 digits from a
/// `1` are a microsecond or nanosecond time, a snowflake id, an offset:
/// `1733400000123459`); 13 digits are an old Visa's (a `4`) only (from any other digit
/// they are a barcode: an EAN-13, Gulf retail's `627…`).
pub(crate) fn card_length_fits(first: u32, n: usize) -> bool {
    (first != 1 || n == 15) && (n != 13 || first == 4)
}

/// Whether digit groups have a UUID's shape (8-4-4-4-12).
pub(super) fn is_uuid_like(g: &[Group]) -> bool {
    g.len() >= 4 && g[0].digits == 8 && g[1..].iter().take(3).all(|x| x.digits == 4)
}

/// Whether the digits at `i` follow a word that names an id, a time, a size or a count
/// (`order 1234567`, `ts=1733400000000`, `user_id: 12345678`, `bytes 1234567890`).
pub(super) fn after_number_word(b: &[u8], i: usize) -> bool {
    // `Some(12345678)`, `Ok(12345678)`: Rust `Debug` of a number.
    if b[..i].ends_with(b"Some(") || b[..i].ends_with(b"Ok(") {
        return true;
    }
    // A statsd metric's value (`pay.api.requests:1234567|c`).
    let after = &b[i..];
    let digits = after.iter().take_while(|c| c.is_ascii_digit()).count();
    if i > 0
        && b[i - 1] == b':'
        && matches!(
            after.get(digits..digits + 2),
            Some(b"|c" | b"|g" | b"|h" | b"|m" | b"|s")
        )
    {
        return true;
    }
    // Arabic's "order", "transaction", "reference", "invoice" number (`رقم الطلب: …`).
    {
        let mut k = i;
        while k > 0 && i - k < 3 && matches!(b[k - 1], b' ' | b':') {
            k -= 1;
        }
        if ["رقم الطلب", "رقم العملية", "رقم المرجع", "رقم الفاتورة"]
            .iter()
            .any(|w| b[..k].ends_with(w.as_bytes()))
        {
            return true;
        }
    }
    let mut k = i;
    // (`RRN [412345678901]`: a value in brackets.)
    while k > 0
        && i - k < 4
        && matches!(
            b[k - 1],
            b' ' | b'=' | b':' | b'#' | b'"' | b'\'' | b'.' | b'['
        )
    {
        k -= 1;
    }
    if k == i {
        return false;
    }
    let end = k;
    while k > 0 && i - k < 40 && is_key_byte(b[k - 1]) {
        k -= 1;
    }
    let Ok(w) = std::str::from_utf8(&b[k..end]) else {
        return false;
    };
    let structured = b[end..i].iter().any(|&c| matches!(c, b'=' | b':' | b'"'));
    // `order no. 12345678`, `Ref No: 12345678`: an abbreviated "number".
    let abbreviated = ["no", "nr"].iter().any(|x| w.eq_ignore_ascii_case(x))
        && b[end..i].iter().any(|&c| matches!(c, b'.' | b':' | b'#'));
    // `amount_cents=12345678`, `retry_count: 12345678`: a key naming a quantity.
    let quantity = [
        &b"cents"[..],
        b"amount",
        b"count",
        b"total",
        b"_ms",
        b"_ns",
        b"_us",
    ]
    .iter()
    .any(|x| w.len() > x.len() && w.as_bytes()[w.len() - x.len()..].eq_ignore_ascii_case(x));
    // `Content-Length: 2485760`, `X-RateLimit-Reset: 1733400000`, `amount_minor=…`,
    // `credit_limit: …`: the last part of a header's or a key's name names a quantity.
    let last_part = w.rsplit(['-', '_', '.']).next().unwrap_or(w);
    let quantity_part = last_part.len() < w.len()
        && [
            "length",
            "reset",
            "limit",
            "balance",
            "value",
            "amount",
            "minor",
            "refund",
            "height",
            "size",
            "count",
            "total",
            "offset",
            "bytes",
            "sent",
            "received",
            "recv",
            "written",
            "used",
            "free",
            "remaining",
            // `used_memory=123456789`, `redis_keys=1234567`.
            "memory",
            "keys",
        ]
        .iter()
        .any(|x| last_part.eq_ignore_ascii_case(x));
    // `DE37=123456789012`, `F41: 12345678`: an ISO 8583 data element by its number (those
    // that hold authentication data are read before this).
    let iso_element = structured && {
        let letters = w.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (l, d) = w.split_at(letters);
        (1..=3).contains(&d.len())
            && d.bytes().all(|c| c.is_ascii_digit())
            && ["de", "f", "p", "bit", "field", "fld"]
                .iter()
                .any(|x| l.eq_ignore_ascii_case(x))
    };
    // `Terminal ID 12345678`: an id named by the word before `ID`.
    let named_id = w.eq_ignore_ascii_case("id") && {
        let pe = k.saturating_sub(1);
        let ps = pe
            - b[..pe]
                .iter()
                .rev()
                .take(16)
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
        k > 0
            && b[k - 1] == b' '
            && [
                "terminal",
                "merchant",
                "order",
                "transaction",
                "request",
                "batch",
                "device",
                "store",
            ]
            .iter()
            .any(|x| b[ps..pe].eq_ignore_ascii_case(x.as_bytes()))
    };
    abbreviated
        || iso_element
        || named_id
        || quantity_part
        || (structured && quantity)
        || (structured
            && ["id", "ts", "iat", "exp", "nbf", "age"]
                .iter()
                .any(|x| w.eq_ignore_ascii_case(x)))
        || w.len() >= 3
            && (keys::is_id_like(w)
                || [
                    "order",
                    "invoice",
                    "ticket",
                    "case",
                    "epoch",
                    "bytes",
                    "size",
                    "count",
                    "latency",
                    "elapsed",
                    "duration",
                    "sku",
                    "isbn",
                    "ean",
                    "gtin",
                    "barcode",
                    "upc",
                    "terminal",
                    // A PIN pad's or a point of sale's number (`PIN pad 12345678`, `POS
                    // 55123456 offline`).
                    "pad",
                    "pos",
                    "merchant",
                    "tranid",
                    "paymentid",
                    "trackid",
                    "txnid",
                    "trxid",
                    "transid",
                    "mid",
                    "stan",
                    "batch",
                    "zip",
                    "price",
                    "qty",
                    "amount",
                    "txn",
                    "rrn",
                    "tid",
                    "pid",
                    "uid",
                    "gid",
                    "port",
                    "seq",
                    "offset",
                    "build",
                    "version",
                    "depth",
                    "ack",
                    "serial",
                    "request",
                    "usage",
                    "lag",
                    "range",
                    "account",
                    "acct",
                    "date",
                    "ref",
                    "created",
                    "updated",
                    "expires",
                    "reset",
                    "length",
                    "secs",
                    "nanos",
                    "sec",
                    "nsec",
                    "tv_sec",
                    "tv_nsec",
                    "goroutine",
                    "line",
                    "user",
                    "processed",
                    "batch",
                    "mid",
                    "number",
                    "num",
                    "max-age",
                    "limit",
                    "remaining",
                    "total",
                    // Amounts in minor units (`"value":1250000`, Adyen's), balances,
                    // ledgers, blocks, BINs and routing numbers.
                    "value",
                    "balance",
                    "refund",
                    "transaction",
                    "customer",
                    "height",
                    "block",
                    "bin",
                    "iin",
                    "aba",
                    "gtin",
                    "routing",
                ]
                .iter()
                .any(|x| w.eq_ignore_ascii_case(x)))
}

/// The end of a Telegram bot's token at `i`: 6–10 digits (the bot's id), `:` and 30 to
/// 40 bytes of base64url (35 in the tokens BotFather hands out, 34 in its documentation's
/// example), not glued to more.
pub(super) fn telegram_token_end(b: &[u8], i: usize) -> Option<usize> {
    let k = i + b[i..]
        .iter()
        .take(11)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(6..=10).contains(&(k - i)) || b.get(k) != Some(&b':') {
        return None;
    }
    let te = k
        + 1
        + b[k + 1..]
            .iter()
            .take(41)
            .take_while(|&&c| is_b64url(c))
            .count();
    ((30..=40).contains(&(te - k - 1)) && !b.get(te).is_some_and(|&c| is_word_byte(c)))
        .then_some(te)
}

/// Whether the digits at `i` follow an access log's request (`"GET / HTTP/1.1" 204`), or
/// the fields after it: its status, sizes and durations, and Envoy's response flags
/// (`"POST /pay HTTP/1.1" 200 - 532 1024 45 44`, `… 201 1234567 "-"`).
pub(super) fn after_http_version(b: &[u8], i: usize) -> bool {
    let mut k = i;
    for _ in 0..6 {
        let sep_end = k;
        while k > 0 && sep_end - k < 3 && matches!(b[k - 1], b' ' | b'"') {
            k -= 1;
        }
        if k == sep_end {
            return false;
        }
        let before = &b[k.saturating_sub(10)..k];
        if [
            &b"HTTP/1.1"[..],
            b"HTTP/1.0",
            b"HTTP/2",
            b"HTTP/2.0",
            b"HTTP/3",
        ]
        .iter()
        .any(|v| before.ends_with(v))
        {
            return true;
        }
        // One field before: a number, `-`, or response flags (`UH`, `UF,URX`).
        let field_end = k;
        while k > 0
            && field_end - k < 16
            && (b[k - 1].is_ascii_digit()
                || b[k - 1].is_ascii_uppercase()
                || matches!(b[k - 1], b'-' | b','))
        {
            k -= 1;
        }
        if k == field_end {
            return false;
        }
    }
    false
}

/// A phone with dots between its groups: `212.555.0134`, `+1.212.555.0134`; not an IP
/// address, a version or a decimal.
pub(super) fn dotted_phone(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut k = i;
    if b[k] == b'+' {
        k += 1;
    }
    let mut groups = [0usize; 4];
    let mut n = 0;
    loop {
        let st = k;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        if n == 4 {
            return None;
        }
        groups[n] = k - st;
        n += 1;
        if b.get(k) == Some(&b'.') && b.get(k + 1).is_some_and(u8::is_ascii_digit) {
            k += 1;
        } else {
            break;
        }
    }
    let g = &groups[..n];
    let shape = match g {
        [3, 3, 4] => true,
        [c, 3, 3, 4] => b[i] == b'+' || *c == 1,
        // After a country code: `+965.5512.3456`, `+44.20.7946.0958`, `+965.55123456`
        // (no version or decimal starts with `+`).
        [1..=3, rest @ ..] if b[i] == b'+' => {
            let total: usize = g.iter().sum();
            !rest.is_empty() && (8..=15).contains(&total) && rest.iter().all(|&d| d >= 2)
        }
        _ => false,
    };
    let glued = b.get(k).is_some_and(|&c| is_word_byte(c) || c == b'.');
    (shape && !glued).then_some(k)
}

/// Whether all of `t` is one phone number.
pub(crate) fn is_whole_phone(t: &str) -> bool {
    let mut digits = 0;
    for (i, c) in t.char_indices() {
        if is_decimal_digit(c) {
            digits += 1;
        } else if c == '+' {
            if i != 0 {
                return false;
            }
        } else if !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/') {
            return false;
        }
    }
    (7..=15).contains(&digits)
}

#[derive(Clone, Copy, Default)]
pub(super) struct Group {
    /// Start of the digits, or of a `+` right before them.
    plus_start: usize,
    start: usize,
    end: usize,
    digits: usize,
    /// The separator before this group is one only card numbers use (`4111_1111`,
    /// `4111/1111`, a tab, an en dash): it never joins a phone.
    card_sep: bool,
}

/// The most groups a [`Run`] holds (a longer run goes on in the next).
pub(super) const MAX_GROUPS: usize = 20;

/// Digit groups separated by at most two of ` `, `-`, `(`, `)`, `.` (a `.` alone, between
/// two groups of four: a dotted card number) and a `+` that starts a group.
pub(super) struct Run {
    groups: [Group; MAX_GROUPS],
    len: usize,
    end: usize,
}

impl Run {
    fn parse(s: &str, start: usize) -> Run {
        let mut run = Run {
            groups: [Group::default(); MAX_GROUPS],
            len: 0,
            end: start,
        };
        let b = s.as_bytes();
        let mut i = start;
        let mut card_sep = false;
        loop {
            let plus_start = i;
            if b.get(i) == Some(&b'+') {
                i += 1;
            }
            let gstart = i;
            let mut digits = 0;
            // A group is in one script: `٧4000…` is an Arabic-Indic seven, then a number.
            let ascii = b.get(i).is_some_and(u8::is_ascii_digit);
            loop {
                match b.get(i) {
                    Some(b'0'..=b'9') if ascii => i += 1,
                    Some(0x80..) if !ascii => {
                        match s[i..].chars().next().filter(|&c| is_decimal_digit(c)) {
                            Some(c) => i += c.len_utf8(),
                            None => break,
                        }
                    }
                    _ => break,
                }
                digits += 1;
            }
            if digits == 0 {
                break;
            }
            run.groups[run.len] = Group {
                plus_start,
                start: gstart,
                end: i,
                digits,
                card_sep,
            };
            run.len += 1;
            run.end = i;
            if run.len == run.groups.len() {
                break;
            }
            // Up to two separators, then a digit (or `+digit`) must follow.
            let mut j = i;
            let mut seps = 0;
            while seps < 2 && matches!(b.get(j), Some(b' ' | b'-' | b'(' | b')')) {
                j += 1;
                seps += 1;
            }
            card_sep = false;
            // After a card's group, up to three of the separators only card numbers use
            // ([`card_separator`]: `4111.1111`, `4111 - 1111`, a no-break space …). They
            // never join a phone.
            // A card's group: four digits, or the six of Amex and Diners (`3712.904047.96664`).
            let card_group =
                digits == 4 || (digits == 6 && run.len == 2 && run.groups[0].digits == 4);
            if card_group && (seps == 0 || b.get(j).is_some_and(|&c| !c.is_ascii_digit())) {
                let mut k = i;
                let mut n = 0;
                while n < 3 {
                    let w = card_separator(&b[k.min(b.len())..]);
                    if w == 0 {
                        break;
                    }
                    k += w;
                    n += 1;
                }
                // Four digits follow; after three groups of four, the last group may be
                // shorter (`6250.4925.8991.3944.114`, `4468.6958.9693.1`).
                let follow = b[k.min(b.len())..]
                    .iter()
                    .take(4)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let four = k > i
                    && (follow == 4
                        || (follow > 0
                            && run.len >= 3
                            && run.groups[..run.len].iter().all(|g| g.digits == 4)));
                if four && (k > j || seps == 0) {
                    card_sep = k > j || seps == 0;
                    if k > j {
                        j = k;
                        seps = n;
                    }
                }
            }
            let k = if b.get(j) == Some(&b'+') { j + 1 } else { j };
            if seps == 0 || !s[k..].chars().next().is_some_and(is_decimal_digit) {
                break;
            }
            i = j;
        }
        run
    }
}

/// The length of a separator that only card numbers put between their groups, at the
/// start of `r` (0: none): ASCII ` -._/,|*+:` (`+`: a form-encoded space), a tab, a line
/// break, a no-break, thin, narrow, figure or ideographic space, a Unicode hyphen, dash
/// or minus, a full-width hyphen or stop, a zero-width space. (Four numbers of four
/// digits joined so that pass Luhn's check, 1 in 10, are masked as a card, as they are
/// when joined by spaces: a card is never let through for their sake.)
pub(super) fn card_separator(r: &[u8]) -> usize {
    match r {
        [b' ' | b'-' | b'.' | b'_' | b'/' | b',' | b'|' | b'*' | b'+' | b':' | b'\t' | b'\n', ..] => {
            1
        }
        // A no-break space; a middle dot U+00B7 (`4111·1111·…`).
        [0xc2, 0xa0 | 0xb7, ..] => 2,
        // A space URL-encoded (`4111%201111…`, as `encodeURIComponent` sends a number
        // typed with spaces) or a no-break space escaped in JSON (`4111\u00a01111…`).
        [b'%', b'2', b'0', ..] => 3,
        [b'\\', b'u', b'0', b'0', b'a' | b'A', b'0', ..] => 6,
        // U+2007, U+2009, U+200B, the direction marks U+200E and U+200F (Arabic text
        // puts them between a number's groups), U+2010–U+2014, U+202F.
        // A bullet U+2022 and a hyphenation point U+2027 (`4111•1111•…`, copied from a
        // screen).
        [0xe2, 0x80, 0x87 | 0x89 | 0x8b | 0x8e | 0x8f | 0x90..=0x94 | 0xa2 | 0xa7 | 0xaf, ..] => 3,
        // U+2212 minus; U+3000; full-width hyphen-minus and full stop.
        [0xe2, 0x88, 0x92, ..] | [0xe3, 0x80, 0x80, ..] | [0xef, 0xbc, 0x8d | 0x8e, ..] => 3,
        _ => 0,
    }
}

/// [`write_card`] for a number whose separators are written as escapes (`%20`,
/// `\\u00a0`: [`card_separator`]): their digits are no card's.
#[cold]
fn write_escaped_card(text: &str, out: &mut String) {
    let plain = text
        .replace("%20", " ")
        .replace("\\u00a0", " ")
        .replace("\\u00A0", " ");
    if plain.len() < text.len() {
        write_card(&plain, out);
    } else {
        // (A `%` or `\\` that escapes nothing.)
        write_digits(text, out);
    }
}

/// The first four digits of the run `g` (0 for those it lacks).
pub(super) fn first_four(s: &str, g: &[Group]) -> [u32; 4] {
    let mut d = [0u32; 4];
    for (slot, c) in d
        .iter_mut()
        .zip(g.iter().flat_map(|g| s[g.start..g.end].chars()))
    {
        *slot = nd_value(c);
    }
    d
}

/// Whether a card number's first four digits `d` can start a payment card: a `2` only in
/// Mastercard's 2-series or Mir's range ([`is_card_2_series`]), so a date-prefixed id
/// (`202412345678901`) that happens to pass Luhn is not taken for a card. Other first
/// digits are not judged.
pub(super) fn iin_plausible(d: [u32; 4]) -> bool {
    d[0] != 2 || is_card_2_series(d)
}

/// Whether the first four digits `d` start as the cards of the payment networks do: `3`
/// (Amex, Diners, JCB), `4` (Visa), `5` (Mastercard), `6` (Discover, UnionPay, RuPay), a
/// `2` of [`is_card_2_series`], UnionPay's and RuPay's `81` and `82`. For digits read out
/// one or two at a time, where a list of small numbers passes Luhn's check one time in
/// ten (`bits 1 0 1 1 0 0 1 0 …`).
pub(super) fn network_iin(d: [u32; 4]) -> bool {
    match d[0] {
        3..=6 => true,
        2 => is_card_2_series(d),
        8 => matches!(d[1], 1 | 2),
        _ => false,
    }
}

/// Whether four leading digits that start with `2` are a card's: Mastercard's 2-series
/// (2221–2720) or Mir's 2200–2204.
pub(crate) fn is_card_2_series(d: [u32; 4]) -> bool {
    is_mastercard_2_series(d) || (d[..3] == [2, 2, 0] && d[3] <= 4)
}

/// Whether four leading digits are in Mastercard's 2-series, 2221–2720.
fn is_mastercard_2_series(d: [u32; 4]) -> bool {
    let v = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
    (2221..=2720).contains(&v)
}

/// Whether digit groups are grouped as card numbers are: one run, groups of four with a
/// shorter last group, 4-6-5 / 4-6-4 (Amex, Diners), or digits read out one or two at a
/// time. A Windows SID
/// (`S-1-5-21-202424912787-…`) or a list of numbers is not.
pub(super) fn card_grouping(g: &[Group]) -> bool {
    match g {
        [_] => true,
        // Read out one or two digits at a time (`43 98 25 97 …`, `4 3 9 8 …`): all in
        // pairs or all alone (`1 1 2 3 5 8 13 21 …` is a sequence).
        [a, ..] if a.digits <= 2 && g.iter().all(|x| x.digits == a.digits) => true,
        [a, b, c] if a.digits == 4 && b.digits == 6 && matches!(c.digits, 4 | 5) => true,
        [head @ .., last] => head.iter().all(|x| x.digits == 4) && (1..=4).contains(&last.digits),
        [] => false,
    }
}

/// Whether short groups read out like a card's digits: every group but the first and
/// the last of one size (`4 398 259 791 907 482`, `43 98 25 97 …`); a list of numbers
/// grows (`odds 3 5 7 9 11 13 15 17 19`).
pub(super) fn read_out(g: &[Group]) -> bool {
    g.len() < 3 || g[1..g.len() - 1].iter().all(|x| x.digits == g[1].digits)
}

/// The value of a Unicode decimal digit.
pub(super) fn nd_value(c: char) -> u32 {
    decimal_value(c).unwrap_or(0)
}

pub(super) fn luhn(s: &str, g: &[Group]) -> bool {
    let b = s.as_bytes();
    if g.iter().all(|g| g.end - g.start == g.digits) {
        // ASCII digits: straight from the bytes, last first.
        let (mut sum, mut odd) = (0, false);
        for g in g.iter().rev() {
            for &c in b[g.start..g.end].iter().rev() {
                let d = u32::from(c - b'0');
                sum += if odd { DOUBLED[d as usize] } else { d };
                odd = !odd;
            }
        }
        return sum % 10 == 0;
    }
    let digits = g
        .iter()
        .flat_map(|g| s[g.start..g.end].chars())
        .map(nd_value);
    luhn_digits(digits)
}

/// A digit doubled by Luhn's check, its digits summed.
pub(super) const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/// Luhn's check over the digits, most significant first.
/// An EMV record written as hex BER-TLV (`9F0206…5A0841111111…5F2403…`, or a byte at a
/// time, `5A 08 41 11 …`: chip data a gateway or a kernel echoes) at `i`: where it ends,
/// when the whole hex word (at least 10 bytes) parses as TLV to its last byte and holds a
/// card number (tag `5A`, Luhn-valid, `F`-padded) or track 2 equivalent data (tag `57`:
/// a card number and a `D`). A hash or an id in hex does not parse so, or holds no such
/// field.
pub(super) fn emv_tlv_end(b: &[u8], i: usize) -> Option<usize> {
    let n = b[i..]
        .iter()
        .take(2048)
        .take_while(|c| c.is_ascii_hexdigit())
        .count();
    if n == 2 && b.get(i + 2) == Some(&b' ') {
        return spaced_tlv_end(b, i);
    }
    let end = i + n;
    if n < 20 || n % 2 == 1 || b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    holds_card_data(&b[i..end]).then_some(end)
}

/// [`emv_tlv_end`] for bytes written apart (`5A 08 41 11 …`): pairs of hex digits joined
/// by single spaces.
fn spaced_tlv_end(b: &[u8], i: usize) -> Option<usize> {
    let pair = |k: usize| {
        b.get(k..k + 2)
            .is_some_and(|p| p.iter().all(u8::is_ascii_hexdigit))
            && !b.get(k + 2).is_some_and(u8::is_ascii_alphanumeric)
    };
    // (Counted first: most numbers before a space are one or two pairs, `35 ms`.)
    let (mut pairs, mut k) = (0, i);
    while pair(k) && pairs < 256 {
        pairs += 1;
        k += 2;
        if b.get(k) == Some(&b' ') && pair(k + 1) {
            k += 1;
        } else {
            break;
        }
    }
    if pairs < 10 {
        return None;
    }
    let mut hex = [0u8; 512];
    let (mut m, mut k) = (0, i);
    while pair(k) && m + 2 <= hex.len() {
        hex[m..m + 2].copy_from_slice(&b[k..k + 2]);
        m += 2;
        k += 2;
        if b.get(k) == Some(&b' ') && pair(k + 1) {
            k += 1;
        } else {
            break;
        }
    }
    (m >= 20 && holds_card_data(&hex[..m])).then_some(k)
}

/// Whether `h` (hex digits, an even count) parses as BER-TLV to its end and holds a card
/// number or track 2 equivalent data ([`emv_tlv_end`]).
fn holds_card_data(h: &[u8]) -> bool {
    let end = h.len();
    let hex = |k: usize| -> u32 {
        let v = |c: u8| (c as char).to_digit(16).unwrap_or(0);
        v(h[k]) << 4 | v(h[k + 1])
    };
    let mut pos = 0;
    let mut card = false;
    while pos < end {
        // The tag: one byte, or more when its low five bits are all set.
        let first = hex(pos);
        let mut tag = first;
        pos += 2;
        if first & 0x1f == 0x1f {
            loop {
                if pos >= end || tag > 0xff_ffff {
                    return false;
                }
                let t = hex(pos);
                tag = tag << 8 | t;
                pos += 2;
                if t & 0x80 == 0 {
                    break;
                }
            }
        }
        // The length: one byte, or `81`/`82` and one or two more.
        if pos >= end {
            return false;
        }
        let mut len = hex(pos) as usize;
        pos += 2;
        if len >= 0x80 {
            let more = len - 0x80;
            if !(1..=2).contains(&more) || pos + 2 * more > end {
                return false;
            }
            len = 0;
            for _ in 0..more {
                len = len << 8 | hex(pos) as usize;
                pos += 2;
            }
        }
        if pos + 2 * len > end {
            return false;
        }
        // A constructed tag's value is more TLV: read on inside it.
        if first & 0x20 != 0 {
            continue;
        }
        let ve = pos + 2 * len;
        let v = &h[pos..ve];
        let pan = |d: &[u8]| {
            (12..=19).contains(&d.len())
                && d.iter().all(u8::is_ascii_digit)
                && luhn_digits(d.iter().map(|&c| u32::from(c - b'0')))
        };
        card |= match tag {
            0x5a => pan(v.strip_suffix(b"F").or(v.strip_suffix(b"f")).unwrap_or(v)),
            0x57 => v
                .iter()
                .position(|&c| c == b'D' || c == b'd')
                .is_some_and(|d| pan(&v[..d])),
            _ => false,
        };
        pos = ve;
    }
    pos == end && card
}

pub(crate) fn luhn_digits(digits: impl DoubleEndedIterator<Item = u32>) -> bool {
    let mut sum = 0;
    for (k, d) in digits.rev().enumerate() {
        sum += if k % 2 == 1 { DOUBLED[d as usize] } else { d };
    }
    sum % 10 == 0
}

/// Writes the first 6 and last 4 of the decimal digits in `text`, `*` between.
pub(crate) fn write_card(text: &str, out: &mut String) {
    if text.len() <= 32 && text.is_ascii() {
        // The digits into a stack buffer (one pass), masked in place: one append.
        let mut d = [b'*'; 32];
        let mut n = 0;
        let mut escape = false;
        for &c in text.as_bytes() {
            // Written whatever the byte, kept only when a digit (no branch per byte);
            // `n` stays below 32, as the text is at most 32 bytes.
            d[n & 31] = c;
            n += usize::from(c.is_ascii_digit());
            escape |= c == b'%' || c == b'\\';
        }
        if escape {
            return write_escaped_card(text, out);
        }
        d[6.min(n)..n.saturating_sub(4).max(6.min(n))].fill(b'*');
        // ASCII digits and `*` only: always UTF-8.
        out.push_str(std::str::from_utf8(&d[..n]).unwrap_or_default());
        return;
    }
    if text.contains(['%', '\\']) {
        return write_escaped_card(text, out);
    }
    write_digits(text, out);
}

/// The digits of `text` (any script's, as ASCII), all but the first 6 and the last 4
/// written as `*`.
fn write_digits(text: &str, out: &mut String) {
    let n = text.chars().filter(|&c| is_decimal_digit(c)).count();
    for (k, d) in text
        .chars()
        .filter(|&c| is_decimal_digit(c))
        .map(nd_value)
        .enumerate()
    {
        if k < 6 || k + 4 >= n {
            out.push(char::from_digit(d, 10).unwrap_or('*'));
        } else {
            out.push('*');
        }
    }
}

/// The hex value of an EMV tag that holds authentication data, keyed by its number at
/// `i` (`9F26=A1B2…`, `9F6B: 4111…D2512…`): the application cryptogram (9F26), track 1
/// and 2 discretionary data (9F1F, 9F20) and track 2 data (9F6B), at least 8 hex digits.
fn emv_tag_value(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let tag = b.get(i..i + 4)?;
    if !["9F26", "9F1F", "9F20", "9F6B"]
        .iter()
        .any(|t| tag.eq_ignore_ascii_case(t.as_bytes()))
        || (i > 0 && b[i - 1].is_ascii_alphanumeric())
    {
        return None;
    }
    // Tag, length and value written apart (`9F26 08 A1B2C3D4E5F6A7B8`): the value, as
    // many bytes as the length says.
    if b.get(i + 4) == Some(&b' ') && b.get(i + 7) == Some(&b' ') {
        let n = b.get(i + 5..i + 7).and_then(|l| {
            let h = |c: u8| (c as char).to_digit(16);
            Some(h(l[0])? * 16 + h(l[1])?)
        })?;
        let (vs, ve) = (i + 8, i + 8 + 2 * n as usize);
        let value = b.get(vs..ve)?;
        return (n >= 4
            && value.iter().all(u8::is_ascii_hexdigit)
            && !b.get(ve).is_some_and(u8::is_ascii_alphanumeric))
        .then_some((vs, ve));
    }
    if !matches!(b.get(i + 4), Some(b'=' | b':')) {
        return None;
    }
    let mut vs = i + 5;
    while b.get(vs) == Some(&b' ') && vs - i < 8 {
        vs += 1;
    }
    let len = b[vs..]
        .iter()
        .take(VALUE_PROBE)
        .take_while(|c| c.is_ascii_hexdigit() || matches!(c, b'D' | b'd' | b'='))
        .count();
    (len >= 8).then_some((vs, vs + len))
}

/// Whether three digit groups are a date: `YYYY-MM-DD`, or `DD-MM-YYYY` with a real day
/// and month, joined by the same `-`, `/` or `.`.
fn is_date(s: &str, g: &[Group]) -> bool {
    // (By the groups' lengths first: most runs leave there.)
    let shape = |a, b, c| g[0].digits == a && g[1].digits == b && g[2].digits == c;
    if !shape(4, 2, 2) && !shape(2, 2, 4) {
        return false;
    }
    let sep1 = &s[g[0].end..g[1].start];
    let sep2 = &s[g[1].end..g[2].start];
    if sep1 != sep2 || !matches!(sep1, "-" | "/" | ".") {
        return false;
    }
    let num = |k: usize| s[g[k].start..g[k].end].parse::<u32>().unwrap_or(0);
    let digits = |k: usize| g[k].digits;
    if digits(0) == 4 && digits(1) == 2 && digits(2) == 2 {
        return sep1 == "-" || ((1..=12).contains(&num(1)) && (1..=31).contains(&num(2)));
    }
    digits(0) == 2
        && digits(1) == 2
        && digits(2) == 4
        && (1..=31).contains(&num(0))
        && (1..=12).contains(&num(1))
        && (1900..=2099).contains(&num(2))
}

/// Whether 14 digits are a compact timestamp: `YYYYMMDDhhmmss` with a real month, day,
/// hour, minute and second, in the years 1900–2099.
fn is_compact_timestamp(d: &[u8]) -> bool {
    let n =
        |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
    d.len() == 14
        && d.iter().all(u8::is_ascii_digit)
        && (1900..=2099).contains(&n(0..4))
        && (1..=12).contains(&n(4..6))
        && (1..=31).contains(&n(6..8))
        && n(8..10) <= 23
        && n(10..12) <= 59
        && n(12..14) <= 60
}

/// Whether four digit groups are an Emirates ID: `784-YYYY-NNNNNNN-C` (the country's code,
/// a birth year, seven digits and a check digit), joined by dashes or spaces.
fn is_emirates_id(s: &str, g: &[Group]) -> bool {
    if g[0].digits != 3 || g[1].digits != 4 || g[2].digits != 7 || g[3].digits != 1 {
        return false;
    }
    let d = |k: usize| &s[g[k].start..g[k].end];
    let joined = (1..4).all(|k| matches!(&s[g[k - 1].end..g[k].start], "-" | " "));
    joined
        && d(0) == "784"
        && g[1].digits == 4
        && g[2].digits == 7
        && g[3].digits == 1
        && (d(1).starts_with("19") || d(1).starts_with("20"))
}
