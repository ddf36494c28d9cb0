//! The doctor's report as text: findings grouped under their area's
//! heading, each problem with its fix, then the verdict.

use crate::base::printer::visible;
use crate::doctor::{Finding, Health, Report};

/// The report for people, each line fitted to the terminal.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let mut area = "";
    for f in &report.findings {
        if f.area != area {
            area = f.area;
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(heading(area));
            out.push('\n');
        }
        out.push_str(&fitted(&line(f), super::terminal_width()));
    }
    let broken = report
        .findings
        .iter()
        .filter(|f| f.health == Health::Broken)
        .count();
    let warned = report
        .findings
        .iter()
        .filter(|f| f.health == Health::Warn)
        .count();
    out.push_str(&match (broken, warned) {
        (0, 0) => "\nnothing to fix\n".to_owned(),
        (0, w) => format!("\n{w} warning(s), nothing broken\n"),
        (b, w) => format!("\n{b} broken, {w} warning(s): see the fixes above\n"),
    });
    visible(&out).into_owned()
}

/// Each line wrapped to `width`, continuations indented like the detail lines.
fn fitted(text: &str, width: Option<usize>) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let pad = " ".repeat(indent.clamp(10, 20));
        let wrapped = super::wrap_words(line, width);
        out.push_str(&wrapped.replace('\n', &format!("\n{pad}")));
        out.push('\n');
    }
    out
}

fn heading(area: &str) -> &'static str {
    match area {
        "registries" => "Registries",
        "github" => "GitHub",
        "files" => "Files",
        "path" => "PATH",
        _ => "Other",
    }
}

fn line(f: &Finding) -> String {
    let mut s = format!("  {:<7} {}: {}\n", f.health.label(), f.subject, f.detail);
    if let Some(url) = &f.url {
        s.push_str(&format!("          {url}"));
        if let Some(origin) = &f.origin {
            s.push_str(&format!("  (from {origin})"));
        }
        s.push('\n');
    }
    let show_places = f.health != Health::Ok || f.origin.is_none();
    if show_places && !f.looked_in.is_empty() {
        s.push_str(&format!(
            "          looked in: {}\n",
            f.looked_in.join(", ")
        ));
    }
    if let Some(fix) = &f.fix
        && f.health != Health::Ok
    {
        s.push_str(&format!("          fix: {fix}\n"));
    }
    s
}
