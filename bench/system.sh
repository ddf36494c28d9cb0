#!/usr/bin/env bash
# `toolup system check` against its single checks (run on demand; not CI).
#
#   bench/system.sh
#
# Target (issue 10): checking every applicable updater takes barely longer
# than its slowest single check, far less than their sum — checks run side
# by side. Reports the mean of each with hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
cargo build --release --quiet
bin=$PWD/target/release/toolup
applicable=$("$bin" system updaters --format json | python3 -c '
import json, sys
print(",".join(u["id"] for u in json.load(sys.stdin)["updaters"] if u["applies"]))')
echo "applicable here: $applicable"
args=(-n "all ($applicable)" "$bin system check --only $applicable")
for u in ${applicable//,/ }; do
  args+=(-n "$u alone" "$bin system check --only $u")
done
hyperfine --warmup 1 --runs "$RUNS" --export-json /tmp/toolup-system-bench.json "${args[@]}" \
  | sed -n '/Benchmark/p;/Time/p'
python3 - <<'PY'
import json
r = json.load(open("/tmp/toolup-system-bench.json"))["results"]
together = r[0]["mean"]
singles = [x["mean"] for x in r[1:]]
print(f"together {together:.3f} s; slowest single {max(singles):.3f} s; "
      f"sequential sum {sum(singles):.3f} s; together/slowest {together / max(singles):.2f}x; "
      f"sum/together {sum(singles) / together:.2f}x")
PY
