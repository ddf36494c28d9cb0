#!/usr/bin/python
# -*- coding: utf-8 -*-
#
# toolup.fleet.toolup: runs toolup on the managed host and returns its JSON.
# Python 3 standard library only (plus Ansible's own module_utils).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: toolup
short_description: Check and update a host's packages with toolup
version_added: "0.1.0"
description:
  - Runs C(toolup system check) or C(toolup system update) on the managed
    host and returns toolup's JSON document as the task result.
  - C(check) asks every applicable updater (apt, dnf, npm -g, rustup, cargo,
    pipx, uv tools, plugins, ...) what is pending. It is read-only and never
    reports C(changed); it adds a flattened C(pending) list and counts to
    toolup's report.
  - C(update) updates what is pending and returns toolup's stream of events
    and a result per updater. It reports C(changed) exactly when some
    updater's C(update) phase finished C(ok).
  - toolup itself runs the system package managers under C(sudo -n) (see
    C(toolup system sudoers --user USER) for a minimal sudoers drop-in), so
    the task needs no C(become).
  - toolup is run with an argument vector, never through a shell. Its output
    is already redacted by toolup; this module adds no environment to the
    result.
options:
  command:
    description:
      - C(check) runs C(toolup system check --format json).
      - C(update) runs C(toolup system update --format json --yes).
    type: str
    choices: [check, update]
    default: check
  only:
    description:
      - Only these updaters (C(--only)), for example C([apt, npm]).
    type: list
    elements: str
    default: []
  skip:
    description:
      - Leave these updaters out (C(--skip)).
    type: list
    elements: str
    default: []
  security_only:
    description:
      - C(update) only. Only security updates, and only from updaters that
        can tell them apart (C(--security-only)). C(check) ignores it.
    type: bool
    default: false
  approve:
    description:
      - C(update) only. Update now even outside the maintenance windows of
        C([system] approval = "required") (C(--approve)). Without it, such a
        host is left alone with a warning and C(changed=false).
    type: bool
    default: false
  toolup:
    description:
      - The toolup to run. A bare name is looked up on the host's C(PATH)
        (and the sbin directories); a path is used as it is.
    type: str
    default: toolup
  timeout:
    description:
      - Seconds toolup may run. When they are up it is stopped the way
        toolup asks to be stopped (SIGTERM twice, so running phases end as
        C(interrupted) and C(toolup system update --resume) can finish the
        run; SIGKILL 15 seconds later) and the task fails.
      - Unset, toolup runs as long as it needs (each updater's check and
        each phase have their own timeouts inside toolup).
    type: int
attributes:
  check_mode:
    support: full
    description:
      - C(check) runs as usual (it changes nothing but toolup's saved report
        for C(toolup system status)).
      - C(update) runs C(toolup system update --dry-run) instead, which runs
        and records nothing; C(changed) then says whether an update would
        change something.
  diff_mode:
    support: none
notes:
  - Exit codes of toolup are 0 (ok), 1 (something failed) and 2 (usage
    error); any non-zero exit fails the task, with toolup's stderr (or the
    failed updaters' reasons) in C(msg) and everything parsed so far in the
    result.
  - toolup's C(system update) allows one run per machine at a time; a
    second one fails naming the first.
requirements:
  - toolup on the managed host
  - Python 3 on the managed host
author:
  - toolup contributors
"""

EXAMPLES = r"""
- name: What is pending on each host
  toolup.fleet.toolup:
  register: toolup_check

- name: Only apt and npm, and show what is pending
  toolup.fleet.toolup:
    only: [apt, npm]
  register: toolup_check

- ansible.builtin.debug:
    msg: "{{ toolup_check.pending_count }} pending ({{ toolup_check.security_count }} security)"

- name: Security updates only, outside the maintenance windows too
  toolup.fleet.toolup:
    command: update
    security_only: true
    approve: true
    timeout: 3600

- name: Update everything but firmware, with toolup from a fixed place
  toolup.fleet.toolup:
    command: update
    skip: [fwupd]
    toolup: /usr/local/bin/toolup
"""

RETURN = r"""
cmd:
  description: The argument vector toolup was run with.
  returned: always
  type: list
  elements: str
  sample: [/home/ops/.local/bin/toolup, system, check, --format, json]
rc:
  description: toolup's exit code.
  returned: when toolup ran
  type: int
  sample: 0
