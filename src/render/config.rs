//! The configuration views: every setting with its value and origin (and
//! the project file's trust), and the files toolup reads.

use tabled::builder::Builder;

use crate::config::show::{Place, ProjectState, Shown};

/// `config show --format json`.
pub fn show_document(rows: &[Shown], project: Option<&ProjectState>) -> serde_json::Value {
    serde_json::json!({
        "schema_version": 1,
        "settings": rows,
        "project_file": project.map(|p| serde_json::json!({
            "path": p.path, "trusted": p.trusted, "ignored": p.ignored,
        })),
    })
}

/// `config show`: KEY, VALUE, FROM, then the project file's trust.
pub fn show_table(rows: &[Shown], project: Option<&ProjectState>) -> String {
    let mut builder = Builder::default();
    builder.push_record(["KEY", "VALUE", "FROM"]);
    for row in rows {
        builder.push_record([row.key.clone(), row.value.clone(), row.from.clone()]);
    }
    if let Some(p) = project {
        let state = match (p.trusted, p.ignored.as_slice()) {
            (true, _) => "trusted".to_owned(),
            (false, []) => "not trusted (sets nothing that needs trust)".to_owned(),
            (false, sections) => format!("not trusted: ignored {}", sections.join(", ")),
        };
        builder.push_record(["project file".to_owned(), state, p.path.clone()]);
    }
    let table = super::fit(builder, super::terminal_width(), &[2, 1]);
    format!("{table}\n")
}

/// `config path --format json`.
pub fn places_document(places: &[Place]) -> serde_json::Value {
    let list: Vec<_> = places
        .iter()
        .map(|p| serde_json::json!({"layer": p.layer, "path": p.path, "exists": p.exists}))
        .collect();
    serde_json::json!({"schema_version": 1, "files": list})
}

/// `config path`: a file a line, marked when it is not there.
pub fn places_text(places: &[Place]) -> String {
    let mut text = String::new();
    for p in places {
        let there = if p.exists { "" } else { "  (not there)" };
        text.push_str(&format!("{:<8} {}{there}\n", p.layer, p.path.display()));
    }
    text
}
