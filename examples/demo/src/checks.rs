//! [`Checks`]: numbered steps, each printed with what was expected and what happened, and the
//! [`Outcome`] they add up to.

use std::io::{self, Write};

/// One step: its number, what it did, and whether it behaved as expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `section.step`, e.g. `2.3`.
    pub id: String,
    /// What the step did.
    pub title: String,
    /// Whether what happened is what was expected.
    pub passed: bool,
}

/// Every step the demo ran. [`run`](crate::run) returns it; the demo succeeded when
/// [`all_passed`](Self::all_passed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Outcome {
    /// Whether there were steps and every one behaved as expected.
    pub fn all_passed(&self) -> bool {
        !self.steps.is_empty() && self.steps.iter().all(|step| step.passed)
    }

    /// The steps that did not behave as expected.
    pub fn failed(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|step| !step.passed)
    }
}

/// Writes sections and steps to `out` and records the outcome.
pub(crate) struct Checks<'a, W: Write> {
    out: &'a mut W,
    section: usize,
    step: usize,
    outcome: Outcome,
}

impl<'a, W: Write> Checks<'a, W> {
    pub(crate) fn new(out: &'a mut W) -> Self {
        Checks { out, section: 0, step: 0, outcome: Outcome::default() }
    }

    /// The writer, for free-form lines.
    pub(crate) fn out(&mut self) -> &mut W {
        self.out
    }

    /// Starts section `n+1`: a blank line, its number and title, and what it shows.
    pub(crate) fn section(&mut self, title: &str, about: &str) -> io::Result<()> {
        self.section += 1;
        self.step = 0;
        writeln!(self.out)?;
        writeln!(self.out, "{}. {title}", self.section)?;
        writeln!(self.out, "   {about}")
    }

    /// An explanatory line inside the current section.
    pub(crate) fn note(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "   {text}")
    }

    /// Records and prints one step.
    pub(crate) fn step(&mut self, title: &str, expected: &str, got: &str, passed: bool) -> io::Result<()> {
        self.step += 1;
        let id = format!("{}.{}", self.section, self.step);
        let mark = if passed { "✓" } else { "✗" };
        writeln!(self.out, "   {id} {title}")?;
        writeln!(self.out, "       expected: {expected}")?;
        writeln!(self.out, "       got:      {got}  {mark}")?;
        self.outcome.steps.push(Step { id, title: title.to_owned(), passed });
        Ok(())
    }

    pub(crate) fn finish(self) -> Outcome {
        self.outcome
    }
}

/// A writer that prefixes every line written through it, to nest another component's output.
pub(crate) struct Indented<'a, W: Write> {
    inner: &'a mut W,
    prefix: &'static str,
    at_line_start: bool,
}

impl<'a, W: Write> Indented<'a, W> {
    pub(crate) fn new(inner: &'a mut W, prefix: &'static str) -> Self {
        Indented { inner, prefix, at_line_start: true }
    }
}

impl<W: Write> Write for Indented<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for line in buf.split_inclusive(|byte| *byte == b'\n') {
            if self.at_line_start {
                self.inner.write_all(self.prefix.as_bytes())?;
            }
            self.inner.write_all(line)?;
            self.at_line_start = line.ends_with(b"\n");
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn indented_prefixes_each_line_once_across_writes() {
        let mut out = Vec::new();
        let mut indented = Indented::new(&mut out, "> ");
        write!(indented, "one\ntw").unwrap();
        writeln!(indented, "o").unwrap();
        writeln!(indented, "three").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "> one\n> two\n> three\n");
    }

    #[test]
    fn an_outcome_without_steps_is_not_a_success() {
        assert!(!Outcome::default().all_passed());
    }

    #[test]
    fn steps_are_numbered_per_section_and_failures_listed() {
        let mut out = Vec::new();
        let mut checks = Checks::new(&mut out);
        checks.section("A", "about a").unwrap();
        checks.step("first", "x", "x", true).unwrap();
        checks.section("B", "about b").unwrap();
        checks.step("second", "y", "z", false).unwrap();
        let outcome = checks.finish();
        assert!(!outcome.all_passed());
        let failed: Vec<_> = outcome.failed().map(|s| s.id.as_str()).collect();
        assert_eq!(failed, ["2.1"]);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("1.1 first") && text.contains("2.1 second") && text.contains('✗'));
    }
}
