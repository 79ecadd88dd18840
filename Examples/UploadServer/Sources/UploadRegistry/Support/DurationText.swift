/// Durations as commands take them: `90`, `90s`, `15m`, `2h`, `30d` (seconds when no unit).
enum DurationText {
    /// The duration in seconds, or `nil` for text that is not one (or more than 100 years).
    static func seconds(_ text: String) -> Int64? {
        guard let last = text.last else { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let (digits, unit): (Substring, Int64) =
            if let unit = units[last] { (text.dropLast(), unit) } else { (Substring(text), 1) }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy(\.isASCII), let value = Int64(digits), value > 0 else {
            return nil
        }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow, seconds <= 100 * 365 * 86400 else { return nil }
        return seconds
    }
}
