//! The house keeps its layers: every `crate::` (and `super::`) path in
//! `src/**/*.rs` names a room on the same layer or below, never above, so
//! no two top-level rooms can import each other. The layers are the
//! ```layers block of docs/architecture.md, top to bottom; there is no
//! list of exceptions.

use std::path::{Path, PathBuf};

/// The rooms, top to bottom, as docs/architecture.md lists them.
fn layers(root: &Path) -> Vec<String> {
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let block = doc
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/architecture.md has a ```layers block");
    block
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/`: `src/a/b.rs` is `[a, b]`,
/// `src/a/mod.rs` is `[a]`, `src/main.rs` is `[main]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a line without its `//` comment (a `://` in a string stays).
fn code(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(at) = line[i..].find("//") {
        let at = i + at;
        if at == 0 || bytes[at - 1] != b':' {
            return &line[..at];
        }
        i = at + 2;
    }
    line
}

/// The top-level rooms one line names: `crate::x…`, `crate::{x, y::z}`,
/// `super::…` climbing out of the file's module, and `toolup::x` in main.rs.
fn named_rooms(line: &str, module: &[String], is_main: bool) -> Vec<String> {
    let mut out = Vec::new();
    let words: Vec<char> = line.chars().collect();
    let text: String = words.iter().collect();
    let root_word = if is_main { "toolup" } else { "crate" };
    let mut rest = text.as_str();
    while let Some(at) = rest.find(root_word) {
        let before = rest[..at].chars().last();
        let after = &rest[at + root_word.len()..];
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(path) = after.strip_prefix("::") else {
            continue;
        };
        if let Some(group) = path.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or("");
            out.extend(
                group
                    .split(',')
                    .filter_map(|item| item.trim().split("::").next())
                    .filter(|w| !w.is_empty() && *w != "self")
                    .map(str::to_owned),
            );
        } else {
            let word: String = path
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(word);
        }
    }
    // `super::super::x` from a file: where does it land?
    let mut rest = text.as_str();
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            rest = &rest[at + 7..];
            continue;
        }
        let mut here = module.to_vec();
        let mut tail = &rest[at..];
        while let Some(t) = tail.strip_prefix("super::") {
            here.pop();
            tail = t;
        }
        rest = tail;
        if here.is_empty() {
            let word: String = tail
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                out.push(word);
            }
        }
    }
    out
}

/// Every import that climbs a layer (or names a room the layers do not
/// list), as `file:line: message`.
fn violations(root: &Path) -> Vec<String> {
    let order = layers(root);
    let rank = |room: &str| order.iter().position(|r| r == room);
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in &files {
        let module = module_path(&src, file);
        let own = module[0].clone();
        if own == "lib" {
            continue;
        }
        let shown = file.strip_prefix(root).unwrap().display().to_string();
        let Some(own_rank) = rank(&own) else {
            out.push(format!("{shown}: room `{own}` is not in the layers"));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        // Inline `mod name {` blocks (tests) are modules too, for `super::`.
        let mut inline: Vec<(String, usize)> = Vec::new();
        let mut depth = 0usize;
        for (n, line) in text.lines().enumerate() {
            let line = code(line);
            let opened = line
                .trim_start()
                .trim_start_matches("pub ")
                .strip_prefix("mod ")
                .and_then(|r| r.strip_suffix('{'))
                .map(|name| name.trim().to_owned());
            let here: Vec<String> = module
                .iter()
                .cloned()
                .chain(inline.iter().map(|(m, _)| m.clone()))
                .chain(opened.clone())
                .collect();
            if let Some(name) = opened {
                inline.push((name, depth));
            }
            depth += line.matches('{').count();
            depth = depth.saturating_sub(line.matches('}').count());
            while inline.last().is_some_and(|(_, at)| *at >= depth) {
                inline.pop();
            }
            for room in named_rooms(line, &here, own == "main") {
                if room == own {
                    continue;
                }
                match rank(&room) {
                    None => out.push(format!(
                        "{shown}:{}: `{own}` names `{room}`, which is not in the layers",
                        n + 1
                    )),
                    Some(r) if r < own_rank => out.push(format!(
                        "{shown}:{}: `{own}` imports `{room}`, a layer above it",
                        n + 1
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    out
}

#[test]
fn no_import_climbs_a_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = violations(root);
    assert!(
        found.is_empty(),
        "{} import(s) against the layers of docs/architecture.md:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn every_room_of_the_crate_is_a_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let order = layers(root);
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(room) = line.strip_prefix("pub mod ") {
            let room = room.trim_end_matches(';');
            assert!(
                order.iter().any(|r| r == room),
                "src/lib.rs declares `{room}`, which docs/architecture.md's layers do not list"
            );
        }
    }
}

#[test]
fn a_back_import_is_caught_with_its_file_and_line() {
    // A scratch house: two rooms, the lower one importing the upper.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::create_dir_all(root.join("src/low")).unwrap();
    std::fs::write(
        root.join("docs/architecture.md"),
        "# x\n```layers\nmain\nhigh\nlow\n```\n",
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), "pub mod high;\npub mod low;\n").unwrap();
    std::fs::write(
        root.join("src/main.rs"),
        "fn main() { toolup::high::go() }\n",
    )
    .unwrap();
    std::fs::write(root.join("src/high.rs"), "use crate::low::x;\n").unwrap();
    std::fs::write(
        root.join("src/low/mod.rs"),
        "mod inner;\n// crate::high in a comment is no import\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/low/inner.rs"),
        "use super::super::high::y; // climbs\nfn f() { crate::{low::a, high::b}; }\nmod tests {\n    use super::super::z;\n}\n",
    )
    .unwrap();
    let found = violations(root);
    assert_eq!(
        found,
        [
            "src/low/inner.rs:1: `low` imports `high`, a layer above it",
            "src/low/inner.rs:2: `low` imports `high`, a layer above it",
        ],
        "{found:#?}"
    );
}