schema_version:
  description: The report's schema version (toolup's C(system check) document).
  returned: command=check
  type: int
  sample: 1
checked_at:
  description: When the check ran (RFC 3339).
  returned: command=check
  type: str
reboot_required:
  description: Whether the host needs a reboot.
  returned: command=check
  type: bool
reboot_reason:
  description: Why it needs one.
  returned: command=check
  type: str
not_applicable:
  description: Updaters that do not apply on this host (their program is missing).
  returned: command=check
  type: list
  elements: str
updaters:
  description:
    - C(check) - toolup's report per updater (C(updater), C(pending),
      C(security), C(download_bytes), C(estimate), C(error), C(elapsed_ms), ...).
    - C(update) - one entry per updater that was checked or ran -
      C(updater), C(pending) (the count its check found), C(check_error),
      C(phases) (C(phase), C(outcome), C(reason), C(elapsed_ms), C(log)),
      C(outcome) (C(ok), C(failed), C(interrupted), C(rolled-back),
      C(skipped), C(up-to-date), C(would-update), C(not-run),
      C(check-failed)) and C(changed).
  returned: always
  type: list
  elements: dict
pending:
  description: Every pending update, flattened.
  returned: command=check
  type: list
  elements: dict
  sample:
    - {updater: apt, name: openssl, from: 3.0.19-1, to: 3.0.22-1, security: true}
pending_count:
  description: How many updates are pending (C(update) - as its check found them).
  returned: always
  type: int
security_count:
  description: How many of them are security updates.
  returned: command=check
  type: int
failed_updaters:
  description: The updaters whose check (or, for C(update), whose run) failed, with why.
  returned: always
  type: list
  elements: dict
  sample: [{updater: apt, error: "apt-get -s dist-upgrade: exit 100"}]
events:
  description: toolup's event stream, one dict per line it printed
    (C(check-started), C(check-finished), C(started), C(progress),
    C(waiting), C(finished)).
  returned: command=update
  type: list
  elements: dict
updated:
  description: The updaters whose C(update) phase finished C(ok).
  returned: command=update
  type: list
  elements: str
would_update:
  description: In check mode, the updaters an update would run.
  returned: command=update and check mode
  type: list
  elements: str
dry_run:
  description: Whether toolup ran with C(--dry-run) (Ansible's check mode).
  returned: command=update
  type: bool
stderr:
  description: toolup's notes and warnings (its JSON progress lines left out).
  returned: when toolup ran
  type: str
"""

import json
import os
import platform
import re
import signal
import threading
import time

from ansible.module_utils.basic import AnsibleModule

# The report's schema this module reads; a newer one is read as far as it goes.
KNOWN_SCHEMA = 1
# After the deadline: SIGTERM, SIGTERM again this much later, SIGKILL after GRACE.
SECOND_TERM_AFTER = 1.0
GRACE = 15.0
DRY_RUN_NOTE = re.compile(r"^dry run: would update \d+ updater\(s\) \((?P<ids>[^)]*)\)")


class Deadline(object):
    """Stops toolup when `seconds` are up, as toolup asks to be stopped."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.expired = False
        self._timer = None

    def arm(self, process):
        if not self.seconds:
            return

        def stop():
            self.expired = True
            try:
                process.send_signal(signal.SIGTERM)
                time.sleep(SECOND_TERM_AFTER)
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                waited = 0.0
                while process.poll() is None and waited < GRACE:
                    time.sleep(0.1)
                    waited += 0.1
                if process.poll() is None:
                    process.kill()
            except OSError:
                pass

        self._timer = threading.Timer(self.seconds, stop)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self):
        if self._timer is not None:
            self._timer.cancel()


