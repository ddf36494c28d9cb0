//! Package managers, one file each: apt, npm, cargo, uv … A manager plays
//! one or both of two roles — installing a single tool (`Installer`) and
//! checking and updating everything it owns (`Updater`) — from the one file
//! that knows it, so the two can never disagree. Adding a manager is a new
//! file and one line in `ALL`. External plugins are managers too: an
//! executable speaking the plugin protocol, declared by a manifest
//! (`plugin.rs`).
//!
//! A manager only *describes* what it would run (argv, root, locks, which
//! failures are worth retrying, how to read its answers); `exec` runs it,
//! the install transaction and the system runner decide when.

mod installer;
pub mod plugin;
pub mod readers;
mod registry;
pub mod specifier;
mod updater;

mod apt;
mod brew;
mod cargo;
mod cargo_binstall;
mod dnf;
mod flatpak;
mod fwupd;
mod gcloud;
mod gem;
pub mod github_release;
mod go;
mod npm;
mod pacman;
mod pip;
mod pipx;
mod pnpm;
mod rustup;
mod sdkman;
mod snap;
mod uv;
mod zypper;

pub use installer::{BackupScope, Candidate, Ecosystem, Installer};
pub use updater::{
    CheckContext, CheckRun, LatestLookup, LockFile, Pending, Phase, Stage, Updater, argv,
    one_line_each,
};

use crate::model::Method;
use installer::{distro_upstream, python_spec, system_level, user_level};

/// One package manager: its id, and the roles it plays.
pub trait Manager: Sync {
    /// Its id (`apt`, `npm`, `uv`, …): what users, plans and reports call it.
    fn id(&self) -> &'static str;
    /// It installs and upgrades single tools.
    fn installer(&self) -> Option<&dyn Installer> {
        None
    }
    /// It checks and updates everything it owns.
    fn updater(&self) -> Option<&dyn Updater> {
        None
    }
}

/// Every package manager toolup knows, in the order reports list them.
pub static ALL: &[&dyn Manager] = &[
    &apt::Apt,
    &dnf::Dnf,
    &pacman::Pacman,
    &zypper::Zypper,
    &brew::Brew,
    &flatpak::Flatpak,
    &snap::Snap,
    &fwupd::Fwupd,
    &rustup::Rustup,
    &cargo::Cargo,
    &cargo_binstall::CargoBinstall,
    &go::Go,
    &pipx::Pipx,
    &uv::Uv,
    &pip::Pip,
    &npm::Npm,
    &pnpm::Pnpm,
    &gem::Gem,
    &sdkman::Sdkman,
    &gcloud::Gcloud,
    &github_release::GithubRelease,
];

/// The managers that install single tools.
pub fn installers() -> impl Iterator<Item = &'static dyn Installer> {
    ALL.iter().filter_map(|m| m.installer())
}

/// The managers that update what they own.
pub fn updaters() -> impl Iterator<Item = &'static dyn Updater> {
    ALL.iter().filter_map(|m| m.updater())
}

/// The installer with this id.
pub fn installer(id: &str) -> Option<&'static dyn Installer> {
    installers().find(|m| m.id() == id)
}

/// The built-in updater with this id.
pub fn updater(id: &str) -> Option<&'static dyn Updater> {
    updaters().find(|u| u.id() == id)
}

