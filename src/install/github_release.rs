//! GitHub release binaries: pick the asset for this OS and CPU, download it,
//! verify it against the checksum the release publishes, unpack the tool's
//! binary and place it atomically in `~/.local/bin`.
//!
//! As a package manager it is toolup itself: the plan's argv is
//! `toolup fetch-release OWNER/REPO --bin NAME`, so `--dry-run` shows it like
//! any other command and `exec` runs it like any other process.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Ecosystem, PackageManager};
use crate::model::Method;
use crate::state::backup::sha256_hex;
use crate::upstream::{HttpClient, HttpOptions, Request, Response};

pub struct GithubRelease;

impl PackageManager for GithubRelease {
    fn id(&self) -> &'static str {
        "github"
    }
    fn install_key(&self) -> &'static str {
        "github"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn program(&self) -> &'static str {
        "toolup"
    }
    fn always_available(&self) -> bool {
        true
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let me = std::env::current_exe()
            .map_or_else(|_| "toolup".to_owned(), |p| p.display().to_string());
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
        let me = std::env::current_exe()
            .map_or_else(|_| "toolup".to_owned(), |p| p.display().to_string());
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

/// The bytes of `bin` inside a `.tar.gz`, or the asset itself when it is a bare binary.
pub fn extract(asset_name: &str, bytes: &[u8], bin: &str) -> Result<Vec<u8>, String> {
    let lower = asset_name.to_ascii_lowercase();
    if !(lower.ends_with(".tar.gz") || lower.ends_with(".tgz")) {
        return Ok(bytes.to_vec());
    }
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let entries = archive
        .entries()
        .map_err(|e| format!("{asset_name}: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{asset_name}: {e}"))?;
        let path = entry
            .path()
            .map_err(|e| format!("{asset_name}: {e}"))?
            .into_owned();
        if entry.header().entry_type().is_file() && path.file_name().is_some_and(|n| n == bin) {
            let mut out = Vec::new();
            entry
                .read_to_end(&mut out)
                .map_err(|e| format!("{asset_name}: {e}"))?;
            return Ok(out);
        }
    }
    Err(format!("{asset_name} has no file named {bin}"))
}

/// Downloads, verifies, unpacks and places `bin` from the latest (or `tag`) release of `repo`.
pub fn fetch(
    api: &str,
    repo: &str,
    tag: Option<&str>,
    bin: &str,
    dest_dir: &Path,
) -> Result<PathBuf, String> {
    let client = HttpClient::new(HttpOptions::default());
    let url = match tag {
        Some(t) => format!("{api}/repos/{repo}/releases/tags/{t}"),
        None => format!("{api}/repos/{repo}/releases/latest"),
    };
    let token = crate::upstream::github_token(std::env::var_os("PATH").as_deref());
    let request = Request {
        url: &url,
        accept: "application/vnd.github+json",
        bearer: token.as_ref().map(|t| t.expose()),
        ..Request::default()
    };
    let Response::Ok { body, .. } = client.get(&request) else {
        return Err(format!("{url}: no release"));
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
    let Response::Ok { body, .. } = client.get(&Request {
        url: &asset.url,
        accept: "application/octet-stream",
        ..Request::default()
    }) else {
        return Err(format!("{}: download failed", asset.url));
    };
    let actual = sha256_hex(&body);
    if actual != expected {
        return Err(format!(
            "{}: sha256 {actual} does not match the published {expected}",
            asset.name
        ));
    }
    let binary = extract(&asset.name, &body, bin)?;
    let dest = dest_dir.join(bin);
    crate::state::write_atomic(&dest, &binary).map_err(|e| format!("{}: {e}", dest.display()))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(dest)
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
