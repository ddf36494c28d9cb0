//! `npm outdated -g --json` and `pnpm outdated -g --format json` (the
//! npm and pnpm updaters' `parse`): whatever it says, no command toolup would
//! run from it carries an option or a name its updater refuses.

pub fn run(data: &[u8]) {
    let text = super::text(data);
    super::updater_reads("npm", &text);
    super::updater_reads("pnpm", &text);
}
