#!/usr/bin/env bash
# Mutation testing on demand: do the tests notice when the code changes?
# cargo-mutants changes one thing at a time in FILE… (an operator, a
# constant, a function's whole body), and runs the tests against each
# change; a change no test fails on is a mutant that survived.
#
# usage: bench/mutants.sh [--whole] [--jobs N] FILE...
#
#   FILE      files or globs under src/ (`src/runner/*.rs`)
#   --whole   judge each mutant by the whole suite, unit and integration
#             (minutes per mutant); by default only the unit tests judge
#             (`cargo test --lib`, seconds): a mutant they kill, the whole
#             suite kills too, so a file whose unit tests leave nothing
#             alive needs no more
#   --jobs N  mutants built and tested at once (default 1; each needs its
#             own copy of the tree and its own target directory)
#
# MUTANTS_ITERATE=1 skips what the last run caught (after adding tests).
# Needs cargo-mutants (`cargo install cargo-mutants`). Results go to
# target/mutants/mutants.out (caught.txt, missed.txt, timeout.txt,
# unviable.txt); the survivors are printed at the end. A survivor that no
# test can tell apart from the original (an equivalent mutant) is listed
# with its reason in docs/testing.md; any other is a test to write.
set -euo pipefail
cd "$(dirname "$0")/.."

whole=0
jobs=1
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --whole) whole=1 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench/mutants.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) files+=(--file "$1") ;;
  esac
  shift
done
[ ${#files[@]} -gt 0 ] || { echo "bench/mutants.sh: name the files to mutate (see --help)" >&2; exit 2; }
command -v cargo-mutants >/dev/null 2>&1 || {
  echo "bench/mutants.sh: cargo-mutants is missing: cargo install cargo-mutants" >&2
  exit 2
}

# A mutant that loops forever is caught by the timeout: a minute for the
# unit tests (they take seconds), a quarter of an hour for the whole suite.
args=(--gitignore true --package toolup --output target/mutants --jobs "$jobs" --no-shuffle "${files[@]}")
if [ "$whole" = 1 ]; then
  args+=(--timeout 900)
else
  args+=(--timeout 60 --cargo-test-arg=--lib)
fi
# --iterate: mutants an earlier run here caught are not tried again.
[ -n "${MUTANTS_ITERATE:-}" ] && args+=(--iterate)
# cargo-mutants makes its output directory but not target/ (a fresh checkout).
mkdir -p target
# No debug info: each mutant compiles and links faster, and tests read none.
status=0
CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0 cargo mutants "${args[@]}" || status=$?
echo
# 1 is cargo-mutants' own usage error: nothing was tried.
[ "$status" = 1 ] && exit 1
echo "== survivors (target/mutants/mutants.out/missed.txt)"
cat target/mutants/mutants.out/missed.txt 2>/dev/null || true
# cargo-mutants exits 2 when mutants survived, 3 on timeouts, 4 when the
# unmutated tree fails its tests.
exit "$status"
