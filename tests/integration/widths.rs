//! Every table at 60, 80 and 120 columns from fixed data: no line wider
//! than the terminal, no word broken (a cell folds only at spaces and after
//! the `/` or `:` of a path, URL or source id), nothing lost against the
//! unconstrained (piped) rendering; each narrow rendering is kept as an
//! insta snapshot.

use std::path::Path;

use crate::support::Sandbox;

/// A machine with long names, versions, sources and notes to fold.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.tool(
        "tu-long-named-language-server",
        &["tu-long-named-language-server"],
        "[install]\nnpm = \"tu-long-named-language-server\"",
    );
    sb.set_upstream(
        "tu-long-named-language-server",
        "github:an-organisation-with-a-long-name/tu-long-named-language-server",
    );
    sb.tool(
        "tuversion",
        &["tuversion"],
        "[install]\nnpm = \"tuversion\"",
    );
    sb.tool("tuunknown", &["tuunknown"], "");
    sb.tool(
        "tumissing",
        &["tumissing"],
        "[install]\nnpm = \"tumissing\"",
    );
    sb.fake(
        &sb.bin,
        "tu-long-named-language-server",
        "tu-long-named-language-server 2026.11.23",
    );
    sb.fake(&sb.bin, "tuversion", "tuversion 1.2.3-rc.4+build.5678");
    sb.fake(
        &sb.bin,
        "tuunknown",
        "Usage: tuunknown [OPTIONS] <COMMAND> — this build prints its long help text instead of a version",
    );
    sb.fake(&sb.bin, "npm", "10.0.0");
    sb.latest(&[
        ("tu-long-named-language-server", "2026.12.01"),
        ("tuversion", "1.2.4"),
        ("tumissing", "3.0.0"),
        ("tuunknown", "1.0.0"),
    ]);
    // apt and npm answering `system check` as recorded.
    let fixture = |name: &str| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/updaters")
                .join(name),
        )
        .unwrap()
    };
    std::fs::write(sb.root.join("apt.out"), fixture("apt-list-upgradable.txt")).unwrap();
    sb.script(
        &sb.bin,
        "apt",
        &format!("/bin/cat {}", sb.root.join("apt.out").display()),
    );
    // The recorded phases of two runs.
    let store = sb.home.join(".local/state/toolup/history.sqlite");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    let history = toolup::state::store::Store::open(&store).unwrap();
    for (i, (updater, phase, wall)) in [
        ("apt", "download", 41_200),
        ("apt", "update", 93_400),
        ("a-plugin-with-a-long-name", "update", 1_500),
        ("npm", "update", 12_900),
    ]
    .into_iter()
    .enumerate()
    {
        history
            .record(&toolup::state::store::PhaseRecord {
                run_id: format!("20261201T02000{i}Z-4242"),
                host: toolup::base::host::hostname(),
                updater: updater.to_owned(),
                phase: phase.to_owned(),
                started_at: format!("2026-12-01T02:00:0{i}Z"),
                wall_ms: wall,
                user_ms: Some(wall / 3),
                system_ms: Some(wall / 10),
                peak_rss_kib: Some(51_200),
                packages: 80,
                bytes: Some(123_456_789),
                outcome: "ok".to_owned(),
            })
            .unwrap();
    }
    sb
}

/// What a command prints to stdout at `columns` (none: piped, unconstrained).
fn at(sb: &Sandbox, args: &[&str], columns: Option<usize>) -> String {
    let mut cmd = sb.cmd(args);
    cmd.env_remove("COLUMNS");
    if let Some(c) = columns {
        cmd.env("COLUMNS", c.to_string());
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether `piece` is `word`, or a part of it cut only after a `/` or `:`.
fn is_fold_of(piece: &str, word: &str) -> bool {
    let separator = |c: char| c == '/' || c == ':';
    word.match_indices(piece).any(|(at, _)| {
        let end = at + piece.len();
        (at == 0 || word[..at].ends_with(separator))
            && (end == word.len() || piece.ends_with(separator))
    })
}

/// The words of the table rows (its first line is the header).
fn row_words(text: &str) -> Vec<&str> {
    text.lines()
        .skip(1)
        .flat_map(str::split_whitespace)
        .collect()
}

#[test]
fn every_table_fits_60_80_and_120_columns_without_breaking_a_word() {
    let sb = sandbox();
    sb.collect(&[]);
    let commands: [(&str, &[&str]); 5] = [
        ("audit", &["audit", "--all"]),
        ("render", &["render", "--all"]),
        ("system_check", &["system", "check", "--only", "apt"]),
        (
            "upgrade_dry_run",
            &[
                "upgrade",
                "--all",
                "--dry-run",
                "--environment",
                "workstation",
            ],
        ),
        ("system_history", &["system", "history"]),
    ];
    let stamp = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z").unwrap();
    let took = regex::Regex::new(r"\b\d+\.\ds\b").unwrap();
    // What one run says and the next need not: its times as `[TIME]`, and a
    // real check's TOOK (`0.0s`, `0.1s` on a busy machine) as zeros of the
    // same width, so each run reads as the others and the layout is what
    // is compared.
    let steady = |name: &str, text: &str| -> String {
        let text = stamp.replace_all(text, "[TIME]");
        if name == "system_check" {
            took.replace_all(&text, |c: &regex::Captures| {
                c[0].replace(|d: char| d.is_ascii_digit(), "0")
            })
            .into_owned()
        } else {
            text.into_owned()
        }
    };
    for (name, args) in commands {
        let wide = steady(name, &at(&sb, args, None));
        let wide_words = row_words(&wide);
        for columns in [60, 80, 120] {
            let narrow = steady(name, &at(&sb, args, Some(columns)));
            for line in narrow.lines() {
                assert!(
                    line.chars().count() <= columns,
                    "{name} at {columns}: a line of {}:\n{narrow}",
                    line.chars().count()
                );
                assert_eq!(line, line.trim_end(), "{name}: trailing padding");
            }
            // Every word shown is a word of the wide table, or a fold of
            // one at a path's separator; a column that left the grid says
            // its name once (`method: apt`).
            let words = row_words(&narrow);
            for word in &words {
                let label = word.ends_with(':')
                    && wide.split_whitespace().any(|h| {
                        h.chars().any(|c| c.is_ascii_uppercase())
                            && !h.chars().any(|c| c.is_ascii_lowercase())
                            && h.to_lowercase() == word.trim_end_matches(':')
                    })
                    || wide.contains(&word.to_uppercase());
                assert!(
                    label || wide_words.iter().any(|w| is_fold_of(word, w)),
                    "{name} at {columns}: {word:?} is a broken word:\n{narrow}"
                );
            }
            // And nothing the wide table says is lost.
            let squashed: String = narrow.split_whitespace().collect();
            for word in &wide_words {
                // A header of a column that left the grid is its label now.
                let header = word.chars().all(|c| !c.is_ascii_lowercase())
                    && narrow.contains(&word.to_lowercase());
                assert!(
                    header || squashed.contains(word),
                    "{name} at {columns}: {word:?} is lost:\n{narrow}"
                );
            }
            insta::assert_snapshot!(format!("{name}_{columns}"), narrow);
        }
    }
}
