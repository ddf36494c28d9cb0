//! GitHub release binaries: pick the asset for this OS and CPU, download it,
//! verify it against the checksum the release publishes, unpack the tool's
//! binary and place it atomically in `~/.local/bin`.
//!
//! As a package manager it is toolup itself: the plan's argv is
//! `toolup fetch-release OWNER/REPO --bin NAME`, so `--dry-run` shows it like
//! any other command and `exec` runs it like any other process.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Ecosystem, Installer, Manager, system_level};
use crate::base::digest::hex;
use crate::base::environment::EnvKind;
use crate::model::Method;
use crate::upstream::{BodyError, HttpClient, HttpOptions, Request, Response};

pub struct GithubRelease;

impl Manager for GithubRelease {
    fn id(&self) -> &'static str {
        "github"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
}

impl Installer for GithubRelease {
    fn install_key(&self) -> &'static str {
        "github"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        system_level(4, environment)
    }
    fn program(&self) -> &'static str {
        "toolup"
    }
    fn always_available(&self) -> bool {
        true
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let me = crate::base::paths::own_program();
        let mut argv = vec![me, "fetch-release".to_owned(), package.to_owned()];
        if let Some(v) = version {
            argv.extend(["--tag".to_owned(), v.to_owned()]);
        }
        argv
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        let me = crate::base::paths::own_program();
        vec![
            me,
            "fetch-release".to_owned(),
            package.to_owned(),
            "--remove".to_owned(),
        ]
    }
    fn method(&self) -> Method {
        Method::Manual
    }
}

/// One downloadable file of a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub name: String,
    pub url: String,
}

/// The asset for this platform: the right OS and CPU, an archive or a bare
/// binary (never a checksum, signature or distro package); musl before gnu.
pub fn choose_asset<'a>(assets: &'a [Asset], os: &str, arch: &str) -> Option<&'a Asset> {
    let arch_names: &[&str] = match arch {
        "x86_64" => &["x86_64", "amd64", "x64"],
        "aarch64" => &["aarch64", "arm64"],
        other => std::slice::from_ref(match other {
            "x86" => &"i686",
            _ => &"unknown-arch",
        }),
    };
    let os_names: &[&str] = match os {
        "linux" => &["linux"],
        "macos" => &["darwin", "macos", "apple"],
        _ => &["unknown-os"],
    };
    let skip = [
        ".sha256", ".sha512", ".sig", ".asc", ".pem", ".sbom", ".deb", ".rpm", ".apk", ".msi",
        ".txt", ".json", ".xz", ".zip", ".7z",
    ];
    assets
        .iter()
        .filter(|a| {
            let n = a.name.to_ascii_lowercase();
            os_names.iter().any(|o| n.contains(o))
                && arch_names.iter().any(|c| n.contains(c))
                && !skip.iter().any(|s| n.ends_with(s))
        })
        .min_by_key(|a| {
            let n = a.name.to_ascii_lowercase();
            (
                !n.contains("musl"),
                !(n.ends_with(".tar.gz") || n.ends_with(".tgz")),
                n.len(),
            )
        })
}

/// The published sha256 of `asset`: from `<asset>.sha256`, or a sums file
/// (`sha256sums.txt`, `checksums.txt`, `SHA256SUMS`, …) listing it.
pub fn published_checksum(
    client: &HttpClient,
    assets: &[Asset],
    asset: &Asset,
) -> Result<String, String> {
    let own = format!("{}.sha256", asset.name);
    let sums = assets.iter().filter(|a| {
        let n = a.name.to_ascii_lowercase();
        a.name == own
            || (n.contains("sha256") || n.contains("checksums"))
                && !n.ends_with(".sig")
                && !n.ends_with(".pem")
    });
    for file in sums {
        let Response::Ok { body, .. } = client.get(&Request {
            url: &file.url,
            accept: "application/octet-stream",
            ..Request::default()
        }) else {
            continue;
        };
        let text = String::from_utf8_lossy(&body);
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let (Some(hash), name) = (words.next(), words.next()) else {
                continue;
            };
            let listed = name.map(|n| n.trim_start_matches('*'));
            let matches =
                listed.is_none_or(|n| n == asset.name || n.ends_with(&format!("/{}", asset.name)));
            if matches && hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()) {
                return Ok(hash.to_ascii_lowercase());
            }
        }
    }
    Err(format!(
        "the release publishes no sha256 for {}: refusing to install an unverified binary",
        asset.name
    ))
}

