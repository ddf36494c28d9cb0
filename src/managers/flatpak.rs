//! Flatpak: `flatpak remote-ls --updates --columns=application,version`
//! lists the applications and runtimes with updates, one per line. A ref
//! masked with `flatpak mask` is never updated, so it is not pending: the
//! patterns `flatpak mask` lists (a partial ref, `*` within a part) are
//! matched against each id; a pattern narrowed to a branch or an
//! architecture is not (it masks only some of the id's refs).

use super::{Manager, Pending, Phase, Updater, argv};
use crate::base::wildcard::matches_stars;

pub struct Flatpak;

impl Manager for Flatpak {
    fn id(&self) -> &'static str {
        "flatpak"
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

/// The name globs of `flatpak mask`'s listing, kinds (`app/`, `runtime/`)
/// dropped; patterns narrowed by branch or arch are left out.
fn masked(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(str::trim)
        // One pattern per line; a heading ("Masked patterns:") is not one.
        .filter(|w| !w.contains(':') && !w.contains(char::is_whitespace))
        .filter_map(|w| {
            let w = w
                .strip_prefix("app/")
                .or_else(|| w.strip_prefix("runtime/"))
                .unwrap_or(w);
            (!w.is_empty() && !w.contains('/')).then(|| w.to_owned())
        })
        .collect()
}

impl Updater for Flatpak {
    fn program(&self) -> &'static str {
        "flatpak"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&[
            "flatpak",
            "remote-ls",
            "--updates",
            "--columns=application,version",
        ])
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("Application"))
            .filter_map(|line| {
                let mut cells = line.split('\t').map(str::trim);
                let name = cells.next().filter(|n| !n.is_empty())?;
                let version = cells.next().filter(|v| !v.is_empty());
                Some(Pending::new(name, None, version))
            })
            .collect())
    }
    /// `flatpak mask` lists the masked patterns.
    fn held_query(&self) -> Option<Vec<String>> {
        Some(argv(&["flatpak", "mask"]))
    }
    fn is_held(&self, listing: &str, name: &str) -> bool {
        masked(listing).iter().any(|m| matches_stars(m, name))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["flatpak", "update", "--noninteractive"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:flatpak", "system:network"],
            Phase::Update => vec!["pkgmgr:flatpak"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_ids_are_matched_as_flatpak_matches_them() {
        let masks = masked(
            "Masked patterns:\n  org.mozilla.firefox\n  app/org.gnome.*\n  org.some.App//unstable\n  org.other.App/arm\n",
        );
        assert_eq!(masks, ["org.mozilla.firefox", "org.gnome.*"]);
        assert!(matches_stars("org.gnome.*", "org.gnome.Calculator"));
        assert!(!matches_stars("org.gnome.*", "org.kde.Kate"));
        assert!(matches_stars("org.mozilla.firefox", "org.mozilla.firefox"));
        assert!(!matches_stars(
            "org.mozilla.firefox",
            "org.mozilla.firefox.Locale"
        ));
        assert!(matches_stars("*.Platform", "org.freedesktop.Platform"));
        assert!(
            matches_stars("*", "")
                && matches_stars("**", "x")
                && !matches_stars("", "x")
                && matches_stars("", "")
        );
        assert!(matches_stars("org.*.*Locale", "org.gnome.Maps.Locale"));
        assert!(!matches_stars("org.*.x*", "org.gnome.Maps"));
        assert!(matches_stars("a*b*c", "aXbYbZc") && !matches_stars("a*b*c", "aXbYbZ"));
    }

    #[test]
    fn many_stars_cost_no_more_than_one() {
        // tests/fuzz_regressions/flatpak/many-stars: 27 stars took minutes.
        let pattern = format!("{}efo", "*".repeat(64));
        let name = "o".repeat(4096);
        let started = std::time::Instant::now();
        assert!(!matches_stars(&pattern, &name));
        assert!(matches_stars(&pattern, &format!("{name}efo")));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
