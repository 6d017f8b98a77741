//! The collector configs of `ecsctx/deploy` (Vector for Docker and Kubernetes, Filebeat,
//! Compose labels): each parses, routes to `logs-${PROJECT_NAME}-${ENVIRONMENT}`, reads
//! the fields ecsctx's lines carry, and writes only fields the generated index template
//! maps (no mapping conflict from the collector's own metadata).

use ecsctx::testing::capture;
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

const VECTOR_DOCKER: &str = include_str!("../../ecsctx/deploy/vector/docker.toml");
const VECTOR_K8S: &str = include_str!("../../ecsctx/deploy/vector/kubernetes.toml");
const COMPOSE: &str = include_str!("../../ecsctx/deploy/vector/docker-compose.yml");
const FILEBEAT: &str = include_str!("../../ecsctx/deploy/filebeat/filebeat.yml");
const TEMPLATE: &str = include_str!("../../ecsctx/deploy/opensearch/index-template.json");

/// The fields a config says it writes (its `# writes:` line).
fn writes(config: &str) -> Vec<&str> {
    let line = config
        .lines()
        .find_map(|l| l.strip_prefix("# writes: "))
        .expect("a `# writes:` line");
    line.split_whitespace().collect()
}

/// Whether the template maps `path` as a value (not an object, where a value written
/// would be a mapping conflict): a field it lists, or below `labels` (keywords by its
/// dynamic template).
fn mapped(path: &str) -> bool {
    if path.starts_with("labels.") {
        return true;
    }
    let t: Value = serde_json::from_str(TEMPLATE).unwrap();
    let mut props = &t["template"]["mappings"]["properties"];
    let mut field = &Value::Null;
    for seg in path.split('.') {
        match props.get(seg) {
            Some(m) => {
                field = m;
                props = &m["properties"];
            }
            None => return false,
        }
    }
    !matches!(field["type"].as_str(), Some("object" | "nested"))
}

#[test]
fn a_value_on_an_ecs_object_is_not_mapped() {
    // Docker's own `host` (a string) and `label` would be conflicts or custom fields.
    assert!(!mapped("host"));
    assert!(!mapped("container"));
    assert!(mapped("container.name"));
    assert!(mapped("@timestamp"));
}

/// What every ecsctx line carries that a collector reads.
fn read_fields_exist(fields: &[&str]) {
    let lines = capture(|| {
        log::info!("from_another_crate");
        ecsctx::event!(info, "payment_processed", amount = 1);
    });
    for line in &lines {
        for f in fields {
            assert!(line.get(*f).is_some(), "`{f}` missing from {line}");
        }
    }
}

fn vector(config: &str, source_type: &str) {
    let v: toml::Table = config.parse().expect("Vector's TOML parses");
    let (source, s) = v["sources"].as_table().unwrap().iter().next().unwrap();
    assert_eq!(s["type"].as_str(), Some(source_type));
    let t = &v["transforms"]["ecs_lines"];
    assert_eq!(t["type"].as_str(), Some("remap"));
    assert_eq!(t["inputs"][0].as_str(), Some(source.as_str()));
    let vrl = t["source"].as_str().unwrap();
    // A line that is JSON is the event; any other text stays whole in `message`.
    assert!(
        vrl.contains("parse_json(raw)") && vrl.contains("\"message\": raw"),
        "{vrl}"
    );
    let sink = &v["sinks"]["elasticsearch"];
    assert_eq!(sink["inputs"][0].as_str(), Some("ecs_lines"));
    assert_eq!(sink["mode"].as_str(), Some("data_stream"));
    let ds = &sink["data_stream"];
    assert_eq!(ds["type"].as_str(), Some("logs"));
    assert_eq!(ds["dataset"].as_str(), Some("${PROJECT_NAME}"));
    assert_eq!(ds["namespace"].as_str(), Some("${ENVIRONMENT}"));
    for f in writes(config) {
        assert!(
            mapped(f),
            "{f}: written by the collector, not mapped by the template"
        );
        let last = f.rsplit('.').next().unwrap();
        assert!(
            vrl.contains(&format!("\"{last}\"")),
            "{f} is not written by the remap"
        );
    }
    read_fields_exist(&["@timestamp", "message"]);
}

#[test]
fn vector_for_docker() {
    vector(VECTOR_DOCKER, "docker_logs");
    let v: toml::Table = VECTOR_DOCKER.parse().unwrap();
    let labels = v["sources"]["docker_logs"]["include_labels"]
        .as_array()
        .unwrap();
    assert_eq!(labels[0].as_str(), Some("collect_logs=true"));
}

#[test]
fn vector_for_kubernetes() {
    vector(VECTOR_K8S, "kubernetes_logs");
}

fn yaml(text: &str) -> Yaml {
    YamlLoader::load_from_str(text)
        .expect("YAML parses")
        .remove(0)
}

#[test]
fn compose_labels_match_what_vector_collects() {
    let c = yaml(COMPOSE);
    let web = &c["services"]["web"]["labels"];
    assert_eq!(web["collect_logs"].as_str(), Some("true"));
    let mounts = c["services"]["vector"]["volumes"].as_vec().unwrap();
    assert!(mounts
        .iter()
        .any(|m| m.as_str() == Some("./docker.toml:/etc/vector/vector.toml:ro")));
}

#[test]
fn filebeat_decodes_each_line_at_the_root_as_written() {
    let f = yaml(FILEBEAT);
    let input = &f["filebeat.inputs"][0];
    assert_eq!(input["type"].as_str(), Some("filestream"));
    let ndjson = &input["parsers"][0]["ndjson"];
    assert_eq!(ndjson["target"].as_str(), Some(""));
    assert_eq!(ndjson["expand_keys"].as_bool(), Some(false));
    assert_eq!(ndjson["message_key"].as_str(), Some("message"));
    assert_eq!(
        f["output.elasticsearch"]["index"].as_str(),
        Some("logs-${PROJECT_NAME}-${ENVIRONMENT}")
    );
    assert_eq!(f["setup.template.enabled"].as_bool(), Some(false));
    for w in writes(FILEBEAT) {
        assert!(mapped(w), "{w}");
    }
    read_fields_exist(&["@timestamp", "message", "log.level", "ecs.version"]);
}
