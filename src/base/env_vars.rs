//! Every environment variable toolup reads, as one documented constant each.

/// Replaces the embedded catalog with this directory (same as `--catalog`).
pub const TOOLUP_CATALOG: &str = "TOOLUP_CATALOG";
/// `1` (or `true`): never open a socket (same as `--offline`).
pub const TOOLUP_OFFLINE: &str = "TOOLUP_OFFLINE";
/// The snapshot file (same as `--snapshot`).
pub const TOOLUP_SNAPSHOT: &str = "TOOLUP_SNAPSHOT";
/// dpkg's admin directory, default `/var/lib/dpkg` (for tests and chroots).
pub const TOOLUP_DPKG_ADMINDIR: &str = "TOOLUP_DPKG_ADMINDIR";
/// The directory holding Debian's `reboot-required` flag, instead of
/// `/var/run` and `/run` (tests, chroots).
pub const TOOLUP_REBOOT_FLAG_DIR: &str = "TOOLUP_REBOOT_FLAG_DIR";
/// apt's configuration directory, default `/etc/apt` (where the Debian source finds its mirror).
pub const TOOLUP_APT_ETC: &str = "TOOLUP_APT_ETC";
/// The Debian archive base URL (`<base>/dists/unstable/main/source/Sources.gz`).
pub const TOOLUP_DEBIAN_URL: &str = "TOOLUP_DEBIAN_URL";
/// Any value disables colour (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// GitHub's REST API base URL.
pub const TOOLUP_GITHUB_API_URL: &str = "TOOLUP_GITHUB_API_URL";
/// GitHub's web base URL (release redirects, Atom feeds).
pub const TOOLUP_GITHUB_URL: &str = "TOOLUP_GITHUB_URL";
/// The Python package index (Simple API) URL, as pip's `index-url` (`<index>/NAME/`).
pub const TOOLUP_PYPI_URL: &str = "TOOLUP_PYPI_URL";
/// The crates registry's sparse index base URL (`<base>/3/s/syn`).
pub const TOOLUP_CRATES_INDEX_URL: &str = "TOOLUP_CRATES_INDEX_URL";
/// The crates registry's web API base URL (`<base>/api/v1/crates/NAME`).
pub const TOOLUP_CRATES_API_URL: &str = "TOOLUP_CRATES_API_URL";
/// The npm registry base URL.
pub const TOOLUP_NPM_REGISTRY_URL: &str = "TOOLUP_NPM_REGISTRY_URL";
/// The GNU release directory base URL (`<base>/PROJECT/`).
pub const TOOLUP_GNU_URL: &str = "TOOLUP_GNU_URL";
/// The GitLab base URL.
pub const TOOLUP_GITLAB_URL: &str = "TOOLUP_GITLAB_URL";
/// Seconds before an HTTP request is abandoned (default 10; connecting: 3).
pub const TOOLUP_HTTP_TIMEOUT: &str = "TOOLUP_HTTP_TIMEOUT";
/// GitHub tokens, first found wins; never logged or written.
pub const GITHUB_TOKEN: &str = "GITHUB_TOKEN";
pub const GH_TOKEN: &str = "GH_TOKEN";
/// Minimum release age before a release is called latest (same as `--min-release-age`).
pub const TOOLUP_MIN_RELEASE_AGE: &str = "TOOLUP_MIN_RELEASE_AGE";
/// A `tracing` filter for diagnostics on stderr (e.g. `toolup=debug`); overrides -v/-q.
pub const TOOLUP_LOG: &str = "TOOLUP_LOG";
/// Set by a schedule's unit (`toolup schedule enable`): the schedule's
/// name, under which a `--scheduled` run records its outcome.
pub const TOOLUP_SCHEDULE: &str = "TOOLUP_SCHEDULE";
/// Set by a `--check-only --security-only` schedule's unit to `security`:
/// its scheduled check notifies only when security updates wait.
pub const TOOLUP_SCHEDULE_NOTIFY: &str = "TOOLUP_SCHEDULE_NOTIFY";
/// Where system schedules' units are written instead of
/// `/etc/systemd/system` (tests, images built offline).
pub const TOOLUP_SYSTEMD_DIR: &str = "TOOLUP_SYSTEMD_DIR";
/// `1` or `0`: whether systemd runs this machine, instead of asking
/// whether `/run/systemd/system` exists (tests, chroots).
pub const TOOLUP_SYSTEMD_RUNNING: &str = "TOOLUP_SYSTEMD_RUNNING";
