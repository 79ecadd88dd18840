/// A release version as PEP 440 defines it, parsed as the `packaging` library that Warehouse
/// uses parses it (`packaging.version.Version`): what an upload's versions are compared with.
///
/// Numbers are kept as digit strings without leading zeros, never converted to integers, so
/// no version traps or overflows; input longer than ``maximumBytes`` is not a version. Letters
/// are case-insensitive; surrounding whitespace is not accepted.
struct PackageVersion: Equatable, CustomStringConvertible {
    /// The longest text read as a version (a file name's length).
    static let maximumBytes = 255

    /// The epoch (`N!`), `0` when absent.
    private(set) var epoch = "0"
    /// The release numbers (`1.0.3`).
    private(set) var release: [String] = []
    /// The pre-release, normalized: `a`, `b` or `rc` and its number (`rc1`).
    private(set) var pre: String?
    /// The post-release number.
    private(set) var post: String?
    /// The development release number.
    private(set) var dev: String?
    /// The local version's segments, lowercase (numbers without leading zeros).
    private(set) var local: [String]?

    /// Parses `text`; `nil` when it is not a PEP 440 version.
    init?(_ text: String) {
        guard text.utf8.count <= Self.maximumBytes else { return nil }
        var scanner = Scanner(text)
        guard scanner.parse(into: &self) else { return nil }
    }

    /// The normalized form (`str(Version(...))`), e.g. `1.0rc1.post2` for `1.0-RC1-2`.
    var description: String { text(release: release) }

    /// The release this version names, as Warehouse identifies releases (`canonicalize_version`):
    /// the normalized form without trailing zero release numbers, so `1.0` and `1.0.0` are one release.
    var canonical: String { text(release: Self.trimmed(release)) }

    /// Whether this version has a local part (`+…`), which Warehouse refuses.
    var isLocal: Bool { local != nil }

    /// PEP 440 equality: trailing zeros of the release do not count (`1.0 == 1.0.0`).
    static func == (left: PackageVersion, right: PackageVersion) -> Bool {
        left.canonical == right.canonical
    }

    private func text(release: [String]) -> String {
        var text = epoch == "0" ? "" : epoch + "!"
        text += release.joined(separator: ".")
        if let pre { text += pre }
        if let post { text += ".post" + post }
        if let dev { text += ".dev" + dev }
        if let local { text += "+" + local.joined(separator: ".") }
        return text
    }

    private static func trimmed(_ release: [String]) -> [String] {
        var release = release
        while release.count > 1, release.last == "0" { release.removeLast() }
        return release
    }

    /// packaging's `VERSION_PATTERN`, read left to right over lowercased bytes. Each optional
    /// separator and number is taken whenever present: the regular expression's greedy choice,
    /// which never needs undoing because what may follow starts with a separator, a label or `+`.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ text: String) {
            bytes = text.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
        }

        mutating func parse(into version: inout PackageVersion) -> Bool {
            _ = take("v")
            guard var number = digits() else { return false }
            if take("!") {
                version.epoch = number
                guard let first = digits() else { return false }
                number = first
            }
            version.release = [number]
            while peek(UInt8(ascii: "."), then: Self.isDigit) {
                index += 1
                version.release.append(digits()!)
            }
            if let label = labelAfterSeparator(["alpha", "beta", "preview", "pre", "rc", "a", "b", "c"]) {
                let normalized = switch label {
                case "alpha", "a": "a"
                case "beta", "b": "b"
                default: "rc"
                }
                version.pre = normalized + numberAfterSeparator()
            }
            if peek(UInt8(ascii: "-"), then: Self.isDigit) {
                index += 1
                version.post = digits()
            } else if labelAfterSeparator(["post", "rev", "r"]) != nil {
                version.post = numberAfterSeparator()
            }
            if labelAfterSeparator(["dev"]) != nil {
                version.dev = numberAfterSeparator()
            }
            if take("+") {
                var segments: [String] = []
                while true {
                    let start = index
                    while index < bytes.count, Self.isDigit(bytes[index]) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) {
                        index += 1
                    }
                    guard index > start else { return false }
                    let segment = bytes[start..<index]
                    segments.append(segment.allSatisfy(Self.isDigit) ? Self.withoutLeadingZeros(segment) : String(decoding: segment, as: UTF8.self))
                    guard index < bytes.count, Self.isSeparator(bytes[index]) else { break }
                    index += 1
                }
                version.local = segments
            }
            return index == bytes.count
        }

        /// One of `labels` (longest first), after an optional `-`, `_` or `.`; consumed when found.
        mutating func labelAfterSeparator(_ labels: [String]) -> String? {
            let start = index
            if index < bytes.count, Self.isSeparator(bytes[index]) { index += 1 }
            for label in labels where bytes[index...].starts(with: label.utf8) {
                index += label.utf8.count
                return label
            }
            index = start
            return nil
        }

        /// The number after a label: an optional separator, then digits (`0` when there are none).
        mutating func numberAfterSeparator() -> String {
            if index < bytes.count, Self.isSeparator(bytes[index]) { index += 1 }
            return digits() ?? "0"
        }

        /// The digits at the cursor without leading zeros, or `nil` when there are none.
        mutating func digits() -> String? {
            let start = index
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
            return index > start ? Self.withoutLeadingZeros(bytes[start..<index]) : nil
        }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        func peek(_ byte: UInt8, then next: (UInt8) -> Bool) -> Bool {
            index + 1 < bytes.count && bytes[index] == byte && next(bytes[index + 1])
        }

        static func withoutLeadingZeros(_ digits: ArraySlice<UInt8>) -> String {
            let significant = digits.drop { $0 == UInt8(ascii: "0") }
            return significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self)
        }

        static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        static func isSeparator(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
