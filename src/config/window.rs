//! Maintenance windows: `Sun 02:00-05:00`,
//! `Mon-Fri 22:00-23:30`, `daily 01:00-03:00`; a window may cross midnight
//! (`Sat 23:00-01:00`, which ends on Sunday). Times are the machine's local time.

/// One window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Days it starts on, 0 = Sunday.
    days: Vec<u8>,
    /// Minutes after midnight.
    start: u16,
    end: u16,
    text: String,
}

const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn day(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    DAYS.iter()
        .position(|d| lower.starts_with(d))
        .map(|i| i as u8)
}

fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    // Lazily: `23000:00` must be refused, not overflow (fuzz).
    (h < 24 && m < 60).then(|| h * 60 + m)
}

impl Window {
    pub fn parse(text: &str) -> Result<Window, String> {
        let bad = || {
            format!(
                "{text:?}: expected DAYS HH:MM-HH:MM, like \"Sun 02:00-05:00\" or \"daily 01:00-03:00\""
            )
        };
        let (days, times) = text.trim().split_once(' ').ok_or_else(bad)?;
        let days: Vec<u8> = match days.to_ascii_lowercase().as_str() {
            "daily" | "*" => (0..7).collect(),
            spec => {
                let mut out = Vec::new();
                for part in spec.split(',') {
                    match part.split_once('-') {
                        Some((a, b)) => {
                            let (a, b) = (day(a).ok_or_else(bad)?, day(b).ok_or_else(bad)?);
                            let mut d = a;
                            loop {
                                out.push(d);
                                if d == b {
                                    break;
                                }
                                d = (d + 1) % 7;
                            }
                        }
                        None => out.push(day(part).ok_or_else(bad)?),
                    }
                }
                out
            }
        };
        let (start, end) = times.trim().split_once('-').ok_or_else(bad)?;
        let (start, end) = (
            minutes(start).ok_or_else(bad)?,
            minutes(end).ok_or_else(bad)?,
        );
        if start == end {
            return Err(bad());
        }
        Ok(Window {
            days,
            start,
            end,
            text: text.trim().to_owned(),
        })
    }

