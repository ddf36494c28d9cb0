//! `checkupdates` (the pacman updater's `parse`) and `pacman -Si`'s
//! candidates (the pacman installer's `parse_candidates`): whatever it says, no command toolup would
//! run from it carries an option or a name its updater refuses.

pub fn run(data: &[u8]) {
    let text = super::text(data);
    super::updater_reads("pacman", &text);
    super::candidates("pacman", &text);
}