/// The largest release asset toolup downloads.
pub const MAX_ASSET_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// An archive may expand to 100 times its size (real ones: 2–5 times), and
/// never less than this, nor more than `MAX_EXPANDED_CEILING`: past that it
/// is a decompression bomb.
const MIN_EXPANDED_CAP: u64 = 64 * 1024 * 1024;
const MAX_EXPANDED_CEILING: u64 = 4 * 1024 * 1024 * 1024;

fn mib(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// A reader that fails once more than `cap` bytes came through it.
struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!("expands past {} MiB", mib(self.cap)),
            )
        })?;
        Ok(n)
    }
}

/// Streams `bin` out of the archive in `archive` (a `.tar.gz`, or the
/// asset itself when it is a bare binary) into `out`, within the caps.
pub fn extract(
    asset_name: &str,
    archive: &mut std::fs::File,
    bin: &str,
    out: &mut std::fs::File,
) -> Result<(), String> {
    use std::io::Seek;
    let fail = |e: std::io::Error| format!("{asset_name}: {e}");
    let size = archive.metadata().map_err(fail)?.len();
    archive.rewind().map_err(fail)?;
    let lower = asset_name.to_ascii_lowercase();
    if !(lower.ends_with(".tar.gz") || lower.ends_with(".tgz")) {
        std::io::copy(archive, out).map_err(fail)?;
        return Ok(());
    }
    let cap = size
        .saturating_mul(100)
        .clamp(MIN_EXPANDED_CAP, MAX_EXPANDED_CEILING);
    let expanded = Capped {
        inner: flate2::read::GzDecoder::new(std::io::BufReader::new(archive)),
        left: cap,
        cap,
    };
    let bomb = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::FileTooLarge {
            format!(
                "{asset_name}: {e} from {} KiB: refusing it as a decompression bomb",
                size / 1024
            )
        } else {
            format!("{asset_name}: {e}")
        }
    };
    let mut tar = tar::Archive::new(expanded);
    for entry in tar.entries().map_err(bomb)? {
        let mut entry = entry.map_err(bomb)?;
        let path = entry.path().map_err(bomb)?.into_owned();
        if entry.header().entry_type().is_file() && path.file_name().is_some_and(|n| n == bin) {
            std::io::copy(&mut entry, out).map_err(bomb)?;
            return Ok(());
        }
    }
    Err(format!("{asset_name} has no file named {bin}"))
}

/// Downloads `url` into a scratch file, hashing as it goes: memory stays
/// flat whatever the size. Returns the file and its sha256.
fn download(client: &HttpClient, url: &str) -> Result<(std::fs::File, String), String> {
    use sha2::Digest;
    let reply = client.fetch(
        &Request {
            url,
            accept: "application/octet-stream",
            max_body: Some(MAX_ASSET_BYTES),
            ..Request::default()
        },
        |_, body| {
            let mut file = crate::state::scratch().map_err(|e| BodyError::io(&e))?;
            let mut hasher = sha2::Sha256::new();
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                let n = body.read(&mut chunk).map_err(|e| BodyError::io(&e))?;
                if n == 0 {
                    break;
                }
                hasher.update(&chunk[..n]);
                std::io::Write::write_all(&mut file, &chunk[..n]).map_err(|e| BodyError::io(&e))?;
            }
            Ok((file, hex(&hasher.finalize())))
        },
    );
    match reply {
        crate::upstream::Reply::Ok { body, .. } => Ok(body),
        other => Err(format!(
            "{}: download failed: {} (toolup downloads release assets of up to {} MiB)",
            crate::base::redact::redact(url),
            other.describe(),
            mib(MAX_ASSET_BYTES)
        )),
    }
}

