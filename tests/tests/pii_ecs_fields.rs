//! The default PII masker against every field of ECS 1.12, 8.17 and 9.4 (the field lists
//! `../shared/ecs/ecs-*-fields.tsv` relative to the workspace root).
//!
//! For each field a plausible clean value of its datatype (and, for well-known fields, a
//! value shaped like the real thing: a SID, an AWS account id, a hash, a URL …) goes through
//! `PiiMasker::new()` at the field's flat name, at its rendered array forms (`related.user.[]`,
//! `email.attachments.[].file.name`) and, for integers, through `mask_number`. The set of
//! fields the masker rewrites must be exactly the personal fields of [`PERSONAL`]: a
//! non-personal field that is rewritten is a false positive and fails the test; a personal
//! field that is kept is a false negative and fails the test too (in its own test).
//!
//! Datatypes the renderer never hands to the masker (`boolean`, `float`, `double`,
//! `scaled_float`: there is no `Masker` method for them) are skipped; an unknown datatype
//! fails the test, so a new one is never skipped silently.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use ecsctx::mask::Masker;
use ecsctx::pii::PiiMasker;

/// The ECS versions checked, with their field lists.
const TSVS: [(&str, &str); 3] = [
    (
        "1.12.0",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/ecs/ecs-1.12.0-fields.tsv"
        ),
    ),
    (
        "8.17.0",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/ecs/ecs-8.17.0-fields.tsv"
        ),
    ),
    (
        "9.4.0",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/ecs/ecs-9.4.0-fields.tsv"
        ),
    ),
];

/// The personal (or credential) ECS fields: the only fields the default masker may rewrite,
/// and the fields it must rewrite. `*.x.y` is any field whose flat name ends in `.x.y`; any
/// other entry is one flat name. Decided field by field from the ECS definitions:
///
/// - a user's login name, full name and email, wherever ECS describes a user (`user.*`,
///   `client.user.*`, `process.user.*`, `*.entity.relationships.*.user.*`, the
///   `target`/`effective`/`changes` users) and the other user slots of a process
///   (`real_user`, `saved_user`, `attested_user`: "Short name or login of the user");
/// - the name and display name of the user *entity* (ECS 9: the user as an entity; its
///   display name is the person's pretty name);
/// - `file.owner` ("File owner's username");
/// - `related.user` (all the user names of the event);
/// - email addresses of a mail (`email.from/to/cc/bcc/reply_to/sender.address`) and of a
///   threat indicator (`threat.indicator.email.address`);
/// - a URL's user info: `url.username` (personal) and `url.password` (a credential),
///   also under threat indicators.
///
/// Not personal (kept): ids and hashes of users and groups (`user.id`, `user.hash`,
/// pseudonymous keys the masker keeps on purpose), user domains, roles, group names, IP
/// and socket addresses, host names, geo fields, certificate subjects, rule authors, mail
/// subjects and message ids, and free text (which is scanned for emails, phones, cards
/// and credentials by content rather than by field).
const PERSONAL: &[&str] = &[
    "user.name",
    "user.full_name",
    "user.email",
    "*.user.name",
    "*.user.full_name",
    "*.user.email",
    "user.target.name",
    "user.target.full_name",
    "user.target.email",
    "user.effective.name",
    "user.effective.full_name",
    "user.effective.email",
    "user.changes.name",
    "user.changes.full_name",
    "user.changes.email",
    "*.real_user.name",
    "*.saved_user.name",
    "*.attested_user.name",
    "user.entity.name",
    "user.entity.display_name",
    "user.target.entity.name",
    "user.target.entity.display_name",
    "user.effective.entity.name",
    "user.effective.entity.display_name",
    "user.changes.entity.name",
    "user.changes.entity.display_name",
    "file.owner",
    "*.file.owner",
    "related.user",
    "email.from.address",
    "email.to.address",
    "email.cc.address",
    "email.bcc.address",
    "email.reply_to.address",
    "email.sender.address",
    "*.email.address",
    "url.username",
    "url.password",
    "*.url.username",
    "*.url.password",
];

/// Whether `field` (a flat name) is on the [`PERSONAL`] allow-list.
fn is_personal(field: &str) -> bool {
    PERSONAL.iter().any(|p| matches_pattern(p, field))
}

