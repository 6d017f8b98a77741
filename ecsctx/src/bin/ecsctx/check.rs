//! `ecsctx check`: what each JSON line would do wrong in Elasticsearch or OpenSearch.
//!
//! Read against the generated index template (the ECS table and ecsctx's placement rules)
//! and the default PII masker, whatever wrote the line (Rust or Python ecsctx, or a
//! service being migrated): a line that is not a JSON object; a header out of the ECS
//! logging spec's order (`@timestamp`, `log.level`, `message`, `ecs.version`); a value of
//! the wrong type at an ECS field (a string at `http.response.status_code` that is no
//! number, `client.ip = "localhost"`); a flat value on a field set (`error = "boom"`); a key
//! below an ECS value field (`user.id.x`); one path written twice or both as a value and
//! as an object (`"user.id": 1` beside `"user": {"id": 2}`); plaintext PII the masker
//! would rewrite.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::IpAddr;

use ecsctx::mask::Masker;
use ecsctx::pii::PiiMasker;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A JSON value that keeps its object keys in order, duplicates included.
enum Node {
    Scalar(Value),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v.to_owned())))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut v = Vec::new();
        while let Some(n) = seq.next_element()? {
            v.push(n);
        }
        Ok(Node::Array(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut v = Vec::new();
        while let Some((k, n)) = map.next_entry::<String, Node>()? {
            v.push((k, n));
        }
        Ok(Node::Object(v))
    }
}

/// The mapped fields of a template: dotted path to its type (`object` for objects).
pub(crate) struct Schema(HashMap<String, String>);

impl Schema {
    pub(crate) fn from_template(template: &str) -> Schema {
        fn walk(props: &Value, prefix: &str, out: &mut HashMap<String, String>) {
            let Some(props) = props.as_object() else {
                return;
            };
            for (k, m) in props {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                let ty = m["type"].as_str().unwrap_or("object").to_owned();
                out.insert(path.clone(), ty);
                walk(&m["properties"], &path, out);
            }
        }
        let t: Value = serde_json::from_str(template).expect("the embedded template is JSON");
        let mut map = HashMap::new();
        walk(&t["template"]["mappings"]["properties"], "", &mut map);
        Schema(map)
    }
}

/// What ecsctx writes from the service's configuration, never masked (a project called
/// `payments` is not a person's name).
const FROM_CONFIGURATION: [&str; 7] = [
    "@timestamp",
    "log.level",
    "ecs.version",
    "service.name",
    "service.version",
    "service.environment",
    "project.name",
];

/// The findings of one line (empty: nothing wrong).
pub(crate) fn check_line(line: &str, schema: &Schema, masker: &PiiMasker) -> Vec<String> {
    let node: Node = match serde_json::from_str(line) {
        Ok(n) => n,
        Err(e) => return vec![format!("not JSON: {e}")],
    };
    let Node::Object(members) = &node else {
        return vec!["not a JSON object".into()];
    };
    let mut findings = Vec::new();
    let header = ["@timestamp", "log.level", "message", "ecs.version"];
    let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).take(4).collect();
    if keys != header {
        findings.push(format!(
            "header: the first keys are {keys:?}, the ECS logging spec wants {header:?}"
        ));
    }
    let mut paths = Paths::default();
    paths.flatten(&node, "");
    for (path, n) in &paths.written {
        if *n > 1 {
            findings.push(format!(
                "`{path}` is written {n} times (only one value is kept)"
            ));
        }
    }
    for (path, _) in &paths.leaves {
        if paths.objects.contains(path.as_str()) {
            findings.push(format!(
                "`{path}` is both a value and an object: a mapping conflict"
            ));
        }
    }
    let leaves = paths.leaves;
    for (path, value) in &leaves {
        if let Some(f) = type_finding(path, value, schema) {
            findings.push(f);
        }
        if let Value::String(s) = value {
            if FROM_CONFIGURATION.contains(&path.as_str()) {
                continue;
            }
            let mut out = String::new();
            if masker.mask_str(path, s, &mut out) && out != *s {
                findings.push(format!(
                    "plaintext PII at `{path}`: the masker writes `{out}`"
                ));
            }
        }
    }
    findings.sort();
    findings.dedup();
    findings
}

