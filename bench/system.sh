#!/usr/bin/env bash
# `toolup system check` against its single checks (run on demand; not CI).
#
#   bench/system.sh                         # this tree's release build
#   OLD_TOOLUP=/path/to/toolup bench/system.sh   # the same for an older build too
#
# Target (issue 18): checking every applicable updater takes at most 1.2x
# its slowest single check (checks run side by side; the catalog's check
# asks each package manager once and leaves what other updaters own to
# them). One run each (RUNS=1 by default: the checks ask the real package
# managers), timed by hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1}
cargo build --release --quiet
bench() {
  local bin=$1 label=$2
  local applicable
  applicable=$("$bin" system updaters --format json | python3 -c '
import json, sys
print(",".join(u["id"] for u in json.load(sys.stdin)["updaters"] if u["applies"]))')
  echo "== $label: applicable here: $applicable"
  local args=(-n "all" "$bin system check --only $applicable")
  for u in ${applicable//,/ }; do
    args+=(-n "$u" "$bin system check --only $u")
  done
  hyperfine --runs "$RUNS" --export-json /tmp/toolup-system-bench.json "${args[@]}" \
    | sed -n '/Benchmark/p;/Time/p'
  python3 - "$label" <<'PY'
import json, sys
r = json.load(open("/tmp/toolup-system-bench.json"))["results"]
together = r[0]["mean"]
singles = {x["command"]: x["mean"] for x in r[1:]}
slowest = max(singles, key=singles.get)
print(f"{sys.argv[1]}: together {together:.2f} s; slowest single {slowest} {singles[slowest]:.2f} s; "
      f"sum of singles {sum(singles.values()):.2f} s; together/slowest {together / singles[slowest]:.2f}x")
PY
}
if [ -n "${OLD_TOOLUP:-}" ]; then bench "$OLD_TOOLUP" "before ($OLD_TOOLUP)"; fi
bench "$PWD/target/release/toolup" "now"
