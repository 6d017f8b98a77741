//! The modules of `ecsctx/src` import each other without circles (issue "One straight
//! path"): each file's `crate::…` and `super::…` paths (comments and test modules left
//! out) are resolved to the module they name, and the graph of those edges must have no
//! cycle. A new import that closes one fails here, naming the modules of the circle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module name (`render/bound`, `context`) → the file's text.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().with_extension("");
                let mut name = rel.to_string_lossy().replace('\\', "/");
                if let Some(parent) = name.strip_suffix("/mod") {
                    name = parent.to_owned();
                }
                if name.starts_with("bin/") || name == "lib" {
                    continue;
                }
                out.insert(name, fs::read_to_string(&path).unwrap());
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ecsctx/src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The code of a file without its comments and its `#[cfg(test)] mod tests`.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths after each `prefix` in `code` (`crate::render::bound::Fields` → `render::bound::Fields`).
fn paths<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    code.match_indices(prefix).filter_map(move |(i, _)| {
        // A whole word: not `$crate::` or `my_crate::`.
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            return None;
        }
        let rest = &code[i + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        Some(rest[..end].trim_end_matches(':'))
    })
}

/// The longest module that is a prefix of `path` (`render::bound::Fields` → `render/bound`).
fn resolve(mods: &BTreeMap<String, String>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("/"))
        .find(|m| mods.contains_key(m))
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, text) in &mods {
        let code = code(text);
        let parent = m.rsplit_once('/').map_or("", |(p, _)| p);
        let mut edges = BTreeSet::new();
        for p in paths(&code, "crate::") {
            edges.extend(resolve(&mods, p));
        }
        for p in paths(&code, "super::") {
            let full = if parent.is_empty() {
                p.to_owned()
            } else {
                format!("{}::{p}", parent.replace('/', "::"))
            };
            edges.extend(resolve(&mods, &full));
        }
        // A module's own submodules are its parts, not its dependencies.
        edges.retain(|t| t != m && !t.starts_with(&format!("{m}/")));
        g.insert(m.clone(), edges);
    }
    g
}

/// Every strongly connected component of more than one module (Tarjan).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    impl<'a> T<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on.insert(v);
            for w in &self.g[v] {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.on.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    comp.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.out.push(comp);
                }
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out
}

#[test]
fn no_module_imports_another_in_a_circle() {
    let g = graph();
    // The graph is read for real: the pipeline's known edges are in it.
    assert!(g["context"].contains("render/bound"), "{:?}", g["context"]);
    assert!(g["logger"].contains("context"), "{:?}", g["logger"]);
    assert!(g["ecs"].contains("typed"), "{:?}", g["ecs"]);
    assert_eq!(circles(&g), Vec::<Vec<String>>::new());
}

#[test]
fn a_circle_is_found() {
    let mut g = graph();
    // `render/bound` importing `context` would close a circle with `context`'s import.
    g.get_mut("render/bound").unwrap().insert("context".into());
    assert!(circles(&g)
        .iter()
        .any(|c| c.contains(&"context".to_owned()) && c.contains(&"render/bound".to_owned())));
}

#[test]
fn context_does_no_rendering_and_no_testing() {
    let g = graph();
    let allowed: BTreeSet<&str> = ["render/bound", "sink", "trace/w3c", "context/task"].into();
    for m in ["context", "context/task"] {
        for dep in &g[m] {
            assert!(
                allowed.contains(dep.as_str()) || dep == "context",
                "`{m}` imports `{dep}`"
            );
        }
    }
}
