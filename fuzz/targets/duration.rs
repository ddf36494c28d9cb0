//! Durations as config files and flags give them (`audit.timeout`,
//! `upstream.ttl`, `backups.max_age`, `--timeout`: `humantime::parse_duration`,
//! the one reader toolup uses) and as `toolup config show` prints them back
//! (`humantime::format_duration`): what is shown reads back the same.

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let Ok(d) = humantime::parse_duration(text.trim()) else {
        return;
    };
    let shown = humantime::format_duration(d).to_string();
    let again = humantime::parse_duration(&shown).unwrap_or_else(|e| panic!("{shown:?}: {e}"));
    assert_eq!(again, d, "{text:?} shown as {shown:?}");
}
