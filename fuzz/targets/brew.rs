//! `brew outdated --json=v2` (the brew updater's `parse`) and `brew info
//! --json=v2`'s candidates (the brew installer's `parse_candidates`): whatever it says, no command toolup would
//! run from it carries an option or a name its updater refuses.

pub fn run(data: &[u8]) {
    let text = super::text(data);
    super::updater_reads("brew", &text);
    super::candidates("brew", &text);
}
