//! `toolup schedule wait-online`, a schedule's `ExecStartPre=`: waits until
//! the machine has a default route — the network is up, as far as a
//! machine can tell without asking anyone — for at most a while. It never
//! fails: a run without a network says so itself.

use std::time::{Duration, Instant};

/// Whether a routing table (`/proc/net/route`, `/proc/net/ipv6_route`)
/// holds a default route that is up and not on the loopback.
fn has_default_route(ipv4: &str, ipv6: &str) -> bool {
    let v4 = ipv4.lines().skip(1).any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() > 3
            && f[0] != "lo"
            && f[1] == "00000000"
            && u32::from_str_radix(f[3], 16).is_ok_and(|flags| flags & 1 == 1)
    });
    let v6 = ipv6.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() == 10
            && f[0].chars().all(|c| c == '0')
            && f[1] == "00"
            && f[9] != "lo"
            && u32::from_str_radix(f[8], 16).is_ok_and(|flags| flags & 1 == 1)
    });
    v4 || v6
}

/// Whether this machine has a default route now.
pub fn online() -> bool {
    let read = |p: &str| crate::state::read_text(p, crate::state::MIB).unwrap_or_default();
    has_default_route(&read("/proc/net/route"), &read("/proc/net/ipv6_route"))
}

/// Waits up to `timeout` for a default route; how long it waited, and
/// whether one came.
pub fn wait(timeout: Duration) -> (Duration, bool) {
    let started = Instant::now();
    loop {
        if online() {
            return (started.elapsed(), true);
        }
        if started.elapsed() >= timeout {
            return (started.elapsed(), false);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_default_route_that_is_up_counts() {
        let head = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n";
        let up = format!("{head}eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\n");
        let local = format!("{head}eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n");
        assert!(super::has_default_route(&up, ""));
        assert!(!super::has_default_route(&local, ""));
        assert!(!super::has_default_route(head, ""));
        let v6 = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n";
        assert!(super::has_default_route(head, v6));
        let v6_lo = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
        assert!(!super::has_default_route(head, v6_lo));
    }
}
