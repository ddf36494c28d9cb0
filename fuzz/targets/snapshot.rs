//! `tools_snapshot.json` (`model::Snapshot`, read with serde_json as
//! `state::load_snapshot` reads it, written as `save_snapshot` writes it):
//! parse, print, parse gives the same document; `toolup render` draws any
//! snapshot it reads (table, Markdown, JSON), and its JSON reads back.

use toolup::model::Snapshot;
use toolup::settings::{Filter, Format};

pub fn run(data: &[u8]) {
    let Some(snapshot) = super::json_round_trip::<Snapshot>(data) else {
        return;
    };
    let filter = Filter::default();
    for all in [false, true] {
        let _ = toolup::render::render(&snapshot, Format::Table, &filter, all);
    }
    let _ = toolup::render::render(&snapshot, Format::Markdown, &filter, false);
    let json = toolup::render::render(&snapshot, Format::Json, &filter, false);
    let shown: Snapshot = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(shown.tools.len(), snapshot.tools.len());
}
