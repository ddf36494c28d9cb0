#!/usr/bin/env bash
# Fuzz every target of fuzz/ (in turn, or --jobs at once) and say, per
# target, how many inputs ran, the coverage reached and the crashes found.
#
# usage: bench/fuzz.sh [SECONDS] [--runs N] [--asan] [--jobs N] [--max-len BYTES]
#                      [--only T1,T2,...]
#
#   SECONDS   each target's time (default 60); with --runs N a target stops
#             at whichever comes first (the long run: `1800 --runs 10000000`)
#   --asan    the deep variant: libFuzzer with the address sanitizer
#             (nightly features on stable through RUSTC_BOOTSTRAP=1), in its
#             own target directory so the two builds never evict each other
#   --jobs    how many targets fuzz at once (default 1; each is one
#             process on one core)
#   --max-len inputs up to BYTES, starting from each seed repeated to
#             BYTES (libFuzzer alone grows an input a few bytes a
#             mutation): the run that finds a parser whose time grows
#             faster than its input, as a timeout or a slow unit
#   --only    these targets only (`cargo fuzz list` names them all)
#
# Each target runs with its dictionary (fuzz/dicts/T.dict) over its
# working corpus (fuzz/corpus/T, kept between runs, not committed) and its
# seeds (fuzz/seeds/T); debug assertions are on, so an overflow is a crash.
# Crashes land in fuzz/artifacts/T/; docs/testing.md says how one becomes a
# regression test. Each target's line is printed as it ends; the summary,
# in the targets' order, is kept in target/fuzz-logs/summary.txt (and
# printed again with --jobs; target/fuzz-asan/logs/ for --asan), each
# target's libFuzzer log beside it. A
# target whose run fails without a new artifact (a crash rewriting one
# found before, or a fuzzer that did not start) counts as crashed too.
# Exit status: 0 when no target crashed, 1 otherwise, 2 on a usage error.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=60
runs=""
sanitizer=none
only=""
jobs=1
max_len=""
while [ $# -gt 0 ]; do
  case "$1" in
    --asan) sanitizer=address ;;
    --runs) runs="${2:?--runs needs a number}"; shift ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift
            case "$jobs" in *[!0-9]*|""|0) echo "bench/fuzz.sh: --jobs takes a number from 1" >&2; exit 2 ;; esac ;;
    --only) only="${2:?--only needs target names}"; shift ;;
    --max-len) max_len="${2:?--max-len needs a number}"; shift
               case "$max_len" in *[!0-9]*|""|0) echo "bench/fuzz.sh: --max-len takes a number of bytes from 1" >&2; exit 2 ;; esac ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *[!0-9]*|"") echo "bench/fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    *) seconds="$1" ;;
  esac
  shift
done

command -v cargo-fuzz >/dev/null 2>&1 || {
  echo "bench/fuzz.sh: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
  exit 2
}

flags=(-s "$sanitizer" -a)
env_prefix=()
if [ "$sanitizer" = address ]; then
  env_prefix=(env RUSTC_BOOTSTRAP=1)
  flags+=(--target-dir target/fuzz-asan)
fi

