//! Issue 23, item 4: an application on ring builds no aws-lc-sys. `cargo tree` over this
//! application's normal dependencies (every target platform) must find no path to it, while the
//! same query with dev-dependencies must find the testkit's (so the query is one that can
//! succeed: a misspelt name or a broken invocation fails here instead of passing).

use std::process::{Command, Output};

fn cargo_tree_inverted(edges: &str) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .args(["tree", "--manifest-path", concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")])
        .args(["--target", "all", "-e", edges, "-i", "aws-lc-sys", "--prefix", "none"])
        .output()
        .expect("run cargo tree")
}

#[test]
fn the_application_builds_no_aws_lc_sys_only_its_tests_do() {
    let with_dev = cargo_tree_inverted("normal,build,dev");
    let found = String::from_utf8_lossy(&with_dev.stdout);
    assert!(with_dev.status.success(), "{}", String::from_utf8_lossy(&with_dev.stderr));
    assert!(
        found.lines().any(|line| line.starts_with("cognito-testkit ")),
        "the testkit (a dev-dependency) signs with aws-lc-rs, so the query must find it:\n{found}"
    );

    let normal = cargo_tree_inverted("normal,build");
    let stdout = String::from_utf8_lossy(&normal.stdout);
    let stderr = String::from_utf8_lossy(&normal.stderr);
    assert!(normal.status.success(), "{stderr}");
    assert!(stdout.trim().is_empty(), "aws-lc-sys is in the application's build:\n{stdout}");
    assert!(stderr.contains("nothing to print"), "{stderr}");
}
