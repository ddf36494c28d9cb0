//! The one table layout (`render::layout::lay_out`) with random cells,
//! widths and layouts. The input's first bytes choose the width (26 to
//! 175 columns, or none: piped), the number of columns and which may
//! fold, leave, head groups, go under their row or hold argv; the rest is
//! the cells (`\x1f` between cells, `\x1e` between rows, the first row
//! the header).
//!
//! Whatever the cells: no word is ever broken (a cell folds at spaces,
//! and inside a word only after the `/` or `:` of a path, URL or source
//! id, never in an argv column), nothing is lost (every word of every
//! row is on some line), piped output folds nothing; and when the table
//! can fit — the columns that never leave fit at their narrowest, and
//! every piece that may go under a row or head a group fits there — no
//! line is wider than the width, measured as a terminal draws it (a wide
//! character two columns).

use toolup::render::layout::{Layout, display_width, lay_out};

const LEAD: usize = 1;
const GAP: usize = 3;
const UNDER_INDENT: usize = 6;

pub fn run(data: &[u8]) {
    let [w, c, shrink, drop, group, under, argv, rest @ ..] = data else {
        return;
    };
    let width = (*w != 0xff).then_some(26 + usize::from(*w) % 150);
    let columns = 1 + usize::from(*c) % 6;
    let mask = |m: u8| -> Vec<usize> { (0..columns).filter(|i| m & (1 << i) != 0).collect() };
    let pick = |b: u8| -> Option<usize> { (b & 0x80 == 0).then_some(usize::from(b) % columns) };
    let layout = Layout {
        shrink: mask(*shrink),
        drop: mask(*drop),
        group: pick(*group),
        under: pick(*under),
        argv: mask(*argv),
    };
    let text = super::text(rest);
    // Control characters never reach a table: the printer escapes them.
    if text.chars().any(|ch| ch.is_control() && ch != '\n' && ch != '\x1e' && ch != '\x1f') {
        return;
    }
    let rows: Vec<Vec<String>> = text
        .split('\x1e')
        .map(|r| {
            let mut cells: Vec<String> = r.split('\x1f').map(str::to_owned).collect();
            cells.resize(columns, String::new());
            cells.truncate(columns);
            cells
        })
        .collect();
    let out = lay_out(rows.clone(), width, &layout);
    let lines: Vec<&str> = out.lines().collect();
    // What is shown is each cell with its credentials scrubbed (a URL's
    // `user:password@`): those words are to be found whole, the rest as given.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| toolup::base::secrets::scrub(c).into_owned()).collect())
        .collect();
    nothing_lost_or_broken(&rows, &lines, &layout);
    match width {
        None => {
            for row in rows.iter().skip(1) {
                // A blank line says nothing (fuzz: a table of blanks drew
                // no line at all, and the target asked for an empty one).
                for line in row
                    .iter()
                    .flat_map(|cell| cell.lines())
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                {
                    assert!(lines.iter().any(|l| l.contains(line)), "piped: {line:?} folded\n{out}");
                }
            }
        }
        Some(width) if fits(&rows, &layout, width) => {
            for line in &lines {
                assert!(
                    display_width(line) <= width,
                    "{} columns in {width}: {line:?}\n{out}",
                    display_width(line)
                );
            }
        }
        Some(_) => {}
    }
}

/// Where a word may fold: after each `/` or `:` of a word holding a `/`,
/// outside argv columns.
fn pieces(word: &str, argv: bool) -> Vec<&str> {
    if argv || !word.contains('/') {
        return vec![word];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, ch) in word.char_indices() {
        if ch == '/' || ch == ':' {
            out.push(&word[start..i + ch.len_utf8()]);
            start = i + ch.len_utf8();
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

/// A cell's words as the layout measures them: what a line may break at
/// separates them (`layout::is_break`: any space but a no-break one).
fn laid_out_words(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(toolup::render::layout::is_break)
        .filter(|w| !w.is_empty())
}

/// A cell's words as they are to be found: a no-break space at a word's
/// end is trimmed with the padding, and shows nothing.
fn words(cell: &str) -> impl Iterator<Item = &str> {
    laid_out_words(cell)
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

fn nothing_lost_or_broken(rows: &[Vec<String>], lines: &[&str], layout: &Layout) {
    for row in rows.iter().skip(1) {
        for (c, cell) in row.iter().enumerate() {
            if cell == "-" {
                continue;
            }
            for word in words(cell) {
                for piece in pieces(word, layout.argv.contains(&c)) {
                    assert!(
                        lines.iter().any(|l| l.contains(piece)),
                        "{piece:?} of {cell:?} is lost or broken:\n{}",
                        lines.join("\n")
                    );
                }
            }
        }
    }
}

/// Whether the table can fit `width`: the columns that never leave the
/// grid at their narrowest, every piece that may go under a row within
/// the indented room, every piece of a group heading on its line.
fn fits(rows: &[Vec<String>], layout: &Layout, width: usize) -> bool {
    let columns = rows.first().map_or(0, Vec::len);
    // A word's room is all of it, a no-break space at its start too (it is
    // drawn; fuzz: `\u{a0}0.0` measured 3 and the table called one too
    // narrow).
    let longest = |c: usize, skip_header: bool| -> usize {
        rows.iter()
            .skip(usize::from(skip_header))
            .flat_map(|r| laid_out_words(&r[c]).flat_map(|w| pieces(w, layout.argv.contains(&c))))
            .map(display_width)
            .max()
            .unwrap_or(0)
    };
    let natural = |c: usize| -> usize {
        rows.iter()
            .flat_map(|r| r[c].lines().map(display_width))
            .max()
            .unwrap_or(0)
    };
    let leaves = |c: usize| layout.drop.contains(&c) || layout.under == Some(c);
    let stay: Vec<usize> = (0..columns).filter(|c| !leaves(*c)).collect();
    let need: usize = stay
        .iter()
        .map(|c| {
            if layout.shrink.contains(c) {
                longest(*c, true).max(display_width(&rows[0][*c]))
            } else {
                natural(*c)
            }
        })
        .sum::<usize>()
        + LEAD
        + GAP * stay.len().saturating_sub(1);
    let room = width - UNDER_INDENT;
    let under_fits = (0..columns).filter(|c| leaves(*c)).all(|c| {
        let name = display_width(&rows[0][c].to_lowercase()) + 1;
        longest(c, true) <= room && name <= room
    });
    let heading_fits = layout.group.is_none_or(|g| longest(g, true) + LEAD <= width);
    need <= width && under_fits && heading_fits
}
