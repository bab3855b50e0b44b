//! The differential corpus replays against our verifier with no unexplained difference, and the
//! table of differences is the one docs/differential.md shows.

use cognito_differential::compare::replay;
use cognito_differential::differences::DIFFERENCES;
use cognito_differential::{corpus, docs};

#[tokio::test(flavor = "current_thread")]
async fn corpus_replays_with_no_unexplained_difference() {
    let report = replay(corpus::load(), DIFFERENCES).await;
    println!("{report}");
    assert!(report.problems.is_empty(), "{report}");
    assert!(report.skipped.is_empty(), "{report}");
    assert_eq!(report.replayed, report.cases);
    assert_eq!(report.replayed, report.agreed + report.differing.len());
}

#[test]
fn docs_list_the_same_differences_as_the_test() {
    let page = docs::page_path();
    let markdown = std::fs::read_to_string(&page).unwrap_or_else(|err| panic!("{}: {err}", page.display()));
    let problems = docs::mismatches(&markdown, DIFFERENCES, &corpus::load());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(docs::rows(&markdown).len(), DIFFERENCES.len());
}
