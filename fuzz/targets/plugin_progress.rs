//! A plugin's progress lines on stderr while it updates
//! (`runner::progress`): `{"type": "progress", "percent": 45, "message":
//! "…"}`. A percent is finite and within 0 to 100; a message is one line
//! and carries no control character but a tab to the terminal (the
//! printer's rule). Each line of the input is one line the runner hears.

pub fn run(data: &[u8]) {
    for line in super::text(data).lines() {
        let Some((percent, message)) = toolup::runner::progress(line) else {
            continue;
        };
        if let Some(p) = percent {
            assert!(p.is_finite() && (0.0..=100.0).contains(&p), "{p}");
        }
        if let Some(m) = message {
            assert!(!m.chars().any(|c| c.is_control() && c != '\t'), "{m:?}");
        }
    }
}
