//! gem: RubyGems, installed for the user.

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Gem;

impl PackageManager for Gem {
    fn id(&self) -> &'static str {
        "gem"
    }
    fn install_key(&self) -> &'static str {
        "gem"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Ruby
    }
    fn program(&self) -> &'static str {
        "gem"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let mut args = argv(&["gem", "install", "--user-install", "--no-document", package]);
        if let Some(v) = version {
            args.extend(argv(&["--version", v]));
        }
        args
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        match version {
            Some(_) => self.install(package, version),
            None => argv(&["gem", "update", "--user-install", "--no-document", package]),
        }
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["gem", "uninstall", "--executables", package])
    }
    fn method(&self) -> Method {
        Method::Gem
    }
}
