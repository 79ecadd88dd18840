#if Hummingbird || Vapor
import _MacaroonInternals
import MacaroonTokens

/// The tokens a ``TokenAuthentication`` authenticated recently, by the `Authorization` header
/// they were presented in, so that a header presented again is not parsed, its token's
/// signature chain not walked and its caveats not decoded again.
///
/// Only what depends on the header's bytes alone is remembered. Each request still looks the
/// record up in the store and asks the owner policy, and the remembered token is used only
/// when the record holds the same root key (`AuthenticatedStoredToken.revalidated(with:ownerStatus:)`):
/// revocation, a changed owner and the stored caveats count exactly as without the cache.
/// Every caveat is still evaluated against each request.
///
/// Found by the header's last 32 bytes (the end of its token: its signature), one entry for
/// each, and used only when the whole header is the same, compared in constant time (both
/// cost less than a digest of the header). Swift's hasher is seeded per process, so an
/// attacker cannot make lookups collide; and one entry per ending means the spellings of one
/// token (another scheme, the Basic form) replace each other rather than pile up in a bucket.
///
/// Bounded: at most ``capacity`` tokens of at most ``maximumTokenLength`` bytes and
/// ``maximumCaveatCount`` caveats each, none with a caveat that cannot be decoded (a holder
/// can append caveats to a token without limit, and decoded caveats take far more memory than
/// their bytes: a 1 KiB token of 200 empty caveats held about 90 KB decoded), in headers of at
/// most ``maximumHeaderLength`` bytes; when full, it is emptied. An entry holds the header
/// and what an authenticated token holds (the parsed macaroon, its signature included, and
/// the record with its root key), as the stores' lookup caches hold records: secrets of the
/// process's memory, never printed (the cache and its entries print redacted).
final class AuthenticatedTokenCache: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A remembered token, the header it came in, and the identifier it was looked up by.
    struct Entry: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// The whole `Authorization` header.
        let header: String
        let scheme: AuthorizationScheme
        let identifier: String
        let token: AuthenticatedStoredToken

        /// The identifier only.
        var description: String { "AuthenticatedTokenCache.Entry(identifier: \(Printable.text(identifier)), header: <redacted>)" }
        /// The same as ``description``.
        var debugDescription: String { description }
        /// No children.
        var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
    }

    /// A header's last ``length`` bytes, as words: hashed by Swift's seeded hasher, compared in
    /// constant time, printed redacted (they are most of a token's signature).
    struct Ending: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        static let length = 32
        private let first: UInt64, second: UInt64, third: UInt64, fourth: UInt64

        /// The ending of `header`; `nil` when it is shorter than ``length`` bytes (no token is)
        /// or its bytes are not contiguous.
        init?(of header: String) {
            let found = header.utf8.withContiguousStorageIfAvailable { bytes -> Ending? in
                guard bytes.count >= Self.length else { return nil }
                let tail = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[(bytes.count - Self.length)...]))
                return Ending(
                    first: tail.loadUnaligned(as: UInt64.self), second: tail.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                    third: tail.loadUnaligned(fromByteOffset: 16, as: UInt64.self), fourth: tail.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
            guard let found, let ending = found else { return nil }
            self = ending
        }

        private init(first: UInt64, second: UInt64, third: UInt64, fourth: UInt64) {
            (self.first, self.second, self.third, self.fourth) = (first, second, third, fourth)
        }

        /// Constant time: no branch on the bytes.
        static func == (lhs: Ending, rhs: Ending) -> Bool {
            (lhs.first ^ rhs.first) | (lhs.second ^ rhs.second) | (lhs.third ^ rhs.third) | (lhs.fourth ^ rhs.fourth) == 0
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(first)
            hasher.combine(second)
            hasher.combine(third)
            hasher.combine(fourth)
        }

        /// Redacted.
        var description: String { "AuthenticatedTokenCache.Ending(<redacted>)" }
        /// Redacted.
        var debugDescription: String { description }
        /// No children.
        var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
    }

    /// The most tokens kept.
    let capacity: Int
    /// The longest token text kept, in bytes.
    static let maximumTokenLength = 1024
    /// The longest header kept, in bytes (a token of ``maximumTokenLength`` bytes in Basic credentials takes 1,386).
    static let maximumHeaderLength = 2048
    /// The most first-party caveats a kept token may carry (issued tokens carry a handful).
    static let maximumCaveatCount = 16
    private let entries = Locked<[Ending: Entry]>([:])

    /// A cache of at most `capacity` tokens.
    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The token remembered for exactly this header.
    func entry(for header: String) -> Entry? {
        guard let ending = Ending(of: header), let entry = entries.withLock({ $0[ending] }), Self.same(entry.header, header) else { return nil }
        return entry
    }

    /// Remembers an authenticated token, the `text` found in its header, unless the text or the
    /// header is longer than kept or whitespace around the token was trimmed (see ``endsWithItsToken(_:text:)``).
    func insert(_ entry: Entry, text: Substring) {
        guard text.utf8.count <= Self.maximumTokenLength, entry.header.utf8.count <= Self.maximumHeaderLength,
              Self.endsWithItsToken(entry.header, text: text), let ending = Ending(of: entry.header) else { return }
        entries.withLock { entries in
            if entries.count >= capacity, entries[ending] == nil { entries.removeAll(keepingCapacity: true) }
            entries[ending] = entry
        }
    }

    /// Forgets the token remembered for this header.
    func remove(_ header: String) {
        guard let ending = Ending(of: header) else { return }
        entries.withLock { entries in
            if let entry = entries[ending], Self.same(entry.header, header) { entries[ending] = nil }
        }
    }

    /// The number of tokens remembered (for tests).
    var count: Int { entries.withLock { $0.count } }

    /// The capacity only.
    var description: String { "AuthenticatedTokenCache(capacity: \(capacity))" }
    /// The same as ``description``.
    var debugDescription: String { description }
    /// The capacity only.
    var customMirror: Mirror { Mirror(self, children: ["capacity": capacity], displayStyle: .class) }

    /// Whether `header` ends with its credentials, and they hold the token `text` as found: no
    /// whitespace was trimmed after the credentials, after a Bearer or `token` token, or around a
    /// Basic password. Whitespace is ignored when a header is read, so otherwise one token could be
    /// sent with any number of endings, each an entry of its own, and a holder could empty the cache
    /// at will by sending them; as it is, the spellings of a token share a few endings at most (the
    /// scheme's case and the whitespace before the credentials do not change the ending; base64's two
    /// alphabets and padding give a few).
    static func endsWithItsToken(_ header: String, text: Substring) -> Bool {
        guard let last = header.utf8.last, !Whitespace.contains(last) else { return false }
        // Bearer and `token`: `text` is cut from the header itself, and must end it. Basic: from the
        // decoded password (always shorter than its header), and must be all of it.
        if text.base.utf8.count == header.utf8.count { return text.endIndex == text.base.endIndex }
        return text.base.utf8.count == text.utf8.count
    }

    /// Whether two headers are the same bytes, compared in constant time.
    private static func same(_ lhs: String, _ rhs: String) -> Bool {
        let same = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                UnsafeRawBufferPointer(left).hasSameBytesInConstantTime(as: UnsafeRawBufferPointer(right))
            }
        }
        return same.flatMap { $0 } ?? false
    }
}
#endif
