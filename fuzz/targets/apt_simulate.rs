//! apt's own simulation, `apt-get -s dist-upgrade` (what the apt check
//! reads first): each `Inst` line is a pending update named as apt names
//! packages, and the security-only update built from it passes apt's
//! whitelist of shapes.

use toolup::managers::readers::apt_simulation;

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let pending = apt_simulation(&text);
    let apt = toolup::managers::updater("apt").unwrap_or_else(|| panic!("no apt"));
    super::argv_stays_safe(apt, &pending);
    for p in &pending {
        assert!(!p.name.is_empty() && !p.name.contains([' ', ':', '\n']), "{:?}", p.name);
        assert!(p.to.is_some());
    }
}
