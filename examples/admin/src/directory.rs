//! The made-up, in-memory user directory the admin app manages, and its audit log.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use crate::ADMIN_GROUP;

/// A user of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The user name.
    pub username: String,
    /// The user's groups.
    pub groups: Vec<String>,
}

/// One admin action, as the audit page and `GET /api/admin/audit` list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Who did it: the user name, or `sub` when the token has none.
    pub caller: String,
    /// What they did.
    pub action: String,
}

/// The directory and the audit log, shared by the pages and the API.
#[derive(Clone, Debug)]
pub struct Directory(Arc<Mutex<DirectoryInner>>);

#[derive(Debug)]
struct DirectoryInner {
    users: Vec<User>,
    audit: Vec<AuditEntry>,
}

impl Directory {
    /// alice (admin), bob (staff) and carol (no group).
    pub fn seeded() -> Directory {
        let user = |name: &str, groups: &[&str]| User {
            username: name.to_owned(),
            groups: groups.iter().map(|group| (*group).to_owned()).collect(),
        };
        let users = vec![user("alice", &[ADMIN_GROUP]), user("bob", &["staff"]), user("carol", &[])];
        Directory(Arc::new(Mutex::new(DirectoryInner { users, audit: Vec::new() })))
    }

    fn lock(&self) -> MutexGuard<'_, DirectoryInner> {
        // Every update is a single push or field change: a panic cannot leave the data
        // half-changed.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The users, recording that `caller` listed them.
    pub fn list_users(&self, caller: &str) -> Vec<User> {
        let mut directory = self.lock();
        directory.audit.push(AuditEntry { caller: caller.to_owned(), action: "listed users".to_owned() });
        directory.users.clone()
    }

    /// Adds a user (or changes the group of an existing one), recording who did it.
    pub fn put_user(&self, caller: &str, username: &str, group: Option<&str>) {
        let mut directory = self.lock();
        let groups: Vec<String> = group.into_iter().map(str::to_owned).collect();
        let action = match directory.users.iter_mut().find(|u| u.username == username) {
            Some(user) => {
                user.groups = groups;
                format!("set the group of {username} to {}", group.unwrap_or("(none)"))
            }
            None => {
                directory.users.push(User { username: username.to_owned(), groups });
                format!("added {username} to {}", group.unwrap_or("no group"))
            }
        };
        directory.audit.push(AuditEntry { caller: caller.to_owned(), action });
    }

    /// Records that `caller` did `action` (for actions outside the directory, such as signing
    /// a user out everywhere).
    pub fn record(&self, caller: &str, action: String) {
        self.lock().audit.push(AuditEntry { caller: caller.to_owned(), action });
    }

    /// The audit log, oldest first.
    pub fn audit(&self) -> Vec<AuditEntry> {
        self.lock().audit.clone()
    }
}
