//! Properties that hold for every input, checked on generated ones (proptest): the loader never
//! panics, whatever the text; a score stays within 0–100, whatever the score map and findings;
//! the level never falls as the score rises.

mod common;

use std::path::PathBuf;
use std::sync::LazyLock;

use proptest::prelude::*;

use certreport::base::fonts::FontSet;
use certreport::load::Source;
use certreport::model::record::{Deduction, Finding, IndicatorScore, Record, SpecialDeduction};
use certreport::model::scheme::Scheme;
use certreport::rules::pipeline;
use certreport::rules::score::{self, Outcome};

static FONTS: LazyLock<FontSet> = LazyLock::new(|| FontSet::new(&[]).expect("the embedded fonts"));

/// Generated records live beside the example, so that its profile resolves.
fn record_file() -> PathBuf {
    common::repo("examples/generated.yaml")
}

/// Loads, validates, scores and glyph-checks a text; builds the report data when it is valid.
fn run_pipeline(text: String) {
    if let Ok(mut checked) = pipeline::check_source(Source::new(record_file(), text)) {
        checked.check_glyphs(FONTS.book());
        for diagnostic in &checked.diagnostics {
            let _ = (diagnostic.to_string(), diagnostic.one_line());
        }
        if !checked.has_errors() {
            let _ = checked.view().to_json();
        }
    }
}

/// The example record with a piece of text put in at some place.
fn mutated_example() -> impl Strategy<Value = String> {
    let example = common::example_text();
    let len = example.chars().count();
    (0..len, 0..40usize, ".{0,40}").prop_map(move |(at, cut, insert)| {
        let chars: Vec<char> = example.chars().collect();
        let end = (at + cut).min(chars.len());
        let mut text: String = chars[..at].iter().collect();
        text.push_str(&insert);
        text.extend(&chars[end..]);
        text
    })
}

/// A score of one indicator, in range or not.
fn indicator_score() -> impl Strategy<Value = IndicatorScore> {
    prop_oneof![
        Just(IndicatorScore::Excluded),
        Just(IndicatorScore::Derived),
        (-50.0..200.0f64).prop_map(IndicatorScore::Stated),
        (0.0..15.0f64).prop_map(IndicatorScore::Stated),
    ]
}

/// A finding: a deduction of any form and size, a special deduction or a bonus.
fn finding(keys: Vec<String>) -> impl Strategy<Value = Finding> {
    let deduction = (
        proptest::sample::select(keys),
        any::<bool>(),
        proptest::option::of(-20.0..40.0f64),
        proptest::option::of(0u32..20),
        proptest::option::of(0u32..30),
    )
        .prop_map(|(indicator, whole, points, samples, nonconforming)| Deduction {
            indicator,
            whole,
            points,
            samples,
            nonconforming,
        });
    prop_oneof![
        deduction.prop_map(|d| Finding { deduction: Some(d), ..Finding::default() }),
        Just(Finding { special_deduction: Some(SpecialDeduction::default()), ..Finding::default() }),
        Just(Finding { special_bonus: Some("加分".into()), ..Finding::default() }),
    ]
}

fn record() -> impl Strategy<Value = Record> {
    let scheme = Scheme::builtin();
    let keys: Vec<String> = scheme.indicators().map(|i| i.key.clone()).collect();
    (
        proptest::collection::vec(proptest::option::of(indicator_score()), keys.len()),
        proptest::collection::vec(finding(keys.clone()), 0..12),
    )
        .prop_map(move |(scores, findings)| {
            let mut record = Record { findings, ..Record::default() };
            for (key, score) in keys.iter().zip(scores) {
                if let Some(score) = score {
                    record.scores.insert(key.clone(), score);
                }
            }
            record
        })
}

/// Failing ranks below every level; levels rank by their index.
fn rank(outcome: &Outcome) -> i64 {
    match outcome {
        Outcome::Failed { .. } => -1,
        Outcome::Passed { level } => *level as i64,
    }
}

// 256 cases each by default; PROPTEST_CASES=100000 for a long run.
proptest! {
    #[test]
    fn arbitrary_text_never_panics_the_loader(text in any::<String>()) {
        run_pipeline(text);
    }

    #[test]
    fn yaml_like_text_never_panics_the_loader(text in "([a-z_]{1,12}: ?(\\[|\\{|&a|\\*a|!x|\"|'|-|[0-9.]{1,4}|[^\\n]{0,8})?\n {0,6}){0,30}") {
        run_pipeline(text);
    }

    #[test]
    fn an_example_record_with_text_put_in_anywhere_never_panics_the_loader(text in mutated_example()) {
        run_pipeline(text);
    }

    #[test]
    fn a_score_stays_within_0_and_100(record in record()) {
        let scheme = Scheme::builtin();
        let sheet = score::score(&record, &scheme);
        if let Some(total) = sheet.total {
            prop_assert!((0.0..=100.0).contains(&total), "total {total}");
        }
        prop_assert!(sheet.base.is_finite());
    }

    #[test]
    fn the_level_never_falls_as_the_score_rises(
        low in 0.0..=100.0f64,
        rise in 0.0..=100.0f64,
        specials in 0usize..8,
    ) {
        let scheme = Scheme::builtin();
        let high = (low + rise).min(100.0);
        let (before, after) = (score::outcome(low, specials, &scheme), score::outcome(high, specials, &scheme));
        prop_assert!(rank(&before) <= rank(&after), "{low} → {before:?}, {high} → {after:?}");
    }
}
