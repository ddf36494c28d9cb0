//! `toolup latest`'s table: each tool's latest release, where the answer
//! came from and when it was fetched.

use tabled::builder::Builder;

use crate::audit::latest::{LatestRecord, Unanswered};

/// The answers as a table; no tool selected says so.
pub fn table(records: &[LatestRecord]) -> String {
    if records.is_empty() {
        return "no tool selected: nothing to look up\n".to_owned();
    }
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

/// The message that goes with `toolup latest`'s exit status 1: each tool
/// that had no answer, and why.
pub fn unanswered(missing: &[Unanswered]) -> String {
    let mut text = format!("no latest version for {} tool(s):", missing.len());
    for m in missing {
        text.push_str(&format!("\n  {}: {}", m.name, m.reason));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{Unanswered, table, unanswered};

    #[test]
    fn nothing_selected_and_no_answers_are_said_in_words() {
        assert_eq!(table(&[]), "no tool selected: nothing to look up\n");
        let missing = [
            Unanswered {
                name: "ruff".into(),
                reason: "offline, and nothing cached for pypi:ruff".into(),
            },
            Unanswered {
                name: "jq".into(),
                reason: "https://api.github.com: connection failed".into(),
            },
        ];
        assert_eq!(
            unanswered(&missing),
            "no latest version for 2 tool(s):\n  ruff: offline, and nothing cached for pypi:ruff\n  jq: https://api.github.com: connection failed"
        );
    }
}
