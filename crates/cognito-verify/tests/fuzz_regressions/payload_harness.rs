//! The check of the `payload` fuzz target, shared by `fuzz/` (which includes this file) and the
//! regression tests next to it: the two readers of a payload's standard claims.

use cognito_verify::fuzz::compare_payload_readers;

/// Target `payload`. Never a panic; whatever the scanner for plain payloads reads, serde_json
/// reads the same (the scanner's answer is never observable), and a payload the scanner reads
/// is a JSON object.
pub fn payload(data: &[u8]) {
    match compare_payload_readers(data) {
        Err(difference) => panic!("the readers differ on {:?}: {difference}", String::from_utf8_lossy(data)),
        Ok(true) => {
            let object = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(data);
            assert!(object.is_ok(), "the scanner read a payload that is not a JSON object: {data:?}");
        }
        Ok(false) => {}
    }
}
