//! `toolup latest`'s table: each tool's latest release, where the answer
//! came from and when it was fetched.

use tabled::builder::Builder;

use crate::audit::latest::LatestRecord;

/// The answers as a table.
pub fn table(records: &[LatestRecord]) -> String {
    let mut builder = Builder::default();
    builder.push_record(["TOOL", "LATEST", "SOURCE", "FROM", "FETCHED", "NOTES"]);
    for r in records {
        match &r.latest {
            Some(l) => builder.push_record([
                r.name.clone(),
                l.version.clone(),
                l.source.clone(),
                format!("{}{}", l.from.id(), if l.stale { " (stale)" } else { "" }),
                l.fetched_at.clone().unwrap_or_default(),
                r.error.clone().unwrap_or_default(),
            ]),
            None => builder.push_record([
                r.name.clone(),
                "-".into(),
                String::new(),
                String::new(),
                String::new(),
                r.error.clone().unwrap_or_default(),
            ]),
        }
    }
    let table = super::fit(builder, super::terminal_width(), &[5, 2, 4, 0]);
    format!("{table}\n")
}
