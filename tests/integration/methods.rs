//! Install methods and versions read from each manager's layout, built as
//! real directories in a temp HOME: apt (a dpkg database), pip into pyenv,
//! pipx, uv tool, npm -g, cargo install and rustup proxies.

use std::path::Path;

use crate::support::{Sandbox, record, write_executable};

/// A Python console script whose distribution records `version`; running it would fail.
fn python_script(site: &Path, bin: &Path, dist: &str, version: &str, script: &str, python: &Path) {
    let info = site.join(format!("{}-{version}.dist-info", dist.replace('-', "_")));
    std::fs::create_dir_all(&info).unwrap();
    std::fs::write(
        info.join("entry_points.txt"),
        format!("[console_scripts]\n{script} = {dist}.cli:main\n"),
    )
    .unwrap();
    std::fs::create_dir_all(bin).unwrap();
    write_executable(
        &bin.join(script),
        &format!(
            "#!{}\n# -*- coding: utf-8 -*-\nimport sys\nfrom {dist}.cli import main\nsys.exit(main())\n",
            python.display()
        ),
    );
}

#[test]
fn apt_from_the_dpkg_database() {
    let sb = Sandbox::new();
    sb.tool("tuapt", &["tuapt"], "");
    let path = sb.fake(&sb.bin, "tuapt", "tuapt 3.2.1");
    std::fs::write(
        sb.dpkg.join("info/tuapt-pkg.list"),
        format!("/.\n{}\n", path.display()),
    )
    .unwrap();
    let snap = sb.collect(&[]);
    let installed = &record(&snap, "tuapt")["installed"];
    assert_eq!(installed["method"], "apt");
    assert_eq!(installed["reason"], "dpkg: tuapt-pkg");
    assert_eq!(installed["version"], "3.2.1");
}

#[test]
fn pip_into_pyenv_through_its_shim() {
    let mut sb = Sandbox::new();
    sb.tool("tupy", &["tupy"], "[install]\npypi = \"tupy\"");
    let root = sb.home.join(".pyenv");
    let prefix = root.join("versions/3.99.1");
    let python = prefix.join("bin/python3.99");
    python_script(
        &prefix.join("lib/python3.99/site-packages"),
        &prefix.join("bin"),
        "tupy",
        "5.6.7",
        "tupy",
        &python,
    );
    std::fs::write(root.join("version"), "3.99.1\n").unwrap();
    sb.script(&root.join("shims"), "tupy", "exit 1");
    sb.add_path(&root.join("shims"));
    let snap = sb.collect(&[]);
    let installed = &record(&snap, "tupy")["installed"];
    assert_eq!(installed["method"], "pip", "{installed:#}");
    assert_eq!(installed["version"], "5.6.7");
    assert_eq!(installed["version_from"], "metadata");
    assert_eq!(installed["on_path"], true);
    assert!(
        installed["reason"]
            .as_str()
            .unwrap()
            .contains("pyenv Python 3.99.1"),
        "{installed:#}"
    );
}

#[test]
fn pipx_and_uv_tool_venvs() {
    let sb = Sandbox::new();
    sb.tool("tupx", &["tupx"], "[install]\npypi = \"tupx\"");
    sb.tool("tuuv", &["tuuv"], "[install]\npypi = \"tu-uv\"");
    let local_bin = sb.home.join(".local/bin");
    std::fs::create_dir_all(&local_bin).unwrap();
    for (name, dist, venv) in [
        ("tupx", "tupx", ".local/share/pipx/venvs/tupx"),
        ("tuuv", "tu-uv", ".local/share/uv/tools/tu-uv"),
    ] {
        let venv = sb.home.join(venv);
        let python = venv.join("bin/python");
        python_script(
            &venv.join("lib/python3.12/site-packages"),
            &venv.join("bin"),
            dist,
            "0.9.1",
            name,
            &python,
        );
        std::os::unix::fs::symlink(venv.join("bin").join(name), local_bin.join(name)).unwrap();
    }
    let snap = sb.collect(&[]);
    let pipx = &record(&snap, "tupx")["installed"];
    assert_eq!(
        (pipx["method"].as_str(), pipx["version"].as_str()),
        (Some("pipx"), Some("0.9.1")),
        "{pipx:#}"
    );
    assert_eq!(pipx["path"], local_bin.join("tupx").display().to_string());
    let uv = &record(&snap, "tuuv")["installed"];
    assert_eq!(
        (uv["method"].as_str(), uv["version"].as_str()),
        (Some("uv"), Some("0.9.1")),
        "{uv:#}"
    );
}

