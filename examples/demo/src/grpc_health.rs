//! Pattern 1 over gRPC: the same layer in front of a tonic service, answering gRPC statuses.

use std::io::{self, Write};

use tonic::{Code, Status};

use crate::checks::Checks;
use crate::stack::Stack;

pub(crate) async fn show<W: Write>(stack: &Stack, checks: &mut Checks<'_, W>) -> io::Result<()> {
    checks.section(
        "gRPC: the same layer in front of a tonic service (grpc example)",
        &format!("grpc.health.v1.Health/Check needs an access token with {}.", grpc::REQUIRED_SCOPE),
    )?;

    let result = grpc::check(stack.grpc_addr, None).await;
    checks.step(
        "Health/Check without a token",
        "status UNAUTHENTICATED",
        &describe(&result),
        is_code(&result, Code::Unauthenticated),
    )?;

    let token = stack.issuer.access_token().scopes([grpc::REQUIRED_SCOPE]).sign();
    let result = grpc::check(stack.grpc_addr, Some(&token)).await;
    checks.step(
        &format!("Health/Check with an access token carrying {}", grpc::REQUIRED_SCOPE),
        "SERVING",
        &describe(&result),
        matches!(result, Ok(status) if status == grpc::SERVING),
    )?;

    let token = stack.issuer.access_token().scopes([api::SCOPE_GET]).sign();
    let result = grpc::check(stack.grpc_addr, Some(&token)).await;
    checks.step(
        &format!("Health/Check with a valid access token without {}", grpc::REQUIRED_SCOPE),
        "status PERMISSION_DENIED",
        &describe(&result),
        is_code(&result, Code::PermissionDenied),
    )
}

fn describe(result: &Result<i32, Status>) -> String {
    match result {
        Ok(status) if *status == grpc::SERVING => "SERVING".to_owned(),
        Ok(status) => format!("serving status {status}"),
        Err(status) if status.message().is_empty() => format!("status {:?}", status.code()),
        Err(status) => format!("status {:?}: {}", status.code(), status.message()),
    }
}

fn is_code(result: &Result<i32, Status>, code: Code) -> bool {
    matches!(result, Err(status) if status.code() == code)
}
