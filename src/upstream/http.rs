//! The one HTTP client: timeouts, retries with exponential backoff and
//! jitter, `Retry-After`, per-host `Accept`, a `User-Agent`, conditional
//! requests, bounded bodies, and per-host concurrency limits.
//!
//! Bodies are streamed: `fetch` hands the caller a reader capped at the
//! request's `max_body`, so a registry document is deserialized into the few
//! fields a source uses without ever being held whole (npm's document for
//! typescript is 10 MB; held as `serde_json::Value` it was ten times that).
//!
//! ureq (blocking, rustls) fits the design: fetches run on a bounded thread
//! pool, so an async runtime would add weight and nothing else. Certificates
//! come from the platform's store, so TLS-intercepting corporate proxies work.

use crate::base::redact::redact;
use crate::base::text::human_bytes;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ureq::Agent;

/// Largest body read unless a request says otherwise. Streamed bodies cost
/// no memory by size, so this bounds transfer, not allocation.
pub const DEFAULT_MAX_BODY: u64 = 64 * 1024 * 1024;
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
    /// What a rate limit applies to: GitHub's API quota belongs to the API's
    /// base URL, not to its host, which (GitHub Enterprise, a mirror) may also
    /// serve the quota-free web fallbacks. `None`: the host.
    pub quota_scope: Option<&'a str>,
    /// Largest body accepted (default `DEFAULT_MAX_BODY`); more is an error that says so.
    pub max_body: Option<u64>,
}

