import MacaroonTokens
import _MacaroonInternals

/// TIME and DURATION arguments.
enum TimeParsing {
    /// Unix seconds (`1767225600`) or RFC 3339 (`2026-01-01T00:00:00Z`, `2026-01-01T01:00:00+01:00`).
    static func time(_ text: String) throws -> Int64 {
        if !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let seconds = Int64(text) { return seconds }
        guard let seconds = rfc3339(Array(text.utf8)) else {
            throw ToolError("'\(text)' is not a time: use Unix seconds or RFC 3339, e.g. 2026-12-01T00:00:00Z")
        }
        return seconds
    }

    /// `start + duration`, or an error naming the largest time when it is past it.
    static func adding(_ duration: Int64, to start: Int64) throws -> Int64 {
        let (end, overflow) = start.addingReportingOverflow(duration)
        guard !overflow else {
            throw ToolError("--not-before plus --ttl is past the largest time a caveat can hold (\(Int64.max), \(UnixTime.format(.max)))")
        }
        return end
    }

    /// `90s`, `15m`, `1h`, `7d`, or combinations such as `1h30m`.
    static func duration(_ text: String) throws -> Int64 {
        var total: Int64 = 0
        var number: Int64?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (value, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, value <= Int64.max - Int64(digit) else { throw ToolError("duration '\(text)' is too large") }
                number = value + Int64(digit)
                continue
            }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3_600
            case "d": unit = 86_400
            default: throw ToolError("'\(text)' is not a duration: use forms like 90s, 15m, 1h, 7d")
            }
            guard let value = number else { throw ToolError("'\(text)' is not a duration: a unit needs a number before it") }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow, total <= Int64.max - scaled else { throw ToolError("duration '\(text)' is too large") }
            total += scaled
            number = nil
        }
        guard number == nil, total > 0 else { throw ToolError("'\(text)' is not a duration: use forms like 90s, 15m, 1h, 7d") }
        return total
    }

    private static func rfc3339(_ bytes: [UInt8]) -> Int64? {
        var index = 0
        func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + count)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ allowed: String) -> Bool {
            guard index < bytes.count, allowed.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2), expect("Tt "),
              let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        if expect(".") {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
        }
        var offset: Int64 = 0
        if expect("Zz") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), expect(":"), let minutes = digits(2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3_600 + minutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        return UnixTime.daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second - offset
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
