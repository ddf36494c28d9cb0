//! The modules repository, fetched with the real `git` into the cache dir:
//! argv only (through `exec`), a timeout, no prompt (`GIT_TERMINAL_PROMPT=0`,
//! ssh in batch mode), no hooks, no submodules, no `ext::` transport. A
//! clone a killed run left damaged is cloned again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::base::host::Host;
use crate::exec::{ProcessRequest, Stop, run};

/// The repository as fetched: where its files are and at which commit.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub dir: PathBuf,
    pub commit: String,
}

/// Refuses what git would read as an option or a command-running transport.
pub fn check_url(url: &str) -> Result<(), String> {
    let shown = crate::base::redact::redact_text(url);
    if url.trim().is_empty() {
        return Err("the modules repository is empty".to_owned());
    }
    if url.starts_with('-') || url.chars().any(char::is_control) {
        return Err(format!("{shown:?} is not a repository address"));
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("ext::") || lower.starts_with("fd::") {
        return Err(format!(
            "{shown:?}: the ext:: and fd:: transports run commands; use https, ssh, git or a path"
        ));
    }
    Ok(())
}

/// Refuses a branch name git would read as an option or could not name.
pub fn check_branch(branch: &str) -> Result<(), String> {
    let ok = !branch.is_empty()
        && !branch.starts_with('-')
        && !branch.contains("..")
        && branch
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./+".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a branch name",
            crate::base::printer::visible(branch)
        ))
    }
}

/// Where the clone of `url` at `branch` is kept.
pub fn clone_dir(cache: &Path, url: &str, branch: Option<&str>) -> PathBuf {
    let mut h = Sha256::new();
    h.update(url.as_bytes());
    h.update([0]);
    h.update(branch.unwrap_or("").as_bytes());
    let digest = crate::base::digest::hex(&h.finalize());
    cache
        .join("modules")
        .join(format!("repo-{}", &digest[..16]))
}

