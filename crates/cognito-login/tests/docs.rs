//! The documented way to get the session store: the crate's own re-export of tower-sessions, so
//! that a newer `tower-sessions` added with `cargo add` cannot give `session_layer` a store of
//! another version (E0277).

const README: &str = include_str!("../README.md");
const BROWSER_LOGIN: &str = include_str!("../../../docs/browser-login.md");

#[test]
fn the_readme_takes_tower_sessions_from_the_re_export() {
    assert!(!README.contains("tower-sessions = \""), "README tells users to add tower-sessions themselves");
    assert!(README.contains("use cognito_login::tower_sessions::MemoryStore;"));
    assert!(README.contains("0.14"), "README says which version and why");
}

#[test]
fn the_browser_login_guide_takes_tower_sessions_from_the_re_export() {
    assert!(BROWSER_LOGIN.contains("use cognito_login::tower_sessions::MemoryStore;"));
}
