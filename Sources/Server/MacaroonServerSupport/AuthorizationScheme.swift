#if Hummingbird || Vapor
/// The scheme of an `Authorization` header, for metrics and logs (never the credentials).
public enum AuthorizationScheme: String, Sendable, Hashable, CaseIterable {
    /// No `Authorization` header.
    case none
    /// `Basic base64("__token__:" + token)`, what twine and pip send.
    case basic
    /// `Bearer <token>`.
    case bearer
    /// `token <token>`.
    case token
    /// Any other scheme (refused).
    case other

    /// The scheme of `header`: its first word, compared case-insensitively.
    public init(header: (some StringProtocol)?) {
        guard let header else {
            self = .none
            return
        }
        // On the contiguous bytes of a native string (this runs on every request); a copy otherwise.
        self = header.utf8.withContiguousStorageIfAvailable(Self.init(firstWordOf:)) ?? Self(firstWordOf: Array(header.utf8))
    }

    private init(firstWordOf bytes: some Collection<UInt8>) {
        var word = bytes.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        if let end = word.firstIndex(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            word = word[..<end]
        }
        if Self.equalsIgnoringCase(word, "basic") {
            self = .basic
        } else if Self.equalsIgnoringCase(word, "bearer") {
            self = .bearer
        } else if Self.equalsIgnoringCase(word, "token") {
            self = .token
        } else {
            self = .other
        }
    }

    /// The position of the scheme in ``allCases``.
    var index: Int {
        switch self {
        case .none: 0
        case .basic: 1
        case .bearer: 2
        case .token: 3
        case .other: 4
        }
    }

    /// Whether `bytes`, ASCII-lowercased, equal the lowercase `word`.
    private static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, letter in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 == letter : byte == letter
            }
        }
    }
}
#endif
