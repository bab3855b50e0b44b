//! [`TestUser`]: a user of the pool who signs in through the hosted login.

use std::fmt;

use serde_json::{Map, Value};

use crate::keys;

/// A user the hosted login (`/oauth2/authorize`) accepts, with a password, groups and
/// attributes. Add one with [`TestIssuer::add_user`](crate::TestIssuer::add_user).
///
/// Tokens issued to the user carry `sub` (a random UUID unless set), `username` /
/// `cognito:username`, `cognito:groups` (when the user is in a group; Cognito leaves the claim
/// out otherwise), and in the ID token `email`, `email_verified` and every
/// [`attribute`](Self::attribute).
///
/// ```
/// use cognito_testkit::TestUser;
///
/// let alice = TestUser::new("alice", "correct horse battery staple")
///     .groups(["admin"])
///     .email("alice@example.com")
///     .attribute("name", "Alice Liddell");
/// assert_eq!(alice.username(), "alice");
/// ```
#[derive(Clone, PartialEq)]
pub struct TestUser {
    username: String,
    password: String,
    sub: String,
    groups: Vec<String>,
    email: Option<String>,
    attributes: Map<String, Value>,
}

impl fmt::Debug for TestUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestUser")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("sub", &self.sub)
            .field("groups", &self.groups)
            .field("email", &self.email)
            .field("attributes", &self.attributes)
            .finish()
    }
}

impl TestUser {
    /// A user with this name and password, a fresh random `sub`, no groups, and the email
    /// `{username}@example.com`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> TestUser {
        let username = username.into();
        TestUser {
            email: Some(format!("{username}@example.com")),
            username,
            password: password.into(),
            sub: keys::uuid_v4(),
            groups: Vec::new(),
            attributes: Map::new(),
        }
    }

    /// Sets `sub`.
    // Named after the claim, as the token builder's setter is; it is no subtraction.
    #[allow(clippy::should_implement_trait)]
    pub fn sub(mut self, sub: impl Into<String>) -> TestUser {
        self.sub = sub.into();
        self
    }

    /// Sets the user's groups (`cognito:groups`), replacing any set before.
    pub fn groups(mut self, groups: impl IntoIterator<Item = impl Into<String>>) -> TestUser {
        self.groups = groups.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the email address (`email`, verified).
    pub fn email(mut self, email: impl Into<String>) -> TestUser {
        self.email = Some(email.into());
        self
    }

    /// Adds a user attribute, put in the ID token and the `userInfo` answer under `name`
    /// (`"name"`, `"given_name"`, `"custom:tenant"`, ...).
    pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> TestUser {
        self.attributes.insert(name.into(), Value::String(value.into()));
        self
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password the login form accepts.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The user's `sub`.
    pub fn subject(&self) -> &str {
        &self.sub
    }

    /// The user's groups.
    pub fn group_names(&self) -> &[String] {
        &self.groups
    }

    pub(crate) fn email_address(&self) -> Option<&str> {
        self.email.as_deref()
    }

    pub(crate) fn attributes(&self) -> &Map<String, Value> {
        &self.attributes
    }
}
