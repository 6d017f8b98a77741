//! Command lines: a password given to a database or cache client on its command line
//! (`mysql -uroot -pS3cret`, `sshpass -p S3cret ssh host`, `redis-cli -a S3cret`) or in
//! an argument list written as code or JSON (`exec.Command("mysql", "-pS3cret")`,
//! `["sshpass", "-p", "S3cret", …]`), found when the program it belongs to stands before
//! the flag in the same command ([`cli_program`]): the program's name, the words that run
//! other commands or none, and the options that name an argument.

use super::*;

impl<E: Emit> Scanner<'_, '_, E> {
    /// `--value X` (at `value`, `i..e`) after a `--name` in the same command that names a
    /// credential by its last path segment (`aws ssm put-parameter --name
    /// /prod/pay/db_password --value X`): X masked as that name's class.
    pub(super) fn named_flag_value(&mut self, i: usize, e: usize) -> Option<usize> {
        let b = self.b;
        let from = i.saturating_sub(PROBE);
        let line = b[from..i]
            .iter()
            .rposition(|&c| matches!(c, b'\n' | b'|' | b';'))
            .map_or(from, |p| from + p + 1);
        let at = line + find(&b[line..i], 0, b"--name ")?;
        let (ns, ne) = self.next_token(at + 6)?;
        let name = &self.s[ns..ne];
        let class = self.e.key_class(name.rsplit('/').next().unwrap_or(name));
        if !class.is_protected() {
            return None;
        }
        let (vs, ve) = self.next_token(e)?;
        if vs < self.last || b[vs] == b'-' || is_masked(&self.s[vs..ve]) {
            return None;
        }
        self.put(vs, ve, Hit::Keyed(class));
        Some(ve)
    }

