//! The `ecsctx` command line, end to end: the built binary run as a user runs it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use ecsctx::pii::{Config, Keyset, Pii};

const TOKEN_KEYSET: &str = r#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;
const REVEAL_KEYSET: &str = r#"{"schema_version": 1, "primary_kid": "rk1", "keys": {"rk1": {"alg": "AES-256-GCM", "key_b64": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="}}}"#;

/// A directory with both keysets, per test.
fn keysets(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("ecsctx-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (t, r) = (dir.join("token.json"), dir.join("reveal.json"));
    std::fs::write(&t, TOKEN_KEYSET).unwrap();
    std::fs::write(&r, REVEAL_KEYSET).unwrap();
    (t, r)
}

fn ecsctx(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecsctx"));
    c.args(args)
        .env_remove("PII_PROVIDER")
        .env_remove("PII_TOKEN_KEYSET_PATH")
        .env_remove("PII_ACCESS")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    // (A usage error exits before reading: a closed pipe is not a failure here.)
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn library() -> Pii {
    let t = Keyset::parse_token(TOKEN_KEYSET.as_bytes(), "t").unwrap();
    let r = Keyset::parse_reveal(REVEAL_KEYSET.as_bytes(), "r").unwrap();
    Pii::new(Config::keysets(t, Some(r)).with_env("prod")).unwrap()
}

#[test]
fn template_prints_the_generated_file() {
    for (target, file) in [
        (
            "elasticsearch",
            include_str!("../deploy/elasticsearch/index-template.json"),
        ),
        (
            "opensearch",
            include_str!("../deploy/opensearch/index-template.json"),
        ),
    ] {
        let o = ecsctx(&["template", "--target", target], &[], "");
        assert!(o.status.success());
        assert_eq!(text(&o.stdout), file);
    }
    let o = ecsctx(&["template", "--target", "solr"], &[], "");
    assert_eq!(o.status.code(), Some(2), "a usage error");
    assert!(text(&o.stderr).contains("possible values: elasticsearch, opensearch"));
}

#[test]
fn tokenize_gives_the_library_token_for_a_value_or_each_line() {
    let (t, _) = keysets("tokenize");
    let env = [
        ("PII_TOKEN_KEYSET_PATH", t.to_str().unwrap()),
        ("PII_ENV", "prod"),
    ];
    let lib = library();
    let o = ecsctx(
        &["tokenize", "--type", "email", "John.Doe@Example.com"],
        &env,
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        format!(
            "{}\n",
            lib.tokenize("john.doe@example.com", "email").unwrap()
        )
    );
    // One token per line of stdin (`-` or no value); the default type is `generic`.
    let o = ecsctx(&["tokenize", "-"], &env, "a\nb\n\n");
    let want = format!(
        "{}\n{}\n",
        lib.tokenize("a", "generic").unwrap(),
        lib.tokenize("b", "generic").unwrap()
    );
    assert_eq!(text(&o.stdout), want);
    let o = ecsctx(&["tokenize"], &env, "a\nb\n");
    assert_eq!(text(&o.stdout), want);
}

#[test]
fn without_a_keyset_it_fails_and_says_what_to_set() {
    let o = ecsctx(&["tokenize", "x"], &[], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("PII_TOKEN_KEYSET_PATH"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn protect_and_reveal_round_trip_with_an_audit_line() {
    let (t, r) = keysets("reveal");
    let env = [
        ("PII_TOKEN_KEYSET_PATH", t.to_str().unwrap()),
        ("PII_ENV", "prod"),
        ("PII_REVEAL_KEYSET_PATH", r.to_str().unwrap()),
        ("PII_ACCESS", "full"),
        ("USER", "analyst1"),
    ];
    let o = ecsctx(&["protect", "--type", "name", "Johnathan Doe"], &env, "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let ct = text(&o.stdout).trim().to_owned();
    assert!(ct.starts_with("penc:v1:rk1:"), "{ct}");
    assert_eq!(library().reveal(&ct, "name").unwrap(), "Johnathan Doe");

    let o = ecsctx(
        &["reveal", "--type", "name", "--reason", "CASE-42", &ct],
        &env,
        "",
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "Johnathan Doe\n");
    let audit: serde_json::Value = serde_json::from_str(text(&o.stderr).trim()).unwrap();
    assert_eq!(audit["message"], "pii_revealed");
    assert_eq!(audit["event"]["reason"], "CASE-42");
    assert_eq!(audit["event"]["outcome"], "success");
    assert_eq!(audit["labels"]["pii_kid"], "rk1");
    assert_eq!(audit["labels"]["pii_field_type"], "name");
    let who = audit["user"]["name"].as_str().unwrap();
    // (As the masker writes `user.name`: the token of type `generic`, `ecsctx tokenize analyst1`.)
    assert_eq!(who, library().tokenize("analyst1", "generic").unwrap());
    assert!(
        !text(&o.stderr).contains("Johnathan"),
        "the value is never audited"
    );

    // To an audit file instead of stderr: appended, one line per reveal.
    let audit_log =
        std::env::temp_dir().join(format!("ecsctx-cli-audit-{}.log", std::process::id()));
    let path = audit_log.to_str().unwrap();
    for _ in 0..2 {
        let o = ecsctx(
            &[
                "reveal",
                "--type",
                "name",
                "--reason",
                "CASE-7",
                "--audit-log",
                path,
                &ct,
            ],
            &env,
            "",
        );
        assert_eq!(text(&o.stdout), "Johnathan Doe\n");
        assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    }
    let logged = std::fs::read_to_string(&audit_log).unwrap();
    assert_eq!(logged.lines().count(), 2);
    for line in logged.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["event"]["reason"], "CASE-7");
    }
    assert!(!logged.contains("Johnathan"));

    // A reason is required; a ciphertext that is not one fails, and is audited.
    let o = ecsctx(&["reveal", "--type", "name", &ct], &env, "");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--reason"));
    let o = ecsctx(&["reveal", "--reason", "x", "penc:v1:rk1:AAAA"], &env, "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("\"outcome\":\"failure\""),
        "{}",
        text(&o.stderr)
    );

    // Tokenize-only access cannot protect or reveal.
    let o = ecsctx(&["protect", "x"], &env[..2], "");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn help_lists_the_subcommands() {
    let o = ecsctx(&["--help"], &[], "");
    assert!(o.status.success());
    let help = text(&o.stdout);
    for s in ["template", "tokenize", "protect", "reveal"] {
        assert!(help.contains(s), "{help}");
    }
    assert!(ecsctx(&["--version"], &[], "").status.success());
}

#[test]
fn check_reports_what_a_line_would_do_wrong_and_gates_on_it() {
    let good = r#"{"@timestamp":"2026-12-06T10:00:00.000Z","log.level":"info","message":"payment_processed","ecs.version":"1.12.0","client":{"ip":"203.0.113.9"},"http":{"response":{"status_code":200}},"extra":{"amount":100},"tags":["a","b"],"user":{"email":"ptok:v1:RPMk9R60U1Q0-aJA1A7W5vBswJZW-NqTSvxFNZQUuyU"}}"#;
    let o = ecsctx(&["check"], &[], &format!("{good}\n"));
    assert!(o.status.success(), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("1 lines checked: 0 with findings"));

    let bad = [
        "not json",
        r#"{"message":"x","@timestamp":"2026-12-06T10:00:00Z"}"#,
        r#"{"@timestamp":"2026-12-06T10:00:00Z","log.level":"info","message":"m","ecs.version":"1.12.0","error":"boom"}"#,
        r#"{"@timestamp":"2026-12-06T10:00:00Z","log.level":"info","message":"m","ecs.version":"1.12.0","http":{"response":{"status_code":"OK"}},"client":{"ip":"localhost"}}"#,
        r#"{"@timestamp":"2026-12-06T10:00:00Z","log.level":"info","message":"m","ecs.version":"1.12.0","user.id":"1","user":{"id":{"x":2}}}"#,
        r#"{"@timestamp":"2026-12-06T10:00:00Z","log.level":"info","message":"m","ecs.version":"1.12.0","extra":{"note":"mail john.doe@example.com"}}"#,
    ];
    let file = std::env::temp_dir().join(format!("ecsctx-cli-check-{}.ndjson", std::process::id()));
    std::fs::write(&file, bad.join("\n")).unwrap();
    let o = ecsctx(&["check", file.to_str().unwrap()], &[], "");
    assert_eq!(o.status.code(), Some(1));
    let report = text(&o.stdout);
    for want in [
        "line 1: not JSON",
        "line 2: header",
        "line 3: `error` is an object",
        "line 4: `client.ip` is an ECS `ip` field but got \"localhost\"",
        "line 4: `http.response.status_code` is an ECS `long` field but got \"OK\"",
        "line 5: `user.id.x`: `user.id` is an ECS `keyword` field",
        "line 5: `user.id` is both a value and an object",
        "line 6: plaintext PII at `extra.note`",
        "6 lines checked: 6 with findings",
    ] {
        assert!(report.contains(want), "{want:?} not in\n{report}");
    }
}

#[test]
fn pretty_shows_piped_lines_as_the_console_does_with_filters() {
    let lines = [
        r#"{"@timestamp":"2026-12-06T10:30:00.123Z","log.level":"info","message":"payment_processed","ecs.version":"1.12.0","extra":{"amount":100},"trace":{"id":"4bf92f3577b34da6a3ce929d0e0e4736"}}"#,
        r#"{"@timestamp":"2026-12-06T10:30:00.200Z","log.level":"error","message":"gateway_failed","ecs.version":"1.12.0","trace":{"id":"aaaa2f3577b34da6a3ce929d0e0e4736"}}"#,
        "a plain line",
    ]
    .join("\n");
    let o = ecsctx(&["pretty", "--color", "never"], &[], &lines);
    assert!(o.status.success());
    assert_eq!(
        text(&o.stdout),
        "10:30:00.123 INFO  payment_processed amount=100 [4bf92f35]\n\
         10:30:00.200 ERROR gateway_failed [aaaa2f35]\n\
         a plain line\n"
    );
    let o = ecsctx(
        &["pretty", "--color", "never", "--level", "warn"],
        &[],
        &lines,
    );
    assert_eq!(
        text(&o.stdout),
        "10:30:00.200 ERROR gateway_failed [aaaa2f35]\n"
    );
    let o = ecsctx(
        &[
            "pretty",
            "--color",
            "never",
            "--grep",
            "trace.id=4bf92f3577b34da6a3ce929d0e0e4736",
        ],
        &[],
        &lines,
    );
    assert_eq!(
        text(&o.stdout),
        "10:30:00.123 INFO  payment_processed amount=100 [4bf92f35]\n"
    );
    let o = ecsctx(&["pretty", "--color", "always"], &[], &lines);
    assert!(text(&o.stdout).contains("\u{1b}["), "colours when asked");
    let o = ecsctx(&["pretty", "--level", "loud"], &[], "");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn keyset_new_rotate_check_make_keysets_the_library_uses() {
    let dir = std::env::temp_dir().join(format!("ecsctx-cli-keyset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = dir.join("token.json");
    let o = ecsctx(&["keyset", "new", "--alg", "hmac"], &[], "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::write(&token, &o.stdout).unwrap();
    let ks = Keyset::parse_token(&o.stdout, "new").unwrap();
    let first = ks.primary_kid().to_owned();
    assert!(first.starts_with("tk-"), "{first}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let created = v["keys"][&first]["created_at"].as_str().unwrap();
    assert_eq!(created.len(), 20, "{created}");
    assert!(
        created.ends_with('Z') && created.as_bytes()[10] == b'T',
        "{created}"
    );
    // Two new keysets never share a key.
    let again = ecsctx(&["keyset", "new", "--alg", "hmac"], &[], "");
    let w: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_ne!(v["keys"][&first]["key_b64"], w["keys"][&first]["key_b64"]);

    // After a rotation the new primary key makes the tokens; the old key stays in the file.
    let env = [
        ("PII_TOKEN_KEYSET_PATH", token.to_str().unwrap()),
        ("PII_ENV", "prod"),
    ];
    let before = ecsctx(&["tokenize", "x"], &env, "");
    let rotate = [
        "keyset",
        "rotate",
        token.to_str().unwrap(),
        "--kid",
        "tk-next",
    ];
    let o = ecsctx(&rotate, &[], "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("new primary key 'tk-next'"));
    let rotated = Keyset::parse_token(&std::fs::read(&token).unwrap(), "rotated").unwrap();
    assert_eq!(rotated.primary_kid(), "tk-next");
    let mut kids: Vec<&str> = rotated.kids().collect();
    kids.sort_unstable();
    let mut want = vec![first.as_str(), "tk-next"];
    want.sort_unstable();
    assert_eq!(kids, want, "the old key is kept");
    let after = ecsctx(&["tokenize", "x"], &env, "");
    assert_ne!(
        before.stdout, after.stdout,
        "new tokens come from the new primary"
    );
    // A key id already there is refused, and the file is left as it was.
    let file = std::fs::read(&token).unwrap();
    let o = ecsctx(&rotate, &[], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("already in the keyset"));
    assert_eq!(std::fs::read(&token).unwrap(), file);

    // check: the library's validation and message.
    let o = ecsctx(&["keyset", "check", token.to_str().unwrap()], &[], "");
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("a valid HMAC-SHA-256 keyset, primary 'tk-next', 2 key(s)"));
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"schema_version": 1, "primary_kid": "tk9", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#,
    )
    .unwrap();
    let o = ecsctx(&["keyset", "check", bad.to_str().unwrap()], &[], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("primary_kid 'tk9' is not among the keys ['tk1']"),
        "{}",
        text(&o.stderr)
    );

    // A reveal keyset from `new --alg aes` protects and reveals.
    let reveal = dir.join("reveal.json");
    let o = ecsctx(&["keyset", "new", "--alg", "aes", "--kid", "rk-a"], &[], "");
    std::fs::write(&reveal, &o.stdout).unwrap();
    let full = [
        ("PII_TOKEN_KEYSET_PATH", token.to_str().unwrap()),
        ("PII_REVEAL_KEYSET_PATH", reveal.to_str().unwrap()),
        ("PII_ACCESS", "full"),
    ];
    let ct = ecsctx(&["protect", "secret value"], &full, "");
    let ct = text(&ct.stdout).trim().to_owned();
    assert!(ct.starts_with("penc:v1:rk-a:"), "{ct}");
    let o = ecsctx(&["reveal", "--reason", "test", &ct], &full, "");
    assert_eq!(text(&o.stdout), "secret value\n");
}
