//! A host's event stream (`fleet::stream::Heard::hear`), line by line:
//! `HOST NUL LINES`. The host is untrusted. An event heard is tagged with
//! the controller's name for the host (never the host's own `host` field),
//! first; everything kept is bounded and free of control characters; a
//! run id kept is one (safe as a file name and an argument); counts stay
//! within their bounds.

use toolup::fleet::stream::{Heard, is_run_id};

/// The longest text `Heard` keeps from a host, in characters.
const MAX_TEXT: usize = 512;

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let (host, lines) = match fields.as_slice() {
        [host, lines] => (host.as_ref(), lines.as_ref()),
        _ => ("h1", fields.first().map_or("", |f| f.as_ref())),
    };
    let mut heard = Heard::default();
    let mut tagged_count = 0;
    for line in lines.lines() {
        if let Some(tagged) = heard.hear(host, line) {
            tagged_count += 1;
            let first = tagged.iter().next();
            assert_eq!(
                first.map(|(k, v)| (k.as_str(), v.as_str())),
                Some(("host", Some(host))),
                "{line:?}"
            );
            assert_eq!(tagged.keys().filter(|k| *k == "host").count(), 1);
        }
    }
    assert_eq!(heard.events, tagged_count);
    let kept = |text: &str| {
        assert!(
            text.chars().count() <= MAX_TEXT && !text.chars().any(char::is_control),
            "{text:?}"
        );
    };
    if let Some(run) = &heard.run {
        assert!(is_run_id(run), "{run:?}");
    }
    if let Some((job, phase)) = &heard.current {
        kept(job);
        kept(phase);
    }
    for (updater, n) in &heard.pending {
        kept(updater);
        assert!(*n <= 1_000_000, "{updater}: {n}");
    }
    for (updater, why) in &heard.check_errors {
        kept(updater);
        kept(why);
    }
    for phase in &heard.finished {
        kept(&phase.job);
        kept(&phase.phase);
        kept(&phase.outcome);
        if let Some(reason) = &phase.reason {
            kept(reason);
        }
        assert!(phase.elapsed_ms <= 86_400_000);
    }
    let _ = heard.pending_total();
    for outcome in heard.updater_outcomes() {
        kept(&outcome.updater);
    }
}
