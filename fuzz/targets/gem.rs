//! `gem outdated` (the gem updater's `parse`): whatever it says, no command toolup would
//! run from it carries an option or a name its updater refuses.

pub fn run(data: &[u8]) {
    super::updater_reads("gem", &super::text(data));
}
