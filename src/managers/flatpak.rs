//! Flatpak: `flatpak remote-ls --updates --columns=application,version`
//! lists the applications and runtimes with updates, one per line. A ref
//! masked with `flatpak mask` is never updated, so it is not pending: the
//! patterns `flatpak mask` lists (a partial ref, `*` within a part) are
//! matched against each id; a pattern narrowed to a branch or an
//! architecture is not (it masks only some of the id's refs).

use super::{Manager, Pending, Phase, Updater, argv};

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

/// `*` matches anything; everything else itself. Greedy, going back only
/// to the last `*`: time is the product of the lengths, never exponential
/// in the number of stars (fuzz: 27 stars took minutes).
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut i, mut j) = (0, 0);
    // The last star seen, and where in the name its match would grow from.
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        if p.get(i) == Some(&'*') {
            star = Some((i, j));
            i += 1;
        } else if p.get(i) == Some(&n[j]) {
            i += 1;
            j += 1;
        } else if let Some((at, from)) = star {
            star = Some((at, from + 1));
            i = at + 1;
            j = from + 1;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
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
        masked(listing).iter().any(|m| glob(m, name))
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
        assert!(glob("org.gnome.*", "org.gnome.Calculator"));
        assert!(!glob("org.gnome.*", "org.kde.Kate"));
        assert!(glob("org.mozilla.firefox", "org.mozilla.firefox"));
        assert!(!glob("org.mozilla.firefox", "org.mozilla.firefox.Locale"));
        assert!(glob("*.Platform", "org.freedesktop.Platform"));
        assert!(glob("*", "") && glob("**", "x") && !glob("", "x") && glob("", ""));
        assert!(glob("org.*.*Locale", "org.gnome.Maps.Locale"));
        assert!(!glob("org.*.x*", "org.gnome.Maps"));
        assert!(glob("a*b*c", "aXbYbZc") && !glob("a*b*c", "aXbYbZ"));
    }

    #[test]
    fn many_stars_cost_no_more_than_one() {
        // tests/fuzz_regressions/flatpak/many-stars: 27 stars took minutes.
        let pattern = format!("{}efo", "*".repeat(64));
        let name = "o".repeat(4096);
        let started = std::time::Instant::now();
        assert!(!glob(&pattern, &name));
        assert!(glob(&pattern, &format!("{name}efo")));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
