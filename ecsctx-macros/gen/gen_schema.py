#!/usr/bin/env python3
"""Generate ecsctx-macros/src/schema_table.rs from the ECS fields TSV.

Usage: python3 ecsctx-macros/gen/gen_schema.py [path/to/ecs-X.Y.Z-fields.tsv] > ecsctx-macros/src/schema_table.rs

Keeps only facts of the public standard that the checks need: the flat field
name, its datatype (folded into the few kinds the macros check) and its
allowed values. No descriptions.
"""
import os
import sys

KIND = {
    "keyword": "Keyword",
    "constant_keyword": "Keyword",
    "wildcard": "Keyword",
    "match_only_text": "Text",
    "text": "Text",
    "long": "Long",
    "integer": "Integer",
    "float": "Float",
    "double": "Float",
    "scaled_float": "Float",
    "boolean": "Boolean",
    "date": "Date",
    "ip": "Ip",
    "geo_point": "GeoPoint",
    "object": "Object",
    "flattened": "Flattened",
    "nested": "Nested",
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "..", "shared", "ecs", "ecs-9.4.0-fields.tsv")
    path = sys.argv[1] if len(sys.argv) > 1 else default
    source = os.path.basename(path)
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("flat_name\t"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 5:
                continue
            name, ty, _level, normalize, allowed = cols[:5]
            if ty not in KIND:
                sys.exit(f"unknown ECS datatype {ty!r} for {name}")
            values = [] if allowed == "-" else allowed.split(",")
            rows.append((name, KIND[ty], normalize == "array", values))
    rows.sort(key=lambda r: r[0])

    out = []
    out.append(f"// @generated from {source} by ecsctx-macros/gen/gen_schema.py; do not edit.")
    out.append("// Regenerate from the workspace root:")
    out.append(f"//   python3 ecsctx-macros/gen/gen_schema.py ../shared/ecs/{source} > ecsctx-macros/src/schema_table.rs")
    out.append("")
    out.append("use crate::schema::Kind::{self, *};")
    out.append("")
    version = source.removeprefix("ecs-").removesuffix("-fields.tsv")
    out.append("/// The ECS version the table was generated from.")
    out.append(f'pub(crate) const ECS_VERSION: &str = "{version}";')
    out.append("")
    out.append("/// Every ECS field and its datatype, sorted by flat name.")
    out.append("#[rustfmt::skip]")
    out.append("pub(crate) static FIELDS: &[(&str, Kind)] = &[")
    for name, kind, _array, _values in rows:
        out.append(f'    ("{name}", {kind}),')
    out.append("];")
    out.append("")
    out.append("/// The fields whose values ECS restricts, sorted by flat name.")
    out.append("#[rustfmt::skip]")
    out.append("pub(crate) static ALLOWED: &[(&str, &[&str])] = &[")
    for name, _kind, _array, values in rows:
        if values:
            items = ", ".join(f'"{v}"' for v in values)
            out.append(f'    ("{name}", &[{items}]),')
    out.append("];")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
