//! Ansible's INI inventory:
//!
//! ```ini
//! web0 ansible_host=10.0.0.9          ; before any section: ungrouped
//! [web]
//! www[01:03].example.com:2222 ansible_user=deploy toolup_maintenance="Sun 02:00-05:00"
//! [prod:children]
//! web
//! [prod:vars]
//! toolup_approval=required
//! ```
//!
//! A host line is the host (or a range), an optional `:port`, then
//! `key=value` words split as a shell would (quotes, `#` comments); a
//! `:vars` line is `key=value` with the rest of the line the value. Values
//! written as Python literals — `'quoted'`, `["a", "b"]` — are read as such.
//! Lines starting with `#` or `;` are comments.

use std::path::Path;

use super::{Inventory, Value, Var};
use crate::fleet::error::FleetError;
use crate::fleet::hosts::Fleet;

/// What the lines of the current section are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Hosts,
    Children,
    Vars,
}

/// Parses an INI inventory; `origin` names the file in messages.
pub fn parse_ini(text: &str, origin: &Path) -> Result<Fleet, FleetError> {
    let mut inventory = Inventory::new(text, origin)?;
    let mut group = "ungrouped".to_owned();
    let mut kind = Kind::Hosts;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(header) = section(trimmed) {
            let (name, suffix) = header.split_once(':').unwrap_or((header, "hosts"));
            kind = match suffix {
                "hosts" => Kind::Hosts,
                "children" => Kind::Children,
                "vars" => Kind::Vars,
                other => {
                    return Err(inventory
                        .error(
                            line,
                            format!("unknown section kind `:{other}` (:children or :vars)"),
                        )
                        .group(name));
                }
            };
            inventory.group(name, line)?;
            group = name.to_owned();
            continue;
        }
        match kind {
            Kind::Hosts => hosts_line(&mut inventory, trimmed, line, &group)?,
            Kind::Children => {
                let words = words(trimmed).map_err(|m| inventory.error(line, m).group(&group))?;
                match words.as_slice() {
                    [] => {}
                    [child] => inventory.add_child(&group, child, line)?,
                    _ => {
                        return Err(inventory
                            .error(line, "expected one group name a line")
                            .group(&group));
                    }
                }
            }
            Kind::Vars => {
                let Some((key, value)) = trimmed.split_once('=') else {
                    return Err(inventory
                        .error(line, format!("expected key=value, not {trimmed:?}"))
                        .group(&group));
                };
                let key = key.trim();
                check_key(&inventory, key, line)?;
                let var = Var {
                    value: literal(value.trim()),
                    line,
                };
                inventory.set_group_var(&group, key, var)?;
            }
        }
    }
    inventory.resolve()
}

/// `[name]` or `[name:kind]`, maybe followed by a comment.
fn section(line: &str) -> Option<&str> {
    let inside = line.strip_prefix('[')?;
    let close = inside.find(']')?;
    let (header, rest) = (&inside[..close], inside[close + 1..].trim());
    let plain = !header.is_empty() && !header.contains(char::is_whitespace);
    let header_only = rest.is_empty() || rest.starts_with('#') || rest.starts_with(';');
    // `[a:c]-web` is a host range, not a section: a section has at most one
    // `:` and nothing after its `]`.
    (plain && header_only && header.matches(':').count() <= 1 && !header.contains('['))
        .then_some(header)
}

/// `host[:port] key=value …` in `group`.
fn hosts_line(
    inventory: &mut Inventory<'_>,
    text: &str,
    line: usize,
    group: &str,
) -> Result<(), FleetError> {
    let words = words(text).map_err(|m| inventory.error(line, m).group(group))?;
    let Some((pattern, rest)) = words.split_first() else {
        return Ok(());
    };
    let mut vars: Vec<(String, Var)> = Vec::new();
    let (pattern, port) = split_port(pattern);
    if let Some(port) = port {
        let value = Value::Text(port.to_owned());
        vars.push(("ansible_port".to_owned(), Var { value, line }));
    }
    for word in rest {
        let Some((key, value)) = word.split_once('=') else {
            return Err(inventory
                .error(
                    line,
                    format!("expected key=value after the host, not {word:?}"),
                )
                .host(pattern));
        };
        check_key(inventory, key, line)?;
        let value = literal(value);
        vars.push((key.to_owned(), Var { value, line }));
    }
    inventory.add_hosts(pattern, line, group, &vars)
}

