//! Reading and writing the snapshot file, with errors that say how to recover.

use std::path::{Path, PathBuf};

use crate::model::{SCHEMA_VERSION, Snapshot};

use super::write_atomic;

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("no snapshot at {0}: run `toolup collect` (or `toolup audit`) to make one")]
    Missing(PathBuf),
    #[error("cannot read snapshot {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "snapshot {path} is corrupt at line {line}, column {column}: {message}; run `toolup collect` to make a new one"
    )]
    Corrupt {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "snapshot {path} has schema_version {found}, this toolup reads {SCHEMA_VERSION}; run `toolup collect` to make a new one"
    )]
    Schema { path: PathBuf, found: u32 },
    #[error("cannot write snapshot {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The largest snapshot toolup reads (a snapshot of 1,000 tools is ~2 MB).
const MAX_SNAPSHOT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads and checks a snapshot file: a regular file, of bounded size.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, SnapshotError> {
    let bytes = match super::read_bounded(path, MAX_SNAPSHOT_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SnapshotError::Missing(path.to_owned()));
        }
        Err(source) => {
            return Err(SnapshotError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    let snapshot: Snapshot =
        serde_json::from_slice(&bytes).map_err(|e| SnapshotError::Corrupt {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
    if snapshot.meta.schema_version != SCHEMA_VERSION {
        return Err(SnapshotError::Schema {
            path: path.to_owned(),
            found: snapshot.meta.schema_version,
        });
    }
    Ok(snapshot)
}

/// Writes a snapshot atomically, pretty-printed with a trailing newline.
pub fn save_snapshot(path: &Path, snapshot: &Snapshot) -> Result<(), SnapshotError> {
    let mut text = serde_json::to_string_pretty(snapshot).map_err(|e| SnapshotError::Write {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    })?;
    text.push('\n');
    // What tools printed is kept, less credentials (string by string).
    let text = crate::base::secrets::scrub_json(&text);
    write_atomic(path, text.as_bytes()).map_err(|source| SnapshotError::Write {
        path: path.to_owned(),
        source,
    })
}
