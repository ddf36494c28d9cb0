//! Google Cloud SDK components: `gcloud components list --format=json`
//! names each component's state ("Update Available") with its current and
//! latest version. A distribution's package (`/usr/lib/google-cloud-sdk`,
//! apt's or dnf's) disables the component manager: the system's package
//! manager updates it, so this updater does not apply there.

use serde::Deserialize;

use super::{Manager, Pending, Phase, Stage, Updater, argv};
use crate::base::host::Host;

pub struct Gcloud;

impl Manager for Gcloud {
    fn id(&self) -> &'static str {
        "gcloud"
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

#[derive(Deserialize)]
struct Component {
    id: String,
    state: State,
    current_version_string: Option<String>,
    latest_version_string: Option<String>,
}

#[derive(Deserialize)]
struct State {
    name: String,
}

impl Updater for Gcloud {
    fn stage(&self) -> Stage {
        Stage::Toolchain
    }
    fn program(&self) -> &'static str {
        "gcloud"
    }
    fn applies(&self, host: &Host) -> bool {
        host.which("gcloud")
            .and_then(|p| std::fs::canonicalize(p).ok())
            .is_some_and(|p| {
                !p.starts_with("/usr/lib/google-cloud-sdk")
                    && !p.starts_with("/usr/lib64/google-cloud-sdk")
            })
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["gcloud", "components", "list", "--format=json", "--quiet"])
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        let components: Vec<Component> =
            serde_json::from_str(stdout).map_err(|e| format!("gcloud components list: {e}"))?;
        Ok(components
            .iter()
            .filter(|c| c.state.name == "Update Available")
            .map(|c| {
                Pending::new(
                    &c.id,
                    c.current_version_string.as_deref(),
                    c.latest_version_string.as_deref(),
                )
            })
            .collect())
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["gcloud", "components", "update", "--quiet"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["system:network"],
            Phase::Update => vec!["runtime:gcloud"],
        }
    }
}