/// `host:2222` → (`host`, 2222): a trailing `:digits` is a port unless the
/// rest has a `:` of its own outside a range (an IPv6 address).
fn split_port(pattern: &str) -> (&str, Option<&str>) {
    if let Some((host, port)) = pattern.rsplit_once(':')
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && !port.contains(']')
    {
        let mut depth = 0i32;
        let bare_colon = host.chars().any(|c| {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
            c == ':' && depth == 0
        });
        if !bare_colon && depth == 0 {
            return (host, Some(port));
        }
    }
    (pattern, None)
}

/// A variable's name: letters, digits and `_`, not starting with a digit.
fn check_key(inventory: &Inventory<'_>, key: &str, line: usize) -> Result<(), FleetError> {
    let good = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if good {
        Ok(())
    } else {
        Err(inventory
            .error(line, format!("{key:?} is not a variable name"))
            .field(key))
    }
}

/// A value as Ansible reads a Python literal: a quoted string unquoted, a
/// `[…]` list of scalars as a list, a `{…}` as something toolup does not
/// read; anything else is the text itself.
fn literal(text: &str) -> Value {
    if let Some(inner) = unquote(text) {
        return Value::Text(inner);
    }
    // A dict literal; `{{ … }}` and `{% … %}` are templates, kept as text.
    if text.starts_with('{') && !text.starts_with("{{") && !text.starts_with("{%") {
        return Value::Other;
    }
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return Value::Text(text.to_owned());
    };
    let Ok(items) = words_split_by_commas(inner) else {
        return Value::Other;
    };
    Value::List(items)
}

/// `'x'` or `"x"` without its quotes (the one kind of quote, whole).
fn unquote(text: &str) -> Option<String> {
    let quote = text.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    (!inner.contains(quote)).then(|| inner.to_owned())
}

/// The items of a list literal: quoted or bare, separated by commas.
fn words_split_by_commas(inner: &str) -> Result<Vec<String>, ()> {
    let mut out = Vec::new();
    for item in inner.split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        match unquote(item) {
            Some(text) => out.push(text),
            None if item.contains(['[', ']', '{', '}']) => return Err(()),
            None => out.push(item.to_owned()),
        }
    }
    Ok(out)
}

