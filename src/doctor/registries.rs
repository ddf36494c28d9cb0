//! Registry addresses: where each came from, every place looked, whether it
//! answers (one small request each, all at once, skipped offline), and the
//! GitHub token with the quota it has left.

use std::io::Read;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::{Finding, Health};
use crate::base::redact::redact;
use crate::settings::Settings;
use crate::upstream::{
    Address, BodyError, GITHUB_API, HttpClient, Reply, Request, SOURCES, Source, Token,
    github_token,
};

/// One address to ask.
struct Ping<'a> {
    source: &'a dyn Source,
    /// A secondary address (crates' web API): the main one serves without it.
    optional: bool,
    key: &'static str,
    what: &'static str,
    variable: &'static str,
    address: Address,
    looked_in: Vec<String>,
}

/// What a ping found.
enum Answer {
    Answers(Duration),
    NotFound,
    Limited(Option<u64>),
    Silent(String),
}

pub fn check(settings: &Settings) -> Vec<Finding> {
    let addresses = settings.addresses();
    let mut pings: Vec<Ping<'_>> = Vec::new();
    let mut findings: Vec<Option<Finding>> = Vec::new();
    for &source in SOURCES {
        let resolved = addresses.resolve(source);
        let looked_in = resolved
            .discovered
            .as_ref()
            .map(|d| d.looked_in.clone())
            .unwrap_or_default();
        for (i, spec) in source.addresses().iter().enumerate() {
            let subject = format!("{} {}", source.label(), spec.what);
            match resolved.addresses.get(spec.key) {
                Some(address) => {
                    findings.push(None);
                    pings.push(Ping {
                        source,
                        optional: i > 0,
                        key: spec.key,
                        what: spec.what,
                        variable: spec.variable,
                        address: address.clone(),
                        looked_in: looked_in.clone(),
                    });
                }
                // A secondary address (crates' web API) is optional.
                None if i > 0 => {}
                None => {
                    let mut f = Finding::new(
                        "registries",
                        subject,
                        Health::Warn,
                        format!(
                            "{}; answers come from the cache or the baseline",
                            addresses.missing(source)
                        ),
                    )
                    .fix(format!(
                        "configure the client (see the places looked) or set {}=URL",
                        spec.variable
                    ));
                    f.looked_in = looked_in.clone();
                    findings.push(Some(f));
                }
            }
        }
    }
    addresses.save();
    let token = github_token(std::env::var_os("PATH").as_deref());
    let client = HttpClient::new(crate::upstream::HttpOptions {
        retries: 0,
        ..settings.http_options()
    });
    let answers: Vec<Option<(Answer, Option<Quota>)>> = if settings.offline {
        pings.iter().map(|_| None).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = pings
                .iter()
                .map(|p| {
                    let client = &client;
                    let token = token.as_ref();
                    scope.spawn(move || Some(ask(client, p, token)))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect()
        })
    };
    let mut out = Vec::new();
    let mut answers = answers.into_iter();
    let mut pings = pings.into_iter();
    let mut quota = None;
    for slot in findings {
        if let Some(f) = slot {
            out.push(f);
            continue;
        }
        let (Some(ping), Some(answer)) = (pings.next(), answers.next()) else {
            continue;
        };
        if ping.key == GITHUB_API {
            quota = Some(answer.as_ref().and_then(|(_, q)| q.clone()));
        }
        out.push(describe(settings.offline, &ping, answer.map(|(a, _)| a)));
    }
    out.push(github(token.as_ref(), quota.flatten(), settings.offline));
    out
}

/// Asks one address; the body is not read beyond what the answer needs.
fn ask(client: &HttpClient, ping: &Ping<'_>, token: Option<&Token>) -> (Answer, Option<Quota>) {
    let url = ping.source.ping_url(ping.key, &ping.address.url);
    let github_api = ping.key == GITHUB_API;
    // The token goes to the GitHub API only, and never in clear text off this machine.
    let bearer = token
        .filter(|_| github_api && crate::upstream::may_carry_secret(&url))
        .map(Token::expose);
    let started = Instant::now();
    let reply = client.fetch(
        &Request {
            url: &url,
            accept: "application/json, text/html;q=0.9, */*;q=0.8",
            bearer,
            max_body: Some(64 * 1024),
            quota_scope: Some(&ping.address.url),
            ..Request::default()
        },
        |_, reader| {
            if !github_api {
                return Ok(None);
            }
            let mut text = Vec::new();
            reader
                .take(64 * 1024)
                .read_to_end(&mut text)
                .map_err(|e| BodyError::io(&e))?;
            Ok(serde_json::from_slice::<RateLimit>(&text)
                .ok()
                .map(|r| r.resources.core))
        },
    );
    let elapsed = started.elapsed();
    match reply {
        Reply::Ok { body, .. } => (Answer::Answers(elapsed), body),
        Reply::NotModified | Reply::Redirect(_) => (Answer::Answers(elapsed), None),
        Reply::NotFound => (Answer::NotFound, None),
        Reply::RateLimited { reset } => (Answer::Limited(reset), None),
        Reply::Failed(reason) => (Answer::Silent(reason), None),
    }
}

