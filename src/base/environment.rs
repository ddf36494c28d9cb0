//! What kind of machine this is — a CI runner, a shared server, or a
//! developer's workstation — with a confidence and the indicators that
//! decided it. The choice of package manager follows from it (a server
//! prefers the system's managers, a workstation user-level ones).

use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

/// The three kinds of environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum EnvKind {
    Ci,
    Server,
    Workstation,
}

impl fmt::Display for EnvKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EnvKind::Ci => "ci",
            EnvKind::Server => "server",
            EnvKind::Workstation => "workstation",
        })
    }
}

/// The verdict and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Environment {
    pub kind: EnvKind,
    /// 0.0–1.0.
    pub confidence: f32,
    pub indicators: Vec<String>,
    /// True when a flag or config chose the kind.
    pub overridden: bool,
}

/// Facts about the host that detection weighs.
#[derive(Debug, Clone, Default)]
pub struct HostFacts {
    /// Users with a login session (`/run/user/UID` directories).
    pub logged_in_users: usize,
    pub uptime: Option<Duration>,
    /// systemd's default target, if known (`graphical.target`, `multi-user.target`).
    pub default_target: Option<String>,
}

impl HostFacts {
    /// Reads the facts from `/proc` and `/run` (nothing is executed).
    #[allow(clippy::disallowed_methods)] // /proc/uptime: the kernel's, below `state`
    pub fn read() -> HostFacts {
        let logged_in_users =
            std::fs::read_dir("/run/user").map_or(0, |d| d.filter_map(Result::ok).count());
        let uptime = std::fs::read_to_string("/proc/uptime")
            .ok()
            .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
            .and_then(|s| Duration::try_from_secs_f64(s).ok());
        let default_target = std::fs::read_link(Path::new("/etc/systemd/system/default.target"))
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
        HostFacts {
            logged_in_users,
            uptime,
            default_target,
        }
    }
}

/// Environment variables that CI systems set.
const CI_VARIABLES: &[(&str, &str)] = &[
    ("GITHUB_ACTIONS", "GitHub Actions"),
    ("GITLAB_CI", "GitLab CI"),
    ("CIRCLECI", "CircleCI"),
    ("TRAVIS", "Travis CI"),
    ("JENKINS_URL", "Jenkins"),
    ("BUILDKITE", "Buildkite"),
    ("TF_BUILD", "Azure Pipelines"),
    ("TEAMCITY_VERSION", "TeamCity"),
    ("BITBUCKET_BUILD_NUMBER", "Bitbucket Pipelines"),
    ("DRONE", "Drone"),
    ("CODEBUILD_BUILD_ID", "AWS CodeBuild"),
    ("APPVEYOR", "AppVeyor"),
    ("WOODPECKER_CI", "Woodpecker"),
    ("CI", "CI"),
];

/// Decides the kind from the environment variables (`var`) and host facts.
pub fn detect(var: &dyn Fn(&str) -> Option<String>, facts: &HostFacts) -> Environment {
    let set = |k: &str| {
        var(k).is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
    };
    let ci: Vec<String> = CI_VARIABLES
        .iter()
        .filter(|(k, _)| set(k))
        .map(|(k, name)| format!("{k} is set ({name})"))
        .collect();
    if !ci.is_empty() {
        return Environment {
            kind: EnvKind::Ci,
            confidence: 0.95,
            indicators: ci,
            overridden: false,
        };
    }
    let mut workstation = Vec::new();
    let mut server = Vec::new();
    for k in ["DISPLAY", "WAYLAND_DISPLAY"] {
        if set(k) {
            workstation.push(format!("{k} is set (a display)"));
        }
    }
    if var("XDG_SESSION_TYPE").is_some_and(|t| t == "x11" || t == "wayland") {
        workstation.push("a graphical login session (XDG_SESSION_TYPE)".to_owned());
    }
    if set("SSH_CONNECTION") {
        server.push("logged in over SSH".to_owned());
    }
    match facts.default_target.as_deref() {
        Some("graphical.target") => {
            workstation.push("systemd boots to graphical.target".to_owned())
        }
        Some("multi-user.target") => {
            server.push("systemd boots to multi-user.target (no desktop)".to_owned())
        }
        _ => {}
    }
    match facts.logged_in_users {
        0 | 1 => {}
        n => server.push(format!("{n} users logged in")),
    }
    if facts
        .uptime
        .is_some_and(|u| u > Duration::from_secs(14 * 86400))
    {
        server.push("up for more than two weeks".to_owned());
    }
    if workstation.is_empty() {
        server.push("no display".to_owned());
    }
    let (kind, mine, other) = if workstation.len() >= server.len() {
        (EnvKind::Workstation, workstation, server)
    } else {
        (
            EnvKind::Server,
            server,
            Vec::new().into_iter().chain(workstation).collect(),
        )
    };
    let confidence = (0.5 + 0.15 * mine.len() as f32 - 0.1 * other.len() as f32).clamp(0.3, 0.9);
    Environment {
        kind,
        confidence,
        indicators: mine,
        overridden: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], facts: HostFacts) -> Environment {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        detect(
            &|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()),
            &facts,
        )
    }

    #[test]
    fn ci_variables_win() {
        let e = with(&[("CI", "true"), ("DISPLAY", ":0")], HostFacts::default());
        assert_eq!(e.kind, EnvKind::Ci);
        assert!(e.indicators.iter().any(|i| i.starts_with("CI is set")));
        assert_eq!(
            with(&[("GITHUB_ACTIONS", "true")], HostFacts::default()).kind,
            EnvKind::Ci
        );
        assert_ne!(
            with(&[("CI", "false")], HostFacts::default()).kind,
            EnvKind::Ci
        );
    }

    #[test]
    fn a_display_is_a_workstation_and_a_busy_headless_box_a_server() {
        let e = with(
            &[("DISPLAY", ":0")],
            HostFacts {
                default_target: Some("graphical.target".into()),
                ..HostFacts::default()
            },
        );
        assert_eq!(e.kind, EnvKind::Workstation);
        assert!(e.confidence > 0.6);
        let facts = HostFacts {
            logged_in_users: 4,
            uptime: Some(Duration::from_secs(40 * 86400)),
            default_target: Some("multi-user.target".into()),
        };
        let e = with(&[("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22")], facts);
        assert_eq!(e.kind, EnvKind::Server);
        assert!(e.indicators.len() >= 4, "{e:?}");
    }
}