/// The installer that a tool installed by `method` should be upgraded with.
pub fn for_method(method: Method) -> Option<&'static dyn Installer> {
    installers().find(|m| m.method() == method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_manager_builds_argv_without_a_shell() {
        for m in installers() {
            let upgrade = m.upgrade("pkg", None);
            for argv in [
                m.install("pkg", None),
                m.install("pkg", Some("1.2.3")),
                upgrade.clone(),
                m.uninstall("pkg"),
            ] {
                assert!(!argv.is_empty(), "{}", m.id());
                // cargo-binstall installs, and leaves removal to cargo; the
                // release installer is toolup itself, wherever it lives.
                match m.id() {
                    "cargo-binstall" if argv[1] == "uninstall" => assert_eq!(argv[0], "cargo"),
                    "github" => assert_eq!(argv[1], "fetch-release"),
                    _ => assert_eq!(argv[0], m.program(), "{}: the program comes first", m.id()),
                }
                assert!(
                    argv.iter().all(|a| !a.contains(' ')),
                    "{}: {argv:?}",
                    m.id()
                );
            }
            // rustup upgrades whole toolchains, every other manager names the package.
            assert!(
                m.id() == "rustup" || upgrade.iter().any(|a| a.contains("pkg")),
                "{}: {upgrade:?}",
                m.id()
            );
        }
    }

    #[test]
    fn system_managers_say_what_they_would_install() {
        let apt = installer("apt").unwrap();
        let policy =
            "ansible-core:\n  Installed: 2.14.18-1\n  Candidate: 2.14.18-1\n  Version table:\n";
        let answers = apt.parse_candidates(&format!(
            "{policy}x:\n  Installed: (none)\n  Candidate: (none)\nlibc6:amd64:\n  Installed: 2.36-9\n  Candidate: 2.36-10\n"
        ));
        assert_eq!(
            answers["ansible-core"],
            Candidate {
                candidate: Some("2.14.18-1".into()),
                installed: Some("2.14.18-1".into())
            }
        );
        assert_eq!(answers["x"], Candidate::default());
        assert_eq!(answers["libc6"].candidate.as_deref(), Some("2.36-10"));
        assert_eq!(
            apt.candidate_query(&["a", "b"]).unwrap(),
            ["apt-cache", "policy", "a", "b"]
        );
        assert_eq!(
            apt.upstream_of("1:2.43.0+dfsg-2").as_deref(),
            Some("2.43.0")
        );
        assert_eq!(
            apt.upgrade("git", Some("1:2.43.0-2"))
                .last()
                .map(String::as_str),
            Some("git=1:2.43.0-2")
        );
        let dnf = installer("dnf").unwrap();
        assert_eq!(
            dnf.parse_candidates("\nvim-enhanced 2:9.1.083-1.fc40\ngit 2.45.0-1.fc40\n")["vim-enhanced"]
                .candidate
                .as_deref(),
            Some("2:9.1.083-1.fc40")
        );
        assert_eq!(
            dnf.upstream_of("2:9.1.083-1.fc40").as_deref(),
            Some("9.1.083")
        );
        assert_eq!(
            dnf.install("vim-enhanced", Some("2:9.1.083-1.fc40"))
                .last()
                .map(String::as_str),
            Some("vim-enhanced-9.1.083-1.fc40")
        );
        let pacman = installer("pacman").unwrap();
        let info = "Repository      : extra\nName            : ripgrep\nVersion         : 14.1.1-1\n\nRepository      : extra\nName            : fd\nVersion         : 10.2.0-1\n";
        let answers = pacman.parse_candidates(info);
        assert_eq!(answers["ripgrep"].candidate.as_deref(), Some("14.1.1-1"));
        assert_eq!(answers["fd"].candidate.as_deref(), Some("10.2.0-1"));
        assert_eq!(pacman.upstream_of("14.1.1-1").as_deref(), Some("14.1.1"));
        let brew = installer("brew").unwrap();
        let json = r#"{"formulae": [{"name": "jq", "versions": {"stable": "1.7.1"}}], "casks": [{"token": "iterm2", "version": "3.5.0"}]}"#;
        let answers = brew.parse_candidates(json);
        assert_eq!(answers["jq"].candidate.as_deref(), Some("1.7.1"));
        assert_eq!(answers["iterm2"].candidate.as_deref(), Some("3.5.0"));
        assert!(!brew.pins_versions() && !pacman.pins_versions() && apt.pins_versions());
    }

    /// A plan pins apt's candidate on a command line and shows every
    /// manager's: a version that is no line of text, or reads as an
    /// option, is no candidate.
    #[test]
    fn a_candidate_a_plan_takes_is_one_line_and_no_option() {
        let brew = installer("brew").unwrap();
        let answer = |version: &str| {
            let json =
                serde_json::json!({"formulae": [{"name": "jq", "versions": {"stable": version}}]});
            brew.parse_candidates(&json.to_string())["jq"].checked()
        };
        assert_eq!(answer("1.7.1").unwrap().candidate.as_deref(), Some("1.7.1"));
        for bad in ["1.7\nrm", "\u{1b}[2J1.7", "-o/tmp/x", ""] {
            assert_eq!(
                answer(bad),
                Err(format!("it answered {bad:?}, which is no version"))
            );
        }
    }

    #[test]
    fn ids_are_unique_and_methods_map_back() {
        let mut ids: Vec<_> = ALL.iter().map(|m| m.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        assert_eq!(for_method(Method::Pipx).map(|m| m.id()), Some("pipx"));
        assert_eq!(for_method(Method::Homebrew).map(|m| m.id()), Some("brew"));
        assert_eq!(installer("apt").map(|m| m.needs_sudo()), Some(true));
    }

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../tests/fixtures/updaters/", $name))
        };
    }

    /// `(updater, output, how many pending, one of them as name from to)`.
    type Case = (
        &'static str,
        &'static str,
        usize,
        Option<(&'static str, &'static str, &'static str)>,
    );

    fn cases() -> Vec<Case> {
        vec![
            (
                "apt",
                fixture!("apt-list-upgradable.txt"),
                80,
                Some(("bash", "5.2.15-2+b8", "5.2.15-2+b13")),
            ),
            ("apt", fixture!("apt-list-upgradable-none.txt"), 0, None),
            (
                "npm",
                fixture!("npm-outdated-global.json"),
                2,
                Some(("npm", "11.19.1", "11.21.2")),
            ),
            ("npm", fixture!("npm-outdated-global-none.json"), 0, None),
            (
                "rustup",
                fixture!("rustup-check.txt"),
                2,
                Some(("stable-x86_64-unknown-linux-gnu", "1.95.0", "1.99.1")),
            ),
            ("rustup", fixture!("rustup-check-none.txt"), 0, None),
            (
                "pacman",
                fixture!("checkupdates.txt"),
                2,
                Some(("linux", "6.8.9.arch1-1", "6.9.1.arch1-1")),
            ),
            ("pacman", "", 0, None),
            (
                "zypper",
                fixture!("zypper-list-updates.txt"),
                2,
                Some(("curl", "8.6.0-1.1", "8.7.1-1.1")),
            ),
            (
                "brew",
                fixture!("brew-outdated.json"),
                2,
                Some(("jq", "1.6", "1.7.1")),
            ),
            ("brew", r#"{"formulae":[],"casks":[]}"#, 0, None),
            (
                "zypper",
                "Loading repository data...\nReading installed packages...\nNo updates found.\n",
                0,
                None,
            ),
            ("dnf", "", 0, None),
            ("flatpak", "", 0, None),
            ("snap", "", 0, None),
            (
                "gem",
                fixture!("gem-outdated.txt"),
                2,
                Some(("rake", "13.0.6", "13.2.1")),
            ),
            ("gem", "", 0, None),
            (
                "pnpm",
                fixture!("pnpm-outdated-global.json"),
                1,
                Some(("typescript", "5.3.3", "5.4.5")),
            ),
            ("pnpm", "", 0, None),
            (
                "fwupd",
                fixture!("fwupdmgr-get-updates.json"),
                1,
                Some(("System Firmware", "1.2.3", "1.3.0")),
            ),
            ("fwupd", "", 0, None),
            (
                "gcloud",
                r#"[{"id": "kubectl", "state": {"name": "Update Available"}, "current_version_string": "1.28.2", "latest_version_string": "1.29.4"}, {"id": "gsutil", "state": {"name": "Installed"}, "current_version_string": "5.27", "latest_version_string": "5.27"}]"#,
                1,
                Some(("kubectl", "1.28.2", "1.29.4")),
            ),
            ("gcloud", "[]", 0, None),
            (
                "sdkman",
                "Updates are available:\n\njava (17.0.1-tem < 21.0.2-tem)\ngradle (8.4 < 8.7)\n",
                2,
                Some(("java", "17.0.1-tem", "21.0.2-tem")),
            ),
            ("sdkman", "All candidates are up-to-date.\n", 0, None),
        ]
    }

    #[test]
    fn every_parser_reads_its_tools_output() {
        for (id, output, count, sample) in cases() {
            let pending = updater(id)
                .unwrap()
                .parse(output)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(pending.len(), count, "{id}: {pending:#?}");
            if let Some((name, from, to)) = sample {
                let p = pending
                    .iter()
                    .find(|p| p.name == name)
                    .unwrap_or_else(|| panic!("{id}: no {name}"));
                assert_eq!(
                    (p.from.as_deref(), p.to.as_deref()),
                    (Some(from), Some(to)),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn parsers_without_from_versions_and_with_sizes() {
        let dnf = updater("dnf")
            .unwrap()
            .parse(fixture!("dnf-check-update.txt"))
            .unwrap();
        assert_eq!(
            dnf.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["bash", "kernel"]
        );
        assert_eq!(dnf[0].to.as_deref(), Some("5.2.26-3.fc40"));
        let flatpak = updater("flatpak")
            .unwrap()
            .parse(fixture!("flatpak-remote-ls-updates.txt"))
            .unwrap();
        assert_eq!(flatpak.len(), 2);
        let snap = updater("snap")
            .unwrap()
            .parse(fixture!("snap-refresh-list.txt"))
            .unwrap();
        assert_eq!(snap.len(), 2);
        assert_eq!(snap[0].download_bytes, Some(93_000_000));
        let fw = updater("fwupd")
            .unwrap()
            .parse(fixture!("fwupdmgr-get-updates.json"))
            .unwrap();
        assert_eq!(fw[0].download_bytes, Some(1_234_567));
    }

    #[test]
    fn apt_runs_only_whitelisted_shapes_with_valid_names() {
        let apt = updater("apt").unwrap();
        let words = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert!(
            apt.check_shape(&words("apt-get --yes dist-upgrade"))
                .is_ok()
        );
        assert!(
            apt.check_shape(&words("apt-get install --yes --only-upgrade libc6 bash"))
                .is_ok()
        );
        for bad in [
            "apt-get install --yes --only-upgrade",
            "apt-get install --yes --only-upgrade -oDebug::X=1",
            "apt-get install --yes --only-upgrade Bad_Name",
            "apt-get --yes remove bash",
            "rm -rf /",
        ] {
            assert_eq!(
                apt.check_shape(&words(bad)),
                Err(format!("not a command toolup runs apt with: {bad}")),
                "{bad}"
            );
        }
        assert!(apt::is_package_name("libstdc++6") && !apt::is_package_name("a"));
    }

    #[test]
    fn apt_flags_candidates_from_the_security_suite() {
        let pending = updater("apt")
            .unwrap()
            .parse(fixture!("apt-list-upgradable.txt"))
            .unwrap();
        assert_eq!(pending.iter().filter(|p| p.security).count(), 20);
        assert!(
            pending
                .iter()
                .find(|p| p.name == "libcups2")
                .unwrap()
                .security
        );
        assert!(!pending.iter().find(|p| p.name == "bash").unwrap().security);
    }

    #[test]
    fn registry_checked_updaters_read_what_is_installed() {
        assert_eq!(
            pipx::installed(fixture!("pipx-list.json")).unwrap(),
            [("ruff".to_owned(), "0.4.1".to_owned())]
        );
        assert_eq!(
            uv::installed(fixture!("uv-tool-list.txt")),
            [
                ("ruff".to_owned(), "0.4.1".to_owned(), None),
                (
                    "httpie".to_owned(),
                    "3.2.2".to_owned(),
                    Some(">=3, <4".to_owned())
                )
            ]
        );
        let crates2 = r#"{"installs": {"ripgrep 14.1.0 (registry+https://github.com/rust-lang/crates.io-index)": {}, "local 0.1.0 (path+file:///src/local)": {}}}"#;
        assert_eq!(
            cargo::installed(crates2).unwrap(),
            [("ripgrep".to_owned(), "14.1.0".to_owned())]
        );
    }

    #[test]
    fn cargo_names_each_crate_at_its_exact_version_and_nothing_else() {
        let cargo = updater("cargo").unwrap();
        let pending = [
            Pending::new("itoa", Some("1.0.0"), Some("1.0.18")),
            Pending::new("bad name", Some("1.0.0"), Some("2.0.0")),
            Pending::new("evil", Some("1.0.0"), Some("--config=x")),
            Pending::new("nover", Some("1.0.0"), None),
        ];
        assert_eq!(
            cargo.update_argv_for(&pending).unwrap(),
            ["cargo", "install", "--locked", "itoa@1.0.18"]
        );
        assert!(updater("npm").unwrap().update_argv_for(&pending).is_none());
    }

    #[test]
    fn ids_are_unique_and_every_updater_says_its_locks() {
        let mut ids: Vec<_> = updaters().map(|u| u.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), updaters().count());
        for u in updaters() {
            assert!(!u.locks(Phase::Update).is_empty(), "{}", u.id());
            assert!(
                u.locks(Phase::Update).iter().all(|l| l.contains(':')),
                "{}: locks are category:resource",
                u.id()
            );
            for after in u.runs_after() {
                assert!(
                    updater(after).is_some(),
                    "{} runs after unknown {after}",
                    u.id()
                );
            }
        }
    }
}