/// The paths of a line (a dotted key is its path).
#[derive(Default)]
struct Paths<'a> {
    /// Every leaf with its value, in order; array elements share their array's path.
    leaves: Vec<(String, &'a Value)>,
    /// Every path that is an object (an object member, or a step of a dotted key).
    objects: HashSet<String>,
    /// How many members write a value (not an object) at each path.
    written: HashMap<String, usize>,
}

impl<'a> Paths<'a> {
    fn flatten(&mut self, node: &'a Node, prefix: &str) {
        match node {
            Node::Scalar(v) => self.leaves.push((prefix.to_owned(), v)),
            Node::Array(items) => items.iter().for_each(|n| self.flatten(n, prefix)),
            Node::Object(members) => {
                if !prefix.is_empty() {
                    self.objects.insert(prefix.to_owned());
                }
                for (k, n) in members {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    // Each dotted step is an object too (`"a.b.c": 1` makes `a` and `a.b`).
                    let mut at = 0;
                    while let Some(d) = path[at..].find('.') {
                        self.objects.insert(path[..at + d].to_owned());
                        at += d + 1;
                    }
                    if !matches!(n, Node::Object(_)) {
                        *self.written.entry(path.clone()).or_default() += 1;
                    }
                    self.flatten(n, &path);
                }
            }
        }
    }
}

/// What a value at `path` does wrong against the mapping, if anything.
fn type_finding(path: &str, value: &Value, schema: &Schema) -> Option<String> {
    // The first mapped field that is not an object, from the root down.
    let mut at = 0;
    loop {
        let end = path[at..].find('.').map_or(path.len(), |d| at + d);
        let prefix = &path[..end];
        match schema.0.get(prefix).map(String::as_str) {
            None => return None, // a custom field: dynamic mapping
            Some("object" | "nested") if end == path.len() => {
                return (!value.is_null())
                    .then(|| format!("`{path}` is an object (an ECS field set or object) but got a flat value {value}"));
            }
            Some("object" | "nested") => {}
            Some("flat_object" | "flattened") => return None,
            Some(ty) if end < path.len() => {
                return Some(format!(
                    "`{path}`: `{prefix}` is an ECS `{ty}` field, so nothing can go below it"
                ));
            }
            Some(ty) => return mismatch(path, ty, value),
        }
        at = end + 1;
    }
}

fn mismatch(path: &str, ty: &str, v: &Value) -> Option<String> {
    let ok = match (ty, v) {
        (_, Value::Null) => true,
        ("long" | "integer" | "short" | "byte" | "unsigned_long", Value::Number(n)) => {
            n.is_i64() || n.is_u64()
        }
        ("long" | "integer" | "short" | "byte" | "unsigned_long", Value::String(s)) => {
            s.trim().parse::<i128>().is_ok()
        }
        ("float" | "double" | "scaled_float" | "half_float", Value::Number(_)) => true,
        ("float" | "double" | "scaled_float" | "half_float", Value::String(s)) => {
            s.trim().parse::<f64>().is_ok_and(f64::is_finite)
        }
        ("boolean", Value::Bool(_)) => true,
        ("boolean", Value::String(s)) => matches!(s.as_str(), "true" | "false"),
        ("ip", Value::String(s)) => s.parse::<IpAddr>().is_ok(),
        ("date", Value::Number(n)) => n.is_i64() || n.is_u64(),
        ("date", Value::String(s)) => is_date(s),
        ("keyword" | "wildcard" | "constant_keyword" | "text" | "match_only_text", v) => {
            !v.is_object()
        }
        ("geo_point", _) => true,
        _ => false,
    };
    (!ok).then(|| format!("`{path}` is an ECS `{ty}` field but got {v}: the document is rejected"))
}

/// `YYYY-MM-DD`, optionally followed by a time (`T…`): what the engines' default date
/// format takes.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || b[10] == b'T' || b[10] == b' ')
}
