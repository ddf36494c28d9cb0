//! `--only` and `--category` against a snapshot rather than the catalog
//! (`toolup render` reads only the snapshot file).

use crate::model::Snapshot;

use super::{Filter, Settings};

impl Settings {
    /// These settings with `--only` naming the snapshot's tools: a command
    /// name (`rg`) means the tool whose installation it is. An unknown
    /// category is an error listing the known ones, an unknown name one
    /// naming the snapshot file; both suggest the closest names.
    pub fn for_snapshot(&self, snapshot: &Snapshot) -> anyhow::Result<Settings> {
        let only = self.snapshot_selection(snapshot)?;
        Ok(Settings {
            filter: Filter {
                only,
                ..self.filter.clone()
            },
            ..self.clone()
        })
    }

    /// The tool names `--only` means in `snapshot`, once `--category` is
    /// known to be one of its categories.
    pub fn snapshot_selection(&self, snapshot: &Snapshot) -> anyhow::Result<Vec<String>> {
        let mut categories: Vec<&str> =
            snapshot.tools.iter().map(|t| t.category.as_str()).collect();
        categories.sort_unstable();
        categories.dedup();
        self.filter
            .check_category(&categories)
            .map_err(anyhow::Error::msg)?;
        self.filter
            .only
            .iter()
            .map(|name| {
                let by_name = snapshot.tools.iter().find(|t| &t.name == name);
                let by_command = || {
                    snapshot.tools.iter().find(|t| {
                        t.installations.iter().any(|i| {
                            std::path::Path::new(&i.path)
                                .file_name()
                                .is_some_and(|f| f == name.as_str())
                        })
                    })
                };
                by_name
                    .or_else(by_command)
                    .map(|t| t.name.clone())
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "--only: no tool or command named {:?} in the snapshot {}{}",
                            crate::base::printer::visible(name),
                            self.snapshot_path.display(),
                            crate::base::names::did_you_mean(
                                name,
                                snapshot.tools.iter().map(|t| t.name.as_str())
                            )
                        )
                    })
            })
            .collect()
    }
}
