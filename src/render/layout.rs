//! The one table layout every view uses: columns as wide as their content,
//! fitted to the terminal without breaking anything. A cell folds only at
//! spaces, and inside a long path, URL or source id after a `/` or `:` —
//! never inside a name, a version, a package or an argv word. When
//! shrinking is not enough, columns leave the grid in the order the table
//! declares — a group column becomes a heading over its rows, another
//! column goes to a line under its row (`method: apt`) — then the long
//! text column joins that line, indented. Nothing is ever cut or lost;
//! piped output (no width) is never folded and carries no trailing padding.

/// How a table may give way when it does not fit.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Columns that may fold, the widest of them first.
    pub shrink: Vec<usize>,
    /// Columns that leave when folding is not enough, the first first.
    pub drop: Vec<usize>,
    /// The column naming each row's group (shown on a group's first row):
    /// when it leaves, its value becomes a heading over the group's rows.
    pub group: Option<usize>,
    /// The long text column that moves under its row, indented — where
    /// `drop` names it, else when nothing else makes the table fit.
    pub under: Option<usize>,
    /// Columns of argv: they fold only between words.
    pub argv: Vec<usize>,
}

/// Space before the first column and between columns.
const LEAD: usize = 1;
const GAP: usize = 3;
/// Where a line under its row starts.
const UNDER_INDENT: usize = 6;

/// `rows` (the first is the header) laid out within `width`.
pub fn lay_out(rows: Vec<Vec<String>>, width: Option<usize>, layout: &Layout) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    // Credentials go before cells are measured and folded: a folded one
    // would be in pieces the printer's scrub could not recognise.
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|mut r| {
            r.resize(columns, String::new());
            r.into_iter()
                .map(|cell| match crate::base::secrets::scrub(&cell) {
                    std::borrow::Cow::Owned(clean) => clean,
                    std::borrow::Cow::Borrowed(_) => cell,
                })
                .collect()
        })
        .collect();
    let Some(width) = width else {
        let shown: Vec<usize> = (0..columns).collect();
        let widths: Vec<usize> = shown.iter().map(|c| natural(&rows, *c)).collect();
        return draw(&rows, &shown, &widths, layout, None, &[], None);
    };
    // The long text column goes under its row where the table's order
    // says, and last where it does not say.
    let order: Vec<usize> = layout
        .drop
        .iter()
        .copied()
        .chain(layout.under.filter(|u| !layout.drop.contains(u)))
        .collect();
    let mut dropped: Vec<usize> = Vec::new();
    loop {
        let shown: Vec<usize> = (0..columns).filter(|c| !dropped.contains(c)).collect();
        let (widths, fits) = fitted(&rows, &shown, width, layout);
        let heading = layout.group.filter(|g| dropped.contains(g));
        // What left the grid and is not a heading, in the table's order,
        // the long text last.
        let mut below: Vec<usize> = dropped
            .iter()
            .copied()
            .filter(|c| Some(*c) != heading && Some(*c) != layout.under)
            .collect();
        below.sort_unstable();
        below.extend(layout.under.filter(|u| dropped.contains(u)));
        match order.iter().find(|c| !dropped.contains(c)) {
            Some(next) if !fits => dropped.push(*next),
            // It fits, or nothing more can give way: as narrow as it
            // goes, never cut.
            _ => return draw(&rows, &shown, &widths, layout, heading, &below, Some(width)),
        }
    }
}

/// The columns `text` takes in a terminal: two for a wide character (CJK,
/// an ideographic space), none for a combining mark.
pub fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// The widest line of a column's cells.
fn natural(rows: &[Vec<String>], c: usize) -> usize {
    rows.iter()
        .flat_map(|r| r[c].lines().map(display_width))
        .max()
        .unwrap_or(0)
}

/// The narrowest a column can be: its header, and the longest piece of a
/// cell that may not fold (a word; in a path, a part between separators).
fn narrowest(rows: &[Vec<String>], c: usize, argv: bool) -> usize {
    rows.iter()
        .enumerate()
        .flat_map(|(i, r)| {
            let text = &r[c];
            let pieces: Vec<usize> = if i == 0 {
                vec![display_width(text)]
            } else {
                text.split(is_break)
                    .filter(|w| !w.is_empty())
                    .flat_map(|w| pieces(w, argv))
                    .map(display_width)
                    .collect()
            };
            pieces
        })
        .max()
        .unwrap_or(0)
}

