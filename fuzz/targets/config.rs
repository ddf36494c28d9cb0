//! A config file (`config::Config::apply_text`, what `Config::load` reads
//! each file with): `KIND NUL TOML`, KIND being `user` (or the system's),
//! `trusted` or `untrusted` (a project's `.toolup.toml`). An untrusted
//! project file changes nothing that runs, sends or backs up, and names
//! what it asked for; a file a trusted project may hold, an untrusted one
//! may too; an error names the file.

use std::path::Path;

use toolup::config::Config;

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let [kind, text] = fields.as_slice() else {
        return;
    };
    let file = Path::new("/project/.toolup.toml");
    let read = |trusted: Option<bool>| {
        let mut config = Config::default();
        config.apply_text(file, text, trusted).map(|()| config)
    };
    match kind.as_ref() {
        "untrusted" => {
            let Ok(config) = read(Some(false)) else {
                return;
            };
            assert_eq!(config.project_file, Some((file.to_owned(), false)));
            assert!(config.sources.is_empty() && config.managers.is_empty());
            assert!(config.pins.is_empty() && config.tool_breaking_changes.is_empty());
            assert!(config.presets.is_empty() && config.environment.is_none());
            assert!(config.breaking_changes.is_none() && config.backups_keep.is_none());
            assert!(config.backups_max_age.is_none() && !config.approval_required);
            assert!(config.maintenance.is_empty() && config.system_enable.is_empty());
            assert!(config.modules_repository.is_none() && config.modules_branch.is_none());
            for ignored in &config.ignored {
                assert!(!ignored.sections.is_empty());
            }
        }
        "trusted" => {
            let trusted = read(Some(true));
            if let Err(e) = &trusted {
                assert!(e.to_string().starts_with(&file.display().to_string()), "{e}");
            }
            let untrusted = read(Some(false));
            if trusted.is_ok() {
                assert!(untrusted.is_ok(), "untrusted, {text:?} fails");
            }
            if let Ok(config) = trusted {
                assert_eq!(config.project_file, Some((file.to_owned(), true)));
                assert!(config.ignored.is_empty());
            }
        }
        _ => {
            if let Err(e) = read(None) {
                assert!(e.to_string().starts_with(&file.display().to_string()), "{e}");
            }
        }
    }
}
