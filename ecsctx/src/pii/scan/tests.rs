//! The scanner's unit tests.

use super::*;

/// Writes `<kind>` for each finding.
struct Tags;
impl Emit for Tags {
    fn key_class(&self, key: &str) -> Class {
        match keys::classify(key, true) {
            Class::None if key.to_ascii_lowercase().contains("name") => Class::Personal,
            c => c,
        }
    }
    fn emit(&self, hit: Hit, text: &str, out: &mut String) {
        match hit {
            Hit::Card => write_card(text, out),
            Hit::Keyed(Class::Card) => write_card(text, out),
            h => out.push_str(&format!("<{h:?}>")),
        }
    }
}

const ALL: Opts = Opts {
    phones: true,
    emails: true,
    pci: true,
    financial: true,
};

/// A repeatable source of draws below `n` (xorshift from `seed`).
fn draws(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

fn m(s: &str) -> String {
    let mut out = String::new();
    if scan(s, ALL, &Tags, &mut out) {
        out
    } else {
        s.to_owned()
    }
}

/// The fast paths never hide a finding: over 300,000 tokens made of id and name
/// pieces, sensitive words, digit groups, token prefixes and IPv4 addresses, [`scan`]
/// writes what the whole scanner writes, and each token the plain-token path passes
/// is clean (it passes most ids).
#[test]
fn every_plain_token_is_clean_for_the_whole_scanner() {
    const PIECES: &[&str] = &[
        "sess",
        "m",
        "eu",
        "west",
        "id",
        "store",
        "ORD",
        "a",
        "x",
        "Z",
        "req",
        "user",
        "cvv",
        "CVV",
        "cvv2",
        "cv2",
        "cid",
        "otp",
        "mpin",
        "cvc",
        "csc",
        "pin",
        "PIN",
        "card",
        "pan",
        "password",
        "pwd",
        "token",
        "secret",
        "key",
        "api",
        "auth",
        "bearer",
        "Basic",
        "iban",
        "ssn",
        "eyJ",
        "eyJhbGciOiJIUzI1NiJ9",
        "sk_live_",
        "AKIA",
        "ghp_",
        "xoxb",
        "SG",
        "hvs",
        "hvb",
        "ya29",
        "ptok",
        "penc",
        "GB82",
        "WEST",
        "DE89",
        "NL91",
        "4111",
        "1111",
        "411111",
        "5555",
        "0134",
        "555",
        "212",
        "2024",
        "0001",
        "1",
        "12",
        "123",
        "8674",
        "857",
        "0",
        "9",
        "00",
        "-",
        "_",
        ".",
        "-",
        ".",
        "_",
        "..",
        "--",
        "abcdefghij",
        "ABCDEFGHIJKLM",
        "f2c91",
        "8f2c91",
    ];
    let mut next = draws(0x9e37_79b9_7f4a_7c15);
    let (mut passed, mut tried) = (0, 0);
    let check = |t: &str, passed: &mut usize| {
        let (mut fast, mut all) = (String::new(), String::new());
        let found = scan(t, ALL, &Tags, &mut fast);
        assert_eq!(found, scan_all(t, ALL, &Tags, &mut all), "{t:?}");
        assert_eq!(fast, all, "{t:?}");
        if is_plain_token(t.as_bytes()) {
            *passed += 1;
            assert!(
                !found,
                "the fast path passes {t:?}, the scanner writes {all:?}"
            );
        }
    };
    for _ in 0..300_000 {
        let mut t = String::new();
        for _ in 0..1 + next(6) {
            t.push_str(PIECES[next(PIECES.len())]);
        }
        tried += 1;
        check(&t, &mut passed);
    }
    for _ in 0..20_000 {
        let ip = format!("{}.{}.{}.{}", next(256), next(256), next(256), next(256));
        check(&ip, &mut passed);
        check(&format!("{ip}.{}", next(256)), &mut passed);
        check(&format!("v{ip}"), &mut passed);
    }
    assert!(passed > tried / 4, "{passed} of {tried}");
    for id in [
        "sess-8f2c91",
        "m-1001",
        "eu-west-1",
        "keyloop.enterprise_id",
        "ORD-2024-01",
    ] {
        assert!(is_plain_token(id.as_bytes()), "{id}");
    }
    for not in [
        "pin-8674",
        "cvv123",
        "4111-1111-1111",
        "555-0134567",
        "a b",
        "sk_live_abcdefghij",
        "ya29.Ab1cdefghij.Kl2mnopqrs",
    ] {
        assert!(!is_plain_token(not.as_bytes()), "{not}");
    }
}

/// A published token alone, even one without a digit, is not taken for a plain word.
#[test]
fn a_lone_token_without_digits_is_masked() {
    for t in [
        "sk_live_abcdefghijklmnopqrstuvwx",
        "xoxb-abcdefghijklmnop",
        "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
    ] {
        assert_eq!(m(t), "<Secret(\"secret\")>", "{t}");
    }
    // After dashes a word starts: the token there is found (the one-word check let
    // these through before the fast-path equivalence test found them).
    assert_eq!(m("--sk_live_abcdefghijklmnop"), "--<Secret(\"secret\")>");
    assert_eq!(
        m("_auth-xoxb-abcdefghijklmnop"),
        "_auth-<Secret(\"secret\")>"
    );
    // Short words still leave at the first check.
    assert_eq!(m("payment_id"), "payment_id");
}

#[test]
fn sendgrid_keys() {
    let key = "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";
    assert_eq!(m(key), "<Secret(\"secret\")>");
    assert_eq!(
        m(&format!("mail via key {key} failed")),
        "mail via key <Secret(\"secret\")> failed"
    );
    // `SG.` in prose (a country code, an abbreviation) is not a key.
    assert_eq!(m("shipped to SG. next"), "shipped to SG. next");
    assert_eq!(m("SG.short.x"), "SG.short.x");
}

#[test]
fn ipv4_addresses_are_read_once_and_kept() {
    for t in [
        "203.0.113.9",
        "client 10.0.0.1 ok",
        "ip=192.168.1.254;",
        "255.255.255.0",
    ] {
        assert_eq!(m(t), t);
    }
    assert_eq!(ipv4_end(b"203.0.113.9", 0), Some(11));
    assert_eq!(ipv4_end(b"1.2.3.4.5", 0), None);
    assert_eq!(ipv4_end(b"1.2.3.256", 0), None);
    assert_eq!(ipv4_end(b"1.2.3.4a", 0), None);
    // A dotted phone is not an address: still found.
    assert_eq!(m("call 212.555.0134 now"), "call <Phone> now");
}

#[test]
fn trigger_words_are_found_in_any_case_and_only_they() {
    for (w, flags) in TRIGGER_WORDS {
        let lower = std::str::from_utf8(w).unwrap();
        for text in [lower.to_string(), lower.to_ascii_uppercase()] {
            // At the end of the text (short load) and before more text (8-byte load).
            let long = format!("{text} and more text");
            assert_eq!(triggers(text.as_bytes(), 0, text.len()), flags, "{text}");
            assert_eq!(triggers(long.as_bytes(), 0, text.len()), flags, "{long}");
        }
    }
    assert_eq!(triggers(b"PassPhrase", 0, 10), PROSE);
    for w in [
        "order",
        "pins",
        "cards",
        "users",
        "the",
        "a",
        "passwords2",
        "bearers",
    ] {
        assert_eq!(triggers(w.as_bytes(), 0, w.len()), 0, "{w}");
    }
}

#[test]
fn keyed_forms() {
    for (i, o) in [
        (
            "login failed for bob password=hunter2 retry",
            "login failed for bob password=<Keyed(Secret)> retry",
        ),
        (
            r#"{"secret": "a b", "x": 1}"#,
            r#"{"secret": "<Keyed(Secret)>", "x": 1}"#,
        ),
        (
            r#"{\"password\":\"pw\"}"#,
            r#"{\"password\":\"<Keyed(Secret)>\"}"#,
        ),
        ("token=xyz&q=1", "token=<Keyed(Secret)>&q=1"),
        // A key before separators after up to 8 spaces, as `may_be_key` reads it.
        (
            "apikey        = hunter2x",
            "apikey        = <Keyed(Secret)>",
        ),
        // A key of any length before a spaced separator (was read as prose).
        ("db_password = hunter2x", "db_password = <Keyed(Secret)>"),
        (
            "login DBPassword : hunter2x",
            "login DBPassword : <Keyed(Secret)>",
        ),
        ("CVV: 123", "CVV: <Keyed(Cvv)>"),
        ("cvv 123 ok", "cvv <Keyed(Cvv)> ok"),
        ("the cvv is 123", "the cvv is <Keyed(Cvv)>"),
        ("security code 085", "security code <Keyed(Cvv)>"),
        ("PIN 8674", "PIN <Keyed(Sad)>"),
        ("PIN block: 0412AC56FF0011AA", "PIN block: <Keyed(Sad)>"),
        ("pin=1234", "pin=<Keyed(Sad)>"),
        (
            "<Auth><cvv>013</cvv><password>pw</password></Auth>",
            "<Auth><cvv><Keyed(Cvv)></cvv><password><Keyed(Secret)></password></Auth>",
        ),
        (
            "<ns:cvv type=\"x\">013</ns:cvv>",
            "<ns:cvv type=\"x\"><Keyed(Cvv)></ns:cvv>",
        ),
        (
            "<password><![CDATA[p<w]]></password>",
            "<password><![CDATA[<Keyed(Secret)>]]></password>",
        ),
        (
            "card_number=4111111111111112&cvv=554&api_key=sk_live_abc",
            "card_number=411111******1112&cvv=<Cvv>&api_key=<Keyed(Secret)>",
        ),
        (
            "Authorization: Bearer abc.def",
            "Authorization: <Keyed(Secret)>",
        ),
        ("name=John&x=1", "name=<Keyed(Personal)>&x=1"),
        ("name: John", "name: John"),
        ("password => \"x\"", "password => \"<Keyed(Secret)>\""),
        (
            "passport_number='X1'",
            "passport_number='<Keyed(NationalId)>'",
        ),
    ] {
        assert_eq!(m(i), o, "{i}");
    }
}

/// The forms an adversarial review found leaking, each with what it becomes now.
#[test]
fn review_forms() {
    let s = "<Keyed(Secret)>";
    for (i, o) in [
        (
            "card[number]=4242424242424242&card[cvc]=123&card[exp_month]=12",
            "card[number]=424242******4242&card[cvc]=<Keyed(Cvv)>&card[exp_month]=12".to_owned(),
        ),
        (
            "source[card][cvv]=123",
            "source[card][cvv]=<Keyed(Cvv)>".into(),
        ),
        ("cvv    123", "cvv    <Keyed(Cvv)>".into()),
        ("cvv\t123", "cvv\t<Keyed(Cvv)>".into()),
        ("cvv#123", "cvv#<Keyed(Cvv)>".into()),
        ("cvv - 123", "cvv - <Keyed(Cvv)>".into()),
        ("cvv(123)", "cvv(<Keyed(Cvv)>)".into()),
        ("cvv '123'", "cvv '<Keyed(Cvv)>'".into()),
        ("the CVV is: 123", "the CVV is: <Keyed(Cvv)>".into()),
        ("cvv：123", "cvv：<Keyed(Cvv)>".into()),
        ("cvv number 123", "cvv number <Keyed(Cvv)>".into()),
        (
            "PIN block 0412AC56FF0011AA",
            "PIN block <Keyed(Sad)>".into(),
        ),
        ("pin number 1234", "pin number <Keyed(Sad)>".into()),
        ("password:: hunter2", format!("password:: {s}")),
        ("password := hunter2", format!("password := {s}")),
        (
            "password: Secret(\"hunter2\")",
            format!("password: Secret(\"{s}\")"),
        ),
        (
            "password: !secret hunter2",
            format!("password: !secret {s}"),
        ),
        (
            "password: |\n  hunter2\nnext: 1",
            format!("password: |\n  {s}\nnext: 1"),
        ),
        ("password    =    hunter2", format!("password    =    {s}")),
        (
            "{ \"password\" :\n  \"hunter2\" }",
            format!("{{ \"password\" :\n  \"{s}\" }}"),
        ),
        ("password is hunter2!", format!("password is {s}")),
        ("password=[hunter2]", format!("password={s}")),
        (
            "Server=db;Password={hun;ter2};",
            format!("Server=db;Password={s};"),
        ),
        (
            "password: correct horse battery staple",
            format!("password: {s}"),
        ),
        (
            "curl -u admin:hunter2 https://x",
            "curl -u admin:<Secret(\"secret\")> https://x".to_string(),
        ),
        ("mysql --password hunter2", format!("mysql --password {s}")),
        (
            "charging with sk_live_51HxYzAbCdEfGh now",
            "charging with <Secret(\"secret\")> now".into(),
        ),
        (
            "key AKIAIOSFODNN7EXAMPLE ok",
            "key <Secret(\"secret\")> ok".into(),
        ),
        (
            "Bearer abcdefghijklmnop",
            "Bearer <Secret(\"secret\")>".into(),
        ),
        (
            "Bearer: abcdefghij12x",
            "Bearer: <Secret(\"secret\")>".into(),
        ),
        (
            "Authorization: ApiKey abcdefghijklmnop1234",
            format!("Authorization: {s}"),
        ),
        (
            "q=password%3Dhunter2%26x%3D1",
            format!("q=password%3D{s}%26x%3D1"),
        ),
        (
            "%7B%22password%22%3A%22hunter2%22%7D",
            format!("%7B%22password%22%3A%22{s}%22%7D"),
        ),
        ("data[password]=hunter2", format!("data[password]={s}")),
        (
            "&lt;password&gt;hunter2&lt;/password&gt;",
            format!("&lt;password&gt;{s}&lt;/password&gt;"),
        ),
        (
            "<field name=\"password\">hunter2</field>",
            format!("<field name=\"password\">{s}</field>"),
        ),
        (
            "<param name=\"cvv\" value=\"123\"/>",
            "<param name=\"cvv\" value=\"<Keyed(Cvv)>\"/>".into(),
        ),
        ("passport: X1234567", "passport: <Keyed(NationalId)>".into()),
        (
            "name=John Smith age=3",
            "name=<Keyed(Personal)> age=3".into(),
        ),
    ] {
        assert_eq!(m(i), o, "{i}");
    }
    // Not leaks: look-alikes and metadata.
    for i in [
        "password_changed_at=2024-01-15",
        "password_policy=strong",
        "token_type=bearer",
        "a Bearer of news",
    ] {
        assert_eq!(m(i), i);
    }
}

/// The second review round: values that took the next key, and what leaked with it.
#[test]
fn a_value_never_takes_the_next_key() {
    for (i, o) in [
        ("password:\ncvv: 123", "password:\ncvv: <Keyed(Cvv)>"),
        (
            "secrets:\n  db_password: hunter2",
            "secrets:\n  db_password: <Keyed(Secret)>",
        ),
        ("password:  cvv: 123", "password:  cvv: <Keyed(Cvv)>"),
        (
            "password: hunter cvv 123",
            "password: <Keyed(Secret)> cvv <Keyed(Cvv)>",
        ),
        (
            "name=Bob cvv = 123",
            "name=<Keyed(Personal)> cvv = <Keyed(Cvv)>",
        ),
        (
            "Authorization: Basic abc, cvv 123",
            "Authorization: <Keyed(Secret)> cvv <Keyed(Cvv)>",
        ),
        (
            "<Auth cvv=\"123\" x=\"1\"/>",
            "<Auth cvv=\"<Keyed(Cvv)>\" x=\"1\"/>",
        ),
        ("Your PIN is 1234.", "Your PIN is <Keyed(Sad)>."),
        ("with cvv 123.", "with cvv <Keyed(Cvv)>."),
        ("password=abc)def", "password=<Keyed(Secret)>"),
        ("password=hunt%20er2&x=1", "password=<Keyed(Secret)>&x=1"),
        (
            "{'password': b'hunter2'}",
            "{'password': b'<Keyed(Secret)>'}",
        ),
        ("DB_PASS=hunter2", "DB_PASS=<Keyed(Secret)>"),
        ("ccv=123", "ccv=<Keyed(Cvv)>"),
        (
            "Security code (CVV): 123",
            "Security code (CVV): <Keyed(Cvv)>",
        ),
        ("the pin was 1234", "the pin was <Keyed(Sad)>"),
        (
            "cvv123 CVV-456 pin_8674 cvv2",
            "cvv<Keyed(Cvv)> CVV-<Keyed(Cvv)> pin_<Keyed(Sad)> cvv2",
        ),
        ("SSN: 123 45 6789", "SSN: <Keyed(NationalId)>"),
        (
            "&quot;password&quot;:&quot;hunter2&quot;",
            "&quot;password&quot;:&quot;<Keyed(Secret)>&quot;",
        ),
        (
            "aws AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG",
            "aws <Secret(\"secret\")>:<Secret(\"secret\")>",
        ),
        (
            "4111111111111111 expiration 12/27 123",
            "411111******1111 expiration 12/27 <Cvv>",
        ),
    ] {
        assert_eq!(m(i), o, "{i}");
    }
    // Clean data that looked like phones, names or emails.
    for i in [
        "{\"id\":12345678}",
        "{\"iat\":1733400000,\"exp\":1733403600}",
        "Duration { secs: 1733400000, nanos: 123456789 }",
        "Some(1733400000)",
        "processed 1234567 records in 1234567890 millis",
        "00000000-0000-0000-0000-000000000000",
        "10.123.456.7890 12.345.6789",
        "<field name=\"status\">captured</field>",
        "https://cdn.example.com/img/logo@2x.png",
        "token - refreshed at 12:00",
    ] {
        assert_eq!(m(i), i);
    }
}

#[test]
fn dash_joined_words_are_read_once() {
    // A log-injection attempt: 200 KB of `a-a-…=x` must stay linear.
    let s = format!("{}=x", "a-".repeat(100_000));
    let t = std::time::Instant::now();
    let _ = m(&s);
    let u = "x://".repeat(50_000);
    let _ = m(&u);
    // Keys whose value scan fails: each scan is bounded.
    for unit in [
        "cvv(",
        "password(:",
        "password=[",
        "cvv=!",
        "password:!",
        "password=%26",
        "cvv=%20",
        "name=%26",
        "\"cvv\":[",
        // Command lines: flags before quotes, here-strings, pipes, argument strings.
        "-p \"",
        "\"-p ",
        "<<< ",
        "sudo -S <<< ",
        "echo x | ",
        "Process.Start(\"mysql\", \"-p ",
        "key:cc val:",
        "-ArgumentList\"-p",
    ] {
        let _ = m(&format!("{}MASKED]", unit.repeat(100_000 / unit.len())));
    }
    // (A guard against quadratic time, not a speed target: about 2 MB of hostile text in
    // an unoptimized build, on a 2-core machine running other tests beside it, takes a
    // few seconds; a rule that rescans per repetition takes minutes.)
    assert!(
        t.elapsed() < std::time::Duration::from_secs(15),
        "{:?}",
        t.elapsed()
    );
}

/// Values of a CVV's, PIN's or card's key that are keys again, and many `@` or `%40`
/// with no address around them (red-team round 19: 128 KB of `cvv:` took 2 s, of `%40`
/// 3 s, in a release build): each look is bounded, 100 KB of each stays linear.
#[test]
fn repeated_keys_and_escaped_ats_are_read_in_linear_time() {
    let t = std::time::Instant::now();
    for unit in [
        "cvv:", "pan:", "card:a:", "cvv:[", "%40", "%2540", "x%40y%2C",
    ] {
        let _ = m(&unit.repeat(100_000 / unit.len()));
    }
    assert!(
        t.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn shapes() {
    assert_eq!(
        m("Req { cvv: Some(\"737\"), pin: Some(8674) }"),
        "Req { cvv: Some(\"<Keyed(Cvv)>\"), pin: Some(<Keyed(Sad)>) }"
    );
    let env = "PRIVATE_KEY=-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
    assert_eq!(m(env), "PRIVATE_KEY=<Secret(\"pem_key\")>");
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
    assert_eq!(m(&format!("got {jwt} ok")), "got <Secret(\"jwt\")> ok");
    assert_eq!(m("Bearer abcdefghij12"), "Bearer <Secret(\"secret\")>");
    assert_eq!(m("a Bearer of news"), "a Bearer of news");
    let pem = "cfg -----BEGIN PRIVATE KEY-----\nMIIE\nabc\n-----END PRIVATE KEY----- end";
    assert_eq!(m(pem), "cfg <Secret(\"pem_key\")> end");
    let cert = "-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----";
    assert_eq!(m(cert), cert);
    assert_eq!(
        m("https://user:pa55@host/x?access_token=abc&q=1"),
        "https://<Secret(\"secret\")>:<Secret(\"secret\")>@host/x?access_token=<Keyed(Secret)>&q=1"
    );
    assert_eq!(m("https://host/x?q=1"), "https://host/x?q=1");
    assert_eq!(m(";4111111111111111=25121010000000000000?"), "<Track>");
    assert_eq!(m("%B4111111111111111^DOE/JOHN^2512101?"), "<Track>");
    assert_eq!(m("call 212.555.0134 now"), "call <Phone> now");
    assert_eq!(
        m("ip 192.168.100.200 v1.2.3 2024.01.15"),
        "ip 192.168.100.200 v1.2.3 2024.01.15"
    );
    assert_eq!(m("iban GB82WEST12345698765432."), "iban <Iban>.");
    assert_eq!(m("iban GB82 WEST 1234 5698 7654 32"), "iban <Iban>");
    assert_eq!(m("GB83WEST12345698765432"), "GB83WEST12345698765432");
}

#[test]
fn cards_and_cvv_after_them() {
    assert_eq!(m("4111 1111 1111 1111 123"), "411111******1111 <Cvv>");
    assert_eq!(
        m("4111111111111111|12/27|123"),
        "411111******1111|12/27|<Cvv>"
    );
    assert_eq!(m("4111.1111.1111.1111"), "411111******1111");
    assert_eq!(m("4111  1111  1111  1111"), "411111******1111");
    assert_eq!(m("ORD4111111111111111"), "ORD411111******1111");
    assert_eq!(m("4111111111111111 2024"), "411111******1111 <Cvv>");
    // Digits after an id, time or count word are that, unless a phone word is near.
    assert_eq!(m("order 12345678 ok"), "order 12345678 ok");
    assert_eq!(m("call 12345678 ok"), "call <Phone> ok");
    assert_eq!(m("reach me on 12345678"), "reach me on <Phone>");
    assert_eq!(m("tel:+14155550134"), "tel:<Phone>");
    assert_eq!(m("phone:4155550134"), "phone:<Phone>");
    assert_eq!(
        m("ts=1733400000000 range 1000-2000 zip 94105-1234"),
        "ts=1733400000000 range 1000-2000 zip 94105-1234"
    );
    assert_eq!(m("call (212) 555-0134"), "call (<Phone>");
    assert_eq!(m("+965 5555 1234"), "<Phone>");
    // Cards with more separators, and what follows them.
    for sep in [
        "_", "/", ",", "\t", "   ", " - ", "\u{a0}", "\u{2013}", "\u{200b}",
    ] {
        let card = ["4111", "1111", "1111", "1111"].join(sep);
        assert_eq!(
            m(&format!("pan {card} ok")),
            "pan 411111******1111 ok",
            "{sep:?}"
        );
    }
    assert_eq!(m("1234/5678"), "1234/5678");
    assert_eq!(
        m("4111111111111111 12/27 123"),
        "411111******1111 12/27 <Cvv>"
    );
    assert_eq!(
        m("4111 1111 1111 1111 expiry 12/2027 123"),
        "411111******1111 expiry 12/2027 <Cvv>"
    );
    assert_eq!(
        m("4111111111111111|1227|123"),
        "411111******1111|1227|<Cvv>"
    );
    assert_eq!(m("4111111111111111:123"), "411111******1111:<Cvv>");
    // Track data in its other shapes.
    assert_eq!(
        m("track2 4111111111111111=25121010000000000000F"),
        "track2 <Track>"
    );
    assert_eq!(m("T2: 4111111111111111D2512101123456789F"), "T2: <Track>");
    assert_eq!(m("4111111111111111d2512101123"), "<Track>");
    assert_eq!(m("57134111111111111111D25121010000000000F"), "<Track>");
    assert_eq!(
        m("B4111111111111111^DOE/JOHN^2512101000000000000 end"),
        "<Track> end"
    );
    assert_eq!(m("%b4111111111111111^DOE/JOHN^2512101?"), "<Track>");
    assert_eq!(m("ORD12345678"), "ORD12345678");
    assert_eq!(
        m("cards 4111 1111 1111 1111, 5500 0000 0000 0004 on file"),
        "cards 411111******1111, 550000******0004 on file"
    );
    assert_eq!(
        m("retry 4111 1111 1111 1111, 5500 0000 0000 0004 456"),
        "retry 411111******1111, 550000******0004 <Cvv>"
    );
    assert_eq!(m("order ORD-2024-0001 ok"), "order ORD-2024-0001 ok");
}

#[test]
fn tokens_are_kept_only_when_well_formed() {
    let tok = format!("ptok:v1:{}", "A".repeat(43));
    assert!(is_protected(&tok));
    assert_eq!(m(&format!("x {tok} y")), format!("x {tok} y"));
    assert!(!is_protected("ptok:v1: john.doe@example.com"));
    assert_eq!(m("ptok:v1: john@example.com"), "ptok:v1: <Email>");
    assert!(!is_protected("penc:v1:Johnathan Doe"));
    assert!(is_protected(&format!("penc:v1:rk1:{}", "A".repeat(40))));
    // A card number in the kid or the body is no ciphertext's.
    assert!(!is_protected(&format!(
        "penc:v1:4111111111111111:{}",
        "A".repeat(40)
    )));
    assert!(!is_protected(&format!(
        "penc:v1:rk1:A4111111111111111{}",
        "A".repeat(40)
    )));
    assert!(!is_protected(&format!(
        "ptok:v1:4111111111111111{}",
        "A".repeat(27)
    )));
    assert_eq!(
        m(&format!(
            "password=penc:v1:3333333333333331:{}Hunter2x",
            "3".repeat(40)
        )),
        "password=<Keyed(Secret)>"
    );
}

#[test]
fn clean_text_is_clean() {
    for s in [
        "GET /api/v1/orders 200",
        "payment_processed",
        "amount=100 currency=KWD attempt=2 latency_ms=35",
        "2024-01-15T12:30:45.123Z",
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "550e8400-e29b-41d4-a716-446655440000",
        "tokenizer ready; secretary away; passwordless login on",
        "cvv_required=true",
        "token_type=bearer",
    ] {
        let mut out = String::new();
        assert!(!scan(s, ALL, &Tags, &mut out), "{s} -> {out}");
    }
}

#[test]
fn never_panics_on_awkward_text() {
    for s in [
        "password=",
        "\"cvv\":",
        "<cvv>",
        "<cvv",
        "cvv ",
        "-----BEGIN ",
        "https://@",
        "%B",
        "password=\"",
        "\\\"",
        "eyJ",
        "٤١١١١١١١١١١١١١١١",
        "pin=é",
        "<a:é>",
        "x://é@",
        // A truncated document ending at a card or national-id key (found by the
        // `render` fuzz target: the value's first byte was read past the end).
        "{\"card\":",
        "x \"pan\":",
        "\"ssn\":",
    ] {
        let _ = m(s);
    }
    // A value cut by a byte cap inside a character (found by the `masker` fuzz target).
    // The user of `-u user:pass` is scanned too (found by the `masker` fuzz target).
    assert_eq!(
        m("curl -u 4111111111111111:pw x"),
        "curl -u 411111******1111:<Secret(\"secret\")> x"
    );
    // A key with a card number glued into it.
    assert_eq!(
        m("e4111111111111111card_number=1 x"),
        "e411111******1111card_number=1 x"
    );
    assert_eq!(
        m("e4111111111111111password=pw x"),
        "e411111******1111password=<Keyed(Secret)> x"
    );
    // An XML start tag's attributes are scanned too.
    assert_eq!(
        m("<cardNumber ref=\"4111111111111111\">5500000000000004</cardNumber>"),
        "<cardNumber ref=\"411111******1111\">550000******0004</cardNumber>"
    );
    // A number glued to a digit of another script is read on its own.
    assert_eq!(
        m("x \u{667}4111111111111111 y"),
        "x \u{667}411111******1111 y"
    );
    // A field name that holds an address is scanned too (`masker` fuzz target).
    assert_eq!(
        m("<f key=\"Authorization t@example.com\">x</f>"),
        "<f key=\"Authorization <Email>\"><Keyed(Secret)></f>"
    );
    assert_eq!(m("key=\"cvd\"J@6.ap>"), "key=\"cvd\"<Email>>");
    assert_eq!(m("<icc@a.co>1"), "<<Email>>1");
    assert_eq!(m("key:cc@l.value:"), "key:<Email>:");
    // Digits that end an address's local part are the address's.
    assert_eq!(m("mail cp4111111111111111@ae.ae now"), "mail <Email> now");
    // A PEM header that never ends: the text after it is still scanned (found by the
    // `masker` fuzz target).
    assert_eq!(
        m("-----BEGIN x---=-mail john.doe@example.com joh-----mail"),
        "-----BEGIN x---=-mail <Email> joh-----mail"
    );
    let cut = String::from_utf8_lossy(include_bytes!(
        "../../../fuzz/corpus/masker/value-cut-inside-a-character"
    ));
    assert!(m(&cut).starts_with("mat$h pass("));
    // A TOML table whose value runs past the table's byte cap inside a character (found
    // by CI's short `masker` fuzzing run at `2448140`).
    let toml = format!("[secrets]\ndb = {}\n", "é".repeat(600));
    assert_eq!(m(&toml), "[secrets]\ndb = <Keyed(Secret)>\n");
}
#[test]
fn email_spans() {
    let s = "mail John.Doe+x@Example.co.uk, now";
    let at = s.find('@').unwrap();
    assert_eq!(
        email_span(s, at, 0).map(|(a, b)| &s[a..b]),
        Some("John.Doe+x@Example.co.uk")
    );
    for no in [
        "a@b",
        "@x.com",
        "x@.com",
        "x@y.c",
        "user@localhost",
        "x@y.123",
    ] {
        assert_eq!(email_span(no, no.find('@').unwrap(), 0), None, "{no}");
    }
    let q = "\"quoted\"@Example.com";
    assert_eq!(email_span(q, q.find('@').unwrap(), 0), Some((0, q.len())));
    // A one-letter domain label (`john@x.com`) is not an image's `@2x` (found by the
    // `masker` fuzz target).
    for addr in ["john@x.com", "ab@X.org"] {
        assert_eq!(
            email_span(addr, addr.find('@').unwrap(), 0),
            Some((0, addr.len()))
        );
    }
    assert_eq!(email_span("logo@2x.png", 4, 0), None);
    assert_eq!(email_span("je@1x.ap", 2, 0), Some((0, 8)));
    // A number after the address's last dot is not its TLD (found by the seeded fuzz
    // run of `.ci/run`).
    let glued = "0000@ae.ae.0000000@x";
    assert_eq!(email_span(glued, 4, 0), Some((0, 10)));
    // A non-ASCII letter or digit glued to the address: the address is still found
    // (an NKo digit made the TLD a non-word; found by the `masker` fuzz target).
    for (text, addr) in [
        ("x@db.example.Com\u{7c7}t", "x@db.example.Com"),
        ("联系john@example.com请回复", "联系john@example.com请回复"),
        // A dash, digits or `_` glued to the TLD's letters are not the address's (a
        // TLD holds letters only; found by the `masker` fuzz target).
        ("x 333_cret@db.zzzzz-----3333333a", "333_cret@db.zzzzz"),
        ("git@github.com-work:org/repo", "git@github.com"),
        ("to bob@example.com2 ok", "bob@example.com"),
    ] {
        let at = text.find('@').unwrap();
        let (a, b) = email_span(text, at, 0).unwrap();
        assert_eq!(&text[a..b], addr, "{text}");
    }
}

#[test]
fn nd_values_and_luhn() {
    assert_eq!(nd_value('\u{0669}'), 9);
    assert_eq!(nd_value('\u{0660}'), 0);
    assert_eq!(nd_value('\u{1D7D8}'), 0); // mathematical double-struck zero (2nd block)
    assert_eq!(nd_value('\u{1D7E1}'), 9);
    assert_eq!(m("4111-1111-1111-1111"), "411111******1111");
    let s = "4111-1111-1111-1112 2024-01-01 12:00:00";
    assert_eq!(m(s), s);
}

/// The forms a red-team probe (2026-12-07) found leaking, each with what it becomes:
/// the secret masked where it stands, never the key or the word after it.
#[test]
fn red_team_forms() {
    let s = "<Keyed(Secret)>";
    let c = "<Keyed(Cvv)>";
    let p = "<Keyed(Sad)>";
    let cases: Vec<(&str, String)> = vec![
        // An entry named by a key, the value in the next member (any case).
        (
            r#"{"field":"cvv","val":"739"}"#,
            format!(r#"{{"field":"cvv","val":"{c}"}}"#),
        ),
        (
            r#"{"field":"pin","val":"4511"}"#,
            format!(r#"{{"field":"pin","val":"{p}"}}"#),
        ),
        (
            r#"{"Key":"DB_PASSWORD","Value":"Vf9R2x"}"#,
            format!(r#"{{"Key":"DB_PASSWORD","Value":"{s}"}}"#),
        ),
        (
            r#"{"parameter":"password","value":"Vf9R2x"}"#,
            format!(r#"{{"parameter":"password","value":"{s}"}}"#),
        ),
        (
            r#"{\"field\":\"cvv\",\"val\":\"739\"}"#,
            format!(r#"{{\"field\":\"cvv\",\"val\":\"{c}\"}}"#),
        ),
        (
            r#"{"value":"Vf9R2x","name":"DB_PASSWORD"}"#,
            format!(r#"{{"value":"{s}","name":"DB_PASSWORD"}}"#),
        ),
        // ... but a sensitive word as some other value names nothing.
        (
            r#"{"status":"password","reason":"expired"}"#,
            r#"{"status":"password","reason":"expired"}"#.into(),
        ),
        // Rust `Debug`: newtypes nested in an `Option`, a struct.
        (
            r#"cvc: Some(Cvc("739"))"#,
            format!(r#"cvc: Some(Cvc("{c}"))"#),
        ),
        (
            r#"password: Some(Password("hunter2pass"))"#,
            format!(r#"password: Some(Password("{s}"))"#),
        ),
        (
            r#"password: SecretString { inner: "hunter2pass" }"#,
            format!("password: {s}"),
        ),
        // A flag's value, not the word after it.
        (
            "ctx --secret n7v8KTW98D end",
            format!("ctx --secret {s} end"),
        ),
        // A CVV or PIN after its key, whatever stands between them.
        ("cvv|630", format!("cvv|{c}")),
        ("cvv,951 ok", format!("cvv,{c} ok")),
        ("cvv;675", format!("cvv;{c}")),
        ("CVV2/CVC2/CID: 823", format!("CVV2/CVC2/CID: {c}")),
        ("cvv#: 489", format!("cvv#: {c}")),
        ("cvv no. 576", format!("cvv no. {c}")),
        ("cvv[281]", format!("cvv[{c}]")),
        ("[cvv] 730", format!("[cvv] {c}")),
        ("cvv of 843", format!("cvv of {c}")),
        ("CVV ：816", format!("CVV ：{c}")),
        ("cvv ==> 863", format!("cvv ==> {c}")),
        ("cvv<-515", format!("cvv<-{c}")),
        ("cvv~426", format!("cvv~{c}")),
        ("cvv&#61;760", format!("cvv&#61;{c}")),
        ("cvv\n239", format!("cvv\n{c}")),
        ("cvv\u{a0}327", format!("cvv\u{a0}{c}")),
        ("cvv\u{3000}432", format!("cvv\u{3000}{c}")),
        ("securitycode 132", format!("securitycode {c}")),
        ("pin\n8674", format!("pin\n{p}")),
        ("pin\u{a0}8674", format!("pin\u{a0}{p}")),
        ("PIN2 8674", format!("PIN2 {p}")),
        ("epin=8674", format!("epin={p}")),
        ("pinblock F1F9BE4B8FFDF9C7", format!("pinblock {p}")),
        ("bit52 6C63A1B2C3D4E5F6", format!("bit52 {p}")),
        ("api-key is Xk29fLq8Zp", format!("api-key is {s}")),
        ("secret%5Fkey=hunter2x&a=1", format!("secret%5Fkey={s}&a=1")),
        ("cvv%5Fcode=123", format!("cvv%5Fcode={c}")),
        ("credential was Xk29fLq8Zp", format!("credential was {s}")),
        (
            "<db.password>hunter2x</db.password>",
            format!("<db.password>{s}</db.password>"),
        ),
        (
            "<card.security_code>123</card.security_code>",
            format!("<card.security_code>{c}</card.security_code>"),
        ),
        ("cvv1=123", format!("cvv1={c}")),
        ("cvc3: 456", format!("cvc3: {c}")),
        (r#"<cvv2 value="768"/>"#, format!(r#"<cvv2 value="{c}"/>"#)),
        (r#"<pin value="9425"/>"#, format!(r#"<pin value="{p}"/>"#)),
        (
            r#"<password value="e83Wq"/>"#,
            format!(r#"<password value="{s}"/>"#),
        ),
        // URL-encoded and escaped keys and separators.
        (
            "card%5Bnumber%5D=4945807302157365&card%5Bcvc%5D=739",
            format!("card%5Bnumber%5D=494580******7365&card%5Bcvc%5D={c}"),
        ),
        (
            "user%5Bpassword%5D=hunter2pass&x=1",
            format!("user%5Bpassword%5D={s}&x=1"),
        ),
        ("password%3Ahunter2pass", format!("password%3A{s}")),
        ("password&#61;hunter2pass", format!("password&#61;{s}")),
        ("password\\u003dhunter2pass", format!("password\\u003d{s}")),
        // Unicode spaces, a line break, a tab column, identifiers before a space.
        (
            "password\u{a0}=\u{a0}vD4Dxx99",
            format!("password\u{a0}=\u{a0}{s}"),
        ),
        ("token\u{3000}Xjk4abc123", format!("token\u{3000}{s}")),
        ("password\nP6uHxx99", format!("password\n{s}")),
        ("api_key\nAAgHxx99", format!("api_key\n{s}")),
        ("password\thunter2", format!("password\t{s}")),
        ("api_key pXV5xx99zz", format!("api_key {s}")),
        ("apiKey fq9Mxx99zz", format!("apiKey {s}")),
        ("-apiKey hmH4xx99zz", format!("-apiKey {s}")),
        ("password ==> Xyz123abc", format!("password ==> {s}")),
        (
            "bearer=3TQ7xx99zzqqqq",
            "bearer=<Secret(\"secret\")>".into(),
        ),
        // Cards in every grouping their lengths use, with any card separator.
        ("Amex 3712.904047.96664", "Amex 371290*****6664".into()),
        ("3712\u{a0}904047\u{a0}96664", "371290*****6664".into()),
        (
            "card 6250.4925.8991.3944.114",
            "card 625049*********4114".into(),
        ),
        (
            "4111\u{2009}1111\u{2009}1111\u{2009}1111",
            "411111******1111".into(),
        ),
        (
            "4111\u{3000}1111\u{3000}1111\u{3000}1111",
            "411111******1111".into(),
        ),
        (
            "4111\u{2014}1111\u{2014}1111\u{2014}1111",
            "411111******1111".into(),
        ),
        ("4945|8073|0215|7365", "494580******7365".into()),
        // A card across colons, line breaks or 4-4-4-1 dots (the third pass: leaving
        // lists of four-digit numbers alone let these through).
        (
            "card 4398:2597:9190:7482 ok",
            "card 439825******7482 ok".into(),
        ),
        (
            "card 4398\n2597\n9190\n7482 ok",
            "card 439825******7482 ok".into(),
        ),
        ("4468.6958.9693.1", "446869***6931".into()),
        ("token: Bearer [REDACTED]", format!("token: {s} [REDACTED]")),
        (
            "4945\u{2212}8073\u{2212}0215\u{2212}7365",
            "494580******7365".into(),
        ),
        // The round's second pass: a scheme inside a credential's value, random
        // letters, a wide space after an identifier, a named bearer credential.
        ("token: Bearer 3TQ73WTZWG", format!("token: {s}")),
        ("token WuGknHrhQj", format!("token {s}")),
        ("apiKey\u{3000}Yjk4Lm9QwE", format!("apiKey\u{3000}{s}")),
        ("bearer=3TQ73WTZWG", "bearer=<Secret(\"secret\")>".into()),
    ];
    for (i, o) in cases {
        assert_eq!(m(i), o, "{i:?}");
    }
    // Clean text around the same words stays as it is.
    for clean in [
        "the cvv check failed 3 times",
        "cvv, amount 1234",
        "pin 12.5",
        "cvv 12:30",
        "cvv_required=1234",
        "cvvResult: 1234",
        "token\nrefreshed ok",
        "apiKey missing",
        "user_name bob",
        "at 12:30:45 ok",
        "v 1234.5678 ok",
        "2024-01-15 10:00",
        // False positives the second pass found: an error about a field, a status in
        // a tab column, an access log's status and size, latencies, a case number, a
        // database error code.
        r#"{"field":"password","message":"too short"}"#,
        r#"{"field":"cvv","error":"missing"}"#,
        "password\tok",
        "token\trefreshed",
        r#""GET /healthz HTTP/1.1" 204 77397 "-""#,
        "latencies 35 62 7 5 26 ms",
        "support case 00123456 opened",
        "ERROR 1062 (23000): Duplicate entry",
        "password Refreshed",
        // A list of field names, values that stand for none, a path's segment, sudo's
        // working directory, an ARN.
        r#"{"fields":["cvv","pan","expiry"]}"#,
        "api_key: None",
        r#""password": null"#,
        "token: missing",
        "secret: ***",
        "POST /cvv 200 in 12ms",
        "sudo: deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/bin/ls",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
        "password: SecretString([REDACTED])",
        "the order was shipped today",
        "status is ok",
        "token is valid",
        "q=50%25&b=2",
        "<service.name>checkout</service.name>",
        "<server.address>10.0.0.5</server.address>",
    ] {
        assert_eq!(m(clean), clean);
    }
}

/// Passing over words of prose ([`Scanner::next_anchor`]) never hides a finding: over
/// 200,000 texts made of words of prose, trigger words, keys, separators, digit groups,
/// brackets and tags, the scanner writes what it writes when it reads every word with the
/// word rules.
#[test]
fn words_of_prose_are_passed_over_as_the_word_rules_settle_them() {
    const PIECES: &[&str] = &[
        "the",
        "for",
        "and",
        "order",
        "Payment",
        "declined",
        "retry",
        "is",
        "was",
        "id",
        "user",
        "name",
        "key",
        "value",
        "values",
        "auth",
        "card",
        "number",
        "cvv",
        "CVV",
        "pin",
        "code",
        "security",
        "password",
        "Password",
        "pwd",
        "token",
        "secret",
        "bearer",
        "Basic",
        "echo",
        "mot",
        "de",
        "passe",
        "clave",
        "acceso",
        "Kata",
        "sandi",
        "loc",
        "kodu",
        "storepass",
        "-storepass",
        "-P",
        "sqlcmd",
        "input_value",
        "identified",
        "by",
        "hvs",
        "iban",
        "GB82",
        "WEST",
        "4111",
        "1111",
        "123",
        "8674",
        "12",
        "0134",
        "555",
        "212",
        "x",
        "abcdefghijklmno",
        "eyJhbGciOiJIUzI1NiJ9",
        "sk_live_abcdefghijklmnop",
        " ",
        " ",
        " ",
        "  ",
        ", ",
        ". ",
        ".",
        ",",
        ";",
        "!",
        "?",
        ":",
        ": ",
        "=",
        " = ",
        "-",
        "--",
        "#",
        "(",
        ")",
        "\"",
        "'",
        "<",
        ">",
        "</",
        "&",
        "@",
        "example.com",
        "%22",
        "\n",
        "\t",
        "é",
        "contraseña",
        "パスワード",
        "\u{a0}",
    ];
    let mut next = draws(0x2545_f491_4f6c_dd1d);
    let mut differ = 0;
    for _ in 0..200_000 {
        let mut t = String::new();
        for _ in 0..1 + next(12) {
            t.push_str(PIECES[next(PIECES.len())]);
        }
        for opts in [
            ALL,
            Opts {
                financial: false,
                ..ALL
            },
        ] {
            let (mut skipped, mut read) = (String::new(), String::new());
            let a = scan_with(&t, opts, &Tags, &mut skipped, true);
            let b = scan_with(&t, opts, &Tags, &mut read, false);
            assert_eq!((a, &skipped), (b, &read), "{t:?}");
            differ += usize::from(a);
        }
    }
    // The texts hold findings (the comparison is not between two empty outputs).
    assert!(differ > 20_000, "{differ}");
}

/// `VALUES` after a `)` that starts the text: no column list, nothing found (a debug
/// build subtracted past zero there before looking for the `(`).
#[test]
fn values_after_a_leading_parenthesis() {
    for t in [") VALUES ('x')", ")values", ")\tVALUES (1)"] {
        assert_eq!(m(t), t);
    }
}

/// A card number whose groups are joined by escaped spaces is written as its digits,
/// first 6 and last 4: the escapes' digits are not the card's.
#[test]
fn a_card_with_escaped_spaces() {
    assert_eq!(m("q=4111%201111%201111%201111"), "q=411111******1111");
    assert_eq!(m(r"4111\u00a01111\u00a01111\u00a01111"), "411111******1111");
    assert_eq!(m("q=a%201234%20b"), "q=a%201234%20b");
}
