//! Small JSON reading helpers shared by header and claims parsing.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON string, borrowed from the input when it has no escapes. (serde's own `Cow<str>`
/// always copies; object keys are read for every claim of every token.)
pub(crate) struct Str<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// The member names of one JSON object read so far, to refuse one given twice: RFC 8259 §4
/// leaves repeats to the parser, and two parsers that pick differently read two different
/// tokens. A short list (objects in tokens have a handful of members), indexed once it grows.
pub(crate) struct MemberNames<'de> {
    names: Vec<Cow<'de, str>>,
    index: Option<HashSet<Cow<'de, str>, foldhash::fast::RandomState>>,
}

/// Members past which [`MemberNames`] builds a hash index rather than compare them one by one.
const LINEAR_MEMBERS: usize = 32;

impl<'de> MemberNames<'de> {
    pub(crate) fn new() -> Self {
        MemberNames { names: Vec::new(), index: None }
    }

    /// Record `name`; `false` when it was already there.
    pub(crate) fn insert(&mut self, name: Cow<'de, str>) -> bool {
        if let Some(index) = &mut self.index {
            return index.insert(name);
        }
        if self.names.contains(&name) {
            return false;
        }
        self.names.push(name);
        if self.names.len() > LINEAR_MEMBERS {
            self.index = Some(self.names.drain(..).collect());
        }
        true
    }
}

/// Skips any JSON value, refusing an object, at any depth, that has a member twice. Numbers and
/// strings are read (not merely skipped, as `IgnoredAny` does), so a number out of range or a
/// string that is not UTF-8 is refused too.
pub(crate) struct UniqueMembers;

impl<'de> DeserializeSeed<'de> for UniqueMembers {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueMembers {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value without repeated member names")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(UniqueMembers)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut names = MemberNames::new();
        while let Some(Str(name)) = map.next_key::<Str<'de>>()? {
            if !names.insert(name) {
                return Err(de::Error::custom("repeated member name"));
            }
            map.next_value_seed(UniqueMembers)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unique(json: &str) -> bool {
        let mut de = serde_json::Deserializer::from_str(json);
        UniqueMembers.deserialize(&mut de).and_then(|()| de.end()).is_ok()
    }

    #[test]
    fn repeated_member_names_are_found_at_any_depth() {
        assert!(unique(r#"{"a":1,"b":{"a":[{"a":null,"b":"x"}]},"c":1.5}"#));
        assert!(!unique(r#"{"a":1,"a":1}"#));
        assert!(!unique(r#"{"a":{"x":1,"y":2,"x":3}}"#));
        assert!(!unique(r#"[{"a":1},{"b":1,"b":2}]"#));
        assert!(!unique(r#"{"a":1,"\u0061":2}"#));
    }

    #[test]
    fn many_member_names_are_indexed_and_still_checked() {
        let names: Vec<String> = (0..100).map(|i| format!("\"m{i}\":{i}")).collect();
        let object = format!("{{{}}}", names.join(","));
        assert!(unique(&object));
        assert!(!unique(&format!("{{{},\"m7\":0}}", names.join(","))));
        assert!(!unique(&format!("{{{},\"m70\":0}}", names.join(","))));
    }
}
