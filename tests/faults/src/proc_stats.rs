//! What `/proc` says about a process's memory and the machine's stolen time, for the printed
//! figures of the soaks (0 where there is no `/proc`).

/// The resident set (`VmRSS`) of process `pid`, or of this process for `None`, in KiB.
pub fn rss_kib(pid: Option<u32>) -> u64 {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    let status = std::fs::read_to_string(path).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// KiB as `12.3 MiB`.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The machine's CPU time so far, from the first line of `/proc/stat`: (steal, total) jiffies.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuTimes {
    /// Time the hypervisor gave to other guests.
    pub steal: u64,
    /// All the columns added up.
    pub total: u64,
}

impl CpuTimes {
    /// Now.
    pub fn now() -> CpuTimes {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let columns: Vec<u64> = stat
            .lines()
            .next()
            .map(|cpu| cpu.split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect())
            .unwrap_or_default();
        CpuTimes { steal: columns.get(7).copied().unwrap_or(0), total: columns.iter().sum() }
    }

    /// The stolen share of the CPU time since `earlier`, in percent.
    pub fn steal_since(&self, earlier: CpuTimes) -> f64 {
        let total = self.total.saturating_sub(earlier.total);
        if total == 0 { 0.0 } else { 100.0 * self.steal.saturating_sub(earlier.steal) as f64 / total as f64 }
    }
}

/// The load average over the last minute, from `/proc/loadavg`.
pub fn load_average() -> f64 {
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    loadavg.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0.0)
}
