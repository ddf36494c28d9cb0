//! The host aliases of the user's ssh config: every `Host` name without a
//! wildcard or negation, following `Include` as ssh does (a relative path
//! is under `~/.ssh`, globs allowed) to a bounded depth. Aliases let
//! `toolup fleet … NAME` reach a host no host list defines: ssh resolves
//! the name itself. Nothing here is an error — a missing or unreadable
//! file simply has no aliases.

use std::path::{Path, PathBuf};

use super::checks;
use crate::base::wildcard;

/// How deep `Include`s are followed (ssh's own limit).
const MAX_INCLUDE_DEPTH: usize = 16;
/// The most files read for one config.
const MAX_FILES: usize = 256;
/// The largest config file read.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The aliases of `config` (the `[ssh] config` of the host list), else of
/// `~/.ssh/config`, in the order written, each once.
pub fn ssh_aliases(config: Option<&Path>) -> Vec<String> {
    let Some(home) = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()) else {
        return Vec::new();
    };
    let file = config.map_or_else(|| home.join(".ssh/config"), Path::to_path_buf);
    aliases_in(&file, &home)
}

/// The aliases of `file`, with `home` for `~` and relative `Include`s.
pub fn aliases_in(file: &Path, home: &Path) -> Vec<String> {
    let mut reader = Reader {
        home,
        aliases: Vec::new(),
        files: 0,
    };
    reader.read(file, 0);
    reader.aliases
}

struct Reader<'h> {
    home: &'h Path,
    aliases: Vec<String>,
    files: usize,
}

impl Reader<'_> {
    fn read(&mut self, file: &Path, depth: usize) {
        if depth > MAX_INCLUDE_DEPTH || self.files >= MAX_FILES {
            return;
        }
        self.files += 1;
        let Ok(bytes) = crate::state::read_bounded(file, MAX_FILE_BYTES) else {
            return;
        };
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines() {
            let Some((keyword, args)) = keyword_and_args(line) else {
                continue;
            };
            if keyword.eq_ignore_ascii_case("host") {
                for name in args {
                    let plain = !wildcard::is_wild(&name) && !name.starts_with('!');
                    if plain && checks::host_name(&name).is_ok() && !self.aliases.contains(&name) {
                        self.aliases.push(name);
                    }
                }
            } else if keyword.eq_ignore_ascii_case("include") {
                for arg in args {
                    for included in self.expand(&arg) {
                        self.read(&included, depth + 1);
                    }
                }
            }
        }
    }

    /// The files an `Include` argument names: `~/` is home, a relative
    /// path is under `~/.ssh`, and wildcards match in each part.
    fn expand(&self, arg: &str) -> Vec<PathBuf> {
        let path = match arg.strip_prefix("~/") {
            Some(rest) => self.home.join(rest),
            None if Path::new(arg).is_absolute() => PathBuf::from(arg),
            None => self.home.join(".ssh").join(arg),
        };
        let mut found = vec![PathBuf::from("/")];
        for part in path.components().skip(1) {
            let part = part.as_os_str().to_string_lossy();
            if !wildcard::is_wild(&part) {
                found.iter_mut().for_each(|p| p.push(part.as_ref()));
                continue;
            }
            let mut next = Vec::new();
            for dir in &found {
                let Ok(entries) = std::fs::read_dir(dir) else {
                    continue;
                };
                let mut names: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.') || part.starts_with('.'))
                    .filter(|n| wildcard::matches(&part, n))
                    .collect();
                names.sort();
                next.extend(names.into_iter().map(|n| dir.join(n)));
                if next.len() > MAX_FILES {
                    break;
                }
            }
            found = next;
        }
        found.truncate(MAX_FILES);
        found
    }
}

/// `Keyword args…` or `Keyword=args…`, args split at whitespace with
/// double quotes grouping; comments and blank lines are none.
fn keyword_and_args(line: &str) -> Option<(String, Vec<String>)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let end = line.find(|c: char| c.is_whitespace() || c == '=')?;
    let keyword = line[..end].to_owned();
    let rest = line[end..].trim_start();
    let rest = rest.strip_prefix('=').unwrap_or(rest);
    let mut args = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in rest.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    args.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        args.push(word);
    }
    Some((keyword, args))
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    #[test]
    fn host_names_without_wildcards_following_includes() {
        let home = tempfile::tempdir().unwrap();
        let ssh = home.path().join(".ssh");
        std::fs::create_dir_all(ssh.join("config.d")).unwrap();
        std::fs::write(
            ssh.join("config"),
            "# mine\nHost bastion jump-1 *.internal !bad\n  HostName 10.0.0.1\nhost=\"quoted\"\nInclude config.d/*.conf ~/other\nHost -oProxyCommand=x\nHost bastion\n",
        )
        .unwrap();
        std::fs::write(ssh.join("config.d/b.conf"), "Host from-b\n").unwrap();
        std::fs::write(
            ssh.join("config.d/a.conf"),
            "Host from-a\nInclude config.d/a.conf\n",
        )
        .unwrap();
        std::fs::write(ssh.join("config.d/ignored.txt"), "Host nope\n").unwrap();
        std::fs::write(home.path().join("other"), "HOST other?x other\n").unwrap();
        let aliases = aliases_in(&ssh.join("config"), home.path());
        assert_eq!(
            aliases,
            ["bastion", "jump-1", "quoted", "from-a", "from-b", "other"]
        );
    }

    #[test]
    fn a_missing_or_strange_file_has_no_aliases() {
        let home = tempfile::tempdir().unwrap();
        assert!(aliases_in(&home.path().join("nope"), home.path()).is_empty());
        assert!(aliases_in(home.path(), home.path()).is_empty());
        assert!(aliases_in(Path::new("/dev/zero"), home.path()).is_empty());
    }
}
