//! Answers of a long soak: statuses and latencies by kind of request.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::Duration;

/// Statuses and latencies by kind of request (`K`), for the printed figures.
#[derive(Debug, Clone)]
pub struct Samples<K: Ord> {
    /// How many answers each (kind, status) got.
    pub statuses: BTreeMap<(K, u16), u64>,
    /// Requests that got no HTTP answer at all.
    pub transport_errors: u64,
    /// The time each answer took, in microseconds, by kind.
    pub latencies_us: BTreeMap<K, Vec<u32>>,
}

impl<K: Ord> Default for Samples<K> {
    fn default() -> Self {
        Samples { statuses: BTreeMap::new(), transport_errors: 0, latencies_us: BTreeMap::new() }
    }
}

impl<K: Ord + Copy + Debug> Samples<K> {
    /// Counts one request of `kind` that took `elapsed`: its status, or `None` when it got no
    /// answer.
    pub fn record(&mut self, kind: K, status: Option<u16>, elapsed: Duration) {
        match status {
            Some(status) => *self.statuses.entry((kind, status)).or_default() += 1,
            None => self.transport_errors += 1,
        }
        let micros = u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX);
        self.latencies_us.entry(kind).or_default().push(micros);
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: Samples<K>) {
        for (key, count) in other.statuses {
            *self.statuses.entry(key).or_default() += count;
        }
        self.transport_errors += other.transport_errors;
        for (kind, latencies) in other.latencies_us {
            self.latencies_us.entry(kind).or_default().extend(latencies);
        }
    }

    /// The statuses `kind` got.
    pub fn statuses_of(&self, kind: K) -> Vec<u16> {
        self.statuses.keys().filter(|(k, _)| *k == kind).map(|(_, status)| *status).collect()
    }

    /// How many answers `kind` got with `status`.
    pub fn count(&self, kind: K, status: u16) -> u64 {
        self.statuses.get(&(kind, status)).copied().unwrap_or(0)
    }

    /// How many answers `kind` got.
    pub fn answered(&self, kind: K) -> u64 {
        self.statuses.iter().filter(|((k, _), _)| *k == kind).map(|(_, n)| n).sum()
    }

    /// Every answer counted.
    pub fn total(&self) -> u64 {
        self.statuses.values().sum()
    }

    /// `200 ×12, 401 ×30` for `kind`.
    pub fn describe(&self, kind: K) -> String {
        let parts: Vec<String> = self
            .statuses
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, status), count)| format!("{status} ×{count}"))
            .collect();
        if parts.is_empty() { "none".to_owned() } else { parts.join(", ") }
    }

    /// The p50, p99 and maximum latency of `kind`, in milliseconds.
    pub fn latency_ms(&mut self, kind: K) -> [f64; 3] {
        let Some(latencies) = self.latencies_us.get_mut(&kind) else { return [0.0; 3] };
        latencies.sort_unstable();
        [0.5, 0.99, 1.0].map(|p| percentile(latencies, p))
    }

    /// One table row per kind: `| kind | requests | statuses | p50 | p99 | max |`.
    pub fn table_rows(&mut self, kinds: &[K]) -> Vec<String> {
        kinds
            .iter()
            .map(|&kind| {
                let [p50, p99, max] = self.latency_ms(kind);
                format!(
                    "| {kind:?} | {} | {} | {p50:.1} ms | {p99:.1} ms | {max:.0} ms |",
                    self.answered(kind),
                    self.describe(kind)
                )
            })
            .collect()
    }
}

/// The `p` quantile (0 to 1) of `sorted` microseconds, in milliseconds (0 when empty).
pub fn percentile(sorted: &[u32], p: f64) -> f64 {
    let index = ((sorted.len().saturating_sub(1)) as f64 * p).round() as usize;
    sorted.get(index).map_or(0.0, |&us| f64::from(us) / 1000.0)
}
