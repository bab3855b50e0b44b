//! A tonic client for the gRPC example: `grpc-check [ADDR] [TOKEN]` calls `Health/Check` on `ADDR`
//! (default `127.0.0.1:50051`), with `authorization: Bearer TOKEN` when a token is given, and
//! prints the serving status or the gRPC status the call failed with.

use std::net::SocketAddr;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| grpc::DEFAULT_ADDR.to_owned());
    let token = args.next();
    let addr: SocketAddr = match addr.parse() {
        Ok(addr) => addr,
        Err(err) => {
            eprintln!("grpc-check: {addr:?} is not an address like 127.0.0.1:50051: {err}");
            return ExitCode::FAILURE;
        }
    };
    match grpc::check(addr, token.as_deref()).await {
        Ok(grpc::SERVING) => {
            println!("OK: SERVING");
            ExitCode::SUCCESS
        }
        Ok(status) => {
            println!("OK: serving status {status}");
            ExitCode::SUCCESS
        }
        Err(status) => {
            println!("{:?}: {}", status.code(), status.message());
            ExitCode::FAILURE
        }
    }
}
