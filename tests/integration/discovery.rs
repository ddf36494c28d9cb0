//! Discovery against fake tools: shadowing, off-PATH installs, symlinks,
//! hanging and noisy probes, impostors, the probe cache.

use std::time::{Duration, Instant};

use crate::support::{Sandbox, record, stderr};

#[test]
fn the_first_on_path_is_installed_and_a_newer_shadowed_copy_is_noted() {
    let mut sb = Sandbox::new();
    sb.tool("tuw", &["tuw"], "");
    let second = sb.root.join("bin2");
    sb.add_path(&second);
    sb.fake(&sb.bin, "tuw", "tuw 1.0.0");
    sb.fake(&second, "tuw", "tuw 2.0.0");
    sb.latest(&[("tuw", "2.0.0")]);
    let snap = sb.collect(&[]);
    let tool = record(&snap, "tuw");
    assert_eq!(tool["status"], "outdated");
    assert_eq!(tool["installed"]["version"], "1.0.0");
    assert_eq!(
        tool["installed"]["path"],
        sb.bin.join("tuw").display().to_string()
    );
    assert_eq!(tool["installations"].as_array().unwrap().len(), 2);
    assert_eq!(tool["installations"][1]["on_path"], true);
    let notes = tool["notes"].to_string();
    assert!(
        notes.contains("newer 2.0.0") && notes.contains("shadowed on PATH"),
        "{notes}"
    );
}

#[test]
fn off_path_installs_are_found_and_the_newest_one_is_chosen() {
    let sb = Sandbox::new();
    sb.tool("tuoff", &["tuoff"], "");
    sb.fake(&sb.home.join(".cargo/bin"), "tuoff", "tuoff 1.5.0");
    sb.fake(&sb.home.join("go/bin"), "tuoff", "tuoff 3.0.0");
    let snap = sb.collect(&[]);
    let tool = record(&snap, "tuoff");
    assert_eq!(tool["installed"]["version"], "3.0.0");
    assert_eq!(tool["installed"]["on_path"], false);
    assert_eq!(tool["installed"]["method"], "go");
    let methods: Vec<_> = tool["installations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["method"].clone())
        .collect();
    assert!(methods.contains(&"cargo".into()), "{methods:?}");
}

#[test]
fn symlinks_to_one_file_are_one_installation() {
    let mut sb = Sandbox::new();
    sb.tool("tulink", &["tulink"], "");
    let real = sb.fake(
        &sb.root.join("opt/tulink-1.2/bin"),
        "tulink",
        "tulink 1.2.0",
    );
    let other = sb.root.join("bin2");
    sb.add_path(&other);
    std::os::unix::fs::symlink(&real, sb.bin.join("tulink")).unwrap();
    std::os::unix::fs::symlink(&real, other.join("tulink")).unwrap();
    let snap = sb.collect(&[]);
    let tool = record(&snap, "tulink");
    assert_eq!(
        tool["installations"].as_array().unwrap().len(),
        1,
        "{tool:#}"
    );
    assert_eq!(tool["installed"]["version"], "1.2.0");
    assert_eq!(
        tool["installed"]["path"],
        sb.bin.join("tulink").display().to_string()
    );
}

#[test]
fn a_hanging_probe_is_killed_and_the_audit_completes() {
    let sb = Sandbox::new();
    sb.tool("tuhang", &["tuhang"], "");
    sb.tool("tuok", &["tuok"], "");
    // The child also starts a grandchild: the whole process group must die.
    sb.script(&sb.bin, "tuhang", "/bin/sleep 60 & /bin/sleep 60");
    sb.fake(&sb.bin, "tuok", "tuok 0.1.0");
    let started = Instant::now();
    let snap = sb.collect(&["--timeout", "1"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let hung = record(&snap, "tuhang");
    assert_eq!(hung["status"], "unknown");
    assert_eq!(
        hung["error"],
        "installed version unreadable: probe timed out"
    );
    assert_eq!(record(&snap, "tuok")["installed"]["version"], "0.1.0");
}

#[test]
fn megabytes_of_output_and_non_utf8_bytes_are_survived() {
    let sb = Sandbox::new();
    sb.tool("tubig", &["tubig"], r"version_pattern = 'tubig (\S+)'");
    sb.tool("tubytes", &["tubytes"], "");
    sb.script(
        &sb.bin,
        "tubig",
        "echo 'tubig 4.0.1'; /usr/bin/head -c 20000000 /dev/zero | /usr/bin/tr '\\0' x",
    );
    sb.script(
        &sb.bin,
        "tubytes",
        "printf '\\033[1mtubytes\\033[0m \\377\\376 7.8.9\\n'",
    );
    let snap = sb.collect(&[]);
    assert_eq!(record(&snap, "tubig")["installed"]["version"], "4.0.1");
    assert_eq!(record(&snap, "tubytes")["installed"]["version"], "7.8.9");
}

#[test]
fn an_impostor_with_the_same_name_is_not_the_tool() {
    let sb = Sandbox::new();
    sb.tool("tupar", &["tupar"], r"identity = 'GNU tupar'");
    sb.fake(&sb.bin, "tupar", "tupar from moreutils 0.67");
    let snap = sb.collect(&[]);
    let tool = record(&snap, "tupar");
    assert_eq!(tool["status"], "not-installed");
    assert!(tool["installations"].as_array().unwrap().is_empty());
    assert!(
        tool["notes"][0]
            .as_str()
            .unwrap()
            .contains("another program with this name"),
        "{tool:#}"
    );
}

#[test]
fn a_tool_replaced_in_place_is_probed_again() {
    let sb = Sandbox::new();
    sb.tool("tucache", &["tucache"], "");
    let path = sb.fake(&sb.bin, "tucache", "tucache 1.0.0");
    let first = sb.collect(&[]);
    assert_eq!(
        record(&first, "tucache")["installed"]["version_from"],
        "probe"
    );
    let second = sb.collect(&[]);
    assert_eq!(
        record(&second, "tucache")["installed"]["version_from"],
        "cache"
    );
    assert_eq!(record(&second, "tucache")["installed"]["version"], "1.0.0");

    // Same inode, same size, same mtime: only the content (and ctime) changes.
    let meta = std::fs::metadata(&path).unwrap();
    let old = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, old.replace("1.0.0", "2.0.0")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    let third = sb.collect(&[]);
    assert_eq!(record(&third, "tucache")["installed"]["version"], "2.0.0");
    assert_eq!(
        record(&third, "tucache")["installed"]["version_from"],
        "probe"
    );

    let fresh = sb.collect(&["--no-cache"]);
    assert_eq!(
        record(&fresh, "tucache")["installed"]["version_from"],
        "probe"
    );
}

#[test]
fn a_program_that_prints_no_version_is_unknown_with_its_output() {
    let sb = Sandbox::new();
    sb.tool("tunov", &["tunov"], "");
    sb.fake(&sb.bin, "tunov", "tunov (built from source)");
    let snap = sb.collect(&[]);
    let tool = record(&snap, "tunov");
    assert_eq!(tool["status"], "unknown");
    assert_eq!(
        tool["error"],
        "installed version unreadable: unparsable version output: tunov (built from source)"
    );
}

#[test]
fn a_tool_nobody_installed_is_not_installed() {
    let sb = Sandbox::new();
    sb.tool("tunone", &["tunone"], "");
    let out = sb.run(&["audit", "--fail-on", "missing"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = sb.run(&["audit", "--fail-on", "outdated"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
