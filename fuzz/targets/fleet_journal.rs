//! A fleet run's journal (`fleet::journal::FleetJournal`,
//! `state/fleet/RUN/journal.json`). It reads back as it was written
//! (parse, print, parse), and a resume takes up only hosts of the journal,
//! each with its own run only when that is a run id (it becomes an argument).

use toolup::fleet::journal::FleetJournal;

pub fn run(data: &[u8]) {
    let Some(journal) = super::json_round_trip::<FleetJournal>(data) else {
        return;
    };
    for (host, run) in journal.to_resume() {
        assert!(journal.hosts.iter().any(|h| h.host == host), "{host}");
        if let Some(run) = run {
            assert!(toolup::fleet::stream::is_run_id(&run), "{run:?}");
        }
    }
}
