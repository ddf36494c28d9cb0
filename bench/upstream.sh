#!/usr/bin/env bash
# Upstream benchmarks (run on demand; not part of CI).
#
#   bench/upstream.sh           # loopback: 100 tools against servers adding 50 ms to every answer
#   bench/upstream.sh --live    # also: cold and warm online collect of the whole catalog,
#                               # its peak RSS, and the cost of isolating probes
#
# --live finds the registries as toolup does: from pip, uv, cargo and npm as
# they are configured on this machine (`toolup doctor` shows where from).
# OLD_TOOLUP=/path/to/an/older/toolup adds it to the cold offline audit, to
# show what isolating probes from the network costs.
# Targets: 100 tools within 0.7 s against the 50 ms loopback (issues 3, 18:
# idle connections kept per host as many as run at once); a cold
# online collect within 3 s; a warm collect within 50 ms of an offline one;
# peak RSS of an online collect <= 30 MB (issue 7).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
cargo build --release --quiet
bin=$PWD/target/release/toolup
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

# Four sources on four ports, as four registries are four hosts; each answer waits 50 ms.
cat > "$work/server.py" <<'PY'
import http.server, json, socketserver, sys, time
kind = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        time.sleep(0.05)
        name = self.path.rstrip("/").split("/")[-1]
        ctype = "application/json"
        if kind == "pypi":
            # The Simple API (PEP 691), as pip's index serves it.
            ctype = "application/vnd.pypi.simple.v1+json"
            body = json.dumps({"meta": {"api-version": "1.1"}, "name": name, "versions": ["1.2.3"],
                               "files": [{"filename": f"{name}-1.2.3-py3-none-any.whl", "url": "x", "hashes": {},
                                          "upload-time": "2026-01-01T00:00:00Z"}]})
        elif kind == "npm" and self.path.endswith("/dist-tags"):
            body = json.dumps({"latest": "4.5.6"})
        elif kind == "npm":
            body = json.dumps({"name": name, "dist-tags": {"latest": "4.5.6"}})
        elif kind == "crates":
            body = json.dumps({"name": name, "vers": "7.8.9", "yanked": False})
        else:
            body = json.dumps({"tag_name": "v0.1.2", "published_at": "2026-01-01T00:00:00Z"})
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
port=$((20000 + RANDOM % 20000))
i=0
for kind in pypi npm crates github; do
  python3 "$work/server.py" $((port + i)) $kind & i=$((i + 1))
done
sleep 0.5
mkdir -p "$work/catalog"
for n in $(seq 1 100); do
  case $((n % 4)) in
    0) up="pypi:pkg$n" ;; 1) up="npm:pkg$n" ;; 2) up="crates:pkg$n" ;; 3) up="github:o/pkg$n" ;;
  esac
  printf 'name = "t%s"\ndescription = "b"\ncategory = "b"\nbins = ["t%s"]\nupstream = "%s"\n' $n $n "$up" > "$work/catalog/t$n.toml"
done
export HOME=$work/home
loop=(env TOOLUP_CATALOG="$work/catalog" TOOLUP_PYPI_URL=http://127.0.0.1:$port TOOLUP_NPM_REGISTRY_URL=http://127.0.0.1:$((port + 1))
      TOOLUP_CRATES_INDEX_URL=http://127.0.0.1:$((port + 2)) TOOLUP_GITHUB_API_URL=http://127.0.0.1:$((port + 3)) GITHUB_TOKEN=bench)
"${loop[@]}" "$bin" latest --refresh >/dev/null  # check it works
loopback=(-n "100 tools, 50 ms loopback (4 hosts)" "${loop[*]} $bin latest --refresh")
if [ -n "${OLD_TOOLUP:-}" ]; then
  loopback+=(-n "the same with $OLD_TOOLUP" "${loop[*]} $OLD_TOOLUP latest --refresh")
fi
hyperfine --warmup 1 --runs "$RUNS" "${loopback[@]}" | sed -n '/Benchmark/p;/Time/p;/Range/p;/faster/p'
# toolup's own peak RSS (getrusage of itself, from its debug log): probes are
# other processes, and /usr/bin/time would report the largest of them.
peak() { TOOLUP_LOG=debug "$@" 2>&1 >/dev/null | grep -o 'peak_rss_kib=[0-9]*' | cut -d= -f2; }
echo "peak RSS, 100 tools over loopback: $(peak "${loop[@]}" "$bin" latest --refresh) KiB"

if [ "${1:-}" = "--live" ]; then
  unset HOME; export HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/toolup
  hyperfine --runs 3 --prepare "rm -f $cache/latest_versions.json $cache/upstream_failures.json" -n "cold online collect (catalog)" "$bin collect --snapshot $work/s.json" | sed -n '/Benchmark/p;/Time/p;/Range/p'
  hyperfine --warmup 1 --runs "$RUNS" -n "warm collect (cache within TTL)" "$bin collect --snapshot $work/s.json" \
    -n "offline collect" "$bin collect --offline --snapshot $work/s.json" | sed -n '/Benchmark/p;/Time/p;/Range/p;/faster/p'
  rm -f "$cache/latest_versions.json" "$cache/upstream_failures.json"
  echo "peak RSS, cold online collect of the catalog: $(peak "$bin" collect --snapshot "$work/s.json") KiB"
  # Isolation: every probe in a fresh network namespace behind a seccomp filter.
  cold=(-n "cold offline audit (isolated probes)" "$bin --offline collect --no-cache --snapshot $work/s.json")
  if [ -n "${OLD_TOOLUP:-}" ]; then
    cold+=(-n "cold offline audit ($OLD_TOOLUP)" "$OLD_TOOLUP --offline collect --no-cache --snapshot $work/o.json")
  fi
  hyperfine --warmup 1 --runs "$RUNS" "${cold[@]}" | sed -n '/Benchmark/p;/Time/p;/Range/p;/faster/p'
fi
