//! Modules: the repository they come from (and git, which fetches it), each
//! installed module, a module toolup passes over, an interrupted sync, an
//! index that disagrees with the directories, a tool two modules define.

use super::{Finding, Health};
use crate::settings::Settings;

const AREA: &str = "modules";

pub fn check(settings: &Settings) -> Vec<Finding> {
    let Some(dirs) = &settings.dirs else {
        return Vec::new();
    };
    let modules_dir = dirs.modules();
    let mut out = Vec::new();
    match &settings.config.modules_repository {
        Some(url) => {
            let shown = crate::base::redact::redact_text(url);
            let git = crate::base::host::Host::current().which("git");
            out.push(match git {
                Some(_) => Finding::new(AREA, "repository", Health::Ok, shown),
                None => Finding::new(
                    AREA,
                    "repository",
                    Health::Broken,
                    format!("{shown}, but git is not on PATH"),
                )
                .fix("install git: `toolup modules sync` fetches the repository with it"),
            });
        }
        None if settings.modules.is_empty() => return out,
        None => {}
    }
    for m in &settings.modules {
        let from = m.entry.as_ref().map_or_else(
            || "not in the index".to_owned(),
            |e| format!("{} @ {}", e.repository, &e.commit[..e.commit.len().min(12)]),
        );
        let detail = format!(
            "{} from {from}; {}; {} tool(s), {} updater(s)",
            m.manifest.schema_version,
            if m.enabled { "enabled" } else { "disabled" },
            m.tools().len(),
            m.plugins().len()
        );
        let indexed = m
            .entry
            .as_ref()
            .is_some_and(|e| e.schema_version == m.manifest.schema_version.to_string());
        out.push(if indexed {
            Finding::new(AREA, m.manifest.name.clone(), Health::Ok, detail)
        } else {
            Finding::new(
                AREA,
                m.manifest.name.clone(),
                Health::Warn,
                format!("{detail}; index.json disagrees with its directory"),
            )
            .fix("run `toolup modules list`: it makes the index agree")
        });
    }
    for problem in &settings.module_problems {
        let conflict = problem.starts_with("tool ");
        out.push(if conflict {
            Finding::new(AREA, "conflict", Health::Warn, problem.clone())
                .fix("rename the tool in one module, or disable one (`toolup modules disable NAME`)")
        } else {
            Finding::new(AREA, "unreadable module", Health::Broken, problem.clone()).fix(format!(
                "`toolup modules sync` installs the repository's version again; or remove it from {}",
                modules_dir.display()
            ))
        });
    }
    if crate::modules::swap::interrupted(&modules_dir) {
        out.push(
            Finding::new(
                AREA,
                "interrupted sync",
                Health::Warn,
                format!(
                    "{} holds what an interrupted sync left",
                    modules_dir.display()
                ),
            )
            .fix("run `toolup modules list`: it finishes or undoes the interrupted swap"),
        );
    }
    out
}