fn matches_pattern(pattern: &str, field: &str) -> bool {
    match pattern.strip_prefix('*') {
        // `*.user.name`: a non-empty prefix, then `.user.name`.
        Some(suffix) => field.len() > suffix.len() && field.ends_with(suffix),
        None => pattern == field,
    }
}

/// One line of a field list.
#[derive(Debug)]
struct Field {
    name: String,
    ty: String,
    /// `normalize` is `array`: the value is rendered as an array (`name.[]`).
    array: bool,
    allowed: Vec<String>,
}

struct Schema {
    version: &'static str,
    fields: Vec<Field>,
}

impl Schema {
    /// The `nested` fields: their children are rendered inside array elements.
    fn nested(&self) -> BTreeSet<&str> {
        self.fields
            .iter()
            .filter(|f| f.ty == "nested")
            .map(|f| f.name.as_str())
            .collect()
    }
}

/// The field lists that are present; an absent one is skipped loudly.
fn schemas() -> Vec<Schema> {
    let mut out = Vec::new();
    for (version, path) in TSVS {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "\n!!!!!!!! SKIPPED: {path} is absent ({e}); ECS {version} fields NOT \
                     checked !!!!!!!!\n"
                );
                continue;
            }
        };
        let mut lines = text.lines();
        let comment = lines.next().expect("a comment line");
        assert!(comment.starts_with('#'), "{path}: first line {comment:?}");
        let header = lines.next().expect("a header line");
        assert_eq!(
            header.split('\t').collect::<Vec<_>>(),
            ["flat_name", "type", "level", "normalize", "allowed_values"],
            "{path}: header"
        );
        let mut fields = Vec::new();
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 5, "{path}: {line:?}");
            fields.push(Field {
                name: cols[0].to_owned(),
                ty: cols[1].to_owned(),
                array: cols[3] == "array",
                allowed: match cols[4] {
                    "-" => Vec::new(),
                    list => list.split(',').map(|s| s.trim().to_owned()).collect(),
                },
            });
        }
        assert!(
            fields.len() > 1000,
            "{path}: only {} fields; is this the ECS field list?",
            fields.len()
        );
        out.push(Schema { version, fields });
    }
    out
}

/// A value as the renderer hands it to the masker.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Probe {
    /// `mask_str`.
    Str(String),
    /// `mask_number`, given the decimal text.
    Num(String),
}

impl std::fmt::Display for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Probe::Str(s) => write!(f, "{s:?}"),
            Probe::Num(d) => write!(f, "{d} (number)"),
        }
    }
}

fn s(v: &str) -> Probe {
    Probe::Str(v.to_owned())
}

fn n(v: &str) -> Probe {
    Probe::Num(v.to_owned())
}

/// Datatypes that never reach the masker: the renderer writes them without a masker call.
const NOT_MASKED_TYPES: &[&str] = &["boolean", "float", "double", "scaled_float"];

/// The paths at which the renderer may hand `f`'s value to the masker: its flat name, the
/// same with `.[]` after every `nested` ancestor, and each of those with `.[]` appended when
/// the field is an array.
fn paths(f: &Field, nested: &BTreeSet<&str>) -> Vec<String> {
    let segs: Vec<&str> = f.name.split('.').collect();
    let mut plain = String::new();
    let mut rendered = String::new();
    for (i, seg) in segs.iter().enumerate() {
        if i > 0 {
            plain.push('.');
            rendered.push('.');
        }
        plain.push_str(seg);
        rendered.push_str(seg);
        if i + 1 < segs.len() && nested.contains(plain.as_str()) {
            rendered.push_str(".[]");
        }
    }
    let mut out = vec![f.name.clone()];
    if rendered != f.name {
        out.push(rendered);
    }
    if f.array {
        let elems: Vec<String> = out.iter().map(|p| format!("{p}.[]")).collect();
        out.extend(elems);
    }
    out
}

