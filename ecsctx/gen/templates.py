#!/usr/bin/env python3
"""Writes the index templates for the `logs-*-*` data streams ecsctx's lines go to:

- ecsctx/deploy/elasticsearch/index-template.json (Elasticsearch 8/9, composable)
- ecsctx/deploy/opensearch/index-template.json (OpenSearch 2.x, composable)
- ecsctx/deploy/opensearch/ism-policy.json (OpenSearch's retention: ISM, not the template)

from the ECS field table (../shared/ecs/ecs-9.4.0-fields.tsv: names and datatypes, the
same facts the macro crate's schema table is generated from) plus ecsctx's placement rules
(placement::DEFAULT_ROOT_FIELDS: `extra`, `payload`, `headers` and `view` hold free-form
objects, `labels.*` and `payment.*` are keywords, `merchant_id`, `session_id` and
`project.name` keywords).

Generated, never edited by hand: CI runs this script and fails when the committed files
differ (`git diff --exit-code ecsctx/deploy`).

usage: python3 ecsctx/gen/templates.py [path/to/ecs-9.4.0-fields.tsv]
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
tsv = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../../shared/ecs/ecs-9.4.0-fields.tsv")
ECS_VERSION = "9.4.0"

with open(tsv, encoding="utf-8") as f:
    FIELDS = [
        tuple(line.rstrip("\n").split("\t")[:2])
        for line in f
        if not (line.startswith("#") or line.startswith("flat_name\t"))
    ]

# The longest keyword indexed (ECS's own convention); a longer value stays in `_source`.
KEYWORD = {"type": "keyword", "ignore_above": 1024}

# How each ECS datatype is mapped, per target. OpenSearch 2.19 has no `flattened` (its
# equivalent is `flat_object`), and its `constant_keyword` needs its one value up front
# (ecsctx never writes `data_stream.*`: a keyword is enough). `scaled_float` comes with
# the `mapper-extras` module of both distributions.
TYPES = {
    "elasticsearch": {
        "keyword": KEYWORD,
        "flattened": {"type": "flattened"},
        "scaled_float": {"type": "scaled_float", "scaling_factor": 1000},
    },
    "opensearch": {
        "keyword": KEYWORD,
        "flattened": {"type": "flat_object"},
        "constant_keyword": KEYWORD,
        "scaled_float": {"type": "scaled_float", "scaling_factor": 1000},
    },
}


# The fields a free-text search looks in: the message and error, the ids an analyst
# pastes (trace, span, transaction, tokens of users), the request, and ecsctx's own
# root fields. Text and keyword fields only: a free-text term is not an IP, a number or
# a date, and a query on such a field fails instead of finding nothing.
DEFAULT_FIELDS = [
    "message",
    "error.message",
    "error.type",
    "error.code",
    "event.action",
    "event.reason",
    "trace.id",
    "span.id",
    "transaction.id",
    "service.name",
    "log.logger",
    "user.id",
    "user.name",
    "user.email",
    "url.path",
    "url.full",
    "http.request.method",
    "session_id",
    "merchant_id",
    "project.name",
    "labels.*",
    "payment.*",
    "extra",
    "payload",
    "headers",
    "view",
]


def mapping_of(target, ecs_type):
    return dict(TYPES[target].get(ecs_type, {"type": ecs_type}))


def custom_root(target):
    """The root fields ecsctx writes beside ECS (placement::DEFAULT_ROOT_FIELDS)."""
    free = mapping_of(target, "flattened")
    return {
        # Everything that is not ECS and not on the allowlist: any shape, any depth.
        "extra": free,
        "payload": free,
        "headers": free,
        "view": free,
        "merchant_id": dict(KEYWORD),
        "session_id": dict(KEYWORD),
        "project": {"type": "object", "properties": {"name": dict(KEYWORD)}},
        # `payment.*`: keywords, through the dynamic template below.
        "payment": {"type": "object"},
    }


def properties(target):
    root = {}
    for name, ecs_type in FIELDS:
        node = root
        parts = name.split(".")
        for p in parts[:-1]:
            parent = node.setdefault(p, {"type": "object"})
            assert parent.get("type") in ("object", "nested"), name
            node = parent.setdefault("properties", {})
        leaf = node.setdefault(parts[-1], {})
        if ecs_type in ("object", "nested"):
            # (A field set met first as a parent is an object until ECS says nested.)
            leaf["type"] = ecs_type
        else:
            assert "properties" not in leaf, name
            leaf.update(mapping_of(target, ecs_type))
    for name, m in custom_root(target).items():
        assert name not in root, name
        root[name] = m
    return sort(root)


def sort(d):
    return {k: sort(v) if isinstance(v, dict) else v for k, v in sorted(d.items())}


def count_fields(props):
    n = 0
    for m in props.values():
        n += 1
        n += count_fields(m.get("properties", {}))
    return n


def template(target):
    props = properties(target)
    fields = count_fields(props)
    return {
        "index_patterns": ["logs-*-*"],
        "data_stream": {},
        # Above the built-in `logs` template (100) that also matches `logs-*-*`.
        "priority": 200,
        "_meta": {
            "description": "ECS %s mappings for ecsctx lines (generated by ecsctx/gen/templates.py)" % ECS_VERSION,
            "ecs_version": ECS_VERSION,
        },
        "template": {
            "settings": {
                # Every ECS field is mapped up front, with room for the service's own.
                "index.mapping.total_fields.limit": (fields // 1000 + 2) * 1000,
                # A search without fields (Kibana's or OpenSearch Dashboards' free text)
                # expands `*` to every mapped field, over the 1,024 a query may use: it
                # looks in the fields ecsctx's lines carry instead.
                "index.query.default_field": DEFAULT_FIELDS,
            },
            "mappings": {
                # A date-looking string in a custom field stays a string.
                "date_detection": False,
                "dynamic_templates": [
                    {"labels": {"path_match": "labels.*", "mapping": dict(KEYWORD)}},
                    {"payment": {"path_match": "payment.*", "mapping": dict(KEYWORD)}},
                    {"strings": {"match_mapping_type": "string", "mapping": dict(KEYWORD)}},
                ],
                "properties": props,
            },
        },
    }


def ism_policy():
    """OpenSearch's Index State Management policy for the data streams' backing indices
    (OpenSearch has no data stream lifecycle in the template): roll over daily or at
    50 GB a primary shard, delete after 30 days. Needs the ISM plugin (in every
    OpenSearch distribution; not in the bare test node)."""
    return {
        "policy": {
            "description": "ecsctx logs: roll over daily or at 50gb, delete after 30 days",
            "default_state": "hot",
            "states": [
                {
                    "name": "hot",
                    "actions": [{"rollover": {"min_index_age": "1d", "min_primary_shard_size": "50gb"}}],
                    "transitions": [{"state_name": "delete", "conditions": {"min_index_age": "30d"}}],
                },
                {"name": "delete", "actions": [{"delete": {}}], "transitions": []},
            ],
            "ism_template": [{"index_patterns": ["logs-*-*"], "priority": 200}],
        }
    }


def write(path, doc):
    out = os.path.join(here, "../deploy", path)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.relpath(out))


write("opensearch/ism-policy.json", ism_policy())
for target in ("elasticsearch", "opensearch"):
    out = os.path.join(here, "../deploy", target, "index-template.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(template(target), f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.relpath(out))
