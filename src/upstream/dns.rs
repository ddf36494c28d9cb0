//! A per-run DNS cache for the HTTP client: each host is resolved once, by
//! one thread, however many requests go to it.
//!
//! Measured on the development machine: forty concurrent lookups of the same
//! registry host through the system resolver, and a few of them stall for
//! the resolver's 5 s timeout (a dropped A/AAAA reply). One lookup per host
//! turns that from "a few stalls per refresh" into "at most one per host".
//! ureq's resolver trait is in its `unversioned` module, so ureq is pinned
//! to an exact version in Cargo.toml.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

#[derive(Debug, Default)]
pub struct CachingResolver {
    inner: DefaultResolver,
    answers: Mutex<HashMap<String, ResolvedSocketAddrs>>,
    /// One gate per host, so concurrent first requests wait for one lookup.
    gates: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

impl CachingResolver {
    fn cached(&self, key: &str) -> Option<ResolvedSocketAddrs> {
        self.answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map_or("", |a| a.as_str())
        );
        if let Some(hit) = self.cached(&key) {
            return Ok(hit);
        }
        let gate = self
            .gates
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.clone())
            .or_default()
            .clone();
        let _turn = gate.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = self.cached(&key) {
            return Ok(hit);
        }
        let answer = self.inner.resolve(uri, config, timeout)?;
        self.answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, answer.clone());
        Ok(answer)
    }
}
