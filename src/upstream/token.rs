//! The GitHub token: `GITHUB_TOKEN`, then `GH_TOKEN`, then `gh auth token`.
//! It is sent only to the GitHub API and never logged or written.

use std::path::Path;
use std::time::Duration;

use crate::base::env_vars;
use crate::exec::{ProcessRequest, run};

/// A secret whose `Debug` does not show it.
#[derive(Clone)]
pub struct Token(String, &'static str);

impl Token {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Where it was found (`GITHUB_TOKEN`, `GH_TOKEN`, `gh auth token`).
    pub fn origin(&self) -> &'static str {
        self.1
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// Finds a token; asks `gh` (found on `path`) only when no variable is set.
pub fn github_token(path: Option<&std::ffi::OsStr>) -> Option<Token> {
    for key in [env_vars::GITHUB_TOKEN, env_vars::GH_TOKEN] {
        if let Ok(value) = std::env::var(key)
            && !value.trim().is_empty()
        {
            crate::base::secrets::register(&value);
            return Some(Token(value.trim().to_owned(), key));
        }
    }
    let gh = std::env::split_paths(path?)
        .map(|d| d.join("gh"))
        .find(|p| p.is_file())?;
    gh_auth_token(&gh)
}

fn gh_auth_token(gh: &Path) -> Option<Token> {
    let args = ["auth".to_owned(), "token".to_owned()];
    let out = run(&ProcessRequest::query(gh, &args, Duration::from_secs(5))
        .env(&[("GH_PROMPT_DISABLED", "1"), ("NO_COLOR", "1")])
        .capture(4096))
    .ok()?;
    if !out.status.is_some_and(|s| s.success()) {
        return None;
    }
    let token = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return None;
    }
    crate::base::secrets::register(&token);
    Some(Token(token, "gh auth token"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        assert_eq!(
            format!("{:?}", Token("ghp_secret".into(), "GITHUB_TOKEN")),
            "Token(***)"
        );
    }
}