/// The pieces a word may fold into: after each `/` or `:` of a path, a
/// URL or a source id (a word with a `/`); an argv word, a version (`1:2.66-4`)
/// and anything else stays whole.
fn pieces(word: &str, argv: bool) -> Vec<&str> {
    if argv || !word.contains('/') {
        return vec![word];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, ch) in word.char_indices() {
        if ch == '/' || ch == ':' {
            let end = i + ch.len_utf8();
            if end > start {
                out.push(&word[start..end]);
                start = end;
            }
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

/// Each shown column's width within `width`: the folding columns give way,
/// the widest first, down to their narrowest. Whether the table fits.
fn fitted(
    rows: &[Vec<String>],
    shown: &[usize],
    width: usize,
    layout: &Layout,
) -> (Vec<usize>, bool) {
    let mut widths: Vec<usize> = shown.iter().map(|c| natural(rows, *c)).collect();
    let least: Vec<usize> = shown
        .iter()
        .map(|c| narrowest(rows, *c, layout.argv.contains(c)))
        .collect();
    let total = |w: &[usize]| LEAD + w.iter().sum::<usize>() + GAP * w.len().saturating_sub(1);
    while total(&widths) > width {
        let Some(i) = (0..shown.len())
            .filter(|i| layout.shrink.contains(&shown[*i]) && widths[*i] > least[*i])
            .max_by_key(|i| {
                (
                    widths[*i],
                    std::cmp::Reverse(layout.shrink.iter().position(|x| *x == shown[*i])),
                )
            })
        else {
            break;
        };
        widths[i] -= 1;
    }
    let fits = total(&widths) <= width;
    (widths, fits)
}

/// Where a line may break: any space but a no-break one (an ideographic
/// or a thin space is a space too; fuzz: a cell spaced by U+3000 was one
/// word wider than its column).
pub fn is_break(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// `text` in lines of at most `width` characters, folded at spaces and
/// (outside argv) after the separators inside long words.
pub fn fold(text: &str, width: usize, argv: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for source in text.lines() {
        let mut line = String::new();
        for word in source.split(is_break).filter(|w| !w.is_empty()) {
            let len = display_width;
            if !line.is_empty() && len(&line) + 1 + len(word) <= width {
                line.push(' ');
                line.push_str(word);
                continue;
            }
            if line.is_empty() && len(word) <= width {
                line.push_str(word);
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // A word longer than the column: its pieces, as many a line as fit.
            for piece in pieces(word, argv) {
                if !line.is_empty() && len(&line) + len(piece) > width {
                    out.push(std::mem::take(&mut line));
                }
                line.push_str(piece);
            }
        }
        out.push(line);
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// The table's lines: each row's cells folded to their widths and padded
/// (never past the last column), the group headings, and under each row
/// what left the grid: `below`'s columns as `name: value`, the long text
/// column (last) as it is.
fn draw(
    rows: &[Vec<String>],
    shown: &[usize],
    widths: &[usize],
    layout: &Layout,
    heading: Option<usize>,
    below: &[usize],
    width: Option<usize>,
) -> String {
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(g) = heading
            && i > 0
            && !row[g].is_empty()
        {
            if i > 1 {
                out.push('\n');
            }
            // Folded like its column's cells when it is wider than the
            // table may be: an argv heading only between words (fuzz: one
            // was cut at its `://`).
            let lines = match width {
                Some(w) => fold(
                    &row[g],
                    w.saturating_sub(LEAD).max(1),
                    layout.argv.contains(&g),
                ),
                None => vec![row[g].clone()],
            };
            for line in lines {
                out.push_str(&format!("{}{line}\n", " ".repeat(LEAD)));
            }
        }
        let cells: Vec<Vec<String>> = shown
            .iter()
            .zip(widths)
            .map(|(c, w)| match width {
                Some(_) => fold(&row[*c], *w, layout.argv.contains(c)),
                None => row[*c].lines().map(str::to_owned).collect(),
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            let mut text = " ".repeat(LEAD);
            for (k, (cell, w)) in cells.iter().zip(widths).enumerate() {
                if k > 0 {
                    text.push_str(&" ".repeat(GAP));
                }
                let part = cell.get(line).map_or("", String::as_str);
                text.push_str(part);
                text.push_str(&" ".repeat(w.saturating_sub(display_width(part))));
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
        if i > 0 {
            // Each column that left the grid on a line of its own under the
            // row, folded as its column would be.
            let room = width
                .unwrap_or(usize::MAX)
                .saturating_sub(UNDER_INDENT)
                .max(20);
            // An empty cell (or a dash) says nothing under the row.
            for c in below
                .iter()
                .filter(|c| !row[**c].is_empty() && row[**c] != "-")
            {
                let text = format!("{}: {}", rows[0][*c].to_lowercase(), row[*c]);
                for line in fold(&text, room, layout.argv.contains(c)) {
                    out.push_str(&format!("{}{line}\n", " ".repeat(UNDER_INDENT)));
                }
            }
        }
    }
    // Like the tables before it: no line break after the last row.
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    #[test]
    fn any_space_but_a_no_break_one_is_where_a_line_may_break() {
        // tests/fuzz_regressions/layout/an-ideographic-space
        assert_eq!(fold("one\u{3000}two", 4, false), ["one", "two"]);
        assert_eq!(
            fold("one\u{2009}two\tthree", 9, false),
            ["one two", "three"]
        );
        assert_eq!(fold("one\u{a0}two", 4, false), ["one\u{a0}two"]);
        // tests/fuzz_regressions/layout/a-no-break-space: the narrowest a
        // column may be counts a no-break space's word whole, as fold keeps it.
        assert_eq!(narrowest(&rows(&[&["H"], &["a\u{a0}bcd e"]]), 0, false), 5);
    }

    #[test]
    fn a_group_heading_wider_than_the_table_folds_at_its_separators() {
        // tests/fuzz_regressions/layout/a-heading-wider-than-the-table
        let heading =
            "language-servers github:an-organisation-with-a-long-name/a-long-named-language-server";
        let table = rows(&[&["GROUP", "NAME", "VERSION"], &[heading, "ruff", "0.17.6"]]);
        let layout = Layout {
            drop: vec![0],
            group: Some(0),
            ..Layout::default()
        };
        let out = lay_out(table, Some(40), &layout);
        assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
        assert!(out.contains("an-organisation-with-a-long-name/"), "{out}");
        assert!(out.contains("a-long-named-language-server"), "{out}");
    }

    #[test]
    fn an_argv_group_heading_folds_only_between_words() {
        // tests/fuzz_regressions/layout/a-word-folded-at-its-scheme
        let heading =
            "sudo -n /usr/bin/apt-get install https://example.org/a-long-named-package.deb";
        let table = rows(&[&["ARGV", "NAME"], &[heading, "x"]]);
        let layout = Layout {
            drop: vec![0],
            group: Some(0),
            argv: vec![0],
            ..Layout::default()
        };
        let out = lay_out(table, Some(40), &layout);
        assert!(
            out.lines()
                .any(|l| l.trim() == "https://example.org/a-long-named-package.deb"),
            "{out}"
        );
        assert!(out.contains("/usr/bin/apt-get"), "{out}");
    }

    #[test]
    fn wide_characters_take_their_two_columns() {
        // A CJK character or U+3000 takes two columns in a terminal: a
        // table of them folds to the width as the terminal draws it.
        let note = "工具的版本 已经过时 请升级到最新的版本 然后重新运行";
        let table = rows(&[&["NAME", "NOTES"], &["工具", note], &["ruff", "ok"]]);
        let layout = Layout {
            shrink: vec![1],
            ..Layout::default()
        };
        let out = lay_out(table, Some(30), &layout);
        for line in out.lines() {
            assert!(
                display_width(line) <= 30,
                "{} columns: {out}",
                display_width(line)
            );
        }
        assert!(
            out.contains("请升级到最新的版本"),
            "no word is split: {out}"
        );
        assert_eq!(display_width("工具\u{3000}x"), 7);
        assert_eq!(display_width("e\u{301}"), 1);
    }

    #[test]
    fn words_fold_at_spaces_and_paths_at_their_separators_only() {
        assert_eq!(fold("one two three", 7, false), ["one two", "three"]);
        assert_eq!(
            fold("github:llvm/llvm-project is here", 12, false),
            ["github:llvm/", "llvm-project", "is here"]
        );
        // An argv word stays whole even when it holds a separator.
        assert_eq!(
            fold("apt-get install bash=5.2.15-2+b13 /usr/bin/x", 10, true),
            ["apt-get", "install", "bash=5.2.15-2+b13", "/usr/bin/x"]
        );
        // A version or a name never splits.
        assert_eq!(fold("2026.11.23", 4, false), ["2026.11.23"]);
    }

    #[test]
    fn columns_leave_in_order_then_the_long_text_goes_under_its_row() {
        let table = rows(&[
            &["GROUP", "NAME", "VERSION", "METHOD", "NOTES"],
            &[
                "python",
                "ruff",
                "0.17.6",
                "uv",
                "a note that is rather long for a narrow terminal",
            ],
            &["", "black", "26.10.1", "pipx", ""],
        ]);
        let layout = Layout {
            shrink: vec![4],
            drop: vec![0, 3],
            group: Some(0),
            under: Some(4),
            argv: Vec::new(),
        };
        let wide = lay_out(table.clone(), Some(120), &layout);
        assert!(wide.lines().next().unwrap().contains("GROUP"), "{wide}");
        let narrow = lay_out(table.clone(), Some(30), &layout);
        for line in narrow.lines() {
            assert!(line.chars().count() <= 30, "{narrow}");
            assert_eq!(line, line.trim_end(), "no trailing padding");
        }
        assert!(
            narrow.contains(" python\n"),
            "the group is a heading: {narrow}"
        );
        let tiny = lay_out(table, Some(24), &layout);
        assert!(
            tiny.contains("\n      method: uv\n      notes: a note"),
            "what left the grid goes under its row: {tiny}"
        );
        assert!(tiny.contains("      method: pipx"), "{tiny}");
        assert!(!tiny.contains("METHOD"), "{tiny}");
    }

    #[test]
    fn piped_tables_are_never_folded_and_have_no_trailing_padding() {
        let text = lay_out(
            rows(&[
                &["A", "B"],
                &["x", "a long cell that stays on one line"],
                &["yy", ""],
            ]),
            None,
            &Layout::default(),
        );
        assert_eq!(
            text,
            " A    B\n x    a long cell that stays on one line\n yy"
        );
    }
}
