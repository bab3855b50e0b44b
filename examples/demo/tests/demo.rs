//! The demo, run in-process as `cargo run -p demo` runs it: every step must behave as expected.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_of_the_demo_behaves_as_expected() {
    let mut out = Vec::new();

    let outcome = demo::run(&mut out).await.unwrap();

    let text = String::from_utf8_lossy(&out);
    assert!(outcome.all_passed(), "failed steps: {:?}\n{text}", outcome.failed().collect::<Vec<_>>());
    for section in ["1. API", "2. Machine to machine", "3. Group-gated admin", "4. gRPC", "5. Key rotation"] {
        assert!(text.contains(section), "no section {section:?} in\n{text}");
    }
    assert!(outcome.steps.len() >= 19, "{} steps\n{text}", outcome.steps.len());
}
