//! A real search-engine round trip (issue #15): the generated OpenSearch index template is
//! installed into a real OpenSearch 2.19 node, then ecsctx's lines are bulk-indexed into a
//! `logs-{project}-{env}` data stream and read back.
//!
//! The node is started by `.ci/run` from its Maven Central jars
//! (`ecsctx/deploy/opensearch/run.sh start`), which sets `ECSCTX_OPENSEARCH_URL`. Without
//! it the test skips, loudly; with `ECSCTX_REQUIRE_OPENSEARCH=1` (CI) it fails instead.
//!
//! What it checks, on the quickstart's lines (`ECSCTX_QUICKSTART_LINES`), one line per
//! placement rule and 10,000 generated checkout lines carrying PII:
//! - zero bulk errors, zero `_ignored` fields;
//! - every field the lines hold is mapped, and with the type the template gives it
//!   (ECS fields: ECS's type; nothing new appears under an ECS field set);
//! - a term query on the request's `trace.id` returns exactly its lines;
//! - a term query on the token an analyst computes with `ecsctx tokenize` finds the
//!   customer's lines;
//! - no planted plaintext is found by a search over every field;
//! - a naive logger's line with `error` as a string, indexed first, is rejected alone:
//!   the data stream keeps its mappings and ecsctx's lines still index.

mod pii_common;

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};

use ecsctx::context::{self, Fields};
use ecsctx::pii::PiiMasker;
use ecsctx::sink::Sink;
use ecsctx::trace::TraceContext;
use ecsctx::{bind, event};
use serde_json::{json, Value};

const STREAM: &str = "logs-ecsctxtest-ci";
const TEMPLATE: &str = include_str!("../../ecsctx/deploy/opensearch/index-template.json");

/// Planted plaintext: none of it may be found in the index.
const EMAIL: &str = "johnathan.doe@example.com";
const PHONE: &str = "+965 9876 5432";
const PAN: &str = "4111111111111111";
const PASSWORD: &str = "Hunter2!zz9-qx";
const CVV: &str = "857";

/// Every line ecsctx writes, as written.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<String>>>);

impl Sink for Lines {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        let s = String::from_utf8(line.to_vec()).expect("a line is UTF-8");
        self.0.lock().unwrap().push(s.trim_end().to_owned());
        Ok(())
    }
}

