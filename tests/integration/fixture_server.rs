//! A loopback HTTP/1.1 server for the upstream tests: scripted replies per
//! path (a sequence, the last one repeating), optional ETag handling, delays,
//! and a log of every request with its headers and arrival time.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            ..Reply::ok("")
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

#[derive(Clone, Debug)]
pub struct Logged {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub at: Instant,
}

#[derive(Default)]
struct Route {
    replies: VecDeque<Reply>,
    /// When set, a request with `If-None-Match: <etag>` gets a 304.
    etag: Option<String>,
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Route>>,
    log: Mutex<Vec<Logged>>,
}

pub struct FixtureServer {
    pub base: String,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
}

impl FixtureServer {
    pub fn start() -> FixtureServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s = s.clone();
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        FixtureServer { base, state, stop }
    }

    /// Replies in order; the last one repeats.
    pub fn route(&self, path: &str, replies: Vec<Reply>) {
        let mut routes = self.state.routes.lock().unwrap();
        routes.insert(
            path.to_owned(),
            Route {
                replies: replies.into(),
                etag: None,
            },
        );
    }

    /// Always `reply`, with an ETag; a matching `If-None-Match` gets 304.
    pub fn route_etag(&self, path: &str, etag: &str, reply: Reply) {
        let mut routes = self.state.routes.lock().unwrap();
        let reply = reply.header("ETag", etag);
        routes.insert(
            path.to_owned(),
            Route {
                replies: vec![reply].into(),
                etag: Some(etag.to_owned()),
            },
        );
    }

    pub fn requests(&self, prefix: &str) -> Vec<Logged> {
        self.state
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.path.starts_with(prefix))
            .cloned()
            .collect()
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
    }
}

fn serve(stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let reply = {
        let mut routes = state.routes.lock().unwrap();
        match routes.get_mut(&path) {
            None => Reply::status(404),
            Some(route) => {
                let matched = route.etag.is_some()
                    && route.etag.as_deref() == headers.get("if-none-match").map(String::as_str);
                let reply = if route.replies.len() > 1 {
                    route.replies.pop_front()
                } else {
                    route.replies.front().cloned()
                };
                match (matched, reply) {
                    (true, _) => Reply::status(304),
                    (false, Some(r)) => r,
                    (false, None) => Reply::status(404),
                }
            }
        }
    };
    state.log.lock().unwrap().push(Logged {
        path,
        headers,
        at: Instant::now(),
    });
    std::thread::sleep(reply.delay);
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut stream = stream;
    let _ = stream
        .write_all(out.as_bytes())
        .and_then(|()| stream.write_all(&reply.body));
}
