//! Calendar dates and half days as auditors write them in a record.
//!
//! A record writes a date as `2025-12-03` and an audit moment as `2025-12-03 am` (or
//! `2025-12-03 上午`). Both parse with Chinese error messages and compare in calendar order;
//! the report's way of writing them (`2025 年 12 月 03 日上午`) is in [`crate::base::format`]. The
//! calendar arithmetic is chrono's.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The years a record's dates may fall in: anything else is a typing mistake.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// A calendar date (公历日期) between 1900 and 2999, validated on construction. The default
/// is 2000-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Default for Date {
    fn default() -> Self {
        Date(NaiveDate::from_ymd_opt(2000, 1, 1).expect("2000-01-01 exists"))
    }
}

impl Date {
    /// Today's date (UTC).
    pub fn today() -> Date {
        Date::from_naive(chrono::Utc::now().date_naive()).unwrap_or_default()
    }

    /// A date, if the day exists in the Gregorian calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day)).and_then(Date::from_naive)
    }

    fn from_naive(date: NaiveDate) -> Option<Date> {
        YEARS.contains(&date.year()).then_some(Date(date))
    }

    pub fn year(self) -> u16 {
        // Within YEARS: the cast is exact.
        self.0.year() as u16
    }

    pub fn month(self) -> u8 {
        self.0.month() as u8
    }

    pub fn day(self) -> u8 {
        self.0.day() as u8
    }

    /// The same day `years` years later; 29 February becomes 28 February in a common year.
    /// `None` past the last year a record may hold.
    pub fn add_years(self, years: u16) -> Option<Date> {
        self.0.checked_add_months(Months::new(u32::from(years) * 12)).and_then(Date::from_naive)
    }

    /// The day `days` days later (earlier, when negative); `None` outside the years a record
    /// may hold.
    pub fn add_days(self, days: i64) -> Option<Date> {
        self.0.checked_add_signed(chrono::TimeDelta::try_days(days)?).and_then(Date::from_naive)
    }

    /// How many days from this date to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).num_days()
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, String> {
        let expected = || format!("“{text}”不是有效日期：应写成 YYYY-MM-DD，例如 2025-12-03");
        let mut parts = text.trim().split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(expected());
        };
        let number = |s: &str, len: usize| {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u16>().ok()).flatten()
        };
        match (number(y, 4), number(m, 2), number(d, 2)) {
            (Some(y), Some(m), Some(d)) => {
                let date = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                    .ok_or_else(|| format!("日期“{text}”在日历中不存在"))?;
                Date::from_naive(date).ok_or_else(|| {
                    format!("日期“{text}”的年份不在 {} 到 {} 年之间", YEARS.start(), YEARS.end())
                })
            }
            _ => Err(expected()),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

/// Morning or afternoon: audits are planned and reported in half days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HalfDay {
    /// 上午
    #[default]
    Morning,
    /// 下午
    Afternoon,
}

/// A half day of the calendar: `2025-12-03 am`. Orders by date, then morning before afternoon.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateHalf {
    pub date: Date,
    pub half: HalfDay,
}

impl DateHalf {
    /// Parses `YYYY-MM-DD am|pm|上午|下午`.
    pub fn parse(text: &str) -> Result<DateHalf, String> {
        let expected = || {
            format!(
                "“{text}”不是有效的审查时间：应写成日期加上午或下午，例如 2025-12-03 am 或 2025-12-03 下午"
            )
        };
        let (date, half) = text.trim().split_once(char::is_whitespace).ok_or_else(expected)?;
        let half = match half.trim() {
            "am" | "AM" | "上午" => HalfDay::Morning,
            "pm" | "PM" | "下午" => HalfDay::Afternoon,
            _ => return Err(expected()),
        };
        Ok(DateHalf { date: Date::parse(date)?, half })
    }
}

impl fmt::Display for DateHalf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let half = match self.half {
            HalfDay::Morning => "am",
            HalfDay::Afternoon => "pm",
        };
        write!(f, "{} {half}", self.date)
    }
}