impl Lines {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn url() -> Option<String> {
    match std::env::var("ECSCTX_OPENSEARCH_URL") {
        Ok(u) if !u.is_empty() => Some(u.trim_end_matches('/').to_owned()),
        _ if std::env::var("ECSCTX_REQUIRE_OPENSEARCH").is_ok_and(|v| v == "1") => {
            panic!("ECSCTX_REQUIRE_OPENSEARCH=1 but ECSCTX_OPENSEARCH_URL is not set")
        }
        _ => {
            eprintln!(
                "\n!!!!!!!! SKIPPED: ECSCTX_OPENSEARCH_URL is not set; the OpenSearch round trip \
                 did NOT run (start a node with `ecsctx/deploy/opensearch/run.sh start`) !!!!!!!!\n"
            );
            None
        }
    }
}

/// One line per placement rule (README "Output and field placement"), plus awkward values.
fn golden() {
    // Dotted keys nest; ECS field sets stay at the root.
    event!(
        info,
        "http_request_received",
        http.request.method = "POST",
        url.path = "/v1/pay"
    );
    let err = io::Error::new(io::ErrorKind::TimedOut, "gateway timed out");
    event!(
        error,
        "gateway_call_failed",
        error = &err,
        event.outcome = "failure"
    );
    event!(info, "user_seen", user.id = "42", event.action = "login");
    // The custom allowlist.
    event!(
        info,
        "allowlisted",
        session_id = "sess-1",
        merchant_id = "m-1001",
        payment.amount = 100,
        payment.method = "card",
        project.name = "payments",
        view.name = "checkout",
        labels.region = "eu-west-1",
        payload:serde = json!({"order": {"id": 7, "items": [1, 2]}}),
        headers:serde = json!({"accept": "application/json"})
    );
    // The same allowlisted names with other value types than the first line.
    event!(
        info,
        "allowlisted_again",
        payment.amount = 12.5,
        view.name = 3
    );
    // Everything else goes to `extra`, any shape, any type per line.
    event!(info, "extra_number", amount = 100, keyloop.store_id = 7);
    event!(
        info,
        "extra_string",
        amount = "one hundred",
        keyloop.store_id = "seven"
    );
    // Labels stay flat.
    log::info!("labels.team.name" = "core"; "labels_dotted");
    log::info!(labels:serde = json!({"a": {"b": 1}}); "labels_nested");
    // Repaired flat values and wrong types from a foreign record.
    log::error!(error = "boom", user = "bob"; "foreign_flat");
    log::info!("http.response.status_code" = "200", "client.ip" = "localhost"; "foreign_types");
    // The header cannot be overwritten.
    log::info!(message = "other", "log.level" = "fatal"; "header_kept");
    // NaN and infinities.
    event!(
        info,
        "not_numbers",
        ratio = f64::NAN,
        upper = f64::INFINITY,
        lower = f64::NEG_INFINITY
    );
    // A 1 MiB string, 100 nested levels.
    let big = "x".repeat(1 << 20);
    log::info!(note = big.as_str(); "huge_value");
    let mut deep = json!("leaf");
    for _ in 0..100 {
        deep = json!({ "d": deep });
    }
    log::info!(deep:serde = deep; "deep_value");
    // Unicode, control characters, quotes.
    log::info!(text = "naïve café — 東京 🚀 \u{202e}rtl \u{0}\u{1f} \"q\" \\"; "unicode ✓ \u{7}");
    // Arrays.
    event!(info, "tagged", tags = ["a", "b"]);
    log::info!(related:serde = json!({"ip": ["203.0.113.9", "2001:db8::1"]}); "related_ips");
}

/// 10,000 checkout lines in 1,000 requests, each request's customer planted in its lines.
fn checkout_lines(customer_requests: &mut Vec<TraceContext>) {
    for r in 0..1000u32 {
        let tc = TraceContext::new_root();
        customer_requests.push(tc.clone());
        let _c = context::bind(
            Fields::new()
                .with("client.ip", "203.0.113.9")
                .with("user.id", &(r % 97))
                .with("session_id", format!("sess-{r}").as_str())
                .with("merchant_id", "m-1001")
                .with_trace(tc),
        );
        for i in 0..10 {
            match i {
                0 => event!(info, "checkout_started", user.email = EMAIL, amount = r),
                1 => log::info!(phone = PHONE, attempt = i; "otp_sent"),
                2 => log::warn!("card {PAN} declined, cvv {CVV}"),
                3 => {
                    log::info!(body = format!("card_number={PAN}&cvv={CVV}&password={PASSWORD}").as_str(); "form_posted")
                }
                4 => {
                    log::info!(payload:serde = json!({"card": {"number": PAN, "cvv": CVV}, "customer": {"email": EMAIL}}); "card_tokenize_request")
                }
                5 => log::warn!("login failed for bob password={PASSWORD} retry"),
                6 => event!(
                    info,
                    "http_response_sent",
                    http.response.status_code = 200,
                    event.duration = 1_500_000 + i64::from(r)
                ),
                7 => {
                    bind!(customer_email = EMAIL);
                    event!(info, "receipt_sent", latency_ms = 12.5)
                }
                8 => log::error!(error = "gateway said no", user = EMAIL; "foreign_error"),
                _ => event!(
                    info,
                    "payment_processed",
                    amount = 100,
                    currency = "KWD",
                    attempt = i
                ),
            }
        }
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<String>,
    ) -> (u16, Value) {
        let content_type = if path.contains("_bulk") {
            "application/x-ndjson"
        } else {
            "application/json"
        };
        let mut req = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .header("content-type", content_type);
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.expect("OpenSearch answers");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
    async fn get(&self, path: &str) -> Value {
        let (s, v) = self.send(reqwest::Method::GET, path, None).await;
        assert_eq!(s, 200, "GET {path}: {v}");
        v
    }
    /// POSTs `body` to the data stream's `api` (`_search`, `_count`): the answer, which
    /// must be a 200.
    async fn post(&self, api: &str, body: Value) -> Value {
        let path = format!("/{STREAM}/{api}");
        let (s, v) = self
            .send(reqwest::Method::POST, &path, Some(body.to_string()))
            .await;
        assert_eq!(s, 200, "{api}: {v}");
        v
    }
    async fn search(&self, query: Value) -> Value {
        self.post("_search", query).await
    }
    async fn count(&self, query: Value) -> u64 {
        let v = self.post("_count", json!({ "query": query })).await;
        v["count"].as_u64().unwrap()
    }
    /// Bulk-creates `lines` in the data stream: the failed items.
    async fn bulk(&self, lines: &[String]) -> Vec<Value> {
        let mut failed = Vec::new();
        for chunk in lines.chunks(2000) {
            let mut body = String::new();
            for l in chunk {
                body.push_str("{\"create\":{}}\n");
                body.push_str(l);
                body.push('\n');
            }
            let (s, v) = self
                .send(
                    reqwest::Method::POST,
                    &format!("/{STREAM}/_bulk"),
                    Some(body),
                )
                .await;
            assert_eq!(s, 200, "bulk: {v}");
            for item in v["items"].as_array().unwrap() {
                if item["create"]["error"].is_object() {
                    failed.push(item["create"].clone());
                }
            }
        }
        failed
    }
}

/// Every leaf path of a line (arrays: the path of their elements), with its JSON kind.
fn leaves(v: &Value, path: &str, out: &mut BTreeMap<String, &'static str>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(x, &p, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| leaves(x, path, out)),
        Value::String(_) => {
            out.insert(path.to_owned(), "string");
        }
        Value::Number(_) => {
            out.insert(path.to_owned(), "number");
        }
        Value::Bool(_) => {
            out.insert(path.to_owned(), "bool");
        }
        Value::Null => {}
    }
}

/// The mapping of `path` in a `properties` tree: the first free-form (`flat_object`)
/// field at or above it, or the field itself.
fn mapping_at<'a>(props: &'a Value, path: &str) -> Option<(&'a Value, String)> {
    let mut node = props;
    let mut walked = Vec::new();
    for seg in path.split('.') {
        let m = node.get(seg)?;
        walked.push(seg);
        if m["type"] == "flat_object" {
            return Some((m, walked.join(".")));
        }
        match m.get("properties") {
            Some(p) => node = p,
            None => return Some((m, walked.join("."))),
        }
    }
    None
}

