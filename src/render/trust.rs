//! What `toolup trust` says it did.

use std::path::Path;

use crate::base::printer::visible;

/// `file` is trusted as it is now, with the start of its sha256 `hash`.
pub fn trusted(file: &Path, hash: &str) -> String {
    format!(
        "trusted {} (sha256 {}); editing it makes it untrusted again",
        visible(&file.display().to_string()),
        &hash[..hash.len().min(12)]
    )
}

/// `file` is no longer trusted, or never was (`was`).
pub fn untrusted(file: &Path, was: bool) -> String {
    let shown = visible(&file.display().to_string()).into_owned();
    if was {
        format!("no longer trusted: {shown}")
    } else {
        format!("was not trusted: {shown}")
    }
}
