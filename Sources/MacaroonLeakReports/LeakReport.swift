#if LeakReports
import Foundation
import _MacaroonInternals

/// One token a reporter found in public: GitHub's secret-scanning format,
/// `{"token": …, "type": …, "url": …, "source": …}`.
public struct LeakReport: Sendable, Hashable, CustomStringConvertible {
    /// The matched text: a token (a secret: never log it).
    public let token: String
    /// The reporter's name of the pattern that matched (PyPI registered `pypi_api_token`).
    public let type: String
    /// Where it was found, a public URL (capped and escaped before it is echoed).
    public let url: String
    /// Where the reporter scanned (`content`, `commit`, `npm`, …), if said.
    public let source: String?

    /// A report entry.
    public init(token: String, type: String, url: String, source: String? = nil) {
        self.token = token
        self.type = type
        self.url = url
        self.source = source
    }

    /// The type, URL and source, escaped and capped (the reporter copied them from strangers' files); never the token.
    public var description: String {
        "LeakReport(type: \(Printable.text(type)), url: \(Printable.text(url, limit: 200)), "
            + "source: \(source.map { Printable.text($0) } ?? "-"), token: <redacted>)"
    }

    /// The limits a report body must keep.
    public struct Limits: Sendable {
        /// The longest body, bytes.
        public var maxBodyBytes: Int
        /// The most entries.
        public var maxEntries: Int
        /// The longest token, url, type or source of an entry, bytes.
        public var maxFieldBytes: Int

        /// Limits; GitHub sends batches of at most a few hundred matches.
        public init(maxBodyBytes: Int = 1024 * 1024, maxEntries: Int = 1000, maxFieldBytes: Int = 8 * 1024) {
            self.maxBodyBytes = maxBodyBytes
            self.maxEntries = maxEntries
            self.maxFieldBytes = maxFieldBytes
        }
    }

    /// Why a report body was refused (400): a sentence without any token.
    public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The sentence.
        public let message: String
        /// The sentence.
        public var description: String { message }
    }

    /// The entries of a report body: a JSON array of objects.
    ///
    /// As Warehouse: a body that is not an array is refused; an entry that is not an
    /// object with string `token`, `type` and `url` is skipped (counted in `skipped`).
    public static func parse(_ body: [UInt8], limits: Limits = Limits()) throws(FormatError) -> (entries: [LeakReport], skipped: Int) {
        guard body.count <= limits.maxBodyBytes else { throw FormatError(message: "the report is longer than \(limits.maxBodyBytes) bytes") }
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) else {
            throw FormatError(message: "the report is not JSON")
        }
        guard let array = json as? [Any] else { throw FormatError(message: "the report is not a JSON array") }
        guard array.count <= limits.maxEntries else { throw FormatError(message: "the report has more than \(limits.maxEntries) entries") }
        var entries: [LeakReport] = []
        var skipped = 0
        for item in array {
            guard let object = item as? [String: Any], let token = object["token"] as? String, let type = object["type"] as? String,
                  let url = object["url"] as? String
            else {
                skipped += 1
                continue
            }
            let source = object["source"] as? String
            guard [token, type, url, source ?? ""].allSatisfy({ $0.utf8.count <= limits.maxFieldBytes }) else {
                skipped += 1
                continue
            }
            entries.append(LeakReport(token: token, type: type, url: url, source: source))
        }
        return (entries, skipped)
    }
}
#endif