/// The token an analyst computes with `ecsctx tokenize` (the binary `cargo test
/// --workspace` builds beside this test, for `ecsctx/tests/cli.rs`), from a keyset file
/// and `PII_ENV` as in production. Without the binary (this test alone), the library's,
/// loudly; CI (`ECSCTX_REQUIRE_OPENSEARCH=1`) requires the binary.
fn analyst_token(value: &str, field_type: &str) -> String {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|d| d.join("ecsctx"));
    let Some(bin) = bin.filter(|b| b.is_file()) else {
        assert!(
            std::env::var("ECSCTX_REQUIRE_OPENSEARCH").is_err(),
            "the ecsctx binary is not built: run `cargo test --workspace`"
        );
        eprintln!("!!!!!!!! the ecsctx binary is not built: the library's token is used !!!!!!!!");
        return pii_common::pii("prod").tokenize(value, field_type).unwrap();
    };
    let keyset = std::env::temp_dir().join(format!("ecsctx-rt-{}.json", std::process::id()));
    std::fs::write(&keyset, pii_common::TOKEN_KEYSET).unwrap();
    let out = std::process::Command::new(bin)
        .args(["tokenize", "--type", field_type, value])
        .env("PII_TOKEN_KEYSET_PATH", &keyset)
        .env("PII_ENV", "prod")
        .env_remove("PII_PROVIDER")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn lines_round_trip_through_a_real_opensearch_node() {
    let Some(base) = url() else { return };

    // The lines: the quickstart's (from `.ci/run`), the golden ones, the generated ones.
    let sink = Lines::default();
    let pii = pii_common::pii("prod");
    ecsctx::Builder::new()
        .with_filter("info")
        .with_service_name("checkout")
        .with_project_name("ecsctxtest")
        .with_masker(Some(Arc::new(PiiMasker::new().with_pii(pii.clone()))))
        .with_sink(sink.clone())
        .init();
    let mut lines: Vec<String> = Vec::new();
    match std::env::var("ECSCTX_QUICKSTART_LINES") {
        Ok(p) => {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
            let q: Vec<String> = text.lines().map(str::to_owned).collect();
            assert!(q.len() >= 4, "the quickstart printed {} lines", q.len());
            lines.extend(q);
        }
        Err(_) => {
            eprintln!("ECSCTX_QUICKSTART_LINES not set: the quickstart's lines are not indexed")
        }
    }
    golden();
    let golden_lines = sink.take();
    assert!(golden_lines.len() >= 17, "{golden_lines:#?}");
    lines.extend(golden_lines);
    let mut requests = Vec::new();
    checkout_lines(&mut requests);
    let generated = sink.take();
    assert_eq!(generated.len(), 10_000);
    lines.extend(generated);
    // The planted values never reach a line (the index is checked below too).
    for l in &lines {
        for p in [EMAIL, PAN, PASSWORD, "9876 5432", "cvv=857", "\"857\""] {
            assert!(!l.contains(p), "plaintext {p:?} in {l}");
        }
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = Client {
            http: reqwest::Client::new(),
            base,
        };
        let version = c.get("/").await;
        eprintln!("OpenSearch {}", version["version"]["number"]);

        // A clean start: the data stream and the template.
        c.send(
            reqwest::Method::DELETE,
            &format!("/_data_stream/{STREAM}"),
            None,
        )
        .await;
        let (s, v) = c
            .send(
                reqwest::Method::PUT,
                "/_index_template/ecsctx-logs",
                Some(TEMPLATE.to_owned()),
            )
            .await;
        assert_eq!(s, 200, "the generated template is accepted: {v}");

        // The trap: a naive logger's line with `error` as a string, first into the stream.
        let naive =
            json!({"@timestamp": "2026-12-01T00:00:00.000Z", "message": "x", "error": "boom"});
        let failed = c.bulk(&[naive.to_string()]).await;
        assert_eq!(failed.len(), 1, "the naive line is rejected");
        let reason = failed[0]["error"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(reason, "mapper_parsing_exception", "{}", failed[0]);
        eprintln!("naive line rejected: {}", failed[0]["error"]["reason"]);

        // Every ecsctx line indexes.
        let failed = c.bulk(&lines).await;
        assert!(
            failed.is_empty(),
            "{} bulk errors, first: {}",
            failed.len(),
            failed[0]
        );
        c.send(reqwest::Method::POST, &format!("/{STREAM}/_refresh"), None)
            .await;
        assert_eq!(c.count(json!({"match_all": {}})).await, lines.len() as u64);

        // No field was dropped on the way in.
        let ignored = c
            .search(json!({"query": {"exists": {"field": "_ignored"}}, "size": 3}))
            .await;
        assert_eq!(
            ignored["hits"]["total"]["value"], 0,
            "documents with ignored fields: {}",
            ignored["hits"]["hits"]
        );

        // Every field the lines hold is mapped with the template's type.
        let template: Value = serde_json::from_str(TEMPLATE).unwrap();
        let want = &template["template"]["mappings"]["properties"];
        let mapping = c.get(&format!("/{STREAM}/_mapping")).await;
        let (_, index) = mapping.as_object().unwrap().iter().next().unwrap();
        let got = &index["mappings"]["properties"];
        let mut paths = BTreeMap::new();
        for l in &lines {
            leaves(&serde_json::from_str(l).unwrap(), "", &mut paths);
        }
        for (path, kind) in &paths {
            let (g, at) = mapping_at(got, path)
                .unwrap_or_else(|| panic!("{path} ({kind}) is not mapped in the index"));
            let top = path.split('.').next().unwrap();
            if !ecsctx::placement::DEFAULT_ROOT_FIELDS.contains(&top) && top != "extra" {
                // An ECS field: the template mapped it, with ECS's type.
                let (w, _) = mapping_at(want, path)
                    .unwrap_or_else(|| panic!("{path} is neither an ECS field nor custom"));
                assert_eq!(g["type"], w["type"], "{path} (at {at})");
            } else {
                assert!(
                    g["type"] == "keyword" || g["type"] == "flat_object",
                    "{path}: a custom field mapped as {}",
                    g["type"]
                );
            }
        }
        eprintln!(
            "{} distinct leaf paths checked against the mapping",
            paths.len()
        );

        // An analyst finds a request by its trace id, and a customer by their token.
        let tc = &requests[500];
        let n = c
            .count(json!({"term": {"trace.id": tc.trace_id().to_string()}}))
            .await;
        assert_eq!(n, 10, "the request's lines");
        let token = analyst_token(EMAIL, "email");
        assert_eq!(token, pii.tokenize(EMAIL, "email").unwrap());
        let by_token = c.count(json!({"term": {"user.email": token}})).await;
        assert_eq!(by_token, 1000, "the customer's `user.email` lines");
        // A free-text search (the template's default fields) finds the token too, in
        // `user.email`, the bound `extra.customer_email`, the `payload` and the foreign
        // record's flat `user` (moved to `extra.user`): four lines per request.
        let anywhere = c
            .count(json!({"query_string": {"query": format!("\"{token}\"")}}))
            .await;
        assert_eq!(anywhere, 4000, "the token found by a free-text search");

        // No planted plaintext is found, in any field the lines hold.
        let fields: std::collections::BTreeSet<String> = paths
            .keys()
            .filter_map(|p| mapping_at(got, p).map(|(_, at)| at))
            .collect();
        let fields: Vec<&String> = fields.iter().collect();
        for p in [EMAIL, PAN, PASSWORD, "98765432", "9876 5432"] {
            for chunk in fields.chunks(500) {
                let q = json!({"query_string": {
                    "query": format!("\"{p}\""), "fields": chunk, "lenient": true
                }});
                assert_eq!(c.count(q).await, 0, "{p} found in the index");
            }
            let q = json!({"query_string": {"query": format!("\"{p}\"")}});
            assert_eq!(c.count(q).await, 0, "{p} found by a free-text search");
        }
        for (field, p) in [
            ("extra.body", PAN),
            ("payload.card.number", PAN),
            ("payload.card.cvv", CVV),
        ] {
            let q = json!({"term": {field: p}});
            assert_eq!(c.count(q).await, 0, "{p} found at {field}");
        }
    });
}
