#!/bin/sh
# A fake OpenSSH client for bench/fleet.sh: every host of a fleet run
# without a network, an sshd or root. POSIX sh, and few processes (it
# starts four times per host, beside toolup on the same cores).
#
# It behaves as `ssh` does the way toolup's fleet drives it (src/fleet/ssh.rs):
# - master (`-o ControlMaster=yes -o ControlPath=SOCK … -N -T -- DEST`):
#   waits the host's connect latency, then makes SOCK (a FIFO here) and
#   stays until `-O exit` or a signal; a host in FAKE_SSH_DOWN refuses
#   instead (exit 255, as ssh).
# - session (`-o ControlMaster=no -o ControlPath=SOCK -T -- DEST 'COMMAND'`):
#   goes over the master (says hello on SOCK; no live master: exit 255,
#   logged, and the bench counts it as a defect), then answers the probe
#   (`os=`, `toolup=`, `version=`) or replays a recorded toolup run, each
#   JSON event after a pause of 20-200 ms and the last one topped up so
#   the whole run takes 1-3 s; drawn from a generator seeded by
#   FAKE_SSH_SEED and the host's address, so a host takes the same time in
#   every run.
# - `-O exit`: tells the master to end.
#
# Environment: FAKE_SSH_PLANS (the recordings as bench/fleet.sh prepares
# them: per run, lines `STREAM e TEXT` for an event, `STREAM b FILE` for
# the lines between), FAKE_SSH_LOG, FAKE_SSH_SEED, FAKE_SSH_DOWN (addresses,
# comma-separated), FAKE_SSH_OS (`uname -sm`), FAKE_SSH_TOOLUP_VERSION.
# Each step appends `DEST KIND START END [N]` to FAKE_SSH_LOG (seconds of
# /proc/uptime): connect (master start to SOCK made), refused, probe,
# check or update (the session), master (start to end; N = sessions it
# carried), no-master.

read -r t0 _ < /proc/uptime
unset master control sock dest
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; break ;;
    -o) case $2 in
          ControlMaster=*) master=${2#*=} ;;
          ControlPath=*) sock=${2#*=} ;;
        esac
        shift 2 ;;
    -O) control=$2; shift 2 ;;
    -F|-p|-l|-i) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
dest=${1:-}
[ $# -gt 0 ] && shift
command=$*
if [ -z "$dest" ] || [ -z "${sock:-}" ]; then
  echo "fake ssh: want a destination and a ControlPath" >&2
  exit 255
fi

log() {
  read -r t _ < /proc/uptime
  printf '%s %s %s %s %s\n' "$dest" "$1" "$t0" "$t" "${2:-}" >> "$FAKE_SSH_LOG"
}

# A linear congruential generator seeded by the seed, the host's address
# (its numbers; a name counts by its parts' lengths) and the step.
seed() {
  rng=$(( ${FAKE_SSH_SEED:-1} * 7919 + $1 * 104729 ))
  old_ifs=$IFS
  IFS=.
  for part in $dest; do
    digits=${part#"${part%%[!0]*}"}
    case $digits in
      '') n=0 ;;
      *[!0-9]*) n=${#part} ;;
      *) n=$digits ;;
    esac
    rng=$(( (rng * 31 + n) % 2147483648 ))
  done
  IFS=$old_ifs
  draw 0 0; draw 0 0; draw 0 0
}
# r = a whole number from $1 to $2.
draw() {
  rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
  r=$(( $1 + (rng / 65536) % ($2 - $1 + 1) ))
}
pause_ms() {
  f=$(( $1 % 1000 + 1000 ))
  sleep "$(( $1 / 1000 )).${f#1}"
}

# The master is alive: its pid file names a running process.
alive() {
  [ -r "$sock.pid" ] && read -r pid < "$sock.pid" && kill -0 "$pid" 2>/dev/null
}

if [ "${control:-}" = exit ]; then
  if ! alive; then
    echo "Control socket connect($sock): No such file or directory" >&2
    exit 255
  fi
  echo exit > "$sock"
  echo "Exit request sent." >&2
  exit 0
fi

case ${master:-} in
  yes)
    seed 1
    draw 20 200
    pause_ms "$r"
    case ",${FAKE_SSH_DOWN:-}," in
      *",$dest,"*)
        log refused
        echo "ssh: connect to host $dest port 22: Connection refused" >&2
        exit 255 ;;
    esac
    echo $$ > "$sock.pid"
    mkfifo -m 600 "$sock"
    log connect
    sessions=0
    while :; do
      read -r message < "$sock" || continue
      [ "$message" = exit ] && break
      sessions=$(( sessions + 1 ))
    done
    rm -f "$sock" "$sock.pid"
    log master "$sessions"
    exit 0 ;;
  no) ;;
  *) echo "fake ssh: neither a master, a session nor -O exit" >&2; exit 255 ;;
esac

if ! alive; then
  log no-master
  echo "Control socket connect($sock): Connection refused" >&2
  exit 255
fi
echo session > "$sock"
case $command in
  'echo "os=$(uname -sm)"; '*)
    seed 2
    draw 20 200
    pause_ms "$r"
    printf 'os=%s\ntoolup=/usr/bin/toolup\nversion=%s\n' "$FAKE_SSH_OS" "$FAKE_SSH_TOOLUP_VERSION"
    log probe
    exit 0 ;;
  'exec /usr/bin/toolup system check --format json') run=check step=3 ;;
  'exec /usr/bin/toolup --stop-when-stdin-closes system update --yes --format json') run=update step=4 ;;
  *) echo "fake ssh: no recording for: $command" >&2; exit 127 ;;
esac

plan=$FAKE_SSH_PLANS/$run
read -r events < "$plan.events"
read -r rc < "$plan.rc"
seed "$step"
draw 1000 3000
left=$r
while read -r stream kind text; do
  case $kind in
    e)
      events=$(( events - 1 ))
      draw 20 200
      if [ "$events" -eq 0 ] && [ "$left" -gt "$r" ]; then r=$left; fi
      left=$(( left - r ))
      pause_ms "$r"
      printf '%s\n' "$text" >&"$stream" ;;
    b) cat "$text" >&"$stream" ;;
  esac
done < "$plan"
log "$run"
exit "$rc"
