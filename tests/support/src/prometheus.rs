//! [`prometheus_sample`]: one sample read off a Prometheus text page, for tests that scrape the
//! metrics of the `metrics` cargo feature.

use std::collections::BTreeSet;

/// The value of the sample `name{labels}` in a Prometheus text exposition page, with exactly
/// these labels (in any order); `None` when the page has no such sample.
///
/// ```
/// use test_support::prometheus_sample;
///
/// let page = "# TYPE hits counter\nhits{result=\"hit\",cache=\"tokens\"} 3\nhits{result=\"miss\"} 1\n";
/// assert_eq!(prometheus_sample(page, "hits", &[("cache", "tokens"), ("result", "hit")]), Some(3.0));
/// assert_eq!(prometheus_sample(page, "hits", &[("result", "miss")]), Some(1.0));
/// assert_eq!(prometheus_sample(page, "hits", &[("result", "hit")]), None); // labels must match exactly
/// ```
pub fn prometheus_sample(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let wanted: BTreeSet<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    page.lines().filter(|line| !line.starts_with('#')).find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (series_name, rest) = series.split_once('{').unwrap_or((series, "}"));
        let found: BTreeSet<String> =
            rest.strip_suffix('}')?.split(',').filter(|l| !l.is_empty()).map(str::to_owned).collect();
        (series_name == name && found == wanted).then(|| value.parse().ok()).flatten()
    })
}
