//! The one HTTP client: timeouts, retries with exponential backoff and
//! jitter, `Retry-After`, per-host `Accept`, a `User-Agent`, conditional
//! requests, bounded bodies, and per-host concurrency limits.
//!
//! ureq (blocking, rustls) fits the design: fetches run on a bounded thread
//! pool, so an async runtime would add weight and nothing else. Certificates
//! come from the platform's store, so TLS-intercepting corporate proxies work.

use std::collections::{HashMap, HashSet};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ureq::Agent;

/// Largest body read from any registry (npm's full documents can be large).
const MAX_BODY: u64 = 32 * 1024 * 1024;
/// Longest `Retry-After` honoured; longer waits give up and fall back to caches.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// Whole-request timeout (connect, send, headers, body).
    pub timeout: Duration,
    /// Retries after the first attempt, on connection errors, 5xx and 429.
    pub retries: u32,
    pub backoff_base: Duration,
    pub max_per_host: usize,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            connect_timeout: Duration::from_secs(3),
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff_base: Duration::from_millis(200),
            max_per_host: 8,
        }
    }
}

/// One GET.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    pub url: &'a str,
    pub accept: &'a str,
    /// Sent as `Authorization: Bearer …`; never logged.
    pub bearer: Option<&'a str>,
    pub if_none_match: Option<&'a str>,
    pub if_modified_since: Option<&'a str>,
    /// Return redirects instead of following them (GitHub's releases/latest trick).
    pub no_redirects: bool,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Ok {
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// 304: the cached answer still holds.
    NotModified,
    /// A 3xx with its `Location` (only with `no_redirects`).
    Redirect(String),
    NotFound,
    /// 403/429 with no quota left; `reset` is when it returns (Unix seconds).
    RateLimited {
        reset: Option<u64>,
    },
    /// Everything else, after retries: the reason, for the tool's `error`.
    Failed(String),
}

impl Response {
    /// A short human description, for errors.
    pub fn describe(&self) -> String {
        match self {
            Response::Ok { .. } => "ok".to_owned(),
            Response::NotModified => "not modified".to_owned(),
            Response::Redirect(to) => format!("redirected to {to}"),
            Response::NotFound => "not found".to_owned(),
            Response::RateLimited { .. } => "rate limited".to_owned(),
            Response::Failed(reason) => reason.clone(),
        }
    }
}

/// The shared client.
pub struct HttpClient {
    agent: Agent,
    options: HttpOptions,
    in_flight: Mutex<HashMap<String, usize>>,
    slot_freed: Condvar,
    /// Hosts that could not be reached even after retries: not tried again
    /// this run, so an unreachable source costs one timeout, not one per tool.
    unreachable: Mutex<HashSet<String>>,
    /// Hosts that said the quota is gone: no further request to them this run.
    rate_limited: Mutex<HashMap<String, Option<u64>>>,
}

impl HttpClient {
    pub fn new(options: HttpOptions) -> HttpClient {
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let config = Agent::config_builder()
            .tls_config(tls)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("toolup/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            super::dns::CachingResolver::default(),
        );
        HttpClient {
            agent,
            options,
            in_flight: Mutex::new(HashMap::new()),
            slot_freed: Condvar::new(),
            unreachable: Mutex::new(HashSet::new()),
            rate_limited: Mutex::new(HashMap::new()),
        }
    }

