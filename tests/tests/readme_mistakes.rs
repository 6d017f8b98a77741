//! The README's "Hall of Mistakes" quotes each compile error verbatim: every message in
//! its "The compiler says" column is the first line of a `trybuild/fail/*.stderr` (a
//! message cut with `…` is a prefix of one).

use std::path::Path;

#[test]
fn hall_of_mistakes_quotes_the_compiler() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let firsts: Vec<String> = std::fs::read_dir(root.join("trybuild/fail"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "stderr").then(|| {
                let text = std::fs::read_to_string(&p).unwrap();
                text.lines().next().unwrap_or_default().to_owned()
            })
        })
        .collect();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme.find("### Hall of Mistakes").expect("the section");
    let end = start + readme[start..].find("\n## ").expect("the next section");
    let mut rows = 0;
    for line in readme[start..end].lines() {
        let cells: Vec<&str> = line.split(" | ").collect();
        if cells.len() < 4 || !line.starts_with("| ") || line.starts_with("| Mistake") {
            continue;
        }
        rows += 1;
        let said = cells[2].trim();
        let quoted = match said.split_once('…') {
            Some((head, _)) => firsts.iter().any(|f| f.starts_with(head.trim_end())),
            None => firsts.iter().any(|f| f == said),
        };
        assert!(quoted, "not a compiler message in trybuild/fail: {said}");
    }
    assert!(rows >= 25, "{rows} rows read");
}
