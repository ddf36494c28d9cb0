#!/usr/bin/env python3
"""Make the fuzz targets' seed corpora from what tests/ already holds.

usage: scripts/fuzz-seeds.py

Writes fuzz/seeds/TARGET/ afresh for every target below: recorded program
output (tests/version_outputs, tests/fixtures/updaters), recorded registry
answers (tests/fixtures/http), the catalog, the committed snapshot and
cache, and the inline fixtures of the unit and integration tests (copied
here by hand, each list says where from). A seed is named by the SHA-1 of
its content, as libFuzzer names corpus files. Several texts in one input
are joined by NUL bytes (fuzz/targets/mod.rs, `fields`).
"""
import gzip, hashlib, json, pathlib, shutil, sys, tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
TESTS = ROOT / "tests"
UPDATERS = TESTS / "fixtures" / "updaters"
HTTP = TESTS / "fixtures" / "http"


def read(path):
    return pathlib.Path(path).read_bytes()


def joined(*parts):
    return b"\0".join(p.encode() if isinstance(p, str) else p for p in parts)


def version_outputs():
    """(catalog pattern or None, output, expected) of every recorded output."""
    out = []
    for f in sorted((TESTS / "version_outputs").glob("*.toml")):
        fixture = tomllib.loads(f.read_text())
        name = f.stem.split("@")[0]
        spec = ROOT / "catalog" / f"{name}.toml"
        pattern = tomllib.loads(spec.read_text()).get("version_pattern") if spec.exists() else None
        out.append((pattern, fixture["output"], fixture.get("expected", "")))
    return out


# src/model/version.rs's tests: the orders toolup promises.
ASCENDING = [
    ["9.0.0", "10.0.0"], ["1.9", "1.10", "1.100"], ["2.9.99", "2.10.0"],
    ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"],
    ["3.13.0.dev1", "3.13.0a1", "3.13.0b2", "3.13.0rc1", "3.13.0", "3.13.1"],
    ["3.3", "3.3a", "3.3b", "3.4"], ["9.2", "9.2p1", "9.2p2", "9.3p1"],
    ["3.1.2", "3.1.2p20", "3.1.2p100", "3.1.3"], ["1.1.1", "1.1.1w", "3.0.0"],
    ["7.1.1", "7.1.1-9", "7.1.1-15", "7.1.2"], ["1.2", "1.2.0.1", "1.2.1"],
    ["2025.12.31", "2026.1.2", "2026.10.26"], ["20221122", "20230122"],
]
EQUAL = [("1.2", "1.2.0"), ("1.2.0.0", "1.2"), ("v1.2.3", "1.2.3"), ("go1.22.3", "1.22.3"),
         ("1.2.3+build.7", "1.2.3"), ("17.0.15+6", "17.0.15"), ("5.2.15-release", "5.2.15")]
