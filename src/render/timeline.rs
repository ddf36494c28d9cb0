//! A run drawn on one time axis (`system history --timeline`): a row per
//! updater, its phases as bars, the time it waited before starting as
//! dots, then what each wait was for — so what ran side by side and what
//! waited for what can be seen at a glance.

use crate::runner::journal::{JobTimeline, PhaseSpan, RunJournal};

/// How wide a drawing is where nothing says (piped output).
const PIPED_WIDTH: usize = 80;

/// A column's length: the first of these (milliseconds) that fits the run
/// in the width, so times land on round marks whatever the run's noise.
const STEPS_MS: &[u64] = &[
    100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
    600_000, 1_800_000, 3_600_000,
];

/// The drawing of `journal`'s run, at most `width` columns wide.
pub fn timeline(journal: &RunJournal, width: Option<usize>) -> String {
    let mut rows: Vec<(&String, &JobTimeline)> = journal
        .timeline
        .iter()
        .filter(|(_, t)| !t.phases.is_empty())
        .collect();
    if rows.is_empty() {
        return format!("run {}: no phase ran\n", journal.run_id);
    }
    let end_ms = rows
        .iter()
        .flat_map(|(_, t)| &t.phases)
        .map(|p| p.end_ms.unwrap_or(p.start_ms))
        .max()
        .unwrap_or(0);
    let label = rows
        .iter()
        .map(|(id, _)| id.chars().count())
        .max()
        .unwrap_or(0);
    // A bar's line is the label, `  |` and a cell per column plus one (the
    // column its end rounds to): within the width (fuzz: a run ending just
    // under the room's edge drew one column and the axis' last time past it).
    let room = width
        .unwrap_or(PIPED_WIDTH)
        .saturating_sub(label + 4)
        .max(10);
    // The longest run fits too, in whole hours a column (fuzz: a journal's
    // `end_ms` near u64::MAX asked for a line of trillions of cells).
    let step = STEPS_MS
        .iter()
        .copied()
        .find(|s| end_ms / s < room as u64)
        .unwrap_or_else(|| end_ms.div_ceil(room as u64).div_ceil(3_600_000) * 3_600_000);
    let columns = usize::try_from(end_ms.div_ceil(step)).map_or(room, |c| c.clamp(1, room));
    let col = |ms: u64| usize::try_from(ms.saturating_add(step / 2) / step).unwrap_or(usize::MAX);
    // Rows in the order they start as drawn, those starting in one column
    // by name: updaters started a millisecond apart keep one order.
    rows.sort_by_key(|(id, t)| (col(t.phases[0].start_ms), *id));
    let mut out = format!(
        "run {} (started {}): one column is {}\n\n",
        journal.run_id,
        journal.started_at,
        seconds(step)
    );
    out.push_str(&format!(
        "{:label$}   {}\n",
        "",
        axis(columns, step, room + 1)
    ));
    let mut notes = Vec::new();
    for (id, line) in &rows {
        let mut cells = vec![' '; columns + 1];
        let col = |ms: u64| col(ms).min(columns);
        let ready = ready_ms(line, &journal.timeline);
        let first = line.phases[0].start_ms;
        for c in col(ready)..col(first).min(cells.len()) {
            cells[c] = '·';
        }
        for span in &line.phases {
            let (from, to) = (col(span.start_ms), col(span.end_ms.unwrap_or(end_ms)));
            for cell in cells.iter_mut().take(to.max(from + 1)).skip(from) {
                *cell = mark(span);
            }
        }
        out.push_str(&format!(
            "{id:label$}  |{}\n",
            cells.iter().collect::<String>().trim_end()
        ));
        notes.extend(waits(id, line, ready, step, &journal.timeline));
    }
    out.push_str("\n█ update  ░ download  ▒ repair  ✗ failed  · waiting\n");
    for note in notes {
        out.push_str(&format!("{note}\n"));
    }
    out
}

/// A phase's bar: by what it did, and whether it failed.
fn mark(span: &PhaseSpan) -> char {
    match (span.outcome.as_deref(), span.phase.as_str()) {
        (Some("failed" | "interrupted" | "rolled-back"), _) => '✗',
        (_, "download") => '░',
        (_, "repair") => '▒',
        _ => '█',
    }
}

/// When the job could have started: once every job it runs after had
/// finished (the run's start when none).
fn ready_ms(line: &JobTimeline, all: &std::collections::BTreeMap<String, JobTimeline>) -> u64 {
    line.runs_after
        .iter()
        .filter_map(|b| all.get(b))
        .flat_map(|t| &t.phases)
        .filter_map(|p| p.end_ms)
        .max()
        .unwrap_or(0)
}

/// What a job waited for, where it waited: a named lock another job held
/// then, a lock file another program held, or a free slot.
/// Waits are said to the drawing's precision (a column).
fn waits(
    id: &str,
    line: &JobTimeline,
    ready: u64,
    step: u64,
    all: &std::collections::BTreeMap<String, JobTimeline>,
) -> Vec<String> {
    let first = &line.phases[0];
    let mut notes = Vec::new();
    let waited = first
        .start_ms
        .saturating_sub(ready)
        .saturating_add(step / 2)
        / step
        * step;
    if waited > 0 {
        let holder = first.locks.iter().find_map(|lock| {
            all.iter()
                .filter(|(other, _)| other.as_str() != id)
                .flat_map(|(other, t)| t.phases.iter().map(move |p| (other, p)))
                .find(|(_, p)| {
                    p.locks.contains(lock)
                        && p.start_ms <= ready.max(p.start_ms)
                        && p.end_ms.is_some_and(|e| e > ready)
                })
                .map(|(other, _)| format!("for {lock} (held by {other})"))
        });
        notes.push(format!(
            "{id} waited {} {}",
            seconds(waited),
            holder.unwrap_or_else(|| "for a free slot".to_owned())
        ));
    }
    for span in &line.phases {
        for holder in &span.waits {
            notes.push(format!("{id} {}: waited — {holder}", span.phase));
        }
    }
    notes
}

