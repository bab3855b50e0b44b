//! Keeping docs/differential.md in step with the table in [`differences`](crate::differences).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::corpus::Corpus;
use crate::differences::{Difference, Status};

/// Where the page lives: `docs/differential.md` at the workspace root.
pub fn page_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/differential.md")
}

/// One row of the page's difference tables:
/// `| `case` | aws verdict | `ours` | status | why |`.
#[derive(Debug, PartialEq, Eq)]
pub struct Row {
    /// The case name.
    pub case: String,
    /// aws-jwt-verify's verdict as the page gives it.
    pub aws: String,
    /// Our verdict as the page gives it.
    pub ours: String,
    /// `intended`, or `known, to be fixed by ...`.
    pub status: String,
}

/// The rows of `markdown` whose first cell is a case name in backticks.
pub fn rows(markdown: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for line in markdown.lines() {
        let Some(rest) = line.strip_prefix("| `") else { continue };
        let Some((case, _)) = rest.split_once('`') else { continue };
        if !case.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
        rows.push(Row {
            case: case.to_owned(),
            aws: cell(1).to_owned(),
            ours: cell(2).trim_matches('`').to_owned(),
            status: cell(3).to_owned(),
        });
    }
    rows
}

/// How the page spells a status.
pub fn status_text(status: Status) -> String {
    match status {
        Status::Intended => "intended".to_owned(),
        Status::ToBeFixed(by) => format!("known, to be fixed by {by}"),
    }
}

/// Every way the page and the table disagree (cases missing on either side, other verdicts or
/// statuses).
pub fn mismatches(markdown: &str, table: &[Difference], corpus: &Corpus) -> Vec<String> {
    let aws: BTreeMap<&str, String> =
        corpus.cases.iter().map(|case| (case.name.as_str(), case.aws.label())).collect();
    let documented: BTreeMap<String, Row> =
        rows(markdown).into_iter().map(|row| (row.case.clone(), row)).collect();
    let mut problems = Vec::new();
    for entry in table {
        let Some(row) = documented.get(entry.case) else {
            problems.push(format!("{} is in src/differences.rs but not in docs/differential.md", entry.case));
            continue;
        };
        let expected = Row {
            case: entry.case.to_owned(),
            aws: aws.get(entry.case).cloned().unwrap_or_default(),
            ours: entry.ours.to_owned(),
            status: status_text(entry.status),
        };
        if *row != expected {
            problems
                .push(format!("docs/differential.md says {row:?}, the table and corpus say {expected:?}"));
        }
    }
    for case in documented.keys() {
        if !table.iter().any(|entry| entry.case == case) {
            problems.push(format!("{case} is in docs/differential.md but not in src/differences.rs"));
        }
    }
    problems
}