    /// Whether `weekday` (0 = Sunday) at `minute` after midnight is inside.
    pub fn contains(&self, weekday: u8, minute: u16) -> bool {
        if self.start < self.end {
            self.days.contains(&weekday) && (self.start..self.end).contains(&minute)
        } else {
            // Across midnight: the evening of a listed day, or the morning after.
            (self.days.contains(&weekday) && minute >= self.start)
                || (self.days.contains(&((weekday + 6) % 7)) && minute < self.end)
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The windows as written, joined by commas; `None` when there are none.
pub fn listed(windows: &[Window]) -> Option<String> {
    (!windows.is_empty()).then(|| {
        windows
            .iter()
            .map(Window::text)
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// Local weekday (0 = Sunday) and minute of the day, now.
pub fn now_local() -> (u8, u16) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    local_at(i64::try_from(now).unwrap_or(0))
}

/// Local weekday (0 = Sunday) and minute of the day at `secs` after the epoch.
pub fn local_at(secs: i64) -> (u8, u16) {
    let t = libc::time_t::from(secs);
    // SAFETY: localtime_r fills the zeroed tm we pass from a valid time_t.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    unsafe { libc::localtime_r(&t, &mut tm) };
    (
        u8::try_from(tm.tm_wday).unwrap_or(0),
        u16::try_from(tm.tm_hour * 60 + tm.tm_min).unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_counts_minutes_hours_and_days_in_any_time_zone() {
        // 2026-01-15 (no daylight-saving change near it), at 06:00 local.
        let noon_utc = 1_768_478_400;
        let (_, m) = local_at(noon_utc);
        let six = noon_utc - i64::from(m) * 60 + 6 * 3600;
        let (day, minute) = local_at(six);
        assert_eq!(minute, 6 * 60);
        assert!(day < 7);
        assert_eq!(local_at(six + 60), (day, 6 * 60 + 1));
        assert_eq!(local_at(six + 3600 + 59), (day, 7 * 60));
        assert_eq!(local_at(six + 17 * 3600 + 59 * 60), (day, 23 * 60 + 59));
        assert_eq!(local_at(six + 86_400), ((day + 1) % 7, 6 * 60));
        assert_eq!(local_at(six + 7 * 86_400), (day, 6 * 60));
        // Now is now: the same as its seconds read here, give or take a minute.
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let now = now_local();
        let around: Vec<(u8, u16)> = [0, 60]
            .iter()
            .map(|d| local_at(i64::try_from(secs).unwrap() + d))
            .collect();
        assert!(around.contains(&now), "{now:?} not in {around:?}");
    }

    #[test]
    fn windows_by_day_and_across_midnight() {
        let sun = Window::parse("Sun 02:00-05:00").unwrap();
        assert!(sun.contains(0, 2 * 60) && sun.contains(0, 4 * 60 + 59));
        assert!(!sun.contains(0, 5 * 60) && !sun.contains(1, 3 * 60));
        let late = Window::parse("Sat 23:00-01:00").unwrap();
        assert!(late.contains(6, 23 * 60 + 30) && late.contains(0, 30));
        assert!(!late.contains(0, 23 * 60 + 30));
        let weekdays = Window::parse("Mon-Fri 22:00-23:30").unwrap();
        assert!(weekdays.contains(3, 22 * 60) && !weekdays.contains(6, 22 * 60));
        assert!(Window::parse("daily 01:00-03:00").unwrap().contains(4, 90));
        for bad in [
            "Sun",
            "Funday 01:00-02:00",
            "Sun 25:00-26:00",
            "Sun 01:00-01:00",
        ] {
            assert_eq!(
                Window::parse(bad).unwrap_err(),
                format!(
                    "{bad:?}: expected DAYS HH:MM-HH:MM, like \"Sun 02:00-05:00\" or \"daily 01:00-03:00\""
                )
            );
        }
    }

    #[test]
    fn minutes_count_and_each_end_is_exact() {
        // 02:30-05:45: the minutes of both times count.
        let w = Window::parse("Sun 02:30-05:45").unwrap();
        assert!(!w.contains(0, 2 * 60 + 29) && w.contains(0, 2 * 60 + 30));
        assert!(w.contains(0, 5 * 60 + 44) && !w.contains(0, 5 * 60 + 45));
        // Across midnight the end minute is outside too, on the day after.
        let late = Window::parse("Sat 23:15-00:45").unwrap();
        assert!(!late.contains(6, 23 * 60 + 14) && late.contains(6, 23 * 60 + 15));
        assert!(late.contains(0, 44) && !late.contains(0, 45));
        assert!(
            !late.contains(6, 44),
            "the morning belongs to the day after"
        );
        // The last valid time of day, and the first invalid hour and minute.
        let last = Window::parse("Mon 23:00-23:59").unwrap();
        assert!(last.contains(1, 23 * 60 + 58) && !last.contains(1, 23 * 60 + 59));
        // tests/fuzz_regressions/window/hours-past-a-u16-of-minutes
        for bad in [
            "Sun 24:00-01:00",
            "Sun 01:00-24:00",
            "Sun 01:60-02:00",
            "Sun 01:00-02:60",
            "Sat 23000:00-01:00",
            "Sat 01:00-01:65535",
        ] {
            assert_eq!(
                Window::parse(bad).unwrap_err(),
                format!(
                    "{bad:?}: expected DAYS HH:MM-HH:MM, like \"Sun 02:00-05:00\" or \"daily 01:00-03:00\""
                )
            );
        }
    }

    #[test]
    fn day_ranges_wrap_around_the_week() {
        let w = Window::parse("Fri-Mon 10:00-11:00").unwrap();
        let on: Vec<u8> = (0..7).filter(|d| w.contains(*d, 10 * 60)).collect();
        assert_eq!(on, [0, 1, 5, 6]);
        let list = Window::parse("mon,wed 10:00-11:00").unwrap();
        let on: Vec<u8> = (0..7).filter(|d| list.contains(*d, 10 * 60)).collect();
        assert_eq!(on, [1, 3]);
        let every = Window::parse("* 10:00-11:00").unwrap();
        assert!((0..7).all(|d| every.contains(d, 10 * 60)));
        assert_eq!(every.text(), "* 10:00-11:00");
        // Across midnight from Saturday: Sunday's morning, not Saturday's.
        let sat = Window::parse("Sat 23:00-01:00").unwrap();
        assert!(sat.contains(0, 0) && !sat.contains(6, 0));
    }
}