/// Clean values by datatype, each with the path suffix it goes to (`object`, `flattened`
/// and `nested` fields get a small object of clean values).
fn type_probes(f: &Field) -> Vec<(&'static str, Probe)> {
    let mut v = match f.ty.as_str() {
        "keyword" | "constant_keyword" => vec![("", s("checkout-7"))],
        "text" => vec![("", s("payment accepted"))],
        "wildcard" | "match_only_text" => vec![("", s("payment accepted for order checkout-7"))],
        // A small count, and a 7-digit one (a byte count, 0x401000 as a virtual address).
        "long" | "integer" => vec![("", n("4242")), ("", n("4198400"))],
        "ip" => vec![("", s("203.0.113.9")), ("", s("2001:db8::8a2e:370:7334"))],
        "date" => vec![
            ("", s("2024-01-15T12:30:45.123Z")),
            // Dates may be logged as epoch milliseconds.
            ("", n("1705321845123")),
        ],
        "geo_point" => vec![("", s("52.3676,4.9041")), ("", s("POINT (4.9041 52.3676)"))],
        "object" | "flattened" => vec![(".kind", s("checkout-7")), (".count", n("4242"))],
        "nested" => vec![(".[].kind", s("checkout-7")), (".[].count", n("4242"))],
        t if NOT_MASKED_TYPES.contains(&t) => Vec::new(),
        t => panic!("{}: unknown ECS datatype {t:?}", f.name),
    };
    if matches!(
        f.ty.as_str(),
        "keyword" | "constant_keyword" | "wildcard" | "text" | "match_only_text"
    ) {
        v.extend(f.allowed.iter().map(|a| ("", s(a))));
    }
    v
}

const MD5: &str = "68b329da9893e34099c7d8ad5cb9c940";
const SHA1: &str = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12";
const SHA256: &str = "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592";
const SHA384: &str = "ca737f1014a48f4c0b6dd43cb177b0afd9e5169367544c494011e3317dbf9a509cb1e5dc1e85a941bbee3d7f2afbc9b1";
const SHA512: &str = "07e547d9586f6a73f73fbac0435ed76951218fb7d0c8d788a309d785436bbb642e93a252a954f23912547d1e8a3b5ed6e1bfd7097821233fa0538f3db854fee6";

/// A value shaped like what the field really carries (ECS examples where ECS gives one),
/// for string fields whose name says what that is.
fn shaped(f: &Field) -> Option<&'static str> {
    if !matches!(
        f.ty.as_str(),
        "keyword" | "constant_keyword" | "wildcard" | "text" | "match_only_text"
    ) {
        return None;
    }
    let mut rev = f.name.rsplit('.');
    let leaf = rev.next()?;
    let parent = rev.next().unwrap_or("");
    let grand = rev.next().unwrap_or("");
    let hash = |l: &str| {
        if l.contains("sha512") {
            Some(SHA512)
        } else if l.contains("sha384") {
            Some(SHA384)
        } else if l.contains("sha256") {
            Some(SHA256)
        } else if l.contains("sha1") {
            Some(SHA1)
        } else if l.contains("md5") || l.contains("ja3") || l.ends_with("hash") {
            Some(MD5)
        } else {
            None
        }
    };
    if let Some(h) = hash(leaf) {
        return Some(h);
    }
    Some(match (parent, leaf) {
        // ECS example of `user.id`: a Windows SID.
        ("user" | "real_user" | "saved_user" | "attested_user", "id") => {
            "S-1-5-21-202424912787-2692429404-2351956786-1000"
        }
        ("target" | "effective" | "changes", "id") if grand == "user" => {
            "S-1-5-21-202424912787-2692429404-2351956786-1000"
        }
        ("group", "id") => "S-1-5-32-544",
        // An AWS account id: 12 digits.
        ("account", "id") => "666777888999",
        ("instance", "id") => "i-1234567890abcdef0",
        ("faas", "id") => "arn:aws:lambda:us-west-2:123456789012:function:my-function",
        ("trace", "id") => "4bf92f3577b34da6a3ce929d0e0e4736",
        ("span" | "transaction", "id") => "00f067aa0ba902b7",
        ("vulnerability", "id") => "CVE-2019-00001",
        ("device", "id") => "00000000-54b3-e7c7-0000-000046bffd97",
        (_, "id" | "ephemeral_id" | "local_id" | "entity_id" | "uuid") => {
            "c26dbea0-80d5-463b-b93c-4e8b708219ce"
        }
        (_, "mac") => "00-00-5E-00-53-23",
        ("url", "full" | "original") => "https://www.example.com:443/search?q=shoes&page=2#top",
        ("user_agent", "original") => {
            "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 \
             (KHTML, like Gecko) Version/12.0 Mobile/15E148 Safari/604.1"
        }
        (_, "domain" | "registered_domain" | "subdomain") => "www.example.com",
        (_, "top_level_domain") => "co.uk",
        (_, "path") => "/var/log/fun-times.log",
        (_, "directory" | "working_directory") => "/srv/checkout/releases/20240115",
        (_, "executable") => "/usr/bin/ssh",
        (_, "command_line") => "/usr/bin/ssh -l deploy 10.0.0.16",
        (_, "args") => "-l",
        (_, "serial_number") => "55FBB9C7DEBF09809D12CCAA",
        (_, "version" | "api_version") => "8.17.0",
        (_, "query") => "q=shoes&page=2",
        (_, "fragment") => "top",
        (_, "scheme") => "https",
        // ECS example of `email.message_id`.
        (_, "message_id") => "81ce15$8r2j59@mail01.example.com",
        ("email", "subject") => "Please see this important message.",
        ("email", "x_mailer") => "Spambot v2.5",
        (_, "mime_type" | "content_type") => "text/plain",
        (_, "extension") => "png",
        (_, "timezone") => "Europe/Amsterdam",
        (_, "community_id") => "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=",
        (_, "referrer") => "https://blog.example.com/",
        (_, "region") => "us-east-1",
        (_, "inode") => "256383",
        (_, "pid" | "ppid") => "4242",
        _ => return None,
    })
}

