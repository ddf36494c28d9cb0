//! What a host's toolup says, line by line: its JSON events (check, run,
//! phase, busy) read into the host's state, and each event tagged with
//! the host's name for whoever listens. The host is untrusted: a line is
//! bounded, must be a JSON object with a known `event` to count, every
//! number is range-checked, text is kept short, and anything else is only
//! logged.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::report::UpdaterOutcome;

/// The longest line read as an event; longer lines are logged, not read.
pub const MAX_EVENT_LINE: usize = 64 * 1024;

/// Longest text kept from a host (a reason, a job name).
const MAX_TEXT: usize = 512;

/// One phase the host finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedPhase {
    pub job: String,
    pub phase: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub elapsed_ms: u64,
    pub user_ms: Option<u64>,
    pub system_ms: Option<u64>,
    pub peak_rss_kib: Option<u64>,
}

/// Another toolup holds the host's single-run lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    pub pid: Option<u64>,
    pub since: Option<String>,
}

/// Everything heard from one host so far.
#[derive(Debug, Clone, Default)]
pub struct Heard {
    /// The host's run id (its journal).
    pub run: Option<String>,
    /// The host's own estimate of its run, from its history.
    pub estimate_ms: Option<u64>,
    /// The job and phase running now.
    pub current: Option<(String, String)>,
    /// Pending per updater, from its check.
    pub pending: BTreeMap<String, usize>,
    /// Updaters whose check failed, with why.
    pub check_errors: BTreeMap<String, String>,
    pub finished: Vec<FinishedPhase>,
    pub busy: Option<Busy>,
    pub reboot_required: Option<bool>,
    pub run_finished: bool,
    /// JSON events read.
    pub events: usize,
}

/// Text from a host, made safe to keep: no control characters, bounded.
pub fn text(value: &Value) -> Option<String> {
    let s = value.as_str()?;
    Some(
        s.chars()
            .filter(|c| !c.is_control())
            .take(MAX_TEXT)
            .collect(),
    )
}

/// A count from a host: a non-negative integer below `max`.
fn count(value: &Value, max: u64) -> Option<u64> {
    value.as_u64().filter(|n| *n <= max)
}

/// A run id as hosts write them (`20261205T134501Z-1234`): safe as a
/// file name and an argument.
pub fn is_run_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// A day in milliseconds: no phase or estimate is believed beyond it.
const DAY_MS: u64 = 86_400_000;

impl Heard {
    /// Reads one line; returns the event tagged with `host` when it is one.
    pub fn hear(&mut self, host: &str, line: &str) -> Option<Map<String, Value>> {
        if line.len() > MAX_EVENT_LINE || !line.trim_start().starts_with('{') {
            return None;
        }
        let Ok(Value::Object(event)) = serde_json::from_str::<Value>(line) else {
            return None;
        };
        let kind = event.get("event").and_then(text)?;
        let field = |k: &str| event.get(k).unwrap_or(&Value::Null);
        match kind.as_str() {
            "check-finished" => {
                let updater = text(field("updater"))?;
                if let Some(n) = count(field("pending"), 1_000_000) {
                    self.pending.insert(updater.clone(), n as usize);
                }
                if let Some(why) = text(field("error")) {
                    self.check_errors.insert(updater, why);
                }
            }
            "run-started" => {
                self.run = text(field("run")).filter(|r| is_run_id(r));
                self.estimate_ms = field("jobs").as_array().map(|jobs| {
                    jobs.iter()
                        .filter_map(|j| count(j.get("update_ms")?, DAY_MS))
                        .fold(0u64, u64::saturating_add)
                });
            }
            "started" => {
                self.current = Some((text(field("job"))?, text(field("phase"))?));
            }
            "finished" => {
                let job = text(field("job"))?;
                let phase = text(field("phase"))?;
                let usage = field("usage");
                self.finished.push(FinishedPhase {
                    outcome: text(field("outcome")).unwrap_or_else(|| "unknown".to_owned()),
                    reason: text(field("reason")),
                    elapsed_ms: count(field("elapsed_ms"), DAY_MS).unwrap_or(0),
                    user_ms: usage.get("user_ms").and_then(|v| count(v, DAY_MS)),
                    system_ms: usage.get("system_ms").and_then(|v| count(v, DAY_MS)),
                    peak_rss_kib: usage.get("peak_rss_kib").and_then(|v| count(v, 1 << 40)),
                    job: job.clone(),
                    phase: phase.clone(),
                });
                if self.current.as_ref() == Some(&(job, phase)) {
                    self.current = None;
                }
            }
            "run-finished" => {
                self.run_finished = true;
                self.current = None;
                self.reboot_required = field("reboot_required").as_bool();
            }
            "busy" => {
                self.busy = Some(Busy {
                    pid: count(field("pid"), u64::from(u32::MAX)),
                    since: text(field("since")),
                });
            }
            "progress" | "waiting" | "check-started" => {}
            _ => return None,
        }
        self.events += 1;
        let mut tagged = Map::new();
        tagged.insert("host".to_owned(), Value::String(host.to_owned()));
        for (key, value) in event {
            if key != "host" {
                tagged.insert(key, value);
            }
        }
        Some(tagged)
    }

