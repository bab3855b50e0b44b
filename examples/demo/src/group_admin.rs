//! Pattern 3: routes open only to members of the `admin` group, from ID or access tokens.

use std::io::{self, Write};

use http::StatusCode;
use serde_json::Value;

use crate::checks::Checks;
use crate::request::{Answer, get};
use crate::resource_server::{describe, passes};
use crate::stack::Stack;

const ALICE_SUB: &str = "a11ce000-0000-4000-8000-000000000001";
const BOB_SUB: &str = "b0b00000-0000-4000-8000-000000000002";

pub(crate) async fn show<W: Write>(
    stack: &Stack,
    http: &reqwest::Client,
    checks: &mut Checks<'_, W>,
) -> io::Result<()> {
    checks.section(
        "Group-gated admin (admin example)",
        "GET /api/admin/users needs cognito:groups to contain admin; alice is in admin, bob in staff.",
    )?;
    let issuer = &stack.issuer;
    let id_token = |sub: &str, name: &str, group: &str| {
        issuer.id_token().sub(sub).username(name).email(format!("{name}@example.com")).groups([group]).sign()
    };
    let access_token = |sub: &str, name: &str, group: &str| {
        issuer.access_token().sub(sub).username(name).groups([group]).sign()
    };
    let users_url = format!("{}/api/admin/users", stack.admin_url);

    let cases = [
        ("alice's ID token (admin)", id_token(ALICE_SUB, "alice", admin::ADMIN_GROUP), true),
        ("alice's access token (admin)", access_token(ALICE_SUB, "alice", admin::ADMIN_GROUP), true),
        ("bob's ID token (staff)", id_token(BOB_SUB, "bob", "staff"), false),
        ("bob's access token (staff)", access_token(BOB_SUB, "bob", "staff"), false),
    ];
    for (who, token, admin) in &cases {
        let answer = get(http, &users_url, Some(token)).await;
        if *admin {
            checks.step(
                &format!("GET /api/admin/users with {who}"),
                "200 OK",
                &describe(&answer, |a| format!("{} {}", a.status, a.body.trim())),
                passes(&answer, |a| a.status == StatusCode::OK),
            )?;
        } else {
            checks.step(
                &format!("GET /api/admin/users with {who}"),
                "403 Forbidden",
                &describe(&answer, Answer::summary),
                passes(&answer, |a| a.status == StatusCode::FORBIDDEN),
            )?;
        }
    }

    let token = id_token(ALICE_SUB, "alice", admin::ADMIN_GROUP);
    let answer = get(http, &format!("{}/api/me", stack.admin_url), Some(&token)).await;
    let me = answer.as_ref().ok().and_then(|a| serde_json::from_str::<Value>(&a.body).ok());
    let is_alice = me.as_ref().is_some_and(|me| {
        me["sub"] == ALICE_SUB && me["token_use"] == "id" && me["groups"] == serde_json::json!(["admin"])
    });
    checks.step(
        "GET /api/me with alice's ID token shows the verified claims",
        "200 OK with sub, token_use id, groups [admin]",
        &describe(&answer, |a| format!("{} {}", a.status, a.body.trim())),
        passes(&answer, |a| a.status == StatusCode::OK) && is_alice,
    )
}
