//! Writing values into unit files and crontab lines exactly: what systemd
//! reads back from a line must be the very argv and environment toolup
//! meant, or the line is refused.
//!
//! systemd (`systemd.syntax(7)`, `systemd.service(5)` "Command lines")
//! expands `%` specifiers in every value before splitting it, splits
//! `Exec*=` lines into words at whitespace outside quotes, undoes C escapes
//! (`\\`, `\"`) inside and outside quotes, and at start-up expands `$NAME`
//! and `${NAME}` in each word. So a word is written with `%` doubled, `$`
//! doubled, `\` and `"` escaped, and in double quotes when it holds
//! whitespace, a quote or a backslash (or is empty). Control characters
//! (a newline ends the line) and a lone `;` (once a command separator)
//! cannot be carried safely and are refused.

/// Why a value cannot go into a unit file.
fn refuse(word: &str, why: &str) -> String {
    format!(
        "{:?} cannot be written into a unit file safely: {why}",
        crate::base::printer::visible(word)
    )
}

fn check(word: &str) -> Result<(), String> {
    if word.chars().any(char::is_control) {
        return Err(refuse(
            word,
            "it holds a control character (a newline, a tab, an escape)",
        ));
    }
    Ok(())
}

/// Escapes for the inside of a value: `%` and, on exec lines, `$` doubled;
/// `\` and `"` behind a backslash.
fn escaped(word: &str, dollars: bool) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    for c in word.chars() {
        match c {
            '%' => out.push_str("%%"),
            '$' if dollars => out.push_str("$$"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// One argv word as an `Exec*=` line must carry it.
pub fn exec_word(word: &str) -> Result<String, String> {
    check(word)?;
    if word == ";" {
        return Err(refuse(
            word,
            "a lone `;` separates commands on an Exec line",
        ));
    }
    let quote = word.is_empty()
        || word
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\'));
    let inner = escaped(word, true);
    Ok(if quote { format!("\"{inner}\"") } else { inner })
}

/// A whole command line: the program (an absolute path) and its words.
pub fn exec_line(program: &std::path::Path, args: &[String]) -> Result<String, String> {
    let program = program
        .to_str()
        .ok_or_else(|| refuse(&program.to_string_lossy(), "the path is not UTF-8"))?;
    if !program.starts_with('/') {
        return Err(refuse(program, "the program must be an absolute path"));
    }
    let mut words = vec![exec_word(program)?];
    for a in args {
        words.push(exec_word(a)?);
    }
    Ok(words.join(" "))
}

/// `Environment=` for one variable: the assignment in double quotes
/// (systemd expands no `$` there, only `%` specifiers).
pub fn environment(name: &str, value: &str) -> Result<String, String> {
    if name.is_empty()
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || name.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(refuse(name, "not a variable name"));
    }
    check(value)?;
    Ok(format!("Environment=\"{name}={}\"", escaped(value, false)))
}

/// A calendar expression for `OnCalendar=`: one line, no specifier.
pub fn calendar(on: &str) -> Result<String, String> {
    check(on)?;
    if on.trim().is_empty() || on.contains(['%', '\\', '"']) {
        return Err(refuse(
            on,
            "a calendar expression holds no %, backslash or quote",
        ));
    }
    Ok(on.trim().to_owned())
}

/// One word for `/bin/sh` (a crontab line's command): in single quotes
/// unless it is plainly safe, `'` written as `'\''`.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-=:,+@".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A crontab command: cron turns an unescaped `%` into a newline.
pub fn crontab_command(command: &str) -> String {
    command.replace('%', r"\%")
}

/// The five crontab time fields for a calendar expression in systemd's
/// normalized form (`systemd-analyze calendar`'s "Normalized form:",
/// `Mon..Fri *-*-* 04:00:00`), or why cron cannot say it.
pub fn cron_fields(normalized: &str) -> Result<[String; 5], String> {
    let cannot = |why: &str| format!("{normalized:?} cannot be written as a crontab line: {why}");
    let words: Vec<&str> = normalized.split_whitespace().collect();
    if words.last().is_some_and(|w| !w.contains(':')) {
        return Err(cannot("cron has no time zones"));
    }
    let (dow, date, time) = match words.as_slice() {
        [date, time] => (None, *date, *time),
        [dow, date, time] => (Some(*dow), *date, *time),
        _ => return Err(cannot("an unexpected calendar")),
    };
    if date.contains('~') {
        return Err(cannot("cron has no days counted from a month's end"));
    }
    let [year, month, day] = split3(date, '-').ok_or_else(|| cannot("an unexpected date"))?;
    let [hour, minute, second] = split3(time, ':').ok_or_else(|| cannot("an unexpected time"))?;
    if year != "*" {
        return Err(cannot("cron has no years"));
    }
    if !second.trim_start_matches('0').is_empty() {
        return Err(cannot("cron has no seconds"));
    }
    let dow = match dow {
        None => "*".to_owned(),
        Some(d) => weekdays(d).ok_or_else(|| cannot("unexpected weekdays"))?,
    };
    if dow != "*" && day != "*" {
        return Err(cannot(
            "cron runs on the days of the month or the weekdays, systemd on days that are both",
        ));
    }
    Ok([
        field(minute, 59).ok_or_else(|| cannot("an unexpected minute"))?,
        field(hour, 23).ok_or_else(|| cannot("an unexpected hour"))?,
        field(day, 31).ok_or_else(|| cannot("an unexpected day"))?,
        field(month, 12).ok_or_else(|| cannot("an unexpected month"))?,
        dow,
    ])
}

fn split3(text: &str, sep: char) -> Option<[&str; 3]> {
    let mut parts = text.split(sep);
    let out = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some(out)
}

/// One numeric field: `*`, `N`, `N..M`, `N/S`, `N..M/S`, `*/S`, and lists
/// of them, as cron writes them (`N-M`, `N-MAX/S`).
fn field(text: &str, max: u32) -> Option<String> {
    let number = |s: &str| -> Option<u32> { s.parse::<u32>().ok().filter(|n| *n <= max) };
    let item = |part: &str| -> Option<String> {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s.parse::<u32>().ok().filter(|s| *s > 0)?)),
            None => (part, None),
        };
        let range = if range == "*" {
            "*".to_owned()
        } else if let Some((a, b)) = range.split_once("..") {
            format!("{}-{}", number(a)?, number(b)?)
        } else {
            let n = number(range)?;
            match step {
                Some(_) => format!("{n}-{max}"),
                None => n.to_string(),
            }
        };
        Some(match step {
            Some(s) => format!("{range}/{s}"),
            None => range,
        })
    };
    let items: Option<Vec<String>> = text.split(',').map(item).collect();
    items.map(|i| i.join(","))
}