/// One rewrite the masker made.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rewrite {
    field: String,
    path: String,
    value: Probe,
    output: String,
}

/// Runs `probe` at `path`: what the masker wrote, or `None` when it kept the value.
fn mask(m: &PiiMasker, path: &str, probe: &Probe) -> Option<String> {
    let mut out = String::new();
    let rewritten = match probe {
        Probe::Str(v) => m.mask_str(path, v, &mut out),
        Probe::Num(d) => m.mask_number(path, d, &mut out),
    };
    rewritten.then_some(out)
}

/// Every probe `probes_of` gives for every field of every schema, run through the default
/// masker: the rewrites (by field, with the versions that list the field), and how many
/// probes ran.
fn run_all(
    schemas: &[Schema],
    probes_of: impl Fn(&Field) -> Vec<(&'static str, Probe)>,
) -> (BTreeMap<Rewrite, BTreeSet<&'static str>>, usize) {
    let m = PiiMasker::new();
    let mut rewrites: BTreeMap<Rewrite, BTreeSet<&'static str>> = BTreeMap::new();
    let mut ran = 0;
    for schema in schemas {
        let nested = schema.nested();
        for f in &schema.fields {
            let probes = probes_of(f);
            for base in paths(f, &nested) {
                for (suffix, probe) in &probes {
                    let path = format!("{base}{suffix}");
                    ran += 1;
                    if let Some(output) = mask(&m, &path, probe) {
                        let r = Rewrite {
                            field: f.name.clone(),
                            path,
                            value: probe.clone(),
                            output,
                        };
                        rewrites.entry(r).or_default().insert(schema.version);
                    }
                }
            }
        }
    }
    (rewrites, ran)
}

/// The rewrites of fields that are not on the allow-list, one per line.
fn false_positives(rewrites: &BTreeMap<Rewrite, BTreeSet<&'static str>>) -> (usize, String) {
    let mut fields = BTreeSet::new();
    let mut report = String::new();
    for (r, versions) in rewrites {
        if is_personal(&r.field) {
            continue;
        }
        fields.insert(r.field.as_str());
        let _ = writeln!(
            report,
            "  {} [ECS {}] at {}: {} -> {:?}",
            r.field,
            versions.iter().copied().collect::<Vec<_>>().join(", "),
            r.path,
            r.value,
            r.output
        );
    }
    (fields.len(), report)
}

#[test]
fn the_allow_list_names_ecs_fields() {
    let schemas = schemas();
    if schemas.is_empty() {
        return;
    }
    for p in PERSONAL {
        assert!(
            schemas
                .iter()
                .flat_map(|s| &s.fields)
                .any(|f| matches_pattern(p, &f.name)),
            "allow-list entry {p:?} matches no field of the ECS versions checked"
        );
    }
    // The allow-list is what it says: spot checks both ways.
    for f in [
        "user.name",
        "client.user.email",
        "process.parent.user.name",
        "user.target.full_name",
        "related.user",
        "email.to.address",
        "threat.indicator.email.address",
        "url.password",
    ] {
        assert!(is_personal(f), "{f}");
    }
    for f in [
        "user.id",
        "user.group.name",
        "service.name",
        "client.address",
        "host.hostname",
        "user.domain",
        "email.subject",
        "url.domain",
    ] {
        assert!(!is_personal(f), "{f}");
    }
}

/// The main claim: clean values of their datatype in ECS fields that are not personal are
/// never rewritten.
#[test]
fn clean_values_of_non_personal_ecs_fields_are_kept() {
    let schemas = schemas();
    if schemas.is_empty() {
        return;
    }
    let (rewrites, ran) = run_all(&schemas, type_probes);
    assert!(ran > 5000, "only {ran} probes ran");
    let (count, report) = false_positives(&rewrites);
    assert!(
        count == 0,
        "the default masker rewrote {count} ECS fields that are not personal (false \
         positives):\n{report}"
    );
}

/// The same with values shaped like what well-known fields really carry (SIDs, account
/// ids, hashes, URLs, user agents, paths, message ids …).
#[test]
fn realistic_values_of_non_personal_ecs_fields_are_kept() {
    let schemas = schemas();
    if schemas.is_empty() {
        return;
    }
    let (rewrites, ran) = run_all(&schemas, |f| {
        shaped(f).map(|v| ("", s(v))).into_iter().collect()
    });
    assert!(ran > 1000, "only {ran} probes ran");
    let (count, report) = false_positives(&rewrites);
    assert!(
        count == 0,
        "the default masker rewrote {count} ECS fields that are not personal, given \
         realistic values (false positives):\n{report}"
    );
}

/// A 16-digit integer in a `long` field (`event.duration` in nanoseconds, `event.sequence`,
/// byte counters): which ones the masker card-masks. `4111111111111111` is Luhn-valid,
/// `4111111111111112` is not.
#[test]
fn sixteen_digit_values_of_non_personal_long_fields_are_kept() {
    let schemas = schemas();
    if schemas.is_empty() {
        return;
    }
    let (rewrites, ran) = run_all(&schemas, |f| match f.ty.as_str() {
        "long" => vec![("", n("4111111111111111")), ("", n("4111111111111112"))],
        _ => Vec::new(),
    });
    assert!(ran > 500, "only {ran} probes ran");
    let (count, report) = false_positives(&rewrites);
    assert!(
        count == 0,
        "the default masker rewrote a 16-digit value in {count} `long` ECS fields that are \
         not personal (false positives):\n{report}"
    );
}

/// The other half of "the rewritten set is the allow-list": every personal field is
/// rewritten, at every path it is rendered at.
#[test]
fn every_personal_ecs_field_is_rewritten() {
    let schemas = schemas();
    if schemas.is_empty() {
        return;
    }
    let m = PiiMasker::new();
    let mut kept = BTreeMap::<String, BTreeSet<&str>>::new();
    let mut checked = 0;
    for schema in &schemas {
        let nested = schema.nested();
        for f in schema.fields.iter().filter(|f| is_personal(&f.name)) {
            for path in paths(f, &nested) {
                for (suffix, probe) in type_probes(f) {
                    let path = format!("{path}{suffix}");
                    checked += 1;
                    if mask(&m, &path, &probe).is_none() {
                        kept.entry(format!("  {} at {path}: {probe} -> kept", f.name))
                            .or_default()
                            .insert(schema.version);
                    }
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} personal probes ran");
    let report: String = kept
        .iter()
        .map(|(line, v)| {
            format!(
                "{line} [ECS {}]\n",
                v.iter().copied().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(
        kept.is_empty(),
        "the default masker kept {} values of personal ECS fields (false negatives):\n{report}",
        kept.len()
    );
}

/// Sanity: the probes can fail. A card number in free text is masked, in `message`,
/// `error.message` and every other full-text field of the ECS versions.
#[test]
fn a_card_number_in_free_text_is_masked() {
    let m = PiiMasker::new();
    let text = "payment declined for card 4111 1111 1111 1111 at checkout-7";
    let mut fields: BTreeSet<String> = ["message".to_owned(), "error.message".to_owned()].into();
    for schema in schemas() {
        fields.extend(
            schema
                .fields
                .iter()
                .filter(|f| matches!(f.ty.as_str(), "text" | "match_only_text"))
                .map(|f| f.name.clone()),
        );
    }
    for field in &fields {
        let out = mask(&m, field, &s(text))
            .unwrap_or_else(|| panic!("{field}: the card number was kept: {text:?}"));
        assert!(!out.contains("4111 1111 1111 1111"), "{field}: {out:?}");
        assert!(out.contains("411111******1111"), "{field}: {out:?}");
        assert!(out.contains("checkout-7"), "{field}: {out:?}");
    }
}
