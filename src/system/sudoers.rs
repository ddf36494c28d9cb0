//! A minimal sudoers drop-in for what `system update` runs as root:
//! absolute paths, exact arguments (a `*` only where names vary), checked
//! with `visudo -c` when visudo is there.

use anyhow::{Context as _, bail};

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::settings::Settings;

/// `toolup system sudoers`: a minimal sudoers drop-in for the commands
/// `system update` runs as root — absolute paths, exact arguments (a `*`
/// only where apt takes the security packages' names) — checked with
/// `visudo -c` when visudo is there.
pub fn sudoers(
    settings: &Settings,
    printer: Printer,
    user: Option<&str>,
) -> anyhow::Result<String> {
    let updaters = super::selected(settings, printer, &[])?;
    let host = Host::current();
    let user = user
        .map(str::to_owned)
        .or_else(|| std::env::var("SUDO_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .context("no user: pass --user NAME")?;
    if !user
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        || user.is_empty()
    {
        bail!(
            "{:?} is not a user name",
            crate::base::printer::visible(&user)
        );
    }
    let mut commands: Vec<String> = Vec::new();
    for u in updaters
        .iter()
        .filter(|u| u.applies(&host) && u.needs_root())
    {
        let argvs = u.root_commands();
        for argv in argvs {
            let Some(program) = host.which(&argv[0]).or_else(|| {
                std::path::Path::new(&argv[0])
                    .is_absolute()
                    .then(|| argv[0].clone().into())
            }) else {
                printer.warn(&format!("{}: {} is not on PATH: left out", u.id(), argv[0]));
                continue;
            };
            let line = std::iter::once(program.display().to_string())
                .chain(argv[1..].iter().cloned())
                .collect::<Vec<_>>()
                .join(" ");
            if !commands.contains(&line) {
                commands.push(line);
            }
        }
    }
    let mut text = "# toolup: what `toolup system update` runs as root, through `sudo -n`.\n# Install: toolup system sudoers > toolup.sudoers && visudo -cf toolup.sudoers \\\n#   && sudo install -m 0440 toolup.sudoers /etc/sudoers.d/toolup\n".to_owned();
    if commands.is_empty() {
        text.push_str("# nothing here needs root\n");
    } else {
        text.push_str(&format!(
            "{user} ALL=(root) NOPASSWD: {}\n",
            commands.join(", \\\n    ")
        ));
    }
    if let Some(visudo) = host.which("visudo").or_else(|| {
        let p = std::path::PathBuf::from("/usr/sbin/visudo");
        p.is_file().then_some(p)
    }) {
        let file = crate::state::files::scratch_with(text.as_bytes())?;
        let args = [
            "-c".to_owned(),
            "-f".to_owned(),
            file.path().display().to_string(),
        ];
        let out = crate::exec::run_quick(&visudo, &args, std::time::Duration::from_secs(10))?;
        if !out.status.is_some_and(|s| s.success()) {
            bail!(
                "visudo -c rejects the drop-in: {}",
                String::from_utf8_lossy(&out.stdout).trim()
            );
        }
        printer.note("checked with visudo -c");
    }
    Ok(text)
}
