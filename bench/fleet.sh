#!/usr/bin/env bash
# `toolup fleet` at scale and over real ssh (run on demand; not CI).
#
#   bench/fleet.sh             # both parts (the second only as root with /usr/sbin/sshd)
#   bench/fleet.sh --record    # records bench/fleet/*.replay again from this build
#   HOSTS=500 FORKS="8 50 100" UPDATE_FORKS=50 SEED=1 RUNS=5 PARTS="1 2" bench/fleet.sh
#   OLD_TOOLUP=/path/to/toolup bench/fleet.sh   # part 1 for an older build too, the same hosts
#                                               # (one with `fleet`; any other is passed over)
#
# 1. Scale, simulated (any user, no sshd): a fake `ssh` (bench/fleet/fake_ssh.sh)
#    first on PATH keeps OpenSSH's master/socket protocol as toolup drives it
#    and replays a recorded `system check` / `system update` of this build
#    (bench/fleet/*.replay) with seeded per-host latencies (connect and probe
#    20-200 ms each, the run 1-3 s, 20-200 ms between events); 1 host in 100
#    refuses connections. `fleet check` over HOSTS hosts at each of FORKS,
#    `fleet update --yes` at UPDATE_FORKS. Measured in each run:
#    - makespan / ideal, ideal = (sum of the time the fake hosts spent
#      connecting, probing and running, plus the 1 s + 2 s toolup waits
#      between its three tries of an unreachable host) / forks; also against
#      the best any fixed-order scheduler could do with those durations;
#    - toolup's own peak RSS (its `TOOLUP_LOG=debug` VmHWM line: /usr/bin/time
#      would report its largest child) and its own CPU time (user+sys of the
#      toolup process alone, read from /proc before it is reaped) per host,
#      beside the fake hosts' CPU per host (what else the cores did);
#    - toolup's own gaps per reachable host (median, p95): from the master's
#      socket made to the probe's start, from the probe's end to the run's
#      start, from the run's end to the master gone — where a makespan above
#      the ideal comes from toolup rather than from the hosts.
#    Every run is also checked: each reachable host ok, over one master that
#    carried exactly its two sessions (probe, run), the refusing hosts
#    unreachable after 3 tries, no session without its master.
# 2. Real OpenSSH, three hosts (root, /usr/sbin/sshd): three sshds on loopback
#    (as tests/integration/sshd_hosts.rs), each host's check taking 1, 2 and
#    3 s (a plugin), timed by hyperfine: `fleet check` of all three against
#    `fleet check h3` alone.
#
# Targets: makespan within 1.2x the ideal at 50 forks (issue: 500 hosts);
# RSS and CPU per host reported (no fixed bound); the three real hosts
# within 1.3x the slowest alone.
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-500}
FORKS=${FORKS-8 50 100}
UPDATE_FORKS=${UPDATE_FORKS-50}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
PARTS=${PARTS:-1 2}
cargo build --release --quiet
bin=$PWD/target/release/toolup
fixtures=$PWD/bench/fleet
# The interpreter itself, not a version manager's shim (it starts 4 times a host).
py=$(python3 -c 'import sys; print(sys.executable)')
work=$(mktemp -d /tmp/toolup-fleet-bench.XXXXXX)
chmod 755 "$work"
users=()
sshd_pids=()
cleanup() {
  for pid in "${sshd_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for user in "${users[@]}"; do
    for pid in $(pgrep -u "$user" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    userdel "$user" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# A plugin `NAME` under HOME: PENDING packages pending, its check taking CHECK_SECS.
plugin() {
  local home=$1 name=$2 pending=$3 check_secs=$4 packages="" i
  for ((i = 0; i < pending; i++)); do
    packages+="${packages:+, }{\"name\": \"$name-pkg$i\", \"current_version\": \"1.0.$i\", \"new_version\": \"1.1.$i\"}"
  done
  local dir=$home/.config/toolup/plugins.d
  mkdir -p "$dir"
  cat > "$dir/$name-plugin" <<EOF
#!/bin/sh
case "\$1" in
  is-applicable) exit 0 ;;
  estimate-update) /bin/sleep $check_secs
    echo '{"status": "success", "data": {"packages_to_update": [$packages], "security_updates": false}}' ;;
  can-separate-download) exit 1 ;;
  update) echo "updated $name" ;;
  does-require-sudo) exit 1 ;;
  version) echo 0.1.0 ;;
  update-mutexes) echo pkgmgr:$name ;;
  runs-after) ;;
  *) exit 127 ;;
