// TEMPORARY: classify fuzz corpus entries by outcome. Not to be committed.
#[path = "fuzz_regressions/harness.rs"]
mod harness;
use cognito_verify::VerifyError;
use cognito_verify::fuzz::{KeyStatus, parse_jwks};

fn class(r: &Result<cognito_verify::Claims, VerifyError>) -> String {
    match r {
        Ok(_) => "OK".into(),
        Err(e) => match e {
            VerifyError::Malformed(m) => format!("Malformed({m})"),
            VerifyError::MalformedHeader(m) => format!("MalformedHeader({m})"),
            VerifyError::MalformedPayload(m) => format!("MalformedPayload({m})"),
            VerifyError::UnusableKey { reason, .. } => format!("UnusableKey({reason})"),
            VerifyError::KeyAlgorithmMismatch { alg, .. } => format!("KeyAlgMismatch({alg})"),
            other => harness::error_kind(other).split(['{', ' ']).next().unwrap().to_string(),
        },
    }
}

#[test]
fn classify() {
    let root = std::env::var("CORPUS").unwrap();
    for target in ["verify_token", "verify_token_mutated", "verify_token_signed", "jwks_document"] {
        let dir = std::path::Path::new(&root).join(target);
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for entry in rd {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let c = match target {
                "verify_token" => {
                    let t = String::from_utf8_lossy(&data);
                    let [(_, a), _, (_, m)] = harness::ENV.verify_all(&t);
                    format!("{} | {}", class(&a), class(&m))
                }
                "verify_token_mutated" => match harness::mutated(&data) {
                    None => "none".into(),
                    Some((o, t)) => {
                        let [(_, a), _, (_, m)] = harness::ENV.verify_all(&t);
                        format!("{} {} | {}", t == *o, class(&a), class(&m))
                    }
                },
                "verify_token_signed" => match harness::signed_parts(&data) {
                    None => "none".into(),
                    Some((h, p)) => {
                        let t = harness::ENV.sign(h, p);
                        let [(_, a), _, (_, m)] = harness::ENV.verify_all(&t);
                        format!("{} {} | {}", harness::header_names_the_ed_key(h), class(&a), class(&m))
                    }
                },
                _ => match parse_jwks(&data) {
                    Err(e) => format!("Err({e})"),
                    Ok(s) => {
                        let mut v: Vec<String> = s
                            .iter()
                            .map(|(_, st)| match st {
                                KeyStatus::Usable(o) => format!(
                                    "U{:?}",
                                    o.iter().filter(|(_, r)| *r == Err(VerifyError::InvalidSignature)).map(|(a, _)| *a).collect::<Vec<_>>()
                                ),
                                KeyStatus::Unusable(r) => format!("X({r})"),
                                KeyStatus::Absent => "absent".into(),
                            })
                            .collect();
                        v.sort();
                        v.dedup();
                        v.join(",")
                    }
                },
            };
            println!("CLASS\t{target}\t{}\t{}\t{c}", data.len(), path.display());
        }
    }
}
