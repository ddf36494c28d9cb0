//! `pipx list --json` (what the pipx check reads): each venv's main
//! package and version, compared with the registry as the check compares.

use toolup::managers::readers::pipx_installed;

pub fn run(data: &[u8]) {
    if let Ok(installed) = pipx_installed(&super::text(data)) {
        super::registry_checked("pipx", &installed);
    }
}