#[test]
fn npm_global_package_json_and_the_dpkg_trap() {
    let mut sb = Sandbox::new();
    sb.tool("tunpm", &["tunpm"], "[install]\nnpm = \"@tu/npm\"");
    let prefix = sb.home.join(".npm-global");
    let package = prefix.join("lib/node_modules/@tu/npm");
    std::fs::create_dir_all(package.join("bin")).unwrap();
    std::fs::write(
        package.join("package.json"),
        r#"{"name": "@tu/npm", "version": "4.5.6"}"#,
    )
    .unwrap();
    write_executable(&package.join("bin/cli.js"), "#!/bin/sh\nexit 3\n");
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    std::os::unix::fs::symlink(package.join("bin/cli.js"), prefix.join("bin/tunpm")).unwrap();
    sb.add_path(&prefix.join("bin"));
    let snap = sb.collect(&[]);
    let installed = &record(&snap, "tunpm")["installed"];
    assert_eq!(installed["method"], "npm", "{installed:#}");
    assert_eq!(installed["version"], "4.5.6");
    assert_eq!(installed["version_from"], "metadata");

    // The record changes while the binary does not: the cache must not answer.
    assert_eq!(
        record(&sb.collect(&[]), "tunpm")["installed"]["version_from"],
        "cache"
    );
    std::fs::write(
        package.join("package.json"),
        r#"{"name": "@tu/npm", "version": "4.6.0"}"#,
    )
    .unwrap();
    let snap = sb.collect(&[]);
    assert_eq!(record(&snap, "tunpm")["installed"]["version"], "4.6.0");

    // dpkg lists the file, but its checksum of package.json no longer matches:
    // `npm install -g` replaced the packaged copy in place.
    let rel = package.join("bin/cli.js");
    std::fs::write(
        sb.dpkg.join("info/nodejs.list"),
        format!("{}\n", rel.display()),
    )
    .unwrap();
    let manifest = package.join("package.json");
    let stale = format!(
        "00000000000000000000000000000000  {}\n",
        manifest.display().to_string().trim_start_matches('/')
    );
    std::fs::write(sb.dpkg.join("info/nodejs.md5sums"), stale).unwrap();
    let snap = sb.collect(&["--no-cache"]);
    let installed = &record(&snap, "tunpm")["installed"];
    assert_eq!(installed["method"], "npm", "{installed:#}");
    assert!(
        installed["reason"]
            .as_str()
            .unwrap()
            .contains("replaced the copy from dpkg package nodejs"),
        "{installed:#}"
    );
}

#[test]
fn cargo_install_records_and_rustup_proxies() {
    let sb = Sandbox::new();
    sb.tool("tucargo", &["tucargo"], "[install]\ncargo = \"tu-cargo\"");
    sb.tool("turustc", &["turustc"], "");
    sb.tool("tumissing", &["tumissing"], "");
    let cargo_bin = sb.home.join(".cargo/bin");
    sb.script(&cargo_bin, "tucargo", "exit 1");
    std::fs::write(
        sb.home.join(".cargo/.crates2.json"),
        r#"{"installs": {"tu-cargo 2.3.4 (registry+https://example.invalid/index)": {"bins": ["tucargo"]}}}"#,
    )
    .unwrap();
    sb.script(&cargo_bin, "rustup", "echo 'rustup 1.28.0'");
    std::os::unix::fs::symlink("rustup", cargo_bin.join("turustc")).unwrap();
    std::os::unix::fs::symlink("rustup", cargo_bin.join("tumissing")).unwrap();
    let rustup = sb.home.join(".rustup");
    std::fs::create_dir_all(&rustup).unwrap();
    std::fs::write(
        rustup.join("settings.toml"),
        "default_toolchain = \"stable-x86_64-unknown-linux-gnu\"\n",
    )
    .unwrap();
    sb.fake(
        &rustup.join("toolchains/stable-x86_64-unknown-linux-gnu/bin"),
        "turustc",
        "turustc 1.91.0 (abc 2026-01-01)",
    );
    let snap = sb.collect(&[]);
    let cargo = &record(&snap, "tucargo")["installed"];
    assert_eq!(
        (cargo["method"].as_str(), cargo["version"].as_str()),
        (Some("cargo"), Some("2.3.4")),
        "{cargo:#}"
    );
    assert_eq!(cargo["version_from"], "metadata");
    let rustc = &record(&snap, "turustc")["installed"];
    assert_eq!(
        (rustc["method"].as_str(), rustc["version"].as_str()),
        (Some("rustup"), Some("1.91.0")),
        "{rustc:#}"
    );
    assert!(
        rustc["reason"]
            .as_str()
            .unwrap()
            .contains("stable-x86_64-unknown-linux-gnu")
    );
    let missing = record(&snap, "tumissing");
    assert_eq!(missing["status"], "not-installed", "{missing:#}");
}

