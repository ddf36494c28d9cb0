//! Questions about paths that every layer asks.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A regular file (after following links) with an execute bit.
pub fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
