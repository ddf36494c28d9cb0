#!/usr/bin/env bash
# The runner's scheduling (run on demand; not CI).
#
#   bench/scheduler.sh
#
# Targets (issue 11): 8 independent 1-s plugins with 4 slots finish in about
# 2 s; 8 that share one lock take about 8 s and never overlap; and the
# scheduler's own overhead for 1,000 trivial jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bins --example scheduler_overhead
bin=$PWD/target/release/toolup
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plugins=$work/home/.config/toolup/plugins.d
mkdir -p "$plugins"
make_plugin() { # name lock
  cat > "$plugins/$1-plugin" <<SH
#!/bin/sh
case "\$1" in
  is-applicable) exit 0 ;;
  estimate-update) echo '{"status": "success", "data": {"packages_to_update": [{"name": "$1"}]}}' ;;
  can-separate-download|does-require-sudo) exit 1 ;;
  version) echo 1 ;;
  update) /bin/sleep 1 ;;
  *) exit 127 ;;
esac
SH
  chmod +x "$plugins/$1-plugin"
  printf 'name = "%s"\nexecutable = "%s-plugin"\n[mutexes]\nupdate = [%s]\n' "$1" "$1" "$2" > "$plugins/$1.toml"
}
free=(); shared=()
for i in 1 2 3 4 5 6 7 8; do
  make_plugin "free$i" ""; free+=("free$i")
  make_plugin "shared$i" '"pkgmgr:one"'; shared+=("shared$i")
done
join() { local IFS=,; echo "$*"; }
hyperfine --runs 3 \
  -n "8 x 1 s, independent, 4 slots" "HOME=$work/home PATH=/usr/bin:/bin $bin system update --yes --jobs 4 --only $(join "${free[@]}")" \
  -n "8 x 1 s, one shared lock" "HOME=$work/home PATH=/usr/bin:/bin $bin system update --yes --jobs 4 --only $(join "${shared[@]}")" \
  | sed -n '/Benchmark/p;/Time/p'
./target/release/examples/scheduler_overhead
