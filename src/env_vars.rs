//! Every environment variable toolup reads, as one documented constant each.

/// Replaces the embedded catalog with this directory (same as `--catalog`).
pub const TOOLUP_CATALOG: &str = "TOOLUP_CATALOG";
/// `1` (or `true`): never open a socket (same as `--offline`).
pub const TOOLUP_OFFLINE: &str = "TOOLUP_OFFLINE";
/// The snapshot file (same as `--snapshot`).
pub const TOOLUP_SNAPSHOT: &str = "TOOLUP_SNAPSHOT";
/// dpkg's admin directory, default `/var/lib/dpkg` (for tests and chroots).
pub const TOOLUP_DPKG_ADMINDIR: &str = "TOOLUP_DPKG_ADMINDIR";
/// Any value disables colour (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
