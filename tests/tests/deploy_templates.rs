//! The generated index templates (`ecsctx/deploy/*/index-template.json`, written by
//! `ecsctx/gen/templates.py` from the ECS table): what they promise without a server
//! (`search_round_trip.rs` installs the OpenSearch one into a real node).

use serde_json::Value;

const ELASTICSEARCH: &str = include_str!("../../ecsctx/deploy/elasticsearch/index-template.json");
const OPENSEARCH: &str = include_str!("../../ecsctx/deploy/opensearch/index-template.json");

fn props(t: &str) -> Value {
    let v: Value = serde_json::from_str(t).expect("a template is JSON");
    assert_eq!(v["index_patterns"], serde_json::json!(["logs-*-*"]));
    assert!(v["data_stream"].is_object(), "a data stream template");
    v["template"]["mappings"]["properties"].clone()
}

/// Every mapped field: its dotted path and its mapping.
fn fields(p: &Value, prefix: &str, out: &mut Vec<(String, Value)>) {
    for (k, m) in p.as_object().unwrap() {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        out.push((path.clone(), m.clone()));
        if let Some(sub) = m.get("properties") {
            fields(sub, &path, out);
        }
    }
}

fn type_at<'a>(all: &'a [(String, Value)], path: &str) -> &'a Value {
    &all.iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} unmapped"))
        .1["type"]
}

#[test]
fn both_targets_map_the_same_fields_with_their_own_free_form_type() {
    let (mut es, mut os) = (Vec::new(), Vec::new());
    fields(&props(ELASTICSEARCH), "", &mut es);
    fields(&props(OPENSEARCH), "", &mut os);
    assert_eq!(es.len(), os.len());
    assert!(es.len() > 2500, "every ECS field is mapped: {}", es.len());
    for ((pe, me), (po, mo)) in es.iter().zip(&os) {
        assert_eq!(pe, po);
        assert!(me.get("type").is_some(), "{pe} has a type");
        match (me["type"].as_str().unwrap(), mo["type"].as_str().unwrap()) {
            ("flattened", o) => assert_eq!(o, "flat_object", "{pe}"),
            ("constant_keyword", o) => assert_eq!(o, "keyword", "{pe}"),
            (e, o) => assert_eq!(e, o, "{pe}"),
        }
    }
}

#[test]
fn ecsctx_fields_have_the_types_its_lines_need() {
    let mut os = Vec::new();
    fields(&props(OPENSEARCH), "", &mut os);
    // The header.
    assert_eq!(type_at(&os, "@timestamp"), "date");
    assert_eq!(type_at(&os, "log.level"), "keyword");
    assert_eq!(type_at(&os, "ecs.version"), "keyword");
    assert_eq!(type_at(&os, "message"), "match_only_text");
    // The trace, the error and typed ECS fields ecsctx writes.
    assert_eq!(type_at(&os, "trace.id"), "keyword");
    assert_eq!(type_at(&os, "span.id"), "keyword");
    assert_eq!(type_at(&os, "error"), "object");
    assert_eq!(type_at(&os, "error.stack_trace"), "wildcard");
    assert_eq!(type_at(&os, "http.response.status_code"), "long");
    assert_eq!(type_at(&os, "client.ip"), "ip");
    assert_eq!(type_at(&os, "event.duration"), "long");
    // The custom root fields (placement::DEFAULT_ROOT_FIELDS) and `extra`.
    for root in ecsctx::placement::DEFAULT_ROOT_FIELDS
        .iter()
        .chain(&["extra"])
    {
        let t = type_at(&os, root);
        match *root {
            "extra" | "payload" | "headers" | "view" => assert_eq!(t, "flat_object", "{root}"),
            "merchant_id" | "session_id" => assert_eq!(t, "keyword", "{root}"),
            "labels" | "payment" | "project" => assert_eq!(t, "object", "{root}"),
            other => panic!("{other}: a root field the template does not know"),
        }
    }
    assert_eq!(type_at(&os, "project.name"), "keyword");
    // Every keyword keeps ECS's `ignore_above: 1024`: a longer value stays in `_source`
    // (listed in `_ignored`) instead of making the document fail as an immense term.
    for (p, m) in &os {
        if m["type"] == "keyword" {
            assert_eq!(m["ignore_above"], 1024, "{p}");
        }
    }
}

/// OpenSearch keeps retention out of the template: the ISM policy rolls the data streams'
/// backing indices over and deletes them, for the same `logs-*-*` pattern.
#[test]
fn the_ism_policy_covers_the_template_pattern() {
    let p: Value = serde_json::from_str(include_str!(
        "../../ecsctx/deploy/opensearch/ism-policy.json"
    ))
    .unwrap();
    let policy = &p["policy"];
    assert_eq!(
        policy["ism_template"][0]["index_patterns"],
        serde_json::json!(["logs-*-*"])
    );
    let states = policy["states"].as_array().unwrap();
    assert_eq!(policy["default_state"], states[0]["name"]);
    assert!(states[0]["actions"][0]["rollover"].is_object());
    let delete = &states[0]["transitions"][0];
    assert_eq!(delete["state_name"], "delete");
    assert_eq!(delete["conditions"]["min_index_age"], "30d");
    assert!(states[1]["actions"][0]["delete"].is_object());
}
