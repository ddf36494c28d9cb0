//! cargo's record of installed crates, `~/.cargo/.crates2.json` (what the
//! cargo check reads): only registry crates with plain names, and the
//! update toolup would run names each at a version, never an option.

use toolup::managers::readers::cargo_installed;

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let Ok(installed) = cargo_installed(&text) else {
        return;
    };
    for (name, _) in &installed {
        assert!(toolup::base::names::is_valid_package_name(name), "{name:?}");
    }
    super::registry_checked("cargo", &installed);
}