/// What came back, with the body read into a `T` by the caller's reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<T> {
    Ok {
        body: T,
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

/// A reply whose body is the raw bytes.
pub type Response = Reply<Vec<u8>>;

impl<T> Reply<T> {
    /// A short human description, for errors.
    pub fn describe(&self) -> String {
        match self {
            Reply::Ok { .. } => "ok".to_owned(),
            Reply::NotModified => "not modified".to_owned(),
            Reply::Redirect(to) => format!("redirected to {to}"),
            Reply::NotFound => "not found".to_owned(),
            Reply::RateLimited { .. } => "rate limited".to_owned(),
            Reply::Failed(reason) => reason.clone(),
        }
    }
}

/// Facts about a 2xx response that a body reader may need.
#[derive(Debug, Clone, Default)]
pub struct BodyInfo {
    /// The media type, lower case, without parameters (`application/json`).
    pub content_type: String,
}

/// Why reading a body failed.
#[derive(Debug)]
pub enum BodyError {
    /// The transfer broke (worth a retry).
    Transfer(String),
    /// The body arrived but is not what was expected (not retried).
    Malformed(String),
}

impl BodyError {
    /// A JSON error: an I/O failure underneath is a transfer problem, anything else malformed.
    pub fn json(e: &serde_json::Error) -> BodyError {
        match e.classify() {
            serde_json::error::Category::Io
                if e.io_error_kind() == Some(std::io::ErrorKind::FileTooLarge) =>
            {
                BodyError::Malformed(e.to_string())
            }
            serde_json::error::Category::Io => BodyError::Transfer(e.to_string()),
            _ => BodyError::Malformed(format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            )),
        }
    }

    /// An I/O error from a capped reader.
    pub fn io(e: &std::io::Error) -> BodyError {
        if e.kind() == std::io::ErrorKind::FileTooLarge {
            BodyError::Malformed(e.to_string())
        } else {
            BodyError::Transfer(e.to_string())
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
            // As many idle connections to a host as requests toolup runs
            // at once to it, so a parallel refresh reuses its connections
            // instead of a fresh TCP and TLS handshake for most lookups
            // (ureq keeps 3 per host by default).
            .max_idle_connections_per_host(options.max_per_host.max(1))
            .max_idle_connections(options.max_per_host.max(1) * 8)
            .user_agent(concat!("toolup/", env!("CARGO_PKG_VERSION")))
            .build();
        #[allow(clippy::disallowed_methods)] // the one client: this constructor
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

    /// GETs `request.url` into memory, retrying what is worth retrying.
    pub fn get(&self, request: &Request<'_>) -> Response {
        self.fetch(request, |_, reader| {
            let mut body = Vec::new();
            reader
                .read_to_end(&mut body)
                .map(|_| body)
                .map_err(|e| BodyError::io(&e))
        })
    }

    /// GETs `request.url` and hands a 2xx body, as a stream capped at the
    /// request's `max_body`, to `read`; retries what is worth retrying (a
    /// broken transfer, 5xx, 429), never a malformed body.
    pub fn fetch<T>(
        &self,
        request: &Request<'_>,
        mut read: impl FnMut(&BodyInfo, &mut dyn Read) -> Result<T, BodyError>,
    ) -> Reply<T> {
        let host = host_of(request.url).to_owned();
        let scope = request.quota_scope.unwrap_or(&host).to_owned();
        let _slot = self.acquire(&host);
        let mut attempt = 0;
        loop {
            // Checked on every attempt: another worker may have given up on the host meanwhile.
            if self.is_unreachable(&host) {
                return Reply::Failed(format!("{host} unreachable (earlier in this run)"));
            }
            if let Some(reset) = self
                .rate_limited
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&scope)
            {
                return Reply::RateLimited { reset: *reset };
            }
            let (response, retry_after, reach) = self.once(request, &mut read);
            if let Reply::RateLimited { reset } = &response {
                self.rate_limited
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(scope.clone(), *reset);
            }
            let retryable = (matches!(&response, Reply::Failed(_))
                && reach != Reach::NoSuchHost
                && reach != Reach::Malformed)
                || retry_after.is_some();
            let connect_failed = reach != Reach::Reached;
            if !retryable || attempt >= self.options.retries {
                if connect_failed {
                    self.unreachable
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(host.clone());
                }
                // The cause first, in words a person acts on: a host that
                // could not be reached is "unreachable", whatever the socket said.
                let tries = if attempt > 0 {
                    format!(" (after {} attempts)", attempt + 1)
                } else {
                    String::new()
                };
                return match response {
                    Reply::Failed(reason) if connect_failed => {
                        Reply::Failed(format!("{host} unreachable: {reason}{tries}"))
                    }
                    Reply::Failed(reason) => Reply::Failed(format!("{reason}{tries}")),
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
                url = %redact(request.url),
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// POSTs `body` (`content_type`) to `url` — a webhook: credentials in
    /// the URL go as Basic auth, redirects are not followed (a body is not
    /// sent on to another address), connection failures, 5xx and 429 are
    /// retried. `Ok` on a 2xx; the reason otherwise, naming no part of the
    /// URL but its host.
    pub fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<u16, String> {
        let host = host_of(url).to_owned();
        let _slot = self.acquire(&host);
        let (plain, basic) = split_userinfo(url);
        let mut attempt = 0;
        loop {
            let mut builder = self
                .agent
                .post(&plain)
                .config()
                .max_redirects(0)
                .max_redirects_will_error(false)
                .build()
                .header("Content-Type", content_type);
            if let Some(basic) = &basic {
                builder = builder.header("Authorization", &format!("Basic {basic}"));
            }
            let (result, retry) = match builder.send(body) {
                Ok(response) => {
                    let status = response.status().as_u16();
                    match status {
                        200..=299 => return Ok(status),
                        429 | 500..=599 => (format!("HTTP {status}"), true),
                        _ => (format!("HTTP {status}"), false),
                    }
                }
                Err(e) => (
                    describe(&e),
                    matches!(
                        e,
                        ureq::Error::ConnectionFailed
                            | ureq::Error::Io(_)
                            | ureq::Error::Timeout(_)
                    ),
                ),
            };
            if !retry || attempt >= self.options.retries {
                let tries = if attempt > 0 {
                    format!(" (after {} attempts)", attempt + 1)
                } else {
                    String::new()
                };
                return Err(format!("{host}: {result}{tries}"));
            }
            std::thread::sleep(
                self.options.backoff_base * 2u32.pow(attempt)
                    + jitter(self.options.backoff_base / 2),
            );
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
    fn once<T>(
        &self,
        request: &Request<'_>,
        read: &mut dyn FnMut(&BodyInfo, &mut dyn Read) -> Result<T, BodyError>,
    ) -> (Reply<T>, Option<Duration>, Reach) {
        match self.attempt(request, read) {
            Ok((response, wait, malformed)) => (
                response,
                wait,
                if malformed {
                    Reach::Malformed
                } else {
                    Reach::Reached
                },
            ),
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
                (Reply::Failed(describe(&e)), None, reach)
            }
        }
    }

    /// One request; `Ok((reply, wait, malformed))`.
    fn attempt<T>(
        &self,
        request: &Request<'_>,
        read: &mut dyn FnMut(&BodyInfo, &mut dyn Read) -> Result<T, BodyError>,
    ) -> Result<(Reply<T>, Option<Duration>, bool), ureq::Error> {
        // Credentials in the URL (a mirror's `https://user:token@host/…`, as
        // pip and cargo accept them) go to that host as Basic auth, never in
        // the request line, and never across a redirect (ureq drops the
        // header when a redirect leaves the host).
        let (url, basic) = split_userinfo(request.url);
        let mut builder = self.agent.get(&url);
        if request.no_redirects {
            builder = builder
                .config()
                .max_redirects(0)
                .max_redirects_will_error(false)
                .build();
        }
        builder = builder.header("Accept", request.accept);
        // A token never travels in the clear to another machine, whoever
        // configured the address.
        if let Some(token) = request.bearer.filter(|_| may_carry_secret(&url)) {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        } else if let Some(basic) = &basic {
            builder = builder.header("Authorization", &format!("Basic {basic}"));
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
            url = %redact(request.url),
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "http"
        );
        let reply = match status {
            200..=299 => {
                let (etag, last_modified) = (header("etag"), header("last-modified"));
                let info = BodyInfo {
                    content_type: header("content-type")
                        .map(|t| {
                            t.split(';')
                                .next()
                                .unwrap_or_default()
                                .trim()
                                .to_ascii_lowercase()
                        })
                        .unwrap_or_default(),
                };
                let cap = request.max_body.unwrap_or(DEFAULT_MAX_BODY);
                let mut reader = CappedReader {
                    inner: response.body_mut().as_reader(),
                    left: cap,
                    cap,
                };
                return Ok(match read(&info, &mut reader) {
                    Ok(body) => (
                        Reply::Ok {
                            body,
                            etag,
                            last_modified,
                        },
                        None,
                        false,
                    ),
                    Err(BodyError::Transfer(reason)) => (
                        Reply::Failed(format!("reading the body: {reason}")),
                        None,
                        false,
                    ),
                    Err(BodyError::Malformed(reason)) => (Reply::Failed(reason), None, true),
                });
            }
            304 => (Reply::NotModified, None),
            300..=399 => match header("location") {
                Some(location) => (Reply::Redirect(location), None),
                None => (
                    Reply::Failed(format!("HTTP {status} without Location")),
                    None,
                ),
            },
            404 | 410 => (Reply::NotFound, None),
            403 | 429 if header("x-ratelimit-remaining").as_deref() == Some("0") => {
                let reset = header("x-ratelimit-reset").and_then(|r| r.trim().parse().ok());
                (Reply::RateLimited { reset }, None)
            }
            429 | 500..=599 => {
                let wait = header("retry-after")
                    .and_then(|v| retry_after(&v))
                    .unwrap_or(self.options.backoff_base);
                (Reply::Failed(format!("HTTP {status}")), Some(wait))
            }
            _ => (Reply::Failed(format!("HTTP {status}")), None),
        };
        Ok((reply.0, reply.1, false))
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
    /// Reached, and the body was not what it should be: asking again will not help.
    Malformed,
    Unreachable,
    NoSuchHost,
}

/// A body reader that refuses to go past the request's cap, with an error
/// that says so (rather than a truncated document that fails to parse).
struct CappedReader<R> {
    inner: R,
    left: u64,
    cap: u64,
}

impl<R: Read> Read for CappedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte more than the cap means the body is too large.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::new(
                    std::io::ErrorKind::FileTooLarge,
                    format!(
                        "the response is larger than {}, the cap for this request",
                        human_bytes(self.cap)
                    ),
                )),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
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

/// https, or plain http to this machine itself (a loopback address or `localhost`).
pub fn may_carry_secret(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return true;
    }
    if !lower.starts_with("http://") {
        return false;
    }
    let authority = host_of(&lower);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The host (and port) of a URL, for per-host limits (never its userinfo).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

/// The URL without its userinfo, and the userinfo as a Basic credential.
fn split_userinfo(url: &str) -> (String, Option<String>) {
    use base64::Engine;
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some((userinfo, host)) = rest[..end].rsplit_once('@') else {
        return (url.to_owned(), None);
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    crate::base::secrets::register(&decode(password));
    crate::base::secrets::register(password);
    let credential = format!("{}:{}", decode(user), decode(password));
    (
        format!("{scheme}://{host}{}", &rest[end..]),
        Some(base64::engine::general_purpose::STANDARD.encode(credential)),
    )
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
    #[test]
    fn secrets_go_over_https_or_to_this_machine_only() {
        assert!(may_carry_secret("https://api.github.com/rate_limit"));
        assert!(may_carry_secret("http://127.0.0.1:8080/rate_limit"));
        assert!(may_carry_secret("http://localhost:1/x"));
        assert!(may_carry_secret("http://[::1]:8/x"));
        assert!(!may_carry_secret(
            "http://ghe.example.com/api/v3/rate_limit"
        ));
        assert!(!may_carry_secret("http://127.0.0.1.evil.com/x"));
    }

    use super::*;

    #[test]
    fn credentials_never_show() {
        let (url, basic) = split_userinfo("https://me:p%40ss@h.example/simple/");
        assert_eq!(url, "https://h.example/simple/");
        assert_eq!(basic.as_deref(), Some("bWU6cEBzcw=="));
        assert_eq!(split_userinfo("https://h.example/a@b").1, None);
    }

    #[test]
    fn hosts_and_retry_after() {
        assert_eq!(host_of("https://example.org/a/b?c"), "example.org");
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(
            host_of("https://u:p@mirror.example/simple"),
            "mirror.example"
        );
        assert_eq!(retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert!(jitter(Duration::from_millis(100)) < Duration::from_millis(100));
    }
}
