//! The views of `toolup system check` and `status`: the saved report as a
//! table (each updater, then each pending package) or as Markdown, the
//! `--fail-on` note, and `--validate-only`'s requirements.

use tabled::builder::Builder;

use crate::base::text::human_bytes;
use crate::system::validate::Requirement;
use crate::system::{CheckReport, UpdaterCheck};

/// The report as tables fitted to the terminal, then a summary line;
/// `age` (how long ago it was checked) follows the check's time when given.
pub fn check_table(report: &CheckReport, age: Option<&str>) -> String {
    if report.updaters.is_empty() {
        let why = if report.not_applicable.is_empty() {
            "none was selected"
        } else {
            "none of those selected applies on this machine"
        };
        return format!("no updater checked: {why}\n{}", summary(report, age));
    }
    let width = super::terminal_width();
    let mut out = super::fit_with(
        updaters_table(&report.updaters, age.is_some()),
        width,
        super::layout::Layout {
            shrink: vec![6, 4],
            drop: vec![6, 3, 4],
            group: None,
            under: Some(6),
            argv: vec![],
        },
    );
    out.push('\n');
    if let Some(list) = pending_table(&report.updaters) {
        out.push('\n');
        out.push_str(&super::fit_with(
            list,
            width,
            super::layout::Layout {
                shrink: vec![],
                drop: vec![0, 4, 2],
                group: Some(0),
                under: None,
                argv: vec![],
            },
        ));
        out.push('\n');
    }
    for line in summary(report, age).split_inclusive('\n') {
        out.push_str(&super::wrap_words(line.trim_end_matches('\n'), width));
        out.push('\n');
    }
    out
}

/// One row per updater: counts, download size, estimate, time taken (or,
/// for a saved report, how long ago each was checked), errors and what
/// was held back.
fn updaters_table(updaters: &[UpdaterCheck], saved: bool) -> Builder {
    let mut b = Builder::default();
    b.push_record([
        "UPDATER",
        "PENDING",
        "SECURITY",
        "DOWNLOAD",
        "ESTIMATE",
        if saved { "CHECKED" } else { "TOOK" },
        "NOTES",
    ]);
    for u in updaters {
        let when = if saved {
            u.age()
                .map_or_else(|| "-".to_owned(), |a| format!("{a} ago"))
        } else {
            format!("{:.1}s", u.elapsed_ms as f64 / 1000.0)
        };
        let notes: Vec<&str> = u
            .error
            .iter()
            .chain(&u.held_back)
            .map(String::as_str)
            .collect();
        b.push_record([
            u.updater.clone(),
            u.pending.len().to_string(),
            u.security.to_string(),
            u.download_bytes.map_or_else(|| "-".to_owned(), human_bytes),
            u.estimate.clone(),
            when,
            notes.join("; "),
        ]);
    }
    b
}

/// One row per pending package; none when nothing is pending.
fn pending_table(updaters: &[UpdaterCheck]) -> Option<Builder> {
    let rows: Vec<_> = updaters
        .iter()
        .flat_map(|u| u.pending.iter().map(move |p| (u, p)))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let mut b = Builder::default();
    b.push_record(["UPDATER", "PACKAGE", "FROM", "TO", "SECURITY"]);
    let mut last = "";
    for (u, p) in rows {
        // The updater on its group's first row: a heading where space is short.
        let group = if u.updater == last { "" } else { &u.updater };
        last = &u.updater;
        b.push_record([
            group.to_owned(),
            p.name.clone(),
            p.from.clone().unwrap_or_else(|| "-".into()),
            p.to.clone().unwrap_or_else(|| "-".into()),
            if p.security {
                "yes".into()
            } else {
                String::new()
            },
        ]);
    }
    Some(b)
}

/// The counts, the reboot and when it was checked; the updaters that do
/// not apply here.
fn summary(report: &CheckReport, age: Option<&str>) -> String {
    let when = age.map_or_else(
        || report.checked_at.clone(),
        |a| format!("{} ({a} ago)", report.checked_at),
    );
    let mut out = format!(
        "\n{} pending ({} security) from {} updater(s); reboot {}; checked {when}\n",
        report.pending(),
        report.security(),
        report.updaters.len(),
        match &report.reboot_reason {
            Some(why) => format!("needed: {why}"),
            None => "not needed".to_owned(),
        }
    );
    if !report.not_applicable.is_empty() {
        out.push_str(&format!("not here: {}\n", report.not_applicable.join(", ")));
    }
    out
}

fn reboot_word(report: &CheckReport) -> &'static str {
    if report.reboot_required {
        "needed"
    } else {
        "not needed"
    }
}

