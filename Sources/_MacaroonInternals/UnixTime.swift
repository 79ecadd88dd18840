/// Unix seconds as UTC calendar text, without Foundation.
///
/// Every `Int64` is a time: the proleptic Gregorian calendar carries on past
/// year 9999 and before year 1 (`Int64.max` is `292277026596-12-04 15:30:07 UTC`),
/// and no arithmetic here can overflow, since caveat times come from token holders.
package enum UnixTime {
    /// `in 2 days`, `3 hours ago`.
    /// Any two `Int64` times: the distance between them always fits a `UInt64`,
    /// while their `Int64` difference may not.
    package static func relative(_ seconds: Int64, now: Int64) -> String {
        let isFuture = seconds >= now
        let magnitude = isFuture
            ? UInt64(bitPattern: seconds) &- UInt64(bitPattern: now)
            : UInt64(bitPattern: now) &- UInt64(bitPattern: seconds)
        let (value, unit): (UInt64, String) =
            magnitude >= 86_400 ? (magnitude / 86_400, "day") :
            magnitude >= 3_600 ? (magnitude / 3_600, "hour") :
            magnitude >= 60 ? (magnitude / 60, "minute") : (magnitude, "second")
        let amount = "\(value) \(unit)\(value == 1 ? "" : "s")"
        return isFuture ? "in \(amount)" : "\(amount) ago"
    }

    /// `2026-12-01 00:00:00 UTC`, for any `Int64`.
    package static func format(_ seconds: Int64) -> String {
        // Floor division: the remainder has the dividend's sign, so borrow a day for
        // times before 1970 (no intermediate value exceeds the dividend's magnitude).
        var (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) UTC"
    }

    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
    ///
    /// Cannot overflow for the days of any `Int64` of seconds (`|days|` < 1.1e14);
    /// only values within a million days of `Int64`'s ends could.
    package static func civilDate(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a calendar date (inverse of ``civilDate(daysSinceEpoch:)``).
    package static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
