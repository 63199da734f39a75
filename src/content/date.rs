//! Dates in front matter: a real calendar day, with an optional time of day and offset.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::ops::Range;

/// A calendar date with an optional time, kept as written (normalised to RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Full RFC 3339 date-time (midnight UTC when only a day was given).
    pub rfc3339: String,
}

impl Date {
    /// Parses `YYYY-MM-DD`, optionally followed by `THH:MM:SS` and `Z` or an offset.
    /// The day must exist in its month (leap years included) and the time on a clock.
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not a date: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
        let b = s.as_bytes();
        let digits = |r: Range<usize>| b.get(r.clone()).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        if !(digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10)) {
            return Err(bad());
        }
        let number = |r: Range<usize>| s[r].parse::<u32>().map_err(|_| bad());
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` is not a date: there is no month {month}"));
        }
        let last = days_in_month(year, month);
        if !(1..=last).contains(&day) {
            return Err(format!("`{s}` is not a date: {year}-{month:02} has {last} days"));
        }
        let date = s[..10].to_string();
        let rest = &s[10..];
        let rfc3339 = if rest.is_empty() {
            format!("{date}T00:00:00Z")
        } else {
            let time = rest.strip_prefix(['T', ' ']).ok_or_else(bad)?;
            let tb = time.as_bytes();
            let ok = time.len() >= 8
                && time.is_char_boundary(8)
                && tb[2] == b':'
                && tb[5] == b':'
                && [0..2, 3..5, 6..8]
                    .iter()
                    .all(|r| tb[r.clone()].iter().all(u8::is_ascii_digit));
            if !ok {
                return Err(bad());
            }
            let clock = |r: Range<usize>| time[r].parse::<u32>().map_err(|_| bad());
            let (h, m, sec) = (clock(0..2)?, clock(3..5)?, clock(6..8)?);
            if h > 23 || m > 59 || sec > 59 {
                return Err(format!(
                    "`{s}` is not a date: `{}` is not a time of day (00:00:00 to 23:59:59)",
                    &time[..8]
                ));
            }
            let zone = time[8..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
            let zone = match zone {
                "" | "Z" | "z" => "Z".to_string(),
                z if is_offset(z) => z.to_string(),
                _ => return Err(bad()),
            };
            format!("{date}T{}{zone}", &time[..8])
        };
        Ok(Date { day: date, rfc3339 })
    }
}

/// Days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `z` is a UTC offset `+HH:MM` / `-HH:MM` within a day.
fn is_offset(z: &str) -> bool {
    let b = z.as_bytes();
    let two = |i: usize| -> Option<u32> {
        z.get(i..i + 2)?
            .parse()
            .ok()
            .filter(|_| b[i..i + 2].iter().all(u8::is_ascii_digit))
    };
    b.len() == 6
        && matches!(b[0], b'+' | b'-')
        && b[3] == b':'
        && two(1).is_some_and(|h| h <= 23)
        && two(4).is_some_and(|m| m <= 59)
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2024-05-01")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
            // TOML's native dates arrive as a one-entry map holding their text.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let (_, v): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| serde::de::Error::custom("empty date"))?;
                Date::parse(&v).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2024-02-03").unwrap().day, "2024-02-03");
        assert_eq!(
            Date::parse("2024-02-03T04:05:06+08:00").unwrap().rfc3339,
            "2024-02-03T04:05:06+08:00"
        );
        assert_eq!(
            Date::parse("2024-02-03 04:05:06.123Z").unwrap().rfc3339,
            "2024-02-03T04:05:06Z"
        );
        assert!(Date::parse("2024-13-03").is_err());
        assert!(Date::parse("yesterday").is_err());
        assert!(Date::parse("2024-02-03T4:05").is_err());
        assert!(Date::parse("2024-02-03T04:05:06+ab:cd").is_err());
    }

    #[test]
    fn dates_must_exist() {
        assert!(Date::parse("2024-02-29").is_ok(), "2024 is a leap year");
        assert!(Date::parse("2000-02-29").is_ok(), "2000 is a leap year");
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-00-10",
            "2024-01-00",
            "2024-01-01T25:00:00Z",
            "2024-01-01T23:61:00Z",
            "2024-01-01T25:61:61Z",
            "2024-01-01T12:00:60Z",
            "2024-01-01T12:00:00+24:00",
            "2024-01-01T12:00:00+01:60",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(Date::parse("2024-02-30").unwrap_err().contains("has 29 days"));
    }
}
