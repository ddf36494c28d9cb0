//! Install-method ids: how a tool got onto the machine.

use serde::{Deserialize, Serialize};

/// The install-method ids of DESIGN.md (JSON `method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Apt,
    Rpm,
    Pacman,
    Apk,
    Homebrew,
    Snap,
    Flatpak,
    Nix,
    Rustup,
    Cargo,
    Go,
    Pip,
    Pipx,
    Uv,
    Pyenv,
    Conda,
    Npm,
    Pnpm,
    Yarn,
    Bun,
    Nvm,
    Fnm,
    Volta,
    Asdf,
    Mise,
    Sdkman,
    Gem,
    Rbenv,
    Manual,
    Project,
    Unknown,
}

impl Method {
    /// The id as written in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Method::Apt => "apt",
            Method::Rpm => "rpm",
            Method::Pacman => "pacman",
            Method::Apk => "apk",
            Method::Homebrew => "homebrew",
            Method::Snap => "snap",
            Method::Flatpak => "flatpak",
            Method::Nix => "nix",
            Method::Rustup => "rustup",
            Method::Cargo => "cargo",
            Method::Go => "go",
            Method::Pip => "pip",
            Method::Pipx => "pipx",
            Method::Uv => "uv",
            Method::Pyenv => "pyenv",
            Method::Conda => "conda",
            Method::Npm => "npm",
            Method::Pnpm => "pnpm",
            Method::Yarn => "yarn",
            Method::Bun => "bun",
            Method::Nvm => "nvm",
            Method::Fnm => "fnm",
            Method::Volta => "volta",
            Method::Asdf => "asdf",
            Method::Mise => "mise",
            Method::Sdkman => "sdkman",
            Method::Gem => "gem",
            Method::Rbenv => "rbenv",
            Method::Manual => "manual",
            Method::Project => "project",
            Method::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_id_matches_id() {
        for m in [
            Method::Apt,
            Method::Homebrew,
            Method::Pipx,
            Method::Unknown,
            Method::Sdkman,
        ] {
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.id())
            );
        }
    }
}