    /// GETs `request.url`, retrying what is worth retrying.
    pub fn get(&self, request: &Request<'_>) -> Response {
        let host = host_of(request.url).to_owned();
        let _slot = self.acquire(&host);
        let mut attempt = 0;
        loop {
            // Checked on every attempt: another worker may have given up on the host meanwhile.
            if self.is_unreachable(&host) {
                return Response::Failed(format!("{host} was unreachable earlier in this run"));
            }
            if let Some(reset) = self
                .rate_limited
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&host)
            {
                return Response::RateLimited { reset: *reset };
            }
            let (response, retry_after, reach) = self.once(request);
            if let Response::RateLimited { reset } = &response {
                self.rate_limited
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(host.clone(), *reset);
            }
            let retryable = (matches!(&response, Response::Failed(_))
                && reach != Reach::NoSuchHost)
                || retry_after.is_some();
            let connect_failed = reach != Reach::Reached;
            if !retryable || attempt >= self.options.retries {
                if connect_failed {
                    self.unreachable
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(host);
                }
                return match response {
                    Response::Failed(reason) if attempt > 0 => {
                        Response::Failed(format!("{reason} (after {} attempts)", attempt + 1))
                    }
                    other => other,
                };
            }
            let backoff = self.options.backoff_base * 2u32.pow(attempt)
                + jitter(self.options.backoff_base / 2);
            let wait = retry_after.unwrap_or(backoff);
            if wait > MAX_RETRY_AFTER {
                return response;
            }
            tracing::debug!(
                url = request.url,
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn is_unreachable(&self, host: &str) -> bool {
        self.unreachable
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(host)
    }

    /// One attempt: the response, a wait before retrying (429, 5xx), and
    /// whether the host was reached.
    fn once(&self, request: &Request<'_>) -> (Response, Option<Duration>, Reach) {
        match self.attempt(request) {
            Ok((response, wait)) => (response, wait, Reach::Reached),
            Err(e) => {
                let reach = match e {
                    // DNS does not heal in a second: no retry.
                    ureq::Error::HostNotFound => Reach::NoSuchHost,
                    ureq::Error::ConnectionFailed | ureq::Error::Io(_) => Reach::Unreachable,
                    ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
                        Reach::Unreachable
                    }
                    _ => Reach::Reached,
                };
                (Response::Failed(describe(&e)), None, reach)
            }
        }
    }

    fn attempt(&self, request: &Request<'_>) -> Result<(Response, Option<Duration>), ureq::Error> {
        let mut builder = self.agent.get(request.url);
        if request.no_redirects {
            builder = builder
                .config()
                .max_redirects(0)
                .max_redirects_will_error(false)
                .build();
        }
        builder = builder.header("Accept", request.accept);
        if let Some(token) = request.bearer {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        if let Some(etag) = request.if_none_match {
            builder = builder.header("If-None-Match", etag);
        }
        if let Some(date) = request.if_modified_since {
            builder = builder.header("If-Modified-Since", date);
        }
        let started = Instant::now();
        let mut response = builder.call()?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        tracing::debug!(
            url = request.url,
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "http"
        );
        Ok(match status {
            200..=299 => {
                let (etag, last_modified) = (header("etag"), header("last-modified"));
                match response
                    .body_mut()
                    .with_config()
                    .limit(MAX_BODY)
                    .read_to_vec()
                {
                    Ok(body) => (
                        Response::Ok {
                            body,
                            etag,
                            last_modified,
                        },
                        None,
                    ),
                    Err(e) => (
                        Response::Failed(format!("reading the body: {}", describe(&e))),
                        None,
                    ),
                }
            }
            304 => (Response::NotModified, None),
            300..=399 => match header("location") {
                Some(location) => (Response::Redirect(location), None),
                None => (
                    Response::Failed(format!("HTTP {status} without Location")),
                    None,
                ),
            },
            404 | 410 => (Response::NotFound, None),
            403 | 429 if header("x-ratelimit-remaining").as_deref() == Some("0") => {
                let reset = header("x-ratelimit-reset").and_then(|r| r.trim().parse().ok());
                (Response::RateLimited { reset }, None)
            }
            429 | 500..=599 => {
                let wait = header("retry-after")
                    .and_then(|v| retry_after(&v))
                    .unwrap_or(self.options.backoff_base);
                (Response::Failed(format!("HTTP {status}")), Some(wait))
            }
            _ => (Response::Failed(format!("HTTP {status}")), None),
        })
    }

    /// Waits for one of the host's `max_per_host` slots.
    fn acquire(&self, host: &str) -> HostSlot<'_> {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        while in_flight.get(host).copied().unwrap_or(0) >= self.options.max_per_host {
            in_flight = self
                .slot_freed
                .wait(in_flight)
                .unwrap_or_else(|e| e.into_inner());
        }
        *in_flight.entry(host.to_owned()).or_insert(0) += 1;
        HostSlot {
            client: self,
            host: host.to_owned(),
        }
    }
}

/// Whether an attempt got through to the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Reached,
    Unreachable,
    NoSuchHost,
}

/// A held per-host slot, released on drop.
struct HostSlot<'a> {
    client: &'a HttpClient,
    host: String,
}

impl Drop for HostSlot<'_> {
    fn drop(&mut self) {
        let mut in_flight = self
            .client
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = in_flight.get_mut(&self.host) {
            *n = n.saturating_sub(1);
        }
        self.client.slot_freed.notify_all();
    }
}

/// The host (and port) of a URL, for per-host limits.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Error text without anything that could carry a credential.
fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::Io(e) => format!("connection failed: {e}"),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        other => other.to_string(),
    }
}

/// `Retry-After` as seconds (HTTP dates are treated as "a while").
fn retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Up to `max` of pseudo-random delay, so retries from parallel workers spread out.
fn jitter(max: Duration) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut x = u64::from(nanos) ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    let millis = max.as_millis().max(1) as u64;
    Duration::from_millis(x % millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_retry_after() {
        assert_eq!(host_of("https://example.org/a/b?c"), "example.org");
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert!(jitter(Duration::from_millis(100)) < Duration::from_millis(100));
    }
}
