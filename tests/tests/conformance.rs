//! Conformance with Elastic's ECS logging spec and with the ECS field datatypes, read
//! from `../shared/ecs/` at run time.

mod common;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;

use common::{log_kv, logger};
use ecsctx::context::{self, Fields};
use ecsctx::trace::TraceContext;
use ecsctx::Builder;
use log::kv::Value as KV;
use serde_json::Value;

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "\n\n!!! SKIPPED: {} is absent; conformance not checked !!!\n",
            p.display()
        );
        None
    }
}

/// A representative set of lines: plain, with context and trace, with many ECS fields.
fn sample_lines() -> Vec<(String, Value)> {
    let (l, buf) = logger(Builder::new().with_origin(true).with_environment("prod"));
    let _t = context::bind_trace(TraceContext::new_root());
    let _c = context::bind(
        Fields::new()
            .with("ip", "203.0.113.9")
            .with("user_id", "42")
            .with("session_id", "s")
            .with("labels.region", "eu")
            .with("http.request.method", "POST")
            .with("url.path", "/pay")
            .with("user_agent.original", "curl/8"),
    );
    log_kv(
        &l,
        log::Level::Info,
        "payment_processed",
        &[
            ("amount", KV::from(100)),
            ("event.action", KV::from("pay")),
            ("event.outcome", KV::from("success")),
            ("event.duration", KV::from(1200u64)),
            ("http.response.status_code", KV::from(200)),
            ("error", KV::from("flat")),
            ("host.hostname", KV::from("web-1")),
            ("destination.port", KV::from(443)),
        ],
    );
    log_kv(&l, log::Level::Error, "x", &[]);
    buf.text()
        .lines()
        .map(|l| (l.to_owned(), serde_json::from_str(l).unwrap()))
        .collect()
}

#[test]
fn logging_spec_required_fields_order_and_dotted_keys() {
    let Some(path) = shared("ecs/ecs-logging-spec.json") else {
        return;
    };
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fields = spec["fields"].as_object().unwrap();
    let mut ordered: Vec<(&str, u64)> = fields
        .iter()
        .filter_map(|(k, v)| v["index"].as_u64().map(|i| (k.as_str(), i)))
        .collect();
    ordered.sort_by_key(|x| x.1);
    for (raw, line) in sample_lines() {
        let obj = line.as_object().unwrap();
        for (name, f) in fields {
            let top_level = f["top_level_field"].as_bool().unwrap_or(false);
            if f["required"].as_bool().unwrap_or(false) {
                if top_level || !name.contains('.') {
                    assert!(obj.contains_key(name), "required `{name}` missing: {raw}");
                } else {
                    assert!(
                        lookup(&line, name).is_some(),
                        "required `{name}` missing: {raw}"
                    );
                }
            }
            if top_level && obj.contains_key(name) {
                // A top-level dotted key, never nested as well.
                let (head, tail) = name.split_once('.').unwrap();
                assert!(
                    line[head].get(tail).is_none(),
                    "`{name}` also nested: {raw}"
                );
            }
        }
        // Fields with an `index` come first, in that order.
        let mut pos = 0;
        for (name, _) in &ordered {
            let needle = format!("\"{name}\":");
            let at = raw
                .find(&needle)
                .unwrap_or_else(|| panic!("{name} missing"));
            assert!(at >= pos, "`{name}` out of order: {raw}");
            pos = at;
        }
        // `ecs.version` directly follows them (our own stronger guarantee).
        assert!(raw.contains("\"message\":\"") && raw.find("\"ecs.version\"").unwrap() > pos);
        // `labels` keys are sanitized as the spec says.
        if let Some(labels) = line.get("labels").and_then(Value::as_object) {
            for k in labels.keys() {
                assert!(!k.contains(['.', '*', '\\']), "{k}");
            }
        }
    }
}

fn lookup<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    let mut cur = v;
    for seg in dotted.split('.') {
        cur = cur.get(seg)?;
    }
    Some(cur)
}

fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    if let Value::Object(m) = v {
        for (k, v) in m {
            let p = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            out.push((p.clone(), v.clone()));
            leaves(&p, v, out);
        }
    }
}

#[test]
fn every_ecs_field_has_a_value_of_its_datatype() {
    let Some(path) = shared("ecs/ecs-9.4.0-fields.tsv") else {
        return;
    };
    let tsv = std::fs::read_to_string(path).unwrap();
    let types: HashMap<&str, &str> = tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("flat_name"))
        .filter_map(|l| {
            let mut it = l.split('\t');
            Some((it.next()?, it.next()?))
        })
        .collect();
    let mut checked = 0;
    for (raw, line) in sample_lines() {
        let mut all = Vec::new();
        leaves("", &line, &mut all);
        for (path, value) in all {
            let Some(ty) = types.get(path.as_str()) else {
                continue;
            };
            checked += 1;
            let ok = match *ty {
                "keyword" | "wildcard" | "match_only_text" | "text" | "constant_keyword" => {
                    value.is_string()
                        || value
                            .as_array()
                            .is_some_and(|a| a.iter().all(Value::is_string))
                }
                "long" | "integer" => value.is_i64() || value.is_u64(),
                "float" | "double" | "scaled_float" => value.is_number(),
                "boolean" => value.is_boolean(),
                "ip" => value.as_str().is_some_and(|s| s.parse::<IpAddr>().is_ok()),
                "date" => value.as_str().is_some_and(common::is_rfc3339_millis),
                "object" | "nested" | "flattened" => value.is_object() || value.is_array(),
                _ => true,
            };
            assert!(ok, "`{path}` is ECS `{ty}` but got {value}: {raw}");
        }
    }
    assert!(checked > 15, "only {checked} ECS fields checked");
}
