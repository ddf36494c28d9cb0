//! `system_check.json`, the last `system check` that `system status`
//! reads (`system::CheckReport`, read with serde_json as
//! `system::check::load` reads it): what is read is written back and read
//! again equal; `system status` draws it (table and Markdown).

use toolup::system::CheckReport;

pub fn run(data: &[u8]) {
    let Some(report) = super::json_round_trip::<CheckReport>(data) else {
        return;
    };
    let merged = report.merged_with(&report);
    assert_eq!(merged.updaters.len(), report.updaters.len());
    let _ = (report.pending(), report.security(), report.failed());
    let age = report.age();
    let _ = toolup::render::system_check::check_table(&report, age.as_deref());
    let _ = toolup::render::system_check::check_markdown(&report);
    let _ = toolup::render::system_check::fail_on_note(&report);
}
