#!/usr/bin/env python3
"""Record a catalog tool's real version output as a test fixture.

usage: scripts/record-version-output.py TOOL [TOOL...]   (or --all-installed)

Runs the tool the way toolup probes it (argv only, stdin closed, LC_ALL=C,
NO_COLOR=1, TERM=dumb), and writes tests/version_outputs/TOOL.toml with the
output, where it came from, and the version an independent source reports
(dpkg, package.json, Python metadata, cargo's records) as `expected`.
Review `expected` by hand before committing: it is the oracle the parser is
tested against, so it must not be copied from toolup's own answer.
"""
import datetime, json, os, pathlib, platform, re, shutil, subprocess, sys, tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"
OUT = ROOT / "tests" / "version_outputs"
HOME = pathlib.Path.home()
EXTRA = [HOME / ".local/bin", HOME / ".cargo/bin", HOME / "go/bin", pathlib.Path("/usr/local/go/bin")]


def find(bins):
    path = os.environ.get("PATH", "") + os.pathsep + os.pathsep.join(map(str, EXTRA))
    for b in bins:
        p = shutil.which(b, path=path)
        if p:
            return pathlib.Path(p)
    return None


def debian_upstream(v):
    v = v.split(":", 1)[-1]
    v = v.rsplit("-", 1)[0] if "-" in v else v
    return re.split(r"[+~]", v)[0]


def oracle(spec, exe):
    real = exe.resolve()
    aliases = [str(exe), str(real)] + [str(p).replace("/usr/bin/", "/bin/", 1) for p in (exe, real) if str(p).startswith("/usr/bin/")]
    for p in aliases:
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            pkg = r.stdout.split(":")[0].strip()
            v = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True).stdout
            if "node_modules" not in str(real):
                return debian_upstream(v), f"dpkg {pkg} {v}"
    parts = real.parts
    if "node_modules" in parts:
        i = len(parts) - 1 - parts[::-1].index("node_modules")
        depth = i + 3 if parts[i + 1].startswith("@") else i + 2
        pj = pathlib.Path(*parts[:depth]) / "package.json"
        data = json.loads(pj.read_text())
        return data["version"], f"npm {data['name']} package.json"
    head = real.read_bytes()[:200]
    if head.startswith(b"#!") and b"python" in head.split(b"\n")[0]:
        interp = head.split(b"\n")[0][2:].decode().split()[0]
        name = spec.get("install", {}).get("pypi") or spec["name"]
        r = subprocess.run([interp, "-c", f"import importlib.metadata as m; print(m.version({name!r}))"], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.strip(), f"python metadata {name}"
    crates2 = HOME / ".cargo/.crates2.json"
    if str(exe).startswith(str(HOME / ".cargo/bin")) and crates2.exists():
        for key, val in json.loads(crates2.read_text())["installs"].items():
            if exe.name in val["bins"]:
                return key.split()[1], f"cargo install {key.split()[0]}"
    return None, "no independent record"


def record(name):
    spec = tomllib.loads((CATALOG / f"{name}.toml").read_text())
    exe = find(spec["bins"])
    if not exe:
        return f"{name}: not installed"
    args = spec.get("version_args", ["--version"])
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8", NO_COLOR="1", TERM="dumb", PAGER="cat")
    r = subprocess.run([str(exe), *args], stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=60)
    out = r.stdout.decode("utf-8", "replace")
    err = r.stderr.decode("utf-8", "replace")
    text = out + ("\n" if out and err and not out.endswith("\n") else "") + err
    text = re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]", "", text).replace("\r\n", "\n")
    text = "\n".join(text.splitlines()[:40]) + "\n"
    expected, how = oracle(spec, exe)
    day = datetime.date.today().isoformat()
    distro = platform.freedesktop_os_release().get("PRETTY_NAME", "linux")
    source = f"{exe} {' '.join(args)} on {distro}, {day}"
    doc = [
        f"# Recorded with scripts/record-version-output.py; `expected` from {how}.",
        'provenance = "recorded"',
        f"source = {json.dumps(source)}",
        f"expected = {json.dumps(expected or '')}",
        "output = '''",
        text.replace("'''", "' ' '"),
        "'''",
    ]
    (OUT / f"{name}.toml").write_text("\n".join(doc) + "\n")
    return f"{name}: {expected} ({how})"


if __name__ == "__main__":
    names = sys.argv[1:]
    if names == ["--all-installed"]:
        names = sorted(p.stem for p in CATALOG.glob("*.toml") if p.stem != "presets")
    OUT.mkdir(parents=True, exist_ok=True)
    for n in names:
        try:
            msg = record(n)
        except Exception as e:  # keep going: one broken tool must not stop the recording
            msg = f"{n}: ERROR {e}"
        if "not installed" not in msg:
            print(msg)
