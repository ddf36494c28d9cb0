#!/usr/bin/env bash
# Benchmarks for the audit core (run on demand; not part of CI).
#
#   bench/run.sh            # cold + warm audit of the whole catalog, render of 1,000 tools
#   RUNS=20 bench/run.sh    # more runs per measurement
#
# Targets (issue 2, on a 2-core machine): cold offline audit <= 1.5 s wall,
# warm (probe cache) <= 0.15 s, render of the committed snapshot <= 20 ms,
# peak memory < 30 MB. Needs hyperfine (apt-get install hyperfine) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
cargo build --release --quiet
bin=$PWD/target/release/toolup
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cache=${XDG_CACHE_HOME:-$HOME/.cache}/toolup/probe_cache.json
snap=$work/snapshot.json

# A 1,000-tool snapshot: the committed one, its records repeated under new names.
python3 - "$PWD/tools_snapshot.json" "$work/big.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
base = doc["tools"]
doc["tools"] = [dict(t, name=f"{t['name']}-{i}") for i in range(1000 // len(base) + 1) for t in base][:1000]
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY

peak() { TOOLUP_LOG=debug "$@" 2>&1 >/dev/null | sed -n 's/.*peak_rss_kib=\([0-9]*\).*/\1/p' | tail -1; }

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== catalog: $("$bin" catalog list | tail -1)"
hyperfine --warmup 1 --runs "$RUNS" --export-json "$work/h.json" \
  --prepare "rm -f '$cache'" -n "cold audit (no probe cache)" "$bin audit --offline --snapshot $snap" \
  --prepare "rm -f '$cache'" -n "cold audit, --jobs \$(nproc)" "$bin audit --offline --jobs $(nproc) --snapshot $snap" \
  --prepare "true" -n "warm audit (probe cache)" "$bin audit --offline --snapshot $snap" \
  --prepare "true" -n "render committed snapshot" "$bin render --snapshot tools_snapshot.json" \
  --prepare "true" -n "render 1,000-tool snapshot" "$bin render --snapshot $work/big.json" \
  --prepare "true" -n "render 1,000 tools as json" "$bin render --format json --snapshot $work/big.json" >/dev/null

rm -f "$cache"
cold_kib=$(peak "$bin" audit --offline --snapshot "$snap")
warm_kib=$(peak "$bin" audit --offline --snapshot "$snap")
render_kib=$(peak "$bin" render --snapshot "$work/big.json")
python3 - "$work/h.json" "$cold_kib" "$warm_kib" "$render_kib" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
targets = {"cold audit (no probe cache)": 1.5, "warm audit (probe cache)": 0.15, "render committed snapshot": 0.020}
print(f"{'measurement':34} {'mean':>9} {'min':>9} {'max':>9}  vs target")
for r in results:
    t = targets.get(r["command"])
    ratio = f"{r['mean'] / t:.2f}x of {t * 1000:g} ms" if t else ""
    print(f"{r['command']:34} {r['mean']*1000:8.1f}ms {r['min']*1000:8.1f}ms {r['max']*1000:8.1f}ms  {ratio}")
cold, warm, render = (int(x) / 1024 for x in sys.argv[2:5])
print(f"peak memory (VmHWM): cold audit {cold:.1f} MiB, warm audit {warm:.1f} MiB, render 1,000 tools {render:.1f} MiB (target < 30 MB)")
PY
