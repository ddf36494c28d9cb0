//! `dnf check-update` (the dnf updater's `parse`) and `dnf repoquery`'s
//! candidates (the dnf installer's `parse_candidates`): whatever it says, no command toolup would
//! run from it carries an option or a name its updater refuses.

pub fn run(data: &[u8]) {
    let text = super::text(data);
    super::updater_reads("dnf", &text);
    super::candidates("dnf", &text);
}