/// The axis: a mark and its time every ten columns (four, on a narrow one),
/// at most `limit` characters wide.
fn axis(columns: usize, step: u64, limit: usize) -> String {
    let every = if columns < 20 { 4 } else { 10 };
    let mut text = String::new();
    let mut c = 0;
    while c <= columns {
        let label = seconds((c as u64).saturating_mul(step));
        if c > 0 && text.chars().count() < c {
            text.push_str(&" ".repeat(c - text.chars().count()));
        }
        if c + 1 + label.chars().count() > limit {
            break;
        }
        if text.chars().count() == c {
            text.push('|');
            text.push_str(&label);
        }
        c += every;
    }
    text
}

/// `0.5s`, `2s`, `1m30s`.
fn seconds(ms: u64) -> String {
    match ms {
        ms if ms % 1000 != 0 => format!("{:.1}s", ms as f64 / 1000.0),
        ms if ms >= 60_000 && ms % 60_000 == 0 => format!("{}m", ms / 60_000),
        ms if ms >= 60_000 => format!("{}m{}s", ms / 60_000, ms % 60_000 / 1000),
        ms => format!("{}s", ms / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(phase: &str, start: u64, end: u64, locks: &[&str]) -> PhaseSpan {
        PhaseSpan {
            phase: phase.to_owned(),
            start_ms: start,
            end_ms: Some(end),
            outcome: Some("ok".to_owned()),
            locks: locks.iter().map(|l| (*l).to_owned()).collect(),
            waits: Vec::new(),
        }
    }

    #[test]
    fn side_by_side_and_a_wait_for_a_lock_are_drawn_and_named() {
        let mut journal = RunJournal::new(&["a".to_owned(), "b".to_owned(), "c".to_owned()]);
        journal.run_id = "RUN".to_owned();
        journal.started_at = "2026-01-01T00:00:00Z".to_owned();
        let line = |after: &[&str], phases: Vec<PhaseSpan>| JobTimeline {
            runs_after: after.iter().map(|a| (*a).to_owned()).collect(),
            phases,
        };
        journal.timeline.insert(
            "a".to_owned(),
            line(&[], vec![span("update", 20, 2_030, &["pkgmgr:one"])]),
        );
        journal.timeline.insert(
            "b".to_owned(),
            line(
                &[],
                vec![
                    span("download", 10, 900, &[]),
                    span("update", 900, 2_010, &[]),
                ],
            ),
        );
        journal.timeline.insert(
            "c".to_owned(),
            line(&[], vec![span("update", 2_040, 4_050, &["pkgmgr:one"])]),
        );
        let text = timeline(&journal, Some(40));
        assert_eq!(
            text,
            "run RUN (started 2026-01-01T00:00:00Z): one column is 0.2s\n\n    |0s       |2s       |4s\na  |██████████\nb  |░░░░░█████\nc  |··········██████████\n\n█ update  ░ download  ▒ repair  ✗ failed  · waiting\nc waited 2s for pkgmgr:one (held by a)\n"
        );
    }

    #[test]
    fn rows_starting_in_one_column_keep_their_names_order() {
        // CI: two updaters started a millisecond apart swapped rows from
        // one run to the next.
        let mut journal = RunJournal::new(&["x".to_owned(), "y".to_owned()]);
        journal.run_id = "RUN".to_owned();
        for (id, start) in [("y", 5), ("x", 6)] {
            journal.timeline.insert(
                id.to_owned(),
                JobTimeline {
                    runs_after: Vec::new(),
                    phases: vec![span("update", start, 4_000, &[])],
                },
            );
        }
        let text = timeline(&journal, Some(40));
        let x = text.find("\nx ").unwrap();
        let y = text.find("\ny ").unwrap();
        assert!(x < y, "{text}");
    }

    #[test]
    fn the_drawing_stays_within_its_width_however_long_the_run() {
        // tests/fuzz_regressions/run_journal/axis-past-the-width, and runs
        // too long for the largest column (up to u64::MAX milliseconds).
        for end in [723_920, 7_290_000, 999_999_999_999, u64::MAX - 1] {
            let mut journal = RunJournal::new(&["apt".to_owned(), "npm".to_owned()]);
            for (id, start) in [("apt", 0), ("npm", end / 2)] {
                journal.timeline.insert(
                    id.to_owned(),
                    JobTimeline {
                        runs_after: Vec::new(),
                        phases: vec![span("update", start, end, &[])],
                    },
                );
            }
            let text = timeline(&journal, Some(80));
            let drawing = text.split("\n\n").nth(1).unwrap();
            for line in drawing.lines() {
                assert!(line.chars().count() <= 80, "{end}: {line:?}");
            }
        }
    }

    #[test]
    fn times_read_as_people_write_them() {
        assert_eq!(seconds(500), "0.5s");
        assert_eq!(seconds(2_000), "2s");
        assert_eq!(seconds(90_000), "1m30s");
        assert_eq!(seconds(120_000), "2m");
    }
}
