//! A module's `module.toml` (`modules::Manifest::parse`). A manifest read
//! has a module name, semantic versions and a check command inside the
//! module; an error names the file.

use std::path::Path;

use toolup::modules::Manifest;
use toolup::modules::manifest::{inside, is_module_name};

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let path = Path::new("/modules/team/module.toml");
    match Manifest::parse(path, &text) {
        Ok(m) => {
            assert!(is_module_name(&m.name), "{:?}", m.name);
            if let Some(program) = m.check.first() {
                assert!(inside(program).is_ok(), "{program:?}");
            }
            let _ = m.too_new();
        }
        Err(e) => assert!(e.starts_with("/modules/team/module.toml"), "{e}"),
    }
}
