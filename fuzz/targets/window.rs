//! Maintenance windows (`config::window::Window::parse`, `[system]
//! maintenance` in a config file): `DAYS HH:MM-HH:MM`. A window read is
//! the text it says: its start minute is inside on exactly its days, its
//! end minute never is (also across midnight), and the minute before its
//! end is inside the day its stretch ends on.

use toolup::config::window::Window;

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let Ok(window) = Window::parse(&text) else {
        return;
    };
    assert_eq!(window.text(), text.trim());
    // The times as written: parse accepted them, so they are H:M, H < 24, M < 60.
    let (_, times) = text.trim().split_once(' ').unwrap_or_else(|| panic!("{text:?}"));
    let (start, end) = times.trim().split_once('-').unwrap_or_else(|| panic!("{text:?}"));
    let (start, end) = (minutes(start), minutes(end));
    assert_ne!(start, end, "{text:?}: an empty window");
    let on: Vec<bool> = (0..7).map(|d| window.contains(d, start)).collect();
    assert!(on.iter().any(|d| *d), "{text:?} is on no day");
    for day in 0..7u8 {
        assert!(!window.contains(day, end), "{text:?} holds its end on day {day}");
        if end == 0 {
            continue;
        }
        // The last minute belongs to the start day, or the day after it
        // when the window crosses midnight.
        let owner = if start < end { day } else { (day + 6) % 7 };
        assert_eq!(
            window.contains(day, end - 1),
            on[usize::from(owner)],
            "{text:?}: minute {} of day {day}",
            end - 1
        );
        if start > 0 && start < end {
            assert!(!window.contains(day, start - 1), "{text:?} starts early");
        }
    }
}

fn minutes(text: &str) -> u16 {
    let (h, m) = text.split_once(':').unwrap_or_else(|| panic!("{text:?}"));
    let (h, m): (u16, u16) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
    assert!(h < 24 && m < 60, "{text:?} is no time of day");
    h * 60 + m
}