/// A line split into words as Python's `shlex` does (POSIX, with
/// comments): whitespace separates, quotes group, `\` escapes, and `#`
/// outside quotes ends the line.
fn words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' => break,
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("a ' quote is not closed".to_owned()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("a \" quote is not closed".to_owned()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("a \" quote is not closed".to_owned()),
                    }
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        out.push(word);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Fleet, FleetError> {
        parse_ini(text, Path::new("/inv/hosts.ini"))
    }

    #[test]
    fn words_split_as_a_shell_would() {
        assert_eq!(
            words(r#"h a=1 b="two words" c='x y' d=e\ f # note"#).unwrap(),
            ["h", "a=1", "b=two words", "c=x y", "d=e f"]
        );
        assert_eq!(words(r#"a="q\"q""#).unwrap(), ["a=q\"q"]);
        assert!(words("a='open").is_err() && words("a=\"open").is_err());
    }

    #[test]
    fn ports_split_from_names_but_not_from_ipv6_or_ranges() {
        assert_eq!(split_port("web:2222"), ("web", Some("2222")));
        assert_eq!(split_port("w[01:09]:22"), ("w[01:09]", Some("22")));
        assert_eq!(split_port("w[01:09]"), ("w[01:09]", None));
        assert_eq!(split_port("fe80::1"), ("fe80::1", None));
        assert_eq!(split_port("web"), ("web", None));
    }

    #[test]
    fn literals_read_as_ansible_reads_them() {
        assert_eq!(literal("'x y'"), Value::Text("x y".into()));
        assert_eq!(literal("plain text"), Value::Text("plain text".into()));
        assert_eq!(
            literal(r#"["Sun 02:00-05:00", 'daily 01:00-03:00']"#),
            Value::List(vec!["Sun 02:00-05:00".into(), "daily 01:00-03:00".into()])
        );
        assert_eq!(literal("{'a': 1}"), Value::Other);
        assert_eq!(literal("[[1]]"), Value::Other);
    }

    #[test]
    fn sections_hosts_children_and_vars() {
        let text = "\
# the fleet
solo ansible_host=10.0.0.1
[web]
www[01:03].example.com:2222 ansible_user=deploy
; a comment
[db]
db1 ansible_host=10.0.1.1 toolup_maintenance='Sun 02:00-05:00, Mon,Wed 01:00-02:00'
[prod:children]
web
db
[prod:vars]
toolup_approval = required
ansible_user=ops
[all:vars]
toolup_path=/opt/toolup/bin/toolup
";
        let fleet = parsed(text).unwrap();
        let names: Vec<&str> = fleet.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "solo",
                "www01.example.com",
                "www02.example.com",
                "www03.example.com",
                "db1"
            ]
        );
        let solo = &fleet.hosts[0];
        assert_eq!(solo.address.as_deref(), Some("10.0.0.1"));
        assert!(solo.groups.is_empty() && !solo.approval_required);
        assert_eq!(solo.toolup.as_deref(), Some("/opt/toolup/bin/toolup"));
        assert_eq!(solo.origin, "/inv/hosts.ini:2");
        let www = &fleet.hosts[1];
        assert_eq!(
            (www.port, www.user.as_deref()),
            (Some(2222), Some("deploy"))
        );
        assert_eq!(www.groups, ["prod", "web"]);
        assert!(www.approval_required);
        let db = &fleet.hosts[4];
        assert_eq!(db.user.as_deref(), Some("ops"));
        assert_eq!(db.maintenance, ["Sun 02:00-05:00", "Mon,Wed 01:00-02:00"]);
        assert_eq!(fleet.groups["prod"].len(), 4);
        assert_eq!(fleet.groups["ungrouped"].len(), 1);
        assert_eq!(fleet.groups["all"].len(), 5);
    }

    #[test]
    fn errors_name_file_line_and_what() {
        for (text, expected) in [
            (
                "[web]\nw1 ansible_port=0\n",
                "/inv/hosts.ini:2: field `ansible_port`",
            ),
            (
                "[web]\nw1:99999\n",
                "/inv/hosts.ini:2: field `ansible_port`",
            ),
            ("[web]\nw1 nonsense\n", "/inv/hosts.ini:2: host `w1`"),
            (
                "[web:vars]\nnothing here\n",
                "/inv/hosts.ini:2: group `web`",
            ),
            ("[web:hostz]\n", "/inv/hosts.ini:1: group `web`"),
            ("[web]\nw[5:1]\n", "/inv/hosts.ini:2: group `web`"),
            (
                "[web]\n-oProxyCommand=x\n",
                "/inv/hosts.ini:2: host `-oProxyCommand=x`",
            ),
            ("[web]\nw1 'open\n", "/inv/hosts.ini:2: group `web`"),
            ("[g:children]\na b\n", "/inv/hosts.ini:2: group `g`"),
            ("[g:children]\nall\n", "/inv/hosts.ini:2: group `g`"),
            ("[g:vars]\n1x=2\n", "/inv/hosts.ini:2: field `1x`"),
            (
                "[g:vars]\nansible_user=root;id\n",
                "/inv/hosts.ini:2: field `ansible_user`",
            ),
            (
                "[g:vars]\ntoolup_maintenance={'a': 1}\n[g]\nh\n",
                "/inv/hosts.ini:2: field `toolup_maintenance`",
            ),
        ] {
            let e = parsed(text).unwrap_err().to_string();
            assert!(e.starts_with(expected), "{text:?}: {e}");
        }
    }
}