/// Weekday names as cron's numbers (cron takes no ranges of names):
/// `Mon..Fri` is `1-5`, `Sat,Sun` is `6,0`.
fn weekdays(text: &str) -> Option<String> {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let day = |s: &str| DAYS.iter().position(|d| d.eq_ignore_ascii_case(s));
    let items: Option<Vec<String>> = text
        .split(',')
        .map(|part| match part.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                // Sunday closes a week that starts on Monday (`Mon..Sun`).
                let b = if b == 0 { 7 } else { b };
                (a <= b).then(|| format!("{a}-{b}"))
            }
            None => day(part).map(|d| d.to_string()),
        })
        .collect();
    items.map(|i| i.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_words_read_back_as_written() {
        assert_eq!(exec_word("--only").unwrap(), "--only");
        assert_eq!(exec_word("apt,npm").unwrap(), "apt,npm");
        assert_eq!(exec_word("a b").unwrap(), "\"a b\"");
        assert_eq!(exec_word("100%").unwrap(), "100%%");
        assert_eq!(exec_word("$HOME").unwrap(), "$$HOME");
        assert_eq!(exec_word(r#"say "hi""#).unwrap(), r#""say \"hi\"""#);
        assert_eq!(exec_word(r"C:\x").unwrap(), r#""C:\\x""#);
        assert_eq!(exec_word("it's").unwrap(), "\"it's\"");
        assert_eq!(exec_word("").unwrap(), "\"\"");
        for bad in ["a\nb", "tab\there", "\u{1b}[2J", ";"] {
            let e = exec_word(bad).unwrap_err();
            assert!(
                e.contains("cannot be written into a unit file safely"),
                "{e}"
            );
        }
        assert!(exec_line(std::path::Path::new("toolup"), &[]).is_err());
        assert_eq!(
            exec_line(
                std::path::Path::new("/opt/my tools/toolup"),
                &["system".to_owned(), "update".to_owned()]
            )
            .unwrap(),
            "\"/opt/my tools/toolup\" system update"
        );
    }

    #[test]
    fn environment_values_keep_dollars_and_double_percents() {
        assert_eq!(
            environment("PATH", "/home/me/.cargo/bin:/usr/bin").unwrap(),
            "Environment=\"PATH=/home/me/.cargo/bin:/usr/bin\""
        );
        assert_eq!(
            environment("X", r#"50% "$y" \z"#).unwrap(),
            r#"Environment="X=50%% \"$y\" \\z""#
        );
        assert!(environment("1X", "v").is_err());
        assert!(environment("X", "a\nb").is_err());
    }

    #[test]
    fn calendars_become_crontab_fields_or_say_why_not() {
        let f = |n: &str| cron_fields(n).map(|f| f.join(" "));
        assert_eq!(f("*-*-* 00:00:00").unwrap(), "0 0 * * *");
        assert_eq!(f("Mon *-*-* 00:00:00").unwrap(), "0 0 * * 1");
        assert_eq!(f("*-*-01 00:00:00").unwrap(), "0 0 1 * *");
        assert_eq!(f("Mon..Fri *-*-* 04:30:00").unwrap(), "30 4 * * 1-5");
        assert_eq!(f("Sat,Sun *-*-* 02:00:00").unwrap(), "0 2 * * 6,0");
        assert_eq!(f("Mon..Sun *-*-* 02:00:00").unwrap(), "0 2 * * 1-7");
        assert_eq!(f("*-*-* 00/6:15:00").unwrap(), "15 0-23/6 * * *");
        assert_eq!(f("*-01,07-01 03:00:00").unwrap(), "0 3 1 1,7 *");
        for (bad, why) in [
            ("2027-*-* 00:00:00", "years"),
            ("*-*-* 00:00:30", "seconds"),
            ("*-*~01 00:00:00", "month's end"),
            ("*-*-* 00:00:00 Europe/Berlin", "time zones"),
            ("Sat *-*-01..07 02:00:00", "both"),
        ] {
            let e = f(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn shell_words_and_percent_signs() {
        assert_eq!(shell_word("/usr/bin/toolup"), "/usr/bin/toolup");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(crontab_command("date +%s"), r"date +\%s");
    }
}