fn describe(offline: bool, ping: &Ping<'_>, answer: Option<Answer>) -> Finding {
    let subject = format!("{} {}", ping.source.label(), ping.what);
    let url = redact(&ping.address.url);
    let (health, detail, fix) = match answer {
        None if offline => (Health::Ok, "not asked (--offline)".to_owned(), None),
        None => (Health::Broken, "the check itself failed".to_owned(), None),
        Some(Answer::Answers(took)) => (
            Health::Ok,
            format!("answers ({} ms)", took.as_millis()),
            None,
        ),
        Some(Answer::NotFound) => (
            Health::Broken,
            format!(
                "answers 404 Not Found at {}: the address is wrong",
                redact(&ping.source.ping_url(ping.key, &ping.address.url))
            ),
            Some(format!(
                "correct it where it came from ({}), or set {}",
                ping.address.origin, ping.variable
            )),
        ),
        Some(Answer::Limited(reset)) => (
            Health::Warn,
            format!("answers, but rate-limited (resets {})", when(reset)),
            Some("wait for the reset, or set GITHUB_TOKEN for a larger quota".to_owned()),
        ),
        Some(Answer::Silent(reason)) => (
            Health::Broken,
            format!("does not answer: {reason}"),
            Some(format!(
                "check the network and proxy, or point {} at a mirror that answers",
                ping.variable
            )),
        ),
    };
    let health = if ping.optional && health == Health::Broken {
        Health::Warn
    } else {
        health
    };
    let mut f = Finding::new("registries", subject, health, detail);
    f.url = Some(url);
    f.origin = Some(ping.address.origin.to_string());
    f.looked_in.clone_from(&ping.looked_in);
    f.fix = fix;
    f
}

/// The token (never shown) and what the API said of its quota.
fn github(token: Option<&Token>, quota: Option<Quota>, offline: bool) -> Finding {
    let presence = match token {
        Some(t) => format!("token present (from {})", t.origin()),
        None => "no token (60 API requests an hour)".to_owned(),
    };
    let (health, detail) = match (&quota, offline) {
        (_, true) => (
            Health::Ok,
            format!("{presence}; quota not asked (--offline)"),
        ),
        (None, false) => (
            Health::Ok,
            format!("{presence}; quota unknown (the API did not answer)"),
        ),
        (Some(q), false) if q.remaining == 0 => (
            Health::Warn,
            format!(
                "{presence}; quota used up: 0 of {} left until {}",
                q.limit,
                when(Some(q.reset))
            ),
        ),
        (Some(q), false) => (
            Health::Ok,
            format!(
                "{presence}; {} of {} API requests left (resets {})",
                q.remaining,
                q.limit,
                when(Some(q.reset))
            ),
        ),
    };
    let mut f = Finding::new("github", "GitHub token and quota", health, detail);
    if token.is_none() {
        f.fix = Some("set GITHUB_TOKEN (or run `gh auth login`) for 5000 requests an hour".into());
    }
    f
}

/// An RFC 3339 time from Unix seconds.
fn when(reset: Option<u64>) -> String {
    match reset {
        Some(secs) if secs > 0 => {
            crate::base::clock::unix_rfc3339(secs).unwrap_or_else(|| "later".to_owned())
        }
        _ => "later".to_owned(),
    }
}

#[derive(Deserialize)]
struct RateLimit {
    resources: Resources,
}

#[derive(Deserialize)]
struct Resources {
    core: Quota,
}

#[derive(Debug, Clone, Deserialize)]
struct Quota {
    limit: u64,
    remaining: u64,
    reset: u64,
}
