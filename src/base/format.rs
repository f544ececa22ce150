//! How the report writes numbers and dates: every score, deduction and date on the page (and in
//! `check`'s messages) is written here, so that one figure always reads the same.
//!
//! - Points are kept in hundredths by [`crate::rules::score`]. A figure prints whole when it is whole,
//!   else with the decimals it has, at most two (`3.5`, `3.53`). Anything finer is cut, never
//!   rounded up: 94.996 prints 94.99, so a printed score never reaches a level the score does not.
//! - Dates print as the reference prints them: `2025 年 12 月 03 日` in the form's fields,
//!   `2025年07月12日` inside a sentence or beside a signature, `上午`/`下午` after a half day.

use crate::base::date::{Date, DateHalf, HalfDay};

/// Scores within this distance count as equal: it absorbs floating-point noise only.
pub const EPSILON: f64 = 1e-7;

/// A value cut to whole hundredths, as an integer (`94.996` → `9499`). The cut allows for
/// floating-point noise with the same tolerance as the level thresholds ([`EPSILON`]), so a
/// score counted as reaching 95 also prints as 95.
pub fn hundredths(value: f64) -> i64 {
    let magnitude = (value.abs() * 100.0 + EPSILON * 100.0).floor() as i64;
    if value < 0.0 { -magnitude } else { magnitude }
}

/// From this magnitude on, a value's hundredths are not counted exactly.
const LARGEST_IN_HUNDREDTHS: f64 = 1e13;

/// Whether printing `value` loses nothing: it is a whole number of hundredths.
pub fn is_exact(value: f64) -> bool {
    (value - hundredths(value) as f64 / 100.0).abs() <= EPSILON
}

/// Points as the report prints them: `95`, `3.5`, `3.53`, `94.99` (for 94.996), `−2`.
pub fn points(value: f64) -> String {
    if value.abs() >= LARGEST_IN_HUNDREDTHS {
        // A typing mistake, never a score: printed whole rather than cut to what fits.
        return format!("{}{:.0}", if value < 0.0 { "−" } else { "" }, value.abs());
    }
    let h = hundredths(value);
    let sign = if h < 0 { "−" } else { "" };
    let (whole, part) = (h.abs() / 100, h.abs() % 100);
    match part {
        0 => format!("{sign}{whole}"),
        p if p % 10 == 0 => format!("{sign}{whole}.{}", p / 10),
        p => format!("{sign}{whole}.{p:02}"),
    }
}

/// Points with their sign, for the special items' column: `0`, `−2`, `+1`.
pub fn signed(value: f64) -> String {
    if hundredths(value) > 0 { format!("+{}", points(value)) } else { points(value) }
}

/// A date in a field of the form: `2025 年 12 月 03 日`.
pub fn date(date: Date) -> String {
    format!("{} 年 {:02} 月 {:02} 日", date.year(), date.month(), date.day())
}

/// A date inside a sentence or beside a signature: `2025年12月03日`.
pub fn date_inline(date: Date) -> String {
    format!("{}年{:02}月{:02}日", date.year(), date.month(), date.day())
}

/// `上午` or `下午`.
pub fn half_day(half: HalfDay) -> &'static str {
    match half {
        HalfDay::Morning => "上午",
        HalfDay::Afternoon => "下午",
    }
}

/// A half day of the audit: `2025 年 12 月 03 日上午`.
pub fn date_half(moment: DateHalf) -> String {
    format!("{}{}", date(moment.date), half_day(moment.half))
}

/// A range of days: `2025 年 12 月 01 日至 2025 年 12 月 02 日`.
pub fn date_range(from: Date, to: Date) -> String {
    format!("{}至 {}", date(from), date(to))
}

/// The audit's time: `2025 年 12 月 03 日上午至 2025 年 12 月 03 日下午`.
pub fn date_half_range(from: DateHalf, to: DateHalf) -> String {
    format!("{}至 {}", date_half(from), date_half(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_print_whole_or_with_their_decimals_cut_at_hundredths() {
        assert_eq!(points(95.0), "95");
        assert_eq!(points(3.5), "3.5");
        assert_eq!(points(3.53), "3.53");
        assert_eq!(points(10.0 / 3.0), "3.33");
        assert_eq!(points(94.996), "94.99");
        assert_eq!(points(89.999), "89.99");
        assert_eq!(points(94.999_999_999), "95");
        assert_eq!(points(90.000_000_000_1), "90");
        assert_eq!(points(0.5), "0.5");
        assert_eq!(points(0.05), "0.05");
        assert_eq!(points(6.47), "6.47"); // 6.47 is 6.4699… in binary
        assert_eq!(points(-2.0), "−2");
        assert_eq!(points(0.0), "0");
    }

    #[test]
    fn figures_too_large_for_hundredths_print_whole_never_saturated() {
        assert_eq!(points(1e20), "100000000000000000000");
        assert_eq!(points(-1e15), "−1000000000000000");
        assert!(points(1e308).starts_with("1000000000000000"), "{}", points(1e308));
    }

    #[test]
    fn signed_points_carry_their_sign() {
        assert_eq!(signed(0.0), "0");
        assert_eq!(signed(1.0), "+1");
        assert_eq!(signed(-2.0), "−2");
        assert_eq!(signed(-0.5), "−0.5");
    }

    #[test]
    fn exact_values_are_whole_hundredths() {
        assert!(is_exact(95.37));
        assert!(is_exact(100.0));
        assert!(!is_exact(93.47 / 98.0 * 100.0));
    }

    #[test]
    fn dates_print_as_the_reference() {
        let d = Date::new(2025, 12, 3).unwrap();
        assert_eq!(date(d), "2025 年 12 月 03 日");
        assert_eq!(date_inline(d), "2025年12月03日");
        assert_eq!(date_half(DateHalf { date: d, half: HalfDay::Afternoon }), "2025 年 12 月 03 日下午");
        assert_eq!(
            date_range(d, Date::new(2025, 12, 4).unwrap()),
            "2025 年 12 月 03 日至 2025 年 12 月 04 日"
        );
    }
}