targets=$(cargo fuzz list)
if [ -n "$only" ]; then
  for t in ${only//,/ }; do
    grep -qx "$t" <<<"$targets" || { echo "bench/fuzz.sh: no fuzz target $t" >&2; exit 2; }
  done
  # Each once, in the order given.
  targets=$(tr ',' '\n' <<<"$only" | awk 'NF && !seen[$0]++')
fi

# Each variant keeps its own logs, so a deep run never overwrites the
# counts of the plain one.
logs=target/fuzz-logs
[ "$sanitizer" = address ] && logs=target/fuzz-asan/logs
mkdir -p "$logs"
echo "== building every target (-s $sanitizer, debug assertions on)"
"${env_prefix[@]}" cargo fuzz build "${flags[@]}" >"$logs/build.log" 2>&1 || {
  tail -30 "$logs/build.log" >&2
  exit 2
}

summary="$logs/summary.txt"
header=$(printf '%-18s %12s %8s %8s %8s %8s %8s' target executions exec/s cov ft corpus crashes)
echo "$header" | tee "$summary"

# One target's run; its summary line (and the crashes it found) go to
# $logs/T.line, so targets running side by side never mix their lines.
fuzz_one() {
  local t=$1
  local corpus=fuzz/corpus/$t artifacts=fuzz/artifacts/$t
  # Long inputs found with --max-len stay out of the working corpus (they
  # would slow every later run); that corpus is read, not written.
  local inputs=("$corpus" "fuzz/seeds/$t")
  if [ -n "$max_len" ]; then
    inputs=("target/fuzz-long-inputs/$t" "$corpus" "fuzz/seeds/$t")
    mkdir -p "${inputs[0]}"
    # libFuzzer grows an input a few bytes a mutation: start from long
    # ones, eight seeds each repeated up to BYTES, for mutations to work on.
    local seed long made=0
    for seed in "fuzz/seeds/$t"/*; do
      [ -s "$seed" ] && [ "$made" -lt 8 ] || continue
      made=$((made + 1))
      long="${inputs[0]}/long-${seed##*/}"
      [ -e "$long" ] && continue
      cp "$seed" "$long.part"
      while [ "$(stat -c %s "$long.part")" -lt "$max_len" ]; do
        cat "$long.part" "$long.part" >"$long.next" && mv "$long.next" "$long.part"
      done
      head -c "$max_len" "$long.part" >"$long" && rm -f "$long.part"
    done
  fi
  mkdir -p "$corpus" "$artifacts"
  local before start elapsed execs cov ft found
  before=$(find "$artifacts" -type f | wc -l)
  start=$(date +%s)
  local args=(-dict="fuzz/dicts/$t.dict" -max_total_time="$seconds" -timeout=25
              -print_final_stats=1 -print_pcs=0)
  [ -n "$runs" ] && args+=(-runs="$runs")
  [ -n "$max_len" ] && args+=(-max_len="$max_len" -len_control=0)
  local status=0
  "${env_prefix[@]}" cargo fuzz run "${flags[@]}" "$t" "${inputs[@]}" -- "${args[@]}" \
    >"$logs/$t.log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -1)
  cov=$(grep -oE ' cov: [0-9]+' "$logs/$t.log" | tail -1 | grep -oE '[0-9]+')
  ft=$(grep -oE ' ft: [0-9]+' "$logs/$t.log" | tail -1 | grep -oE '[0-9]+')
  found=$(( $(find "$artifacts" -type f | wc -l) - before ))
  {
    printf '%-18s %12s %8s %8s %8s %8s %8s\n' "$t" "${execs:-?}" "$(( ${execs:-0} / (elapsed > 0 ? elapsed : 1) ))" \
      "${cov:-?}" "${ft:-?}" "$(find "$corpus" -type f | wc -l)" "$found"
    [ "$found" -gt 0 ] && find "$artifacts" -type f -newermt "@$start" | sed 's/^/    /'
    [ "$found" -eq 0 ] && [ "$status" -ne 0 ] && echo "    exit $status without a new artifact: see $logs/$t.log"
  } >"$logs/$t.line"
  cat "$logs/$t.line"
}

for t in $targets; do
  rm -f "$logs/$t.line"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  fuzz_one "$t" &
done
wait
# The summary in the targets' order, whatever order they finished in.
crashed=0
for t in $targets; do
  if [ -f "$logs/$t.line" ]; then
    cat "$logs/$t.line" >>"$summary"
    grep -q '^    ' "$logs/$t.line" && crashed=1
  else
    printf '%-18s did not finish\n' "$t" >>"$summary"; crashed=1
  fi
done
if [ "$jobs" -gt 1 ]; then
  echo "== summary, in the targets' order"
  cat "$summary"
fi
exit "$crashed"
