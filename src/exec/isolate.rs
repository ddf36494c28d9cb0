//! Probes never touch the network, in any mode.
//!
//! Running a tool's `--version` must not phone home: terraform checks for
//! updates, kubectl's dispatcher asks a cluster for its version, a JVM opens
//! sockets as it starts, corepack downloads a package manager. Three layers,
//! each enough on its own for the common case:
//! 1. `NO_PHONE_HOME`: the documented update-check and telemetry switches,
//!    set for every probe;
//! 2. on Linux, a fresh network namespace (no interface but a down
//!    loopback: no route out, and no DNS stall can hold a probe) — entered
//!    directly as root, inside a fresh user namespace otherwise, wherever the
//!    kernel allows it, silently skipped where it does not;
//! 3. a seccomp filter under which creating an IPv4 or IPv6 socket (or an
//!    io_uring, which could create one behind the filter's back) fails with
//!    `EACCES`, so a probe opens no such socket at all.
//!
//! A setuid or setgid program is run without layers 2 and 3 when toolup is
//! not root: a user namespace, or the `no_new_privs` bit the filter needs,
//! would strip its privileges and break even `--version`.
//!
//! Everything here runs in the child between fork and exec, so it uses
//! nothing but raw system calls on data prepared before the fork.

/// Update-check and telemetry switches set for every probe. Each is the
/// tool's own documented variable; unknown ones are harmless.
pub const NO_PHONE_HOME: &[(&str, &str)] = &[
    // Everyone who honours https://consoledonottrack.com (bun, many CLIs).
    ("DO_NOT_TRACK", "1"),
    // HashiCorp's checkpoint (terraform, packer, vault, consul, nomad).
    ("CHECKPOINT_DISABLE", "1"),
    // Go: never download a toolchain or a module to answer `go version`.
    ("GOTOOLCHAIN", "local"),
    ("GOPROXY", "off"),
    // Node: update-notifier (npm, pnpm and many CLIs), corepack's downloads.
    ("NO_UPDATE_NOTIFIER", "1"),
    ("npm_config_update_notifier", "false"),
    ("COREPACK_ENABLE_NETWORK", "0"),
    ("COREPACK_ENABLE_DOWNLOAD_PROMPT", "0"),
    ("YARN_ENABLE_TELEMETRY", "0"),
    ("YARN_ENABLE_NETWORK", "0"),
    ("NEXT_TELEMETRY_DISABLED", "1"),
    ("NUXT_TELEMETRY_DISABLED", "1"),
    ("ASTRO_TELEMETRY_DISABLED", "1"),
    ("GATSBY_TELEMETRY_DISABLED", "1"),
    ("TURBO_TELEMETRY_DISABLED", "1"),
    ("STORYBOOK_DISABLE_TELEMETRY", "1"),
    ("WRANGLER_SEND_METRICS", "false"),
    ("DENO_NO_UPDATE_CHECK", "1"),
    // Python: pip's self-check, uv, Hugging Face, semgrep.
    ("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
    ("PIP_NO_INPUT", "1"),
    ("UV_OFFLINE", "1"),
    ("HF_HUB_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("SEMGREP_ENABLE_VERSION_CHECK", "0"),
    ("SEMGREP_SEND_METRICS", "off"),
    // Rust: no index update, no toolchain auto-install behind a proxy.
    ("CARGO_NET_OFFLINE", "true"),
    ("RUSTUP_AUTO_INSTALL", "0"),
    // GitHub and GitLab CLIs.
    ("GH_NO_UPDATE_NOTIFIER", "1"),
    ("GH_NO_EXTENSION_UPDATE_NOTIFIER", "1"),
    ("GLAB_CHECK_UPDATE", "false"),
    // Homebrew.
    ("HOMEBREW_NO_AUTO_UPDATE", "1"),
    ("HOMEBREW_NO_ANALYTICS", "1"),
    // .NET and PowerShell.
    ("DOTNET_CLI_TELEMETRY_OPTOUT", "1"),
    ("DOTNET_NOLOGO", "1"),
    ("DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "1"),
    ("POWERSHELL_TELEMETRY_OPTOUT", "1"),
    ("POWERSHELL_UPDATECHECK", "Off"),
    // Clouds: Google Cloud SDK, Azure CLI, AWS (no instance-metadata call), SAM, Pulumi, Stripe.
    ("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true"),
    ("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "true"),
    ("AZURE_CORE_COLLECT_TELEMETRY", "0"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
    ("SAM_CLI_TELEMETRY", "0"),
    ("PULUMI_SKIP_UPDATE_CHECK", "true"),
    ("FUNCTIONS_CORE_TOOLS_TELEMETRY_OPTOUT", "1"),
    ("STRIPE_CLI_TELEMETRY_OPTOUT", "1"),
    // Ruby and PHP.
    ("BUNDLE_DISABLE_VERSION_CHECK", "true"),
    ("COMPOSER_DISABLE_NETWORK", "1"),
    // Flutter, Docker.
    ("FLUTTER_SUPPRESS_ANALYTICS", "true"),
    ("DOCKER_CLI_HINTS", "false"),
];

/// What the child does before exec, prepared in the parent (no allocation after fork).
#[derive(Debug, Clone, Copy)]
pub struct Isolation {
    /// Enter a fresh network namespace (with a user namespace unless root).
    namespace: bool,
    /// Install the socket filter.
    filter: bool,
    root: bool,
    uid_map: MapLine,
    gid_map: MapLine,
}

/// `"<id> <id> 1\n"` in a fixed buffer.
#[derive(Debug, Clone, Copy)]
struct MapLine {
    bytes: [u8; 48],
    len: usize,
}

impl MapLine {
    fn same(id: u32) -> MapLine {
        let text = format!("{id} {id} 1\n");
        let mut bytes = [0u8; 48];
        let len = text.len().min(bytes.len());
        bytes[..len].copy_from_slice(&text.as_bytes()[..len]);
        MapLine { bytes, len }
    }
}

impl Isolation {
    /// The isolation for running `program`: all of it, unless the program is
    /// setuid or setgid and toolup is not root.
    pub fn for_program(program: &std::path::Path) -> Isolation {
        use std::os::unix::fs::PermissionsExt;
        // SAFETY: geteuid/getuid/getgid cannot fail and touch no memory.
        let (euid, uid, gid) = unsafe { (libc::geteuid(), libc::getuid(), libc::getgid()) };
        let root = euid == 0;
        let privileged_program =
            std::fs::metadata(program).is_ok_and(|m| m.permissions().mode() & 0o6000 != 0);
        let full = root || !privileged_program;
        Isolation {
            namespace: full,
            filter: full && FILTER_ARCH.is_some(),
            root,
            uid_map: MapLine::same(uid),
            gid_map: MapLine::same(gid),
        }
    }

    /// Runs in the child after fork, before exec: only async-signal-safe
    /// system calls. Every failure is ignored (the layers are best effort).
    pub fn enter(&self) {
        if self.namespace {
            self.enter_namespace();
        }
        if self.filter {
            install_filter(self.root);
        }
    }

    fn enter_namespace(&self) {
        // SAFETY: unshare takes flags only; it affects this (single-threaded) child alone.
        if self.root && unsafe { libc::unshare(libc::CLONE_NEWNET) } == 0 {
            return;
        }
        // SAFETY: as above; CLONE_NEWUSER needs a single-threaded caller, which a child after fork is.
        if unsafe { libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) } != 0 {
            return;
        }
        // Map our own ids, so files keep their owners inside (setgroups must be denied first).
        write_proc(c"/proc/self/setgroups", b"deny");
        write_proc(
            c"/proc/self/uid_map",
            &self.uid_map.bytes[..self.uid_map.len],
        );
        write_proc(
            c"/proc/self/gid_map",
            &self.gid_map.bytes[..self.gid_map.len],
        );
    }
}

fn write_proc(path: &std::ffi::CStr, bytes: &[u8]) {
    // SAFETY: a valid NUL-terminated path; the buffer is valid for its length; the fd is closed.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd >= 0 {
            libc::write(fd, bytes.as_ptr().cast(), bytes.len());
            libc::close(fd);
        }
    }
}

/// The audit architecture and the numbers of `socket` and `io_uring_setup` on it.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const FILTER_ARCH: Option<(u32, u32, u32)> = Some((0xC000_003E, 41, 425));
#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
const FILTER_ARCH: Option<(u32, u32, u32)> = Some((0xC000_00B7, 198, 425));
#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
const FILTER_ARCH: Option<(u32, u32, u32)> = None;

/// `socket(AF_INET | AF_INET6, …)` and `io_uring_setup` fail with EACCES; all else is allowed.
fn install_filter(root: bool) {
    let Some((arch, socket, io_uring_setup)) = FILTER_ARCH else {
        return;
    };
    const LD: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
    const JEQ: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
    const RET: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
    let deny = libc::SECCOMP_RET_ERRNO | (libc::EACCES as u32 & libc::SECCOMP_RET_DATA);
    let op = |code: u16, k: u32, jt: u8, jf: u8| libc::sock_filter { code, jt, jf, k };
    // seccomp_data: nr at 0, arch at 4, args[0] (low half, little endian) at 16.
    // Jump offsets count from the next instruction.
    let mut program = [
        op(LD, 4, 0, 0),                        // 0: arch
        op(JEQ, arch, 0, 6),                    // 1: another ABI → 8 (allow)
        op(LD, 0, 0, 0),                        // 2: syscall number
        op(JEQ, io_uring_setup, 5, 0),          // 3: io_uring_setup → 9 (deny)
        op(JEQ, socket, 0, 3),                  // 4: not socket → 8 (allow)
        op(LD, 16, 0, 0),                       // 5: the socket's domain
        op(JEQ, libc::AF_INET as u32, 2, 0),    // 6: AF_INET → 9 (deny)
        op(JEQ, libc::AF_INET6 as u32, 1, 0),   // 7: AF_INET6 → 9 (deny)
        op(RET, libc::SECCOMP_RET_ALLOW, 0, 0), // 8
        op(RET, deny, 0, 0),                    // 9
    ];
    let fprog = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };
    // SAFETY: prctl with documented arguments; fprog points at a live, well-formed program.
    unsafe {
        if !root {
            // Needed to install a filter without CAP_SYS_ADMIN in this user namespace
            // (a fresh user namespace grants it, so this matters only when none was entered).
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        }
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &fprog as *const libc::sock_fprog,
        );
    }
}