/// Deserializes a type from a YAML string through its `parse` function, so that its error
/// message is the one the user sees.
struct ParseVisitor<T>(fn(&str) -> Result<T, String>, &'static str);

impl<T> Visitor<'_> for ParseVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(ParseVisitor(Date::parse, "日期，例如 2025-12-03"))
    }
}

impl<'de> Deserialize<'de> for DateHalf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(ParseVisitor(DateHalf::parse, "日期加上午或下午，例如 2025-12-03 am"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for DateHalf {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_plausible_date() {
        assert!(Date::today().year() >= 2024);
    }

    #[test]
    fn parses_and_prints_dates() {
        let d = Date::parse("2025-12-03").unwrap();
        assert_eq!(d.to_string(), "2025-12-03");
        assert!(Date::parse("2025-02-29").unwrap_err().contains("不存在"));
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2025/12/03").unwrap_err().contains("YYYY-MM-DD"));
        assert!(Date::parse("2025-1-3").is_err());
    }

    #[test]
    fn half_days_order_within_a_day() {
        let am = DateHalf::parse("2025-12-03 am").unwrap();
        let pm = DateHalf::parse("2025-12-03 下午").unwrap();
        assert!(am < pm);
        assert!(DateHalf::parse("2025-12-03").is_err());
    }

    #[test]
    fn leap_day_moves_to_february_28() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.add_years(1).unwrap().to_string(), "2025-02-28");
        assert_eq!(Date::parse("2999-06-01").unwrap().add_years(1), None);
    }

    #[test]
    fn days_are_counted_across_months_leap_days_and_years_without_a_cap() {
        let from = Date::parse("2024-02-27").unwrap();
        assert_eq!(from.add_days(3).unwrap().to_string(), "2024-03-01");
        assert_eq!(from.days_until(Date::parse("2024-03-01").unwrap()), 3);
        let later = Date::parse("2026-02-27").unwrap();
        assert_eq!(from.days_until(later), 731);
        assert_eq!(from.add_days(731), Some(later));
        assert_eq!(later.days_until(from), -731);
        assert_eq!(Date::parse("2999-12-31").unwrap().add_days(1), None);
    }

    #[test]
    fn years_outside_the_records_range_are_refused() {
        assert!(Date::parse("1899-12-31").unwrap_err().contains("1900"));
        assert_eq!(Date::new(3000, 1, 1), None);
    }
}

/// The JSON Schema of dates and half days, for editors and for the structural check of a
/// record: a string of the right shape, and a `format` whose check is the calendar's.
mod json_schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::{Date, DateHalf};

    /// `2025-12-03`.
    pub const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
    /// The `format` of a half day in the schema: a date of the calendar with its half day
    /// (checked by the loader, like `date`; editors ignore a format they do not know).
    pub const DATE_HALF_FORMAT: &str = "date-half";
    /// `2025-12-03 am`, `2025-12-03 下午`.
    pub const DATE_HALF_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t]+(am|pm|AM|PM|上午|下午)$";

    impl JsonSchema for Date {
        fn schema_name() -> Cow<'static, str> {
            "Date".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "format": "date",
                "pattern": DATE_PATTERN,
                "title": "日期",
                "description": "公历日期，写成 YYYY-MM-DD，例如 2025-12-03。",
                "examples": ["2025-12-03"]
            })
        }
    }

    impl JsonSchema for DateHalf {
        fn schema_name() -> Cow<'static, str> {
            "DateHalf".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "format": DATE_HALF_FORMAT,
                "pattern": DATE_HALF_PATTERN,
                "title": "审查时间（半天）",
                "description": "日期加上午或下午：YYYY-MM-DD am（上午）或 YYYY-MM-DD pm（下午），例如 2025-12-03 am；也可写 2025-12-03 上午。",
                "examples": ["2025-12-03 am", "2025-12-03 pm"]
            })
        }
    }
}

pub use json_schema::{DATE_HALF_FORMAT, DATE_HALF_PATTERN, DATE_PATTERN};