#[test]
fn rbenv_asdf_mise_and_volta_shims_resolve_to_the_selected_version() {
    let mut sb = Sandbox::new();
    for name in ["turb", "tuasdf", "tumise", "tuvolta"] {
        sb.tool(name, &[name], "");
    }
    // rbenv: the version in ~/.rbenv/version (a non-Ruby program there is a gem).
    let rbenv = sb.home.join(".rbenv");
    sb.fake(&rbenv.join("versions/3.3.1/bin"), "turb", "turb 3.3.1");
    sb.fake(&rbenv.join("versions/3.2.0/bin"), "turb", "turb 3.2.0");
    std::fs::write(rbenv.join("version"), "3.3.1\n").unwrap();
    sb.script(&rbenv.join("shims"), "turb", "exit 1");
    // asdf: the version a .tool-versions in the working directory names.
    let asdf = sb.home.join(".asdf");
    sb.fake(
        &asdf.join("installs/tuasdf/1.0.0/bin"),
        "tuasdf",
        "tuasdf 1.0.0",
    );
    sb.fake(
        &asdf.join("installs/tuasdf/2.0.0/bin"),
        "tuasdf",
        "tuasdf 2.0.0",
    );
    std::fs::write(sb.root.join(".tool-versions"), "tuasdf 1.0.0\n").unwrap();
    sb.script(&asdf.join("shims"), "tuasdf", "exit 1");
    // mise: the only installed version.
    let mise = sb.home.join(".local/share/mise");
    sb.fake(
        &mise.join("installs/tumise/0.9.0/bin"),
        "tumise",
        "tumise 0.9.0",
    );
    sb.script(&mise.join("shims"), "tumise", "exit 1");
    // volta: packages under tools/image/packages.
    let volta = sb.home.join(".volta");
    std::fs::create_dir_all(volta.join("tools/user")).unwrap();
    std::fs::write(
        volta.join("tools/user/platform.json"),
        r#"{"node": {"runtime": "20.1.0", "npm": null}}"#,
    )
    .unwrap();
    sb.fake(
        &volta.join("tools/image/packages/tuvolta/bin"),
        "tuvolta",
        "tuvolta 5.4.3",
    );
    sb.script(&volta.join("bin"), "tuvolta", "exit 1");
    for dir in [
        rbenv.join("shims"),
        asdf.join("shims"),
        mise.join("shims"),
        volta.join("bin"),
    ] {
        sb.add_path(&dir);
    }
    let snap = sb.collect(&[]);
    let expect = [
        ("turb", "3.3.1", "gem"),
        ("tuasdf", "1.0.0", "asdf"),
        ("tumise", "0.9.0", "mise"),
        ("tuvolta", "5.4.3", "volta"),
    ];
    for (name, version, method) in expect {
        let installed = &record(&snap, name)["installed"];
        assert_eq!(installed["version"], version, "{name}: {installed:#}");
        assert_eq!(installed["method"], method, "{name}: {installed:#}");
        assert_eq!(installed["on_path"], true);
    }
}
