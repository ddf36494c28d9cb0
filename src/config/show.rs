//! What `toolup config` shows of the configuration: each setting in effect
//! with where it came from, the project file and its trust, and the files
//! toolup reads, in order of precedence.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Config, PROJECT_FILE, SYSTEM_FILE};

/// One setting, its value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shown {
    pub key: String,
    pub value: String,
    pub from: String,
}

impl Config {
    /// Every setting in `effective` (key and value in effect, defaults
    /// included) with where it came from — a file when it holds that value,
    /// `detected` for those keys when no file set them — then everything the
    /// files set that has no default (managers, pins, presets, sources).
    /// Values are shown without their credentials.
    pub fn shown(&self, effective: Vec<(&str, String)>, detected: &[&str]) -> Vec<Shown> {
        let from_files: Vec<_> = self.origins().collect();
        let mut out: Vec<Shown> = Vec::new();
        for (key, value) in effective {
            let from = match from_files.iter().find(|(k, _, _)| *k == key) {
                Some((_, file_value, path)) if *file_value == value => path.display().to_string(),
                Some(_) => "flag or environment (over a config file)".to_owned(),
                None if detected.contains(&key) => "detected".to_owned(),
                None => "default, flag or environment".to_owned(),
            };
            out.push(Shown {
                key: key.to_owned(),
                value: shown_value(&value),
                from,
            });
        }
        for (key, value, path) in &from_files {
            if !out.iter().any(|r| r.key == *key) {
                out.push(Shown {
                    key: (*key).to_owned(),
                    value: shown_value(value),
                    from: path.display().to_string(),
                });
            }
        }
        out
    }

    /// The project file in effect, whether the user trusts it, and the
    /// sections ignored because they do not.
    pub fn project_state(&self) -> Option<ProjectState> {
        self.project_file
            .as_ref()
            .map(|(file, trusted)| ProjectState {
                path: file.display().to_string(),
                trusted: *trusted,
                ignored: self
                    .ignored
                    .iter()
                    .flat_map(|i| i.sections.iter().copied())
                    .collect(),
            })
    }
}

/// A value as `config show` may show it: a credential in it (a source's
/// `user:password@`, a token) is `***`, so the table's columns are laid
/// out around what is shown (the printer scrubs again, whatever it prints).
fn shown_value(value: &str) -> String {
    crate::base::secrets::scrub(value).into_owned()
}

/// The project file in effect and its trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectState {
    pub path: String,
    pub trusted: bool,
    /// The sections an untrusted file set and did not get.
    pub ignored: Vec<&'static str>,
}

/// A configuration file toolup reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// `system`, `user` or `project`.
    pub layer: &'static str,
    pub path: PathBuf,
    pub exists: bool,
}

/// The files `Config::load` reads, lowest precedence first: the system's,
/// the user's (in `user_dir`, when there is one), and the project's (the
/// nearest to `cwd`, else where one would be).
pub fn places(user_dir: Option<&Path>, cwd: &Path) -> Vec<Place> {
    let mut files: Vec<(&'static str, PathBuf)> = vec![("system", SYSTEM_FILE.into())];
    if let Some(dir) = user_dir {
        files.push(("user", dir.join("config.toml")));
    }
    files.push((
        "project",
        super::trust::find_project_file(cwd).unwrap_or_else(|| cwd.join(PROJECT_FILE)),
    ));
    files
        .into_iter()
        .map(|(layer, path)| Place {
            layer,
            exists: path.is_file(),
            path,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_says_whether_a_file_detection_or_something_else_set_it() {
        let file = PathBuf::from("/home/u/.config/toolup/config.toml");
        let mut config = Config::default();
        for (key, value) in [("audit.jobs", "4"), ("presets.mine", "rg")] {
            config
                .values
                .insert(key.to_owned(), (value.to_owned(), file.clone()));
        }
        let shown = config.shown(
            vec![
                ("audit.jobs", "4".to_owned()),
                ("upstream.offline", "false".to_owned()),
                ("environment.kind", "ci".to_owned()),
            ],
            &["environment.kind"],
        );
        let from: Vec<(&str, &str)> = shown
            .iter()
            .map(|s| (s.key.as_str(), s.from.as_str()))
            .collect();
        let path = file.display().to_string();
        assert_eq!(from[0], ("audit.jobs", path.as_str()));
        assert_eq!(
            from[1],
            ("upstream.offline", "default, flag or environment")
        );
        assert_eq!(from[2], ("environment.kind", "detected"));
        assert_eq!(shown[3].key, "presets.mine");
        let over = config.shown(vec![("audit.jobs", "8".to_owned())], &[]);
        assert_eq!(over[0].from, "flag or environment (over a config file)");
    }

    #[test]
    fn the_project_file_is_where_one_would_be_when_there_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(Some(&dir.path().join("user")), dir.path());
        let layers: Vec<&str> = places.iter().map(|p| p.layer).collect();
        assert_eq!(layers, ["system", "user", "project"]);
        assert_eq!(places[2].path, dir.path().join(PROJECT_FILE));
        assert!(!places[1].exists && !places[2].exists);
    }
}
