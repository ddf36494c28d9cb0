//! Whether to colour: `--color auto|always|never`, and in `auto` the
//! conventions people set once in their shell — `NO_COLOR` (no-color.org),
//! `CLICOLOR_FORCE`, `TERM=dumb` — before asking whether the stream is a
//! terminal, as cargo, ripgrep and uv do.

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR or TERM=dumb says otherwise (CLICOLOR_FORCE forces it).
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether a stream gets colour, reading the environment.
pub fn enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    enabled_with(choice, is_terminal, |k| std::env::var(k).ok())
}

/// `enabled`, with the environment passed in.
pub fn enabled_with(
    choice: ColorChoice,
    is_terminal: bool,
    var: impl Fn(&str) -> Option<String>,
) -> bool {
    let set = |k: &str| var(k).is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set(crate::base::env_vars::NO_COLOR) => false,
        ColorChoice::Auto
            if set("CLICOLOR_FORCE") && var("CLICOLOR_FORCE").as_deref() != Some("0") =>
        {
            true
        }
        ColorChoice::Auto if var("TERM").as_deref() == Some("dumb") => false,
        ColorChoice::Auto => is_terminal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn the_conventions_in_their_order() {
        use ColorChoice::*;
        assert!(enabled_with(Auto, true, with(&[])));
        assert!(!enabled_with(Auto, false, with(&[])));
        assert!(!enabled_with(Auto, true, with(&[("TERM", "dumb")])));
        assert!(!enabled_with(Auto, true, with(&[("NO_COLOR", "1")])));
        assert!(enabled_with(Auto, true, with(&[("NO_COLOR", "")])));
        assert!(enabled_with(Auto, false, with(&[("CLICOLOR_FORCE", "1")])));
        assert!(!enabled_with(Auto, false, with(&[("CLICOLOR_FORCE", "0")])));
        assert!(!enabled_with(
            Auto,
            false,
            with(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])
        ));
        assert!(enabled_with(
            Always,
            false,
            with(&[("NO_COLOR", "1"), ("TERM", "dumb")])
        ));
        assert!(!enabled_with(Never, true, with(&[("CLICOLOR_FORCE", "1")])));
    }
}
