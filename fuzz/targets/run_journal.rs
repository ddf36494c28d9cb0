//! Run journals: a system update's (`runner::journal::RunJournal`, what
//! `--resume` and `system history --timeline` read) and an install's
//! actions in progress (`state::journal::Unfinished`, what the next acting
//! run puts back). Both are read with serde_json and written pretty; what
//! is read is written back and read again equal, a resume takes exactly
//! the unfinished jobs, and the timeline is drawn within its width.

use toolup::runner::journal::RunJournal;
use toolup::state::journal::Unfinished;

pub fn run(data: &[u8]) {
    if let Some(journal) = super::json_round_trip::<RunJournal>(data) {
        for job in journal.unfinished() {
            assert!(journal.jobs.contains_key(&job), "{job}");
        }
        let _ = toolup::render::timeline::timeline(&journal, None);
        let drawn = toolup::render::timeline::timeline(&journal, Some(80));
        // The drawing (axis and bars, between the title and the legend)
        // fits when its labels leave it room (ten columns at least).
        let label = journal
            .timeline
            .iter()
            .filter(|(_, t)| !t.phases.is_empty())
            .map(|(id, _)| id.chars().count())
            .max()
            .unwrap_or(0);
        if label + 4 + 10 <= 80 {
            for line in drawn.split("\n\n").nth(1).unwrap_or("").lines() {
                assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
            }
        }
    }
    super::json_round_trip::<Unfinished>(data);
}