esac
EOF
  chmod 755 "$dir/$name-plugin"
  printf 'name = "%s"\nexecutable = "%s-plugin"\ndescription = "bench"\n\n[timeouts]\nestimate_update = 60\nupdate = 60\n' \
    "$name" "$name" > "$dir/$name.toml"
}

# A host's own toolup, run by hand: only the plugins apply (PATH is empty of managers).
if [ "${1:-}" = "--record" ]; then
  host=$work/host
  mkdir -p "$host/home" "$host/bin" "$host/catalog" "$host/dpkg/info"
  : > "$host/dpkg/status"
  plugin "$host/home" debs 40 0; plugin "$host/home" widgets 3 0; plugin "$host/home" gadgets 1 0
  plugin "$host/home" gizmos 0 0
  "$py" - "$bin" "$host" "$fixtures" <<'PY'
import os, selectors, subprocess, sys
toolup, host, out = sys.argv[1:]
env = {"HOME": f"{host}/home", "PATH": f"{host}/bin", "LANG": "C.UTF-8", "TOOLUP_OFFLINE": "1",
       "TOOLUP_CATALOG": f"{host}/catalog", "TOOLUP_DPKG_ADMINDIR": f"{host}/dpkg"}
# Exactly what a fleet run starts on a host (src/fleet/host_run.rs toolup_args).
for name, args in [("check", ["system", "check", "--format", "json"]),
                   ("update", ["--stop-when-stdin-closes", "system", "update", "--yes", "--format", "json"])]:
    # stdin stays open, as the fleet's lifeline does.
    p = subprocess.Popen([toolup] + args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sel = selectors.DefaultSelector()
    pending = {p.stdout.fileno(): b"", p.stderr.fileno(): b""}
    stream = {p.stdout.fileno(): "1", p.stderr.fileno(): "2"}
    for f in (p.stdout, p.stderr):
        sel.register(f, selectors.EVENT_READ)
    records = []
    while sel.get_map():
        for key, _ in sel.select():
            fd = key.fileobj.fileno()
            data = os.read(fd, 65536)
            if not data:
                sel.unregister(key.fileobj)
                if pending[fd]:
                    records.append((stream[fd], pending[fd]))
                continue
            *lines, pending[fd] = (pending[fd] + data).split(b"\n")
            records += [(stream[fd], line) for line in lines]
    rc = p.wait()
    with open(f"{out}/{name}.replay", "w") as f:
        for s, line in records:
            f.write(f"{s}\t{line.decode()}\n")
        f.write(f"rc\t{rc}\n")
    print(f"recorded {out}/{name}.replay: {len(records)} lines, exit {rc}")
PY
  exit 0
fi

part() { [[ " $PARTS " == *" $1 "* ]]; }
if part 1; then
echo "== part 1: $HOSTS simulated hosts (fake ssh replaying bench/fleet/*.replay, seed $SEED)"
mkdir -p "$work/bin" "$work/plans"
install -m 755 "$fixtures/fake_ssh.sh" "$work/bin/ssh"
# The recordings as the fake reads them cheaply: per run, `STREAM e EVENT`
# lines and `STREAM b FILE` for what comes between (the check's document).
"$py" - "$fixtures" "$work/plans" <<'PY'
import sys
fixtures, plans = sys.argv[1:]
for run in ("check", "update"):
    steps, blob, events, rc = [], None, 0, 0
    for line in open(f"{fixtures}/{run}.replay", encoding="utf-8"):
        stream, text = line.rstrip("\n").split("\t", 1)
        if stream == "rc":
            rc = int(text)
        elif text.startswith('{"event"'):
            steps.append(f"{stream} e {text}\n")
            events += 1
            blob = None
        else:
            if blob is None or blob[0] != stream:
                blob = (stream, f"{plans}/{run}.{len(steps)}")
                steps.append(f"{stream} b {blob[1]}\n")
                open(blob[1], "w").close()
            with open(blob[1], "a", encoding="utf-8") as f:
                f.write(text + "\n")
    open(f"{plans}/{run}", "w", encoding="utf-8").write("".join(steps))
    open(f"{plans}/{run}.events", "w").write(f"{events}\n")
    open(f"{plans}/{run}.rc", "w").write(f"{rc}\n")
PY
"$py" - "$HOSTS" > "$work/hosts.toml" <<'PY'
import sys
for n in range(int(sys.argv[1])):
    print(f'[hosts.h{n:03}]\naddress = "10.0.{n // 250}.{n % 250 + 1}"\n')
PY
down=$("$py" -c "import sys; n=int(sys.argv[1]); print(','.join(f'10.0.{i // 250}.{i % 250 + 1}' for i in range(99, n, 100)))" "$HOSTS")
cat > "$work/run.py" <<'PY'
import json, os, re, subprocess, sys, time
toolup, label, work, action, forks, down, seed, version = sys.argv[1:]
forks = int(forks)
home = f"{work}/home-{label}-{action}-{forks}"
os.makedirs(f"{home}/.config/toolup")
with open(f"{work}/hosts.toml") as src, open(f"{home}/.config/toolup/hosts.toml", "w") as dst:
    dst.write(src.read())
log = f"{work}/fake-{label}-{action}-{forks}.log"
env = {"HOME": home, "PATH": f"{work}/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TOOLUP_LOG": "debug",
       "FAKE_SSH_LOG": log, "FAKE_SSH_SEED": seed, "FAKE_SSH_DOWN": down,
       "FAKE_SSH_PLANS": f"{work}/plans", "FAKE_SSH_OS": os.uname().sysname + " " + os.uname().machine,
       "FAKE_SSH_TOOLUP_VERSION": version}
argv = [toolup, "fleet", action, "--forks", str(forks), "--format", "json"]
if action == "update":
    argv.append("--yes")
out, err = open(f"{work}/out-{label}-{action}-{forks}", "w+"), open(f"{work}/err-{label}-{action}-{forks}", "w+")
began = time.monotonic()
p = subprocess.Popen(argv, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
makespan = time.monotonic() - began
# Exited, not reaped: its own CPU time, and that of the children it reaped (the fake ssh).
with open(f"/proc/{p.pid}/stat") as f:
    fields = f.read().rsplit(")", 1)[1].split()
tick = os.sysconf("SC_CLK_TCK")
own_cpu = (int(fields[11]) + int(fields[12])) / tick
children_cpu = (int(fields[13]) + int(fields[14])) / tick
rc = p.wait()
out.seek(0); err.seek(0)
stdout, stderr = out.read(), err.read()
rss = re.search(r"peak_rss_kib=(\d+)", stderr)
rss = int(rss.group(1)) if rss else None
report = json.loads(stdout) if action == "check" else json.loads(stdout.strip().splitlines()[-1])
hosts = {r["host"]: r for r in report["hosts"]}
# The fake's log: each host's time, and the protocol as it went.
spent, masters, sessions, refused, problems = {}, {}, {}, {}, []
steps = {}
for line in open(log):
    dest, kind, start, end, *extra = line.split()
    d = float(end) - float(start)
    steps.setdefault(dest, {})[kind] = (float(start), float(end))
    if kind in ("connect", "refused", "probe", "check", "update"):
        spent[dest] = spent.get(dest, 0.0) + d
    if kind == "refused":
        refused[dest] = refused.get(dest, 0) + 1
    if kind == "master":
        masters[dest] = masters.get(dest, 0) + 1
        sessions[dest] = int(extra[0])
    if kind == "no-master":
        problems.append(f"{dest}: a session without its master")
down = set(filter(None, down.split(",")))
for dest, tries in refused.items():
    spent[dest] += (1.0 + 2.0) if tries == 3 else 0.0  # toolup's own waits between its tries
for name, row in hosts.items():
    n = int(name[1:])
    dest = f"10.0.{n // 250}.{n % 250 + 1}"
    want = "unreachable" if dest in down else "ok"
    if row["state"] != want:
        problems.append(f"{name}: {row['state']} ({row.get('reason')}), expected {want}")
    if dest in down and refused.get(dest) != 3:
        problems.append(f"{name}: {refused.get(dest)} tries, expected 3")
    if dest not in down and (masters.get(dest) != 1 or sessions.get(dest) != 2):
        problems.append(f"{name}: {masters.get(dest)} masters, {sessions.get(dest)} sessions; expected 1 and 2")
if rc != (1 if down else 0):
    problems.append(f"exit {rc}")
# toolup's own time per reachable host, between what the fake hosts did:
# connected → probe started, probe ended → run started, run ended → master gone.
parts = [((t["probe"][0] - t["connect"][1]), (t[action][0] - t["probe"][1]), (t["master"][1] - t[action][1]))
         for t in steps.values() if all(k in t for k in ("connect", "probe", action, "master"))]
def median_ms(values):
    values = sorted(values)
    return values[len(values) // 2] * 1000 if values else float("nan")
gaps = sorted(map(sum, parts))
gap_median = median_ms(gaps)
gap_p95 = gaps[int(len(gaps) * 0.95)] * 1000 if gaps else float("nan")
gap_parts = " + ".join(f"{median_ms(p[i] for p in parts):.0f}" for i in range(3))
total = sum(spent.values())
ideal = total / forks
# The best a fixed-order list scheduler does with these durations (no overhead).
free = [0.0] * forks
for n in range(len(hosts)):
    i = free.index(min(free))
    free[i] += spent[f"10.0.{n // 250}.{n % 250 + 1}"]
listed = max(free)
n = len(hosts)
result = {"build": label, "action": action, "forks": forks, "hosts": n, "makespan_s": makespan, "ideal_s": ideal,
          "ratio": makespan / ideal, "list_s": listed, "ratio_list": makespan / listed,
          "rss_kib": rss, "cpu_ms_per_host": own_cpu * 1000 / n, "fake_cpu_ms_per_host": children_cpu * 1000 / n,
          "gap_ms_median": gap_median, "gap_ms_p95": gap_p95, "problems": problems}
print(f"{label}: fleet {action:6} --forks {forks:3}: {makespan:6.1f} s; ideal {ideal:6.1f} s "
      f"(sum of host times {total:.0f} s / {forks}): {makespan / ideal:.2f}x; "
      f"vs best fixed-order schedule {listed:.1f} s: {makespan / listed:.2f}x")
print(f"    toolup peak RSS {rss / 1024 if rss else float('nan'):.1f} MiB; toolup CPU {own_cpu:.2f} s "
      f"= {own_cpu * 1000 / n:.1f} ms/host; fake hosts' CPU {children_cpu * 1000 / n:.1f} ms/host;\n"
      f"    toolup's gaps per host (connected→probe, probe→run, run→master gone) median {gap_median:.0f} ms "
      f"({gap_parts}), p95 {gap_p95:.0f} ms; "
      + ("all hosts as expected" if not problems else f"{len(problems)} PROBLEMS: " + "; ".join(problems[:5])))
with open(f"{work}/results.jsonl", "a") as f:
    f.write(json.dumps(result) + "\n")
PY
version=$("$bin" --version)
builds=("now=$bin")
# Only a build that has `fleet` compares (one from before the fleet has none).
if [ -n "${OLD_TOOLUP:-}" ]; then
  if "$OLD_TOOLUP" fleet --help > /dev/null 2>&1; then
    builds=("before=$OLD_TOOLUP" "${builds[@]}")
  else
    echo "OLD_TOOLUP=$OLD_TOOLUP has no \`fleet\` command: compared with nothing"
  fi
fi
for build in "${builds[@]}"; do
  for forks in $FORKS; do
    "$py" "$work/run.py" "${build#*=}" "${build%%=*}" "$work" check "$forks" "$down" "$SEED" "$version"
  done
  for forks in $UPDATE_FORKS; do
    "$py" "$work/run.py" "${build#*=}" "${build%%=*}" "$work" update "$forks" "$down" "$SEED" "$version"
  done
done
if grep -q '"problems": \[\]' "$work/results.jsonl" && ! grep -q '"problems": \["' "$work/results.jsonl"; then
  echo "every simulated run answered as expected"
else
  echo "SOME SIMULATED RUNS WENT WRONG (above)"
  status=1
fi
fi

part 2 || exit "${status:-0}"
echo "== part 2: three hosts over real OpenSSH"
if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/sshd ]; then
  echo "skipped: needs root and /usr/sbin/sshd (users and sshds of its own, as the fleet tests)"
  exit "${status:-0}"
fi
mkdir -p /run/sshd
real=$work/real
shared=$real/shared
mkdir -p "$shared/bin" "$shared/catalog" "$shared/dpkg/info" "$real/controller"
: > "$shared/dpkg/status"
chmod -R 755 "$real"
for c in sh uname cat mkdir chmod mv rm sha256sum sleep id test env; do
  for d in /usr/bin /bin; do [ -e "$d/$c" ] && { ln -s "$d/$c" "$shared/bin/$c"; break; }; done
done
install -m 755 "$bin" "$shared/toolup"
ssh-keygen -q -t ed25519 -N '' -C toolup-bench -f "$real/controller/id_ed25519"
install -m 644 "$real/controller/id_ed25519.pub" "$shared/authorized_keys"
: > "$real/controller/known_hosts"
{ printf '[ssh]\nconfig = "%s"\n' "$real/controller/ssh_config"; } > "$real/hosts.toml"
for i in 1 2 3; do
  name=h$i address=127.0.0.$((i + 1))
  port=$("$py" -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$address")
  dir=$real/hosts/$name home=$real/hosts/$name/home
  mkdir -p "$home/bin"
  user=tufb$$x$i
  useradd -M -d "$home" -s /bin/sh -p '*' "$user"
  users+=("$user")
  ssh-keygen -q -t ed25519 -N '' -C toolup-bench -f "$dir/host_key"
  ln -s "$shared/toolup" "$home/bin/toolup"
  plugin "$home" widgets "$i" "$i"
  chown -R "$user:" "$home"
  cat > "$dir/sshd_config" <<EOF
ListenAddress $address:$port
HostKey $dir/host_key
PidFile none
AuthorizedKeysFile $shared/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
StrictModes no
LogLevel VERBOSE
AllowUsers $user
SetEnv PATH=$home/bin:$shared/bin TOOLUP_OFFLINE=1 TOOLUP_CATALOG=$shared/catalog TOOLUP_DPKG_ADMINDIR=$shared/dpkg LANG=C.UTF-8
EOF
  /usr/sbin/sshd -D -f "$dir/sshd_config" -E "$dir/sshd.log" < /dev/null &
  sshd_pids+=($!)
  echo "[$address]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" >> "$real/controller/known_hosts"
  printf '\n[hosts.%s]\naddress = "%s"\nport = %s\nuser = "%s"\n' "$name" "$address" "$port" "$user" >> "$real/hosts.toml"
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null && break
    sleep 0.05
  done
done
cat > "$real/controller/ssh_config" <<EOF
Host *
  UserKnownHostsFile $real/controller/known_hosts
  GlobalKnownHostsFile /dev/null
  IdentityFile $real/controller/id_ed25519
  IdentitiesOnly yes
EOF
mkdir -p "$real/controller/home/.config/toolup" "$real/controller/bin"
cp "$real/hosts.toml" "$real/controller/home/.config/toolup/hosts.toml"
ln -s /usr/bin/ssh "$real/controller/bin/ssh"
fleet="env -i HOME=$real/controller/home PATH=$real/controller/bin LANG=C.UTF-8 $bin fleet check --format json"
$fleet > "$real/check.json" 2>/dev/null || { echo "fleet check over real ssh failed:"; $fleet || true; exit 1; }
"$py" -c 'import json, sys; t = json.load(open(sys.argv[1]))["totals"]; assert t["ok"] == 3, t' "$real/check.json"
hyperfine --warmup 1 --runs "$RUNS" --export-json "$work/real.json" \
  -n "fleet check h1 h2 h3 (1, 2, 3 s)" "$fleet" -n "fleet check h3 (3 s) alone" "$fleet h3" \
  | sed -n '/Benchmark/p;/Time/p;/Range/p'
"$py" - "$work/real.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
together, alone = r[0]["mean"], r[1]["mean"]
print(f"three real hosts: {together:.2f} s; the slowest alone {alone:.2f} s; together/slowest {together / alone:.2f}x (target 1.3x)")
PY
exit "${status:-0}"
