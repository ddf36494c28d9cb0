//! go: `go install MODULE@VERSION` into GOBIN or ~/go/bin.

use super::{Ecosystem, Installer, Manager, argv, user_level};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Go;

impl Manager for Go {
    fn id(&self) -> &'static str {
        "go"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
}

impl Installer for Go {
    fn install_key(&self) -> &'static str {
        "go"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Go
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(9, environment)
    }
    fn program(&self) -> &'static str {
        "go"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = format!(
            "{package}@{}",
            version.map_or_else(
                || "latest".to_owned(),
                |v| format!("v{}", v.trim_start_matches('v'))
            )
        );
        argv(&["go", "install", &spec])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    /// go has no uninstall: the binary is removed by the plan, not by go.
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["go", "clean", "-i", package])
    }
    fn method(&self) -> Method {
        Method::Go
    }
}
