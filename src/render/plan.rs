//! The install plan as a table.

use tabled::builder::Builder;

use crate::install::{Plan, full_argv, undo_command};

/// The plan for people: one row per action — what, which manager, the
/// exact command (sudo marked), its undo, why — then what was skipped and
/// why.
pub fn plan(the_plan: &Plan) -> String {
    let mut text = format!(
        "plan for a {} ({} action(s))\n",
        the_plan.environment,
        the_plan.actions.len()
    );
    if !the_plan.actions.is_empty() {
        let mut builder = Builder::default();
        builder.push_record([
            "ACTION", "TOOL", "FROM", "TO", "MANAGER", "COMMAND", "UNDO", "WHY",
        ]);
        for a in &the_plan.actions {
            let to = match (&a.to_version, &a.manager_version) {
                (Some(v), Some(m)) if m != v => format!("{v} ({} {m})", a.manager),
                (Some(v), _) => v.clone(),
                (None, Some(m)) => format!("{} {m}", a.manager),
                (None, None) => format!("whatever {} resolves", a.manager),
            };
            builder.push_record([
                a.kind.id().to_owned(),
                a.tool.clone(),
                a.from_version.clone().unwrap_or_else(|| "-".into()),
                to,
                a.manager.to_owned(),
                full_argv(a).join(" "),
                undo_command(a).describe(),
                a.reason.clone(),
            ]);
        }
        let table = super::fit_with(
            builder,
            super::terminal_width(),
            super::layout::Layout {
                shrink: vec![7, 5, 6, 3],
                drop: vec![7, 6, 4, 2, 5],
                group: None,
                under: Some(7),
                argv: vec![5, 6],
            },
        );
        text.push_str(&format!("{table}\n"));
    }
    let width = super::terminal_width();
    for s in &the_plan.skipped {
        let line = format!("skipped {}: {}", s.tool, s.reason);
        text.push_str(&super::wrap_words(&line, width).replace('\n', "\n  "));
        text.push('\n');
    }
    text
}
