//! How an entry is written in the Redis hash and on the channel.
//!
//! Hash field `s:{origin_jti}` → `{expires_at}`, or `u:{sub}` → `{before} {expires_at}`; a
//! message on the channel is the field, a newline, and the value (the value has no newline).

use cognito_verify::RevocationEntry;

/// The hash field and value of `entry`.
pub(crate) fn encode(entry: &RevocationEntry) -> (String, String) {
    match entry {
        RevocationEntry::Session { origin_jti, expires_at } => {
            (format!("s:{origin_jti}"), expires_at.to_string())
        }
        RevocationEntry::User { sub, before, expires_at } => {
            (format!("u:{sub}"), format!("{before} {expires_at}"))
        }
    }
}

/// The entry of a hash field and value; `None` for anything else (written by another program
/// or version: ignored).
pub(crate) fn decode(field: &str, value: &str) -> Option<RevocationEntry> {
    let number = |s: &str| s.trim().parse::<i64>().ok();
    if let Some(origin_jti) = field.strip_prefix("s:") {
        return Some(RevocationEntry::Session {
            origin_jti: origin_jti.to_owned(),
            expires_at: number(value)?,
        });
    }
    let sub = field.strip_prefix("u:")?;
    let (before, expires_at) = value.split_once(' ')?;
    Some(RevocationEntry::User {
        sub: sub.to_owned(),
        before: number(before)?,
        expires_at: number(expires_at)?,
    })
}

/// The channel message of `entry`.
pub(crate) fn message(entry: &RevocationEntry) -> String {
    let (field, value) = encode(entry);
    format!("{field}\n{value}")
}

/// The entry of a channel message.
pub(crate) fn from_message(message: &str) -> Option<RevocationEntry> {
    let (field, value) = message.rsplit_once('\n')?;
    decode(field, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_the_round_trip_through_redis() {
        let entries = [
            RevocationEntry::Session { origin_jti: "a:b\nc".into(), expires_at: 1_700_000_000 },
            RevocationEntry::User { sub: "user 1".into(), before: 1_699_990_000, expires_at: 1_700_086_700 },
        ];
        for entry in entries {
            let (field, value) = encode(&entry);
            assert_eq!(decode(&field, &value), Some(entry.clone()));
            assert_eq!(from_message(&message(&entry)), Some(entry));
        }
    }

    #[test]
    fn fields_of_other_programs_are_ignored() {
        assert_eq!(decode("x:1", "2"), None);
        assert_eq!(decode("s:1", "soon"), None);
        assert_eq!(decode("u:1", "2"), None);
        assert_eq!(from_message("no newline"), None);
    }
}