/// Downloads, verifies, unpacks and places `bin` from the latest (or `tag`) release of `repo`.
pub fn fetch(
    api: &str,
    repo: &str,
    tag: Option<&str>,
    bin: &str,
    dest_dir: &Path,
) -> Result<PathBuf, String> {
    // A large asset over a slow line takes minutes, not the API's seconds.
    let client = HttpClient::new(HttpOptions {
        timeout: std::time::Duration::from_secs(600),
        ..HttpOptions::default()
    });
    // A planned version is `1.2.3`; its tag is that or `v1.2.3`.
    let urls: Vec<String> = match tag {
        Some(t) if !t.starts_with('v') => vec![
            format!("{api}/repos/{repo}/releases/tags/{t}"),
            format!("{api}/repos/{repo}/releases/tags/v{t}"),
        ],
        Some(t) => vec![format!("{api}/repos/{repo}/releases/tags/{t}")],
        None => vec![format!("{api}/repos/{repo}/releases/latest")],
    };
    let token = crate::upstream::github_token(std::env::var_os("PATH").as_deref());
    let mut found = None;
    let mut why = String::new();
    for url in &urls {
        match client.get(&Request {
            url,
            accept: "application/vnd.github+json",
            bearer: token.as_ref().map(|t| t.expose()),
            ..Request::default()
        }) {
            Response::Ok { body, .. } => {
                found = Some((url.clone(), body));
                break;
            }
            other => why = format!("{url}: no release: {}", other.describe()),
        }
    }
    let Some((url, body)) = found else {
        return Err(why);
    };
    let doc: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| format!("{url}: {e}"))?;
    let assets: Vec<Asset> = doc
        .get("assets")
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
        .filter_map(|a| {
            Some(Asset {
                name: a.get("name")?.as_str()?.to_owned(),
                url: a.get("browser_download_url")?.as_str()?.to_owned(),
            })
        })
        .collect();
    let asset =
        choose_asset(&assets, std::env::consts::OS, std::env::consts::ARCH).ok_or_else(|| {
            format!(
                "no asset of {repo} fits {}-{}",
                std::env::consts::OS,
                std::env::consts::ARCH
            )
        })?;
    let expected = published_checksum(&client, &assets, asset)?;
    let (mut archive, actual) = download(&client, &asset.url)?;
    if actual != expected {
        return Err(format!(
            "{}: sha256 {actual} does not match the published {expected}",
            asset.name
        ));
    }
    let dest = dest_dir.join(bin);
    let mut staged =
        crate::state::Staged::new(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    extract(&asset.name, &mut archive, bin, staged.file())?;
    staged
        .commit(0o755)
        .map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(dest)
}

/// `toolup fetch-release OWNER/REPO[:BINARY] [--tag T] [--remove]`: what
/// the plan's argv runs for this manager. Places (or removes) the binary
/// in `~/.local/bin` and says what it did.
pub fn command(
    addresses: &crate::upstream::Addresses,
    offline: bool,
    package: &str,
    tag: Option<&str>,
    remove: bool,
) -> Result<String, String> {
    let (repo, bin) = match package.split_once(':') {
        Some((repo, bin)) => (repo, bin.to_owned()),
        None => (
            package,
            package.rsplit('/').next().unwrap_or(package).to_owned(),
        ),
    };
    if !crate::base::names::is_valid_package_name(repo)
        || !crate::base::names::is_valid_package_name(&bin)
        || bin.contains('/')
    {
        return Err(format!(
            "invalid release {package:?}: expected OWNER/REPO or OWNER/REPO:BINARY"
        ));
    }
    if offline && !remove {
        return Err("fetch-release needs the network; it cannot run with --offline".to_owned());
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .ok_or("no HOME")?;
    let dest_dir = home.join(".local/bin");
    if remove {
        let placed = dest_dir.join(&bin);
        crate::state::files::remove_file(&placed)
            .map_err(|e| format!("{}: {e}", placed.display()))?;
        return Ok(format!("removed {}", placed.display()));
    }
    let api = crate::upstream::source("github")
        .and_then(|github| addresses.get(github, "github_api"))
        .ok_or("no GitHub API address")?;
    let placed = fetch(&api.url, repo, tag, &bin, &dest_dir)?;
    Ok(format!("placed {} (sha256 verified)", placed.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets(names: &[&str]) -> Vec<Asset> {
        names
            .iter()
            .map(|n| Asset {
                name: (*n).to_owned(),
                url: format!("http://x/{n}"),
            })
            .collect()
    }

    #[test]
    fn picks_the_platform_archive_preferring_musl() {
        let list = assets(&[
            "rg-14.1.1-x86_64-apple-darwin.tar.gz",
            "rg-14.1.1-x86_64-unknown-linux-gnu.tar.gz",
            "rg-14.1.1-x86_64-unknown-linux-musl.tar.gz",
            "rg-14.1.1-x86_64-unknown-linux-musl.tar.gz.sha256",
            "ripgrep_14.1.1-1_amd64.deb",
            "rg-14.1.1-aarch64-unknown-linux-gnu.tar.gz",
        ]);
        assert_eq!(
            choose_asset(&list, "linux", "x86_64").unwrap().name,
            "rg-14.1.1-x86_64-unknown-linux-musl.tar.gz"
        );
        assert_eq!(
            choose_asset(&list, "linux", "aarch64").unwrap().name,
            "rg-14.1.1-aarch64-unknown-linux-gnu.tar.gz"
        );
        assert_eq!(
            choose_asset(&list, "macos", "x86_64").unwrap().name,
            "rg-14.1.1-x86_64-apple-darwin.tar.gz"
        );
        assert!(choose_asset(&assets(&["tool-windows-x64.zip"]), "linux", "x86_64").is_none());
    }
}
