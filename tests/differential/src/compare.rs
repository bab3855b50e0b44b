//! Comparing our verdicts with aws-jwt-verify's, case by case, against the table of intended
//! differences.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use cognito_verify::VerifyError;

use crate::class::{aws_class, our_classes, our_label};
use crate::corpus::{AwsVerdict, Corpus};
use crate::differences::{Difference, Status};
use crate::replay::{Verifiers, serve_jwks};

/// Whether two verdicts agree: both accept, or both refuse for the same reason once mapped to
/// the shared vocabulary of [`Class`](crate::class::Class).
pub fn agrees(aws: &AwsVerdict, ours: &Result<(), VerifyError>) -> bool {
    match (aws_class(aws), ours) {
        (None, Ok(())) => true,
        (Some(class), Err(error)) => our_classes(error).contains(&class),
        _ => false,
    }
}

/// One replayed case that differs.
#[derive(Debug)]
pub struct Differing {
    /// The case.
    pub case: String,
    /// aws-jwt-verify's verdict label.
    pub aws: String,
    /// Our verdict label.
    pub ours: String,
    /// Its entry in the table, if any.
    pub status: Option<Status>,
}

/// The outcome of replaying the corpus.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases in the corpus.
    pub cases: usize,
    /// Cases replayed: all of them, each with our clock frozen at its `now`.
    pub replayed: usize,
    /// Replayed cases whose verdicts agree.
    pub agreed: usize,
    /// Replayed cases whose verdicts differ.
    pub differing: Vec<Differing>,
    /// Cases not replayed. None since the verifier's clock can be frozen; kept so the report
    /// (and the test's count) would show any case left out.
    pub skipped: Vec<String>,
    /// Replayed cases whose verdict depends on the clock (a time claim lies between the case's
    /// `now` and the corpus horizon).
    pub clock_dependent: usize,
    /// Unexplained differences and stale or mistaken table entries: the test fails on any.
    pub problems: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "differential corpus: {} cases, {} replayed ({} clock-dependent) on a frozen clock, {} agree, {} differ, {} skipped",
            self.cases,
            self.replayed,
            self.clock_dependent,
            self.agreed,
            self.differing.len(),
            self.skipped.len()
        )?;
        for difference in &self.differing {
            let status = match &difference.status {
                Some(Status::Intended) => "intended".to_owned(),
                Some(Status::ToBeFixed(by)) => format!("known, to be fixed by {by}"),
                None => "UNEXPLAINED".to_owned(),
            };
            writeln!(
                f,
                "  {:<48} aws {:<36} ours {:<28} {status}",
                difference.case, difference.aws, difference.ours
            )?;
        }
        if !self.skipped.is_empty() {
            writeln!(f, "  skipped: {}", self.skipped.join(", "))?;
        }
        for problem in &self.problems {
            writeln!(f, "PROBLEM: {problem}")?;
        }
        Ok(())
    }
}

/// Replay every case against our verifier, its clock frozen at the case's `now` as
/// aws-jwt-verify's was, and compare with `table`.
pub async fn replay(corpus: Corpus, table: &[Difference]) -> Report {
    let entries: BTreeMap<&str, &Difference> = table.iter().map(|entry| (entry.case, entry)).collect();
    let mut report = Report { cases: corpus.cases.len(), ..Report::default() };
    if entries.len() != table.len() {
        report.problems.push("the intended-differences table lists a case twice".to_owned());
    }
    let mut names = HashSet::new();
    for case in &corpus.cases {
        if !names.insert(case.name.as_str()) {
            report.problems.push(format!("the corpus holds two cases named {}", case.name));
        }
    }
    for entry in table {
        if !names.contains(entry.case) {
            report.problems.push(format!("the table lists {}, which is not in the corpus", entry.case));
        }
    }

    let addr = serve_jwks(corpus.jwks).await;
    let mut verifiers = Verifiers::new(format!("http://{addr}"));
    for case in &corpus.cases {
        report.replayed += 1;
        report.clock_dependent += usize::from(case.clock_dependent);
        let ours = verifiers.verdict(case).await;
        let entry = entries.get(case.name.as_str());
        let ours_label = our_label(&ours);
        if agrees(&case.aws, &ours) {
            report.agreed += 1;
            if entry.is_some() {
                report.problems.push(format!(
                    "{}: listed as a difference, but both now say {} / {ours_label}: remove it from the table \
                     (src/differences.rs and docs/differential.md)",
                    case.name,
                    case.aws.label()
                ));
            }
            continue;
        }
        match entry {
            None => report.problems.push(format!(
                "{}: unexplained difference: aws-jwt-verify {}, ours {ours_label} ({})",
                case.name,
                case.aws.label(),
                case.description
            )),
            Some(entry) if entry.ours != ours_label => report.problems.push(format!(
                "{}: the table expects our verdict {}, but it is now {ours_label}: check the reason and update it",
                case.name, entry.ours
            )),
            Some(_) => {}
        }
        report.differing.push(Differing {
            case: case.name.clone(),
            aws: case.aws.label(),
            ours: ours_label,
            status: entry.map(|entry| entry.status),
        });
    }
    report
}