/// The note printed when `--fail-on` trips: what was found.
pub fn fail_on_note(report: &CheckReport) -> String {
    format!(
        "--fail-on: {} pending, {} security, reboot {}",
        report.pending(),
        report.security(),
        reboot_word(report)
    )
}

/// The report as Markdown: a summary table, then each updater's pending
/// packages folded in a `<details>`.
pub fn check_markdown(report: &CheckReport) -> String {
    let mut out = format!(
        "## System updates\n\n{} pending ({} security); reboot {}.\n\n| Updater | Pending | Security | Notes |\n|---|---|---|---|\n",
        report.pending(),
        report.security(),
        reboot_word(report)
    );
    for u in &report.updaters {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            u.updater,
            u.pending.len(),
            u.security,
            u.error.clone().unwrap_or_default().replace('|', "\\|")
        ));
    }
    for u in report.updaters.iter().filter(|u| !u.pending.is_empty()) {
        out.push_str(&pending_details(u));
    }
    out
}

/// One updater's pending packages, folded.
fn pending_details(u: &UpdaterCheck) -> String {
    let mut out = format!(
        "\n<details><summary>{} ({})</summary>\n\n",
        u.updater,
        u.pending.len()
    );
    for p in &u.pending {
        out.push_str(&format!(
            "- {} {} → {}{}\n",
            p.name.replace('<', "&lt;"),
            p.from.as_deref().unwrap_or("-"),
            p.to.as_deref().unwrap_or("-"),
            if p.security { " (security)" } else { "" }
        ));
    }
    out.push_str("\n</details>\n");
    out
}

/// `--validate-only`: each requirement and whether it holds, then the verdict.
pub fn requirements(requirements: &[Requirement]) -> String {
    if requirements.is_empty() {
        return "nothing to validate: no selected updater applies on this machine\n".to_owned();
    }
    let mut b = Builder::default();
    b.push_record(["UPDATER", "NEEDS", "OK", "DETAIL"]);
    for r in requirements {
        b.push_record([
            r.updater.clone(),
            r.need.clone(),
            if r.ok { "yes" } else { "NO" }.to_owned(),
            r.detail.clone(),
        ]);
    }
    let failed = requirements.iter().filter(|r| !r.ok).count();
    format!(
        "{}\n\n{}\n",
        super::fit(b, super::terminal_width(), &[3]),
        if failed == 0 {
            "everything an update needs is there".to_owned()
        } else {
            format!("{failed} requirement(s) missing")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::managers::Pending;

    fn report() -> CheckReport {
        let mut p = Pending::new("a<b", Some("1"), None);
        p.security = true;
        CheckReport {
            schema_version: 1,
            checked_at: "2020-01-01T00:00:00Z".to_owned(),
            reboot_required: true,
            reboot_reason: Some("kernel".to_owned()),
            not_applicable: vec!["dnf".to_owned()],
            updaters: vec![UpdaterCheck {
                updater: "apt".to_owned(),
                pending: vec![p],
                security: 1,
                download_bytes: None,
                estimate: "no history".to_owned(),
                error: Some("x|y".to_owned()),
                elapsed_ms: 1500,
                held_back: Vec::new(),
                checked_at: String::new(),
            }],
        }
    }

    #[test]
    fn markdown_escapes_and_folds_the_pending() {
        assert_eq!(
            check_markdown(&report()),
            "## System updates\n\n1 pending (1 security); reboot needed.\n\n| Updater | Pending | Security | Notes |\n|---|---|---|---|\n| apt | 1 | 1 | x\\|y |\n\n<details><summary>apt (1)</summary>\n\n- a&lt;b 1 → - (security)\n\n</details>\n"
        );
        assert_eq!(
            fail_on_note(&report()),
            "--fail-on: 1 pending, 1 security, reboot needed"
        );
    }

    #[test]
    fn the_table_ends_with_the_summary_and_what_is_not_here() {
        let text = check_table(&report(), Some("3m"));
        assert!(
            text.ends_with(
                "1 pending (1 security) from 1 updater(s); reboot needed: kernel; checked 2020-01-01T00:00:00Z (3m ago)\nnot here: dnf\n"
            ),
            "{text}"
        );
        // A saved report says how long ago each updater was checked.
        assert!(text.contains("CHECKED") && text.contains(" - "), "{text}");
        let fresh = check_table(&report(), None);
        assert!(
            fresh.contains("TOOK") && fresh.contains(" 1.5s "),
            "{fresh}"
        );
    }
}