OTHER_VERSIONS = ["1.0.0-SNAPSHOT", "1.2.3~rc1", "", "latest", "v", "version", "1.2.3\x1b[2J",
                  "1.2\r3", "v1.0\x07", "1.2.a", "1.2.foo", "1.2.3foo", "2:9.1.083-1.fc40",
                  "1:2.43.0+dfsg-2", "18446744073709551616.1", "1.0.0-x.7.z.92", "1.0.0-0.3.7",
                  "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "1.0.0-rc.1+build.1"]


def version_seeds():
    seeds = [joined(*group[i:i + 3]) for group in ASCENDING for i in range(max(1, len(group) - 2))]
    seeds += [joined(a, b) for a, b in EQUAL]
    seeds += [v.encode() for v in OTHER_VERSIONS]
    seeds += [e.encode() for _, _, e in version_outputs() if e]
    return seeds


def version_extract_seeds():
    seeds = []
    for pattern, output, _ in version_outputs():
        seeds.append(joined(pattern, output) if pattern else output.encode())
    # src/audit/discover/parse.rs's tests.
    seeds += [joined(r"rustfmt (\S+)", "rustfmt 1.9.0-stable (59807616e1 2026-04-14)"),
              b"cargo 1.82.0-nightly (8f40fc59f 2024-08-21)", b"OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.17",
              b"GNU bash, version 5.2.15(1)-release", b"WARNING: something 1.2.3 is deprecated\nPicked up JAVA_TOOL_OPTIONS: -Dx=1.0\ntool 4.5.6\n",
              joined(r"IMproved (\d+\.\d+)(?:(?s:.*?)Included patches: \d+-(\d+))?",
                     "VIM - Vi IMproved 9.0 (2022 Jun 28)\nIncluded patches: 1-1378\n")]
    return seeds


# src/managers/specifier.rs's tests, as SPEC NUL VERSION.
SPECIFIERS = [("==0.6.0", "0.6.1"), ("==0.6.0", "0.6.0"), (">=5, <6", "6.1"), (">=5, <6", "5.0.1"),
              ("<25", "24.10.0"), ("~=1.4", "1.9.2"), ("~=1.4", "2.0"), ("~=1.4.2", "1.4.9"),
              ("~=1.4.2", "1.5.0"), ("==1.*", "1.7"), ("==1.*", "2.0"), ("!=1.2.*", "1.2.5"),
              ("!=1.2.3", "1.2.4"), (">1.0", "1.0"), ("===1.0", "1.0"), ("@ git+https://x", "1.0"),
              ("==not-a-version", "1.0"), ("1.2.3", "1.2.3"), ("1.2.3", "1.2.4rc1"), ("2.0", "1.9.9")]

# src/config/window.rs's tests and the config docs.
WINDOWS = ["Sun 02:00-05:00", "Sat 23:00-01:00", "Mon-Fri 22:00-23:30", "daily 01:00-03:00",
           "Sun", "Funday 01:00-02:00", "Sun 25:00-26:00", "Sun 01:00-01:00", "* 00:00-23:59",
           "Fri-Mon 23:45-00:15", "mon,wed,fri 12:30-13:45", "Sat 23:00-00:00"]

DURATIONS = ["10s", "1h", "3d", "90d", "1h 30m", "2weeks", "100ms", "1y", "0s", "5min", "1month 2days"]


def toml_blocks(path, must):
    """The ```toml blocks of a Markdown file that contain `must`."""
    text = (ROOT / path).read_text()
    blocks = [b.split("```", 1)[0] for b in text.split("```toml\n")[1:]]
    return [b for b in blocks if must in b]


def catalog_files():
    return [(f.stem, f.read_text()) for f in sorted((ROOT / "catalog").glob("*.toml"))]


# src/catalog/load.rs's tests: one good file and the ways a file is wrong.
GOOD_TOOL = """name = "ripgrep"
description = "Recursive regex search"
category = "search"
bins = ["rg"]
version_pattern = 'ripgrep (\\S+)'
upstream = "github:BurntSushi/ripgrep"
[install]
apt = "ripgrep"
"""
BAD_TOOLS = [GOOD_TOOL.replace('bins = ["rg"]', "bins = []"), GOOD_TOOL.replace("(\\S+)", "\\S+"),
             GOOD_TOOL.replace("apt =", "aptt ="), GOOD_TOOL + 'version_file = "../../etc/shadow"\n',
             GOOD_TOOL.replace('upstream = "github:BurntSushi/ripgrep"', 'upstream = ["none", "pypi:x"]'),
             GOOD_TOOL + 'config_files = ["~/../x"]\n', GOOD_TOOL.replace("name =", "nam ="),
             GOOD_TOOL + "requires = [\"nothing-here\"]\n", 'name = "ripgrep"\ndescription = 1\n']


def catalog_tool_seeds():
    seeds = [joined(stem, text) for stem, text in catalog_files()]
    seeds += [joined("ripgrep", text) for text in [GOOD_TOOL] + BAD_TOOLS]
    return seeds


def catalog_layers_seeds():
    files = dict(catalog_files())
    pick = ["node", "npm", "ripgrep", "presets", "uv", "python"]
    base = [f"0 {n}\n{files[n]}" for n in pick if n in files]
    over = [f"2 ripgrep\n{GOOD_TOOL}", f"1 ripgrep\n{GOOD_TOOL}"]
    return [joined(*base), joined(*base, *over), joined(*(base + over)[::-1]),
            joined(f"0 ripgrep\n{GOOD_TOOL}", '0 presets\n[mine]\ntools = ["ripgrep"]\n'),
            joined(f"0 ripgrep\n{GOOD_TOOL}", '1 presets\n[mine]\ntools = ["nothing"]\n')]


# src/config/mod.rs's tests, the README's config and modules blocks.
CONFIGS = ["[audit]\njobs = 4\ntimeout = \"5s\"\n[upstream]\nmin_release_age = \"3d\"\nttl = \"2h\"\n[sources]\npypi = \"https://mirror.example/pypi/\"\n",
           "[audit]\njobz = 4\n", "[audit]\njobs = \"four\"\n", "\n[upstream]\nmin_release_age = \"soon\"\n",
           "[sources]\nnpm = \"ftp://x\"\n", "\n[sources]\npipy = \"https://x\"\n", "[audit]\njobs = 7\n",
           "[system]\napproval = \"required\"\nmaintenance = [\"Sun 02:00-05:00\", \"daily 01:00-03:00\"]\nenable = [\"fwupd\"]\n",
           "[environment]\nkind = \"ci\"\n[tools.node]\npin = \"never\"\n", "[audit]\ntimeout = \"0s\"\n",
           "[backups]\nmax_age = \"99999999999999y\"\n"]


def config_seeds():
    texts = CONFIGS + toml_blocks("README.md", "[audit]") + toml_blocks("README.md", "[modules]")
    return [joined(kind, t) for t in texts for kind in ("user", "trusted", "untrusted")]


MANIFESTS = ['name = "team-tools"\nschema_version = "1.0.0"\ndescription = "team"\n',
             'name = "team"\nschema_version = "1.2.0"\nenabled = false\nmin_toolup = "0.1.0"\ncheck = ["bin/check", "--quick"]\n',
             'name = "team"\nschema_version = "1.0"\n', 'name = "index.json"\nschema_version = "1.0.0"\n',
             'name = "team"\nschema_version = "1.0.0"\ncheck = ["../outside"]\n',
             'name = "team"\nschema_version = "1.0.0"\nmin_toolup = "99.0.0"\nextra = 1\n']

INDEX = {"schema_version": 1,
         "modules": {"team-a": {"schema_version": "1.0.0", "repository": "https://git.example/team/toolup-modules.git",
                                "commit": "0123456789abcdef0123456789abcdef01234567", "installed_at": "2026-01-01T00:00:00Z"},
                     "team-b": {"schema_version": "2.1.0", "repository": "/srv/modules", "commit": "abc",
                                "installed_at": "2026-01-02T00:00:00Z", "enabled": False, "held_back": "2.2.0"}},
         "backups": {"team-a": {"schema_version": "0.9.0", "repository": "x", "commit": "y", "installed_at": "z"}}}

JOURNAL = {"schema_version": 1, "run_id": "20260101-000000-1234", "started_at": "2026-01-01T00:00:00Z",
           "jobs": {"apt": {"state": "done", "phase": "update", "reason": None, "log": "/var/log/toolup/apt.log"},
                    "npm": {"state": "failed", "phase": "update", "reason": "exit 1", "log": None},
                    "flatpak": {"state": "pending", "phase": None, "reason": None, "log": None},
                    "snap": {"state": "interrupted", "phase": "download", "reason": "SIGTERM", "log": None}},
           "timeline": {"apt": {"runs_after": [], "phases": [
                            {"phase": "download", "start_ms": 0, "end_ms": 41200, "outcome": "ok", "locks": ["pkgmgr:apt-archives", "system:network"]},
                            {"phase": "update", "start_ms": 41200, "end_ms": 134600, "outcome": "ok", "locks": ["pkgmgr:dpkg"], "waits": ["/var/lib/dpkg/lock"]}]},
                        "npm": {"runs_after": ["apt"], "phases": [{"phase": "update", "start_ms": 134600, "end_ms": None, "outcome": None, "locks": ["runtime:node"]}]}}}

UNFINISHED = {"schema_version": 1, "started": {"time": "2026-01-01T00:00:00Z", "tool": "ripgrep", "action": "upgrade",
              "manager": "cargo", "argv": ["cargo", "install", "ripgrep@14.1.1"], "from_version": "13.0.0",
              "to_version": "14.1.1", "outcome": "started", "message": ""},
              "backup": "/home/u/.local/state/toolup/backups/ripgrep-1", "undo_argv": [], "pid": 4242}

CHECK = {"schema_version": 1, "checked_at": "2026-01-01T00:00:00Z", "reboot_required": True, "reboot_reason": "kernel",
         "not_applicable": ["dnf"],
         "updaters": [{"updater": "apt", "pending": [{"name": "bash", "from": "5.2.15-2+b8", "to": "5.2.15-2+b13", "security": False, "download_bytes": 1500000},
                                                      {"name": "libssl3", "from": "3.0.11", "to": "3.0.15", "security": True, "download_bytes": None}],
                       "security": 1, "download_bytes": 1500000, "estimate": "about 2m (1m-3m)", "error": None, "elapsed_ms": 812,
                       "held_back": ["linux-image (held)"], "checked_at": "2026-01-01T00:00:00Z"},
                      {"updater": "npm", "pending": [], "security": 0, "download_bytes": None, "estimate": "no history",
                       "error": "`npm outdated -g --json` exited 2: boom", "elapsed_ms": 12}]}


def json_seeds(doc):
    return [json.dumps(doc).encode(), json.dumps(doc, indent=2).encode()]


def snapshot_seeds():
    """The committed snapshot, and a few of its tools (small inputs fuzz faster)."""
    whole = read(ROOT / "tools_snapshot.json")
    doc = json.loads(whole)
    seeds = [whole]
    for tools in ([], doc["tools"][:1], doc["tools"][:3], [t for t in doc["tools"] if t.get("status") == "outdated"][:2]):
        seeds += json_seeds({**doc, "tools": tools})
    return seeds


# tests/integration/upstream.rs's answers (GitHub, GitLab, GNU, Debian are
# written there from the services' documented formats).
GH_RELEASE = '{"tag_name": "turel-2.3.4", "published_at": "2026-01-02T03:04:05Z", "draft": false, "prerelease": false}'
GH_TAGS = '[{"name": "v3.0.0-rc.1"}, {"name": "v2.10.0"}, {"name": "v2.9.0"}, {"name": "nightly"}]'
GH_ATOM = ('<?xml version="1.0"?><feed><entry><link rel="alternate" href="https://github.com/o/tuatom/releases/tag/v5.0.0-beta.1"/></entry>'
           '<entry><link rel="alternate" href="https://github.com/o/tuatom/releases/tag/v4.2.0"/></entry></feed>')
GH_LOCATIONS = ["https://github.com/owner/name/releases/tag/v1.3.0", "http://127.0.0.1:1/web/o/r/releases/tag/name-2.0.0-rc.1",
                "https://github.com/o/r/releases", "https://github.com/o/r/releases/tag/release_1_2_3"]
GITLAB = ('[{"tag_name": "v1.5.0", "released_at": "2026-02-01T00:00:00Z", "upcoming_release": true}, '
          '{"tag_name": "v1.4.2", "released_at": "2026-01-01T00:00:00Z", "upcoming_release": false}]')
GNU = ('<a href="tugnu-1.9.tar.gz">tugnu-1.9.tar.gz</a> <a href="tugnu-1.10.tar.xz">tugnu-1.10.tar.xz</a> '
       '<a href="tugnu-1.10.tar.xz.sig">sig</a> <a href="tugnu-latest.tar.gz">latest</a>')
DEBIAN = ("Package: git\nBinary: git, git-man\nVersion: 1:2.47.2-0.1\nMaintainer: x\n\n"
          "Package: git\nVersion: 1:2.51.0-1\n\nPackage: jq\nVersion: 1.7.1+dfsg-1\n\n"
          "Package: less\nVersion: 668-1\n\nPackage: preonly\nVersion: 3.0~rc1-1\n\n"
          "Package: unwanted\nVersion: 9.9-1\n\nPackage: extra\nVersion: 2.0-1\nExtra-Source-Only: yes\n")
CRATES_API = ('{"crate": {"name": "itoa", "max_version": "2.0.0-rc.1", "max_stable_version": "1.0.18"}, '
              '"versions": [{"num": "1.0.18", "created_at": "2026-01-01T00:00:00.000000+00:00"}]}')
NPM_TAGS = ['{"latest":"7.0.0","next":"8.0.0-rc.1"}', '{"latest":"1.2.3"}', '{"next":"1.0.0"}']
NPM_FULL = '{"name": "is-number", "dist-tags": {"latest": "7.0.0"}, "time": {"7.0.0": "2026-01-01T00:00:00.000Z"}}'
PYPI_JSON = ('{"meta": {"api-version": "1.1"}, "name": "Demo.Pkg", "versions": ["1.0", "2.0"], "files": ['
             '{"filename": "demo_pkg-1.0.tar.gz", "yanked": false, "upload-time": "2020-01-02T00:00:00Z", "hashes": {}},'
             '{"filename": "demo_pkg-1.0-py3-none-any.whl", "upload-time": "2020-01-01T00:00:00Z", "hashes": {}},'
             '{"filename": "demo.pkg-2.0.tar.gz", "yanked": "broken", "hashes": {}}]}')
PYPI_HTML = ('<html><body>\n<a href="/f/demo-1.0.tar.gz#sha256=00">demo-1.0.tar.gz</a><br/>\n'
             '<a href="/f/demo-2.0.tar.gz" data-yanked="">demo-2.0.tar.gz</a>\n</body></html>')


def registry_seeds():
    return {
        "registry_pypi": [joined("six", read(HTTP / "pypi-simple-six.json")), joined("six", read(HTTP / "pypi-simple-six.html")),
                          joined("demo-pkg", PYPI_JSON), joined("demo", PYPI_HTML)],
        "registry_npm": [read(HTTP / "npm-is-number.json"), NPM_FULL.encode()] + [t.encode() for t in NPM_TAGS],
        "registry_crates": [read(HTTP / "crates-itoa.txt"), CRATES_API.encode(),
                            b"just #command-line\nversion: 1.59.0\nlicense: CC0-1.0\n", b"serde\nversion: 1.0.200 (latest 1.0.229)\n"],
        "registry_github": [joined("turel", GH_RELEASE), joined("tutags", GH_TAGS), joined("tuatom", GH_ATOM)]
                           + [joined("name", loc) for loc in GH_LOCATIONS],
        "registry_gitlab": [joined("tulab", GITLAB)],
        "registry_gnu": [joined("tugnu", GNU)],
        "registry_debian": [joined("git jq less preonly extra", DEBIAN), joined("git", DEBIAN.replace("\n", "\r\n"))],
    }


def fixture(name):
    return read(UPDATERS / name)


# src/managers/{mod,apt,brew,pacman,flatpak,snap}.rs's tests.
APT_SIM = ("NOTE: This is only a simulation!\n"
           "Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])\n"
           "Inst libssl3:amd64 [3.0.11] (3.0.15 Debian:12/stable, Debian-Security:12/stable-security [amd64]) []\n"
           "Inst newdep (1.4 Debian:12/stable [amd64])\n"
           "Conf bash (5.2.15-2+b13 Debian:12.15/oldstable [amd64])\n")
APT_POLICY = ("ansible-core:\n  Installed: 2.14.18-1\n  Candidate: 2.14.18-1\n  Version table:\n"
              "x:\n  Installed: (none)\n  Candidate: (none)\nlibc6:amd64:\n  Installed: 2.36-9\n  Candidate: 2.36-10\n")
BREW_PINNED = ('{"formulae":[{"name":"jq","installed_versions":["1.6"],"current_version":"1.7.1","pinned":false},'
               '{"name":"node","installed_versions":["20.1.0"],"current_version":"22.0.0","pinned":true,"pinned_version":"20.1.0"}],"casks":[]}')
BREW_INFO = '{"formulae": [{"name": "jq", "versions": {"stable": "1.7.1"}}], "casks": [{"token": "iterm2", "version": "3.5.0"}]}'
PACMAN_INFO = ("Repository      : extra\nName            : ripgrep\nVersion         : 14.1.1-1\n\n"
               "Repository      : extra\nName            : fd\nVersion         : 10.2.0-1\n")
FLATPAK_MASKS = "Masked patterns:\n  org.mozilla.firefox\n  app/org.gnome.*\n  org.some.App//unstable\n  org.other.App/arm\n"
SNAP_LIST = ("Name        Version        Rev    Tracking       Publisher            Notes\n"
             "checkbox    3.3.0-dev19    5224   22.04/stable   ce-certification-qa  classic,held\n"
             "firefox     126.0          4259   latest/stable  mozilla*             -\n")
GCLOUD = ('[{"id": "kubectl", "state": {"name": "Update Available"}, "current_version_string": "1.28.2", "latest_version_string": "1.29.4"}, '
          '{"id": "gsutil", "state": {"name": "Installed"}, "current_version_string": "5.27", "latest_version_string": "5.27"}]')
CRATES2 = ('{"installs": {"ripgrep 14.1.0 (registry+https://github.com/rust-lang/crates.io-index)": {}, '
           '"local 0.1.0 (path+file:///src/local)": {}, "itoa 1.0.18 (sparse+https://index.crates.io/)": {}}}')
ESTIMATE = json.loads((ROOT / "docs" / "estimate-update.schema.json").read_text()).get("examples", [])
ESTIMATES = ['{"status": "success", "data": {"packages_to_update": [{"name": "widget", "current_version": "1.0", "new_version": "1.1", '
             '"download_size_bytes": 1024, "security": true}], "security_updates": true}}',
             '{"status": "not_applicable"}', '{"status": "error", "error": {"message": "boom"}}', '{"status": "success"}',
             "not json \x1b[31m"] + [json.dumps(e) for e in ESTIMATE]
PROGRESS = ['{"type": "progress", "percent": 45, "message": "Downloading widgets"}',
            '{"type": "progress", "percent": 1e999}\n{"type": "progress", "percent": -5, "message": "\\u001b[2J"}',
            '{"type": "log", "message": "x"}\nplain text\n{"type": "progress"}']


def manager_seeds():
    return {
        "apt_list": [fixture("apt-list-upgradable.txt"), fixture("apt-list-upgradable-none.txt")],
        "apt_simulate": [APT_SIM.encode()],
        "apt_policy": [APT_POLICY.encode()],
        "dnf": [fixture("dnf-check-update.txt"), b"\nvim-enhanced 2:9.1.083-1.fc40\ngit 2.45.0-1.fc40\n"],
        "pacman": [fixture("checkupdates.txt"), b"linux 6.8.9.arch1-1 -> 6.9.1.arch1-1 [ignored]\npython 3.12.3-1 -> 3.12.4-1\n",
                   PACMAN_INFO.encode()],
        "zypper": [fixture("zypper-list-updates.txt"),
                   b"Loading repository data...\nReading installed packages...\nNo updates found.\n"],
        "brew": [fixture("brew-outdated.json"), BREW_PINNED.encode(), BREW_INFO.encode(), b'{"formulae":[],"casks":[]}'],
        "flatpak": [joined(fixture("flatpak-remote-ls-updates.txt"), FLATPAK_MASKS)],
        "snap": [joined(fixture("snap-refresh-list.txt"), SNAP_LIST)],
        "fwupd": [fixture("fwupdmgr-get-updates.json")],
        "rustup": [fixture("rustup-check.txt"), fixture("rustup-check-none.txt")],
        "cargo_crates2": [CRATES2.encode()],
        "pipx": [fixture("pipx-list.json")],
        "uv": [fixture("uv-tool-list.txt")],
        "npm_outdated": [fixture("npm-outdated-global.json"), fixture("npm-outdated-global-none.json"),
                         fixture("pnpm-outdated-global.json")],
        "gem": [fixture("gem-outdated.txt")],
        "sdkman": [b"Updates are available:\n\njava (17.0.1-tem < 21.0.2-tem)\ngradle (8.4 < 8.7)\n",
                   b"All candidates are up-to-date.\n"],
        "gcloud": [GCLOUD.encode(), b"[]"],
        "plugin_estimate": [e.encode() for e in ESTIMATES],
        "plugin_progress": [p.encode() for p in PROGRESS],
        "plugin_lists": [b"pkgmgr:dpkg\nsystem:network\n", b"apt\n\n  flatpak  \r\n"],
    }


# The layouts of src/render/*.rs, with rows like the views' (tests/integration/widths.rs).
LAYOUTS = [  # (columns, shrink, drop, group, under, argv, rows)
    (5, [4], [0, 3], 0, 4, [], [["GROUP", "NAME", "VERSION", "METHOD", "NOTES"],
                                ["python", "ruff", "0.17.6", "uv", "a note that is rather long for a narrow terminal"],
                                ["", "black", "26.10.1", "pipx", ""]]),
    (5, [4, 3, 2], [4, 2, 3], None, 4, [], [["NAME", "CATEGORY", "UPSTREAM", "BINS", "DESCRIPTION"],
                                            ["tu-long-named-language-server", "lsp", "github:an-organisation-with-a-long-name/tu-long-named-language-server",
                                             "tu-long-named-language-server", "A language server with a name as long as its description"],
                                            ["ripgrep", "search", "github:BurntSushi/ripgrep", "rg", "Recursive regex search"]]),
    (6, [5, 3], [5, 2], None, 5, [3], [["UPDATER", "PACKAGE", "FROM", "ARGV", "TO", "NOTE"],
                                       ["apt", "bash", "5.2.15-2+b8", "apt-get install --yes --only-upgrade bash=5.2.15-2+b13 /usr/bin/x", "5.2.15-2+b13", "-"],
                                       ["npm", "@scope/pkg", "1:2.66-4", "npm install -g @scope/pkg@2.0.0", "2.0.0", "security"]]),
]


def layout_seed(width, layout):
    columns, shrink, drop, group, under, argv, rows = layout
    mask = lambda cols: sum(1 << c for c in cols)
    head = bytes([width, columns - 1, mask(shrink), mask(drop), 0x80 if group is None else group,
                  0x80 if under is None else under, mask(argv)])
    return head + "\x1e".join("\x1f".join(r) for r in rows).encode()


def layout_seeds():
    return [layout_seed(w, l) for l in LAYOUTS for w in (34, 54, 94, 0xff)]


def rust_const(path, name):
    """A `const NAME: &str = "\
...";` of a Rust file, unescaped."""
    text = pathlib.Path(path).read_text()
    start = text.index(f"const {name}: &str = \"\\\n") + len(f"const {name}: &str = \"\\\n")
    end = text.index("\";\n", start)
    return text[start:end].replace('\\"', '"')


def fenced(path, lang):
    """The ```LANG blocks of a Markdown file."""
    blocks, inside, lines = [], False, []
    for line in pathlib.Path(path).read_text().splitlines():
        if not inside and line.strip() == f"```{lang}":
            inside, lines = True, []
        elif inside and line.strip() == "```":
            inside = False
            blocks.append("\n".join(lines) + "\n")
        elif inside:
            lines.append(line)
    return blocks


def rust_raw_strings(path, must):
    """The r#"…"# strings of a Rust file that contain `must`."""
    text = pathlib.Path(path).read_text()
    out, at = [], 0
    while (start := text.find('r#"', at)) >= 0:
        end = text.find('"#', start + 3)
        if end < 0:
            break
        if must in text[start + 3:end]:
            out.append(text[start + 3:end])
        at = end + 2
    return out


FLEET_DOC = ROOT / "docs" / "fleet.md"
FLEET_TESTS = TESTS / "integration" / "fleet_hosts.rs"
# tests/integration/fleet_hosts.rs and src/fleet/inventory's tests: what a
# hostile or odd inventory looks like.
HOSTILE_INI = ["[web]\nw[0:99999]\n", "[a:children]\nb\n[b:children]\na\n", "-oProxyCommand=x\n",
               "[web]\nw1 ansible_host=-oProxyCommand=x\n", "[v6]\n::1 ansible_port=22\nfe80::1%eth0\n",
               "[web]\nw[a:f:2] ansible_user='deploy'\n", "[web:vars]\nansible_port=99999\n"]
HOSTILE_YAML = ["a:\n  children:\n    b:\n      children:\n        a:\n",
                "a: &a [*a]\n", "x: &x {a: 1}\ny: &y [*x, *x, *x, *x]\nz: [*y, *y, *y, *y]\n",
                "all:\n  hosts:\n    '-oProxyCommand=x':\n", "all:\n  hosts:\n    h1: {ansible_port: 2e9}\n",
                "---\nall: {hosts: {h1: null, h2: {ansible_host: '::1'}}}\n", "all:\n  <<: {hosts: {h: }}\n"]
HOSTILE_TOML = ["[hosts.web1]\naddress = \"-oProxyCommand=x\"\n", "[hosts.\"a b\"]\n",
                "[hosts.w]\nport = 70000\n", "[hosts.w]\ngroups = [\"nope\"]\n[groups.prod]\napproval = \"maybe\"\n",
                "[ssh]\nconfig = \"~/.ssh/fleet\"\n[hosts.w]\nmaintenance = \"Sun 25:00-26:00\"\n"]
PROBES = ["os=Linux x86_64\ntoolup=/usr/local/bin/toolup\nversion=toolup 0.2.0\n",
          "os=Linux x86_64\ncached=/home/u/.cache/toolup/bin/toolup-0.2.0\ncached_sha256=ABCDEF0123\n",
          "os=Darwin arm64\nversion=toolup 0.1.9\n", "version=toolup v1.0.0-rc.1\nos=\x1b[2J\n", "garbage\n=\n"]
JOURNAL_FLEET = {"schema_version": 1, "run_id": "20261205T134501Z-1234", "command": "update",
                 "started_at": "2026-12-05T13:45:01Z", "resumes": "20261205T120000Z-99",
                 "hosts": [{"host": "web1", "state": "interrupted", "reachable": True, "pending": 3, "security": 1,
                            "reboot_required": False, "updaters": [{"updater": "apt", "outcome": "ok"}],
                            "remote_run": "20261205T134502Z-77", "toolup": "toolup 0.2.0 at /usr/bin/toolup",
                            "started_at": "2026-12-05T13:45:02Z", "duration_ms": 1200, "tries": 1,
                            "log": "/state/fleet/20261205T134501Z-1234/web1.log"},
                           {"host": "db1", "state": "unreachable", "reason": "connection refused", "reachable": False,
                            "pending": None, "security": None, "reboot_required": None, "started_at": None,
                            "duration_ms": 3000, "tries": 3, "log": "/state/fleet/20261205T134501Z-1234/db1.log"},
                           {"host": "w2", "state": "skipped", "reason": "not started: interrupted", "reachable": False,
                            "duration_ms": 0, "tries": 0, "log": "w2.log"}]}


def fleet_events_seeds():
    lines = rust_raw_strings(ROOT / "src" / "fleet" / "stream.rs", '"event"')
    return [joined("h1", "\n".join(lines)), joined("web01.example.com", lines[0] if lines else "")] + \
        [joined("h1", l) for l in lines]


def fleet_seeds():
    return {
        "fleet_hosts": lambda: [b.encode() for b in fenced(FLEET_DOC, "toml") + HOSTILE_TOML],
        "inventory_ini": lambda: [b.encode() for b in fenced(FLEET_DOC, "ini") + [rust_const(FLEET_TESTS, "INI")] + HOSTILE_INI],
        "inventory_yaml": lambda: [b.encode() for b in fenced(FLEET_DOC, "yaml") + [rust_const(FLEET_TESTS, "YAML")] + HOSTILE_YAML],
        "fleet_events": fleet_events_seeds,
        "fleet_probe": lambda: [p.encode() for p in PROBES],
        "fleet_journal": lambda: [json.dumps(JOURNAL_FLEET, indent=2).encode()],
    }


TARGETS = {
    "version": version_seeds,
    "version_extract": version_extract_seeds,
    "specifier": lambda: [joined(s, v) for s, v in SPECIFIERS],
    "window": lambda: [w.encode() for w in WINDOWS],
    "duration": lambda: [d.encode() for d in DURATIONS],
    "catalog_tool": catalog_tool_seeds,
    "catalog_layers": catalog_layers_seeds,
    "config": config_seeds,
    "module_manifest": lambda: [m.encode() for m in MANIFESTS],
    "module_index": lambda: json_seeds(INDEX),
    "snapshot": snapshot_seeds,
    "latest_cache": lambda: [read(ROOT / "latest_versions.json"),
                             b'{"__hints__": {}, "__meta__": {"fetched_at": {"tusix": "2026-01-01T00:00:00Z"}, "schema_version": 1, "source": {"tusix": "pypi:six"}}, "tusix": "1.17.0"}'],
    "run_journal": lambda: json_seeds(JOURNAL) + json_seeds(UNFINISHED),
    "system_check": lambda: json_seeds(CHECK),
    **fleet_seeds(),
    **{name: (lambda name=name: registry_seeds()[name]) for name in registry_seeds()},
    **{name: (lambda name=name: manager_seeds()[name]) for name in manager_seeds()},
    "layout": layout_seeds,
}


def main():
    only = sys.argv[1:]
    for name, make in TARGETS.items():
        if only and name not in only:
            continue
        dir = SEEDS / name
        shutil.rmtree(dir, ignore_errors=True)
        dir.mkdir(parents=True)
        seeds = {hashlib.sha1(s).hexdigest(): s for s in make() if s}
        for digest, seed in seeds.items():
            (dir / digest).write_bytes(seed)
        print(f"{name}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
