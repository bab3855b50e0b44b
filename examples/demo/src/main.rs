//! `cargo run -p demo`: every pattern, checked, in a few seconds. Exits 0 when every step
//! behaved as expected, 1 otherwise.

use std::io::Write;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut out = std::io::stdout();
    let result = demo::run(&mut out).await;
    let _ = out.flush();
    match result {
        Ok(outcome) if outcome.all_passed() => ExitCode::SUCCESS,
        Ok(outcome) => {
            let failed: Vec<&str> = outcome.failed().map(|step| step.id.as_str()).collect();
            eprintln!("demo: ✗ step(s) {} did not behave as expected", failed.join(", "));
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("demo: ✗ {err}");
            ExitCode::FAILURE
        }
    }
}
