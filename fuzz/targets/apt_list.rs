//! apt's `apt list --upgradable` (the apt updater's `parse`, where apt
//! cannot simulate): whatever it says, no command toolup would
//! run from it carries an option or a name its updater refuses.

pub fn run(data: &[u8]) {
    super::updater_reads("apt", &super::text(data));
}
