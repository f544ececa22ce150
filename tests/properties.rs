//! Properties that hold for every input, checked on generated ones (proptest): the loader never
//! panics, whatever the text; a score stays within 0–100, whatever the score map and findings;
//! the level never falls as the score rises; the printed score of proportional deductions is
//! never above the exact score, nor its level above the exact score's.

mod common;

use std::path::PathBuf;
use std::sync::LazyLock;

use proptest::prelude::*;

use certreport::base::fonts::FontSet;
use certreport::base::format;
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

/// A record scored by proportional deductions only: for each indicator, excluded (删减) or
/// derived from up to two samplings (samples, nonconforming); and some special items.
fn sampled_record() -> impl Strategy<Value = (Record, f64)> {
    let scheme = Scheme::builtin();
    let indicators: Vec<(String, f64)> = scheme.indicators().map(|i| (i.key.clone(), i.max)).collect();
    let sampling = (1u32..60).prop_flat_map(|samples| (Just(samples), 0..=samples));
    let indicator = (proptest::bool::weighted(0.15), proptest::collection::vec(sampling, 0..=2));
    (proptest::collection::vec(indicator, indicators.len()), 0usize..3, proptest::bool::ANY).prop_map(
        move |(rows, specials, bonus)| {
            let mut record = Record::default();
            let (mut exact_obtained, mut applicable) = (0.0, 0.0);
            for ((key, max), (excluded, samplings)) in indicators.iter().zip(rows) {
                if excluded {
                    record.scores.insert(key.clone(), IndicatorScore::Excluded);
                    continue;
                }
                record.scores.insert(key.clone(), IndicatorScore::Derived);
                let mut row = *max;
                for (samples, bad) in samplings {
                    row -= max * f64::from(bad) / f64::from(samples);
                    record.findings.push(Finding {
                        deduction: Some(Deduction {
                            indicator: key.clone(),
                            samples: Some(samples),
                            nonconforming: Some(bad),
                            ..Deduction::default()
                        }),
                        ..Finding::default()
                    });
                }
                exact_obtained += row.max(0.0);
                applicable += max;
            }
            for _ in 0..specials {
                record.findings.push(Finding {
                    special_deduction: Some(SpecialDeduction::default()),
                    ..Finding::default()
                });
            }
            if bonus {
                record.findings.push(Finding { special_bonus: Some("领先".into()), ..Finding::default() });
            }
            let exact = if applicable > 0.0 {
                (exact_obtained / applicable * 100.0 - specials as f64 + f64::from(u8::from(bonus)))
                    .clamp(0.0, 100.0)
            } else {
                f64::NAN
            };
            (record, exact)
        },
    )
}

/// A printed figure read back: `94.99` → 94.99.
fn printed(text: &str) -> f64 {
    text.replace('−', "-").parse().unwrap_or_else(|_| panic!("not a printed figure: {text}"))
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
    fn rounding_never_raises_the_printed_score_or_the_level((record, exact) in sampled_record()) {
        let scheme = Scheme::builtin();
        let sheet = score::score(&record, &scheme);
        let Some(total) = sheet.total else {
            prop_assert!(exact.is_nan(), "unscored, but the exact score is {exact}");
            return Ok(());
        };
        let shown = printed(&format::points(total));
        prop_assert!(shown <= exact + 1e-9, "printed {shown} > exact {exact}");
        let specials = sheet.special_deductions;
        let (computed, earned) = (sheet.outcome.as_ref().unwrap(), score::outcome(exact, specials, &scheme));
        prop_assert!(rank(computed) <= rank(&earned), "{shown} → {computed:?}, exact {exact} → {earned:?}");
        prop_assert_eq!(computed, &score::outcome(shown, specials, &scheme), "the level of the printed score");
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