    /// How each updater ended: its last phase's outcome.
    pub fn updater_outcomes(&self) -> Vec<UpdaterOutcome> {
        let mut last: BTreeMap<&str, &FinishedPhase> = BTreeMap::new();
        for phase in &self.finished {
            let entry = last.entry(phase.job.as_str()).or_insert(phase);
            if entry.outcome == "ok" || phase.outcome != "ok" {
                *entry = phase;
            }
        }
        last.into_iter()
            .map(|(updater, p)| UpdaterOutcome {
                updater: updater.to_owned(),
                outcome: p.outcome.clone(),
                reason: p.reason.clone(),
            })
            .collect()
    }

    /// Pending updates in all, when the host checked.
    pub fn pending_total(&self) -> Option<usize> {
        (!self.pending.is_empty()).then(|| self.pending.values().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_tagged_and_checked() {
        let mut heard = Heard::default();
        let tagged = heard
            .hear(
                "h1",
                r#"{"event":"check-finished","updater":"apt","pending":3,"elapsed_ms":5,"error":null,"host":"forged"}"#,
            )
            .unwrap();
        assert_eq!(tagged["host"], "h1");
        assert_eq!(tagged.keys().next().unwrap(), "host");
        heard.hear("h1", r#"{"event":"run-started","run":"20261205-1","jobs":[{"job":"apt","update_ms":4000},{"job":"x","update_ms":-1}]}"#);
        heard.hear("h1", r#"{"event":"started","job":"apt","phase":"update"}"#);
        assert_eq!(heard.current, Some(("apt".into(), "update".into())));
        heard.hear("h1", r#"{"event":"finished","job":"apt","phase":"update","outcome":"ok","elapsed_ms":99999999999999,"log":null}"#);
        assert_eq!(
            heard.finished[0].elapsed_ms, 0,
            "beyond a day is not believed"
        );
        assert_eq!(heard.current, None);
        assert_eq!(heard.pending_total(), Some(3));
        assert_eq!(heard.estimate_ms, Some(4000));
        assert_eq!(heard.run.as_deref(), Some("20261205-1"));
        assert!(heard.hear("h1", "plain text").is_none());
        assert!(heard.hear("h1", r#"{"event":"unknown"}"#).is_none());
        assert!(heard.hear("h1", r#"["event"]"#).is_none());
        assert_eq!(heard.events, 4);
    }

    #[test]
    fn a_run_id_that_is_not_a_safe_file_name_is_not_kept() {
        let mut heard = Heard::default();
        heard.hear(
            "h",
            r#"{"event":"run-started","run":"../../etc","jobs":[]}"#,
        );
        assert_eq!(heard.run, None);
    }
}