    /// IMAP's `a001 LOGIN user password` (a client's or a server's protocol trace), at
    /// `LOGIN` (`i`) after its tag: the password masked, the user name scanned as text.
    /// Where to go on, or `None` when no tag stands before or no two arguments follow.
    #[inline(never)]
    pub(super) fn imap_login(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        // The tag: letters and digits, one digit at least (`a001`, `A1`, `7`), at a line's
        // start or after a space or a protocol trace's `C:`.
        let ts = i.checked_sub(1).filter(|&k| b[k] == b' ')?;
        let tag = b[..ts]
            .iter()
            .rev()
            .take(9)
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if tag == 0 || tag > 8 || !b[ts - tag..ts].iter().any(u8::is_ascii_digit) {
            return None;
        }
        if ts > tag && !matches!(b[ts - tag - 1], b' ' | b'\n' | b'\t' | b':') {
            return None;
        }
        let (_, ue) = self.next_token(i + 5)?;
        let after_user = ue + usize::from(matches!(b.get(ue), Some(b'"')));
        let (ps, pe) = self.next_token(after_user)?;
        if ps < self.last || is_masked(&self.s[ps..pe]) {
            return None;
        }
        self.scan_name(i, ps);
        self.put(ps, pe, Hit::Keyed(Class::Secret));
        Some(pe)
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
        if !is_password_letter(b[i]) {
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
                // A quote that closes the string the flag stands in (`"-uroot -p")`) opens
                // no value.
                // (Within the line, at most [`PROBE`] bytes back: bounded, so repeated
                // flags stay linear.)
                let from = vs.saturating_sub(PROBE);
                let line = b[from..vs]
                    .iter()
                    .rposition(|&c| c == b'\n')
                    .map_or(from, |p| from + p + 1);
                if b[line..vs].iter().filter(|&&c| c == q).count() % 2 == 1 {
                    return None;
                }
                vs += 1;
                vs + b[vs..].iter().take(PROBE).position(|&c| c == q)?
            }
            // Quoted inside a quoted command (`sh -c "mysql -p\"X\""`).
            Some(b'\\') if matches!(b.get(vs + 1), Some(b'"' | b'\'')) => {
                let (s, e) = escaped_quoted(b, vs)?;
                vs = s;
                e
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
        // `docker login -u admin -p X registry`, `helm registry login … -p X`: a
        // registry's or a cloud's login, whose `-p` is its password.
        let login = b[i] == b'p' && !glued && !weak && login_command(b, i);
        let ok = login
            || match (
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
                (b'p', Some((name, options))) if name.eq_ignore_ascii_case(b"sshpass") => {
                    sshpass_options(options)
                }
                (b'a', Some((name, _))) => {
                    name.eq_ignore_ascii_case(b"redis-cli")
                        || (one_of(name, &[b"http", b"https"]) && v.contains(':'))
                }
                (b'k', Some((name, _))) => name.eq_ignore_ascii_case(b"openssl"),
                // curl's `-b 'sid=…'`: cookies sent (a file's name has no `=`).
                (b'b', Some((name, _))) => name.eq_ignore_ascii_case(b"curl") && v.contains('='),
                // MongoDB's shells and tools take `-p X` (`mongo -u admin -p X`).
                (b'p', Some((name, _))) if is_mongo_tool(name) => true,
                // 7-Zip's `-pX`, glued.
                (b'p', Some((name, _))) => glued && one_of(name, &[b"7z", b"7za", b"7zr"]),
                (b'P', Some((name, _))) => is_capital_p_tool(name),
                (b'w', Some((name, _))) => is_ldap_tool(name),
                // Samba's `-U user%password`: the password after the `%`.
                (b'U', Some((name, _))) => is_smb_tool(name),
                _ => false,
            };
        if !ok {
            return None;
        }
        let vs = if b[i] == b'U' {
            match b[vs..ve].iter().position(|&c| c == b'%') {
                Some(p) if vs + p + 1 < ve && vs >= self.last => {
                    // (The user before the `%` is text: `-U bob@example.com%pw`.)
                    self.scan_part(self.last.max(i + 1), vs + p);
                    vs + p + 1
                }
                _ => return None,
            }
        } else {
            vs
        };
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
                // The start of Rust's `Command` `Debug` (`"mysql" "-uroot" "-pX"`): quoted
                // words joined by spaces, with no bracket.
                None | Some(b'\n') if n > 0 => break,
                Some(b' ' | b':') if n > 0 && k < before_ws => break,
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
        // (Or a registry's login: `["docker", "login", "-u", "bob", "-p", "X"]`.)
        let login = (1..n)
            .any(|f| el(f).eq_ignore_ascii_case(b"login") && one_of(name(f - 1), &LOGIN_CLIENTS));
        let p = match (0..n)
            .rev()
            .find(|&f| is_client(name(f)) && !(f > 0 && names_an_argument(el(f - 1))))
        {
            Some(p) => p,
            None if login && b[i] == b'p' => 0,
            None => return None,
        };
        if p > 0 && runs_nothing(name(0), el(1), p == 1) {
            return None;
        }
        let program = name(p);
        // This element's end, and the next element's span.
        let close = i + find(&b[i..], 0, quote).filter(|&p| p <= PROBE)?;
        let (vs, ve) = if close > i + 1 && b[i + 1] == b' ' {
            // The flag and its value in one string (`Process.Start("sshpass", "-p S3cret
            // ssh host")`): sshpass's `-p`, redis-cli's `-a` (MySQL's `-p` alone prompts).
            let wraps = match b[i] {
                b'p' => program.eq_ignore_ascii_case(b"sshpass"),
                _ => program.eq_ignore_ascii_case(b"redis-cli"),
            };
            let vs = i + 1 + b[i + 1..close].iter().take_while(|&&c| c == b' ').count();
            if !wraps || vs == close {
                return None;
            }
            // Quoted inside the string (`"-p \"S3cret\" ssh host"`).
            match escaped_quoted(b, vs) {
                Some(span) => span,
                None => (vs, shell_word_end(b, vs).min(close)),
            }
        } else if close > i + 1 {
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
                b'p' => (program.eq_ignore_ascii_case(b"sshpass") && own_options) || login,
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
}

impl<E: Emit> Scanner<'_, '_, E> {
    /// An Oracle login's password, `user/password@db`, before the `@` at `at`: after an
    /// Oracle tool and its options (`sqlplus -s scott/X@orcl`, `rman target sys/X@db`),
    /// after SQL*Plus's `connect` (`CONNECT scott/X@orcl`) or after `userid=`
    /// (`sqlldr userid=scott/X@orcl`). Masked; where to go on.
    pub(super) fn oracle_password(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let mut start = at;
        while start > self.last
            && at - start < 128
            && !matches!(
                b[start - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'='
            )
        {
            start -= 1;
        }
        let slash = start + b[start..at].iter().position(|&c| c == b'/')?;
        // Oracle's JDBC URL: `jdbc:oracle:thin:user/X@//host:1521/svc`.
        let jdbc = [&b"oracle:thin:"[..], b"oracle:oci:"]
            .iter()
            .any(|m| find_ci(&b[start..slash], m).is_some());
        if jdbc {
            start += b[start..slash].iter().rposition(|&c| c == b':')? + 1;
        }
        let user = &b[start..slash];
        let pass = &self.s[slash + 1..at];
        if user.is_empty()
            || pass.is_empty()
            || !user
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'#'))
            || pass.contains('/')
            || is_no_value(pass)
        {
            return None;
        }
        let userid = start >= 7 && b[start - 7..start].eq_ignore_ascii_case(b"userid=");
        if !userid && !jdbc && !after_oracle_tool(b, start) {
            return None;
        }
        self.put(slash + 1, at, Hit::Secret("secret"));
        Some(at + 1)
    }
}

/// Whether the word at `start` follows an Oracle tool (`sqlplus`, `rman`, `expdp` …,
/// past its options and RMAN's `target`/`catalog`/`auxiliary` and their logins) or
/// SQL*Plus's `connect`, in the same shell command.
fn after_oracle_tool(b: &[u8], start: usize) -> bool {
    let from = start.saturating_sub(PROBE);
    let seg = b[from..start]
        .iter()
        .rposition(|&c| matches!(c, b'\n' | b'\r' | b'|' | b';' | b'&' | b'(' | b'`'))
        .map_or(from, |p| from + p + 1);
    for w in b[seg..start]
        .rsplit(|&c| matches!(c, b' ' | b'\t' | b'"' | b'\''))
        .filter(|w| !w.is_empty())
    {
        let (_, name, _) = program_name(w);
        if one_of(
            name,
            &[
                b"sqlplus", b"rman", b"expdp", b"impdp", b"exp", b"imp", b"sqlldr", b"dgmgrl",
                b"connect", b"conn",
            ],
        ) {
            return true;
        }
        let skipped = w.starts_with(b"-")
            || one_of(w, &[b"target", b"catalog", b"auxiliary"])
            || (w.contains(&b'/') && w.contains(&b'@'));
        if !skipped {
            return false;
        }
    }
    false
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
    // PowerShell: `Start-Process mysql -ArgumentList "-uroot -pX"` (or `-FilePath mysql`).
    // (PowerShell's parameter names are in any case.)
    let flag = b"-ArgumentList";
    if let Some(before) = k
        .checked_sub(flag.len())
        .filter(|&f| b[f..k].eq_ignore_ascii_case(flag))
        .map(|f| &b[..f])
    {
        let before = before.trim_ascii_end();
        let from = before.len().saturating_sub(PROBE);
        let ws = before[from..]
            .iter()
            .rposition(|&c| c == b' ')
            .map_or(from, |p| from + p + 1);
        let word = &before[ws..];
        let word = word.strip_prefix(b"\"").unwrap_or(word);
        let word = word.strip_suffix(b"\"").unwrap_or(word);
        let (_, name, _) = program_name(word);
        let started = find_ci(&b[k.saturating_sub(PROBE)..k], b"start-process").is_some();
        return (is_client(name) && started).then_some((name, &b[seg..i - 1]));
    }
    // Elements joined by a comma (`Process.Start("mysql", "-uroot -pX")`), or Rust's
    // `Command::new("mysql").arg("-uroot -pX")` (on one line or as rustfmt lays it out).
    let k = if b[..k].ends_with(b",") {
        k - 1
    } else if let Some(before) = b[..k].strip_suffix(b".arg(") {
        let before = before.trim_ascii_end();
        before.strip_suffix(b")")?.len()
    } else {
        return None;
    };
    let close = k - b[..k].iter().rev().take_while(|&&c| c == b' ').count();
    let close = close.checked_sub(1).filter(|&c| b[c] == q)?;
    let open = b[close.saturating_sub(PROBE)..close]
        .iter()
        .rposition(|&c| c == q)?
        + close.saturating_sub(PROBE);
    let (_, name, _) = program_name(&b[open + 1..close]);
    // In a call that starts a process (`Process.Start(`, `exec.Command(`, `Command::new(`,
    // `subprocess.run([`, `ShellExecute(NULL, "open", `, `exec(new String[]{` …) on the
    // same line: `notify("mysql", "failover -promote")` is none.
    let from = open.saturating_sub(PROBE);
    let line = b[from..open]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(from, |p| from + p + 1);
    (is_client(name) && calls_a_process(&b[line..open])).then_some((name, &b[seg..i - 1]))
}

/// Whether `t` holds a call of a function or constructor that starts a process (a name
/// of [`starts_a_process`] before `(`, or Rust's `Command::new(`).
pub(super) fn calls_a_process(t: &[u8]) -> bool {
    t.iter().enumerate().any(|(p, &c)| {
        if c != b'(' {
            return false;
        }
        let call = &t[..p];
        let api = call
            .rsplit(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
            .next()
            .unwrap_or(call);
        starts_a_process(api) || call.ends_with(b"Command::new")
    })
}

/// Whether a function or constructor of this name starts a process with the arguments
/// given to it.
pub(super) fn starts_a_process(api: &[u8]) -> bool {
    one_of(
        api,
        &[
            b"Start",
            b"ProcessStartInfo",
            b"Command",
            b"exec",
            b"execFile",
            b"execFileSync",
            b"execSync",
            b"spawn",
            b"spawnSync",
            b"Popen",
            b"run",
            b"call",
            b"check_call",
            b"check_output",
            b"system",
            b"popen",
            b"ShellExecute",
            b"ShellExecuteEx",
            b"CreateProcess",
            b"execvp",
            b"execl",
            b"execlp",
            b"Exec",
            b"ProcessBuilder",
            b"CommandContext",
            b"create_subprocess_exec",
            b"create_subprocess_shell",
            b"capture2",
            b"capture2e",
            b"capture3",
            b"popen3",
            b"execv",
            b"execve",
        ],
    )
}

/// Whether `name` is a common command that is not one whose password the scanner reads
/// (`ssh`, `grep`, `tar`): a flag after it is its own.
pub(super) fn is_other_command(name: &[u8]) -> bool {
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
pub(super) fn is_prompt(w: &[u8]) -> bool {
    matches!(w.last(), Some(b'$' | b'#' | b'>')) || w == b"PS"
}

/// Whether the command `name` (and the word after it, `next`, which may be the client's
/// name: `client_next`) invokes a command that runs nothing given as its arguments (`grep
/// -r`, `systemctl status`, `find /usr/bin`): a command's name that is no English word,
/// or one that is (`find`, `which`, `service`) followed by an option, a path or the
/// client's name, as a shell command is and prose is not (`find backup, running
/// mysqldump -pX`; `service mysql status -pv` is a command).
pub(super) fn runs_nothing(name: &[u8], next: &[u8], client_next: bool) -> bool {
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
pub(super) fn is_wrapper(w: &[u8]) -> bool {
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
pub(super) fn runs_commands(name: &[u8]) -> bool {
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
pub(super) fn is_client(name: &[u8]) -> bool {
    is_mysql_tool(name)
        || is_mongo_tool(name)
        || is_capital_p_tool(name)
        || is_ldap_tool(name)
        || is_smb_tool(name)
        || one_of(
            name,
            &[
                b"sshpass",
                b"redis-cli",
                b"7z",
                b"7za",
                b"7zr",
                b"openssl",
                b"http",
                b"https",
                b"curl",
            ],
        )
}

/// The letters of the flags that [`Scanner::cli_password`] reads: `-p` (MySQL, MongoDB,
/// `sshpass`, 7-Zip), `-a` (`redis-cli`, HTTPie's `user:password`), `-P`
/// ([`is_capital_p_tool`]), `-w` (OpenLDAP's tools), `-U` (Samba's `user%password`),
/// `-k` (`openssl enc`'s passphrase), `-b` (curl's cookies).
#[inline]
pub(super) fn is_password_letter(c: u8) -> bool {
    matches!(c, b'p' | b'a' | b'P' | b'w' | b'U' | b'k' | b'b')
}

/// Whether `name`'s `-P` is its password: SQL Server's `sqlcmd`, `bcp` and `osql`,
/// `zip` and `unzip`, Mosquitto's clients (MySQL's `-P` is its port).
pub(super) fn is_capital_p_tool(name: &[u8]) -> bool {
    one_of(
        name,
        &[
            b"sqlcmd",
            b"bcp",
            b"osql",
            b"zip",
            b"unzip",
            b"mosquitto_pub",
            b"mosquitto_sub",
            b"mosquitto_rr",
        ],
    )
}

/// Whether `name` is one of OpenLDAP's clients (`ldapsearch -w X`).
pub(super) fn is_ldap_tool(name: &[u8]) -> bool {
    one_of(
        name,
        &[
            b"ldapsearch",
            b"ldapadd",
            b"ldapmodify",
            b"ldapdelete",
            b"ldappasswd",
            b"ldapwhoami",
            b"ldapcompare",
            b"ldapmodrdn",
            b"ldapexop",
        ],
    )
}

/// Whether `name` is one of Samba's clients (`smbclient -U user%password`).
pub(super) fn is_smb_tool(name: &[u8]) -> bool {
    one_of(
        name,
        &[
            b"smbclient",
            b"rpcclient",
            b"smbcacls",
            b"smbget",
            b"smbmap",
        ],
    )
}

/// Whether `name` is one of MongoDB's shells or tools (their `-p` is the password).
pub(super) fn is_mongo_tool(name: &[u8]) -> bool {
    one_of(
        name,
        &[
            b"mongo",
            b"mongosh",
            b"mongodump",
            b"mongorestore",
            b"mongoexport",
            b"mongoimport",
        ],
    )
}

/// The programs whose `login` command takes a password after `-p` (a registry's or a
/// cloud's: `docker login -u admin -p X`).
const LOGIN_CLIENTS: [&[u8]; 7] = [
    b"docker", b"podman", b"nerdctl", b"buildah", b"skopeo", b"oras", b"az",
];

/// Whether the flag at `i` belongs to a registry's or a cloud's login command
/// (`docker login`, `podman login`, `nerdctl login`, `buildah login`, `skopeo login`,
/// `oras login`, `az login`, `helm registry login`) on the same line, with only its
/// options and their values between them (`docker login -u admin -p X`).
pub(super) fn login_command(b: &[u8], i: usize) -> bool {
    let from = i.saturating_sub(PROBE);
    let seg = b[from..i]
        .iter()
        .rposition(|&c| matches!(c, b'\n' | b'\r' | b'|' | b';' | b'&' | b'(' | b'`' | b'"'))
        .map_or(from, |p| from + p + 1);
    // The last words before the flag (at most 16).
    let mut words: [&[u8]; 16] = [&[]; 16];
    let mut n = 0;
    for w in b[seg..i]
        .split(|&c| c == b' ' || c == b'\t')
        .filter(|w| !w.is_empty())
    {
        if n == words.len() {
            words.rotate_left(1);
            n -= 1;
        }
        words[n] = w;
        n += 1;
    }
    let words = &words[..n];
    // The last `login`, after its program.
    let Some(l) = words.iter().rposition(|w| w.eq_ignore_ascii_case(b"login")) else {
        return false;
    };
    let program = |k: usize| program_name(words[k]).1;
    let logs_in = (l >= 1 && one_of(program(l - 1), &LOGIN_CLIENTS))
        || (l >= 2 && words[l - 1].eq_ignore_ascii_case(b"registry") && program(l - 2) == b"helm");
    // Between `login` and the flag: options and their values, and at most one other
    // word (the registry: `docker login ghcr.io -p X`).
    let positional = (l + 1..n)
        .filter(|&k| !words[k].starts_with(b"-") && !words[k - 1].starts_with(b"-"))
        .count();
    logs_in && positional <= 1
}

/// A program word split into its directory, its name (without `.exe`, any case, and a
/// version number: `mysql8`) and whether it was an `.exe` (`C:\\…\\MYSQL.EXE`).
pub(super) fn program_name(w: &[u8]) -> (&[u8], &[u8], bool) {
    let base = w.rsplit(|&c| c == b'/' || c == b'\\').next().unwrap_or(w);
    let dir = &w[..w.len() - base.len()];
    let exe = base.len() > 4 && base[base.len() - 4..].eq_ignore_ascii_case(b".exe");
    let base = if exe { &base[..base.len() - 4] } else { base };
    let digits = base.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    (dir, &base[..base.len() - digits], exe)
}

/// Whether `w` is one of `words`, in any case.
pub(super) fn one_of(w: &[u8], words: &[&[u8]]) -> bool {
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

/// A password piped into a program that reads it from its input, at the word `w` (`echo`
/// or `printf`) that ends at `e`: `echo X | sudo -S …`, `echo X | docker login -u bob
/// --password-stdin`, `echo X | sshpass -d 0 ssh host`, `echo bob:X | chpasswd`, `printf
/// '%s' X | passwd --stdin bob`. `(start, end)` of the value echoed.
pub(super) fn piped_password(b: &[u8], w: &[u8], e: usize) -> Option<(usize, usize)> {
    let skip_ws = |k: &mut usize| {
        while matches!(b.get(*k), Some(b' ' | b'\t')) {
            *k += 1;
        }
    };
    let arg = |k: usize| shell_arg(b, k);
    let mut k = e;
    skip_ws(&mut k);
    let printf = w.eq_ignore_ascii_case(b"printf");
    // `echo -n X`, `echo -e "X\n"`.
    while !printf && b.get(k) == Some(&b'-') {
        let we = shell_word_end(b, k);
        if !matches!(&b[k..we], b"-n" | b"-e" | b"-ne" | b"-en" | b"-E") {
            return None;
        }
        k = we;
        skip_ws(&mut k);
    }
    let (mut vs, mut ve, mut next) = arg(k)?;
    // `printf '%s' X`, `printf '%s\n' X`: the value is the format's argument.
    if printf && contains(&b[vs..ve], b"%s") {
        k = next;
        skip_ws(&mut k);
        (vs, ve, next) = arg(k)?;
    }
    // A newline written out at the end (`"X\n"`) is not the value's.
    if ve - vs > 2 && &b[ve - 2..ve] == b"\\n" {
        ve -= 2;
    }
    if stands_in(&b[vs..ve]) {
        return None;
    }
    k = next;
    skip_ws(&mut k);
    if b.get(k) != Some(&b'|') || b.get(k + 1) == Some(&b'|') {
        return None;
    }
    k += 1;
    // The command the pipe feeds, to the next pipe, list operator or line break.
    let end = k + b[k..]
        .iter()
        .take(PROBE)
        .position(|&c| matches!(c, b'|' | b';' | b'&' | b'\n' | b'\r'))
        .unwrap_or(b.len().min(k + PROBE) - k);
    reads_password(&b[k..end]).then_some((vs, ve))
}

/// Whether the command `cmd` reads a password from its input: `sudo` with `-S` among its
/// own options (alone or with others, `-kS`) or `--stdin`; `sshpass -d`; `chpasswd`;
/// `passwd --stdin`; a `login` with `--password-stdin`; any of these run by `sudo`.
pub(super) fn reads_password(cmd: &[u8]) -> bool {
    let mut words = cmd
        .split(|&c| c == b' ' || c == b'\t')
        .filter(|w| !w.is_empty())
        .peekable();
    let Some(first) = words.next() else {
        return false;
    };
    let mut program = program_name(first).1;
    // `sudo`'s own options come before the command it runs (`pacman -S` is pacman's).
    if program.eq_ignore_ascii_case(b"sudo") {
        let mut stdin = false;
        while let Some(w) = words.next_if(|w| w.starts_with(b"-")) {
            stdin |= (w.len() > 1 && w[1] != b'-' && w.contains(&b'S')) || w == b"--stdin";
            // (`-u user`, `-g group`: an option's value.)
            if matches!(w, b"-u" | b"-g" | b"-h" | b"-p" | b"-C" | b"-U") {
                words.next();
            }
        }
        if stdin {
            return true;
        }
        // The command sudo runs reads it (`| sudo chpasswd`).
        let Some(next) = words.next() else {
            return false;
        };
        program = program_name(next).1;
    }
    let mut rest = words;
    if program.eq_ignore_ascii_case(b"sshpass") {
        rest.any(|w| w.starts_with(b"-d"))
    } else if program.eq_ignore_ascii_case(b"chpasswd") {
        true
    } else if program.eq_ignore_ascii_case(b"passwd") {
        rest.any(|w| w == b"--stdin")
    } else {
        // `docker login --password-stdin`, `helm registry login --password-stdin`.
        rest.any(|w| w == b"--password-stdin")
    }
}

/// A password given to such a command as a here-string (`sudo -S apt-get update <<<
/// X`, `chpasswd <<< "bob:X"`, `docker login -u bob --password-stdin <<< X`), at the
/// `<<<` at `at`: `(start, end)` of the value.
pub(super) fn here_string_password(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let from = at.saturating_sub(PROBE);
    let start = b[from..at]
        .iter()
        .rposition(|&c| matches!(c, b'|' | b';' | b'&' | b'\n' | b'\r' | b'(' | b'`'))
        .map_or(from, |p| from + p + 1);
    // The command may follow prose (`gateway said: sudo -S … <<< X`): from the word that
    // names a program that reads one (each word looked at once).
    let cmd = &b[start..at];
    let reads = contains(cmd, b"--password-stdin")
        || cmd
            .split(|&c| c == b' ' || c == b'\t')
            .scan(0, |pos, w| {
                let at = *pos;
                *pos += w.len() + 1;
                Some((at, w))
            })
            .filter(|(_, w)| {
                let name = program_name(w).1;
                one_of(name, &[b"sudo", b"sshpass", b"chpasswd", b"passwd"])
            })
            .take(2)
            .any(|(w, _)| reads_password(&cmd[w..]));
    if !reads {
        return None;
    }
    let k = at
        + 3
        + b[at + 3..]
            .iter()
            .take_while(|&&c| matches!(c, b' ' | b'\t'))
            .count();
    let (vs, ve, _) = shell_arg(b, k)?;
    (!stands_in(&b[vs..ve])).then_some((vs, ve))
}

/// One shell argument at `k`: quoted (its span inside the quotes) or a shell word, and
/// where the argument ends.
pub(super) fn shell_arg(b: &[u8], k: usize) -> Option<(usize, usize, usize)> {
    match b.get(k) {
        Some(&q @ (b'"' | b'\'')) => {
            let len = b[k + 1..].iter().take(PROBE).position(|&c| c == q)?;
            Some((k + 1, k + 1 + len, k + 2 + len))
        }
        Some(_) => {
            let ve = shell_word_end(b, k);
            (ve > k).then_some((k, ve, ve))
        }
        None => None,
    }
}

/// Whether an argument stands in for a value instead of being one: empty, a variable
/// (`$PASS`, `%PASS%`), a template (`{{ registry_password }}`) or stars.
pub(super) fn stands_in(v: &[u8]) -> bool {
    v.is_empty()
        || matches!(v[0], b'$' | b'%')
        || v.starts_with(b"{{")
        || v.iter().all(|&c| c == b'*')
}

/// A value in escaped quotes at `vs` (`\"S3cret\"`, `\'S3cret\'`: quoted inside a quoted
/// string): its span inside them.
pub(super) fn escaped_quoted(b: &[u8], vs: usize) -> Option<(usize, usize)> {
    let q = *b
        .get(vs + 1)
        .filter(|&&q| b[vs] == b'\\' && matches!(q, b'"' | b'\''))?;
    let s = vs + 2;
    let len = b[s..]
        .windows(2)
        .take(PROBE)
        .position(|w| w == [b'\\', q])?;
    Some((s, s + len))
}

/// The credential a command takes as an argument, at its word `i..e` (`login`,
/// `htpasswd`, `use`): `vault login <token>` and `cargo login <token>` (not an option or
/// a method's `key=value`); `htpasswd -b[…] <file> <user> <password>` (`-b` takes the
/// password from the command line); `net use <share> /user:<name> <password>`. Its span.
pub(super) fn command_credential(b: &[u8], i: usize, e: usize) -> Option<(usize, usize)> {
    let w = &b[i..e];
    // The words after the command's (at most four), each with its span.
    let mut args = [(0usize, 0usize); 4];
    let mut n = 0;
    let mut k = e;
    while n < args.len() {
        while matches!(b.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        // (A quoted word to its closing quote: `"Hunter2 xyz!"`.)
        let ae = match b.get(k) {
            Some(&q @ (b'"' | b'\'')) => b[k + 1..]
                .iter()
                .take(PROBE)
                .position(|&c| c == q)
                .map_or(k, |p| k + p + 2),
            _ => shell_word_end(b, k),
        };
        if ae == k {
            break;
        }
        args[n] = (k, ae);
        n += 1;
        k = ae;
    }
    let args = &args[..n];
    let arg = |(s, e): (usize, usize)| &b[s..e];
    let prev = |at: usize| {
        let pe = at.checked_sub(1).filter(|&p| b[p] == b' ')?;
        let ps = b[..pe]
            .iter()
            .rposition(|&c| matches!(c, b' ' | b'\n' | b'\t'))
            .map_or(0, |p| p + 1);
        Some(&b[ps..pe])
    };
    let unquoted =
        |(s, e): (usize, usize)| match (b.get(s), e.checked_sub(1).and_then(|l| b.get(l))) {
            (Some(&q @ (b'"' | b'\'')), Some(&c)) if c == q && e > s + 1 => (s + 1, e - 1),
            _ => (s, e),
        };
    if w == b"login" {
        let program = program_name(prev(i)?).1;
        if !one_of(program, &[b"vault", b"cargo"]) {
            return None;
        }
        let &t = args.first()?;
        let v = arg(t);
        return (v.len() >= 8 && !v.starts_with(b"-") && !v.contains(&b'=')).then(|| unquoted(t));
    }
    if w == b"htpasswd" {
        let flags = args
            .iter()
            .take_while(|&&t| arg(t).starts_with(b"-"))
            .count();
        let batch = args[..flags].iter().any(|&t| {
            let f = arg(t);
            f.len() >= 2 && f[1] != b'-' && f[1..].contains(&b'b')
        });
        return (batch && args.len() > flags + 2).then(|| unquoted(args[flags + 2]));
    }
    // `net use`: the word after `/user:<name>`.
    if prev(i) != Some(b"net") && prev(i) != Some(b"NET") {
        return None;
    }
    let u = args.iter().position(|&t| {
        let a = arg(t);
        a.len() > 6 && a[..6].eq_ignore_ascii_case(b"/user:")
    })?;
    let &t = args.get(u + 1)?;
    (!arg(t).starts_with(b"/") && !arg(t).starts_with(b"*")).then(|| unquoted(t))
}