/// Clones or fetches `url` (at `branch`, else its default branch) into `dir`
/// and checks the fetched commit out, clean.
pub fn sync(
    url: &str,
    branch: Option<&str>,
    dir: &Path,
    timeout: Duration,
) -> Result<Checkout, String> {
    check_url(url)?;
    if let Some(b) = branch {
        check_branch(b)?;
    }
    register_credentials(url);
    let git = Host::current()
        .which("git")
        .ok_or("git is not on PATH: modules are fetched with git")?;
    if dir.join(".git").is_dir() && update(&git, branch, dir, timeout).is_ok() {
        return head(&git, dir, timeout);
    }
    // None yet, or one a killed run left half-written: start afresh.
    crate::state::tree::remove(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if let Some(parent) = dir.parent() {
        // git keeps the address, credentials and all, in the clone's
        // config: only the user may read the clones.
        crate::state::files::ensure_private_dir(parent)
            .map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let mut args = vec![
        "clone".to_owned(),
        "--quiet".to_owned(),
        "--no-recurse-submodules".to_owned(),
        "--depth".to_owned(),
        "1".to_owned(),
    ];
    if let Some(b) = branch {
        args.extend(["--branch".to_owned(), b.to_owned()]);
    }
    args.extend(["--".to_owned(), url.to_owned(), dir.display().to_string()]);
    git_run(&git, &args, None, timeout)?;
    head(&git, dir, timeout)
}

/// A password in the address (`https://user:TOKEN@host/…`) is a secret: no
/// line toolup writes may show it.
fn register_credentials(url: &str) {
    let Some((_, rest)) = url.split_once("://") else {
        return;
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    if let Some((userinfo, _)) = authority.rsplit_once('@') {
        let secret = userinfo.split_once(':').map_or(userinfo, |(_, p)| p);
        crate::base::secrets::register(secret);
    }
}

fn update(git: &Path, branch: Option<&str>, dir: &Path, timeout: Duration) -> Result<(), String> {
    // A killed git leaves its lock files; only this process (under the
    // modules lock) uses this clone.
    for lock in ["index.lock", "shallow.lock", "HEAD.lock"] {
        let _ = crate::state::files::remove_file(&dir.join(".git").join(lock));
    }
    let refspec = branch.unwrap_or("HEAD");
    let fetch: Vec<String> = [
        "fetch",
        "--quiet",
        "--no-recurse-submodules",
        "--depth",
        "1",
        "origin",
        refspec,
    ]
    .map(str::to_owned)
    .to_vec();
    git_run(git, &fetch, Some(dir), timeout)?;
    let checkout: Vec<String> = ["checkout", "--quiet", "--force", "--detach", "FETCH_HEAD"]
        .map(str::to_owned)
        .to_vec();
    git_run(git, &checkout, Some(dir), timeout)?;
    let clean: Vec<String> = ["clean", "-ffdxq"].map(str::to_owned).to_vec();
    git_run(git, &clean, Some(dir), timeout).map(|_| ())
}

fn head(git: &Path, dir: &Path, timeout: Duration) -> Result<Checkout, String> {
    let out = git_run(
        git,
        &["rev-parse".to_owned(), "HEAD".to_owned()],
        Some(dir),
        timeout,
    )?;
    let commit = out.trim().to_owned();
    if commit.len() < 40 || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("git rev-parse HEAD printed {commit:?}"));
    }
    Ok(Checkout {
        dir: dir.to_path_buf(),
        commit,
    })
}

/// Runs git; the error carries its last stderr line, credentials scrubbed.
fn git_run(
    git: &Path,
    args: &[String],
    cwd: Option<&Path>,
    timeout: Duration,
) -> Result<String, String> {
    let mut full: Vec<String> = [
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "protocol.ext.allow=never",
        "-c",
        "core.fsmonitor=false",
        "-c",
        "advice.detachedHead=false",
    ]
    .map(str::to_owned)
    .to_vec();
    full.extend_from_slice(args);
    let ssh_set =
        std::env::var_os("GIT_SSH_COMMAND").is_some() || std::env::var_os("GIT_SSH").is_some();
    let mut env: Vec<(&str, &str)> = vec![
        ("GIT_TERMINAL_PROMPT", "0"),
        ("GCM_INTERACTIVE", "never"),
        ("LC_ALL", "C.UTF-8"),
    ];
    if !ssh_set {
        env.push(("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"));
    }
    let out = run(&ProcessRequest::query(git, &full, timeout)
        .env(&env)
        .capture(1024 * 1024)
        .cwd(cwd)
        .stop(Stop::OnInterrupt))
    .map_err(|e| format!("git: {e}"))?;
    let what = args.first().map_or("", String::as_str);
    if out.timed_out {
        return Err(format!(
            "git {what} did not finish within {}s (killed)",
            timeout.as_secs()
        ));
    }
    if out.status.is_some_and(|s| s.success()) {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let stderr = crate::base::text::clean_output(&[], &out.stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    Err(crate::base::secrets::scrub(&format!("git {what} failed: {}", last.trim())).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_branches_that_would_be_options_or_commands_are_refused() {
        assert!(check_url("https://git.example/team/modules.git").is_ok());
        assert!(check_url("/srv/git/modules.git").is_ok());
        assert!(check_url("git@host:team/modules.git").is_ok());
        for (bad, why) in [
            (
                "--upload-pack=touch /tmp/x",
                "\"--upload-pack=touch /tmp/x\" is not a repository address",
            ),
            (
                "ext::sh -c touch% /tmp/x",
                "\"ext::sh -c touch% /tmp/x\": the ext:: and fd:: transports run commands; use https, ssh, git or a path",
            ),
            (
                "FD::3",
                "\"FD::3\": the ext:: and fd:: transports run commands; use https, ssh, git or a path",
            ),
            ("", "the modules repository is empty"),
            ("x\ny", "\"x\\ny\" is not a repository address"),
        ] {
            assert_eq!(check_url(bad), Err(why.to_owned()), "{bad}");
        }
        assert!(check_branch("release/2026-12").is_ok());
        for bad in ["-b", "a..b", "a b", ""] {
            assert_eq!(
                check_branch(bad),
                Err(format!("{bad:?} is not a branch name")),
                "{bad}"
            );
        }
    }
}
