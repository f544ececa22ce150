//! Section 2's texts under the table: the scoring principles a)–e) and the level rules 1), 2)
//! a)–d), lettered and punctuated here so that the template only places them.

use serde::Serialize;

use crate::scheme::Scheme;

/// An item of a lettered list: `a)`.
#[derive(Debug, Serialize)]
pub struct Lettered {
    pub marker: String,
    pub text: String,
}

/// 评分结果 1) and 2) with its lettered levels.
#[derive(Debug, Serialize)]
pub struct LevelRulesView {
    /// 1) the minimum and when an evaluation fails.
    pub minimum: String,
    /// 2) the lead-in of the levels.
    pub grading: String,
    /// a)–d), each ending in its punctuation.
    pub grades: Vec<Lettered>,
}

/// Letters the items: `a`, `b`, ….
fn lettered(texts: impl IntoIterator<Item = String>) -> Vec<Lettered> {
    texts
        .into_iter()
        .zip('a'..='z')
        .map(|(text, letter)| Lettered { marker: letter.to_string(), text })
        .collect()
}

/// 评分原则说明 a)–e), from the scheme.
pub(super) fn principles(scheme: &Scheme) -> Vec<Lettered> {
    lettered(scheme.principles.iter().map(|p| scheme.fill(p)))
}

/// 评分结果 1) and 2): the scheme's rules, the levels lettered and punctuated as a list.
pub(super) fn level_rules(scheme: &Scheme) -> LevelRulesView {
    let mut rules = scheme.level_rules().into_iter();
    let minimum = rules.next().unwrap_or_default();
    let grading = rules.next().unwrap_or_default();
    let grades: Vec<String> = rules.collect();
    let last = grades.len();
    let grades =
        grades.into_iter().zip(1..).map(|(text, n)| format!("{text}{}", if n == last { "。" } else { "；" }));
    LevelRulesView { minimum, grading, grades: lettered(grades) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_lettered_and_end_the_list_with_a_full_stop() {
        let scheme = Scheme::builtin();
        let rules = level_rules(&scheme);
        assert!(rules.grading.ends_with("进行级别划分："));
        let markers: Vec<&str> = rules.grades.iter().map(|g| g.marker.as_str()).collect();
        assert_eq!(markers, ["a", "b", "c", "d"]);
        assert!(rules.grades[0].text.ends_with("达标级售后服务；"));
        assert!(rules.grades[3].text.ends_with("五星级售后服务。"));
        assert_eq!(principles(&scheme).len(), 5);
    }
}
