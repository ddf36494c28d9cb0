//! The Debian archive's address as apt knows it: the first Debian mirror in
//! apt's sources (`/etc/apt/sources.list`, `sources.list.d/*.list` and
//! `*.sources`), a URI whose path ends in `/debian` (so neither the
//! security archive nor another distribution's).

use std::path::{Path, PathBuf};

use super::{ClientEnv, Discovered, Origin};

/// The address key of the Debian source.
pub const KEY: &str = "debian";

/// Finds a Debian mirror in apt's sources.
pub fn discover(env: &ClientEnv<'_>) -> Discovered {
    let etc = PathBuf::from(
        env.var(crate::base::env_vars::TOOLUP_APT_ETC)
            .unwrap_or_else(|| "/etc/apt".to_owned()),
    );
    let mut d = Discovered {
        asked: "apt's sources",
        ..Discovered::default()
    };
    for file in source_files(&etc) {
        d.looked_in.push(file.display().to_string());
        let Ok(text) = crate::state::read_text(&file, 16 * crate::state::MIB) else {
            continue;
        };
        let deb822 = file.extension().is_some_and(|e| e == "sources");
        let uris = if deb822 {
            deb822_uris(&text)
        } else {
            one_line_uris(&text)
        };
        if let Some(uri) = uris.into_iter().find(|u| is_debian_archive(u)) {
            d.found(
                KEY,
                &uri,
                Origin::ClientConfig {
                    file,
                    key: if deb822 { "URIs" } else { "deb" }.to_owned(),
                },
            );
            break;
        }
    }
    d
}

fn source_files(apt: &Path) -> Vec<PathBuf> {
    let mut files = vec![apt.join("sources.list")];
    if let Ok(entries) = std::fs::read_dir(apt.join("sources.list.d")) {
        let mut more: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "list" || e == "sources"))
            .collect();
        more.sort();
        files.extend(more);
    }
    files
}

/// `deb [options] URI suite components…` lines.
fn one_line_uris(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.split('#').next()?.trim();
            let rest = line.strip_prefix("deb ")?.trim_start();
            let rest = match rest.strip_prefix('[') {
                Some(r) => r.split_once(']')?.1.trim_start(),
                None => rest,
            };
            rest.split_whitespace().next().map(str::to_owned)
        })
        .collect()
}

/// deb822 stanzas with `Types: deb` and their `URIs:`.
fn deb822_uris(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().to_owned())
            })
        };
        let enabled = field("Enabled").is_none_or(|v| !v.eq_ignore_ascii_case("no"));
        let is_deb = field("Types").is_some_and(|t| t.split_whitespace().any(|t| t == "deb"));
        if enabled && is_deb {
            out.extend(
                field("URIs")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_owned),
            );
        }
    }
    out
}

fn is_debian_archive(uri: &str) -> bool {
    super::is_http_url(uri) && uri.trim_end_matches('/').ends_with("/debian")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_formats() {
        let list = "# c\ndeb [arch=amd64 signed-by=/k] http://mirror.example/debian bookworm main\ndeb http://security.example/debian-security bookworm-security main\n";
        assert_eq!(
            one_line_uris(list),
            vec![
                "http://mirror.example/debian",
                "http://security.example/debian-security"
            ]
        );
        let sources = "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nComponents: main\n\nTypes: deb-src\nURIs: http://src.example/debian\n";
        assert_eq!(deb822_uris(sources), vec!["http://mirror.example/debian"]);
        assert!(is_debian_archive("http://mirror.example/debian/"));
        assert!(!is_debian_archive(
            "http://security.example/debian-security"
        ));
        assert!(!is_debian_archive("http://archive.example/ubuntu"));
    }
}
