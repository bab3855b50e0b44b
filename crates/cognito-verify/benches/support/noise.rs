//! How noisy the host was while a bench ran: load average and CPU steal time, from /proc.
//! Included by several benches with `#[path]`; not every bench uses every function.
//!
//! Steal is the time the hypervisor gave this VM's vCPUs to someone else: above a few percent,
//! a ratio measured in the same run may still be skewed (baseline and case are not slowed
//! alike), so the benches print the figure and "noisy" instead of a verdict.

#![allow(dead_code)]

/// Steal above this share of CPU time makes a measurement noisy.
pub const NOISY_STEAL_PERCENT: f64 = 3.0;

/// The CPU time counters at one moment (all CPUs, in clock ticks).
#[derive(Debug, Clone, Copy)]
pub struct CpuTimes {
    total: u64,
    steal: u64,
}

impl CpuTimes {
    /// Now; `None` where /proc/stat cannot be read (not Linux).
    pub fn now() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> =
            stat.lines().next()?.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
        // user nice system idle iowait irq softirq steal (guest times are inside user/nice).
        let total = fields.iter().take(8).sum();
        Some(CpuTimes { total, steal: *fields.get(7)? })
    }

    /// The share of CPU time stolen since `self`, in percent.
    pub fn steal_percent_since(self) -> Option<f64> {
        let now = CpuTimes::now()?;
        let total = now.total.checked_sub(self.total)?;
        (total > 0).then(|| 100.0 * now.steal.saturating_sub(self.steal) as f64 / total as f64)
    }
}

/// The 1-minute load average.
pub fn load_1m() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|avg| avg.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The verdict on `ratio` against `target` (`ratio ≤ target` meets it), or "noisy" with the
/// steal figure when the host stole too much time for a verdict.
pub fn verdict(met: bool, steal: Option<f64>) -> String {
    match steal {
        Some(steal) if steal > NOISY_STEAL_PERCENT => format!("noisy (steal {steal:.1} %)"),
        _ if met => "MET".to_owned(),
        _ => "MISSED".to_owned(),
    }
}