def find_toolup(module, name):
    """The toolup to run, or a failure that says how to fix it."""
    host = platform.node() or "the host"
    if "/" in name:
        path = os.path.expanduser(name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
        module.fail_json(
            msg="toolup not found at %s on %s (no executable file there): install toolup "
            "there, or set the module's `toolup` option to where it is" % (path, host),
            cmd=[],
        )
    path = module.get_bin_path(name)
    if path is None:
        module.fail_json(
            msg="%s not found on %s's PATH (%s): install toolup on the host (in a directory "
            "on the PATH its ssh sessions get), or set the module's `toolup` option to its "
            "absolute path" % (name, host, os.environ.get("PATH", "")),
            cmd=[],
        )
    return path


def split_stderr(text):
    """toolup's stderr as (JSON event dicts, other lines)."""
    events, lines = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("{"):
            try:
                value = json.loads(stripped)
            except ValueError:
                value = None
            if isinstance(value, dict) and "event" in value:
                events.append(value)
                continue
        if stripped:
            lines.append(line)
    return events, lines


def run_toolup(module, argv, timeout):
    """Runs toolup (argv, no shell): rc, stdout, stderr and whether it was
    stopped at the deadline."""
    deadline = Deadline(timeout)
    try:
        rc, out, err = module.run_command(
            argv,
            expand_user_and_vars=False,
            before_communicate_callback=deadline.arm,
        )
    finally:
        deadline.cancel()
    return rc, out, err, deadline.expired


def timed_out(module, argv, timeout, result):
    """Fails the task: toolup was stopped at the deadline."""
    resume = "; `toolup system update --resume` finishes the run" if "update" in argv else ""
    module.fail_json(
        msg="toolup did not finish within %d s and was stopped%s" % (timeout, resume), **result
    )


def warn_lines(module, lines):
    for line in lines:
        if line.startswith("warning: "):
            module.warn("toolup: " + line[len("warning: "):])
        elif line.startswith("not updating: "):
            module.warn("toolup: " + line)


def filter_args(params):
    argv = []
    if params["only"]:
        argv += ["--only", ",".join(params["only"])]
    if params["skip"]:
        argv += ["--skip", ",".join(params["skip"])]
    return argv


def failure_message(what, rc, notes, reasons):
    """`toolup WHAT failed (exit N): ...`: toolup's errors, else the failed
    updaters' reasons, else whatever else it said."""
    errors = [line for line in notes if line.startswith("error: ")]
    others = [line for line in notes if not line.startswith("error: ")]
    detail = errors or reasons or others
    message = "toolup %s failed (exit %d)" % (what, rc)
    return message + (": " + "; ".join(detail) if detail else "")


def do_check(module, toolup):
    params = module.params
    argv = [toolup, "system", "check", "--format", "json"] + filter_args(params)
    rc, out, err, expired = run_toolup(module, argv, params["timeout"])
    _, notes = split_stderr(err)
    result = dict(changed=False, cmd=argv, rc=rc, stderr="\n".join(notes))
    if expired:
        timed_out(module, argv, params["timeout"], dict(result, stdout=out))
    report = None
    if out.strip():
        try:
            report = json.loads(out)
        except ValueError:
            report = None
    if not isinstance(report, dict):
        result["stdout"] = out
        if rc == 0:
            module.fail_json(msg="toolup system check printed no JSON report", **result)
        module.fail_json(msg=failure_message("system check", rc, notes, []), **result)
    if report.get("schema_version") != KNOWN_SCHEMA:
        module.warn(
            "toolup's report has schema_version %r; this module reads version %d"
            % (report.get("schema_version"), KNOWN_SCHEMA)
        )
    for key, value in report.items():
        if key not in ("changed", "failed", "msg", "rc", "cmd", "stderr", "stdout"):
            result[key] = value
    pending, failed = [], []
    for updater in report.get("updaters") or []:
        name = updater.get("updater")
        if updater.get("error"):
            failed.append(dict(updater=name, error=updater["error"]))
        for item in updater.get("pending") or []:
            pending.append(
                dict(
                    updater=name,
                    name=item.get("name"),
                    to=item.get("to"),
                    security=bool(item.get("security")),
                    **{"from": item.get("from")}
                )
            )
    result["pending"] = pending
    result["pending_count"] = len(pending)
    result["security_count"] = sum(1 for p in pending if p["security"])
    result["failed_updaters"] = failed
    warn_lines(module, notes)
    if rc != 0:
        reasons = ["%s: %s" % (f["updater"], f["error"]) for f in failed]
        module.fail_json(msg=failure_message("system check", rc, notes, reasons), **result)
    module.exit_json(**result)


def job_outcome(phases):
    for phase in phases:
        if phase.get("outcome") not in ("ok", "skipped"):
            return phase.get("outcome")
    if phases and all(p.get("outcome") == "skipped" for p in phases):
        return "skipped"
    return "ok"


def do_update(module, toolup):
    params = module.params
    dry_run = module.check_mode
    argv = [toolup, "system", "update", "--format", "json", "--yes"] + filter_args(params)
    if params["security_only"]:
        argv.append("--security-only")
    if params["approve"]:
        argv.append("--approve")
    if dry_run:
        argv.append("--dry-run")
    rc, out, err, expired = run_toolup(module, argv, params["timeout"])
    stderr_events, notes = split_stderr(err)

    events, unparsed = [], []
    for line in out.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        if isinstance(value, dict) and "event" in value:
            events.append(value)
        else:
            unparsed.append(line)
    events += [e for e in stderr_events if e not in events]

    order, by_id = [], {}

    def entry(name):
        if name not in by_id:
            by_id[name] = dict(
                updater=name, pending=0, check_error=None, phases=[], outcome=None, changed=False
            )
            order.append(name)
        return by_id[name]

    for event in events:
        kind = event.get("event")
        if kind == "check-finished":
            item = entry(event.get("updater"))
            item["pending"] = event.get("pending") or 0
            item["check_error"] = event.get("error")
        elif kind in ("started", "finished", "waiting", "progress"):
            item = entry(event.get("job"))
            if kind == "finished":
                item["phases"].append(
                    dict(
                        phase=event.get("phase"),
                        outcome=event.get("outcome"),
                        reason=event.get("reason"),
                        elapsed_ms=event.get("elapsed_ms"),
                        log=event.get("log"),
                    )
                )
                if event.get("phase") == "update" and event.get("outcome") == "ok" and not dry_run:
                    item["changed"] = True

    would_update = None
    if dry_run:
        for line in notes:
            found = DRY_RUN_NOTE.match(line)
            if found:
                would_update = [i.strip() for i in found.group("ids").split(",") if i.strip()]
        if would_update is None:
            if any(line.startswith("nothing to update") for line in notes):
                would_update = []
            else:
                would_update = [
                    n for n in order if by_id[n]["pending"] and not by_id[n]["check_error"]
                ]

    failed = []
    for name in order:
        item = by_id[name]
        if item["check_error"]:
            item["outcome"] = "check-failed"
            failed.append(dict(updater=name, error=item["check_error"]))
        elif item["phases"]:
            item["outcome"] = job_outcome(item["phases"])
            if item["outcome"] not in ("ok", "skipped"):
                bad = [p for p in item["phases"] if p["outcome"] not in ("ok", "skipped")][0]
                failed.append(
                    dict(
                        updater=name,
                        error="%s %s%s"
                        % (
                            bad["phase"],
                            bad["outcome"],
                            ": " + bad["reason"] if bad.get("reason") else "",
                        ),
                    )
                )
        elif dry_run and name in (would_update or []):
            item["outcome"] = "would-update"
        elif item["pending"]:
            item["outcome"] = "not-run"
        else:
            item["outcome"] = "up-to-date"

    updated = [n for n in order if by_id[n]["changed"]]
    result = dict(
        changed=bool(would_update) if dry_run else bool(updated),
        cmd=argv,
        rc=rc,
        dry_run=dry_run,
        events=events,
        updaters=[by_id[n] for n in order],
        updated=updated,
        pending_count=sum(by_id[n]["pending"] for n in order),
        failed_updaters=failed,
        stderr="\n".join(notes),
    )
    if dry_run:
        result["would_update"] = would_update
    if unparsed:
        result["stdout"] = "\n".join(unparsed)
    warn_lines(module, notes)
    if expired:
        timed_out(module, argv, params["timeout"], result)
    if rc != 0:
        reasons = ["%s: %s" % (f["updater"], f["error"]) for f in failed]
        what = "system update --dry-run" if dry_run else "system update"
        module.fail_json(msg=failure_message(what, rc, notes, reasons), **result)
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            command=dict(type="str", default="check", choices=["check", "update"]),
            only=dict(type="list", elements="str", default=[]),
            skip=dict(type="list", elements="str", default=[]),
            security_only=dict(type="bool", default=False),
            approve=dict(type="bool", default=False),
            toolup=dict(type="str", default="toolup"),
            timeout=dict(type="int"),
        ),
        supports_check_mode=True,
    )
    if module.params["timeout"] is not None and module.params["timeout"] <= 0:
        module.fail_json(msg="timeout must be a positive number of seconds", cmd=[])
    toolup = find_toolup(module, module.params["toolup"])
    if module.params["command"] == "check":
        do_check(module, toolup)
    else:
        do_update(module, toolup)


if __name__ == "__main__":
    main()
