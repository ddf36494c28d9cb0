//! `toolup trust`'s work: which project file a path (or the working
//! directory) means, and trusting it as it is now or forgetting it, in the
//! store in toolup's state directory.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::{PROJECT_FILE, TrustStore, trust::find_project_file};

/// The project file `path` names (a directory: its `.toolup.toml`), or
/// without a path the nearest to the working directory.
pub fn project_file(path: Option<&Path>) -> anyhow::Result<PathBuf> {
    Ok(match path {
        Some(p) if p.is_dir() => p.join(PROJECT_FILE),
        Some(p) => p.to_path_buf(),
        None => {
            let cwd = std::env::current_dir().context("the working directory")?;
            find_project_file(&cwd)
                .with_context(|| format!("no {PROJECT_FILE} in {} or above it", cwd.display()))?
        }
    })
}

/// Trusts `file` as it is now in the store in `state_dir`; returns its
/// canonical path and sha256.
pub fn trust(state_dir: &Path, file: &Path) -> anyhow::Result<(PathBuf, String)> {
    let mut store = TrustStore::load(Some(state_dir));
    if !file.exists() {
        bail!("{}: no such file", file.display());
    }
    let (canonical, hash) = store.trust(file)?;
    store
        .save(state_dir)
        .with_context(|| format!("writing {}", state_dir.display()))?;
    Ok((canonical, hash))
}

/// Forgets `file` in the store in `state_dir`; true when it was trusted.
pub fn untrust(state_dir: &Path, file: &Path) -> anyhow::Result<bool> {
    let mut store = TrustStore::load(Some(state_dir));
    let was = store.untrust(file);
    store
        .save(state_dir)
        .with_context(|| format!("writing {}", state_dir.display()))?;
    Ok(was)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    #[test]
    fn a_directory_means_its_project_file_and_trust_can_be_taken_back() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let file = project_file(Some(dir.path())).unwrap();
        assert_eq!(file, dir.path().join(PROJECT_FILE));
        let missing = trust(&state, &file).unwrap_err();
        assert_eq!(
            missing.to_string(),
            format!("{}: no such file", file.display())
        );
        std::fs::write(&file, "[audit]\njobs = 2\n").unwrap();
        let (canonical, hash) = trust(&state, &file).unwrap();
        assert_eq!(hash.len(), 64);
        assert!(TrustStore::load(Some(&state)).trusts(&canonical, b"[audit]\njobs = 2\n"));
        assert!(untrust(&state, &file).unwrap());
        assert!(!untrust(&state, &file).unwrap());
    }
}
