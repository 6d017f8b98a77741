//! The leaks a red-team probe found (2026-12-07), end to end: each form through every
//! path a line can carry text (a foreign `log` message, a `log` key-value, `event!`
//! fields, `labels`), and name/value entries in structured (`:serde`) payloads, with the
//! default masker and no keyset. The planted secret must be nowhere in the lines.

use ecsctx::event;
use ecsctx::testing::{assert_no_leaks, capture};
use serde_json::json;

/// `(text, the secret planted in it)`: one of each form that used to leak.
const FORMS: &[(&str, &str)] = &[
    (r#"{"field":"cvv","val":"739"}"#, "739"),
    (r#"{"Key":"DB_PASSWORD","Value":"Vf9Rk2qq"}"#, "Vf9Rk2qq"),
    (r#"{"value":"Vf9Rk2qq","name":"DB_PASSWORD"}"#, "Vf9Rk2qq"),
    (r#"{"parameter":"password","value":"Vf9Rk2qq"}"#, "Vf9Rk2qq"),
    (r#"cvc: Some(Cvc("739"))"#, "739"),
    (
        r#"password: SecretString { inner: "hunter2pass" }"#,
        "hunter2pass",
    ),
    ("ctx --secret n7v8KTW98D end", "n7v8KTW98D"),
    ("card%5Bnumber%5D=4945807302157365&card%5Bcvc%5D=739", "739"),
    (
        "card%5Bnumber%5D=4945807302157365&card%5Bcvc%5D=739",
        "4945807302157365",
    ),
    ("user%5Bpassword%5D=hunter2pass&x=1", "hunter2pass"),
    ("reply cvv|630 ok", "630"),
    ("CVV2/CVC2/CID: 823", "823"),
    ("[cvv] 730", "730"),
    ("cvv no. 576", "576"),
    ("cvv\n239", "239"),
    ("cvv\u{a0}327", "327"),
    ("securitycode 132", "132"),
    ("pin\n8674", "8674"),
    ("epin=8674", "8674"),
    ("pinblock F1F9BE4B8FFDF9C7", "F1F9BE4B8FFDF9C7"),
    (r#"<cvv2 value="768"/>"#, "768"),
    (r#"<password value="e83Wq19z"/>"#, "e83Wq19z"),
    ("password\u{a0}=\u{a0}vD4Dxx99", "vD4Dxx99"),
    ("password\nP6uHxx99", "P6uHxx99"),
    ("password\thunter2", "hunter2"),
    ("api_key pXV5xx99zz", "pXV5xx99zz"),
    ("bearer=3TQ7xx99zzqqqq", "3TQ7xx99zzqqqq"),
    ("Amex 3712.904047.96664", "904047"),
    ("card 6250.4925.8991.3944.114", "8991"),
    (
        "4111\u{2009}1111\u{2009}1111\u{2009}1111 ok",
        "1111\u{2009}1111\u{2009}1111",
    ),
    ("card 4945|8073|0215|7365", "8073|0215"),
    ("token: Bearer 3TQ73WTZWG", "3TQ73WTZWG"),
    ("token WuGknHrhQj", "WuGknHrhQj"),
    ("charge card 4398:2597:9190:7482 ok", "2597:9190"),
    ("charge card 4398\n2597\n9190\n7482 ok", "2597\n9190"),
    // ISO 8583 dumps: the PIN block (52), track data (35, 45) and chip data (55) by
    // their element's number.
    ("DE 52: 8415A1B2C3D4E5F6", "8415A1B2C3D4E5F6"),
    ("DE052=8415A1B2C3D4E5F6 ok", "8415A1B2C3D4E5F6"),
    (
        r#"<field id="52" value="8415A1B2C3D4E5F6"/>"#,
        "8415A1B2C3D4E5F6",
    ),
    (
        r#"<field id="55" value="9F2608A1B2C3D4E5F6A7B89F2701809F10"/>"#,
        "9F2608A1B2C3D4E5F6A7B8",
    ),
    ("F35 Track 2 Data....: 4761739001010010D2512201", "2512201"),
    ("[052] 8415A1B2C3D4E5F6", "8415A1B2C3D4E5F6"),
    ("<52>8415A1B2C3D4E5F6</52>", "8415A1B2C3D4E5F6"),
    ("Field #055 = 9F2608A1B2C3D4E5F6A7", "9F2608A1B2C3D4E5F6A7"),
    ("iso dump:\n  052: 8415A1B2C3D4E5F6", "8415A1B2C3D4E5F6"),
    ("DE 52 (8 bytes): 8415A1B2C3D4E5F6", "8415A1B2C3D4E5F6"),
    (
        "<field id='52' type='binary' value='8415A1B2C3D4E5F6'/>",
        "8415A1B2C3D4E5F6",
    ),
    (
        "DE 45: B4111111111111111^DOE/JOHN^2512101",
        "DOE/JOHN^2512101",
    ),
    // American Express's CID, and a CVV after `verification`.
    ("amex CID: 3175 ok", "3175"),
    (r#"{"cid":"512"}"#, "512"),
    ("<cid>512</cid>", "512"),
    ("verification code 374", "374"),
    // Command lines, and token shapes with a dotted prefix (Vault, Google OAuth).
    ("exec mysql -uroot -pagKRQz8Lm1 orders", "agKRQz8Lm1"),
    ("sshpass -p BKHMz8Lm1q ssh deploy@host", "BKHMz8Lm1q"),
    ("redis-cli -h r1 -a Zq8Lm1BKHM ping", "Zq8Lm1BKHM"),
    (
        "vault login with hvs.CAESIJ2bY3xqPzVdLRf8Lh2GvQb3Y9nK4m ok",
        "CAESIJ2bY3xqPzVdLRf8Lh2GvQb3Y9nK4m",
    ),
    (
        "gcs call with ya29.a0AfH6SMBx1234abcdEFGH5678ijklMNOP",
        "a0AfH6SMBx1234abcdEFGH5678ijklMNOP",
    ),
    ("otp_code=482913", "482913"),
    ("sshpass -v -p 'BK HMz8q' ssh h", "BK HMz8q"),
    (
        "2024-12-07 10:00:01 docker exec -it db mysql --user=root -pXk9Lm2 app",
        "Xk9Lm2",
    ),
    ("cmd=\"mysql -uroot -pagKRQz8Lm1\"", "agKRQz8Lm1"),
    ("atm txn [52] E69F4F928A9A9C26 rc=55", "E69F4F928A9A9C26"),
    (
        "authorize: cardholder verification 471 status=declined",
        "471",
    ),
    ("amex CID#1234 ok", "1234"),
    ("passwort: Zq8Lm1BKHMx9", "Zq8Lm1BKHMx9"),
    (
        "request failed パスワード: A9vZbTS4HL retry=3",
        "A9vZbTS4HL",
    ),
    ("contraseña=qwertyuiopasdf", "qwertyuiopasdf"),
    ("كلمة المرور: qwertyuiopasdf", "qwertyuiopasdf"),
    ("cookie connect.sid=qwertyuiopasdf", "qwertyuiopasdf"),
    ("request failed salt=PYgxmM6TGV retry=3", "PYgxmM6TGV"),
    ("vpc_SecureHash=9DDxtWWLVu&vpc_Amount=100", "9DDxtWWLVu"),
    ("client_assertion = 3GezuUXmf3", "3GezuUXmf3"),
    ("sms_code=482913&mac_key=Zq8Lm1BKHM", "482913"),
    ("sms_code=482913&mac_key=Zq8Lm1BKHM", "Zq8Lm1BKHM"),
    // Command lines: the program anywhere before its flag in the same command.
    (
        "10:00:01 docker exec -it db mysql -uroot -pXk9Lm2 app",
        "Xk9Lm2",
    ),
    ("bash -c 'mysql -uroot -pXk9Lm2'", "Xk9Lm2"),
    ("sudo -E mysql -pXk9Lm2", "Xk9Lm2"),
    ("sshpass -P assword -p Xk9Lm2 ssh h", "Xk9Lm2"),
    ("mysql mydb -u root -pXk9Lm2", "Xk9Lm2"),
    ("redis-cli get k -a Xk9Lm2", "Xk9Lm2"),
    ("sudo -i mysql -pXk9Lm2", "Xk9Lm2"),
    ("env -i redis-cli -a Xk9Lm2", "Xk9Lm2"),
    // A card between an ISO 8583 element's number and its value.
    (
        r#"<field id="52" ref="5500000000000004" value="8415A1B2C3D4E5F6"/>"#,
        "5500000000000004",
    ),
    // A card before a decimal or an expiry after a comma.
    ("10:00:01 4945 8073 0215 7365,12/25", "8073 0215"),
    ("amount 12.50 4945 8073 0215 7365.5", "8073 0215"),
    (
        "key glsa_yuBeheWeeW9KkepJE38zBsRAppfVWwuc end",
        "yuBeheWeeW9KkepJE38zBsRAppfVWwuc",
    ),
    (
        "key 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 end",
        "a800bd375a96c54f9cea8aa19cf78232",
    ),
    // A phone or an SSN followed by a time.
    ("call +1 212 555 0134 12:30", "555 0134"),
    ("phone (212) 555-0134 12:30 ok", "555-0134"),
    ("SSN 123-45-6789 12:30", "123-45-6789"),
    (r#"{"senha":"Zq8Lm1BKHMx9"}"#, "Zq8Lm1BKHMx9"),
    // A MySQL password of digits or a short word after the client's own words (its port
    // is `-P`), a quoted Windows path, argument lists written as code or JSON.
    ("mysql mydb -p123456", "123456"),
    ("mysql mydb -pabcd", "abcd"),
    (
        r#""C:\Program Files\MySQL\bin\mysql.exe" -uroot -pXk9Lm2q"#,
        "Xk9Lm2q",
    ),
    (r#"exec.Command("mysql", "-pXk9Lm2q")"#, "Xk9Lm2q"),
    (
        r#"subprocess.run(['mysql', '-uroot', '-pXk9Lm2q'])"#,
        "Xk9Lm2q",
    ),
    (
        r#"{"argv":"[\"/usr/bin/mysql\",\"-pXk9Lm2q\"]"}"#,
        "Xk9Lm2q",
    ),
    (
        r#"["sshpass", "-p", "BKHMz8Lm1q", "ssh", "deploy@host"]"#,
        "BKHMz8Lm1q",
    ),
    (
        r#"new ProcessBuilder("redis-cli", "-h", "r1", "-a", "Zq8Lm1BKHM")"#,
        "Zq8Lm1BKHM",
    ),
    // Red-team round 12: a password key in another script before a credential-shaped
    // value without a separator; a client's password in prose that names a command
    // before it; flags whose value is a status word; more argument-list forms.
    (
        "request failed contraseña\t4EsgaGhxSJ retry=3",
        "4EsgaGhxSJ",
    ),
    ("contraseña is 4EsgaGhxSJ", "4EsgaGhxSJ"),
    ("パスワード Xk9QwZ7p", "Xk9QwZ7p"),
    (
        "backup service ran mysqldump -uroot -pZk8qW3xR app",
        "Zk8qW3xR",
    ),
    ("which then ran sshpass -p Zk8qW3xR ssh h", "Zk8qW3xR"),
    (
        "could not find backup, running mysqldump -uroot -pZk8qW3xR app",
        "Zk8qW3xR",
    ),
    ("find . -execdir mysql -pZk8qW3xR {} ;", "Zk8qW3xR"),
    ("mysql -uroot -pvalid", "-pvalid"),
    ("redis-cli get k -a 123456", "123456"),
    (
        r"'C:\Program Files\MySQL\bin\mysql.exe' -uroot -pXk9Lm2q",
        "Xk9Lm2q",
    ),
    (r#""C:\MySQL\bin\MYSQL.EXE" -pXk9Lm2q"#, "Xk9Lm2q"),
    ("spawn('mysql', ['-uroot', '-pXk9Lm2q'])", "Xk9Lm2q"),
    (
        r#"Command::new("mysql").arg("-uroot").arg("-pXk9Lm2q")"#,
        "Xk9Lm2q",
    ),
    (
        r#"["sudo", "sshpass", "-p", "Xk9Lm2q", "ssh", "h"]"#,
        "Xk9Lm2q",
    ),
    (
        r#"["docker", "exec", "db", "redis-cli", "-a", "Xk9Lm2q"]"#,
        "Xk9Lm2q",
    ),
    ("args [mysql -uroot -pXk9Lm2q]", "Xk9Lm2q"),
    // Red-team round 13: a host or user named like the client; more list forms; prose
    // that starts with a command's name.
    (
        r#"["mysql", "-h", "mysql", "-uroot", "-pZk8qW3xR"]"#,
        "Zk8qW3xR",
    ),
    (r#"["mysqldump","--user","mysql","-pZk8qW3xR"]"#, "Zk8qW3xR"),
    (
        r#"Command::new("mysql").args(["-uroot","-pZk8qW3xR"])"#,
        "Zk8qW3xR",
    ),
    (
        r#"Command::new("redis-cli").arg("-a").arg("Zk8qW3xR")"#,
        "Zk8qW3xR",
    ),
    (
        r#"new String[]{"mysql", "-uroot", "-pZk8qW3xR"}"#,
        "Zk8qW3xR",
    ),
    (r#"["mysql" "-uroot" "-pZk8qW3xR"]"#, "Zk8qW3xR"),
    ("kill -HUP 1 then mysql -uroot -pZk8qW3xR", "Zk8qW3xR"),
    ("ls ok then mysql -uroot -pZk8qW3xR", "Zk8qW3xR"),
    ("git hook executed mysql -uroot -pZk8qW3xR", "Zk8qW3xR"),
    ("grep failed, then mysql -uroot -pZk8qW3xR", "Zk8qW3xR"),
    ("sudo -u ps mysql -pZk8qW3xR", "Zk8qW3xR"),
    ("pin block: 0412AC89 FFFF1234 ok", "FFFF1234"),
    ("DE 52: 84-15-A1-B2-C3-D4-E5-F6 ok", "A1-B2"),
    ("pinblock 0x8415A1B2C3D4E5F6", "8415A1B2C3D4E5F6"),
    // Red-team round 14: a card read out in pairs or digit by digit; a phone after
    // a few small numbers; more copulas and argument lists; SQL rows by their columns.
    ("card 43 98 25 97 91 90 74 82", "25 97 91 90"),
    (
        "card 4 3 9 8 2 5 9 7 9 1 9 0 7 4 8 2 approved",
        "2 5 9 7 9 1",
    ),
    ("10 20 30 1-800-555-0134", "555-0134"),
    ("retry 1 2 3 06 12 34 56 78", "34 56 78"),
    ("senha é Xk9QwZ7p", "Xk9QwZ7p"),
    ("Passwort lautet Xk9QwZ7p", "Xk9QwZ7p"),
    (
        r#"Command::new("mysql").args(&["-uroot","-pZk8qW3xR"])"#,
        "Zk8qW3xR",
    ),
    (r#"["redis-cli" "-a" "Zk8qW3xR" "ping"]"#, "Zk8qW3xR"),
    (
        "INSERT INTO cards (pan, cvv, exp) VALUES ('4111111111111111', '123', '12/27')",
        "'123'",
    ),
    (
        "INSERT INTO users (id, password) VALUES (1, 'Xk9QwZ7p!'), (2, 'it''s a secret')",
        "s a secret",
    ),
    (
        "INSERT INTO t (pin, created) VALUES ('8674', NOW())",
        "8674",
    ),
    // Red-team round 15: a prose password with letters outside ASCII; an element
    // named in capitals or after its value; a `values` member; Python's `repr`.
    ("pwd Straße2024!", "Straße2024!"),
    ("the password is Grüße2024", "Grüße2024"),
    ("<field NAME='cvv' VALUE='837'/>", "837"),
    ("<field value='837' name='cvv'/>", "837"),
    (r#"{"key":"cvv","values":"837"}"#, "837"),
    ("{'name': 'password', 'value': 'Xk9QwZ7p'}", "Xk9QwZ7p"),
    ("Passwort ist: Xk9QwZ7p", "Xk9QwZ7p"),
    // Red-team round 16: a card read out in pairs before its expiry or CVV, or in
    // groups of three.
    ("card 43 98 25 97 91 90 74 82 12 27", "25 97 91 90"),
    ("card 43 98 25 97 91 90 74 82 837", "837"),
    ("card 4 398 259 791 907 482", "259 791 907"),
    // Round 16's remaining forms: Python 2's repr, a copula before a colon, MySQL's
    // `VALUE`.
    ("{u'name': u'password', u'value': u'Xk9QwZ7p'}", "Xk9QwZ7p"),
    ("senha é: Xk9QwZ7p", "Xk9QwZ7p"),
    (
        "INSERT INTO t (cvv, pan) VALUE ('123', '4111111111111111')",
        "'123'",
    ),
    // An entry named after `name`/`key` whose value member is `val` or `data`.
    (r#"{"name":"cvv","val":"123"}"#, "123"),
    (r#"{"name":"cvv","data":"123"}"#, "123"),
    (r#"{"val":"Xk9QwZ7p","name":"DB_PASSWORD"}"#, "Xk9QwZ7p"),
    // An element named by a single-quoted attribute; a value attribute in any case.
    ("<field name='cvv' value='123'/>", "123"),
    ("<param name='password' value='Xk9QwZ7p'/>", "Xk9QwZ7p"),
    ("<field name='password'>Xk9QwZ7p</field>", "Xk9QwZ7p"),
    (r#"<cvv2 VALUE="768"/>"#, "768"),
    // "Password" in other languages before a credential-shaped value in prose.
    ("Passwort Xk9QwZ7p", "Xk9QwZ7p"),
    ("senha Xk9QwZ7p ok", "Xk9QwZ7p"),
    ("パスワード Xk9QwZ7p。", "Xk9QwZ7p"),
    ("パスワードは Xk9QwZ7p", "Xk9QwZ7p"),
    ("パスワードはXk9QwZ7pです", "Xk9QwZ7p"),
    ("contraseña es Xk9QwZ7p", "Xk9QwZ7p"),
    ("пароль был Xk9QwZ7p", "Xk9QwZ7p"),
    // A command line's value is a shell word: a comma or a brace is part of it.
    ("mysql mydb -p12,34 ok", ",34"),
    // A phone in groups like a list of numbers: a trunk `0`, a `+` or a phone word.
    ("call 06 12 34 56 78", "34 56 78"),
    ("ids 1 2 3 4 5 +1 212 555 0134", "555 0134"),
    ("91 234 56 78 ok", "234 56 78"),
    ("mysql -uroot -pab,c}d app", "c}d"),
    // PIN blocks and chip data in groups of hex digits, or after `0x`.
    ("pinblock 04 12 AC 89 FF FF 12 34 ok", "AC 89 FF FF"),
    ("pin_block=0412 AC89 FFFF 1234", "AC89 FFFF"),
    ("PIN block: 0412 AC89 FFFF 1234 ok", "AC89 FFFF"),
    ("DE 52: 0x8415A1B2C3D4E5F6", "8415A1B2C3D4E5F6"),
    ("DE 52: 84 15 A1 B2 C3 D4 E5 F6 ok", "A1 B2 C3 D4"),
    (
        "DE 55: 9F 26 08 A1 B2 C3 D4 E5 F6 A7 B8 9F 27 01 80 ok",
        "A1 B2 C3 D4",
    ),
    // An address encoded twice (a URL in a URL's parameter).
    ("to=j.doe%2540example.com&x=1", "j.doe"),
    // Tenth session: a password-shaped value after a command that runs nothing; a
    // program's arguments in one string after the program's element; French's three-word
    // key; Chinese, Korean and Italian copulas.
    ("ps shows mysql -uroot -pZk8qW3xR", "Zk8qW3xR"),
    (r#"Process.Start("mysql", "-uroot -pZk8qW3xR")"#, "Zk8qW3xR"),
    (
        r#"new ProcessStartInfo("C:\mysql\bin\mysql.exe", "-uroot -pZk8qW3xR db")"#,
        "Zk8qW3xR",
    ),
    ("mot de passe : Xk9QwZ7p", "Xk9QwZ7p"),
    ("le mot de passe est Xk9QwZ7p", "Xk9QwZ7p"),
    ("votre mot de passe Xk9QwZ7p", "Xk9QwZ7p"),
    ("密码是Xk9QwZ7p", "Xk9QwZ7p"),
    ("密码为 Xk9QwZ7p", "Xk9QwZ7p"),
    ("비밀번호는 Xk9QwZ7p", "Xk9QwZ7p"),
    ("la password è Xk9QwZ7p", "Xk9QwZ7p"),
    // One list of copulas for every password key, one of particles for keys in CJK and
    // Hangul.
    ("adgangskode er Xk9QwZ7p", "Xk9QwZ7p"),
    ("lösenord är Xk9QwZ7p", "Xk9QwZ7p"),
    ("пароль это Xk9QwZ7p", "Xk9QwZ7p"),
    ("hasło jest Xk9QwZ7p", "Xk9QwZ7p"),
    ("password was: Xk9QwZ7p", "Xk9QwZ7p"),
    ("비밀번호가Xk9QwZ7p", "Xk9QwZ7p"),
    // A quoted SQL value is a value whatever it starts with (only bare ones are
    // placeholders or calls).
    ("INSERT INTO t (password) VALUES ('?Xk9QwZ7p')", "Xk9QwZ7p"),
    ("INSERT INTO t (password) VALUES ('x(1)Xk9QwZ')", "Xk9QwZ"),
    ("INSERT INTO t (password) VALUES ('%sXk9QwZ7p')", "Xk9QwZ7p"),
    // A call's string arguments under a sensitive column.
    (
        "INSERT INTO t (password) VALUES (crypt('Xk9QwZ7p', gen_salt('bf')))",
        "Xk9QwZ7p",
    ),
    (
        "INSERT INTO cards (pan) VALUES (AES_ENCRYPT('4111111111111111', @k))",
        "11111111",
    ),
    // A password piped into a command that reads it from its input.
    ("echo Xk9QwZ7p | sudo -S apt-get update", "Xk9QwZ7p"),
    (
        "echo 'Xk9QwZ7p' | docker login -u bob --password-stdin",
        "Xk9QwZ7p",
    ),
    ("echo Xk9QwZ7p | sshpass -d 0 ssh host", "Xk9QwZ7p"),
    ("echo \"bob:Xk9QwZ7p\" | chpasswd", "Xk9QwZ7p"),
    ("printf '%s\\n' Xk9QwZ7p | passwd --stdin bob", "Xk9QwZ7p"),
    // Red-team round 17: a last symbol other than a sentence's is a symbol; a phone
    // after small numbers starts at its `+`.
    ("password Straße#", "Straße#"),
    ("pwd Grüße$", "Grüße$"),
    ("ids 1 2 3 4 5 +1 212 555 0134 ok", "0134"),
    (r#"sh -c "mysql -uroot -p\"Zk8qW3xR\"""#, "Zk8qW3xR"),
    (r#"{"cmd":"mysql -uroot -p\"Zk8qW3xR\" db"}"#, "Zk8qW3xR"),
    // Keys outside ASCII with their classes (a PIN, a security code, a one-time code);
    // passwords of digits after a copula; French's and Spanish's short names.
    ("الرقم السري: 8674", "8674"),
    ("كلمة المرور هي Xk9QwZ7p", "Xk9QwZ7p"),
    ("رمز الأمان: 837", "837"),
    ("支付密码为482913", "482913"),
    ("密码是 482913", "482913"),
    ("验证码是836152", "836152"),
    ("口令是Xk9QwZ7p", "Xk9QwZ7p"),
    ("암호는 Xk9QwZ7p", "Xk9QwZ7p"),
    ("şifreniz: Xk9QwZ7p", "Xk9QwZ7p"),
    ("Código de seguridad: 837", "837"),
    ("Kartenprüfnummer: 837", "837"),
    ("Geheimzahl: 8674", "8674"),
    // Red-team round 19: validation errors that echo the value (Spring, Joi, clap).
    (
        r#"{"field":"password","rejectedValue":"Vf9Rk2qq!","message":"weak"}"#,
        "Vf9Rk2qq!",
    ),
    (r#"{"field":"cvv","rejectedValue":"739"}"#, "739"),
    (
        "Field error in object 'user' on field 'password': rejected value [Vf9Rk2qq!]; codes [Size]",
        "Vf9Rk2qq!",
    ),
    (
        "Field error in object 'payment' on field 'cvv': rejected value [739]",
        "739",
    ),
    (
        r#"field "password" value "Vf9Rk2qq!" does not meet complexity requirements"#,
        "Vf9Rk2qq!",
    ),
    (
        r#"ValidationError: "password" with value "Vf9Rk2qq!" fails to match the pattern"#,
        "Vf9Rk2qq!",
    ),
    (
        "error: invalid value 'Vf9Rk2qq!' for '--password <PASSWORD>': too short",
        "Vf9Rk2qq!",
    ),
    // SQL: a function called on the value.
    (
        "UPDATE users SET password_hash = crypt('Vf9Rk2qq!', gen_salt('bf')) WHERE id = 42",
        "Vf9Rk2qq!",
    ),
    ("UPDATE users SET password_digest = md5('Vf9Rk2qq!')", "Vf9Rk2qq!"),
    // Registry and database logins on a command line.
    (
        "docker login -u admin -p Vf9Rk2qq registry.internal",
        "Vf9Rk2qq",
    ),
    ("podman login -u admin -p Vf9Rk2qq quay.io", "Vf9Rk2qq"),
    ("helm registry login -u admin -p Vf9Rk2qq reg", "Vf9Rk2qq"),
    (
        "az login --service-principal -u appid -p Vf9Rk2qq --tenant t",
        "Vf9Rk2qq",
    ),
    ("mongo -u admin -p Vf9Rk2qq --authenticationDatabase admin", "Vf9Rk2qq"),
    // A card number with URL-encoded or JSON-escaped spaces.
    (
        "POST body: number=4012%208888%208888%201881&cvc=739",
        "8888%208888",
    ),
    (r"4012\u00a08888\u00a08888\u00a01881", r"8888\u00a08888"),
    // Gateway field names and prose after a CVV's or PIN's key.
    (
        "<card><accountNumber>4945730215736536</accountNumber><cvNumber>739</cvNumber></card>",
        "739",
    ),
    ("<CardSctyCd><CSCVal>739</CSCVal></CardSctyCd>", "739"),
    (r#""cscValue":"739""#, "739"),
    (r#""PINNumber":"8674""#, "8674"),
    ("CVV entered: 739", "739"),
    ("cvv received 739", "739"),
    ("PIN changed to 8674", "8674"),
    ("pin set to 8674", "8674"),
    // Keys.
    ("ADMIN_PW=Vf9Rk2qq", "Vf9Rk2qq"),
    ("mysql_root_pw=Vf9Rk2qq", "Vf9Rk2qq"),
    ("storepass=Vf9Rk2qq", "Vf9Rk2qq"),
    (r#""security_answer":"Fluffy""#, "Fluffy"),
    // Webhook and bot URLs, bot tokens.
    (
        "https://hooks.slack.com/services/T00000000/B00000000/Vf9Rk2qqXXXXXXXXXXXXXXXX",
        "Vf9Rk2qqXXXXXXXXXXXXXXXX",
    ),
    (
        "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    ),
    (
        "telegram bot token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    ),
    (
        "https://discord.com/api/webhooks/123456789012345678/abcDEF_ghiJKL-mnoPQRstuVWXyz0123",
        "abcDEF_ghiJKL-mnoPQRstuVWXyz0123",
    ),
    // The CVV and the PIN in French, Portuguese, Japanese, Chinese and Russian.
    ("Cryptogramme visuel: 739", "739"),
    ("Código de segurança: 739", "739"),
    ("暗証番号：8674", "8674"),
    ("セキュリティコード：739", "739"),
    ("CVV码:739", "739"),
    ("PIN码：8674", "8674"),
    ("安全码：739", "739"),
    ("PIN-код: 8674", "8674"),
    ("Код безопасности: 739", "739"),
    // A statement's bind list (Diesel's `debug_query`, drivers' `params`/`args`): each
    // value as its parameter's column.
    (
        r#"INSERT INTO "users" ("email", "password") VALUES ($1, $2) -- binds: ["bob@x.com", "Vf9Rk2qq!"]"#,
        "Vf9Rk2qq!",
    ),
    (
        "Query: INSERT INTO users (email, password) VALUES (?, ?) params: [bob@x.com, Vf9Rk2qq!]",
        "Vf9Rk2qq!",
    ),
    (
        r#"INSERT INTO users (email, password) VALUES ($1, $2); args=["bob@x.com","Vf9Rk2qq!"]"#,
        "Vf9Rk2qq!",
    ),
    // More published token shapes; `pw` in prose; a tuple struct named as a credential.
    (
        "flutterwave FLWSECK-0123456789abcdef0123456789abcdef-X",
        "0123456789abcdef0123456789abcdef",
    ),
    (
        "brevo xkeysib-0123456789abcdef0123456789abcdef0123456789abcdef-AbCdEfGhIjKlMnOp",
        "0123456789abcdef0123456789abcdef0123456789abcdef",
    ),
    (
        "postman PMAK-0123456789abcdef01234567-0123456789abcdef0123456789abcdef01",
        "0123456789abcdef01234567",
    ),
    ("runner glrt-AbCdEfGh1234567890xy", "AbCdEfGh1234567890xy"),
    ("User bob logged in with pw Vf9Rk2qq!", "Vf9Rk2qq!"),
    (r#"Credentials("bob", "Vf9Rk2qq!")"#, "Vf9Rk2qq!"),
    // A CVV after a card and its expiry with no CVV key before it: quoted fields, a
    // struct's `Debug`, a month and a year apart, a spaced slash.
    (
        r#"Card { number: "4012888888881881", exp: "12/26", code: "739" }"#,
        "739",
    ),
    (r#""4012888888881881","12/26","739""#, "739"),
    ("4012888888881881;12;2026;739", "739"),
    ("4012888888881881 exp 12/26 code 739", "739"),
    ("4012 8888 8888 1881 / 12 / 26 / 739", "739"),
    // A JDBC URL's properties are no userinfo: the password whole.
    (
        "jdbc:sqlserver://db:1433;databaseName=pay;user=sa;password=Vf9R@k2qq;",
        "k2qq",
    ),
    // A password that starts with `$` is no variable's name.
    ("password: $ecretPass1", "$ecretPass1"),
    // UATP's cards start with `1` and have 15 digits.
    ("uatp 1354 1234 5678 911", "1354 1234 5678 911"),
    ("Ihre Geheimzahl 8674 wurde gesendet", "8674"),
    // A code read out a digit at a time.
    ("cvv 7 3 9 confirmed", "7 3 9"),
    ("CVV: 7 3 9", "7 3 9"),
    ("the security code is 7 3 9", "7 3 9"),
    ("PIN 8 6 7 4 entered", "8 6 7 4"),
    ("pin=8 6 7 4&next=1", "8 6 7 4"),
    ("mdp : Xk9QwZ7p", "Xk9QwZ7p"),
    ("the password is 482913", "482913"),
    ("la password e' Xk9QwZ7p", "Xk9QwZ7p"),
    // A flag and its value in one string; Rust's `.arg("…")`; PowerShell's
    // `-ArgumentList`.
    (
        r#"Process.Start("sshpass", "-p Zk8qW3xR ssh host")"#,
        "Zk8qW3xR",
    ),
    (
        r#"Process.Start("redis-cli", "-a Zk8qW3xR ping")"#,
        "Zk8qW3xR",
    ),
    (
        r#"Command::new("mysql").arg("-uroot -pZk8qW3xR")"#,
        "Zk8qW3xR",
    ),
    (
        r#"Start-Process mysql -ArgumentList "-uroot -pZk8qW3xR""#,
        "Zk8qW3xR",
    ),
    // French typography's narrow no-break space before a colon; a thin space.
    ("mot de passe\u{202f}: Xk9QwZ7p", "Xk9QwZ7p"),
    ("CVV\u{2009}: 837", "837"),
    // A CVV, PIN or one-time code glued to its key's other spellings.
    ("ref cvv2-837 ok", "837"),
    ("ref cv2-837 ok", "837"),
    ("ref mpin-8674 ok", "8674"),
    // Red-team round 18: argument strings in more process-starting calls; cards read
    // out from Mir, UnionPay and RuPay; prose keys before a copula and digits.
    (
        r#"subprocess.run(["mysql", "-uroot -pZk8qW3xR"])"#,
        "Zk8qW3xR",
    ),
    (
        r#"ShellExecute(NULL, "open", "mysql.exe", "-uroot -pZk8qW3xR", NULL, SW_HIDE)"#,
        "Zk8qW3xR",
    ),
    (
        r#"exec.CommandContext(ctx, "mysql", "-uroot -pZk8qW3xR")"#,
        "Zk8qW3xR",
    ),
    (
        r#"Runtime.getRuntime().exec(new String[]{"mysql", "-uroot -pZk8qW3xR"})"#,
        "Zk8qW3xR",
    ),
    (
        "Command::new(\"mysql\")\n    .arg(\"-uroot -pZk8qW3xR\")",
        "Zk8qW3xR",
    ),
    (
        r#"Start-Process sshpass -ArgumentList "-p Zk8qW3xR ssh host""#,
        "Zk8qW3xR",
    ),
    (
        r#"Process.Start("sshpass", "-p \"Zk8qW3xR\" ssh host")"#,
        "Zk8qW3xR",
    ),
    ("card 8 1 7 1 5 2 6 0 1 8 1 5 9 0 8 7", "6 0 1 8 1 5"),
    ("card 2 2 0 0 5 2 6 0 1 8 1 5 9 0 8 5", "6 0 1 8 1 5"),
    ("echo \"bob:Xk9QwZ7p\" | sudo chpasswd", "Xk9QwZ7p"),
    (
        "echo Xk9QwZ7p | sudo docker login -u bob --password-stdin",
        "Xk9QwZ7p",
    ),
    (
        "INSERT INTO t (password) VALUES (MD5(\"Xk9QwZ7p\"))",
        "Xk9QwZ7p",
    ),
    ("【XX银行】验证码836152", "836152"),
    ("şifreniz 482913", "482913"),
    ("الرقم السري هو 8674", "8674"),
    ("Su código de seguridad es 837", "837"),
    ("le mot de passe est\u{202f}: Xk9QwZ7p", "Xk9QwZ7p"),
    ("ref MPIN_8674 ok", "8674"),
    ("password-stdin: Xk9QwZ7p", "Xk9QwZ7p"),
    // A here-string fed to a command that reads a password; MySQL's old password after
    // `REPLACE`.
    ("sudo -S apt-get update <<< Xk9QwZ7p", "Xk9QwZ7p"),
    ("chpasswd <<< \"bob:Xk9QwZ7p\"", "Xk9QwZ7p"),
    (
        "docker login -u bob --password-stdin <<< Xk9QwZ7p",
        "Xk9QwZ7p",
    ),
    (
        "ALTER USER 'app'@'%' IDENTIFIED BY 'Xk9QwZ7p' REPLACE 'Old9Pass1'",
        "Old9Pass1",
    ),
    // MySQL's `SET PASSWORD FOR`.
    ("SET PASSWORD FOR 'app'@'%' = 'Xk9QwZ7p'", "Xk9QwZ7p"),
    (
        "SET PASSWORD FOR 'app'@'localhost' = PASSWORD('Xk9QwZ7p')",
        "Xk9QwZ7p",
    ),
    // Long options after one dash (Java's keytool, PowerShell), per-program password
    // flags, Oracle logins, PowerShell's plain-text secure strings, a key that starts
    // with a digit, a Rails bind list.
    (
        "keytool -importkeystore -storepass Chang3it! -keypass S3cr3tK",
        "S3cr3tK",
    ),
    (
        "keytool -importkeystore -storepass Chang3it! -keypass S3cr3tK",
        "Chang3it!",
    ),
    ("New-LocalUser -Name bob -Password \"Winter2024!\"", "Winter2024!"),
    ("sqlcmd -S db01 -U sa -P \"Str0ng!Pass\" -Q \"select 1\"", "Str0ng!Pass"),
    ("ldapsearch -x -D cn=admin,dc=ex -w AdminPa55 -b dc=ex", "AdminPa55"),
    ("smbclient //srv/share -U alice%Winter2024!", "Winter2024!"),
    ("zip -P ZipPa55word out.zip a.txt", "ZipPa55word"),
    ("7z a -pS3cretZ1p out.7z dir", "S3cretZ1p"),
    ("mosquitto_pub -h broker -u dev -P MqttPa55 -t x -m y", "MqttPa55"),
    ("sqlplus scott/Tiger123@orcl", "Tiger123"),
    (
        "sqlplus -s \"sys/Pa55w0rd!@//db01:1521/ORCL\" as sysdba",
        "Pa55w0rd!",
    ),
    ("rman target sys/Rman123@prod catalog rc/Cat456@rcat", "Cat456"),
    ("sqlldr userid=scott/Tiger123@orcl control=x.ctl", "Tiger123"),
    ("SQL> CONNECT scott/Tiger123@orcl", "Tiger123"),
    (
        "$pw = ConvertTo-SecureString \"Pl@inText1\" -AsPlainText -Force",
        "Pl@inText1",
    ),
    (r#"payload {"2fa_code": "836152"}"#, "836152"),
    (
        r#"SELECT * FROM users WHERE password_digest = $1  [["password_digest", "Hunter2!pass"]]"#,
        "Hunter2!pass",
    ),
    // A validation error's echo of the field it names (FastAPI's JSON, Pydantic's repr
    // and text); a JSON Web Key's private members.
    (
        r#"{"detail":[{"type":"string_too_short","loc":["body","password"],"msg":"too short","input":"Hunter2!x"}]}"#,
        "Hunter2!x",
    ),
    (
        "{'type': 'string_too_short', 'loc': ('password',), 'msg': 'too short', 'input': 'Hunter2!x'}",
        "Hunter2!x",
    ),
    // (The location's other elements are text: fuzzing found an address there kept.)
    (
        r#"{"detail":[{"loc":["bob@example.com","password"],"input":"Hunter2!x"}]}"#,
        "bob@example.com",
    ),
    (
        r#"{"input":"Hunter2!x","loc":["bob@example.com","password"]}"#,
        "bob@example.com",
    ),
    (
        "1 validation error for Login\npassword\n  String should have at least 12 characters [type=string_too_short, input_value='Hunter2!x', input_type=str]",
        "Hunter2!x",
    ),
    (
        r#"{"kty":"RSA","n":"0vx7agoebGcQ","e":"AQAB","d":"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FL"}"#,
        "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FL",
    ),
    (
        r#"{"d":"c2VjcmV0a2V5bWF0ZXJpYWw","kty":"oct"}"#,
        "c2VjcmV0a2V5bWF0ZXJpYWw",
    ),
    // Chip data in hex TLV with no key before it: the card number in tag 5A, track 2
    // equivalent data in tag 57.
    (
        "reply 9F02060000000010005A0841111111111111115F24032612319F2608A1B2C3D4E5F60718",
        "4111111111111111",
    ),
    (
        "chip 77179F2701809F360200415A0841111111111111115F340101 ok",
        "4111111111111111",
    ),
    ("arqc 57134111111111111111D26122011234567890F", "4111111111111111"),
    (
        "EMV TLV: 5A 08 41 11 11 11 11 11 11 11 5F 24 03 25 12 31",
        "41 11 11 11 11 11 11 11",
    ),
    // Quotes and brackets inside a bare credential; PHP's `var_dump`; an ASGI header
    // list of byte strings.
    ("password=ab\"cd\"ef123 next", "ef123"),
    ("password=[abc]def next", "def"),
    ("password=it's-MyPass next", "s-MyPass"),
    (r#"["password"]=> string(10) "hunter2xyz""#, "hunter2xyz"),
    (r#"["pin"]=> int(8674)"#, "8674"),
    (
        "[(b'cookie', b'sessionid=abcdef0123456789abcdef')]",
        "abcdef0123456789abcdef",
    ),
    // Passwords, CVVs and PINs named in more languages.
    ("clave de acceso: Hunter2xyz!", "Hunter2xyz!"),
    ("Kata sandi: Hunter2xyz!", "Hunter2xyz!"),
    ("Heslo: Hunter2xyz!", "Hunter2xyz!"),
    ("Parola: Hunter2xyz!", "Hunter2xyz!"),
    ("Mật khẩu: Hunter2xyz!", "Hunter2xyz!"),
    ("Κωδικός πρόσβασης: Hunter2xyz!", "Hunter2xyz!"),
    ("סיסמה: Hunter2xyz!", "Hunter2xyz!"),
    ("رمز عبور: Hunter2xyz!", "Hunter2xyz!"),
    ("CVV2 kodu: 739", "739"),
    ("PIN kodu: 8674", "8674"),
    // Red-team round 20: nginx's `\x22` escapes, URL escapes before a card, keys with a
    // leading `_`, padded columns, gateway keys, a credential tuple, Redis's `AUTH`,
    // SQLAlchemy's parameters.
    (
        r#""POST /pay HTTP/1.1" 200 12 "{\x22card\x22:\x224111111111111111\x22,\x22cvv\x22:\x22123\x22,\x22password\x22:\x22Hunter2xyz!\x22}""#,
        "4111111111111111",
    ),
    (
        r#""{\x22card\x22:\x224111111111111111\x22,\x22password\x22:\x22Hunter2xyz!\x22}""#,
        "Hunter2xyz!",
    ),
    ("msg=card%204111111111111111%20cvv%20123", "4111111111111111"),
    ("GET /search?q=%224111111111111111%22", "4111111111111111"),
    (r#"{"_password":"Hunter2xyz"}"#, "Hunter2xyz"),
    (r#"{"_pin":"8674"}"#, "8674"),
    (
        "//registry.npmjs.org/:_authToken=abcDEF12-3456-7890-abcd-ef1234567890",
        "abcDEF12-3456-7890-abcd-ef1234567890",
    ),
    (
        "      + password                              = \"Hunter2xyz!\"",
        "Hunter2xyz!",
    ),
    ("password         Hunter2xyz!", "Hunter2xyz!"),
    (
        "x_login=5KP3u95bQpv&x_tran_key=346HZ32z3fP4hTG2&x_card_num=4111111111111111",
        "346HZ32z3fP4hTG2",
    ),
    (
        "<transactionKey>346HZ32z3fP4hTG2</transactionKey>",
        "346HZ32z3fP4hTG2",
    ),
    (
        "requests.post('https://x', auth=('admin', 'Hunter2xyz'), json={'cvv': '123'})",
        "Hunter2xyz",
    ),
    (
        r#"1701940000.123456 [0 10.0.0.5:51234] "AUTH" "default" "Hunter2xyz!""#,
        "Hunter2xyz!",
    ),
    (
        "[SQL: INSERT INTO users (email, password) VALUES (?, ?)] [parameters: ('bob@x.com', 'Hunter2xyz!')]",
        "Hunter2xyz!",
    ),
    // A table with a header row: each row's fields by their column.
    ("id;pan;cvv;pin\n42;4111111111111111;123;8674", "8674"),
    (
        "export:\nemail,password,card_number,cvv\nbob@x.com,Hunter2xyz!,4111111111111111,123",
        "Hunter2xyz!",
    ),
    ("user\tpin\nbob\t8674\nann\t1234", "1234"),
    // Digits of other scripts after a CVV's, a PIN's or a one-time code's key.
    ("CVV ١٢٣", "١٢٣"),
    ("PIN ١٢٣٤", "١٢٣٤"),
    ("رمز CVV هو ١٢٣", "١٢٣"),
    ("الرقم السري: ١٢٣٤", "١٢٣٤"),
    ("otp ١٢٣٤٥٦", "١٢٣٤٥٦"),
    ("cvv １２３", "１２３"),
    ("Şifrem: Hunter2xyz!", "Hunter2xyz!"),
    (
        "<NcrptdPINBlck>0412AC89FFFF1234</NcrptdPINBlck>",
        "0412AC89FFFF1234",
    ),
    (
        "mailgun key-3ax6xnjp29jd6fds4gc373sgvjxteol0 rejected",
        "3ax6xnjp29jd6fds4gc373sgvjxteol0",
    ),
    // A quote written twice inside single quotes (SQL, YAML, PowerShell).
    ("UPDATE users SET password='it''sSecret9' WHERE id=4", "sSecret9"),
    ("params: ('password', 'it''sSecret9')", "sSecret9"),
    // Bind values by number after the statement that names their columns.
    (
        "INSERT INTO users (email, password) VALUES ($1, $2) [$1 = 'bob@x.com', $2 = 'Hunter2xyz!']",
        "Hunter2xyz!",
    ),
    (
        "insert into users (email, password) values (?, ?)\nbinding parameter [1] as [VARCHAR] - [bob@x.com]\nbinding parameter [2] as [VARCHAR] - [Hunter2xyz!]",
        "Hunter2xyz!",
    ),
    // JSON with `"` escaped as .NET's and JavaScript's encoders write it, and HTML's
    // `&#34;`.
    (
        r#"{\u0022pan\u0022:\u00224111111111111111\u0022}"#,
        "4111111111111111",
    ),
    (
        r#"\u0022password\u0022:\u0022Hunter2xyz!\u0022"#,
        "Hunter2xyz!",
    ),
    (r#"{\u0022card\u0022:{\u0022cvv\u0022:\u0022085\u0022}}"#, "085"),
    ("&#34;cvv&#34;:&#34;123&#34;", "123"),
    // An `UPDATE`'s bind values by the columns their placeholders are assigned to.
    (
        "[SQL: UPDATE users SET password=%s WHERE users.id = %s] [parameters: ('Hunter2xyz!', 42)]",
        "Hunter2xyz!",
    ),
    (
        r#"UPDATE cards SET cvv = $1 WHERE id = $2 -- binds: ["123", 42]"#,
        "123",
    ),
    (
        r#"UPDATE "users" SET "email" = $1, "password_hash" = $2 WHERE "users"."id" = $3 -- binds: ["bob@x.com", "Hunter2xyz!", 42]"#,
        "Hunter2xyz!",
    ),
    // A validation error that names the parameter after its value (.NET).
    (
        "System.ArgumentException: Value 'Hunter2xyz!' is not valid for parameter 'password'.",
        "Hunter2xyz!",
    ),
    // A map's entry as elements; a .NET setting's `<value>` element.
    (
        "<entry><key>password</key><value>Hunter2xyz!</value></entry>",
        "Hunter2xyz!",
    ),
    (
        r#"<setting name="ApiPassword" serializeAs="String"><value>Hunter2xyz!</value></setting>"#,
        "Hunter2xyz!",
    ),
    // ISO 8583 dumps with the element's length in brackets; EMV tags by number.
    ("[Field 052] [8] [1A2B3C4D5E6F7A8B]", "1A2B3C4D5E6F7A8B"),
    ("[Field 055] [24] [9F2608A1B2C3D4E5F60718]", "9F2608A1B2C3D4E5F60718"),
    ("iso dump:\n 52 [BINARY 8] 1A2B3C4D5E6F7A8B", "1A2B3C4D5E6F7A8B"),
    ("9F26:A1B2C3D4E5F60718 9F27:80", "A1B2C3D4E5F60718"),
    // The CVV and the PIN named in more languages; a code glued to its CJK key.
    ("CVC-код 739", "739"),
    ("पिन 8674", "8674"),
    ("핀번호 8674", "8674"),
    ("暗証番号は8674です", "8674"),
    ("我的卡号是4111111111111111，安全码739", "739"),
    // National ids: a payer's identification document, Turkey's and Argentina's.
    (
        r#"{"identification":{"type":"DNI","number":"12345678"}}"#,
        "12345678",
    ),
    (r#""tc_kimlik_no":"10000000146""#, "10000000146"),
    // Python's private attributes; an encoded separator and space; Redis's stores.
    (r#"self.__password = "Hunter2xyz""#, "Hunter2xyz"),
    ("{'_User__password': 'Hunter2xyz'}", "Hunter2xyz"),
    ("text=password%3A%20Hunter2xyz", "Hunter2xyz"),
    ("الرمز السري ١٢٣٤", "١٢٣٤"),
    (
        r#"1701940000.123456 [0 10.0.0.5:5000] "SET" "user:42:password" "Hunter2xyz!""#,
        "Hunter2xyz!",
    ),
    (r#""HSET" "user:42" "cvv" "739""#, "739"),
    // psql's and MySQL's bordered tables; Erlang's binaries.
    (
        " id |  password   | cvv \n----+-------------+-----\n 42 | Hunter2xyz! | 739\n(1 row)",
        "Hunter2xyz!",
    ),
    (
        "+----+-------------+------+\n| id | password    | cvv  |\n+----+-------------+------+\n| 42 | Hunter2xyz! | 739  |\n+----+-------------+------+",
        "739",
    ),
    (
        r#"{badmatch,{error,#{<<"cvv">> => <<"739">>,<<"password">> => <<"Hunter2xyz!">>}}}"#,
        "Hunter2xyz!",
    ),
    // Red-team round 21: serde's errors that quote the value (axum's `Json` rejection),
    // config-rs's.
    (
        "Failed to deserialize the JSON body into the target type: cvv: invalid type: integer `739`, expected a string at line 1 column 10",
        "739",
    ),
    (
        r#"Failed to deserialize the JSON body into the target type: password: invalid type: string "Hunter2xyz!", expected a sequence at line 1 column 25"#,
        "Hunter2xyz!",
    ),
    (
        r#"config error: invalid value "Hunter2xyz!" for key `database.password`"#,
        "Hunter2xyz!",
    ),
    // Every cookie of a `Cookie:` header; a key's path named by its first part.
    (
        "Cookie: _ga=GA1.2.123; sid=s%3Aabc123def456ghi789.sig",
        "abc123def456ghi789",
    ),
    ("password.new=Hunter2xyz!", "Hunter2xyz!"),
    (
        "password[current]=Hunter2xyz!&password[new]=NewPass9xyz!",
        "NewPass9xyz!",
    ),
    ("secrets.db=Hunter2xyz!", "Hunter2xyz!"),
    (r#"{"cvv.value":"739"}"#, "739"),
    ("card.number=4111111111111112", "4111111111111112"),
    // HSM keys by a prefixed name; the local master and PIN verification keys.
    (
        "HSM_ZMK=0123456789ABCDEFFEDCBA9876543210",
        "0123456789ABCDEFFEDCBA9876543210",
    ),
    (
        r#"{"hsmZmk":"0123456789ABCDEFFEDCBA9876543210"}"#,
        "0123456789ABCDEFFEDCBA9876543210",
    ),
    (
        "BDK_KEY=0123456789ABCDEFFEDCBA9876543210",
        "0123456789ABCDEFFEDCBA9876543210",
    ),
    ("LMK=0123456789ABCDEFFEDCBA9876543210 PVK=0123456789ABCDEF", "0123456789ABCDEF"),
    // One-time codes in SMS templates, English and Arabic; Arabic card forms and ids.
    (
        "Dear customer, your OTP for KNET payment of KWD 10.000 is 482913. Do not share it.",
        "482913",
    ),
    ("Your verification code is 482913", "482913"),
    ("Use 482913 as your OTP", "482913"),
    ("482913 is your Tap verification code", "482913"),
    ("عزيزي العميل، رمز التحقق الخاص بك هو 482913", "482913"),
    ("رمز التفعيل: 482913", "482913"),
    ("كود التحقق 482913", "482913"),
    (
        "رقم البطاقة 4111111111111111 تاريخ الانتهاء 12/26 الرمز 739",
        "739",
    ),
    ("الرقم السري للبطاقة: 8674", "8674"),
    ("رمز التحقق من البطاقة: 739", "739"),
    ("كلمة المرور الخاصة بك: Hunter2xyz!", "Hunter2xyz!"),
    ("رقم الهوية الوطنية: 1012345678", "1012345678"),
    ("Iqama Number: 2123456789", "2123456789"),
    // A private key in base64 without armour; SSM's parameter by its path; Oracle's
    // JDBC URL; Vault's AppRole secret id; `{:#?}`'s lists; `String::from`.
    (
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76",
        "AoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4",
    ),
    (
        "  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQktjd2dnU2pBZ0VBQW9JQkFRQzdWSlRVCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K",
        "Ck1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVND",
    ),
    (
        r#"{"Parameter":{"Name":"/prod/pay/db_password","Type":"SecureString","Value":"Hunter2xyz!"}}"#,
        "Hunter2xyz!",
    ),
    ("jdbc:oracle:thin:pay/Hunter2xyz!@//db:1521/PAY", "Hunter2xyz!"),
    (
        "vault write auth/approle/login secret_id=6a174c20-f6de-a53c-74d2-6018fcceff64",
        "6a174c20-f6de-a53c-74d2-6018fcceff64",
    ),
    ("Req {\n    pin_block: [\n        26,\n        43,\n    ],\n}", "43"),
    (r#"PaymentRequest { cvv: Some(String::from("739")) }"#, "739"),
    // A phone as an object, an address's lines, ISO 20022's names and addresses.
    (r#"{"phone":{"cc":"965","number":"55123456"}}"#, "55123456"),
    (
        r#"{"billing_details":{"address":{"city":"Kuwait City","line1":"Block 3, Street 15, House 7"}}}"#,
        "Block 3, Street 15",
    ),
    (r#"{"address":{"street":"Gulf Road"}}"#, "Gulf Road"),
    (
        "<Dbtr><Nm>Ahmed Al Sabah</Nm><PstlAdr><StrtNm>Gulf Road</StrtNm></PstlAdr></Dbtr>",
        "Ahmed Al Sabah",
    ),
    ("<CardhldrNm>KHALID AL MUTAIRI</CardhldrNm>", "KHALID AL MUTAIRI"),
    (
        "<Cdtr><PstlAdr><AdrLine>Block 3 Street 15</AdrLine></PstlAdr></Cdtr>",
        "Block 3 Street 15",
    ),
    // 3-D Secure cryptograms in prose and abbreviated; a CVV after a card in a form.
    ("CAVV AAABBEg0VhI0VniQEjRWAAAAAAA= ECI 05", "AAABBEg0VhI0VniQEjRWAAAAAAA="),
    (
        "3DS2 auth ok, authValue=AAABBEg0VhI0VniQEjRWAAAAAAA= dsTransId=x",
        "AAABBEg0VhI0VniQEjRWAAAAAAA=",
    ),
    ("card 4111111111111111 valid thru 12/26 security 739", "739"),
    ("cc=4111111111111111&exp=1226&sec=739", "739"),
    // Vendor key shapes and command-line flags.
    (
        "rzp_live_ILgsfZCZoFIKMb:EnlZU2bC4qK4Z8TbXsvpDQJ4",
        "EnlZU2bC4qK4Z8TbXsvpDQJ4",
    ),
    (
        "ephemeral key: ek_live_YWNjdF8xTmFiYzEyMzQ1Njc4OTA",
        "ek_live_YWNjdF8xTmFiYzEyMzQ1Njc4OTA",
    ),
    (
        "Unifonic AppSid=AbCdEf0123456789AbCdEf0123456789",
        "AbCdEf0123456789AbCdEf0123456789",
    ),
    (
        "curl --oauth2-bearer 2YotnFZFEjr1zCsicMWpAA https://x",
        "2YotnFZFEjr1zCsicMWpAA",
    ),
    ("JWT_SIGNING=Hunter2xyz!", "Hunter2xyz!"),
    ("http -a admin:Hunter2xyz POST https://x", "Hunter2xyz"),
    (
        "openssl enc -aes-256-cbc -k Hunter2xyz! -in a -out b",
        "Hunter2xyz!",
    ),
    // A Cookie header's list ends at its last pair: what follows is text (the property
    // test found a PIN after it kept whole).
    (
        r#"Cookie: sid=a0aa0A0a0A0aa PinInput { pin: Some("8674") }"#,
        "8674",
    ),
    // PostgreSQL's own log of a statement's parameters.
    (
        "LOG:  execute <unnamed>: UPDATE users SET password = $1 WHERE id = $2\nDETAIL:  parameters: $1 = 'Hunter2xyz!', $2 = '42'",
        "Hunter2xyz!",
    ),
    (
        "LOG:  execute <unnamed>: INSERT INTO cards (pan, cvv, holder_name) VALUES ($1, $2, $3)\nDETAIL:  parameters: $1 = '4111111111111111', $2 = '739', $3 = 'Khalid Al Mutairi'",
        "Khalid Al Mutairi",
    ),
    ("user.name=khalid.mutairi", "khalid.mutairi"),
    // Red-team round 22: a tracing span's fields, SMS wordings, Arabic PINs and codes,
    // direction marks, HSM key names, more private keys in base64, config-rs's wording.
    (
        "2024-12-07T10:00:00Z  INFO login{password=Hunter2xyz!}: pay_api::auth: ok",
        "Hunter2xyz!",
    ),
    (
        "verify_pin{pin_block=0412AC89FFFF1234}: pay_api: ok",
        "0412AC89FFFF1234",
    ),
    ("Your code: 482913", "482913"),
    ("Use code 482913 to verify your account", "482913"),
    ("482913 is your one-time password", "482913"),
    (
        "Dear Customer, 482913 is the OTP for your transaction",
        "482913",
    ),
    ("482913 هو رمز التحقق الخاص بك", "482913"),
    ("كود التفعيل: 482913", "482913"),
    ("الرقم السري الجديد: 8674", "8674"),
    ("تم تغيير الرقم السري إلى 8674", "8674"),
    ("رقمك السري 8674", "8674"),
    ("card 4111\u{200f}1111\u{200f}1111\u{200f}1111", "1111\u{200f}1111\u{200f}1111"),
    ("CVV:\u{200f} 739", "739"),
    ("TAK=0123456789ABCDEF KBPK=FEDCBA9876543210", "FEDCBA9876543210"),
    ("HSM_LMK_COMPONENT_1=0123456789ABCDEF", "0123456789ABCDEF"),
    (
        "APNS_AUTH_KEY=MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQgevZzL1gdAFr88hb2OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz",
        "BHkwdwIBAQQgevZzL1gdAFr88hb2OF",
    ),
    (
        "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC",
        "INTuctv5E1hK1bbY8fdp",
    ),
    (
        r#"config: invalid value: string "Hunter2xyz!", expected a string for key `database.password`"#,
        "Hunter2xyz!",
    ),
    ("email,password\nbob@x.com,Hunter2xyz!", "Hunter2xyz!"),
    ("phone,pin\n96555123456,8674", "8674"),
    // A YAML block under a credential key; a phone's `no`; ISO 20022's `CrdhldrNm`.
    (
        "credentials:\n  knet: Knet@Pass123\n  tap: Hunter2xyz!\nport: 8080",
        "Hunter2xyz!",
    ),
    ("api_keys:\n  - abcDEF1234567890abc\n  - xyzABC0987654321xyz", "xyzABC0987654321xyz"),
    (r#"{"mobile":{"cc":"965","no":"51234567"}}"#, "51234567"),
    ("<CrdhldrNm>KHALID AL MUTAIRI</CrdhldrNm>", "KHALID AL MUTAIRI"),
    // SMTP's AUTH PLAIN, curl's cookies, Twilio's SID and token.
    (
        "smtp: AUTH PLAIN AGh1bnRlcjIAaHVudGVyMnh5eiE=",
        "AGh1bnRlcjIAaHVudGVyMnh5eiE=",
    ),
    ("curl -b 'sid=abcDEF1234567890' https://x", "abcDEF1234567890"),
    (
        "AC0123456789abcdef0123456789abcdef:0123456789abcdef0123456789abcdef",
        ":0123456789abcdef0123456789abcdef",
    ),
    // More gateway and infrastructure keys; a credential tuple after spaces.
    ("sk_3ih3tvkdo5ukdq5bbxgnkcyz7eu", "3ih3tvkdo5ukdq5bbxgnkcyz7eu"),
    ("ADYEN_HMAC=44782DEF547AAA06", "44782DEF547AAA06"),
    ("JWT_KEY=Hunter2xyz! PEPPER=Pepper9xyz", "Pepper9xyz"),
    ("VAULT_UNSEAL_KEY=abcDEF123=", "abcDEF123="),
    (r#"{"OtpValue":"482913"}"#, "482913"),
    ("auth = ('admin', 'Hunter2xyz!')", "Hunter2xyz!"),
    // Round 22's leftovers: an entry named by a key in OpenTelemetry's `Debug`, a Java
    // `toString` and OTLP JSON; Elixir's and Erlang's keyword tuples; IMAP's `LOGIN`;
    // an HSM's and Vault's keys in prose.
    (
        r#"KeyValue { key: Static("user.password"), value: String(Static("Hunter2xyz!")) }"#,
        "Hunter2xyz!",
    ),
    ("tags=[{key=password, value=Hunter2xyz!}]", "Hunter2xyz!"),
    (
        r#"{"attributes":[{"key":"user.password","value":{"stringValue":"Hunter2xyz!"}}]}"#,
        "Hunter2xyz!",
    ),
    ("name=DB_PASSWORD value=Hunter2xyz!", "Hunter2xyz!"),
    (r#"{:password, "Hunter2xyz!"}"#, "Hunter2xyz!"),
    (r#"{password, <<"Hunter2xyz!">>}"#, "Hunter2xyz!"),
    ("imap: a001 LOGIN alice Hunter2xyz!", "Hunter2xyz!"),
    (r#"C: A1 LOGIN "bob" "Hunter2 xyz!""#, "Hunter2 xyz!"),
    (
        "Unseal Key 1: qJ8v2s0fYkL3nB7xZp4WcR1tU6yH9mE5aD0gK2iS3oPq",
        "qJ8v2s0fYkL3nB7xZp4WcR1tU6yH9mE5aD0gK2iS3oPq",
    ),
    ("MAC key: 0123456789ABCDEF0123456789ABCDEF", "0123456789ABCDEF0123456789ABCDEF"),
    ("HMAC key 4478a1b2c3d4e5f60718293a4b5c6d7e", "4478a1b2c3d4e5f60718293a4b5c6d7e"),
    ("clear key: 0123456789ABCDEFFEDCBA9876543210", "0123456789ABCDEFFEDCBA9876543210"),
    ("BDK 0123456789ABCDEFFEDCBA9876543210", "0123456789ABCDEFFEDCBA9876543210"),
    ("PVK pair: 0123456789ABCDEF FEDCBA9876543210", "FEDCBA9876543210"),
    ("DEK=0123456789ABCDEF", "0123456789ABCDEF"),
    // A dashed key before a space; a CVV's key in parentheses; a URL's query alone; a
    // TOML table and multi-line string; PostgreSQL's failing row; credentials as a
    // command's arguments; SSM's `--value`; a registry secret; Azure's storage keys.
    ("security-code 123", "123"),
    ("card security code (CSC) 123", "123"),
    ("x-api-key abcDEF1234567890abc", "abcDEF1234567890abc"),
    (
        r#"query: Some("code=SplxlOBeZQQYbYS6WxSbIA&state=xyz")"#,
        "SplxlOBeZQQYbYS6WxSbIA",
    ),
    (
        "[secrets]\ndb = \"Hunter2xyz!\"\napi = abcDEF1234567890abc\n\n[server]\nport = 8080",
        "abcDEF1234567890abc",
    ),
    ("[password]\ncurrent = \"Hunter2xyz!\"", "Hunter2xyz!"),
    ("password = \"\"\"\nHunter2xyz!\n\"\"\"", "Hunter2xyz!"),
    (
        "ERROR:  null value in column \"email\" violates not-null constraint DETAIL:  Failing row contains (42, Khalid Al Mutairi, null, Hunter2xyz!).",
        "Hunter2xyz!",
    ),
    (
        r#"detail: Some("Failing row contains (42, bob, Hunter2xyz!).")"#,
        "Hunter2xyz!",
    ),
    ("vault login s.Cz8GqWbLmN3pX7vR2tY5uZ1a", "Cz8GqWbLmN3pX7vR2tY5uZ1a"),
    (
        "cargo login cio_abcdefghijklmnopqrstuvwxyz012345",
        "cio_abcdefghijklmnopqrstuvwxyz012345",
    ),
    ("htpasswd -b /etc/nginx/.htpasswd admin Hunter2xyz!", "Hunter2xyz!"),
    ("htpasswd -bc .htpasswd admin \"Hunter2 xyz!\"", "Hunter2 xyz!"),
    (r"net use \\srv\share /user:admin Hunter2xyz!", "Hunter2xyz!"),
    (
        "aws ssm put-parameter --name /prod/pay/db_password --value Hunter2xyz! --type SecureString",
        "Hunter2xyz!",
    ),
    (
        ".dockerconfigjson: eyJhdXRocyI6eyJnaGNyLmlvIjp7ImF1dGgiOiJZbTlpT2tobGJHeHYifX19",
        "eyJhdXRocyI6eyJnaGNyLmlvIjp7ImF1dGgiOiJZbTlpT2tobGJHeHYifX19",
    ),
    (
        r#"[{"keyName": "key1", "permissions": "FULL", "value": "abcDEF0123456789abcDEF0123456789abcDEF0123=="}]"#,
        "abcDEF0123456789abcDEF0123456789abcDEF0123==",
    ),
    // A card's or an account's holder, HyperPay's id document, WhatsApp's id, a session
    // header.
    (r#"{"holder":"Jane Jones"}"#, "Jane Jones"),
    (
        r#"{"customer":{"identificationDocId":"281010101234","identificationDocType":"IDCARD"}}"#,
        "281010101234",
    ),
    (
        "customer.givenName=Jane&customer.identificationDocId=281010101234",
        "281010101234",
    ),
    (r#"{"wa_id":"96551234567"}"#, "96551234567"),
    ("x-session: abcDEF1234567890abc", "abcDEF1234567890abc"),
    // National ids in prose; PHP's property visibility; an HSM's key in groups and a
    // clear component; `basic auth user:pw`; SQL's `IN` lists; an SMS gateway's form.
    ("Iqama No. 2123456789", "2123456789"),
    ("passport no P12345678", "P12345678"),
    ("my passport P12345678 expired", "P12345678"),
    ("TC Kimlik No: 10000000146", "10000000146"),
    ("NIK 3201012345678901", "3201012345678901"),
    (
        r#"["_password":protected]=> string(10) "Hunter2xyz""#,
        "Hunter2xyz",
    ),
    (
        "[\"password\":\"User\":private]=>\n  string(10) \"Hunter2xyz\"",
        "Hunter2xyz",
    ),
    (
        "ZMK component: 0123 4567 89AB CDEF 0123 4567 89AB CDEF",
        "89AB CDEF 0123",
    ),
    (
        "HSM: clear component 1: 0123456789ABCDEFFEDCBA9876543210",
        "0123456789ABCDEFFEDCBA9876543210",
    ),
    ("basic auth admin:Hunter2xyz!", "Hunter2xyz!"),
    ("WHERE cvv IN ('123', '456')", "456"),
    ("where card_pin in ('1234')", "1234"),
    ("Body=Your+OTP+is+482913", "482913"),
    (
        "unifonic: Recipient=96555123456&Body=Your%20OTP%20is%20482913&AppSid=xxx",
        "482913",
    ),
    ("text=my%20password%20is%20Hunter2xyz", "Hunter2xyz"),
    ("password::hunterpass", "hunterpass"),
    // A key after a Rust path is still a key (a backtrace's path is no key).
    (r#"settings::password = "Hunter2xyz!""#, "Hunter2xyz!"),
    ("Config::password (Hunter2xyz!)", "Hunter2xyz!"),
    // Round 23: personal fields in a Rust `Debug`; a PIN typed again or changed; CVV
    // names in more languages; gateway signing secrets; Gulf and Turkish ids; an `@`
    // written another way; a phone with dots after its country code.
    (
        r#"Payer { first_name: "Khalid", last_name: "Al Mutairi", address: "Block 3, Street 15" }"#,
        "Al Mutairi",
    ),
    (r#"Customer { name: "Jane Jones" }"#, "Jane Jones"),
    (r#"{"pin":"1234","pin_confirmation":"8674"}"#, "8674"),
    ("pinConfirmation=8674 pin_confirm=8674 newPin=8674", "8674"),
    ("PIN change: old 1234 new 5678", "5678"),
    ("كود الأمان: 123", "123"),
    ("رمز الحماية: 123", "123"),
    ("Sicherheitscode: 123", "123"),
    ("Numéro de contrôle: 123", "123"),
    ("Güvenlik kodu: 123", "123"),
    ("PAYFORT_SHA_REQUEST_PHRASE=56sdf$HJ#kl2", "56sdf$HJ#kl2"),
    ("ivp_authkey=ab12CD34ef56", "ab12CD34ef56"),
    ("FAWRY_SECURE_KEY=abcdef123456", "abcdef123456"),
    ("merchantSecKey=ab12CD34ef56gh", "ab12CD34ef56gh"),
    ("KNET resource key: ABCDEF1234567890", "ABCDEF1234567890"),
    ("EID: 784-1985-1234567-1", "1234567"),
    ("Saudi ID 1012345678", "1012345678"),
    (r#"{"tc_no":"10000000146"}"#, "10000000146"),
    ("To: khalid.almutairi=40gmail.com", "almutairi"),
    ("メール：khalid＠example.com です", "khalid"),
    ("phone: +965.5512.3456", "5512.3456"),
    // EMV and 3-D Secure values in other shapes; Rust's `Command` `Debug`; SMTP's `AUTH
    // LOGIN` password line; names under Spanish and French keys.
    ("application cryptogram A1B2C3D4E5F6A7B8", "A1B2C3D4E5F6A7B8"),
    (
        r#"{"consumerAuthenticationInformation":{"ucafAuthenticationData":"kAFyBQ5lAAAAAAAAAAAAAAAAAAA="}}"#,
        "kAFyBQ5lAAAAAAAAAAAAAAAAAAA=",
    ),
    ("Mastercard AAV kAFyBQ5lAAAAAAAAAAAAAAAAAAA=", "kAFyBQ5l"),
    ("PaReq=eJxVUsFuwjAMvfcrIt9LS4FpQk2lbQgJaZsm4LBr1BpaLU2ZnLL175e0tGx", "eJxVUsFuwjAMvfcrIt9LS4FpQk2lbQgJaZsm4LBr1BpaLU2ZnLL175e0tGx"),
    ("9F26 08 A1B2C3D4E5F6A7B8 9F27 01 80", "A1B2C3D4E5F6A7B8"),
    (
        "ICC: 9F26 08 A1B2C3D4E5F6A7B8 9F27 01 80 9F10 12 0110A00003220000000000000000000000FF",
        "A1B2C3D4E5F6A7B8",
    ),
    (r#""mysql" "-uroot" "-pHunter2xyz!" "pay""#, "Hunter2xyz!"),
    (r#""redis-cli" "-a" "Hunter2xyz!" "ping""#, "Hunter2xyz!"),
    (r#""curl" "-u" "merchant:Hunter2xyz!" "https://api.x.com""#, "Hunter2xyz!"),
    (r#""curl" "--user" "merchant:Hunter2xyz!""#, "Hunter2xyz!"),
    (
        "lettre::transport::smtp: >> AUTH LOGIN\n<< 334 UGFzc3dvcmQ6\n>> SHVudGVyMnh5eiE=\n<< 235 ok",
        "SHVudGVyMnh5eiE=",
    ),
    (r#"{"nombre":"Juan Pérez","apellido":"Gómez"}"#, "Gómez"),
    (r#"{"nom":"Dupont","prénom":"Jean"}"#, "Dupont"),
    // A device PAN after another key; one quoted string in a credential's tuple struct.
    (
        "decrypted apple pay token: dpan=4895370012003478 exp=2712",
        "4895370012003478",
    ),
    (r#"Some(Secret("Hunter2xyz!"))"#, "Hunter2xyz!"),
    // A pair after a credential's key that would not mask its own value: the whole
    // value is the credential's.
    ("token: pan=abcdefXYZ123", "abcdefXYZ123"),
    ("secret: cvv=abc123", "abc123"),
    // Round 22's open SMS wordings and keys; Arabic keys with `_`.
    ("Your login code is 482913", "482913"),
    ("Your Tabby code is 482913", "482913"),
    ("MFA code: 482913", "482913"),
    ("Your Apple ID Code is: 482913. Don't share it", "482913"),
    (r#"{"2fa":"482913","activation_code":"582913"}"#, "582913"),
    (r#"{"confirmation_code":"482913","reset_code":"582913"}"#, "582913"),
    ("UNIFONIC_APP_SID=AbCdEf0123456789AbCdEf0123456789", "AbCdEf0123456789AbCdEf0123456789"),
    (r#"{"كلمة_السر":"Hunter2xyz!"}"#, "Hunter2xyz!"),
    ("رمز المرور: Hunter2xyz!", "Hunter2xyz!"),
    (r#"{"رقم_البطاقة":"4111111111111112"}"#, "4111111111111112"),
    ("رقم جواز السفر: P12345678", "P12345678"),
    ("رقم السجل المدني 1012345678", "1012345678"),
    (
        r#"Signature: keyid="08c94330", algorithm="HmacSHA256", signature="abcDEF123456+/=""#,
        "abcDEF123456+/=",
    ),
    (
        r#"{"authorization_code":"SplxlOBeZQQYbYS6WxSbIA"}"#,
        "SplxlOBeZQQYbYS6WxSbIA",
    ),
    ("PIN meiner Karte: 1234", "1234"),
    ("PIN de mi tarjeta: 8674", "8674"),
    (
        "firebase server key AAAAbC1dE2f:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx0xnXmeYz",
        "APA91bHun4MxP5egoKMwt2KZFBaFUH",
    ),
    // Pydantic's message inside JSON (its line breaks escaped); an argument list escaped
    // once inside a JSON string.
    (
        r#"{"error":"1 validation error for Login\npassword\n  String should have at least 12 characters [type=string_too_short, input_value='Hunter2xyz!', input_type=str]"}"#,
        "Hunter2xyz!",
    ),
    (
        r#"{"args":"[\"--knet-password\", \"Knet@Pass123\"]"}"#,
        "Knet@Pass123",
    ),
    // A registry's login in an argument list and in Rust's `Command` `Debug`; a flag's
    // value that reads like a key's name; a flag in `Command`'s `Debug`.
    (
        r#"["docker", "login", "-u", "bob", "-p", "Hunter2secret"]"#,
        "Hunter2secret",
    ),
    (
        r#"Command { program: "docker", args: ["docker", "login", "-u", "bob", "-p", "Zq8Lm1BKHM", "reg.io"] }"#,
        "Zq8Lm1BKHM",
    ),
    (r#""podman" "login" "-u" "bob" "-p" "Zq8Lm1BKHM""#, "Zq8Lm1BKHM"),
    (r#"["psql", "--password", "Hunter2secret"]"#, "Hunter2secret"),
    (r#""mytool" "--password" "Xq7pa55wd""#, "Xq7pa55wd"),
    (r#""mytool" "--api-key" "Xq7pa55wd" "--verbose""#, "Xq7pa55wd"),
    // A CVV or PIN after words that say whose card it is; Arabic's "your CVV code is",
    // "login code".
    ("CVV for your card is 739", "739"),
    ("The CVV of the card is 739", "739"),
    ("PIN for this card is 8674", "8674"),
    ("رمز CVV الخاص بك هو 739", "739"),
    ("رمز الدخول: 482913", "482913"),
    // A phone after a phone word's abbreviated "number" (not an order's).
    ("Mobile No.: 965-5123-4567", "5123-4567"),
    ("Tel no. 212-555-0134", "555-0134"),
    // What stands between an SMS's `OTP` and its code (found by the `masker` fuzz target:
    // it was written unscanned).
    ("your OTP for bob@example.com is 482913", "bob@example.com"),
    ("your OTP for card 4111111111111111 is 482913", "4111111111111111"),
    // A national id after its identifier and a space, or after an abbreviated "number".
    ("lookup civil_id 287654321012", "287654321012"),
    ("passport_no P12345678", "P12345678"),
    ("civil id no. 287654321012", "287654321012"),
    ("Civil ID No. 287654321012", "287654321012"),
    // What a rule passes over to reach its value is scanned too (an audit of every rule
    // that looks ahead: each of these kept the email, the card or the secret in clear).
    ("cards[4111111111111111][cvv]=123", "4111111111111111"),
    ("رقم جواز السفر (bob@example.com): X1234567", "bob@example.com"),
    (
        "[secrets]\n# owner bob@example.com\ndb = \"hunter2x\"",
        "bob@example.com",
    ),
    (r#""AUTH" "bob@example.com" "B12345""#, "bob@example.com"),
    (
        r#"<auth note="card 4111111111111111">B12345</auth>"#,
        "4111111111111111",
    ),
    (
        "CREATE USER x IDENTIFIED WITH bob@example.com BY 'pw1'",
        "bob@example.com",
    ),
    (
        "https://discord.com/api/webhooks/4111111111111111/abcdef",
        "4111111111111111",
    ),
    (
        r#"{"name":"DB_PASSWORD","note":"password: hunter","value":"x1y2"}"#,
        "hunter",
    ),
    (
        r#"<field name="password" note="secret=hunter">x1</field>"#,
        "hunter",
    ),
    // MySQL's unique-index violation, by the index's name; PostgreSQL's failing row
    // after a single space or at the start.
    (
        "Duplicate entry 'Zq8Lm1BKHM' for key 'users.api_secret'",
        "Zq8Lm1BKHM",
    ),
    (
        "SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry 'Zq8Lm1BKHM' for key 'users_api_key_unique'",
        "Zq8Lm1BKHM",
    ),
    ("Duplicate entry '739' for key 'cards.cvv'", "739"),
    ("error: Failing row contains (42, Khalid, Hunter2xyz!).", "Hunter2xyz!"),
    // Italian's security code and tax code; a header's credential to its line's end;
    // PostgreSQL's bind value in an error's context.
    ("codice di sicurezza: 739", "739"),
    ("Codice di sicurezza 739", "739"),
    ("codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    (r#"{"codiceFiscale":"RSSMRA85T10A562S"}"#, "RSSMRA85T10A562S"),
    (
        "POST /v71/payments\nX-API-Key: AQEyhmfx-abc=-W+t7NF;s4}%=kUSD\nContent-Type: application/json",
        "kUSD",
    ),
    (
        "CONTEXT:  unnamed portal parameter $2 = 'Hunter2xyz'",
        "Hunter2xyz",
    ),
    // A list element the IN rule passes over (a bind parameter) is scanned (found by the
    // `masker` fuzz target).
    ("WHERE cvv IN (@p1 bob@example.com, '739')", "bob@example.com"),
    // A part of a multipart/form-data body.
    (
        "--b\r\nContent-Disposition: form-data; name=\"cvv\"\r\n\r\n739\r\n--b--",
        "739",
    ),
    (
        "------WebKitFormBoundary\nContent-Disposition: form-data; name=\"password\"\n\nHunter2xyz!\n------WebKitFormBoundary--",
        "Hunter2xyz!",
    ),
    ("Content-Disposition: form-data; name=\"pin\"\n\n8674", "8674"),
    // A date of birth under `birthDate`; an identity card's number is a national id's.
    (r#"{"birthDate":"1985-01-01"}"#, "1985-01-01"),
    ("birth_date=1985-01-01", "1985-01-01"),
    (r#"{"id_card_number":"281010101234"}"#, "281010101234"),
    // Redis's MONITOR: a key whose name starts with the sensitive word.
    (
        r#"1733565600.123456 [0 10.0.0.5:53422] "SET" "pin:281010101234" "8674""#,
        "8674",
    ),
    (r#""HSET" "otp:96555123456" "code" "482913""#, "482913"),
    // A card number with dots or bullets between its groups (copied from a screen).
    ("card 4111·1111·1111·1111", "1111·1111·1111"),
    ("card 4111•1111•1111•1111 exp 12/26", "1111•1111•1111"),
    // A symmetric key in prose.
    ("loaded encryption key: 8f7d6e5c4b3a2910", "8f7d6e5c4b3a2910"),
    ("AES key: 8f7d6e5c4b3a2910", "8f7d6e5c4b3a2910"),
    ("signing key: 8f7d6e5c4b3a2910", "8f7d6e5c4b3a2910"),
    // A tuple struct of card or authentication data holding bytes.
    ("PinBlock([4, 18, 172, 137, 255, 255, 18, 52])", "172, 137"),
    (
        "Card { number: CardNumber([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) }",
        "1, 1, 1, 1, 1, 1, 1",
    ),
    // A CVV's, a PIN's or a card number's bytes under its key.
    ("cvv bytes=[55, 51, 57]", "55, 51, 57"),
    ("pin_bytes: [4, 18, 172, 137]", "172, 137"),
    (
        "card bytes: [52, 49, 49, 49, 49, 49, 49, 49, 49, 49, 49, 49, 49, 49, 49, 49]",
        "49, 49, 49, 49, 49",
    ),
    // A failed `assert_eq!` whose message names a sensitive key.
    (
        "thread 'tests::charge' panicked at src/lib.rs:50:5:\nassertion `left == right` failed: cvv mismatch\n  left: \"739\"\n right: \"124\"",
        "739",
    ),
    (
        "assertion `left == right` failed: pin\n  left: 8674\n right: 4321",
        "8674",
    ),
    // A passport's or an identity card's machine-readable zone.
    (
        "mrz: P<KWTALMUTAIRI<<KHALID<<<<<<<<<<<<<<<<<<<<<<\nK123456784KWT8501011M3001019<<<<<<<<<<<<<<02",
        "ALMUTAIRI",
    ),
    (
        "IDKWT2810101012347<<<<<<<<<<<<\n8501011M3001019KWT<<<<<<<<<<<4\nALMUTAIRI<<KHALID<<<<<<<<<<<<<",
        "2810101012347",
    ),
    // A PIN or a CVV as a route's segment after its key's.
    ("POST /api/v1/cards/tok_1/pin/8674", "8674"),
    (
        r#"http_requests_total{path="/v1/pin/8674",method="POST"} 3"#,
        "8674",
    ),
    ("GET /cvv/739?x=1", "739"),
    // The name embossed on a card.
    (r#"{"embossed":"KHALID ALMUTAIRI"}"#, "ALMUTAIRI"),
    // A cardholder's name after a colon.
    ("Cardholder: KHALID ALMUTAIRI", "ALMUTAIRI"),
    ("cardholder: KHALID ALMUTAIRI, exp 12/26", "ALMUTAIRI"),
    ("Name on card: KHALID ALMUTAIRI", "ALMUTAIRI"),
    // A card before an address whose local part is one digit (found by the `masker`
    // fuzz target: the digits were left to the address, which did not hold the card).
    ("x 4761739001010226 0@db.com", "4761739001010226"),
    // Samba's user before its password is text (found by the `masker` fuzz target).
    ("smbclient //s/x -U bob@example.com%Passw0rd", "bob@example.com"),
    (
        r#"{"mrz":"P<KWTALMUTAIRI<<KHALID<<<<<<<<<<<<<<<<<<<<<<K123456784KWT8501011M3001019<<<<<<<<<<<<<<02"}"#,
        "K123456784",
    ),
    // A resident's permit number; Kuwait's "civil number".
    (r#"{"residency_no":"2123456789"}"#, "2123456789"),
    ("civil no. 281010101234", "281010101234"),
    // MySQL's value before its column.
    ("Incorrect integer value: '739' for column 'cvv' at row 1", "739"),
    (
        "Incorrect string value: 'Hunter2xyz!' for column 'password' at row 1",
        "Hunter2xyz!",
    ),
    // PostgreSQL's key of several columns.
    (
        "DETAIL:  Key (merchant_id, api_key)=(m-1, Zq8Lm1BKHM) already exists.",
        "Zq8Lm1BKHM",
    ),
    (
        r#"DETAIL:  Key (tenant, "password")=(t1, Hunter2x) already exists."#,
        "Hunter2x",
    ),
];

/// Lines that hold no sensitive data and look like the forms above: unchanged.
#[test]
fn look_alikes_are_kept() {
    let clean = [
        "UPDATE users SET name = $1 WHERE id = $3",
        "hmac_algorithm=sha256 app_key_id=7",
        r#"["docker", "run", "-p", "8080:80", "nginx"]"#,
        r#""mytool" "--password" "--verbose""#,
        r#"redact = ["password", "secret", "token"]"#,
        "CVV for card 4242 failed",
        r#"1733565600.123456 [0 10.0.0.5:53422] "GET" "pin:42""#,
        "PIN pad 12345678 connected",
        "POS 55123456 offline",
        "assertion `left == right` failed: status mismatch\n  left: 200\n right: 500",
        "response_bytes=1234 card bytes: 16",
        "validator: cvv: length must be 3 or 4",
        "holder: verified",
        "GET /api/pin/attempts/3",
        "GET /api/pin/2024-01-01",
        "Customer([1, 2])",
        "TEMPLATE<<A<B",
        "encryption key rotated",
        "AES key length 256",
        "signing key id: 7",
        r#"{"customer":"cus_NffrFeUfNV2Hib","amount":1500}"#,
        r#"{"updated_date":"2024-01-01"}"#,
        r#"INSERT INTO "users" ("password", "note") VALUES ($1, $2)"#,
        "Content-Disposition: form-data; name=\"note\"\n\nhello there",
        r#"{"path":"/v1/pin","value":3}"#,
        r#"{"op":"replace","path":"/amount","value":"1500"}"#,
        "Incorrect integer value: 'abc' for column 'qty' at row 1",
        "Config { api_key: SecretBox<str>([REDACTED]) }",
        "password: Secret<String>(****)",
        "Config { password: Sensitive(..), token: Redacted(..) }",
        "Config { password: Redacted, token: Masked }",
        "PIN: OK",
        "pin: blocked",
        r#"{"cvc":null,"cvv":"","pin":"unavailable"}"#,
        "codice di sicurezza non valido",
        "the unnamed portal parameter is fine",
        "Duplicate entry 'ORD-1' for key 'orders.PRIMARY'",
        "national_id lookup failed for user 42",
        "civil_id_status ACTIVE",
        "DETAIL:  Key (merchant_id, order_id)=(m-1, o-22) already exists.",
        "Order No.: 12-345-6789 shipped",
        "Order #: 123-456-7890 packed",
        "RRN [412345678901] approved",
        "deviceManufacturerIdentifier=12345678901",
        "CVV for your card was not provided",
        r#"{"name":{"en":"Widget","ar":"Gadget"}}"#,
        "AUTH=PLAIN",
        "curl -b cookies.txt https://x; git checkout -b feature",
        "connect timeout after 1234567 ms; statsd: pay.api.requests:1234567|c|#env:prod",
        "رقم الطلب: 123456789 رقم المرجع: 434112345678",
        "settings:\n  port: 8080\n  mode: live",
        r#"{"bytes_sent":1234567,"body_bytes_sent":1234567}"#,
        "error code 5001234; exit code 1234",
        "5 هو العدد",
        "service.name=pay-api host.name=pay-1 namespace=prod",
        r#"{"name":"POST /login","kind":"server"}"#,
        r#"{"metadata":{"namespace":"prod"}}"#,
        "token.expires_in=3600 pin.retries_left=2 cvv.result=M auth.result=approved",
        "verify(pin=pin, cvv=cvv) password=password",
        "password: length is lower than 12; password: invalid length 5",
        "SecretStr('**********')",
        r#"HeaderMap {"authorization": Sensitive}"#,
        r#"password: "** redacted **""#,
        "curl -k https://pay.internal/health",
        "cavv missing for this txn",
        "card 411111******1111 exp 1228 retry 3",
        r#"{"pipeline1":"build","shipment":{"number":"SHP-1"}}"#,
        r#"{"Name":"/prod/pay/db_host","Value":"db.internal"}"#,
        "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTESMBAGA1UEChMJQmFsdGltb3JlMRMwEQYDVQQLEwpDeWJlclRydXN0MSIwIAYDVQQD",
        "Req {\n    items: [\n        26,\n    ],\n}",
        "client_secret_id=abc-123",
        "order 4829 is your latest order",
        "OTP sent. Attempt 2 is 1234",
        "the iqama renewal is due",
        "رقم الهوية غير صحيح",
        "LOG:  duration: 0.512 ms  execute <unnamed>: SELECT id FROM payments WHERE id = $1",
        "X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678",
        r#"http_requests_total{method="POST",route="/v1/charges",status="201"} 1234567"#,
        "Disk usage: 12345678 KB, queue depth 1234567, seq=1234567 ack=7654321 win=65535",
        "Request 12345678 completed; PIN pad serial 12345678 firmware 4.2.1",
        "zmk_id=7 zmk_kcv=08D7B4",
        "secrets.yaml: permission denied",
        "token.type=bearer password.length: 12 user.id=42 http.method=GET",
        "2024-12-07T10:00:00Z  INFO auth: login succeeded for user 42",
        "2024-12-07T10:00:00.123Z  INFO pay_api::auth: token refreshed",
        "2024-12-07T10:00:00Z  INFO pay_api::pin: pin change requested by user_42",
        "Config { password: Secret([REDACTED alloc::string::String]) }",
        "password_age_days=90 password_min_length=12",
        r#"Warning  Failed  pod/pay-api-7d9f  Error: secret "db-creds" not found"#,
        r#"{"query":"mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }"}"#,
        "Failed to deserialize the JSON body into the target type: amount: invalid type: string \"abc\", expected u64",
        " id | status \n----+--------\n 42 | ok\n(1 row)",
        r#"#{<<"status">> => <<"ok">>}"#,
        "KNET response: paymentid=100202012345678&result=CAPTURED&auth=123456&ref=012345678901&tranid=202012345678901&trackid=ORD123",
        "KNET: result=CAPTURED auth=B12345 ref=434112345678",
        "__init__ called for Session",
        r#""SET" "user:42:name_count" "5""#,
        r#"[2024-12-07T10:00:00.000Z] "POST /v1/pay HTTP/1.1" 200 - 532 1024 45 44 "10.0.0.5" "Go-http-client/1.1""#,
        r#"10.0.0.5 - - [07/Dec/2024:10:00:00 +0000] "POST /api/v1/payments HTTP/1.1" 201 1234567 "-" "okhttp/4.12.0""#,
        "MTI=0100 DE37=123456789012 DE41=TERM0001",
        "Terminal ID 12345678",
        "[Field 004] [12] [000000001500]",
        "52 [items 3] done",
        "version 9F26 build",
        "暗証番号は変更されました",
        r#"{"order":{"status":"paid","number":"1200"}}"#,
        "we set the retry to 3 [parameters: (1, 2)]",
        "<entry><key>timeout</key><value>30</value></entry>",
        "Value 'abc' is not valid for parameter 'limit'.",
        r#"{\u0022status\u0022:\u0022ok\u0022,\u0022amount\u0022:1500}"#,
        "Geheimzahl geändert",
        "cvv 1 2 retries left",
        "pin 1 2 3 4 5 6 7 8 9 10 11 12 13 14",
        "de 52 años",
        "más de 55.000.000 de usuarios activos",
        "Total de 52: 1500 registros",
        "F-35 2024 budget approved",
        "field 35 = 2024-01-05",
        "[52] 5f3a9c1e7b2d4a60 request started",
        "52: 3fa2b9c01d7e6f48 src/main.rs",
        "cid 1234 completed",
        "LTE cell CID 4711 PCI 321",
        "Fixes Coverity CID 1491",
        "docker exec -it db mysql --version",
        "salt_rounds=10 secure_hash_algorithm=SHA256",
        "connecting to mysql through ssh -L3306:db:3306 -p2222 bastion",
        "mysql container: docker run -p3306:3306 mysql:8",
        "check mysql with lsof -p4312",
        "redis-cli missing: ls -a /usr/local/bin",
        "ssh -l mysql -p2222 db01",
        "journalctl -u mysql -p3",
        "docker run -d -v /data/mysql -p3306:3306 mysql:8",
        "tar -C /var/lib/mysql -pcf x.tar .",
        "find / -name mysql -perm 755",
        "redis-cli -a is deprecated",
        "mysql port: netstat -pant",
        "mysql backup via rsync -pav data host:",
        "mysql and ssh -pgateway host",
        "redis-cli is down, grep -a ERROR app.log",
        "redis-cli and git commit -a -m fix",
        "contraseña incorrecta",
        "пароль неверный",
        "пароль: неверный",
        "şifre değiştirildi",
        "helm -n mysql install db . -pXk9Lm2q",
        "verification: 200 OK",
        "verification #1234 passed",
        "identity verification 1500 ms",
        "page 35 of 52",
        "retry [52] after 8415 ms",
        "batch 52: 200 ok",
        "list [55] items",
        "cid=corr-81f2 connected",
        "verification failed 3 times",
        "email verification code sent",
        "mysql -uroot -p orders",
        "redis-cli -a $REDIS_PASS ping",
        "ls -a /var/log",
        "tar -pczf backup.tgz /srv",
        "node sk-worker-pool-1 ready",
        // Flags of other commands, host names and file names like tokens, span ids.
        "docker run -d --name mysql -p3306:3306 mysql:8.0",
        "ssh mysql-primary.internal -p2222 uptime",
        "mysql -h db01 -e 'select 1' && nc -zv db01 -p3306",
        "sshpass -e ssh -p 2222 admin@sw01",
        "redis-cli monitor | grep -a SET",
        "GET https://hvs.production-cluster-eu.example.com/v1/sys/health 200",
        "cache file ya29.access_token_cache_for_service_account.json written",
        "pod/sk-ingest-consumer-deployment-6d4b9c8f7d-abcde restarted",
        "see p. 52: deadbeefcafebabe is the magic constant",
        "052 5f3a9c1e7b2d4a60 span started",
        "thread[055] 0123456789abcdef",
        // A client's name as another command's argument; flags that are no password.
        "grep -r mysql -pattern app.log",
        "systemctl status mysql -pager",
        "find /usr/bin/mysql -prune",
        r#"["sshpass", "-e", "ssh", "-p", "2222"]"#,
        r#"exec.Command("ls", "-a")"#,
        r#"args=["mysql", "-p${DB_PASS}"]"#,
        // A status after a credential's key; a zero-padded amount.
        "otp_code: expired",
        "password: incorrect",
        "contraseña: requerida",
        "Passwort: geändert",
        "hasło: wymagane",
        "şifre: yanlış",
        "password: not set",
        "password: ******************",
        "DE 4: 000000010000",
        "DE 52: 12 34 ok",
        "ids 10 20 30 40 50 60",
        "retry delays 15 30 60 120 240 480 ms",
        "scores 12 34 56 78 90 12:30",
        "mysql8 port -p3306 exposed",
        "mysqldump then pigz -p4 dump.sql",
        "mysql 8.0 listens on -p3306",
        "mysql slow query pidstat -p4312",
        "mysqldump running renice -p4312",
        r#"["docker", "run", "--name", "mysql", "-p3306:3306", "mysql:8"]"#,
        r#"["grep", "-r", "mysql", "-pattern"]"#,
        r#"["lsof", "-u", "mysql", "-p4312"]"#,
        r#"["redis-cli", "-a", "-n"]"#,
        r#"Command::new("ssh").arg("-p").arg("2222")"#,
        "$ grep -r mysql -pattern",
        "şifre değiştirildi",
        "hasło wygasło",
        "sudo grep -r mysql -pattern",
        "sudo systemctl status mysql -pager",
        "time grep -r mysql -pattern",
        "service mysql status -pv",
        "man mysql -pager",
        "Passwort vergessen",
        "Passwort geändert",
        "password geändert",
        "senha incorreta",
        "contraseña es incorrecta",
        "пароль был изменён",
        "パスワードは変更されました",
        "Passwort zurücksetzen",
        "Passwort bestätigen",
        "senha é obrigatória",
        "scores 12 34 56 78 90 12 34",
        "versions 1 2 3 4 5 6 7 8 9 10 11 12",
        "seq 1 1 2 3 5 8 13 21 34 55 89 14:44",
        "senha inválida!",
        "the value (x) is 3",
        "Passwort geändert.",
        "<field value='x' name='status'/>",
        "INSERT INTO t (a, b) VALUES ('x', 'y')",
        "INSERT INTO t (cvv) VALUES ($1)",
        "pin 12 34 ok",
        "le mot de passe est incorrect",
        "mot de passe oublié",
        "mot de passeport",
        "la password è sbagliata",
        "密码为空",
        "비밀번호는 틀렸습니다",
        "비밀번호가 틀렸습니다",
        "lösenord är fel",
        "INSERT INTO t (name, password) VALUES (%s, %s)",
        "INSERT INTO t (pan, cvv) VALUES (DEFAULT, DEFAULT)",
        "INSERT INTO t (password) VALUES (%(pw)s)",
        "INSERT INTO t (password) VALUES (@pw)",
        "echo hello | grep h",
        r#"Write-Host mysql -ArgumentList "-x -pattern""#,
        r#"["ssh", "-p 2222", "host"]"#,
        "covid-2019 cid-corr81 otp-2fa cv2-12",
        "cell cid-4711 lac-302, release otp-2024",
        "echo y | sudo pacman -S vim",
        "echo \"SELECT 1\" | kubectl exec -i --stdin db -- psql",
        "echo {{ registry_password }} | docker login --password-stdin",
        "INSERT INTO t (password) VALUES (crypt(?, gen_salt('bf')))",
        "password is 2048 bits",
        "password was 2023-05-01",
        "the password is 10000 iterations",
        "clave: producto-123",
        "Wi-Fi şifresi: değiştirildi",
        "odds 3 5 7 9 11 13 15 17 19",
        "пароль 2024 года",
        "grep foo <<< \"hello\"",
        "sudo -S ls <<< $PASS",
        "password is 8 characters",
        "пароль был 12 раз",
        "الرقم السري غير صحيح",
        "كلمة المرور هي خاطئة",
        "验证码已发送",
        "mdp oublié",
        "bits 1 0 1 1 0 0 1 0 1 1 0 1 0 0 1 0",
        r#"Process.Start("mysql", "-uroot -p"); Console.WriteLine("started")"#,
        r#"notify("mysql", "failover -promote replica")"#,
        "pairs 11 22 33 44 55 66 77 88 99 10 11 12",
        "nums 1 3 5 7 9 11 13 15 17",
        "echo $PASS | sudo -S ls",
        "docker login --username bob --password-stdin registry.io",
        "INSERT INTO t (id, note) VALUES (uuid(), lower('Hello'))",
        "grep -r mysql -pattern",
        r#"Process.Start("grep", "-pattern")"#,
        "ps -C mysql -p12345",
        // Red-team round 19: times, ids, amounts, sizes, counters and placeholders.
        r#""ts_us":1733400000123459"#,
        "message id 1234567890123456785 delivered",
        "Kafka offset 1733400000123459 committed",
        r#"{"amount":{"currency":"EUR","value":1250000}}"#,
        r#""amount_minor":12345678"#,
        "transfer of 15000000 IDR completed",
        "Batch settlement: 1234567 KWD",
        "Content-Length: 2485760",
        "X-RateLimit-Reset: 1733400000",
        r#""bin":"42424242""#,
        r#""balance":1234567"#,
        "block height 19234567",
        "2485760 users",
        "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)",
        "Access denied for user 'app'@'10.0.0.5' (using password: YES)",
        "password=${DB_PASSWORD}",
        "password=$DB_PASSWORD",
        "token: <nil>",
        "password: <redacted>",
        "password=%s",
        "docker run -p 8080:80 nginx",
        "error: invalid value '12' for '--port <PORT>': out of range",
        "PIN entered 3 times",
        "pin reset to default",
        "q=a%201234%20b",
        "https://slack.com/api/chat.postMessage",
        "le cryptogramme est vérifié",
        "connecting with dbname=pay databaseName=pay",
        r#"INSERT INTO t (id, note) VALUES ($1, $2) -- binds: [1, "hello"]"#,
        r#"SELECT * FROM users WHERE ("email", "password") IS NOT NULL"#,
        "the pw is weak",
        "Credentials(None)",
        "find . -name foo.txt -print",
        "mysql -h db -P 3306 -u root",
        "smbclient -L srv -U alice",
        "zip -r -9 out.zip dir",
        "Get-Secret -Name DbPassword -AsPlainText",
        "$s = ConvertTo-SecureString $env:PW -AsPlainText -Force",
        "rman target /@prod",
        "see docs/guide@v2 for details",
        "UPDATE users SET password = ? WHERE id = ?",
        r#"WHERE "users"."password" = $1"#,
        "password = :password",
        "id 2fa-enabled: true",
        r#"{"kty":"RSA","n":"0vx7agoebGcQ","e":"AQAB","kid":"k1"}"#,
        r#"{"d":"2024-01-01","p":"x"}"#,
        r#"{"loc":["query","page"],"input":"abc"}"#,
        "sha 5a084111111111111111e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "trace 0af7651916cd43dd8448eb211c80319c span b7ad6b7169203331",
        "tlv 5A084111111111111112 (bad check digit)",
        "cache key-value-store-implementation-for-sessions ready",
        "WHERE password='' AND deleted=0",
        "INSERT INTO t (id, note) VALUES ($1, $2) [$1 = 5, $2 = 'hello']",
        r#"url="https://x/?page=2" next"#,
        "password=[REDACTED]",
        "[(b'host', b'example.com')]",
        "count=> int(1234)",
        "la clave de la API es nueva",
        "kata kunci pencarian",
        "order kodu: ORD-2024-0001",
        "password = (sensitive value)",
        "fee 1234567 fils",
        r#"{"pan_last4":"1111","exp":"1228"}"#,
        r"C:\xampp\htdocs",
        "x=%2Fpath%2F2024",
        "pin ١٢ retries",
        "id,status,amount\n42,paid,100\n43,failed,250",
        "line one\nline two, with comma",
        "الطلب رقم ١٢٣٤ تم",
        "insert into t (id, note) values (?, ?) binding parameter [2] as [VARCHAR] - [hello]",
        "missing key=password in config",
        "{:ok, \"done\"} {error, timeout} {:token, nil}",
        "user LOGIN failed for alice",
        "MAC verification failed; BDK rotation scheduled; HMAC key rotated",
        "ZMK exchanged with partner bank; Unseal Key 1 of 5 accepted",
        "zmk_kcv: 0123456789ABCDEF",
        "x-request-id abc-123; pay-api 2024 started; the (CVV) field is required",
        "[server]\nport = 8080",
        "DETAIL: Key (id)=(42) already exists.",
        "vault login -method=userpass username=bob; please login to continue",
        "net use Z: \\\\srv\\share /persistent:yes; htpasswd -c .htpasswd admin",
        "aws ssm put-parameter --name /prod/pay/region --value eu-west-1",
        r#"[{"keyName": "key1", "permissions": "FULL"}]"#,
        r#"{"holders_count":3,"swap_id":"12345678"}"#,
        "passport photo uploaded; passport expires 2027",
        "LMK check value: 1234AB",
        r#"["status":protected]=> string(2) "ok""#,
        "basic auth http://x:8080/; Basic auth failed for admin",
        "WHERE password IN ($1, $2) AND status IN ('paid')",
        "Body=Hello+there+friend",
        r#"{"cols":"[\"email\", \"password\"]"}"#,
        // Round 23's false positives: a Rust panic's location and backtrace frames in
        // modules named like a key; dates and compact timestamps; business names and
        // check results; ids and counters.
        "thread 'main' panicked at 'x', src/auth.rs:42:9",
        "  --> src/pin.rs:12:5\nat src/cvv.rs:10:5",
        "  13: pay_api::pin::verify\n  12: pay_api::auth::login::{{closure}}\n   at pay_api::auth::login (src/auth.rs:42:9)",
        "07-12-2024 10:00:00.123 +03:00 posted 07-12-2024 value_date=07/12/2024 at 20241207100000",
        r#"{"TrackId":"07-12-2024_123456"}"#,
        r#"{"merchant_name":"Talabat","store_name":"Lulu","acquirer_name":"KNET","issuer_name":"NBK","cardBrandName":"VISA"}"#,
        r#"{"secret_name":"pay/db","span":{"name":"charge"},"CustomerReference":"ORD-1001","name_match":"Y","address_line1_check":"pass"}"#,
        "Invoice No. 2024-0012345; Invoice 2024/0012345; redis_keys=1234567 used_memory=123456789",
        "resource key not found; Saudi Arabia; limit=40 ratio=40.5; version +1.2.3 delta +0.25",
        r#"{"pin_attempts":3} name: pay-api"#,
        "application started; AAV check passed",
        r#""ls" "-p" "dir"; {"nominal":"100"}"#,
        r#"{"authorization_code":"123456"} authCode=B12345"#,
        "Your zip code is 12345; Your promo code is SAVE2024; رقم البطاقة غير صحيح",
        r#"{"enable_2fa":true}"#,
        r#"Signature: keyid="08c94330-1d2f-4c4e-9a8b-123456789abc", algorithm="HmacSHA256""#,
        "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey",
        r#"{"error":"1 validation error for Order\nnote\n  String too long [type=string_too_long, input_value='hello there', input_type=str]"}"#,
    ];
    let lines = capture(|| {
        for c in clean {
            log::info!("{c}");
        }
    });
    for (line, c) in lines.iter().zip(clean) {
        assert_eq!(line["message"], c, "{line}");
    }
}

/// A `cid` key: a 3–4 digit value is Amex's code, anything else is an id and kept.
#[test]
fn a_cid_key_masks_a_code_and_keeps_an_id() {
    let lines = capture(|| {
        log::info!(cid = "3175", card:serde = json!({"cid": 512}); "amex_auth");
        event!(info, "amex_auth", cid = 3175, labels.cid = "512");
        log::info!(cid = "corr-81f2"; "request_started");
    });
    assert_no_leaks(&lines[..2], &["3175", "512"]);
    assert_eq!(lines[0]["extra"]["cid"], "[CVV-MASKED]", "{}", lines[0]);
    assert_eq!(
        lines[0]["extra"]["card"]["cid"], "[CVV-MASKED]",
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["extra"]["cid"], "[CVV-MASKED]", "{}", lines[1]);
    assert_eq!(lines[1]["labels"]["cid"], "[CVV-MASKED]", "{}", lines[1]);
    assert_eq!(lines[2]["extra"]["cid"], "corr-81f2", "{}", lines[2]);
}

#[test]
fn every_form_is_masked_on_every_path() {
    for &(text, secret) in FORMS {
        let lines = capture(|| {
            log::warn!("gateway said: {text}");
            log::info!(reply = text; "gateway_reply");
            event!(info, "gateway_reply", reply = text, labels.reply = text);
        });
        assert_eq!(lines.len(), 3, "{text:?}");
        assert_no_leaks(&lines, &[secret]);
    }
}

/// `{"name":"DB_PASSWORD","value":"…"}` as structured data (a Kubernetes env list, an
/// SSM parameter, a form's field list): the value is masked as the named key's value.
#[test]
fn a_structured_entry_named_by_a_key_masks_its_value() {
    let env = json!([
        {"name": "DB_PASSWORD", "value": "Vf9Rk2qq"},
        {"name": "region", "value": "eu-west-1"},
    ]);
    let field = json!({"Key": "pin", "Value": 8674, "meta": {"name": "region"}});
    let params = json!({"parameter": "password", "value": "Vf9Rk2qq"});
    let lines = capture(|| {
        log::info!(env:serde = env, opts:serde = field, params:serde = params; "config_loaded");
        event!(info, "config_loaded", env:serde = &env, opts:serde = &field);
    });
    assert_eq!(lines.len(), 2);
    assert_no_leaks(&lines, &["Vf9Rk2qq", "8674"]);
    for line in &lines {
        let env = &line["extra"]["env"];
        assert_eq!(env[0]["value"], "[SECRET-MASKED]", "{line}");
        // An entry of a key that is not sensitive keeps its value.
        assert_eq!(env[1]["value"], "eu-west-1", "{line}");
        assert_eq!(line["extra"]["opts"]["Value"], "[SAD-MASKED]", "{line}");
    }
    assert_eq!(lines[0]["extra"]["params"]["value"], "[SECRET-MASKED]");
}

/// Express's session cookie as a dotted key: masked like `JSESSIONID` (a value of
/// letters only, that no content rule would take for a credential).
#[test]
fn a_connect_sid_key_is_a_session_credential() {
    let lines = capture(|| {
        log::info!(req:serde = json!({"connect.sid": "qwertyuiopasdf", "sid": "keep", "пароль": "asdfghjklzxcv"}); "request_started");
        event!(info, "request_started", connect.sid = "qwertyuiopasdf");
    });
    assert_no_leaks(&lines, &["qwertyuiopasdf", "asdfghjklzxcv"]);
    assert_eq!(lines[0]["extra"]["req"]["sid"], "keep", "{}", lines[0]);
}

/// A JSON Web Key logged as structured data: its private members are masked, its public
/// ones kept.
#[test]
fn a_private_jwk_in_structured_data_is_masked() {
    let jwk = json!({"kty": "RSA", "n": "0vx7agoebGcQ", "e": "AQAB", "d": "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FL", "qi": "GyM_p6JrXySiz1toFgKbWV"});
    let lines = capture(|| {
        log::info!(jwk:serde = jwk; "key_loaded");
        event!(info, "key_loaded", jwk:serde = jwk);
    });
    assert_no_leaks(
        &lines,
        &["X4cTteJY_gn4FYPsXB8rdXix5vwsg1FL", "GyM_p6JrXySiz1toFgKbWV"],
    );
    assert_eq!(
        lines[0]["extra"]["jwk"]["n"], "0vx7agoebGcQ",
        "{}",
        lines[0]
    );
    // A key set's keys, and a `d` that belongs to no key.
    let jwks = json!({"keys": [{"kty": "oct", "k": "GawgguFyGrWKav7AX4VKUg"}]});
    let lines = capture(|| {
        log::info!(jwks:serde = jwks, point:serde = json!({"d": "north"}); "keys_rotated");
    });
    assert_no_leaks(&lines, &["GawgguFyGrWKav7AX4VKUg"]);
    assert_eq!(lines[0]["extra"]["point"]["d"], "north", "{}", lines[0]);
}

/// An expiry named after a card number is the expiry, not a CVV; a CVV after it still is.
#[test]
fn a_named_expiry_after_a_card_is_kept() {
    let lines = capture(|| {
        log::info!(r#"{{"pan":"4111111111111111","exp":"1228"}}"#);
        log::info!(r#"{{"pan":"4111111111111111","exp":"1228","cvv":"123"}}"#);
        log::info!("4111111111111111 exp 12/26 code 123");
    });
    assert_eq!(
        lines[0]["message"], r#"{"pan":"411111******1111","exp":"1228"}"#,
        "{}",
        lines[0]
    );
    assert_no_leaks(&lines[1..], &["4111111111111111", "\"123\"", "code 123"]);
}

/// A payer's identification document (Mercado Pago, dLocal, EBANX): its `number` is a
/// national id whatever its `type`, in structured data and in text; other `number`s are
/// not.
#[test]
fn a_payers_identification_number_is_a_national_id() {
    let payer = json!({
        "email": "test@x.com",
        "identification": {"type": "CPF", "number": "19119119100"},
        "order": {"number": "1200"},
    });
    let lines = capture(|| {
        log::info!(payer:serde = payer; "payment_created");
        log::info!("{payer}");
    });
    assert_no_leaks(&lines, &["19119119100"]);
    assert_eq!(
        lines[0]["extra"]["payer"]["order"]["number"], "1200",
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[0]["extra"]["payer"]["identification"]["type"], "CPF",
        "{}",
        lines[0]
    );
}

/// An address inside a database error's parentheses or between escaped quotes has the
/// address's own token (an analyst searches for it): the punctuation around it is kept.
#[test]
fn an_address_in_parentheses_or_escaped_quotes_has_its_own_token() {
    let lines = capture(|| {
        log::info!("bob@x.com");
        log::info!("Detail: Key (email)=(bob@x.com) already exists.");
        log::info!("GET /search?q=%22bob%40x.com%22");
    });
    assert_no_leaks(&lines, &["bob@x.com", "bob%40x.com"]);
    let token = lines[0]["message"].as_str().unwrap().to_owned();
    assert_eq!(
        lines[1]["message"],
        format!("Detail: Key (email)=({token}) already exists."),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2]["message"],
        format!("GET /search?q=%22{token}%22"),
        "{}",
        lines[2]
    );
}

/// An approval code under `auth` (KNET's reply, ISO 8583's element 38) is kept: support
/// staff need it. A secret under `auth` in any other shape is masked.
#[test]
fn an_approval_code_under_auth_is_kept() {
    let lines = capture(|| {
        log::info!(auth = "B12345"; "knet_reply");
        event!(info, "knet_reply", auth = "123456");
        log::info!(auth = "dXNlcjpwYXNz"; "knet_reply");
        log::info!("auth=hunter2x");
    });
    assert_eq!(lines[0]["extra"]["auth"], "B12345", "{}", lines[0]);
    assert_eq!(lines[1]["extra"]["auth"], "123456", "{}", lines[1]);
    assert_no_leaks(&lines[2..], &["dXNlcjpwYXNz", "hunter2x"]);
}

/// A phone's number beside its country code and an address's lines, as structured data
/// (Tap, Checkout.com, Stripe): personal, as their parent is; other `number`s are not.
#[test]
fn a_phones_and_an_addresss_parts_are_personal_in_structured_data() {
    let customer = json!({
        "phone": {"country_code": "965", "number": "51234567"},
        "address": {"line1": "Block 3, Street 15", "city": "Kuwait City"},
        "order": {"number": "ORD-1"},
    });
    let lines = capture(|| {
        log::info!(customer:serde = customer; "charge_created");
    });
    assert_no_leaks(&lines, &["51234567", "Block 3, Street 15"]);
    let c = &lines[0]["extra"]["customer"];
    assert_eq!(c["order"]["number"], "ORD-1", "{}", lines[0]);
    assert_eq!(c["phone"]["country_code"], "965", "{}", lines[0]);
}

/// A thing's name under the thing (`merchant.name`, a Kubernetes object's
/// `metadata.name`) is not a person's: kept in structured data and in text; a customer's
/// name is still masked; a card number a gateway truncated already stays as it is.
#[test]
fn a_things_name_and_a_truncated_card_are_kept() {
    let payload = json!({
        "merchant": {"name": "Talabat"},
        "metadata": {"name": "pay-api-7d9f", "namespace": "prod"},
        "customer": {"name": "Jane Jones"},
        "card": {"number": "411111xxxxxx1111"},
    });
    let text = r#"{"merchant":{"name":"Talabat"},"customer":{"name":"Jane Jones"},"CardNumber":"XXXXXXXXXXXX1111"}"#;
    let lines = capture(|| {
        log::info!(payload:serde = payload; "charge_created");
        log::info!("gateway said: {text}");
    });
    assert_no_leaks(&lines, &["Jane Jones"]);
    let p = &lines[0]["payload"];
    assert_eq!(p["merchant"]["name"], "Talabat", "{}", lines[0]);
    assert_eq!(p["metadata"]["name"], "pay-api-7d9f", "{}", lines[0]);
    assert_eq!(p["card"]["number"], "411111xxxxxx1111", "{}", lines[0]);
    let m = lines[1]["message"].as_str().unwrap();
    assert!(m.contains(r#"{"merchant":{"name":"Talabat"}"#), "{m}");
    assert!(m.contains(r#""CardNumber":"XXXXXXXXXXXX1111""#), "{m}");
}

/// A name under an Arabic key in structured data is personal (`اسم_العميل`: "the
/// customer's name"), the amount beside it is not.
#[test]
fn a_name_under_an_arabic_key_is_personal() {
    let payload = json!({"اسم_العميل": "خالد المطيري", "المبلغ": "25.500"});
    let lines = capture(|| {
        log::info!(payload:serde = payload; "invoice_created");
    });
    assert_no_leaks(&lines, &["خالد"]);
    assert_eq!(lines[0]["payload"]["المبلغ"], "25.500", "{}", lines[0]);
}

/// A value that ends a call's, a struct's or a list's pair is masked without the closing
/// bracket: the bracket stays, and the token is the value's own.
#[test]
fn a_closing_bracket_after_a_value_is_kept() {
    let lines = capture(|| {
        log::info!("password=Hunter2xyz!");
        log::info!("LoginRequest(ref=x, password=Hunter2xyz!)");
        log::info!("login{{password=Hunter2xyz!}}");
    });
    assert_no_leaks(&lines, &["Hunter2xyz!"]);
    let token = lines[0]["message"].as_str().unwrap()["password=".len()..].to_owned();
    assert_eq!(
        lines[1]["message"],
        format!("LoginRequest(ref=x, password={token})"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2]["message"],
        format!("login{{password={token}}}"),
        "{}",
        lines[2]
    );
}

/// A JSON document logged as text still parses after masking: a member's bare value (a
/// number, an array, an object) is replaced by a string.
#[test]
fn a_json_document_in_text_still_parses_after_masking() {
    let doc = r#"{"cvv":739,"phone":96555123456,"pin": 8674 ,"card":4111111111111111,"headers":{"Cookie":["sid=abc123def456"]},"amount":1500}"#;
    let lines = capture(|| {
        log::info!("{doc}");
    });
    assert_no_leaks(
        &lines,
        &[
            "739",
            "96555123456",
            "8674",
            "4111111111111111",
            "abc123def456",
        ],
    );
    let masked = lines[0]["message"].as_str().unwrap();
    let parsed: serde_json::Value =
        serde_json::from_str(masked).unwrap_or_else(|e| panic!("{masked} no longer parses: {e}"));
    assert_eq!(parsed["cvv"], "[CVV-MASKED]", "{masked}");
    assert_eq!(parsed["amount"], 1500, "{masked}");
}

/// A person's name written as an object (`name.first`, `name.family`) is personal, in
/// structured data and in text; a thing's name object (`merchant.name`) is kept.
#[test]
fn a_names_parts_are_personal() {
    let customer = json!({
        "name": {"first": "Khalid", "last": "Alsabah", "title": "Mr"},
        "merchant": {"name": {"full": "Acme Trading"}},
    });
    let text = r#"{"payer":{"name":{"given":"Fatima","family":"Alenezi"}},"amount":1500}"#;
    let lines = capture(|| {
        log::info!(customer:serde = customer; "charge_created");
        log::info!("{text}");
    });
    assert_no_leaks(&lines, &["Khalid", "Alsabah", "Fatima", "Alenezi"]);
    let c = &lines[0]["extra"]["customer"];
    assert_eq!(c["name"]["title"], "Mr", "{}", lines[0]);
    assert_eq!(
        c["merchant"]["name"]["full"], "Acme Trading",
        "{}",
        lines[0]
    );
    let masked: serde_json::Value =
        serde_json::from_str(lines[1]["message"].as_str().unwrap()).unwrap();
    assert_eq!(masked["amount"], 1500, "{}", lines[1]);
}

/// A product's barcode (an EAN-13 from a Gulf prefix, Luhn-valid by chance) is no card
/// and no phone, in structured data and in text; a 13-digit Visa still is a card.
#[test]
fn a_barcode_is_neither_a_card_nor_a_phone() {
    let item = json!({"barcode": "6272325718319", "gtin": "6299873775359", "ean": 6272325718319u64, "qty": 1, "customer": "cus_NffrFeUfNV2Hib"});
    let lines = capture(|| {
        log::info!(item:serde = item; "item_scanned");
        log::info!("scanned barcode 6272325718319 qty 1");
        log::info!("card 4222222222222 declined");
    });
    let it = &lines[0]["extra"]["item"];
    assert_eq!(it["barcode"], "6272325718319", "{}", lines[0]);
    assert_eq!(it["gtin"], "6299873775359", "{}", lines[0]);
    assert_eq!(it["ean"], 6272325718319u64, "{}", lines[0]);
    // (A gateway's customer id names no one.)
    assert_eq!(it["customer"], "cus_NffrFeUfNV2Hib", "{}", lines[0]);
    assert_eq!(lines[1]["message"], "scanned barcode 6272325718319 qty 1");
    assert_no_leaks(&lines[2..], &["4222222222222"]);
}

/// A JSON Patch operation (RFC 6902) names the member it changes by its `path`: its
/// `value` is masked as that member's, in structured data and in text; an operation on
/// a member that is not sensitive keeps its value.
#[test]
fn a_json_patchs_value_is_masked_by_its_path() {
    let patch = json!([
        {"op": "replace", "path": "/card/cvv", "value": "739"},
        {"op": "add", "path": "/pin", "value": 8674},
        {"op": "replace", "path": "/amount", "value": "1500"},
    ]);
    let text = r#"[{"op":"add","path":"/password","value":"Hunter2xyz!"}]"#;
    let lines = capture(|| {
        log::info!(patch:serde = patch; "card_patched");
        log::info!("{text}");
    });
    assert_no_leaks(&lines, &["739", "8674", "Hunter2xyz!"]);
    let p = &lines[0]["extra"]["patch"];
    assert_eq!(p[0]["value"], "[CVV-MASKED]", "{}", lines[0]);
    assert_eq!(p[2]["value"], "1500", "{}", lines[0]);
}

/// A JSON document written in base64 (a Pub/Sub push's `message.data`, a Kinesis
/// record) is decoded, masked and written back in base64: a reader who decodes it finds
/// the masks; a document with nothing to mask is kept as it is.
#[test]
fn a_base64_document_is_masked_inside() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    let data = STANDARD.encode(r#"{"pan": "4111111111111111", "cvv": "739"}"#);
    let clean = STANDARD.encode(r#"{"status":"ok","amount":1500}"#);
    let push = format!(r#"{{"message":{{"data":"{data}","messageId":"2070443601311540"}}}}"#);
    let lines = capture(|| {
        log::info!("{push}");
        log::info!(record:serde = json!({"data": data, "clean": clean}); "kinesis_record");
    });
    for (line, text) in [
        (&lines[0], lines[0]["message"].as_str().unwrap().to_owned()),
        (&lines[1], lines[1]["extra"]["record"].to_string()),
    ] {
        assert!(!text.contains(&data), "{line}");
        // (`{"pan": "411111` is the same in both: the base64 starts the same.)
        let start = text.find("eyJwYW4iOiAiNDExMTEx").expect("still base64");
        let end = start + text[start..].find(['"', '\\']).unwrap();
        let decoded = String::from_utf8(STANDARD.decode(&text[start..end]).unwrap()).unwrap();
        assert_eq!(
            decoded, r#"{"pan": "411111******1111", "cvv": "[CVV-MASKED]"}"#,
            "{line}"
        );
    }
    assert_eq!(lines[1]["extra"]["record"]["clean"], clean.as_str());
}

/// Text a key says is base64 (`payload_b64=`, `request body (base64):`), and an API
/// Gateway event's body when the event says so: decoded, masked, written back.
#[test]
fn a_value_a_key_says_is_base64_is_masked_inside() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    let form = STANDARD.encode("card_number=4111111111111111&cvv=739&exp=1226");
    let track = STANDARD.encode("%B4111111111111111^ALMUTAIRI/KHALID^2612101000000000000000?");
    let event = format!(
        r#"{{"httpMethod":"POST","path":"/charge","body":"{form}","isBase64Encoded":true}}"#
    );
    let lines = capture(|| {
        log::info!("{event}");
        log::info!("track_b64={track}");
        log::info!("request body (base64): {form}");
        log::info!(r#"{{"path":"/charge","body":"{form}"}}"#);
    });
    assert_no_leaks(&lines[..3], &[&form, &track]);
    let m = lines[0]["message"].as_str().unwrap();
    let start = m.find(r#""body":""#).unwrap() + 8;
    let end = start + m[start..].find('"').unwrap();
    let decoded = String::from_utf8(STANDARD.decode(&m[start..end]).unwrap()).unwrap();
    assert_eq!(
        decoded,
        "card_number=411111******1111&cvv=[CVV-MASKED]&exp=1226"
    );
    // (A body the event does not say is base64 is not decoded.)
    assert!(lines[3]["message"].as_str().unwrap().contains(&form));
}
