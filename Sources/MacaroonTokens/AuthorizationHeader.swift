import Macaroons
import _MacaroonInternals

/// Extracts a token from an HTTP `Authorization` header, as PyPI accepts it.
///
/// - `Basic base64("__token__:" + token)`: the username must be `__token__`;
///   whitespace around the password is trimmed (what `twine` sends).
/// - `Bearer <token>` and `token <token>`.
///
/// Schemes are case-insensitive. Any other scheme or username is an error.
public enum AuthorizationHeader {
    /// The username PyPI reserves for token authentication.
    public static let tokenUsername = "__token__"

    /// The token text carried by `header`.
    ///
    /// The header comes from a stranger: it is searched and compared as bytes
    /// (a scheme is an ASCII token, RFC 9110), never as `Character`s, whose
    /// comparison puts a run of combining marks in canonical order.
    @inlinable
    public static func token(from header: some StringProtocol) throws(TokenError) -> Substring {
        // Inlined into the caller, where `Substring(header)` is free for a `String` or a
        // `Substring`: the work below runs on one concrete type, not through generic witnesses.
        try token(inHeader: Substring(header))
    }

    @usableFromInline
    static func token(inHeader header: Substring) throws(TokenError) -> Substring {
        var header = header
        // One pass over the contiguous bytes (this runs on every request): the scheme is an ASCII
        // token (RFC 9110), and every boundary found is next to ASCII whitespace, so each is also a
        // boundary of Unicode scalars where `header` is cut.
        let parts = header.withUTF8 { bytes in Parts(bytes) }
        guard let parts else {
            throw TokenError(.invalidAuthorizationHeader, detail: "the Authorization header has no credentials after its scheme")
        }
        let credentials = header.utf8Slice(parts.credentials)
        if parts.scheme == .bearer || parts.scheme == .token {
            return credentials
        }
        guard parts.scheme == .basic else {
            throw TokenError(.invalidAuthorizationHeader,
                             detail: "unsupported Authorization scheme \(Printable.text(String(header.utf8Slice(parts.schemeBytes)), limit: 16))")
        }
        let decoded: [UInt8]
        do {
            decoded = try Array(credentials.utf8).withUnsafeBufferPointer { (buffer) throws(Base64Error) in
                try Base64.decode(buffer, strictness: .anyPeerSpelling)
            }
        } catch {
            throw TokenError(.invalidAuthorizationHeader, detail: "Basic credentials are not base64: \(error.detail)")
        }
        // Bytes, not `String`: the user name is compared exactly and in linear time.
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
              let password = UTF8Text.string(decoded[(colon + 1)...]) else {
            throw TokenError(.invalidAuthorizationHeader, detail: "Basic credentials must be 'username:password' in UTF-8")
        }
        guard UTF8Text.bytes(decoded[..<colon], equal: tokenUsername) else {
            // Never echoed: people paste the token into the user name too.
            throw TokenError(.invalidAuthorizationHeader,
                             detail: "token authentication needs the username '\(tokenUsername)', got another (\(colon) bytes)")
        }
        return password[...].trimmingWhitespace()
    }

    /// Where a header's scheme and credentials are, by byte offsets into its UTF-8.
    struct Parts {
        /// The schemes PyPI accepts.
        enum Scheme { case basic, bearer, token, other }

        let scheme: Scheme
        let schemeBytes: Range<Int>
        let credentials: Range<Int>

        /// `nil` when there are no credentials after the scheme. Whitespace around the header,
        /// and between the scheme and the credentials, is skipped.
        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            var start = 0
            var end = bytes.count
            while start < end, Whitespace.contains(bytes[start]) { start += 1 }
            while end > start, Whitespace.contains(bytes[end - 1]) { end -= 1 }
            var space = start
            while space < end, bytes[space] != UInt8(ascii: " ") { space += 1 }
            var credentials = space
            while credentials < end, Whitespace.contains(bytes[credentials]) { credentials += 1 }
            guard credentials < end else { return nil }
            let scheme = UnsafeBufferPointer(rebasing: bytes[start..<space])
            if Self.isScheme(scheme, "bearer") {
                self.scheme = .bearer
            } else if Self.isScheme(scheme, "token") {
                self.scheme = .token
            } else if Self.isScheme(scheme, "basic") {
                self.scheme = .basic
            } else {
                self.scheme = .other
            }
            schemeBytes = start..<space
            self.credentials = credentials..<end
        }

        /// Whether `bytes` spell `name` (lowercase ASCII letters) in any ASCII case.
        private static func isScheme(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            guard bytes.count == expected.count else { return false }
            // For a lowercase letter, `byte | 0x20` equals it only for that letter and its capital.
            for index in 0..<bytes.count where bytes[index] | 0x20 != expected[index] { return false }
            return true
        }
    }
}

extension Substring {
    /// The part of this text at `offsets` into its UTF-8, which must be boundaries of Unicode scalars.
    fileprivate func utf8Slice(_ offsets: Range<Int>) -> Substring {
        let lower = utf8.index(utf8.startIndex, offsetBy: offsets.lowerBound)
        return self[lower..<utf8.index(lower, offsetBy: offsets.count)]
    }
}
