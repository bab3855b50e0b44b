//! Running a test in a child process behind a counting HTTP proxy: how tests check that requests
//! never go through an environment proxy, since a test cannot change its own process's
//! environment safely.

use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs the test named `test` (of the current test binary) in a child process whose proxy
/// variables (`HTTP_PROXY`, `ALL_PROXY`, `HTTPS_PROXY`, upper and lower case) point at a listener
/// of this process that counts connections, with `NO_PROXY` removed and `child_env_var` set.
/// Returns whether the child's test passed and how many connections the proxy saw. If the
/// child failed, its output is printed to stderr.
///
/// The test calls [`is_child`] with the same variable first: in the child it runs its body and
/// returns; in the parent it calls this function and asserts on the result.
///
/// ```no_run
/// const CHILD: &str = "MY_PROXY_TEST_CHILD";
///
/// #[test]
/// fn requests_to_loopback_never_go_through_a_proxy() {
///     if test_support::is_child(CHILD) {
///         // ... make the requests and assert on them ...
///         return;
///     }
///     let (passed, proxied) =
///         test_support::in_child_behind_a_proxy("requests_to_loopback_never_go_through_a_proxy", CHILD);
///     assert_eq!(proxied, 0, "connections to the proxy");
///     assert!(passed, "the child failed: see its output above");
/// }
/// ```
///
/// # Panics
///
/// If the listener cannot be bound or the child process cannot be started.
pub fn in_child_behind_a_proxy(test: &str, child_env_var: &str) -> (bool, usize) {
    let proxy = TcpListener::bind("127.0.0.1:0").expect("bind the counting proxy");
    let url = format!("http://{}", proxy.local_addr().expect("the counting proxy's address"));
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    std::thread::spawn(move || {
        for connection in proxy.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(connection);
        }
    });
    let mut child = Command::new(std::env::current_exe().expect("the test binary's path"));
    child.args(["--exact", test, "--test-threads", "1", "--nocapture"]).env(child_env_var, "1");
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"] {
        child.env(name, &url);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        child.env_remove(name);
    }
    let output = child.output().expect("run the test binary as a child");
    let passed = output.status.success() && String::from_utf8_lossy(&output.stdout).contains("1 passed");
    if !passed {
        eprintln!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    }
    (passed, seen.load(Ordering::SeqCst))
}

/// Whether this process is a child started by [`in_child_behind_a_proxy`] with `child_env_var`.
pub fn is_child(child_env_var: &str) -> bool {
    std::env::var_os(child_env_var).is_some()
}
